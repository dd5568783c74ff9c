"""The API: the same rules as the pages (no private field on the public roster, 404 outside scope,
audited reads, versioned PATCH) and no 500 on bad input."""

from __future__ import annotations

import json

import pytest

from migdev.audit.models import AuditEvent
from migdev.diaspora import services
from tests.diaspora.conftest import SOFTWARE_DEVELOPER, World, signed_in

pytestmark = pytest.mark.django_db
SECRETS = ("Aminata", "Diallo", "aminata.diallo@example.org", "+33 6 12 34 56 78", "cholera")


def test_public_roster_api_carries_only_picked_fields(world: World, client) -> None:
    expert = world.expert()
    services.expert_set_sharing(
        actor=expert.user,
        expert=expert,
        expected_version=expert.version,
        public_entry=True,
        public_fields=["sectors", "years_experience"],
        host_fields=[],
    )
    world.expert(given_name="Moussa")  # not on the public roster
    response = client.get("/api/v1/diaspora/roster")
    assert response.status_code == 200
    body = response.json()
    assert body == [
        {
            "reference": expert.reference,
            "sample": False,
            "fields": {"sectors": ["health"], "years_experience": 12},
        }
    ]
    for secret in (*SECRETS, "Moussa"):
        assert secret not in response.content.decode()


def test_me_is_audited_and_patch_needs_the_current_version(world: World, esco: object) -> None:
    expert = world.expert()
    api = signed_in(expert.user)
    reads = AuditEvent.objects.filter(action="read", record_type="diaspora.expert", record_id=str(expert.pk))
    before = reads.count()
    me = api.get("/api/v1/diaspora/me").json()
    assert reads.count() == before + 1
    assert me["profile"]["email"] == "aminata.diallo@example.org"
    version = me["version"]
    ok = api.patch(
        "/api/v1/diaspora/me",
        json.dumps(
            {
                "version": version,
                "occupation_uris": [SOFTWARE_DEVELOPER],
                "windows": [{"from": "2027-05-01", "to": "2027-06-30"}],
            }
        ),
        content_type="application/json",
    )
    assert ok.status_code == 200 and ok.json()["version"] == version + 1
    stale = api.patch(
        "/api/v1/diaspora/me",
        json.dumps({"version": version, "phone": "+1"}),
        content_type="application/json",
    )
    assert stale.status_code == 409 and stale["Content-Type"].startswith("application/problem+json")
    expert.refresh_from_db()
    assert expert.phone == "+33 6 12 34 56 78" and [
        w.starts_on.isoformat() for w in expert.windows.all()
    ] == ["2027-05-01"]


def test_me_and_requests_outside_scope_are_404(world: World, esco: object) -> None:
    row = world.request_row()
    assert signed_in(world.host_user).get("/api/v1/diaspora/me").status_code == 404
    assert signed_in(world.other_host_user).get(f"/api/v1/diaspora/requests/{row.pk}").status_code == 404
    assert (
        signed_in(world.other_host_user).get(f"/api/v1/diaspora/requests/{row.pk}/shortlist").status_code
        == 404
    )
    assert (
        signed_in(world.office_user).get(f"/api/v1/diaspora/requests/{row.pk}/shortlist").status_code == 404
    )
    listing = signed_in(world.other_host_user).get("/api/v1/diaspora/requests").json()
    assert listing == []
    assert signed_in(world.host_user).get("/api/v1/diaspora/requests").json()[0]["id"] == row.pk


def test_host_shortlist_api_never_carries_identifying_fields(world: World, esco: object) -> None:
    world.expert()
    row = world.request_row()
    response = signed_in(world.host_user).get(f"/api/v1/diaspora/requests/{row.pk}/shortlist")
    assert response.status_code == 200
    body = response.json()
    assert body["candidates"] and set(body["candidates"][0]["parts"]) >= {"skills", "availability"}
    for secret in SECRETS:
        assert secret not in response.content.decode()
    officer = signed_in(world.officer).get(f"/api/v1/diaspora/requests/{row.pk}/shortlist").json()
    assert officer["candidates"][0]["shared"] == {}


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/diaspora/roster?origin=senegal",
        "/api/v1/diaspora/roster?sector=mining",
        "/api/v1/diaspora/map",
        "/api/v1/diaspora/map?origin=SE",
        "/api/v1/diaspora/map?origin=SEN&edition=../../x",
        "/api/v1/diaspora/reports?origin=1",
    ],
)
def test_bad_parameters_are_422(url: str, client) -> None:
    assert client.get(url).status_code == 422


def test_bad_bodies_and_ids_never_500(world: World) -> None:
    expert = world.expert()
    api = signed_in(expert.user)
    for body in (
        {"version": "x"},
        {"version": 1, "sectors": ["mining"]},
        {"version": 1, "languages": [{"code": "fr", "level": "Z9"}]},
        {"version": 1, "windows": [{"from": "2027-05-01", "to": "2026-01-01"}]},
        {"version": 1, "years_experience": -1},
        {"version": 1, "country_of_residence": "XXX"},
        {"version": 1, "skill_uris": ["javascript:alert(1)"]},
    ):
        response = api.patch("/api/v1/diaspora/me", json.dumps(body), content_type="application/json")
        assert response.status_code in (409, 422), (body, response.status_code)
    assert api.patch("/api/v1/diaspora/me", "{", content_type="application/json").status_code == 400
    assert api.get("/api/v1/diaspora/requests/99999999999999999999").status_code == 422
    assert api.get("/api/v1/diaspora/requests/0").status_code == 422


def test_reports_and_map_answer_without_sign_in(client) -> None:
    assert client.get("/api/v1/diaspora/reports").json()["assignments_total"] == 0
    body = client.get("/api/v1/diaspora/map?origin=SEN").json()
    assert body["origin"] == "SEN" and body["rows"] == []
