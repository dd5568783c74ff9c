"""Load formats of the remittances module (registered with `migdev load`).

* ``rpw-workbook``: the World Bank's provider-level RPW workbook (``rpw_dataset_2011_20YY_qN.xlsx``) with both
  of its sheets, "Dataset (up to Q1 2016)" and "Dataset (from Q2 2016)", or one sheet of it saved as CSV.
* ``rpw-databank``: a World Bank DataBank export of the "Remittance Prices Worldwide (Corridors)" series
  ATCR.CORR (average total cost to remit in a corridor, USD 200), one column per quarter.
* ``rpw-corridor-means``: corridor-quarter means of the workbook (period, source_code, destination_code,
  avg_cost_pct_200usd, …, num_providers), as derived by researchers from the full workbook.
* ``remittance-flows``: bilateral remittance flows (sending_code, receiving_code, year, usd_millions) used to
  weight the global weighted average.

Every loader validates the whole file first and writes nothing when anything is wrong: each problem is
reported with its file, row and column. The runner (`migdev.dataio`) wraps the load in one transaction.
Countries match on codes only. RPW writes Kosovo as KSV (World Bank: XKX); economies the World Bank lists
but the ISO country table does not (Kosovo, the former Netherlands Antilles) keep their World Bank code, so
their corridors load like any other; any other unknown code refuses the file.
"""

from __future__ import annotations

import datetime
import hashlib
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import TYPE_CHECKING

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from migdev.dataio.errors import ImportRejected, RowError
from migdev.dataio.progress import Progress
from migdev.dataio.readers import (
    FileKind,
    Workbook,
    csv_records,
    detect_kind,
    estimate_data_rows,
    read_table,
)
from migdev.dataio.registry import ImportResult, LoadFormat
from migdev.remittances import services
from migdev.remittances.models import (
    Corridor,
    CorridorSeriesValue,
    PriceSource,
    Provider,
    Quote,
    RemittanceFlow,
    Service,
)
from migdev.remittances.quarters import Quarter, QuarterFormatError
from migdev.remittances.vocabulary import (
    AmountTier,
    Origin,
    clean_label,
    read_coverage,
    read_firm_type,
    read_speed,
    read_yes_no,
)

if TYPE_CHECKING:
    from migdev.accounts.models import User

RPW_TITLE = "World Bank, Remittance Prices Worldwide"
RPW_LICENCE = "CC BY 4.0"
RPW_ATTRIBUTION = "The World Bank, Remittance Prices Worldwide"
ERRORS_KEPT = 1000
BATCH_SIZE = 2000
PROGRESS_EVERY = 1000


