"""The lane in front of Django for the public ESCO searches (migdev.skills.search_lane): the same bytes as
the whole stack, for the requests it may answer, and Django's own answer for every other request."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.core import signals
from django.db import close_old_connections
from django.test import RequestFactory

import migdev.wsgi
from migdev.skills import selectors
from migdev.skills.models import TaxonomyEdition
from migdev.skills.search_lane import PublicSearchLane

pytestmark = pytest.mark.django_db

OCCUPATIONS = "/api/v1/skills/occupations/"
SKILLS = "/api/v1/skills/skills/"


@pytest.fixture(autouse=True)
def _connection_kept() -> Iterator[None]:
    """As Django's test client does: a request's end must not close the test's transaction."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def lane(settings: Any) -> PublicSearchLane:
    settings.API_RATE_LIMIT_PER_MINUTE = 100_000
    return PublicSearchLane(migdev.wsgi.django_application)


def environ(path: str, query: str = "", **headers: str) -> dict[str, Any]:
    # An address of this file's own: the searches' rate limit counts per process and address, and other
    # tests run under the default limit.
    headers.setdefault("REMOTE_ADDR", "192.0.2.201")
    built: dict[str, Any] = RequestFactory().get(path, **headers).environ
    built["QUERY_STRING"] = query
    return built


def call(application: Any, env: dict[str, Any]) -> tuple[str, list[tuple[str, str]], bytes]:
    started: list[tuple[str, list[tuple[str, str]]]] = []

    def start_response(status: str, headers: list[tuple[str, str]], *args: Any) -> None:
        started.append((status, headers))

    body = b"".join(application(env, start_response))
    return started[0][0], list(started[0][1]), body


def test_the_server_application_is_the_lane_around_django() -> None:
    assert isinstance(migdev.wsgi.application, PublicSearchLane)
    assert migdev.wsgi.application.application is migdev.wsgi.django_application


def test_the_lane_answers_byte_for_byte_as_django(esco: TaxonomyEdition, lane: PublicSearchLane) -> None:
    """Status, every header in order, and body, for both searches, three languages, limits and the headers
    that split what is learned (Accept-Language, Host) or do not (User-Agent, X-Forwarded-For)."""
    queries = [
        "q=infirmiere&lang=fr&limit=5",
        "q=infirmiere&lang=es&limit=5",
        "q=infirmiere&lang=en&limit=7",
        "q=enfremera&lang=es",
        "q=soldador+de+tuberias&lang=es&limit=50",
        "lang=fr&q=d%C3%A9veloppeur",
        "q=nurse",
        "q=%E6%97%A5%E6%9C%AC",  # no hit: an empty list, still an answer
        "q=nurse;lang=fr",  # ";" separates nothing: part of the text for both
    ]
    header_sets: list[dict[str, str]] = [
        {"HTTP_ACCEPT_LANGUAGE": "en"},
        {"HTTP_ACCEPT_LANGUAGE": "fr"},
        {"HTTP_ACCEPT_LANGUAGE": "es", "HTTP_USER_AGENT": "phone", "HTTP_X_FORWARDED_FOR": "203.0.113.9"},
        {"HTTP_HOST": "localhost"},
    ]
    compared = 0
    for path in (OCCUPATIONS, SKILLS):
        for headers in header_sets:
            for query in queries:
                through_lane = call(lane, environ(path, query, **headers))
                through_django = call(migdev.wsgi.django_application, environ(path, query, **headers))
                assert through_lane == through_django, (path, query, headers)
                assert through_lane[0] == "200 OK"
                compared += 1
    # Each path and set of headers is learned once through Django; every other request took the lane.
    assert lane.served == compared - 2 * len(header_sets)


