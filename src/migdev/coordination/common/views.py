"""View helpers every part of the hub uses."""

from __future__ import annotations

import datetime

from django.utils import timezone


def current_date() -> datetime.date:
    return timezone.localdate()