class _Problems:
    """Every problem of a file, so one attempt shows the user all there is to fix."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.errors: list[RowError] = []
        self.total = 0

    def add(self, row: int | None, column: str | None, reason: str, *, file: str | None = None) -> None:
        self.total += 1
        if len(self.errors) < ERRORS_KEPT:
            self.errors.append(RowError(file or self.file, row, column, reason))

    def __bool__(self) -> bool:
        return self.total > 0

    def raise_if_any(self) -> None:
        if self.errors:
            raise ImportRejected(self.errors)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


# Values ------------------------------------------------------------------------------------------

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}(T[\d:.]+)?$")
_THOUSANDS = re.compile(r"^-?\d{1,3}(,\d{3})+(\.\d+)?$")
MISSING_MARKERS = {"", "..", "n/a", "na"}


class _Missing(ValueError):
    pass


def read_number(raw: object, *, percent: bool = False, thousands: bool = False) -> Decimal:
    """A decimal number written as text; ``_Missing`` when blank, ValueError with a reason otherwise.

    Read strictly: a decimal point and no separators, unless the column declares thousands separators
    (``thousands``); "1,5" is never guessed to be 15 or 1.5.
    """
    text = str(raw if raw is not None else "").strip()
    if text.casefold() in MISSING_MARKERS:
        raise _Missing(_("a value is required"))
    if percent and text.endswith("%"):
        text = text[:-1].strip()
    if _ISO_DATE.match(text):
        raise ValueError(_("%(value)s is a date, not a number") % {"value": text})
    if thousands and _THOUSANDS.match(text):
        text = text.replace(",", "")
    elif "," in text or " " in text:
        raise ValueError(
            _("%(value)s is not a number: write it with a decimal point and no thousands separators")
            % {"value": text}
        )
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise ValueError(_("%(value)s is not a number") % {"value": text}) from None
    if not number.is_finite():
        raise ValueError(_("%(value)s is not a number") % {"value": text})
    return number


def read_date(raw: object) -> datetime.date | None:
    text = str(raw if raw is not None else "").strip()
    if not text:
        return None
    try:
        return datetime.date.fromisoformat(text[:10])
    except ValueError:
        raise ValueError(_("%(value)s is not a date; write dates as YYYY-MM-DD") % {"value": text}) from None


class _UnknownCountry(ValueError):
    pass


class _Codes:
    """Country and currency codes known to the reference data, loaded once per import."""

    COUNTRY_ALIASES = {"KSV": "XKX"}  # RPW's code for Kosovo; the World Bank's is XKX

    def __init__(self) -> None:
        from migdev.reference.models import Country, Currency, WorldBankEconomy

        self.iso3 = set(Country.objects.values_list("iso3", flat=True))
        self.iso2 = dict(Country.objects.values_list("iso2", "iso3"))
        self.currencies = set(Currency.objects.values_list("code", flat=True))
        self.economies_without_country = dict(
            WorldBankEconomy.objects.filter(country__isnull=True).values_list("code", "name")
        )

    def country(self, raw: object) -> str:
        code = str(raw if raw is not None else "").strip().upper()
        if not code:
            raise _UnknownCountry(_("a country code is required"))
        code = self.COUNTRY_ALIASES.get(code, code)
        if code in self.iso3:
            return code
        if code in self.iso2:
            return self.iso2[code]
        if code in self.economies_without_country:
            return code  # a World Bank economy without an ISO row (Kosovo): corridors key on its code
        raise _UnknownCountry(_("unknown country code %(code)s") % {"code": code})

    def currency(self, raw: object) -> str:
        code = str(raw if raw is not None else "").strip().upper()
        if code not in self.currencies:
            raise ValueError(_("unknown currency code %(code)s") % {"code": code or "(blank)"})
        return code


def _corridor_ids(pairs: set[tuple[str, str]]) -> dict[tuple[str, str], int]:
    """Ids of the corridors between these country pairs, creating the missing ones."""

    def known() -> dict[tuple[str, str], int]:
        rows = Corridor.objects.values_list("pk", "sending_country_id", "receiving_country_id")
        return {(str(s), str(r)): pk for pk, s, r in rows}

    existing = known()
    missing = [
        Corridor(sending_country_id=s, receiving_country_id=r) for s, r in pairs if (s, r) not in existing
    ]
    Corridor.objects.bulk_create(missing, batch_size=BATCH_SIZE)
    if missing:
        existing = known()
    return {pair: existing[pair] for pair in pairs}


def _upsert_series(
    rows: dict[tuple[str, tuple[str, str], str], tuple[Decimal, int | None]], source: PriceSource
) -> tuple[int, int]:
    """Store published corridor values keyed by (series, corridor pair, quarter); returns (created, updated)."""
    corridor_ids = _corridor_ids({pair for _series, pair, _quarter in rows})
    existing = {
        (series, corridor_id, quarter): pk
        for pk, series, corridor_id, quarter in CorridorSeriesValue.objects.filter(
            series__in={series for series, _pair, _quarter in rows},
            corridor_id__in=set(corridor_ids.values()),
        ).values_list("pk", "series", "corridor_id", "quarter")
    }
    new: list[tuple[object, ...]] = []
    changed: list[CorridorSeriesValue] = []
    for (series, pair, quarter), (value, count) in rows.items():
        corridor_id = corridor_ids[pair]
        pk = existing.get((series, corridor_id, quarter))
        if pk is None:
            new.append((series, corridor_id, quarter, value, count, source.pk))
        else:
            changed.append(
                CorridorSeriesValue(
                    pk=pk,
                    series=series,
                    corridor_id=corridor_id,
                    quarter=quarter,
                    value=value,
                    services_count=count,
                    source=source,
                )
            )
    services.insert_many(
        CorridorSeriesValue, ["series", "corridor", "quarter", "value", "services_count", "source"], new
    )
    CorridorSeriesValue.objects.bulk_update(
        changed, ["value", "services_count", "source"], batch_size=BATCH_SIZE
    )
    _country_profiles_changed()
    return len(new), len(changed)


def _country_profiles_changed() -> None:
    """The indicators' country profiles show the latest RPW corridor cost and are kept until the indicators'
    data version changes: a new one, written in this load's transaction, so a rolled-back load keeps the old."""
    from django.apps import apps

    if apps.is_installed("migdev.indicators"):
        from migdev.indicators.cache import bump_data_version

        bump_data_version()


# rpw-databank ------------------------------------------------------------------------------------

DATABANK_SERIES_CODE = "ATCR.CORR"
DATABANK_SENDING = ("Sending Countries Code",)
# DataBank writes "Receiving Countries  Code" with two spaces; accept one as well.
DATABANK_RECEIVING = ("Receiving Countries  Code", "Receiving Countries Code")
DATABANK_NAMES = {
    "Sending Countries Name",
    "Series Name",
    "Receiving Countries  Name",
    "Receiving Countries Name",
}
DATABANK_PERIODS = {
    f"{year}Q{number} [YR{year}Q{number}]": Quarter(year, number)
    for year in range(2000, 2101)
    for number in range(1, 5)
}
_LAST_UPDATED = re.compile(r"Last Updated:\s*(?P<date>[\d/.-]+)", re.IGNORECASE)


