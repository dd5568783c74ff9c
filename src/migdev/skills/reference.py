"""The ESCO and ISCO-08 editions shipped with migdev (``data/``), loaded by ``migdev skills_reference``,
which ``python3 run.py start`` runs after migrating: the first command gives a working skills module."""

from __future__ import annotations

from pathlib import Path

from django.db import transaction

from migdev.dataio.progress import NullProgress, Progress
from migdev.dataio.registry import ImportResult
from migdev.skills import compact, services


def load_shipped(
    path: Path = compact.SHIPPED_FILE, *, progress: Progress | None = None
) -> list[ImportResult]:
    """Load (all or nothing) the shipped compact taxonomy; a second run changes nothing."""
    progress = progress or NullProgress()
    esco, isco = compact.read(path)
    with transaction.atomic():
        return [
            services.isco_edition_write(isco, progress=progress),
            services.esco_edition_write(esco, progress=progress),
        ]
