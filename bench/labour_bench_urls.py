"""URLs of the labour benchmark's server (bench/labour.py): the platform's, plus the raw-SQL peer.

The peer answers ``GET /bench/labour-shortlist-sql/<job order>/`` with the top 20 workers of the job order
by one SQLite query: the shortlist's hard filters (consent to processing and to the scheme, residence in an
origin country, from the same narrow ``labour_schemevisibility`` rows and composite index the platform keeps
on write; not an applicant, legal age by the birth month — the border month left out, as SQL cannot read
the encrypted birth date —, availability by the start date, the destination among the preferred ones, every
required language at its level) and a skill-coverage score (essential skills 1, optional 0.3, over the job's
total), best first. It authenticates the same API token, counts the request against the same shared rate
limit (migdev.core.throttling) and checks the same scope as the API, behind the same middleware (without
django-ninja), and answers JSON. It does not credit related skills, weigh occupation,
languages or experience, or explain: it is the floor of what a database query costs for this question. Not part
of migdev.
"""

from __future__ import annotations

from typing import Any

from django.db import connection
from django.http import Http404, HttpRequest, JsonResponse
from django.urls import path

from migdev.accounts.selectors import user_for_api_token
from migdev.core.api_base import API_THROTTLE
from migdev.labour import selectors
from migdev.labour.matching import LEGAL_AGE, shift_years
from migdev.labour.models import JobOrder
from migdev.urls import urlpatterns as platform_urlpatterns


def shortlist_sql(job_order: JobOrder, limit: int = 20) -> list[tuple[Any, ...]]:
    scheme = job_order.scheme
    origins = list(scheme.origin_countries.values_list("iso3", flat=True))
    weights: dict[str, float] = dict.fromkeys(job_order.optional_skill_uris, 0.3)
    weights.update(dict.fromkeys(job_order.essential_skill_uris, 1.0))
    total = sum(weights.values()) or 1.0
    youngest = shift_years(job_order.start_date, -LEGAL_AGE).replace(day=1)
    skills_values = ", ".join(["(%s, %s)"] * len(weights)) or "(NULL, 0)"
    params: list[Any] = [value for item in weights.items() for value in item]
    language_clauses = ""
    language_params: list[Any] = []
    for item in job_order.languages:
        language_clauses += (
            " AND EXISTS (SELECT 1 FROM json_each(w.languages) l WHERE json_extract(l.value, '$.code') = %s"
            " AND json_extract(l.value, '$.level') >= %s)"
        )
        language_params += [item["code"], int(item["level"])]
    origin_clause = (
        f" AND v.country_of_residence_id IN ({', '.join(['%s'] * len(origins))})" if origins else ""
    )
    sql = f"""
        WITH job_skill(uri, weight) AS (VALUES {skills_values}),
        scored AS (
            SELECT w.id AS id, w.pseudonym AS pseudonym,
                   (SELECT COALESCE(SUM(js.weight), 0) FROM json_each(w.skill_uris) s
                    JOIN job_skill js ON js.uri = s.value) / %s AS score
            FROM labour_schemevisibility v JOIN labour_worker w ON w.id = v.worker_id
            WHERE v.scheme_id = %s
              {origin_clause}
              AND NOT EXISTS (SELECT 1 FROM labour_application a WHERE a.worker_id = v.worker_id
                              AND a.job_order_id = %s)
              AND v.birth_month < %s
              AND (w.available_from IS NULL OR w.available_from <= %s)
              AND (json_array_length(w.preferred_destinations) = 0
                   OR EXISTS (SELECT 1 FROM json_each(w.preferred_destinations) d WHERE d.value = %s))
              {language_clauses}
        )
        SELECT id, pseudonym, score FROM scored WHERE score > 0 ORDER BY score DESC, id LIMIT %s
    """
    params += [total, scheme.pk, *origins, job_order.pk, youngest, job_order.start_date]
    params += [job_order.destination_country_id, *language_params, limit]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return list(cursor.fetchall())


def labour_shortlist_sql(request: HttpRequest, pk: int) -> JsonResponse:
    header = request.headers.get("Authorization", "")
    user = user_for_api_token(header.removeprefix("Bearer ").strip())
    if user is None:
        return JsonResponse({"detail": "unauthorised"}, status=401)
    request.auth = user  # type: ignore[attr-defined]
    if not API_THROTTLE.allow_request(request):
        return JsonResponse({"detail": "too many requests"}, status=429)
    try:
        job_order = selectors.job_order_get_for_user(user, pk, request=request)
    except Http404:
        return JsonResponse({"detail": "not found"}, status=404)
    rows = shortlist_sql(job_order)
    return JsonResponse(
        {
            "job_order_id": job_order.pk,
            "candidates": [{"pseudonym": p, "score": round(float(s), 4)} for _, p, s in rows],
        }
    )


urlpatterns = [
    path("bench/labour-shortlist-sql/<int:pk>/", labour_shortlist_sql),
    *platform_urlpatterns,
]
