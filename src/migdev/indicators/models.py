"""Migration-and-development data: sources and their editions, data series, observations,
DHIS2-style computed indicators, the SDG catalogue, development plans with targets, and
migration-governance assessments.

Every observation keeps the edition (and so the source) it came from, its unit multiplier and
status; indicators are never stored as values, they are computed from series on demand.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from migdev.core.versioning import VersionedModel

TOTAL = "_T"  # SDMX code for "all categories" of a dimension


class Source(models.Model):
    """A publisher's data product, e.g. UN DESA International Migrant Stock."""

    code = models.SlugField(_("code"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=200)
    publisher = models.CharField(_("publisher"), max_length=200)
    url = models.URLField(_("web page"), blank=True)
    licence = models.CharField(_("licence"), max_length=120, blank=True)
    citation = models.TextField(_("how to cite"), blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("source")
        verbose_name_plural = _("sources")

    def __str__(self) -> str:
        return self.name


class Edition(models.Model):
    """One release (vintage) of a source. Editions are kept side by side, never overwritten."""

    class Kind(models.TextChoices):
        OFFICIAL = "official", _("Official release")
        DERIVED = "derived", _("Derived extract of an official release")
        COMPILED = "compiled", _("Compiled from several publishers")
        # Figures another module of migdev computed from its own records, published with their method;
        # a sample edition comes from sample (demo) records and never feeds a headline or an SDG status.
        COMPUTED = "computed", _("Computed by migdev")
        SAMPLE = "sample", _("Sample data")

    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="editions")
    code = models.SlugField(_("code"), max_length=60, unique=True)
    title = models.CharField(_("title"), max_length=200)
    published = models.DateField(_("published"))
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.OFFICIAL)
    notes = models.TextField(_("notes"), blank=True)
    loaded_at = models.DateTimeField(_("last loaded"), null=True, blank=True)
    file_sha256 = models.CharField(_("SHA-256 of the loaded file"), max_length=64, blank=True)

    class Meta:
        ordering = ["-published", "code"]
        verbose_name = _("edition")
        verbose_name_plural = _("editions")

    def __str__(self) -> str:
        return self.title


