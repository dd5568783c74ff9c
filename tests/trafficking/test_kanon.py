import itertools
import random
from collections import Counter

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from migdev.trafficking.ctdc import AGE_BANDS
from migdev.trafficking.kanon import KAnonymityImpossible, ctdc_hierarchies, k_anonymise, smallest_class

QIS = ["gender", "age_broad", "citizenship", "year_of_registration"]
REGIONS = {"NGA": "Africa", "GHA": "Africa", "FRA": "Europe", "ITA": "Europe", "IND": "Asia"}

record_strategy = st.fixed_dictionaries(
    {
        "gender": st.sampled_from(["Female", "Male", None]),
        "age_broad": st.sampled_from([*AGE_BANDS, None]),
        "citizenship": st.sampled_from([*REGIONS, None]),
        "year_of_registration": st.sampled_from([2012, 2015, 2019, 2021, None]),
        "is_forced_labour": st.sampled_from([True, None]),
    }
)


combination_strategy = record_strategy.map(lambda record: {k: v for k, v in record.items() if k in QIS})


@st.composite
def classes_strategy(draw: st.DrawFn, k: int, small_share: float | None = None) -> list[dict]:
    """Records built class by class: at least one class of k or more (so something is released and the
    assertions run), classes of exactly k now and then, and small classes (a bounded share of the records
    when ``small_share`` is given, so a search within that suppression limit always succeeds)."""
    combinations = draw(st.lists(combination_strategy, min_size=1, max_size=12, unique_by=lambda c: str(c)))
    sizes = [draw(st.integers(min_value=k, max_value=k + 20))]
    sizes += [draw(st.sampled_from([1, k - 1 or 1, k, k + 1, 2 * k])) for _ in combinations[1:]]
    if small_share is not None:
        big = sum(size for size in sizes if size >= k)
        budget = int(small_share * big)  # small records kept under small_share of the whole
        kept_small = []
        for size in (size for size in sizes if size < k):
            if sum(kept_small) + size <= budget * (1 - small_share):
                kept_small.append(size)
        sizes = [size for size in sizes if size >= k] + kept_small
        combinations = combinations[: len(sizes)]
    records = []
    for combination, size in zip(combinations, sizes, strict=False):
        labour = draw(st.sampled_from([True, None]))
        records += [{**combination, "is_forced_labour": labour} for _ in range(size)]
    return draw(st.permutations(records))


@settings(max_examples=60, deadline=None)
@given(st.integers(min_value=1, max_value=15).flatmap(lambda k: st.tuples(classes_strategy(k), st.just(k))))
def test_release_is_k_anonymous_and_suppresses_exactly_the_small_classes(
    case: tuple[list[dict], int],
) -> None:
    records, k = case
    released, report = k_anonymise(records, quasi_identifiers=QIS, k=k)
    classes = Counter(tuple(r[q] for q in QIS) for r in records)
    expected_kept = sum(n for n in classes.values() if n >= k)
    assert report.records_out == len(released) == expected_kept > 0
    assert report.suppressed == len(records) - expected_kept
    assert smallest_class(released, QIS) >= k
    assert report.smallest_class == min(n for n in classes.values() if n >= k)
    # non-quasi-identifiers pass through untouched
    assert Counter(r["is_forced_labour"] for r in released) <= Counter(r["is_forced_labour"] for r in records)


@settings(max_examples=40, deadline=None)
@given(
    st.integers(min_value=2, max_value=11).flatmap(
        lambda k: st.tuples(classes_strategy(k, small_share=0.2), st.just(k))
    )
)
def test_search_respects_the_suppression_limit_and_stays_k_anonymous(case: tuple[list[dict], int]) -> None:
    records, k = case
    hierarchies = ctdc_hierarchies(REGIONS)
    # The data leave at most 20 % in small classes, so level 0 is within the limit: the search cannot fail.
    released, report = k_anonymise(
        records, quasi_identifiers=QIS, k=k, hierarchies=hierarchies, search=True, max_suppression=0.2
    )
    assert report.suppressed <= int(0.2 * len(records))
    assert released and smallest_class(released, QIS) >= k


