"""Helpers for data migrations that grant permissions to roles.

Django creates permissions only after all migrations ran (post_migrate), so a data migration cannot
look them up. ``grant_role_permissions`` creates any missing content type and permission from the
historical model (default and ``Meta.permissions`` codenames) and then the role grant. A module that
adds a record type grants its permissions in its own data migration, depending on
``("accounts", "0004_seed_roles")``::

    def grant(apps, schema_editor):
        grant_role_permissions(apps, {"case_worker": {"trafficking.view_case": "own"}})

    operations = [migrations.RunPython(grant, revoke)]   # revoke: revoke_role_permissions(...)
"""

from collections.abc import Mapping
from typing import Any

from migdev.accounts.roles import Role, Scope

RoleGrants = Mapping[str, Mapping[str, str]]


def _permission_name(action: str, verbose_name: str) -> str:
    return f"Can {action} {verbose_name}"


def ensure_permission(apps: Any, perm: str) -> Any:
    """The ``auth.Permission`` row for "<app_label>.<codename>", created from the historical model."""
    app_label, codename = perm.split(".", 1)
    permission_model = apps.get_model("auth", "Permission")
    content_type_model = apps.get_model("contenttypes", "ContentType")
    for model in apps.get_app_config(app_label).get_models():
        options = model._meta
        candidates = {
            f"{action}_{options.model_name}": _permission_name(action, str(options.verbose_name_raw))
            for action in options.default_permissions
        }
        candidates.update({code: str(name) for code, name in options.permissions})
        if codename in candidates:
            content_type, _ = content_type_model.objects.get_or_create(
                app_label=app_label, model=options.model_name
            )
            permission, _ = permission_model.objects.get_or_create(
                content_type=content_type, codename=codename, defaults={"name": candidates[codename][:255]}
            )
            return permission
    raise LookupError(f"No model in {app_label!r} defines the permission {perm!r}.")


def grant_role_permissions(apps: Any, grants: RoleGrants) -> None:
    """Give each role each permission at the scope named; an existing grant gets the new scope."""
    role_model = apps.get_model("accounts", "RoleDefinition")
    role_permission_model = apps.get_model("accounts", "RolePermission")
    for role_code, permissions in grants.items():
        role, _ = role_model.objects.get_or_create(code=Role(role_code).value)
        for perm, scope in permissions.items():
            role_permission_model.objects.update_or_create(
                role=role, permission=ensure_permission(apps, perm), defaults={"scope": Scope(scope).value}
            )


def revoke_role_permissions(apps: Any, grants: RoleGrants) -> None:
    role_permission_model = apps.get_model("accounts", "RolePermission")
    for role_code, permissions in grants.items():
        for perm in permissions:
            app_label, codename = perm.split(".", 1)
            role_permission_model.objects.filter(
                role__code=role_code,
                permission__content_type__app_label=app_label,
                permission__codename=codename,
            ).delete()
