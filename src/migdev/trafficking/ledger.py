"""Disclosure audit of a candidate publication against everything already published (the ledger).

Anyone can combine a candidate's tables with every earlier table and microdata release drawn on the same
non-public records, and subtract every public file. This module writes each publication down as linear
constraints over counts of non-public records, and bounds every small count of the candidate with linear
programming (HiGHS through ``scipy.optimize.linprog``), the way tau-Argus audits a suppression pattern.

* **What a publication says** (its *audit basis*, kept with the release, never published): the non-public
  records it drew on, each with its values on the audited dimensions, and the *predicates* it published a
  count for: a table cell (``gender = Female``), the sum of a table's hidden cells (the total minus the
  published cells), a total, a group cell (``is_forced_labour``), a released microdata class (the records
  whose written values are those of a row). Public records are left out: anyone can count them in the
  public file, so a published count minus the public count is exactly the non-public count of the
  predicate. The constraint's right-hand side is that count, recounted from the basis.
* **Unknowns (atoms).** Dimensions linked by what everybody knows (a country's region, a year's period, an
  age band's majority) form one *component*; the atoms of a component are the cells of the finest
  cross-classification of its dimensions (only combinations seen in some non-public record: the attacker
  is given the support, so the bounds are at most as wide as his) times the *presence pattern* of a
  record: which of the publications it was in with those values. Records added since a publication, or
  edited since, are thus distinguished from those already published.
* **What is protected** (the *sensitive* counts): in the candidate, the non-public count of every cell of
  every table, hidden or published, and for each earlier publication the count of records in the cell
  that it did not contain ("new since"), whenever that count is between 1 and ``threshold - 1``.
* **Protection rule.** The feasible interval [lo, hi] of a sensitive count must reach both 0 and the
  threshold: lo <= 0 and hi >= threshold. An attacker then cannot tell an empty cell from one at the
  threshold. It is the protection interval of Hundepool et al., *Statistical Disclosure Control* (Wiley
  2012), section 4.3, with lower protection level = the value and upper protection level = threshold -
  value (tau-Argus's "protection levels"); the audit is the LP of Fischetti and Salazar-Gonzalez
  (Management Science 46, 2000), as tau-Argus's "audit" runs it.
* **Complementary suppression.** While a sensitive count fails, the smallest published cell (fewest
  records, then smallest non-public count) of a table of the failing component is hidden; a failing
  published cell is hidden itself; when nothing is left to hide the table's total goes; when even that
  does not help the candidate is refused. Greedy, not optimal: it may hide more than needed.

Caveats (docs/trafficking.md): bounds are those of the LP relaxation (real, not integer counts), so an
integer-only pinning can in theory go unseen; integer rounding of the bounds is applied. Multi-valued
groups are audited flag by flag (a group's denominator, "at least one value", links them and is not
modelled). A microdata release constrains each component through its released classes projected onto the
component (the joint of distant components is not modelled). An edited record counts as gone with its old
values and new with its new ones.
"""

import json
import time
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from scipy.optimize import linprog
from scipy.sparse import csr_matrix

from migdev.trafficking import aggregates, ctdc
from migdev.trafficking.releases import GROUP_DIMENSIONS, ONE_WAY_DIMENSIONS

BASIS_VERSION = 1
FLAG_FIELDS: tuple[str, ...] = tuple(
    f for name in GROUP_DIMENSIONS for f in ctdc.FLAG_GROUP_BY_NAME[name].fields
)
AUDIT_DIMENSIONS: tuple[str, ...] = ONE_WAY_DIMENSIONS + FLAG_FIELDS
# What every attacker knows: a country's region, a year's period, an age band's majority.
LINKED: tuple[tuple[str, ...], ...] = (
    ("year_of_registration", "registration_period"),
    ("age_broad", "majority_status"),
    ("citizenship", "citizenship_region"),
    ("country_of_exploitation", "exploitation_region"),
)
COMPONENTS: tuple[tuple[str, ...], ...] = LINKED + tuple(
    (d,) for d in AUDIT_DIMENSIONS if not any(d in group for group in LINKED)
)
COMPONENT_OF: dict[str, tuple[str, ...]] = {d: c for c in COMPONENTS for d in c}
TOLERANCE = 1e-6


def key_of(value: Any) -> str:
    return aggregates.key_of(value)


def record_keys(record: Mapping[str, Any]) -> list[str]:
    return [key_of(record.get(d)) for d in AUDIT_DIMENSIONS]


