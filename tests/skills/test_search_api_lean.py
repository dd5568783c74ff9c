"""The public search answers: no database work once warm, cacheable, the same answer as the schema path,
and a rate limit counted in the process."""

from __future__ import annotations

import time

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from migdev.skills import selectors
from migdev.skills.models import Occupation, TaxonomyEdition
from tests.skills.conftest import NURSE

pytestmark = pytest.mark.django_db

SEARCH = "/api/v1/skills/occupations/"


@pytest.fixture
def editions_kept(settings: pytest.FixtureRequest) -> None:
    settings.SKILLS_EDITIONS_REVALIDATE_SECONDS = 60  # type: ignore[attr-defined]
    selectors.forget_current_editions()


def test_a_warm_search_touches_no_database(
    esco: TaxonomyEdition, client: Client, editions_kept: None
) -> None:
    client.get(SEARCH, {"q": "welder", "lang": "en"})  # builds the occupation index
    client.get("/api/v1/skills/skills/", {"q": "weld", "lang": "en"})  # and the skill index
    with CaptureQueriesContext(connection) as queries:
        for text in ("welder", "enfermera", "plumbr"):  # an answer kept, a fresh search, a typo
            assert client.get(SEARCH, {"q": text, "lang": "es"}).status_code == 200
        assert client.get("/api/v1/skills/skills/", {"q": "welding", "lang": "en"}).status_code == 200
    assert [q["sql"] for q in queries.captured_queries] == []


def test_the_fast_answer_equals_the_schema_answer(esco: TaxonomyEdition, client: Client) -> None:
    for path in (SEARCH, "/api/v1/skills/skills/"):
        for params in ({"q": "infirmiere", "lang": "fr", "limit": 5}, {"q": "soldador", "lang": "es"}):
            fast = client.get(path, params)
            through_schema = client.get(path, {**params, "edition": esco.version})
            assert fast.status_code == through_schema.status_code == 200
            assert fast.json() == through_schema.json()
            assert fast["Content-Type"] == through_schema["Content-Type"]


# Headers only the cached answers carry: the schema path (an explicit edition) answers without them.
CACHE_HEADERS = {"ETag", "Cache-Control"}


@pytest.mark.parametrize("path", [SEARCH, "/api/v1/skills/skills/"])
def test_the_fast_path_answers_byte_for_byte_as_the_schema_path(
    esco: TaxonomyEdition, client: Client, path: str, settings: pytest.FixtureRequest
) -> None:
    """Status, body and every header (security headers, CSP, Content-Language, Vary, Content-Type) equal,
    asked in each language and with two limits, one after the other: a cache that ignored the language or
    the limit would answer the second with the first one's body. Bad parameters: the same 422 problem."""
    asked = [
        {"q": "infirmiere", "lang": "fr", "limit": 5},
        {"q": "infirmiere", "lang": "es", "limit": 5},
        {"q": "infirmiere", "lang": "en", "limit": 5},
        {"q": "infirmiere", "lang": "en", "limit": 7},
        {"q": "soldador", "lang": "es"},
        {"q": "nurse", "lang": "xx"},
        {"q": "nurse", "limit": 0},
        {"q": "nurse", "limit": 51},
        {"q": ""},
        {"q": "x" * 201},
    ]
    # 60 requests a path: from an address of their own, under a raised limit, so that neither this test nor
    # the next ones (the limit counts per process and per address) meet a 429.
    settings.API_RATE_LIMIT_PER_MINUTE = 100_000  # type: ignore[attr-defined]
    address = "192.0.2.10"
    for params in asked:
        for accept_language in ("en", "fr", "es"):
            fast = client.get(path, params, HTTP_ACCEPT_LANGUAGE=accept_language, REMOTE_ADDR=address)
            slow = client.get(
                path,
                {**params, "edition": esco.version},
                HTTP_ACCEPT_LANGUAGE=accept_language,
                REMOTE_ADDR=address,
            )
            assert fast.status_code == slow.status_code, params
            assert fast.content == slow.content, params
            fast_headers = {name: value for name, value in fast.items() if name not in CACHE_HEADERS}
            assert fast_headers == dict(slow.items()), params
            assert fast_headers["Content-Language"] == accept_language
            if fast.status_code == 200:
                assert set(fast.json()) == {"items", "query", "language", "editions"}
                assert fast.json()["language"] == params["lang"]
                assert fast["Cache-Control"] == "public, max-age=300" and fast["ETag"]
            else:
                assert fast.status_code == 422, params
                assert "ETag" not in fast and "Cache-Control" not in fast


