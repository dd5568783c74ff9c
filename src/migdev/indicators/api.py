"""Public JSON API under /api/v1/indicators/: the indicator list, metadata, computed observations,
editions, and country key figures. Open data: no authentication, rate-limited like the rest of the API."""

from datetime import date

from django.http import Http404, HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from migdev.core.api_base import Pagination
from migdev.indicators import regions, selectors
from migdev.indicators.areas import is_aggregate_code, is_country, normalise_code
from migdev.indicators.models import Edition, Indicator

router = Router(tags=["indicators"])


class EditionOut(Schema):
    code: str
    title: str
    published: date
    kind: str
    source: str
    publisher: str
    licence: str


class IndicatorOut(Schema):
    code: str
    name: str
    definition: str
    unit: str
    factor: int
    numerator: str
    denominator: str | None
    sdg_indicator: str | None
    theme: str


class IndicatorDetailOut(IndicatorOut):
    editions: list[EditionOut]
    default_edition: str | None


class ObservationOut(Schema):
    area: str
    area_name: str
    is_aggregate: bool
    period: str
    value: float | None
    numerator: float | None
    denominator: float | None
    coverage: str | None = Field(None, description="For aggregates: members with data / members.")
    edition: str


class ObservationFilter(Schema):
    area: str | None = Field(
        None, description="Comma-separated ISO alpha-3 codes, WLD, M49 region or income group codes."
    )
    period: str | None = Field(None, description="Comma-separated periods, e.g. 2020 or 2020-Q3.")
    edition: str | None = Field(
        None, description="Edition code; the newest edition with country data by default."
    )


class KeyFigureOut(Schema):
    indicator: str
    name: str
    period: str | None
    value: float | None
    unit: str
    edition: str | None


def _edition_out(edition: Edition) -> EditionOut:
    return EditionOut(
        code=edition.code,
        title=edition.title,
        published=edition.published,
        kind=edition.kind,
        source=edition.source.name,
        publisher=edition.source.publisher,
        licence=edition.source.licence,
    )


def _indicator_out(indicator: Indicator) -> dict[str, object]:
    return {
        "code": indicator.code,
        "name": indicator.name,
        "definition": indicator.definition,
        "unit": indicator.unit_label,
        "factor": indicator.factor,
        "numerator": indicator.numerator_description,
        "denominator": indicator.denominator_description or None,
        "sdg_indicator": indicator.sdg_indicator.code if indicator.sdg_indicator else None,
        "theme": indicator.theme,
    }


def _indicator_or_404(code: str) -> Indicator:
    try:
        return selectors.indicator_by_code(code)
    except Indicator.DoesNotExist as error:
        raise Http404 from error


@router.get("/", response=list[IndicatorOut], summary="List indicators with their codes")
def list_indicators(request: HttpRequest) -> list[dict[str, object]]:
    return [_indicator_out(indicator) for indicator in selectors.indicators()]


@router.get("/editions", response=list[EditionOut], summary="Sources and editions")
def list_editions(request: HttpRequest) -> list[EditionOut]:
    return [_edition_out(edition) for edition in Edition.objects.select_related("source")]


@router.get("/countries/{iso3}/key-figures", response=list[KeyFigureOut], summary="A country's key figures")
def key_figures(request: HttpRequest, iso3: str) -> list[KeyFigureOut]:
    code = normalise_code(iso3)
    if not is_country(code):
        raise Http404
    profile = selectors.country_profile(code)
    return [
        KeyFigureOut(
            indicator=card.indicator.code,
            name=card.indicator.name,
            period=card.value.period if card.value else None,
            value=card.value.value if card.value else None,
            unit=card.indicator.unit_label,
            edition=card.edition.code if card.edition else None,
        )
        for card in profile.cards
    ]


@router.get("/{code}", response=IndicatorDetailOut, summary="One indicator's metadata")
def indicator_detail(request: HttpRequest, code: str) -> dict[str, object]:
    indicator = _indicator_or_404(code)
    default, available = selectors.choose_edition(indicator)
    return {
        **_indicator_out(indicator),
        "editions": [_edition_out(e) for e in available],
        "default_edition": default.code if default else None,
    }


@router.get("/{code}/observations", response=list[ObservationOut], summary="Computed values")
@paginate(Pagination)
def observations(request: HttpRequest, code: str, filters: Query[ObservationFilter]) -> list[ObservationOut]:
    indicator = _indicator_or_404(code)
    requested = [normalise_code(part) for part in (filters.area or "").split(",") if part.strip()]
    countries = [c for c in requested if is_country(c)]
    aggregates = [c for c in requested if is_aggregate_code(c)]
    unknown = [c for c in requested if c not in countries and c not in aggregates]
    if unknown:
        from ninja.errors import HttpError

        raise HttpError(422, f"Unknown area code(s): {', '.join(unknown)}")
    periods = [part.strip() for part in (filters.period or "").split(",") if part.strip()] or None
    if filters.edition and not any(e.code == filters.edition for e in selectors.choose_edition(indicator)[1]):
        raise Http404
    result = selectors.indicator_values(
        indicator,
        areas=countries or (None if not aggregates else []),
        edition_code=filters.edition,
        aggregate_codes=aggregates if requested else [],
        periods=periods,
    )
    names = regions.area_names()
    edition = result.edition.code if result.edition else ""
    rows = [v for v in result.values.values() if not requested or v.area in countries]
    rows += list(result.aggregates.values())
    rows.sort(key=lambda v: (v.is_aggregate, v.area, v.period))
    return [
        ObservationOut(
            area=v.area,
            area_name=names.get(v.area, v.area),
            is_aggregate=v.is_aggregate,
            period=v.period,
            value=v.value,
            numerator=v.numerator,
            denominator=v.denominator,
            coverage=f"{v.covered}/{v.members}" if v.is_aggregate and v.members else None,
            edition=edition,
        )
        for v in rows
    ]
