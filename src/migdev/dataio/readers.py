"""Streaming readers for tabular uploads (CSV and XLSX).

What the file *is* comes from its first bytes, not its name: a PNG renamed ``.csv`` is refused as a PNG.
Every problem with the file itself (type, encoding, header) raises :class:`ImportRejected` naming the file,
and rows are yielded one at a time so memory stays flat however large the file is.

Row numbers count like a spreadsheet: the header is row 1 and the first data row is row 2 (a CSV record
spanning several lines counts once). Header names match case-insensitively and surrounding spaces are
ignored; values are stripped and an empty cell becomes None. Fully blank rows are skipped.
"""

import codecs
import csv
import datetime
import zipfile
from collections.abc import Generator, Iterator, Mapping, Sequence
from collections.abc import Set as AbstractSet
from decimal import Decimal
from enum import Enum
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from migdev.dataio.errors import ImportRejected, RowError

Row = dict[str, str | None]

CHUNK_BYTES = 1024 * 1024
SNIFF_BYTES = 8192

UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)

# Signatures of files people upload by mistake, so the refusal can say what the file actually is.
BINARY_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", gettext_noop("a PNG image")),
    (b"\xff\xd8\xff", gettext_noop("a JPEG image")),
    (b"GIF87a", gettext_noop("a GIF image")),
    (b"GIF89a", gettext_noop("a GIF image")),
    (b"%PDF", gettext_noop("a PDF document")),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", gettext_noop("an old-format (97–2003) Office file such as .xls")),
    (b"\x1f\x8b", gettext_noop("a gzip archive")),
    (b"7z\xbc\xaf\x27\x1c", gettext_noop("a 7-Zip archive")),
    (b"Rar!", gettext_noop("a RAR archive")),
)

CSV_EXTENSIONS = {".csv", ".txt", ".tsv"}
XLSX_EXTENSIONS = {".xlsx", ".xlsm"}


class FileKind(Enum):
    CSV = "csv"
    XLSX = "xlsx"


def _refuse(path: Path, reason: str, *, row: int | None = None, column: str | None = None) -> ImportRejected:
    return ImportRejected([RowError(path.name, row, column, reason)])


def detect_kind(path: Path) -> FileKind:
    """CSV or XLSX, decided by content; anything else is refused with what it appears to be."""
    with path.open("rb") as handle:
        head = handle.read(SNIFF_BYTES)
    if not head.strip(b" \t\r\n\xef\xbb\xbf\xff\xfe\x00"):
        raise _refuse(path, _("The file is empty."))
    extension = path.suffix.lower()
    if head.startswith(b"PK\x03\x04"):
        kind = _zip_kind(path)
        if extension in CSV_EXTENSIONS:
            raise _refuse(
                path,
                _("The file is named %(extension)s but is an XLSX workbook; rename it or export it as CSV.")
                % {"extension": extension},
            )
        return kind
    for signature, description in BINARY_SIGNATURES:
        if head.startswith(signature):
            raise _refuse(path, _("This is %(what)s, not a CSV or XLSX file.") % {"what": _(description)})
    if not head.startswith(UTF16_BOMS) and b"\x00" in head:
        raise _refuse(path, _("This is a binary file, not a CSV or XLSX file."))
    if extension in XLSX_EXTENSIONS:
        raise _refuse(
            path,
            _("The file is named %(extension)s but is not an XLSX workbook (it looks like text).")
            % {"extension": extension},
        )
    return FileKind.CSV


def _zip_kind(path: Path) -> FileKind:
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
            mimetype = archive.read("mimetype").decode("ascii", "replace") if "mimetype" in names else ""
    except zipfile.BadZipFile:
        raise _refuse(path, _("The file looks like a ZIP archive but is damaged.")) from None
    if "[Content_Types].xml" in names and any(name.startswith("xl/") for name in names):
        return FileKind.XLSX
    if "opendocument.spreadsheet" in mimetype:
        raise _refuse(path, _("This is an OpenDocument spreadsheet (.ods); save it as XLSX or CSV."))
    if "[Content_Types].xml" in names and any(name.startswith("word/") for name in names):
        raise _refuse(path, _("This is a Word document, not a CSV or XLSX file."))
    raise _refuse(path, _("This is a ZIP archive, not a CSV or XLSX file."))


