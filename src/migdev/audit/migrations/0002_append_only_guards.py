"""Database triggers refusing UPDATE and DELETE on audit events (see migdev.audit.guards)."""

from django.db import migrations

from migdev.audit.guards import install_guards_migration, remove_guards_migration


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]

    operations = [migrations.RunPython(install_guards_migration, remove_guards_migration)]
