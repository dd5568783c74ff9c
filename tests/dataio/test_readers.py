import csv
import datetime
import io
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from migdev.dataio.errors import ImportRejected
from migdev.dataio.readers import CHUNK_BYTES, FileKind, detect_kind, estimate_data_rows, read_table

WriteFile = Callable[..., Path]
COLUMNS = {"name", "kind"}

PNG_BYTES = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)


def rows_of(path: Path, **kwargs: object) -> list[tuple[int, dict[str, str | None]]]:
    kwargs.setdefault("required", COLUMNS)
    return list(read_table(path, **kwargs))  # type: ignore[arg-type]


def rejection_of(path: Path, **kwargs: object) -> ImportRejected:
    with pytest.raises(ImportRejected) as caught:
        rows_of(path, **kwargs)
    return caught.value


def xlsx_file(path: Path, rows: list[list[object]], sheet_title: str = "Sheet") -> Path:
    workbook = Workbook()
    worksheet = workbook.active
    assert worksheet is not None
    worksheet.title = sheet_title
    for row in rows:
        worksheet.append(row)
    workbook.save(path)
    return path


def test_reads_csv_rows_numbered_like_a_spreadsheet(write_file: WriteFile) -> None:
    path = write_file("orgs.csv", "name,kind\nAlpha, ngo \nBeta,\n")
    assert rows_of(path) == [(2, {"name": "Alpha", "kind": "ngo"}), (3, {"name": "Beta", "kind": None})]


def test_utf8_bom_is_accepted_and_not_part_of_the_first_header(write_file: WriteFile) -> None:
    path = write_file("bom.csv", "\ufeffname,kind\nÉtoile,ngo\n")
    assert rows_of(path) == [(2, {"name": "Étoile", "kind": "ngo"})]


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be"])
def test_utf16_with_a_bom_is_accepted(write_file: WriteFile, encoding: str) -> None:
    text = "name,kind\nNiño,ngo\n"
    content = text.encode(encoding) if encoding == "utf-16" else b"\xfe\xff" + text.encode(encoding)
    path = write_file("excel-unicode.csv", content)
    assert rows_of(path) == [(2, {"name": "Niño", "kind": "ngo"})]


def test_latin1_file_is_refused_naming_file_offset_and_line(write_file: WriteFile) -> None:
    path = write_file("latin.csv", "name,kind\nAlpha,ngo\nCaf\u00e9,ngo\n", encoding="latin-1")
    rejection = rejection_of(path)
    error = rejection.errors[0]
    assert error.file == "latin.csv"
    assert "not UTF-8" in error.reason
    assert "0xE9" in error.reason
    bad_offset = len(b"name,kind\nAlpha,ngo\nCaf")
    assert f"offset {bad_offset}" in error.reason
    assert "line 3" in error.reason


