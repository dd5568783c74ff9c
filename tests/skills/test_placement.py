"""Placement: the optimum equals brute force, ties follow the documented rule, reasons are right, and
deferred acceptance is stable and says what it gives up."""

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from migdev.skills.placement import blocking_pairs, place_optimal, place_stable


def brute_force(scores: np.ndarray, caps: list[int], eligible: np.ndarray) -> float:
    n, m = scores.shape
    best = 0.0
    for choice in itertools.product(range(-1, m), repeat=n):
        used = [0] * m
        total = 0.0
        feasible = True
        for person, opening in enumerate(choice):
            if opening < 0:
                continue
            if not eligible[person, opening] or scores[person, opening] <= 0:
                feasible = False
                break
            used[opening] += 1
            total += scores[person, opening]
        if feasible and all(u <= c for u, c in zip(used, caps, strict=True)):
            best = max(best, total)
    return best


@st.composite
def problems(draw: st.DrawFn) -> tuple[np.ndarray, list[int], np.ndarray]:
    n = draw(st.integers(1, 5))
    m = draw(st.integers(1, 3))
    # Scores on a coarse grid so that ties (the hard case) are common.
    cells = draw(st.lists(st.integers(0, 4), min_size=n * m, max_size=n * m))
    scores = np.array(cells, dtype=float).reshape(n, m) / 4
    eligible = np.array(draw(st.lists(st.booleans(), min_size=n * m, max_size=n * m))).reshape(n, m)
    caps = draw(st.lists(st.integers(0, 2), min_size=m, max_size=m))
    return scores, caps, eligible


def check_feasible(result, scores, caps, eligible) -> None:  # type: ignore[no-untyped-def]
    used = np.zeros(len(caps), dtype=int)
    for p in result.placements:
        assert eligible[p.person, p.opening] and scores[p.person, p.opening] > 0
        used[p.opening] += 1
    assert (used <= np.array(caps)).all()
    people = [p.person for p in result.placements] + [u.person for u in result.unplaced]
    assert sorted(people) == list(range(scores.shape[0]))


@settings(max_examples=150, deadline=None)
@given(problems(), st.sampled_from(["dense", "sparse"]))
def test_optimum_equals_brute_force(problem, method) -> None:  # type: ignore[no-untyped-def]
    scores, caps, eligible = problem
    result = place_optimal(scores, caps, eligible, method=method)
    check_feasible(result, scores, caps, eligible)
    assert result.total_score == pytest.approx(brute_force(scores, caps, eligible), abs=1e-9)


@settings(max_examples=100, deadline=None)
@given(problems())
def test_stable_matching_has_no_blocking_pair_and_reports_the_score_given_up(problem) -> None:  # type: ignore[no-untyped-def]
    scores, caps, eligible = problem
    result = place_stable(scores, caps, eligible)
    check_feasible(result, scores, caps, eligible)
    assert blocking_pairs(result, scores, caps, eligible) == []
    optimum = brute_force(scores, caps, eligible)
    assert result.optimum_score == pytest.approx(optimum)
    assert result.score_given_up == pytest.approx(max(0.0, optimum - result.total_score))


def test_dense_and_sparse_give_the_same_placements_on_random_input() -> None:
    rng = np.random.default_rng(7)
    scores = np.round(rng.random((60, 12)), 2)
    eligible = rng.random((60, 12)) < 0.6
    caps = list(rng.integers(1, 4, size=12))
    dense = place_optimal(scores, caps, eligible, method="dense")
    sparse = place_optimal(scores, caps, eligible, method="sparse")
    assert dense.total_score == pytest.approx(sparse.total_score)
    assert dense.assignment() == sparse.assignment()


def test_same_input_same_result() -> None:
    rng = np.random.default_rng(3)
    scores = np.round(rng.random((40, 8)), 1)  # many ties
    caps = [2] * 8
    first = place_optimal(scores, caps)
    for _ in range(3):
        assert place_optimal(scores.copy(), list(caps)).assignment() == first.assignment()


def test_ties_go_to_the_lower_person_then_the_lower_opening() -> None:
    scores = np.array([[0.5, 0.5], [0.5, 0.5], [0.5, 0.5]])
    result = place_optimal(scores, [1, 0])
    assert result.assignment() == {0: 0}
    result = place_optimal(np.array([[0.7, 0.7, 0.7]]), [1, 1, 1])
    assert result.assignment() == {0: 0}
    for method in ("dense", "sparse"):
        assert place_optimal(scores, [1, 1], method=method).assignment() == {0: 0, 1: 1}
    stable = place_stable(scores, [1, 1])
    assert stable.assignment() == {0: 0, 1: 1}


def test_ineligible_pairs_are_never_placed_even_when_they_score_best() -> None:
    scores = np.array([[0.9, 0.1], [0.8, 0.2]])
    eligible = np.array([[False, True], [True, True]])
    result = place_optimal(scores, [1, 1], eligible)
    assert result.assignment() == {0: 1, 1: 0}


def test_reasons_name_the_cause_and_the_people_who_took_the_places() -> None:
    scores = np.array(
        [
            [0.9, 0.0],  # person 0: only opening 0
            [0.6, 0.0],  # person 1: only opening 0, outranked by person 0
            [0.0, 0.0],  # person 2: nothing
            [0.5, 0.4],  # person 3: opening 0 taken, placed at 1
        ]
    )
    result = place_optimal(scores, [1, 1])
    assert result.assignment() == {0: 0, 3: 1}
    unplaced = {u.person: u for u in result.unplaced}
    assert unplaced[2].reason == "no_eligible_opening"
    assert unplaced[1].reason == "outranked"
    [opening] = unplaced[1].eligible_openings
    assert opening.opening == 0 and [c.person for c in opening.placed] == [0]
    placement = {p.person: p for p in result.placements}
    assert placement[0].reason == "best_eligible_opening" and placement[0].choice == 1
    assert placement[3].reason == "better_openings_full" and placement[3].choice == 2
    assert [t.opening for t in placement[3].better_openings] == [0]
    assert [c.person for c in placement[3].better_openings[0].placed] == [0]


def test_optimum_gives_up_a_first_choice_when_the_total_is_higher() -> None:
    # Greedy would put person 0 at opening 0 (0.9) and leave person 1 with nothing (total 0.9);
    # the optimum is 0.8 + 0.7.
    scores = np.array([[0.9, 0.8], [0.7, 0.0]])
    result = place_optimal(scores, [1, 1])
    assert result.assignment() == {0: 1, 1: 0}
    assert result.total_score == pytest.approx(1.5)
    stable = place_stable(scores, [1, 1])
    assert stable.assignment() == {0: 0}
    assert stable.score_given_up == pytest.approx(0.6)


def test_people_preferences_drive_the_stable_matching() -> None:
    scores = np.array([[0.9, 0.8], [0.7, 0.6]])
    stable = place_stable(scores, [1, 1], preferences=[[1, 0], [0, 1]])
    assert stable.assignment() == {0: 1, 1: 0}
    assert blocking_pairs(stable, scores, [1, 1], preferences=[[1, 0], [0, 1]]) == []
    with pytest.raises(ValueError, match="does not exist"):
        place_stable(scores, [1, 1], preferences=[[5], [0]])


def test_bad_input_is_refused() -> None:
    with pytest.raises(ValueError, match="capacities"):
        place_optimal(np.ones((2, 2)), [1])
    with pytest.raises(ValueError, match="negative"):
        place_optimal(np.ones((2, 2)), [1, -1])
    with pytest.raises(ValueError, match="finite"):
        place_optimal(np.array([[np.nan]]), [1])
