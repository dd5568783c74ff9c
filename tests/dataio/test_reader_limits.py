"""One test per reader limit: past it, the file is refused with a message naming the limit's setting."""

import time
import zipfile
from pathlib import Path
from typing import Any

import pytest

from migdev.dataio import limits
from migdev.dataio.errors import ImportRejected
from migdev.dataio.readers import Workbook, csv_records, detect_kind, read_table
from migdev.dataio.registry import ImportResult
from migdev.dataio.services import import_file
from tests.dataio.badfiles import SAMPLES, xlsx_bomb, xlsx_bytes


def _refusal(call: Any) -> str:
    with pytest.raises(ImportRejected) as caught:
        call()
    return caught.value.errors[0].reason


def _csv(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "table.csv"
    path.write_text(text, encoding="utf-8")
    return path


def _xlsx(tmp_path: Path, rows: list[list[object]]) -> Path:
    path = tmp_path / "table.xlsx"
    path.write_bytes(xlsx_bytes({"Sheet": rows}))
    return path


def _read_all(path: Path) -> list[Any]:
    return list(read_table(path, required={"a"}, optional={"b", "c"}))


@pytest.mark.django_db
def test_file_size(settings: Any, tmp_path: Path) -> None:
    settings.IMPORT_MAX_BYTES = 10
    path = _csv(tmp_path, "name,kind\nAcme,ngo\n")
    assert "largest accepted" in _refusal(lambda: import_file(format_name="organisations-csv", path=path))


def test_rows(settings: Any, tmp_path: Path) -> None:
    settings.IMPORT_MAX_ROWS = 3
    path = _csv(tmp_path, "a\n1\n2\n3\n")
    assert "IMPORT_MAX_ROWS" in _refusal(lambda: _read_all(path))
    settings.IMPORT_MAX_ROWS = 4
    assert len(_read_all(path)) == 3


def test_rows_of_a_workbook(settings: Any, tmp_path: Path) -> None:
    settings.IMPORT_MAX_ROWS = 3
    path = _xlsx(tmp_path, [["a"], [1], [2], [3]])
    assert "IMPORT_MAX_ROWS" in _refusal(lambda: _read_all(path))


def test_columns(settings: Any, tmp_path: Path) -> None:
    settings.IMPORT_MAX_COLUMNS = 3
    path = _csv(tmp_path, "a,b,c\n1,2,3,4\n")
    assert "IMPORT_MAX_COLUMNS" in _refusal(lambda: list(csv_records(path)))


def test_cell_length(settings: Any, tmp_path: Path) -> None:
    settings.IMPORT_MAX_CELL_CHARS = 10
    path = _csv(tmp_path, "a,b\nshort," + "x" * 11 + "\n")
    with pytest.raises(ImportRejected) as caught:
        _read_all(path)
    [error] = caught.value.errors
    assert (error.row, error.column) == (2, "B")
    assert "IMPORT_MAX_CELL_CHARS" in error.reason


def test_cell_length_in_a_workbook(settings: Any, tmp_path: Path) -> None:
    settings.IMPORT_MAX_CELL_CHARS = 10
    path = _xlsx(tmp_path, [["a"], ["x" * 11]])
    assert "IMPORT_MAX_CELL_CHARS" in _refusal(lambda: _read_all(path))


def test_a_field_past_pythons_csv_limit_is_a_clear_error(tmp_path: Path) -> None:
    path = _csv(tmp_path, 'a\n"' + "x" * 200_000 + '"\n')
    assert "IMPORT_MAX_CELL_CHARS" in _refusal(lambda: _read_all(path))


def test_a_line_without_end_is_not_held_whole(settings: Any, tmp_path: Path) -> None:
    settings.IMPORT_MAX_CELL_CHARS = 100
    path = _csv(tmp_path, "a\n" + "x" * 10_000)
    assert "longer than 6,400 characters" in _refusal(lambda: _read_all(path))


def test_uncompressed_size_of_a_workbook(settings: Any, tmp_path: Path) -> None:
    path = _xlsx(tmp_path, [["a"], [1]])
    settings.IMPORT_MAX_UNCOMPRESSED_BYTES = 1000
    assert "IMPORT_MAX_UNCOMPRESSED_BYTES" in _refusal(lambda: detect_kind(path))


def test_compression_ratio_of_a_workbook(settings: Any, tmp_path: Path) -> None:
    settings.IMPORT_MAX_ROWS = 10_000_000  # so that the ratio, not the rows, is what refuses it
    path = xlsx_bomb(tmp_path, SAMPLES["htcds-xlsx"], rows=200_000)
    settings.IMPORT_MAX_COMPRESSION_RATIO = 5
    assert "IMPORT_MAX_COMPRESSION_RATIO" in _refusal(lambda: detect_kind(path))


def test_declared_dimension_of_a_sheet(tmp_path: Path) -> None:
    path = xlsx_bomb(tmp_path, SAMPLES["htcds-xlsx"], rows=10)
    reason = _refusal(lambda: detect_kind(path))
    assert "declares 1,048,576 rows and 16,384 columns" in reason


def test_an_xlsx_bomb_of_empty_rows_is_refused_fast(tmp_path: Path) -> None:
    path = xlsx_bomb(tmp_path, SAMPLES["htcds-xlsx"])
    assert path.stat().st_size < 400_000
    started = time.monotonic()
    with pytest.raises(ImportRejected):
        _read_all(path)
    assert time.monotonic() - started < 10


def test_rows_are_counted_in_the_archive_when_no_dimension_is_declared(settings: Any, tmp_path: Path) -> None:
    settings.IMPORT_MAX_ROWS = 1000
    source = xlsx_bomb(tmp_path, SAMPLES["htcds-xlsx"], rows=5000)
    path = _rewrite_sheet(
        source, tmp_path / "nodim.xlsx", lambda xml: xml.replace(b'<dimension ref="A1:XFD1048576"/>', b"")
    )
    assert "has more than 1,000 rows" in _refusal(lambda: detect_kind(path))


def _rewrite_sheet(source: Path, target: Path, change: Any) -> Path:
    with zipfile.ZipFile(source) as original, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as copy:
        for member in original.infolist():
            data = original.read(member)
            copy.writestr(member, change(data) if member.filename.endswith("sheet1.xml") else data)
    return target


def test_xml_depth(settings: Any, tmp_path: Path) -> None:
    settings.IMPORT_MAX_XML_DEPTH = 20
    source = _xlsx(tmp_path, [["a"], [1]])
    deep = b"<x>" * 30 + b"</x>" * 30
    path = _rewrite_sheet(
        source, tmp_path / "deep.xlsx", lambda xml: xml.replace(b"<sheetData>", b"<sheetData>" + deep)
    )
    assert "IMPORT_MAX_XML_DEPTH" in _refusal(lambda: detect_kind(path))


def test_xml_entities(tmp_path: Path) -> None:
    source = _xlsx(tmp_path, [["a"], [1]])
    laughs = b'<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;">]>'
    path = _rewrite_sheet(
        source, tmp_path / "laughs.xlsx", lambda xml: xml.replace(b"<worksheet", laughs + b"<worksheet", 1)
    )
    assert "declares a DTD or entities" in _refusal(lambda: detect_kind(path))


def test_time(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    path = _csv(tmp_path, "a\n" + "1\n" * 5000)
    clock = iter(range(0, 10**6, 100))
    monkeypatch.setattr(limits.time, "monotonic", lambda: float(next(clock)))
    with limits.time_limit(seconds=60):
        assert "IMPORT_MAX_SECONDS" in _refusal(lambda: _read_all(path))


@pytest.mark.django_db
def test_time_through_the_runner(settings: Any, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    settings.IMPORT_MAX_SECONDS = 60
    clock = iter(range(0, 10**6, 100))
    monkeypatch.setattr(limits.time, "monotonic", lambda: float(next(clock)))
    path = _csv(tmp_path, "name,kind\n" + "Acme,ngo\n" * 3000)
    assert "IMPORT_MAX_SECONDS" in _refusal(lambda: import_file(format_name="organisations-csv", path=path))


@pytest.mark.django_db
def test_memory(temporary_format: Any, tmp_path: Path) -> None:
    """A load that needs more memory than allowed is refused, and the cap is lifted afterwards."""

    def greedy(path: Path, **_kwargs: Any) -> ImportResult:
        hoard = bytearray(512 * 1024 * 1024)
        return ImportResult(read=len(hoard), created=0, updated=0, rejected=0)

    temporary_format("greedy", greedy)
    path = _csv(tmp_path, "a\n1\n")
    with limits.memory_limit(64 * 1024 * 1024):
        reason = _refusal(lambda: import_file(format_name="greedy", path=path))
    assert "IMPORT_MAX_MEMORY_BYTES" in reason
    assert len(bytearray(512 * 1024 * 1024)) > 0


def test_a_workbook_reader_refuses_a_damaged_sheet(tmp_path: Path) -> None:
    source = _xlsx(tmp_path, [["a"], [1], [2]])
    path = _rewrite_sheet(source, tmp_path / "damaged.xlsx", lambda xml: xml[: len(xml) // 2])
    reason = _refusal(lambda: list(Workbook(path).rows(0)))
    assert "damaged" in reason
