"""Reading the audit trail (for the data protection officer and administrators)."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import QuerySet
from django.utils import timezone

from migdev.audit.models import AuditEvent

EXPORT_COLUMNS = [
    "id",
    "occurred_at",
    "actor_username",
    "action",
    "record_type",
    "record_id",
    "ip_address",
    "user_agent",
    "path",
    "detail",
]


@dataclass(frozen=True)
class AuditFilters:
    username: str = ""
    action: str = ""
    record_type: str = ""
    record_id: str = ""
    date_from: date | None = None
    date_to: date | None = None

    def as_detail(self) -> dict[str, str]:
        """The filters in use, for the audit row that records an export."""
        return {name: str(value) for name, value in vars(self).items() if value not in ("", None)}


def _start_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min), timezone.get_current_timezone())


def audit_events(filters: AuditFilters) -> QuerySet[AuditEvent]:
    """Events matching every filter given; dates are inclusive days in the site's time zone."""
    events = AuditEvent.objects.all()
    if filters.username:
        events = events.filter(actor_username__iexact=filters.username.strip())
    if filters.action:
        events = events.filter(action=filters.action)
    if filters.record_type:
        events = events.filter(record_type=filters.record_type.strip().lower())
    if filters.record_id:
        events = events.filter(record_id=filters.record_id.strip())
    if filters.date_from:
        events = events.filter(occurred_at__gte=_start_of(filters.date_from))
    if filters.date_to:
        events = events.filter(occurred_at__lt=_start_of(filters.date_to + timedelta(days=1)))
    return events.order_by("-occurred_at", "-pk")


def audit_export_rows(events: QuerySet[AuditEvent]) -> QuerySet[AuditEvent, dict[str, object]]:
    return events.values(*EXPORT_COLUMNS)