def test_bad_byte_far_into_the_file_is_located_exactly(write_file: WriteFile) -> None:
    # Put a two-byte character across the first chunk boundary, then a bad byte in the second chunk.
    header = "name,kind\n"
    filler_rows = (CHUNK_BYTES // 20) + 10
    body = "".join(f"org{i:08d},ngo\n" for i in range(filler_rows))
    prefix = (header + body).encode()
    cut = CHUNK_BYTES - 1
    content = prefix[:cut] + "é".encode() + prefix[cut:] + b"Bad\xffname,ngo\n"
    path = write_file("long.csv", content)
    error = rejection_of(path).errors[0]
    bad_offset = content.index(b"\xff")
    assert f"offset {bad_offset}" in error.reason
    line = content[:bad_offset].count(b"\n") + 1
    assert f"line {line}" in error.reason
    assert "0xFF" in error.reason


def test_missing_required_columns_are_listed(write_file: WriteFile) -> None:
    path = write_file("missing.csv", "name\nAlpha\n")
    rejection = rejection_of(path)
    assert [(e.row, e.column) for e in rejection.errors] == [(1, None)]
    assert "“kind”" in rejection.errors[0].reason


def test_unknown_extra_columns_are_listed(write_file: WriteFile) -> None:
    path = write_file("extra.csv", "name,kind,colour,size\nAlpha,ngo,red,big\n")
    reason = rejection_of(path, optional={"acronym"}).errors[0].reason
    assert "“colour”" in reason and "“size”" in reason
    assert "acronym" in reason  # tells the user what is expected


def test_duplicate_headers_are_refused(write_file: WriteFile) -> None:
    path = write_file("dup.csv", "name,kind,Name\nA,ngo,B\n")
    error = rejection_of(path).errors[0]
    assert error.row == 1 and error.column == "Name"
    assert "columns 1 and 3" in error.reason


@pytest.mark.parametrize("content", [b"", b"\xef\xbb\xbf", b"\n\n  \r\n", b"\xff\xfe"])
def test_empty_file_is_refused(write_file: WriteFile, content: bytes) -> None:
    path = write_file("empty.csv", content)
    assert "empty" in rejection_of(path).errors[0].reason


def test_header_only_file_has_no_rows(write_file: WriteFile) -> None:
    assert rows_of(write_file("header.csv", "name,kind\n")) == []


def test_png_renamed_csv_is_refused_as_a_png(write_file: WriteFile) -> None:
    error = rejection_of(write_file("photo.csv", PNG_BYTES)).errors[0]
    assert error.file == "photo.csv"
    assert "PNG image" in error.reason


def test_other_binary_is_refused(write_file: WriteFile) -> None:
    assert "binary" in rejection_of(write_file("data.csv", b"name\x00kind\x00\x01\x02")).errors[0].reason


def test_xlsx_named_csv_is_refused(write_file: WriteFile, tmp_path: Path) -> None:
    path = xlsx_file(tmp_path / "book.xlsx", [["name", "kind"], ["A", "ngo"]])
    renamed = path.rename(tmp_path / "book.csv")
    assert "XLSX workbook" in rejection_of(renamed).errors[0].reason


def test_text_named_xlsx_is_refused(write_file: WriteFile) -> None:
    assert "not an XLSX" in rejection_of(write_file("book.xlsx", "name,kind\nA,ngo\n")).errors[0].reason


def test_other_zip_is_refused(tmp_path: Path) -> None:
    import zipfile

    path = tmp_path / "archive.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("readme.txt", "hello")
    assert "ZIP archive" in rejection_of(path).errors[0].reason


def test_type_comes_from_content_when_the_name_says_nothing(tmp_path: Path) -> None:
    path = xlsx_file(tmp_path / "upload", [["name", "kind"], ["A", "ngo"]])
    assert detect_kind(path) is FileKind.XLSX
    assert rows_of(path) == [(2, {"name": "A", "kind": "ngo"})]


def test_reads_xlsx_cells_as_text(tmp_path: Path) -> None:
    path = xlsx_file(
        tmp_path / "types.xlsx",
        [
            ["Name", "Kind", "count", "share", "when", "flag"],
            ["  Alpha ", "ngo", 12, 0.25, datetime.datetime(2024, 5, 1), True],
            [None, None, None, None, None, None],
            ["Beta", "ngo", 3.0, None, datetime.datetime(2024, 5, 1, 13, 30), False],
        ],
    )
    rows = rows_of(path, optional={"count", "share", "when", "flag"})
    assert rows == [
        (
            2,
            {
                "name": "Alpha",
                "kind": "ngo",
                "count": "12",
                "share": "0.25",
                "when": "2024-05-01",
                "flag": "TRUE",
            },
        ),
        (
            4,
            {
                "name": "Beta",
                "kind": "ngo",
                "count": "3",
                "share": None,
                "when": "2024-05-01T13:30:00",
                "flag": "FALSE",
            },
        ),
    ]


def test_xlsx_sheet_is_chosen_by_name(tmp_path: Path) -> None:
    workbook = Workbook()
    first = workbook.active
    assert first is not None
    first.append(["something", "else"])
    second = workbook.create_sheet("Organisations")
    second.append(["name", "kind"])
    second.append(["A", "ngo"])
    path = tmp_path / "two.xlsx"
    workbook.save(path)
    assert rows_of(path, sheet="Organisations") == [(2, {"name": "A", "kind": "ngo"})]
    assert "Organisations" in rejection_of(path, sheet="Missing").errors[0].reason


def test_blank_rows_are_skipped_but_keep_their_numbers(write_file: WriteFile) -> None:
    path = write_file("blank.csv", "\nname,kind\nA,ngo\n,\n\nB,ngo")
    assert [number for number, _row in rows_of(path)] == [3, 6]


def test_quoted_multiline_cell_counts_as_one_row(write_file: WriteFile) -> None:
    path = write_file("multi.csv", 'name,kind\n"Line one\nline two",ngo\nC,ngo\n')
    assert rows_of(path) == [
        (2, {"name": "Line one\nline two", "kind": "ngo"}),
        (3, {"name": "C", "kind": "ngo"}),
    ]


def test_semicolon_separated_files_are_read(write_file: WriteFile) -> None:
    path = write_file("fr.csv", "name;kind\nOrganisation, Paris;ngo\n")
    assert rows_of(path) == [(2, {"name": "Organisation, Paris", "kind": "ngo"})]


def test_headers_match_regardless_of_case_and_spaces(write_file: WriteFile) -> None:
    path = write_file("case.csv", " NAME ,Kind\nA,ngo\n")
    assert rows_of(path, optional={"acronym"}) == [(2, {"name": "A", "kind": "ngo", "acronym": None})]


def test_value_under_a_headerless_column_is_refused(write_file: WriteFile) -> None:
    error = rejection_of(write_file("stray.csv", "name,kind\nA,ngo\nB,ngo,surprise\n")).errors[0]
    assert error.row == 3
    assert "column 3" in error.reason


def test_estimate_counts_data_rows(write_file: WriteFile, tmp_path: Path) -> None:
    assert estimate_data_rows(write_file("a.csv", "name,kind\nA,ngo\nB,ngo")) == 2
    assert estimate_data_rows(write_file("b.csv", "name,kind\nA,ngo\nB,ngo\n")) == 2
    assert estimate_data_rows(xlsx_file(tmp_path / "c.xlsx", [["name", "kind"], ["A", "ngo"]])) == 1


cell_text = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=30)


