"""The five labour-mobility roles (issue 11): scheme officer, public employment service officer, employer,
recruiter and worker. Their permissions are granted by ``labour/0001_initial``."""

from django.db import migrations, models


DESCRIPTIONS = {
    "scheme_officer": "Runs labour-mobility schemes: job orders, shortlists, selection and the safeguards gate.",
    "pes_officer": "Registers and supports the job seekers of their own public employment service.",
    "employer": "Posts job orders and sees pseudonymised shortlists until a worker accepts an interview.",
    "recruiter": "Works on the job orders assigned to their agency.",
    "worker": "Sees and keeps their own profile, applications, offers and contract.",
}


def seed(apps, schema_editor):
    RoleDefinition = apps.get_model("accounts", "RoleDefinition")
    for code, description in DESCRIPTIONS.items():
        RoleDefinition.objects.update_or_create(code=code, defaults={"description": description})


def unseed(apps, schema_editor):
    apps.get_model("accounts", "RoleDefinition").objects.filter(code__in=DESCRIPTIONS).delete()


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0007_record_versions_and_unique_names'),
    ]

    operations = [
        migrations.AlterField(
            model_name='roledefinition',
            name='code',
            field=models.CharField(choices=[('administrator', 'Administrator'), ('data_protection_officer', 'Data protection officer'), ('case_worker', 'Case worker'), ('supervisor', 'Supervisor'), ('analyst', 'Analyst'), ('editor', 'Editor'), ('partner', 'Partner'), ('scheme_officer', 'Labour-mobility scheme officer'), ('pes_officer', 'Public employment service officer'), ('employer', 'Employer'), ('recruiter', 'Recruiter'), ('worker', 'Worker')], max_length=40, unique=True, verbose_name='code'),
        ),
        migrations.RunPython(seed, unseed),
    ]
