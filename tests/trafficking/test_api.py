"""The API: same access functions as the pages (role × scope), audit, 409 on stale updates."""

import json
from pathlib import Path

import pytest
from django.test import Client

from migdev.audit.models import AuditAction, AuditEvent
from migdev.dataio.services import import_file
from migdev.trafficking import services
from migdev.trafficking.models import AnalyticSource, Case, Release
from tests.trafficking.factories import login_verified, make_case, make_group, make_organisation, make_user

pytestmark = pytest.mark.django_db
REACH = {
    "case_worker": {"own"},
    "supervisor": {"own", "group"},
    "analyst": set(),
    "data_protection_officer": set(),
    "partner": set(),
    "editor": set(),
    "administrator": set(),
}


def world(role: str) -> tuple[Client, dict[str, Case]]:
    organisation = make_organisation()
    team = make_group(organisation)
    user = make_user(role, organisation=organisation, groups=(team,))
    colleague = make_user("case_worker", organisation=organisation, groups=(team,))
    outsider = make_user("case_worker", organisation=organisation, groups=(make_group(organisation),))
    foreign_org = make_organisation()
    foreign = make_user("case_worker", organisation=foreign_org, groups=(make_group(foreign_org),))
    own = make_case(colleague)
    Case.objects.filter(pk=own.pk).update(owner=user, group=None)
    cases = {
        "own": own,
        "group": make_case(colleague),
        "organisation": make_case(outsider),
        "other": make_case(foreign),
    }
    return login_verified(Client(), user), cases


@pytest.mark.parametrize("role", list(REACH))
def test_case_endpoints_role_by_scope(role: str) -> None:
    client, cases = world(role)
    listing = client.get("/api/v1/trafficking/cases")
    if REACH[role]:
        assert listing.status_code == 200
        assert {item["reference"] for item in listing.json()["items"]} == {
            cases[p].reference for p in REACH[role]
        }
    else:
        assert listing.status_code == 404
    for position, case in cases.items():
        response = client.get(f"/api/v1/trafficking/cases/{case.pk}")
        if position in REACH[role]:
            assert response.status_code == 200
            assert response.json()["reference"] == case.reference
            assert AuditEvent.objects.filter(action=AuditAction.READ, record_id=str(case.pk)).exists()
        else:
            assert response.status_code == 404
            assert response["Content-Type"] == "application/problem+json"
        patch = client.patch(
            f"/api/v1/trafficking/cases/{case.pk}",
            data=json.dumps({"version": 1, "values": {"mailing_city": "X"}}),
            content_type="application/json",
        )
        assert patch.status_code == (200 if position in REACH[role] else 404)
    referrals = client.get("/api/v1/trafficking/referrals")
    assert referrals.status_code == (200 if REACH[role] else 404)


def test_anonymous_calls_need_authentication() -> None:
    response = Client().get("/api/v1/trafficking/cases")
    assert response.status_code == 401


def test_stale_update_is_409_and_changes_nothing() -> None:
    client, cases = world("case_worker")
    case = cases["own"]
    ok = client.patch(
        f"/api/v1/trafficking/cases/{case.pk}",
        data=json.dumps({"version": 1, "values": {"mailing_city": "First"}}),
        content_type="application/json",
    )
    assert ok.status_code == 200 and ok.json()["version"] == 2
    stale = client.patch(
        f"/api/v1/trafficking/cases/{case.pk}",
        data=json.dumps({"version": 1, "values": {"mailing_city": "Second"}}),
        content_type="application/json",
    )
    assert stale.status_code == 409
    assert "now at version 2" in stale.json()["detail"]
    case.refresh_from_db()
    assert case.mailing_city == "First"


def test_create_validates_values() -> None:
    client, _cases = world("case_worker")
    bad = client.post(
        "/api/v1/trafficking/cases",
        data=json.dumps({"values": {"gender": "Robot"}}),
        content_type="application/json",
    )
    assert bad.status_code == 422
    good = client.post(
        "/api/v1/trafficking/cases",
        data=json.dumps({"values": {"first_name": "Api", "citizenship": ["SN"], "birth_date": "2000-01-02"}}),
        content_type="application/json",
    )
    assert good.status_code == 201
    assert good.json()["values"]["birth_date"] == "2000-01-02"


def test_statistics_for_analysts_only_and_public_releases() -> None:
    import_file(format_name="ctdc-vp", path=Path(__file__).parent / "data" / "ctdc_vp_sample.csv")
    organisation = make_organisation()
    analyst = make_user("analyst", organisation=organisation)
    dpo = make_user("data_protection_officer", organisation=organisation)
    stats = login_verified(Client(), analyst).get("/api/v1/trafficking/statistics")
    assert stats.status_code == 200 and stats.json()["persons"] == 524
    low = login_verified(Client(), analyst).get("/api/v1/trafficking/statistics?threshold=5")
    assert low.status_code == 400 and "minimum of 11" in low.content.decode()  # clear, never 422
    assert (
        login_verified(Client(), analyst).get("/api/v1/trafficking/statistics?threshold=15").status_code
        == 200
    )
    worker_client, _cases = world("case_worker")
    assert worker_client.get("/api/v1/trafficking/statistics").status_code == 404
    # Live cases are loaded now too: the API never adds them to the file's counts silently.
    mixed = login_verified(Client(), analyst).get("/api/v1/trafficking/statistics")
    assert mixed.status_code == 400 and "ctdc_vp_sample.csv" in mixed.content.decode()
    vp = AnalyticSource.objects.get(data_format="ctdc-vp")
    only_file = login_verified(Client(), analyst).get(f"/api/v1/trafficking/statistics?source={vp.pk}").json()
    gender = next(t for t in only_file["tables"] if t["dimension"] == "gender")
    assert {c["value"]: c["count"] for c in gender["cells"]}["Female"] == vp.records.filter(
        gender="Female"
    ).count()
    assert only_file["sources"][0]["id"] == vp.pk
    release = services.release_build(
        actor=analyst, kind=Release.Kind.AGGREGATES, title="api", parameters={"sources": [vp.pk]}
    )
    public = Client()
    assert public.get("/api/v1/trafficking/releases").json() == []
    assert public.get(f"/api/v1/trafficking/releases/{release.pk}/content").status_code == 404
    services.release_review(actor=dpo, release=release, approve=True)
    assert [item["id"] for item in public.get("/api/v1/trafficking/releases").json()] == [release.pk]
    assert public.get(f"/api/v1/trafficking/releases/{release.pk}/content").status_code == 200


def test_value_lists_carry_attribution() -> None:
    body = Client().get("/api/v1/trafficking/value-lists").json()
    assert body["source"]["licence"] == "CC BY 4.0"
    assert {"name": "DebtBondage", "label": "Debt bondage", "aliases": ["Debt bondage "]} in body[
        "value_lists"
    ]["vic_MethodsOfControl"]
