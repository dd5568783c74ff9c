from typing import Any

from django.db.models import QuerySet

from migdev.accounts.access import has_permission, scoped_queryset
from migdev.dataio.models import ImportRun
from migdev.dataio.registry import LoadFormat, formats

IMPORT_PERMISSION = "dataio.add_importrun"
VIEW_IMPORTS_PERMISSION = "dataio.view_importrun"


def can_import(user: Any) -> bool:
    """May ``user`` use the import page and API at all (some formats also need their own permissions)."""
    return has_permission(user, IMPORT_PERMISSION)


def can_import_format(user: Any, load_format: LoadFormat) -> bool:
    """An import writes records, so it needs the permissions for those records too: without this an
    importer could change what their roles otherwise keep them from changing."""
    if load_format.folder:
        return False  # one uploaded file cannot carry a folder; such formats load with `migdev load`
    return can_import(user) and all(has_permission(user, perm) for perm in load_format.permissions)


def formats_for(user: Any) -> list[LoadFormat]:
    """The registered formats ``user`` may import, by name."""
    return [load_format for load_format in formats() if can_import_format(user, load_format)]


def import_runs_visible_to(user: Any) -> QuerySet[ImportRun]:
    """Everyone sees their own imports, plus those ``dataio.view_importrun`` reaches at the scope their roles
    grant it (administrators and editors: all of them)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return ImportRun.objects.none()
    others = scoped_queryset(
        user,
        VIEW_IMPORTS_PERMISSION,
        ImportRun.objects.all(),
        owner_field="user",
        group_field=None,
        organisation_field="user__organisation",
    )
    return (others | ImportRun.objects.filter(user=user)).select_related("user")
