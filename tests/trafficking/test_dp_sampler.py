"""migdev's sampling of synthetic records from pac-synth's released (noisy, thresholded) counts."""

import itertools
from collections import Counter

import numpy as np
import pytest

from migdev.trafficking import dpsynth

HEADER = ["a", "b", "c"]


def key(*items: tuple[str, str]) -> str:
    return dpsynth._DELIMITER.join(f"{column}:{value}" for column, value in items)


# A consistent set of released counts for 1,000 records: b is blank in half of them; (a=y, c=p) was not
# released (under the noise threshold), so no record may hold it.
RELEASED = {
    key(("a", "x")): 600,
    key(("a", "y")): 400,
    key(("b", "1")): 500,
    key(("c", "p")): 300,
    key(("c", "q")): 700,
    key(("a", "x"), ("b", "1")): 450,
    key(("a", "y"), ("b", "1")): 50,
    key(("a", "x"), ("c", "p")): 300,
    key(("a", "x"), ("c", "q")): 300,
    key(("a", "y"), ("c", "q")): 400,
    key(("b", "1"), ("c", "p")): 200,
    key(("b", "1"), ("c", "q")): 300,
    key(("a", "x"), ("b", "1"), ("c", "p")): 200,
    key(("a", "x"), ("b", "1"), ("c", "q")): 250,
    key(("a", "y"), ("b", "1"), ("c", "q")): 50,
}


def combinations_in(rows: list[list[str]]) -> Counter:
    found: Counter = Counter()
    for row in rows:
        present = [(column, value) for column, value in zip(HEADER, row, strict=True) if value]
        for length in (1, 2, 3):
            for combination in itertools.combinations(present, length):
                found[key(*combination)] += 1
    return found


def sample(reporting_length: int = 3, seed: int = 7, released: dict | None = None) -> list[list[str]]:
    counts = dpsynth.index_released_counts(HEADER, released or RELEASED, 1000, reporting_length)
    return dpsynth.sample_released_counts(counts, np.random.default_rng(seed))


def test_the_sample_has_the_released_counts_of_every_combination() -> None:
    rows = sample()
    assert len(rows) == 1000
    found = combinations_in(rows)
    for combination, count in RELEASED.items():
        assert abs(found[combination] - count) <= max(5, 0.05 * count), (
            combination,
            found[combination],
            count,
        )
    # Drawn independently, a=x and b=1 would meet about 300 times, not 450; a=x, b=1, c=p about 90.


def test_no_record_holds_a_pair_that_was_not_released() -> None:
    for seed in range(5):
        found = combinations_in(sample(seed=seed))
        assert found[key(("a", "y"), ("c", "p"))] == 0
        assert set(found) <= set(RELEASED)


def test_a_seed_fixes_the_sample_and_another_seed_changes_it() -> None:
    assert sample(seed=3) == sample(seed=3)
    assert sample(seed=3) != sample(seed=4)


def test_with_single_values_only_the_columns_are_drawn_independently() -> None:
    singles = {
        combination: count for combination, count in RELEASED.items() if dpsynth._DELIMITER not in combination
    }
    rows = sample(reporting_length=1, released=singles)
    found = combinations_in(rows)
    for combination, count in singles.items():
        assert abs(found[combination] - count) <= 5
    # Nothing forbids a pair when no pair was released: (a=y, c=p) appears, about 400 × 300 / 1000 times.
    assert 60 <= found[key(("a", "y"), ("c", "p"))] <= 180


def test_nothing_released_is_refused_with_a_reason() -> None:
    counts = dpsynth.index_released_counts(HEADER, {}, 1000, 3)
    with pytest.raises(dpsynth.SynthesisFailed, match="noise threshold"):
        dpsynth.sample_released_counts(counts, np.random.default_rng(1))


def test_synthesise_samples_with_migdev_up_to_length_three_and_with_pac_synth_beyond() -> None:
    rng = np.random.default_rng(11)
    table = [["gender", "region", "labour"]] + [
        [str(rng.choice(["f", "m"])), str(rng.choice(["r1", "r2", "r3"])), "1" if rng.random() < 0.4 else ""]
        for _ in range(3000)
    ]
    ours = dpsynth.synthesise(table, epsilon=4.0, reporting_length=3, seed=5)
    assert ours.parameters["sampling"].startswith("migdev")
    assert 2800 <= len(ours.rows) <= 3200  # the noisy number of records
    regions = Counter(row[1] for row in ours.rows)
    # The noisy counts of r1-r3 need not add up to the noisy number of records: the rest is left blank.
    assert set(regions) <= {"r1", "r2", "r3", ""} and regions[""] < 0.05 * len(ours.rows)
    longer = dpsynth.synthesise(
        [[*table[0], "x"], *([*row, "1"] for row in table[1:])], epsilon=4.0, reporting_length=4
    )
    assert longer.parameters["sampling"].startswith("pac-synth's sampler, balanced")


def test_a_column_name_with_a_colon_is_refused() -> None:
    with pytest.raises(ValueError, match="':'"):
        dpsynth.synthesise([["a:b"], ["1"], ["2"]], epsilon=4.0)


def test_two_rare_values_whose_pair_was_not_released_are_never_drawn_together() -> None:
    """Two rare values are drawn together more often than chance when their pair's count is unknown (their
    lift comes from smoothing), so only the bar on unreleased pairs keeps the pair out."""
    rare = {
        key(("a", "x")): 988,
        key(("a", "z")): 12,
        key(("c", "q")): 988,
        key(("c", "r")): 12,
        key(("a", "x"), ("c", "q")): 976,
        key(("a", "z"), ("c", "q")): 12,
        key(("a", "x"), ("c", "r")): 12,
    }
    counts = dpsynth.index_released_counts(HEADER, rare, 1000, 3)
    drawn = dpsynth._propose(counts, 50_000, np.random.default_rng(2))
    names = [*counts.values, *[""] * len(HEADER)]
    pairs = Counter((names[a], names[c]) for a, _, c in drawn.tolist())
    assert pairs[("z", "q")] > 100 and pairs[("z", "r")] == 0
