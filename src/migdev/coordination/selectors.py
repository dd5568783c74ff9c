"""Reads for the coordination pages, API and exports. Every function takes the viewing user and starts from
the access functions, so unpublished records never leak."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils.safestring import SafeString

from migdev.accounts.models import Organisation
from migdev.coordination import access, search
from migdev.coordination.models import (
    Activity,
    AgendaItem,
    Chair,
    ConsultationPosition,
    GcmObjective,
    HldPriority,
    Hotline,
    InformationField,
    Initiative,
    InitiativeStatusChange,
    Meeting,
    MembershipStatus,
    MigrantInfoPage,
    MigrantInfoTranslation,
    MigrationPolicy,
    PolicyDomain,
    Process,
    Publication,
    PublicationCountry,
    Researcher,
    ResearchProject,
    StateMembership,
    Topic,
)


def processes_list(
    user: Any, *, kind: str = "", query: str = "", country_iso3: str = ""
) -> QuerySet[Process]:
    processes = access.processes_visible_to(user).select_related("secretariat")
    if kind:
        processes = processes.filter(kind=kind)
    if query:
        processes = processes.filter(
            Q(name__icontains=query)
            | Q(acronym__icontains=query)
            | Q(other_names__icontains=query)
            | Q(region__icontains=query)
        )
    if country_iso3:
        processes = processes.filter(state_memberships__country_iso3=country_iso3.upper()).distinct()
    return processes.annotate(
        member_count=Count("state_memberships", filter=Q(state_memberships__status=MembershipStatus.MEMBER))
    )


def memberships_on(process: Process, on: datetime.date) -> QuerySet[StateMembership]:
    """State memberships in force on a date: started by that year (or start unknown) and not yet ended."""
    return process.state_memberships.filter(
        Q(start_year__isnull=True) | Q(start_year__lte=on.year),
        Q(end_date__isnull=True) | Q(end_date__gt=on),
    ).order_by("status", "country_iso3")


def chairs_on(process: Process, on: datetime.date) -> list[Chair]:
    return list(
        process.chairs.select_related("organisation").filter(
            Q(start_date__lte=on), Q(end_date__isnull=True) | Q(end_date__gte=on)
        )
    )


def _meetings_with_topics(queryset: QuerySet[Meeting]) -> QuerySet[Meeting]:
    return queryset.select_related("process", "host_organisation").prefetch_related(
        Prefetch("agenda_items", queryset=AgendaItem.objects.prefetch_related("topics"))
    )


def meetings_between(
    user: Any,
    *,
    start: datetime.date | None = None,
    end: datetime.date | None = None,
    process: Process | None = None,
    topic: Topic | None = None,
) -> QuerySet[Meeting]:
    meetings = access.meetings_visible_to(user)
    if start is not None:
        meetings = meetings.filter(end_date__gte=start)
    if end is not None:
        meetings = meetings.filter(start_date__lte=end)
    if process is not None:
        meetings = meetings.filter(process=process)
    if topic is not None:
        meetings = meetings.filter(agenda_items__topics=topic).distinct()
    return _meetings_with_topics(meetings).order_by("start_date", "title")


def next_meeting(user: Any, process: Process, today: datetime.date) -> Meeting | None:
    return (
        access.meetings_visible_to(user)
        .filter(process=process, end_date__gte=today)
        .exclude(status=Meeting.Status.CANCELLED)
        .order_by("start_date")
        .first()
    )


def meeting_topics(meeting: Meeting) -> list[Topic]:
    seen: dict[int, Topic] = {}
    for item in meeting.agenda_items.all():
        for topic in item.topics.all():
            seen.setdefault(topic.pk, topic)
    return sorted(seen.values(), key=lambda topic: topic.name)


@dataclass
class TopicRow:
    topic: Topic
    cells: list[list[Meeting]]  # one list per column process, ordered by date

    @property
    def process_count(self) -> int:
        return sum(1 for cell in self.cells if cell)


@dataclass
class TopicMatrix:
    processes: list[Process]
    rows: list[TopicRow] = field(default_factory=list)


def topics_across_processes(
    user: Any,
    *,
    start: datetime.date | None = None,
    end: datetime.date | None = None,
    shared_only: bool = False,
) -> TopicMatrix:
    """Which processes discuss which topics, and when: the synergies view. Meetings outside any process
    (for example the High-Level Dialogue itself) are left out, since the view compares processes."""
    meetings = meetings_between(user, start=start, end=end).filter(process__isnull=False)
    by_topic: dict[int, dict[int, list[Meeting]]] = defaultdict(lambda: defaultdict(list))
    topics: dict[int, Topic] = {}
    processes: dict[int, Process] = {}
    for meeting in meetings:
        assert meeting.process is not None
        for topic in meeting_topics(meeting):
            topics[topic.pk] = topic
            processes[meeting.process.pk] = meeting.process
            cell = by_topic[topic.pk][meeting.process.pk]
            if meeting not in cell:
                cell.append(meeting)
    columns = sorted(processes.values(), key=lambda process: str(process))
    matrix = TopicMatrix(processes=columns)
    for topic_id, per_process in by_topic.items():
        row = TopicRow(topic=topics[topic_id], cells=[per_process.get(p.pk, []) for p in columns])
        if shared_only and row.process_count < 2:
            continue
        matrix.rows.append(row)
    matrix.rows.sort(key=lambda row: (-row.process_count, row.topic.name))
    return matrix


@dataclass
class SharedTopic:
    topic: Topic
    own_meetings: list[Meeting]
    others: list[tuple[Process, list[Meeting]]]


def shared_topics(user: Any, process: Process) -> list[SharedTopic]:
    """The topics a process has on its agendas that other processes also discuss."""
    matrix = topics_across_processes(user)
    if process not in matrix.processes:
        return []
    own_column = matrix.processes.index(process)
    shared = []
    for row in matrix.rows:
        own = row.cells[own_column]
        others = [
            (p, row.cells[i]) for i, p in enumerate(matrix.processes) if i != own_column and row.cells[i]
        ]
        if own and others:
            shared.append(SharedTopic(topic=row.topic, own_meetings=own, others=others))
    return shared


# --- Activities -------------------------------------------------------------------------------------


def activities_list(
    user: Any,
    *,
    area: str = "",
    country_iso3: str = "",
    organisation_id: int | None = None,
    status: str = "",
    query: str = "",
) -> QuerySet[Activity]:
    activities = access.activities_visible_to(user).select_related("reporting_organisation")
    if area:
        activities = activities.filter(area=area)
    if country_iso3:
        activities = activities.filter(countries__country_iso3=country_iso3.upper())
    if organisation_id:
        activities = activities.filter(
            Q(reporting_organisation_id=organisation_id) | Q(participants__organisation_id=organisation_id)
        )
    if status:
        activities = activities.filter(status=status)
    if query:
        activities = activities.filter(Q(title__icontains=query) | Q(description__icontains=query))
    return activities.distinct().prefetch_related(
        "countries", "participants__organisation", "budgets", "topics"
    )


def activities_overlapping(
    queryset: QuerySet[Activity], period_start: datetime.date, period_end: datetime.date
) -> QuerySet[Activity]:
    """Activities running at some point in the period; an activity without dates counts as running."""
    started = (
        Q(actual_start__lte=period_end)
        | Q(actual_start__isnull=True, planned_start__lte=period_end)
        | Q(actual_start__isnull=True, planned_start__isnull=True)
    )
    not_ended = (
        Q(actual_end__gte=period_start)
        | Q(actual_end__isnull=True, planned_end__gte=period_start)
        | Q(actual_end__isnull=True, planned_end__isnull=True)
    )
    return queryset.filter(started, not_ended)


@dataclass
class NoteSection:
    field: str
    field_label: str
    organisations: list[tuple[Organisation, list[Activity]]]

    @property
    def activity_count(self) -> int:
        return sum(len(activities) for _, activities in self.organisations)


@dataclass
class InformationNote:
    period_start: datetime.date
    period_end: datetime.date
    sections: list[NoteSection]
    organisations: list[Organisation]

    @property
    def activity_count(self) -> int:
        return sum(section.activity_count for section in self.sections)


def information_note(
    user: Any,
    *,
    period_start: datetime.date,
    period_end: datetime.date,
    fields: list[str] | None = None,
    process: Process | None = None,
) -> InformationNote:
    """A GMG-style note: what each member did, field by field, in a period. With a process, only its member
    organisations' activities count (as the GMG chair compiled for GMG members in 2006)."""
    wanted = fields or [
        InformationField.POLICY_RESEARCH,
        InformationField.DATA_COLLECTION,
        InformationField.PUBLICATIONS,
    ]
    activities = activities_overlapping(access.activities_visible_to(user), period_start, period_end)
    organisations: list[Organisation] = []
    if process is not None:
        member_ids = process.organisation_memberships.filter(role="member").values_list(
            "organisation_id", flat=True
        )
        activities = activities.filter(reporting_organisation_id__in=list(member_ids))
        organisations = list(Organisation.objects.filter(pk__in=list(member_ids)).order_by("name"))
    activities = (
        activities.select_related("reporting_organisation")
        .prefetch_related("countries")
        .order_by("reporting_organisation__name", "title")
    )
    labels = dict(InformationField.choices)
    sections = []
    for field_code in wanted:
        grouped: dict[int, tuple[Organisation, list[Activity]]] = {}
        for activity in activities:
            if activity.information_field != field_code:
                continue
            org = activity.reporting_organisation
            grouped.setdefault(org.pk, (org, []))[1].append(activity)
        sections.append(
            NoteSection(
                field=field_code, field_label=str(labels[field_code]), organisations=list(grouped.values())
            )
        )
    return InformationNote(
        period_start=period_start, period_end=period_end, sections=sections, organisations=organisations
    )


