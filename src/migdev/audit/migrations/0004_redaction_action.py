"""The "redact" action (``migdev audit_redact``). Choices live in Python only, but SQLite may rebuild the
table for any AlterField, which drops the triggers: they are re-installed last (see migdev.audit.guards)."""

from django.db import migrations, models

from migdev.audit.guards import install_guards_migration, remove_guards_migration


class Migration(migrations.Migration):
    dependencies = [("audit", "0003_grant_roles")]

    operations = [
        migrations.AlterField(
            model_name="auditevent",
            name="action",
            field=models.CharField(
                choices=[
                    ("create", "Create"),
                    ("read", "Read"),
                    ("update", "Update"),
                    ("delete", "Delete"),
                    ("export", "Export"),
                    ("import", "Import"),
                    ("login", "Sign-in"),
                    ("failed_login", "Failed sign-in"),
                    ("logout", "Sign-out"),
                    ("permission_denied", "Permission denied"),
                    ("token_create", "API token created"),
                    ("token_revoke", "API token revoked"),
                    ("redact", "Redaction of audit details"),
                ],
                db_index=True,
                max_length=30,
                verbose_name="action",
            ),
        ),
        migrations.RunPython(install_guards_migration, remove_guards_migration),
    ]