def load_rpw_databank(path: Path, *, progress: Progress, user: User | None) -> ImportResult:
    problems = _Problems(path.name)
    codes = _Codes()
    optional = set(DATABANK_SENDING) | set(DATABANK_RECEIVING) | DATABANK_NAMES | set(DATABANK_PERIODS)
    values: dict[tuple[str, tuple[str, str], str], tuple[Decimal, int | None]] = {}
    first_row_of: dict[tuple[str, str], int] = {}
    edition = ""
    read = skipped = 0
    progress.start(estimate_data_rows(path))
    for row_number, row in read_table(path, required={"Series Code"}, optional=optional):
        read += 1
        if read % PROGRESS_EVERY == 0:
            progress.advance(PROGRESS_EVERY)
        sending_raw = row.get(DATABANK_SENDING[0])
        receiving_raw = next((row[name] for name in DATABANK_RECEIVING if row.get(name)), None)
        if not sending_raw and not receiving_raw:
            # DataBank ends its exports with a footer: "Data from database: …", "Last Updated: 12/07/2020".
            footer = " ".join(str(v) for v in row.values() if v)
            match = _LAST_UPDATED.search(footer)
            if match:
                edition = f"last updated {match.group('date')}"  # stored data: not translated
            continue
        if row.get("Series Code") != DATABANK_SERIES_CODE:
            problems.add(
                row_number,
                "Series Code",
                _(
                    "expected the series %(expected)s (average total cost to remit in a corridor), found %(found)s"
                )
                % {"expected": DATABANK_SERIES_CODE, "found": row.get("Series Code") or _("nothing")},
            )
            continue
        row_values: dict[str, Decimal] = {}
        for column, quarter in DATABANK_PERIODS.items():
            raw = row.get(column)
            if raw is None or raw == "..":
                continue
            try:
                row_values[str(quarter)] = read_number(raw, percent=True)
            except ValueError as error:
                problems.add(row_number, column, str(error))
        if not row_values:
            continue  # DataBank exports the whole sender × receiver grid; most corridors have no value
        try:
            pair = (codes.country(sending_raw), codes.country(receiving_raw))
        except _UnknownCountry as error:
            problems.add(row_number, _column_of(row, sending_raw, receiving_raw, codes), str(error))
            continue
        if pair[0] == pair[1]:
            problems.add(
                row_number, DATABANK_RECEIVING[0], _("the sending and receiving countries are the same")
            )
            continue
        if pair in first_row_of:
            problems.add(
                row_number,
                None,
                _("the corridor %(corridor)s is also on row %(row)d")
                % {"corridor": "".join(pair), "row": first_row_of[pair]},
            )
            continue
        first_row_of[pair] = row_number
        for quarter_text, value in row_values.items():
            values[(CorridorSeriesValue.Series.OFFICIAL_AVERAGE_USD200, pair, quarter_text)] = (value, None)
    # read_table has checked the header; these two columns are required in one of their spellings.
    header = {name.casefold() for name in _header_names(path)}
    for spellings in (DATABANK_SENDING, DATABANK_RECEIVING):
        if not any(name.casefold() in header for name in spellings):
            problems.add(1, None, _("Missing required column: “%(column)s”.") % {"column": spellings[0]})
    problems.raise_if_any()
    source = services.price_source_create(
        kind=PriceSource.Kind.RPW_DATABANK,
        title=f"{RPW_TITLE} (Corridors), DataBank",
        edition=edition or path.name,
        file_name=path.name,
        sha256=_sha256(path),
        licence=RPW_LICENCE,
        attribution=RPW_ATTRIBUTION,
        user=user,
    )
    created, updated = _upsert_series(values, source)
    progress.advance(read % PROGRESS_EVERY)
    services.aggregates_recompute()
    return ImportResult(read=read, created=created, updated=updated, rejected=skipped)


def _header_names(path: Path) -> list[str]:
    """The stripped header cells of a CSV or XLSX file (for checks read_table cannot express)."""
    if detect_kind(path) is FileKind.XLSX:
        with Workbook(path, checked=True) as workbook:
            for _number, values in workbook.rows(0):
                if any(value is not None for value in values):
                    return [str(value).strip() for value in values if value is not None]
        return []
    for _number, cells in csv_records(path, delimiter=None, checked=True):
        if any(cell.strip() for cell in cells):
            return [cell.strip() for cell in cells]
    return []


def _column_of(row: dict[str, str | None], sending_raw: object, receiving_raw: object, codes: _Codes) -> str:
    try:
        codes.country(sending_raw)
    except ValueError:
        return DATABANK_SENDING[0]
    return next((name for name in DATABANK_RECEIVING if name in row), DATABANK_RECEIVING[0])