# --- Initiatives and the HLD follow-up tracker ------------------------------------------------------------


@dataclass
class TrackerEntry:
    initiative: Initiative
    current_status: InitiativeStatusChange | None
    latest_positions: list[ConsultationPosition]


@dataclass
class TrackerCategory:
    priority: str
    label: str
    entries: list[TrackerEntry]


def latest_positions(initiative: Initiative) -> list[ConsultationPosition]:
    """Each consulted organisation's most recent position."""
    latest: dict[int, ConsultationPosition] = {}
    for position in initiative.positions.select_related("organisation").order_by("as_of", "id"):
        latest[position.organisation_id] = position
    return sorted(latest.values(), key=lambda position: position.organisation.name)


def current_status(initiative: Initiative) -> InitiativeStatusChange | None:
    return initiative.status_history.order_by("-as_of", "-id").first()


def hld_tracker(user: Any) -> list[TrackerCategory]:
    initiatives = access.initiatives_visible_to(user).select_related("proposer").order_by("name")
    categories = []
    for priority, label in HldPriority.choices:
        entries = [
            TrackerEntry(initiative=i, current_status=current_status(i), latest_positions=latest_positions(i))
            for i in initiatives
            if i.hld_priority == priority
        ]
        categories.append(TrackerCategory(priority=priority, label=str(label), entries=entries))
    return categories


