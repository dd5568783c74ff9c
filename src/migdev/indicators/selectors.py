"""Reads: indicators, editions, computed values with aggregates, country profiles, plans, governance."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from django.db import connections
from django.db.models import QuerySet

from migdev.indicators import regions
from migdev.indicators.areas import FORMER_AREAS, WORLD, country_codes, is_country
from migdev.indicators.cache import cached
from migdev.indicators.catalogue import (
    ALL_PARTNERS,
    SDG_10C1_CORRIDOR_LIMIT,
    SDG_10C1_GLOBAL_TARGET,
    THEMES,
)
from migdev.indicators.computation import (
    ESTIMATE,
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


def _coverage() -> list[tuple[int, bool, int, Edition]]:
    """Every (series, bilateral, countries, edition) of the coverage table, shared per data version (loads,
    which alone change it, give a new version): pages choose editions many times each."""

    def read() -> list[tuple[int, bool, int, Edition]]:
        rows = SeriesCoverage.objects.select_related("edition__source").order_by("pk")
        return [(row.series_id, row.bilateral, row.countries, row.edition) for row in rows]

    return cached("series-coverage", read)


def editions_with(series_id: int, *, bilateral: bool, min_countries: int = 1) -> list[Edition]:
    """Editions holding country data for a series, preferred first (official, then newest)."""
    rows = [
        edition
        for series, two_sided, countries, edition in _coverage()
        if series == series_id
        and two_sided == bilateral
        and countries >= min_countries
        # sample data is never a default, a headline or a status
        and edition.kind != Edition.Kind.SAMPLE
    ]
    return sorted(rows, key=_edition_order)


def all_editions_with(series_id: int, *, bilateral: bool) -> list[Edition]:
    """Every edition holding the series, including aggregate-only headline editions, newest first."""
    rows = [
        edition
        for series, two_sided, _countries, edition in _coverage()
        if series == series_id and two_sided == bilateral
    ]
    return sorted(set(rows), key=lambda edition: edition.published, reverse=True)


def _read_observations(sql: str, params: Sequence[Any]) -> list[tuple[Any, ...]]:
    """Rows of ``sql`` (``{observations}`` names the table), read without the ORM.

    The pages' hottest reads are small indexed queries, many to a page: Django took longer to build each one
    than the database took to run it (half of a cold country profile's time at five million observations).
    The read goes to the database the router gives Observation (a replica where there is one).
    """
    with connections[Observation.objects.db].cursor() as cursor:
        cursor.execute(sql.format(observations=Observation._meta.db_table), params)
        return cursor.fetchall()


def _has_area_data(series_id: int, edition: Edition, area: str, *, as_counterpart: bool) -> bool:
    if as_counterpart:
        # The partial index's own condition, word for word: SQLite uses the index only when the query says it.
        side, params = "counterpart = %s AND NOT (counterpart = %s)", [area, TOTAL]
    else:
        side, params = "area = %s", [area]
    sql = f"SELECT 1 FROM {{observations}} WHERE {side} AND series_id = %s AND edition_id = %s"  # noqa: S608
    return bool(_read_observations(sql + " AND value IS NOT NULL LIMIT 1", [*params, series_id, edition.id]))


def choose_edition(
    indicator: Indicator,
    *,
    requested: str | None = None,
    area: str | None = None,
    bilateral: bool | None = None,
) -> tuple[Edition | None, list[Edition]]:
    """(edition used, editions available) for the indicator's numerator.

    A requested edition wins when it holds the series; otherwise the newest official edition with
    country data — and, for one area, the newest one that has data for that area. ``bilateral`` asks
    for the editions with partner-country cells (default: whether the indicator itself needs them).
    """
    if bilateral is None:
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
    age: str = TOTAL,
    area_role: str = Indicator.AreaRole.AREA,
    counterpart: str = TOTAL,
    partner: str | None = None,
    areas: Iterable[str] | None = None,
    periods: Iterable[str] | None = None,
    include_aggregates: bool = False,
    estimated: set[AreaPeriod] | None = None,
) -> dict[AreaPeriod, float]:
    """Values of one term in true units (value × 10^unit_mult) keyed by (area, period).

    ``partner`` keeps one partner of bilateral data: the destination when the area is the counterpart
    (emigrants from the area living in ``partner``), else the counterpart (e.g. refugees from
    ``partner``). The area-periods with a published estimate among their inputs go into ``estimated``.
    """
    where = ["series_id = %s", "edition_id = %s", "sex = %s", "age = %s", "migratory_status = %s"]
    params: list[object] = [series.id, edition.id, sex, age, TOTAL]

    def keep(clause: str, *values: object) -> None:
        where.append(clause)
        params.extend(values)

    def among(column: str, values: list[str]) -> None:
        keep(f"{column} IN ({', '.join(['%s'] * len(values))})", *values)

    period_list = list(periods) if periods is not None else None
    area_list = list(areas) if areas is not None else None
    if period_list == [] or area_list == []:
        return {}
    keep("value IS NOT NULL")
    if period_list is not None:
        among("period", period_list)
    if area_role == Indicator.AreaRole.COUNTERPART:
        keep("NOT (counterpart = %s)", TOTAL)
        if area_list is not None:
            among("counterpart", area_list)
        if partner is not None:
            keep("area = %s", partner)
        group = "counterpart"
    else:
        if counterpart == ALL_PARTNERS:
            keep("NOT (counterpart = %s)", TOTAL)
            if partner is not None:
                keep("counterpart = %s", partner)
        else:
            keep("counterpart = %s", counterpart)
        if area_list is not None:
            among("area", area_list)
        elif not include_aggregates:
            keep("is_aggregate = %s", False)
        group = "area"
    # Only constant clauses and column names are joined into the SQL; every value is a parameter.
    condition = " AND ".join(where)
    result: dict[AreaPeriod, float] = {}
    if area_role == Indicator.AreaRole.COUNTERPART or counterpart == ALL_PARTNERS:
        reducer = "SUM" if series.additive else "AVG"
        count_estimates = "SUM(CASE WHEN status = %s THEN 1 ELSE 0 END)"
        select = f"SELECT {group}, period, unit_mult, {reducer}(value), COUNT(*), {count_estimates}"
        summed = _read_observations(
            f"{select} FROM {{observations}} WHERE {condition} GROUP BY {group}, period, unit_mult",  # noqa: S608
            [ESTIMATE, *params],
        )
        weights: dict[AreaPeriod, int] = defaultdict(int)
        for area, period, unit_mult, total, count, estimates in summed:
            key = (area, period)
            scaled = total * 10**unit_mult
            result[key] = result.get(key, 0.0) + (scaled if series.additive else scaled * count)
            weights[key] += count
            if estimates and estimated is not None:
                estimated.add(key)
        if not series.additive:
            result = {key: total / weights[key] for key, total in result.items()}
        return result
    rows = _read_observations(
        f"SELECT area, period, value, unit_mult, status FROM {{observations}} WHERE {condition}",  # noqa: S608
        params,
    )
    for area, period, value, unit_mult, status in rows:
        result[(area, period)] = value * 10**unit_mult
        if status == ESTIMATE and estimated is not None:
            estimated.add((area, period))
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
    breakdown: Breakdown | None = None,
) -> IndicatorResult:
    """Compute the indicator for the given countries (all when None) and aggregates.

    ``breakdown`` asks for one sex, age group or partner country instead of the indicator's totals
    (check it first with ``breakdown_problem``).
    """
    breakdown = breakdown or Breakdown()
    single_area = areas[0] if areas is not None and len(areas) == 1 and not aggregate_codes else None
    # A partner asked of a published total (immigrants from one origin) reads the bilateral cells.
    partner_cell = breakdown.partner is not None and _reads_partner_cells(indicator)
    edition, available = choose_edition(
        indicator, requested=edition_code, area=single_area, bilateral=True if partner_cell else None
    )
    if edition is None:
        return IndicatorResult(indicator, None, None, available)
    denominator_edition = _denominator_edition(indicator, edition)
    if indicator.denominator_series_id is not None and denominator_edition is None:
        return IndicatorResult(indicator, edition, None, available)
    needs_all = bool(aggregate_codes) or areas is None
    fetch_areas = None if needs_all else list(areas or [])
    estimated: set[AreaPeriod] = set()
    numerator_sex = breakdown.sex or indicator.numerator_sex
    age = breakdown.age or TOTAL
    numerator = term_values(
        series=indicator.numerator_series,
        edition=edition,
        sex=numerator_sex,
        age=age,
        area_role=indicator.numerator_area_role,
        counterpart=breakdown.partner
        if partner_cell and breakdown.partner
        else indicator.numerator_counterpart,
        partner=None if partner_cell else breakdown.partner,
        areas=fetch_areas,
        periods=periods,
        estimated=estimated,
    )
    denominator = None
    if indicator.denominator_series is not None and denominator_edition is not None:
        denominator_sex = indicator.denominator_sex
        if breakdown.sex and indicator.denominator_series_id != indicator.numerator_series_id:
            denominator_sex = breakdown.sex
        denominator = term_values(
            series=indicator.denominator_series,
            edition=denominator_edition,
            sex=denominator_sex,
            age=age if indicator.denominator_series_id != indicator.numerator_series_id else TOTAL,
            areas=fetch_areas,
            periods=periods,
            estimated=estimated,
        )
        if indicator.denominator_adds_numerator:
            denominator = _with_numerator_added(indicator, edition, denominator, numerator, breakdown)
    factor = float(indicator.factor)
    result = IndicatorResult(indicator, edition, denominator_edition, available)
    result.values = compute_values(numerator, denominator, factor=factor, areas=areas, estimated=estimated)
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
            estimated=estimated,
            world_countries=world_countries(),
        )
    if (
        with_published_aggregates
        and indicator.numerator_area_role == Indicator.AreaRole.AREA
        and not breakdown.asked
    ):
        result.published_aggregates = _published_aggregates(indicator, edition, denominator_edition, periods)
    return result


def _with_numerator_added(
    indicator: Indicator,
    edition: Edition,
    denominator: dict[AreaPeriod, float],
    numerator: dict[AreaPeriod, float],
    breakdown: Breakdown,
) -> dict[AreaPeriod, float]:
    """UNHCR's SDG 10.7.4 denominator: population + all the country's refugees abroad.

    For one partner country the numerator holds only the refugees there, so the whole is read again.
    """
    whole = numerator
    if breakdown.partner is not None:
        whole = term_values(
            series=indicator.numerator_series,
            edition=edition,
            sex=breakdown.sex or indicator.numerator_sex,
            age=breakdown.age or TOTAL,
            area_role=indicator.numerator_area_role,
            counterpart=indicator.numerator_counterpart,
            areas=[area for area, _ in denominator],
            periods=sorted({period for _, period in denominator}),
        )
    return {key: value + whole.get(key, 0.0) for key, value in denominator.items()}


def world_countries() -> frozenset[str]:
    """Every current country or territory: the members the world's coverage counts."""
    return frozenset(code for code in country_codes() if code not in FORMER_AREAS)


@dataclass(frozen=True)
class Breakdown:
    """One sex, age group or partner country asked for instead of an indicator's totals."""

    sex: str | None = None
    age: str | None = None
    partner: str | None = None

    @property
    def asked(self) -> bool:
        return bool(self.sex or self.age or self.partner)


def breakdown_problem(indicator: Indicator, breakdown: Breakdown) -> str | None:
    """Why the indicator cannot be broken down so (None when it can): the series must hold the
    sex or age group, and a partner needs bilateral data summed over partners."""
    series = indicator.numerator_series
    if breakdown.partner is not None and not is_country(breakdown.partner):
        return f"unknown counterpart area {breakdown.partner!r}"
    if (
        breakdown.partner is not None
        and indicator.numerator_counterpart != ALL_PARTNERS
        and not (_reads_partner_cells(indicator) and _has_bilateral(series))
    ):
        return f"{indicator.code} has no counterpart area (its series has no partner-country cells)"
    if breakdown.sex is not None:
        if breakdown.sex not in {TOTAL, "F", "M"}:
            return f"unknown sex {breakdown.sex!r} (use F, M or _T)"
        if indicator.numerator_sex != TOTAL or indicator.denominator_sex != TOTAL:
            return f"{indicator.code} is already defined for one sex"
        if breakdown.sex != TOTAL and not _read_cells(indicator).filter(sex=breakdown.sex).exists():
            return f"{indicator.code} has no values by sex"
        denominator = indicator.denominator_series
        if (
            breakdown.sex != TOTAL
            and denominator is not None
            and denominator.id != series.id
            and not _series_has(denominator, sex=breakdown.sex)
        ):
            return f"{indicator.code} has no denominator by sex"
    if (
        breakdown.age is not None
        and breakdown.age != TOTAL
        and not _read_cells(indicator).filter(age=breakdown.age).exists()
    ):
        return f"{indicator.code} has no values for the age group {breakdown.age!r}"
    return None


def _reads_partner_cells(indicator: Indicator) -> bool:
    """A published total over partners whose series also has partner cells (the DESA matrix behind
    the migrant stock); not when the denominator is the same series (a share would need both cut)."""
    return (
        indicator.numerator_counterpart == TOTAL
        and indicator.numerator_area_role == Indicator.AreaRole.AREA
        and indicator.denominator_series_id != indicator.numerator_series_id
    )


def _has_bilateral(series: Series) -> bool:
    return SeriesCoverage.objects.filter(series=series, bilateral=True).exists()


def breakdown_choices(indicator: Indicator) -> tuple[bool, list[str]]:
    """Whether the indicator can be shown for men and for women, and the age groups its series holds
    (what the indicator page offers; the API and the downloads accept the same)."""
    has_sex = all(breakdown_problem(indicator, Breakdown(sex=sex)) is None for sex in ("M", "F"))
    ages = sorted(set(_read_cells(indicator).exclude(age=TOTAL).values_list("age", flat=True).distinct()))
    return has_sex, ages


def _read_cells(indicator: Indicator) -> QuerySet[Observation]:
    """The cells of the numerator series the indicator reads: its own totals, or the partner cells of
    bilateral data (emigrants are summed over the destination cells, which the DESA matrix has for
    both sexes only, although its Table 1 has men and women among immigrants)."""
    series = indicator.numerator_series
    editions = SeriesCoverage.objects.filter(series=series).values_list("edition_id", flat=True)
    # Naming the editions lets the unique key (edition, series, …) serve the look-up.
    rows = Observation.objects.filter(edition_id__in=list(editions), series=series, value__isnull=False)
    if (
        indicator.numerator_area_role == Indicator.AreaRole.COUNTERPART
        or indicator.numerator_counterpart == ALL_PARTNERS
    ):
        return rows.exclude(counterpart=TOTAL)
    return rows.filter(counterpart=indicator.numerator_counterpart)


def _series_has(series: Series, **dimension: str) -> bool:
    # Naming the editions lets the unique key (edition, series, …) serve the look-up.
    editions = SeriesCoverage.objects.filter(series=series).values_list("edition_id", flat=True)
    return Observation.objects.filter(
        edition_id__in=list(editions), series=series, value__isnull=False, **dimension
    ).exists()


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
    # Where the figure comes from when it is not an edition of the indicators' data (RPW price data).
    source_note: str = ""

    @property
    def source(self) -> str | None:
        if self.source_note:
            return self.source_note
        if self.edition is None:
            return None
        return f"{self.edition.source.publisher}, {self.edition.source.name} — {self.edition.title}"


@dataclass(frozen=True)
class SexFigure:
    sex: str
    value: ComputedValue


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
    by_sex: list[SexFigure] = field(default_factory=list)
    by_sex_edition: Edition | None = None


def country_profile(iso3: str) -> CountryProfile:
    by_code = cached(
        "profile-indicators",
        lambda: {
            indicator.code: indicator
            for indicator in indicators().filter(code__in=PROFILE_CARDS + PROFILE_CHARTS)
        },
    )
    cards = []
    charts = []
    results: dict[str, IndicatorResult] = {}
    for code in PROFILE_CARDS:
        indicator = by_code.get(code)
        if indicator is None:
            continue
        result = indicator_values(indicator, areas=[iso3])
        results[code] = result
        card = KeyFigure(
            indicator,
            result.latest_for(iso3),
            result.edition,
            result.denominator_edition,
            max(0, len(result.available_editions) - 1),
        )
        if code in RPW_COST_CARDS:
            card = _newer_rpw_cost(card, iso3, receiving=code == "remittance-cost-to-country")
        cards.append(card)
    for code in PROFILE_CHARTS:
        indicator = by_code.get(code)
        if indicator is None:
            continue
        result = results.get(code) or indicator_values(indicator, areas=[iso3])
        charts.append(
            TimeSeries(indicator, sorted(result.values.values(), key=lambda v: v.period), result.edition)
        )
    origins, destinations, year, edition = top_partners(iso3)
    by_sex, by_sex_edition = _stock_by_sex(by_code.get("international-migrant-stock"), iso3)
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
        by_sex=by_sex,
        by_sex_edition=by_sex_edition,
    )


