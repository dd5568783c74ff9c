from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ImportRun(models.Model):
    """One attempt to load a file, kept whether it succeeded or not (the history page lists these).

    A successful run is written in the same transaction as the data it loaded; a refused or failed run is
    written after that transaction was rolled back. A process killed mid-load leaves no run at all.
    """

    class Status(models.TextChoices):
        SUCCEEDED = "succeeded", _("Loaded")
        REJECTED = "rejected", _("Refused")
        FAILED = "failed", _("Failed")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="import_runs",
        verbose_name=_("user"),
    )
    format_name = models.CharField(_("format"), max_length=100)
    filename = models.CharField(_("file"), max_length=255)
    file_size = models.PositiveBigIntegerField(_("file size in bytes"), default=0)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices)
    started_at = models.DateTimeField(_("started"))
    finished_at = models.DateTimeField(_("finished"))
    rows_read = models.PositiveIntegerField(_("rows read"), default=0)
    rows_created = models.PositiveIntegerField(_("rows created"), default=0)
    rows_updated = models.PositiveIntegerField(_("rows updated"), default=0)
    rows_rejected = models.PositiveIntegerField(_("rows rejected"), default=0)
    report = models.JSONField(_("validation report"), default=dict, blank=True)
    error = models.TextField(_("error"), blank=True)

    class Meta:
        ordering = ["-started_at", "-id"]
        verbose_name = _("import")
        verbose_name_plural = _("imports")

    def __str__(self) -> str:
        return f"{self.format_name}: {self.filename} ({self.status})"
