"""Shared fixtures. Module fixtures live in tests/<module>/conftest.py; builders in tests/factories.py."""

from collections.abc import Callable, Iterator

import pytest
from django.conf import LazySettings
from django.conf import settings as django_settings
from django.test import Client
from django.utils import translation

from migdev.accounts import access
from migdev.accounts.models import User
from tests.factories import login_verified, make_user

# The audit table's triggers refuse DELETE; this plugin lifts them only while pytest-django flushes a test database.
pytest_plugins = ["migdev.audit.testing"]


@pytest.fixture(autouse=True)
def _default_language_after_each_test() -> Iterator[None]:
    """A request to /fr/ leaves French active in this thread (LocaleMiddleware never deactivates), which
    would make later tests' messages French; every test starts and ends in the default language."""
    translation.activate(django_settings.LANGUAGE_CODE)
    yield
    translation.activate(django_settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _cheap_argon2(settings: LazySettings) -> None:
    settings.PASSWORD_HASHERS = [
        "tests.hashers.CheapArgon2PasswordHasher",
        *settings.PASSWORD_HASHERS,
    ]


@pytest.fixture(autouse=True)
def _no_otp_throttling(settings: LazySettings) -> None:
    # django-otp delays retries after a wrong code; tests that need that behaviour turn it back on.
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    settings.OTP_STATIC_THROTTLE_FACTOR = 0


@pytest.fixture(autouse=True)
def _skills_editions_read_at_every_search(settings: LazySettings) -> None:
    # Tests roll loads back between them: a current edition kept for a few seconds could outlive its rollback.
    settings.SKILLS_EDITIONS_REVALIDATE_SECONDS = 0


@pytest.fixture(autouse=True)
def _diaspora_roster_reloaded() -> None:
    # Rolled-back tests reuse ids and revision numbers: a roster cached by an earlier test could carry the
    # same (revision, highest id) stamp as this test's different rows.
    from migdev.diaspora import roster

    roster.forget()


@pytest.fixture
def login_as(client: Client, db: None) -> Callable[..., User]:
    """Sign ``client`` in as a new user holding ``roles`` (keyword arguments go to ``make_user``).

    Users whose roles require two-factor authentication are signed in past it, as after a full sign-in;
    the others are signed in with their password only, as they would be.
    """

    def login(*roles: str, **fields: object) -> User:
        user = make_user(*roles, **fields)
        if access.require_two_factor(user):
            login_verified(client, user)
        else:
            client.force_login(user)
        return user

    return login


@pytest.fixture
def role_grants_restored(transactional_db: None) -> None:
    """The role grants every data migration seeds (``GRANTS`` of ``<app>/migrations/*.py``), put back: a
    transactional test's database may have been emptied by an earlier one (pytest-django flushes after
    each), so such tests restore them themselves."""
    import importlib
    from pathlib import Path

    from django.apps import apps

    from migdev.accounts.migration_helpers import grant_role_permissions

    package = Path(importlib.import_module("migdev").__file__ or "").parent
    # accounts first: its seed migration creates the roles the others grant to.
    for app in [
        "accounts",
        *sorted(p.parent.name for p in package.glob("*/migrations") if p.parent.name != "accounts"),
    ]:
        for path in sorted((package / app / "migrations").glob("0*.py")):
            module = importlib.import_module(f"migdev.{app}.migrations.{path.stem}")
            if hasattr(module, "GRANTS"):
                grant_role_permissions(apps, module.GRANTS)