def _stock_by_sex(indicator: Indicator | None, iso3: str) -> tuple[list[SexFigure], Edition | None]:
    """Men and women among the country's immigrants, latest year with both."""
    if indicator is None:
        return [], None
    found: dict[str, dict[str, ComputedValue]] = {}
    edition = None
    for sex in ("M", "F"):
        result = indicator_values(indicator, areas=[iso3], breakdown=Breakdown(sex=sex))
        found[sex] = {v.period: v for v in result.values.values() if v.value is not None}
        edition = edition or result.edition
    common = sorted(set(found["M"]) & set(found["F"]))
    if not common:
        return [], None
    latest = common[-1]
    return [SexFigure(sex, found[sex][latest]) for sex in ("M", "F")], edition


RPW_COST_CARDS = ("remittance-cost-to-country", "remittance-cost-from-country")


def _newer_rpw_cost(card: KeyFigure, iso3: str, *, receiving: bool) -> KeyFigure:
    """The cost card from the RPW corridor means (to 2025Q1) when the remittances module holds a
    later quarter than the indicators' DataBank series (to 2020Q3): the same simple average over the
    country's corridors, with the RPW source named."""
    latest = _latest_rpw_costs().get((iso3, receiving))
    if latest is None:
        return card
    period, mean, corridors, note = latest
    if card.value is not None and card.value.period >= period:
        return card
    value = ComputedValue(iso3, period, mean, mean, None, members=corridors, covered=corridors)
    return KeyFigure(card.indicator, value, None, None, card.other_editions + 1, source_note=note)


