"""`migdev load FORMAT PATH` loads a file all-or-nothing; `migdev load --list` shows the formats."""

from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from migdev.dataio.errors import ImportRejected, report_text
from migdev.dataio.progress import TextProgressBar
from migdev.dataio.registry import LoadOptions, UnknownFormat, formats
from migdev.dataio.services import import_file


class Command(BaseCommand):
    help = (
        "Load a CSV or XLSX file with a registered format. Nothing is saved unless the whole file is valid."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("format", nargs="?", help="Format name (see --list).")
        parser.add_argument("path", nargs="?", type=Path, help="The file to load.")
        parser.add_argument("--list", action="store_true", help="List the formats and exit.")
        parser.add_argument("--user", help="Username to record as the importer (audit log and history).")
        parser.add_argument(
            "--replace",
            action="store_true",
            help="Confirm changing or removing values already stored (an existing edition). Without it, "
            "such a load is refused and shows what would change.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["list"]:
            for item in formats():
                self.stdout.write(f"{item.name} — {item.description}")
            return
        format_name, path = options["format"], options["path"]
        if not format_name or path is None:
            raise CommandError("Give a FORMAT and a PATH, or --list to see the formats.")
        user = None
        if options["user"]:
            try:
                user = get_user_model().objects.get(username=options["user"])
            except get_user_model().DoesNotExist:
                raise CommandError(f"No user named {options['user']!r}.") from None
        progress = TextProgressBar(
            lambda text: self.stderr.write(text, ending=""),
            flush=self.stderr.flush,
            interactive=self.stderr.isatty(),
            label=path.name,
        )
        try:
            result = import_file(
                format_name=format_name,
                path=path,
                user=user,
                progress=progress,
                options=LoadOptions(replace=options["replace"]),
            )
        except UnknownFormat:
            names = ", ".join(item.name for item in formats()) or "none"
            raise CommandError(f"Unknown format {format_name!r}. Formats: {names}.") from None
        except ImportRejected as rejection:
            self.stderr.write(report_text(rejection))
            read = "?" if rejection.read is None else rejection.read
            self.stdout.write(f"read {read}, created 0, updated 0, rejected {rejection.rejected_rows}")
            raise CommandError(
                f"{path.name} was refused ({rejection.total} problem(s)); nothing was saved.", returncode=1
            ) from None
        self.stdout.write(result.summary())
