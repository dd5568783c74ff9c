"""Labour mobility: every table of the module, and the permissions of the five labour roles.

Each record type is reached through its own paths (see ``migdev.labour.selectors``): scheme officers
through the scheme's managing organisation, employers through their own job orders, recruiters through
the job orders assigned to them, public employment service officers through the workers their service
registered, workers through their own account.
"""

import django.db.models.deletion
import django.utils.timezone
import migdev.protection.fields
from django.conf import settings
from django.db import migrations, models


from migdev.accounts.migration_helpers import grant_role_permissions, revoke_role_permissions  # noqa: E402

GRANTS = {
    "scheme_officer": {
        "labour.view_scheme": "organisation",
        "labour.add_scheme": "organisation",
        "labour.change_scheme": "organisation",
        "labour.waive_gate_check": "organisation",
        "labour.view_joborder": "organisation",
        "labour.add_joborder": "organisation",
        "labour.change_joborder": "organisation",
        "labour.view_application": "organisation",
        "labour.change_application": "organisation",
        "labour.view_employer": "all",
        "labour.view_recruiter": "all",
        "labour.add_recruiter": "all",
        "labour.change_recruiter": "all",
        "labour.view_shortageoccupation": "all",
    },
    "pes_officer": {
        "labour.view_scheme": "all",
        "labour.view_joborder": "all",
        "labour.view_worker": "organisation",
        "labour.add_worker": "organisation",
        "labour.change_worker": "organisation",
        "labour.view_shortageoccupation": "all",
    },
    "employer": {
        "labour.view_scheme": "all",
        "labour.view_own_joborder": "organisation",
        "labour.add_joborder": "organisation",
    },
    "recruiter": {
        "labour.view_scheme": "all",
        "labour.view_assigned_joborder": "organisation",
    },
    "worker": {
        "labour.view_scheme": "all",
        "labour.view_own_worker": "own",
    },
}


def grant(apps, schema_editor):
    grant_role_permissions(apps, GRANTS)


