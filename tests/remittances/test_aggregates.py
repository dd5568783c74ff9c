"""The aggregate engine against a plain-Python restatement of each definition, and on hand-made cases."""

from collections import defaultdict
from dataclasses import dataclass
from statistics import mean

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from migdev.remittances.aggregates import (
    CorridorTable,
    FlowWeights,
    Measure,
    QuoteColumns,
    compute_aggregates,
)


@dataclass(frozen=True)
class Row:
    tier: int
    quarter: int
    corridor: int
    firm_type: int
    transparent: int
    qualifying: bool
    cost: float
    weight: float = 1.0
    pool_weight: float = 1.0
    single: bool = True


# Three countries (0, 1, 2), four corridors, two regions (country 2 has none).
SENDING = [0, 0, 1, 2]
RECEIVING = [1, 2, 2, 0]
REGION_OF_COUNTRY = {0: 0, 1: 1, 2: -1}
CORRIDORS = CorridorTable(
    sending=np.array(SENDING, dtype=np.int64),
    receiving=np.array(RECEIVING, dtype=np.int64),
    receiving_region=np.array([REGION_OF_COUNTRY[r] for r in RECEIVING], dtype=np.int64),
)


def columns(rows: list[Row]) -> QuoteColumns:
    def ints(name: str) -> np.ndarray:
        return np.array([getattr(r, name) for r in rows], dtype=np.int64)

    return QuoteColumns(
        tier=ints("tier"),
        quarter=ints("quarter"),
        corridor=ints("corridor"),
        firm_type=ints("firm_type"),
        transparent=ints("transparent"),
        smart_qualifying=np.array([r.qualifying for r in rows], dtype=np.bool_),
        cost=np.array([r.cost for r in rows], dtype=np.float64),
        weight=np.array([r.weight for r in rows], dtype=np.float64),
        pool_weight=np.array([r.pool_weight for r in rows], dtype=np.float64),
        single_service=np.array([r.single for r in rows], dtype=np.bool_),
    )


def compute(rows: list[Row], flows: FlowWeights | None = None):  # type: ignore[no-untyped-def]
    return compute_aggregates(
        columns(rows), CORRIDORS, country_count=3, region_count=2, firm_type_count=4, flows=flows
    )


def weighted_mean(pairs: list[tuple[float, float]]) -> tuple[float, float] | None:
    total = sum(w for w, _ in pairs)
    if total <= 0:
        return None
    return sum(w * c for w, c in pairs) / total, total


def reference(
    rows: list[Row], flows: dict[tuple[int, int], float]
) -> dict[tuple[str, int, int, int], tuple[float, float]]:
    """Each definition written out the slow way."""
    out: dict[tuple[str, int, int, int], tuple[float, float]] = {}
    slots = {(r.tier, r.quarter) for r in rows}
    for tier, quarter in slots:
        here = [r for r in rows if (r.tier, r.quarter) == (tier, quarter)]
        averages: dict[int, float] = {}
        for corridor in {r.corridor for r in here}:
            result = weighted_mean([(r.weight, r.cost) for r in here if r.corridor == corridor])
            if result:
                averages[corridor] = result[0]
                out[(Measure.CORRIDOR_AVERAGE, tier, quarter, corridor)] = result
        pooled = [r for r in here if r.transparent != 0]

        def pool(rows_: list[Row]) -> tuple[float, float] | None:
            return weighted_mean([(r.pool_weight, r.cost) for r in rows_])

        groupings = {
            Measure.SENDING_COUNTRY_AVERAGE: lambda r: SENDING[r.corridor],
            Measure.RECEIVING_COUNTRY_AVERAGE: lambda r: RECEIVING[r.corridor],
            Measure.REGION_AVERAGE: lambda r: REGION_OF_COUNTRY[RECEIVING[r.corridor]],
            Measure.FIRM_TYPE_AVERAGE: lambda r: r.firm_type,
        }
        for measure, subject_of in groupings.items():
            groups: dict[int, list[Row]] = defaultdict(list)
            for r in pooled:
                if subject_of(r) >= 0:
                    groups[subject_of(r)].append(r)
            for subject, members in groups.items():
                result = pool(members)
                if result:
                    out[(measure, tier, quarter, subject)] = result
        result = pool(pooled)
        if result:
            out[(Measure.GLOBAL_AVERAGE, tier, quarter, -1)] = result
        if averages:
            values = list(averages.values())
            out[(Measure.SHARE_CORRIDORS_BELOW_5, tier, quarter, -1)] = (
                100 * sum(v < 5 for v in values) / len(values),
                len(values),
            )
            out[(Measure.SHARE_CORRIDORS_BELOW_3, tier, quarter, -1)] = (
                100 * sum(v < 3 for v in values) / len(values),
                len(values),
            )
        smart: dict[int, float] = {}
        service_corridors = {r.corridor for r in here if r.single}
        for corridor in service_corridors:
            cheapest = sorted(r.cost for r in here if r.corridor == corridor and r.single and r.qualifying)[
                :3
            ]
            if cheapest:
                smart[corridor] = mean(cheapest)
                out[(Measure.CORRIDOR_SMART, tier, quarter, corridor)] = (mean(cheapest), len(cheapest))
        if smart:
            out[(Measure.GLOBAL_SMART, tier, quarter, -1)] = (mean(smart.values()), len(smart))
            out[(Measure.CORRIDORS_SMART_ABOVE_5, tier, quarter, -1)] = (
                sum(v > 5 for v in smart.values()),
                len(smart),
            )
        if service_corridors:
            out[(Measure.CORRIDORS_WITHOUT_SMART, tier, quarter, -1)] = (
                len(service_corridors - smart.keys()),
                len(service_corridors),
            )
        weighted = [(flows.get((quarter, c), 0.0), v) for c, v in averages.items()]
        covered = [w for w, _ in weighted if w > 0]
        if covered:
            value = sum(w * v for w, v in weighted) / sum(w for w, _ in weighted)
            out[(Measure.GLOBAL_WEIGHTED_AVERAGE, tier, quarter, -1)] = (
                value,
                100 * len(covered) / len(averages),
            )
    return out


