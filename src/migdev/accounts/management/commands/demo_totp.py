from typing import Any

from django.core.management.base import BaseCommand

from migdev.accounts.demo import demo_totp_code


class Command(BaseCommand):
    help = "Print the current two-factor code of the demo accounts (their secret is public)."

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(demo_totp_code())
