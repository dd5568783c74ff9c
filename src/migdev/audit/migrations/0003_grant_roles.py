"""The data protection officer and the administrator read and export the audit log; nobody else does."""

from django.db import migrations

from migdev.accounts.migration_helpers import grant_role_permissions, revoke_role_permissions

GRANTS = {
    role: {"audit.view_auditevent": "all", "audit.export_auditevent": "all"}
    for role in ("administrator", "data_protection_officer")
}


def grant(apps, schema_editor):
    grant_role_permissions(apps, GRANTS)


def revoke(apps, schema_editor):
    revoke_role_permissions(apps, GRANTS)


class Migration(migrations.Migration):
    dependencies = [("audit", "0002_append_only_guards"), ("accounts", "0004_seed_roles")]

    operations = [migrations.RunPython(grant, revoke)]