# rpw-corridor-means ------------------------------------------------------------------------------

MEANS_REQUIRED = {"period", "source_code", "destination_code", "avg_cost_pct_200usd", "num_providers"}
MEANS_OPTIONAL = {
    "source_name",
    "destination_name",
    "corridor",
    "avg_cost_pct_500usd",
    "avg_fx_margin_200usd",
    "avg_fx_margin_500usd",
}
MEANS_SERIES = {
    "avg_cost_pct_200usd": CorridorSeriesValue.Series.MEAN_COST_USD200,
    "avg_cost_pct_500usd": CorridorSeriesValue.Series.MEAN_COST_USD500,
    "avg_fx_margin_200usd": CorridorSeriesValue.Series.MEAN_MARGIN_USD200,
    "avg_fx_margin_500usd": CorridorSeriesValue.Series.MEAN_MARGIN_USD500,
}


def _quarter(raw: object, row_number: int, column: str, problems: _Problems) -> Quarter | None:
    try:
        return Quarter.parse(raw)
    except QuarterFormatError as error:
        problems.add(row_number, column, str(error))
        return None


def _pair(
    row: dict[str, str | None],
    sending_column: str,
    receiving_column: str,
    row_number: int,
    codes: _Codes,
    problems: _Problems,
) -> tuple[str, str] | None | bool:
    """(sending, receiving) alpha-3 codes; False when the row names an economy without a country row."""
    resolved = []
    for column in (sending_column, receiving_column):
        try:
            resolved.append(codes.country(row.get(column)))
        except _UnknownCountry as error:
            problems.add(row_number, column, str(error))
            return None
    if resolved[0] == resolved[1]:
        problems.add(row_number, receiving_column, _("the sending and receiving countries are the same"))
        return None
    return resolved[0], resolved[1]


def load_rpw_corridor_means(path: Path, *, progress: Progress, user: User | None) -> ImportResult:
    problems = _Problems(path.name)
    codes = _Codes()
    values: dict[tuple[str, tuple[str, str], str], tuple[Decimal, int | None]] = {}
    first_row_of: dict[tuple[tuple[str, str], str], int] = {}
    read = skipped = 0
    progress.start(estimate_data_rows(path))
    for row_number, row in read_table(path, required=MEANS_REQUIRED, optional=MEANS_OPTIONAL):
        read += 1
        if read % PROGRESS_EVERY == 0:
            progress.advance(PROGRESS_EVERY)
        quarter = _quarter(row["period"], row_number, "period", problems)
        pair = _pair(row, "source_code", "destination_code", row_number, codes, problems)
        if pair is False:
            skipped += 1
            continue
        corridor_code = (row.get("corridor") or "").strip().upper()
        # RPW writes Kosovo's corridors both ways: DEUKSV, and DEUXKX in some quarters.
        allowed = {f"{row['source_code']}{row['destination_code']}".upper()}
        if isinstance(pair, tuple):
            allowed.add("".join(pair))
        if corridor_code and corridor_code not in allowed:
            problems.add(
                row_number,
                "corridor",
                _("%(corridor)s is not source_code followed by destination_code")
                % {"corridor": corridor_code},
            )
        try:
            count_value = read_number(row["num_providers"])
            if count_value != count_value.to_integral_value() or count_value < 1:
                raise ValueError(
                    _("%(value)s is not a whole number of services") % {"value": row["num_providers"]}
                )
            services_count = int(count_value)
        except ValueError as error:
            problems.add(row_number, "num_providers", str(error))
            continue
        numbers: dict[str, Decimal] = {}
        for column in MEANS_SERIES:
            try:
                numbers[column] = read_number(row.get(column))
            except _Missing:
                if column in MEANS_REQUIRED:
                    problems.add(row_number, column, _("a value is required"))
            except ValueError as error:
                problems.add(row_number, column, str(error))
        if quarter is None or not isinstance(pair, tuple):
            continue
        key = (pair, str(quarter))
        if key in first_row_of:
            problems.add(
                row_number,
                None,
                _("%(corridor)s in %(quarter)s is also on row %(row)d")
                % {"corridor": "".join(pair), "quarter": quarter, "row": first_row_of[key]},
            )
            continue
        first_row_of[key] = row_number
        for column, number in numbers.items():
            values[(MEANS_SERIES[column], pair, str(quarter))] = (number, services_count)
    problems.raise_if_any()
    source = services.price_source_create(
        kind=PriceSource.Kind.RPW_CORRIDOR_MEANS,
        title=f"{RPW_TITLE}: corridor-quarter means",
        edition=path.name,
        file_name=path.name,
        sha256=_sha256(path),
        licence=RPW_LICENCE,
        attribution=RPW_ATTRIBUTION,
        user=user,
    )
    created, updated = _upsert_series(values, source)
    progress.advance(read % PROGRESS_EVERY)
    services.aggregates_recompute()
    return ImportResult(read=read, created=created, updated=updated, rejected=skipped)