def _latest_rpw_costs() -> dict[tuple[str, bool], tuple[str, float, int, str]]:
    """For each country, receiving and sending: (period, mean, corridors, sources) of the simple average cost
    of sending 200 USD over its corridors in the latest quarter any of them has, read once per data version
    (loading RPW corridor values gives a new one)."""
    from django.apps import apps

    if not apps.is_installed("migdev.remittances"):
        return {}
    from migdev.remittances.models import CorridorSeriesValue, PriceSource

    def read() -> dict[tuple[str, bool], tuple[str, float, int, str]]:
        rows = CorridorSeriesValue.objects.filter(series=CorridorSeriesValue.Series.MEAN_COST_USD200)
        by_side: dict[tuple[str, bool], dict[str, list[tuple[float, int]]]] = defaultdict(
            lambda: defaultdict(list)
        )
        for sending, receiving_country, quarter, value, source_id in rows.values_list(
            "corridor__sending_country_id", "corridor__receiving_country_id", "quarter", "value", "source_id"
        ):
            by_side[(str(receiving_country), True)][quarter].append((float(value), source_id))
            by_side[(str(sending), False)][quarter].append((float(value), source_id))
        sources = {source.pk: source for source in PriceSource.objects.all()}
        latest: dict[tuple[str, bool], tuple[str, float, int, str]] = {}
        for key, quarters in by_side.items():
            quarter = max(quarters)
            values = quarters[quarter]
            used = [sources[source_id] for source_id in sorted({source_id for _, source_id in values})]
            names = sorted({str(source) for source in used})
            licences = sorted({source.licence for source in used if source.licence})
            note = "; ".join(names) + (f" ({', '.join(licences)})" if licences else "")
            mean = sum(value for value, _ in values) / len(values)
            latest[key] = (f"{quarter[:4]}-{quarter[4:]}", mean, len(values), note)
        return latest

    return cached("rpw-latest-costs", read)


