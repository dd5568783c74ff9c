"""`migdev reindex_publications`: rebuild the research library's full-text index from the records, for
example after restoring a database dumped on the other backend or after changing what is indexed."""

from typing import Any

from django.core.management.base import BaseCommand

from migdev.coordination.knowledge import search


class Command(BaseCommand):
    help = "Rebuild the research library's full-text index (SQLite FTS5 or PostgreSQL tsvector)."

    def handle(self, *args: Any, **options: Any) -> None:
        count = search.reindex_all()
        self.stdout.write(f"indexed {count} publications ({search.backend()})")
