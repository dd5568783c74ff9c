"""Tables of the platform core: the API's shared rate-limit counters (ADR 0013) and kept answers (ADR 0014)."""

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


class KeptAnswer(models.Model):
    """A computed answer (a shortlist) kept in the database with the stamp of everything it was computed
    from (``migdev.core.kept``, ADR 0014). Shared by every process; a reader uses it only when the stamp it
    reads in the same statement is equal. ``body`` is viewer-independent: who may see which field is decided
    when it is read, never stored here."""

    kind = models.CharField(max_length=40)
    subject_id = models.BigIntegerField()
    variant = models.CharField(max_length=64)
    stamp = models.CharField(max_length=255)
    body = models.TextField()
    computed_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["kind", "subject_id", "variant"], name="core_kept_answer_key")
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.subject_id} {self.variant}"
