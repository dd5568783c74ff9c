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
import functools
import io
import re
import zipfile
from collections.abc import Generator, Iterator, Mapping, Sequence
from collections.abc import Set as AbstractSet
from decimal import Decimal
from enum import Enum
from pathlib import Path
from types import TracebackType
from typing import Any
from xml.parsers import expat

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from migdev.dataio.errors import ImportRejected, RowError
from migdev.dataio.limits import ReaderLimits, check_time, current_limits

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


# How often (in rows) readers look at the clock: often enough to stop within a fraction of a second.
TIME_CHECK_EVERY = 1024


class FileKind(Enum):
    CSV = "csv"
    XLSX = "xlsx"


def _refuse(path: Path, reason: str, *, row: int | None = None, column: str | None = None) -> ImportRejected:
    return ImportRejected([RowError(path.name, row, column, reason)])


def column_name(index: int) -> str:
    """Spreadsheet column name for a 0-based index (0 → A, 26 → AA)."""
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


def _too_many_rows(path: Path, limits: ReaderLimits, row: int) -> ImportRejected:
    return _refuse(
        path,
        _("The file has more than %(limit)s rows, the most an import may have (setting IMPORT_MAX_ROWS).")
        % {"limit": f"{limits.max_rows:,}"},
        row=row,
    )


def _too_many_columns(path: Path, limits: ReaderLimits, row: int, columns: int) -> ImportRejected:
    return _refuse(
        path,
        _(
            "This row has %(count)s columns; an import may have at most %(limit)s "
            "(setting IMPORT_MAX_COLUMNS)."
        )
        % {"count": f"{columns:,}", "limit": f"{limits.max_columns:,}"},
        row=row,
    )


def _cell_too_long(
    path: Path, limits: ReaderLimits, row: int, index: int | None, length: int | None
) -> ImportRejected:
    if length is None:
        reason = _(
            "A cell is longer than %(limit)s characters, the most a cell may hold (setting "
            "IMPORT_MAX_CELL_CHARS)."
        ) % {"limit": f"{limits.max_cell_chars:,}"}
    else:
        reason = _(
            "This cell holds %(length)s characters; a cell may hold at most %(limit)s (setting "
            "IMPORT_MAX_CELL_CHARS)."
        ) % {"length": f"{length:,}", "limit": f"{limits.max_cell_chars:,}"}
    return _refuse(path, reason, row=row, column=None if index is None else column_name(index))


def _check_cells(path: Path, limits: ReaderLimits, row: int, cells: Sequence[Any]) -> None:
    if len(cells) > limits.max_columns:
        raise _too_many_columns(path, limits, row, len(cells))
    for index, cell in enumerate(cells):
        if isinstance(cell, str) and len(cell) > limits.max_cell_chars:
            raise _cell_too_long(path, limits, row, index, len(cell))


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
        stat = path.stat()
        _check_xlsx_archive(str(path), stat.st_size, stat.st_mtime_ns, current_limits())
        return FileKind.XLSX
    if "opendocument.spreadsheet" in mimetype:
        raise _refuse(path, _("This is an OpenDocument spreadsheet (.ods); save it as XLSX or CSV."))
    if "[Content_Types].xml" in names and any(name.startswith("word/") for name in names):
        raise _refuse(path, _("This is a Word document, not a CSV or XLSX file."))
    raise _refuse(path, _("This is a ZIP archive, not a CSV or XLSX file."))


# What an XLSX archive may hold, checked before openpyxl decompresses anything: the members' declared sizes
# (zipfile never inflates a member past its declared size), their compression ratio, and in every XML
# member the absence of a DTD (XLSX never has one, so no entity can be declared), the nesting depth, and in
# worksheets the declared dimension and the number of rows, counted in the bytes so that a sheet of a
# million empty rows is refused in well under a second.
SMALL_MEMBER_BYTES = 1024 * 1024
DEPTH_SCAN_MAX_BYTES = 16 * 1024 * 1024
ROW_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?row[\s/>]")
DIMENSION_TAG = re.compile(
    rb"<(?:[A-Za-z_][\w.-]*:)?dimension\s+ref=\"\$?([A-Z]{1,3})\$?(\d{1,7})(?::\$?([A-Z]{1,3})\$?(\d{1,7}))?\""
)
DTD_TAG = re.compile(rb"<!(?:DOCTYPE|ENTITY)", re.IGNORECASE)
TAG_OVERLAP = 64


def _column_number(letters: bytes) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + letter - 64
    return number


