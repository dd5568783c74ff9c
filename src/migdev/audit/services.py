"""Writing the audit trail. Every security-relevant action calls ``audit_log``.

Never put case content or secrets into ``detail``: the audit log is read by people who must not see
case content (the data protection officer). Record identifiers, field names and counts are fine.
"""

import ipaddress
import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connections, models, transaction
from django.http import HttpRequest

from migdev.audit.models import AuditAction, AuditEvent

_USER_AGENT_MAX = 500
_PATH_MAX = 500
_USERNAME_MAX = 150


def client_ip_address(request: HttpRequest) -> str | None:
    """The client address as django-axes sees it, so lockouts and audit rows agree."""
    from axes.helpers import get_client_ip_address

    address = get_client_ip_address(request)
    if not address:
        return None
    try:
        return str(ipaddress.ip_address(str(address)))
    except ValueError:
        # The inet column of PostgreSQL refuses anything else; an unparsable address is not evidence.
        return None


def audit_log(
    *,
    action: str,
    request: HttpRequest | None = None,
    actor: AbstractBaseUser | None = None,
    record: models.Model | None = None,
    record_type: str = "",
    record_id: str = "",
    detail: dict[str, Any] | None = None,
    username: str = "",
) -> AuditEvent:
    """Append one event. ``actor`` defaults to the request's signed-in user; ``username`` names the
    account concerned when there is no actor (a failed sign-in, for example)."""
    action = AuditAction(action).value
    if actor is None and request is not None:
        request_user = getattr(request, "user", None)
        if request_user is not None and request_user.is_authenticated:
            actor = request_user
    if record is not None:
        record_type = record_type or record._meta.label_lower
        record_id = record_id or str(record.pk)
    actor_username = actor.get_username() if actor is not None else username
    event = AuditEvent(
        action=action,
        actor_id=actor.pk if actor is not None else None,
        actor_username=actor_username[:_USERNAME_MAX],
        record_type=record_type,
        record_id=str(record_id)[:64],
        detail=detail or {},
    )
    if request is not None:
        event.ip_address = client_ip_address(request)
        event.user_agent = request.META.get("HTTP_USER_AGENT", "")[:_USER_AGENT_MAX]
        event.path = request.path[:_PATH_MAX]
    event.save(force_insert=True)
    return event


# --- redaction -------------------------------------------------------------------------------------------

REDACTED = "[redacted]"


@dataclass(frozen=True)
class Redaction:
    """What a redaction changed: the events (by id) and the detail keys blanked; ``event`` is the audit
    event recording it (None for a dry run)."""

    event_ids: tuple[int, ...]
    keys: tuple[str, ...]
    event: AuditEvent | None


def _needs_redaction(detail: Any, keys: frozenset[str]) -> bool:
    return isinstance(detail, dict) and any(detail.get(key) not in (None, REDACTED) for key in keys)


def audit_redact(
    *, record_types: Iterable[str], keys: Iterable[str], reason: str, operator: str, dry_run: bool = False
) -> Redaction:
    """Replace the given detail keys of past events with :data:`REDACTED`: the one way content that should
    never have been logged leaves the append-only table.

    Narrow on purpose: only events of the named record types, only the named top-level keys, nothing
    deleted, and who, when, what and where of each event stay as they were. The redaction itself is a new
    audit event naming the events changed, the keys and the reason, and each changed event points to it
    (``redacted_by``). The database guards are lifted for this one transaction only, which on PostgreSQL
    needs the table owner (the application role cannot); see docs/adr/0007.
    """
    from migdev.audit.guards import TABLE, guards_suspended

    types = sorted(set(record_types))
    blanked = frozenset(keys)
    if not types or not blanked:
        raise ValueError("Name the record types and the detail keys to redact.")
    if not reason.strip():
        raise ValueError("Give the reason for the redaction; it is recorded.")
    candidates = AuditEvent.objects.filter(record_type__in=types).order_by("pk").only("pk", "detail")
    targets = [event for event in candidates.iterator() if _needs_redaction(event.detail, blanked)]
    if dry_run or not targets:
        return Redaction(tuple(event.pk for event in targets), tuple(sorted(blanked)), None)
    connection = connections[AuditEvent.objects.db]
    with transaction.atomic(using=connection.alias):
        record = audit_log(
            action=AuditAction.REDACT,
            record_type=AuditEvent._meta.label_lower,
            username=operator,
            detail={
                "events": [event.pk for event in targets],
                "count": len(targets),
                "record_types": types,
                "keys": sorted(blanked),
                "reason": reason.strip(),
            },
        )
        quote = connection.ops.quote_name
        placeholder = "%s::jsonb" if connection.vendor == "postgresql" else "%s"
        with guards_suspended(connection), connection.cursor() as cursor:
            for event in targets:
                detail = {
                    key: (REDACTED if key in blanked and value is not None else value)
                    for key, value in event.detail.items()
                }
                detail["redacted_by"] = record.pk
                cursor.execute(
                    f"UPDATE {quote(TABLE)} SET {quote('detail')} = {placeholder} WHERE id = %s",  # noqa: S608
                    [json.dumps(detail, cls=DjangoJSONEncoder), event.pk],
                )
    return Redaction(tuple(event.pk for event in targets), tuple(sorted(blanked)), record)
