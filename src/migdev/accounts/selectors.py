"""Reads for accounts: API tokens, two-factor state, team notes and user accounts (through the access funnel)."""

import hashlib
from datetime import timedelta

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django_otp import user_has_device
from django_otp.plugins.otp_totp.models import TOTPDevice

from migdev.accounts import access
from migdev.accounts.models import ApiToken, Note, Organisation, User, UserGroup

API_TOKEN_PREFIX = "mdv_"  # noqa: S105 - a marker, not a secret
# Writing last_used_at on every call would turn each API read into a write; a minute is precise enough.
_LAST_USED_RESOLUTION = timedelta(minutes=1)

NOTE_VIEW = "accounts.view_note"
NOTE_ADD = "accounts.add_note"
NOTE_CHANGE = "accounts.change_note"
NOTE_DELETE = "accounts.delete_note"


def api_token_digest(raw_token: str) -> str:
    return hashlib.sha256(raw_token.encode("utf-8")).hexdigest()


def user_for_api_token(raw_token: str) -> User | None:
    """The active user owning this unexpired, unrevoked token, or ``None``."""
    if not raw_token or not raw_token.startswith(API_TOKEN_PREFIX) or len(raw_token) > 200:
        return None
    now = timezone.now()
    token = (
        ApiToken.objects.select_related("user")
        .filter(token_hash=api_token_digest(raw_token), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if token is None or not token.is_active_at(now):
        return None
    if token.last_used_at is None or now - token.last_used_at >= _LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


def api_tokens_for_user(user: User) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(user=user)


def pending_totp_device(user: User, device_pk: object) -> TOTPDevice | None:
    """The unconfirmed authenticator ``user`` is enrolling in this session, if it still exists."""
    if not isinstance(device_pk, int):
        return None
    return TOTPDevice.objects.filter(pk=device_pk, user=user, confirmed=False).first()


def user_has_confirmed_device(user: AbstractBaseUser | AnonymousUser) -> bool:
    return bool(user.is_authenticated and user_has_device(user, confirmed=True))


def two_factor_owed(user: AbstractBaseUser | AnonymousUser) -> bool:
    """Whether this user must pass a second factor: their roles demand it, or they enrolled a device."""
    return access.require_two_factor(user) or user_has_confirmed_device(user)


def session_is_fully_authenticated(request: HttpRequest) -> bool:
    """Signed in, and verified with a second factor whenever one is owed."""
    user = request.user
    if not user.is_authenticated or not user.is_active:
        return False
    if not two_factor_owed(user):
        return True
    is_verified = getattr(user, "is_verified", None)
    return bool(is_verified is not None and is_verified())


def notes_for_user(user: AbstractBaseUser | AnonymousUser) -> QuerySet[Note]:
    return access.scoped_queryset(
        user, NOTE_VIEW, Note.objects.select_related("owner", "group", "organisation")
    )


def note_get_for_user(
    user: AbstractBaseUser | AnonymousUser,
    pk: object,
    *,
    perm: str = NOTE_VIEW,
    request: HttpRequest | None = None,
    audit_read: bool = False,
) -> Note:
    """The access function for team notes: ``Http404`` unless ``user`` reaches note ``pk`` with ``perm``."""
    return access.get_for_user(
        user,
        perm,
        Note.objects.select_related("owner", "group", "organisation"),
        pk,
        request=request,
        audit_read=audit_read,
    )


def groups_user_can_share_with(user: User) -> QuerySet[UserGroup]:
    return user.user_groups.all()


def role_names_for(user: AbstractBaseUser | AnonymousUser) -> list[str]:
    return sorted(access.role_codes(user))


# User administration -----------------------------------------------------------------------------

USER_MANAGE = "accounts.manage_users"
# Users are records like any other: "own" is the user themselves, "group" the members of their groups,
# "organisation" the accounts of their organisation.
_USER_SCOPE_FIELDS = {"owner_field": "pk", "group_field": "user_groups", "organisation_field": "organisation"}


def _users() -> QuerySet[User]:
    # distinct(): the group condition joins the membership table, which would repeat a user in two groups.
    return User.objects.select_related("organisation").distinct()


def users_visible_to(user: AbstractBaseUser | AnonymousUser) -> QuerySet[User]:
    """The accounts ``user`` may manage, as far as their ``accounts.manage_users`` scope reaches."""
    return access.scoped_queryset(user, USER_MANAGE, _users(), **_USER_SCOPE_FIELDS)


def user_get_for_user(
    user: AbstractBaseUser | AnonymousUser,
    pk: object,
    *,
    request: HttpRequest | None = None,
    audit_read: bool = False,
) -> User:
    """The access function for user accounts: ``Http404`` unless ``user`` may manage account ``pk``."""
    return access.get_for_user(
        user, USER_MANAGE, _users(), pk, request=request, audit_read=audit_read, **_USER_SCOPE_FIELDS
    )


def user_search(
    users: QuerySet[User],
    *,
    text: str = "",
    organisation: Organisation | None = None,
    role: str = "",
    active: bool | None = None,
) -> QuerySet[User]:
    """Narrow ``users`` (already scoped) by words in the name, user name or email, organisation, role."""
    for word in text.split():
        users = users.filter(
            Q(username__icontains=word)
            | Q(first_name__icontains=word)
            | Q(last_name__icontains=word)
            | Q(email__icontains=word)
        )
    if organisation is not None:
        users = users.filter(organisation=organisation)
    if role:
        users = users.filter(roles__code=role)
    if active is not None:
        users = users.filter(is_active=active)
    return users.order_by("username").prefetch_related("roles")


def roles_grantable_by(user: AbstractBaseUser | AnonymousUser) -> frozenset[str]:
    return access.roles_grantable_by(user, USER_MANAGE)


def organisations_assignable_by(user: AbstractBaseUser | AnonymousUser) -> QuerySet[Organisation]:
    """Where ``user`` may place an account: anywhere at ``all`` scope, else only their own organisation."""
    scope = access.scope_for(user, USER_MANAGE)
    if scope == access.Scope.ALL:
        return Organisation.objects.all()
    if scope == access.Scope.ORGANISATION and isinstance(user, User) and user.organisation_id is not None:
        return Organisation.objects.filter(pk=user.organisation_id)
    return Organisation.objects.none()


def groups_assignable_by(user: AbstractBaseUser | AnonymousUser) -> QuerySet[UserGroup]:
    """Groups ``user`` may put an account in: any at ``all`` scope, else their organisation's and their own."""
    scope = access.scope_for(user, USER_MANAGE)
    if scope is None or not isinstance(user, User):
        return UserGroup.objects.none()
    if scope == access.Scope.ALL:
        return UserGroup.objects.select_related("organisation")
    condition = Q(members=user)
    if scope == access.Scope.ORGANISATION and user.organisation_id is not None:
        condition |= Q(organisation_id=user.organisation_id)
    return UserGroup.objects.filter(condition).select_related("organisation").distinct()


def user_is_manageable_by(actor: AbstractBaseUser | AnonymousUser, user: User) -> bool:
    """Whether ``actor`` may change ``user`` (who is in their scope): never someone holding more than the
    actor could grant, so nobody can take over a wider account through a set-password link."""
    if user.is_superuser and not getattr(actor, "is_superuser", False):
        return False
    return set(user.roles.values_list("code", flat=True)) <= roles_grantable_by(actor)
