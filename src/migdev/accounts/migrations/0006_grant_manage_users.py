"""Administrators manage every user account (the user administration pages).

A deployment where each organisation runs its own staff narrows this grant to "organisation" scope:
administrators then see and manage only the accounts of their own organisation.
"""

from django.db import migrations

from migdev.accounts.migration_helpers import grant_role_permissions, revoke_role_permissions

GRANTS = {"administrator": {"accounts.manage_users": "all"}}


def grant(apps, schema_editor):
    grant_role_permissions(apps, GRANTS)


def revoke(apps, schema_editor):
    revoke_role_permissions(apps, GRANTS)


class Migration(migrations.Migration):
    dependencies = [("accounts", "0005_manage_users_permission")]

    operations = [migrations.RunPython(grant, revoke)]
