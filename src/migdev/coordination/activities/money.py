"""Money in the activity registry, as d-portal shows it: commitments and spending per recipient country,
sector, organisation and year, split by the activities' percentages and converted to one currency.

Rules (each has a test that fails when it is broken):

- **What counts.** Commitments are IATI transactions of type 2 (outgoing commitment); spending is types 3
  (disbursement) and 4 (expenditure). Incoming funds (1), incoming commitments (11), pledges (12, 13),
  loan and equity flows (5–10) are left out: counting incoming funds as well would count the same money
  twice, once by the funder and once by the implementer.
- **Splitting.** A transaction that names its own recipient country (or region) or DAC sector goes wholly
  there. Otherwise it is split by the activity's recipient countries and regions (their percentages add
  up to 100, as the importer enforces) and by its vocabulary-1 (DAC 5-digit) sectors. An activity with
  none goes to "Not specified", so every row adds up to the total.
- **Conversion.** A value is converted at the annual average rate of its value date's year (IATI:
  "the date to be used for determining the exchange rate") from the World Bank's PA.NUS.FCRF table
  shipped in ``data/exchange_rates/`` (local currency units per US dollar): ``value / rate(from) *
  rate(to)``. When either rate is missing, the transaction is **left out** of the totals and listed with
  the reason, never guessed.
"""

from __future__ import annotations

import csv
import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _

from migdev.coordination import access
from migdev.coordination.activities import codelists
from migdev.coordination.activities.models import (
    DAC_VOCABULARY,
    Activity,
    ActivityTransaction,
    TransactionType,
)
from migdev.coordination.countries import country_label

RATES_DIR = Path(__file__).resolve().parent / "data" / "exchange_rates"
RATES_FILE = RATES_DIR / "API_PA.NUS.FCRF_DS2_en_csv_v2_404139.rows.csv"
RATE_INDICATOR = "PA.NUS.FCRF"
# Which row of the World Bank table gives each currency, and from which year (the euro only from 1999,
# the France row's earlier values being French francs).
RATE_ROWS: dict[str, tuple[str, int]] = {
    "CHF": ("CHE", 1960),
    "XOF": ("CIV", 1960),
    "EUR": ("FRA", 1999),
    "GBP": ("GBR", 1960),
}
BASE_CURRENCY = "USD"

COMMITMENT_TYPES = frozenset({TransactionType.OUTGOING_COMMITMENT.value})
SPENDING_TYPES = frozenset({TransactionType.DISBURSEMENT.value, TransactionType.EXPENDITURE.value})
COUNTED_TYPES = COMMITMENT_TYPES | SPENDING_TYPES

DIMENSIONS = ("country", "sector", "sector_group", "organisation", "provider", "year")
NOT_SPECIFIED = ""
HUNDRED = Decimal(100)
CENT = Decimal("0.01")


@dataclass(frozen=True)
class RateTable:
    publisher: str
    indicator: str
    edition: str  # the file's "Last Updated Date"
    file: str
    rates: dict[tuple[str, int], Decimal]  # (currency, year) -> local currency units per US dollar

    @property
    def source(self) -> str:
        return (
            f"{self.publisher}, {RATE_INDICATOR} (official exchange rate, LCU per US$, period average), "
            f"last updated {self.edition}"
        )

    def per_usd(self, currency: str, year: int) -> Decimal | None:
        if currency == BASE_CURRENCY:
            return Decimal(1)
        return self.rates.get((currency, year))

    @property
    def currencies(self) -> list[str]:
        return sorted({BASE_CURRENCY, *(currency for currency, _year in self.rates)})


@lru_cache(maxsize=1)
def rate_table() -> RateTable:
    """The shipped World Bank rows, read as published (values are decimal strings, kept exact)."""
    with RATES_FILE.open(encoding="utf-8", newline="") as handle:
        rows = [row for row in csv.reader(handle) if row]
    edition = next(row[1] for row in rows if row[0] == "Last Updated Date")
    publisher = next(row[1] for row in rows if row[0] == "Data Source")
    header = next(row for row in rows if row[0] == "Country Name")
    years = {index: int(name) for index, name in enumerate(header) if name.isdigit()}
    by_country = {row[1]: row for row in rows if len(row) > 4 and row[3] == RATE_INDICATOR}
    rates: dict[tuple[str, int], Decimal] = {}
    for currency, (country, first_year) in RATE_ROWS.items():
        row = by_country[country]
        for index, year in years.items():
            if year >= first_year and index < len(row) and row[index].strip():
                rates[(currency, year)] = Decimal(row[index])
    return RateTable(
        publisher=f"World Bank, {publisher}",
        indicator=RATE_INDICATOR,
        edition=edition,
        file=RATES_FILE.name,
        rates=rates,
    )


