"""URLs of the diaspora benchmark's server (bench/diaspora.py): the platform's, plus the raw-SQL peer.

The peer answers ``GET /bench/diaspora/requests/{id}/sql-shortlist`` through a django-ninja API built like
the platform's (the same bearer-token authentication and the same shared rate limit), so both sides pay
the same serving costs. For a request of one of the caller's programmes it runs two raw SQL statements on the
same tables and indexes: the count of experts left out per hard requirement (one aggregate) and the top 20
of those meeting every requirement by a linear score (exact skill overlap, same occupation, language,
experience, days available in one window, priority sector, with migdev's weights). It explains nothing and
knows no related skills: the floor of what the database alone does. Not part of migdev.
"""

from __future__ import annotations

import json
from typing import Any

from django.db import connection
from django.http import Http404, HttpRequest
from django.urls import path
from ninja import NinjaAPI

from migdev.core.api_base import API_THROTTLE, AUTH
from migdev.diaspora.matching import is_priority_sector
from migdev.diaspora.models import LEVEL_RANK, Modality, Request
from migdev.urls import urlpatterns as platform_urlpatterns

POOL = """
WITH pool AS (
  SELECT e.id, e.years_experience, e.skill_uris, e.occupation_uris,
    (e.status = 'active' AND e.consent_processing_at IS NOT NULL
     AND e.consent_processing_withdrawn_at IS NULL) AS eligible,
    e.{modality_column} AS modality_ok,
    EXISTS (SELECT 1 FROM diaspora_expertlanguage l
            WHERE l.expert_id = e.id AND l.code = %(language)s AND l.rank >= %(rank)s) AS language_ok,
    EXISTS (SELECT 1 FROM diaspora_availabilitywindow w
            WHERE w.expert_id = e.id AND w.starts_on <= %(ends)s AND w.ends_on >= %(starts)s) AS available,
    CASE %(modality)s WHEN 'on_site' THEN e.days_on_site_per_year >= %(days)s
                      WHEN 'online' THEN e.hours_online_per_week > 0 ELSE 1 END AS time_ok
  FROM diaspora_expert e
  WHERE e.group_id = %(group)s AND e.status = 'active'
)
"""

COUNTS = (
    POOL
    + """
SELECT count(*),
  coalesce(sum(eligible AND NOT (modality_ok AND language_ok AND available AND time_ok)), 0),
  coalesce(sum(eligible AND NOT modality_ok), 0),
  coalesce(sum(eligible AND NOT language_ok), 0),
  coalesce(sum(eligible AND NOT available), 0),
  coalesce(sum(eligible AND available AND NOT time_ok), 0)
FROM pool
"""
)

TOP = (
    POOL
    + """
, wanted(uri) AS (SELECT value FROM json_each(%(skills)s))
SELECT p.id,
  0.7 * (
      0.6 * (SELECT count(*) FROM json_each(p.skill_uris) s WHERE s.value IN (SELECT uri FROM wanted))
          / max(1, (SELECT count(*) FROM wanted))
    + 0.15 * EXISTS (SELECT 1 FROM json_each(p.occupation_uris) o WHERE o.value = %(occupation)s)
    + 0.15
    + 0.1 * min(1.0, p.years_experience * 1.0 / max(1, %(years)s))
  )
  + 0.2 * min(1.0, (
      SELECT coalesce(max(julianday(min(w.ends_on, %(ends)s)) - julianday(max(w.starts_on, %(starts)s)) + 1), 0)
      FROM diaspora_availabilitywindow w WHERE w.expert_id = p.id
    ) / %(period)s)
  + 0.1 * %(priority)s AS score
FROM pool p
WHERE p.eligible AND p.modality_ok AND p.language_ok AND p.available AND p.time_ok
ORDER BY score DESC, p.id
LIMIT 20
"""
)

REASONS = ("modality", "language", "availability", "time")

peer = NinjaAPI(
    title="diaspora benchmark peer",
    urls_namespace="bench-diaspora",
    auth=AUTH,
    throttle=[API_THROTTLE],
    docs_url=None,
    openapi_url=None,
)


@peer.get("/requests/{request_id}/sql-shortlist")
def sql_shortlist(request: HttpRequest, request_id: int) -> dict[str, Any]:
    row = (
        Request.objects.select_related("host")
        .filter(pk=request_id, group__in=request.auth.user_groups.all(), status=Request.Status.APPROVED)
        .first()
    )
    if row is None or row.modality not in Modality.values:
        raise Http404
    params: dict[str, Any] = {
        "skills": json.dumps(row.skill_uris),
        "occupation": row.occupation_uri,
        "years": row.years_experience_wanted,
        "starts": row.starts_on.isoformat(),
        "ends": row.ends_on.isoformat(),
        "period": (row.ends_on - row.starts_on).days + 1,
        "priority": 1 if is_priority_sector(row) else 0,
        "group": row.group_id,
        "modality": row.modality,
        "language": row.language.lower(),
        "rank": LEVEL_RANK.get(row.language_level, 0),
        "days": min(row.duration_days, 365),
    }
    column = f"accepts_{row.modality}"  # one of three column names, never user text
    with connection.cursor() as cursor:
        cursor.execute(COUNTS.format(modality_column=column), params)
        considered, excluded, *by_reason = cursor.fetchone()
        cursor.execute(TOP.format(modality_column=column), params)
        top = cursor.fetchall()
    return {
        "request": row.pk,
        "considered": considered,
        "excluded_total": excluded,
        "excluded": {reason: n for reason, n in zip(REASONS, by_reason, strict=True) if n},
        "candidates": [{"reference": f"EXP-{pk:05d}", "score": round(score, 4)} for pk, score in top],
    }


urlpatterns = [path("bench/diaspora/", peer.urls), *platform_urlpatterns]
