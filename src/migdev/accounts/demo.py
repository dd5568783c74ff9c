"""Demo accounts, one per role, with known passwords and a known authenticator secret.

For demonstrations and local development only: ``seed_demo_users`` refuses to run with DEBUG off
unless forced. The TOTP secret below is public, so the codes are too (``migdev demo_totp``).
"""

import base64
from dataclasses import dataclass

from django.db import transaction
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from migdev.accounts import access
from migdev.accounts.models import Note, Organisation, RoleDefinition, User, UserGroup
from migdev.accounts.roles import TWO_FACTOR_ROLES, Role

DEMO_ORGANISATION_NAME = "migdev demo organisation"
DEMO_ORGANISATION_ACRONYM = "DEMO"
DEMO_GROUP_NAME = "Demo case team"
# Base32, as authenticator apps take it by hand. Public on purpose: it exists only for the demo.
DEMO_TOTP_SECRET = "MIGDEVDEMOTOTPSECRETFORTHEDEMO23"  # noqa: S105 - public demo secret
DEMO_DEVICE_NAME = "demo authenticator"


@dataclass(frozen=True)
class DemoUser:
    username: str
    password: str
    role: Role
    two_factor: bool


def demo_username(role: Role) -> str:
    return f"demo_{role.value}"


def demo_password(role: Role) -> str:
    return f"demo-{role.value}-2026!"


def demo_totp_code() -> str:
    """The code an authenticator app loaded with ``DEMO_TOTP_SECRET`` shows right now."""
    key = base64.b32decode(DEMO_TOTP_SECRET)
    totp = TOTP(key, step=30, t0=0, digits=6)
    return f"{totp.token():06d}"


def demo_users_create() -> list[DemoUser]:
    """Create or reset the demo organisation, group and users. Safe to run again."""
    demo_key_hex = base64.b32decode(DEMO_TOTP_SECRET).hex()
    created: list[DemoUser] = []
    with transaction.atomic():
        organisation, _ = Organisation.objects.update_or_create(
            name=DEMO_ORGANISATION_NAME,
            defaults={"acronym": DEMO_ORGANISATION_ACRONYM, "kind": Organisation.Kind.NGO},
        )
        group, _ = UserGroup.objects.update_or_create(
            organisation=organisation,
            name=DEMO_GROUP_NAME,
            defaults={"description": "Case workers and their supervisor in the demo."},
        )
        for role in Role:
            user, _ = User.objects.update_or_create(
                username=demo_username(role),
                defaults={
                    "organisation": organisation,
                    "first_name": "Demo",
                    "last_name": str(role.label),
                    "is_active": True,
                    "is_staff": False,
                    "is_superuser": False,
                },
            )
            user.set_password(demo_password(role))
            user.save(update_fields=["password"])
            user.roles.set(RoleDefinition.objects.filter(code=role.value))
            if role in (Role.CASE_WORKER, Role.SUPERVISOR):
                user.user_groups.set([group])
            access.forget_cached_access(user)
            needs_two_factor = role in TWO_FACTOR_ROLES
            if needs_two_factor:
                TOTPDevice.objects.filter(user=user).exclude(name=DEMO_DEVICE_NAME).delete()
                TOTPDevice.objects.update_or_create(
                    user=user,
                    name=DEMO_DEVICE_NAME,
                    defaults={
                        "key": demo_key_hex,
                        "confirmed": True,
                        "last_t": -1,
                        "throttling_failure_count": 0,
                    },
                )
            created.append(DemoUser(demo_username(role), demo_password(role), role, needs_two_factor))
        case_worker = User.objects.get(username=demo_username(Role.CASE_WORKER))
        Note.objects.get_or_create(
            owner=case_worker,
            title="Handover: shelter visits this week",
            defaults={
                "body": "Demo note shared with the demo case team. No personal data here.",
                "group": group,
                "organisation": organisation,
            },
        )
    return created
