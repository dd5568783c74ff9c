"""Knowledge: practices with peer review, calls for partnership, the research library and the research
network.
"""

from __future__ import annotations

import re

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from migdev.accounts.models import Organisation
from migdev.coordination.common.models import ISO3_HELP, Area, GcmObjective, StoredFileMixin, Topic
from migdev.core.versioning import VersionedModel

# --- Practices repository ----------------------------------------------------------------------------


class Practice(VersionedModel):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Awaiting review")
        CHANGES_REQUESTED = "changes_requested", _("Changes requested")
        PUBLISHED = "published", _("Published")
        REJECTED = "rejected", _("Rejected")

    title = models.CharField(_("title"), max_length=300)
    what = models.TextField(_("what was done"))
    who = models.TextField(_("who did it"))
    results = models.TextField(_("results"))
    lessons = models.TextField(_("lessons learned"))
    is_sample = models.BooleanField(
        _("sample record"), default=False, help_text=_("Made up to show the repository; not a real practice.")
    )
    pitfalls = models.TextField(_("potential pitfalls"), blank=True)
    area = models.CharField(_("area"), max_length=30, choices=Area.choices)
    gcm_objectives = models.ManyToManyField(
        GcmObjective, related_name="practices", verbose_name=_("Global Compact objectives")
    )
    topics = models.ManyToManyField(Topic, related_name="practices", blank=True, verbose_name=_("topics"))
    organisations = models.ManyToManyField(Organisation, related_name="practices", blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.DRAFT)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="practices_submitted"
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-published_at", "-created_at"]
        verbose_name = _("practice")
        verbose_name_plural = _("practices")
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="published") | Q(published_at__isnull=False),
                name="published_practice_has_date",
            )
        ]

    def __str__(self) -> str:
        return self.title


class PracticeCountry(models.Model):
    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="countries")
    country_iso3 = models.CharField(_("country"), max_length=3, help_text=ISO3_HELP)

    class Meta:
        ordering = ["practice", "country_iso3"]
        constraints = [
            models.UniqueConstraint(fields=["practice", "country_iso3"], name="practice_country_unique")
        ]

    def __str__(self) -> str:
        return self.country_iso3