@pytest.mark.parametrize(
    ("query", "headers", "method"),
    [
        ("q=nurse&lang=en", {"HTTP_COOKIE": "sessionid=abc"}, "GET"),
        ("q=nurse&lang=en", {"HTTP_AUTHORIZATION": "Bearer x"}, "GET"),
        ("q=nurse&lang=en", {"HTTP_IF_NONE_MATCH": '"abc"'}, "GET"),
        ("q=nurse&lang=en", {}, "HEAD"),
        ("q=nurse&lang=en", {}, "POST"),
        ("q=nurse&lang=en&edition=1.2.0", {}, "GET"),
        ("q=nurse&q=cook", {}, "GET"),
        ("q=nurse&page=2", {}, "GET"),
        ("q=nur%00se", {}, "GET"),
        ("q=nurse&limit=0", {}, "GET"),
        ("q=nurse&limit=51", {}, "GET"),
        ("q=nurse&limit=05", {}, "GET"),
        ("q=nurse&limit=+5", {}, "GET"),
        ("q=nurse&lang=de", {}, "GET"),
        ("q=", {}, "GET"),
        ("lang=en", {}, "GET"),
        ("q=" + "x" * 201, {}, "GET"),
        ("q=%FF%FE", {}, "GET"),
    ],
)
def test_every_other_request_gets_djangos_own_answer(
    esco: TaxonomyEdition, lane: PublicSearchLane, query: str, headers: dict[str, str], method: str
) -> None:
    call(lane, environ(OCCUPATIONS, "q=cook"))  # the plain request's headers are learned
    served = lane.served
    first, second = environ(OCCUPATIONS, query, **headers), environ(OCCUPATIONS, query, **headers)
    first["REQUEST_METHOD"] = second["REQUEST_METHOD"] = method
    assert call(lane, first) == call(migdev.wsgi.django_application, second)
    assert lane.served == served


def test_a_host_django_refuses_is_never_served(esco: TaxonomyEdition, lane: PublicSearchLane) -> None:
    for _ in range(3):
        status, _headers, _body = call(lane, environ(OCCUPATIONS, "q=nurse", HTTP_HOST="evil.example"))
        assert status.startswith("400")
    assert lane.served == 0


def test_the_lane_counts_the_rate_limit_of_the_searches(
    esco: TaxonomyEdition, lane: PublicSearchLane, settings: Any
) -> None:
    settings.API_RATE_LIMIT_PER_MINUTE = 4
    address = {"REMOTE_ADDR": "198.51.100.77"}
    statuses = [call(lane, environ(OCCUPATIONS, f"q=cook{n}", **address))[0][:3] for n in range(5)]
    assert statuses == ["200", "200", "200", "200", "429"]
    assert lane.served == 3  # the first was learned through Django, which counted it
    status, headers, _ = call(lane, environ(SKILLS, "q=cook", **address))
    assert status.startswith("429")
    assert dict(headers)["Content-Type"].startswith("application/problem+json")
    assert call(lane, environ(OCCUPATIONS, "q=cook", REMOTE_ADDR="198.51.100.78"))[0] == "200 OK"


def test_a_load_in_this_process_is_seen_at_once(esco: TaxonomyEdition, lane: PublicSearchLane) -> None:
    import json

    call(lane, environ(OCCUPATIONS, "q=cook"))
    assert json.loads(call(lane, environ(OCCUPATIONS, "q=infirmiere&lang=fr"))[2])["items"]
    TaxonomyEdition.objects.filter(taxonomy="esco").update(is_current=False)
    selectors.forget_current_editions()  # what a load in this process does
    assert json.loads(call(lane, environ(OCCUPATIONS, "q=infirmiere&lang=fr"))[2])["items"] == []
    assert lane.served == 2
    selectors.forget_current_editions()


def test_the_lane_can_be_turned_off(esco: TaxonomyEdition, lane: PublicSearchLane, settings: Any) -> None:
    settings.SKILLS_SEARCH_LANE = False
    for _ in range(3):
        assert call(lane, environ(OCCUPATIONS, "q=cook"))[0] == "200 OK"
    assert lane.served == 0
