"""Load formats of the skills module: ``migdev load esco FOLDER`` and ``migdev load isco FILE``.

Both read and check everything first (outside any transaction), then write in one transaction through the
dataio runner: all or nothing, a progress bar, errors naming file, row and column. Loading the same
edition again changes nothing; a newer edition is written beside the older one and becomes current.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy as _

from migdev.dataio.progress import Progress
from migdev.dataio.registry import ImportResult, LoadFormat, LoadOptions, PreparedLoad
from migdev.dataio.services import confirm_changes
from migdev.skills import services
from migdev.skills.taxonomy_files import read_esco_folder, read_isco_file

if TYPE_CHECKING:
    from migdev.accounts.models import User

PERMISSIONS = ("skills.add_occupation", "skills.add_skill", "skills.add_iscogroup")


def prepare_esco(path: Path, *, progress: Progress, user: User | None, options: LoadOptions) -> PreparedLoad:
    data = read_esco_folder(path, progress=progress)
    return PreparedLoad(
        read=data.rows,
        write=lambda: services.esco_edition_write(data, progress=progress),
        changes=services.esco_changes(data),
        notes=data.notes,
    )


def prepare_isco(path: Path, *, progress: Progress, user: User | None, options: LoadOptions) -> PreparedLoad:
    data = read_isco_file(path, progress=progress)
    return PreparedLoad(
        read=len(data.groups),
        write=lambda: services.isco_edition_write(data, progress=progress),
        changes=services.isco_changes(data),
        notes=data.notes,
    )


def _direct(prepare_name: str):  # type: ignore[no-untyped-def]
    def load(path: Path, *, progress: Progress, user: User | None) -> ImportResult:
        prepared = globals()[prepare_name](path, progress=progress, user=user, options=LoadOptions())
        if prepared.changes is not None:
            confirm_changes(path, prepared.changes, LoadOptions(), read=prepared.read)
        result: ImportResult = prepared.write()
        return result

    return load


FORMATS = (
    LoadFormat(
        name="esco",
        description=_(
            "ESCO classification, the folder of the CSV download (English, with French and Spanish files "
            "when present): occupations, skills, their relations and hierarchy"
        ),
        loader=_direct("prepare_esco"),
        prepare=prepare_esco,
        permissions=PERMISSIONS,
        folder=True,
    ),
    LoadFormat(
        name="isco",
        description=_("ISCO-08 groups as ESCO publishes them (ISCOGroups_en.csv)"),
        loader=_direct("prepare_isco"),
        prepare=prepare_isco,
        permissions=PERMISSIONS,
    ),
)
