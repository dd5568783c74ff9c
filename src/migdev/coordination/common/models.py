"""The vocabulary every part of the hub shares: areas, date precision, topics, the Global Compact
objectives, and the stored-file fields of uploaded documents.

States are stored as ISO 3166-1 alpha-3 codes (never names) so that records survive renamed countries and
join with every other module on the same key; `migdev.coordination.countries` checks and labels them.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from migdev.reference.models import name_language

ISO3_HELP = _("ISO 3166-1 alpha-3 code, for example MEX.")


class DatePrecision(models.TextChoices):
    """How much of a stored date is known: sources often give only the month or the year of a meeting."""

    DAY = "day", _("Exact day")
    MONTH = "month", _("Month only")
    YEAR = "year", _("Year only")


class Area(models.TextChoices):
    """The twelve areas in which IOM reported its migration-and-development work (IOM, November 2006)."""

    UNDERSTANDING_IMPACT = "understanding_impact", _("Understanding migration's impact on development")
    MIGRATION_LAW = "migration_law", _("International migration law and migrants' rights")
    COUNTER_TRAFFICKING = "counter_trafficking", _("Counter-trafficking and counter-smuggling")
    LABOUR_MIGRATION = "labour_migration", _("Labour migration")
    REMITTANCES = "remittances", _("Remittances")
    SKILLS_RETURN = "skills_return", _("Skill and knowledge retention, circulation and return")
    DIASPORA = "diaspora", _("Migrants and diasporas for development")
    HIGH_PRESSURE_AREAS = "high_pressure_areas", _("Areas of high migration pressure")
    CAPACITY_BUILDING = "capacity_building", _("Capacity building")
    INTER_STATE = "inter_state", _("Inter-state consultation and cooperation")
    MULTI_STAKEHOLDER = "multi_stakeholder", _("Multi-stakeholder dialogue")
    INTER_AGENCY = "inter_agency", _("Inter-agency consultation and cooperation")


class Topic(models.Model):
    """One shared vocabulary for agenda items, activities and practices, so topics can be compared across
    processes."""

    code = models.SlugField(_("code"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=150)
    description = models.TextField(_("description"), blank=True)
    area = models.CharField(_("area"), max_length=30, choices=Area.choices, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("topic")
        verbose_name_plural = _("topics")

    def __str__(self) -> str:
        return self.name


class GcmObjective(models.Model):
    """The 23 objectives of the Global Compact for Safe, Orderly and Regular Migration (A/RES/73/195).

    ``title`` is the English title; the French and Spanish ones are the resolution's official texts. The
    short labels are the UN Network on Migration hub's ("Eradicate trafficking"), for filters and tags.
    Pages read ``localised_title`` and ``short_label``, which follow the active language and fall back to
    English where a column is blank.
    """

    number = models.PositiveSmallIntegerField(_("number"), unique=True)
    title = models.CharField(_("title"), max_length=250)
    title_fr = models.CharField(_("title (French)"), max_length=250, blank=True)
    title_es = models.CharField(_("title (Spanish)"), max_length=250, blank=True)
    short_title = models.CharField(_("short title"), max_length=80, blank=True)
    short_title_fr = models.CharField(_("short title (French)"), max_length=80, blank=True)
    short_title_es = models.CharField(_("short title (Spanish)"), max_length=80, blank=True)

    class Meta:
        ordering = ["number"]
        verbose_name = _("Global Compact objective")
        verbose_name_plural = _("Global Compact objectives")
        constraints = [
            models.CheckConstraint(condition=Q(number__gte=1, number__lte=23), name="gcm_objective_1_to_23")
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.localised_title}"

    def _translated(self, field: str, language: str) -> str:
        """``field``'s French or Spanish column for ``language``; blank for English or a blank column."""
        return str(getattr(self, f"{field}_{language}", "")) if language in ("fr", "es") else ""

    def title_in(self, language: str) -> str:
        """The full title in ``language`` (en, fr or es), in English where that column is blank."""
        return self._translated("title", language) or self.title

    def short_title_in(self, language: str) -> str:
        """The hub's short label in ``language``; the English one, else the full title, where blank."""
        return self._translated("short_title", language) or self.short_title or self.title_in(language)

    @property
    def localised_title(self) -> str:
        return self.title_in(name_language())

    @property
    def short_label(self) -> str:
        """ "10 – Eradicate trafficking": number and short title, where space is tight (filters, tags)."""
        return f"{self.number} – {self.short_title_in(name_language())}"


# --- Uploaded files ----------------------------------------------------------------------------------


class FileAccess(models.TextChoices):
    """Who may download an uploaded file; the record itself may be public while its file is not."""

    PUBLIC = "public", _("Everyone")
    SIGNED_IN = "signed_in", _("Signed-in users")
    EDITORS = "editors", _("Editors only")


class StoredFileMixin(models.Model):
    """A file kept in Django's default storage, with what was checked about it on upload. The stored name
    is random; the uploader's file name is kept only for display and downloads."""

    file = models.FileField(_("file"), max_length=300, blank=True)
    file_name = models.CharField(_("file name"), max_length=255, blank=True)
    file_kind = models.CharField(_("file type"), max_length=10, blank=True)
    file_size = models.PositiveBigIntegerField(_("file size (bytes)"), null=True, blank=True)
    file_sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)
    file_access = models.CharField(
        _("who may download the file"), max_length=10, choices=FileAccess.choices, default=FileAccess.PUBLIC
    )

    class Meta:
        abstract = True

    @property
    def has_file(self) -> bool:
        return bool(self.file)


class OrganisationName(models.Model):
    """An organisation's own name (and acronym) in French or Spanish, as read on a page, with that page's address.

    Never a translation made by migdev: an organisation without a row for a language is shown in English, marked
    ``lang="en"``. Loaded from ``data/organisation_names.toml`` by ``content.load_organisation_names``.
    """

    class Language(models.TextChoices):
        FRENCH = "fr", _("French")
        SPANISH = "es", _("Spanish")

    organisation = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.CASCADE,
        related_name="localised_names",
        verbose_name=_("organisation"),
    )
    language = models.CharField(_("language"), max_length=2, choices=Language.choices)
    name = models.CharField(_("name"), max_length=200)
    acronym = models.CharField(_("acronym"), max_length=30, blank=True)
    source_url = models.URLField(_("page the name was read on"), max_length=400)
    accessed = models.DateField(_("accessed"))

    class Meta:
        ordering = ["organisation_id", "language"]
        verbose_name = _("organisation name in another language")
        verbose_name_plural = _("organisation names in other languages")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "language"], name="organisation_name_once_per_language"
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.language})"
