"""Every RPW aggregate for every quarter, computed in one pass over columns of quotes.

The input is columnar (numpy arrays, one entry per price observation) so that a database of millions of
quotes is recomputed in about a second; the function is pure, and `selectors.quote_columns` builds its input
from the database. The definitions (see docs/remittances.md for the sources):

* corridor average: simple mean of total cost over the corridor's services (all services, as the World
  Bank's DataBank corridor series, which this reproduces);
* averages from each sending and to each receiving country, by receiving region and by firm type, and the
  global average: simple means pooled over services, leaving out services known not to be transparent
  (SDG 10.c.1 metadata: "a simple average of the total cost for all transparent services");
* share of corridors whose average is below 5 % (and below 3 %);
* SmaRT per corridor: mean of the three cheapest services that meet the SmaRT criteria (fewer when fewer
  qualify; none when none do); global SmaRT: mean of the corridor SmaRTs;
* global weighted average: corridor averages weighted by bilateral remittance flows, over the corridors
  that have a flow (the coverage is reported).

A row may stand for one service (``weight`` 1) or for a corridor mean over ``weight`` services imported
without its services; rows without a service count (an official corridor average) have ``pool_weight`` 0:
they count for their corridor but not in pooled averages. SmaRT uses single services only.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.signedinteger[Any]]
BoolArray = npt.NDArray[np.bool_]

SDG_GLOBAL_TARGET_PCT = 3.0
SDG_CORRIDOR_LIMIT_PCT = 5.0
SMART_SERVICES = 3

TRANSPARENT_NO = 0
TRANSPARENT_YES = 1
TRANSPARENT_UNKNOWN = -1


class Measure:
    """Names of the figures the engine produces (stored as ``AggregateValue.measure``)."""

    CORRIDOR_AVERAGE = "corridor_average"
    CORRIDOR_SMART = "corridor_smart"
    SENDING_COUNTRY_AVERAGE = "sending_country_average"
    RECEIVING_COUNTRY_AVERAGE = "receiving_country_average"
    REGION_AVERAGE = "region_average"
    FIRM_TYPE_AVERAGE = "firm_type_average"
    GLOBAL_AVERAGE = "global_average"
    GLOBAL_WEIGHTED_AVERAGE = "global_weighted_average"
    GLOBAL_SMART = "global_smart"
    SHARE_CORRIDORS_BELOW_5 = "share_corridors_below_5"
    SHARE_CORRIDORS_BELOW_3 = "share_corridors_below_3"
    CORRIDORS_SMART_ABOVE_5 = "corridors_smart_above_5"
    CORRIDORS_WITHOUT_SMART = "corridors_without_smart"

    ALL = (
        CORRIDOR_AVERAGE,
        CORRIDOR_SMART,
        SENDING_COUNTRY_AVERAGE,
        RECEIVING_COUNTRY_AVERAGE,
        REGION_AVERAGE,
        FIRM_TYPE_AVERAGE,
        GLOBAL_AVERAGE,
        GLOBAL_WEIGHTED_AVERAGE,
        GLOBAL_SMART,
        SHARE_CORRIDORS_BELOW_5,
        SHARE_CORRIDORS_BELOW_3,
        CORRIDORS_SMART_ABOVE_5,
        CORRIDORS_WITHOUT_SMART,
    )
    # Subject kinds: what the integer subject code of each measure refers to.
    SUBJECT = {
        CORRIDOR_AVERAGE: "corridor",
        CORRIDOR_SMART: "corridor",
        SENDING_COUNTRY_AVERAGE: "country",
        RECEIVING_COUNTRY_AVERAGE: "country",
        REGION_AVERAGE: "region",
        FIRM_TYPE_AVERAGE: "firm_type",
    }


@dataclass
class QuoteColumns:
    """One entry per price observation; all arrays have the same length.

    ``tier`` and ``quarter`` are small integers (amount tier code; ``Quarter.index``); ``corridor`` indexes
    the corridor attribute arrays; ``firm_type`` is a code or -1 when unknown; ``transparent`` is 1, 0 or -1.
    """

    tier: IntArray
    quarter: IntArray
    corridor: IntArray
    firm_type: IntArray
    transparent: IntArray
    smart_qualifying: BoolArray
    cost: FloatArray
    weight: FloatArray
    pool_weight: FloatArray
    single_service: BoolArray

    def __len__(self) -> int:
        return int(self.cost.shape[0])

    @classmethod
    def empty(cls) -> QuoteColumns:
        ints = np.zeros(0, dtype=np.int64)
        floats = np.zeros(0, dtype=np.float64)
        bools = np.zeros(0, dtype=np.bool_)
        return cls(ints, ints, ints, ints, ints, bools, floats, floats, floats, bools)


@dataclass
class CorridorTable:
    """Attributes of corridor ``i`` at position ``i``: sending and receiving country codes, receiving region."""

    sending: IntArray
    receiving: IntArray
    receiving_region: IntArray  # -1 when the region is unknown

    def __len__(self) -> int:
        return int(self.sending.shape[0])


@dataclass
class FlowWeights:
    """Remittance flow (any unit) per (quarter, corridor); corridors without a flow are left out."""

    quarter: IntArray
    corridor: IntArray
    flow: FloatArray


@dataclass
class Figures:
    """One measure for many (tier, quarter, subject) cells; ``subject`` is -1 for global figures."""

    measure: str
    tier: IntArray
    quarter: IntArray
    subject: IntArray
    value: FloatArray
    observations: FloatArray

    def rows(self) -> Iterator[tuple[int, int, int, float, float]]:
        yield from zip(
            self.tier.tolist(),
            self.quarter.tolist(),
            self.subject.tolist(),
            self.value.tolist(),
            self.observations.tolist(),
            strict=True,
        )

    def __len__(self) -> int:
        return int(self.value.shape[0])


@dataclass
class AggregateSet:
    figures: dict[str, Figures] = field(default_factory=dict)

    def __getitem__(self, measure: str) -> Figures:
        return self.figures[measure]

    def lookup(
        self, measure: str, *, tier: int, quarter: int, subject: int = -1
    ) -> tuple[float, float] | None:
        """(value, observations) of one cell, or None. Linear in the measure's size: for tests and spot checks."""
        table = self.figures[measure]
        hits = np.flatnonzero((table.tier == tier) & (table.quarter == quarter) & (table.subject == subject))
        if hits.size == 0:
            return None
        position = int(hits[0])
        return float(table.value[position]), float(table.observations[position])


