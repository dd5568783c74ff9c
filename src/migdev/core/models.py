"""Tables of the platform core: the API's shared rate-limit counters (ADR 0013)."""

from django.db import models


class ApiRateCounter(models.Model):
    """One API client's requests in the current rate-limit window and in the window before it.

    Written by one statement per request (``migdev.core.throttling.SharedRateThrottle``), so every app server
    process, on any machine, counts against the same row. ``client`` is a keyed hash of the client's identity
    (the authenticated user, or the address of an anonymous caller), never the identity itself."""

    client = models.CharField(max_length=64, primary_key=True)
    window_number = models.BigIntegerField(db_index=True)
    hits = models.PositiveIntegerField(default=0)
    previous_hits = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.client[:8]}… window {self.window_number}: {self.hits} (before: {self.previous_hits})"
