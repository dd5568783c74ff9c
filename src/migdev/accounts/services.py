"""Writes for accounts: user accounts and their roles, API tokens, team notes, two-factor devices.

Each one is audited."""

import secrets
from base64 import b32encode
from collections.abc import Iterable
from datetime import datetime

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from migdev.accounts import access, selectors
from migdev.accounts.models import (
    ApiToken,
    Note,
    Organisation,
    RoleDefinition,
    RolePermission,
    User,
    UserGroup,
)
from migdev.accounts.roles import Role, Scope
from migdev.accounts.selectors import API_TOKEN_PREFIX, NOTE_ADD, USER_MANAGE, api_token_digest
from migdev.accounts.tokens import set_password_path
from migdev.audit.models import AuditAction
from migdev.audit.services import audit_log
from migdev.core.versioning import claim_version

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
    expected_version: int | None,
    request: HttpRequest | None = None,
) -> Note:
    """Update a note the caller fetched with ``note_get_for_user(..., perm=NOTE_CHANGE)``; raises
    :class:`~migdev.core.versioning.StaleEdit` if it was saved since ``expected_version``."""
    if group is not None and group.pk != note.group_id:
        _check_group(actor, group)
    changed = [
        field
        for field, value in (("title", title), ("body", body), ("group_id", group.pk if group else None))
        if getattr(note, field) != value
    ]
    with transaction.atomic():
        claim_version(note, expected_version)
        if not changed:
            return note
        note.title, note.body, note.group = title, body, group
        note.updated_at = timezone.now()
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


# User administration -----------------------------------------------------------------------------
#
# The pages call these with the signed-in administrator as ``actor``, after fetching the account with
# ``user_get_for_user`` (404 outside their scope). Each refuses, with a ValidationError naming the field,
# anything that would raise an account above the actor's own reach, and records the refusal.

NON_FIELD = "__all__"


def _refuse(
    *, actor: User, request: HttpRequest | None, user: User | None, reason: str, errors: dict[str, str]
) -> ValidationError:
    audit_log(
        action=AuditAction.PERMISSION_DENIED,
        request=request,
        actor=actor,
        record=user,
        record_type="" if user is not None else "accounts.user",
        detail={"permission": USER_MANAGE, "reason": reason},
    )
    return ValidationError(errors)


def _require_manager(actor: User, request: HttpRequest | None) -> None:
    if not access.has_permission(actor, USER_MANAGE):
        audit_log(
            action=AuditAction.PERMISSION_DENIED,
            request=request,
            actor=actor,
            record_type="accounts.user",
            detail={"permission": USER_MANAGE, "reason": "no_permission"},
        )
        raise PermissionDenied(USER_MANAGE)


def _require_manageable(actor: User, user: User, request: HttpRequest | None) -> None:
    """The actor holds the permission, reaches ``user`` and could grant everything ``user`` holds."""
    _require_manager(actor, request)
    reached = selectors.users_visible_to(actor).filter(pk=user.pk).exists()
    if not reached or not selectors.user_is_manageable_by(actor, user):
        raise _refuse(
            actor=actor,
            request=request,
            user=user,
            reason="not_in_scope" if not reached else "holds_more_than_actor",
            errors={
                NON_FIELD: _(
                    "This account holds rights beyond yours; an administrator with a wider scope must change it."
                )
            },
        )


def _check_assignment(
    *,
    actor: User,
    request: HttpRequest | None,
    user: User | None,
    organisation: Organisation | None,
    groups: list[UserGroup],
    roles: list[str],
) -> None:
    """Refuse roles, groups or an organisation beyond the actor's reach (escalation)."""
    errors: dict[str, str] = {}
    refused_roles = set(roles) - selectors.roles_grantable_by(actor)
    if refused_roles:
        names = ", ".join(sorted(str(Role(code).label) for code in refused_roles))
        errors["roles"] = _("You cannot grant these roles: %(roles)s.") % {"roles": names}
    current_groups = set(user.user_groups.values_list("pk", flat=True)) if user is not None else set()
    assignable_groups = set(selectors.groups_assignable_by(actor).values_list("pk", flat=True))
    if {group.pk for group in groups} - current_groups - assignable_groups:
        errors["groups"] = _("You can add accounts only to groups of your organisation or your own groups.")
    organisation_id = organisation.pk if organisation is not None else None
    changed_organisation = user is None or organisation_id != user.organisation_id
    if changed_organisation and not (
        access.scope_for(actor, USER_MANAGE) == Scope.ALL
        or (
            organisation_id is not None
            and selectors.organisations_assignable_by(actor).filter(pk=organisation_id).exists()
        )
    ):
        errors["organisation"] = _("You can place accounts only in your own organisation.")
    if not errors and not access.reaches(
        actor,
        USER_MANAGE,
        owner_id=user.pk if user is not None else None,
        group_ids={group.pk for group in groups},
        organisation_id=organisation_id,
    ):
        errors["organisation"] = _("The account would leave the accounts you manage.")
    if errors:
        raise _refuse(actor=actor, request=request, user=user, reason="escalation", errors=errors)


