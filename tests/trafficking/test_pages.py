"""Pages: who sees what, the intake and edit flow on the web, the conflict page, exports, publication."""

import json
import re

import pytest
from django.test import Client

from migdev.audit.models import AuditAction, AuditEvent
from migdev.trafficking import services
from migdev.trafficking.models import AnalyticRecord, AnalyticSource, Case, Release
from tests.trafficking.factories import login_verified, make_case, make_group, make_organisation, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def team() -> dict:
    organisation = make_organisation()
    group = make_group(organisation)
    return {
        "organisation": organisation,
        "group": group,
        "worker": make_user("case_worker", organisation=organisation, groups=(group,)),
        "supervisor": make_user("supervisor", organisation=organisation, groups=(group,)),
        "analyst": make_user("analyst", organisation=organisation),
        "dpo": make_user("data_protection_officer", organisation=organisation),
        "partner": make_user("partner", organisation=make_organisation()),
    }


def client_for(user: object) -> Client:
    return login_verified(Client(), user)  # type: ignore[arg-type]


def test_public_pages_need_no_sign_in(client: Client) -> None:
    assert client.get("/en/trafficking/").status_code == 200
    response = client.get("/en/trafficking/dashboard/")
    assert response.status_code == 200
    assert "No figures have been approved" in response.content.decode()


