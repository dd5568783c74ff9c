"""An expert lists each language once (one level per language): the profile page and the API refuse a
language given twice, with a clear error, and keep what was stored."""

from __future__ import annotations

import json

import pytest
from django.core.exceptions import ValidationError

from tests.diaspora.conftest import World, signed_in

pytestmark = pytest.mark.django_db


def _profile_post(expert_version: int) -> dict[str, object]:
    return {
        "action": "profile",
        "version": expert_version,
        "given_name": "Aminata",
        "family_name": "Diallo",
        "email": "aminata.diallo@example.org",
        "phone": "",
        "sex": "F",
        "country_of_origin": "SEN",
        "origin_basis": "born",
        "country_of_residence": "FRA",
        "years_experience": 12,
        "days_on_site_per_year": 30,
        "hours_online_per_week": 5,
        "modalities": ["online"],
        "language_1": "en",
        "level_1": "C2",
        "language_2": "en",
        "level_2": "B2",
    }


def test_the_profile_page_refuses_a_language_twice(world: World, esco: object) -> None:
    expert = world.expert()
    page = signed_in(expert.user)
    response = page.post("/en/diaspora/profile/", _profile_post(expert.version))
    assert response.status_code == 200
    assert "This language is already listed above" in response.content.decode()
    expert.refresh_from_db()
    assert expert.languages == [{"code": "fr", "level": "C2"}, {"code": "en", "level": "C1"}]
    # The same languages once each are saved.
    fine = {**_profile_post(expert.version), "language_2": "fr"}
    assert page.post("/en/diaspora/profile/", fine).status_code == 302
    expert.refresh_from_db()
    assert [item["code"] for item in expert.languages] == ["en", "fr"]


def test_the_api_and_the_service_refuse_a_language_twice(world: World, esco: object) -> None:
    expert = world.expert()
    api = signed_in(expert.user)
    twice = [{"code": "en", "level": "C2"}, {"code": "en", "level": "B2"}]
    response = api.patch(
        "/api/v1/diaspora/me",
        json.dumps({"version": expert.version, "languages": twice}),
        content_type="application/json",
    )
    assert response.status_code in (400, 422), response.status_code
    assert "more than once" in response.content.decode()
    expert.refresh_from_db()
    assert [item["code"] for item in expert.languages] == ["fr", "en"]
    with pytest.raises(ValidationError) as refused:
        # The service compares codes as it stores them (lower case).
        world.expert(email="x@example.org", languages=[*twice[:1], {"code": "EN", "level": "B2"}])
    assert "languages" in refused.value.message_dict
