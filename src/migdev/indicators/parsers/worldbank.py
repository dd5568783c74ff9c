"""World Bank files: remittance inflows (April 2013 release), WDI bulk CSVs, bilateral migration matrices."""

from __future__ import annotations

import re
from datetime import date
from itertools import islice
from pathlib import Path
from typing import Any

from migdev.indicators.areas import WORLD_BANK_AGGREGATES, is_country, worldbank_name_to_iso3
from migdev.indicators.parsers.base import (
    STATUS_ESTIMATE,
    EditionInfo,
    ParsedFile,
    ParseError,
    ParseIssue,
    column_letter,
    observation_or_missing,
    read_csv_rows,
)

SOURCE_REMITTANCES = "worldbank-remittances"
SOURCE_WDI = "worldbank-wdi"
SOURCE_BILATERAL = "worldbank-bilateral-migration"

INFLOWS_2013 = EditionInfo(
    source=SOURCE_REMITTANCES,
    code="worldbank-remittance-inflows-2013-04",
    title="Migrant remittance inflows, April 2013 release",
    published=date(2013, 4, 1),
    notes="BPM5 definition: workers' remittances + compensation of employees + migrants' transfers.",
)
BILATERAL_2010 = EditionInfo(
    source=SOURCE_BILATERAL,
    code="worldbank-bilateral-migration-2010",
    title="Bilateral Estimates of Migrant Stocks in 2010 (Migration and Remittances Factbook 2011)",
    published=date(2010, 11, 8),
)
BILATERAL_2013 = EditionInfo(
    source=SOURCE_BILATERAL,
    code="worldbank-bilateral-migration-2013",
    title="Bilateral Estimates of Migrant Stocks in 2013 (KNOMAD)",
    published=date(2013, 12, 1),
)

# WDI indicator codes this platform keeps, as (series, unit multiplier).
WDI_SERIES: dict[str, str] = {
    "BM.TRF.PWKR.CD.DT": "remittance-outflows",
    "BX.TRF.PWKR.CD.DT": "remittance-inflows",
    "BX.TRF.PWKR.DT.GD.ZS": "remittance-inflows-gdp-percent",
    "NY.GDP.MKTP.CD": "gdp",
    "SP.POP.TOTL": "population",
}
# Residual rows/columns of the bilateral matrices: not areas, left out (the totals include them).
BILATERAL_RESIDUALS = frozenset({"Other North", "Other South"})
BILATERAL_TOTALS = frozenset({"TOTAL", "World"})


def _sheet_rows(path: Path) -> list[list[Any]]:
    """The first sheet, read by the shared reader (limits and damaged files refused with ImportRejected)."""
    from migdev.dataio.readers import Workbook, xls_rows

    if path.suffix.lower() == ".xls":
        return xls_rows(path)
    with Workbook(path) as book:
        return [list(values) for _number, values in book.rows(0)]


def _year_of(cell: Any) -> tuple[int, str] | None:
    """(year, status) for header cells like 1970.0, "2011" or "2012e" (e = estimate)."""
    if isinstance(cell, int | float) and not isinstance(cell, bool) and 1900 <= cell <= 2100:
        return int(cell), ""
    match = re.fullmatch(r"\s*(\d{4})\s*(e?)\s*", str(cell or ""))
    if match:
        return int(match.group(1)), STATUS_ESTIMATE if match.group(2) else ""
    return None


def parse_remittance_inflows_2013(path: Path) -> ParsedFile:
    """``RemittanceData_Inflows_April2013.xls``: US$ million by economy and year, plus % of GDP 2011."""
    file = path.name
    parsed = ParsedFile(edition=INFLOWS_2013)
    rows = _sheet_rows(path)
    if not rows or "remittance" not in str(rows[0][0]).lower():
        raise ParseError(
            [ParseIssue(file, 1, "A", "expected the header 'Migrant remittance Inflows (US$ million)'")]
        )
    header = rows[0]
    years = [(index, found) for index, cell in enumerate(header) if (found := _year_of(cell))]
    share_column = next(
        (index for index, cell in enumerate(header) if "share of gdp" in str(cell).lower()), None
    )
    share_year = (
        int(m.group(1))
        if share_column is not None and (m := re.search(r"(\d{4})", str(header[share_column])))
        else None
    )
    names = worldbank_name_to_iso3()
    for line, row in enumerate(rows[1:], start=2):
        name = str(row[0] or "").strip()
        if not name:
            continue
        if not any(str(cell).strip() for cell in row[1:]):
            continue  # footer notes: source, definition, date
        parsed.rows_read += 1
        area = names.get(name)
        if area is None:
            parsed.issues.append(ParseIssue(file, line, "A", f"unknown economy name {name!r}"))
            continue
        for index, (year, status) in years:
            observation = observation_or_missing(
                series="remittance-inflows",
                area=area,
                period=str(year),
                raw=row[index],
                row=line,
                column=column_letter(index),
                file=file,
                issues=parsed.issues,
                unit_mult=6,
                status=status,
            )
            if observation is not None:
                parsed.observations.append(observation)
        if share_column is not None and share_year is not None:
            observation = observation_or_missing(
                series="remittance-inflows-gdp-ratio",
                area=area,
                period=str(share_year),
                raw=row[share_column],
                row=line,
                column=column_letter(share_column),
                file=file,
                issues=parsed.issues,
            )
            if observation is not None:
                parsed.observations.append(observation)
    return parsed


