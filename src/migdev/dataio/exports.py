"""Exports to CSV, XLSX and JSON that are safe to open in a spreadsheet.

Formula injection (OWASP "CSV injection"): a spreadsheet treats a cell starting with ``=``, ``+``, ``-``,
``@``, a tab or a carriage return as a formula (or the start of one), and some spreadsheets drop leading
spaces first, so text whose first non-blank character is ``= + - @`` is just as dangerous. :func:`safe_cell`
prefixes such *text* with a single quote so it is shown, never run. Only strings are touched: a real number
(``-5`` as an int, float or Decimal) stays a number. A string such as ``"-5"`` is neutralised too, because it
is text — callers that want a number in the sheet must pass a number. JSON is data for programs, not a
spreadsheet, so it carries values unchanged.

The caller is responsible for access checks and for the audit entry (``audit_log(action="export", ...)``).
"""

import csv
import datetime
import json
import re
import tempfile
from collections.abc import Iterable, Iterator, Mapping, Sequence
from decimal import Decimal
from typing import Any, Literal

from django.core.serializers.json import DjangoJSONEncoder
from django.http import FileResponse, HttpResponse, StreamingHttpResponse
from django.utils.functional import Promise

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
# Checked again after leading white space, which spreadsheet applications may strip.
FORMULA_TRIGGERS_AFTER_SPACE = ("=", "+", "-", "@")
# Control characters XLSX (XML 1.0) cannot hold; openpyxl refuses them.
XLSX_ILLEGAL_CHARACTERS = re.compile(r"[\000-\010\013\014\016-\037]")

ExportFormat = Literal["csv", "xlsx", "json"]
Columns = Sequence[tuple[str, str | Promise]]

CONTENT_TYPES: dict[str, str] = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "json": "application/json",
}


def safe_cell(value: Any) -> Any:
    """The value as a spreadsheet cell that can't be a formula. None becomes an empty string."""
    if value is None:
        return ""
    if isinstance(value, Promise):
        value = str(value)
    if (
        isinstance(value, str)
        and (
            value.startswith(FORMULA_TRIGGERS)
            or value.lstrip().startswith(FORMULA_TRIGGERS_AFTER_SPACE)
            # Text that already looks quoted is quoted once more, so that reading it back is exact.
            or (value.startswith("'") and safe_cell(value[1:]) != value[1:])
        )
    ):
        return "'" + value
    return value


def unescape_cell(text: str) -> str:
    """The inverse of :func:`safe_cell` for text read back from an export: the quote it added is dropped."""
    if text.startswith("'") and safe_cell(text[1:]) == text:
        return text[1:]
    return text


def _xlsx_cell(value: Any) -> Any:
    if isinstance(value, Promise):
        value = str(value)
    if isinstance(value, bool | int | float | Decimal | datetime.date | datetime.time) or value is None:
        if isinstance(value, datetime.datetime) and value.tzinfo is not None:
            # Excel has no time zones; exports are in UTC like the database.
            value = value.astimezone(datetime.UTC).replace(tzinfo=None)
        return safe_cell(value)
    text = value if isinstance(value, str) else _as_text(value)
    # Removing control characters can expose a trigger ("\x01=1" → "=1"), so neutralise afterwards.
    return safe_cell(XLSX_ILLEGAL_CHARACTERS.sub("", text))


def _csv_cell(value: Any) -> Any:
    if isinstance(value, bool | int | float | Decimal | str | Promise) or value is None:
        return safe_cell(value)
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    return safe_cell(_as_text(value))


def _as_text(value: Any) -> str:
    if isinstance(value, list | tuple | dict):
        return json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False)
    return str(value)


def _safe_filename(filename: str, fmt: str) -> str:
    stem = re.sub(r"[^A-Za-z0-9._-]+", "-", filename).strip(".-") or "export"
    extension = f".{fmt}"
    return stem if stem.lower().endswith(extension) else stem + extension


class _LineBuffer:
    """csv.writer writes here and gets the line back, so rows can be streamed one at a time."""

    def write(self, value: str) -> str:
        return value


def _csv_lines(rows: Iterable[Mapping[str, Any]], columns: Columns) -> Iterator[str]:
    writer = csv.writer(_LineBuffer())
    # The BOM makes Excel read the file as UTF-8 (accents in French and Spanish names survive).
    yield "\ufeff" + writer.writerow([safe_cell(str(header)) for _key, header in columns])
    for row in rows:
        yield writer.writerow([_csv_cell(row.get(key)) for key, _header in columns])


def _json_chunks(rows: Iterable[Mapping[str, Any]], columns: Columns) -> Iterator[str]:
    yield "["
    separator = "\n"
    for row in rows:
        record = {key: row.get(key) for key, _header in columns}
        yield separator + json.dumps(record, cls=DjangoJSONEncoder, ensure_ascii=False)
        separator = ",\n"
    yield "\n]\n"


def export_response(
    rows: Iterable[Mapping[str, Any]],
    columns: Columns,
    fmt: ExportFormat,
    filename: str,
    *,
    sheet_title: str | None = None,
    xlsx_label_row: Sequence[str] = (),
) -> HttpResponse | StreamingHttpResponse | FileResponse:
    """Download of ``rows`` with the given ``(key, header)`` columns, in order.

    CSV and JSON stream as they are produced; XLSX is written row by row to a temporary file (openpyxl's
    write-only mode) that disappears once the response is closed. A template that other tools read back
    (the HTCDS toolkit's "Case Sheet") names its sheet and puts a second header row of labels under the
    field names: ``sheet_title`` and ``xlsx_label_row``.
    """
    name = _safe_filename(filename, fmt)
    if fmt == "csv":
        response: StreamingHttpResponse | FileResponse = StreamingHttpResponse(
            _csv_lines(rows, columns), content_type=CONTENT_TYPES["csv"]
        )
    elif fmt == "json":
        response = StreamingHttpResponse(_json_chunks(rows, columns), content_type=CONTENT_TYPES["json"])
    elif fmt == "xlsx":
        return FileResponse(
            _xlsx_file(rows, columns, sheet_title=sheet_title, label_row=xlsx_label_row),
            as_attachment=True,
            filename=name,
            content_type=CONTENT_TYPES["xlsx"],
        )
    else:
        raise ValueError(f"Unknown export format {fmt!r}.")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _xlsx_file(
    rows: Iterable[Mapping[str, Any]],
    columns: Columns,
    *,
    sheet_title: str | None = None,
    label_row: Sequence[str] = (),
) -> Any:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    worksheet = workbook.create_sheet(title=sheet_title)
    worksheet.append([_xlsx_cell(str(header)) for _key, header in columns])
    if label_row:
        worksheet.append([_xlsx_cell(label) for label in label_row])
    for row in rows:
        worksheet.append([_xlsx_cell(row.get(key)) for key, _header in columns])
    # An anonymous temporary file: deleted by the OS as soon as FileResponse closes it.
    handle = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115 - FileResponse owns and closes it
    workbook.save(handle)
    handle.seek(0)
    return handle
