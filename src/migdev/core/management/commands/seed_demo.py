from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from migdev.core.demo import demo_seeders


class Command(BaseCommand):
    help = (
        "Load the demo data set (safe to run twice). Never on a real deployment: demo passwords are public."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--allow-without-debug", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG and not options["allow_without_debug"]:
            raise CommandError("Refusing to load demo data (public passwords) while MIGDEV_DEBUG is off.")
        for seeder in demo_seeders():
            with transaction.atomic():
                summary = seeder.seed()
            self.stdout.write(f"{seeder.name}: {summary}")