@functools.lru_cache(maxsize=32)
def _check_xlsx_archive(name: str, size: int, mtime_ns: int, limits: ReaderLimits) -> None:
    """Refuse a workbook whose archive is a bomb or holds XML a spreadsheet never has (cached per file
    version, since detection and reading both call it)."""
    path = Path(name)
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
            total = sum(member.file_size for member in members)
            if total > limits.max_uncompressed_bytes:
                raise _refuse(
                    path,
                    _(
                        "The workbook expands to %(size)s bytes; an import may expand to at most %(limit)s "
                        "(setting IMPORT_MAX_UNCOMPRESSED_BYTES)."
                    )
                    % {"size": f"{total:,}", "limit": f"{limits.max_uncompressed_bytes:,}"},
                )
            for member in members:
                if (
                    member.file_size > SMALL_MEMBER_BYTES
                    and member.file_size > limits.max_compression_ratio * max(member.compress_size, 1)
                ):
                    raise _refuse(
                        path,
                        _(
                            "The workbook part %(part)s expands %(ratio)s times, more than the %(limit)d "
                            "times a spreadsheet does (setting IMPORT_MAX_COMPRESSION_RATIO): it looks like "
                            "a zip bomb."
                        )
                        % {
                            "part": member.filename,
                            "ratio": f"{member.file_size // max(member.compress_size, 1):,}",
                            "limit": limits.max_compression_ratio,
                        },
                    )
            for member in members:
                if member.filename.endswith((".xml", ".rels", ".vml")):
                    _scan_xml_member(path, archive, member, limits)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, NotImplementedError):
        raise _refuse(path, _("The file looks like a ZIP archive but is damaged.")) from None


def _scan_xml_member(
    path: Path, archive: zipfile.ZipFile, member: zipfile.ZipInfo, limits: ReaderLimits
) -> None:
    is_sheet = member.filename.startswith("xl/worksheets/")
    sheet_label = member.filename.rsplit("/", 1)[-1].removesuffix(".xml")
    depth = 0
    parser = None
    if member.file_size <= DEPTH_SCAN_MAX_BYTES:
        parser = expat.ParserCreate()

        def start(_name: str, _attributes: dict[str, str]) -> None:
            nonlocal depth
            depth += 1
            if depth > limits.max_xml_depth:
                raise _refuse(
                    path,
                    _(
                        "The workbook part %(part)s nests its XML deeper than %(limit)d levels (setting "
                        "IMPORT_MAX_XML_DEPTH)."
                    )
                    % {"part": member.filename, "limit": limits.max_xml_depth},
                )

        def end(_name: str) -> None:
            nonlocal depth
            depth -= 1

        parser.StartElementHandler = start
        parser.EndElementHandler = end
    rows = 0
    tail = b""
    first = True
    with archive.open(member) as handle:
        while True:
            chunk = handle.read(CHUNK_BYTES)
            data = tail + chunk
            if DTD_TAG.search(data):
                raise _refuse(
                    path,
                    _(
                        "The workbook part %(part)s declares a DTD or entities, which spreadsheets never "
                        "do; it is refused for safety."
                    )
                    % {"part": member.filename},
                )
            if is_sheet:
                if first:
                    _check_dimension(path, sheet_label, data, limits)
                rows += len(ROW_TAG.findall(data)) - len(ROW_TAG.findall(tail))
                if rows > limits.max_rows:
                    raise _refuse(
                        path,
                        _(
                            "The sheet %(sheet)s has more than %(limit)s rows, the most an import may have "
                            "(setting IMPORT_MAX_ROWS)."
                        )
                        % {"sheet": sheet_label, "limit": f"{limits.max_rows:,}"},
                    )
            if parser is not None:
                try:
                    parser.Parse(chunk, not chunk)
                except expat.ExpatError as error:
                    raise _refuse(
                        path,
                        _("The workbook is damaged: its part %(part)s is not well-formed XML (%(error)s).")
                        % {"part": member.filename, "error": error},
                    ) from None
            if not chunk:
                return
            first = False
            tail = data[-TAG_OVERLAP:]


def _check_dimension(path: Path, sheet_label: str, head: bytes, limits: ReaderLimits) -> None:
    match = DIMENSION_TAG.search(head)
    if match is None:
        return
    last_column, last_row = (match.group(3), match.group(4)) if match.group(3) else match.group(1, 2)
    rows, columns = int(last_row), _column_number(last_column)
    if rows > limits.max_rows or columns > limits.max_columns:
        raise _refuse(
            path,
            _(
                "The sheet %(sheet)s declares %(rows)s rows and %(columns)s columns; an import may have at "
                "most %(max_rows)s rows (setting IMPORT_MAX_ROWS) and %(max_columns)s columns (setting "
                "IMPORT_MAX_COLUMNS)."
            )
            % {
                "sheet": sheet_label,
                "rows": f"{rows:,}",
                "columns": f"{columns:,}",
                "max_rows": f"{limits.max_rows:,}",
                "max_columns": f"{limits.max_columns:,}",
            },
        )


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
    records = csv_records(path, delimiter=None, checked=True)
    try:
        for number, cells in records:
            yield number, [_clean_text(cell) for cell in cells]
    finally:
        records.close()


