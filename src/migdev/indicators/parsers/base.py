"""Records produced by the parsers, and the rules shared by all of them."""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

TOTAL = "_T"

# What publishers write for "no value": DESA "..", DESA refugees "~", WDI "", R extracts "NA".
MISSING_MARKERS = frozenset({"", "..", "~", "NA", "n.a.", "-", "…"})

STATUS_MISSING = "M"
STATUS_ESTIMATE = "E"


@dataclass(slots=True)  # not frozen: a frozen dataclass's __init__ costs several microseconds a row
class ParsedObservation:
    series: str
    area: str
    period: str
    value: float | None
    row: int
    column: str
    is_aggregate: bool = False
    counterpart: str = TOTAL
    sex: str = TOTAL
    age: str = TOTAL
    migratory_status: str = TOTAL
    unit_mult: int = 0
    status: str = ""
    footnote: str = ""

    @property
    def year(self) -> int:
        return int(self.period[:4])

    @property
    def key(self) -> tuple[str, str, str, str, str, str, str]:
        return (
            self.series,
            self.area,
            self.counterpart,
            self.period,
            self.sex,
            self.age,
            self.migratory_status,
        )


# One observation as a plain tuple, for formats with millions of rows (building a tuple costs far less
# than building an object): (row, series, area, is_aggregate, counterpart, period, year, sex, age,
# migratory_status, value, unit_mult, status, footnote).
ObservationRow = tuple[int, str, str, bool, str, str, int, str, str, str, float | None, int, str, str]


@dataclass(frozen=True, slots=True)
class ParseIssue:
    file: str
    row: int
    column: str
    reason: str

    def __str__(self) -> str:
        return f"{self.file}, row {self.row}, column {self.column}: {self.reason}"


@dataclass(frozen=True)
class EditionInfo:
    source: str
    code: str
    title: str
    published: date
    kind: str = "official"
    notes: str = ""


@dataclass
class ParsedFile:
    edition: EditionInfo
    observations: list[ParsedObservation] = field(default_factory=list)
    # Formats read as a stream set this instead of ``observations``; it is consumed once, by the load.
    stream: Iterator[ParsedObservation] | None = None
    # Or, for large files, a stream of plain rows; ``rows_column`` is the column of every row's value.
    rows: Iterator[ObservationRow] | None = None
    rows_column: str = ""
    # Reads the file again from the start (a stream can be consumed only once).
    reopen: Callable[[], ParsedFile] | None = None
    issues: list[ParseIssue] = field(default_factory=list)
    aggregate_names: dict[str, str] = field(default_factory=dict)
    rows_read: int = 0
    rows_skipped: int = 0  # rows the format defines as carrying no area value (e.g. unallocated totals)

    def iter_observations(self) -> Iterator[ParsedObservation]:
        if self.rows is not None:
            return self._observations_from_rows(self.rows)
        return self.stream if self.stream is not None else iter(self.observations)

    def _observations_from_rows(self, rows: Iterator[ObservationRow]) -> Iterator[ParsedObservation]:
        column = self.rows_column
        for (
            row,
            series,
            area,
            aggregate,
            counterpart,
            period,
            _year,
            sex,
            age,
            migratory,
            value,
            mult,
            status,
            footnote,
        ) in rows:
            yield ParsedObservation(
                series=series,
                area=area,
                period=period,
                value=value,
                row=row,
                column=column,
                is_aggregate=aggregate,
                counterpart=counterpart,
                sex=sex,
                age=age,
                migratory_status=migratory,
                unit_mult=mult,
                status=status,
                footnote=footnote,
            )

    def duplicate_issues(self, file: str) -> list[ParseIssue]:
        seen: dict[tuple[str, ...], ParsedObservation] = {}
        issues = []
        for observation in self.observations:
            earlier = seen.get(observation.key)
            if earlier is not None:
                issues.append(
                    ParseIssue(
                        file,
                        observation.row,
                        observation.column,
                        f"duplicate of the value in row {earlier.row}, column {earlier.column}",
                    )
                )
            else:
                seen[observation.key] = observation
        return issues


class ParseError(Exception):
    """The file cannot be read as the expected format at all."""

    def __init__(self, issues: list[ParseIssue]):
        super().__init__("; ".join(str(issue) for issue in issues[:5]))
        self.issues = issues


PLAIN_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")


def cell_number(raw: Any, *, thousands: str = "", decimal: str = ".") -> tuple[float | None, bool]:
    """(value, ok): missing markers give (None, True); text that is not a number gives (None, False).

    Text is read strictly: digits with a point for decimals. A format whose files write numbers otherwise
    declares it (``thousands=","``, ``decimal=","``); anything else, such as "1,5" or "1 500" in a plain
    number column, is not a number, because guessing could store 15 for 1.5.
    """
    if raw is None:
        return None, True
    if isinstance(raw, bool):
        return None, False
    if isinstance(raw, int | float):
        if isinstance(raw, float) and math.isnan(raw):
            return None, True
        return float(raw), True
    text = str(raw).strip()
    if text in MISSING_MARKERS:
        return None, True
    if thousands:
        text = text.replace(thousands, "")
    if decimal != ".":
        text = text.replace(decimal, ".")
    if not PLAIN_NUMBER.fullmatch(text):
        return None, False
    number = float(text)
    if math.isinf(number):
        return None, False
    return number, True


def not_a_number(raw: Any) -> str:
    text = str(raw)[:40]
    if "," in text or " " in text.strip() or "\u00a0" in text:
        return (
            f"{text!r} is not a number: this format writes numbers with a decimal point and no thousands "
            "separators or spaces"
        )
    return f"{text!r} is not a number"


def column_letter(index: int) -> str:
    """Spreadsheet column name for a 0-based index (0 → A, 26 → AA)."""
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


def read_csv_rows(path: Path, *, skip_lines: int = 0) -> Iterator[tuple[int, list[str]]]:
    """Rows with their 1-based line numbers, read by the shared reader (UTF-8 with or without BOM, or
    UTF-16 with BOM): encoding, size and time problems are refused with ``ImportRejected``, never a
    traceback."""
    from migdev.dataio.readers import csv_records

    records = csv_records(path, delimiter=",")
    try:
        for number, row in records:
            if number > skip_lines:
                yield number, row
    finally:
        records.close()


def sniff_csv_header(path: Path, *, skip_lines: int = 0) -> list[str]:
    return next((row for _number, row in read_csv_rows(path, skip_lines=skip_lines)), [])


def observation_or_missing(
    *,
    series: str,
    area: str,
    period: str,
    raw: Any,
    row: int,
    column: str,
    file: str,
    issues: list[ParseIssue],
    **extra: Any,
) -> ParsedObservation | None:
    """A value, a missing value (never zero), or None with an issue recorded for unreadable text."""
    value, ok = cell_number(raw)
    if not ok:
        issues.append(ParseIssue(file, row, column, not_a_number(raw)))
        return None
    status = extra.pop("status", "")
    if value is None:
        status = STATUS_MISSING
    return ParsedObservation(
        series=series, area=area, period=period, value=value, row=row, column=column, status=status, **extra
    )