class PracticeReview(models.Model):
    class Decision(models.TextChoices):
        APPROVE = "approve", _("Approve for publication")
        REQUEST_CHANGES = "request_changes", _("Request changes")
        REJECT = "reject", _("Reject")

    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="reviews")
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="practice_reviews"
    )
    decision = models.CharField(_("decision"), max_length=20, choices=Decision.choices)
    comments = models.TextField(_("comments"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["practice", "created_at"]
        verbose_name = _("practice review")
        verbose_name_plural = _("practice reviews")

    def __str__(self) -> str:
        return f"{self.decision} by {self.reviewer_id}"


class PartnershipCall(VersionedModel):
    """A call for action or partnership, as on the GFMD Platform for Partnerships."""

    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("what is sought"))
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="partnership_calls",
        verbose_name=_("calling organisation"),
    )
    practice = models.ForeignKey(
        Practice, on_delete=models.SET_NULL, null=True, blank=True, related_name="partnership_calls"
    )
    gcm_objectives = models.ManyToManyField(GcmObjective, related_name="partnership_calls", blank=True)
    contact_email = models.EmailField(_("contact email"))
    open_until = models.DateField(_("open until"))
    is_published = models.BooleanField(_("published"), default=False)
    is_sample = models.BooleanField(
        _("sample record"), default=False, help_text=_("Made up to show the calls; not a real call.")
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["open_until"]
        verbose_name = _("call for partnership")
        verbose_name_plural = _("calls for partnership")

    def __str__(self) -> str:
        return self.title


# --- Research library --------------------------------------------------------------------------------


class PublicationKind(models.TextChoices):
    BOOK = "book", _("Book")
    REPORT = "report", _("Report")
    STUDY = "study", _("Study")
    WORKING_PAPER = "working_paper", _("Working paper")
    ARTICLE = "article", _("Journal article")
    POLICY_BRIEF = "policy_brief", _("Policy brief")
    INFORMATION_NOTE = "information_note", _("Information note")
    HANDBOOK = "handbook", _("Handbook or guide")
    DATA = "data", _("Data set or statistical report")


class Licence(models.TextChoices):
    """SPDX identifiers where one exists."""

    CC_BY_4 = "CC-BY-4.0", _("Creative Commons Attribution 4.0")
    CC_BY_NC_4 = "CC-BY-NC-4.0", _("Creative Commons Attribution-NonCommercial 4.0")
    CC_BY_NC_ND_4 = "CC-BY-NC-ND-4.0", _("Creative Commons Attribution-NonCommercial-NoDerivatives 4.0")
    CC_BY_3_IGO = "CC-BY-3.0-IGO", _("Creative Commons Attribution 3.0 IGO")
    CC_BY_NC_SA_3_IGO = (
        "CC-BY-NC-SA-3.0-IGO",
        _("Creative Commons Attribution-NonCommercial-ShareAlike 3.0 IGO"),
    )
    CC_BY_NC_ND_3_IGO = (
        "CC-BY-NC-ND-3.0-IGO",
        _("Creative Commons Attribution-NonCommercial-NoDerivs 3.0 IGO"),
    )
    PUBLIC_DOMAIN = "public-domain", _("Public domain")
    ALL_RIGHTS_RESERVED = "all-rights-reserved", _("All rights reserved")
    UNKNOWN = "unknown", _("Not stated")


class DocumentLanguage(models.TextChoices):
    """ISO 639-1 codes of the languages the library holds."""

    EN = "en", _("English")
    FR = "fr", _("French")
    ES = "es", _("Spanish")
    AR = "ar", _("Arabic")
    PT = "pt", _("Portuguese")
    RU = "ru", _("Russian")
    ZH = "zh", _("Chinese")
    DE = "de", _("German")
    IT = "it", _("Italian")


class Publication(VersionedModel, StoredFileMixin):
    """A research item in the library. Its words are indexed for full-text search by the services (see
    `migdev.coordination.knowledge.search`), not by signals, so every write goes through them."""

    slug = models.SlugField(_("identifier"), max_length=120, unique=True)
    title = models.CharField(_("title"), max_length=500)
    authors = models.TextField(_("authors"), blank=True, help_text=_("One author per line."))
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="publications",
        verbose_name=_("organisation"),
    )
    year = models.PositiveSmallIntegerField(_("year"))
    language = models.CharField(
        _("language"), max_length=2, choices=DocumentLanguage.choices, default=DocumentLanguage.EN
    )
    kind = models.CharField(_("type"), max_length=20, choices=PublicationKind.choices)
    abstract = models.TextField(_("abstract"), blank=True)
    topics = models.ManyToManyField(Topic, related_name="publications", blank=True, verbose_name=_("topics"))
    gcm_objectives = models.ManyToManyField(
        GcmObjective, related_name="publications", blank=True, verbose_name=_("Global Compact objectives")
    )
    licence = models.CharField(_("licence"), max_length=30, choices=Licence.choices, default=Licence.UNKNOWN)
    url = models.URLField(_("link"), max_length=500, blank=True)
    identifier = models.CharField(_("ISBN or DOI"), max_length=100, blank=True)
    identifier_source = models.URLField(
        _("where the ISBN or DOI was read"),
        max_length=500,
        blank=True,
        help_text=_(
            "The address of the page (an imprint page, a catalogue record) that shows the identifier."
        ),
    )
    identifier_accessed = models.DateField(_("date the identifier's page was read"), null=True, blank=True)
    # An ISSN names a series, never one report in it; where only the series' ISSN is printed, the record says so
    # instead of passing it off as the publication's own identifier.
    identifier_is_series_issn = models.BooleanField(
        _("the identifier is the ISSN of the series"),
        default=False,
        help_text=_(
            "The ISSN of the series the publication belongs to, not an identifier of the publication itself."
        ),
    )
    # Where the imprint read prints no ISBN, ISSN, DOI or symbol, the record says so, with that page
    # (identifier_source) and the date (identifier_accessed), instead of leaving the reader to wonder.
    no_identifier_note = models.CharField(
        _("why there is no identifier"),
        max_length=300,
        blank=True,
        help_text=_("What the page read shows instead of an identifier, e.g. an imprint that prints none."),
    )
    text = models.TextField(_("text extracted from the file"), blank=True)
    source = models.CharField(_("source of this record"), max_length=400)
    is_published = models.BooleanField(_("published"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-year", "title"]
        verbose_name = _("publication")
        verbose_name_plural = _("publications")
        indexes = [models.Index(fields=["year"]), models.Index(fields=["is_published", "year"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(year__gte=1800) & Q(year__lte=2200), name="publication_year_plausible"
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def identifier_kind(self) -> str:
        """ "DOI", "UN symbol" (a United Nations document symbol, A/RES/73/195), "ISSN" (written NNNN-NNNC) or
        "ISBN" (13 or 10 digits), by the identifier's form."""
        if self.identifier.startswith("10."):
            return "DOI"
        if self.identifier[:1].isalpha() and "/" in self.identifier:
            return "UN symbol"
        if re.fullmatch(r"\d{4}-\d{3}[\dXx]", self.identifier):
            return "ISSN"
        return "ISBN"

    @property
    def author_list(self) -> list[str]:
        return [line.strip() for line in self.authors.splitlines() if line.strip()]


class PublicationCountry(models.Model):
    publication = models.ForeignKey(Publication, on_delete=models.CASCADE, related_name="countries")
    country_iso3 = models.CharField(_("country"), max_length=3, help_text=ISO3_HELP)

    class Meta:
        ordering = ["publication", "country_iso3"]
        constraints = [
            models.UniqueConstraint(fields=["publication", "country_iso3"], name="publication_country_unique")
        ]
        indexes = [models.Index(fields=["country_iso3"])]

    def __str__(self) -> str:
        return self.country_iso3


# --- Research network: institutions (organisations), researchers, projects -----------------------------------


class Researcher(VersionedModel):
    slug = models.SlugField(_("identifier"), max_length=120, unique=True)
    name = models.CharField(_("name"), max_length=200)
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="researchers",
        verbose_name=_("institution"),
    )
    position = models.CharField(_("position"), max_length=200, blank=True)
    orcid = models.CharField(_("ORCID iD"), max_length=19, blank=True)
    url = models.URLField(_("web page"), max_length=500, blank=True)
    topics = models.ManyToManyField(
        Topic, related_name="researchers", blank=True, verbose_name=_("expertise")
    )
    publications = models.ManyToManyField(
        Publication, related_name="researchers", blank=True, verbose_name=_("publications")
    )
    is_published = models.BooleanField(_("published"), default=False)

    class Meta:
        ordering = ["name"]
        verbose_name = _("researcher")
        verbose_name_plural = _("researchers")

    def __str__(self) -> str:
        return self.name


class ResearcherCountry(models.Model):
    researcher = models.ForeignKey(Researcher, on_delete=models.CASCADE, related_name="countries")
    country_iso3 = models.CharField(_("country"), max_length=3, help_text=ISO3_HELP)

    class Meta:
        ordering = ["researcher", "country_iso3"]
        constraints = [
            models.UniqueConstraint(fields=["researcher", "country_iso3"], name="researcher_country_unique")
        ]

    def __str__(self) -> str:
        return self.country_iso3


class ResearchProject(VersionedModel):
    slug = models.SlugField(_("identifier"), max_length=120, unique=True)
    title = models.CharField(_("title"), max_length=300)
    summary = models.TextField(_("summary"), blank=True)
    lead_organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="research_projects_led",
        verbose_name=_("lead institution"),
    )
    partners = models.ManyToManyField(
        Organisation, related_name="research_projects", blank=True, verbose_name=_("partner institutions")
    )
    researchers = models.ManyToManyField(
        Researcher, related_name="projects", blank=True, verbose_name=_("researchers")
    )
    topics = models.ManyToManyField(
        Topic, related_name="research_projects", blank=True, verbose_name=_("topics")
    )
    publications = models.ManyToManyField(
        Publication, related_name="projects", blank=True, verbose_name=_("publications")
    )
    start_year = models.PositiveSmallIntegerField(_("from (year)"), null=True, blank=True)
    end_year = models.PositiveSmallIntegerField(_("until (year)"), null=True, blank=True)
    url = models.URLField(_("web page"), max_length=500, blank=True)
    source = models.CharField(_("source"), max_length=400)
    is_published = models.BooleanField(_("published"), default=False)

    class Meta:
        ordering = ["-start_year", "title"]
        verbose_name = _("research project")
        verbose_name_plural = _("research projects")
        constraints = [
            models.CheckConstraint(
                condition=Q(end_year__isnull=True)
                | Q(start_year__isnull=True)
                | Q(end_year__gte=models.F("start_year")),
                name="research_project_ends_after_start",
            )
        ]

    def __str__(self) -> str:
        return self.title


class ResearchProjectCountry(models.Model):
    project = models.ForeignKey(ResearchProject, on_delete=models.CASCADE, related_name="countries")
    country_iso3 = models.CharField(_("country"), max_length=3, help_text=ISO3_HELP)

    class Meta:
        ordering = ["project", "country_iso3"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "country_iso3"], name="research_project_country_unique"
            )
        ]

    def __str__(self) -> str:
        return self.country_iso3
