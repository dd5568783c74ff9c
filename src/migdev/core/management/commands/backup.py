"""`migdev backup PATH`: a consistent copy of the database in one file."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DEFAULT_DB_ALIAS, connections

from migdev.core.management.commands._database_copies import (
    CopyError,
    postgresql_backup,
    sqlite_backup,
    vendor_of,
)


class Command(BaseCommand):
    help = (
        "Copy the database to PATH: a SQLite file (online backup API) or a pg_dump custom-format archive. "
        "Uploaded files are not included; back up the media storage separately."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path)
        parser.add_argument("--force", action="store_true", help="Overwrite PATH if it exists.")
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS)

    def handle(self, *args: Any, **options: Any) -> None:
        target: Path = options["path"]
        if target.exists() and not options["force"]:
            raise CommandError(f"{target} exists; use --force to overwrite it.")
        if not target.parent.is_dir():
            raise CommandError(f"The directory {target.parent} does not exist.")
        connection = connections[options["database"]]
        try:
            if vendor_of(connection) == "sqlite":
                sqlite_backup(connection, target)
            else:
                postgresql_backup(connection, target)
        except CopyError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(f"Backed up the database to {target} ({target.stat().st_size:,} bytes).")
