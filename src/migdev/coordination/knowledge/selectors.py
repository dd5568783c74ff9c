"""Reads of the research library and the research network for the pages, API and exports. Every function takes the viewing user
and starts from the access functions, so unpublished records never leak.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.utils.safestring import SafeString

from migdev.accounts.models import Organisation
from migdev.coordination import access
from migdev.coordination.knowledge import search
from migdev.coordination.models import Publication, PublicationCountry, Researcher, ResearchProject

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
    and PostgreSQL; see `migdev.coordination.knowledge.search` for the query language."""
    filters = filters or PublicationFilters()
    limit = max(1, min(limit, SEARCH_PAGE_MAX))
    offset = max(0, offset)
    candidates = _filtered_publications(user, filters)
    parsed = search.parse_query(query)
    listing = candidates.select_related("organisation").defer("text")
    capped, by_relevance = False, bool(parsed)
    # A record whose identifier (UN symbol, ISBN, DOI) is the query comes first, then the full-text matches.
    exact = search.identifier_matches(candidates, query) if query.strip() else []
    if parsed or exact:
        first = [(pk, None) for pk in exact[offset : offset + limit]]
        rest_limit, rest_offset = limit - len(first), max(0, offset - len(exact))
        matches = search.Matches(total=0)
        if parsed:
            rest = candidates.exclude(pk__in=exact) if exact else candidates
            matches = search.search(rest, parsed, limit=max(1, rest_limit), offset=rest_offset)
        total = len(exact) + matches.total
        ranked = first + (list(matches.ranked)[:rest_limit] if rest_limit > 0 else [])
        capped, by_relevance = matches.capped, matches.by_relevance or not parsed
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
