"""Every free-text field encrypted (transfer recipient, purpose and safeguards; request safeguards; the
name of an unlisted organisation), and consent with a method and an expiry date.

Rows written before hold clear text: ``encrypt_clear_rows`` encrypts them in place with the field keys.
Their copies in the audit log are redacted separately with ``migdev audit_redact`` (see docs/trafficking.md
and docs/adr/0007-free-text-encrypted-audit-redaction.md): the audit table is append-only and only its owner
may lift the guards.
"""

from typing import Any

from django.db import migrations, models

import migdev.protection.fields
from migdev.protection.crypto import field_cipher, looks_encrypted

NEWLY_ENCRYPTED: dict[str, tuple[str, ...]] = {
    "trafficking_datatransfer": ("recipient", "purpose", "safeguards"),
    "trafficking_caserequest": ("safeguards",),
    "trafficking_referral": ("organisation_name",),
}


def _rewrite(schema_editor: Any, *, encrypt: bool) -> None:
    connection = schema_editor.connection
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        for table, columns in NEWLY_ENCRYPTED.items():
            for column in columns:
                cursor.execute(
                    f"SELECT id, {quote(column)} FROM {quote(table)} WHERE {quote(column)} <> ''"  # noqa: S608
                )
                for pk, value in cursor.fetchall():
                    if encrypt == looks_encrypted(value):
                        continue
                    # The cipher is built only when a row needs it: an empty database migrates without keys.
                    cipher = field_cipher()
                    new_value = cipher.encrypt(value) if encrypt else cipher.decrypt(value)
                    cursor.execute(
                        f"UPDATE {quote(table)} SET {quote(column)} = %s WHERE id = %s",  # noqa: S608
                        [new_value, pk],
                    )


def encrypt_clear_rows(apps: Any, schema_editor: Any) -> None:
    _rewrite(schema_editor, encrypt=True)


def decrypt_rows(apps: Any, schema_editor: Any) -> None:
    _rewrite(schema_editor, encrypt=False)


class Migration(migrations.Migration):

    dependencies = [
        ("trafficking", "0002_grant_roles"),
    ]

    operations = [
        migrations.AddField(
            model_name='consent',
            name='expires_on',
            field=models.DateField(blank=True, help_text='Consent no longer counts after this day; leave empty if it was given without a limit.', null=True, verbose_name='valid until'),
        ),
        migrations.AddField(
            model_name='consent',
            name='method',
            field=models.CharField(choices=[('written', 'Written and signed'), ('oral_recorded', 'Oral, recorded'), ('oral_witnessed', 'Oral, before a witness'), ('electronic', 'Electronic'), ('not_recorded', 'Not recorded')], default='not_recorded', max_length=20, verbose_name='how it was given'),
        ),
        migrations.AlterField(
            model_name='caserequest',
            name='safeguards',
            field=migdev.protection.fields.EncryptedCharField(blank=True, max_length=500, verbose_name='safeguards'),
        ),
        migrations.AlterField(
            model_name='datatransfer',
            name='purpose',
            field=migdev.protection.fields.EncryptedCharField(max_length=300, verbose_name='purpose'),
        ),
        migrations.AlterField(
            model_name='datatransfer',
            name='recipient',
            field=migdev.protection.fields.EncryptedCharField(max_length=200, verbose_name='recipient'),
        ),
        migrations.AlterField(
            model_name='datatransfer',
            name='safeguards',
            field=migdev.protection.fields.EncryptedCharField(max_length=500, verbose_name='safeguards'),
        ),
        migrations.AlterField(
            model_name='referral',
            name='organisation_name',
            field=migdev.protection.fields.EncryptedCharField(blank=True, max_length=200, verbose_name='organisation (if not listed)'),
        ),
        migrations.RunPython(encrypt_clear_rows, decrypt_rows),
    ]
