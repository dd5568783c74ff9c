"""Reads: indicators, editions, computed values with aggregates, country profiles, plans, governance."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.db.models import Avg, Count, QuerySet, Sum

from migdev.indicators import regions
from migdev.indicators.areas import WORLD, country_codes
from migdev.indicators.catalogue import (
    ALL_PARTNERS,
    SDG_10C1_CORRIDOR_LIMIT,
    SDG_10C1_GLOBAL_TARGET,
    THEMES,
)
from migdev.indicators.computation import (
    AreaPeriod,
    ComputedValue,
    Progress,
    compute_aggregates,
    compute_values,
    period_year,
    target_progress,
)
from migdev.indicators.formatting import catalogue_text
from migdev.indicators.models import (
    TOTAL,
    DevelopmentPlan,
    Edition,
    GovernanceAssessment,
    GovernanceDomain,
    Indicator,
    Observation,
    PlanTarget,
    PolicyDomainScore,
    SdgIndicator,
    Series,
    SeriesCoverage,
)


def indicators() -> QuerySet[Indicator]:
    return Indicator.objects.select_related("numerator_series", "denominator_series", "sdg_indicator")


def indicator_by_code(code: str) -> Indicator:
    """Raises ``Indicator.DoesNotExist``."""
    return indicators().get(code=code)


def indicators_by_theme() -> list[tuple[str, list[Indicator]]]:
    grouped: dict[str, list[Indicator]] = defaultdict(list)
    for indicator in indicators():
        grouped[indicator.theme].append(indicator)
    return [(catalogue_text(THEMES.get(theme, theme)), items) for theme, items in grouped.items()]


def sdg_catalogue() -> QuerySet[SdgIndicator]:
    return SdgIndicator.objects.prefetch_related("indicators")


@dataclass(frozen=True)
class RemittanceCostStatus:
    """SDG 10.c.1 now: the global average cost of sending USD 200 and the corridors above 5 %.

    ``basis`` says where the figures come from: ``rpw`` (the remittances module's Remittance Prices
    Worldwide figures: a global average pooled over transparent services) or ``corridors`` (the
    indicators' corridor series: a simple mean of corridor averages, as no service counts are held).
    """

    basis: str
    period: str
    global_average: float | None
    corridors: int
    corridors_above: int
    smart_corridors: int | None
    smart_corridors_above: int | None
    sources: tuple[str, ...]
    licence: str
    global_target: float = SDG_10C1_GLOBAL_TARGET
    corridor_limit: float = SDG_10C1_CORRIDOR_LIMIT

    @property
    def share_above(self) -> float | None:
        return self.corridors_above / self.corridors * 100 if self.corridors else None

    @property
    def global_met(self) -> bool | None:
        return None if self.global_average is None else self.global_average < self.global_target

    @property
    def corridors_met(self) -> bool | None:
        return None if not self.corridors else self.corridors_above == 0

    @property
    def met(self) -> bool | None:
        """Both parts of the target: False as soon as one is missed, None while one has no data."""
        parts = (self.global_met, self.corridors_met)
        if False in parts:
            return False
        return None if None in parts else True


def remittance_cost_status() -> RemittanceCostStatus | None:
    """The latest SDG 10.c.1 figures from the data loaded, or None when there are none.

    The remittances module's RPW figures when it has any (the latest quarter it computed); otherwise the
    newest edition of the indicators' ``remittance-cost`` corridor series (``worldbank-rpw-corridors``),
    its latest quarter.
    """
    from django.apps import apps

    if apps.is_installed("migdev.remittances"):
        status = _rpw_cost_status()
        if status is not None:
            return status
    return _corridor_series_cost_status()


def _rpw_cost_status() -> RemittanceCostStatus | None:
    # The remittances module's one rule (also its dashboard's): latest real quarter, samples never counted.
    from migdev.remittances import selectors as rpw

    status = rpw.sdg_10c1_status()
    if status is None:
        return None
    return RemittanceCostStatus(
        basis="rpw",
        period=status.quarter,
        global_average=status.global_average,
        corridors=status.corridors,
        corridors_above=status.corridors_above,
        smart_corridors=status.smart_corridors or None,
        smart_corridors_above=status.smart_corridors_above if status.smart_corridors else None,
        sources=tuple(str(source) for source in status.sources),
        licence="; ".join(sorted({source.licence for source in status.sources if source.licence})),
    )


def _corridor_series_cost_status() -> RemittanceCostStatus | None:
    series = Series.objects.filter(code="remittance-cost").first()
    if series is None:
        return None
    editions = editions_with(series.id, bilateral=True)
    if not editions:
        return None
    edition = editions[0]
    rows = Observation.objects.filter(series=series, edition=edition, value__isnull=False).exclude(
        counterpart=TOTAL
    )
    period = rows.order_by("-period").values_list("period", flat=True).first()
    if period is None:
        return None
    corridors = [
        value * 10**unit_mult
        for value, unit_mult in rows.filter(period=period).values_list("value", "unit_mult")
    ]
    return RemittanceCostStatus(
        basis="corridors",
        period=period,
        global_average=sum(corridors) / len(corridors),
        corridors=len(corridors),
        corridors_above=sum(1 for value in corridors if value > SDG_10C1_CORRIDOR_LIMIT),
        smart_corridors=None,
        smart_corridors_above=None,
        sources=(f"{edition.source.name}, {edition.source.publisher} — {edition.title}",),
        licence=edition.source.licence,
    )


def numerator_is_bilateral(indicator: Indicator) -> bool:
    return (
        indicator.numerator_area_role == Indicator.AreaRole.COUNTERPART
        or indicator.numerator_counterpart != TOTAL
    )


def _edition_order(edition: Edition) -> tuple[bool, float]:
    # Official releases first, then the newest; derived extracts only when nothing official has the data.
    return (edition.kind != Edition.Kind.OFFICIAL, -edition.published.toordinal())


def editions_with(series_id: int, *, bilateral: bool, min_countries: int = 1) -> list[Edition]:
    """Editions holding country data for a series, preferred first (official, then newest)."""
    rows = SeriesCoverage.objects.filter(
        series_id=series_id, bilateral=bilateral, countries__gte=min_countries
    ).select_related("edition__source")
    return sorted((row.edition for row in rows), key=_edition_order)


def all_editions_with(series_id: int, *, bilateral: bool) -> list[Edition]:
    """Every edition holding the series, including aggregate-only headline editions, newest first."""
    rows = SeriesCoverage.objects.filter(series_id=series_id, bilateral=bilateral).select_related(
        "edition__source"
    )
    return sorted({row.edition for row in rows}, key=lambda edition: edition.published, reverse=True)


def _has_area_data(series_id: int, edition: Edition, area: str, *, as_counterpart: bool) -> bool:
    if as_counterpart:
        return Observation.objects.filter(
            counterpart=area, series_id=series_id, edition=edition, value__isnull=False
        ).exists()
    return Observation.objects.filter(
        area=area, series_id=series_id, edition=edition, value__isnull=False
    ).exists()


def choose_edition(
    indicator: Indicator, *, requested: str | None = None, area: str | None = None
) -> tuple[Edition | None, list[Edition]]:
    """(edition used, editions available) for the indicator's numerator.

    A requested edition wins when it holds the series; otherwise the newest official edition with
    country data — and, for one area, the newest one that has data for that area.
    """
    bilateral = numerator_is_bilateral(indicator)
    candidates = editions_with(indicator.numerator_series_id, bilateral=bilateral)
    available = all_editions_with(indicator.numerator_series_id, bilateral=bilateral)
    if requested:
        for edition in available:
            if edition.code == requested:
                return edition, available
    if area is not None:
        as_counterpart = indicator.numerator_area_role == Indicator.AreaRole.COUNTERPART
        for edition in candidates:
            if _has_area_data(indicator.numerator_series_id, edition, area, as_counterpart=as_counterpart):
                return edition, available
        return None, available
    return (candidates[0] if candidates else None), available


def _denominator_edition(indicator: Indicator, numerator_edition: Edition) -> Edition | None:
    if indicator.denominator_series_id is None:
        return None
    editions = editions_with(indicator.denominator_series_id, bilateral=False)
    for edition in editions:
        if edition.id == numerator_edition.id:
            return edition
    same_source = [edition for edition in editions if edition.source_id == numerator_edition.source_id]
    preferred = same_source or editions
    return preferred[0] if preferred else None


def term_values(
    *,
    series: Series,
    edition: Edition,
    sex: str = TOTAL,
    area_role: str = Indicator.AreaRole.AREA,
    counterpart: str = TOTAL,
    areas: Iterable[str] | None = None,
    periods: Iterable[str] | None = None,
    include_aggregates: bool = False,
) -> dict[AreaPeriod, float]:
    """Values of one term in true units (value × 10^unit_mult) keyed by (area, period)."""
    rows = Observation.objects.filter(
        series=series, edition=edition, sex=sex, age=TOTAL, migratory_status=TOTAL, value__isnull=False
    )
    if periods is not None:
        rows = rows.filter(period__in=list(periods))
    area_list = list(areas) if areas is not None else None
    if area_role == Indicator.AreaRole.COUNTERPART:
        rows = rows.exclude(counterpart=TOTAL)
        if area_list is not None:
            rows = rows.filter(counterpart__in=area_list)
        group = "counterpart"
    else:
        if counterpart == ALL_PARTNERS:
            rows = rows.exclude(counterpart=TOTAL)
        else:
            rows = rows.filter(counterpart=counterpart)
        if area_list is not None:
            rows = rows.filter(area__in=area_list)
        elif not include_aggregates:
            rows = rows.filter(is_aggregate=False)
        group = "area"
    result: dict[AreaPeriod, float] = {}
    if area_role == Indicator.AreaRole.COUNTERPART or counterpart == ALL_PARTNERS:
        reducer = Sum("value") if series.additive else Avg("value")
        summed = rows.values(group, "period", "unit_mult").annotate(total=reducer, n=Count("id"))
        if series.additive:
            for row in summed:
                key = (row[group], row["period"])
                result[key] = result.get(key, 0.0) + row["total"] * 10 ** row["unit_mult"]
        else:
            weights: dict[AreaPeriod, int] = defaultdict(int)
            for row in summed:
                key = (row[group], row["period"])
                result[key] = result.get(key, 0.0) + row["total"] * 10 ** row["unit_mult"] * row["n"]
                weights[key] += row["n"]
            result = {key: total / weights[key] for key, total in result.items()}
        return result
    for area, period, value, unit_mult in rows.values_list("area", "period", "value", "unit_mult"):
        result[(area, period)] = value * 10**unit_mult
    return result


@dataclass
class IndicatorResult:
    indicator: Indicator
    edition: Edition | None
    denominator_edition: Edition | None
    available_editions: list[Edition]
    values: dict[AreaPeriod, ComputedValue] = field(default_factory=dict)
    aggregates: dict[AreaPeriod, ComputedValue] = field(default_factory=dict)
    published_aggregates: dict[AreaPeriod, ComputedValue] = field(default_factory=dict)

    @property
    def periods(self) -> list[str]:
        return sorted({period for _, period in self.values} | {period for _, period in self.aggregates})

    def series_for(self, area: str) -> list[ComputedValue]:
        source = (
            self.aggregates
            if (area, self.latest_period) in self.aggregates or not self._has(area)
            else self.values
        )
        return sorted((v for (a, _), v in source.items() if a == area), key=lambda v: v.period)

    def _has(self, area: str) -> bool:
        return any(a == area for a, _ in self.values)

    @property
    def latest_period(self) -> str | None:
        periods = self.periods
        return periods[-1] if periods else None

    def latest_for(self, area: str) -> ComputedValue | None:
        found = [
            v for (a, _), v in {**self.values, **self.aggregates}.items() if a == area and v.value is not None
        ]
        return max(found, key=lambda v: v.period) if found else None

    def value_at(self, area: str, period: str) -> ComputedValue | None:
        return self.values.get((area, period)) or self.aggregates.get((area, period))


def indicator_values(
    indicator: Indicator,
    *,
    areas: Sequence[str] | None = None,
    edition_code: str | None = None,
    aggregate_codes: Sequence[str] = (),
    periods: Sequence[str] | None = None,
    with_published_aggregates: bool = False,
) -> IndicatorResult:
    """Compute the indicator for the given countries (all when None) and aggregates."""
    single_area = areas[0] if areas is not None and len(areas) == 1 and not aggregate_codes else None
    edition, available = choose_edition(indicator, requested=edition_code, area=single_area)
    if edition is None:
        return IndicatorResult(indicator, None, None, available)
    denominator_edition = _denominator_edition(indicator, edition)
    if indicator.denominator_series_id is not None and denominator_edition is None:
        return IndicatorResult(indicator, edition, None, available)
    needs_all = bool(aggregate_codes) or areas is None
    fetch_areas = None if needs_all else list(areas or [])
    numerator = term_values(
        series=indicator.numerator_series,
        edition=edition,
        sex=indicator.numerator_sex,
        area_role=indicator.numerator_area_role,
        counterpart=indicator.numerator_counterpart,
        areas=fetch_areas,
        periods=periods,
    )
    denominator = None
    if indicator.denominator_series is not None and denominator_edition is not None:
        denominator = term_values(
            series=indicator.denominator_series,
            edition=denominator_edition,
            sex=indicator.denominator_sex,
            areas=fetch_areas,
            periods=periods,
        )
    factor = float(indicator.factor)
    result = IndicatorResult(indicator, edition, denominator_edition, available)
    result.values = compute_values(numerator, denominator, factor=factor, areas=areas)
    if aggregate_codes:
        additive = indicator.numerator_series.additive or indicator.denominator_series_id is not None
        result.aggregates = compute_aggregates(
            aggregate_codes,
            numerator,
            denominator,
            factor=factor,
            membership=regions.members,
            country_codes=set(country_codes()),
            additive=additive,
        )
    if with_published_aggregates and indicator.numerator_area_role == Indicator.AreaRole.AREA:
        result.published_aggregates = _published_aggregates(indicator, edition, denominator_edition, periods)
    return result


def _published_aggregates(
    indicator: Indicator, edition: Edition, denominator_edition: Edition | None, periods: Sequence[str] | None
) -> dict[AreaPeriod, ComputedValue]:
    """The indicator computed from the aggregate rows the publisher printed (e.g. DESA's WORLD row)."""
    if indicator.numerator_counterpart != TOTAL:
        return {}
    codes = list(
        Observation.objects.filter(series=indicator.numerator_series, edition=edition, is_aggregate=True)
        .values_list("area", flat=True)
        .distinct()
    )
    if not codes:
        return {}
    numerator = term_values(
        series=indicator.numerator_series,
        edition=edition,
        sex=indicator.numerator_sex,
        areas=codes,
        periods=periods,
    )
    denominator = None
    if indicator.denominator_series is not None and denominator_edition is not None:
        denominator = term_values(
            series=indicator.denominator_series,
            edition=denominator_edition,
            sex=indicator.denominator_sex,
            areas=codes,
            periods=periods,
        )
    values = compute_values(numerator, denominator, factor=float(indicator.factor))
    return {
        key: ComputedValue(v.area, v.period, v.value, v.numerator, v.denominator, is_aggregate=True)
        for key, v in values.items()
    }


@dataclass(frozen=True)
class EditionValue:
    edition: Edition
    value: ComputedValue


def values_by_edition(indicator: Indicator, *, area: str, period: str) -> list[EditionValue]:
    """The same indicator, area and period in every edition that has it — editions side by side.

    Works for countries and for the world: where an edition holds published aggregates (a headline
    edition) those are used; otherwise the world value is computed from the edition's countries.
    """
    found: list[EditionValue] = []
    bilateral = numerator_is_bilateral(indicator)
    for edition in all_editions_with(indicator.numerator_series_id, bilateral=bilateral):
        result = indicator_values(
            indicator,
            areas=None if area == WORLD else [area],
            edition_code=edition.code,
            aggregate_codes=[WORLD] if area == WORLD else (),
            periods=[period],
            with_published_aggregates=area == WORLD,
        )
        value = result.published_aggregates.get((area, period)) or result.value_at(area, period)
        if value is not None and value.value is not None:
            found.append(EditionValue(edition, value))
    return found


# --- Country profile -------------------------------------------------------------------------------

PROFILE_CARDS = (
    "international-migrant-stock",
    "migrant-share-of-population",
    "female-share-of-migrants",
    "emigrants",
    "refugees-hosted",
    "refugees-by-origin-per-100000",
    "net-migration",
    "remittance-inflows",
    "remittance-outflows",
    "remittance-inflows-gdp",
    "remittance-cost-to-country",
    "remittance-cost-from-country",
)
PROFILE_CHARTS = ("international-migrant-stock", "net-migration", "remittance-inflows", "remittance-outflows")


@dataclass(frozen=True)
class KeyFigure:
    indicator: Indicator
    value: ComputedValue | None
    edition: Edition | None
    denominator_edition: Edition | None
    other_editions: int


@dataclass(frozen=True)
class TimeSeries:
    indicator: Indicator
    points: list[ComputedValue]
    edition: Edition | None


@dataclass(frozen=True)
class Partner:
    code: str
    value: float


@dataclass
class CountryProfile:
    iso3: str
    cards: list[KeyFigure]
    charts: list[TimeSeries]
    top_origins: list[Partner]
    top_destinations: list[Partner]
    partners_year: str | None
    partners_edition: Edition | None
    plans: list[PlanProgress]
    governance: list[GovernanceRow]


def country_profile(iso3: str) -> CountryProfile:
    by_code = {
        indicator.code: indicator
        for indicator in indicators().filter(code__in=PROFILE_CARDS + PROFILE_CHARTS)
    }
    cards = []
    charts = []
    results: dict[str, IndicatorResult] = {}
    for code in PROFILE_CARDS:
        indicator = by_code.get(code)
        if indicator is None:
            continue
        result = indicator_values(indicator, areas=[iso3])
        results[code] = result
        cards.append(
            KeyFigure(
                indicator,
                result.latest_for(iso3),
                result.edition,
                result.denominator_edition,
                max(0, len(result.available_editions) - 1),
            )
        )
    for code in PROFILE_CHARTS:
        indicator = by_code.get(code)
        if indicator is None:
            continue
        result = results.get(code) or indicator_values(indicator, areas=[iso3])
        charts.append(
            TimeSeries(indicator, sorted(result.values.values(), key=lambda v: v.period), result.edition)
        )
    origins, destinations, year, edition = top_partners(iso3)
    return CountryProfile(
        iso3=iso3,
        cards=cards,
        charts=charts,
        top_origins=origins,
        top_destinations=destinations,
        partners_year=year,
        partners_edition=edition,
        plans=plans_for(iso3),
        governance=governance_for(iso3),
    )


def top_partners(
    iso3: str, *, limit: int = 10
) -> tuple[list[Partner], list[Partner], str | None, Edition | None]:
    """Largest countries of origin of the country's immigrants and destinations of its emigrants."""
    try:
        series = Series.objects.get(code="migrant-stock")
    except Series.DoesNotExist:
        return [], [], None, None
    for edition in editions_with(series.id, bilateral=True):
        rows = Observation.objects.filter(series=series, edition=edition, value__isnull=False).exclude(
            counterpart=TOTAL
        )
        latest = (
            (rows.filter(area=iso3) | rows.filter(counterpart=iso3))
            .order_by("-period")
            .values_list("period", flat=True)
            .first()
        )
        if latest is None:
            continue
        origins = [
            Partner(code, value * 10**mult)
            for code, value, mult in rows.filter(area=iso3, period=latest)
            .order_by("-value")
            .values_list("counterpart", "value", "unit_mult")[:limit]
        ]
        destinations = [
            Partner(code, value * 10**mult)
            for code, value, mult in rows.filter(counterpart=iso3, period=latest)
            .order_by("-value")
            .values_list("area", "value", "unit_mult")[:limit]
        ]
        return origins, destinations, latest, edition
    return [], [], None, None


# --- Development plans -----------------------------------------------------------------------------


@dataclass(frozen=True)
class TargetProgress:
    target: PlanTarget
    baseline: float | None
    progress: Progress
    edition: Edition | None


@dataclass(frozen=True)
class PlanProgress:
    plan: DevelopmentPlan
    targets: list[TargetProgress]

    @property
    def counts(self) -> dict[str, int]:
        counts: dict[str, int] = defaultdict(int)
        for item in self.targets:
            counts[item.progress.status] += 1
        return dict(counts)


def target_status(target: PlanTarget, country: str) -> TargetProgress:
    """Baseline (typed, or computed for the baseline year) and the latest computed value since then."""
    result = indicator_values(
        target.indicator, areas=[country], edition_code=target.edition.code if target.edition else None
    )
    series = sorted((v for v in result.values.values() if v.value is not None), key=lambda v: v.period)
    baseline = target.baseline_value
    if baseline is None:
        at_baseline = [v for v in series if period_year(v.period) == target.baseline_year]
        baseline = at_baseline[0].value if at_baseline else None
    later = [v for v in series if period_year(v.period) > target.baseline_year]
    latest = later[-1] if later else None
    if baseline is None:
        progress = Progress(
            0.0,
            target.target_value,
            latest.value if latest else None,
            period_year(latest.period) if latest else None,
            None,
            None,
            "no_baseline",
        )
    else:
        progress = target_progress(
            baseline=baseline,
            baseline_year=target.baseline_year,
            target=target.target_value,
            target_year=target.target_year,
            latest=latest.value if latest else None,
            latest_year=period_year(latest.period) if latest else None,
        )
    return TargetProgress(target, baseline, progress, result.edition)


def plans_for(country: str) -> list[PlanProgress]:
    plans = DevelopmentPlan.objects.filter(country=country).prefetch_related("goals__targets__indicator")
    return [plan_progress(plan) for plan in plans]


def plan_progress(plan: DevelopmentPlan) -> PlanProgress:
    targets = [
        target_status(target, plan.country)
        for goal in plan.goals.all()
        for target in goal.targets.select_related(
            "indicator__numerator_series", "indicator__denominator_series", "edition"
        )
    ]
    return PlanProgress(plan, targets)


def plan_by_id(plan_id: int) -> DevelopmentPlan:
    return DevelopmentPlan.objects.prefetch_related("goals__targets__indicator").get(id=plan_id)


# --- Migration governance --------------------------------------------------------------------------


@dataclass(frozen=True)
class GovernanceRow:
    domain: str
    label: str
    well_developed: list[GovernanceAssessment]
    further_development: list[GovernanceAssessment]
    score: PolicyDomainScore | None


def governance_for(country: str) -> list[GovernanceRow]:
    """The six domains with the latest assessments and SDG 10.7.2 score each; empty when nothing
    is recorded."""
    assessments = list(GovernanceAssessment.objects.filter(country=country))
    scores = list(PolicyDomainScore.objects.filter(country=country))
    if not assessments and not scores:
        return []
    rows = []
    for domain in GovernanceDomain:
        mine = [a for a in assessments if a.domain == domain.value]
        latest_year = max((a.year for a in mine), default=None)
        current = [a for a in mine if a.year == latest_year]
        domain_scores = sorted((s for s in scores if s.domain == domain.value), key=lambda s: s.year)
        rows.append(
            GovernanceRow(
                domain=domain.value,
                label=str(domain.label),
                well_developed=[
                    a for a in current if a.finding == GovernanceAssessment.Finding.WELL_DEVELOPED
                ],
                further_development=[
                    a for a in current if a.finding == GovernanceAssessment.Finding.FURTHER_DEVELOPMENT
                ],
                score=domain_scores[-1] if domain_scores else None,
            )
        )
    return rows
