import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from migdev.remittances.quarters import Quarter, QuarterFormatError


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2016Q2", Quarter(2016, 2)),
        ("2016_2Q", Quarter(2016, 2)),
        ("2016-Q3", Quarter(2016, 3)),
        ("2011q1", Quarter(2011, 1)),
        ("2020Q3 [YR2020Q3]", Quarter(2020, 3)),
        (" 2025_1Q ", Quarter(2025, 1)),
    ],
)
def test_reads_every_spelling_used_by_the_sources(text: str, expected: Quarter) -> None:
    assert Quarter.parse(text) == expected


@pytest.mark.parametrize(
    "text",
    ["2016Q5", "2016Q0", "16Q2", "2016-06", "Q2 2016", "", None, "2016_5Q", "1999Q4", "2016Q2 [YR2017Q2]"],
)
def test_rejects_anything_else_with_a_message_saying_how_to_write_it(text: str | None) -> None:
    with pytest.raises(QuarterFormatError, match="2016Q2"):
        Quarter.parse(text)


@given(st.integers(min_value=2000, max_value=2099), st.integers(min_value=1, max_value=4))
def test_text_form_round_trips_and_sorts_like_time(year: int, number: int) -> None:
    quarter = Quarter(year, number)
    assert Quarter.parse(str(quarter)) == quarter
    assert Quarter.from_index(quarter.index) == quarter
    following = quarter.next()
    assert following.index == quarter.index + 1
    assert str(quarter) < str(following)
    assert following.first_day == quarter.last_day + datetime.timedelta(days=1)
    assert Quarter.containing(quarter.last_day) == quarter
