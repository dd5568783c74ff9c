"""PostgreSQL: keep each publication's search vector inside its table row, and the GIN index up to date.

A tsvector of a ~1,300-character text is ~2 KB and barely compresses, so with the default storage
(EXTENDED) PostgreSQL moved almost every one out of line into the TOAST table. Every check the GIN index
cannot settle alone — a phrase (word positions), ranking with ``ts_rank`` — then cost a TOAST index
lookup and chunk reads per row: ~3.2 buffers per row checked, ~0.35 once inline (counting the first 1,001
matches of a phrase of two very common words over 100,000 publications: 33,800 → 3,400 buffers). With
MAIN storage the vector stays in the row (the long ``text`` column goes to TOAST instead, and is read
only for the page's snippets); a very long document's vector still moves out of line when the row cannot
hold it. Existing vectors are rewritten so the new storage applies to them.

``fastupdate = off``: new entries go straight into the index instead of a pending list that every search
would scan until the next vacuum; the library is written rarely and searched often.

Nothing happens on SQLite (FTS5 has no such settings).
"""

from django.db import migrations

TABLE = "coordination_publication"
COLUMN = "search_vector"
INDEX = "coordination_publication_search_gin"


def inline(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(f"ALTER TABLE {TABLE} ALTER COLUMN {COLUMN} SET STORAGE MAIN")
        cursor.execute(f"ALTER INDEX {INDEX} SET (fastupdate = off)")
        cursor.execute("SELECT gin_clean_pending_list(%s::regclass)", [INDEX])
        # Concatenating an empty vector builds a new value, which is stored with the new setting.
        cursor.execute(f"UPDATE {TABLE} SET {COLUMN} = {COLUMN} || ''::tsvector WHERE {COLUMN} IS NOT NULL")


def extended(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(f"ALTER TABLE {TABLE} ALTER COLUMN {COLUMN} SET STORAGE EXTENDED")
        cursor.execute(f"ALTER INDEX {INDEX} RESET (fastupdate)")


class Migration(migrations.Migration):
    dependencies = [("coordination", "0011_gcm_objective_translations_data")]

    operations = [migrations.RunPython(inline, extended)]
