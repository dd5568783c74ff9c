"""Editors edit coordination content and peer-review practices; administrators may too."""

from django.db import migrations

from migdev.accounts.migration_helpers import grant_role_permissions, revoke_role_permissions

GRANTS = {
    "editor": {"coordination.edit_content": "all", "coordination.review_practice": "all"},
    "administrator": {"coordination.edit_content": "all", "coordination.review_practice": "all"},
}


def grant(apps, schema_editor):
    grant_role_permissions(apps, GRANTS)


def revoke(apps, schema_editor):
    revoke_role_permissions(apps, GRANTS)


class Migration(migrations.Migration):
    dependencies = [
        ("coordination", "0002_reference_data"),
        ("accounts", "0004_seed_roles"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
