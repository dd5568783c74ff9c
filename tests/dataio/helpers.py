"""Fixtures and helpers shared by the dataio and jobs tests."""

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import Permission


@pytest.fixture
def make_user(django_user_model: Any) -> Callable[..., Any]:
    counter = iter(range(1, 10_000))

    def make(*permissions: str, **fields: Any) -> Any:
        fields.setdefault("username", f"user{next(counter)}")
        user = django_user_model.objects.create_user(password="a long test password", **fields)
        for permission in permissions:
            app_label, codename = permission.split(".")
            user.user_permissions.add(
                Permission.objects.get(content_type__app_label=app_label, codename=codename)
            )
        return user

    return make


def stored_files(root: Path) -> list[Path]:
    return [path for path in root.rglob("*") if path.is_file()]
