"""k-anonymisation of harmonised records: full-domain generalisation over hierarchies, then suppression.

CTDC's Global Dataset used k = 11 with generalisation limited to age bands and years, and suppressed every
record whose combination of quasi-identifiers was shared by fewer than k records. That is the default
here (all hierarchy levels at 0). With ``search=True`` the generalisation lattice is searched for the
levels with the least information loss (discernibility metric, suppressed records costing the most) that
keep suppression within ``max_suppression`` (full-domain generalisation with local suppression, as ARX's
and ANJANA's models do). Every report measures the loss (``information_loss``).

Counting is vectorised: each quasi-identifier is factorised once; a lattice node is a lookup per
column, a mixed-radix key per record and one ``bincount``.
"""

import itertools
import operator
import time
from collections import defaultdict
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, overload

import numpy as np
import numpy.typing as npt

from migdev.trafficking.ctdc import majority_for_band, period_for_year, vp_region

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


keep = _keep  # for hierarchies that never generalise (flags, perpetrator sets)


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

    information_loss: dict[str, Any] = field(default_factory=dict)

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
            "information_loss": self.information_loss,
        }


class KAnonymityImpossible(ValueError):
    """No generalisation in the lattice keeps suppression within the limit."""


@dataclass
class _Column:
    codes: npt.NDArray[np.int64]  # level-0 code per distinct combination of the quasi-identifiers
    lookups: list[npt.NDArray[np.int64]]  # per level: level-0 code -> level code
    cardinality: list[int]
    values: list[list[Any]]  # per level: code -> value


def _read_columns(records: Sequence[Mapping[str, Any]], fields: Sequence[str]) -> list[list[Any]]:
    """The quasi-identifiers' values, a list per field, read in one pass over the records. Reading a
    large record dict is a few cache misses whichever fields are asked for, so one pass that takes every
    field at once (an itemgetter of them all, flattened into one object array and transposed) costs about
    a third less than a pass per field. Records that leave a field out read as not recorded."""
    n, width = len(records), len(fields)
    try:
        if width == 1:  # an itemgetter of one field returns the value, not a tuple
            return [list(map(operator.itemgetter(fields[0]), records))]
        if width > 1:
            flat = np.fromiter(
                itertools.chain.from_iterable(map(operator.itemgetter(*fields), records)),
                dtype=object,
                count=n * width,
            )
            columns: list[list[Any]] = flat.reshape(n, width).T.tolist()
            return columns
    except KeyError:
        return [[record.get(field) for record in records] for field in fields]
    return []


def _factorise(values: Sequence[Any], hierarchy: Hierarchy) -> _Column:
    """Codes for one quasi-identifier. The numbering dict gives a value it has not seen the next number
    (its length), so the look-up and fromiter keep the per-record loop in C (numbering each record's tuple
    of quasi-identifiers instead costs more: the tuples are built and hashed, and there are far more
    distinct tuples than values). Values in first-seen order."""
    numbering: defaultdict[Any, int] = defaultdict()
    numbering.default_factory = numbering.__len__
    codes = np.fromiter(map(numbering.__getitem__, values), dtype=np.int64, count=len(values))
    uniques = list(numbering)
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


