"""Aggregate tables with small cells suppressed, for publication.

Primary suppression hides every count from 1 to ``threshold - 1`` (CTDC's k = 11 means no published
figure below 11). Secondary suppression then hides the smallest other count of any table that would
otherwise let a hidden count be recovered by subtraction from the published total. Shares of multi-valued
groups follow CTDC's denominator rule and are hidden with their counts.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

DEFAULT_THRESHOLD = 11


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
        return {
            "dimension": self.dimension,
            "total": self.total,
            "denominator": self.denominator,
            "additive": self.additive,
            "cells": [
                {"value": c.value, "count": c.count, "share": c.share, "suppressed": c.suppressed}
                for c in self.cells
            ],
        }


def suppress_one_way(
    counts: Mapping[Any, int], *, dimension: str, threshold: int = DEFAULT_THRESHOLD, show_total: bool = True
) -> Table:
    """A one-way table of a single-valued field (cells add up to the total)."""
    ordered = sorted(counts.items(), key=lambda item: (item[0] is None, str(item[0])))
    cells = [Cell(value, count) for value, count in ordered]
    total = sum(counts.values())
    for cell in cells:
        if cell.count is not None and 0 < cell.count < threshold:
            cell.count = None
            cell.suppressed = "primary"
    published_total = total if show_total and (total >= threshold or total == 0) else None
    hidden = [cell for cell in cells if cell.suppressed]
    if published_total is not None and len(hidden) == 1:
        candidates = [cell for cell in cells if not cell.suppressed and cell.count]
        if candidates:
            smallest = min(candidates, key=lambda cell: cell.count or 0)
            smallest.count = None
            smallest.suppressed = "secondary"
        else:
            published_total = None
    for cell in cells:
        if cell.count is not None and published_total:
            cell.share = round(100.0 * cell.count / published_total, 1)
    return Table(dimension, cells, published_total)


def suppress_group(
    counts: Mapping[str, int],
    *,
    dimension: str,
    denominator: int,
    persons: int,
    threshold: int = DEFAULT_THRESHOLD,
) -> Table:
    """A multi-valued group: counts overlap (a person can have several values), so nothing can be
    recovered by subtraction and only primary suppression applies; shares use CTDC's denominator."""
    cells = []
    shown_denominator = denominator if denominator >= threshold or denominator == 0 else None
    for value, count in counts.items():
        cell = Cell(value, count)
        if 0 < count < threshold or shown_denominator is None:
            cell.count = None
            cell.suppressed = "primary"
        elif shown_denominator:
            cell.share = round(100.0 * count / shown_denominator, 1)
        cells.append(cell)
    total = persons if persons >= threshold or persons == 0 else None
    return Table(dimension, cells, total, denominator=shown_denominator, additive=False)


def check_no_small_cells(tables: list[dict[str, Any]], threshold: int) -> list[str]:
    """Problems in a set of published tables (used before approval and in tests)."""
    problems = []
    for table in tables:
        for cell in table["cells"]:
            if cell["count"] is not None and 0 < cell["count"] < threshold:
                problems.append(f"{table['dimension']}={cell['value']}: {cell['count']}")
        hidden = [cell for cell in table["cells"] if cell["count"] is None]
        if table.get("additive") and table.get("total") is not None and len(hidden) == 1:
            problems.append(f"{table['dimension']}: one hidden cell can be recovered from the total")
    return problems