class _Slots:
    """Dense numbering of the (tier, quarter) pairs present, so group keys stay small."""

    def __init__(self, tier: IntArray, quarter: IntArray) -> None:
        self.first_quarter = int(quarter.min()) if quarter.size else 0
        self.quarter_span = int(quarter.max()) - self.first_quarter + 1 if quarter.size else 1
        self.tier_count = int(tier.max()) + 1 if tier.size else 1
        self.count = self.tier_count * self.quarter_span
        self.of_row = tier * self.quarter_span + (quarter - self.first_quarter)

    def tier_of(self, slot: IntArray) -> IntArray:
        return slot // self.quarter_span

    def quarter_of(self, slot: IntArray) -> IntArray:
        return slot % self.quarter_span + self.first_quarter


def _grouped_mean(
    key: IntArray, weights: FloatArray, weighted_values: FloatArray, size: int
) -> tuple[IntArray, FloatArray, FloatArray]:
    """Keys with positive weight, their weighted mean and total weight."""
    total = np.bincount(key, weights=weights, minlength=size).astype(np.float64)
    sums = np.bincount(key, weights=weighted_values, minlength=size).astype(np.float64)
    present = np.flatnonzero(total > 0)
    return present, sums[present] / total[present], total[present]


def _figures(
    measure: str,
    slots: _Slots,
    slot: IntArray,
    subject: IntArray,
    value: FloatArray,
    observations: FloatArray,
) -> Figures:
    return Figures(
        measure=measure,
        tier=slots.tier_of(slot),
        quarter=slots.quarter_of(slot),
        subject=subject,
        value=value,
        observations=observations,
    )