class _Lattice:
    """Counts class sizes at any node. For a search (many nodes) it works on the distinct level-0
    combinations, weighted, rather than on every record; for one node it counts the records directly
    (finding the distinct combinations sorts every record, which costs more than the node itself).
    Each column's generalised codes are computed once per level, and the last node's counts are kept
    (the release, its report and its loss all read the same node)."""

    def __init__(self, columns: list[_Column], n: int, *, compress: bool = True) -> None:
        self.columns = columns
        self.n = n
        self._generalised: dict[tuple[int, int], npt.NDArray[np.int64]] = {}
        self._last: tuple[tuple[int, ...], npt.NDArray[np.int64], npt.NDArray[np.int64]] | None = None
        self.base_inverse: npt.NDArray[np.int64] | None  # record -> its row here; None: one row a record
        if not columns or n == 0:
            self.base_inverse = np.zeros(n, dtype=np.int64)
            self.weights = np.full(min(n, 1), n, dtype=np.int64)  # one class holding everyone
            self.base_codes: list[npt.NDArray[np.int64]] = []
            return
        if not compress:
            self.base_inverse = None
            self.weights = np.ones(n, dtype=np.int64)
            self.base_codes = [column.codes for column in columns]
            return
        stacked = _combined_key([column.codes for column in columns], [c.cardinality[0] for c in columns], n)
        _uniques, first, inverse, counts = np.unique(
            stacked, return_index=True, return_inverse=True, return_counts=True
        )
        self.base_inverse = inverse.ravel()
        self.weights = counts
        self.base_codes = [column.codes[first] for column in columns]

    def codes_at(self, position: int, level: int) -> npt.NDArray[np.int64]:
        key = (position, level)
        if key not in self._generalised:
            self._generalised[key] = self.columns[position].lookups[level][self.base_codes[position]]
        return self._generalised[key]

    def _classes(self, node: tuple[int, ...]) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
        """(each row's class number, each class's size) at ``node``."""
        if self._last is not None and self._last[0] == node:
            return self._last[1], self._last[2]
        cardinalities = [column.cardinality[level] for column, level in zip(self.columns, node, strict=True)]
        codes = [self.codes_at(position, level) for position, level in enumerate(node)]
        key = _combined_key(codes, cardinalities, len(self.weights))
        space = 1
        for cardinality in cardinalities:
            space *= cardinality
        unweighted = self.base_inverse is None
        if space <= 4 * len(key) + (1 << 16):
            # Few possible combinations (generalised nodes): count them directly, no sorting.
            totals = (
                np.bincount(key, minlength=space)
                if unweighted
                else np.bincount(key, weights=self.weights, minlength=space).astype(np.int64)
            )
        else:
            _uniques, inverse = np.unique(key, return_inverse=True)
            key = inverse.ravel()
            totals = (
                np.bincount(key) if unweighted else np.bincount(key, weights=self.weights).astype(np.int64)
            )
        self._last = (node, key, totals)
        return key, totals

    def class_sizes(self, node: tuple[int, ...]) -> npt.NDArray[np.int64]:
        """Size of each row's class at ``node`` (a row: a distinct base combination, index by
        ``base_inverse``, or a record when that is None)."""
        if not self.columns or self.n == 0:
            return np.full(len(self.weights), self.n, dtype=np.int64)
        key, totals = self._classes(node)
        return totals[key]

    def classes_of_k(self, node: tuple[int, ...], k: int) -> int:
        """How many classes at ``node`` hold k or more records."""
        if not self.columns or self.n == 0:
            return int(self.n >= k) if self.n else 0
        return int(np.count_nonzero(self._classes(node)[1] >= k))

    def suppressed(self, node: tuple[int, ...], k: int) -> int:
        sizes = self.class_sizes(node)
        return int(self.weights[sizes < k].sum())

    def loss(self, node: tuple[int, ...], k: int) -> tuple[int, int]:
        """(discernibility, suppressed) at ``node``: every released record costs the size of its class,
        every suppressed one the number of records (Bayardo and Agrawal's DM*)."""
        sizes = self.class_sizes(node)
        kept = sizes >= k
        suppressed = int(self.weights[~kept].sum())
        released = int((self.weights[kept] * sizes[kept]).sum())
        return released + suppressed * self.n, suppressed


