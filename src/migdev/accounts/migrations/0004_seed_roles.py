"""The seven roles and what they may do with accounts records.

Later modules grant their own permissions in their own migrations (see migdev.accounts.migration_helpers).
"""

from django.db import migrations

from migdev.accounts.migration_helpers import grant_role_permissions, revoke_role_permissions

DESCRIPTIONS = {
    "administrator": "Manages organisations, users, groups and roles; reads and exports the audit log.",
    "data_protection_officer": "Reads and exports the audit log. Never sees case content.",
    "case_worker": "Records and follows their own cases.",
    "supervisor": "Oversees the cases of the groups they belong to.",
    "analyst": "Works with aggregates only; never sees individual records.",
    "editor": "Edits public content.",
    "partner": "Uses the API for the records of their own organisation.",
}

NOTE = {action: f"accounts.{action}_note" for action in ("view", "add", "change", "delete")}

GRANTS = {
    "administrator": {
        "accounts.view_organisation": "all",
        "accounts.add_organisation": "all",
        "accounts.change_organisation": "all",
        "accounts.view_user": "all",
        "accounts.add_user": "all",
        "accounts.change_user": "all",
        "accounts.view_usergroup": "all",
        "accounts.add_usergroup": "all",
        "accounts.change_usergroup": "all",
        "accounts.view_roledefinition": "all",
        "accounts.change_roledefinition": "all",
        **{perm: "all" for perm in NOTE.values()},
    },
    # Staff directory only: who is who, to read the audit log. No notes, no case content.
    "data_protection_officer": {
        "accounts.view_organisation": "all",
        "accounts.view_user": "all",
        "accounts.view_usergroup": "all",
        "accounts.view_roledefinition": "all",
    },
    "case_worker": {
        "accounts.view_organisation": "all",
        NOTE["view"]: "own",
        NOTE["add"]: "own",
        NOTE["change"]: "own",
        NOTE["delete"]: "own",
    },
    "supervisor": {
        "accounts.view_organisation": "all",
        NOTE["view"]: "group",
        NOTE["add"]: "own",
        NOTE["change"]: "group",
        NOTE["delete"]: "own",
    },
    "analyst": {"accounts.view_organisation": "all"},
    "editor": {"accounts.view_organisation": "all"},
    "partner": {
        "accounts.view_organisation": "all",
        NOTE["view"]: "organisation",
        NOTE["add"]: "own",
        NOTE["change"]: "own",
    },
}


def seed(apps, schema_editor):
    RoleDefinition = apps.get_model("accounts", "RoleDefinition")
    for code, description in DESCRIPTIONS.items():
        RoleDefinition.objects.update_or_create(code=code, defaults={"description": description})
    grant_role_permissions(apps, GRANTS)


def unseed(apps, schema_editor):
    revoke_role_permissions(apps, GRANTS)
    apps.get_model("accounts", "RoleDefinition").objects.filter(code__in=DESCRIPTIONS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_seed_organisations"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(seed, unseed)]
