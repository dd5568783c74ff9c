"""URLs of the search benchmark's server (bench/skills.py): the platform's, plus the LIKE-scan peer.

The peer answers ``GET /bench/like-occupations/?q=TEXT&lang=en|fr|es`` with the first 10 occupations whose
label or alternative labels in that language contain the text (``icontains``), in id order, as JSON. It runs
in the same server behind the same middleware as the search API (without django-ninja) and looks the current
edition up once per process, so it pays for the scan and the answer, nothing more. Not part of migdev.
"""

from __future__ import annotations

from django.db.models import Q
from django.http import HttpRequest, JsonResponse
from django.urls import path

from migdev.skills import selectors
from migdev.skills.models import Occupation
from migdev.urls import urlpatterns as platform_urlpatterns

_edition_id: list[int] = []


def like_occupations(request: HttpRequest) -> JsonResponse:
    text = request.GET.get("q", "")[:200]
    lang = request.GET.get("lang", "en")
    lang = lang if lang in ("en", "fr", "es") else "en"
    if not _edition_id:
        edition = selectors.current_edition("esco")
        _edition_id.append(edition.pk if edition else 0)
    condition = Q(**{f"label_{lang}__icontains": text}) | Q(alt_labels__icontains=text)
    rows = (
        Occupation.objects.filter(edition_id=_edition_id[0])
        .filter(condition)
        .order_by("pk")
        .values_list("uri", "isco_code", f"label_{lang}")[:10]
    )
    items = [{"uri": uri, "isco_code": code, "label": label} for uri, code, label in rows]
    return JsonResponse({"items": items, "query": text, "language": lang})


urlpatterns = [path("bench/like-occupations/", like_occupations), *platform_urlpatterns]