def _combined_key(
    codes: list[npt.NDArray[np.int64]], cardinalities: list[int], length: int
) -> npt.NDArray[np.int64]:
    """One integer per row identifying its combination of codes (rows of codes when it would overflow)."""
    space = 1
    for cardinality in cardinalities:
        space *= cardinality
    if space < 2**62:
        key = np.zeros(length, dtype=np.int64)
        for column_codes, cardinality in zip(codes, cardinalities, strict=True):
            key *= cardinality
            key += column_codes
        return key
    _uniques, inverse = np.unique(np.stack(codes, axis=1), axis=0, return_inverse=True)
    return np.asarray(inverse.ravel(), dtype=np.int64)


def k_anonymise(
    records: Sequence[Mapping[str, Any]],
    *,
    quasi_identifiers: Sequence[str],
    k: int = 11,
    hierarchies: Mapping[str, Hierarchy] | None = None,
    levels: Mapping[str, int] | None = None,
    search: bool = False,
    max_suppression: float = 1.0,
) -> tuple["Release", KAnonymityReport]:
    """Generalise and suppress so every combination of quasi-identifier values occurs at least k times.

    Returns the released records (a sequence of :class:`Released` views over the input records, built as
    they are read; suppressed records left out) and a report of what was done.
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
    columns = [_factorise(values, h) for values, h in zip(_read_columns(records, qis), chosen, strict=True)]
    fixed = levels is not None or not search
    lattice = _Lattice(columns, n, compress=not fixed)
    evaluated = 0
    limit = int(max_suppression * n)

    def suppressed_at(node: tuple[int, ...]) -> int:
        nonlocal evaluated
        evaluated += 1
        return lattice.suppressed(node, k) if n else 0

    if fixed:
        node = tuple(
            min(max((levels or {}).get(qi, 0), 0), h.height) for qi, h in zip(qis, chosen, strict=True)
        )
        if suppressed_at(node) > limit:
            raise KAnonymityImpossible(
                f"k = {k} at these levels suppresses more than {max_suppression:.0%} of the records"
            )
    else:

        def loss_at(node: tuple[int, ...]) -> tuple[int, int]:
            nonlocal evaluated
            evaluated += 1
            return lattice.loss(node, k) if n else (0, 0)

        node = _search(chosen, suppressed_at, limit, loss_at)

    base_sizes = lattice.class_sizes(node) if n else np.zeros(0, dtype=np.int64)
    base_keep = base_sizes >= k
    keep = base_keep if lattice.base_inverse is None else base_keep[lattice.base_inverse]
    kept = np.flatnonzero(keep)
    # Only generalised quasi-identifiers differ from the input; they are kept as codes, and a released
    # record is built when it is read (no object per record here).
    changed: dict[str, tuple[list[Any], npt.NDArray[np.int64]]] = {}
    for qi, column, level in zip(qis, columns, node, strict=True):
        if level > 0:
            values = [None if v == SUPPRESSED else v for v in column.values[level]]
            changed[qi] = (values, column.lookups[level][column.codes[kept]])
    released = Release(records, kept, changed)
    kept_sizes = base_sizes[base_keep]
    classes = lattice.classes_of_k(node, k)
    distinct_after = {}
    for qi, column, level in zip(qis, columns, node, strict=True):
        # The input values the release keeps, then the generalised values they map to: counted, not sorted
        # (np.unique over every kept record was an eighth of a release's time).
        present = np.flatnonzero(np.bincount(column.codes[kept], minlength=len(column.values[0])))
        distinct_after[qi] = int(np.count_nonzero(np.bincount(column.lookups[level][present])))
    discernibility, _suppressed = lattice.loss(node, k) if n else (0, 0)
    generalised_qis = sum(1 for level in node if level > 0)
    report = KAnonymityReport(
        information_loss={
            # Bayardo and Agrawal (ICDE 2005) DM*: sum of squared class sizes, n per suppressed record;
            # divided by n^2 it is 1 when everything is suppressed or in one class.
            "discernibility": int(discernibility),
            "discernibility_normalised": round(discernibility / (n * n), 6) if n else 0.0,
            # LeFevre, DeWitt and Ramakrishnan (ICDE 2006) C_avg: (records / classes) / k; 1 is ideal.
            "average_class_size_normalised": round(len(released) / classes / k, 3) if classes else None,
            "records_suppressed": n - len(released),
            "cells_generalised": len(released) * generalised_qis,
            "cells_suppressed": (n - len(released)) * len(qis),
            # Share of the hierarchy climbed, averaged over the quasi-identifiers that can be generalised
            # (Sweeney's precision loss, 2002).
            "generalisation_intensity": round(
                sum(level / h.height for level, h in zip(node, chosen, strict=True) if h.height)
                / max(sum(1 for h in chosen if h.height), 1),
                3,
            ),
        },
        k=k,
        quasi_identifiers=qis,
        levels={qi: h.level_names[level] for qi, h, level in zip(qis, chosen, node, strict=True)},
        generalised=[qi for qi, level in zip(qis, node, strict=True) if level > 0],
        records_in=n,
        records_out=len(released),
        suppressed=n - len(released),
        classes=classes,
        smallest_class=int(kept_sizes.min()) if len(kept_sizes) else 0,
        distinct_before={qi: len(column.values[0]) for qi, column in zip(qis, columns, strict=True)},
        distinct_after=distinct_after,
        max_suppression=max_suppression,
        nodes_evaluated=evaluated,
        seconds=time.perf_counter() - started,
    )
    return released, report


class Release(Sequence[Mapping[str, Any]]):
    """The released records, in input order: the kept records' positions and, for each generalised
    quasi-identifier, its values and each released record's code. Each record is built when read."""

    def __init__(
        self,
        records: Sequence[Mapping[str, Any]],
        kept: npt.NDArray[np.int64],
        changed: dict[str, tuple[list[Any], npt.NDArray[np.int64]]],
    ) -> None:
        self._records = records
        self.kept = kept  # positions of the released records in the input
        self._positions = {name: position for position, name in enumerate(changed)}
        self._changed = list(changed.values())

    def __len__(self) -> int:
        return len(self.kept)

    def _values(self, rows: npt.NDArray[np.int64]) -> list[list[Any]]:
        return [[values[code] for code in codes[rows].tolist()] for values, codes in self._changed]

    @overload
    def __getitem__(self, index: int) -> Mapping[str, Any]: ...

    @overload
    def __getitem__(self, index: slice) -> list[Mapping[str, Any]]: ...

    def __getitem__(self, index: int | slice) -> Mapping[str, Any] | list[Mapping[str, Any]]:
        if isinstance(index, slice):
            return list(self._build(range(len(self))[index]))
        position = range(len(self))[index]  # negative indexes, IndexError
        return next(self._build([position]))

    def __iter__(self) -> Iterator[Mapping[str, Any]]:
        return self._build(range(len(self)))

    def _build(self, wanted: Sequence[int]) -> Iterator[Mapping[str, Any]]:
        chosen = np.asarray(wanted, dtype=np.int64)
        columns = self._values(chosen)
        overrides = zip(*columns, strict=True) if columns else itertools.repeat(())
        records, positions = self._records, self._positions
        for position, values in zip(self.kept[chosen].tolist(), overrides, strict=False):
            yield Released(records[position], positions, values)


