"""Load countries, M49 areas, currencies, languages and World Bank classifications from data/*.csv."""

from django.db import migrations

from migdev.reference.loading import load_reference_data, unload_reference_data


class Migration(migrations.Migration):
    dependencies = [("reference", "0001_initial")]

    operations = [migrations.RunPython(load_reference_data, unload_reference_data, elidable=False)]