# --- audit bases ------------------------------------------------------------------------------------------


def aggregates_basis(content: Mapping[str, Any], records: Mapping[int, Sequence[str]]) -> dict[str, Any]:
    """What a table release publishes about its non-public ``records`` (pk -> :func:`record_keys`)."""
    predicates: list[dict[str, Any]] = []
    for table in content["tables"]:
        dimension = table["dimension"]
        published = [cell for cell in table["cells"] if cell["count"] is not None]
        total = table.get("total")
        if total is not None:
            predicates.append({"table": dimension, "label": "total", "dims": [], "allowed": [[]]})
        if dimension in ctdc.FLAG_GROUP_BY_NAME:
            for cell in published:
                predicates.append(
                    {
                        "table": dimension,
                        "label": cell["value"],
                        "dims": [cell["value"]],
                        "allowed": [["true"]],
                    }
                )
            continue
        keys = [key_of(cell["value"]) for cell in published]
        for key in keys:
            predicates.append({"table": dimension, "label": key, "dims": [dimension], "allowed": [[key]]})
        # The hidden cells add up to the total minus the published cells: implied by those rows.
    return {
        "version": BASIS_VERSION,
        "kind": "aggregates",
        "threshold": int(content["threshold"]),
        "records": {str(pk): list(keys) for pk, keys in records.items()},
        "predicates": predicates,
    }


def microdata_basis(
    released: Mapping[int, Mapping[str, str]],
    records: Mapping[int, Sequence[str]],
    written: Mapping[str, Mapping[str, str]],
    threshold: int,
) -> dict[str, Any]:
    """What a microdata release publishes: ``released`` (pk of each released non-public record -> its
    written values per audited dimension), ``written`` (per audited dimension the file carries, raw key ->
    written value, from every released record, public ones included)."""
    return {
        "version": BASIS_VERSION,
        "kind": "microdata",
        "threshold": threshold,
        "records": {str(pk): list(records[pk]) for pk in released},
        "written": {d: dict(m) for d, m in written.items()},
    }


# --- the audit --------------------------------------------------------------------------------------------


@dataclass
class Sensitive:
    table: str
    label: str  # the cell's value key
    dims: tuple[str, ...]
    allowed: set[tuple[str, ...]]
    new_since: int | None  # index of the earlier publication, or None: the cell itself
    value: int
    low: int = 0
    high: int = 0

    @property
    def protected(self) -> bool:
        return self.low <= 0 and self.high >= self.threshold

    threshold: int = aggregates.DEFAULT_THRESHOLD


@dataclass
class AuditResult:
    considered: list[dict[str, Any]]
    failures: list[Sensitive]
    checked: int
    linear_programs: int
    seconds: float
    suppressed: list[dict[str, Any]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "considered": self.considered,
            "sensitive_counts_checked": self.checked,
            "linear_programs": self.linear_programs,
            "seconds": round(self.seconds, 3),
            "failures": [failure_text(f, self.considered) for f in self.failures],
            "additionally_suppressed": self.suppressed,
            "rule": "every non-public count from 1 to threshold-1 must have a feasible interval reaching 0 and the threshold",
        }


def failure_text(item: Sensitive, considered: Sequence[Mapping[str, Any]]) -> str:
    where = f"{item.table} {item.label}"
    if item.new_since is not None:
        where += f" (records new since release {considered[item.new_since]['release']})"
    return f"{where}: {item.value} non-public records, bounded to [{item.low}, {item.high}]"


def _matches(predicate: Mapping[str, Any], dims: Sequence[str], cell: Sequence[str]) -> bool:
    position = {d: i for i, d in enumerate(dims)}
    values = tuple(cell[position[d]] for d in predicate["dims"])
    if "except" in predicate:
        return list(values) not in predicate["except"]
    return list(values) in predicate["allowed"]


def _projected_predicates(basis: Mapping[str, Any], component: Sequence[str]) -> list[dict[str, Any]]:
    """The basis's predicates that bear on ``component``: tables over its dimensions and totals; for
    microdata, one predicate per written class projected onto the component."""
    index = {d: i for i, d in enumerate(AUDIT_DIMENSIONS)}
    if basis["kind"] == "aggregates":
        return [p for p in basis["predicates"] if set(p["dims"]) <= set(component)]
    written = basis["written"]
    carried = [d for d in component if d in written]
    classes: dict[tuple[str, ...], set[tuple[str, ...]]] = defaultdict(set)
    for keys in basis["records"].values():
        raw = tuple(keys[index[d]] for d in carried)
        classes[tuple(written[d].get(r, "?") for d, r in zip(carried, raw, strict=True))].add(raw)
    # A class is every raw combination written the same way (the record's own and any other that is).
    mapping = {d: written[d] for d in carried}
    predicates = []
    for klass in classes:
        predicates.append(
            {
                "table": "microdata",
                "label": json.dumps(klass),
                "dims": carried,
                "klass": klass,
                "mapping": mapping,
            }
        )
    return predicates


