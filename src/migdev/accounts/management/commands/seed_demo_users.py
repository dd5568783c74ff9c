from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from migdev.accounts.demo import DEMO_TOTP_SECRET, demo_totp_code, demo_users_create


class Command(BaseCommand):
    help = "Create (or reset) one demo user per role with known passwords. Never on a real deployment."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--allow-without-debug",
            action="store_true",
            help="Run even with MIGDEV_DEBUG off (the passwords and the authenticator secret are public).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG and not options["allow_without_debug"]:
            raise CommandError(
                "Refusing to create accounts with public passwords while DEBUG is off. "
                "Pass --allow-without-debug for a throw-away demo server."
            )
        users = demo_users_create()
        self.stdout.write("Demo users (user name / password):")
        for user in users:
            suffix = "  [two-factor]" if user.two_factor else ""
            self.stdout.write(f"  {user.username:<32} {user.password}{suffix}")
        self.stdout.write("")
        self.stdout.write(
            f"Two-factor accounts share the authenticator secret {DEMO_TOTP_SECRET} (base32, TOTP,"
        )
        self.stdout.write("6 digits, 30 s). Add it to an authenticator app, or print the current code with")
        self.stdout.write(f"`migdev demo_totp` (or `oathtool --totp -b {DEMO_TOTP_SECRET}`).")
        self.stdout.write(f"Current code: {demo_totp_code()}")
