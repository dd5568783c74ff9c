from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("coordination", "0018_hub5_organisation_names"),
    ]

    operations = [
        migrations.AddField(
            model_name="publication",
            name="identifier_accessed",
            field=models.DateField(blank=True, null=True, verbose_name="date the identifier's page was read"),
        ),
    ]