def _predicate_holds(predicate: Mapping[str, Any], dims: Sequence[str], cell: Sequence[str]) -> bool:
    if "klass" in predicate:
        position = {d: i for i, d in enumerate(dims)}
        mapping = predicate["mapping"]
        written = tuple(mapping[d].get(cell[position[d]], "?") for d in predicate["dims"])
        return written == predicate["klass"]
    return _matches(predicate, dims, cell)


def audit(
    candidate: Mapping[str, Any],
    earlier: Sequence[Mapping[str, Any]],
    tables: Mapping[str, Mapping[str, Any]],
    *,
    considered: list[dict[str, Any]] | None = None,
    components: Iterable[tuple[str, ...]] | None = None,
) -> AuditResult:
    """Bound every small non-public count of the ``candidate`` basis given the ``earlier`` bases.

    ``tables``: the candidate's tables by dimension (content form), to know its individual cells.
    """
    started = time.perf_counter()
    threshold = int(candidate["threshold"])
    bases = [*earlier, candidate]
    me = len(bases) - 1
    failures: list[Sensitive] = []
    checked = programs = 0
    index = {d: i for i, d in enumerate(AUDIT_DIMENSIONS)}
    for component in components or COMPONENTS:
        tables_here = [t for t in tables.values() if _table_dims(t) and set(_table_dims(t)) <= set(component)]
        if not tables_here:
            continue
        positions = [index[d] for d in component]
        # Versions: a record's values on the component, and the publications it was in with them.
        presence: dict[tuple[str, tuple[str, ...]], set[int]] = defaultdict(set)
        for number, basis in enumerate(bases):
            for pk, keys in basis["records"].items():
                presence[(pk, tuple(keys[p] for p in positions))].add(number)
        if not presence:
            continue
        versions: Counter[tuple[tuple[str, ...], frozenset[int]]] = Counter(
            (cell, frozenset(pubs)) for (_pk, cell), pubs in presence.items()
        )
        cells = _cells({cell for cell, _pubs in versions})
        patterns = sorted({pubs for _cell, pubs in versions}, key=sorted)
        variables = [(cell, pattern) for cell in cells for pattern in patterns]
        column = {v: i for i, v in enumerate(variables)}
        truth = np.array([versions.get(v, 0) for v in variables], dtype=float)
        rows: list[list[int]] = []
        for number, basis in enumerate(bases):
            for predicate in _projected_predicates(basis, component):
                members = [
                    column[(cell, pattern)]
                    for cell in cells
                    if _predicate_holds(predicate, component, cell)
                    for pattern in patterns
                    if number in pattern
                ]
                rows.append(members)
        matrix = _matrix(rows, len(variables))
        rhs = matrix @ truth if rows else np.zeros(0)
        for table in tables_here:
            dims = _table_dims(table)
            for label, allowed in _individual_cells(table, cells, component):
                for since in [None, *range(me)]:
                    objective = np.zeros(len(variables))
                    for cell in cells:
                        if tuple(cell[component.index(d)] for d in dims) not in allowed:
                            continue
                        for pattern in patterns:
                            if me in pattern and (since is None or since not in pattern):
                                objective[column[(cell, pattern)]] = 1.0
                    value = int(round(objective @ truth))
                    if not 0 < value < threshold:
                        continue
                    checked += 1
                    item = Sensitive(
                        table["dimension"], label, dims, allowed, since, value, threshold=threshold
                    )
                    item.low, item.high = _bounds(objective, matrix, rhs, threshold)
                    programs += 2
                    if not item.protected:
                        failures.append(item)
    return AuditResult(
        considered=considered or [],
        failures=failures,
        checked=checked,
        linear_programs=programs,
        seconds=time.perf_counter() - started,
    )


def _table_dims(table: Mapping[str, Any]) -> tuple[str, ...]:
    dimension = table["dimension"]
    return (dimension,) if dimension in AUDIT_DIMENSIONS else ()


