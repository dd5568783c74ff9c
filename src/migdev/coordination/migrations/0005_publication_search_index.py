"""The research library's full-text index, in whichever form the database offers.

SQLite gets an FTS5 virtual table beside the publication table (Django rebuilds SQLite tables on some
schema changes, so the index must not be a column Django does not know about). PostgreSQL gets a tsvector
column on the publication table with a GIN index. Both are filled by `migdev.coordination.search`, called
from the services; nothing here runs on other databases, where search falls back to a plain scan.
"""

from django.db import migrations

SQLITE_TABLE = "coordination_publication_fts"
POSTGRES_COLUMN = "search_vector"
POSTGRES_INDEX = "coordination_publication_search_gin"


def create_index(apps, schema_editor):
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            try:
                cursor.execute(
                    f"CREATE VIRTUAL TABLE IF NOT EXISTS {SQLITE_TABLE} USING fts5("
                    "title, people, abstract, body, "
                    "tokenize = 'porter unicode61 remove_diacritics 2')"
                )
            except Exception as error:  # SQLite built without FTS5: search falls back to a scan
                if "fts5" not in str(error).lower():
                    raise
        elif connection.vendor == "postgresql":
            cursor.execute(
                f"ALTER TABLE coordination_publication ADD COLUMN IF NOT EXISTS {POSTGRES_COLUMN} tsvector"
            )
            cursor.execute(
                f"CREATE INDEX IF NOT EXISTS {POSTGRES_INDEX} ON coordination_publication "
                f"USING gin ({POSTGRES_COLUMN})"
            )


def drop_index(apps, schema_editor):
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(f"DROP TABLE IF EXISTS {SQLITE_TABLE}")
        elif connection.vendor == "postgresql":
            cursor.execute(f"DROP INDEX IF EXISTS {POSTGRES_INDEX}")
            cursor.execute(f"ALTER TABLE coordination_publication DROP COLUMN IF EXISTS {POSTGRES_COLUMN}")


class Migration(migrations.Migration):
    dependencies = [("coordination", "0004_library_policies_migrant_information")]

    operations = [migrations.RunPython(create_index, drop_index)]
