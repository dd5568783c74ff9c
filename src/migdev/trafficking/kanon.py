"""k-anonymisation of harmonised records: full-domain generalisation over hierarchies, then suppression.

CTDC's Global Dataset used k = 11 with generalisation limited to age bands and years, and suppressed every
record whose combination of quasi-identifiers was shared by fewer than k records. That is the default
here (all hierarchy levels at 0). With ``search=True`` the generalisation lattice is searched bottom-up
for the least-generalised levels that keep suppression within ``max_suppression`` (as ARX's and
ANJANA's full-domain models do), preferring less suppression, then less generalisation.

Counting is vectorised: each quasi-identifier is factorised once; a lattice node is a lookup per
column, a mixed-radix key per record and one ``bincount``.
"""

import itertools
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from migdev.trafficking.ctdc import Record, majority_for_band, period_for_year, vp_region

SUPPRESSED = "*"

Generaliser = Callable[[Any], Any]


@dataclass(frozen=True)
class Hierarchy:
    """Generalisation levels of one quasi-identifier; level 0 keeps the value, the last hides it."""

    field: str
    level_names: tuple[str, ...]
    levels: tuple[Generaliser, ...]

    @property
    def height(self) -> int:
        return len(self.levels) - 1


def _keep(value: Any) -> Any:
    return value


def _hide(value: Any) -> Any:
    return SUPPRESSED


_AGE_DECADES = {
    "0--8": "0--17",
    "9--17": "0--17",
    "18--20": "18--29",
    "21--23": "18--29",
    "24--26": "18--29",
    "27--29": "18--29",
    "30--38": "30--47",
    "39--47": "30--47",
    "48+": "48+",
}


def _age_coarse(band: Any) -> Any:
    return _AGE_DECADES.get(band, band)


def _age_majority(band: Any) -> Any:
    majority = majority_for_band(band)
    return {"Minor": "0--17", "Adult": "18+"}.get(majority or "", band)


def _period(year: Any) -> Any:
    return period_for_year(int(year))


def ctdc_hierarchies(region_of: Mapping[str, str | None] | None = None) -> dict[str, Hierarchy]:
    """CTDC's generalisations: age bands, year periods, countries to UN regions, then suppression.

    ``region_of`` maps ISO alpha-3 codes to their M49 region; codes it lacks generalise to "*".
    """
    regions = dict(region_of or {})

    def region(code: Any) -> Any:
        return regions.get(code) or SUPPRESSED

    simple = ("Value", "Suppressed")
    hierarchies = {
        "age_broad": Hierarchy(
            "age_broad",
            ("Age band", "Wider age band", "Minor or adult", "Suppressed"),
            (_keep, _age_coarse, _age_majority, _hide),
        ),
        "year_of_registration": Hierarchy(
            "year_of_registration", ("Year", "Period", "Suppressed"), (_keep, _period, _hide)
        ),
        "citizenship": Hierarchy("citizenship", ("Country", "Region", "Suppressed"), (_keep, region, _hide)),
        "country_of_exploitation": Hierarchy(
            "country_of_exploitation", ("Country", "Region", "Suppressed"), (_keep, region, _hide)
        ),
        "citizenship_region": Hierarchy(
            "citizenship_region", ("Region", "Merged region", "Suppressed"), (_keep, vp_region, _hide)
        ),
        "exploitation_region": Hierarchy(
            "exploitation_region", ("Region", "Merged region", "Suppressed"), (_keep, vp_region, _hide)
        ),
    }
    for name in (
        "registration_period",
        "gender",
        "majority_status",
        "majority_status_at_exploit",
        "majority_entry",
        "data_source",
        "traffick_months",
    ):
        hierarchies[name] = Hierarchy(name, simple, (_keep, _hide))
    return hierarchies


