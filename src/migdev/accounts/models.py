from datetime import datetime
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractUser, Permission
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from migdev.accounts.roles import Role, Scope
from migdev.core.validation import normalised_name
from migdev.core.versioning import VersionedModel


class Organisation(VersionedModel):
    class Kind(models.TextChoices):
        GOVERNMENT = "government", _("Ministry or other government body")
        UN_AGENCY = "un_agency", _("UN or intergovernmental agency")
        NGO = "ngo", _("Non-governmental organisation")
        PRIVATE = "private", _("Private sector")
        RESEARCH = "research", _("Research institution")
        DIASPORA = "diaspora", _("Diaspora association")
        SECRETARIAT = "secretariat", _("Process secretariat")

    name = models.CharField(_("name"), max_length=200, unique=True)
    acronym = models.CharField(_("acronym"), max_length=30, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        constraints = [
            # "IOM" and "iom " are one organisation: names are stored trimmed and unique whatever the case.
            models.UniqueConstraint(Lower("name"), name="organisation_name_unique_ignoring_case"),
        ]

    def clean(self) -> None:
        self.name = normalised_name(self.name)

    def __str__(self) -> str:
        return self.acronym or self.name


class UserGroup(models.Model):
    """A team whose members share records at "group" scope (Primero's user group)."""

    name = models.CharField(_("name"), max_length=150)
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="user_groups",
        verbose_name=_("organisation"),
        help_text=_("Leave empty for a group that spans organisations."),
    )
    description = models.TextField(_("description"), blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("user group")
        verbose_name_plural = _("user groups")
        constraints = [
            models.UniqueConstraint(fields=["organisation", "name"], name="accounts_usergroup_unique_name"),
        ]

    def __str__(self) -> str:
        return self.name


class RoleDefinition(models.Model):
    """One of the fixed roles, with the permissions it grants and how far each reaches."""

    code = models.CharField(_("code"), max_length=40, choices=Role.choices, unique=True)
    description = models.TextField(_("description"), blank=True)
    permissions: "models.ManyToManyField[Permission, RolePermission]" = models.ManyToManyField(
        Permission, through="RolePermission", related_name="+", verbose_name=_("permissions")
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("role")
        verbose_name_plural = _("roles")

    def __str__(self) -> str:
        return str(Role(self.code).label)


class RolePermission(models.Model):
    role = models.ForeignKey(RoleDefinition, on_delete=models.CASCADE, related_name="grants")
    permission = models.ForeignKey(Permission, on_delete=models.CASCADE, related_name="+")
    scope = models.CharField(_("scope"), max_length=20, choices=Scope.choices)

    class Meta:
        verbose_name = _("role permission")
        verbose_name_plural = _("role permissions")
        constraints = [
            models.UniqueConstraint(fields=["role", "permission"], name="accounts_rolepermission_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.role} · {self.permission.codename} · {self.scope}"


class User(VersionedModel, AbstractUser):
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, null=True, blank=True, related_name="users"
    )
    user_groups = models.ManyToManyField(
        UserGroup, blank=True, related_name="members", verbose_name=_("user groups")
    )
    roles = models.ManyToManyField(RoleDefinition, blank=True, related_name="users", verbose_name=_("roles"))

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        # Granted with a scope like any other permission: "organisation" lets an administrator manage the
        # accounts of their own organisation, "all" every account (see migdev.accounts.access).
        permissions = [("manage_users", _("Can manage user accounts"))]

    # Per-instance memo of roles, scopes and group ids filled by migdev.accounts.access; request.user lives
    # for one request, so changes to roles apply from the next request on.
    access_cache: dict[str, Any] | None = None


class Note(VersionedModel):
    """A team note: handovers, meeting follow-ups, reminders shared inside a team or organisation.

    It is a real, small record type with an owner, a group and an organisation, which makes it the
    reference implementation (and exhaustive test bed) of the per-record-type access function. A test-only
    app would need its own migrations outside the shipped schema; a useful note keeps the pattern honest.
    Notes must not hold victim data: case content belongs in the counter-trafficking module.
    """

    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"), blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="notes", verbose_name=_("owner")
    )
    group = models.ForeignKey(
        UserGroup,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="notes",
        verbose_name=_("shared with group"),
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, null=True, blank=True, related_name="notes"
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)

    class Meta:
        ordering = ["-updated_at", "-pk"]
        verbose_name = _("team note")
        verbose_name_plural = _("team notes")

    def __str__(self) -> str:
        return self.title


class ApiToken(models.Model):
    """A personal API token. Only its SHA-256 digest is stored; the token itself is shown once."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=100)
    key_prefix = models.CharField(_("starts with"), max_length=16, editable=False)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True, editable=False)
    expires_at = models.DateTimeField(_("expires"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.name} ({self.key_prefix}…)"

    def is_active_at(self, moment: datetime) -> bool:
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > moment)
