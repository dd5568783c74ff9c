"""Audit rows for coordination writes, through the platform audit log."""

from __future__ import annotations

from typing import Any

from django.db import models

from migdev.audit.services import audit_log


def record(
    *,
    action: str,
    actor: Any = None,
    record: models.Model | None = None,
    detail: dict[str, Any] | None = None,
) -> None:
    real_actor = actor if actor is not None and getattr(actor, "is_authenticated", False) else None
    audit_log(action=action, actor=real_actor, record=record, detail=detail or {})
