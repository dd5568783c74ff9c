from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction

from migdev.core.demo import demo_seeders


class Command(BaseCommand):
    help = "Load the demo data set (safe to run twice)."

    def handle(self, *args: Any, **options: Any) -> None:
        for seeder in demo_seeders():
            with transaction.atomic():
                summary = seeder.seed()
            self.stdout.write(f"{seeder.name}: {summary}")
