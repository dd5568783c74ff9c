"""GET /api/v1/audit/events: the audit trail for the data protection officer and administrators."""

from datetime import date, datetime
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Query, Router, Schema
from ninja.pagination import paginate

from migdev.accounts.access import has_permission
from migdev.audit.models import AuditAction, AuditEvent
from migdev.audit.selectors import AuditFilters, audit_events
from migdev.audit.services import audit_log
from migdev.core.api_base import AUTH, Pagination

router = Router(tags=["audit"], auth=AUTH)

VIEW_PERMISSION = "audit.view_auditevent"


class AuditEventOut(Schema):
    id: int
    occurred_at: datetime
    actor_username: str
    action: str
    record_type: str
    record_id: str
    ip_address: str | None
    user_agent: str
    path: str
    detail: dict[str, Any]


class AuditEventFilters(Schema):
    user: str = ""
    action: AuditAction | None = None
    record_type: str = ""
    record_id: str = ""
    date_from: date | None = None
    date_to: date | None = None


@router.get("/events", response=list[AuditEventOut], summary="List audit events")
@paginate(Pagination)
def list_events(request: HttpRequest, filters: Query[AuditEventFilters]) -> QuerySet[AuditEvent]:
    """Newest first. Filters combine; dates are inclusive. Needs the audit-reading permission
    (data protection officer or administrator)."""
    if not has_permission(request.user, VIEW_PERMISSION):
        audit_log(
            action=AuditAction.PERMISSION_DENIED,
            request=request,
            record_type="audit.auditevent",
            detail={"permission": VIEW_PERMISSION, "reason": "no_permission", "via": "api"},
        )
        raise PermissionDenied
    selection = AuditFilters(
        username=filters.user,
        action=filters.action.value if filters.action else "",
        record_type=filters.record_type,
        record_id=filters.record_id,
        date_from=filters.date_from,
        date_to=filters.date_to,
    )
    audit_log(
        action=AuditAction.READ,
        request=request,
        record_type="audit.auditevent",
        detail={"filters": selection.as_detail(), "via": "api"},
    )
    return audit_events(selection)