# remittance-flows --------------------------------------------------------------------------------

FLOWS_REQUIRED = {"sending_code", "receiving_code", "year", "usd_millions"}
FLOWS_OPTIONAL = {"sending_name", "receiving_name"}


def load_remittance_flows(path: Path, *, progress: Progress, user: User | None) -> ImportResult:
    problems = _Problems(path.name)
    codes = _Codes()
    flows: dict[tuple[str, str, int], Decimal] = {}
    first_row_of: dict[tuple[str, str, int], int] = {}
    read = skipped = 0
    progress.start(estimate_data_rows(path))
    for row_number, row in read_table(path, required=FLOWS_REQUIRED, optional=FLOWS_OPTIONAL):
        read += 1
        pair = _pair(row, "sending_code", "receiving_code", row_number, codes, problems)
        if pair is False:
            skipped += 1
            continue
        year_text = (row["year"] or "").strip()
        if not (year_text.isdigit() and 1970 <= int(year_text) <= 2100):
            problems.add(
                row_number, "year", _("%(value)s is not a year") % {"value": year_text or _("(blank)")}
            )
            continue
        try:
            amount = read_number(row["usd_millions"])
            if amount < 0:
                raise ValueError(_("a flow cannot be negative"))
        except ValueError as error:
            problems.add(row_number, "usd_millions", str(error))
            continue
        if not isinstance(pair, tuple):
            continue
        key = (pair[0], pair[1], int(year_text))
        if key in first_row_of:
            problems.add(row_number, None, _("this flow is also on row %(row)d") % {"row": first_row_of[key]})
            continue
        first_row_of[key] = row_number
        flows[key] = amount
    problems.raise_if_any()
    source = services.price_source_create(
        kind=PriceSource.Kind.REMITTANCE_FLOWS,
        title="Bilateral remittance flows",
        edition=path.name,
        file_name=path.name,
        sha256=_sha256(path),
        user=user,
    )
    existing = {
        (str(s), str(r), int(y)): pk
        for pk, s, r, y in RemittanceFlow.objects.values_list(
            "pk", "sending_country_id", "receiving_country_id", "year"
        )
    }
    new: list[RemittanceFlow] = []
    changed: list[RemittanceFlow] = []
    for (sending, receiving, year), amount in flows.items():
        pk = existing.get((sending, receiving, year))
        record = RemittanceFlow(
            pk=pk,
            sending_country_id=sending,
            receiving_country_id=receiving,
            year=year,
            usd_millions=amount,
            source=source,
        )
        (changed if pk else new).append(record)
    RemittanceFlow.objects.bulk_create(new, batch_size=BATCH_SIZE)
    RemittanceFlow.objects.bulk_update(changed, ["usd_millions", "source"], batch_size=BATCH_SIZE)
    progress.advance(read)
    services.aggregates_recompute()
    return ImportResult(read=read, created=len(new), updated=len(changed), rejected=skipped)


# rpw-workbook ------------------------------------------------------------------------------------

WORKBOOK_SHEETS = ("Dataset (up to Q1 2016)", "Dataset (from Q2 2016)")
WORKBOOK_REQUIRED = (
    "period",
    "source_code",
    "destination_code",
    "firm",
    "firm_type",
    "cc1 lcu amount",
    "cc1 lcu code",
    "cc1 lcu fee",
    "cc1 lcu fx rate",
    "inter lcu bank fx",
)
TIERS = (("cc1", AmountTier.USD200), ("cc2", AmountTier.USD500))
# A price block is present when any of these is filled, and then all must be.
PRICE_FIELDS = ("lcu amount", "lcu code", "lcu fee", "lcu fx rate")


def _fold_header(value: object) -> str:
    return re.sub(r"\s+", " ", str(value)).strip().casefold()


def _cell_text(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, datetime.datetime):
        return value.date().isoformat() if value.time() == datetime.time(0) else value.isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    text = str(value).strip()
    return text or None


@dataclass
class _Sheet:
    label: str
    header_row: int
    columns: dict[str, int]  # folded header name → position
    rows: Iterator[tuple[int, list[str | None]]]
    size: int | None


def _workbook_sheets(path: Path) -> Iterator[_Sheet]:
    """The data sheets of an RPW workbook (both when present), or the one table of a CSV.

    RPW workbooks carry extra and unlabelled columns; only the columns this loader knows are read.
    """
    if detect_kind(path) is FileKind.XLSX:
        with Workbook(path, checked=True) as workbook:
            names = [name for name in WORKBOOK_SHEETS if name in workbook.sheetnames] or workbook.sheetnames[
                :1
            ]
            for name in names:
                rows = (
                    (number, [_cell_text(value) for value in values])
                    for number, values in workbook.rows(name)
                )
                yield _sheet(f"{path.name} [{name}]", rows, None)
        return
    rows = (
        (number, [cell.strip() or None for cell in cells])
        for number, cells in csv_records(path, delimiter=None, checked=True)
    )
    yield _sheet(path.name, rows, None)


