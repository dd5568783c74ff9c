from typing import Any

from django.db.models import QuerySet

from migdev.dataio.models import ImportRun

IMPORT_PERMISSION = "dataio.add_importrun"
VIEW_ALL_IMPORTS_PERMISSION = "dataio.view_importrun"


def has_permission(user: Any, perm: str) -> bool:
    # Imported at call time: migdev.accounts.access is written alongside this module.
    from migdev.accounts.access import (  # type: ignore[import-untyped,unused-ignore]
        has_permission as accounts_has_permission,
    )

    return bool(getattr(user, "is_authenticated", False) and accounts_has_permission(user, perm))


def can_import(user: Any) -> bool:
    return has_permission(user, IMPORT_PERMISSION)


def import_runs_visible_to(user: Any) -> QuerySet[ImportRun]:
    """Everyone sees their own imports; holders of ``dataio.view_importrun`` see all of them."""
    if not getattr(user, "is_authenticated", False):
        return ImportRun.objects.none()
    runs = ImportRun.objects.select_related("user")
    if has_permission(user, VIEW_ALL_IMPORTS_PERMISSION):
        return runs
    return runs.filter(user=user)
