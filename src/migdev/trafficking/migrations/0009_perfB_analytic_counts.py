
import json

import django.db.models.deletion
from django.db import migrations, models

# The fields the summary counts when this migration was written (services.SUMMARY_FIELDS).
COUNTED = (
    "year_of_registration",
    "registration_period",
    "gender",
    "age_broad",
    "majority_status",
    "citizenship_region",
    "citizenship",
    "exploitation_region",
    "country_of_exploitation",
    "mask_type_of_exploit",
    "mask_means_of_control",
    "mask_means_merged",
    "mask_type_of_labour",
    "mask_type_of_sex",
    "mask_recruiter_relation",
    "mask_perpetrator_role",
)


def count_existing_records(apps, schema_editor):
    AnalyticRecord = apps.get_model("trafficking", "AnalyticRecord")
    AnalyticCount = apps.get_model("trafficking", "AnalyticCount")
    rows = []
    for name in COUNTED:
        grouped = (
            AnalyticRecord.objects.order_by()
            .values_list("source_id", "organisation_id", "group_id", name)
            .annotate(n=models.Count("*"))
        )
        for source_id, organisation_id, group_id, value, n in grouped:
            rows.append(
                AnalyticCount(
                    source_id=source_id,
                    organisation_id=organisation_id,
                    group_id=group_id,
                    dimension=name,
                    value=json.dumps(value),
                    count=n,
                )
            )
    AnalyticCount.objects.bulk_create(rows, batch_size=1000)


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0009_diaspora_roles'),
        ('trafficking', '0008_ctledger_audit_basis'),
    ]

    operations = [
        migrations.CreateModel(
            name='AnalyticCount',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('dimension', models.CharField(max_length=40)),
                ('value', models.CharField(max_length=80)),
                ('count', models.IntegerField(default=0)),
                ('group', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='accounts.usergroup')),
                ('organisation', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='accounts.organisation')),
                ('source', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='trafficking.analyticsource')),
            ],
            options={
                'default_permissions': (),
                'indexes': [models.Index(fields=['source', 'dimension', 'value'], name='trafficking_ac_key')],
            },
        ),
        migrations.RunPython(count_existing_records, migrations.RunPython.noop),
    ]
