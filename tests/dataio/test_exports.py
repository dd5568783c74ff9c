import csv
import datetime
import io
import json
from decimal import Decimal
from typing import Any

import pytest
from django.http import FileResponse, StreamingHttpResponse
from hypothesis import example, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from migdev.dataio.exports import (
    FORMULA_TRIGGERS,
    FORMULA_TRIGGERS_AFTER_SPACE,
    export_response,
    safe_cell,
    unescape_cell,
)

COLUMNS = [("name", "Name"), ("value", "Value")]


def body_of(response: Any) -> bytes:
    if isinstance(response, StreamingHttpResponse | FileResponse):
        content = b"".join(response.streaming_content)
        if isinstance(response, FileResponse) and response.file_to_stream is not None:
            # Not response.close(): that fires request_finished, which touches the database.
            response.file_to_stream.close()
        return content
    return bytes(response.content)


def csv_cells(response: Any) -> list[list[str]]:
    text = body_of(response).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text, newline="")))


def xlsx_cells(response: Any) -> list[list[Any]]:
    workbook = load_workbook(io.BytesIO(body_of(response)))
    worksheet = workbook.worksheets[0]
    return [list(row) for row in worksheet.iter_rows(values_only=True)]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("+33 1 23", "'+33 1 23"),
        ("-5", "'-5"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("  @SUM(A1)", "'  @SUM(A1)"),  # some spreadsheets strip the spaces, then run the rest
        ("\n=1+1", "'\n=1+1"),
        ("\u00a0-5", "'\u00a0-5"),
        ("plain", "plain"),
        (" plain", " plain"),
        ("a=b", "a=b"),
        ("'=1+1", "''=1+1"),  # looks quoted already: quoted once more, so it reads back exactly
        ("", ""),
        ("   ", "   "),
        (None, ""),
        (True, True),
        (-5, -5),
        (-2.5, -2.5),
        (Decimal("-1.10"), Decimal("-1.10")),
    ],
)
def test_safe_cell(value: Any, expected: Any) -> None:
    assert safe_cell(value) == expected
    assert type(safe_cell(value)) is type(expected)


def test_csv_export_streams_rows_with_a_bom_and_headers() -> None:
    rows = [{"name": '=HYPERLINK("http://x")', "value": 3}, {"name": "Été", "value": None}]
    response = export_response(rows, COLUMNS, "csv", "organisations")
    assert isinstance(response, StreamingHttpResponse)
    assert response["Content-Disposition"] == 'attachment; filename="organisations.csv"'
    assert response["Content-Type"].startswith("text/csv")
    assert csv_cells(response) == [["Name", "Value"], ['\'=HYPERLINK("http://x")', "3"], ["Été", ""]]


def test_csv_export_writes_dates_and_structures_as_text() -> None:
    rows = [
        {
            "name": datetime.date(2026, 1, 2),
            "value": datetime.datetime(2026, 1, 2, 3, 4, tzinfo=datetime.UTC),
        },
        {"name": {"a": "=x"}, "value": ["=x", 1]},
        {"name": " -1", "value": True},
    ]
    response = export_response(rows, COLUMNS, "csv", "x")
    assert csv_cells(response)[1:] == [
        ["2026-01-02", "2026-01-02T03:04:00+00:00"],
        ['{"a": "=x"}', '["=x", 1]'],
        ["' -1", "True"],
    ]


def test_xlsx_export_keeps_numbers_and_neutralises_text() -> None:
    when = datetime.datetime(2024, 1, 2, 3, 4, tzinfo=datetime.UTC)
    rows = [{"name": "-5", "value": -5}, {"name": "@cmd", "value": when}, {"name": "ok\x01", "value": 2.5}]
    response = export_response(rows, COLUMNS, "xlsx", "report.xlsx")
    assert isinstance(response, FileResponse)
    assert 'filename="report.xlsx"' in response["Content-Disposition"]
    assert xlsx_cells(response) == [
        ["Name", "Value"],
        ["'-5", -5],
        ["'@cmd", datetime.datetime(2024, 1, 2, 3, 4)],
        ["ok", 2.5],
    ]


