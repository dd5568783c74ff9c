"""Refresh the French and Spanish catalogues: the platform's and one per module.

The platform catalogue (src/migdev/locale) covers the foundation apps; each module keeps its own
(src/migdev/<module>/locale), so modules can be translated in parallel without touching one file.
Needs GNU gettext (xgettext, msgfmt) on the developer's machine; the compiled .mo files are committed.
"""

import os
from pathlib import Path
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser

from migdev.core.modules import PLANNED_MODULES

PACKAGE_DIR = Path(__file__).resolve().parents[3]
LANGUAGES = ["fr", "es"]


class Command(BaseCommand):
    help = "Update the fr/es catalogues from the source (makemessages) and compile them (compilemessages)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--compile-only", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        modules = [slug for slug in PLANNED_MODULES if (PACKAGE_DIR / slug).is_dir()]
        targets = [(PACKAGE_DIR, [f"{slug}/*" for slug in modules])]
        targets += [(PACKAGE_DIR / slug, []) for slug in modules]
        start = Path.cwd()
        try:
            for directory, ignore in targets:
                os.chdir(directory)
                if not options["compile_only"]:
                    (directory / "locale").mkdir(exist_ok=True)
                    call_command(
                        "makemessages",
                        locale=LANGUAGES,
                        ignore_patterns=ignore,
                        no_obsolete=True,
                        verbosity=0,
                    )
                call_command("compilemessages", locale=LANGUAGES, verbosity=0)
                self.stdout.write(f"{directory.relative_to(PACKAGE_DIR.parent)}: catalogues refreshed")
        finally:
            os.chdir(start)