def parse_wdi_bulk_csv(path: Path) -> ParsedFile:
    """A WDI API bulk CSV (``API_<code>_DS2_en_csv_v2_*.csv``): 4 preamble lines, then one row per area."""
    file = path.name
    preamble = list(islice(read_csv_rows(path), 4))
    updated = next(
        (row[1] for _, row in preamble if row and row[0] == "Last Updated Date" and len(row) > 1), ""
    )
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", updated):
        raise ParseError([ParseIssue(file, 3, "B", "no 'Last Updated Date' in the WDI preamble")])
    edition = EditionInfo(
        source=SOURCE_WDI,
        code=f"worldbank-wdi-{updated}",
        title=f"World Development Indicators (updated {updated})",
        published=date.fromisoformat(updated),
    )
    parsed = ParsedFile(edition=edition)
    rows = read_csv_rows(path, skip_lines=4)
    try:
        header_line, header = next(rows)
    except StopIteration:
        raise ParseError([ParseIssue(file, 5, "A", "no header row")]) from None
    if header[:4] != ["Country Name", "Country Code", "Indicator Name", "Indicator Code"]:
        raise ParseError(
            [
                ParseIssue(
                    file,
                    header_line,
                    "A",
                    "expected Country Name, Country Code, Indicator Name, Indicator Code",
                )
            ]
        )
    years = [(index, int(cell)) for index, cell in enumerate(header) if cell.strip().isdigit()]
    for line, row in rows:
        if len(row) < 4 or not row[1].strip():
            continue
        parsed.rows_read += 1
        code, indicator = row[1].strip(), row[3].strip()
        series = WDI_SERIES.get(indicator)
        if series is None:
            parsed.issues.append(
                ParseIssue(file, line, "D", f"indicator {indicator!r} is not one this platform keeps")
            )
            continue
        is_aggregate = code in WORLD_BANK_AGGREGATES
        if not is_aggregate and not is_country(code):
            parsed.issues.append(ParseIssue(file, line, "B", f"unknown country code {code!r}"))
            continue
        if is_aggregate:
            parsed.aggregate_names[code] = row[0].strip()
        for index, year in years:
            observation = observation_or_missing(
                series=series,
                area=code,
                period=str(year),
                raw=row[index] if index < len(row) else "",
                row=line,
                column=column_letter(index),
                file=file,
                issues=parsed.issues,
                is_aggregate=is_aggregate,
            )
            if observation is not None:
                parsed.observations.append(observation)
    return parsed


def parse_bilateral_matrix(path: Path) -> ParsedFile:
    """World Bank bilateral migrant stocks: origin down, destination across (2010 ``.xls`` or 2013 ``.xlsx``).

    Cells become migrant-stock (area = destination, counterpart = origin); the TOTAL/World column gives
    emigrants per origin and the TOTAL/World row immigrants per destination. Zero cells are not stored.
    """
    file = path.name
    rows = _sheet_rows(path)
    header_index = next(
        (index for index, row in enumerate(rows[:5]) if "destination country" in str(row[0]).lower()), None
    )
    if header_index is None:
        raise ParseError([ParseIssue(file, 1, "A", "no 'Destination country (across)' header found")])
    title = " ".join(str(cell) for row in rows for cell in row[:1] if cell)
    edition = BILATERAL_2013 if "2013" in title else BILATERAL_2010
    year = str(edition.published.year)
    parsed = ParsedFile(edition=edition)
    names = worldbank_name_to_iso3()
    destinations: dict[int, str] = {}
    total_column: int | None = None
    for index, cell in enumerate(rows[header_index][1:], start=1):
        name = str(cell or "").strip()
        if not name or name in BILATERAL_RESIDUALS:
            continue
        if name in BILATERAL_TOTALS:
            total_column = index
        elif name in names:
            destinations[index] = names[name]
        else:
            parsed.issues.append(
                ParseIssue(file, header_index + 1, column_letter(index), f"unknown economy {name!r}")
            )
    for line, row in enumerate(rows[header_index + 1 :], start=header_index + 2):
        name = str(row[0] or "").strip()
        if not name or name in BILATERAL_RESIDUALS:
            continue
        if name in BILATERAL_TOTALS:
            parsed.rows_read += 1
            for index, destination in destinations.items():
                _append_matrix_cell(parsed, file, line, index, row, "migrant-stock", destination, "_T", year)
            break
        if name not in names:
            if any(isinstance(cell, int | float) for cell in row[1:]):
                parsed.issues.append(ParseIssue(file, line, "A", f"unknown economy {name!r}"))
            continue
        parsed.rows_read += 1
        origin = names[name]
        for index, destination in destinations.items():
            _append_matrix_cell(parsed, file, line, index, row, "migrant-stock", destination, origin, year)
        if total_column is not None:
            _append_matrix_cell(parsed, file, line, total_column, row, "emigrant-stock", origin, "_T", year)
    return parsed


def _append_matrix_cell(
    parsed: ParsedFile,
    file: str,
    line: int,
    index: int,
    row: list[Any],
    series: str,
    area: str,
    counterpart: str,
    year: str,
) -> None:
    raw = row[index] if index < len(row) else None
    if raw in (0, 0.0) or raw is None:
        return
    observation = observation_or_missing(
        series=series,
        area=area,
        counterpart=counterpart,
        period=year,
        raw=raw,
        row=line,
        column=column_letter(index),
        file=file,
        issues=parsed.issues,
    )
    if observation is not None:
        parsed.observations.append(observation)
