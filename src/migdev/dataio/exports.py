"""Exports that are safe to open in a spreadsheet.

``safe_cell`` neutralises values a spreadsheet would run as a formula (OWASP "CSV injection"): text
starting with ``= + - @``, a tab or a carriage return (also after leading spaces) gets a leading
apostrophe, which spreadsheets treat as "this is text". Numbers, booleans and dates keep their type.

``export_response(rows, columns, fmt, filename)`` streams CSV or JSON and builds XLSX in a temporary
file. ``rows`` are mappings keyed by the names in ``columns`` (or sequences in column order); the
names are also the header row.
"""

import csv
import json
import re
import tempfile
from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import UTC, date, datetime, time
from decimal import Decimal
from typing import Any, Literal

from django.core.serializers.json import DjangoJSONEncoder
from django.http import FileResponse, StreamingHttpResponse
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell

ExportFormat = Literal["csv", "xlsx", "json"]
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "json": "application/json",
}
# Characters XML 1.0 (and so XLSX) cannot hold; openpyxl raises on them.
_ILLEGAL_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_UNSAFE_FILENAME = re.compile(r"[^A-Za-z0-9._-]+")


def safe_cell(value: Any) -> Any:
    """A value a spreadsheet shows as data, never runs as a formula."""
    if value is None:
        return ""
    if isinstance(value, bool | int | float | Decimal):
        return value
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            value = value.astimezone(UTC)
        return value.isoformat()
    if isinstance(value, date | time):
        return value.isoformat()
    if not isinstance(value, str):
        value = (
            json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False)
            if isinstance(value, Mapping | list | tuple)
            else str(value)
        )
    if value.lstrip(" ").startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


def _values(row: Mapping[str, Any] | Sequence[Any], columns: Sequence[str]) -> list[Any]:
    if isinstance(row, Mapping):
        return [row.get(column) for column in columns]
    return list(row)


class _Echo:
    def write(self, value: str) -> str:
        return value


def _csv_stream(rows: Iterable[Any], columns: Sequence[str]) -> Iterator[str]:
    writer = csv.writer(_Echo())
    # A byte-order mark makes Excel read the file as UTF-8.
    yield "\ufeff" + writer.writerow([safe_cell(column) for column in columns])
    for row in rows:
        yield writer.writerow([safe_cell(value) for value in _values(row, columns)])


def _json_stream(rows: Iterable[Any], columns: Sequence[str]) -> Iterator[str]:
    yield "["
    for index, row in enumerate(rows):
        record = dict(zip(columns, _values(row, columns), strict=False))
        yield ("," if index else "") + json.dumps(record, cls=DjangoJSONEncoder, ensure_ascii=False)
    yield "]"


def _xlsx_file(rows: Iterable[Any], columns: Sequence[str]) -> Any:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("export")

    def cells(values: Iterable[Any]) -> list[Any]:
        row_cells = []
        for value in values:
            cleaned = safe_cell(value)
            if isinstance(cleaned, str):
                cleaned = _ILLEGAL_XML.sub("", cleaned)
            cell = WriteOnlyCell(sheet, value=cleaned)
            if isinstance(cleaned, str):
                cell.data_type = "s"  # never a formula, whatever the text
            row_cells.append(cell)
        return row_cells

    sheet.append(cells(columns))
    for row in rows:
        sheet.append(cells(_values(row, columns)))
    handle = tempfile.TemporaryFile()  # FileResponse closes it once sent
    workbook.save(handle)
    handle.seek(0)
    return handle


def export_response(
    rows: Iterable[Mapping[str, Any] | Sequence[Any]],
    columns: Sequence[str],
    fmt: ExportFormat,
    filename: str,
) -> StreamingHttpResponse | FileResponse:
    """A download of ``rows`` as ``fmt``; ``filename`` is given without extension."""
    if fmt not in CONTENT_TYPES:
        raise ValueError(f"Unknown export format: {fmt!r}")
    stem = _UNSAFE_FILENAME.sub("-", filename).strip("-.") or "export"
    download = f"{stem}.{fmt}"
    if fmt == "xlsx":
        return FileResponse(
            _xlsx_file(rows, columns), as_attachment=True, filename=download, content_type=CONTENT_TYPES[fmt]
        )
    stream = _csv_stream(rows, columns) if fmt == "csv" else _json_stream(rows, columns)
    response = StreamingHttpResponse(stream, content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{download}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response
