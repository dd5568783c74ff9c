"""UN WPP net migration, national net-migration statistics, UNHCR refugees, RPW corridor costs,
the SDG series constraints, and the platform's own long CSV format."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from itertools import chain
from pathlib import Path
from typing import Any

from migdev.indicators.areas import (
    NON_AREA_ORIGINS,
    UNKNOWN_ORIGIN,
    is_aggregate_code,
    is_country,
    normalise_code,
)
from migdev.indicators.parsers.base import (
    MISSING_MARKERS,
    STATUS_MISSING,
    TOTAL,
    EditionInfo,
    ObservationRow,
    ParsedFile,
    ParseError,
    ParseIssue,
    cell_number,
    column_letter,
    observation_or_missing,
    read_csv_rows,
)

WPP_2024 = EditionInfo(
    source="undesa-wpp",
    code="undesa-wpp-2024",
    title="World Population Prospects 2024",
    published=date(2024, 7, 11),
)
NATIONAL_NET_MIGRATION = EditionInfo(
    source="national-statistics",
    code="national-net-migration-2025",
    title="Net migration from national statistical offices (compiled, gap-filled with WPP)",
    published=date(2025, 5, 26),
    kind="compiled",
    notes="Compiled in ThGaskin/Migration_flows from about 30 national statistical offices.",
)
UNHCR_2020 = EditionInfo(
    source="unhcr",
    code="unhcr-refugees-2020",
    title="UNHCR Refugee Data Finder, end-2020 (bilateral extract)",
    published=date(2021, 6, 18),
    kind="derived",
    notes="Extract by origin × asylum country (guyabel/stepladderChapter); 2019 is absent.",
)
NET_MIGRATION_COLUMNS = ("Year", "Country ISO", "Net Number of Migrants")


def _parse_net_migration(path: Path, edition: EditionInfo) -> ParsedFile:
    file = path.name
    parsed = ParsedFile(edition=edition)
    rows = read_csv_rows(path)
    try:
        _, header = next(rows)
    except StopIteration:
        raise ParseError([ParseIssue(file, 1, "A", "the file is empty")]) from None
    positions = {name.strip(): index for index, name in enumerate(header)}
    missing = [name for name in NET_MIGRATION_COLUMNS if name not in positions]
    if missing:
        raise ParseError([ParseIssue(file, 1, "", f"columns missing: {', '.join(missing)}")])
    year_at, area_at, value_at = (positions[name] for name in NET_MIGRATION_COLUMNS)
    for line, row in rows:
        if not any(cell.strip() for cell in row):
            continue
        parsed.rows_read += 1
        area = row[area_at].strip().upper()
        aggregate = is_aggregate_code(area)
        if not aggregate and not is_country(area):
            parsed.issues.append(
                ParseIssue(file, line, column_letter(area_at), f"unknown country code {area!r}")
            )
            continue
        year, ok = cell_number(row[year_at])
        if not ok or year is None or year != int(year):
            parsed.issues.append(
                ParseIssue(file, line, column_letter(year_at), f"{row[year_at]!r} is not a year")
            )
            continue
        observation = observation_or_missing(
            series="net-migration",
            area=area,
            period=str(int(year)),
            raw=row[value_at],
            row=line,
            column=column_letter(value_at),
            file=file,
            issues=parsed.issues,
            is_aggregate=aggregate,
        )
        if observation is not None:
            parsed.observations.append(observation)
    return parsed


def parse_wpp_net_migration(path: Path) -> ParsedFile:
    """``UN_WPP_2024_net_migration.csv``: net number of migrants by ISO3 and year."""
    return _parse_net_migration(path, WPP_2024)


def parse_national_net_migration(path: Path) -> ParsedFile:
    """``Net_migration_national_statistics.csv``: same layout, national statistical offices."""
    return _parse_net_migration(path, NATIONAL_NET_MIGRATION)


def parse_unhcr_bilateral(path: Path) -> ParsedFile:
    """``unhcr_2020.csv``: ``year,orig,dest,refugees,asylum_seekers``.

    Zero cells are stored as zeros: a country whose refugees fell to none must show that year's 0 as its
    latest value, not the last year it had any (UNHCR publishes 0 for Tuvalu's 2020).
    """
    file = path.name
    parsed = ParsedFile(edition=UNHCR_2020)
    rows = read_csv_rows(path)
    try:
        _, header = next(rows)
    except StopIteration:
        raise ParseError([ParseIssue(file, 1, "A", "the file is empty")]) from None
    expected = ["year", "orig", "dest", "refugees", "asylum_seekers"]
    if [name.strip() for name in header] != expected:
        raise ParseError([ParseIssue(file, 1, "A", f"expected the columns {', '.join(expected)}")])
    for line, row in rows:
        if len(row) < 5 or not row[0].strip():
            continue
        parsed.rows_read += 1
        year, origin, asylum = row[0].strip(), row[1].strip().upper(), row[2].strip().upper()
        footnote = ""
        if not origin and not asylum:
            parsed.rows_skipped += 1  # 1995–1999 asylum-seekers allocated to no country at all
            continue
        if not origin:
            origin, footnote = UNKNOWN_ORIGIN, "Origin not stated in the source"
        if not year.isdigit():
            parsed.issues.append(ParseIssue(file, line, "A", f"{year!r} is not a year"))
            continue
        if not is_country(asylum):
            parsed.issues.append(ParseIssue(file, line, "C", f"unknown country of asylum {asylum!r}"))
            continue
        if not is_country(origin) and origin not in NON_AREA_ORIGINS:
            parsed.issues.append(ParseIssue(file, line, "B", f"unknown country of origin {origin!r}"))
            continue
        for index, series in ((3, "refugees"), (4, "asylum-seekers")):
            observation = observation_or_missing(
                series=series,
                area=asylum,
                counterpart=origin,
                period=year,
                raw=row[index],
                row=line,
                column=column_letter(index),
                file=file,
                issues=parsed.issues,
                footnote=footnote,
            )
            if observation is not None:
                parsed.observations.append(observation)
    return parsed


def parse_rpw_corridors(path: Path) -> ParsedFile:
    """World Bank DataBank export of RPW corridor average total cost (% of USD 200), quarterly.

    Stored as remittance-cost with area = receiving country, counterpart = sending country.
    """
    file = path.name
    all_rows = list(read_csv_rows(path))
    if not all_rows or not all_rows[0][1][:2] or "Sending Countries Code" not in all_rows[0][1]:
        raise ParseError([ParseIssue(file, 1, "A", "expected a DataBank RPW corridor export")])
    updated = next(
        (
            match.group(0)
            for _, row in all_rows[-6:]
            for cell in row[:1]
            if (match := re.search(r"\d{1,2}/\d{1,2}/\d{4}", cell))
        ),
        None,
    )
    published = date(2020, 12, 7)
    if updated:
        month, day, year = (int(part) for part in updated.split("/"))
        published = date(year, month, day)
    edition = EditionInfo(
        source="worldbank-rpw",
        code=f"worldbank-rpw-corridors-{published.isoformat()}",
        title=f"Remittance Prices Worldwide, corridor averages (updated {published.isoformat()})",
        published=published,
    )
    parsed = ParsedFile(edition=edition)
    header = all_rows[0][1]
    positions = {name.strip(): index for index, name in enumerate(header)}
    sending_at = positions["Sending Countries Code"]
    receiving_at = next(
        index
        for name, index in positions.items()
        if name.startswith("Receiving Countries") and name.endswith("Code")
    )
    periods = []
    for index, name in enumerate(header):
        match = re.match(r"(\d{4})Q([1-4])", name.strip())
        if match:
            periods.append((index, f"{match.group(1)}-Q{match.group(2)}"))
    for line, row in all_rows[1:]:
        if len(row) <= receiving_at or not row[sending_at].strip():
            continue
        parsed.rows_read += 1
        sending, receiving = normalise_code(row[sending_at]), normalise_code(row[receiving_at])
        for code, column in ((sending, sending_at), (receiving, receiving_at)):
            if not is_country(code):
                parsed.issues.append(
                    ParseIssue(file, line, column_letter(column), f"unknown country code {code!r}")
                )
        if not (is_country(sending) and is_country(receiving)):
            continue
        for index, period in periods:
            raw = row[index] if index < len(row) else ""
            if raw.strip() == "..":
                # A corridor not surveyed that quarter: no observation rather than thousands of blanks.
                continue
            observation = observation_or_missing(
                series="remittance-cost",
                area=receiving,
                counterpart=sending,
                period=period,
                raw=raw,
                row=line,
                column=column_letter(index),
                file=file,
                issues=parsed.issues,
            )
            if observation is not None:
                parsed.observations.append(observation)
    return parsed


@dataclass(frozen=True)
class SeriesConstraint:
    series: str
    name: str
    indicator: str
    unit_measure: str
    unit_mult: str
    breakdowns: dict[str, str]


def parse_sdg_constraints(path: Path) -> list[SeriesConstraint]:
    """``sdmx_global_content_constraints.csv``: SDG series with their units and allowed breakdown codes."""
    file = path.name
    rows = read_csv_rows(path)
    try:
        _, header = next(rows)
    except StopIteration:
        raise ParseError([ParseIssue(file, 1, "A", "the file is empty")]) from None
    if header[:4] != ["SERIES", "Name", "UNIT_MEASURE", "UNIT_MULT"]:
        raise ParseError([ParseIssue(file, 1, "A", "expected SERIES, Name, UNIT_MEASURE, UNIT_MULT, …")])
    constraints = []
    issues = []
    for line, row in rows:
        if not row or not row[0].strip():
            continue
        if len(row) < 4:
            issues.append(ParseIssue(file, line, "A", "expected SERIES, Name, UNIT_MEASURE, UNIT_MULT, …"))
            continue
        if row[3].strip() and not CONSTRAINT_UNIT_MULT.match(row[3].strip()):
            # A power of ten or a code such as ALL: "1,5" must not be stored as a unit multiplier.
            issues.append(
                ParseIssue(file, line, "D", f"{row[3].strip()[:20]!r} is neither a power of 10 nor a code")
            )
            continue
        match = re.search(r"\[([0-9a-z.]+(?:,\s*[0-9a-z.]+)*)\]\s*$", row[1])
        constraints.append(
            SeriesConstraint(
                series=row[0].strip(),
                name=re.sub(r"\s*\[[^\]]*\]\s*$", "", row[1]).strip(),
                indicator=match.group(1) if match else "",
                unit_measure=row[2].strip(),
                unit_mult=row[3].strip(),
                breakdowns={
                    header[index]: row[index].strip()
                    for index in range(4, min(len(header), len(row)))
                    if row[index].strip() and row[index].strip() != TOTAL
                },
            )
        )
    if issues:
        raise ParseError(issues)
    return constraints


# The platform's own long format, one observation per row (also what the full-series CSV download writes).
LONG_REQUIRED = ("series", "edition", "area", "period", "value")
LONG_OPTIONAL = ("counterpart", "sex", "age", "migratory_status", "unit_mult", "status", "footnote")
PERIOD_PATTERN = re.compile(r"^\d{4}(-Q[1-4]|-\d{2})?$")
UNIT_MULT_PATTERN = re.compile(r"^-?\d{1,2}$")
CONSTRAINT_UNIT_MULT = re.compile(r"^(-?\d{1,2}|[A-Z_]{1,8})$")
DIMENSION_CODE = re.compile(r"^[A-Za-z0-9_+<>.-]{1,16}$")
DIMENSIONS = ("sex", "age", "migratory_status")
LONG_STATUSES = frozenset({"", "M", "E", "F", "Z"})
# Distinct cell texts remembered per column; a file with more (say, thousands of bad codes) is still read,
# the further texts are just checked again each time.
CELL_MEMO_LIMIT = 10_000


def parse_long_csv(path: Path, *, editions: dict[str, EditionInfo]) -> ParsedFile:
    """``series,edition,area,period,value[,counterpart,sex,age,migratory_status,unit_mult,status,footnote]``.

    ``editions`` maps the edition codes that already exist; a file names exactly one of them.

    The file can hold millions of rows, so it is read as a stream of plain row tuples (``ParsedFile.rows``)
    and each distinct cell text of the code columns (area, period, sex …) is checked once and remembered:
    a row costs a few dictionary look-ups and one ``float()``. A row that fails a look-up is checked again
    cell by cell, which names the first bad column just as a full check would.
    """
    file = path.name
    rows = read_csv_rows(path)
    try:
        _, header = next(rows)
    except StopIteration:
        raise ParseError([ParseIssue(file, 1, "A", "the file is empty")]) from None
    positions = {name.strip().lower(): index for index, name in enumerate(header)}
    missing = [name for name in LONG_REQUIRED if name not in positions]
    if missing:
        raise ParseError([ParseIssue(file, 1, "", f"columns missing: {', '.join(missing)}")])
    width = len(header)
    # A missing optional column reads as an empty cell at index ``width``.
    at = {name: positions.get(name, width) for name in LONG_REQUIRED + LONG_OPTIONAL}
    letter = {name: column_letter(index) for name, index in at.items()}
    first = next(((line, row) for line, row in rows if any(cell.strip() for cell in row)), None)
    if first is None:
        raise ParseError([ParseIssue(file, 2, "A", "no observations")])
    edition_index = positions["edition"]
    first_edition = first[1][edition_index].strip() if edition_index < len(first[1]) else ""
    if first_edition not in editions:
        raise ParseError(
            [ParseIssue(file, first[0], column_letter(edition_index), f"unknown edition {first_edition!r}")]
        )
    parsed = ParsedFile(edition=editions[first_edition], rows_column=letter["value"])
    check = _LongRowCheck(file, editions, parsed.edition.code, at, letter, parsed.issues)
    # Rows are produced as the file is read; issues and the row count fill in as they are.
    parsed.rows = check.rows(chain([first], rows), width, parsed)
    parsed.reopen = lambda: parse_long_csv(path, editions=editions)
    return parsed


_UNSEEN = object()
_BLANK = object()
_NOT_A_NUMBER: Any = object()


class _LongRowCheck:
    """The checks of one long CSV: a quick path through remembered cell texts, and the full check that
    names the first bad column of a row."""

    def __init__(
        self,
        file: str,
        editions: dict[str, EditionInfo],
        edition: str,
        at: dict[str, int],
        letter: dict[str, str],
        issues: list[ParseIssue],
    ) -> None:
        self.file, self.editions, self.edition, self.at, self.letter = file, editions, edition, at, letter
        self.issues = issues
        # cell text → normalised value, or None when the text is not valid for the column
        self.areas: dict[str, tuple[str, bool] | None] = {}
        self.periods: dict[str, tuple[str, int] | None] = {}
        self.counterparts: dict[str, str | None] = {}
        self.dimensions: dict[str, str | None] = {}
        self.unit_mults: dict[str, int | None] = {}
        self.statuses: dict[str, str | None] = {}
        self.series: dict[str, str] = {}

    @staticmethod
    def _memo(memo: dict[str, Any], raw: str, value: Any) -> Any:
        if len(memo) < CELL_MEMO_LIMIT:
            memo[raw] = value
        return value

    def area(self, raw: str) -> tuple[str, bool] | None:
        found = self.areas.get(raw, _UNSEEN)
        if found is _UNSEEN:
            code = normalise_code(raw)
            aggregate = is_aggregate_code(code)
            found = self._memo(self.areas, raw, (code, aggregate) if aggregate or is_country(code) else None)
        return found  # type: ignore[return-value]

    def period(self, raw: str) -> tuple[str, int] | None:
        found = self.periods.get(raw, _UNSEEN)
        if found is _UNSEEN:
            text = raw.strip()
            found = self._memo(
                self.periods, raw, (text, int(text[:4])) if PERIOD_PATTERN.match(text) else None
            )
        return found  # type: ignore[return-value]

    def counterpart(self, raw: str) -> str | None:
        found = self.counterparts.get(raw, _UNSEEN)
        if found is _UNSEEN:
            text = raw.strip()
            code = normalise_code(text) if text else TOTAL
            valid = code == TOTAL or is_country(code) or code in NON_AREA_ORIGINS
            found = self._memo(self.counterparts, raw, code if valid else None)
        return found  # type: ignore[return-value]

    def dimension(self, raw: str) -> str | None:
        found = self.dimensions.get(raw, _UNSEEN)
        if found is _UNSEEN:
            text = raw.strip()
            valid = not text or DIMENSION_CODE.match(text)
            found = self._memo(self.dimensions, raw, (text or TOTAL) if valid else None)
        return found  # type: ignore[return-value]

    def unit_mult(self, raw: str) -> int | None:
        found = self.unit_mults.get(raw, _UNSEEN)
        if found is _UNSEEN:
            text = raw.strip() or "0"
            found = self._memo(self.unit_mults, raw, int(text) if UNIT_MULT_PATTERN.match(text) else None)
        return found  # type: ignore[return-value]

    def status(self, raw: str) -> str | None:
        found = self.statuses.get(raw, _UNSEEN)
        if found is _UNSEEN:
            text = raw.strip()
            found = self._memo(self.statuses, raw, text if text in LONG_STATUSES else None)
        return found  # type: ignore[return-value]

    def series_code(self, raw: str) -> str:
        found = self.series.get(raw)
        if found is None:
            found = self._memo(self.series, raw, raw.strip())
        return found

    def rows(
        self, lines: Iterator[tuple[int, list[str]]], width: int, parsed: ParsedFile
    ) -> Iterator[ObservationRow]:
        at = self.at
        i_series, i_edition, i_area, i_period, i_value = (at[name] for name in LONG_REQUIRED)
        i_counterpart, i_sex, i_age, i_migratory, i_unit_mult, i_status, i_footnote = (
            at[name] for name in LONG_OPTIONAL
        )
        edition = self.edition
        # Each cell is first looked up in its column's memo; only a text not seen yet (or not valid) costs
        # a call of the checking method.
        areas, periods, counterparts = self.areas.get, self.periods.get, self.counterparts.get
        dimensions, unit_mults, statuses, series = (
            self.dimensions.get,
            self.unit_mults.get,
            self.statuses.get,
            self.series.get,
        )
        read = 0
        try:
            for line, row in lines:
                if len(row) == width:
                    row.append("")  # the cell read for every absent optional column
                else:  # short rows read as empty cells
                    beyond = next((i for i in range(width, len(row)) if row[i].strip()), None)
                    if beyond is not None:
                        # A cell past the header's last column is most often a decimal comma that split a
                        # number ("1.234,5"): refused, never dropped, so no value is stored other than meant.
                        read += 1
                        self.issues.append(
                            ParseIssue(
                                self.file,
                                line,
                                column_letter(beyond),
                                "a value beyond the header's last column (a decimal comma in an unquoted "
                                "number?)",
                            )
                        )
                        continue
                    row = row[:width] + [""] * (width + 1 - min(len(row), width))
                area = areas(row[i_area]) or self.area(row[i_area])
                period = periods(row[i_period]) or self.period(row[i_period])
                counterpart = counterparts(row[i_counterpart]) or self.counterpart(row[i_counterpart])
                sex = dimensions(row[i_sex]) or self.dimension(row[i_sex])
                age = dimensions(row[i_age]) or self.dimension(row[i_age])
                migratory = dimensions(row[i_migratory]) or self.dimension(row[i_migratory])
                unit_mult = unit_mults(row[i_unit_mult])
                if unit_mult is None:
                    unit_mult = self.unit_mult(row[i_unit_mult])
                status = statuses(row[i_status])
                if status is None:
                    status = self.status(row[i_status])
                try:
                    value: float | None = float(row[i_value])
                except ValueError:
                    value = None if row[i_value].strip() in MISSING_MARKERS else _NOT_A_NUMBER
                if (
                    area is None
                    or period is None
                    or counterpart is None
                    or sex is None
                    or age is None
                    or migratory is None
                    or unit_mult is None
                    or status is None
                    or value is _NOT_A_NUMBER
                    or (value is not None and value - value != 0.0)  # NaN and infinities
                    or row[i_edition] != edition
                ):
                    checked = self.full_check(line, row)
                    if checked is _BLANK:
                        continue
                    read += 1
                    if isinstance(checked, tuple):
                        yield checked
                    continue
                read += 1
                footnote = row[i_footnote]
                yield (
                    line,
                    series(row[i_series]) or self.series_code(row[i_series]),
                    area[0],
                    area[1],
                    counterpart,
                    period[0],
                    period[1],
                    sex,
                    age,
                    migratory,
                    value,
                    unit_mult,
                    STATUS_MISSING if value is None else status,
                    footnote.strip()[:300] if footnote else "",
                )
        finally:
            parsed.rows_read = read

    def full_check(self, line: int, row: list[str]) -> ObservationRow | None | object:
        """The row checked column by column: its values, None with the first problem recorded, or
        ``_BLANK`` for a row of empty cells."""
        row = [cell.strip() for cell in row]
        if not any(row):
            return _BLANK
        at, letter, file, issues = self.at, self.letter, self.file, self.issues
        edition_code = row[at["edition"]]
        if edition_code != self.edition:
            reason = (
                "one file holds one edition"
                if edition_code in self.editions
                else f"unknown edition {edition_code!r}"
            )
            issues.append(ParseIssue(file, line, letter["edition"], reason))
            return None
        area = self.area(row[at["area"]])
        if area is None:
            issues.append(ParseIssue(file, line, letter["area"], f"unknown area code {row[at['area']]!r}"))
            return None
        period = self.period(row[at["period"]])
        if period is None:
            issues.append(ParseIssue(file, line, letter["period"], f"{row[at['period']]!r} is not a period"))
            return None
        unit_mult = self.unit_mult(row[at["unit_mult"]])
        if unit_mult is None:
            issues.append(ParseIssue(file, line, letter["unit_mult"], "unit_mult is a power of 10"))
            return None
        counterpart = self.counterpart(row[at["counterpart"]])
        if counterpart is None:
            issues.append(
                ParseIssue(
                    file, line, letter["counterpart"], f"unknown counterpart {row[at['counterpart']]!r}"
                )
            )
            return None
        dimensions = []
        for name in DIMENSIONS:
            code = self.dimension(row[at[name]])
            if code is None:
                issues.append(ParseIssue(file, line, letter[name], f"{row[at[name]][:20]!r} is not a code"))
                return None
            dimensions.append(code)
        status = self.status(row[at["status"]])
        if status is None:
            issues.append(ParseIssue(file, line, letter["status"], f"unknown status {row[at['status']]!r}"))
            return None
        raw_value = row[at["value"]]
        value, ok = cell_number(raw_value)
        if not ok:
            issues.append(ParseIssue(file, line, letter["value"], f"{raw_value[:40]!r} is not a number"))
            return None
        return (
            line,
            row[at["series"]],
            area[0],
            area[1],
            counterpart,
            period[0],
            period[1],
            dimensions[0],
            dimensions[1],
            dimensions[2],
            value,
            unit_mult,
            STATUS_MISSING if value is None else status,
            row[at["footnote"]][:300],
        )
