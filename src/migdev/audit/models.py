"""The audit trail: who did what to which record, when and from where.

Rows are append-only. The database refuses UPDATE and DELETE on the table (triggers installed by
migration 0002, see ``migdev.audit.guards``); the manager below refuses them earlier, in Python, so a
mistake fails in development rather than in production.
"""

from typing import Any, NoReturn

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class AuditAction(models.TextChoices):
    CREATE = "create", pgettext_lazy("audit action", "Create")
    READ = "read", pgettext_lazy("audit action", "Read")
    UPDATE = "update", pgettext_lazy("audit action", "Update")
    DELETE = "delete", pgettext_lazy("audit action", "Delete")
    EXPORT = "export", pgettext_lazy("audit action", "Export")
    IMPORT = "import", pgettext_lazy("audit action", "Import")
    LOGIN = "login", _("Sign-in")
    FAILED_LOGIN = "failed_login", _("Failed sign-in")
    LOGOUT = "logout", _("Sign-out")
    PERMISSION_DENIED = "permission_denied", _("Permission denied")
    TOKEN_CREATE = "token_create", _("API token created")
    TOKEN_REVOKE = "token_revoke", _("API token revoked")
    REDACT = "redact", _("Redaction of audit details")


class AuditAppendOnlyError(RuntimeError):
    """Raised when code tries to change or remove audit events."""


class AuditEventQuerySet(models.QuerySet["AuditEvent"]):
    def _refuse(self, what: str) -> NoReturn:
        raise AuditAppendOnlyError(f"Audit events are append-only: {what} is not allowed.")

    def update(self, **kwargs: Any) -> NoReturn:
        self._refuse("update()")

    def delete(self) -> NoReturn:
        self._refuse("delete()")

    def _update(self, values: Any) -> NoReturn:
        # Model.save() on an existing row goes through the base manager's _update().
        self._refuse("saving an existing event")

    def _raw_delete(self, using: Any) -> NoReturn:
        self._refuse("deleting events")

    def bulk_update(self, objs: Any, fields: Any, batch_size: int | None = None) -> NoReturn:
        self._refuse("bulk_update()")


AuditEventManager = models.Manager.from_queryset(AuditEventQuerySet)


class AuditEvent(models.Model):
    occurred_at = models.DateTimeField(_("when"), default=timezone.now, db_index=True, editable=False)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        # Users with a history are deactivated, never deleted; PROTECT makes that a rule.
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("user"),
    )
    actor_username = models.CharField(_("user name"), max_length=150, blank=True, db_index=True)
    action = models.CharField(_("action"), max_length=30, choices=AuditAction.choices, db_index=True)
    record_type = models.CharField(_("record type"), max_length=100, blank=True, db_index=True)
    record_id = models.CharField(_("record id"), max_length=64, blank=True, db_index=True)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    user_agent = models.CharField(_("user agent"), max_length=500, blank=True)
    path = models.CharField(_("path"), max_length=500, blank=True)
    detail = models.JSONField(_("detail"), default=dict, blank=True, encoder=DjangoJSONEncoder)

    objects = AuditEventManager()

    class Meta:
        ordering = ["-occurred_at", "-pk"]
        base_manager_name = "objects"
        default_permissions = ("view",)
        permissions = [("export_auditevent", _("Can export audit events"))]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        indexes = [models.Index(fields=["record_type", "record_id"], name="audit_record_idx")]

    def __str__(self) -> str:
        return f"{self.occurred_at:%Y-%m-%d %H:%M:%S} {self.actor_username} {self.action}"
