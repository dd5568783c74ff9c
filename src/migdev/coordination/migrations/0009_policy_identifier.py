"""A stable identifier for each migration policy, the key of the policy file import.

Existing policies get ``<ISO3>-<year>-<id>``, which is unique because the id is; new ones get theirs from
the service (or from the imported file).
"""

from django.db import migrations, models


def backfill(apps, schema_editor):
    policy_model = apps.get_model("coordination", "MigrationPolicy")
    for policy in policy_model.objects.filter(identifier__isnull=True).only("pk", "country_iso3", "year"):
        policy.identifier = f"{policy.country_iso3}-{policy.year}-{policy.pk}"
        policy.save(update_fields=["identifier"])


class Migration(migrations.Migration):
    dependencies = [
        ("coordination", "0008_verified_memberships"),
    ]

    operations = [
        migrations.AddField(
            model_name="migrationpolicy",
            name="identifier",
            field=models.CharField(max_length=100, null=True, verbose_name="identifier"),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="migrationpolicy",
            name="identifier",
            field=models.CharField(
                help_text="Stable key of the record: a file import with the same identifier updates it.",
                max_length=100,
                unique=True,
                verbose_name="identifier",
            ),
        ),
    ]
