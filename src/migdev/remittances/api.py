"""REST API of the remittances module, mounted at /api/v1/remittances/.

Reads are public, like the pages. Providers send their prices with a provider token
(``Authorization: Bearer rpt_…``); researchers record survey prices with their own API token and the
``remittances.add_service`` permission.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate
from ninja.responses import Status
from ninja.security import HttpBearer

from migdev.accounts.access import has_permission
from migdev.core.api_base import AUTH, Pagination, problem
from migdev.core.api_params import answers
from migdev.remittances import selectors, services
from migdev.remittances.method import rank_offers
from migdev.remittances.models import ProviderToken
from migdev.remittances.quarters import Quarter, QuarterFormatError
from migdev.remittances.vocabulary import AmountTier, FirmType, NetworkCoverage, Speed

router = Router(tags=["remittances"])

MAX_OFFERS_PER_REQUEST = 200
MAX_QUOTE_NUMBER = 10**12  # below what the quote columns store (14 integer digits)


class ProviderTokenAuth(HttpBearer):
    """``Authorization: Bearer rpt_…``: a provider's token, valid until it expires or is revoked."""

    def authenticate(self, request: HttpRequest, token: str) -> ProviderToken | None:
        return services.provider_token_authenticate(token)


# Comparison ----------------------------------------------------------------------------------------


class CompareQuery(Schema):
    sending: str = Field(
        ..., min_length=3, max_length=3, description="ISO alpha-3 code of the sending country"
    )
    receiving: str = Field(
        ..., min_length=3, max_length=3, description="ISO alpha-3 code of the receiving country"
    )
    amount: Decimal = Field(..., gt=0, le=1_000_000, description="Amount handed over, fee included")


class OfferOut(Schema):
    rank: int
    provider: str
    firm_type: str
    product: str
    send_currency: str
    receive_currency: str
    fee: Decimal
    offered_rate: Decimal
    interbank_rate: Decimal
    fx_margin_pct: Decimal
    total_cost_pct: Decimal
    amount_received: Decimal
    shortfall: Decimal = Field(description="How much less than the best offer the recipient receives")
    speed: str | None
    pickup_method: str
    transparent: bool | None
    quoted_on: datetime.date | None
    origin: str
    sample: bool = Field(description="True for fictional demonstration prices: not a real offer")
    survey_quarter: str | None = Field(None, description="The survey quarter of survey prices")
    flags: list[str]


class CorridorSurveyOut(Schema):
    quarter: str
    average_cost_pct: float
    fx_margin_pct: float | None
    services: int | None
    series: str
    source: str
    edition: str
    licence: str


class CompareOut(Schema):
    corridor: str
    amount: Decimal
    survey_quarter: str | None
    offers: list[OfferOut]
    corridor_survey: CorridorSurveyOut | None = Field(
        None,
        description="The corridor's latest published survey averages, when no surveyed service is loaded",
    )


def _rounded(value: Decimal, places: int) -> Decimal:
    return value.quantize(Decimal(1).scaleb(-places))


@router.get(
    "compare", response=CompareOut, auth=None, summary="Providers ranked by what the recipient receives"
)
@answers(404)
def compare(request: HttpRequest, query: Query[CompareQuery]) -> CompareOut:
    # The comparison page's snapshot: one query, and the same offers, survey and sources as the page.
    comparison = selectors.corridor_comparison(query.sending.upper(), query.receiving.upper())
    if comparison is None:
        raise Http404
    ranked = rank_offers(comparison.offers, query.amount)
    survey = (
        None
        if any(item.offer.origin in selectors.STATISTICAL_ORIGINS for item in ranked)
        else comparison.survey
    )
    return CompareOut(
        corridor=comparison.corridor.code,
        amount=query.amount,
        survey_quarter=comparison.survey_quarter,
        corridor_survey=CorridorSurveyOut(
            quarter=survey.quarter,
            average_cost_pct=float(survey.average_cost_pct),
            fx_margin_pct=float(survey.fx_margin_pct) if survey.fx_margin_pct is not None else None,
            services=survey.services,
            series=survey.series,
            source=survey.source.title,
            edition=survey.source.edition,
            licence=survey.source.licence,
        )
        if survey
        else None,
        offers=[
            OfferOut(
                rank=item.rank,
                provider=item.offer.provider,
                firm_type=item.offer.firm_type,
                product=item.offer.product,
                send_currency=item.offer.send_currency,
                receive_currency=item.offer.receive_currency,
                fee=_rounded(item.fee, 4),
                offered_rate=_rounded(item.price.offered_rate, 8),
                interbank_rate=_rounded(item.price.interbank_rate, 8),
                fx_margin_pct=_rounded(item.fx_margin_pct, 4),
                total_cost_pct=_rounded(item.total_cost_pct, 4),
                amount_received=_rounded(item.amount_received, 2),
                shortfall=_rounded(item.shortfall, 2),
                speed=item.offer.speed,
                pickup_method=item.offer.pickup_method,
                transparent=item.offer.transparent,
                quoted_on=item.offer.quoted_on,
                origin=item.offer.origin,
                sample=item.offer.is_sample,
                survey_quarter=item.offer.quarter or None,
                flags=sorted(item.flags),
            )
            for item in ranked
        ],
    )


