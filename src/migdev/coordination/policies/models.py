"""The migration policy database."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from migdev.coordination.common.models import ISO3_HELP, Area, DatePrecision, Topic
from migdev.core.versioning import VersionedModel


class PolicyDomain(models.TextChoices):
    """The six domains of SDG indicator 10.7.2 (well-managed migration policies), which are also the
    domains of the Migration Governance Indicators."""

    MIGRANT_RIGHTS = "migrant_rights", _("Migrant rights")
    WHOLE_OF_GOVERNMENT = "whole_of_government", _("Whole-of-government and evidence-based policies")
    COOPERATION = "cooperation", _("Cooperation and partnerships")
    SOCIOECONOMIC_WELLBEING = "socioeconomic_wellbeing", _("Socioeconomic well-being")
    CRISIS_MOBILITY = "crisis_mobility", _("Mobility dimensions of crises")
    SAFE_ORDERLY_REGULAR = "safe_orderly_regular", _("Safe, orderly and regular migration")


class MigrationPolicy(VersionedModel):
    class Kind(models.TextChoices):
        LAW = "law", _("Law")
        REGULATION = "regulation", _("Regulation or decree")
        POLICY = "policy", _("Policy or strategy")
        ACTION_PLAN = "action_plan", _("Action plan or programme")
        BILATERAL_AGREEMENT = "bilateral_agreement", _("Bilateral agreement")
        MULTILATERAL_AGREEMENT = "multilateral_agreement", _("Regional or multilateral agreement")
        MEMORANDUM = "memorandum", _("Memorandum of understanding")
        INSTITUTION = "institution", _("Institution or body")

    class Direction(models.TextChoices):
        IMMIGRATION = "immigration", _("Immigration")
        EMIGRATION = "emigration", _("Emigration and diaspora")
        BOTH = "both", _("Immigration and emigration")
        RETURN = "return", _("Return and reintegration")
        TRANSIT = "transit", _("Transit")

    class Status(models.TextChoices):
        IN_FORCE = "in_force", _("In force")
        ADOPTED = "adopted", _("Adopted, not yet in force")
        PROPOSED = "proposed", _("Proposed or in preparation")
        AMENDED = "amended", _("Replaced by a later amendment")
        ENDED = "ended", _("Repealed or expired")

    identifier = models.CharField(
        _("identifier"),
        max_length=100,
        unique=True,
        help_text=_("Stable key of the record: a file import with the same identifier updates it."),
    )
    country_iso3 = models.CharField(_("country"), max_length=3, help_text=ISO3_HELP)
    title = models.CharField(_("title"), max_length=500)
    original_title = models.CharField(_("title in the original language"), max_length=500, blank=True)
    year = models.PositiveSmallIntegerField(_("year"))
    adopted_on = models.DateField(_("adopted on"), null=True, blank=True)
    adopted_precision = models.CharField(
        max_length=5, choices=DatePrecision.choices, default=DatePrecision.DAY
    )
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    kind = models.CharField(_("type"), max_length=25, choices=Kind.choices)
    direction = models.CharField(_("direction"), max_length=12, choices=Direction.choices)
    domain = models.CharField(_("SDG 10.7.2 domain"), max_length=25, choices=PolicyDomain.choices)
    area = models.CharField(_("area"), max_length=30, choices=Area.choices, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.IN_FORCE)
    summary = models.TextField(_("summary"), blank=True)
    development_relevance = models.TextField(
        _("development relevance"),
        blank=True,
        help_text=_("How the instrument bears on development: remittances, skills, diaspora, return."),
    )
    topics = models.ManyToManyField(
        Topic, related_name="migration_policies", blank=True, verbose_name=_("topics")
    )
    source_name = models.CharField(_("source"), max_length=300)
    source_url = models.URLField(_("source link"), max_length=500, blank=True)
    source_edition = models.CharField(_("source edition"), max_length=200, blank=True)
    is_published = models.BooleanField(_("published"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["country_iso3", "-year", "title"]
        verbose_name = _("migration policy")
        verbose_name_plural = _("migration policies")
        indexes = [models.Index(fields=["country_iso3", "year"]), models.Index(fields=["domain"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(year__gte=1800) & Q(year__lte=2200), name="policy_year_plausible"
            ),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True)
                | Q(adopted_on__isnull=True)
                | Q(ended_on__gte=models.F("adopted_on")),
                name="policy_ends_after_adoption",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class PolicyPartner(models.Model):
    """The other parties to an agreement, by ISO3 code."""

    policy = models.ForeignKey(MigrationPolicy, on_delete=models.CASCADE, related_name="partners")
    country_iso3 = models.CharField(_("partner state"), max_length=3, help_text=ISO3_HELP)

    class Meta:
        ordering = ["policy", "country_iso3"]
        constraints = [
            models.UniqueConstraint(fields=["policy", "country_iso3"], name="policy_partner_unique")
        ]

    def __str__(self) -> str:
        return self.country_iso3