def revoke(apps, schema_editor):
    revoke_role_permissions(apps, GRANTS)


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('accounts', '0008_labour_roles'),
        ('reference', '0002_load_reference_data'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='Application',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('version', models.PositiveIntegerField(default=1, editable=False)),
                ('stage', models.CharField(choices=[('shortlisted', 'Shortlisted'), ('interview_proposed', 'Interview proposed'), ('interview', 'Interview accepted'), ('selected', 'Selected'), ('offer', 'Offer made'), ('accepted', 'Offer accepted'), ('refused', 'Refused'), ('withdrawn', 'Withdrawn'), ('deployed', 'Deployed')], default='shortlisted', max_length=20, verbose_name='stage')),
                ('score', models.FloatField(blank=True, null=True, verbose_name='match score')),
                ('sub_scores', models.JSONField(blank=True, default=dict, verbose_name='sub-scores')),
                ('explanation', models.JSONField(blank=True, default=dict, verbose_name='explanation')),
                ('shortlisted_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='shortlisted')),
                ('interview_proposed_at', models.DateTimeField(blank=True, null=True, verbose_name='interview proposed')),
                ('interview_accepted_at', models.DateTimeField(blank=True, null=True, verbose_name='interview accepted by the worker')),
                ('selected_at', models.DateTimeField(blank=True, null=True, verbose_name='selected')),
                ('offer_at', models.DateTimeField(blank=True, null=True, verbose_name='offer made')),
                ('accepted_at', models.DateTimeField(blank=True, null=True, verbose_name='offer accepted')),
                ('refused_at', models.DateTimeField(blank=True, null=True, verbose_name='refused')),
                ('refused_by_worker', models.BooleanField(default=False, verbose_name='refused by the worker')),
                ('deployed_at', models.DateTimeField(blank=True, null=True, verbose_name='deployed')),
                ('grievance_channel', models.CharField(blank=True, max_length=300, verbose_name='grievance channel')),
                ('grievance_channel_given_on', models.DateField(blank=True, null=True, verbose_name='grievance channel given')),
                ('updated_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='updated')),
                ('shortlisted_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'verbose_name': 'application',
                'verbose_name_plural': 'applications',
                'ordering': ['job_order', '-score', 'pk'],
            },
        ),
        migrations.CreateModel(
            name='Complaint',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('version', models.PositiveIntegerField(default=1, editable=False)),
                ('received_on', models.DateField(verbose_name='received')),
                ('summary', migdev.protection.fields.EncryptedTextField(verbose_name='summary')),
                ('outcome', models.CharField(choices=[('open', 'Open'), ('resolved', 'Resolved'), ('referred', 'Referred'), ('dismissed', 'Dismissed')], default='open', max_length=12, verbose_name='outcome')),
                ('outcome_on', models.DateField(blank=True, null=True, verbose_name='outcome date')),
                ('application', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='complaints', to='labour.application')),
            ],
            options={
                'verbose_name': 'complaint',
                'verbose_name_plural': 'complaints',
                'ordering': ['application', '-received_on'],
            },
        ),
        migrations.CreateModel(
            name='Employer',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('version', models.PositiveIntegerField(default=1, editable=False)),
                ('verified_at', models.DateTimeField(blank=True, null=True, verbose_name='verified')),
                ('verification_note', models.CharField(blank=True, max_length=300, verbose_name='verification')),
                ('country', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='reference.country', to_field='iso3', verbose_name='country')),
                ('organisation', models.OneToOneField(on_delete=django.db.models.deletion.PROTECT, related_name='labour_employer', to='accounts.organisation', verbose_name='organisation')),
                ('verified_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'verbose_name': 'employer',
                'verbose_name_plural': 'employers',
                'ordering': ['organisation__name'],
            },
        ),
        migrations.CreateModel(
            name='JobOrder',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('version', models.PositiveIntegerField(default=1, editable=False)),
                ('title', models.CharField(max_length=200, verbose_name='job title')),
                ('occupation_uri', models.CharField(max_length=255, verbose_name='occupation (ESCO URI)')),
                ('isco_code', models.CharField(blank=True, max_length=4, verbose_name='ISCO-08 code')),
                ('essential_skill_uris', models.JSONField(blank=True, default=list, verbose_name='essential skills')),
                ('optional_skill_uris', models.JSONField(blank=True, default=list, verbose_name='optional skills')),
                ('languages', models.JSONField(blank=True, default=list, help_text='[{"code": "eng", "level": 3}] (CEFR 1=A1 … 6=C2)', verbose_name='languages')),
                ('positions', models.PositiveIntegerField(verbose_name='positions')),
                ('place', models.CharField(max_length=200, verbose_name='place of work')),
                ('start_date', models.DateField(verbose_name='start date')),
                ('contract_months', models.PositiveSmallIntegerField(verbose_name='contract length (months)')),
                ('wage_amount', models.DecimalField(decimal_places=2, max_digits=12, verbose_name='wage')),
                ('wage_currency', models.CharField(max_length=3, verbose_name='currency')),
                ('wage_period', models.CharField(choices=[('hour', 'per hour'), ('day', 'per day'), ('week', 'per week'), ('month', 'per month'), ('year', 'per year')], max_length=10, verbose_name='wage period')),
                ('hours_per_week', models.DecimalField(decimal_places=1, max_digits=4, verbose_name='hours per week')),
                ('housing_terms', models.TextField(blank=True, verbose_name='housing')),
                ('travel_terms', models.TextField(blank=True, verbose_name='travel')),
                ('approval_status', models.CharField(choices=[('draft', 'Draft'), ('submitted', 'Submitted'), ('approved', 'Approved'), ('rejected', 'Rejected'), ('closed', 'Closed')], default='draft', max_length=12, verbose_name='approval')),
                ('approved_at', models.DateTimeField(blank=True, null=True, verbose_name='approved')),
                ('is_sample', models.BooleanField(default=False, verbose_name='sample data')),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now, editable=False, verbose_name='created')),
                ('updated_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='updated')),
                ('approved_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('destination_country', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='reference.country', to_field='iso3', verbose_name='country')),
                ('employer', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='job_orders', to='labour.employer')),
            ],
            options={
                'verbose_name': 'job order',
                'verbose_name_plural': 'job orders',
                'ordering': ['start_date', 'pk'],
                'permissions': [('view_own_joborder', 'Can see the job orders of their own organisation as employer'), ('view_assigned_joborder', 'Can see the job orders assigned to their organisation as recruiter')],
            },
        ),
        migrations.AddField(
            model_name='application',
            name='job_order',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='applications', to='labour.joborder'),
        ),
        migrations.CreateModel(
            name='Recruiter',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('version', models.PositiveIntegerField(default=1, editable=False)),
                ('licence_number', models.CharField(blank=True, max_length=100, verbose_name='licence number')),
                ('licence_valid_from', models.DateField(blank=True, null=True, verbose_name='licence valid from')),
                ('licence_valid_to', models.DateField(blank=True, null=True, verbose_name='licence valid to')),
                ('iris_status', models.CharField(choices=[('certified', 'IRIS certified'), ('in_process', 'IRIS certification in process'), ('not_certified', 'Not IRIS certified'), ('suspended', 'IRIS certification suspended')], default='not_certified', max_length=20, verbose_name='IRIS status')),
                ('roster_source', models.CharField(max_length=300, verbose_name='roster')),
                ('roster_date', models.DateField(verbose_name='roster date')),
                ('country', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='reference.country', to_field='iso3', verbose_name='country')),
                ('organisation', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='labour_recruiters', to='accounts.organisation', verbose_name='organisation')),
            ],
            options={
                'verbose_name': 'recruiter',
                'verbose_name_plural': 'recruiters',
                'ordering': ['organisation__name', '-roster_date'],
            },
        ),
        migrations.AddField(
            model_name='joborder',
            name='recruiter',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='job_orders', to='labour.recruiter'),
        ),
        migrations.CreateModel(
            name='Scheme',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('version', models.PositiveIntegerField(default=1, editable=False)),
                ('title', models.CharField(max_length=200, verbose_name='title')),
                ('kind', models.CharField(choices=[('bilateral_agreement', 'Bilateral labour agreement'), ('seasonal_scheme', 'Seasonal worker scheme'), ('skills_partnership', 'Skills partnership')], max_length=30, verbose_name='kind')),
                ('reference', models.CharField(blank=True, max_length=100, verbose_name='reference')),
                ('occupation_uris', models.JSONField(blank=True, default=list, verbose_name='occupations (ESCO URIs)')),
                ('partners', models.TextField(blank=True, verbose_name='partners')),
                ('conditions', models.TextField(blank=True, verbose_name='conditions')),
                ('start_date', models.DateField(verbose_name='start date')),
                ('end_date', models.DateField(blank=True, null=True, verbose_name='end date')),
                ('health_g2g_agreement', models.BooleanField(default=False, verbose_name='government-to-government agreement covering health workers')),
                ('is_sample', models.BooleanField(default=False, verbose_name='sample data')),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now, editable=False, verbose_name='created')),
                ('updated_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='updated')),
                ('destination_country', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='reference.country', to_field='iso3', verbose_name='destination')),
                ('organisation', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='labour_schemes', to='accounts.organisation', verbose_name='managing organisation')),
                ('origin_countries', models.ManyToManyField(blank=True, related_name='+', to='reference.country', verbose_name='countries of origin')),
            ],
            options={
                'verbose_name': 'labour-mobility scheme',
                'verbose_name_plural': 'labour-mobility schemes',
                'ordering': ['title', 'pk'],
                'permissions': [('waive_gate_check', 'Can waive a safeguards check with a reason')],
            },
        ),
        migrations.AddField(
            model_name='joborder',
            name='scheme',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='job_orders', to='labour.scheme'),
        ),
        migrations.CreateModel(
            name='SchemeQuota',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('version', models.PositiveIntegerField(default=1, editable=False)),
                ('year', models.PositiveSmallIntegerField(verbose_name='year')),
                ('positions', models.PositiveIntegerField(verbose_name='positions')),
                ('scheme', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='quotas', to='labour.scheme')),
            ],
            options={
                'verbose_name': 'yearly quota',
                'verbose_name_plural': 'yearly quotas',
                'ordering': ['scheme', 'year'],
            },
        ),
        migrations.CreateModel(
            name='ShortageOccupation',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('version', models.PositiveIntegerField(default=1, editable=False)),
                ('occupation_uri', models.CharField(blank=True, max_length=255, verbose_name='occupation (ESCO URI)')),
                ('isco_code', models.CharField(max_length=4, verbose_name='ISCO-08 code')),
                ('listed_on', models.DateField(verbose_name='list date')),
                ('source', models.CharField(max_length=300, verbose_name='source')),
                ('source_url', models.URLField(blank=True, max_length=500, verbose_name='source URL')),
                ('destination_country', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='reference.country', to_field='iso3', verbose_name='destination')),
            ],
            options={
                'verbose_name': 'shortage occupation',
                'verbose_name_plural': 'shortage occupations',
                'ordering': ['destination_country', '-listed_on', 'isco_code'],
            },
        ),
        migrations.CreateModel(
            name='Worker',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('version', models.PositiveIntegerField(default=1, editable=False)),
                ('pseudonym', models.CharField(max_length=12, unique=True, verbose_name='pseudonym')),
                ('given_name', migdev.protection.fields.EncryptedCharField(max_length=150, verbose_name='given name')),
                ('family_name', migdev.protection.fields.EncryptedCharField(blank=True, max_length=150, verbose_name='family name')),
                ('phone', migdev.protection.fields.EncryptedCharField(blank=True, max_length=50, verbose_name='phone')),
                ('email', migdev.protection.fields.EncryptedCharField(blank=True, max_length=254, verbose_name='email')),
                ('identity_document_number', migdev.protection.fields.EncryptedCharField(blank=True, max_length=50, verbose_name='identity document number')),
                ('notes', migdev.protection.fields.EncryptedTextField(blank=True, verbose_name='notes')),
                ('date_of_birth', migdev.protection.fields.EncryptedDateField(blank=True, null=True, verbose_name='date of birth')),
                ('birth_month', models.DateField(verbose_name='birth month')),
                ('sex', models.CharField(choices=[('female', 'Female'), ('male', 'Male'), ('other', 'Other'), ('not_stated', 'Not stated')], default='not_stated', max_length=12, verbose_name='sex')),
                ('languages', models.JSONField(blank=True, default=list, verbose_name='languages')),
                ('isced_level', models.PositiveSmallIntegerField(blank=True, null=True, verbose_name='education (ISCED 2011 level)')),
                ('occupation_uris', models.JSONField(blank=True, default=list, verbose_name='occupations')),
                ('isco_code', models.CharField(blank=True, max_length=4, verbose_name='ISCO-08 code')),
                ('skill_uris', models.JSONField(blank=True, default=list, verbose_name='skills')),
                ('experience_years', models.DecimalField(decimal_places=1, default=0, max_digits=4, verbose_name='years of experience')),
                ('available_from', models.DateField(blank=True, null=True, verbose_name='available from')),
                ('preferred_destinations', models.JSONField(blank=True, default=list, verbose_name='preferred destinations')),
                ('consent_processing_at', models.DateTimeField(blank=True, null=True, verbose_name='consent to processing given')),
                ('consent_processing_method', models.CharField(blank=True, choices=[('signed_form', 'Signed form'), ('online', 'Online, by the worker'), ('oral_witnessed', 'Orally, witnessed by an officer')], max_length=20, verbose_name='consent method')),
                ('consent_processing_withdrawn_at', models.DateTimeField(blank=True, null=True, verbose_name='consent withdrawn')),
                ('is_sample', models.BooleanField(default=False, verbose_name='sample data')),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now, editable=False, verbose_name='created')),
                ('updated_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='updated')),
                ('country_of_residence', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='reference.country', to_field='iso3', verbose_name='country of residence')),
                ('organisation', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='labour_workers', to='accounts.organisation', verbose_name='public employment service or migrant resource centre')),
                ('user', models.OneToOneField(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='labour_worker', to=settings.AUTH_USER_MODEL, verbose_name='account')),
            ],
            options={
                'verbose_name': 'worker',
                'verbose_name_plural': 'workers',
                'ordering': ['pseudonym'],
                'permissions': [('view_own_worker', 'Can see and change their own worker profile')],
            },
        ),
        migrations.CreateModel(
            name='SchemeConsent',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('version', models.PositiveIntegerField(default=1, editable=False)),
                ('given_at', models.DateTimeField(verbose_name='given')),
                ('method', models.CharField(choices=[('signed_form', 'Signed form'), ('online', 'Online, by the worker'), ('oral_witnessed', 'Orally, witnessed by an officer')], max_length=20, verbose_name='method')),
                ('withdrawn_at', models.DateTimeField(blank=True, null=True, verbose_name='withdrawn')),
                ('scheme', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='worker_consents', to='labour.scheme')),
                ('worker', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='scheme_consents', to='labour.worker')),
            ],
            options={
                'verbose_name': "consent to be shown to a scheme's employers",
                'verbose_name_plural': "consents to be shown to a scheme's employers",
            },
        ),
        migrations.CreateModel(
            name='IdentityDocumentCustody',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('version', models.PositiveIntegerField(default=1, editable=False)),
                ('document', models.CharField(choices=[('passport', 'Passport'), ('national_id', 'National identity card'), ('work_permit', 'Work permit')], max_length=20, verbose_name='document')),
                ('held_by', models.CharField(choices=[('worker', 'The worker'), ('employer', 'The employer'), ('recruiter', 'The recruiter')], max_length=12, verbose_name='held by')),
                ('since', models.DateField(verbose_name='since')),
                ('recorded_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='recorded')),
                ('worker', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='document_custody', to='labour.worker')),
            ],
            options={
                'verbose_name': 'identity document custody',
                'verbose_name_plural': 'identity document custody',
                'ordering': ['worker', 'document', '-since', '-pk'],
            },
        ),
        migrations.AddField(
            model_name='application',
            name='worker',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='applications', to='labour.worker'),
        ),
        migrations.CreateModel(
            name='Contract',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('version', models.PositiveIntegerField(default=1, editable=False)),
                ('revision', models.PositiveSmallIntegerField(verbose_name='revision')),
                ('language', models.CharField(max_length=3, verbose_name='language (ISO 639-3)')),
                ('terms', migdev.protection.fields.EncryptedTextField(blank=True, verbose_name='terms')),
                ('wage_amount', models.DecimalField(decimal_places=2, max_digits=12, verbose_name='wage')),
                ('wage_currency', models.CharField(max_length=3, verbose_name='currency')),
                ('wage_period', models.CharField(choices=[('hour', 'per hour'), ('day', 'per day'), ('week', 'per week'), ('month', 'per month'), ('year', 'per year')], max_length=10, verbose_name='wage period')),
                ('hours_per_week', models.DecimalField(decimal_places=1, max_digits=4, verbose_name='hours per week')),
                ('given_to_worker_on', models.DateField(blank=True, null=True, verbose_name='given to the worker')),
                ('signed_on', models.DateField(blank=True, null=True, verbose_name='signed by the worker')),
                ('is_substitution', models.BooleanField(default=False, verbose_name='substitution after signature')),
                ('substitution_agreed_on', models.DateField(blank=True, null=True, verbose_name='substitution agreed by the worker')),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now, editable=False, verbose_name='created')),
                ('application', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='contracts', to='labour.application')),
            ],
            options={
                'verbose_name': 'contract',
                'verbose_name_plural': 'contracts',
                'ordering': ['application', 'revision'],
                'constraints': [models.UniqueConstraint(fields=('application', 'revision'), name='labour_contract_revision'), models.CheckConstraint(condition=models.Q(('wage_amount__gt', 0)), name='labour_contract_wage_positive')],
            },
        ),
        migrations.CreateModel(
            name='CostLine',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('version', models.PositiveIntegerField(default=1, editable=False)),
                ('category', models.CharField(choices=[('recruitment_fee', 'Recruitment fee'), ('visa', 'Visa and permits'), ('travel', 'Travel'), ('medical', 'Medical examination'), ('training', 'Training and orientation'), ('documents', 'Documents'), ('other', 'Other related cost')], max_length=20, verbose_name='category')),
                ('description', migdev.protection.fields.EncryptedCharField(blank=True, max_length=200, verbose_name='description')),
                ('amount', models.DecimalField(decimal_places=2, max_digits=12, verbose_name='amount')),
                ('currency', models.CharField(max_length=3, verbose_name='currency')),
                ('paid_by', models.CharField(choices=[('employer', 'Employer'), ('worker', 'Worker'), ('recruiter', 'Recruiter'), ('government', 'Government')], max_length=12, verbose_name='paid by')),
                ('paid_on', models.DateField(blank=True, null=True, verbose_name='paid on')),
                ('refunded_amount', models.DecimalField(decimal_places=2, default=0, max_digits=12, verbose_name='refunded')),
                ('refunded_on', models.DateField(blank=True, null=True, verbose_name='refunded on')),
                ('application', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='cost_lines', to='labour.application')),
            ],
            options={
                'verbose_name': 'cost line',
                'verbose_name_plural': 'cost lines',
                'ordering': ['application', 'pk'],
                'constraints': [models.CheckConstraint(condition=models.Q(('amount__gt', 0)), name='labour_cost_amount_positive'), models.CheckConstraint(condition=models.Q(('refunded_amount__gte', 0), ('refunded_amount__lte', models.F('amount'))), name='labour_cost_refund_within_amount')],
            },
        ),
        migrations.CreateModel(
            name='GateWaiver',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('check_code', models.CharField(max_length=30, verbose_name='check')),
                ('reason', migdev.protection.fields.EncryptedTextField(verbose_name='reason')),
                ('waived_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='waived')),
                ('application', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='waivers', to='labour.application')),
                ('waived_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'verbose_name': 'waived safeguards check',
                'verbose_name_plural': 'waived safeguards checks',
                'ordering': ['application', 'check_code', '-waived_at'],
                },
        ),
        migrations.AddConstraint(
            model_name='recruiter',
            constraint=models.UniqueConstraint(fields=('organisation', 'licence_number', 'roster_date'), name='labour_recruiter_roster_entry'),
        ),
        migrations.AddConstraint(
            model_name='scheme',
            constraint=models.CheckConstraint(condition=models.Q(('title', ''), _negated=True), name='labour_scheme_title_not_empty'),
        ),
        migrations.AddConstraint(
            model_name='scheme',
            constraint=models.CheckConstraint(condition=models.Q(('end_date__isnull', True), ('end_date__gte', models.F('start_date')), _connector='OR'), name='labour_scheme_dates_in_order'),
        ),
        migrations.AddConstraint(
            model_name='joborder',
            constraint=models.CheckConstraint(condition=models.Q(('positions__gte', 1)), name='labour_joborder_positions'),
        ),
        migrations.AddConstraint(
            model_name='joborder',
            constraint=models.CheckConstraint(condition=models.Q(('wage_amount__gt', 0)), name='labour_joborder_wage_positive'),
        ),
        migrations.AddConstraint(
            model_name='joborder',
            constraint=models.CheckConstraint(condition=models.Q(('contract_months__gte', 1)), name='labour_joborder_months'),
        ),
        migrations.AddConstraint(
            model_name='schemequota',
            constraint=models.UniqueConstraint(fields=('scheme', 'year'), name='labour_quota_unique_year'),
        ),
        migrations.AddConstraint(
            model_name='shortageoccupation',
            constraint=models.UniqueConstraint(fields=('destination_country', 'isco_code', 'occupation_uri', 'listed_on'), name='labour_shortage_unique'),
        ),
        migrations.AddConstraint(
            model_name='worker',
            constraint=models.CheckConstraint(condition=models.Q(('isced_level__isnull', True), ('isced_level__lte', 8), _connector='OR'), name='labour_worker_isced'),
        ),
        migrations.AddConstraint(
            model_name='worker',
            constraint=models.CheckConstraint(condition=models.Q(('experience_years__gte', 0)), name='labour_worker_experience'),
        ),
        migrations.AddConstraint(
            model_name='schemeconsent',
            constraint=models.UniqueConstraint(fields=('worker', 'scheme'), name='labour_scheme_consent_unique'),
        ),
        migrations.AddConstraint(
            model_name='application',
            constraint=models.UniqueConstraint(fields=('job_order', 'worker'), name='labour_application_unique'),
        ),
        migrations.RunPython(grant, revoke),
    ]