def flatten(result) -> dict[tuple[str, int, int, int], tuple[float, float]]:  # type: ignore[no-untyped-def]
    return {
        (measure, tier, quarter, subject): (value, observations)
        for measure, figures in result.figures.items()
        for tier, quarter, subject, value, observations in figures.rows()
    }


def assert_same(actual: dict, expected: dict) -> None:  # type: ignore[type-arg]
    assert actual.keys() == expected.keys()
    for key, (value, observations) in expected.items():
        assert actual[key][0] == pytest.approx(value, abs=1e-6), key
        assert actual[key][1] == pytest.approx(observations, abs=1e-9), key


rows_strategy = st.lists(
    st.builds(
        Row,
        tier=st.sampled_from([0, 0, 0, 1]),
        quarter=st.integers(60, 61),
        corridor=st.integers(0, 3),
        firm_type=st.integers(-1, 3),
        transparent=st.sampled_from([-1, 0, 1]),
        qualifying=st.sampled_from([True, True, True, False]),
        cost=st.floats(min_value=-15, max_value=60, allow_nan=False).map(lambda v: round(v, 4)),
        weight=st.sampled_from([1.0, 1.0, 1.0, 4.0]),
        pool_weight=st.sampled_from([1.0, 0.0, 4.0]),
        single=st.sampled_from([True, True, True, False]),
    ),
    max_size=80,
)
flows_strategy = st.dictionaries(
    st.tuples(st.integers(60, 63), st.integers(0, 3)), st.floats(min_value=0, max_value=1e4), max_size=10
)


@settings(max_examples=200, deadline=None)
@given(rows=rows_strategy, flows=flows_strategy)
def test_engine_matches_every_definition_written_out(
    rows: list[Row], flows: dict[tuple[int, int], float]
) -> None:
    flow_weights = FlowWeights(
        quarter=np.array([q for q, _ in flows], dtype=np.int64),
        corridor=np.array([c for _, c in flows], dtype=np.int64),
        flow=np.array(list(flows.values()), dtype=np.float64),
    )
    assert_same(flatten(compute(rows, flow_weights)), reference(rows, flows))


def service(corridor: int, cost: float, **changes: object) -> Row:
    values: dict[str, object] = {
        "tier": 0,
        "quarter": 65,
        "corridor": corridor,
        "firm_type": 0,
        "transparent": 1,
        "qualifying": True,
        "cost": cost,
    }
    values.update(changes)
    return Row(**values)  # type: ignore[arg-type]


def test_non_transparent_services_count_for_their_corridor_but_not_globally() -> None:
    result = compute([service(0, 4.0), service(0, 10.0, transparent=0), service(1, 6.0)])
    assert result.lookup(Measure.CORRIDOR_AVERAGE, tier=0, quarter=65, subject=0) == (7.0, 2.0)
    assert result.lookup(Measure.GLOBAL_AVERAGE, tier=0, quarter=65) == (5.0, 2.0)


