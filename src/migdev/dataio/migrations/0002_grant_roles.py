"""Who imports data files and reads the import history.

Administrators, and editors: editors publish the platform's public content, and the files loaded here
(reference lists, indicator and remittance-price editions) become public content the moment they load,
all at once and with no review step. Analysts work with that data but do not publish it; a person who does
both holds both roles. Formats can ask for more permissions (the organisation list needs the administrators'
``accounts.change_organisation``), so being allowed to import never widens what a role may change.
"""

from django.db import migrations

from migdev.accounts.migration_helpers import grant_role_permissions, revoke_role_permissions

GRANTS = {
    role: {"dataio.add_importrun": "all", "dataio.view_importrun": "all"} for role in ("administrator", "editor")
}


def grant(apps, schema_editor):
    grant_role_permissions(apps, GRANTS)


def revoke(apps, schema_editor):
    revoke_role_permissions(apps, GRANTS)


class Migration(migrations.Migration):
    dependencies = [("dataio", "0001_initial"), ("accounts", "0004_seed_roles")]

    operations = [migrations.RunPython(grant, revoke)]