def csv_records(
    path: Path | str, *, delimiter: str | None = ",", checked: bool = False
) -> Generator[tuple[int, list[str]], None, None]:
    """Every record of a CSV file as ``(record_number, cells)``, cells exactly as written (not stripped).

    For loaders that need the file's own layout (preamble lines, matrices): the file gets the same checks
    and limits as :func:`read_table` (type, encoding, rows, columns, cell length, time), each refused with
    :class:`ImportRejected`. ``delimiter=None`` guesses it from the first line. ``checked``: the caller
    has already run :func:`detect_kind`.
    """
    path = Path(path)
    if not checked and detect_kind(path) is not FileKind.CSV:
        raise _refuse(path, _("This is an XLSX workbook; this format reads CSV files."))
    limits = current_limits()
    lines = _decoded_lines(path, limits.max_line_chars)
    first_line = next(lines, "")
    chosen = delimiter or _delimiter_for(first_line)

    def all_lines() -> Iterator[str]:
        yield first_line
        yield from lines

    if csv.field_size_limit() <= limits.max_cell_chars:
        csv.field_size_limit(limits.max_cell_chars + 1)
    reader = csv.reader(all_lines(), delimiter=chosen, strict=False)
    max_rows, max_columns, max_cell = limits.max_rows, limits.max_columns, limits.max_cell_chars
    record_number = 0
    try:
        while True:
            try:
                cells = next(reader)
            except StopIteration:
                return
            except csv.Error as error:
                if "field larger than field limit" in str(error):
                    raise _cell_too_long(path, limits, record_number + 1, None, None) from None
                raise _refuse(
                    path,
                    _("The CSV is malformed: %(error)s.") % {"error": error},
                    row=record_number + 1,
                ) from None
            record_number += 1
            if record_number > max_rows:
                raise _too_many_rows(path, limits, record_number)
            if len(cells) > max_columns or sum(map(len, cells)) > max_cell:
                _check_cells(path, limits, record_number, cells)
            if not record_number % TIME_CHECK_EVERY:
                check_time(path, record_number)
            yield record_number, cells
    finally:
        lines.close()


def _delimiter_for(header_line: str) -> str:
    """Comma, or semicolon/tab when the header clearly uses them (spreadsheets in many locales do)."""
    counts = {delimiter: header_line.count(delimiter) for delimiter in (",", ";", "\t")}
    best = max(counts, key=lambda delimiter: counts[delimiter])
    return best if counts[best] > counts[","] else ","


def _decoded_lines(path: Path, max_line_chars: int) -> Generator[str, None, None]:
    """Lines of a UTF-8 (or BOM-marked UTF-16) file, each ending with its newline.

    Read by the C text layer for speed; a line longer than ``max_line_chars`` is refused without being
    held whole, and on a decoding error the file is read again by :func:`_located_decoded_lines`, whose
    refusal names the exact byte offset and line.
    """
    with path.open("rb") as raw:
        encoding = "utf-16" if raw.read(2) in UTF16_BOMS else "utf-8-sig"
        raw.seek(0)
        text = io.TextIOWrapper(raw, encoding=encoding, errors="strict", newline="")
        number = 0
        try:
            while line := text.readline(max_line_chars + 1):
                number += 1
                if len(line) > max_line_chars:
                    raise _line_too_long(path, max_line_chars, number)
                yield line
            return
        except UnicodeDecodeError:
            pass
    for _line in _located_decoded_lines(path, max_line_chars):
        pass
    raise _refuse(path, _("The file is not UTF-8."))  # not reached: the located read refuses it


def _line_too_long(path: Path, max_line_chars: int, row: int) -> ImportRejected:
    return _refuse(
        path,
        _(
            "A line is longer than %(limit)s characters; no cell may hold more than %(cell)s "
            "(setting IMPORT_MAX_CELL_CHARS)."
        )
        % {"limit": f"{max_line_chars:,}", "cell": f"{max_line_chars // 64:,}"},
        row=row,
    )


