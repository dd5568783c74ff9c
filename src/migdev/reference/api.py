"""Public, read-only API for reference data (countries, aggregates), mounted at /api/v1/reference/."""

from typing import Literal

from django.http import Http404, HttpRequest
from ninja import Query, Router, Schema
from ninja.errors import HttpError
from ninja.pagination import paginate

from migdev.core.api_base import Pagination
from migdev.core.api_params import Year
from migdev.reference import selectors
from migdev.reference.models import Country, Currency, M49Area, WorldBankEconomy

api_prefix = "reference/"
router = Router(tags=["reference"])

IncomeCode = Literal["L", "LM", "UM", "H"]


class CountryOut(Schema):
    iso2: str
    iso3: str
    iso_numeric: str
    m49: str
    name: str
    name_en: str
    name_fr: str
    name_es: str
    m49_region: str | None
    m49_sub_region: str | None
    m49_intermediate_region: str | None
    is_ldc: bool
    is_lldc: bool
    is_sids: bool
    source: str
    edition: str

    @staticmethod
    def resolve_m49_region(country: Country) -> str | None:
        return country.m49_region_id

    @staticmethod
    def resolve_m49_sub_region(country: Country) -> str | None:
        return country.m49_sub_region_id

    @staticmethod
    def resolve_m49_intermediate_region(country: Country) -> str | None:
        return country.m49_intermediate_region_id


class CurrencyOut(Schema):
    code: str
    numeric: str
    name: str
    minor_unit: int | None
    source: str
    edition: str


class IncomeYearOut(Schema):
    fiscal_year: str
    data_year: int
    income_group: str
    source: str
    edition: str


class WorldBankOut(Schema):
    code: str
    region: str | None
    income_group: str
    lending_category: str
    other: str
    source: str
    edition: str
    income_history: list[IncomeYearOut]


class CountryDetailOut(CountryOut):
    official_name_en: str
    official_name_fr: str
    official_name_es: str
    status: str
    currencies: list[CurrencyOut]
    world_bank: WorldBankOut | None

    @staticmethod
    def resolve_currencies(country: Country) -> list[Currency]:
        return list(country.currencies.order_by("code"))

    @staticmethod
    def resolve_world_bank(country: Country) -> dict[str, object] | None:
        economy: WorldBankEconomy | None = getattr(country, "world_bank_economy", None)
        if economy is None:
            return None
        return {
            "code": economy.code,
            "region": economy.region_id,
            "income_group": economy.income_group,
            "lending_category": economy.lending_category,
            "other": economy.other,
            "source": economy.source,
            "edition": economy.edition,
            "income_history": [
                {
                    "fiscal_year": row.fiscal_year_label,
                    "data_year": row.data_year,
                    "income_group": row.income_group,
                    "source": row.source,
                    "edition": row.edition,
                }
                for row in economy.income_history.order_by("fiscal_year")
            ],
        }


class CountryFilters(Schema):
    region: str | None = None
    wb_region: str | None = None
    income_group: IncomeCode | None = None
    year: Year | None = None
    ldc: bool | None = None
    lldc: bool | None = None
    sids: bool | None = None


class AggregateOut(Schema):
    code: str
    name: str
    kind: str


class AggregateMembersOut(AggregateOut):
    data_year: int | None
    count: int
    members: list[str]


@router.get(
    "/countries",
    response=list[CountryOut],
    auth=None,
    summary="List countries and territories",
    description=(
        "Filters: `region` (any M49 area code, e.g. 002, 419, 199 for LDCs), `wb_region` (EAS, SSF…), "
        "`ldc`/`lldc`/`sids`, and `income_group` (L, LM, UM, H) for data `year` (World Bank "
        "classification based on that year's GNI; without a year, CLASS.xlsx)."
    ),
)
@paginate(Pagination)
def list_countries(request: HttpRequest, filters: Query[CountryFilters]) -> object:
    if filters.year is not None and not filters.income_group:
        raise HttpError(422, "`year` applies to `income_group`; give both.")
    try:
        return selectors.country_list(
            m49_area=filters.region,
            wb_region=filters.wb_region,
            is_ldc=filters.ldc,
            is_lldc=filters.lldc,
            is_sids=filters.sids,
            income_group=filters.income_group,
            data_year=filters.year,
        )
    except M49Area.DoesNotExist as error:
        raise HttpError(422, f"Unknown M49 area {filters.region!r}.") from error
    except selectors.ClassificationUnavailable as error:
        raise HttpError(422, str(error)) from error


@router.get("/countries/{code}", response=CountryDetailOut, auth=None, summary="One country by any code")
def get_country(request: HttpRequest, code: str) -> Country:
    """By ISO alpha-2, alpha-3, numeric or M49 code; with currencies and World Bank classification history."""
    try:
        return selectors.country_by_code(code)
    except Country.DoesNotExist as error:
        raise Http404 from error


@router.get("/aggregates", response=list[AggregateOut], auth=None, summary="Aggregates with their kind")
def list_aggregates(request: HttpRequest) -> list[selectors.Aggregate]:
    return selectors.aggregates()


@router.get(
    "/aggregates/{code}/members",
    response=AggregateMembersOut,
    auth=None,
    summary="Members (alpha-3 codes) of an aggregate",
    description="With `year` (data year), World Bank income groups use that year's classification.",
)
def aggregate_members(request: HttpRequest, code: str, year: Year | None = None) -> dict[str, object]:
    try:
        found = selectors.aggregate(code)
        members = selectors.aggregate_members(found.code, year)
    except selectors.UnknownAggregate as error:
        raise Http404 from error
    except selectors.ClassificationUnavailable as error:
        raise HttpError(404, str(error)) from error
    return {
        "code": found.code,
        "name": str(found.name),
        "kind": found.kind,
        "data_year": year,
        "count": len(members),
        "members": sorted(members),
    }
