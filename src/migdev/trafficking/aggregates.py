"""Aggregate tables with small cells suppressed, for publication, safe against subtraction.

Primary suppression hides every count from 1 to ``threshold - 1`` (CTDC's k = 11 means no published
figure below 11). A release may draw on public sources (a loaded CTDC file anyone can download) and
non-public ones (this system's own cases). Anyone can then subtract the public file's counts from the
published ones, and earlier publications (the ledger) from today's. So every table is protected twice:

* on its own counts (the classic rule: no small count, and the hidden cells of a table whose total is
  published never add up to a small count, which also means never a single hidden cell);
* on what anyone can *derive* about the non-public records: each published count minus the public
  count of the same cell, the published total minus the public total, the sum of the hidden cells
  (total minus published cells), and each of these minus the same figure in earlier publications.
  None of those may lie between 1 and ``threshold - 1``.

Cells that have to go are hidden (primary), then the smallest other cells (secondary, also called
complementary suppression) until nothing small can be derived. The published tables never name a hidden
value: hidden cells become one "other values (suppressed)" row, so a suppressed row cannot tell that some
person has a given citizenship or country of exploitation. Shares of multi-valued groups follow CTDC's
denominator rule and are hidden with their counts.
"""

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

DEFAULT_THRESHOLD = 11
# Nothing drawing on non-public records is published, or shown to an analyst, below this.
MINIMUM_THRESHOLD = 11
# The value of the one row that stands for every hidden cell of a published table.
HIDDEN_VALUE = "*"

# What anyone can derive about the non-public records of one published table:
# {"cells": {key: n}, "hidden": {key: n}, "total": n | None, "denominator": n | None}
Derived = dict[str, Any]


class Unprotectable(ValueError):
    """The candidate cannot be published without disclosing a small count of non-public records."""


def key_of(value: Any) -> str:
    return json.dumps(value)


@dataclass
class Cell:
    value: Any
    count: int | None  # None: suppressed
    share: float | None = None
    suppressed: str = ""  # "", "primary" or "secondary"


@dataclass
class Table:
    dimension: str
    cells: list[Cell]
    total: int | None
    denominator: int | None = None  # multi-valued groups: persons with at least one value
    additive: bool = True  # cells add up to the total (single-valued dimensions)
    notes: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        """The published form: hidden cells are folded into one row that names none of their values."""
        published = [c for c in self.cells if not c.suppressed]
        hidden = [c for c in self.cells if c.suppressed]
        cells = [{"value": c.value, "count": c.count, "share": c.share, "suppressed": ""} for c in published]
        if hidden:
            kinds = {c.suppressed for c in hidden}
            cells.append(
                {
                    "value": HIDDEN_VALUE,
                    "count": None,
                    "share": None,
                    "suppressed": "primary" if "primary" in kinds else "secondary",
                    "hidden_cells": len(hidden),
                }
            )
        return {
            "dimension": self.dimension,
            "total": self.total,
            "denominator": self.denominator,
            "additive": self.additive,
            "cells": cells,
        }


def _small(value: int | None, threshold: int) -> bool:
    return value is not None and 0 < abs(value) < threshold


def derive(
    table: Mapping[str, Any],
    public: Mapping[str, int] | None = None,
    public_total: int = 0,
    public_denominator: int = 0,
) -> Derived:
    """Counts of non-public records anyone can work out from a published table and the public counts
    of the same cells (``public`` keyed by :func:`key_of`; nothing public: all records non-public)."""
    public = public or {}
    derived: Derived = {"cells": {}, "hidden": {}, "total": None, "denominator": None}
    hidden = False
    for cell in table["cells"]:
        if cell["count"] is None:
            hidden = True
            continue
        key = key_of(cell["value"])
        derived["cells"][key] = int(cell["count"]) - int(public.get(key, 0))
    if table.get("total") is not None:
        derived["total"] = int(table["total"]) - public_total
        if hidden and table.get("additive", True):
            # Everything not published adds up to the total minus the published cells.
            rest = "rest:" + json.dumps(sorted(derived["cells"]))
            derived["hidden"][rest] = derived["total"] - sum(derived["cells"].values())
    if table.get("denominator") is not None:
        derived["denominator"] = int(table["denominator"]) - public_denominator
    return derived


def problems_of(
    derived: Derived, threshold: int, known: Iterable[Derived] = ()
) -> list[tuple[str, str, int]]:
    """(kind, key, count) of every small count that ``derived`` gives away, on its own or by
    subtraction from an earlier publication (``known``)."""
    found: list[tuple[str, str, int]] = []
    for kind in ("cells", "hidden"):
        for key, count in derived[kind].items():
            if _small(count, threshold):
                found.append((kind, key, count))
    for kind in ("total", "denominator"):
        if _small(derived[kind], threshold):
            found.append((kind, "", derived[kind]))
    for earlier in known:
        for kind in ("cells", "hidden"):
            for key, count in derived[kind].items():
                before = earlier.get(kind, {}).get(key)
                if before is not None and _small(count - before, threshold):
                    found.append((kind, key, count - before))
        for kind in ("total", "denominator"):
            before = earlier.get(kind)
            if derived[kind] is not None and before is not None and _small(derived[kind] - before, threshold):
                found.append((kind, "", derived[kind] - before))
    return found


def _shares(cells: Sequence[Cell], base: int | None) -> None:
    for cell in cells:
        cell.share = round(100.0 * cell.count / base, 1) if cell.count is not None and base else None


