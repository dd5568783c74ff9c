"""Memberships, observers, secretariats and chairs checked against published sources (November 2026).

Runs the same loader as 0002 on the corrected data/processes.toml: rows are updated or created by their
natural keys and the rows the check withdrew (the file's `retired` section) are deleted, so a database
seeded before the check ends up exactly where a new one starts. Idempotent; the migration is atomic, so
either every correction is applied or none.
"""

from django.db import migrations


def load(apps, schema_editor):
    from migdev.coordination.seed import load_reference_data

    load_reference_data(apps)


class Migration(migrations.Migration):
    atomic = True

    dependencies = [
        ("coordination", "0007_research_network"),
    ]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
