"""Indicator arithmetic and target progress, including properties checked with hypothesis."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from migdev.indicators import charts
from migdev.indicators.computation import (
    compute_aggregates,
    compute_values,
    reduce_over_counterparts,
    target_progress,
)

COUNTRIES = ["AAA", "BBB", "CCC", "DDD"]
values = st.floats(min_value=0, max_value=1e9, allow_nan=False)


def test_ratio_with_factor_and_missing_denominator():
    result = compute_values(
        {("AAA", "2020"): 5.0, ("BBB", "2020"): 1.0}, {("AAA", "2020"): 100.0}, factor=100
    )
    assert result[("AAA", "2020")].value == 5.0
    assert ("BBB", "2020") not in result  # no denominator → no value, never a zero


def test_zero_denominator_gives_no_value():
    assert compute_values({("AAA", "2020"): 5.0}, {("AAA", "2020"): 0.0}, factor=100) == {}


@given(
    st.dictionaries(
        st.sampled_from(COUNTRIES), st.tuples(values, st.floats(min_value=1, max_value=1e9)), min_size=1
    )
)
def test_aggregate_is_ratio_of_sums(data):
    numerator = {(code, "2020"): top for code, (top, _) in data.items()}
    denominator = {(code, "2020"): bottom for code, (_, bottom) in data.items()}
    result = compute_aggregates(
        ["WLD"],
        numerator,
        denominator,
        factor=100,
        membership=lambda c, y: None,
        country_codes=set(COUNTRIES),
    )
    expected = sum(t for t, _ in data.values()) / sum(b for _, b in data.values()) * 100
    assert result[("WLD", "2020")].value == pytest.approx(expected)
    assert result[("WLD", "2020")].covered == len(data)


@given(
    st.dictionaries(st.sampled_from(COUNTRIES), values, min_size=1),
    st.sets(st.sampled_from(COUNTRIES), min_size=1),
)
def test_aggregate_sums_only_members_of_that_year(data, members):
    numerator = {(code, "2020"): value for code, value in data.items()}
    result = compute_aggregates(
        ["GRP"], numerator, None, factor=1, membership=lambda c, y: set(members), country_codes=set(COUNTRIES)
    )
    covered = [code for code in members if code in data]
    if covered:
        assert result[("GRP", "2020")].value == pytest.approx(sum(data[c] for c in covered))
        assert result[("GRP", "2020")].members == len(members)
    else:
        assert ("GRP", "2020") not in result


def test_aggregates_ignore_published_aggregate_rows():
    numerator = {("AAA", "2020"): 1.0, ("WLD", "2020"): 1000.0}
    result = compute_aggregates(
        ["WLD"], numerator, None, factor=1, membership=lambda c, y: None, country_codes={"AAA"}
    )
    assert result[("WLD", "2020")].value == 1.0


def test_membership_is_asked_per_data_year():
    asked = []

    def membership(code, year):
        asked.append(year)
        return {"AAA"} if year < 2000 else {"BBB"}

    numerator = {("AAA", "1990"): 1.0, ("BBB", "1990"): 2.0, ("AAA", "2020"): 3.0, ("BBB", "2020"): 4.0}
    result = compute_aggregates(
        ["HIC"], numerator, None, factor=1, membership=membership, country_codes={"AAA", "BBB"}
    )
    assert result[("HIC", "1990")].value == 1.0 and result[("HIC", "2020")].value == 4.0
    assert sorted(asked) == [1990, 2020]


def test_non_additive_series_average():
    assert reduce_over_counterparts([("A", "2020", 4.0), ("A", "2020", 6.0)], additive=False) == {
        ("A", "2020"): 5.0
    }
    assert reduce_over_counterparts([("A", "2020", 4.0), ("A", "2020", 6.0)]) == {("A", "2020"): 10.0}


@pytest.mark.parametrize(
    ("latest", "latest_year", "status"),
    [
        (None, None, "no_data"),
        (10.0, 2020, "achieved"),
        (7.0, 2020, "on_track"),
        (3.5, 2020, "off_track"),
        (4.0, 2020, "on_track"),
        (2.0, 2015, "on_track"),
        (1.0, 2019, "off_track"),
    ],
)
def test_target_progress(latest, latest_year, status):
    # From 0 in 2010 to 10 in 2030; halfway in 2020.
    progress = target_progress(
        baseline=0.0,
        baseline_year=2010,
        target=10.0,
        target_year=2030,
        latest=latest,
        latest_year=latest_year,
    )
    assert progress.status == status


def test_target_progress_for_a_decreasing_target():
    progress = target_progress(
        baseline=8.0, baseline_year=2015, target=3.0, target_year=2030, latest=5.0, latest_year=2020
    )
    assert progress.status == "on_track" and progress.expected == pytest.approx(8 - 5 / 3)


@given(st.floats(min_value=-1e9, max_value=1e9), st.floats(min_value=-1e9, max_value=1e9))
def test_nice_ticks_cover_the_range(low, high):
    low, high = min(low, high), max(low, high)
    ticks = charts.nice_ticks(low, high)
    assert ticks[0] <= low + 1e-6 * max(1, abs(low)) and ticks[-1] >= high - 1e-6 * max(1, abs(high))
    assert len(ticks) <= 12


def test_svg_escapes_text_and_has_no_style_attribute():
    svg = charts.line_chart(
        [charts.Line("<b>", [charts.Point(2000, 1, "<x>"), charts.Point(2001, 2, "y")])],
        title="T & <t>",
        description="d",
        format_value=str,
        key="k",
    )
    assert "<x>" not in svg and "&lt;x&gt;" in svg and "&lt;t&gt;" in svg and "style=" not in svg
    assert 'aria-labelledby="chart-title-k chart-desc-k"' in svg


def test_tick_labels_are_compact():
    from types import SimpleNamespace

    from migdev.indicators.formatting import tick_formatter

    persons = SimpleNamespace(display_mult=0)
    fmt = tick_formatter(persons, [150e6, 280e6])
    assert fmt(300e6) == "300 M"
    assert tick_formatter(persons, [-600e3, 200e3])(-400e3) == "-400 k"
    assert tick_formatter(persons, [0.5, 3.6])(2.5) == "2.5"


def test_line_breaks_over_a_stretch_without_values():
    def path_of(svg: str) -> str:
        return svg.split('class="series"')[0].rsplit('d="', 1)[1]

    years = [1980, 1981, 1982, *range(2005, 2021)]
    gapped = charts.line_chart(
        [charts.Line("MEX", [charts.Point(y, 1.0, str(y)) for y in years])],
        title="t",
        description="d",
        format_value=str,
    )
    assert path_of(gapped).count("M") == 2 and gapped.count("<title>") == len(years)
    five_yearly = [charts.Point(y, 1.0, str(y)) for y in (1990, 1995, 2000, 2005, 2010, 2015, 2019)]
    joined = charts.line_chart([charts.Line("X", five_yearly)], title="t", description="d", format_value=str)
    assert path_of(joined).count("M") == 1