def test_json_export_carries_values_unchanged() -> None:
    rows = [{"name": "=1+1", "value": Decimal("1.5"), "ignored": "x"}]
    response = export_response(rows, COLUMNS, "json", "data")
    assert json.loads(body_of(response)) == [{"name": "=1+1", "value": "1.5"}]
    assert json.loads(body_of(export_response([], COLUMNS, "json", "empty"))) == []


def test_unknown_format_is_an_error() -> None:
    with pytest.raises(ValueError, match="Unknown export format"):
        export_response([], COLUMNS, "pdf", "x")  # type: ignore[arg-type]


def test_filename_is_sanitised() -> None:
    response = export_response([], COLUMNS, "csv", '../etc/"passwd"\r\n')
    assert response["Content-Disposition"] == 'attachment; filename="etc-passwd.csv"'


# Plain text, plus text built to sit near the danger: optional white space, then a trigger or something harmless.
risky_text = st.one_of(
    st.text(),
    st.builds(
        lambda spaces, first, rest: spaces + first + rest,
        st.text(alphabet=" \t\r\n\u00a0", max_size=3),
        st.sampled_from([*FORMULA_TRIGGERS, "a", "1", "'"]),
        st.text(max_size=8),
    ),
)
cell_values = st.one_of(
    risky_text,
    st.integers(min_value=-(10**12), max_value=10**12),
    st.floats(allow_nan=False, allow_infinity=False, width=32),
    st.none(),
)
rows_strategy = st.lists(st.fixed_dictionaries({"name": cell_values, "value": cell_values}), max_size=8)


def starts_with_trigger(cell: Any) -> bool:
    return isinstance(cell, str) and (
        cell.startswith(FORMULA_TRIGGERS) or cell.lstrip().startswith(FORMULA_TRIGGERS_AFTER_SPACE)
    )


@given(text=risky_text)
def test_text_never_starts_a_formula(text: str) -> None:
    cell = safe_cell(text)
    assert isinstance(cell, str)
    assert not starts_with_trigger(cell)
    # Text that needed no change is kept exactly; changed text only gains the apostrophe.
    assert cell in (text, "'" + text)
    assert (cell == text) == (not needs_quote(text))


def needs_quote(text: str) -> bool:
    """A trigger, or text that would read back as an escaped trigger ("'" + tab): quoted once more, so that
    reading the export back gives the text exactly."""
    return starts_with_trigger(text) or (text.startswith("'") and needs_quote(text[1:]))


def test_text_that_looks_escaped_is_quoted_once_more() -> None:
    assert safe_cell("'\t") == "''\t"  # found by hypothesis: a quote, then a tab
    assert safe_cell("'abc") == "'abc"


@settings(max_examples=150, deadline=None)
@given(rows=rows_strategy)
def test_no_csv_cell_starts_with_a_formula_trigger(rows: list[dict[str, Any]]) -> None:
    cells = csv_cells(export_response(rows, COLUMNS, "csv", "x"))
    assert len(cells) == len(rows) + 1
    for row, original in zip(cells[1:], rows, strict=True):
        for cell, key in zip(row, ("name", "value"), strict=True):
            value = original[key]
            if isinstance(value, int | float) and not isinstance(value, bool):
                assert float(cell) == float(value)  # real numbers stay numbers (a minus sign is fine)
            else:
                assert not starts_with_trigger(cell), cell


@settings(max_examples=100, deadline=None)
@given(rows=rows_strategy)
def test_no_xlsx_cell_starts_with_a_formula_trigger(rows: list[dict[str, Any]]) -> None:
    cells = xlsx_cells(export_response(rows, COLUMNS, "xlsx", "x"))
    assert len(cells) == len(rows) + 1
    for row in cells:
        for cell in row:
            assert not starts_with_trigger(cell), cell


@given(st.text())
@example("'=1+1")
@example("''+41")
def test_text_read_back_from_an_export_is_the_text_written(text: str) -> None:
    assert unescape_cell(safe_cell(text)) == text
