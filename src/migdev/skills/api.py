"""REST API of the skills module, mounted at /api/v1/skills/. ESCO and ISCO-08 are public: no sign-in.

Search answers are best first; ``label`` is in the asked language, or in English when the concept has no
label in it (``language`` then says "en"). Every answer names the editions and carries ESCO's attribution.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections import OrderedDict
from typing import Annotated, Any

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotModified
from ninja import Field, Query, Router, Schema
from ninja.throttling import BaseThrottle

from migdev.core.api_params import LanguageCode, answers
from migdev.core.throttling import ProcessRateThrottle
from migdev.skills import selectors

router = Router(tags=["skills"])

SEARCH_LIMIT_MAX = 50
QUERY_MAX_CHARS = 200
URI_MAX_CHARS = 255


class EscoSearchQuery(Schema):
    q: Annotated[str, Field(min_length=1, max_length=QUERY_MAX_CHARS, description="Free text")]
    lang: LanguageCode = Field("en", description="Language of the labels answered and searched first")
    limit: Annotated[int, Field(ge=1, le=SEARCH_LIMIT_MAX)] = 10
    edition: Annotated[str | None, Field(max_length=40, pattern=r"^[0-9A-Za-z.\-]*$")] = Field(
        None, description="ESCO version (default: the current edition)"
    )


class EscoConceptQuery(Schema):
    uri: Annotated[str, Field(min_length=1, max_length=URI_MAX_CHARS, description="The concept's ESCO URI")]
    lang: LanguageCode = "en"
    edition: Annotated[str | None, Field(max_length=40, pattern=r"^[0-9A-Za-z.\-]*$")] = None


class EscoSearchHitOut(Schema):
    uri: str
    isco_code: str = Field(description="ISCO-08 unit group (occupations); empty for skills")
    label: str
    language: str = Field(description="Language of `label`: the asked one, or en when it has no label in it")
    score: float
    kind: str = Field(description="occupation, skill or group")
    matched: str = Field(description="The label the query matched (may be an alternative or hidden label)")
    matched_language: str


class EscoEditionOut(Schema):
    taxonomy: str
    version: str
    label_sources: dict[str, str]
    attribution: str


class EscoSearchOut(Schema):
    items: list[EscoSearchHitOut]
    query: str
    language: str
    editions: list[EscoEditionOut]


class EscoConceptRefOut(Schema):
    uri: str
    label: str
    language: str
    code: str = ""
    relation: str = ""


class EscoOccupationOut(Schema):
    uri: str
    code: str
    isco_code: str
    label: str
    language: str
    labels: dict[str, str] = Field(
        description="Preferred label per language; empty when the language has none"
    )
    alternative_labels: dict[str, list[str]]
    description_en: str
    regulated_note: str
    isco_path: list[EscoConceptRefOut]
    broader: EscoConceptRefOut | None
    narrower: list[EscoConceptRefOut]
    essential_skills: list[EscoConceptRefOut]
    optional_skills: list[EscoConceptRefOut]
    editions: list[EscoEditionOut]


class EscoSkillOut(Schema):
    uri: str
    kind: str
    skill_type: str
    reuse_level: str
    label: str
    language: str
    labels: dict[str, str]
    alternative_labels: dict[str, list[str]]
    description_en: str
    collections: list[str]
    hierarchy: list[list[EscoConceptRefOut]]
    narrower: list[EscoConceptRefOut]
    related: list[EscoConceptRefOut]
    essential_for: list[EscoConceptRefOut]
    optional_for: list[EscoConceptRefOut]
    editions: list[EscoEditionOut]


def _editions() -> list[EscoEditionOut]:
    return [
        EscoEditionOut(
            taxonomy=edition.taxonomy,
            version=edition.version,
            label_sources=edition.label_sources,
            attribution=edition.licence,
        )
        for edition in selectors.attribution()
    ]


def _edition(version: str | None) -> selectors.TaxonomyEdition | None:
    edition = selectors.edition_named(version)
    if version and edition is None:
        raise Http404
    return edition


# The public search answers (the same for everyone, changing only with the editions) are built without the
# response schema's validation and kept serialised per query, with an ETag; see docs/skills.md, "Search".
ANSWER_CACHE_SIZE = 4096
SEARCH_MAX_AGE_SECONDS = 300
# Rate limit of the public searches: per process (a dictionary, no database write per request); with
# W server processes one client gets at most W times API_RATE_LIMIT_PER_MINUTE. Other endpoints keep the
# platform's shared limit.
PUBLIC_SEARCH_THROTTLE: list[BaseThrottle] = [ProcessRateThrottle()]
_answers: OrderedDict[tuple[Any, ...], tuple[bytes, str]] = OrderedDict()
_answers_lock = threading.Lock()


def search_answer(kind: str, q: str, lang: str, limit: int) -> tuple[bytes, str]:
    """The public search's answer for the current editions, serialised, and its ETag: kept per query. Also
    served by the search lane in front of the middleware (migdev.skills.search_lane)."""
    current = selectors.current_editions()
    key = (kind, current.key, q, lang, limit)
    with _answers_lock:
        found = _answers.get(key)
        if found is not None:
            _answers.move_to_end(key)
            return found
    search = selectors.search_occupations if kind == "occupation" else selectors.search_skills
    hits = search(q, lang=lang, limit=limit)
    answer = {
        "items": [
            {
                "uri": hit.uri,
                "isco_code": hit.isco_code,
                "label": hit.label,
                "language": hit.language,
                "score": hit.score,
                "kind": hit.kind,
                "matched": hit.matched,
                "matched_language": hit.matched_language,
            }
            for hit in hits
        ],
        "query": q,
        "language": lang,
        "editions": list(current.attribution),
    }
    body = json.dumps(answer).encode()
    found = body, f'"{hashlib.blake2b(body, digest_size=16).hexdigest()}"'
    with _answers_lock:
        _answers[key] = found
        while len(_answers) > ANSWER_CACHE_SIZE:
            _answers.popitem(last=False)
    return found


def _search_response(request: HttpRequest, kind: str, query: EscoSearchQuery) -> HttpResponse:
    body, etag = search_answer(kind, query.q, query.lang, query.limit)
    if etag in request.headers.get("If-None-Match", ""):
        response: HttpResponse = HttpResponseNotModified()
    else:
        response = HttpResponse(body, content_type="application/json; charset=utf-8")
    response["ETag"] = etag
    response["Cache-Control"] = f"public, max-age={SEARCH_MAX_AGE_SECONDS}"
    return response


def _search_answer(hits: list[selectors.SearchHit], query: EscoSearchQuery) -> EscoSearchOut:
    return EscoSearchOut(
        items=[EscoSearchHitOut(**hit.__dict__) for hit in hits],
        query=query.q,
        language=query.lang,
        editions=_editions(),
    )


def _ref_out(ref: selectors.ConceptRef) -> EscoConceptRefOut:
    return EscoConceptRefOut(
        uri=ref.uri, label=ref.label.text, language=ref.label.language, code=ref.code, relation=ref.relation
    )


@router.get(
    "occupations/",
    response=EscoSearchOut,
    auth=None,
    throttle=PUBLIC_SEARCH_THROTTLE,
    summary="Search occupations (ESCO), best first",
)
@answers(404)
def occupations_search(request: HttpRequest, query: Query[EscoSearchQuery]) -> EscoSearchOut | HttpResponse:
    if not query.edition:
        return _search_response(request, "occupation", query)
    edition = _edition(query.edition)
    hits = selectors.search_occupations(query.q, lang=query.lang, limit=query.limit, edition=edition)
    return _search_answer(hits, query)


@router.get(
    "skills/",
    response=EscoSearchOut,
    auth=None,
    throttle=PUBLIC_SEARCH_THROTTLE,
    summary="Search skills and knowledge (ESCO), best first",
)
@answers(404)
def skills_search(request: HttpRequest, query: Query[EscoSearchQuery]) -> EscoSearchOut | HttpResponse:
    if not query.edition:
        return _search_response(request, "skill", query)
    edition = _edition(query.edition)
    hits = selectors.search_skills(query.q, lang=query.lang, limit=query.limit, edition=edition)
    return _search_answer(hits, query)


@router.get("occupation/", response=EscoOccupationOut, auth=None, summary="One occupation by its ESCO URI")
@answers(404)
def occupation_get(request: HttpRequest, query: Query[EscoConceptQuery]) -> EscoOccupationOut:
    detail = selectors.occupation_detail(query.uri, lang=query.lang, edition=_edition(query.edition))
    if detail is None:
        raise Http404
    item = detail.occupation
    return EscoOccupationOut(
        uri=item.uri,
        code=item.code,
        isco_code=item.isco_code,
        label=detail.label.text,
        language=detail.label.language,
        labels={"en": item.label_en, "fr": item.label_fr, "es": item.label_es},
        alternative_labels=item.alt_labels,
        description_en=item.description_en,
        regulated_note=item.regulated_note,
        isco_path=[_ref_out(ref) for ref in detail.isco_path],
        broader=_ref_out(detail.broader) if detail.broader else None,
        narrower=[_ref_out(ref) for ref in detail.narrower],
        essential_skills=[_ref_out(ref) for ref in detail.essential_skills],
        optional_skills=[_ref_out(ref) for ref in detail.optional_skills],
        editions=_editions(),
    )


@router.get(
    "skill/", response=EscoSkillOut, auth=None, summary="One skill, knowledge concept or skill group by URI"
)
@answers(404)
def skill_get(request: HttpRequest, query: Query[EscoConceptQuery]) -> EscoSkillOut:
    detail = selectors.skill_detail(query.uri, lang=query.lang, edition=_edition(query.edition))
    if detail is None:
        raise Http404
    item = detail.skill
    return EscoSkillOut(
        uri=item.uri,
        kind=item.kind,
        skill_type=item.skill_type,
        reuse_level=item.reuse_level,
        label=detail.label.text,
        language=detail.label.language,
        labels={"en": item.label_en, "fr": item.label_fr, "es": item.label_es},
        alternative_labels=item.alt_labels,
        description_en=item.description_en,
        collections=item.collections,
        hierarchy=[[_ref_out(ref) for ref in path] for path in detail.hierarchy],
        narrower=[_ref_out(ref) for ref in detail.narrower],
        related=[_ref_out(ref) for ref in detail.related],
        essential_for=[_ref_out(ref) for ref in detail.essential_for],
        optional_for=[_ref_out(ref) for ref in detail.optional_for],
        editions=_editions(),
    )


# Matching (skillsmatch) --------------------------------------------------------------------------------
# The match endpoints are added below this line, or in api_matching.py included from here.


# --- Matching (engine in matching.py; endpoints in api_matching.py) ----------------------------------
from migdev.skills.api_matching import router as matching_router  # noqa: E402

router.add_router("", matching_router)
