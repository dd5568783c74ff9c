"""Activities marked as samples (fictional, made up to show the registry), and the research library's index
rebuilt with stems in each record's own language.

Until now the index stemmed every record with English rules (FTS5 ``porter``, PostgreSQL ``english``).
Stems now come from ``migdev.coordination.knowledge.search`` (Snowball, in the record's language), so the
databases only split words: SQLite's FTS5 table is recreated without ``porter``, PostgreSQL's vectors use
the ``simple`` configuration, and every publication is indexed again, in this migration's transaction.
"""

from django.db import migrations, models

SQLITE_TABLE = "coordination_publication_fts"


def _recreate_sqlite_table(schema_editor, tokenizer):
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = %s", [SQLITE_TABLE])
        if cursor.fetchone() is None:
            return False  # SQLite built without FTS5: search is a scan, nothing to rebuild
        cursor.execute(f"DROP TABLE {SQLITE_TABLE}")
        cursor.execute(
            f"CREATE VIRTUAL TABLE {SQLITE_TABLE} USING fts5(title, people, abstract, body, tokenize = '{tokenizer}')"
        )
        return True


def stems_by_language(apps, schema_editor):
    from migdev.coordination.knowledge import search

    vendor = schema_editor.connection.vendor
    if vendor == "sqlite" and not _recreate_sqlite_table(schema_editor, search.SQLITE_TOKENIZER):
        return
    if vendor in ("sqlite", "postgresql"):
        search.reindex_all()


def english_stems(apps, schema_editor):
    # Back to the English tokenizer of 0005; the vectors are refilled by `migdev reindex_publications`
    # with the code of that time.
    if schema_editor.connection.vendor == "sqlite":
        _recreate_sqlite_table(schema_editor, "porter unicode61 remove_diacritics 2")


class Migration(migrations.Migration):
    dependencies = [
        ("coordination", "0015_iati_money"),
    ]

    operations = [
        migrations.AddField(
            model_name="activity",
            name="is_sample",
            field=models.BooleanField(
                default=False,
                help_text="Made up to show the registry; not a real activity.",
                verbose_name="sample record",
            ),
        ),
        migrations.RunPython(stems_by_language, english_stems),
    ]