class Released(Mapping[str, Any]):
    """A released record: the original values with the generalised quasi-identifiers laid over them,
    without copying every field of every record."""

    __slots__ = ("_base", "_positions", "_values")

    def __init__(self, base: Mapping[str, Any], positions: dict[str, int], values: tuple[Any, ...]) -> None:
        self._base = base
        self._positions = positions
        self._values = values

    @property
    def original(self) -> Mapping[str, Any]:
        """The record as it was before generalisation."""
        return self._base

    def __getitem__(self, key: str) -> Any:
        position = self._positions.get(key)
        if position is not None:
            return self._values[position]
        return self._base[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._base)

    def __len__(self) -> int:
        return len(self._base)


EXHAUSTIVE_NODES = 5000


def _search(
    hierarchies: list[Hierarchy],
    suppressed_at: Callable[[tuple[int, ...]], int],
    limit: int,
    loss_at: Callable[[tuple[int, ...]], tuple[int, int]] | None = None,
) -> tuple[int, ...]:
    """The node with the least information loss (discernibility, see :meth:`_Lattice.loss`) within the
    suppression limit. A lattice of up to EXHAUSTIVE_NODES nodes is searched exhaustively (CTDC's
    lattices have a few hundred); a larger one as OLA does: bisect on the height; a node within the limit
    tags every more general node as within it (and not minimal), a node over it tags every less general
    node as over it; the least loss among the minimal nodes wins. Ties: less suppression, then less
    generalisation."""
    heights = [h.height for h in hierarchies]
    nodes = list(itertools.product(*(range(h + 1) for h in heights)))

    def intensity(node: tuple[int, ...]) -> float:
        return sum(level / height for level, height in zip(node, heights, strict=True) if height)

    if loss_at is not None and len(nodes) <= EXHAUSTIVE_NODES:
        best: tuple[tuple[int, int, float], tuple[int, ...]] | None = None
        for node in nodes:
            discernibility, suppressed = loss_at(node)
            if suppressed > limit:
                continue
            key = (discernibility, suppressed, intensity(node))
            if best is None or key < best[0]:
                best = (key, node)
        if best is None:
            raise KAnonymityImpossible("no generalisation keeps suppression within the limit")
        return best[1]
    by_height: dict[int, list[tuple[int, ...]]] = {}
    for node in nodes:
        by_height.setdefault(sum(node), []).append(node)
    within: dict[tuple[int, ...], int | None] = {}  # node -> suppressed (None: tagged, not counted)
    over: set[tuple[int, ...]] = set()

    def tag(node: tuple[int, ...], upward: bool) -> None:
        ranges = [
            range(level, h + 1) if upward else range(level + 1)
            for level, h in zip(node, heights, strict=True)
        ]
        for other in itertools.product(*ranges):
            if other == node:
                continue
            if upward and other not in within:
                within[other] = None
            elif not upward:
                over.add(other)

    def visit(low: int, high: int) -> None:
        if low > high:
            return
        middle = (low + high) // 2
        for node in by_height.get(middle, []):
            if node in within or node in over:
                continue
            suppressed = suppressed_at(node)
            if suppressed <= limit:
                within[node] = suppressed
                tag(node, upward=True)
            else:
                over.add(node)
                tag(node, upward=False)
        visit(low, middle - 1)
        visit(middle + 1, high)

    visit(0, sum(heights))

    def is_minimal(node: tuple[int, ...]) -> bool:
        for position, level in enumerate(node):
            if level > 0:
                below = node[:position] + (level - 1,) + node[position + 1 :]
                if below in within:
                    return False
        return True

    minimal = [
        (node, suppressed)
        for node, suppressed in within.items()
        if suppressed is not None and is_minimal(node)
    ]
    if not minimal:
        raise KAnonymityImpossible("no generalisation keeps suppression within the limit")

    def loss(item: tuple[tuple[int, ...], int]) -> tuple[int, int, float]:
        node, suppressed = item
        discernibility = loss_at(node)[0] if loss_at is not None else 0
        return discernibility, suppressed, intensity(node)

    return min(minimal, key=loss)[0]


def smallest_class(records: Sequence[Mapping[str, Any]], quasi_identifiers: Sequence[str]) -> int:
    """The size of the smallest equivalence class (an independent check of a release)."""
    counts: dict[tuple[Any, ...], int] = {}
    for record in records:
        key = tuple(record.get(qi) for qi in quasi_identifiers)
        counts[key] = counts.get(key, 0) + 1
    return min(counts.values()) if counts else 0
