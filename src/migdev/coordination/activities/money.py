"""Money in the activity registry, as d-portal shows it: budgets, planned disbursements, commitments and
spending per recipient country, sector, organisation and year, split by the activities' percentages and converted to one currency.

Rules (each has a test that fails when it is broken):

- **What counts.** Commitments are IATI transactions of type 2 (outgoing commitment); spending is types 3
  (disbursement) and 4 (expenditure). Incoming funds (1), incoming commitments (11), pledges (12, 13),
  loan and equity flows (5–10) are left out: counting incoming funds as well would count the same money
  twice, once by the funder and once by the implementer.
- **Splitting.** A transaction that names its own recipient country (or region) or DAC sector goes wholly
  there. Otherwise it is split by the activity's recipient countries and regions (their percentages add
  up to 100, as the importer enforces) and by its vocabulary-1 (DAC 5-digit) sectors. An activity with
  none goes to "Not specified", so every row adds up to the total.
- **Budgets and planned disbursements.** An activity's budgets in force (a revised budget replaces the
  original ones for the same period) and its planned disbursements are spread over calendar years by the
  share of their period's days (both ends included) that falls in each year (a planned disbursement
  without an end goes to its start's year), then split by the activity's country, region and sector
  percentages like a transaction that names none. They are shown beside commitments and spending, never
  added to them.
- **Conversion.** A value is converted at the annual average rate of its value date's year (IATI:
  "the date to be used for determining the exchange rate"), in currency units per US dollar:
  ``value / rate(from) * rate(to)``. The rate is the World Bank's PA.NUS.FCRF where the shipped rows have
  one, else the annual mean of the ECB's daily euro reference rates crossed via the euro, else a parity to
  the euro fixed by law (the CFA francs); each rate used names its source (``data/exchange_rates/``).
  When either rate is missing, the transaction is **left out** of the totals and listed with the
  reason, never guessed.
"""

from __future__ import annotations

import csv
import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any

from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from migdev.accounts.models import Organisation
from migdev.coordination import access
from migdev.coordination.activities import codelists
from migdev.coordination.activities.models import (
    DAC_VOCABULARY,
    Activity,
    ActivityBudget,
    ActivityPlannedDisbursement,
    ActivityTransaction,
    BudgetType,
    TransactionType,
)
from migdev.coordination.common.selectors import organisation_names_in, shown_organisation_name
from migdev.coordination.countries import country_label
from migdev.reference.collation import collation_key
from migdev.reference.models import name_language

RATES_DIR = Path(__file__).resolve().parent / "data" / "exchange_rates"
RATES_FILE = RATES_DIR / "API_PA.NUS.FCRF_DS2_en_csv_v2_404139.rows.csv"
ECB_TABLE = RATES_DIR / "ecb-eurofxref-annual-means.csv"
RATE_INDICATOR = "PA.NUS.FCRF"
# Which row of the World Bank table gives each currency, and from which year (the euro only from 1999,
# the France row's earlier values being French francs).
RATE_ROWS: dict[str, tuple[str, int]] = {
    "CHF": ("CHE", 1960),
    "XOF": ("CIV", 1960),
    "EUR": ("FRA", 1999),
    "GBP": ("GBR", 1960),
}
# Currencies tied to the euro by law at a fixed parity (units per euro), used only where neither the
# World Bank nor the ECB gives a rate: the CFA francs (Council Decision 98/683/EC; 655.957 per euro, the
# franc's 100 CFA francs per French franc carried over on 1 January 1999).
EURO_PARITIES: dict[str, tuple[Decimal, int, str]] = {
    "XOF": (Decimal("655.957"), 1999, "CFA franc BCEAO"),
    "XAF": (Decimal("655.957"), 1999, "CFA franc BEAC"),
}
BASE_CURRENCY = "USD"

