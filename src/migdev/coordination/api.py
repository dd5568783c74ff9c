"""Coordination API, mounted at /api/v1/coordination/. Reads of published content are public; writes need a
token or session with the editor role."""

import datetime
from typing import Annotated, Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status
from ninja.errors import HttpError
from ninja.pagination import paginate

from migdev.coordination import access
from migdev.coordination.activities import selectors as activities_selectors
from migdev.coordination.common import selectors as common_selectors
from migdev.coordination.countries import UnknownCountry, normalise_country_code
from migdev.coordination.information import selectors as information_selectors
from migdev.coordination.knowledge import selectors as knowledge_selectors
from migdev.coordination.models import (
    Activity,
    Area,
    DatePrecision,
    DocumentLanguage,
    Meeting,
    MigrantInfoSubject,
    MigrationPolicy,
    PolicyDomain,
    Process,
    Publication,
    PublicationKind,
)
from migdev.coordination.policies import selectors as policies_selectors
from migdev.coordination.processes import selectors as processes_selectors
from migdev.coordination.processes import services as processes_services
from migdev.core.api_base import AUTH, Pagination
from migdev.core.api_params import IsoDate, Language, OneOf, PageNumber, RecordId, Year, answers

router = Router(tags=["coordination"])


class TopicCodes(Schema):
    """Serialises a record's ``topics`` as their vocabulary codes."""

    @staticmethod
    def resolve_topics(record: Any) -> list[str]:
        return [topic.code for topic in record.topics.all()]


class CountryCodes(Schema):
    """Serialises a record's ``countries`` as ISO3 codes."""

    @staticmethod
    def resolve_countries(record: Any) -> list[str]:
        return [country.country_iso3 for country in record.countries.all()]


class ChairOut(Schema):
    role: str
    country_iso3: str
    organisation: str | None
    start_date: datetime.date
    start_precision: str
    end_date: datetime.date | None

    @staticmethod
    def resolve_organisation(chair: Any) -> str | None:
        return chair.organisation.name if chair.organisation else None


class MembershipOut(Schema):
    country_iso3: str
    status: str
    start_year: int | None
    end_date: datetime.date | None


class ProcessOut(Schema):
    code: str
    acronym: str
    name: str
    kind: str
    region: str
    established_year: int | None
    secretariat: str | None
    membership_complete: bool
    source: str

    @staticmethod
    def resolve_secretariat(process: Process) -> str | None:
        return process.secretariat.name if process.secretariat else None


class ProcessDetailOut(ProcessOut):
    members: list[MembershipOut]
    chairs: list[ChairOut]

    @staticmethod
    def resolve_members(process: Process, context: dict[str, Any]) -> list[Any]:
        # The view validated ``as_of`` (422 otherwise); reading the raw query here once let ``as_of=0`` 500.
        on = getattr(context["request"], "membership_date", None) or timezone.localdate()
        return list(processes_selectors.memberships_on(process, on))

    @staticmethod
    def resolve_chairs(process: Process) -> list[Any]:
        return list(process.chairs.select_related("organisation"))


class AgendaItemOut(TopicCodes):
    position: int
    title: str
    topics: list[str]


class MeetingDocumentOut(Schema):
    title: str
    kind: str
    language: str
    url: str
    file_name: str
    file_url: str | None


class MeetingOut(Schema):
    slug: str
    title: str
    process: str | None
    kind: str
    status: str
    start_date: datetime.date
    end_date: datetime.date
    date_precision: str
    city: str
    country_iso3: str
    agenda: list[AgendaItemOut]
    documents: list[MeetingDocumentOut]
    source: str
    version: int = Field(
        description="Grows with every saved change; a write from an older version is refused (409)."
    )

    @staticmethod
    def resolve_process(meeting: Meeting) -> str | None:
        return meeting.process.code if meeting.process else None

    @staticmethod
    def resolve_agenda(meeting: Meeting) -> list[Any]:
        return list(meeting.agenda_items.all())

    @staticmethod
    def resolve_documents(meeting: Meeting, context: dict[str, Any]) -> list[dict[str, Any]]:
        request = context["request"]
        return [
            {
                "title": document.title,
                "kind": document.kind,
                "language": document.language,
                "url": document.url,
                "file_name": document.file_name,
                "file_url": request.build_absolute_uri(
                    reverse("coordination:meeting_document_file", args=[meeting.slug, document.pk])
                )
                if document.has_file and access.may_download(request.user, document.file_access)
                else None,
            }
            for document in meeting.documents.all()
        ]


class MeetingIn(Schema):
    title: str
    kind: Meeting.Kind
    start_date: IsoDate
    end_date: IsoDate
    source: str
    process: str | None = None
    status: Meeting.Status = Meeting.Status.PLANNED
    date_precision: DatePrecision = DatePrecision.DAY
    city: str = ""
    country: str = ""
    host_country: str = ""
    theme: str = ""
    is_published: bool = True


class TopicRowOut(Schema):
    topic: str
    processes: dict[str, list[datetime.date]]


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


class MeetingFilters(Schema):
    process: str | None = None
    topic: str | None = None
    start: IsoDate | None = None
    end: IsoDate | None = None