def _manage_users_grants() -> "Q":
    return Q(
        roles__grants__permission__content_type__app_label="accounts",
        roles__grants__permission__codename="manage_users",
    )


def _roles_manage_users(codes: Iterable[str]) -> bool:
    return RolePermission.objects.filter(
        role__code__in=list(codes),
        permission__content_type__app_label="accounts",
        permission__codename="manage_users",
    ).exists()


def _check_not_last_manager(
    *, actor: User, request: HttpRequest | None, user: User, active_after: bool, roles_after: list[str]
) -> None:
    """Refuse a change that would leave nobody able to manage the accounts ``user`` manages now."""
    access.forget_cached_access(user)
    scope = access.scope_for(user, USER_MANAGE)
    if scope is None:
        return
    still_manager = active_after and (user.is_superuser or _roles_manage_users(roles_after))
    if still_manager:
        return
    grants = _manage_users_grants()
    successors = Q(is_superuser=True) | (grants & Q(roles__grants__scope=Scope.ALL))
    if scope != Scope.ALL and user.organisation_id is not None:
        successors |= grants & Q(
            roles__grants__scope=Scope.ORGANISATION, organisation_id=user.organisation_id
        )
    if not User.objects.filter(successors, is_active=True).exclude(pk=user.pk).exists():
        field = "roles" if active_after else NON_FIELD
        raise _refuse(
            actor=actor,
            request=request,
            user=user,
            reason="last_administrator",
            errors={field: _("This is the last active administrator; appoint another one first.")},
        )


def _set_password_link(user: User) -> str:
    """A new unusable password (so the current password and every earlier link stop working), then a link."""
    user.set_unusable_password()
    user.save(update_fields=["password"])
    return set_password_path(user)


def user_create(
    *,
    actor: User,
    username: str,
    first_name: str = "",
    last_name: str = "",
    email: str = "",
    organisation: Organisation | None,
    groups: Iterable[UserGroup] = (),
    roles: Iterable[str] = (),
    request: HttpRequest | None = None,
) -> tuple[User, str]:
    """Create an account without a password; returns it and the path of its one-time set-password link."""
    _require_manager(actor, request)
    groups = list(groups)
    codes = sorted({Role(code).value for code in roles})
    _check_assignment(
        actor=actor, request=request, user=None, organisation=organisation, groups=groups, roles=codes
    )
    username = username.strip()
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationError({"username": _("A user with that user name already exists.")})
    with transaction.atomic():
        user = User(
            username=username,
            first_name=first_name.strip(),
            last_name=last_name.strip(),
            email=User.objects.normalize_email(email.strip()),
            organisation=organisation,
        )
        user.set_unusable_password()
        user.full_clean(exclude=["password"])
        user.save()
        user.roles.set(RoleDefinition.objects.filter(code__in=codes))
        user.user_groups.set(groups)
        access.forget_cached_access(user)
        audit_log(
            action=AuditAction.CREATE,
            request=request,
            actor=actor,
            record=user,
            detail={
                "username": user.username,
                "organisation": user.organisation_id,
                "roles": codes,
                "user_groups": sorted(group.pk for group in groups),
                "set_password_link": "issued",
            },
        )
        path = set_password_path(user)
    return user, path


