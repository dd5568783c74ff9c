"""Writes to the reference data. The tables are filled by migrations; this reloads them from data/."""

from pathlib import Path

from django.apps import apps
from django.db import transaction

from migdev.reference.loading import DATA_DIR, load_reference_data


def reference_data_load(*, data_dir: Path | None = None) -> dict[str, int]:
    """Bring the reference tables in line with the CSV files (all or nothing); rows written per model.

    Safe to run repeatedly: codes are matched, nothing is duplicated, rows other tables point at survive.
    """
    with transaction.atomic():
        return load_reference_data(apps, None, data_dir=data_dir or DATA_DIR)
