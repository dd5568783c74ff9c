"""SDG 10.7.4 by UNHCR's method: an indicator may divide by denominator + numerator; the catalogue is
installed again so that 10.7.4 uses it (and its definition says so)."""

from django.apps.registry import Apps
from django.db import migrations, models
from django.db.backends.base.schema import BaseDatabaseSchemaEditor


def install(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    from migdev.indicators.services import catalogue_install

    catalogue_install(registry=apps)


class Migration(migrations.Migration):
    dependencies = [("indicators", "0005_observation_indexes")]

    operations = [
        migrations.AddField(
            model_name="indicator",
            name="denominator_adds_numerator",
            field=models.BooleanField(
                default=False,
                help_text="Divide by denominator + numerator (UNHCR's SDG 10.7.4: refugees / (population + refugees)).",
                verbose_name="denominator includes the numerator",
            ),
        ),
        migrations.RunPython(install, migrations.RunPython.noop, elidable=False),
    ]
