from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Job(models.Model):
    """A unit of background work, claimed by a worker through a conditional UPDATE (see services)."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        SUCCEEDED = "succeeded", _("Succeeded")
        FAILED = "failed", _("Failed")

    kind = models.CharField(_("kind"), max_length=100, db_index=True)
    # The language of whoever queued the job: its messages and reports are written in it.
    language = models.CharField(_("language"), max_length=10, default="en")
    payload = models.JSONField(_("payload"), default=dict, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.QUEUED)
    progress_done = models.PositiveBigIntegerField(_("steps done"), default=0)
    progress_total = models.PositiveBigIntegerField(_("steps in all"), null=True, blank=True)
    result = models.JSONField(_("result"), default=dict, blank=True)
    error = models.TextField(_("error"), blank=True)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    max_attempts = models.PositiveIntegerField(_("maximum attempts"), default=3)
    idempotency_key = models.CharField(
        _("idempotency key"), max_length=200, null=True, blank=True, unique=True
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="jobs",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    locked_by = models.CharField(_("claimed by worker"), max_length=200, blank=True)
    locked_until = models.DateTimeField(_("claim expires"), null=True, blank=True)

    # When this instance last wrote its progress (monotonic clock); not stored, used for throttling.
    _progress_written_at: float = float("-inf")

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("job")
        verbose_name_plural = _("jobs")
        indexes = [models.Index(fields=["status", "created_at"], name="jobs_job_status_created")]
        permissions = [("view_all_jobs", _("Can see every user's jobs"))]

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk}"

    @property
    def is_finished(self) -> bool:
        return self.status in {self.Status.SUCCEEDED, self.Status.FAILED}

    @property
    def progress_percent(self) -> int | None:
        if not self.progress_total:
            return None
        return min(100, int(100 * self.progress_done / self.progress_total))

    def report_progress(self, done: int, total: int | None = None, *, force: bool = False) -> None:
        """Called by handlers as they work; writes are throttled (see ``job_report_progress``)."""
        from migdev.jobs.services import job_report_progress

        job_report_progress(job=self, done=done, total=total, force=force)

    def result_value(self, key: str) -> Any:
        return self.result.get(key) if isinstance(self.result, dict) else None

    @property
    def result_link(self) -> str | None:
        """Where the job's result can be seen: a path inside this site (a handler's ``link``), never a URL."""
        link = self.result_value("link")
        if isinstance(link, str) and link.startswith("/") and not link.startswith("//"):
            return link
        return None