def _located_decoded_lines(path: Path, max_line_chars: int) -> Generator[str, None, None]:
    """Lines of a UTF-8 (or BOM-marked UTF-16) file, read in chunks; anything else is refused at the
    first byte that is not valid UTF-8, naming its offset and line."""
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
                if len(pending) > max_line_chars:
                    raise _line_too_long(path, max_line_chars, newlines_before + 1)
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
    workbook = Workbook(path, checked=True)
    try:
        if sheet is not None and sheet not in workbook.sheetnames:
            raise _refuse(
                path,
                _("The workbook has no sheet named “%(sheet)s”; its sheets are: %(sheets)s.")
                % {"sheet": sheet, "sheets": ", ".join(workbook.sheetnames)},
            )
        for row_number, values in workbook.rows(0 if sheet is None else sheet):
            yield row_number, [_cell_text(value) for value in values]
    finally:
        workbook.close()


class Workbook:
    """An XLSX workbook opened read-only, for loaders that need its own layout (several sheets, header
    rows further down). The archive is checked before anything is decompressed and every sheet is read
    within the limits; a damaged workbook is refused with :class:`ImportRejected`, never a traceback.

    Use as a context manager; values come as openpyxl gives them (numbers stay numbers).
    """

    def __init__(self, path: Path | str, *, checked: bool = False) -> None:
        from openpyxl import load_workbook

        self.path = Path(path)
        if not checked and detect_kind(self.path) is not FileKind.XLSX:
            raise _refuse(self.path, _("This is not an XLSX workbook; this format reads XLSX files."))
        self.limits = current_limits()
        # A file object, not the path: openpyxl would otherwise judge the file by its name's extension.
        self._handle = self.path.open("rb")
        try:
            self._book = load_workbook(self._handle, read_only=True, data_only=True)
        except Exception as error:  # openpyxl raises many types for damaged or foreign workbooks
            self._handle.close()
            raise _refuse(
                self.path, _("The XLSX workbook could not be opened: %(error)s.") % {"error": error}
            ) from None

    def __enter__(self) -> "Workbook":
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.close()

    def close(self) -> None:
        try:
            self._book.close()
        finally:
            self._handle.close()

    @property
    def sheetnames(self) -> list[str]:
        return list(self._book.sheetnames)

    def rows(self, sheet: str | int = 0) -> Generator[tuple[int, tuple[Any, ...]], None, None]:
        """``(row_number, values)`` for every row of a sheet (by name or position), blank rows included."""
        path, limits = self.path, self.limits
        try:
            worksheet = self._book.worksheets[sheet] if isinstance(sheet, int) else self._book[sheet]
        except (IndexError, KeyError):
            raise _refuse(
                path,
                _("The workbook has no sheet “%(sheet)s”; its sheets are: %(sheets)s.")
                % {"sheet": sheet, "sheets": ", ".join(self.sheetnames)},
            ) from None
        rows = worksheet.iter_rows(values_only=True)
        row_number = 0
        while True:
            try:
                values = next(rows)
            except StopIteration:
                return
            except Exception as error:  # lxml, zipfile and openpyxl errors for a damaged sheet
                raise _refuse(
                    path,
                    _("The workbook is damaged and cannot be read past this row: %(error)s.")
                    % {"error": error or type(error).__name__},
                    row=row_number + 1,
                ) from None
            row_number += 1
            if row_number > limits.max_rows:
                raise _too_many_rows(path, limits, row_number)
            _check_cells(path, limits, row_number, values)
            if not row_number % TIME_CHECK_EVERY:
                check_time(path, row_number)
            yield row_number, values


OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def xls_rows(path: Path | str) -> list[list[Any]]:
    """The first sheet of an old-format (97–2003) .xls workbook, for the few publishers' files still in
    that format, within the same limits (the format itself caps a sheet at 65,536 × 256 cells)."""
    import xlrd  # type: ignore[import-untyped]

    path = Path(path)
    limits = current_limits()
    with path.open("rb") as handle:
        if handle.read(len(OLE_SIGNATURE)) != OLE_SIGNATURE:
            raise _refuse(path, _("The file is named .xls but is not an Excel 97–2003 workbook."))
    try:
        book = xlrd.open_workbook(str(path), on_demand=True)
        sheet = book.sheet_by_index(0)
    except Exception as error:  # xlrd raises many unrelated types for damaged files
        raise _refuse(
            path, _("The XLS workbook could not be opened: %(error)s.") % {"error": error}
        ) from None
    if sheet.nrows > limits.max_rows:
        raise _too_many_rows(path, limits, sheet.nrows)
    rows = []
    for index in range(sheet.nrows):
        values = sheet.row_values(index)
        _check_cells(path, limits, index + 1, values)
        rows.append(values)
    book.release_resources()
    return rows


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