def read_table(
    path: Path | str,
    *,
    required: AbstractSet[str],
    optional: AbstractSet[str] = frozenset(),
    sheet: str | None = None,
    aliases: Mapping[str, str] | None = None,
) -> Iterator[tuple[int, Row]]:
    """Yield ``(row_number, {column: value})`` for each non-blank data row of a CSV or XLSX file.

    Keys are the names given in ``required``/``optional`` (optional columns absent from the file are
    present with None). ``sheet`` picks an XLSX worksheet by name (default: the first one). ``aliases``
    maps other header spellings (an export's translated headers, say) to one of those names.
    """
    path = Path(path)
    kind = detect_kind(path)
    raw_rows = _csv_rows(path) if kind is FileKind.CSV else _xlsx_rows(path, sheet)
    try:
        header_number, header = _first_non_blank(raw_rows, path)
        positions = _match_header(path, header, required, optional, header_number, aliases or {})
        known_positions = set(positions.values())
        absent_optional = {name: None for name in optional if name not in positions}
        for row_number, cells in raw_rows:
            if not any(cell is not None for cell in cells):
                continue
            unexpected = [
                index for index, cell in enumerate(cells) if cell is not None and index not in known_positions
            ]
            if unexpected:
                raise _refuse(
                    path,
                    _("This row has a value in column %(position)d, which has no header.")
                    % {"position": unexpected[0] + 1},
                    row=row_number,
                )
            row: Row = {
                name: (cells[index] if index < len(cells) else None) for name, index in positions.items()
            }
            row.update(absent_optional)
            yield row_number, row
    finally:
        raw_rows.close()  # releases the file (and the workbook) at once, even when the caller stops early


def _first_non_blank(
    raw_rows: Iterator[tuple[int, list[str | None]]], path: Path
) -> tuple[int, list[str | None]]:
    for number, cells in raw_rows:
        if any(cell is not None for cell in cells):
            return number, cells
    raise _refuse(path, _("The file is empty."))


def _match_header(
    path: Path,
    header: Sequence[str | None],
    required: AbstractSet[str],
    optional: AbstractSet[str],
    header_row: int,
    aliases: Mapping[str, str],
) -> dict[str, int]:
    names = {*required, *optional}
    canonical = {alias.strip().casefold(): name for alias, name in aliases.items() if name in names}
    canonical.update({name.strip().casefold(): name for name in names})
    positions: dict[str, int] = {}
    errors: list[RowError] = []
    unknown: list[str] = []
    for index, cell in enumerate(header):
        if cell is None:
            continue
        name = canonical.get(cell.casefold())
        if name is None:
            unknown.append(cell)
        elif name in positions:
            errors.append(
                RowError(
                    path.name,
                    header_row,
                    cell,
                    _("The column “%(column)s” appears more than once (columns %(first)d and %(second)d).")
                    % {"column": cell, "first": positions[name] + 1, "second": index + 1},
                )
            )
        else:
            positions[name] = index
    if unknown:
        errors.append(
            RowError(
                path.name,
                header_row,
                None,
                _("Unknown columns: %(unknown)s. Expected columns: %(expected)s.")
                % {
                    "unknown": ", ".join(f"“{name}”" for name in unknown),
                    "expected": ", ".join(sorted(names)),
                },
            )
        )
    missing = sorted(name for name in required if name not in positions)
    if missing:
        errors.append(
            RowError(
                path.name,
                header_row,
                None,
                _("Missing required columns: %(missing)s.")
                % {"missing": ", ".join(f"“{name}”" for name in missing)},
            )
        )
    if errors:
        raise ImportRejected(errors)
    return positions


# CSV ---------------------------------------------------------------------------------------------------


def _csv_rows(path: Path) -> Generator[tuple[int, list[str | None]], None, None]:
    lines = _decoded_lines(path)
    first_line = next(lines, "")
    delimiter = _delimiter_for(first_line)

    def all_lines() -> Iterator[str]:
        yield first_line
        yield from lines

    reader = csv.reader(all_lines(), delimiter=delimiter, strict=False)
    record_number = 0
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            raise _refuse(
                path,
                _("The CSV is malformed: %(error)s.") % {"error": error},
                row=record_number + 1,
            ) from None
        record_number += 1
        yield record_number, [_clean_text(cell) for cell in cells]


def _delimiter_for(header_line: str) -> str:
    """Comma, or semicolon/tab when the header clearly uses them (spreadsheets in many locales do)."""
    counts = {delimiter: header_line.count(delimiter) for delimiter in (",", ";", "\t")}
    best = max(counts, key=lambda delimiter: counts[delimiter])
    return best if counts[best] > counts[","] else ","


