"""Fills the Global Compact objectives' French and Spanish titles and the hub's short labels from
data/processes.toml. Idempotent (keyed on the objective's number), so it also refreshes a database that
already has some of them; reversing leaves the values, which the previous migration's reverse drops."""

from django.db import migrations


def load(apps, schema_editor):
    from migdev.coordination.seed import load_gcm_objectives

    load_gcm_objectives(apps)


class Migration(migrations.Migration):
    dependencies = [("coordination", "0010_gcm_objective_translations")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