def test_negative_costs_from_promotions_are_averaged_as_they_are() -> None:
    result = compute([service(0, -2.0), service(0, 4.0)])
    assert result.lookup(Measure.CORRIDOR_AVERAGE, tier=0, quarter=65, subject=0) == (1.0, 2.0)
    assert result.lookup(Measure.CORRIDOR_SMART, tier=0, quarter=65, subject=0) == (1.0, 2.0)


def test_global_average_pools_services_rather_than_averaging_corridor_averages() -> None:
    rows = [service(0, 2.0), service(0, 2.0), service(0, 2.0), service(1, 10.0)]
    result = compute(rows)
    assert result.lookup(Measure.GLOBAL_AVERAGE, tier=0, quarter=65) == (4.0, 4.0)  # not (2 + 10) / 2


def test_smart_takes_the_three_cheapest_qualifying_services() -> None:
    rows = [service(0, cost) for cost in (9.0, 1.0, 7.0, 3.0, 5.0)] + [service(0, 0.5, qualifying=False)]
    result = compute(rows)
    assert result.lookup(Measure.CORRIDOR_SMART, tier=0, quarter=65, subject=0) == (3.0, 3.0)


def test_smart_with_fewer_than_three_qualifying_services_averages_those_it_has() -> None:
    rows = [
        service(0, 2.0),
        service(0, 4.0),
        service(0, 0.1, qualifying=False),
        service(1, 8.0, qualifying=False),
    ]
    result = compute(rows)
    assert result.lookup(Measure.CORRIDOR_SMART, tier=0, quarter=65, subject=0) == (3.0, 2.0)
    assert result.lookup(Measure.CORRIDOR_SMART, tier=0, quarter=65, subject=1) is None
    assert result.lookup(Measure.CORRIDORS_WITHOUT_SMART, tier=0, quarter=65) == (1.0, 2.0)
    assert result.lookup(Measure.GLOBAL_SMART, tier=0, quarter=65) == (3.0, 1.0)


def test_share_of_corridors_below_five_percent() -> None:
    rows = [service(0, 4.9), service(1, 5.0), service(2, 12.0), service(3, 1.0)]
    result = compute(rows)
    assert result.lookup(Measure.SHARE_CORRIDORS_BELOW_5, tier=0, quarter=65) == (50.0, 4.0)
    assert result.lookup(Measure.SHARE_CORRIDORS_BELOW_3, tier=0, quarter=65) == (25.0, 4.0)


def test_weighted_average_uses_flows_and_reports_coverage() -> None:
    rows = [service(0, 2.0), service(1, 10.0), service(2, 50.0)]
    flows = FlowWeights(quarter=np.array([65, 65]), corridor=np.array([0, 1]), flow=np.array([3.0, 1.0]))
    value, coverage = compute(rows, flows).lookup(Measure.GLOBAL_WEIGHTED_AVERAGE, tier=0, quarter=65) or (
        0,
        0,
    )
    assert value == pytest.approx(4.0)  # (3 × 2 + 1 × 10) / 4; the corridor without a flow is left out
    assert coverage == pytest.approx(200 / 3)
    assert len(compute(rows)[Measure.GLOBAL_WEIGHTED_AVERAGE]) == 0


def test_corridor_means_count_by_their_number_of_services() -> None:
    imported_mean = service(0, 6.0, weight=3.0, pool_weight=3.0, single=False)
    official_only = service(1, 20.0, weight=1.0, pool_weight=0.0, single=False)
    result = compute([imported_mean, service(2, 2.0), official_only])
    assert result.lookup(Measure.CORRIDOR_AVERAGE, tier=0, quarter=65, subject=1) == (20.0, 1.0)
    assert result.lookup(Measure.GLOBAL_AVERAGE, tier=0, quarter=65) == (5.0, 4.0)  # (3 × 6 + 2) / 4
    assert result.lookup(Measure.CORRIDOR_SMART, tier=0, quarter=65, subject=0) is None


def test_nothing_in_gives_empty_tables() -> None:
    result = compute_aggregates(
        QuoteColumns.empty(), CORRIDORS, country_count=3, region_count=2, firm_type_count=4
    )
    assert all(len(result[measure]) == 0 for measure in Measure.ALL)