COMMITMENT_TYPES = frozenset({TransactionType.OUTGOING_COMMITMENT.value})
SPENDING_TYPES = frozenset({TransactionType.DISBURSEMENT.value, TransactionType.EXPENDITURE.value})
COUNTED_TYPES = COMMITMENT_TYPES | SPENDING_TYPES

DIMENSIONS = ("country", "sector", "sector_group", "organisation", "provider", "year")
NOT_SPECIFIED = ""
HUNDRED = Decimal(100)
CENT = Decimal("0.01")

SOURCE_WORLD_BANK = "world_bank"
SOURCE_ECB = "ecb"
SOURCE_PARITY = "parity"


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
class EcbYear:
    per_eur: Decimal  # mean of the year's daily reference rates, currency units per euro
    days: int
    first_date: datetime.date
    last_date: datetime.date


@dataclass(frozen=True)
class EcbTable:
    rates: dict[tuple[str, int], EcbYear]
    last_date: datetime.date  # the file's latest rate

    @property
    def source(self) -> str:
        return (
            "European Central Bank, euro foreign exchange reference rates (eurofxref-hist.csv, rates to "
            f"{self.last_date.isoformat()}), annual mean of the daily rates, crossed with the US dollar via the "
            "euro (computed by migdev)"
        )


@lru_cache(maxsize=1)
def ecb_table() -> EcbTable:
    """The annual means written by ``ecb_rates.py`` from the ECB's file (see data/exchange_rates/SOURCE.md)."""
    with ECB_TABLE.open(encoding="utf-8", newline="") as handle:
        rates = {
            (row["currency"], int(row["year"])): EcbYear(
                Decimal(row["per_eur"]),
                int(row["days"]),
                datetime.date.fromisoformat(row["first_date"]),
                datetime.date.fromisoformat(row["last_date"]),
            )
            for row in csv.DictReader(handle)
        }
    return EcbTable(rates=rates, last_date=max(year.last_date for year in rates.values()))


@dataclass(frozen=True)
class Rate:
    per_usd: Decimal  # currency units per US dollar
    source: str  # SOURCE_WORLD_BANK, SOURCE_ECB or SOURCE_PARITY
    note: str = ""  # how it was derived, when not copied from the publisher


def _year_note(year: EcbYear, year_number: int) -> str:
    if year.last_date.year == year_number and year.last_date.month == 12 and year.last_date.day >= 24:
        return _("mean of %(days)s daily rates") % {"days": year.days}
    return _("mean of %(days)s daily rates to %(date)s (part of the year)") % {
        "days": year.days,
        "date": year.last_date.isoformat(),
    }


def _ecb_rate(currency: str, year: int) -> Rate | None:
    table = ecb_table()
    dollar = table.rates.get((BASE_CURRENCY, year))
    if dollar is None:
        return None
    if currency == "EUR":
        return Rate(Decimal(1) / dollar.per_eur, SOURCE_ECB, _year_note(dollar, year))
    own = table.rates.get((currency, year))
    if own is None:
        return None
    # Cross rate via the euro: (currency per euro) / (dollars per euro) = currency per dollar.
    return Rate(own.per_eur / dollar.per_eur, SOURCE_ECB, _year_note(own, year))


def rate_per_usd(currency: str, year: int) -> Rate | None:
    """The rate of ``currency`` in ``year``: the World Bank's where it has one, else the ECB's annual mean
    crossed via the euro, else a legal parity to the euro; ``None`` when there is none (never guessed)."""
    if currency == BASE_CURRENCY:
        return Rate(Decimal(1), "")
    world_bank = rate_table().per_usd(currency, year)
    if world_bank is not None:
        return Rate(world_bank, SOURCE_WORLD_BANK)
    ecb = _ecb_rate(currency, year)
    if ecb is not None:
        return ecb
    parity = EURO_PARITIES.get(currency)
    if parity is not None and year >= parity[1]:
        euro = rate_per_usd("EUR", year)
        if euro is not None:
            note = _("legal parity %(parity)s %(currency)s per euro × the euro's rate (%(source)s)") % {
                "parity": parity[0],
                "currency": currency,
                "source": rate_source_label(euro.source),
            }
            return Rate(parity[0] * euro.per_usd, SOURCE_PARITY, note)
    return None


