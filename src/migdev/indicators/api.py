"""Public JSON API under /api/v1/indicators/: the indicator list, metadata, computed observations,
editions, country key figures, development plans with target progress, and migration governance. Open data: no authentication, rate-limited like the rest of the API.

Names, definitions and unit labels come in the language asked for with ``?lang=fr`` (``en``, ``fr``,
``es``), else the request's ``Accept-Language``, else English; codes never change with the language.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from typing import Annotated

from django.http import Http404, HttpRequest
from django.utils import translation
from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError
from ninja.pagination import paginate

from migdev.core.api_base import Pagination
from migdev.core.api_params import Language, OneOf, RecordId, answers
from migdev.indicators import regions, selectors
from migdev.indicators.areas import is_aggregate_code, is_country, normalise_code
from migdev.indicators.formatting import catalogue_text, served_value
from migdev.indicators.models import (
    TOTAL,
    DevelopmentPlan,
    Edition,
    GovernanceAssessment,
    Indicator,
    PolicyDomainScore,
)

router = Router(tags=["indicators"])

LANG_HELP = "Language of names and definitions: en, fr or es (default: Accept-Language, else en)."


@contextmanager
def _language(lang: str | None) -> Iterator[None]:
    """Answer in ``lang`` when given (422 for a language the platform does not have)."""
    if not lang:
        yield
        return
    try:
        code = translation.get_supported_language_variant(lang.strip().lower())
    except LookupError as error:
        raise HttpError(422, f"Unsupported language: {lang}") from error
    with translation.override(code):
        yield


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


UNIT_HELP = (
    "Values are in the indicator's unit: the true quantity is value × 10^unit_mult (SDMX UNIT_MULT; "
    "6 = millions, e.g. US$ million)."
)


class ObservationOut(Schema):
    area: str
    area_name: str
    is_aggregate: bool
    period: str
    sex: str = Field(description="_T both sexes, F female, M male.")
    age: str = Field(description="_T all ages, or the age group asked for.")
    counterpart: str = Field(description="_T all partners, or the partner country asked for.")
    value: float | None = Field(description=UNIT_HELP)
    unit: str
    unit_mult: int
    status: str = Field(description="SDMX OBS_STATUS: A normal, E estimated (an input is an estimate).")
    numerator: float | None = Field(description="In the series' base unit (persons, US dollars).")
    denominator: float | None = Field(description="In the series' base unit (persons, US dollars).")
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
    counterpart: Annotated[str | None, Field(max_length=8)] = Field(
        None,
        description=(
            "One partner country (ISO alpha-3) of a bilateral indicator: the country of origin of "
            "immigrants or refugees hosted, the country of destination of emigrants or refugees abroad."
        ),
    )
    sex: Annotated[str | None, OneOf(("F", "M", "_T"))] = Field(
        None, description="F, M or _T, where the indicator's series has values by sex."
    )
    age: Annotated[str | None, Field(max_length=20)] = Field(
        None, description="An age group, where the indicator's series has one."
    )
    lang: Language = Field(None, description=LANG_HELP)


class KeyFigureOut(Schema):
    indicator: str
    name: str
    period: str | None
    value: float | None = Field(description=UNIT_HELP)
    unit: str
    unit_mult: int
    status: str = Field(description="SDMX OBS_STATUS: A normal, E estimated.")
    edition: str | None
    source: str | None = Field(None, description="Publisher and source of the figure's edition.")


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
        "name": catalogue_text(indicator.name),
        "definition": catalogue_text(indicator.definition),
        "unit": catalogue_text(indicator.unit_label),
        "factor": indicator.factor,
        "numerator": catalogue_text(indicator.numerator_description),
        "denominator": catalogue_text(indicator.denominator_description) or None,
        "sdg_indicator": indicator.sdg_indicator.code if indicator.sdg_indicator else None,
        "theme": indicator.theme,
    }


def _indicator_or_404(code: str) -> Indicator:
    try:
        return selectors.indicator_by_code(code)
    except Indicator.DoesNotExist as error:
        raise Http404 from error


@router.get("/", response=list[IndicatorOut], summary="List indicators with their codes")
def list_indicators(request: HttpRequest, lang: Language = None) -> list[dict[str, object]]:
    with _language(lang):
        return [_indicator_out(indicator) for indicator in selectors.indicators()]


@router.get("/editions", response=list[EditionOut], summary="Sources and editions")
def list_editions(request: HttpRequest) -> list[EditionOut]:
    return [_edition_out(edition) for edition in Edition.objects.select_related("source")]


@router.get("/countries/{iso3}/key-figures", response=list[KeyFigureOut], summary="A country's key figures")
def key_figures(request: HttpRequest, iso3: str, lang: Language = None) -> list[KeyFigureOut]:
    code = normalise_code(iso3)
    if not is_country(code):
        raise Http404
    profile = selectors.country_profile(code)
    with _language(lang):
        return [
            KeyFigureOut(
                indicator=card.indicator.code,
                name=catalogue_text(card.indicator.name),
                period=card.value.period if card.value else None,
                value=served_value(card.value.value, card.indicator) if card.value else None,
                unit=catalogue_text(card.indicator.unit_label),
                unit_mult=card.indicator.display_mult,
                status=(card.value.status or "A") if card.value else "A",
                edition=card.edition.code if card.edition else None,
                source=card.source,
            )
            for card in profile.cards
        ]


class TargetOut(Schema):
    id: int
    goal: str
    goal_reference: str
    indicator: str
    indicator_name: str
    unit: str
    baseline_year: int
    baseline_value: float | None = Field(
        None, description="As typed in the plan, or computed from the indicator for the baseline year."
    )
    target_year: int
    target_value: float
    latest_year: int | None
    latest_value: float | None
    expected_value: float | None = Field(None, description="Where a straight line to the target is by now.")
    status: str = Field(description="achieved, on_track, off_track, no_data or no_baseline.")
    edition: str | None


class PlanOut(Schema):
    id: int
    country: str
    title: str
    kind: str
    start_year: int
    end_year: int
    adopted_on: date | None
    url: str
    summary: str
    status_counts: dict[str, int]
    targets: list[TargetOut]


class AssessmentOut(Schema):
    domain: str
    domain_label: str
    year: int
    finding: str
    text: str
    source: str
    source_url: str


class ScoreOut(Schema):
    domain: str
    domain_label: str
    year: int
    score: int
    score_label: str
    source: str


class GovernanceOut(Schema):
    country: str
    assessments: list[AssessmentOut]
    scores: list[ScoreOut]


def _plan_out(progress: selectors.PlanProgress) -> PlanOut:
    plan = progress.plan
    return PlanOut(
        id=plan.id,
        country=plan.country,
        title=plan.title,
        kind=plan.kind,
        start_year=plan.start_year,
        end_year=plan.end_year,
        adopted_on=plan.adopted_on,
        url=plan.url,
        summary=plan.summary,
        status_counts=progress.counts,
        targets=[
            TargetOut(
                id=item.target.id,
                goal=item.target.goal.title,
                goal_reference=item.target.goal.reference,
                indicator=item.target.indicator.code,
                indicator_name=catalogue_text(item.target.indicator.name),
                unit=catalogue_text(item.target.indicator.unit_label),
                baseline_year=item.target.baseline_year,
                baseline_value=item.baseline,
                target_year=item.target.target_year,
                target_value=item.target.target_value,
                latest_year=item.progress.latest_year,
                latest_value=item.progress.latest,
                expected_value=item.progress.expected,
                status=item.progress.status,
                edition=item.edition.code if item.edition else None,
            )
            for item in progress.targets
        ],
    )


def _country_code_or_404(iso3: str) -> str:
    code = normalise_code(iso3)
    if not is_country(code):
        raise Http404
    return code


@router.get("/plans", response=list[PlanOut], summary="Development plans with target progress")
@paginate(Pagination)
@answers(404)
def list_plans(request: HttpRequest, country: str | None = None, lang: Language = None) -> list[PlanOut]:
    plans = DevelopmentPlan.objects.prefetch_related("goals__targets__indicator")
    if country:
        plans = plans.filter(country=_country_code_or_404(country))
    with _language(lang):
        return [_plan_out(selectors.plan_progress(plan)) for plan in plans]


@router.get("/plans/{plan_id}", response=PlanOut, summary="One development plan with target progress")
def plan_detail(request: HttpRequest, plan_id: RecordId, lang: Language = None) -> PlanOut:
    try:
        plan = selectors.plan_by_id(plan_id)
    except DevelopmentPlan.DoesNotExist as error:
        raise Http404 from error
    with _language(lang):
        return _plan_out(selectors.plan_progress(plan))


@router.get(
    "/countries/{iso3}/governance",
    response=GovernanceOut,
    summary="A country's MGI assessments and SDG 10.7.2 domain scores (all years)",
)
def governance(request: HttpRequest, iso3: str, lang: Language = None) -> GovernanceOut:
    code = _country_code_or_404(iso3)
    with _language(lang):
        return _governance_out(code)


class PartnerFilter(Schema):
    series: Annotated[str, OneOf(selectors.PARTNER_SERIES)] = Field(
        "migrant-stock", description="migrant-stock, refugees or asylum-seekers."
    )
    direction: Annotated[str, OneOf(("origins", "destinations"))] = Field(
        "origins",
        description=(
            "origins: where the people living in the country come from; destinations: where the people "
            "from the country live."
        ),
    )
    period: Annotated[str | None, Field(max_length=10)] = Field(
        None, description="A period the edition holds for the country (default: its latest)."
    )
    edition: Annotated[str | None, Field(max_length=60)] = Field(
        None, description="Edition code (default: the preferred edition with data for the country)."
    )
    lang: Language = Field(None, description="Language of the partner names: en, fr or es.")


class PartnerRowOut(Schema):
    partner: str = Field(description="ISO alpha-3 of the partner (UNK: origin not stated).")
    partner_name: str
    residence: str
    origin: str
    total: float | None = Field(
        description="Persons, both sexes (null where the publisher marks it missing)."
    )
    male: float | None = Field(description="Persons, men, where the series has values by sex.")
    female: float | None = Field(description="Persons, women, where the series has values by sex.")
    status: str = Field(description="SDMX OBS_STATUS: A normal, E estimated.")


class PartnersOut(Schema):
    country: str
    series: str
    direction: str
    period: str | None
    periods: list[str] = Field(description="Every period the edition holds for the country, newest first.")
    has_sex: bool = Field(description="Whether the rows carry men and women.")
    unit: str = Field(description="Unit of total, male and female (persons; unit_mult 0).")
    edition: str | None
    source: str | None = Field(None, description="Publisher and source of the edition.")
    rows: list[PartnerRowOut] = Field(description="Every partner with a published cell, largest first.")


@router.get(
    "/countries/{iso3}/partners",
    response=PartnersOut,
    summary="A country's partners in one bilateral series, one direction: every row, with men and women",
)
def partners(request: HttpRequest, iso3: str, filters: Query[PartnerFilter]) -> PartnersOut:
    code = _country_code_or_404(iso3)
    table = selectors.partner_table(
        code,
        series_code=filters.series,
        direction=filters.direction,
        period=filters.period or None,
        edition_code=filters.edition or None,
    )
    edition = table.edition
    with _language(filters.lang):
        names = regions.area_names()
        return PartnersOut(
            country=code,
            series=table.series.code,
            direction=table.direction,
            period=table.period,
            periods=table.periods,
            has_sex=table.has_sex,
            unit=table.series.unit,
            edition=edition.code if edition else None,
            source=f"{edition.source.publisher}, {edition.source.name} — {edition.title}"
            if edition
            else None,
            rows=[
                PartnerRowOut(
                    partner=row.code,
                    partner_name=names.get(row.code, row.code),
                    residence=code if table.direction == "origins" else row.code,
                    origin=row.code if table.direction == "origins" else code,
                    total=row.total,
                    male=row.male,
                    female=row.female,
                    status=row.status or "A",
                )
                for row in table.rows
            ],
        )


def _governance_out(code: str) -> GovernanceOut:
    return GovernanceOut(
        country=code,
        assessments=[
            AssessmentOut(
                domain=a.domain,
                domain_label=str(a.get_domain_display()),
                year=a.year,
                finding=a.finding,
                text=a.text,
                source=a.source,
                source_url=a.source_url,
            )
            for a in GovernanceAssessment.objects.filter(country=code)
        ],
        scores=[
            ScoreOut(
                domain=s.domain,
                domain_label=str(s.get_domain_display()),
                year=s.year,
                score=s.score,
                score_label=str(s.get_score_display()),
                source=s.source,
            )
            for s in PolicyDomainScore.objects.filter(country=code)
        ],
    )


@router.get("/{code}", response=IndicatorDetailOut, summary="One indicator's metadata")
def indicator_detail(request: HttpRequest, code: str, lang: Language = None) -> dict[str, object]:
    indicator = _indicator_or_404(code)
    default, available = selectors.choose_edition(indicator)
    with _language(lang):
        described = _indicator_out(indicator)
    return {
        **described,
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
        raise HttpError(422, f"Unknown area code(s): {', '.join(unknown)}")
    periods = [part.strip() for part in (filters.period or "").split(",") if part.strip()] or None
    if filters.edition and not any(e.code == filters.edition for e in selectors.choose_edition(indicator)[1]):
        raise Http404
    breakdown = _breakdown(indicator, filters)
    result = selectors.indicator_values(
        indicator,
        areas=countries or (None if not aggregates else []),
        edition_code=filters.edition,
        aggregate_codes=aggregates if requested else [],
        periods=periods,
        breakdown=breakdown,
    )
    with _language(filters.lang):
        names = regions.area_names()
        unit = catalogue_text(indicator.unit_label)
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
            sex=breakdown.sex or indicator.numerator_sex,
            age=breakdown.age or TOTAL,
            counterpart=breakdown.partner or TOTAL,
            value=served_value(v.value, indicator),
            unit=unit,
            unit_mult=indicator.display_mult,
            status=v.status or "A",
            numerator=v.numerator,
            denominator=v.denominator,
            coverage=f"{v.covered}/{v.members}" if v.is_aggregate and v.members else None,
            edition=edition,
        )
        for v in rows
    ]


def _breakdown(indicator: Indicator, filters: ObservationFilter) -> selectors.Breakdown:
    """The sex, age group and partner asked for; 422 naming the reason when the series has none."""
    partner = normalise_code(filters.counterpart) if filters.counterpart else None
    if partner is not None and not is_country(partner):
        raise HttpError(422, f"Unknown counterpart area: {filters.counterpart}")
    breakdown = selectors.Breakdown(
        sex=(filters.sex or "").strip().upper() or None,
        age=(filters.age or "").strip() or None,
        partner=partner,
    )
    problem = selectors.breakdown_problem(indicator, breakdown)
    if problem:
        raise HttpError(422, problem)
    return breakdown
