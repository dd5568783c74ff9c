from django.db import migrations, models


def first_revision(apps, schema_editor):
    apps.get_model("diaspora", "RosterRevision").objects.create(pk=1, value=1)


class Migration(migrations.Migration):

    dependencies = [
        ("diaspora", "0003_diaspora3_match_filters"),
    ]

    operations = [
        migrations.CreateModel(
            name="RosterRevision",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("value", models.BigIntegerField(default=0)),
            ],
        ),
        migrations.AddField(
            model_name="expert",
            name="match_revision",
            field=models.BigIntegerField(db_index=True, default=0, editable=False),
        ),
        migrations.RunPython(first_revision, migrations.RunPython.noop),
    ]