def _sheet(label: str, rows: Iterator[tuple[int, list[str | None]]], size: int | None) -> _Sheet:
    for number, cells in rows:
        if any(cells):
            columns: dict[str, int] = {}
            for position, cell in enumerate(cells):
                if cell:
                    columns.setdefault(_fold_header(cell), position)
            return _Sheet(label, number, columns, rows, size)
    return _Sheet(label, 0, {}, iter(()), size)


@dataclass
class _ParsedQuote:
    tier: str
    send_amount: Decimal
    usd_amount: Decimal | None
    fee: Decimal
    offered_rate: Decimal
    source_fx_margin_pct: Decimal | None
    source_total_cost_pct: Decimal | None


@dataclass
class _ParsedService:
    file: str
    row: int
    quarter: str
    pair: tuple[str, str]
    provider: tuple[str, str]
    product_key: str
    attributes: dict[str, object]
    send_currency: str
    interbank_rate: Decimal
    quotes: list[_ParsedQuote]


def _optional_number(
    cell: str | None, column: str, fail: Callable[[str, str], None], *, percent: bool = False
) -> Decimal | None:
    try:
        return read_number(cell, percent=percent)
    except _Missing:
        return None
    except ValueError as error:
        fail(column, str(error))
        return None


def _parse_workbook_row(
    sheet: _Sheet, row_number: int, cells: list[str | None], codes: _Codes, problems: _Problems
) -> _ParsedService | None | bool:
    """One service, None when the row has errors (recorded), False for an economy without a country row."""

    def cell(name: str) -> str | None:
        position = sheet.columns.get(name)
        return cells[position] if position is not None and position < len(cells) else None

    before = problems.total

    def fail(column: str, reason: str) -> None:
        problems.add(row_number, column, reason, file=sheet.label)

    quarter = ""
    try:
        quarter = str(Quarter.parse(cell("period")))
    except QuarterFormatError as error:
        fail("period", str(error))
    resolved: list[str] = []
    for column in ("source_code", "destination_code"):
        try:
            resolved.append(codes.country(cell(column)))
        except _UnknownCountry as error:
            fail(column, str(error))
    if len(resolved) == 2 and resolved[0] == resolved[1]:
        fail("destination_code", _("the sending and receiving countries are the same"))
    corridor_code = (cell("corridor") or "").upper()
    if (
        corridor_code
        and corridor_code != f"{cell('source_code') or ''}{cell('destination_code') or ''}".upper()
        and corridor_code != "".join(resolved)
    ):
        fail(
            "corridor",
            _("%(corridor)s is not source_code followed by destination_code") % {"corridor": corridor_code},
        )
    firm = clean_label(cell("firm"))
    if not firm:
        fail("firm", _("the provider's name is missing"))
    attributes: dict[str, object] = {}
    firm_type = ""
    for column, reader, target in (
        ("firm_type", read_firm_type, "firm_type"),
        ("speed actual", read_speed, "speed"),
        ("transparent", read_yes_no, "transparent"),
        ("receiving network coverage", read_coverage, "network_coverage"),
    ):
        try:
            value = reader(cell(column))
        except ValueError as error:
            fail(column, str(error))
            continue
        if target == "firm_type":
            firm_type = str(value)
        elif target == "transparent":
            attributes[target] = value
        else:
            attributes[target] = str(value) if value else ""
    try:
        attributes["collected_on"] = read_date(cell("date"))
    except ValueError as error:
        fail("date", str(error))
    attributes["product"] = clean_label(cell("product"))
    attributes["payment_instrument"] = clean_label(cell("payment instrument"))
    attributes["access_point"] = clean_label(cell("access point"))
    attributes["pickup_method"] = clean_label(cell("pickup method") or cell("pick-up method"))
    attributes["pickup_location"] = clean_label(cell("pickup location"))
    attributes["note"] = "\n".join(
        text for text in (cell("note1"), cell("standard note"), cell("note2")) if text
    )
    attributes["source_row_id"] = (cell("id") or "")[:40]

    interbank: Decimal | None = None
    try:
        interbank = read_number(cell("inter lcu bank fx"))
        if interbank <= 0:
            fail("inter lcu bank fx", _("the interbank rate must be greater than zero"))
            interbank = None
    except ValueError as error:
        fail("inter lcu bank fx", str(error))

    quotes: list[_ParsedQuote] = []
    currencies: set[str] = set()
    for prefix, tier in TIERS:
        filled = [field for field in PRICE_FIELDS if cell(f"{prefix} {field}")]
        if not filled:
            if prefix == "cc1":
                fail(f"{prefix} lcu amount", _("the USD 200 price (cc1) is missing"))
            continue
        numbers: dict[str, Decimal] = {}
        for field in ("lcu amount", "lcu fee", "lcu fx rate"):
            column = f"{prefix} {field}"
            try:
                numbers[field] = read_number(cell(column))
            except ValueError as error:
                fail(column, str(error))
        if "lcu amount" in numbers and numbers["lcu amount"] <= 0:
            fail(f"{prefix} lcu amount", _("the amount sent must be greater than zero"))
        if "lcu fee" in numbers and numbers["lcu fee"] < 0:
            fail(f"{prefix} lcu fee", _("the fee cannot be negative"))
        if "lcu fx rate" in numbers and numbers["lcu fx rate"] <= 0:
            fail(f"{prefix} lcu fx rate", _("the exchange rate offered must be greater than zero"))
        try:
            currencies.add(codes.currency(cell(f"{prefix} lcu code")))
        except ValueError as error:
            fail(f"{prefix} lcu code", str(error))
        usd = _optional_number(cell(f"{prefix} denomination amount"), f"{prefix} denomination amount", fail)
        margin = _optional_number(cell(f"{prefix} fx margin"), f"{prefix} fx margin", fail, percent=True)
        total = _optional_number(cell(f"{prefix} total cost %"), f"{prefix} total cost %", fail, percent=True)
        if len(numbers) == 3:
            quotes.append(
                _ParsedQuote(
                    tier=tier,
                    send_amount=numbers["lcu amount"],
                    usd_amount=usd,
                    fee=numbers["lcu fee"],
                    offered_rate=numbers["lcu fx rate"],
                    source_fx_margin_pct=margin,
                    source_total_cost_pct=total,
                )
            )
    if len(currencies) > 1:
        fail("cc2 lcu code", _("the USD 200 and USD 500 prices are in different currencies"))
    if len(quotes) == 2 and quotes[0].send_amount == quotes[1].send_amount:
        fail("cc2 lcu amount", _("the USD 500 price is for the same amount as the USD 200 price"))
    if problems.total > before or interbank is None or len(resolved) < 2:
        return None
    key = services.product_key(
        product=str(attributes["product"]),
        payment_instrument=str(attributes["payment_instrument"]),
        access_point=str(attributes["access_point"]),
        pickup_method=str(attributes["pickup_method"]),
        pickup_location=str(attributes["pickup_location"]),
        speed=str(attributes.get("speed", "")),
        network_coverage=str(attributes.get("network_coverage", "")),
    )
    return _ParsedService(
        file=sheet.label,
        row=row_number,
        quarter=quarter,
        pair=(resolved[0], resolved[1]),
        provider=(firm, firm_type),
        product_key=key,
        attributes=attributes,
        send_currency=currencies.pop(),
        interbank_rate=interbank,
        quotes=quotes,
    )