def rate_source_label(source: str) -> str:
    if source == SOURCE_WORLD_BANK:
        return rate_table().source
    if source == SOURCE_ECB:
        return ecb_table().source
    if source == SOURCE_PARITY:
        return _("fixed parity to the euro set by law, converted at the euro's rate")
    return ""


def rate_sources() -> list[str]:
    """All rate sources, in the order they are preferred."""
    return [rate_source_label(source) for source in (SOURCE_WORLD_BANK, SOURCE_ECB, SOURCE_PARITY)]


@lru_cache(maxsize=1)
def currencies() -> list[str]:
    """Currencies with at least one rate, for the target-currency choice."""
    codes = {BASE_CURRENCY, "EUR", *rate_table().currencies, *EURO_PARITIES}
    codes |= {currency for currency, _year in ecb_table().rates}
    return sorted(codes)


@dataclass(frozen=True)
class Conversion:
    value: Decimal | None  # None when a rate is missing
    rate_from: Rate | None
    rate_to: Rate | None
    year: int
    missing: str = ""  # the reason, when value is None


def convert(amount: Decimal, currency: str, value_date: datetime.date, target: str) -> Conversion:
    year = value_date.year
    if currency == target:
        return Conversion(amount, None, None, year)
    rate_from, rate_to = rate_per_usd(currency, year), rate_per_usd(target, year)
    missing = [code for code, rate in ((currency, rate_from), (target, rate_to)) if rate is None]
    if missing:
        reason = _("no exchange rate for %(currencies)s in %(year)s (%(indicator)s, ECB reference rates)") % {
            "indicator": RATE_INDICATOR,
            "currencies": " and ".join(missing),
            "year": year,
        }
        return Conversion(None, rate_from, rate_to, year, reason)
    assert rate_from is not None and rate_to is not None
    # Rounded to the cent here, once: the transaction lists show this value, and the rows are split from it
    # in whole cents (split_cents), so every total equals the sum of the transactions shown.
    value = (amount / rate_from.per_usd * rate_to.per_usd).quantize(CENT, ROUND_HALF_UP)
    return Conversion(value, rate_from, rate_to, year)


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
    return activity_country_shares(activity)


def activity_country_shares(activity: Activity) -> Shares:
    items = [(c.country_iso3, c.percentage) for c in activity.countries.all()]
    items += [(f"region:{r.code}", r.percentage) for r in activity.regions.all()]
    return _by_percentage(items)


def sector_shares(transaction: ActivityTransaction, activity: Activity) -> Shares:
    """DAC 5-digit sectors of a transaction."""
    if transaction.sector_code and transaction.sector_vocabulary in ("", DAC_VOCABULARY):
        return [(transaction.sector_code, Decimal(1))]
    return activity_sector_shares(activity)


def activity_sector_shares(activity: Activity) -> Shares:
    return _by_percentage(
        [(s.code, s.percentage) for s in activity.sectors.all() if s.vocabulary == DAC_VOCABULARY]
    )


def split_cents(value: Decimal, shares: Shares) -> Shares:
    """``value`` rounded to the cent, cut into whole cents by ``shares``: each part is its exact share
    rounded down, and the cents left go one each to the parts that lost most (the earlier share on a tie),
    so the parts add up exactly to the rounded value (largest remainder)."""
    total = value.quantize(CENT, ROUND_HALF_UP)
    exact = [total * share for _key, share in shares]
    parts = [part.quantize(CENT, ROUND_FLOOR) for part in exact]
    left = int((total - sum(parts, Decimal(0))) / CENT)
    by_loss = sorted(range(len(parts)), key=lambda i: (parts[i] - exact[i], i))
    for i in by_loss[:left]:
        parts[i] += CENT
    return [(key, part) for (key, _share), part in zip(shares, parts, strict=True)]