@dataclass(frozen=True)
class Conversion:
    value: Decimal | None  # None when a rate is missing
    rate_from: Decimal | None
    rate_to: Decimal | None
    year: int
    missing: str = ""  # the reason, when value is None


def convert(amount: Decimal, currency: str, value_date: datetime.date, target: str) -> Conversion:
    year = value_date.year
    if currency == target:
        return Conversion(amount, None, None, year)
    table = rate_table()
    rate_from, rate_to = table.per_usd(currency, year), table.per_usd(target, year)
    missing = [code for code, rate in ((currency, rate_from), (target, rate_to)) if rate is None]
    if missing:
        reason = _("no %(indicator)s rate for %(currencies)s in %(year)s") % {
            "indicator": RATE_INDICATOR,
            "currencies": " and ".join(missing),
            "year": year,
        }
        return Conversion(None, rate_from, rate_to, year, reason)
    assert rate_from is not None and rate_to is not None
    return Conversion(amount / rate_from * rate_to, rate_from, rate_to, year)


# --- Splitting -------------------------------------------------------------------------------------


Shares = list[tuple[str, Decimal]]  # (key, fraction of the transaction); fractions add up to 1


def _by_percentage(items: list[tuple[str, Decimal | None]]) -> Shares:
    if not items:
        return [(NOT_SPECIFIED, Decimal(1))]
    if len(items) == 1:
        return [(items[0][0], Decimal(1))]
    # The IATI importer refuses percentages that do not add up to 100, but records from other sources
    # (the CSV import) may name several countries without any: what no percentage places goes to
    # "Not specified" instead of an invented split, so the rows still add up to the total.
    shares = [(key, percentage / HUNDRED) for key, percentage in items if percentage]
    rest = Decimal(1) - sum((share for _key, share in shares), Decimal(0))
    if rest > 0:
        shares.append((NOT_SPECIFIED, rest))
    return shares


def country_shares(transaction: ActivityTransaction, activity: Activity) -> Shares:
    """Recipient countries (ISO3) and regions ("region:<code>") of a transaction."""
    if transaction.country_iso3:
        return [(transaction.country_iso3, Decimal(1))]
    if transaction.region_code:
        return [(f"region:{transaction.region_code}", Decimal(1))]
    items = [(c.country_iso3, c.percentage) for c in activity.countries.all()]
    items += [(f"region:{r.code}", r.percentage) for r in activity.regions.all()]
    return _by_percentage(items)


def sector_shares(transaction: ActivityTransaction, activity: Activity) -> Shares:
    """DAC 5-digit sectors of a transaction."""
    if transaction.sector_code and transaction.sector_vocabulary in ("", DAC_VOCABULARY):
        return [(transaction.sector_code, Decimal(1))]
    return _by_percentage(
        [(s.code, s.percentage) for s in activity.sectors.all() if s.vocabulary == DAC_VOCABULARY]
    )


def _shares(by: str, transaction: ActivityTransaction, activity: Activity) -> Shares:
    if by == "country":
        return country_shares(transaction, activity)
    if by == "sector":
        return sector_shares(transaction, activity)
    if by == "sector_group":
        merged: dict[str, Decimal] = defaultdict(Decimal)
        for code, share in sector_shares(transaction, activity):
            merged[code[:3]] += share
        return list(merged.items())
    if by == "organisation":
        return [(str(activity.reporting_organisation_id), Decimal(1))]
    if by == "provider":
        return [(transaction.provider_ref or transaction.provider_name or NOT_SPECIFIED, Decimal(1))]
    if by == "year":
        return [(str(transaction.date.year), Decimal(1))]
    raise ValueError(f"unknown dimension {by!r}")


# --- The view -------------------------------------------------------------------------------------


@dataclass
class MoneyRow:
    key: str
    label: str
    commitments: Decimal = Decimal(0)
    spending: Decimal = Decimal(0)
    transactions: int = 0


@dataclass(frozen=True)
class CountedTransaction:
    transaction: ActivityTransaction
    activity: Activity
    kind: str  # "commitment" or "spending"
    conversion: Conversion


@dataclass(frozen=True)
class LeftOut:
    transaction: ActivityTransaction
    activity: Activity
    reason: str


@dataclass(frozen=True)
class RateUsed:
    currency: str
    year: int
    per_usd: Decimal


