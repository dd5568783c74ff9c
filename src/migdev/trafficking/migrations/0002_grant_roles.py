"""What each role may do with counter-trafficking records.

Case workers their own cases, supervisors their groups' cases (and the approvals, merges and consent
overrides that come with them), analysts statistics and releases only, data protection officers the
review of releases (and, through the audit app, the audit log), partners nothing.
"""

from django.db import migrations

from migdev.accounts.migration_helpers import grant_role_permissions, revoke_role_permissions

GRANTS = {
    "case_worker": {
        "trafficking.view_case": "own",
        "trafficking.add_case": "own",
        "trafficking.change_case": "own",
        "trafficking.export_case": "own",
        "trafficking.view_referral": "own",
    },
    "supervisor": {
        "trafficking.view_case": "group",
        "trafficking.add_case": "own",
        "trafficking.change_case": "group",
        "trafficking.export_case": "group",
        "trafficking.approve_case": "group",
        "trafficking.merge_case": "group",
        "trafficking.override_consent": "group",
        "trafficking.view_referral": "group",
    },
    "analyst": {
        "trafficking.view_statistics": "all",
        "trafficking.view_release": "all",
        "trafficking.add_release": "all",
    },
    "data_protection_officer": {
        "trafficking.view_release": "all",
        "trafficking.approve_release": "all",
    },
    "administrator": {
        "trafficking.load_analytic_records": "all",
    },
}


def grant(apps, schema_editor):
    grant_role_permissions(apps, GRANTS)


def revoke(apps, schema_editor):
    revoke_role_permissions(apps, GRANTS)


class Migration(migrations.Migration):
    dependencies = [("trafficking", "0001_initial"), ("accounts", "0004_seed_roles")]

    operations = [migrations.RunPython(grant, revoke)]
