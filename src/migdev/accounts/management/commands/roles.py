from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from migdev.accounts import access
from migdev.accounts.models import User
from migdev.accounts.roles import Role
from migdev.accounts.services import user_roles_set


class Command(BaseCommand):
    help = "Show, grant or revoke a user's roles."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["show", "grant", "revoke"])
        parser.add_argument("username")
        parser.add_argument("roles", nargs="*", choices=[role.value for role in Role], metavar="ROLE")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            user = User.objects.get(username=options["username"])
        except User.DoesNotExist:
            raise CommandError(f"No user named {options['username']!r}.") from None
        current = set(user.roles.values_list("code", flat=True))
        if options["action"] == "grant":
            user_roles_set(user=user, roles=current | set(options["roles"]))
        elif options["action"] == "revoke":
            user_roles_set(user=user, roles=current - set(options["roles"]))
        access.forget_cached_access(user)
        roles = sorted(user.roles.values_list("code", flat=True))
        self.stdout.write(f"{user.username}: {', '.join(roles) or '(no roles)'}")
        if access.require_two_factor(user):
            self.stdout.write("Two-factor authentication is required for this user.")
