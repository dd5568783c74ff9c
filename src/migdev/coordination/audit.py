"""Writes to the platform audit log; a no-op until the audit module is installed."""

from __future__ import annotations

from typing import Any

from django.db import models


def record(*, action: str, actor: Any = None, record: models.Model | None = None, detail: dict[str, Any] | None = None) -> None:
    try:
        from migdev.audit.services import audit_log  # type: ignore[import-not-found,unused-ignore]
    except ImportError:
        return
    real_actor = actor if actor is not None and getattr(actor, "is_authenticated", False) else None
    audit_log(action=action, actor=real_actor, record=record, detail=detail or {})