# Corridors, countries, quarters ------------------------------------------------------------------


class CorridorOut(Schema):
    code: str
    sending_country: str
    receiving_country: str
    latest_quarter: str | None = None
    average_pct: float | None = None
    smart_pct: float | None = None


class CorridorQuarterOut(Schema):
    quarter: str
    average_pct: float | None
    services: float | None
    smart_pct: float | None
    smart_services: float | None
    world_bank_average_pct: float | None
    average_usd500_pct: float | None


class CorridorDetailOut(Schema):
    code: str
    sending_country: str
    receiving_country: str
    history: list[CorridorQuarterOut]


class RemittanceCountryQuarterOut(Schema):
    quarter: str
    sending_average_pct: float | None
    receiving_average_pct: float | None


class RemittanceCountryOut(Schema):
    iso3: str
    history: list[RemittanceCountryQuarterOut]


class FigureOut(Schema):
    measure: str
    subject: str
    value: float
    observations: float


class QuarterOut(Schema):
    quarter: str
    tier: str
    services: int | None
    corridors_with_services: int | None
    corridors_from_means: int | None
    corridors_official_only: int | None
    figures: list[FigureOut]


@router.get("corridors", response=list[CorridorOut], auth=None, summary="Corridors with their latest figures")
@paginate(Pagination)
def corridors(request: HttpRequest, sending: str | None = None, receiving: str | None = None) -> Any:
    from migdev.remittances.aggregates import Measure
    from migdev.remittances.models import Corridor

    queryset = Corridor.objects.order_by("sending_country_id", "receiving_country_id")
    if sending:
        queryset = queryset.filter(Q(sending_country_id=sending.upper()))
    if receiving:
        queryset = queryset.filter(Q(receiving_country_id=receiving.upper()))
    rows = list(queryset)
    latest = selectors.latest_corridor_figures(c.code for c in rows)
    result = []
    for corridor in rows:
        figures = latest.get(corridor.code, {})
        average = figures.get(Measure.CORRIDOR_AVERAGE)
        smart = figures.get(Measure.CORRIDOR_SMART)
        result.append(
            CorridorOut(
                code=corridor.code,
                sending_country=corridor.sending_country_id,
                receiving_country=corridor.receiving_country_id,
                latest_quarter=average[0] if average else None,
                average_pct=average[1] if average else None,
                smart_pct=smart[1] if smart and average and smart[0] == average[0] else None,
            )
        )
    return result


@router.get(
    "corridors/{code}", response=CorridorDetailOut, auth=None, summary="A corridor's figures by quarter"
)
def corridor(request: HttpRequest, code: str) -> CorridorDetailOut:
    found = selectors.corridor_by_slug(code)
    return CorridorDetailOut(
        code=found.code,
        sending_country=found.sending_country_id,
        receiving_country=found.receiving_country_id,
        history=[
            CorridorQuarterOut(
                quarter=row.quarter,
                average_pct=row.average,
                services=row.services,
                smart_pct=row.smart,
                smart_services=row.smart_services,
                world_bank_average_pct=float(row.official) if row.official is not None else None,
                average_usd500_pct=row.average_usd500,
            )
            for row in selectors.corridor_history(found)
        ],
    )


@router.get(
    "countries/{iso3}", response=RemittanceCountryOut, auth=None, summary="Average cost from and to a country"
)
def country(request: HttpRequest, iso3: str) -> RemittanceCountryOut:
    history = selectors.country_history(iso3.upper())
    if not history:
        raise Http404
    return RemittanceCountryOut(
        iso3=iso3.upper(),
        history=[
            RemittanceCountryQuarterOut(
                quarter=row.quarter,
                sending_average_pct=row.sending_average,
                receiving_average_pct=row.receiving_average,
            )
            for row in history
        ],
    )