def load_rpw_workbook(path: Path, *, progress: Progress, user: User | None) -> ImportResult:
    problems = _Problems(path.name)
    codes = _Codes()
    parsed: list[_ParsedService] = []
    first_row_of: dict[tuple[str, tuple[str, str], tuple[str, str], str], tuple[str, int]] = {}
    read = skipped = 0
    sheets = list(_workbook_sheets_checked(path, problems))
    progress.start(sum(sheet.size or 0 for sheet in sheets) or None)
    for sheet in _workbook_sheets(path):
        missing = [name for name in WORKBOOK_REQUIRED if name not in sheet.columns]
        if missing:
            continue  # reported by _workbook_sheets_checked
        for row_number, cells in sheet.rows:
            if not any(cells):
                continue
            read += 1
            if read % PROGRESS_EVERY == 0:
                progress.advance(PROGRESS_EVERY)
            result = _parse_workbook_row(sheet, row_number, cells, codes, problems)
            if result is False:
                skipped += 1
                continue
            if result is None or result is True:
                continue
            key = (result.quarter, result.pair, result.provider, result.product_key)
            if key in first_row_of:
                where, first = first_row_of[key]
                problems.add(
                    row_number,
                    None,
                    _(
                        "duplicate quote: %(firm)s, same product, corridor and quarter as row %(row)d of %(file)s"
                    )
                    % {"firm": result.provider[0], "row": first, "file": where},
                    file=sheet.label,
                )
                continue
            first_row_of[key] = (sheet.label, row_number)
            parsed.append(result)
    problems.raise_if_any()
    source = services.price_source_create(
        kind=PriceSource.Kind.RPW_WORKBOOK,
        title=RPW_TITLE,
        edition=path.stem,
        file_name=path.name,
        sha256=_sha256(path),
        licence=RPW_LICENCE,
        attribution=RPW_ATTRIBUTION,
        user=user,
    )
    created, updated = _write_services(parsed, source)
    progress.advance(read % PROGRESS_EVERY)
    services.aggregates_recompute()
    return ImportResult(read=read, created=created, updated=updated, rejected=skipped)


