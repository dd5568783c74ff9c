"""The disclosure audit's basis kept with each release (trafficking/ledger.py). Releases approved before
it have none: later candidates are still compared with them cell by cell (``PublicationLedgerEntry.derived``)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("trafficking", "0007_person_pair_edit_tokens")]

    operations = [
        migrations.AddField(
            model_name="release",
            name="audit_basis",
            field=models.JSONField(blank=True, default=dict, editable=False),
        ),
    ]