def audit_tables(content: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """The candidate's tables by audited dimension; a group table becomes one yes/no table per flag (its
    cells overlap, so each flag is its own count)."""
    tables: dict[str, dict[str, Any]] = {}
    for table in content["tables"]:
        dimension = table["dimension"]
        if dimension in ctdc.FLAG_GROUP_BY_NAME:
            for flag in ctdc.FLAG_GROUP_BY_NAME[dimension].fields:
                tables[flag] = {"dimension": flag, "group": dimension}
        elif dimension in AUDIT_DIMENSIONS:
            tables[dimension] = {"dimension": dimension}
    return tables


def _individual_cells(
    table: Mapping[str, Any], cells: Sequence[tuple[str, ...]], component: Sequence[str]
) -> list[tuple[str, set[tuple[str, ...]]]]:
    if "group" in table:
        return [("true", {("true",)})]
    position = component.index(table["dimension"])
    values = sorted({cell[position] for cell in cells})
    return [(value, {(value,)}) for value in values]


def _cells(seen: set[tuple[str, ...]]) -> list[tuple[str, ...]]:
    """The finest cross-classification of a component: its linked dimensions only combine as public
    knowledge says (a country has one region), so the cells are the combinations that occur."""
    return sorted(seen)


def constraint_matrix(rows: Sequence[Sequence[int]], width: int) -> csr_matrix:
    """One row per published predicate, 1 in the columns of the unknowns it adds up (also used by the
    labour module's SDG 10.7.1 audit)."""
    data: list[float] = []
    indices: list[int] = []
    pointers = [0]
    for members in rows:
        indices.extend(members)
        data.extend([1.0] * len(members))
        pointers.append(len(indices))
    return csr_matrix((data, indices, pointers), shape=(len(rows), width))


_matrix = constraint_matrix


def feasible_interval(objective: np.ndarray, matrix: csr_matrix, rhs: np.ndarray) -> tuple[float, float]:
    """The least and greatest value of ``objective @ x`` over x >= 0 with ``matrix @ x == rhs`` (HiGHS);
    the greatest is ``inf`` when nothing bounds it. Real, not rounded: callers auditing counts round."""
    options = {"presolve": True}
    equality = {"A_eq": matrix, "b_eq": rhs} if matrix.shape[0] else {}
    low = linprog(objective, bounds=(0, None), method="highs", options=options, **equality)
    high = linprog(-objective, bounds=(0, None), method="highs", options=options, **equality)
    if low.status != 0 or high.status not in (0, 3):
        raise RuntimeError(f"the disclosure audit's linear program failed: {low.message} / {high.message}")
    return float(low.fun), (float("inf") if high.status == 3 else float(-high.fun))


def _bounds(objective: np.ndarray, matrix: csr_matrix, rhs: np.ndarray, threshold: int) -> tuple[int, int]:
    low, high = feasible_interval(objective, matrix, rhs)
    lower = int(np.ceil(low - TOLERANCE))
    upper = threshold * 10**6 if high == float("inf") else int(np.floor(high + TOLERANCE))
    return lower, upper


# --- complementary suppression ------------------------------------------------------------------------------


def _hide(table: dict[str, Any], value: Any) -> int:
    """Fold the published cell ``value`` into the table's hidden row; its count."""
    cell = next(c for c in table["cells"] if c["count"] is not None and c["value"] == value)
    table["cells"].remove(cell)
    hidden = next((c for c in table["cells"] if c["value"] == aggregates.HIDDEN_VALUE), None)
    if hidden is None:
        hidden = {
            "value": aggregates.HIDDEN_VALUE,
            "count": None,
            "share": None,
            "suppressed": "secondary",
            "hidden_cells": 0,
        }
        table["cells"].append(hidden)
    hidden["hidden_cells"] = int(hidden.get("hidden_cells", 1)) + 1
    return int(cell["count"])


def _non_public_counts(records: Mapping[int, Sequence[str]], dimension: str) -> Counter[str]:
    position = AUDIT_DIMENSIONS.index(dimension)
    return Counter(keys[position] for keys in records.values())


def _next_to_hide(table: Mapping[str, Any], records: Mapping[int, Sequence[str]]) -> dict[str, Any] | None:
    """The smallest published cell (fewest records, then fewest non-public ones) holding non-public
    records, else any published cell; None when nothing is left (a cell's value may itself be None)."""
    dimension = table["dimension"]
    non_public = _non_public_counts(records, dimension) if dimension in AUDIT_DIMENSIONS else Counter()
    published = [c for c in table["cells"] if c["count"] is not None]
    holding = [c for c in published if non_public[key_of(c["value"])] > 0] or published
    if not holding:
        return None
    return min(holding, key=lambda c: (c["count"], non_public[key_of(c["value"])], str(c["value"])))


def _protect_table(
    table: dict[str, Any],
    name: str,
    failures: Sequence[Sensitive],
    records: Mapping[int, Sequence[str]],
    reason: str,
) -> list[dict[str, Any]]:
    """Hide what the failures of one table ask for: every failing published cell at once, else the
    smallest published cell, else the total. What was hidden, with the reason."""
    published = {key_of(c["value"]): c for c in table["cells"] if c["count"] is not None}
    chosen = {f.label: published[f.label] for f in failures if f.label in published}
    if not chosen:
        nearest = _next_to_hide(table, records)
        if nearest is not None:
            chosen[key_of(nearest["value"])] = nearest
    if not chosen:
        if table.get("total") is None:
            raise aggregates.Unprotectable(reason)
        table["total"] = None
        return [{"table": name, "cell": "total", "count": None, "reason": reason}]
    hidden = [
        {"table": name, "cell": c["value"], "count": _hide(table, c["value"]), "reason": reason}
        for c in chosen.values()
    ]
    hidden_row = next(c for c in table["cells"] if c["value"] == aggregates.HIDDEN_VALUE)
    if table.get("total") is not None and table.get("additive", True) and hidden_row["hidden_cells"] == 1:
        # One hidden cell of a published total is the total minus the rest: hide a second one.
        other = _next_to_hide(table, records)
        if other is None:
            table["total"] = None
        else:
            hidden.append(
                {
                    "table": name,
                    "cell": other["value"],
                    "count": _hide(table, other["value"]),
                    "reason": reason,
                }
            )
    return hidden


def protect(
    content: dict[str, Any],
    records: Mapping[int, Sequence[str]],
    earlier: Sequence[Mapping[str, Any]],
    considered: list[dict[str, Any]],
) -> AuditResult:
    """Audit ``content`` (changed in place) and hide cells until every small non-public count is
    protected. Raises :class:`aggregates.Unprotectable` when hiding cannot protect one."""
    started = time.perf_counter()
    suppressed: list[dict[str, Any]] = []
    by_dimension = {table["dimension"]: table for table in content["tables"]}
    checked = programs = 0
    components: list[tuple[str, ...]] | None = None  # first round: all; then the failing ones
    for _round in range(10_000):
        result = audit(
            aggregates_basis(content, records), earlier, audit_tables(content), components=components
        )
        checked += result.checked
        programs += result.linear_programs
        if not result.failures:
            break
        by_table: dict[str, list[Sensitive]] = defaultdict(list)
        for failure in result.failures:
            by_table[failure.table].append(failure)
        for name, failures in by_table.items():
            group = next((g for g in GROUP_DIMENSIONS if name in ctdc.FLAG_GROUP_BY_NAME[g].fields), None)
            reason = failure_text(failures[0], considered)
            if group:
                table = by_dimension[group]
                if not any(c["count"] is not None and c["value"] == name for c in table["cells"]):
                    raise aggregates.Unprotectable(reason)
                suppressed.append(
                    {"table": group, "cell": name, "count": _hide(table, name), "reason": reason}
                )
                continue
            try:
                suppressed += _protect_table(by_dimension[name], name, failures, records, reason)
            except aggregates.Unprotectable:
                # Nothing left in this table: a linked table (the region of a country) may still give
                # the count away; hide there, or refuse when nothing is left anywhere in the component.
                linked = [d for d in COMPONENT_OF[name] if d != name and d in by_dimension]
                for other in linked:
                    table = by_dimension[other]
                    if table.get("total") is not None or any(c["count"] is not None for c in table["cells"]):
                        suppressed += _protect_table(table, other, [], records, reason)
                        break
                else:
                    raise
        # Hiding a cell only replaces constraints by their sum, and dropping a total removes one: the
        # components that passed can only stay protected, so only the failing ones are audited again.
        components = sorted({COMPONENT_OF[f.table] for f in result.failures})
    return AuditResult(
        considered=considered,
        failures=[],
        checked=checked,
        linear_programs=programs,
        seconds=time.perf_counter() - started,
        suppressed=suppressed,
    )
