"""API of the research library and the research network; mounted by `migdev.coordination.api` under /api/v1/coordination/."""

import datetime
from typing import Annotated, Any

from django.db.models import Q
from django.http import Http404, HttpRequest
from django.urls import reverse
from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError
from ninja.pagination import paginate

from migdev.coordination import access
from migdev.coordination.common.api import CountryCodes, TopicCodes
from migdev.coordination.common.views import current_date
from migdev.coordination.countries import UnknownCountry, normalise_country_code
from migdev.coordination.knowledge import selectors
from migdev.coordination.models import (
    Area,
    DocumentLanguage,
    PartnershipCall,
    Practice,
    Publication,
    PublicationKind,
)
from migdev.core.api_base import Pagination
from migdev.core.api_params import OneOf, PageNumber, RecordId, Year

router = Router()


# --- Research library ------------------------------------------------------------------------------------


class PublicationOut(TopicCodes, CountryCodes):
    slug: str
    title: str
    authors: list[str]
    organisation: str | None
    year: int
    language: str
    kind: str
    abstract: str
    topics: list[str]
    countries: list[str]
    gcm_objectives: list[int]
    licence: str
    url: str
    identifier: str
    identifier_source: str
    identifier_accessed: datetime.date | None
    identifier_is_series_issn: bool
    no_identifier_note: str
    file_name: str
    file_url: str | None
    source: str

    @staticmethod
    def resolve_authors(publication: Publication) -> list[str]:
        return publication.author_list

    @staticmethod
    def resolve_organisation(publication: Publication) -> str | None:
        return publication.organisation.name if publication.organisation else None

    @staticmethod
    def resolve_gcm_objectives(publication: Publication) -> list[int]:
        return [objective.number for objective in publication.gcm_objectives.all()]

    @staticmethod
    def resolve_file_url(publication: Publication, context: dict[str, Any]) -> str | None:
        request = context["request"]
        if not publication.has_file or not access.may_download(request.user, publication.file_access):
            return None
        return request.build_absolute_uri(reverse("coordination:publication_file", args=[publication.slug]))


class PublicationHitOut(Schema):
    score: float | None
    title_html: str
    snippet_html: str
    publication: PublicationOut


class PublicationSearchOut(Schema):
    count: int
    count_is_lower_bound: bool
    ranked_by_relevance: bool
    backend: str
    items: list[PublicationHitOut]


class PublicationFiltersIn(Schema):
    q: str = ""
    kind: Annotated[str | None, OneOf(PublicationKind)] = None
    language: Annotated[str | None, OneOf(DocumentLanguage)] = None
    topic: str = ""
    country: str = ""
    objective: Annotated[int | None, Field(ge=1, le=23)] = None
    year_from: Year | None = None
    year_to: Year | None = None
    page: PageNumber = 1
    page_size: Annotated[int, Field(ge=1, le=selectors.SEARCH_PAGE_MAX)] = 20


@router.get("/publications", response=PublicationSearchOut, auth=None)
def search_publications(request: HttpRequest, filters: Query[PublicationFiltersIn]) -> Any:
    """Full-text search of the research library (published records): words, "phrases", -exclusions,
    OR, prefix*; best first, with highlighted snippets (HTML, escaped, matches in <mark>)."""
    page_size = filters.page_size
    country = ""
    if filters.country:
        try:
            country = normalise_country_code(filters.country)
        except UnknownCountry as error:
            raise HttpError(422, f"unknown country code {filters.country!r}") from error
    results = selectors.publications_search(
        request.user,
        filters.q,
        selectors.PublicationFilters(
            year_from=filters.year_from,
            year_to=filters.year_to,
            language=filters.language or "",
            kind=filters.kind or "",
            topic=filters.topic,
            country_iso3=country,
            gcm_objective=filters.objective,
        ),
        limit=page_size,
        offset=(filters.page - 1) * page_size,
    )
    return {
        "count": results.total,
        "count_is_lower_bound": results.capped,
        "ranked_by_relevance": results.by_relevance,
        "backend": results.backend,
        "items": [
            {
                "score": hit.score,
                "title_html": str(hit.title_html),
                "snippet_html": str(hit.snippet),
                "publication": hit.publication,
            }
            for hit in results.hits
        ],
    }


@router.get("/publications/{slug}", response=PublicationOut, auth=None)
def get_publication(request: HttpRequest, slug: str) -> Any:
    return access.publication_get_for_user(request.user, slug)


# --- Research network -----------------------------------------------------------------------------------------


class ResearcherOut(TopicCodes, CountryCodes):
    slug: str
    name: str
    institution: str | None
    position: str
    orcid: str
    topics: list[str]
    countries: list[str]
    publications: list[str]

    @staticmethod
    def resolve_institution(researcher: Any) -> str | None:
        return researcher.organisation.name if researcher.organisation else None

    @staticmethod
    def resolve_publications(researcher: Any) -> list[str]:
        return [p.slug for p in researcher.publications.filter(is_published=True)]


class ResearchProjectOut(TopicCodes, CountryCodes):
    slug: str
    title: str
    summary: str
    lead_institution: str
    partner_institutions: list[str]
    start_year: int | None
    end_year: int | None
    topics: list[str]
    countries: list[str]
    publications: list[str]
    source: str

    @staticmethod
    def resolve_lead_institution(project: Any) -> str:
        return str(project.lead_organisation.name)

    @staticmethod
    def resolve_partner_institutions(project: Any) -> list[str]:
        return [organisation.name for organisation in project.partners.all()]

    @staticmethod
    def resolve_publications(project: Any) -> list[str]:
        return [p.slug for p in project.publications.filter(is_published=True)]