def _shares(by: str, item: MoneyItem, activity: Activity, year: int) -> Shares:
    transaction = item if isinstance(item, ActivityTransaction) else None
    if by == "country":
        return country_shares(transaction, activity) if transaction else activity_country_shares(activity)
    if by in ("sector", "sector_group"):
        shares = sector_shares(transaction, activity) if transaction else activity_sector_shares(activity)
        if by == "sector":
            return shares
        merged: dict[str, Decimal] = defaultdict(Decimal)
        for code, share in shares:
            merged[code[:3]] += share
        return list(merged.items())
    if by == "organisation":
        return [(str(activity.reporting_organisation_id), Decimal(1))]
    if by == "provider":
        if isinstance(item, ActivityBudget):
            return [(NOT_SPECIFIED, Decimal(1))]
        return [(item.provider_ref or item.provider_name or NOT_SPECIFIED, Decimal(1))]
    if by == "year":
        return [(str(year), Decimal(1))]
    raise ValueError(f"unknown dimension {by!r}")


def year_shares(start: datetime.date, end: datetime.date | None) -> list[tuple[int, Decimal]]:
    """How a budget or planned disbursement for ``start``–``end`` (both days included) is spread over
    calendar years: by the share of its days that fall in each year. Without an end, all in the start's year."""
    if end is None or end.year == start.year:
        return [(start.year, Decimal(1))]
    total = Decimal((end - start).days + 1)
    shares = []
    for year in range(start.year, end.year + 1):
        first = max(start, datetime.date(year, 1, 1))
        last = min(end, datetime.date(year, 12, 31))
        shares.append((year, Decimal((last - first).days + 1) / total))
    return shares


def budgets_in_force(budgets: list[ActivityBudget]) -> list[ActivityBudget]:
    """An activity's budgets, a revised budget replacing the original ones for the same period."""
    revised = {(b.period_start, b.period_end) for b in budgets if b.budget_type == BudgetType.REVISED}
    return [
        b
        for b in budgets
        if b.budget_type == BudgetType.REVISED or (b.period_start, b.period_end) not in revised
    ]


# --- The view -------------------------------------------------------------------------------------

MoneyItem = ActivityTransaction | ActivityBudget | ActivityPlannedDisbursement

KIND_COMMITMENT = "commitment"
KIND_SPENDING = "spending"
KIND_BUDGET = "budget"
KIND_PLANNED = "planned"


@dataclass
class MoneyRow:
    key: str
    label: str
    commitments: Decimal = Decimal(0)
    spending: Decimal = Decimal(0)
    budget: Decimal = Decimal(0)
    planned: Decimal = Decimal(0)
    transactions: int = 0
    label_lang: str = ""  # set when the label is not in the page's language (an English codelist name)

    def add(self, kind: str, part: Decimal) -> None:
        field_name = {
            KIND_COMMITMENT: "commitments",
            KIND_SPENDING: "spending",
            KIND_BUDGET: "budget",
            KIND_PLANNED: "planned",
        }[kind]
        setattr(self, field_name, getattr(self, field_name) + part)


@dataclass(frozen=True)
class CountedTransaction:
    transaction: ActivityTransaction
    activity: Activity
    kind: str  # "commitment" or "spending"
    conversion: Conversion


@dataclass(frozen=True)
class CountedBudget:
    """A budget or planned disbursement, with the part of it (by days) that falls in the years shown."""

    record: ActivityBudget | ActivityPlannedDisbursement
    activity: Activity
    kind: str  # "budget" or "planned"
    conversion: Conversion
    years: list[tuple[int, Decimal]]

    @property
    def counted_value(self) -> Decimal:
        assert self.conversion.value is not None
        return self.conversion.value * sum((share for _year, share in self.years), Decimal(0))


