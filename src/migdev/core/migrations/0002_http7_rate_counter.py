from django.db import migrations, models


class Migration(migrations.Migration):
    """The API's rate-limit counters: one row per client, updated by one atomic statement (ADR 0013)."""

    dependencies = [("core", "0001_cache_table")]

    operations = [
        migrations.CreateModel(
            name="ApiRateCounter",
            fields=[
                ("client", models.CharField(max_length=64, primary_key=True, serialize=False)),
                ("window_number", models.BigIntegerField(db_index=True)),
                ("hits", models.PositiveIntegerField(default=0)),
                ("previous_hits", models.PositiveIntegerField(default=0)),
            ],
        ),
    ]