@router.get("/processes", response=list[ProcessOut], auth=None)
@paginate(Pagination)
def list_processes(
    request: HttpRequest, kind: Annotated[str | None, OneOf(Process.Kind)] = None, country: str = ""
) -> Any:
    return processes_selectors.processes_list(request.user, kind=kind or "", country_iso3=country)


@router.get("/processes/{code}", response=ProcessDetailOut, auth=None)
def get_process(request: HttpRequest, code: str, as_of: IsoDate | None = None) -> Any:
    request.membership_date = as_of  # type: ignore[attr-defined]
    return access.process_get_for_user(request.user, code)


@router.get("/meetings", response=list[MeetingOut], auth=None)
@paginate(Pagination)
@answers(404)
def list_meetings(request: HttpRequest, filters: Query[MeetingFilters]) -> Any:
    process = access.process_get_for_user(request.user, filters.process) if filters.process else None
    topic = None
    if filters.topic:
        from migdev.coordination.models import Topic

        topic = Topic.objects.filter(code=filters.topic).first()
        if topic is None:
            raise HttpError(422, f"unknown topic {filters.topic!r}")
    return processes_selectors.meetings_between(
        request.user, start=filters.start, end=filters.end, process=process, topic=topic
    )


@router.post("/meetings", response={201: MeetingOut}, auth=AUTH)
@answers(404)
def create_meeting(request: HttpRequest, payload: MeetingIn) -> Any:
    if not access.can_edit(request.user):
        raise HttpError(403, "Editing coordination records needs the editor role.")
    process = access.process_get_for_user(request.user, payload.process) if payload.process else None
    try:
        meeting = processes_services.meeting_create(
            actor=request.user,
            data=processes_services.MeetingInput(
                title=payload.title,
                kind=payload.kind,
                start_date=payload.start_date,
                end_date=payload.end_date,
                source=payload.source,
                process=process,
                status=payload.status,
                date_precision=payload.date_precision,
                city=payload.city,
                country_code=payload.country,
                host_country_code=payload.host_country,
                theme=payload.theme,
                is_published=payload.is_published,
            ),
        )
    except ValidationError as error:
        raise HttpError(422, "; ".join(error.messages)) from error
    return Status(201, meeting)


@router.get("/topics-across-processes", response=list[TopicRowOut], auth=None)
def topics_across_processes(
    request: HttpRequest,
    start: IsoDate | None = None,
    end: IsoDate | None = None,
    shared_only: bool = False,
) -> Any:
    matrix = processes_selectors.topics_across_processes(
        request.user, start=start, end=end, shared_only=shared_only
    )
    return [
        {
            "topic": row.topic.code,
            "processes": {
                process.code: [meeting.start_date for meeting in cell]
                for process, cell in zip(matrix.processes, row.cells, strict=True)
                if cell
            },
        }
        for row in matrix.rows
    ]


