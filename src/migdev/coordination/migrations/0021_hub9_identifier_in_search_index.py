"""The research library's full-text index now holds each record's identifier (a UN symbol's parts become
words: ``HRC`` finds A/HRC/56/54): every publication is indexed again, in this migration's transaction.
No table changes."""

from django.db import migrations


def reindex(apps, schema_editor):
    from migdev.coordination.knowledge import search

    if schema_editor.connection.vendor in ("sqlite", "postgresql"):
        search.reindex_all()


class Migration(migrations.Migration):
    dependencies = [
        ("coordination", "0020_hub7_series_issn_and_no_identifier"),
    ]

    operations = [
        # Going back leaves the identifier's words in the index; `migdev reindex_publications` drops them.
        migrations.RunPython(reindex, migrations.RunPython.noop),
    ]