def _protect(
    table: Table,
    counts: Mapping[Any, int],
    *,
    threshold: int,
    public: Mapping[Any, int] | None,
    public_total: int,
    public_denominator: int,
    known: Sequence[Derived],
) -> Table:
    """Hide cells of ``table`` until neither its own counts nor the non-public counts derived from it
    (alone or against ``known``) give away a small count."""
    public_keyed = {key_of(value): count for value, count in (public or {}).items()}
    by_key = {key_of(cell.value): cell for cell in table.cells}
    total = table.total
    denominator = table.denominator

    def non_public(cell: Cell) -> int:
        return counts[cell.value] - (public or {}).get(cell.value, 0)

    def hide(cell: Cell, kind: str) -> None:
        cell.count = None
        cell.suppressed = kind

    for _round in range(len(table.cells) + 2):
        table.total, table.denominator = total, denominator
        published = table.as_dict()
        own = problems_of(derive(published), threshold)
        derived = derive(published, public_keyed, public_total, public_denominator)
        theirs = problems_of(derived, threshold, known) if public is not None else []
        if not own and not theirs:
            break
        cells_to_hide = {key for kind, key, _n in own + theirs if kind == "cells"}
        if cells_to_hide:
            for key in cells_to_hide:
                hide(by_key[key], "primary")
            continue
        if any(kind in ("total", "denominator") for kind, _key, _n in own + theirs):
            # The whole table would give a small count away: publish none of it.
            total = None if any(kind == "total" for kind, _k, _n in own + theirs) else total
            denominator = None
            for cell in table.cells:
                if not cell.suppressed:
                    hide(cell, "primary" if cell.count else "secondary")
            continue
        # A small sum of hidden cells: hide the smallest other cell, one that holds non-public
        # records if that is what the sum gives away.
        candidates = [cell for cell in table.cells if not cell.suppressed and cell.count]
        if theirs and not own:
            candidates = [cell for cell in candidates if non_public(cell) > 0] or candidates
        if not candidates:
            total = None
            continue
        hide(min(candidates, key=lambda cell: (cell.count or 0, str(cell.value))), "secondary")
    else:  # pragma: no cover - every round hides something, so this cannot run out
        raise Unprotectable(f"{table.dimension}: no suppression protects this table")
    table.total, table.denominator = total, denominator
    return table


def suppress_one_way(
    counts: Mapping[Any, int],
    *,
    dimension: str,
    threshold: int = DEFAULT_THRESHOLD,
    public: Mapping[Any, int] | None = None,
    public_total: int = 0,
    known: Sequence[Derived] = (),
) -> Table:
    """A one-way table of a single-valued field (cells add up to the total).

    ``public``: counts of the records from public sources in the same cells (None: the release draws on
    no non-public record, only the threshold rule applies); ``known``: what earlier publications of the
    same non-public sources gave away (from the ledger).
    """
    ordered = sorted(counts.items(), key=lambda item: (item[0] is None, str(item[0])))
    cells = [Cell(value, count) for value, count in ordered]
    total = sum(counts.values())
    table = Table(dimension, cells, total if total >= threshold or total == 0 else None)
    if table.total is None:
        for cell in cells:
            cell.count, cell.suppressed = None, "primary"
    table = _protect(
        table,
        counts,
        threshold=threshold,
        public=public,
        public_total=public_total,
        public_denominator=0,
        known=known,
    )
    _shares(table.cells, table.total)
    return table


def suppress_group(
    counts: Mapping[str, int],
    *,
    dimension: str,
    denominator: int,
    persons: int,
    threshold: int = DEFAULT_THRESHOLD,
    public: Mapping[str, int] | None = None,
    public_denominator: int = 0,
    public_total: int = 0,
    known: Sequence[Derived] = (),
) -> Table:
    """A multi-valued group: counts overlap (a person can have several values), so the cells do not add
    up to anything published; shares use CTDC's denominator (persons with at least one value)."""
    cells = [Cell(value, count) for value, count in counts.items()]
    shown_denominator = denominator if denominator >= threshold or denominator == 0 else None
    total = persons if persons >= threshold or persons == 0 else None
    table = Table(dimension, cells, total, denominator=shown_denominator, additive=False)
    if shown_denominator is None:
        for cell in cells:
            cell.count, cell.suppressed = None, "primary"
    table = _protect(
        table,
        counts,
        threshold=threshold,
        public=public,
        public_total=public_total,
        public_denominator=public_denominator,
        known=known,
    )
    if table.denominator is None:
        for cell in table.cells:
            if not cell.suppressed:
                cell.count, cell.suppressed = None, "secondary"
    _shares(table.cells, table.denominator)
    return table


def check_no_small_cells(tables: list[dict[str, Any]], threshold: int) -> list[str]:
    """Problems in a set of published tables on their own (used before approval and in tests)."""
    problems = []
    for table in tables:
        hidden = 0
        for cell in table["cells"]:
            if cell["count"] is not None and 0 < cell["count"] < threshold:
                problems.append(f"{table['dimension']}={cell['value']}: {cell['count']}")
            if cell["count"] is None:
                if cell["value"] != HIDDEN_VALUE:
                    problems.append(
                        f"{table['dimension']}: a suppressed cell names its value {cell['value']}"
                    )
                hidden += int(cell.get("hidden_cells", 1))
        if table.get("additive") and table.get("total") is not None and hidden == 1:
            problems.append(f"{table['dimension']}: one hidden cell can be recovered from the total")
        for kind, _key, count in problems_of(derive(table), threshold):
            if kind == "hidden":
                problems.append(f"{table['dimension']}: the hidden cells add up to {count}")
    return problems