def test_generalisation_uses_ctdc_hierarchies() -> None:
    rng = random.Random(7)
    records = [
        {
            "gender": rng.choice(["Female", "Male"]),
            "age_broad": rng.choice(AGE_BANDS),
            "citizenship": rng.choice(list(REGIONS)),
            "year_of_registration": rng.choice(range(2005, 2023)),
        }
        for _ in range(2000)
    ]
    _plain, plain_report = k_anonymise(records, quasi_identifiers=QIS, k=11)
    released, report = k_anonymise(
        records,
        quasi_identifiers=QIS,
        k=11,
        hierarchies=ctdc_hierarchies(REGIONS),
        search=True,
        max_suppression=0.05,
    )
    assert report.suppressed <= 100 < plain_report.suppressed
    assert report.generalised  # something had to give
    assert smallest_class(released, QIS) >= 11
    values = {qi: {r[qi] for r in released} for qi in QIS}
    if "citizenship" in report.generalised:
        assert values["citizenship"] <= {"Africa", "Europe", "Asia", None}
    if "year_of_registration" in report.generalised:
        assert all(v is None or not isinstance(v, int) for v in values["year_of_registration"])
    assert report.as_dict()["levels"].keys() == set(QIS)


def test_fixed_levels_that_suppress_too_much_are_refused() -> None:
    records = [{"gender": "Female", "age_broad": band} for band in AGE_BANDS]
    with pytest.raises(KAnonymityImpossible):
        k_anonymise(records, quasi_identifiers=["gender", "age_broad"], k=3, max_suppression=0.5)
    released, report = k_anonymise(
        records, quasi_identifiers=["gender", "age_broad"], k=3, levels={"age_broad": 2}, max_suppression=0.5
    )
    # the two minor bands make a class of 2 (suppressed); the seven adult bands one of 7
    assert [r["age_broad"] for r in released] == ["18+"] * 7
    assert report.suppressed == 2
    assert report.levels["age_broad"] == "Minor or adult"


def test_k_must_be_positive() -> None:
    with pytest.raises(ValueError, match="k must"):
        k_anonymise([], quasi_identifiers=["gender"], k=0)


def _information_loss(released: list, n: int, qis: list[str]) -> int:
    """Discernibility computed on the released records themselves: class size per released record, n per
    suppressed one."""
    sizes = Counter(tuple(r[qi] for qi in qis) for r in released)
    return sum(size * size for size in sizes.values()) + (n - len(released)) * n


def test_search_picks_the_node_with_the_least_information_loss() -> None:
    rng = random.Random(11)
    # Most people in a few common combinations, 60 scattered: suppressing those few loses less than
    # generalising everyone until they fit (which is what "least suppression first" chose).
    records = [
        {
            "gender": rng.choice(["Female", "Male"]),
            "age_broad": rng.choice(AGE_BANDS[2:5]),
            "citizenship": rng.choice(["NGA", "ITA"]),
            "year_of_registration": rng.choice([2016, 2018, 2021]),
        }
        for _ in range(2940)
    ] + [
        {
            "gender": rng.choice(["Female", "Male"]),
            "age_broad": rng.choice(AGE_BANDS),
            "citizenship": rng.choice(list(REGIONS)),
            "year_of_registration": rng.choice(range(2005, 2023)),
        }
        for _ in range(60)
    ]
    hierarchies = ctdc_hierarchies(REGIONS)
    released, report = k_anonymise(
        records, quasi_identifiers=QIS, k=11, hierarchies=hierarchies, search=True, max_suppression=0.05
    )
    loss = report.information_loss
    assert loss["discernibility"] == _information_loss(released, len(records), QIS)
    assert 0 < loss["records_suppressed"] == report.suppressed <= 150
    # Every node of the lattice, brute force: none within the limit loses less.
    heights = {qi: hierarchies[qi].height for qi in QIS}
    best = None
    for node in itertools.product(*(range(heights[qi] + 1) for qi in QIS)):
        try:
            other, other_report = k_anonymise(
                records,
                quasi_identifiers=QIS,
                k=11,
                hierarchies=hierarchies,
                levels=dict(zip(QIS, node, strict=True)),
                max_suppression=0.05,
            )
        except KAnonymityImpossible:
            continue
        value = _information_loss(other, len(records), QIS)
        best = value if best is None else min(best, value)
    assert loss["discernibility"] == best
    # Suppressing the year in every row keeps more records but discerns far less: not chosen here.
    assert report.levels["year_of_registration"] != "Suppressed"
    assert 0 < loss["discernibility_normalised"] < 1 and loss["average_class_size_normalised"] >= 1


