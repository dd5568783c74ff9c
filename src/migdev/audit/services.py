"""Writing the audit trail. Every security-relevant action calls ``audit_log``.

Never put case content or secrets into ``detail``: the audit log is read by people who must not see
case content (the data protection officer). Record identifiers, field names and counts are fine.
"""

import ipaddress
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.db import models
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