@dataclass
class KAnonymityReport:
    k: int
    quasi_identifiers: list[str]
    levels: dict[str, str]  # quasi-identifier -> name of the level applied
    records_in: int
    records_out: int
    suppressed: int
    classes: int
    smallest_class: int
    distinct_before: dict[str, int]
    distinct_after: dict[str, int]
    max_suppression: float
    nodes_evaluated: int
    seconds: float
    generalised: list[str] = field(default_factory=list)  # quasi-identifiers above level 0

    @property
    def suppressed_share(self) -> float:
        return self.suppressed / self.records_in if self.records_in else 0.0

    def as_dict(self) -> dict[str, Any]:
        return {
            "k": self.k,
            "quasi_identifiers": self.quasi_identifiers,
            "levels": self.levels,
            "generalised": self.generalised,
            "records_in": self.records_in,
            "records_out": self.records_out,
            "suppressed": self.suppressed,
            "suppressed_share": round(self.suppressed_share, 6),
            "classes": self.classes,
            "smallest_class": self.smallest_class,
            "distinct_before": self.distinct_before,
            "distinct_after": self.distinct_after,
            "max_suppression": self.max_suppression,
            "nodes_evaluated": self.nodes_evaluated,
            "seconds": round(self.seconds, 4),
        }


class KAnonymityImpossible(ValueError):
    """No generalisation in the lattice keeps suppression within the limit."""


@dataclass
class _Column:
    codes: npt.NDArray[np.int64]  # level-0 code per record
    lookups: list[npt.NDArray[np.int64]]  # per level: level-0 code -> level code
    cardinality: list[int]
    values: list[list[Any]]  # per level: code -> value


def _factorise(values: Sequence[Any], hierarchy: Hierarchy) -> _Column:
    index: dict[Any, int] = {}
    codes = np.fromiter((index.setdefault(v, len(index)) for v in values), dtype=np.int64, count=len(values))
    uniques = list(index)
    lookups: list[npt.NDArray[np.int64]] = []
    cardinality: list[int] = []
    level_values: list[list[Any]] = []
    for generalise in hierarchy.levels:
        level_index: dict[Any, int] = {}
        mapped = [
            level_index.setdefault(None if v is None else generalise(v), len(level_index)) for v in uniques
        ]
        lookups.append(np.asarray(mapped, dtype=np.int64))
        cardinality.append(max(len(level_index), 1))
        level_values.append(list(level_index))
    return _Column(codes, lookups, cardinality, level_values)


def _class_sizes(columns: list[_Column], node: tuple[int, ...], n: int) -> npt.NDArray[np.int64]:
    """Size of each record's equivalence class at the given levels."""
    space = 1
    for column, level in zip(columns, node, strict=True):
        space *= column.cardinality[level]
    if space < 2**62:
        key = np.zeros(n, dtype=np.int64)
        for column, level in zip(columns, node, strict=True):
            key *= column.cardinality[level]
            key += column.lookups[level][column.codes]
        if space <= max(4 * n, 1 << 16):
            return np.bincount(key, minlength=space)[key]
        _, inverse, counts = np.unique(key, return_inverse=True, return_counts=True)
        return counts[inverse]
    stacked = np.stack([c.lookups[level][c.codes] for c, level in zip(columns, node, strict=True)], axis=1)
    _, inverse, counts = np.unique(stacked, axis=0, return_inverse=True, return_counts=True)
    return counts[inverse.ravel()]