@pytest.mark.parametrize("seed", range(6))
def test_release_at_given_levels_matches_a_python_oracle(seed: int) -> None:
    """At any levels, the released records are exactly those whose generalised combination (computed
    record by record in plain Python) is shared by k or more, in input order, with the generalised values;
    the report's classes, smallest class and discernibility agree. Both counting paths: one node on the
    records, and a search over the distinct combinations landing on a node."""
    rng = random.Random(seed)
    hierarchies = ctdc_hierarchies(REGIONS)
    records = [
        {
            "gender": rng.choice(["Female", "Male", None]),
            "age_broad": rng.choice([*AGE_BANDS, None]),
            "citizenship": rng.choice([*REGIONS, None]),
            "year_of_registration": rng.choice([*range(2005, 2023), None]),
            "note": index,
        }
        for index in range(rng.randint(300, 1500))
    ]
    levels = {qi: rng.randint(0, hierarchies[qi].height) for qi in QIS}
    k = rng.randint(2, 12)

    def generalised(record: dict) -> tuple:
        # A hidden value ("*") and a value never recorded (None) are told apart, as ANJANA does; both
        # are published blank.
        return tuple(
            None if record[qi] is None else hierarchies[qi].levels[levels[qi]](record[qi]) for qi in QIS
        )

    classes = Counter(generalised(record) for record in records)
    expected = [
        (record["note"], tuple(None if value == "*" else value for value in generalised(record)))
        for record in records
        if classes[generalised(record)] >= k
    ]
    released, report = k_anonymise(
        records, quasi_identifiers=QIS, k=k, hierarchies=hierarchies, levels=levels
    )
    assert [(r["note"], tuple(r[qi] for qi in QIS)) for r in released] == expected
    assert [r["note"] for r in released[1:3]] == [note for note, _ in expected[1:3]]
    assert report.classes == sum(1 for size in classes.values() if size >= k)
    assert report.smallest_class == min((size for size in classes.values() if size >= k), default=0)
    kept_classes = [generalised(record) for record in records if classes[generalised(record)] >= k]
    assert report.distinct_after == {qi: len({c[i] for c in kept_classes}) for i, qi in enumerate(QIS)}
    # The search counts on the distinct combinations: where it lands, it releases what one node does.
    searched, searched_report = k_anonymise(
        records, quasi_identifiers=QIS, k=k, hierarchies=hierarchies, search=True, max_suppression=1.0
    )
    at = {qi: hierarchies[qi].level_names.index(searched_report.levels[qi]) for qi in QIS}
    fixed, fixed_report = k_anonymise(records, quasi_identifiers=QIS, k=k, hierarchies=hierarchies, levels=at)
    assert [dict(r) for r in searched] == [dict(r) for r in fixed]
    assert searched_report.information_loss == fixed_report.information_loss
    suppressed = len(records) - len(expected)
    assert report.information_loss["discernibility"] == sum(
        size * size for size in classes.values() if size >= k
    ) + suppressed * len(records)


@pytest.mark.parametrize("quasi_identifiers", [["citizenship"], QIS])
def test_a_record_that_leaves_a_quasi_identifier_out_reads_as_not_recorded(
    quasi_identifiers: list[str],
) -> None:
    """Records built from different sources may lack a field: the release is the one it would be were
    the field there and empty, for one quasi-identifier (read alone) and several (read together)."""
    rng = random.Random(7)
    complete = [
        {
            "gender": rng.choice(["Female", "Male"]),
            "age_broad": rng.choice(AGE_BANDS[:3]),
            "citizenship": rng.choice([*REGIONS, None]),
            "year_of_registration": rng.choice([2015, 2019, None]),
            "note": index,
        }
        for index in range(400)
    ]
    partial = [
        {key: value for key, value in record.items() if not (key == "citizenship" and value is None)}
        for record in complete
    ]
    assert any("citizenship" not in record for record in partial)
    # Countries as regions: a value made up for the missing field would be generalised, not left blank.
    hierarchies = ctdc_hierarchies(REGIONS)
    levels = {qi: 1 if qi == "citizenship" else 0 for qi in quasi_identifiers}
    expected, expected_report = k_anonymise(
        complete, quasi_identifiers=quasi_identifiers, k=3, hierarchies=hierarchies, levels=levels
    )
    released, report = k_anonymise(
        partial, quasi_identifiers=quasi_identifiers, k=3, hierarchies=hierarchies, levels=levels
    )
    assert [(r["note"], [r.get(qi) for qi in quasi_identifiers]) for r in released] == [
        (r["note"], [r[qi] for qi in quasi_identifiers]) for r in expected
    ]
    assert report.information_loss == expected_report.information_loss
    assert report.distinct_after == expected_report.distinct_after
