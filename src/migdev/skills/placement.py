"""Placing many people into openings with several places each: arrays in, placements with reasons out.

Two methods over the same input (a people × openings score matrix, an eligibility mask from the hard
requirements, and a capacity per opening):

* :func:`place_optimal` maximises the total score of the placements (an optimal assignment: every opening
  expanded into its places, then ``scipy.optimize.linear_sum_assignment`` on the dense matrix, or
  ``scipy.sparse.csgraph.min_weight_full_bipartite_matching`` on the eligible edges when eligibility is
  sparse). Each placement and each person left unplaced gets a reason.
* :func:`place_stable` runs people-proposing deferred acceptance with capacities (people rank openings,
  openings rank people by score) and says how much total score stability gives up against the optimum.

Rules, both methods:

* a pair is placeable only when it is eligible and its score is above 0;
* scores are compared after rounding to 6 decimals;
* ties — several assignments with the same total — are broken deterministically towards lower person
  indices, then lower opening indices: each placeable pair gets a bonus
  ``((n - i) / (n + 1) + (m - j) / (m + 1)) / (2 (n + 1))`` (i, j from 0), whose sum over any assignment stays
  below one rounding unit, so it only ever decides between totals that are equal after rounding.
  Indices are positions in the input; pass people and openings sorted by their ids to make the rule
  "lower id first". In deferred acceptance an opening prefers the higher score, then the lower person index.
"""

from __future__ import annotations

import heapq
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp
from scipy.optimize import linear_sum_assignment
from scipy.sparse.csgraph import min_weight_full_bipartite_matching

SCORE_SCALE = 1_000_000
# Above this many cells the expanded dense matrix is not built; the sparse matcher runs instead.
DENSE_CELLS_MAX = 40_000_000
SPARSE_DENSITY_MAX = 0.05


@dataclass(frozen=True)
class Competitor:
    person: int
    score: float


@dataclass(frozen=True)
class OpeningTaken:
    """An opening the person is eligible for and would have scored higher at (or, for an unplaced
    person, any of their eligible openings), with the people placed there."""

    opening: int
    score: float  # this person's score at that opening
    capacity: int
    placed: list[Competitor]


@dataclass(frozen=True)
class Placement:
    person: int
    opening: int
    score: float
    choice: int  # 1 = the person's best-scoring eligible opening
    reason: str  # "best_eligible_opening" | "better_openings_full"
    better_openings: list[OpeningTaken] = field(default_factory=list)


@dataclass(frozen=True)
class Unplaced:
    person: int
    reason: str  # "no_eligible_opening" | "outranked"
    eligible_openings: list[OpeningTaken] = field(default_factory=list)


@dataclass
class PlacementResult:
    method: str
    placements: list[Placement]
    unplaced: list[Unplaced]
    total_score: float
    optimum_score: float | None = None  # stable matching: the optimum of the same input
    score_given_up: float | None = None

    def assignment(self) -> dict[int, int]:
        return {p.person: p.opening for p in self.placements}