@dataclass(frozen=True)
class LeftOut:
    record: MoneyItem
    activity: Activity
    reason: str
    kind: str = KIND_COMMITMENT

    @property
    def transaction(self) -> MoneyItem:  # the name the transaction-only view used
        return self.record

    @property
    def date(self) -> datetime.date:
        return self.record.date if isinstance(self.record, ActivityTransaction) else self.record.period_start

    @property
    def kind_label(self) -> str:
        if isinstance(self.record, ActivityTransaction):
            return str(self.record.get_transaction_type_display())
        return str(_("Budget") if self.kind == KIND_BUDGET else _("Planned disbursement"))


@dataclass(frozen=True)
class RateUsed:
    currency: str
    year: int
    per_usd: Decimal
    source: str = ""
    note: str = ""


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
    total_budget: Decimal = Decimal(0)
    total_planned: Decimal = Decimal(0)
    budgets: list[CountedBudget] = field(default_factory=list)
    includes_samples: bool = False  # sample (fictional) activities are in these figures
    samples_left_aside: int = 0  # sample activities not counted because samples were not asked for


def _label(
    by: str, key: str, organisations: dict[str, Organisation], names: dict[int, tuple[str, str]]
) -> codelists.Label:
    """A row's name and its language: codelist names (sectors, regions) are English where IATI publishes
    none in the page's language, and so are organisations with no recorded name in it (``names``, from
    ``organisation_names_in``); the rest (countries, "Not specified") follow the page."""
    language = (get_language() or "en").split("-")[0]
    if key == NOT_SPECIFIED:
        return codelists.Label(_("Not specified"), language)
    if by == "country":
        if key.startswith("region:"):
            return codelists.region_name(key.removeprefix("region:"))
        return codelists.Label(country_label(key), language)
    if by == "sector":
        return codelists.sector_name(key)
    if by == "sector_group":
        return codelists.sector_group_name(key)
    if by == "organisation":
        organisation = organisations.get(key)
        if organisation is None:
            return codelists.Label(key, language)
        shown = shown_organisation_name(organisation, name_language(), names)
        return codelists.Label(shown.text, shown.lang)
    return codelists.Label(key, language)


# The measures drawn as bar charts, each its own chart.
CHART_MEASURES = ("commitments", "spending", "budget")
CHART_BARS = 15


def _measure(row: MoneyRow, measure: str | None) -> Decimal:
    if measure is None:  # the table: money moved first, then money planned
        return row.commitments + row.spending
    value: Decimal = getattr(row, measure)
    return value


def ordered_rows(by: str, rows: list[MoneyRow], measure: str | None = None) -> list[MoneyRow]:
    """The one order of the page's table, its charts, their Vega-Lite specifications and the exports: the
    largest value first, equal values by name as a reader of the page's language sorts them (not by code,
    which would put "Côte d'Ivoire" by its ISO code), "Not specified" last. Years read as a time line, so
    the year view is in year order everywhere."""
    if by == "year":
        return sorted(rows, key=lambda r: r.key)
    return sorted(
        rows,
        key=lambda r: (
            r.key == NOT_SPECIFIED,
            -_measure(r, measure),
            -(r.budget + r.planned) if measure is None else Decimal(0),
            collation_key(r.label),
            r.key,
        ),
    )


def chart_rows(view: MoneyView, measure: str) -> list[MoneyRow]:
    """The bars of one measure's chart: rows with a value for it, in `ordered_rows` order, the largest
    `CHART_BARS` (the first ones in a year view)."""
    shown = [row for row in view.rows if getattr(row, measure)]
    return ordered_rows(view.by, shown, measure)[:CHART_BARS]


