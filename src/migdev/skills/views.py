"""Pages of the skills module: search, one occupation, one skill, and the autocomplete's answers."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.formats import number_format
from django.utils.translation import get_language
from django.views.decorators.http import require_GET

from migdev.skills import selectors
from migdev.skills.widgets import KINDS, OPTIONS_LIMIT, concept_options

QUERY_MAX_CHARS = 200
URI_MAX_CHARS = 255
SEARCH_PAGE_LIMIT = 25


def _language() -> str:
    lang = (get_language() or "en")[:2]
    return lang if lang in selectors.LANGUAGES else "en"


def _common(section: str) -> dict[str, Any]:
    return {"section": section, "editions": selectors.attribution()}


@require_GET
def search(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()[:QUERY_MAX_CHARS]
    kind = request.GET.get("kind", "occupation")
    kind = kind if kind in KINDS else "occupation"
    lang = _language()
    hits: list[selectors.SearchHit] = []
    if query:
        finder = selectors.search_occupations if kind == "occupation" else selectors.search_skills
        hits = finder(query, lang=lang, limit=SEARCH_PAGE_LIMIT)
    context = {**_common("search"), "query": query, "kind": kind, "hits": hits}
    edition = selectors.current_edition()
    context["counts"] = (
        {
            name: number_format(value, force_grouping=True)
            for name, value in selectors.taxonomy_counts(edition).items()
        }
        if edition
        else None
    )
    if request.headers.get("HX-Request") and request.GET.get("partial") == "results":
        return render(request, "skills/_results.html", context)
    return render(request, "skills/search.html", context)


def _uri(request: HttpRequest) -> str:
    uri = request.GET.get("uri", "").strip()
    if not uri or len(uri) > URI_MAX_CHARS:
        raise Http404
    return uri


@require_GET
def occupation(request: HttpRequest) -> HttpResponse:
    detail = selectors.occupation_detail(_uri(request), lang=_language())
    if detail is None:
        raise Http404
    return render(request, "skills/occupation.html", {**_common("occupation"), "detail": detail})


@require_GET
def skill(request: HttpRequest) -> HttpResponse:
    detail = selectors.skill_detail(_uri(request), lang=_language())
    if detail is None:
        raise Http404
    return render(request, "skills/skill.html", {**_common("skill"), "detail": detail})


@require_GET
def autocomplete(request: HttpRequest) -> HttpResponse:
    """The options under an autocomplete field (htmx), for ``kind`` and the text typed in ``FIELD__q``."""
    kind = request.GET.get("kind", "")
    field = request.GET.get("field", "")[:100]
    if kind not in KINDS or not field.replace("_", "").replace("-", "").isalnum():
        raise Http404
    text = (request.GET.get(f"{field}__q") or request.GET.get("q") or "").strip()[:QUERY_MAX_CHARS]
    options = concept_options(kind, text, _language(), limit=OPTIONS_LIMIT)
    return render(request, "skills/_options.html", {"options": options, "field": field, "query": text})