def test_the_openapi_document_still_describes_the_searches(esco: TaxonomyEdition, client: Client) -> None:
    document = client.get("/api/v1/openapi.json").json()
    for path in (SEARCH, "/api/v1/skills/skills/"):
        operation = document["paths"][path]["get"]
        assert {parameter["name"] for parameter in operation["parameters"]} == {
            "q",
            "lang",
            "limit",
            "edition",
        }
        schema = operation["responses"]["200"]["content"]["application/json"]["schema"]
        assert schema == {"$ref": "#/components/schemas/EscoSearchOut"}
    answer = document["components"]["schemas"]["EscoSearchOut"]
    assert set(answer["properties"]) == {"items", "query", "language", "editions"}


def test_answers_carry_an_etag_and_are_not_sent_again(esco: TaxonomyEdition, client: Client) -> None:
    first = client.get(SEARCH, {"q": "nurse", "lang": "en"})
    assert first["Cache-Control"] == "public, max-age=300"
    again = client.get(SEARCH, {"q": "nurse", "lang": "en"}, HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304
    assert again.content == b""
    other = client.get(SEARCH, {"q": "nurse", "lang": "fr"}, HTTP_IF_NONE_MATCH=first["ETag"])
    assert other.status_code == 200
    assert other["ETag"] != first["ETag"]


def test_a_load_in_this_process_is_seen_at_once(
    esco: TaxonomyEdition, client: Client, editions_kept: None
) -> None:
    assert client.get(SEARCH, {"q": "infirmiere", "lang": "fr"}).json()["items"]
    TaxonomyEdition.objects.filter(taxonomy="esco").update(is_current=False)
    # Another process's change: this process keeps what it read for SKILLS_EDITIONS_REVALIDATE_SECONDS.
    assert client.get(SEARCH, {"q": "infirmiere", "lang": "fr"}).json()["items"]
    selectors.forget_current_editions()  # what a load in this process does (services._editions_changed)
    assert client.get(SEARCH, {"q": "infirmiere", "lang": "fr"}).json()["items"] == []


def test_another_process_change_is_seen_after_the_revalidation_delay(
    esco: TaxonomyEdition, client: Client, settings: pytest.FixtureRequest
) -> None:
    settings.SKILLS_EDITIONS_REVALIDATE_SECONDS = 0.3  # type: ignore[attr-defined]
    selectors.forget_current_editions()
    assert NURSE not in [
        i["uri"] for i in client.get(SEARCH, {"q": "soigneuse chef", "lang": "fr"}).json()["items"]
    ]
    Occupation.objects.filter(uri=NURSE, edition=esco).update(label_fr="soigneuse en chef/soigneur en chef")
    TaxonomyEdition.objects.filter(pk=esco.pk).update(revision=esco.revision + 1)
    time.sleep(0.35)
    items = client.get(SEARCH, {"q": "soigneuse chef", "lang": "fr"}).json()["items"]
    assert items[0]["uri"] == NURSE


def test_the_public_search_is_rate_limited_per_client(
    esco: TaxonomyEdition, client: Client, settings: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings.API_RATE_LIMIT_PER_MINUTE = 3  # type: ignore[attr-defined]
    # The throttle's clock held in the middle of a minute: a minute ending between the third and the fourth
    # request would rightly let the fourth through (the sliding window weighs the last minute's three at
    # just under 1), and the test would fail once in a few hundred runs.
    from migdev.core import throttling

    middle = (time.monotonic() // throttling.WINDOW_SECONDS + 0.5) * throttling.WINDOW_SECONDS
    monkeypatch.setattr(throttling.time, "monotonic", lambda: middle)
    address = "198.51.100.7"
    statuses = [
        client.get(SEARCH, {"q": "cook", "lang": "en"}, REMOTE_ADDR=address).status_code for _ in range(4)
    ]
    assert statuses == [200, 200, 200, 429]
    refused = client.get(SEARCH, {"q": "cook", "lang": "en"}, REMOTE_ADDR=address)
    assert refused["Content-Type"].startswith("application/problem+json")
    assert 0 < int(refused["Retry-After"]) <= 60
    assert client.get(SEARCH, {"q": "cook", "lang": "en"}, REMOTE_ADDR="198.51.100.8").status_code == 200
    # The skills search shares the count (one limit per client for the public searches).
    assert client.get("/api/v1/skills/skills/", {"q": "cook"}, REMOTE_ADDR=address).status_code == 429


def test_the_built_index_holds_every_typo_window_a_search_needs(esco: TaxonomyEdition) -> None:
    """Built before gunicorn forks: a worker must not build windows on a live search (a cold-tail cost)."""
    from migdev.skills import search

    selectors.search_occupations("nurse", lang="en", limit=1, edition=esco)
    index = next(built for built in search.CACHE._indexes.values() if built.isco_by_length)
    longest = max(index.isco_by_length)
    assert set(range(search.MIN_TYPO_LENGTH, longest + 2)) <= set(index.isco_windows)
    for length in (search.MIN_TYPO_LENGTH, 9, longest):
        expected = {
            word for word in index.isco_vocabulary if (length * 2) // 3 <= len(word) <= (length * 3) // 2 + 1
        }
        assert set(index.isco_windows[length]) == expected
