from typing import Any

from django.core.management.base import BaseCommand

from migdev.coordination.content import load_hub_content


class Command(BaseCommand):
    help = "Load the hub's sourced reference content: process meetings since 2007 and the research library."

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(load_hub_content())
