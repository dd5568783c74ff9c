"""POST /api/v1/skills/occupations/match on the full shipped ESCO v1.2.0, in en/fr/es."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from migdev.skills import engine
from migdev.skills.models import Occupation, OccupationSkill, Skill, TaxonomyEdition
from tests.skills.conftest import COMPUTER_PROGRAMMING, NURSE

pytestmark = pytest.mark.django_db

URL = "/api/v1/skills/occupations/match"


def post(client: Client, body: Any) -> Any:
    return client.post(URL, data=json.dumps(body), content_type="application/json")


def essential_uris(edition: TaxonomyEdition, occupation_uri: str) -> set[str]:
    return set(
        OccupationSkill.objects.filter(
            edition=edition, occupation__uri=occupation_uri, relation_type="essential"
        ).values_list("skill__uri", flat=True)
    )


def optional_uris(edition: TaxonomyEdition, occupation_uri: str) -> set[str]:
    return set(
        OccupationSkill.objects.filter(
            edition=edition, occupation__uri=occupation_uri, relation_type="optional"
        ).values_list("skill__uri", flat=True)
    ) - essential_uris(edition, occupation_uri)


def nurse_profile(edition: TaxonomyEdition) -> list[str]:
    """Two thirds of the nurse's essential skills, one optional one, one unrelated skill."""
    essentials = sorted(essential_uris(edition, NURSE))
    optionals = sorted(optional_uris(edition, NURSE))
    return essentials[: 2 * len(essentials) // 3] + optionals[:1] + [COMPUTER_PROGRAMMING]


@pytest.mark.parametrize("lang", ["en", "fr", "es"])
def test_the_explanation_lists_exactly_the_matched_and_missing_essential_skills(
    client: Client, esco: TaxonomyEdition, lang: str
) -> None:
    profile = nurse_profile(esco)
    response = post(client, {"skills": profile, "limit": 5, "lang": lang})
    assert response.status_code == 200, response.content
    body = response.json()
    items = body["items"]
    assert len(items) == 5
    assert [i["score"] for i in items] == sorted((i["score"] for i in items), reverse=True)
    assert items[0]["uri"] == NURSE
    held = set(profile)
    for item in items:  # every result, not only the first, is checked against the OccupationSkill rows
        essentials = essential_uris(esco, item["uri"])
        explanation = item["explanation"]
        matched = {s["uri"] for s in explanation["essential_matched"]}
        missing = {s["uri"] for s in explanation["essential_missing"]}
        assert matched == essentials & held
        assert missing == essentials - held
        assert {s["uri"] for s in explanation["optional_matched"]} == optional_uris(esco, item["uri"]) & held
        for credit in explanation["credited"]:
            assert credit["uri"] not in held and credit["via"]["uri"] in held
            assert 0 < credit["credit"] < 1
    nurse = Occupation.objects.get(edition=esco, uri=NURSE)
    expected_label = getattr(nurse, f"label_{lang}") or nurse.label_en
    assert items[0]["label"] == expected_label
    assert items[0]["language"] == lang
    assert items[0]["isco_code"] == nurse.isco_code
    skill = Skill.objects.get(edition=esco, uri=items[0]["explanation"]["essential_matched"][0]["uri"])
    shown = items[0]["explanation"]["essential_matched"][0]
    if getattr(skill, f"label_{lang}"):
        assert (shown["label"], shown["language"]) == (getattr(skill, f"label_{lang}"), lang)
    else:
        assert (shown["label"], shown["language"]) == (skill.label_en, "en")
    assert body["edition"]["version"] == "1.2.0"
    assert "migdev" in body["method"]


def test_credit_through_a_related_skill_names_the_skill_that_gave_it(
    client: Client, esco: TaxonomyEdition
) -> None:
    # "computer programming" alone: occupations that need it come first, and where a programming-related
    # skill is asked for but not held, the credit names computer programming as its source.
    response = post(client, {"skills": [COMPUTER_PROGRAMMING], "limit": 10, "lang": "en"})
    assert response.status_code == 200
    items = response.json()["items"]
    assert items
    credits = [c for item in items for c in item["explanation"]["credited"]]
    assert credits, "no credit through related or broader skills in the first ten"
    assert all(c["via"]["uri"] == COMPUTER_PROGRAMMING for c in credits)
    assert {c["kind"] for c in credits} <= {"related", "narrower", "broader", "sibling"}


def test_unknown_uris_are_named_in_a_422(client: Client, esco: TaxonomyEdition) -> None:
    unknown = "http://data.europa.eu/esco/skill/not-a-skill"
    response = post(client, {"skills": [COMPUTER_PROGRAMMING, unknown, "urn:x"], "limit": 3})
    assert response.status_code == 422
    assert response["Content-Type"].startswith("application/problem+json")
    body = response.json()
    assert "2 of the given URIs" in body["detail"]
    assert {e["field"] for e in body["errors"]} == {"skills.1", "skills.2"}
    assert any(unknown in e["message"] for e in body["errors"])


def test_a_skill_group_is_not_a_skill_a_person_holds(client: Client, esco: TaxonomyEdition) -> None:
    group = (
        Skill.objects.filter(edition=esco)
        .exclude(kind=Skill.Kind.SKILL)
        .values_list("uri", flat=True)
        .first()
    )
    assert group
    response = post(client, {"skills": [group]})
    assert response.status_code == 422
    assert group in json.dumps(response.json())


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"skills": []},
        {"skills": "not a list"},
        {"skills": [1, 2]},
        {"skills": [COMPUTER_PROGRAMMING], "limit": 0},
        {"skills": [COMPUTER_PROGRAMMING], "limit": 10**9},
        {"skills": [COMPUTER_PROGRAMMING], "lang": "de"},
        {"skills": [COMPUTER_PROGRAMMING] * 501},
        {"skills": ["x" * 300]},
        {"skills": ["has space"]},
        [],
        None,
    ],
)
def test_bad_input_is_refused_without_a_500(client: Client, esco: TaxonomyEdition, body: Any) -> None:
    response = post(client, body)
    assert response.status_code in (400, 422), response.content


def test_malformed_json_is_a_400(client: Client, esco: TaxonomyEdition) -> None:
    response = client.post(URL, data="{not json", content_type="application/json")
    assert response.status_code == 400


def test_duplicates_count_once(client: Client, esco: TaxonomyEdition) -> None:
    once = post(client, {"skills": [COMPUTER_PROGRAMMING], "limit": 3}).json()["items"]
    twice = post(client, {"skills": [COMPUTER_PROGRAMMING, COMPUTER_PROGRAMMING], "limit": 3}).json()["items"]
    assert once == twice


def test_without_a_taxonomy_the_uris_are_refused_not_a_server_error(client: Client, db: None) -> None:
    TaxonomyEdition.objects.filter(taxonomy="esco").update(is_current=False)
    response = post(client, {"skills": [COMPUTER_PROGRAMMING]})
    assert response.status_code == 422
    assert "No ESCO edition is loaded" in response.json()["detail"]
    assert response.json()["errors"][0]["field"] == "skills.0"


def test_the_cached_matcher_follows_the_edition_revision(esco: TaxonomyEdition) -> None:
    first = engine.matcher_for(esco)
    assert engine.matcher_for(esco) is first
    TaxonomyEdition.objects.filter(pk=esco.pk).update(revision=esco.revision + 1)
    rebuilt = engine.matcher_for(esco)
    assert rebuilt is not first and rebuilt.revision == esco.revision + 1