@dataclass
class MoneyView:
    by: str
    currency: str
    rows: list[MoneyRow]
    total_commitments: Decimal
    total_spending: Decimal
    counted: list[CountedTransaction]
    left_out: list[LeftOut]
    rates_used: list[RateUsed]
    publishers: list[tuple[str, list[str]]]  # reporting organisation, its sources (file, edition)
    rate_source: str
    year_from: int | None = None
    year_to: int | None = None
    notes: list[str] = field(default_factory=list)


def _label(by: str, key: str, organisations: dict[str, str]) -> str:
    if key == NOT_SPECIFIED:
        return _("Not specified")
    if by == "country":
        if key.startswith("region:"):
            return codelists.region_label(key.removeprefix("region:"))
        return country_label(key)
    if by == "sector":
        return codelists.sector_label(key)
    if by == "sector_group":
        return codelists.sector_group_label(key)
    if by == "organisation":
        return organisations.get(key, key)
    return key


def money_view(
    user: Any,
    *,
    by: str = "country",
    currency: str = BASE_CURRENCY,
    year_from: int | None = None,
    year_to: int | None = None,
    country_iso3: str = "",
    sector: str = "",
    organisation_id: int | None = None,
) -> MoneyView:
    """Commitments and spending of the activities ``user`` may see, by ``by``, in ``currency``."""
    if by not in DIMENSIONS:
        raise ValueError(f"unknown dimension {by!r}")
    activities = access.activities_visible_to(user)
    if organisation_id:
        activities = activities.filter(reporting_organisation_id=organisation_id)
    transactions = (
        ActivityTransaction.objects.filter(activity__in=activities, transaction_type__in=COUNTED_TYPES)
        .select_related("activity__reporting_organisation")
        .prefetch_related("activity__countries", "activity__regions", "activity__sectors")
        .order_by("date", "id")
    )
    if year_from:
        transactions = transactions.filter(date__year__gte=year_from)
    if year_to:
        transactions = transactions.filter(date__year__lte=year_to)
    rows: dict[str, MoneyRow] = {}
    counted: list[CountedTransaction] = []
    left_out: list[LeftOut] = []
    rates: dict[tuple[str, int], Decimal] = {}
    publishers: dict[str, set[str]] = defaultdict(set)
    organisations: dict[str, str] = {}
    for transaction in transactions:
        activity = transaction.activity
        if country_iso3 and country_iso3 not in dict(country_shares(transaction, activity)):
            continue
        if sector and not any(code.startswith(sector) for code, _s in sector_shares(transaction, activity)):
            continue
        conversion = convert(transaction.amount, transaction.currency, transaction.value_date, currency)
        if conversion.value is None:
            left_out.append(LeftOut(transaction, activity, conversion.missing))
            continue
        for code, rate in ((transaction.currency, conversion.rate_from), (currency, conversion.rate_to)):
            if rate is not None and code != BASE_CURRENCY:
                rates[(code, conversion.year)] = rate
        kind = "commitment" if transaction.transaction_type in COMMITMENT_TYPES else "spending"
        counted.append(CountedTransaction(transaction, activity, kind, conversion))
        reporting = activity.reporting_organisation
        organisations[str(reporting.pk)] = str(reporting.name)
        edition = f" ({activity.source_edition})" if activity.source_edition else ""
        publishers[str(reporting.name)].add(f"{activity.source}{edition}")
        for key, share in _shares(by, transaction, activity):
            row = rows.setdefault(key, MoneyRow(key=key, label=""))
            part = conversion.value * share
            if kind == "commitment":
                row.commitments += part
            else:
                row.spending += part
            row.transactions += 1
    for row in rows.values():
        row.label = _label(by, row.key, organisations)
        row.commitments = row.commitments.quantize(CENT)
        row.spending = row.spending.quantize(CENT)
    ordered = sorted(rows.values(), key=lambda r: (r.key == NOT_SPECIFIED, -(r.commitments + r.spending)))
    if by == "year":
        ordered = sorted(rows.values(), key=lambda r: r.key)
    return MoneyView(
        by=by,
        currency=currency,
        rows=ordered,
        # The totals are the sums of the rows as shown, so the page adds up to the cent.
        total_commitments=sum((r.commitments for r in ordered), Decimal(0)),
        total_spending=sum((r.spending for r in ordered), Decimal(0)),
        counted=counted,
        left_out=left_out,
        rates_used=[RateUsed(c, y, r) for (c, y), r in sorted(rates.items())],
        publishers=sorted((name, sorted(sources)) for name, sources in publishers.items()),
        rate_source=rate_table().source,
        year_from=year_from,
        year_to=year_to,
    )