def top_partners(
    iso3: str, *, limit: int = 10
) -> tuple[list[Partner], list[Partner], str | None, Edition | None]:
    """Largest countries of origin of the country's immigrants and destinations of its emigrants."""
    series_id = cached(
        "migrant-stock-series",
        lambda: Series.objects.filter(code="migrant-stock").values_list("id", flat=True).first() or 0,
    )
    if not series_id:
        return [], [], None, None
    # Partner cells only: "NOT (counterpart = '_T')" is also the partial index's condition on counterpart.
    partner_cells = (
        "FROM {observations} WHERE series_id = %s AND edition_id = %s AND value IS NOT NULL"
        " AND NOT (counterpart = %s)"
    )
    for edition in editions_with(series_id, bilateral=True):
        cells = [series_id, edition.id, TOTAL]
        periods = _read_observations(
            f"SELECT MAX(period) {partner_cells} AND area = %s"  # noqa: S608
            f" UNION ALL SELECT MAX(period) {partner_cells} AND counterpart = %s",
            [*cells, iso3, *cells, iso3],
        )
        found = [period for (period,) in periods if period is not None]
        if not found:
            continue
        latest = max(found)
        largest = f" AND period = %s ORDER BY value DESC LIMIT {int(limit)}"
        origins = [
            Partner(code, value * 10**mult)
            for code, value, mult in _read_observations(
                f"SELECT counterpart, value, unit_mult {partner_cells} AND area = %s{largest}",  # noqa: S608
                [*cells, iso3, latest],
            )
        ]
        destinations = [
            Partner(code, value * 10**mult)
            for code, value, mult in _read_observations(
                f"SELECT area, value, unit_mult {partner_cells} AND counterpart = %s{largest}",  # noqa: S608
                [*cells, iso3, latest],
            )
        ]
        return origins, destinations, latest, edition
    return [], [], None, None