def user_update(
    *,
    actor: User,
    user: User,
    first_name: str,
    last_name: str,
    email: str,
    organisation: Organisation | None,
    groups: Iterable[UserGroup],
    roles: Iterable[str],
    expected_version: int | None,
    request: HttpRequest | None = None,
) -> User:
    """Change an account's name, email, organisation, groups and roles (the user name never changes);
    raises :class:`~migdev.core.versioning.StaleEdit` if it was saved since ``expected_version``."""
    _require_manageable(actor, user, request)
    groups = list(groups)
    codes = sorted({Role(code).value for code in roles})
    _check_assignment(
        actor=actor, request=request, user=user, organisation=organisation, groups=groups, roles=codes
    )
    _check_not_last_manager(
        actor=actor, request=request, user=user, active_after=user.is_active, roles_after=codes
    )
    values = {
        "first_name": first_name.strip(),
        "last_name": last_name.strip(),
        "email": User.objects.normalize_email(email.strip()),
        "organisation_id": organisation.pk if organisation is not None else None,
    }
    changes = {
        field.removesuffix("_id"): {"before": getattr(user, field), "after": value}
        for field, value in values.items()
        if getattr(user, field) != value
    }
    with transaction.atomic():
        claim_version(user, expected_version)
        if changes:
            for field, value in values.items():
                setattr(user, field, value)
            user.save(update_fields=[field.removesuffix("_id") for field in values])
            audit_log(action=AuditAction.UPDATE, request=request, actor=actor, record=user, detail=changes)
        user_groups_set(user=user, groups=groups, actor=actor, request=request)
        user_roles_set(user=user, roles=codes, actor=actor, request=request)
    return user


def user_active_set(*, actor: User, user: User, active: bool, request: HttpRequest | None = None) -> User:
    """Deactivate or reactivate an account. Accounts are never deleted: the audit trail points at them."""
    _require_manageable(actor, user, request)
    if user.is_active == active:
        return user
    if not active and user.pk == actor.pk:
        raise _refuse(
            actor=actor,
            request=request,
            user=user,
            reason="self_deactivation",
            errors={NON_FIELD: _("You cannot deactivate your own account.")},
        )
    if not active:
        _check_not_last_manager(
            actor=actor,
            request=request,
            user=user,
            active_after=False,
            roles_after=list(user.roles.values_list("code", flat=True)),
        )
    with transaction.atomic():
        user.is_active = active
        user.save(update_fields=["is_active"])
        audit_log(
            action=AuditAction.UPDATE,
            request=request,
            actor=actor,
            record=user,
            detail={"is_active": {"before": not active, "after": active}},
        )
    return user


def user_two_factor_reset(*, actor: User, user: User, request: HttpRequest | None = None) -> None:
    """An administrator removes an account's authenticator and backup codes (a lost phone)."""
    _require_manageable(actor, user, request)
    two_factor_reset(user=user, actor=actor, request=request)


def user_set_password_link_issue(*, actor: User, user: User, request: HttpRequest | None = None) -> str:
    """A new one-time set-password link for ``user``; their current password and earlier links stop working."""
    _require_manageable(actor, user, request)
    if not user.is_active:
        raise ValidationError({NON_FIELD: _("Reactivate the account first.")})
    with transaction.atomic():
        path = _set_password_link(user)
        audit_log(
            action=AuditAction.UPDATE,
            request=request,
            actor=actor,
            record=user,
            detail={"set_password_link": "issued", "password": "cleared"},
        )
    return path


def email_configured() -> bool:
    """Whether this deployment can send email (``EMAIL_HOST`` set); without it links are passed on by hand."""
    return bool(settings.EMAIL_HOST)


def set_password_link_email(
    *, actor: User, user: User, link: str, request: HttpRequest | None = None
) -> None:
    """Send a set-password link to the account's email address (only where an email server is set up)."""
    if not email_configured() or not user.email:
        raise ValidationError(_("No email server is set up, or the account has no email address."))
    send_mail(
        subject=_("Choose your migdev password"),
        message=_(
            "An account was prepared for you on migdev with the user name %(username)s.\n\n"
            "Open this link to choose your password (it works once, within %(days)s days):\n%(link)s\n"
        )
        % {
            "username": user.get_username(),
            "days": max(1, settings.PASSWORD_RESET_TIMEOUT // 86400),
            "link": link,
        },
        from_email=None,
        recipient_list=[user.email],
    )
    audit_log(
        action=AuditAction.UPDATE,
        request=request,
        actor=actor,
        record=user,
        detail={"set_password_link": "emailed"},
    )


def user_password_set_from_link(*, user: User, password: str, request: HttpRequest | None = None) -> None:
    """The account holder chose a password through a valid link (the caller checked the token)."""
    with transaction.atomic():
        user.set_password(password)
        user.save(update_fields=["password"])
        audit_log(
            action=AuditAction.UPDATE,
            request=request,
            actor=user,
            record=user,
            detail={"password": "set_from_link"},
        )
