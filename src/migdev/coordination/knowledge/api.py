"""API of the research library and the research network; mounted by `migdev.coordination.api` under /api/v1/coordination/."""

from typing import Annotated, Any

from django.http import HttpRequest
from django.urls import reverse
from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError

from migdev.coordination import access
from migdev.coordination.common.api import CountryCodes, TopicCodes
from migdev.coordination.countries import UnknownCountry, normalise_country_code
from migdev.coordination.knowledge import selectors
from migdev.coordination.models import DocumentLanguage, Publication, PublicationKind
from migdev.core.api_params import OneOf, PageNumber, Year

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
