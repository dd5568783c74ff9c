"""Audit of a new SDG 10.7.1 edition of a scheme against the scheme's earlier editions (the ledger).

A published cell is a mean of workers' ratios. We assume the worst: whoever reads two editions also knows
how many workers each cell counts (the scheme's placements are shown elsewhere), so every published cell
tells them the *sum* of its workers' ratios. Each edition's *basis* (``Sdg1071Basis``, never published)
keeps the workers of every cell, published or withheld, by *version* (application and ratio: a worker
whose ratio changed, by a refund or a new contract, is another unknown), with each ratio.

Unknowns are the versions' ratios (x >= 0); each published cell of every edition is one equation (its
workers' ratios add up to the published sum). For each *sensitive* set of workers, the least and greatest
sum the equations allow is found with linear programming, with the LP of the counter-trafficking ledger
(``trafficking.ledger.feasible_interval``, HiGHS). Sensitive sets, each of 1 to ``SMALL_CELL - 1`` workers:
- the workers of a cell this edition withholds for being small, and of a small cell an earlier edition
  withheld;
- for each earlier edition and each cell: the workers in this edition's cell and not in the earlier one
  (added since), and the other way (gone since). Adding one worker to a published total is caught here:
  the new total minus the old one is that worker's ratio.

Protection rule: the interval [lo, hi] of a sensitive sum must be at least ``max(PROTECTION_SHARE x sum,
MIN_WIDTH)`` wide, so a reader cannot pin a withheld mean, or the ratio of a worker added since, to within
half of its value or ten percentage points of a month's income. A set fails *because of differencing* when
the rule fails with every edition together but holds with this edition alone and with the earlier ones
alone. What one edition shows by itself is governed by its complementary suppression
(``sdg1071_publish.complement``); bounds that come from non-negativity alone (a published mean of 0 % says
a whole group paid nothing) are accepted there.

Complementary suppression across editions: while a set fails, this edition's published cell holding the
fewest workers among those containing a worker of the set is withheld (then the within-edition rule runs
again); when no published cell of the edition contains one, the publication is refused. Greedy, not
optimal. Bounds are those of the LP (real numbers), which is what an attacker with these equations gets.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import numpy as np

from migdev.trafficking.ledger import constraint_matrix, feasible_interval

BASIS_VERSION = 1
PROTECTION_SHARE = 0.5
MIN_WIDTH = 0.10  # a ratio of 0.10 is ten per cent of a month's income
TOLERANCE = 1e-9


def version_id(application_id: int, ratio: Decimal) -> str:
    return f"{application_id}:{ratio.normalize()}"


def make_basis(
    cells: Mapping[str, tuple[Sequence[tuple[int, Decimal]], bool]], threshold: int
) -> dict[str, Any]:
    """``cells``: cell key -> ((application id, ratio) of each worker, published)."""
    ratios: dict[str, str] = {}
    out: dict[str, Any] = {}
    for key, (workers, published) in cells.items():
        members = []
        for application_id, ratio in workers:
            vid = version_id(application_id, ratio)
            ratios[vid] = str(ratio)
            members.append(vid)
        out[key] = {"members": sorted(members), "published": bool(published)}
    return {"version": BASIS_VERSION, "threshold": threshold, "ratios": ratios, "cells": out}


@dataclass
class Sensitive:
    kind: str  # "withheld", "earlier withheld", "added since", "gone since"
    cell: str
    members: frozenset[str]
    value: float
    earlier: str = ""  # the earlier edition it is compared with
    low: float = 0.0
    high: float = 0.0

    def describe(self) -> str:
        against = f" (edition {self.earlier})" if self.earlier else ""
        return (
            f"{self.kind}{against} {self.cell}: {len(self.members)} worker(s), sum of ratios bounded to "
            f"[{self.low:.4f}, {self.high:.4f}]"
        )


@dataclass
class LedgerAudit:
    earlier: list[str]
    checked: int = 0
    linear_programs: int = 0
    failures: list[Sensitive] = field(default_factory=list)
    withheld: list[dict[str, str]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "earlier_editions": self.earlier,
            "sensitive_sets_checked": self.checked,
            "linear_programs": self.linear_programs,
            "additionally_withheld": self.withheld,
            "rule": (
                f"every sum over 1 to threshold-1 workers (withheld cells, workers added or gone since an "
                f"earlier edition) keeps a feasible interval at least max({PROTECTION_SHARE} x sum, "
                f"{MIN_WIDTH}) wide when all editions are combined"
            ),
        }


def _required_width(value: float) -> float:
    return max(PROTECTION_SHARE * value, MIN_WIDTH)


class _System:
    """The equations published cells give about the ratios of the versions."""

    def __init__(self, bases: Sequence[Mapping[str, Any]]) -> None:
        ratios: dict[str, float] = {}
        for basis in bases:
            ratios.update({vid: float(Decimal(r)) for vid, r in basis["ratios"].items()})
        self.column = {vid: i for i, vid in enumerate(sorted(ratios))}
        self.truth = np.array([ratios[vid] for vid in sorted(ratios)], dtype=float)
        rows = [
            [self.column[vid] for vid in cell["members"]]
            for basis in bases
            for cell in basis["cells"].values()
            if cell["published"] and cell["members"]
        ]
        self.matrix = constraint_matrix(rows, len(self.column))
        self.rhs = self.matrix @ self.truth if rows else np.zeros(0)
        self.programs = 0

    def interval(self, members: Iterable[str]) -> tuple[float, float]:
        objective = np.zeros(len(self.column))
        for vid in members:
            if vid in self.column:
                objective[self.column[vid]] = 1.0
            else:  # a worker no edition published anything about: nothing bounds the sum from above
                return 0.0, float("inf")
        self.programs += 2
        return feasible_interval(objective, self.matrix, self.rhs)


def _sensitive_sets(
    candidate: Mapping[str, Any], earlier: Sequence[tuple[str, Mapping[str, Any]]], threshold: int
) -> list[Sensitive]:
    ratios: dict[str, float] = {}
    for _name, basis in [*earlier, ("", candidate)]:
        ratios.update({vid: float(Decimal(r)) for vid, r in basis["ratios"].items()})

    def make(kind: str, cell: str, members: Iterable[str], against: str = "") -> Sensitive | None:
        chosen = frozenset(members)
        if not 0 < len(chosen) < threshold:
            return None
        return Sensitive(kind, cell, chosen, sum(ratios[vid] for vid in chosen), against)

    found: dict[frozenset[str], Sensitive] = {}

    def add(item: Sensitive | None) -> None:
        if item is not None and item.members not in found:
            found[item.members] = item

    for key, cell in candidate["cells"].items():
        if not cell["published"]:
            add(make("withheld", key, cell["members"]))
    for name, basis in earlier:
        for key, cell in basis["cells"].items():
            if not cell["published"]:
                add(make("earlier withheld", key, cell["members"], name))
        for key in sorted(set(candidate["cells"]) | set(basis["cells"])):
            now = set(candidate["cells"].get(key, {}).get("members", []))
            then = set(basis["cells"].get(key, {}).get("members", []))
            add(make("added since", key, now - then, name))
            add(make("gone since", key, then - now, name))
    return list(found.values())


def audit(
    candidate: Mapping[str, Any], earlier: Sequence[tuple[str, Mapping[str, Any]]], threshold: int
) -> LedgerAudit:
    """Sets of ``candidate`` (a basis) that combining it with the ``earlier`` (edition, basis) pairs pins."""
    result = LedgerAudit(earlier=[name for name, _basis in earlier])
    if not earlier:
        return result
    together = _System([basis for _name, basis in earlier] + [candidate])
    alone = _System([candidate])
    before = _System([basis for _name, basis in earlier])
    for item in _sensitive_sets(candidate, earlier, threshold):
        result.checked += 1
        item.low, item.high = together.interval(item.members)
        width = _required_width(item.value)
        if item.high - item.low >= width - TOLERANCE:
            continue
        low, high = alone.interval(item.members)
        if high - low < width - TOLERANCE:
            continue  # this edition alone: governed by its own complementary suppression
        low, high = before.interval(item.members)
        if high - low < width - TOLERANCE:
            continue  # the earlier editions had already given it away; this one adds nothing to hide
        result.failures.append(item)
    result.linear_programs = together.programs + alone.programs + before.programs
    return result