def vega_lite_bars(title: str, rows: list[MoneyRow], measure: str, unit: str) -> dict[str, Any]:
    """One chart as a Vega-Lite v5 specification; the bars keep `chart_rows`' order, given explicitly so a
    renderer does not re-sort ties its own way."""
    labels = [row.label for row in rows]
    return {
        "$schema": "https://vega.github.io/schema/vega-lite/v5.json",
        "title": title,
        "data": {
            "values": [
                # "lang": the label's language where it is not the page's (an English codelist name).
                {
                    "label": row.label,
                    "key": row.key,
                    "value": float(getattr(row, measure)),
                    "lang": row.label_lang,
                }
                for row in rows
            ]
        },
        "mark": "bar",
        "encoding": {
            "y": {"field": "label", "type": "nominal", "sort": labels, "title": None},
            "x": {"field": "value", "type": "quantitative", "title": unit},
        },
    }


def _in_years(year: int, year_from: int | None, year_to: int | None) -> bool:
    return (not year_from or year >= year_from) and (not year_to or year <= year_to)


class _Collector:
    def __init__(self, by: str, currency: str) -> None:
        self.by = by
        self.currency = currency
        self.rows: dict[str, MoneyRow] = {}
        self.rates: dict[tuple[str, int], Rate] = {}
        self.publishers: dict[str, set[str]] = defaultdict(set)
        self.organisations: dict[str, Organisation] = {}
        self.left_out: list[LeftOut] = []

    def convert(self, item: MoneyItem, activity: Activity, kind: str) -> Conversion | None:
        conversion = convert(item.amount, item.currency, item.value_date, self.currency)
        if conversion.value is None:
            self.left_out.append(LeftOut(item, activity, conversion.missing, kind))
            return None
        for code, rate in ((item.currency, conversion.rate_from), (self.currency, conversion.rate_to)):
            if rate is not None and code != BASE_CURRENCY:
                self.rates[(code, conversion.year)] = rate
        reporting = activity.reporting_organisation
        self.organisations[str(reporting.pk)] = reporting
        edition = f" ({activity.source_edition})" if activity.source_edition else ""
        self.publishers[str(reporting.name)].add(f"{activity.source}{edition}")
        return conversion

    def add(self, item: MoneyItem, activity: Activity, kind: str, value: Decimal, year: int) -> None:
        for key, part in split_cents(value, _shares(self.by, item, activity, year)):
            row = self.rows.setdefault(key, MoneyRow(key=key, label=""))
            row.add(kind, part)
            if isinstance(item, ActivityTransaction):
                row.transactions += 1


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
    include_samples: bool = False,
) -> MoneyView:
    """Commitments, spending, budgets and planned disbursements of the activities ``user`` may see, by
    ``by``, in ``currency``. Sample activities (fictional, made up to show the platform) count only when
    asked for, so a sample never becomes a default figure."""
    if by not in DIMENSIONS:
        raise ValueError(f"unknown dimension {by!r}")
    activities = access.activities_visible_to(user)
    samples_left_aside = 0
    if not include_samples:
        samples_left_aside = activities.filter(is_sample=True).count()
        activities = activities.filter(is_sample=False)
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
    collector = _Collector(by, currency)
    counted: list[CountedTransaction] = []
    for transaction in transactions:
        activity = transaction.activity
        if country_iso3 and country_iso3 not in dict(country_shares(transaction, activity)):
            continue
        if sector and not any(code.startswith(sector) for code, _s in sector_shares(transaction, activity)):
            continue
        kind = KIND_COMMITMENT if transaction.transaction_type in COMMITMENT_TYPES else KIND_SPENDING
        conversion = collector.convert(transaction, activity, kind)
        if conversion is None or conversion.value is None:
            continue
        counted.append(CountedTransaction(transaction, activity, kind, conversion))
        collector.add(transaction, activity, kind, conversion.value, transaction.date.year)

    budgets = _budget_lines(activities, year_from, year_to)
    counted_budgets: list[CountedBudget] = []
    for record, kind in budgets:
        activity = record.activity
        if country_iso3 and country_iso3 not in dict(activity_country_shares(activity)):
            continue
        if sector and not any(code.startswith(sector) for code, _s in activity_sector_shares(activity)):
            continue
        years = [
            (year, share)
            for year, share in year_shares(record.period_start, record.period_end)
            if _in_years(year, year_from, year_to)
        ]
        if not years:
            continue
        conversion = collector.convert(record, activity, kind)
        if conversion is None or conversion.value is None:
            continue
        counted_budgets.append(CountedBudget(record, activity, kind, conversion, years))
        for year, share in years:
            collector.add(record, activity, kind, conversion.value * share, year)

    rows = collector.rows
    page_language = name_language()
    names = organisation_names_in(page_language) if by == "organisation" and page_language != "en" else {}
    for row in rows.values():
        named = _label(by, row.key, collector.organisations, names)
        row.label, row.label_lang = named.text, named.lang
        row.commitments = row.commitments.quantize(CENT)
        row.spending = row.spending.quantize(CENT)
        row.budget = row.budget.quantize(CENT)
        row.planned = row.planned.quantize(CENT)
    ordered = ordered_rows(by, list(rows.values()))
    used = [
        RateUsed(code, year, rate.per_usd, rate_source_label(rate.source), rate.note)
        for (code, year), rate in sorted(collector.rates.items())
    ]
    sources_used = [label for label in rate_sources() if any(r.source == label for r in used)]
    return MoneyView(
        by=by,
        currency=currency,
        rows=ordered,
        # The totals are the sums of the rows as shown, so the page adds up to the cent.
        total_commitments=sum((r.commitments for r in ordered), Decimal(0)),
        total_spending=sum((r.spending for r in ordered), Decimal(0)),
        total_budget=sum((r.budget for r in ordered), Decimal(0)),
        total_planned=sum((r.planned for r in ordered), Decimal(0)),
        counted=counted,
        budgets=counted_budgets,
        left_out=collector.left_out,
        rates_used=used,
        publishers=sorted((name, sorted(sources)) for name, sources in collector.publishers.items()),
        rate_source="; ".join(sources_used or rate_sources()),
        year_from=year_from,
        year_to=year_to,
        includes_samples=any(c.activity.is_sample for c in counted)
        or any(b.activity.is_sample for b in counted_budgets),
        samples_left_aside=samples_left_aside,
    )


