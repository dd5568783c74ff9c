"""`migdev restore PATH`: replace the whole database with a backup made by `migdev backup`."""

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DEFAULT_DB_ALIAS, connections

from migdev.core.management.commands._database_copies import (
    CopyError,
    postgresql_restore,
    sqlite_restore,
    vendor_of,
)


class Command(BaseCommand):
    help = "Replace the database with a backup made by `migdev backup`. Everything written since is lost."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path)
        parser.add_argument("--yes", action="store_true", help="Do not ask for confirmation.")
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS)

    def handle(self, *args: Any, **options: Any) -> None:
        source: Path = options["path"]
        if not source.is_file():
            raise CommandError(f"{source} does not exist.")
        connection = connections[options["database"]]
        name = str(connection.settings_dict["NAME"])
        if not options["yes"]:
            self._confirm(name)
        try:
            if vendor_of(connection) == "sqlite":
                sqlite_restore(connection, source)
            else:
                postgresql_restore(connection, source)
        except CopyError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(f"Restored {name} from {source}.")

    def _confirm(self, name: str) -> None:
        if not sys.stdin.isatty():
            raise CommandError("Restoring replaces the whole database; pass --yes to confirm.")
        self.stdout.write(f"This replaces every record in the database {name} with the backup.")
        answer = input("Type 'restore' to continue: ")
        if answer.strip() != "restore":
            raise CommandError("Restore cancelled.")
