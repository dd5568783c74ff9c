"""API of the activity registry; mounted by `migdev.coordination.api` under /api/v1/coordination/."""

import datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

from django.http import HttpRequest
from ninja import Field, Router, Schema
from ninja.errors import HttpError
from ninja.pagination import paginate

from migdev.coordination.activities import money, selectors
from migdev.coordination.common.api import CountryCodes
from migdev.coordination.countries import UnknownCountry, normalise_country_code
from migdev.coordination.models import Activity, Area
from migdev.core.api_base import Pagination
from migdev.core.api_params import OneOf, RecordId, Year

router = Router()


class ActivityOut(CountryCodes):
    iati_identifier: str
    reporting_organisation: str
    title: str
    area: str
    information_field: str
    status: str
    countries: list[str]
    source: str
    source_edition: str

    @staticmethod
    def resolve_reporting_organisation(activity: Activity) -> str:
        return str(activity.reporting_organisation.name)


@router.get("/activities", response=list[ActivityOut], auth=None)
@paginate(Pagination)
def list_activities(
    request: HttpRequest, area: Annotated[str | None, OneOf(Area)] = None, country: str = ""
) -> Any:
    return selectors.activities_list(request.user, area=area or "", country_iso3=country)


# --- Money (IATI transactions by country, sector, organisation and year) ----------------------------

MoneyDimension = Literal["country", "sector", "sector_group", "organisation", "provider", "year"]


class CoordinationMoneyRowOut(Schema):
    key: str
    label: str
    commitments: Decimal
    spending: Decimal
    budget: Decimal
    planned: Decimal
    transactions: int


class CoordinationMoneyRateOut(Schema):
    currency: str
    year: int
    per_usd: Decimal
    source: str
    note: str


class CoordinationMoneyLeftOutOut(Schema):
    iati_identifier: str
    kind: str
    reference: str
    transaction_type: str
    date: datetime.date
    amount: Decimal
    currency: str
    reason: str


class CoordinationMoneyPublisherOut(Schema):
    name: str
    sources: list[str]


class CoordinationMoneyOut(Schema):
    by: str
    currency: str
    method: str
    rate_source: str
    total_commitments: Decimal
    total_spending: Decimal
    total_budget: Decimal
    total_planned: Decimal
    includes_samples: bool
    samples_left_aside: int
    rows: list[CoordinationMoneyRowOut]
    rates_used: list[CoordinationMoneyRateOut]
    left_out: list[CoordinationMoneyLeftOutOut]
    publishers: list[CoordinationMoneyPublisherOut]


MONEY_METHOD = (
    "Computed by migdev. Commitments: IATI transactions of type 2 (outgoing commitment). Spending: types 3 "
    "(disbursement) and 4 (expenditure); types 1, 5-13 are not counted. A transaction naming its own "
    "recipient country or region, or DAC sector, goes wholly there; otherwise it is split by the activity's "
    "percentages; none gives 'Not specified' (empty key). Budget: the activity's budgets in force (a revised "
    "budget replaces the original ones for the same period); planned: planned disbursements; both are "
    "spread over calendar years by the share of their period's days in each year and split by the "
    "activity's percentages. Values are converted at the annual average rate of their value date's year: "
    "the World Bank's PA.NUS.FCRF where it has one, else the ECB reference rates' annual mean crossed via the "
    "euro, else a legal parity to the euro (each rate in rates_used names its source); without a rate the "
    "item is in left_out, not in the totals. Totals are the sums of the rows, each rounded to the cent. "
    "Sample activities (fictional) count only with samples=true; includes_samples says whether they did."
)


@router.get("/activities/money", response=CoordinationMoneyOut, auth=None)
def activity_money(
    request: HttpRequest,
    by: MoneyDimension = "country",
    currency: str = money.BASE_CURRENCY,
    year_from: Year | None = None,
    year_to: Year | None = None,
    country: str = "",
    sector: Annotated[str, Field(pattern=r"^(\d{3}|\d{5})?$")] = "",
    organisation: RecordId | None = None,
    samples: bool = False,
) -> Any:
    """Budgets, planned disbursements, commitments and disbursements/expenditure of the published
    activities, by recipient country or region, DAC sector (5-digit) or sector group (3-digit), reporting or
    provider organisation, or year, converted to one currency; with the rates used and their sources, the
    publishers, and what was left out and why. Sample (fictional) activities only with samples=true."""
    currency = currency.upper()
    if currency not in money.currencies():
        raise HttpError(
            422, f"no exchange rates for {currency!r}; available: {', '.join(money.currencies())}"
        )
    country_iso3 = ""
    if country:
        try:
            country_iso3 = normalise_country_code(country)
        except UnknownCountry as error:
            raise HttpError(422, f"unknown country code {country!r}") from error
    view = money.money_view(
        request.user,
        by=by,
        currency=currency,
        year_from=year_from,
        year_to=year_to,
        country_iso3=country_iso3,
        sector=sector,
        organisation_id=organisation,
        include_samples=samples,
    )
    return {
        "by": view.by,
        "currency": view.currency,
        "method": MONEY_METHOD,
        "rate_source": view.rate_source,
        "total_commitments": view.total_commitments,
        "total_spending": view.total_spending,
        "total_budget": view.total_budget,
        "total_planned": view.total_planned,
        "includes_samples": view.includes_samples,
        "samples_left_aside": view.samples_left_aside,
        "rows": [vars(row) for row in view.rows],
        "rates_used": [vars(rate) for rate in view.rates_used],
        "left_out": [
            {
                "iati_identifier": item.activity.iati_identifier,
                "kind": item.kind,
                "reference": getattr(item.record, "reference", ""),
                "transaction_type": getattr(item.record, "transaction_type", ""),
                "date": item.date,
                "amount": item.record.amount,
                "currency": item.record.currency,
                "reason": item.reason,
            }
            for item in view.left_out
        ],
        "publishers": [{"name": name, "sources": sources} for name, sources in view.publishers],
    }