def _decoded_lines(path: Path) -> Iterator[str]:
    """Lines of a UTF-8 (or BOM-marked UTF-16) file, each ending with its newline, read in chunks.

    Anything else is refused at the first byte that is not valid UTF-8, naming its offset and line.
    """
    with path.open("rb") as handle:
        head = handle.read(3)
        if head.startswith(UTF16_BOMS):
            encoding, offset = "utf-16", 0
        elif head == codecs.BOM_UTF8:
            encoding, offset = "utf-8", len(codecs.BOM_UTF8)
        else:
            encoding, offset = "utf-8", 0
        handle.seek(offset)
        decoder = codecs.getincrementaldecoder(encoding)(errors="strict")
        newlines_before = 0
        pending = ""
        while True:
            chunk = handle.read(CHUNK_BYTES)
            final = not chunk
            # Bytes of a character split across chunks wait in the decoder; error positions include them.
            held = getattr(decoder, "buffer", b"")
            try:
                text = decoder.decode(chunk, final=final)
            except UnicodeDecodeError as error:
                raise _encoding_refusal(
                    path, encoding, held + chunk, error.start, offset - len(held), newlines_before
                ) from None
            newlines_before += chunk.count(b"\n")
            offset += len(chunk)
            if text:
                pieces = (pending + text).split("\n")
                pending = pieces.pop()
                for piece in pieces:
                    yield piece + "\n"
            if final:
                break
        if pending:
            yield pending


def _encoding_refusal(
    path: Path, encoding: str, data: bytes, position: int, data_offset: int, newlines_before: int
) -> ImportRejected:
    if encoding == "utf-16":
        return _refuse(path, _("The file is marked as UTF-16 but is not valid UTF-16."))
    line = newlines_before + data[:position].count(b"\n") + 1
    return _refuse(
        path,
        _(
            "The file is not UTF-8: byte 0x%(byte)s at offset %(offset)d (line %(line)d) is not valid "
            "UTF-8. Save it as “CSV UTF-8” and upload it again."
        )
        % {
            "byte": data[position : position + 1].hex().upper(),
            "offset": data_offset + position,
            "line": line,
        },
    )


def _clean_text(cell: str) -> str | None:
    value = cell.strip()
    return value or None


# XLSX --------------------------------------------------------------------------------------------------


def _xlsx_rows(path: Path, sheet: str | None) -> Generator[tuple[int, list[str | None]], None, None]:
    from openpyxl import load_workbook

    # A file object, not the path: openpyxl would otherwise judge the file by its name's extension.
    handle = path.open("rb")
    try:
        workbook = load_workbook(handle, read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many types for damaged or foreign workbooks
        handle.close()
        raise _refuse(
            path, _("The XLSX workbook could not be opened: %(error)s.") % {"error": error}
        ) from None
    try:
        if sheet is None:
            worksheet = workbook.worksheets[0]
        elif sheet in workbook.sheetnames:
            worksheet = workbook[sheet]
        else:
            raise _refuse(
                path,
                _("The workbook has no sheet named “%(sheet)s”; its sheets are: %(sheets)s.")
                % {"sheet": sheet, "sheets": ", ".join(workbook.sheetnames)},
            )
        for row_number, values in enumerate(worksheet.iter_rows(values_only=True), start=1):
            yield row_number, [_cell_text(value) for value in values]
    finally:
        workbook.close()
        handle.close()


def _cell_text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, int | Decimal):
        return str(value)
    if isinstance(value, datetime.datetime):
        if value.time() == datetime.time(0):
            return value.date().isoformat()
        return value.isoformat()
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    return _clean_text(str(value))


def estimate_data_rows(path: Path | str, *, sheet: str | None = None) -> int | None:
    """Roughly how many data rows a file has, for progress bars (None when it can't be told cheaply).

    CSV counts line ends, so quoted multi-line cells and blank lines make it an overestimate.
    """
    path = Path(path)
    try:
        kind = detect_kind(path)
    except ImportRejected:
        return None
    if kind is FileKind.XLSX:
        from openpyxl import load_workbook

        with path.open("rb") as handle:
            try:
                workbook = load_workbook(handle, read_only=True)
            except Exception:  # the real read reports the problem
                return None
            try:
                worksheet = workbook[sheet] if sheet in workbook.sheetnames else workbook.worksheets[0]
                max_row = worksheet.max_row
            finally:
                workbook.close()
        return max(max_row - 1, 0) if max_row else None
    newline = b"\n"
    with path.open("rb") as handle:
        if handle.read(2) in UTF16_BOMS:
            return None
        handle.seek(0)
        lines = 0
        last = b""
        while chunk := handle.read(CHUNK_BYTES):
            lines += chunk.count(newline)
            last = chunk
    if last and not last.endswith(newline):
        lines += 1
    return max(lines - 1, 0)
