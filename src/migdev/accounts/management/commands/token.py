from datetime import timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from migdev.accounts.models import ApiToken, User
from migdev.accounts.services import api_token_create, api_token_revoke


class Command(BaseCommand):
    help = "Create, list or revoke API tokens."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        create = actions.add_parser("create", help="Create a token and print it (shown only once).")
        create.add_argument("username")
        create.add_argument("--name", default="command line")
        create.add_argument(
            "--expires-days", type=int, default=None, help="Days until it expires (default: never)."
        )
        listing = actions.add_parser("list", help="List a user's tokens (never the tokens themselves).")
        listing.add_argument("username")
        revoke = actions.add_parser("revoke", help="Revoke a token by its id.")
        revoke.add_argument("token_id", type=int)

    def _user(self, username: str) -> User:
        try:
            return User.objects.get(username=username)
        except User.DoesNotExist:
            raise CommandError(f"No user named {username!r}.") from None

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "create":
            user = self._user(options["username"])
            if not user.is_active:
                raise CommandError(f"{user.username} is not active.")
            days = options["expires_days"]
            if days is not None and days < 1:
                raise CommandError("--expires-days must be at least 1.")
            expires_at = timezone.now() + timedelta(days=days) if days else None
            _token, raw = api_token_create(user=user, name=options["name"], expires_at=expires_at)
            self.stdout.write(raw)
        elif action == "list":
            user = self._user(options["username"])
            now = timezone.now()
            for token in ApiToken.objects.filter(user=user):
                state = (
                    "active" if token.is_active_at(now) else ("revoked" if token.revoked_at else "expired")
                )
                self.stdout.write(f"{token.pk}\t{token.key_prefix}…\t{state}\t{token.name}")
        else:
            try:
                token = ApiToken.objects.select_related("user").get(pk=options["token_id"])
            except ApiToken.DoesNotExist:
                raise CommandError("No such token.") from None
            api_token_revoke(token=token)
            self.stdout.write(f"Revoked token {token.pk} of {token.user.username}.")
