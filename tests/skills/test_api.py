"""The public skills API: search and one concept, anonymous, validated (no 500 on bad input)."""

from __future__ import annotations

from urllib.parse import quote

import pytest
from django.test import Client

from migdev.skills.models import Occupation, TaxonomyEdition
from tests.skills.conftest import COMPUTER_PROGRAMMING, NURSE

pytestmark = pytest.mark.django_db


def test_occupation_search_answers_best_first_in_the_asked_language(
    esco: TaxonomyEdition, client: Client
) -> None:
    response = client.get("/api/v1/skills/occupations/", {"q": "infirmiere", "lang": "fr", "limit": 3})
    assert response.status_code == 200
    body = response.json()
    items = body["items"]
    assert len(items) == 3
    assert NURSE in [item["uri"] for item in items]
    assert [item["score"] for item in items] == sorted((item["score"] for item in items), reverse=True)
    nurse = next(item for item in items if item["uri"] == NURSE)
    assert nurse["label"] == "infirmier de soins généraux/infirmière de soins généraux"
    assert (nurse["language"], nurse["isco_code"]) == ("fr", "2221")
    assert {edition["taxonomy"] for edition in body["editions"]} == {"esco", "isco"}
    assert "© European Union" in body["editions"][0]["attribution"] + body["editions"][1]["attribution"]


def test_spanish_search_with_a_typo(esco: TaxonomyEdition, client: Client) -> None:
    items = client.get("/api/v1/skills/occupations/?q=enfremera&lang=es&limit=3").json()["items"]
    assert NURSE in [item["uri"] for item in items]
    assert all(item["language"] == "es" for item in items)


def test_a_label_missing_in_the_language_comes_in_english_saying_so(
    esco: TaxonomyEdition, client: Client
) -> None:
    untranslated = Occupation.objects.filter(edition=esco, label_es="").order_by("label_en").first()
    assert untranslated is not None
    items = client.get("/api/v1/skills/occupations/", {"q": untranslated.label_en, "lang": "es"}).json()[
        "items"
    ]
    found = next(item for item in items if item["uri"] == untranslated.uri)
    assert (found["label"], found["language"]) == (untranslated.label_en, "en")


def test_skill_search(esco: TaxonomyEdition, client: Client) -> None:
    items = client.get("/api/v1/skills/skills/?q=programmation%20informatique&lang=fr&limit=5").json()[
        "items"
    ]
    assert items[0]["uri"] == COMPUTER_PROGRAMMING
    assert items[0]["label"] == "programmation informatique"
    assert items[0]["isco_code"] == ""


@pytest.mark.parametrize(
    "params",
    [
        "q=&lang=en",
        "lang=en",
        "q=nurse&lang=de",
        "q=nurse&limit=0",
        "q=nurse&limit=51",
        "q=nurse&limit=abc",
        "q=nurse&limit=99999999999999999999999",
        f"q={'x' * 201}",
        "q=nurse&edition=%27%3B--",
    ],
)
def test_bad_parameters_get_a_422_problem_not_a_500(
    esco: TaxonomyEdition, client: Client, params: str
) -> None:
    for kind in ("occupations", "skills"):
        response = client.get(f"/api/v1/skills/{kind}/?{params}")
        assert response.status_code == 422, (params, response.content[:200])
        assert response["Content-Type"].startswith("application/problem+json")


def test_an_unknown_edition_is_a_404(esco: TaxonomyEdition, client: Client) -> None:
    assert client.get("/api/v1/skills/occupations/?q=nurse&edition=0.0.1").status_code == 404
    assert client.get("/api/v1/skills/occupations/?q=nurse&edition=1.2.0").status_code == 200


def test_one_occupation_by_uri(esco: TaxonomyEdition, client: Client) -> None:
    response = client.get(f"/api/v1/skills/occupation/?uri={quote(NURSE, safe='')}&lang=es")
    assert response.status_code == 200
    body = response.json()
    assert body["labels"]["fr"] == "infirmier de soins généraux/infirmière de soins généraux"
    assert body["language"] == "es" and body["label"].startswith("enfermero responsable")
    assert [ref["code"] for ref in body["isco_path"]] == ["2", "22", "222", "2221"]
    assert len(body["essential_skills"]) > 50 and len(body["optional_skills"]) > 5
    assert all(ref["relation"] == "essential" for ref in body["essential_skills"])


def test_one_skill_by_uri(esco: TaxonomyEdition, client: Client) -> None:
    body = client.get("/api/v1/skills/skill/", {"uri": COMPUTER_PROGRAMMING, "lang": "en"}).json()
    assert body["label"] == "computer programming"
    assert body["hierarchy"] and all(path for path in body["hierarchy"])
    assert len(body["essential_for"]) > 10


@pytest.mark.parametrize("uri", ["http://data.europa.eu/esco/occupation/nope", "x", "é" * 300])
def test_an_unknown_or_bad_uri_is_a_404_or_422(esco: TaxonomyEdition, client: Client, uri: str) -> None:
    status = client.get("/api/v1/skills/occupation/", {"uri": uri}).status_code
    assert status in (404, 422)
    assert client.get("/api/v1/skills/skill/", {"uri": uri}).status_code in (404, 422)


def test_search_works_without_signing_in_and_without_a_taxonomy(db: None, client: Client) -> None:
    response = client.get("/api/v1/skills/occupations/?q=nurse")
    assert response.status_code == 200