class Series(models.Model):
    """A measured quantity, e.g. the international migrant stock in persons."""

    class Unit(models.TextChoices):
        PERSONS = "persons", _("persons")
        USD = "usd", _("current US dollars")
        PERCENT = "percent", _("per cent")
        RATIO = "ratio", _("ratio")
        SCORE = "score", _("score")
        NUMBER = "number", _("number")

    code = models.SlugField(_("code"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    unit = models.CharField(_("unit"), max_length=10, choices=Unit.choices)
    additive = models.BooleanField(
        _("additive"), default=True, help_text=_("Values may be summed across countries (stocks, flows).")
    )
    counterpart_role = models.CharField(
        _("counterpart meaning"),
        max_length=60,
        blank=True,
        help_text=_("What the counterpart area is in bilateral data, e.g. 'country of origin'."),
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("series")
        verbose_name_plural = _("series")

    def __str__(self) -> str:
        return self.name


class Observation(models.Model):
    """One published value. ``value`` is as published; the true quantity is value × 10^unit_mult."""

    class Sex(models.TextChoices):
        TOTAL = TOTAL, _("Both sexes")
        FEMALE = "F", _("Female")
        MALE = "M", _("Male")

    class Status(models.TextChoices):
        NORMAL = "", _("Normal value")
        MISSING = "M", _("Missing (not available)")
        ESTIMATE = "E", _("Estimated value")
        FORECAST = "F", _("Forecast value")
        NOT_APPLICABLE = "Z", _("Not applicable")
        CONFIDENTIAL = "C", _("Confidential (suppressed)")

    # Neither has an index of its own: every read names the edition and the series, and the unique key
    # below starts with both (fewer indexes also make loading cheaper).
    series = models.ForeignKey(Series, on_delete=models.CASCADE, related_name="observations", db_index=False)
    edition = models.ForeignKey(
        Edition, on_delete=models.CASCADE, related_name="observations", db_index=False
    )
    area = models.CharField(_("area"), max_length=12, help_text=_("ISO alpha-3 code or aggregate code."))
    is_aggregate = models.BooleanField(_("aggregate as published"), default=False)
    counterpart = models.CharField(_("counterpart area"), max_length=12, default=TOTAL)
    period = models.CharField(_("period"), max_length=10)
    year = models.SmallIntegerField(_("year"))
    sex = models.CharField(_("sex"), max_length=3, choices=Sex.choices, default=TOTAL)
    age = models.CharField(_("age group"), max_length=10, default=TOTAL)
    migratory_status = models.CharField(_("migratory status"), max_length=16, default=TOTAL)
    value = models.FloatField(_("value"), null=True, blank=True)
    unit_mult = models.SmallIntegerField(_("unit multiplier (power of 10)"), default=0)
    status = models.CharField(_("status"), max_length=1, choices=Status.choices, default="", blank=True)
    footnote = models.CharField(_("footnote"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("observation")
        verbose_name_plural = _("observations")
        permissions = [("load_observations", _("Can load indicator data files"))]
        constraints = [
            models.UniqueConstraint(
                fields=[
                    "edition",
                    "series",
                    "area",
                    "counterpart",
                    "period",
                    "sex",
                    "age",
                    "migratory_status",
                ],
                name="indicators_observation_key",
            )
        ]
        # The unique key (edition, series, area, …) also serves the per-series reads and an edition's
        # deletes; these two add the per-country reads of a profile and the by-partner sums.
        indexes = [
            models.Index(fields=["area", "series", "edition"], name="indicators_obs_area_series"),
            models.Index(
                fields=["counterpart", "series", "edition"],
                name="indicators_obs_counterpart",
                condition=~models.Q(counterpart=TOTAL),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.series_id} {self.area} {self.period} = {self.value}"

    @property
    def scaled_value(self) -> float | None:
        return None if self.value is None else self.value * 10**self.unit_mult


class AggregateArea(models.Model):
    """A regional or income aggregate reported by a source under its own code (kept for its label)."""

    code = models.CharField(_("code"), max_length=12, unique=True)
    name = models.CharField(_("name"), max_length=200)
    classification = models.CharField(_("classification"), max_length=60)

    class Meta:
        ordering = ["code"]
        verbose_name = _("aggregate area")
        verbose_name_plural = _("aggregate areas")

    def __str__(self) -> str:
        return self.name


class SdgIndicator(models.Model):
    """An SDG indicator from the global framework, with its SDMX series and target."""

    code = models.CharField(_("code"), max_length=10, unique=True)
    title = models.TextField(_("title"))
    target = models.TextField(_("target"), blank=True)
    series_codes = models.CharField(_("SDMX series"), max_length=200, blank=True)
    unit_measure = models.CharField(_("SDMX unit"), max_length=40, blank=True)
    custodian = models.CharField(_("custodian agencies"), max_length=200, blank=True)
    breakdowns = models.TextField(_("allowed breakdowns"), blank=True)
    method = models.TextField(_("method"), blank=True)
    threshold = models.FloatField(_("numeric target"), null=True, blank=True)
    threshold_text = models.CharField(_("numeric target, in words"), max_length=200, blank=True)
    sort_key = models.CharField(max_length=20, default="")

    class Meta:
        ordering = ["sort_key"]
        verbose_name = _("SDG indicator")
        verbose_name_plural = _("SDG indicators")

    def __str__(self) -> str:
        return f"{self.code} {self.title}"


class Indicator(models.Model):
    """A computed indicator as in DHIS2: (numerator / denominator) × factor, never typed in."""

    class Factor(models.IntegerChoices):
        NUMBER = 1, _("Number")
        PERCENT = 100, _("Per cent")
        PER_THOUSAND = 1000, _("Per 1,000")
        PER_HUNDRED_THOUSAND = 100000, _("Per 100,000")

    class AreaRole(models.TextChoices):
        AREA = "area", _("the area itself")
        COUNTERPART = "counterpart", _("the area as counterpart (summed over partners)")

    code = models.SlugField(_("code"), max_length=80, unique=True)
    name = models.CharField(_("name"), max_length=200)
    short_name = models.CharField(_("short name"), max_length=80)
    definition = models.TextField(_("definition"))
    theme = models.CharField(_("theme"), max_length=60)
    sdg_indicator = models.ForeignKey(
        SdgIndicator, on_delete=models.SET_NULL, null=True, blank=True, related_name="indicators"
    )
    numerator_series = models.ForeignKey(Series, on_delete=models.PROTECT, related_name="+")
    numerator_description = models.CharField(_("numerator"), max_length=200)
    numerator_sex = models.CharField(max_length=3, default=TOTAL)
    numerator_area_role = models.CharField(max_length=12, choices=AreaRole.choices, default=AreaRole.AREA)
    numerator_counterpart = models.CharField(
        max_length=12, default=TOTAL, help_text=_("'_T' the published total; '*' every partner, summed.")
    )
    denominator_series = models.ForeignKey(
        Series, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    denominator_description = models.CharField(_("denominator"), max_length=200, blank=True)
    denominator_sex = models.CharField(max_length=3, default=TOTAL)
    denominator_adds_numerator = models.BooleanField(
        _("denominator includes the numerator"),
        default=False,
        help_text=_(
            "Divide by denominator + numerator (UNHCR's SDG 10.7.4: refugees / (population + refugees))."
        ),
    )
    factor = models.IntegerField(_("factor"), choices=Factor.choices, default=Factor.NUMBER)
    unit_label = models.CharField(_("unit"), max_length=60)
    decimals = models.PositiveSmallIntegerField(_("decimals shown"), default=0)
    display_mult = models.SmallIntegerField(
        _("display multiplier (power of 10)"), default=0, help_text=_("6 shows millions.")
    )
    higher_is_better = models.BooleanField(null=True, blank=True)
    sort_order = models.PositiveSmallIntegerField(default=100)

    class Meta:
        ordering = ["sort_order", "code"]
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")

    def __str__(self) -> str:
        return self.name


class DevelopmentPlan(VersionedModel):
    """A country's national development strategy or poverty reduction strategy paper."""

    class Kind(models.TextChoices):
        NATIONAL_DEVELOPMENT = "nds", _("National development strategy")
        PRSP = "prsp", _("Poverty Reduction Strategy Paper")
        MIGRATION_POLICY = "migration", _("National migration policy")
        SECTORAL = "sectoral", _("Sectoral strategy")

    country = models.CharField(_("country (ISO alpha-3)"), max_length=3, db_index=True)
    title = models.CharField(_("title"), max_length=300)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    start_year = models.PositiveSmallIntegerField(_("first year"))
    end_year = models.PositiveSmallIntegerField(_("last year"))
    adopted_on = models.DateField(_("adopted on"), null=True, blank=True)
    url = models.URLField(_("document"), blank=True)
    summary = models.TextField(_("summary"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["country", "-start_year"]
        verbose_name = _("development plan")
        verbose_name_plural = _("development plans")

    def __str__(self) -> str:
        return f"{self.title} ({self.start_year}–{self.end_year})"


class PlanGoal(VersionedModel):
    """A migration-related goal of a plan."""

    plan = models.ForeignKey(DevelopmentPlan, on_delete=models.CASCADE, related_name="goals")
    reference = models.CharField(_("reference in the plan"), max_length=40, blank=True)
    title = models.CharField(_("goal"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["plan", "order", "id"]
        verbose_name = _("plan goal")
        verbose_name_plural = _("plan goals")

    def __str__(self) -> str:
        return self.title


class PlanTarget(VersionedModel):
    """An indicator of success: an indicator with its baseline, target and target year."""

    goal = models.ForeignKey(PlanGoal, on_delete=models.CASCADE, related_name="targets")
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="plan_targets")
    baseline_year = models.PositiveSmallIntegerField(_("baseline year"))
    baseline_value = models.FloatField(
        _("baseline value"), null=True, blank=True, help_text=_("Empty: computed from the indicator.")
    )
    target_year = models.PositiveSmallIntegerField(_("target year"))
    target_value = models.FloatField(_("target value"))
    edition = models.ForeignKey(
        Edition, on_delete=models.SET_NULL, null=True, blank=True, help_text=_("Empty: the newest edition.")
    )
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        ordering = ["goal", "id"]
        verbose_name = _("plan target")
        verbose_name_plural = _("plan targets")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(target_year__gt=models.F("baseline_year")),
                name="indicators_plantarget_target_after_baseline",
            )
        ]

    def __str__(self) -> str:
        return f"{self.indicator_id}: {self.target_value} by {self.target_year}"


class GovernanceDomain(models.TextChoices):
    """The six domains shared by the Migration Governance Indicators and SDG 10.7.2 (PD_1…PD_6)."""

    MIGRANT_RIGHTS = "PD_1", _("Migrants' rights")
    WHOLE_OF_GOVERNMENT = "PD_2", _("Whole-of-government / evidence-based policies")
    PARTNERSHIPS = "PD_3", _("Cooperation and partnerships")
    WELL_BEING = "PD_4", _("Socioeconomic well-being of migrants")
    CRISES = "PD_5", _("Mobility dimensions of crises")
    SAFE_ORDERLY = "PD_6", _("Safe, orderly and regular migration")


class GovernanceAssessment(VersionedModel):
    """A qualitative MGI finding for one country and domain — a profile, explicitly not a ranking."""

    class Finding(models.TextChoices):
        WELL_DEVELOPED = "well_developed", _("Well-developed area")
        FURTHER_DEVELOPMENT = "further_development", _("Area with potential for further development")

    country = models.CharField(_("country (ISO alpha-3)"), max_length=3, db_index=True)
    domain = models.CharField(_("domain"), max_length=4, choices=GovernanceDomain.choices)
    year = models.PositiveSmallIntegerField(_("year of assessment"))
    finding = models.CharField(_("finding"), max_length=20, choices=Finding.choices)
    text = models.TextField(_("assessment"))
    source = models.CharField(_("source"), max_length=300)
    source_url = models.URLField(_("source web page"), blank=True)

    class Meta:
        ordering = ["country", "domain", "-year", "finding"]
        verbose_name = _("governance assessment")
        verbose_name_plural = _("governance assessments")

    def __str__(self) -> str:
        return f"{self.country} {self.domain} {self.year}: {self.finding}"


class PolicyDomainScore(VersionedModel):
    """SDG 10.7.2 (series SG_CPA_MIGRS): the extent a country's policies meet a domain, coded 1–4."""

    class Score(models.IntegerChoices):
        REQUIRES_FURTHER_PROGRESS = 1, _("Requires further progress")
        PARTIALLY_MEETS = 2, _("Partially meets")
        MEETS = 3, _("Meets")
        FULLY_MEETS = 4, _("Fully meets")

    country = models.CharField(_("country (ISO alpha-3)"), max_length=3, db_index=True)
    domain = models.CharField(_("domain"), max_length=4, choices=GovernanceDomain.choices)
    year = models.PositiveSmallIntegerField(_("year"))
    score = models.PositiveSmallIntegerField(_("score"), choices=Score.choices)
    source = models.CharField(_("source"), max_length=300)

    class Meta:
        ordering = ["country", "domain", "-year"]
        verbose_name = _("SDG 10.7.2 domain score")
        verbose_name_plural = _("SDG 10.7.2 domain scores")
        constraints = [
            models.UniqueConstraint(
                fields=["country", "domain", "year"], name="indicators_policyscore_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(score__gte=1, score__lte=4), name="indicators_policyscore_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.country} {self.domain} {self.year}: {self.score}"


class SeriesCoverage(models.Model):
    """What one edition holds for one series, refreshed after every load (so pages need not scan values)."""

    series = models.ForeignKey(Series, on_delete=models.CASCADE, related_name="coverage")
    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="coverage")
    bilateral = models.BooleanField(_("by partner country"))
    first_year = models.SmallIntegerField(_("first year"))
    last_year = models.SmallIntegerField(_("last year"))
    observations = models.PositiveIntegerField(_("observations"))
    countries = models.PositiveIntegerField(_("countries"))

    class Meta:
        ordering = ["series", "-edition__published"]
        verbose_name = _("series coverage")
        verbose_name_plural = _("series coverage")
        constraints = [
            models.UniqueConstraint(
                fields=["series", "edition", "bilateral"], name="indicators_coverage_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.series_id} in {self.edition_id}: {self.first_year}–{self.last_year}"
