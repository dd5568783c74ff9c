"""Reads for accounts: API tokens, two-factor state, team notes (through the access funnel)."""

import hashlib
from datetime import timedelta

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django_otp import user_has_device
from django_otp.plugins.otp_totp.models import TOTPDevice

from migdev.accounts import access
from migdev.accounts.models import ApiToken, Note, User, UserGroup

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
