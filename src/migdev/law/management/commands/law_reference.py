from typing import Any

from django.core.management.base import BaseCommand

from migdev.law.services import load_reference


class Command(BaseCommand):
    help = (
        "Load the migration-law reference data shipped with the module: the instruments and the UN "
        "party-list snapshot (2013-2015, ICRMW partly 2022). Party lists already stored are skipped."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        for line in load_reference():
            self.stdout.write(line)