def k_anonymise(
    records: Sequence[Mapping[str, Any]],
    *,
    quasi_identifiers: Sequence[str],
    k: int = 11,
    hierarchies: Mapping[str, Hierarchy] | None = None,
    levels: Mapping[str, int] | None = None,
    search: bool = False,
    max_suppression: float = 1.0,
) -> tuple[list[Record], KAnonymityReport]:
    """Generalise and suppress so every combination of quasi-identifier values occurs at least k times.

    Returns the released records (copies; suppressed records left out) and a report of what was done.
    """
    if k < 1:
        raise ValueError("k must be at least 1")
    if not 0.0 <= max_suppression <= 1.0:
        raise ValueError("max_suppression is a share between 0 and 1")
    started = time.perf_counter()
    hierarchies = hierarchies or ctdc_hierarchies()
    qis = list(quasi_identifiers)
    chosen = [hierarchies.get(qi) or Hierarchy(qi, ("Value", "Suppressed"), (_keep, _hide)) for qi in qis]
    n = len(records)
    columns = [
        _factorise([record.get(qi) for record in records], h) for qi, h in zip(qis, chosen, strict=True)
    ]

    evaluated = 0
    limit = int(max_suppression * n)

    def suppressed_at(node: tuple[int, ...]) -> int:
        nonlocal evaluated
        evaluated += 1
        if n == 0:
            return 0
        return int((_class_sizes(columns, node, n) < k).sum())

    if levels is not None or not search:
        node = tuple(
            min(max((levels or {}).get(qi, 0), 0), h.height) for qi, h in zip(qis, chosen, strict=True)
        )
        if suppressed_at(node) > limit:
            raise KAnonymityImpossible(
                f"k = {k} at these levels suppresses more than {max_suppression:.0%} of the records"
            )
    else:
        node = _search(chosen, suppressed_at, limit)

    sizes = _class_sizes(columns, node, n) if n else np.zeros(0, dtype=np.int64)
    keep = sizes >= k
    released: list[Record] = []
    generalised_values = [
        [column.values[level][code] for code in column.lookups[level]]
        for column, level in zip(columns, node, strict=True)
    ]
    for position in np.flatnonzero(keep):
        record = dict(records[int(position)])
        for qi, column, values in zip(qis, columns, generalised_values, strict=True):
            value = values[int(column.codes[position])]
            record[qi] = None if value == SUPPRESSED else value
        released.append(record)
    kept_sizes = sizes[keep]
    classes = 0
    if len(kept_sizes):
        classes = int(np.sum(1.0 / kept_sizes).round())
    report = KAnonymityReport(
        k=k,
        quasi_identifiers=qis,
        levels={qi: h.level_names[level] for qi, h, level in zip(qis, chosen, node, strict=True)},
        generalised=[qi for qi, level in zip(qis, node, strict=True) if level > 0],
        records_in=n,
        records_out=len(released),
        suppressed=n - len(released),
        classes=classes,
        smallest_class=int(kept_sizes.min()) if len(kept_sizes) else 0,
        distinct_before={qi: len({r.get(qi) for r in records}) for qi in qis},
        distinct_after={qi: len({r.get(qi) for r in released}) for qi in qis},
        max_suppression=max_suppression,
        nodes_evaluated=evaluated,
        seconds=time.perf_counter() - started,
    )
    return released, report


def _search(
    hierarchies: list[Hierarchy], suppressed_at: Callable[[tuple[int, ...]], int], limit: int
) -> tuple[int, ...]:
    """Least-generalised node within the suppression limit: minimal nodes only, least suppression first."""
    heights = [h.height for h in hierarchies]
    nodes = sorted(itertools.product(*(range(h + 1) for h in heights)), key=sum)
    minimal: list[tuple[tuple[int, ...], int]] = []
    for node in nodes:
        if any(all(a <= b for a, b in zip(found, node, strict=True)) for found, _ in minimal):
            continue  # more general than a node that already satisfies the limit
        suppressed = suppressed_at(node)
        if suppressed <= limit:
            minimal.append((node, suppressed))
    if not minimal:
        raise KAnonymityImpossible("no generalisation keeps suppression within the limit")

    def loss(item: tuple[tuple[int, ...], int]) -> tuple[int, float]:
        node, suppressed = item
        return suppressed, sum(level / height for level, height in zip(node, heights, strict=True) if height)

    return min(minimal, key=loss)[0]


def smallest_class(records: Sequence[Mapping[str, Any]], quasi_identifiers: Sequence[str]) -> int:
    """The size of the smallest equivalence class (an independent check of a release)."""
    counts: dict[tuple[Any, ...], int] = {}
    for record in records:
        key = tuple(record.get(qi) for qi in quasi_identifiers)
        counts[key] = counts.get(key, 0) + 1
    return min(counts.values()) if counts else 0