# --- Research library ------------------------------------------------------------------------------------

SEARCH_PAGE_MAX = 100


@dataclass(frozen=True)
class PublicationFilters:
    year_from: int | None = None
    year_to: int | None = None
    language: str = ""
    kind: str = ""
    topic: str = ""  # topic code
    country_iso3: str = ""
    organisation_id: int | None = None
    gcm_objective: int | None = None
    with_file: bool = False


@dataclass
class PublicationHit:
    publication: Publication
    score: float | None
    title_html: SafeString
    snippet: SafeString


@dataclass
class PublicationSearchPage:
    query: str
    total: int
    hits: list[PublicationHit]
    offset: int
    limit: int
    backend: str
    capped: bool = False  # more matches than counted: `total` is a lower bound
    by_relevance: bool = True  # False when the matches were too many to rank: most recently added first

    @property
    def has_next(self) -> bool:
        return self.offset + len(self.hits) < self.total


def _filtered_publications(user: Any, filters: PublicationFilters) -> QuerySet[Publication]:
    publications = access.publications_visible_to(user)
    if filters.year_from is not None:
        publications = publications.filter(year__gte=filters.year_from)
    if filters.year_to is not None:
        publications = publications.filter(year__lte=filters.year_to)
    if filters.language:
        publications = publications.filter(language=filters.language)
    if filters.kind:
        publications = publications.filter(kind=filters.kind)
    # Many-valued filters as id subqueries: the candidate set stays one row per publication, which the
    # full-text backends rely on.
    if filters.topic:
        publications = publications.filter(
            pk__in=Publication.topics.through.objects.filter(topic__code=filters.topic).values(
                "publication_id"
            )
        )
    if filters.country_iso3:
        publications = publications.filter(
            pk__in=PublicationCountry.objects.filter(country_iso3=filters.country_iso3.upper()).values(
                "publication_id"
            )
        )
    if filters.organisation_id:
        publications = publications.filter(organisation_id=filters.organisation_id)
    if filters.gcm_objective:
        publications = publications.filter(
            pk__in=Publication.gcm_objectives.through.objects.filter(
                gcmobjective__number=filters.gcm_objective
            ).values("publication_id")
        )
    if filters.with_file:
        publications = publications.exclude(file="")
    return publications