def _budget_lines(
    activities: Any, year_from: int | None, year_to: int | None
) -> list[tuple[ActivityBudget | ActivityPlannedDisbursement, str]]:
    """Budgets in force and planned disbursements whose period touches the years asked for."""
    period = Q()
    if year_from:
        period &= Q(period_end__year__gte=year_from) | Q(
            period_end__isnull=True, period_start__year__gte=year_from
        )
    if year_to:
        period &= Q(period_start__year__lte=year_to)
    related = ("activity__reporting_organisation",)
    prefetch = ("activity__countries", "activity__regions", "activity__sectors")
    budgets = list(
        ActivityBudget.objects.filter(period, activity__in=activities)
        .select_related(*related)
        .prefetch_related(*prefetch)
        .order_by("activity_id", "period_start", "id")
    )
    by_activity: dict[int, list[ActivityBudget]] = defaultdict(list)
    for budget in budgets:
        by_activity[budget.activity_id].append(budget)
    lines: list[tuple[ActivityBudget | ActivityPlannedDisbursement, str]] = [
        (budget, KIND_BUDGET) for group in by_activity.values() for budget in budgets_in_force(group)
    ]
    planned = (
        ActivityPlannedDisbursement.objects.filter(period, activity__in=activities)
        .select_related(*related)
        .prefetch_related(*prefetch)
        .order_by("activity_id", "period_start", "id")
    )
    lines += [(record, KIND_PLANNED) for record in planned]
    return lines
