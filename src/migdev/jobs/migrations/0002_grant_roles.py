"""Administrators see every user's background jobs (to follow up failures); everyone else sees their own."""

from django.db import migrations

from migdev.accounts.migration_helpers import grant_role_permissions, revoke_role_permissions

GRANTS = {"administrator": {"jobs.view_all_jobs": "all"}}


def grant(apps, schema_editor):
    grant_role_permissions(apps, GRANTS)


def revoke(apps, schema_editor):
    revoke_role_permissions(apps, GRANTS)


class Migration(migrations.Migration):
    dependencies = [("jobs", "0001_initial"), ("accounts", "0004_seed_roles")]

    operations = [migrations.RunPython(grant, revoke)]