@router.get("/activities", response=list[ActivityOut], auth=None)
@paginate(Pagination)
def list_activities(
    request: HttpRequest, area: Annotated[str | None, OneOf(Area)] = None, country: str = ""
) -> Any:
    return activities_selectors.activities_list(request.user, area=area or "", country_iso3=country)


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
    page_size: Annotated[int, Field(ge=1, le=knowledge_selectors.SEARCH_PAGE_MAX)] = 20


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
    results = knowledge_selectors.publications_search(
        request.user,
        filters.q,
        knowledge_selectors.PublicationFilters(
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


# --- Migration policy database -----------------------------------------------------------------------------


class PolicyOut(TopicCodes):
    id: int
    country_iso3: str
    title: str
    original_title: str
    year: int
    adopted_on: datetime.date | None
    adopted_precision: str
    ended_on: datetime.date | None
    kind: str
    direction: str
    domain: str
    area: str
    status: str
    partners: list[str]
    topics: list[str]
    summary: str
    development_relevance: str
    source_name: str
    source_url: str
    source_edition: str
    version: int = Field(
        description="Grows with every saved change; a write from an older version is refused (409)."
    )

    @staticmethod
    def resolve_partners(policy: MigrationPolicy) -> list[str]:
        return [partner.country_iso3 for partner in policy.partners.all()]


class PolicyFiltersIn(Schema):
    country: str = ""
    domain: Annotated[str | None, OneOf(PolicyDomain)] = None
    kind: Annotated[str | None, OneOf(MigrationPolicy.Kind)] = None
    direction: Annotated[str | None, OneOf(MigrationPolicy.Direction)] = None
    area: Annotated[str | None, OneOf(Area)] = None
    topic: str = ""
    year_from: Year | None = None
    year_to: Year | None = None
    q: str = ""


@router.get("/policies", response=list[PolicyOut], auth=None)
@paginate(Pagination)
def list_policies(request: HttpRequest, filters: Query[PolicyFiltersIn]) -> Any:
    country = ""
    if filters.country:
        try:
            country = normalise_country_code(filters.country)
        except UnknownCountry as error:
            raise HttpError(422, f"unknown country code {filters.country!r}") from error
    return policies_selectors.policies_list(
        request.user,
        policies_selectors.PolicyFilters(
            country_iso3=country,
            domain=filters.domain or "",
            kind=filters.kind or "",
            direction=filters.direction or "",
            area=filters.area or "",
            topic=filters.topic,
            year_from=filters.year_from,
            year_to=filters.year_to,
            query=filters.q,
        ),
    )


@router.get("/policies/{policy_id}", response=PolicyOut, auth=None)
def get_policy(request: HttpRequest, policy_id: RecordId) -> Any:
    return access.policy_get_for_user(request.user, policy_id)


# --- Information for migrants --------------------------------------------------------------------------------


class HotlineOut(Schema):
    country_iso3: str
    name: str
    kind: str
    phone: str
    hours: str
    languages: str
    url: str
    source: str
    verified_on: datetime.date | None


class MigrantPageOut(Schema):
    slug: str
    subject: str
    country_iso3: str
    language: str
    requested_language: str
    is_fallback: bool
    available_languages: list[str]
    title: str
    summary: str
    published_at: datetime.datetime | None


class MigrantPageDetailOut(MigrantPageOut):
    body: str
    hotlines: list[HotlineOut]


def _migrant_page_out(entry: information_selectors.LocalisedPage) -> dict[str, Any]:
    return {
        "slug": entry.page.slug,
        "subject": entry.page.subject,
        "country_iso3": entry.page.country_iso3,
        "language": entry.language,
        "requested_language": entry.requested_language,
        "is_fallback": entry.is_fallback,
        "available_languages": entry.available_languages,
        "title": entry.title,
        "summary": entry.summary,
        "published_at": entry.published_at,
    }


def _requested_language(lang: str | None) -> str:
    return lang or settings.LANGUAGE_CODE


@router.get("/migrant-information", response=list[MigrantPageOut], auth=None)
def list_migrant_information(
    request: HttpRequest,
    country: str = "",
    subject: Annotated[str | None, OneOf(MigrantInfoSubject)] = None,
    lang: Language = None,
) -> Any:
    """Published pages for migrants, in ``lang`` where written, otherwise in another language
    (``is_fallback``). With a country, pages for that country and pages for everyone."""
    language = _requested_language(lang)
    iso3 = ""
    if country:
        try:
            iso3 = normalise_country_code(country)
        except UnknownCountry as error:
            raise HttpError(422, f"unknown country code {country!r}") from error
    return [
        _migrant_page_out(entry)
        for entry in information_selectors.migrant_pages(
            AnonymousUser(), language, country_iso3=iso3, subject=subject or ""
        )
    ]


@router.get("/migrant-information/{slug}", response=MigrantPageDetailOut, auth=None)
def get_migrant_information(request: HttpRequest, slug: str, lang: Language = None) -> Any:
    language = _requested_language(lang)
    page = access.migrant_page_get_for_user(AnonymousUser(), slug)
    entry = information_selectors.migrant_page_localised(page, language)
    if entry is None:
        raise HttpError(404, "Not Found")
    hotlines = (
        list(information_selectors.hotlines_for(AnonymousUser(), page.country_iso3))
        if page.country_iso3
        else []
    )
    return {**_migrant_page_out(entry), "body": entry.body, "hotlines": hotlines}


@router.get("/hotlines", response=list[HotlineOut], auth=None)
def list_hotlines(request: HttpRequest, country: str) -> Any:
    try:
        iso3 = normalise_country_code(country)
    except UnknownCountry as error:
        raise HttpError(422, f"unknown country code {country!r}") from error
    return list(information_selectors.hotlines_for(AnonymousUser(), iso3))


# --- Global Compact objectives -------------------------------------------------------------------------------


class GcmObjectiveOut(Schema):
    number: int
    title: str
    short_title: str
    language: str
    is_fallback: bool


@router.get("/gcm-objectives", response=list[GcmObjectiveOut], auth=None)
def list_gcm_objectives(request: HttpRequest, lang: Language = None) -> Any:
    """The 23 objectives of A/RES/73/195 with their official title and the UN Network on Migration hub's
    short label in ``lang`` (en, fr, es; English by default, like ``migrant-information``). A title not
    recorded in that language is given in English with ``is_fallback``. Records elsewhere in this API
    name objectives by ``number``."""
    return common_selectors.gcm_objectives_localised(_requested_language(lang))


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


def _network(request: HttpRequest, topic: str, country: str) -> knowledge_selectors.ResearchNetwork:
    iso3 = ""
    if country:
        try:
            iso3 = normalise_country_code(country)
        except UnknownCountry as error:
            raise HttpError(422, f"unknown country code {country!r}") from error
    return knowledge_selectors.research_network(request.user, topic=topic, country_iso3=iso3)


@router.get("/researchers", response=list[ResearcherOut], auth=None)
def list_researchers(request: HttpRequest, topic: str = "", country: str = "") -> Any:
    return _network(request, topic, country).researchers


@router.get("/research-projects", response=list[ResearchProjectOut], auth=None)
def list_research_projects(request: HttpRequest, topic: str = "", country: str = "") -> Any:
    return _network(request, topic, country).projects