@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None)
@given(rows=st.lists(st.tuples(cell_text, cell_text), min_size=1, max_size=15))
def test_csv_round_trip(tmp_path: Path, rows: list[tuple[str, str]]) -> None:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer)
    writer.writerow(["name", "kind"])
    writer.writerows(rows)
    path = tmp_path / "round.csv"
    path.write_text(buffer.getvalue(), encoding="utf-8", newline="")

    def expected(value: str) -> str | None:
        return value.strip() or None

    wanted = [
        {"name": expected(name), "kind": expected(kind)}
        for name, kind in rows
        if expected(name) is not None or expected(kind) is not None
    ]
    assert [row for _number, row in read_table(path, required=COLUMNS)] == wanted


def test_reading_a_100_mb_csv_keeps_memory_flat(tmp_path: Path) -> None:
    import time
    import tracemalloc

    path = tmp_path / "big.csv"
    padding = "x" * 2000  # long rows keep the row count, and so the run time, down
    block = "".join(f"Organisation {i:07d},ngo,{padding}\n" for i in range(10_000)).encode()
    with path.open("wb") as handle:
        handle.write(b"name,kind,notes\n")
        while handle.tell() < 100 * 1024 * 1024:
            handle.write(block)
    size = path.stat().st_size
    started = time.monotonic()
    tracemalloc.start()
    try:
        count = 0
        last_row: dict[str, str | None] = {}
        for _number, row in read_table(path, required=COLUMNS, optional={"notes"}):
            count += 1
            last_row = row
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert size >= 100 * 1024 * 1024
    assert count == (size - len(b"name,kind,notes\n")) // len(block) * 10_000
    assert last_row["kind"] == "ngo"
    assert peak < 50 * 1024 * 1024, f"peak {peak / 1e6:.1f} MB while reading {size / 1e6:.0f} MB"
    assert time.monotonic() - started < 120