@router.get("quarters", response=list[str], auth=None, summary="Quarters with computed figures")
def quarters(request: HttpRequest, tier: AmountTier = AmountTier.USD200) -> list[str]:
    return selectors.quarters_with_figures(tier)


@router.get("quarters/{quarter}", response=QuarterOut, auth=None, summary="Every figure of one quarter")
def quarter_figures(request: HttpRequest, quarter: str, tier: AmountTier = AmountTier.USD200) -> QuarterOut:
    try:
        canonical = str(Quarter.parse(quarter))
    except QuarterFormatError:
        raise Http404 from None
    coverage = selectors.coverage_for(canonical, tier=tier)
    if coverage is None:
        raise Http404
    figures = selectors.figures_for_quarter(canonical, tier=tier)
    return QuarterOut(
        quarter=canonical,
        tier=tier,
        services=coverage.services,
        corridors_with_services=coverage.corridors_with_services,
        corridors_from_means=coverage.corridors_from_means,
        corridors_official_only=coverage.corridors_official_only,
        figures=[
            FigureOut(measure=measure, subject=subject, value=value, observations=observations)
            for measure, subjects in sorted(figures.items())
            for subject, (value, observations) in sorted(subjects.items())
        ],
    )


# Writes --------------------------------------------------------------------------------------------


class QuoteIn(Schema):
    send_amount: Decimal = Field(..., le=MAX_QUOTE_NUMBER, description="Amount sent, in the sending currency")
    fee: Decimal = Field(..., le=MAX_QUOTE_NUMBER)
    offered_rate: Decimal = Field(
        ..., le=MAX_QUOTE_NUMBER, description="Units of the receiving currency per unit sent"
    )
    interbank_rate: Decimal = Field(
        ..., le=MAX_QUOTE_NUMBER, description="Mid-market rate at the time of the quote"
    )


class ProviderOfferIn(Schema):
    sending_country: str = Field(..., min_length=3, max_length=3)
    receiving_country: str = Field(..., min_length=3, max_length=3)
    send_currency: str = Field(..., min_length=3, max_length=3)
    receive_currency: str = Field(..., min_length=3, max_length=3)
    product: str = Field("", max_length=200)
    payment_instrument: str = Field("", max_length=200)
    access_point: str = Field("", max_length=200)
    pickup_method: str = Field("", max_length=200)
    speed: Speed | None = None
    transparent: bool = True
    quotes: list[QuoteIn] = Field(..., min_length=1, max_length=20)


class ProviderQuotesIn(Schema):
    offers: list[ProviderOfferIn] = Field(..., min_length=1, max_length=MAX_OFFERS_PER_REQUEST)


class ProviderQuotesOut(Schema):
    stored: int
    expires_at: datetime.datetime


def _quote_inputs(quotes: list[QuoteIn]) -> list[services.QuoteInput]:
    return [
        services.QuoteInput(
            send_amount=quote.send_amount,
            fee=quote.fee,
            offered_rate=quote.offered_rate,
            interbank_rate=quote.interbank_rate,
        )
        for quote in quotes
    ]


@router.post(
    "provider/quotes",
    response={200: ProviderQuotesOut},
    auth=ProviderTokenAuth(),
    summary="A provider's current prices (replace its earlier ones; they expire after a set age)",
)
def provider_quotes(request: HttpRequest, payload: ProviderQuotesIn) -> Any:
    token: ProviderToken = request.auth  # type: ignore[attr-defined]
    offers = [
        services.ProviderQuoteInput(
            sending_country=offer.sending_country.upper(),
            receiving_country=offer.receiving_country.upper(),
            send_currency=offer.send_currency.upper(),
            receive_currency=offer.receive_currency.upper(),
            quotes=_quote_inputs(offer.quotes),
            product=offer.product,
            payment_instrument=offer.payment_instrument,
            access_point=offer.access_point,
            pickup_method=offer.pickup_method,
            speed=offer.speed.value if offer.speed else "",
            transparent=offer.transparent,
        )
        for offer in payload.offers
    ]
    try:
        stored = services.provider_quotes_submit(token=token, offers=offers)
    except services.ServiceInputError as error:
        return _invalid(request, error)
    expires = min((service.expires_at for service in stored if service.expires_at), default=None)
    return ProviderQuotesOut(stored=len(stored), expires_at=expires or datetime.datetime.now(datetime.UTC))


