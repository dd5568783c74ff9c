"""Processes, memberships, chairs, topics and Global Compact objectives from data/processes.toml."""

from django.db import migrations


def load(apps, schema_editor):
    from migdev.coordination.seed import load_reference_data

    load_reference_data(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("coordination", "0001_initial"),
        ("accounts", "0003_seed_organisations"),
    ]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
