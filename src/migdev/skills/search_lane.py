"""A lane in front of Django for the two public ESCO searches, answering as the whole stack would.

The searches are the platform's busiest public requests (every keystroke of the autocomplete, any client of
the open API), and their answer is the same for everyone. Through Django's full stack a search pays for
sixteen middleware, the resolution of the API's URL patterns and ninja's parameter parsing: on a loaded
two-core server that costs more CPU than the search itself (docs/adr/0012-public-search-lane.md).

The lane serves a request only when nothing but the search parameters could change the answer: GET, no
cookie, no credentials, no conditional header, a plain query string of ``q``, ``lang`` and ``limit`` with
values the schema accepts. Everything else, and any doubt, goes to Django unchanged.

Headers are not written here: they are **learned** from the stack. The first eligible request for a given
set of request headers (host, scheme, Accept-Language, forwarded headers, …) goes through Django; if its
answer is a cacheable search answer, its header list is kept with the ETag and Content-Length left to fill
in. Later requests with the same headers get that list, in the same order, with their own ETag and length.
So a setting, a middleware or a policy that changes a header changes the lane's answers too, and an
invalid Host is never served (Django refuses it with a 400, which is not learned).

The rate limit is the same per-process counter the API's search endpoints use, counted once per request;
a refused request goes to Django, which refuses it again with its 429 problem.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Iterable
from typing import Any, get_args
from urllib.parse import unquote_plus

from django.conf import settings
from django.core import signals
from django.core.handlers.wsgi import WSGIHandler

from migdev.core.api_params import LanguageCode

StartResponse = Callable[..., Any]
WSGIApp = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]

SEARCH_PATHS = {
    "/api/v1/skills/occupations/": "occupation",
    "/api/v1/skills/skills/": "skill",
}
LANGUAGES = frozenset(get_args(LanguageCode))
LIMIT = re.compile(r"[1-9][0-9]{0,2}")
# Request headers that no middleware or view of the search reads: they do not split the learned headers.
# X-Forwarded-For only names the client for the rate limit, which the lane applies itself.
IGNORED_HEADERS = frozenset(
    {
        "HTTP_ACCEPT",
        "HTTP_ACCEPT_ENCODING",
        "HTTP_CONNECTION",
        "HTTP_USER_AGENT",
        "HTTP_REFERER",
        "HTTP_X_FORWARDED_FOR",
        "HTTP_CACHE_CONTROL",
        "HTTP_PRAGMA",
        "HTTP_DNT",
        "HTTP_PRIORITY",
        "HTTP_SEC_FETCH_DEST",
        "HTTP_SEC_FETCH_MODE",
        "HTTP_SEC_FETCH_SITE",
        "HTTP_SEC_FETCH_USER",
    }
)
# Requests carrying these go to Django: they may identify a user or ask a conditional answer.
DJANGO_ONLY_HEADERS = ("HTTP_COOKIE", "HTTP_AUTHORIZATION", "HTTP_IF_NONE_MATCH", "HTTP_IF_MODIFIED_SINCE")
MAX_LEARNED = 512  # sets of request headers remembered; past that, new ones are served by Django
ETAG = "etag"
CONTENT_LENGTH = "content-length"


class _ClientOf:
    """What the rate limit reads of a request (ninja's client identification reads ``META``)."""

    auth = None

    def __init__(self, environ: dict[str, Any]) -> None:
        self.META = environ


class PublicSearchLane:
    def __init__(self, application: WSGIApp) -> None:
        self.application = application
        self._learned: dict[tuple[Any, ...], tuple[str, list[tuple[str, str]]]] = {}
        self._lock = threading.Lock()
        self.served = 0  # requests answered by the lane (read by tests and the benchmark)

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        kind = SEARCH_PATHS.get(environ.get("PATH_INFO", ""))
        if kind is None or not getattr(settings, "SKILLS_SEARCH_LANE", True):
            return self.application(environ, start_response)
        query = _plain_search_query(environ)
        if query is None:
            return self.application(environ, start_response)
        key = _header_key(environ)
        learned = self._learned.get(key)
        if learned is None:
            return self._learn(key, environ, start_response)
        return self._serve(kind, query, learned, environ, start_response)

    def _serve(
        self,
        kind: str,
        query: tuple[str, str, int],
        learned: tuple[str, list[tuple[str, str]]],
        environ: dict[str, Any],
        start_response: StartResponse,
    ) -> Iterable[bytes]:
        from migdev.skills import api

        signals.request_started.send(sender=WSGIHandler, environ=environ)
        try:
            if not api.PUBLIC_SEARCH_THROTTLE[0].allow_request(_ClientOf(environ)):  # type: ignore[arg-type]
                return self.application(environ, start_response)  # Django answers the 429
            body, etag = api.search_answer(kind, *query)
        except Exception:  # noqa: BLE001 - Django's handler logs and answers every failure its own way
            return self.application(environ, start_response)
        finally:
            signals.request_finished.send(sender=WSGIHandler)
        status, headers = learned
        filled = {ETAG: etag, CONTENT_LENGTH: str(len(body))}
        start_response(status, [(name, filled.get(name.lower(), value)) for name, value in headers])
        self.served += 1
        return [body]

    def _learn(
        self, key: tuple[Any, ...], environ: dict[str, Any], start_response: StartResponse
    ) -> Iterable[bytes]:
        seen: list[tuple[str, list[tuple[str, str]]]] = []

        def recording_start_response(status: str, headers: list[tuple[str, str]], *args: Any) -> Any:
            seen.append((status, list(headers)))
            return start_response(status, headers, *args)

        response = self.application(environ, recording_start_response)
        if seen and _is_search_answer(*seen[0]):
            with self._lock:
                if len(self._learned) < MAX_LEARNED:
                    self._learned[key] = seen[0]
        return response


def _plain_search_query(environ: dict[str, Any]) -> tuple[str, str, int] | None:
    """``(q, lang, limit)`` when the request is one the lane may answer, else None (Django answers)."""
    if environ.get("REQUEST_METHOD") != "GET" or environ.get("SCRIPT_NAME"):
        return None
    if any(environ.get(name) for name in DJANGO_ONLY_HEADERS):  # an empty Cookie header is no cookie
        return None
    raw = environ.get("QUERY_STRING", "")
    if not raw.isascii():
        return None
    values: dict[str, str] = {}
    for part in raw.split("&"):
        if not part:
            continue
        name, equals, value = part.partition("=")
        if not equals or name not in ("q", "lang", "limit") or name in values:
            return None
        try:
            values[name] = unquote_plus(value, encoding="utf-8", errors="strict")
        except UnicodeDecodeError:
            return None
    q = values.get("q", "")
    lang = values.get("lang", "en")
    limit = values.get("limit", "10")
    from migdev.skills.api import QUERY_MAX_CHARS, SEARCH_LIMIT_MAX

    if not 1 <= len(q) <= QUERY_MAX_CHARS or "\x00" in q or lang not in LANGUAGES:
        return None
    if not LIMIT.fullmatch(limit) or int(limit) > SEARCH_LIMIT_MAX:
        return None
    return q, lang, int(limit)


def _header_key(environ: dict[str, Any]) -> tuple[Any, ...]:
    headers = sorted(
        (name, value)
        for name, value in environ.items()
        if name.startswith("HTTP_") and name not in IGNORED_HEADERS
    )
    return (
        environ.get("PATH_INFO"),
        environ.get("wsgi.url_scheme"),
        environ.get("SERVER_NAME"),
        environ.get("SERVER_PORT"),
        *headers,
    )


def _is_search_answer(status: str, headers: list[tuple[str, str]]) -> bool:
    """A fresh, public, cacheable answer of the search view: the only kind of response the lane copies."""
    names = {name.lower(): value for name, value in headers}
    return (
        status == "200 OK"
        and ETAG in names
        and CONTENT_LENGTH in names
        and names.get("cache-control", "").startswith("public")
        and "set-cookie" not in names
        and names.get("content-type", "").startswith("application/json")
    )
