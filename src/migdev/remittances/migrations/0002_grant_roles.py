"""Who may record prices and manage provider tokens. All remittance data is public to read."""

from django.db import migrations

from migdev.accounts.migration_helpers import grant_role_permissions, revoke_role_permissions

GRANTS = {
    "administrator": {
        "remittances.add_service": "all",
        "remittances.change_service": "all",
        "remittances.view_providertoken": "all",
        "remittances.add_providertoken": "all",
        "remittances.change_providertoken": "all",
    },
    # Researchers who collect prices hold the editor role.
    "editor": {
        "remittances.add_service": "all",
        "remittances.change_service": "all",
    },
}


def grant(apps, schema_editor):
    grant_role_permissions(apps, GRANTS)


def revoke(apps, schema_editor):
    revoke_role_permissions(apps, GRANTS)


class Migration(migrations.Migration):
    dependencies = [
        ("remittances", "0001_initial"),
        ("accounts", "0004_seed_roles"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