class ServiceIn(Schema):
    provider: str = Field(..., max_length=200)
    firm_type: FirmType
    sending_country: str = Field(..., min_length=3, max_length=3)
    receiving_country: str = Field(..., min_length=3, max_length=3)
    quarter: str = Field(..., description="e.g. 2025Q3")
    collected_on: datetime.date
    send_currency: str = Field(..., min_length=3, max_length=3)
    receive_currency: str = Field(..., min_length=3, max_length=3)
    product: str = Field("", max_length=200)
    payment_instrument: str = Field("", max_length=200)
    access_point: str = Field("", max_length=200)
    pickup_method: str = Field("", max_length=200)
    speed: Speed | None = None
    transparent: bool
    network_coverage: NetworkCoverage | None = None
    note: str = Field("", max_length=2000)
    quote_usd200: QuoteIn
    quote_usd500: QuoteIn | None = None


class ServiceOut(Schema):
    id: int
    corridor: str
    quarter: str
    provider: str
    total_cost_pct: dict[str, Decimal]


@router.post("services", response={201: ServiceOut}, auth=AUTH, summary="Record a survey price (researchers)")
def service_create(request: HttpRequest, payload: ServiceIn) -> Any:
    from migdev.reference.models import Country, Currency

    if not has_permission(request.user, "remittances.add_service"):
        return problem(request, 403, "You do not have permission to record prices.")
    try:
        quarter = Quarter.parse(payload.quarter)
    except QuarterFormatError as error:
        return _invalid(request, services.ServiceInputError("quarter", str(error)))
    for field, code, model, lookup in (
        ("sending_country", payload.sending_country, Country, "iso3"),
        ("receiving_country", payload.receiving_country, Country, "iso3"),
        ("send_currency", payload.send_currency, Currency, "code"),
        ("receive_currency", payload.receive_currency, Currency, "code"),
    ):
        if not model.objects.filter(**{lookup: code.upper()}).exists():
            return _invalid(request, services.ServiceInputError(field, f"Unknown code {code}."))
    quotes = [
        services.QuoteInput(
            send_amount=payload.quote_usd200.send_amount,
            fee=payload.quote_usd200.fee,
            offered_rate=payload.quote_usd200.offered_rate,
            interbank_rate=payload.quote_usd200.interbank_rate,
            tier=AmountTier.USD200,
            usd_amount=Decimal(200),
        )
    ]
    if payload.quote_usd500 is not None:
        quotes.append(
            services.QuoteInput(
                send_amount=payload.quote_usd500.send_amount,
                fee=payload.quote_usd500.fee,
                offered_rate=payload.quote_usd500.offered_rate,
                interbank_rate=payload.quote_usd500.interbank_rate,
                tier=AmountTier.USD500,
                usd_amount=Decimal(500),
            )
        )
    try:
        service = services.researcher_service_record(
            user=request.user,  # type: ignore[arg-type]
            request=request,
            provider_name=payload.provider,
            firm_type=payload.firm_type.value,
            sending_country=payload.sending_country.upper(),
            receiving_country=payload.receiving_country.upper(),
            quarter=quarter,
            collected_on=payload.collected_on,
            send_currency=payload.send_currency.upper(),
            receive_currency=payload.receive_currency.upper(),
            quotes=quotes,
            product=payload.product,
            payment_instrument=payload.payment_instrument,
            access_point=payload.access_point,
            pickup_method=payload.pickup_method,
            speed=payload.speed.value if payload.speed else "",
            transparent=payload.transparent,
            network_coverage=payload.network_coverage.value if payload.network_coverage else "",
            note=payload.note,
        )
    except services.ServiceInputError as error:
        return _invalid(request, error)
    return Status(
        201,
        ServiceOut(
            id=service.pk,
            corridor=service.corridor.code,
            quarter=service.quarter,
            provider=service.provider.name,
            total_cost_pct={quote.tier: quote.total_cost_pct for quote in service.quotes.all()},
        ),
    )


def _invalid(request: HttpRequest, error: services.ServiceInputError) -> HttpResponse:
    return problem(
        request,
        422,
        "The request did not validate.",
        errors=[{"field": error.field, "message": error.message}],
    )
