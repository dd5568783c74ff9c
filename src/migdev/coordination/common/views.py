"""View helpers every part of the hub uses."""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.utils import timezone

from migdev.coordination import access


def current_date() -> datetime.date:
    return timezone.localdate()


def require_editor(request: HttpRequest) -> None:
    if not access.can_edit(request.user):
        raise PermissionDenied