def publications_search(
    user: Any,
    query: str = "",
    filters: PublicationFilters | None = None,
    *,
    limit: int = 20,
    offset: int = 0,
) -> PublicationSearchPage:
    """Publications the user may see, matching the words of ``query`` (best first, with highlighted
    snippets) and the filters. Without words, the filtered library, newest first. The same on SQLite
    and PostgreSQL; see `migdev.coordination.search` for the query language."""
    filters = filters or PublicationFilters()
    limit = max(1, min(limit, SEARCH_PAGE_MAX))
    offset = max(0, offset)
    candidates = _filtered_publications(user, filters)
    parsed = search.parse_query(query)
    listing = candidates.select_related("organisation").defer("text")
    capped, by_relevance = False, bool(parsed)
    if parsed:
        matches = search.search(candidates, parsed, limit=limit, offset=offset)
        total, ranked = matches.total, list(matches.ranked)
        capped, by_relevance = matches.capped, matches.by_relevance
        # The whole record, text included: the snippets are cut from it.
        by_id = Publication.objects.select_related("organisation").in_bulk([pk for pk, _score in ranked])
        rows = [(by_id[pk], score) for pk, score in ranked if pk in by_id]
    elif query.strip():
        # Typed, but nothing that must appear (only exclusions or punctuation): no match, not everything.
        total, rows = 0, []
    else:
        total = candidates.count()
        rows = [
            (publication, None) for publication in listing.order_by("-year", "title")[offset : offset + limit]
        ]
    pattern = search.highlight_pattern(parsed)
    hits = [
        PublicationHit(
            publication=publication,
            score=score,
            title_html=search.highlighted(publication.title, pattern),
            snippet=search.snippet(
                [publication.abstract, publication.text] if parsed else [publication.abstract], pattern
            ),
        )
        for publication, score in rows
    ]
    return PublicationSearchPage(
        query=query,
        total=min(total, search.COUNT_CAP) if capped else total,
        hits=hits,
        offset=offset,
        limit=limit,
        backend=search.backend(),
        capped=capped,
        by_relevance=by_relevance,
    )


# --- Migration policy database -----------------------------------------------------------------------------


@dataclass(frozen=True)
class PolicyFilters:
    country_iso3: str = ""
    kind: str = ""
    direction: str = ""
    domain: str = ""
    area: str = ""
    status: str = ""
    topic: str = ""
    year_from: int | None = None
    year_to: int | None = None
    query: str = ""