def _validate(
    scores: np.ndarray, eligible: np.ndarray | None, capacities: Sequence[int]
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    scores = np.asarray(scores, dtype=np.float64)
    if scores.ndim != 2:
        raise ValueError("scores must be a people × openings matrix")
    n, m = scores.shape
    caps = np.asarray(capacities, dtype=np.int64)
    if caps.shape != (m,):
        raise ValueError(f"expected {m} capacities, got {caps.shape[0] if caps.ndim else 'a scalar'}")
    if (caps < 0).any():
        raise ValueError("capacities must not be negative")
    if not np.isfinite(scores).all():
        raise ValueError("scores must be finite")
    mask = np.ones((n, m), dtype=bool) if eligible is None else np.asarray(eligible, dtype=bool)
    if mask.shape != (n, m):
        raise ValueError("eligible must have the shape of scores")
    quantised = np.rint(scores * SCORE_SCALE)
    placeable = mask & (quantised > 0)
    return quantised, placeable, caps


def _tie_values(quantised: np.ndarray, placeable: np.ndarray) -> np.ndarray:
    n, m = quantised.shape
    people_bonus = (n - np.arange(n)) / (n + 1)
    opening_bonus = (m - np.arange(m)) / (m + 1)
    bonus = (people_bonus[:, None] + opening_bonus[None, :]) / (2.0 * (n + 1))
    return np.where(placeable, quantised + bonus, 0.0)


def _solve_dense(values: np.ndarray, caps: np.ndarray) -> list[tuple[int, int]]:
    slots = np.repeat(np.arange(values.shape[1]), caps)
    if slots.size == 0 or values.shape[0] == 0:
        return []
    expanded = values[:, slots]
    rows, cols = linear_sum_assignment(expanded, maximize=True)
    return [(int(r), int(slots[c])) for r, c in zip(rows, cols, strict=True) if expanded[r, c] > 0]


def _solve_sparse(values: np.ndarray, placeable: np.ndarray, caps: np.ndarray) -> list[tuple[int, int]]:
    """Every person matched once: to one place of an opening, or to their own "unplaced" column."""
    n, m = values.shape
    slot_start = np.concatenate([[0], np.cumsum(caps)])
    n_slots = int(slot_start[-1])
    person, opening = np.nonzero(placeable)
    repeat = caps[opening]
    edge_person = np.repeat(person, repeat)
    edge_opening = np.repeat(opening, repeat)
    offset = np.arange(edge_person.size) - np.repeat(np.cumsum(repeat) - repeat, repeat)
    edge_slot = slot_start[edge_opening] + offset
    top = float(values.max()) + 1.0 if values.size else 1.0
    # cost = top - value > 0 for real places, top for staying unplaced: minimising the cost maximises the value.
    cost = np.concatenate([top - values[edge_person, edge_opening], np.full(n, top)])
    rows = np.concatenate([edge_person, np.arange(n)])
    cols = np.concatenate([edge_slot, n_slots + np.arange(n)])
    graph = sp.csr_matrix((cost, (rows, cols)), shape=(n, n_slots + n))
    _, matched = min_weight_full_bipartite_matching(graph)
    slot_opening = np.repeat(np.arange(m), caps)
    return [(int(i), int(slot_opening[c])) for i, c in enumerate(matched) if c < n_slots]


def _explain(
    method: str,
    pairs: list[tuple[int, int]],
    scores: np.ndarray,
    quantised: np.ndarray,
    placeable: np.ndarray,
    caps: np.ndarray,
    *,
    shown: int = 3,
) -> PlacementResult:
    n, _ = scores.shape
    by_opening: dict[int, list[Competitor]] = {}
    for person, opening in pairs:
        by_opening.setdefault(opening, []).append(Competitor(person, float(scores[person, opening])))
    for people in by_opening.values():
        people.sort(key=lambda c: (-round(c.score, 6), c.person))
    placed_at = dict(pairs)

    def ranked_openings(person: int) -> np.ndarray:
        options = np.flatnonzero(placeable[person])
        return options[np.lexsort((options, -quantised[person, options]))]

    def taken(person: int, opening: int) -> OpeningTaken:
        return OpeningTaken(
            int(opening),
            float(scores[person, opening]),
            int(caps[opening]),
            list(by_opening.get(int(opening), [])),
        )

    placements, unplaced = [], []
    for person in range(n):
        options = ranked_openings(person)
        if person in placed_at:
            opening = placed_at[person]
            choice = int(np.flatnonzero(options == opening)[0]) + 1
            better = [taken(person, o) for o in options[: choice - 1][:shown]]
            placements.append(
                Placement(
                    person,
                    opening,
                    float(scores[person, opening]),
                    choice,
                    "best_eligible_opening" if choice == 1 else "better_openings_full",
                    better,
                )
            )
        elif options.size == 0:
            unplaced.append(Unplaced(person, "no_eligible_opening"))
        else:
            unplaced.append(Unplaced(person, "outranked", [taken(person, o) for o in options[:shown]]))
    total = float(sum(scores[p, o] for p, o in pairs))
    return PlacementResult(method, placements, unplaced, total)


def place_optimal(
    scores: np.ndarray,
    capacities: Sequence[int],
    eligible: np.ndarray | None = None,
    *,
    method: str = "auto",
) -> PlacementResult:
    """Placements maximising the total score under eligibility and capacities (see module docstring).

    ``method``: "dense" (linear_sum_assignment on the expanded matrix), "sparse" (min-weight full bipartite
    matching on the eligible edges), or "auto" (sparse when under 5 % of pairs are placeable or the dense
    expanded matrix would be too large).
    """
    scores = np.asarray(scores, dtype=np.float64)
    quantised, placeable, caps = _validate(scores, eligible, capacities)
    n, m = scores.shape
    # Only people with a placeable pair and at most as many places as there are candidates matter.
    candidates = np.flatnonzero(placeable.any(axis=1))
    useful_caps = np.minimum(caps, placeable.sum(axis=0))
    values = _tie_values(quantised, placeable)
    if method == "auto":
        cells = candidates.size * int(useful_caps.sum())
        density = placeable.mean() if placeable.size else 0.0
        method = "sparse" if cells > DENSE_CELLS_MAX or density < SPARSE_DENSITY_MAX else "dense"
    if method == "dense":
        local = _solve_dense(values[candidates], useful_caps)
    elif method == "sparse":
        local = (
            _solve_sparse(values[candidates], placeable[candidates], useful_caps) if candidates.size else []
        )
    else:
        raise ValueError(f"unknown method {method!r}")
    pairs = sorted((int(candidates[i]), j) for i, j in local)
    del m
    return _explain(f"optimal-{method}", pairs, scores, quantised, placeable, caps)


def place_stable(
    scores: np.ndarray,
    capacities: Sequence[int],
    eligible: np.ndarray | None = None,
    *,
    preferences: Sequence[Sequence[int]] | None = None,
) -> PlacementResult:
    """People-proposing deferred acceptance with capacities.

    ``preferences[i]`` lists the openings person i accepts, best first (openings not placeable for them are
    skipped); without it, people rank their placeable openings by score, then lower opening index. Openings
    rank people by score, then lower person index. The result is the people-optimal stable matching; it
    also reports the optimum total of the same input and the score given up for stability.
    """
    scores = np.asarray(scores, dtype=np.float64)
    quantised, placeable, caps = _validate(scores, eligible, capacities)
    n, m = scores.shape
    lists: list[list[int]] = []
    for person in range(n):
        if preferences is None:
            options = np.flatnonzero(placeable[person])
            ranked = options[np.lexsort((options, -quantised[person, options]))]
            lists.append([int(o) for o in ranked])
        else:
            if len(preferences) != n:
                raise ValueError(f"expected preferences for {n} people, got {len(preferences)}")
            seen: set[int] = set()
            ordered = []
            for o in preferences[person]:
                o = int(o)
                if not 0 <= o < m:
                    raise ValueError(f"person {person} ranks opening {o}, which does not exist")
                if o not in seen and placeable[person, o]:
                    seen.add(o)
                    ordered.append(o)
            lists.append(ordered)
    # held[o]: min-heap of (score, -person): the worst held person is on top.
    held: list[list[tuple[float, int]]] = [[] for _ in range(m)]
    next_choice = [0] * n
    free = list(range(n - 1, -1, -1))  # pop() proposes lower indices first
    while free:
        person = free.pop()
        if next_choice[person] >= len(lists[person]):
            continue
        opening = lists[person][next_choice[person]]
        next_choice[person] += 1
        entry = (float(quantised[person, opening]), -person)
        if caps[opening] == 0:
            free.append(person)
            continue
        if len(held[opening]) < caps[opening]:
            heapq.heappush(held[opening], entry)
        elif entry > held[opening][0]:
            rejected = heapq.heapreplace(held[opening], entry)
            free.append(-rejected[1])
        else:
            free.append(person)
    pairs = sorted((-p, o) for o in range(m) for _, p in held[o])
    result = _explain("stable", pairs, scores, quantised, placeable, caps)
    optimum = place_optimal(scores, [int(c) for c in caps], placeable)
    result.optimum_score = optimum.total_score
    result.score_given_up = max(0.0, optimum.total_score - result.total_score)
    return result


def blocking_pairs(
    result: PlacementResult,
    scores: np.ndarray,
    capacities: Sequence[int],
    eligible: np.ndarray | None = None,
    preferences: Sequence[Sequence[int]] | None = None,
) -> list[tuple[int, int]]:
    """Pairs (person, opening) that would both rather be together than with what they have: none in a
    stable matching. For checks and tests."""
    quantised, placeable, caps = _validate(np.asarray(scores, dtype=np.float64), eligible, capacities)
    n, m = quantised.shape
    assignment = result.assignment()
    members: dict[int, list[int]] = {}
    for p, o in assignment.items():
        members.setdefault(o, []).append(p)
    out = []
    for person in range(n):
        if preferences is None:
            options = np.flatnonzero(placeable[person])
            ranked = [int(o) for o in options[np.lexsort((options, -quantised[person, options]))]]
        else:
            ranked = [int(o) for o in dict.fromkeys(preferences[person]) if placeable[person, int(o)]]
        current = assignment.get(person)
        for opening in ranked:
            if opening == current:
                break
            held = members.get(opening, [])
            if caps[opening] == 0:
                continue
            if len(held) < caps[opening]:
                out.append((person, opening))
                continue
            column = quantised[:, opening]
            worst = min(held, key=lambda p: (float(column[p]), -p))
            if (quantised[person, opening], -person) > (quantised[worst, opening], -worst):
                out.append((person, opening))
    return out
