"""Editors (and administrators) approve information pages for migrants; an editor cannot approve their
own text, so a second editor acts as the reviewer."""

from django.db import migrations

from migdev.accounts.migration_helpers import grant_role_permissions, revoke_role_permissions

GRANTS = {
    "editor": {"coordination.approve_information": "all"},
    "administrator": {"coordination.approve_information": "all"},
}


def grant(apps, schema_editor):
    grant_role_permissions(apps, GRANTS)


def revoke(apps, schema_editor):
    revoke_role_permissions(apps, GRANTS)


class Migration(migrations.Migration):
    dependencies = [
        ("coordination", "0005_publication_search_index"),
        ("accounts", "0004_seed_roles"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