def policies_list(user: Any, filters: PolicyFilters | None = None) -> QuerySet[MigrationPolicy]:
    filters = filters or PolicyFilters()
    policies = access.policies_visible_to(user)
    for name in ("kind", "direction", "domain", "area", "status"):
        value = getattr(filters, name)
        if value:
            policies = policies.filter(**{name: value})
    if filters.country_iso3:
        policies = policies.filter(country_iso3=filters.country_iso3.upper())
    if filters.topic:
        policies = policies.filter(topics__code=filters.topic)
    if filters.year_from is not None:
        policies = policies.filter(year__gte=filters.year_from)
    if filters.year_to is not None:
        policies = policies.filter(year__lte=filters.year_to)
    if filters.query:
        policies = policies.filter(
            Q(title__icontains=filters.query)
            | Q(original_title__icontains=filters.query)
            | Q(summary__icontains=filters.query)
            | Q(development_relevance__icontains=filters.query)
        )
    return (
        policies.distinct().prefetch_related("partners", "topics").order_by("country_iso3", "-year", "title")
    )


@dataclass
class ComparisonRow:
    domain: str
    label: str
    cells: list[list[MigrationPolicy]]  # one list per compared country


@dataclass
class PolicyComparison:
    countries: list[str]
    rows: list[ComparisonRow]

    @property
    def totals(self) -> list[int]:
        return [sum(len(row.cells[i]) for row in self.rows) for i in range(len(self.countries))]


def policy_comparison(
    user: Any, countries: list[str], filters: PolicyFilters | None = None
) -> PolicyComparison:
    """Countries side by side, one row per SDG 10.7.2 domain: which instruments each has."""
    wanted = [code.upper() for code in dict.fromkeys(countries)]
    policies = [policy for policy in policies_list(user, filters) if policy.country_iso3 in wanted]
    rows = []
    for domain, label in PolicyDomain.choices:
        cells = [
            [p for p in policies if p.domain == domain and p.country_iso3 == country] for country in wanted
        ]
        rows.append(ComparisonRow(domain=domain, label=str(label), cells=cells))
    return PolicyComparison(countries=wanted, rows=rows)


def policy_countries(user: Any) -> list[tuple[str, int]]:
    """Countries with recorded policies, most first."""
    return [
        (row["country_iso3"], row["count"])
        for row in access.policies_visible_to(user)
        .values("country_iso3")
        .annotate(count=Count("id"))
        .order_by("-count", "country_iso3")
    ]


# --- Information for migrants --------------------------------------------------------------------------------


@dataclass
class LocalisedPage:
    """A page as one reader sees it: the published text in their language, or in another one (and then
    ``is_fallback`` is true, so the page can say so)."""

    page: MigrantInfoPage
    language: str  # the language of the text shown
    requested_language: str
    title: str
    summary: str
    body: str
    published_at: datetime.datetime | None
    available_languages: list[str]

    @property
    def is_fallback(self) -> bool:
        return self.language != self.requested_language


def _fallback_order(requested: str) -> list[str]:
    languages = [code for code, _name in settings.LANGUAGES]
    return [requested, *(code for code in [settings.LANGUAGE_CODE, *languages] if code != requested)]


def migrant_page_localised(page: MigrantInfoPage, language: str) -> LocalisedPage | None:
    """The page's published text in ``language``, else in the site's default language, else in the first
    other language that has one; None when no language is published yet."""
    published = {t.language: t for t in page.translations.all() if t.is_public}
    for code in dict.fromkeys(_fallback_order(language)):
        translation = published.get(code)
        if translation is not None:
            return LocalisedPage(
                page=page,
                language=code,
                requested_language=language,
                title=translation.published_title,
                summary=translation.published_summary,
                body=translation.published_body,
                published_at=translation.published_at,
                available_languages=sorted(published),
            )
    return None


def migrant_pages(
    user: Any, language: str, *, country_iso3: str = "", subject: str = ""
) -> list[LocalisedPage]:
    """Published pages for a country (with the pages for everyone) and subject, in the reader's language."""
    pages = access.migrant_pages_visible_to(user).prefetch_related("translations")
    if country_iso3:
        pages = pages.filter(Q(country_iso3=country_iso3.upper()) | Q(country_iso3=""))
    if subject:
        pages = pages.filter(subject=subject)
    localised = [migrant_page_localised(page, language) for page in pages.order_by("country_iso3", "subject")]
    return [entry for entry in localised if entry is not None]


