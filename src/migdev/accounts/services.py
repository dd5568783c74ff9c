"""Writes for accounts: roles, API tokens, team notes, two-factor devices. Each one is audited."""

import secrets
from base64 import b32encode
from collections.abc import Iterable
from datetime import datetime

from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from migdev.accounts import access
from migdev.accounts.models import ApiToken, Note, RoleDefinition, User, UserGroup
from migdev.accounts.roles import Role
from migdev.accounts.selectors import API_TOKEN_PREFIX, NOTE_ADD, api_token_digest
from migdev.audit.models import AuditAction
from migdev.audit.services import audit_log

BACKUP_CODE_COUNT = 10
TOTP_DEVICE_NAME = "authenticator"
BACKUP_DEVICE_NAME = "backup"


# Roles -------------------------------------------------------------------------------------------


def user_roles_set(
    *,
    user: User,
    roles: Iterable[str],
    actor: AbstractBaseUser | None = None,
    request: HttpRequest | None = None,
) -> None:
    codes = sorted({Role(code).value for code in roles})
    before = sorted(user.roles.values_list("code", flat=True))
    definitions = list(RoleDefinition.objects.filter(code__in=codes))
    missing = set(codes) - {definition.code for definition in definitions}
    if missing:
        raise ValidationError(
            _("These roles are not set up: %(roles)s") % {"roles": ", ".join(sorted(missing))}
        )
    user.roles.set(definitions)
    access.forget_cached_access(user)
    if before != codes:
        audit_log(
            action=AuditAction.UPDATE,
            request=request,
            actor=actor,
            record=user,
            detail={"roles": {"before": before, "after": codes}},
        )


def user_groups_set(
    *,
    user: User,
    groups: Iterable[UserGroup],
    actor: AbstractBaseUser | None = None,
    request: HttpRequest | None = None,
) -> None:
    groups = list(groups)
    before = sorted(user.user_groups.values_list("pk", flat=True))
    user.user_groups.set(groups)
    access.forget_cached_access(user)
    after = sorted(group.pk for group in groups)
    if before != after:
        audit_log(
            action=AuditAction.UPDATE,
            request=request,
            actor=actor,
            record=user,
            detail={"user_groups": {"before": before, "after": after}},
        )


# API tokens --------------------------------------------------------------------------------------


def api_token_create(
    *,
    user: User,
    name: str,
    expires_at: datetime | None = None,
    actor: AbstractBaseUser | None = None,
    request: HttpRequest | None = None,
) -> tuple[ApiToken, str]:
    """Create a token for ``user``; returns the stored row and the raw token, which is never stored."""
    raw = API_TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user,
        name=name.strip()[:100] or _("API token"),
        key_prefix=raw[:12],
        token_hash=api_token_digest(raw),
        expires_at=expires_at,
    )
    audit_log(
        action=AuditAction.TOKEN_CREATE,
        request=request,
        actor=actor or user,
        record=token,
        detail={"owner": user.get_username(), "name": token.name, "expires_at": expires_at},
    )
    return token, raw


def api_token_revoke(
    *, token: ApiToken, actor: AbstractBaseUser | None = None, request: HttpRequest | None = None
) -> ApiToken:
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit_log(
            action=AuditAction.TOKEN_REVOKE,
            request=request,
            actor=actor or token.user,
            record=token,
            detail={"owner": token.user.get_username(), "name": token.name},
        )
    return token


# Team notes --------------------------------------------------------------------------------------


def _check_group(user: User, group: UserGroup | None) -> None:
    if group is not None and not user.user_groups.filter(pk=group.pk).exists():
        raise ValidationError({"group": _("You can share a note only with a group you belong to.")})


def note_create(
    *,
    actor: User,
    title: str,
    body: str = "",
    group: UserGroup | None = None,
    request: HttpRequest | None = None,
) -> Note:
    """A note owned by ``actor`` in ``actor``'s organisation, optionally shared with one of their groups."""
    if not access.has_permission(actor, NOTE_ADD):
        audit_log(
            action=AuditAction.PERMISSION_DENIED,
            request=request,
            actor=actor,
            record_type="accounts.note",
            detail={"permission": NOTE_ADD, "reason": "no_permission"},
        )
        raise PermissionDenied(NOTE_ADD)
    _check_group(actor, group)
    with transaction.atomic():
        note = Note.objects.create(
            title=title, body=body, group=group, owner=actor, organisation_id=actor.organisation_id
        )
        audit_log(action=AuditAction.CREATE, request=request, actor=actor, record=note)
    return note