PARTNER_SERIES = ("migrant-stock", "refugees", "asylum-seekers")


@dataclass(frozen=True)
class PartnerRow:
    code: str
    total: float | None
    male: float | None
    female: float | None
    status: str


@dataclass
class PartnerTable:
    """Every partner of one country in one bilateral series, edition and period, one direction."""

    series: Series
    direction: str  # "origins": where the country's immigrants come from; "destinations": the reverse
    edition: Edition | None
    editions: list[Edition]
    period: str | None
    periods: list[str]
    rows: list[PartnerRow]
    # Partners the edition covers on the partner side in this period: those with a cell for any country
    # (an origin some destination reports, a destination whose row was published). A covered partner
    # without a cell for this country is a published zero — the migrant-stock matrices leave zero cells
    # out — while a partner the edition never mentions has no data.
    covered: frozenset[str] = frozenset()

    @property
    def total(self) -> float:
        return sum(row.total or 0.0 for row in self.rows)

    @property
    def has_sex(self) -> bool:
        return any(row.male is not None or row.female is not None for row in self.rows)

    def figure(self, code: str, sex: str = TOTAL) -> tuple[float | None, str]:
        """A partner's figure for one sex and where it comes from.

        ``(value, "cell")`` for a published cell (``None`` when the publisher marks it missing),
        ``(0.0, "omitted")`` for a covered partner without a cell (a zero the file leaves out) and
        ``(None, "none")`` for a partner the edition does not cover (no data).
        """
        row = self._by_code.get(code)
        if row is not None:
            return {TOTAL: row.total, "M": row.male, "F": row.female}.get(sex, row.total), "cell"
        if code in self.covered:
            return 0.0, "omitted"
        return None, "none"

    @cached_property
    def _by_code(self) -> dict[str, PartnerRow]:
        return {row.code: row for row in self.rows}


