"""Editors load indicator data and record plans and governance findings; administrators may too."""

from django.db import migrations

from migdev.accounts.migration_helpers import grant_role_permissions, revoke_role_permissions

PERMISSIONS = {
    "indicators.load_observations": "all",
    "indicators.add_developmentplan": "all",
    "indicators.change_developmentplan": "all",
    "indicators.add_governanceassessment": "all",
    "indicators.delete_governanceassessment": "all",
    "indicators.add_policydomainscore": "all",
    "indicators.change_policydomainscore": "all",
}
GRANTS = {"editor": PERMISSIONS, "administrator": PERMISSIONS}


def grant(apps, schema_editor):
    grant_role_permissions(apps, GRANTS)


def revoke(apps, schema_editor):
    revoke_role_permissions(apps, GRANTS)


class Migration(migrations.Migration):
    dependencies = [
        ("indicators", "0003_load_permission"),
        ("accounts", "0004_seed_roles"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
