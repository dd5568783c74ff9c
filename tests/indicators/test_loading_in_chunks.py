"""A first load is copied in chunks while a second thread reads the file (PostgreSQL; on SQLite the same
loads take the in-memory path, and the same outcomes are expected).

The chunk size is cut to two rows so that every case below crosses chunk boundaries.
"""

import threading
from pathlib import Path

import pytest
from django.db import connection
from django.utils import translation

from migdev.dataio import limits, readers
from migdev.dataio.errors import ImportRejected
from migdev.dataio.registry import LoadOptions
from migdev.dataio.services import import_file
from migdev.indicators import services
from migdev.indicators.models import Edition, Observation, SeriesCoverage

pytestmark = pytest.mark.django_db

HEADER = "series,edition,area,period,value\n"
AREAS = ("AFG", "ALB", "DZA", "AGO", "ARG", "ARM", "AUS")


@pytest.fixture(autouse=True)
def _two_rows_per_chunk(monkeypatch):
    monkeypatch.setattr(services, "COPY_CHUNK_ROWS", 2)


def _file(tmp_path: Path, lines: list[str], name: str = "edition.csv") -> Path:
    path = tmp_path / name
    path.write_text(HEADER + "".join(lines), encoding="utf-8")
    return path


def _rows(areas=AREAS) -> list[str]:
    return [
        f"migrant-stock,undesa-ims-2024,{area},2020,{1000 + number}\n" for number, area in enumerate(areas)
    ]


def _load(path: Path):
    return import_file(format_name="indicators-edition", path=path, options=LoadOptions(replace=True))


def _reader_threads() -> list[threading.Thread]:
    return [thread for thread in threading.enumerate() if thread.name == "migdev-copy-reader"]


def test_every_row_of_every_chunk_is_stored_once(tmp_path: Path):
    result = _load(_file(tmp_path, _rows()))
    assert result.created == len(AREAS)
    stored = dict(Observation.objects.filter(edition__code="undesa-ims-2024").values_list("area", "value"))
    assert stored == {area: 1000.0 + number for number, area in enumerate(AREAS)}
    coverage = SeriesCoverage.objects.get(
        edition__code="undesa-ims-2024", series__code="migrant-stock", bilateral=False
    )
    assert coverage.observations == len(AREAS)
    assert not _reader_threads()


def test_a_key_repeated_in_a_later_chunk_refuses_the_file_naming_both_rows(tmp_path: Path):
    # rows 2 and 7 of the file hold the same key: the first chunk was already copied when the repeat arrives
    lines = _rows()[:5] + ["migrant-stock,undesa-ims-2024,AFG,2020,5\n"]
    with pytest.raises(ImportRejected) as caught:
        _load(_file(tmp_path, lines))
    assert [(error.row, error.reason) for error in caught.value.errors] == [
        (7, "duplicate of the value in row 2, column E")
    ]
    assert not Observation.objects.filter(edition__code="undesa-ims-2024").exists()
    assert not _reader_threads()


def test_a_reading_error_after_the_first_chunks_leaves_nothing_and_speaks_the_callers_language(
    tmp_path: Path,
):
    # past the text layer's first buffer, so the bad byte is met by the reader thread, many chunks in
    rows = [f"migrant-stock,undesa-ims-2024,AFG,{year},1\n" for year in range(1500, 2000)]
    path = tmp_path / "bad.csv"
    path.write_bytes((HEADER + "".join(rows)).encode() + b"migrant-stock,undesa-ims-2024,\xff,2020,1\n")
    with translation.override("fr"), pytest.raises(ImportRejected) as caught:
        _load(path)
    message = str(caught.value)
    assert "UTF-8" in message and "(ligne 502)" in message
    assert message != _english_message(path), "the reader thread lost the caller's language"
    assert not Observation.objects.filter(edition__code="undesa-ims-2024").exists()
    assert not _reader_threads()


def _english_message(path: Path) -> str:
    with translation.override("en"), pytest.raises(ImportRejected) as caught:
        _load(path)
    return str(caught.value)


class _Clock:
    """A monotonic clock that stands still for its first readings, then jumps an hour at each one."""

    def __init__(self, still: int) -> None:
        self.still = still
        self.now = 0.0

    def monotonic(self) -> float:
        self.still -= 1
        if self.still < 0:
            self.now += 3600.0
        return self.now


def test_the_import_time_limit_still_stops_the_reading(tmp_path: Path, monkeypatch):
    monkeypatch.setattr(readers, "TIME_CHECK_EVERY", 1)
    monkeypatch.setattr(limits, "time", _Clock(still=6))
    with pytest.raises(ImportRejected) as caught:
        _load(_file(tmp_path, _rows()))
    assert "took longer than" in str(caught.value)
    assert caught.value.errors[0].row > 3, "the deadline passed before the reader thread started"
    assert not Observation.objects.filter(edition__code="undesa-ims-2024").exists()
    assert not _reader_threads()


def test_a_first_loads_coverage_counted_while_copying_equals_the_coverage_query(tmp_path: Path, monkeypatch):
    if connection.vendor != "postgresql":
        pytest.skip("the first load's direct COPY, which counts the coverage on the way, is PostgreSQL's")
    tallied: list[list[int]] = []
    summaries = services.CoverageTally.summaries

    def spy(tally, series_ids):
        tallied.append(sorted(series_ids))
        return summaries(tally, series_ids)

    monkeypatch.setattr(services.CoverageTally, "summaries", spy)
    path = tmp_path / "coverage.csv"
    path.write_text(
        "series,edition,area,period,value,counterpart\n"
        # totals: two countries and an aggregate (not a country), one empty value in a year of its own
        "migrant-stock,undesa-ims-2024,AFG,1995,100,\n"
        "migrant-stock,undesa-ims-2024,AFG,2020,200,\n"
        "migrant-stock,undesa-ims-2024,ALB,2005,300,\n"
        "migrant-stock,undesa-ims-2024,900,2010,900,\n"
        "migrant-stock,undesa-ims-2024,DZA,1990,,\n"
        # by partner: one country of residence with three origins, one of them empty
        "migrant-stock,undesa-ims-2024,ARG,2000,5,AFG\n"
        "migrant-stock,undesa-ims-2024,ARG,2015,6,ALB\n"
        "migrant-stock,undesa-ims-2024,ARG,2024,,DZA\n"
        # a second series whose only value is empty: no coverage at all
        "remittance-cost,undesa-ims-2024,AGO,2020,,\n",
        encoding="utf-8",
    )
    _load(path)
    assert tallied, "the first load did not count its coverage while copying"

    def coverage() -> set[tuple]:
        return set(
            SeriesCoverage.objects.filter(edition__code="undesa-ims-2024").values_list(
                "series__code", "bilateral", "first_year", "last_year", "observations", "countries"
            )
        )

    counted = coverage()
    assert counted == {
        ("migrant-stock", False, 1995, 2020, 4, 2),
        ("migrant-stock", True, 2000, 2015, 2, 1),
    }
    edition = Edition.objects.get(code="undesa-ims-2024")
    services.coverage_refresh(
        edition=edition,
        series_ids=Observation.objects.filter(edition=edition).values_list("series", flat=True),
    )
    assert coverage() == counted