def _network(request: HttpRequest, topic: str, country: str) -> selectors.ResearchNetwork:
    iso3 = ""
    if country:
        try:
            iso3 = normalise_country_code(country)
        except UnknownCountry as error:
            raise HttpError(422, f"unknown country code {country!r}") from error
    return selectors.research_network(request.user, topic=topic, country_iso3=iso3)


@router.get("/researchers", response=list[ResearcherOut], auth=None)
def list_researchers(request: HttpRequest, topic: str = "", country: str = "") -> Any:
    return _network(request, topic, country).researchers


@router.get("/research-projects", response=list[ResearchProjectOut], auth=None)
def list_research_projects(request: HttpRequest, topic: str = "", country: str = "") -> Any:
    return _network(request, topic, country).projects


# --- Practices and calls for partnership (read-only) ------------------------------------------------------


class CoordinationPracticeOut(TopicCodes, CountryCodes):
    id: int
    title: str
    what: str
    who: str
    results: str
    lessons: str
    pitfalls: str
    area: str
    gcm_objectives: list[int]
    topics: list[str]
    countries: list[str]
    organisations: list[str]
    status: str
    is_sample: bool
    published_at: datetime.datetime | None

    @staticmethod
    def resolve_gcm_objectives(practice: Practice) -> list[int]:
        return [objective.number for objective in practice.gcm_objectives.all()]

    @staticmethod
    def resolve_organisations(practice: Practice) -> list[str]:
        return [str(organisation.name) for organisation in practice.organisations.all()]


class CoordinationPartnershipCallOut(Schema):
    id: int
    title: str
    description: str
    organisation: str
    practice: int | None = Field(None, alias="practice_id")
    gcm_objectives: list[int]
    contact_email: str
    open_until: datetime.date
    is_open: bool
    is_sample: bool

    @staticmethod
    def resolve_organisation(call: PartnershipCall) -> str:
        return str(call.organisation.name)

    @staticmethod
    def resolve_gcm_objectives(call: PartnershipCall) -> list[int]:
        return [objective.number for objective in call.gcm_objectives.all()]

    @staticmethod
    def resolve_is_open(call: PartnershipCall) -> bool:
        return call.open_until >= current_date()


def _country(country: str) -> str:
    try:
        return normalise_country_code(country)
    except UnknownCountry as error:
        raise HttpError(422, f"unknown country code {country!r}") from error


@router.get("/practices", response=list[CoordinationPracticeOut], auth=None)
@paginate(Pagination)
def list_practices(
    request: HttpRequest,
    area: Annotated[str | None, OneOf(Area)] = None,
    objective: Annotated[int | None, Field(ge=1, le=23)] = None,
    topic: str = "",
    country: str = "",
    q: Annotated[str, Field("", max_length=200)] = "",
    sample: bool | None = None,
) -> Any:
    """Published practices (and, for their submitter and reviewers, drafts), newest first; each says
    whether it is a sample record."""
    practices = access.practices_visible_to(request.user)
    if area:
        practices = practices.filter(area=area)
    if objective:
        practices = practices.filter(gcm_objectives__number=objective)
    if topic:
        practices = practices.filter(topics__code=topic)
    if country:
        practices = practices.filter(countries__country_iso3=_country(country))
    if q:
        practices = practices.filter(Q(title__icontains=q) | Q(what__icontains=q) | Q(lessons__icontains=q))
    if sample is not None:
        practices = practices.filter(is_sample=sample)
    return (
        practices.distinct()
        .order_by("-published_at", "-id")
        .prefetch_related("gcm_objectives", "topics", "countries", "organisations")
    )


@router.get("/practices/{practice_id}", response=CoordinationPracticeOut, auth=None)
def get_practice(request: HttpRequest, practice_id: RecordId) -> Any:
    try:
        return access.practice_get_for_user(request.user, practice_id)
    except Http404 as error:
        raise HttpError(404, "Not Found") from error


@router.get("/partnership-calls", response=list[CoordinationPartnershipCallOut], auth=None)
@paginate(Pagination)
def list_partnership_calls(
    request: HttpRequest,
    open_only: bool = False,
    objective: Annotated[int | None, Field(ge=1, le=23)] = None,
    organisation: RecordId | None = None,
    sample: bool | None = None,
) -> Any:
    """Published calls for partnership, soonest closing first; ``open_only`` keeps those still open."""
    calls = access.partnership_calls_visible_to(request.user)
    if open_only:
        calls = calls.filter(open_until__gte=current_date())
    if objective:
        calls = calls.filter(gcm_objectives__number=objective)
    if organisation:
        calls = calls.filter(organisation_id=organisation)
    if sample is not None:
        calls = calls.filter(is_sample=sample)
    return (
        calls.distinct()
        .order_by("open_until", "id")
        .select_related("organisation")
        .prefetch_related("gcm_objectives")
    )


@router.get("/partnership-calls/{call_id}", response=CoordinationPartnershipCallOut, auth=None)
def get_partnership_call(request: HttpRequest, call_id: RecordId) -> Any:
    call = (
        access.partnership_calls_visible_to(request.user)
        .select_related("organisation")
        .filter(pk=call_id)
        .first()
    )
    if call is None:
        raise HttpError(404, "Not Found")
    return call
