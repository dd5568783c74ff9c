"""Test data builders for every module: organisations, groups, users with roles, signing in past 2FA."""

import itertools

from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from migdev.accounts import access
from migdev.accounts.models import Note, Organisation, RoleDefinition, User, UserGroup

_counter = itertools.count(1)
PASSWORD = "correct horse battery staple 42"


def make_organisation(name: str = "") -> Organisation:
    number = next(_counter)
    return Organisation.objects.create(
        name=name or f"Test organisation {number}", acronym=f"TO{number}", kind=Organisation.Kind.NGO
    )


def make_group(organisation: Organisation | None = None, name: str = "") -> UserGroup:
    return UserGroup.objects.create(name=name or f"Group {next(_counter)}", organisation=organisation)


def make_user(
    *roles: str,
    organisation: Organisation | None = None,
    groups: tuple[UserGroup, ...] = (),
    username: str = "",
    password: str | None = None,
    **extra: object,
) -> User:
    """A user; without ``password`` it gets an unusable one (Argon2 is slow on purpose)."""
    user = User.objects.create_user(
        username=username or f"user{next(_counter)}", password=password, organisation=organisation, **extra
    )
    user.roles.set(RoleDefinition.objects.filter(code__in=roles))
    user.user_groups.set(groups)
    access.forget_cached_access(user)
    return user


def make_note(
    owner: User, *, group: UserGroup | None = None, organisation: Organisation | None = None
) -> Note:
    return Note.objects.create(
        title=f"Note {next(_counter)}",
        body="Body",
        owner=owner,
        group=group,
        organisation=organisation if organisation is not None else owner.organisation,
    )


def confirmed_totp_device(user: User) -> TOTPDevice:
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    return device or TOTPDevice.objects.create(user=user, name="test", confirmed=True)


def current_code(device: TOTPDevice) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():0{device.digits}d}"


def login_verified(client: Client, user: User) -> Client:
    """Signed in and past the second factor, as after a full sign-in."""
    client.force_login(user)
    device = confirmed_totp_device(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client