def _workbook_sheets_checked(path: Path, problems: _Problems) -> Iterator[_Sheet]:
    """The sheets, after checking their headers; missing columns are reported once per sheet."""
    for sheet in _workbook_sheets(path):
        missing = [name for name in WORKBOOK_REQUIRED if name not in sheet.columns]
        if missing:
            problems.add(
                sheet.header_row or 1,
                None,
                _("Missing required columns: %(missing)s.")
                % {"missing": ", ".join(f"“{m}”" for m in missing)},
                file=sheet.label,
            )
        yield _Sheet(sheet.label, sheet.header_row, sheet.columns, iter(()), sheet.size)


def _write_services(parsed: list[_ParsedService], source: PriceSource) -> tuple[int, int]:
    corridor_ids = _corridor_ids({item.pair for item in parsed})
    providers = {(p.name, p.firm_type): p.pk for p in Provider.objects.all()}
    missing_providers = {item.provider for item in parsed} - providers.keys()
    Provider.objects.bulk_create(
        [Provider(name=name[:200], firm_type=firm_type) for name, firm_type in missing_providers],
        batch_size=BATCH_SIZE,
    )
    if missing_providers:
        providers = {(p.name, p.firm_type): p.pk for p in Provider.objects.all()}
    quarters = {item.quarter for item in parsed}
    existing = {
        (provider_id, corridor_id, quarter, key): pk
        for pk, provider_id, corridor_id, quarter, key in Service.objects.filter(
            quarter__in=quarters
        ).values_list("pk", "provider_id", "corridor_id", "quarter", "product_key")
    }
    now = timezone.now()
    new: list[tuple[_ParsedService, Service]] = []
    changed: list[tuple[_ParsedService, Service]] = []
    for item in parsed:
        provider_id = providers[item.provider]
        corridor_id = corridor_ids[item.pair]
        pk = existing.get((provider_id, corridor_id, item.quarter, item.product_key))
        service = Service(
            pk=pk,
            provider_id=provider_id,
            corridor_id=corridor_id,
            quarter=item.quarter,
            product_key=item.product_key,
            send_currency_id=item.send_currency,
            origin=Origin.RPW_WORKBOOK,
            source=source,
            collector_name=RPW_ATTRIBUTION,
            updated_at=now,
            **item.attributes,
        )
        (changed if pk else new).append((item, service))
    Service.objects.bulk_create([service for _item, service in new], batch_size=BATCH_SIZE)
    update_fields = [
        "send_currency",
        "origin",
        "source",
        "collector_name",
        "updated_at",
        "product",
        "payment_instrument",
        "access_point",
        "pickup_method",
        "pickup_location",
        "speed",
        "transparent",
        "network_coverage",
        "collected_on",
        "note",
        "source_row_id",
    ]
    Service.objects.bulk_update([service for _item, service in changed], update_fields, batch_size=BATCH_SIZE)
    Quote.objects.filter(service_id__in=[service.pk for _item, service in changed]).delete()
    quotes = []
    for item, service in [*new, *changed]:
        for parsed_quote in item.quotes:
            fields = services.quote_fields(
                services.QuoteInput(
                    send_amount=parsed_quote.send_amount,
                    fee=parsed_quote.fee,
                    offered_rate=parsed_quote.offered_rate,
                    interbank_rate=item.interbank_rate,
                    tier=parsed_quote.tier,
                    usd_amount=parsed_quote.usd_amount,
                    source_fx_margin_pct=parsed_quote.source_fx_margin_pct,
                    source_total_cost_pct=parsed_quote.source_total_cost_pct,
                )
            )
            quotes.append(Quote(service_id=service.pk, **fields))
    Quote.objects.bulk_create(quotes, batch_size=BATCH_SIZE)
    return len(new), len(changed)


FORMATS = (
    LoadFormat(
        name="rpw-workbook",
        description=gettext_lazy(
            "World Bank Remittance Prices Worldwide, provider-level workbook (both sheets) or one sheet as CSV."
        ),
        loader=load_rpw_workbook,
    ),
    LoadFormat(
        name="rpw-databank",
        description=gettext_lazy(
            "World Bank DataBank export of the RPW corridor series ATCR.CORR (average total cost, USD 200)."
        ),
        loader=load_rpw_databank,
    ),
    LoadFormat(
        name="rpw-corridor-means",
        description=gettext_lazy(
            "Corridor-quarter means of the RPW workbook: period, source_code, destination_code, "
            "avg_cost_pct_200usd, avg_cost_pct_500usd, avg_fx_margin_200usd, avg_fx_margin_500usd, num_providers."
        ),
        loader=load_rpw_corridor_means,
    ),
    LoadFormat(
        name="remittance-flows",
        description=gettext_lazy(
            "Bilateral remittance flows for the weighted average: sending_code, receiving_code, year, usd_millions."
        ),
        loader=load_remittance_flows,
    ),
)