def _by_subject(
    measure: str,
    slots: _Slots,
    row_subject: IntArray,
    subject_count: int,
    weights: FloatArray,
    weighted_cost: FloatArray,
) -> Figures:
    known = row_subject >= 0
    subject_size = max(subject_count, 1)
    key = slots.of_row * subject_size + np.where(known, row_subject, 0)
    present, mean, total = _grouped_mean(
        key, np.where(known, weights, 0.0), np.where(known, weighted_cost, 0.0), slots.count * subject_size
    )
    return _figures(measure, slots, present // subject_size, present % subject_size, mean, total)


def _global(
    measure: str, slots: _Slots, slot: IntArray, value: FloatArray, observations: FloatArray
) -> Figures:
    return _figures(measure, slots, slot, np.full(slot.shape, -1, dtype=np.int64), value, observations)


def _three_cheapest(key: IntArray, cost: FloatArray) -> tuple[IntArray, FloatArray, FloatArray]:
    """Per key: mean of the (up to) three lowest costs, and how many were averaged."""
    if key.size == 0:
        empty = np.zeros(0, dtype=np.int64)
        return empty, np.zeros(0), np.zeros(0)
    low, high = float(cost.min()), float(cost.max())
    span = 1 << int(np.ceil(np.log2(high - low + 2)))
    if (int(key.max()) + 1) * float(span) < 2.0**32:
        # One argsort of a packed float (key, cost) is several times faster than a two-key lexsort. Below
        # 2**32 the packing orders costs to within 1e-6 points; the costs themselves are taken from the
        # input, unchanged, so a SmaRT of exactly 5.0 stays 5.0 against the 5 % limit.
        order = np.argsort(key * float(span) + (cost - low))
        sorted_key, sorted_cost = key[order], cost[order]
    else:
        order = np.lexsort((cost, key))
        sorted_key, sorted_cost = key[order], cost[order]
    starts = np.flatnonzero(np.r_[True, sorted_key[1:] != sorted_key[:-1]])
    group_index = np.cumsum(np.r_[False, sorted_key[1:] != sorted_key[:-1]])
    position = np.arange(sorted_key.size) - starts[group_index]
    keep = position < SMART_SERVICES
    counts = np.bincount(group_index[keep], minlength=starts.size).astype(np.float64)
    sums = np.bincount(group_index[keep], weights=sorted_cost[keep], minlength=starts.size)
    return sorted_key[starts], sums / counts, counts


def compute_aggregates(
    quotes: QuoteColumns,
    corridors: CorridorTable,
    *,
    country_count: int,
    region_count: int,
    firm_type_count: int,
    flows: FlowWeights | None = None,
) -> AggregateSet:
    """All measures of :class:`Measure` for every (tier, quarter) present in ``quotes``."""
    result = AggregateSet()
    if len(quotes) == 0:
        empty = np.zeros(0, dtype=np.int64)
        for measure in Measure.ALL:
            result.figures[measure] = Figures(measure, empty, empty, empty, np.zeros(0), np.zeros(0))
        return result

    slots = _Slots(quotes.tier, quotes.quarter)
    corridor_count = max(len(corridors), 1)
    cost = quotes.cost

    # Corridor averages over all the corridor's services.
    corridor_key = slots.of_row * corridor_count + quotes.corridor
    present, corridor_mean, corridor_weight = _grouped_mean(
        corridor_key, quotes.weight, quotes.weight * cost, slots.count * corridor_count
    )
    corridor_slot = present // corridor_count
    corridor_subject = present % corridor_count
    result.figures[Measure.CORRIDOR_AVERAGE] = _figures(
        Measure.CORRIDOR_AVERAGE, slots, corridor_slot, corridor_subject, corridor_mean, corridor_weight
    )

    # Pooled averages over services not known to be non-transparent.
    pooled = np.where(quotes.transparent != TRANSPARENT_NO, quotes.pool_weight, 0.0)
    pooled_cost = pooled * cost
    result.figures[Measure.SENDING_COUNTRY_AVERAGE] = _by_subject(
        Measure.SENDING_COUNTRY_AVERAGE,
        slots,
        corridors.sending[quotes.corridor],
        country_count,
        pooled,
        pooled_cost,
    )
    result.figures[Measure.RECEIVING_COUNTRY_AVERAGE] = _by_subject(
        Measure.RECEIVING_COUNTRY_AVERAGE,
        slots,
        corridors.receiving[quotes.corridor],
        country_count,
        pooled,
        pooled_cost,
    )
    result.figures[Measure.REGION_AVERAGE] = _by_subject(
        Measure.REGION_AVERAGE,
        slots,
        corridors.receiving_region[quotes.corridor],
        region_count,
        pooled,
        pooled_cost,
    )
    result.figures[Measure.FIRM_TYPE_AVERAGE] = _by_subject(
        Measure.FIRM_TYPE_AVERAGE, slots, quotes.firm_type, firm_type_count, pooled, pooled_cost
    )
    global_slot, global_mean, global_weight = _grouped_mean(slots.of_row, pooled, pooled_cost, slots.count)
    result.figures[Measure.GLOBAL_AVERAGE] = _global(
        Measure.GLOBAL_AVERAGE, slots, global_slot, global_mean, global_weight
    )

    # Shares of corridors below 5 % and 3 %, among corridors with an average.
    corridors_per_slot = np.bincount(corridor_slot, minlength=slots.count).astype(np.float64)
    with_corridors = np.flatnonzero(corridors_per_slot > 0)
    for measure, limit in (
        (Measure.SHARE_CORRIDORS_BELOW_5, SDG_CORRIDOR_LIMIT_PCT),
        (Measure.SHARE_CORRIDORS_BELOW_3, SDG_GLOBAL_TARGET_PCT),
    ):
        below = np.bincount(corridor_slot[corridor_mean < limit], minlength=slots.count).astype(np.float64)
        share = below[with_corridors] / corridors_per_slot[with_corridors] * 100.0
        result.figures[measure] = _global(
            measure, slots, with_corridors, share, corridors_per_slot[with_corridors]
        )

    # SmaRT: the three cheapest qualifying single services of each corridor.
    eligible = quotes.single_service & quotes.smart_qualifying
    smart_key, smart_value, smart_count = _three_cheapest(corridor_key[eligible], cost[eligible])
    smart_slot = smart_key // corridor_count
    result.figures[Measure.CORRIDOR_SMART] = _figures(
        Measure.CORRIDOR_SMART, slots, smart_slot, smart_key % corridor_count, smart_value, smart_count
    )
    smart_corridors = np.bincount(smart_slot, minlength=slots.count).astype(np.float64)
    smart_sums = np.bincount(smart_slot, weights=smart_value, minlength=slots.count)
    with_smart = np.flatnonzero(smart_corridors > 0)
    result.figures[Measure.GLOBAL_SMART] = _global(
        Measure.GLOBAL_SMART,
        slots,
        with_smart,
        smart_sums[with_smart] / smart_corridors[with_smart],
        smart_corridors[with_smart],
    )
    above = np.bincount(smart_slot[smart_value > SDG_CORRIDOR_LIMIT_PCT], minlength=slots.count).astype(
        np.float64
    )
    result.figures[Measure.CORRIDORS_SMART_ABOVE_5] = _global(
        Measure.CORRIDORS_SMART_ABOVE_5, slots, with_smart, above[with_smart], smart_corridors[with_smart]
    )
    # Corridors that have services of their own (not only an imported mean) but no qualifying one.
    has_services = np.zeros(slots.count * corridor_count, dtype=np.bool_)
    has_services[corridor_key[quotes.single_service]] = True
    has_smart = np.zeros(slots.count * corridor_count, dtype=np.bool_)
    has_smart[smart_key] = True
    lacking = np.flatnonzero(has_services & ~has_smart)
    service_corridors = np.bincount(
        np.flatnonzero(has_services) // corridor_count, minlength=slots.count
    ).astype(np.float64)
    lacking_per_slot = np.bincount(lacking // corridor_count, minlength=slots.count).astype(np.float64)
    with_services = np.flatnonzero(service_corridors > 0)
    result.figures[Measure.CORRIDORS_WITHOUT_SMART] = _global(
        Measure.CORRIDORS_WITHOUT_SMART,
        slots,
        with_services,
        lacking_per_slot[with_services],
        service_corridors[with_services],
    )

    result.figures[Measure.GLOBAL_WEIGHTED_AVERAGE] = _weighted(
        slots, corridor_count, corridor_slot, corridor_subject, corridor_mean, flows
    )
    return result


def _weighted(
    slots: _Slots,
    corridor_count: int,
    corridor_slot: IntArray,
    corridor_subject: IntArray,
    corridor_mean: FloatArray,
    flows: FlowWeights | None,
) -> Figures:
    """Corridor averages weighted by flows; ``observations`` is the share (%) of corridors with a flow."""
    empty = np.zeros(0, dtype=np.int64)
    if flows is None or flows.flow.size == 0:
        return Figures(Measure.GLOBAL_WEIGHTED_AVERAGE, empty, empty, empty, np.zeros(0), np.zeros(0))
    inside = (flows.quarter >= slots.first_quarter) & (
        flows.quarter < slots.first_quarter + slots.quarter_span
    )
    flow_grid = np.zeros(slots.quarter_span * corridor_count)
    flow_grid[(flows.quarter[inside] - slots.first_quarter) * corridor_count + flows.corridor[inside]] = (
        np.maximum(flows.flow[inside], 0.0)
    )
    corridor_flow = flow_grid[(corridor_slot % slots.quarter_span) * corridor_count + corridor_subject]
    weighted_sum = np.bincount(corridor_slot, weights=corridor_flow * corridor_mean, minlength=slots.count)
    flow_sum = np.bincount(corridor_slot, weights=corridor_flow, minlength=slots.count)
    covered = np.bincount(corridor_slot[corridor_flow > 0], minlength=slots.count).astype(np.float64)
    total = np.bincount(corridor_slot, minlength=slots.count).astype(np.float64)
    present = np.flatnonzero(flow_sum > 0)
    return _global(
        Measure.GLOBAL_WEIGHTED_AVERAGE,
        slots,
        present,
        weighted_sum[present] / flow_sum[present],
        covered[present] / total[present] * 100.0,
    )