def note_update(
    *,
    note: Note,
    actor: User,
    title: str,
    body: str,
    group: UserGroup | None,
    request: HttpRequest | None = None,
) -> Note:
    """Update a note the caller fetched with ``note_get_for_user(..., perm=NOTE_CHANGE)``."""
    if group is not None and group.pk != note.group_id:
        _check_group(actor, group)
    changed = [
        field
        for field, value in (("title", title), ("body", body), ("group_id", group.pk if group else None))
        if getattr(note, field) != value
    ]
    if not changed:
        return note
    note.title, note.body, note.group = title, body, group
    note.updated_at = timezone.now()
    with transaction.atomic():
        note.save(update_fields=[*(name.removesuffix("_id") for name in changed), "updated_at"])
        # Field names only: the values may be sensitive and the audit log is read by the DPO.
        audit_log(
            action=AuditAction.UPDATE, request=request, actor=actor, record=note, detail={"fields": changed}
        )
    return note


def note_delete(*, note: Note, actor: User, request: HttpRequest | None = None) -> None:
    """Delete a note the caller fetched with ``note_get_for_user(..., perm=NOTE_DELETE)``."""
    record_id = str(note.pk)
    with transaction.atomic():
        note.delete()
        audit_log(
            action=AuditAction.DELETE,
            request=request,
            actor=actor,
            record_type="accounts.note",
            record_id=record_id,
        )


# Two-factor authentication -----------------------------------------------------------------------


def totp_secret_base32(device: TOTPDevice) -> str:
    return b32encode(device.bin_key).decode("ascii").rstrip("=")


def totp_enrolment_start(*, user: User) -> TOTPDevice:
    """A new unconfirmed authenticator with a fresh secret, replacing any earlier unconfirmed one."""
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user, confirmed=False).delete()
        return TOTPDevice.objects.create(user=user, name=TOTP_DEVICE_NAME, confirmed=False)


def backup_codes_regenerate(*, user: User) -> list[str]:
    """Replace the user's backup codes; the returned codes are shown once and never again."""
    with transaction.atomic():
        StaticDevice.objects.filter(user=user).delete()
        device = StaticDevice.objects.create(user=user, name=BACKUP_DEVICE_NAME, confirmed=True)
        codes = [StaticToken.random_token() for _ in range(BACKUP_CODE_COUNT)]
        StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def totp_enrolment_confirm(*, request: HttpRequest, device: TOTPDevice, code: str) -> list[str] | None:
    """Confirm the device if ``code`` is right; marks the session verified and returns new backup codes.

    Confirming replaces any earlier authenticator, so a lost phone stops working at once.
    """
    user = request.user
    assert isinstance(user, User)
    if device.user_id != user.pk or device.confirmed:
        return None
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().get(pk=device.pk)
        if not device.verify_token(code.strip().replace(" ", "")):
            audit_log(
                action=AuditAction.FAILED_LOGIN,
                request=request,
                actor=user,
                detail={"stage": "two_factor_enrolment"},
            )
            return None
        TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        codes = backup_codes_regenerate(user=user)
    otp_login(request, device)
    audit_log(action=AuditAction.LOGIN, request=request, actor=user, detail={"stage": "two_factor_enrolment"})
    return codes


def two_factor_verify(*, request: HttpRequest, code: str) -> bool:
    """Check a code from the user's authenticator or one of their backup codes (each works once)."""
    user = request.user
    assert isinstance(user, User)
    token = code.strip().replace(" ", "").lower()
    with transaction.atomic():
        for model in (TOTPDevice, StaticDevice):
            for device in model.objects.filter(user=user, confirmed=True).select_for_update():
                if device.verify_token(token):
                    kind = "backup_code" if isinstance(device, StaticDevice) else "authenticator"
                    break
            else:
                continue
            break
        else:
            device = None
    if device is None:
        audit_log(
            action=AuditAction.FAILED_LOGIN, request=request, actor=user, detail={"stage": "two_factor"}
        )
        return False
    otp_login(request, device)
    audit_log(
        action=AuditAction.LOGIN, request=request, actor=user, detail={"stage": "two_factor", "device": kind}
    )
    return True


def two_factor_reset(
    *, user: User, actor: AbstractBaseUser | None = None, request: HttpRequest | None = None
) -> None:
    """Remove every second-factor device; the user enrols again at their next sign-in."""
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
        StaticDevice.objects.filter(user=user).delete()
        audit_log(
            action=AuditAction.UPDATE,
            request=request,
            actor=actor,
            record=user,
            detail={"two_factor": "reset"},
        )
