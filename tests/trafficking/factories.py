"""Builders for counter-trafficking tests."""

import itertools
from datetime import date
from typing import Any

from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from migdev.accounts import access
from migdev.accounts.models import Organisation, RoleDefinition, User, UserGroup
from migdev.trafficking import services
from migdev.trafficking.models import Case

_counter = itertools.count(1)
PASSWORD = "correct horse battery staple 42"


def make_organisation(name: str = "") -> Organisation:
    number = next(_counter)
    return Organisation.objects.create(
        name=name or f"Trafficking test organisation {number}",
        acronym=f"TT{number}",
        kind=Organisation.Kind.NGO,
    )


def make_group(organisation: Organisation | None = None) -> UserGroup:
    return UserGroup.objects.create(name=f"Team {next(_counter)}", organisation=organisation)


def make_user(
    *roles: str, organisation: Organisation | None = None, groups: tuple[UserGroup, ...] = (), **extra: Any
) -> User:
    extra.setdefault("username", f"tuser{next(_counter)}")
    user = User.objects.create_user(password=PASSWORD, organisation=organisation, **extra)
    user.roles.set(RoleDefinition.objects.filter(code__in=roles))
    user.user_groups.set(groups)
    access.forget_cached_access(user)
    return user


def make_case(owner: User, **values: Any) -> Case:
    defaults: dict[str, Any] = {
        "first_name": f"Person{next(_counter)}",
        "second_name": "Example",
        "birth_date": date(1995, 3, 14),
        "gender": "Feminine",
        "citizenship": ["NG"],
        "exploitation_types": ["SexualExploitation"],
        "exploitation_country": "IT",
    }
    defaults.update(values)
    group = defaults.pop("group", None)
    return services.case_create(actor=owner, values=defaults, group=group).case


def login_verified(client: Client, user: User) -> Client:
    """Signed in and past the second factor."""
    client.force_login(user)
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first() or TOTPDevice.objects.create(
        user=user, name="test", confirmed=True
    )
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client
