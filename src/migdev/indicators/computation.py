"""Indicator arithmetic, free of the database: DHIS2-style (numerator / denominator) × factor, and
aggregates over groups of countries whose membership depends on the data year.

Aggregates follow DHIS2: numerator and denominator are each summed over the member countries that
report them, then divided — so the world share of migrants is Σ migrants / Σ population (as UN DESA
publishes it), not an average of country shares. Coverage (members with a numerator / members) is
reported alongside, so a thin aggregate is visible as such.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass

AreaPeriod = tuple[str, str]
# Members of an aggregate for a data year; None means "every country that has data" (the world).
Membership = Callable[[str, int], set[str] | None]
ESTIMATE = "E"


@dataclass(frozen=True, slots=True)
class ComputedValue:
    area: str
    period: str
    value: float | None
    numerator: float | None
    denominator: float | None
    is_aggregate: bool = False
    members: int = 0
    covered: int = 0
    # SDMX OBS_STATUS: "E" when a published input is an estimate (the World Bank's "2012e"), else "".
    status: str = ""

    @property
    def coverage(self) -> float | None:
        return self.covered / self.members if self.members else None


def period_year(period: str) -> int:
    return int(period[:4])


def ratio(numerator: float | None, denominator: float | None, factor: float) -> float | None:
    if numerator is None:
        return None
    if denominator is None:
        return numerator * factor
    if denominator == 0:
        return None
    return numerator / denominator * factor


def compute_values(
    numerator: Mapping[AreaPeriod, float],
    denominator: Mapping[AreaPeriod, float] | None,
    *,
    factor: float,
    areas: Iterable[str] | None = None,
    estimated: Collection[AreaPeriod] = (),
) -> dict[AreaPeriod, ComputedValue]:
    """Per-area values; an area-period without a numerator (or without a needed denominator) has none.

    ``estimated`` holds the area-periods where an input is a published estimate; their values carry
    status "E".
    """
    wanted = set(areas) if areas is not None else None
    results: dict[AreaPeriod, ComputedValue] = {}
    for key, top in numerator.items():
        if wanted is not None and key[0] not in wanted:
            continue
        bottom = None
        if denominator is not None:
            bottom = denominator.get(key)
            if bottom is None:
                continue
        value = ratio(top, bottom, factor)
        if value is not None:
            status = ESTIMATE if key in estimated else ""
            results[key] = ComputedValue(key[0], key[1], value, top, bottom, status=status)
    return results


def compute_aggregates(
    codes: Iterable[str],
    numerator: Mapping[AreaPeriod, float],
    denominator: Mapping[AreaPeriod, float] | None,
    *,
    factor: float,
    membership: Membership,
    country_codes: set[str],
    additive: bool = True,
    estimated: Collection[AreaPeriod] = (),
    world_countries: Collection[str] = (),
) -> dict[AreaPeriod, ComputedValue]:
    """Aggregate values per (code, period) over the countries that belong to each code in that year.

    ``additive=False`` (e.g. a cost in per cent without a denominator) takes the mean of member values.
    The world (membership None) sums every country with data, but its coverage counts every country
    of ``world_countries`` as a member, so a world figure over 104 countries says 104/237, not 104/104.
    An aggregate with an estimated input is an estimate ("E").
    """
    by_period: dict[str, dict[str, float]] = defaultdict(dict)
    for (area, period), value in numerator.items():
        if area in country_codes:
            by_period[period][area] = value
    reporting_denominator: dict[str, set[str]] = defaultdict(set)
    for area, period in denominator or {}:
        if area in country_codes:
            reporting_denominator[period].add(area)
    results: dict[AreaPeriod, ComputedValue] = {}
    for code in codes:
        for period, values in by_period.items():
            members = membership(code, period_year(period))
            member_set = set(values) | reporting_denominator[period] if members is None else members
            member_count = len(member_set | set(world_countries)) if members is None else len(member_set)
            total_top = 0.0
            total_bottom = 0.0
            covered = 0
            is_estimate = False
            for area in member_set:
                top = values.get(area)
                if top is not None:
                    total_top += top
                    covered += 1
                    is_estimate = is_estimate or (area, period) in estimated
                if denominator is not None:
                    bottom = denominator.get((area, period))
                    if bottom is not None:
                        total_bottom += bottom
            if not covered or (denominator is not None and not total_bottom):
                continue
            if denominator is None and not additive:
                total_top /= covered
            aggregate_value = ratio(total_top, total_bottom if denominator is not None else None, factor)
            if aggregate_value is None:
                continue
            results[(code, period)] = ComputedValue(
                code,
                period,
                aggregate_value,
                total_top,
                total_bottom if denominator is not None else None,
                is_aggregate=True,
                members=member_count,
                covered=covered,
                status=ESTIMATE if is_estimate else "",
            )
    return results


def reduce_over_counterparts(
    rows: Iterable[tuple[str, str, float]], *, additive: bool = True
) -> dict[AreaPeriod, float]:
    """Sum (or average, for non-additive series) bilateral values per (area, period)."""
    totals: dict[AreaPeriod, float] = defaultdict(float)
    counts: dict[AreaPeriod, int] = defaultdict(int)
    for area, period, value in rows:
        totals[(area, period)] += value
        counts[(area, period)] += 1
    if additive:
        return dict(totals)
    return {key: total / counts[key] for key, total in totals.items()}


@dataclass(frozen=True)
class Progress:
    """Where a plan target stands: actual change against the change expected by now on a straight line."""

    baseline: float
    target: float
    latest: float | None
    latest_year: int | None
    expected: float | None
    achieved_share: float | None
    status: str  # "achieved", "on_track", "off_track", "no_data", "no_baseline"


def target_progress(
    *,
    baseline: float,
    baseline_year: int,
    target: float,
    target_year: int,
    latest: float | None,
    latest_year: int | None,
    tolerance: float = 0.1,
) -> Progress:
    """On track when the change achieved since the baseline is at least the expected share of the way
    (linear between baseline and target year), less a tolerance of ``tolerance`` of the whole distance."""
    if latest is None or latest_year is None or latest_year <= baseline_year:
        return Progress(baseline, target, latest, latest_year, None, None, "no_data")
    distance = target - baseline
    elapsed = min(1.0, (latest_year - baseline_year) / (target_year - baseline_year))
    expected = baseline + distance * elapsed
    if distance == 0:
        achieved = 1.0 if latest == target else 0.0
    else:
        achieved = (latest - baseline) / distance
    if achieved >= 1.0:
        status = "achieved"
    elif achieved >= elapsed - tolerance:
        status = "on_track"
    else:
        status = "off_track"
    return Progress(baseline, target, latest, latest_year, expected, achieved, status)