@pytest.mark.parametrize("lang", ["en", "fr", "es"])
def test_case_pages_in_each_language_for_a_case_worker(team: dict, lang: str) -> None:
    case = make_case(team["worker"])
    client = client_for(team["worker"])
    for url in (
        f"/{lang}/trafficking/cases/",
        f"/{lang}/trafficking/cases/new/",
        f"/{lang}/trafficking/cases/{case.pk}/",
        f"/{lang}/trafficking/cases/{case.pk}/edit/",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        assert f'<html lang="{lang}"' in html
        assert 'name="viewport"' in html
        assert "style=" not in html and "<script>" not in html
        assert response.headers["Cache-Control"].startswith("max-age=0")


@pytest.mark.parametrize("role", ["analyst", "dpo", "partner"])
def test_roles_without_case_access_get_404(team: dict, role: str) -> None:
    case = make_case(team["worker"])
    client = client_for(team[role])
    for url in (
        "/en/trafficking/cases/",
        f"/en/trafficking/cases/{case.pk}/",
        "/en/trafficking/cases/new/",
        "/en/trafficking/cases/export/",
    ):
        assert client.get(url).status_code == 404, url


def test_anonymous_users_are_sent_to_sign_in(client: Client, team: dict) -> None:
    case = make_case(team["worker"])
    response = client.get(f"/en/trafficking/cases/{case.pk}/")
    assert response.status_code == 302 and "/accounts/" in response["Location"]


def test_intake_on_the_web_flags_duplicates(team: dict) -> None:
    client = client_for(team["worker"])
    data = {
        "first_name": "Mariam",
        "second_name": "Traoré",
        "birth_date": "1998-02-03",
        "citizenship": ["ML"],
        "gender": "Feminine",
        "registered_on": "2025-01-10",
        "exploitation_types": ["ForcedLabour"],
        "mobile_phone": "+223 70 12 34 56",
    }
    first = client.post("/en/trafficking/cases/new/", data)
    assert first.status_code == 302
    case = Case.objects.get(pk=int(re.search(r"/cases/(\d+)/", first["Location"]).group(1)))  # type: ignore[union-attr]
    assert case.mobile_phone == "+22370123456" and case.owner == team["worker"]
    second = client.post(
        "/en/trafficking/cases/new/", {**data, "first_name": "MARIAM", "second_name": "traore"}, follow=True
    )
    assert "Possible duplicate of " + case.reference in second.content.decode()


def test_invalid_intake_keeps_the_input(team: dict) -> None:
    client = client_for(team["worker"])
    response = client.post(
        "/en/trafficking/cases/new/",
        {"first_name": "Keep me", "mobile_phone": "not a phone", "registered_on": "2025-01-10"},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert 'value="Keep me"' in html and "E.164" in html
    assert not Case.objects.exists()


def test_detail_read_is_audited(team: dict) -> None:
    case = make_case(team["worker"])
    client = client_for(team["supervisor"])
    assert client.get(f"/en/trafficking/cases/{case.pk}/").status_code == 200
    event = AuditEvent.objects.filter(action=AuditAction.READ, record_id=str(case.pk)).latest("pk")
    assert event.actor == team["supervisor"] and event.path == f"/en/trafficking/cases/{case.pk}/"
    client.get("/en/trafficking/cases/")
    listed = AuditEvent.objects.filter(action=AuditAction.READ, detail__purpose="list").latest("pk")
    assert case.reference in listed.detail["cases"]


def test_stale_edit_gets_a_conflict_page_with_the_input_kept(team: dict) -> None:
    case = make_case(team["worker"], mailing_city="Bamako")
    worker = client_for(team["worker"])
    supervisor = client_for(team["supervisor"])
    form = worker.get(f"/en/trafficking/cases/{case.pk}/edit/").context["form"]
    data = {name: value for name, value in form.initial.items() if value not in (None, [], "")}
    data["birth_date"] = "1995-03-14"
    data["registered_on"] = case.registered_on.isoformat()
    sup_data = {**data, "mailing_city": "Kayes"}
    assert supervisor.post(f"/en/trafficking/cases/{case.pk}/edit/", sup_data).status_code == 302
    response = worker.post(f"/en/trafficking/cases/{case.pk}/edit/", {**data, "mailing_city": "Sikasso"})
    assert response.status_code == 409
    html = response.content.decode()
    assert "Someone else saved this record" in html
    assert 'value="Sikasso"' in html  # what this editor typed is still there
    assert "Kayes" in html  # and what is now stored is shown
    case.refresh_from_db()
    assert case.mailing_city == "Kayes"
    again = worker.post(
        f"/en/trafficking/cases/{case.pk}/edit/", {**data, "mailing_city": "Sikasso", "version": case.version}
    )
    assert again.status_code == 302
    case.refresh_from_db()
    assert case.mailing_city == "Sikasso"


def test_consent_gate_on_the_web(team: dict) -> None:
    case = make_case(team["worker"])
    partner_org = make_organisation("Safe house")
    client = client_for(team["worker"])
    payload = {
        "organisation": partner_org.pk,
        "reason": "AdditionalServicesRequired",
        "purpose": "Shelter",
        "safeguards": "Hand delivery",
    }
    # Without the person's consent the partner is not even offered to a case worker.
    assert (
        f'value="{partner_org.pk}"'
        not in client.get(f"/en/trafficking/cases/{case.pk}/refer/").content.decode()
    )
    response = client.post(f"/en/trafficking/cases/{case.pk}/refer/", payload)
    assert response.status_code == 200 and not case.referrals.exists()
    client.post(
        f"/en/trafficking/cases/{case.pk}/consent/",
        {"purpose": "sharing", "given_by": "person", "method": "written", "partners": [partner_org.pk]},
    )
    assert (
        f'value="{partner_org.pk}"' in client.get(f"/en/trafficking/cases/{case.pk}/refer/").content.decode()
    )
    assert client.post(f"/en/trafficking/cases/{case.pk}/refer/", payload).status_code == 302
    assert case.referrals.get().consent is not None


def test_closure_request_and_approval_on_the_web(team: dict) -> None:
    case = make_case(team["worker"])
    worker = client_for(team["worker"])
    worker.post(
        f"/en/trafficking/cases/{case.pk}/close/", {"closure_status": "Closed", "reason": "Went home"}
    )
    item = case.requests.get()
    supervisor = client_for(team["supervisor"])
    assert item.case.reference in supervisor.get("/en/trafficking/approvals/").content.decode()
    supervisor.post(f"/en/trafficking/cases/{case.pk}/requests/{item.pk}/decide/", {"approve": "yes"})
    case.refresh_from_db()
    assert case.status == "Closed"


def test_export_is_scoped_audited_and_formula_safe(team: dict) -> None:
    mine = make_case(team["worker"], first_name='=HYPERLINK("http://x")')
    other = make_case(make_user("case_worker", organisation=team["organisation"]))
    response = client_for(team["worker"]).get("/en/trafficking/cases/export/?format=csv")
    body = b"".join(response.streaming_content).decode()  # type: ignore[attr-defined]
    assert mine.reference in body and other.reference not in body
    assert '"=HYPERLINK' not in body and "'=HYPERLINK" in body
    event = AuditEvent.objects.filter(action=AuditAction.EXPORT).latest("pk")
    assert event.detail["cases"] == [mine.reference]


def load_sample(user: object = None) -> AnalyticSource:
    from pathlib import Path

    from migdev.dataio.services import import_file

    import_file(format_name="ctdc-vp", path=Path(__file__).parent / "data" / "ctdc_vp_sample.csv")
    return AnalyticSource.objects.get(data_format="ctdc-vp")


def test_publication_needs_a_dpo_and_public_pages_show_only_approved_figures(team: dict) -> None:
    load_sample()
    analyst = client_for(team["analyst"])
    assert analyst.get("/en/trafficking/statistics/").status_code == 200
    response = analyst.post(
        "/en/trafficking/releases/new/",
        {
            "title": "VP figures",
            "kind": "aggregates",
            "k": 11,
            "max_suppression": 1,
            "epsilon": 4,
            "reporting_length": 3,
        },
    )
    assert response.status_code == 302
    release = Release.objects.get()
    assert release.state == Release.State.DRAFT
    public = Client()
    assert "No figures have been approved" in public.get("/en/trafficking/dashboard/").content.decode()
    assert public.get(f"/en/trafficking/releases/{release.pk}/download/").status_code == 404
    # the analyst who built it cannot approve it; the DPO can
    assert analyst.post(f"/en/trafficking/releases/{release.pk}/", {"approve": "yes"}).status_code == 404
    dpo = client_for(team["dpo"])
    assert dpo.post(f"/en/trafficking/releases/{release.pk}/", {"approve": "yes"}).status_code == 302
    page = public.get("/en/trafficking/dashboard/").content.decode()
    assert "VP figures" in page and "Gender" in page
    assert public.get(f"/en/trafficking/releases/{release.pk}/download/").status_code == 200


def test_dashboard_counts_equal_the_file(team: dict) -> None:
    """The published figures (threshold 1, so nothing is hidden) equal counts taken from the file itself."""
    import csv
    from pathlib import Path

    load_sample()
    release = services.release_build(
        actor=team["analyst"], kind=Release.Kind.AGGREGATES, title="check", parameters={"threshold": 1}
    )
    services.release_review(actor=team["dpo"], release=release, approve=True)
    content = json.loads(Client().get(f"/en/trafficking/releases/{release.pk}/download/").content)
    tables = {table["dimension"]: table for table in content["tables"]}
    with (Path(__file__).parent / "data" / "ctdc_vp_sample.csv").open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    gender = {cell["value"]: cell["count"] for cell in tables["gender"]["cells"]}
    assert gender["Female"] == sum(r["gender"] == "Female" for r in rows)
    assert gender["Male"] == sum(r["gender"] == "Male" for r in rows)
    exploit = {cell["value"]: cell["count"] for cell in tables["type_of_exploit"]["cells"]}
    assert exploit["is_forced_labour"] == sum(r["isForcedLabour"] == "1" for r in rows)
    assert exploit["is_sexual_exploit"] == sum(r["isSexualExploit"] == "1" for r in rows)
    assert AnalyticRecord.objects.count() == len(rows)


def test_aggregates_hide_small_cells(team: dict) -> None:
    load_sample()
    release = services.release_build(actor=team["analyst"], kind=Release.Kind.AGGREGATES, title="k11")
    content = json.loads(release.content)
    for table in content["tables"]:
        for cell in table["cells"]:
            assert cell["count"] is None or cell["count"] == 0 or cell["count"] >= 11
            assert cell["count"] is not None or cell["value"] == "*"  # a hidden cell names no value
        if table["additive"] and table["total"] is not None:
            assert sum(cell.get("hidden_cells", 0) for cell in table["cells"]) != 1
    period = next(t for t in content["tables"] if t["dimension"] == "registration_period")
    assert period["total"] == 524
