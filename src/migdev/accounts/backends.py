"""Authentication backend whose permissions come from roles only.

Django's ``user.has_perm`` (and ``perms`` in templates) then agree with ``migdev.accounts.access``.
Permissions attached directly to users or to ``auth.Group`` carry no scope and are ignored.
"""

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.db.models import Model, QuerySet

from migdev.accounts import access
from migdev.accounts.models import User


class RoleBackend(ModelBackend):
    def get_user_permissions(self, user_obj: Any, obj: Model | None = None) -> set[str]:
        return set()

    def get_group_permissions(self, user_obj: Any, obj: Model | None = None) -> set[str]:
        if obj is not None:
            return set()
        return set(access.granted_permissions(user_obj))

    def get_all_permissions(self, user_obj: Any, obj: Model | None = None) -> set[str]:
        return self.get_group_permissions(user_obj, obj)

    def has_perm(self, user_obj: Any, perm: str, obj: Model | None = None) -> bool:
        return perm in self.get_all_permissions(user_obj, obj)

    def has_module_perms(self, user_obj: Any, app_label: str) -> bool:
        return any(perm.startswith(f"{app_label}.") for perm in self.get_all_permissions(user_obj))

    def with_perm(
        self,
        perm: Any,
        is_active: bool = True,
        include_superusers: bool = True,
        obj: Model | None = None,
    ) -> QuerySet[Any]:
        if obj is not None or not isinstance(perm, str) or "." not in perm:
            return User.objects.none()
        app_label, codename = perm.split(".", 1)
        users = User.objects.filter(
            roles__grants__permission__content_type__app_label=app_label,
            roles__grants__permission__codename=codename,
        )
        if include_superusers:
            users = users | User.objects.filter(is_superuser=True)
        if is_active:
            users = users.filter(is_active=True)
        return users.distinct()
