"""Information for migrants: pages per country and subject, their translations and approval, hotlines."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from migdev.accounts.models import Organisation
from migdev.coordination.common.models import ISO3_HELP, Topic
from migdev.core.versioning import VersionedModel


class MigrantInfoSubject(models.TextChoices):
    RIGHTS_DUTIES = "rights_duties", _("Rights and duties")
    PRE_DEPARTURE = "pre_departure", _("Before you leave")
    SAFE_MIGRATION = "safe_migration", _("Migrating safely and regularly")
    TRAFFICKING_RISKS = "trafficking_risks", _("Trafficking and exploitation risks")
    WORK_ABROAD = "work_abroad", _("Working abroad")
    RETURN = "return", _("Returning home")
    REMITTANCES = "remittances", _("Sending money home")


class MigrantInfoPage(VersionedModel):
    """Information for migrants on one subject, for one country (or for everyone when no country is set).
    The words live in one translation per language; each translation is written by an editor and
    published once a reviewer approves it."""

    slug = models.SlugField(_("identifier"), max_length=120, unique=True)
    subject = models.CharField(_("subject"), max_length=20, choices=MigrantInfoSubject.choices)
    country_iso3 = models.CharField(_("country"), max_length=3, blank=True, help_text=ISO3_HELP)
    topics = models.ManyToManyField(Topic, related_name="migrant_pages", blank=True, verbose_name=_("topics"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["country_iso3", "subject"]
        verbose_name = _("information page for migrants")
        verbose_name_plural = _("information pages for migrants")
        indexes = [models.Index(fields=["country_iso3", "subject"])]

    def __str__(self) -> str:
        return self.slug


class MigrantInfoTranslation(VersionedModel):
    """One language of a page. The working copy (title, summary, body) is what editors change; the
    published copy is what the public reads, replaced only when a reviewer approves a new version."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Awaiting approval")
        CHANGES_REQUESTED = "changes_requested", _("Changes requested")
        APPROVED = "approved", _("Approved and published")

    page = models.ForeignKey(MigrantInfoPage, on_delete=models.CASCADE, related_name="translations")
    language = models.CharField(_("language"), max_length=2)
    title = models.CharField(_("title"), max_length=300)
    summary = models.CharField(_("summary"), max_length=500, blank=True)
    body = models.TextField(_("text"))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.DRAFT)
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    review_comments = models.TextField(_("reviewer's comments"), blank=True)
    published_title = models.CharField(max_length=300, blank=True)
    published_summary = models.CharField(max_length=500, blank=True)
    published_body = models.TextField(blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["page", "language"]
        verbose_name = _("translation")
        verbose_name_plural = _("translations")
        constraints = [
            models.UniqueConstraint(fields=["page", "language"], name="migrant_info_one_per_language"),
            models.CheckConstraint(
                condition=Q(published_at__isnull=True) | ~Q(published_body=""),
                name="migrant_info_published_has_text",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.page_id} [{self.language}]"

    @property
    def is_public(self) -> bool:
        return self.published_at is not None


class Hotline(VersionedModel):
    """A telephone line migrants can call, per country."""

    class Kind(models.TextChoices):
        EMERGENCY = "emergency", _("Emergency")
        TRAFFICKING = "trafficking", _("Anti-trafficking")
        MIGRANT_SUPPORT = "migrant_support", _("Migrant support and advice")
        LABOUR = "labour", _("Labour rights")
        CONSULAR = "consular", _("Consular assistance")

    country_iso3 = models.CharField(_("country"), max_length=3, help_text=ISO3_HELP)
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    phone = models.CharField(_("telephone"), max_length=40)
    hours = models.CharField(_("hours"), max_length=120, blank=True)
    languages = models.CharField(_("languages spoken"), max_length=200, blank=True)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, null=True, blank=True, related_name="hotlines"
    )
    url = models.URLField(_("web page"), max_length=500, blank=True)
    source = models.CharField(_("source"), max_length=400)
    verified_on = models.DateField(_("last checked"), null=True, blank=True)
    is_published = models.BooleanField(_("published"), default=True)

    class Meta:
        ordering = ["country_iso3", "kind", "name"]
        verbose_name = _("hotline")
        verbose_name_plural = _("hotlines")
        indexes = [models.Index(fields=["country_iso3"])]

    def __str__(self) -> str:
        return f"{self.name} ({self.phone})"
