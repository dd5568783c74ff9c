"""safe_cell: nothing a spreadsheet would run survives as a formula."""

from datetime import UTC, date, datetime
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from migdev.dataio.exports import FORMULA_TRIGGERS, safe_cell

# Plain text, plus text built to sit near the danger: optional spaces, then a trigger or a harmless letter.
RISKY_TEXT = st.one_of(
    st.text(),
    st.builds(
        lambda spaces, first, rest: spaces + first + rest,
        st.text(alphabet=" \n\u00a0", max_size=3),
        st.sampled_from([*FORMULA_TRIGGERS, "a", "1", "'"]),
        st.text(),
    ),
)


@given(RISKY_TEXT)
def test_text_never_starts_a_formula(text: str) -> None:
    cell = safe_cell(text)
    assert isinstance(cell, str)
    assert not cell.startswith(FORMULA_TRIGGERS)
    assert not cell.lstrip().startswith(FORMULA_TRIGGERS)
    # Text that needed no change is kept exactly; changed text only gains the apostrophe.
    assert cell in (text, "'" + text)


def test_examples() -> None:
    assert safe_cell("=1+1") == "'=1+1"
    assert safe_cell("  @SUM(A1)") == "'  @SUM(A1)"
    assert safe_cell("-2") == "'-2"
    assert safe_cell("\tcmd") == "'\tcmd"
    assert safe_cell("Kinshasa") == "Kinshasa"
    assert safe_cell(None) == ""
    assert safe_cell(-2) == -2
    assert safe_cell(Decimal("1.5")) == Decimal("1.5")
    assert safe_cell(True) is True
    assert safe_cell(date(2026, 1, 2)) == "2026-01-02"
    assert safe_cell(datetime(2026, 1, 2, 3, 4, tzinfo=UTC)) == "2026-01-02T03:04:00+00:00"
    assert safe_cell({"a": "=x"}).startswith("{")