def hotlines_for(user: Any, country_iso3: str) -> QuerySet[Hotline]:
    return (
        access.hotlines_visible_to(user)
        .filter(country_iso3=country_iso3.upper())
        .select_related("organisation")
    )


def translations_awaiting_approval(user: Any) -> QuerySet[MigrantInfoTranslation]:
    """Texts another person wrote, waiting for this approver."""
    if not access.can_approve_information(user):
        return MigrantInfoTranslation.objects.none()
    return (
        MigrantInfoTranslation.objects.filter(status=MigrantInfoTranslation.Status.SUBMITTED)
        .exclude(written_by=user)
        .select_related("page", "written_by")
        .order_by("updated_at")
    )


def information_countries(user: Any) -> list[str]:
    """Countries with a page or a hotline a migrant can see, by ISO3 code."""
    pages = (
        access.migrant_pages_visible_to(user).exclude(country_iso3="").values_list("country_iso3", flat=True)
    )
    lines = access.hotlines_visible_to(user).values_list("country_iso3", flat=True)
    return sorted(set(pages) | set(lines))


# --- Research network -----------------------------------------------------------------------------------------


@dataclass
class InstitutionEntry:
    organisation: Organisation
    researchers: int
    projects: int
    publications: int


@dataclass
class ResearchNetwork:
    institutions: list[InstitutionEntry]
    researchers: list[Researcher]
    projects: list[ResearchProject]


def research_network(user: Any, *, topic: str = "", country_iso3: str = "") -> ResearchNetwork:
    """Who works on what: institutions with their researchers, projects and publications, narrowed to a
    topic or a country when asked."""
    researchers = access.researchers_visible_to(user).select_related("organisation")
    projects = access.research_projects_visible_to(user).select_related("lead_organisation")
    publications = access.publications_visible_to(user)
    if topic:
        researchers = researchers.filter(topics__code=topic)
        projects = projects.filter(topics__code=topic)
        publications = publications.filter(topics__code=topic)
    if country_iso3:
        researchers = researchers.filter(countries__country_iso3=country_iso3.upper())
        projects = projects.filter(countries__country_iso3=country_iso3.upper())
        publications = publications.filter(countries__country_iso3=country_iso3.upper())
    researcher_list = list(researchers.distinct().prefetch_related("topics", "countries"))
    project_list = list(projects.distinct().prefetch_related("partners", "topics", "countries"))
    counts: dict[int, list[int]] = defaultdict(lambda: [0, 0, 0])
    for researcher in researcher_list:
        if researcher.organisation_id:
            counts[researcher.organisation_id][0] += 1
    for project in project_list:
        for organisation_id in {project.lead_organisation_id, *(p.pk for p in project.partners.all())}:
            counts[organisation_id][1] += 1
    for organisation_id in publications.exclude(organisation__isnull=True).values_list(
        "organisation_id", flat=True
    ):
        counts[organisation_id][2] += 1
    organisations = Organisation.objects.in_bulk(list(counts))
    institutions = sorted(
        (InstitutionEntry(organisations[pk], *values) for pk, values in counts.items()),
        key=lambda entry: (
            -sum((entry.researchers, entry.projects, entry.publications)),
            entry.organisation.name,
        ),
    )
    return ResearchNetwork(institutions=institutions, researchers=researcher_list, projects=project_list)


@dataclass(frozen=True)
class LocalisedObjective:
    number: int
    title: str
    short_title: str
    language: str
    is_fallback: bool


def gcm_objectives_localised(language: str) -> list[LocalisedObjective]:
    """The 23 Global Compact objectives with their titles in ``language`` (English where not translated)."""
    return [
        LocalisedObjective(
            number=objective.number,
            title=objective.title_in(language),
            short_title=objective.short_title_in(language),
            language=language,
            is_fallback=language != "en" and not getattr(objective, f"title_{language}", ""),
        )
        for objective in GcmObjective.objects.order_by("number")
    ]