def partner_table(
    iso3: str, *, series_code: str, direction: str, period: str | None = None, edition_code: str | None = None
) -> PartnerTable:
    """Origins of the country's immigrants (or refugees) or destinations of its emigrants, all rows.

    Raises ``Series.DoesNotExist`` for a series that is not bilateral data of this module.
    """
    if series_code not in PARTNER_SERIES:
        raise Series.DoesNotExist(series_code)
    series = Series.objects.get(code=series_code)
    editions = editions_with(series.id, bilateral=True)
    side, partner_side = ("area", "counterpart") if direction == "origins" else ("counterpart", "area")
    chosen = next((e for e in editions if e.code == edition_code), None)
    candidates = [chosen] if chosen else editions
    for edition in candidates:
        rows = Observation.objects.filter(series=series, edition=edition, age=TOTAL, **{side: iso3}).exclude(
            counterpart=TOTAL
        )
        periods = sorted(set(rows.values_list("period", flat=True)), reverse=True)
        if not periods:
            continue
        used = period if period in periods else periods[0]
        values: dict[str, dict[str, float | None]] = defaultdict(dict)
        statuses: dict[str, str] = {}
        for code, sex, value, mult, status in rows.filter(period=used).values_list(
            partner_side, "sex", "value", "unit_mult", "status"
        ):
            values[code][sex] = None if value is None else value * 10**mult
            if status == ESTIMATE:
                statuses[code] = ESTIMATE
        table_rows = [
            PartnerRow(code, found.get(TOTAL), found.get("M"), found.get("F"), statuses.get(code, ""))
            for code, found in values.items()
        ]
        table_rows.sort(key=lambda row: (row.total is None, -(row.total or 0.0), row.code))
        covered = frozenset(
            Observation.objects.filter(series=series, edition=edition, period=used, age=TOTAL)
            .exclude(counterpart=TOTAL)
            .values_list(partner_side, flat=True)
            .distinct()
        )
        return PartnerTable(series, direction, edition, editions, used, periods, table_rows, covered)
    return PartnerTable(series, direction, None, editions, None, [], [])


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
