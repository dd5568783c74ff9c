"""UN DESA Population Division files: International Migrant Stock 2019 and 2020, and tidy extracts."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from pathlib import Path
from typing import Any

from migdev.dataio.readers import Workbook
from migdev.indicators.areas import desa_area_code, desa_name_to_iso3, is_country
from migdev.indicators.parsers.base import (
    TOTAL,
    EditionInfo,
    ParsedFile,
    ParseError,
    ParseIssue,
    cell_number,
    column_letter,
    observation_or_missing,
    read_csv_rows,
    sniff_csv_header,
)

SOURCE_IMS = "undesa-ims"

IMS_2020 = EditionInfo(
    source=SOURCE_IMS,
    code="undesa-ims-2020",
    title="International Migrant Stock 2020 (POP/DB/MIG/Stock/Rev.2020)",
    published=date(2021, 1, 15),
)
IMS_2019 = EditionInfo(
    source=SOURCE_IMS,
    code="undesa-ims-2019",
    title="International Migrant Stock 2019 (POP/DB/MIG/Stock/Rev.2019)",
    published=date(2019, 9, 17),
)
IMS_2020_DERIVED = EditionInfo(
    source=SOURCE_IMS,
    code="undesa-ims-2020-derived",
    title="International Migrant Stock 2020, country totals (tidy extract)",
    published=date(2021, 4, 30),
    kind="derived",
    notes="Third-party tidy extract of IMS 2020 (guyabel/stepladderChapter).",
)

SEXES = (TOTAL, "M", "F")
# Sheet → (series, number of sex blocks to read, unit multiplier). Tables 3–5 are ratios the platform
# computes itself from Tables 1 and 2; Table 6 holds refugees in its first block only.
WORKBOOK_TABLES: dict[str, tuple[str, int, int]] = {
    "Table 1": ("migrant-stock", 3, 0),
    "Table 2": ("population", 3, 3),
    "Table 6": ("refugee-stock", 1, 0),
}
# The 2019 origin × destination extract keeps a few sub-regional rows among the destinations.
MATRIX_AGGREGATE_NAMES = frozenset({"Caribbean", "Melanesia", "Micronesia", "Polynesia", "South America"})


def _is_year(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 1950 <= value <= 2100


def _year_blocks(header: Sequence[Any]) -> list[list[tuple[int, int]]]:
    """Split the year header into blocks (both sexes, male, female) where the years restart."""
    blocks: list[list[tuple[int, int]]] = []
    previous = None
    for index, cell in enumerate(header):
        if not _is_year(cell):
            previous = None if blocks and blocks[-1] else previous
            continue
        if previous is None or cell <= previous:
            blocks.append([])
        blocks[-1].append((index, cell))
        previous = cell
    return blocks


def _find_layout(rows: list[tuple[Any, ...]], sheet: str, file: str) -> tuple[int, int, int | None]:
    """Index of the year header row, of the location-code column and of the 'type of data' column."""
    code_column: int | None = None
    type_column: int | None = None
    for index, row in enumerate(rows[:40]):
        for position, cell in enumerate(row):
            text = str(cell).strip().lower() if isinstance(cell, str) else ""
            if text in {"code", "location code"}:
                code_column = position
            elif text.startswith("type of data"):
                type_column = position
        if sum(1 for cell in row if _is_year(cell)) >= 5:
            if code_column is None:
                break
            return index, code_column, type_column
    raise ParseError([ParseIssue(file, 1, "A", f"sheet {sheet!r} has no location-code and year header")])


def _parse_desa_workbook(path: Path, edition: EditionInfo) -> ParsedFile:
    file = path.name
    parsed = ParsedFile(edition=edition)
    with Workbook(path) as book:
        missing = [sheet for sheet in WORKBOOK_TABLES if sheet not in book.sheetnames]
        if missing:
            raise ParseError([ParseIssue(file, 0, "", f"sheets missing: {', '.join(missing)}")])
        tables = {sheet: [values for _number, values in book.rows(sheet)] for sheet in WORKBOOK_TABLES}
    for sheet, (series, sex_blocks, unit_mult) in WORKBOOK_TABLES.items():
        rows = tables[sheet]
        header_index, code_column, type_column = _find_layout(rows, sheet, file)
        blocks = _year_blocks(rows[header_index])[:sex_blocks]
        seen_aggregates: set[str] = set()
        if len(blocks) < sex_blocks:
            raise ParseError(
                [ParseIssue(file, header_index + 1, "", f"sheet {sheet!r}: year columns not found")]
            )
        for offset, row in enumerate(rows[header_index + 1 :], start=header_index + 2):
            raw_code = row[code_column] if len(row) > code_column else None
            if raw_code is None or (isinstance(raw_code, str) and not raw_code.strip().isdigit()):
                continue  # headings such as "UN development groups" and footer lines
            parsed.rows_read += 1
            area = desa_area_code(int(str(raw_code)))
            name = str(row[1] or "").strip().rstrip("*").strip()
            if area is None:
                parsed.issues.append(
                    ParseIssue(
                        file, offset, column_letter(code_column), f"{sheet}: unknown location code {raw_code}"
                    )
                )
                continue
            code, is_aggregate = area
            if is_aggregate:
                if code in seen_aggregates:
                    continue  # DESA lists some regions twice (SDG grouping and geographic grouping)
                seen_aggregates.add(code)
                parsed.aggregate_names[code] = name
            kind = str(row[type_column] or "").strip() if type_column is not None else ""
            footnote = f"Type of data: {kind}" if kind else ""
            for sex, block in zip(SEXES, blocks, strict=False):
                for index, year in block:
                    observation = observation_or_missing(
                        series=series,
                        area=code,
                        period=str(year),
                        raw=row[index] if index < len(row) else None,
                        row=offset,
                        column=f"{sheet}!{column_letter(index)}",
                        file=file,
                        issues=parsed.issues,
                        is_aggregate=is_aggregate,
                        sex=sex,
                        unit_mult=unit_mult,
                        footnote=footnote,
                    )
                    if observation is not None:
                        parsed.observations.append(observation)
    return parsed


def parse_ims_2020_destination(path: Path) -> ParsedFile:
    """``undesa_pd_2020_ims_stock_by_sex_and_destination.xlsx``: stock by sex, population, refugees."""
    return _parse_desa_workbook(path, IMS_2020)


def parse_ims_2019_totals(path: Path) -> ParsedFile:
    """``UN_MigrantStockTotal_2019.xlsx``: the same tables for the 2019 revision."""
    return _parse_desa_workbook(path, IMS_2019)


def parse_ims_2019_matrix(path: Path) -> ParsedFile:
    """The cleaned 2019 origin × destination matrix: ``Year, Dest, <origin names…>``.

    Zero cells are not stored (an absent bilateral cell sums as zero); ``..`` is kept as missing.
    """
    file = path.name
    parsed = ParsedFile(edition=IMS_2019)
    names = desa_name_to_iso3()
    rows = read_csv_rows(path)
    try:
        _, header = next(rows)
    except StopIteration:
        raise ParseError([ParseIssue(file, 1, "A", "the file is empty")]) from None
    if header[:2] != ["Year", "Dest"]:
        raise ParseError([ParseIssue(file, 1, "A", "expected the columns Year, Dest, then origin countries")])
    origins: list[str | None] = []
    for index, name in enumerate(header[2:], start=2):
        code = names.get(name.strip())
        if code is None:
            parsed.issues.append(ParseIssue(file, 1, column_letter(index), f"unknown origin {name!r}"))
        origins.append(code)
    for line, row in rows:
        if not row or not any(row):
            continue
        parsed.rows_read += 1
        year_text, destination_name = row[0].strip(), row[1].strip()
        if destination_name in MATRIX_AGGREGATE_NAMES:
            continue
        destination = names.get(destination_name)
        if destination is None:
            parsed.issues.append(ParseIssue(file, line, "B", f"unknown destination {destination_name!r}"))
            continue
        if not year_text.isdigit():
            parsed.issues.append(ParseIssue(file, line, "A", f"{year_text!r} is not a year"))
            continue
        for index, (origin, raw) in enumerate(zip(origins, row[2:], strict=False), start=2):
            if origin is None or raw.strip() in {"0", "0.0"}:
                continue
            observation = observation_or_missing(
                series="migrant-stock",
                area=destination,
                counterpart=origin,
                period=year_text,
                raw=raw,
                row=line,
                column=column_letter(index),
                file=file,
                issues=parsed.issues,
            )
            if observation is not None:
                parsed.observations.append(observation)
    return parsed


def _derived_columns(path: Path) -> set[str]:
    return {name.strip() for name in sniff_csv_header(path)}


def parse_ims_2020_derived(path: Path) -> ParsedFile:
    """``stock_totals_2020.csv`` (persons) or ``pop_totals_2020.csv`` (population in thousands)."""
    columns = _derived_columns(path)
    if {"alpha3", "year", "fb", "pop", "refugee", "disp"} <= columns:
        return _parse_stock_totals(path)
    if {"name", "country_code", "year", "pop", "alpha3"} <= columns:
        return _parse_pop_totals(path)
    raise ParseError(
        [ParseIssue(path.name, 1, "A", "neither stock_totals_2020.csv nor pop_totals_2020.csv columns")]
    )


def _rows_as_dicts(path: Path) -> Iterable[tuple[int, dict[str, str], dict[str, int]]]:
    rows = read_csv_rows(path)
    _, header = next(rows)
    positions = {name.strip(): index for index, name in enumerate(header)}
    for line, row in rows:
        if any(cell.strip() for cell in row):
            yield (
                line,
                {name: row[index] if index < len(row) else "" for name, index in positions.items()},
                positions,
            )


def _parse_stock_totals(path: Path) -> ParsedFile:
    file = path.name
    parsed = ParsedFile(edition=IMS_2020_DERIVED)
    series_columns = {
        "fb": ("migrant-stock", 0),
        "pop": ("population", 0),
        "refugee": ("refugee-stock", 0),
        "disp": ("emigrant-stock", 0),
    }
    for line, record, positions in _rows_as_dicts(path):
        parsed.rows_read += 1
        area = record["alpha3"].strip().upper()
        if area == "NA" and record.get("country_code", "").strip().isdigit():
            # The extract leaves alpha3 empty for areas without an ISO code (Channel Islands, M49 830).
            by_code = desa_area_code(int(record["country_code"]))
            area = by_code[0] if by_code and not by_code[1] else area
        if not is_country(area):
            parsed.issues.append(
                ParseIssue(file, line, column_letter(positions["alpha3"]), f"unknown code {area!r}")
            )
            continue
        year, ok = cell_number(record["year"])
        if not ok or year is None:
            parsed.issues.append(ParseIssue(file, line, column_letter(positions["year"]), "year missing"))
            continue
        for column, (series, unit_mult) in series_columns.items():
            observation = observation_or_missing(
                series=series,
                area=area,
                period=str(int(year)),
                raw=record[column],
                row=line,
                column=column_letter(positions[column]),
                file=file,
                issues=parsed.issues,
                unit_mult=unit_mult,
            )
            if observation is not None:
                parsed.observations.append(observation)
    return parsed


def _parse_pop_totals(path: Path) -> ParsedFile:
    file = path.name
    parsed = ParsedFile(edition=IMS_2020_DERIVED)
    seen: set[tuple[str, str]] = set()
    for line, record, positions in _rows_as_dicts(path):
        parsed.rows_read += 1
        code_text = record["country_code"].strip()
        if not code_text.isdigit():
            parsed.issues.append(
                ParseIssue(file, line, column_letter(positions["country_code"]), "no location code")
            )
            continue
        area = desa_area_code(int(code_text))
        if area is None:
            parsed.issues.append(
                ParseIssue(file, line, column_letter(positions["country_code"]), f"unknown code {code_text}")
            )
            continue
        code, is_aggregate = area
        if is_aggregate:
            parsed.aggregate_names[code] = record["name"].strip()
        year, ok = cell_number(record["year"])
        if not ok or year is None:
            parsed.issues.append(ParseIssue(file, line, column_letter(positions["year"]), "year missing"))
            continue
        if is_aggregate and (code, record["year"]) in seen:
            continue  # regions listed twice (SDG and geographic groupings)
        seen.add((code, record["year"]))
        observation = observation_or_missing(
            series="population",
            area=code,
            period=str(int(year)),
            raw=record["pop"],
            row=line,
            column=column_letter(positions["pop"]),
            file=file,
            issues=parsed.issues,
            unit_mult=3,
            is_aggregate=is_aggregate,
        )
        if observation is not None:
            parsed.observations.append(observation)
    return parsed
