"""The real pages and API, as each role uses them: scope 404s, pseudonymisation, audited identifying reads."""

import datetime
import json

import pytest
from django.test import Client
from django.utils import timezone

from migdev.audit.models import AuditEvent
from migdev.labour import services
from migdev.labour.models import Application
from tests.factories import login_verified, make_organisation, make_user
from tests.labour.conftest import World, make_worker

IDENTIFYING = ("Amina", "Diallo", "+221 77 000 00 00", "amina@example.org", "1995-05-17", "SN1234567")


def _signed_in(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    login_verified(client, user)
    return client


def _application(world: World) -> Application:
    worker = make_worker(world, "Amina")
    [application] = services.shortlist_save(
        actor=world.officer, job_order=world.job_order, worker_ids=[worker.pk]
    )
    return application


def _employer_sees(world: World, application: Application) -> str:
    client = _signed_in(world.employer_user)
    pages = [
        client.get(f"/en/labour/job-orders/{world.job_order.pk}/"),
        client.get(f"/en/labour/applications/{application.pk}/"),
        client.get(f"/api/v1/labour/job-orders/{world.job_order.pk}/shortlist"),
        client.get(f"/api/v1/labour/job-orders/{world.job_order.pk}/applications"),
        client.get(f"/api/v1/labour/applications/{application.pk}"),
    ]
    assert [page.status_code for page in pages] == [200] * 5
    return "\n".join(page.content.decode() for page in pages)


def test_employer_never_sees_identity_before_the_worker_accepts_an_interview(world: World) -> None:
    application = _application(world)
    before = AuditEvent.objects.filter(record_type="labour.worker", action="read").count()
    seen = _employer_sees(world, application)
    for value in IDENTIFYING:
        assert value not in seen, value
    assert "female" not in seen.lower() and '"sex"' not in seen
    assert application.worker.pseudonym in seen
    assert AuditEvent.objects.filter(record_type="labour.worker", action="read").count() == before
    application = services.application_step(
        actor=world.employer_user, application=application, step="propose_interview"
    )
    assert "Amina" not in _employer_sees(world, application)  # proposed is not accepted
    services.application_step(actor=world.pes, application=application, step="accept_interview")
    seen = _employer_sees(world, application)
    assert "Amina" in seen and "amina@example.org" in seen
    reads = AuditEvent.objects.filter(
        record_type="labour.worker",
        action="read",
        actor_id=world.employer_user.pk,
        record_id=str(application.worker_id),
    )
    assert reads.exists()


def test_officer_reads_identity_and_each_read_is_audited(world: World) -> None:
    application = _application(world)
    client = _signed_in(world.officer)
    response = client.get(f"/api/v1/labour/applications/{application.pk}")
    assert response.status_code == 200 and response.json()["identity"]["given_name"] == "Amina"
    event = AuditEvent.objects.filter(
        record_type="labour.worker", action="read", actor_id=world.officer.pk
    ).latest("pk")
    assert event.record_id == str(application.worker_id) and "given_name" in event.detail["fields"]


def test_outside_scope_answers_404(world: World) -> None:
    application = _application(world)
    other_employer = make_user("employer", organisation=make_organisation("Other employer"))
    other_recruiter = make_user("recruiter", organisation=make_organisation("Other recruiter"))
    other_pes = make_user("pes_officer", organisation=make_organisation("Other PES"))
    other_officer = make_user("scheme_officer", organisation=make_organisation("Other authority"))
    for user in (other_employer, other_recruiter, other_officer):
        client = _signed_in(user)
        assert client.get(f"/en/labour/job-orders/{world.job_order.pk}/").status_code == 404
        assert client.get(f"/api/v1/labour/job-orders/{world.job_order.pk}").status_code == 404
        assert client.get(f"/api/v1/labour/applications/{application.pk}").status_code == 404
        assert client.get(f"/en/labour/applications/{application.pk}/gate/").status_code == 404
    client = _signed_in(other_pes)
    assert client.get(f"/api/v1/labour/workers/{application.worker_id}").status_code == 404
    assert client.get(f"/api/v1/labour/applications/{application.pk}").status_code == 404
    # the right PES officer reaches their own service's worker
    assert _signed_in(world.pes).get(f"/api/v1/labour/workers/{application.worker_id}").status_code == 200
    # the assigned recruiter sees the application and its gate
    recruiter = _signed_in(world.recruiter_user)
    assert recruiter.get(f"/api/v1/labour/applications/{application.pk}/gate").status_code == 200
    # an employer never gets the gate (which names documents and costs)
    assert (
        _signed_in(world.employer_user).get(f"/api/v1/labour/applications/{application.pk}/gate").status_code
        == 404
    )


def test_worker_self_service_page_and_api(world: World) -> None:
    user = make_user("worker")
    worker = make_worker(world, "Amina")
    worker.user = user
    worker.save()
    application = _application_for(world, worker)
    client = Client()
    client.force_login(user)
    page = client.get("/fr/labour/me/", HTTP_USER_AGENT="Mozilla/5.0 (Linux; Android 14; Pixel 8)")
    assert (
        page.status_code == 200
        and "Amina" in page.content.decode()
        and worker.pseudonym in page.content.decode()
    )
    assert 'lang="fr"' in page.content.decode()
    me = client.get("/api/v1/labour/workers/me").json()
    response = client.patch(
        "/api/v1/labour/workers/me",
        data=json.dumps({"version": me["version"], "phone": "+221 70 111 11 11"}),
        content_type="application/json",
    )
    assert response.status_code == 200 and response.json()["identity"]["phone"] == "+221 70 111 11 11"
    stale = client.patch(
        "/api/v1/labour/workers/me",
        data=json.dumps({"version": me["version"], "phone": "x"}),
        content_type="application/json",
    )
    assert stale.status_code == 409
    # the worker sees nobody else
    other = make_worker(world, "Binta")
    assert client.get(f"/api/v1/labour/workers/{other.pk}").status_code == 404
    assert client.get(f"/api/v1/labour/applications/{application.pk}").status_code == 200
    assert client.get(f"/en/labour/job-orders/{world.job_order.pk}/").status_code == 404


def _application_for(world: World, worker) -> Application:  # type: ignore[no-untyped-def]
    [application] = services.shortlist_save(
        actor=world.officer, job_order=world.job_order, worker_ids=[worker.pk]
    )
    return application


@pytest.mark.parametrize(
    "path, body",
    [
        ("/api/v1/labour/job-orders/{jo}", {"version": 1, "positions": -3}),
        ("/api/v1/labour/job-orders/{jo}", {"version": 1, "wage_period": "fortnight"}),
        ("/api/v1/labour/job-orders/{jo}", {"version": 1, "essential_skill_uris": ["http://nope/x"]}),
        ("/api/v1/labour/job-orders/{jo}", {"positions": 3}),
        ("/api/v1/labour/job-orders/{jo}", {"version": 1, "languages": [{"code": "zz9", "level": 2}]}),
        ("/api/v1/labour/job-orders/{jo}", {"version": 1, "languages": [{"code": "qqq", "level": 2}]}),
    ],
)
def test_bad_input_is_refused_never_500(world: World, path: str, body: dict) -> None:
    client = _signed_in(world.officer)
    response = client.patch(
        path.format(jo=world.job_order.pk), data=json.dumps(body), content_type="application/json"
    )
    assert response.status_code in (400, 422), response.content


def test_job_order_patch_carries_version(world: World) -> None:
    client = _signed_in(world.officer)
    url = f"/api/v1/labour/job-orders/{world.job_order.pk}"
    ok = client.patch(url, data=json.dumps({"version": 1, "positions": 3}), content_type="application/json")
    assert ok.status_code == 200 and ok.json()["version"] == 2
    stale = client.patch(
        url, data=json.dumps({"version": 1, "positions": 4}), content_type="application/json"
    )
    assert stale.status_code == 409


def test_end_to_end_job_order_to_deployment_through_the_api(world: World) -> None:
    from decimal import Decimal

    worker = make_worker(world, "Amina")
    officer = _signed_in(world.officer)
    employer = _signed_in(world.employer_user)
    pes = _signed_in(world.pes)
    shortlist = officer.get(f"/api/v1/labour/job-orders/{world.job_order.pk}/shortlist").json()
    assert shortlist["candidates"][0]["pseudonym"] == worker.pseudonym
    assert (
        employer.get(f"/api/v1/labour/job-orders/{world.job_order.pk}/shortlist").json()["candidates"][0][
            "worker_id"
        ]
        is None
    )
    kept = officer.post(
        f"/api/v1/labour/job-orders/{world.job_order.pk}/shortlist",
        data=json.dumps({"worker_ids": [shortlist["candidates"][0]["worker_id"]]}),
        content_type="application/json",
    )
    assert kept.status_code == 201
    application_id = kept.json()[0]["id"]
    version = kept.json()[0]["version"]
    for client, step in [
        (employer, "propose_interview"),
        (pes, "accept_interview"),
        (employer, "select"),
        (employer, "offer"),
        (pes, "accept_offer"),
    ]:
        response = client.post(
            f"/api/v1/labour/applications/{application_id}/steps",
            data=json.dumps({"step": step, "version": version}),
            content_type="application/json",
        )
        assert response.status_code == 200, (step, response.content)
        version = response.json()["version"]
    application = Application.objects.get(pk=application_id)
    assert application.stage == "accepted" and application.accepted_at is not None
    steps = AuditEvent.objects.filter(
        record_type="labour.application", record_id=str(application_id), action="update"
    )
    assert [event.detail["step"] for event in steps.order_by("pk")] == [
        "propose_interview",
        "accept_interview",
        "select",
        "offer",
        "accept_offer",
    ]
    gate = officer.get(f"/api/v1/labour/applications/{application_id}/gate").json()
    assert not gate["passes"] and {c["code"] for c in gate["checks"] if c["status"] == "blocks"} == {
        "contract",
        "documents",
        "grievance",
        "orientation",
    }
    contract = services.contract_add(
        actor=world.officer,
        application=application,
        language="fra",
        wage_amount=Decimal("1200"),
        wage_currency="EUR",
        wage_period="month",
        hours_per_week=Decimal("38"),
        given_to_worker_on=timezone.localdate(),
    )
    services.contract_record(actor=world.officer, contract=contract, signed_on=timezone.localdate())
    services.document_custody_record(
        actor=world.officer,
        application=application,
        document="passport",
        held_by="worker",
        since=timezone.localdate(),
    )
    services.grievance_channel_give(
        actor=world.officer, application=application, channel="Hotline 1234", given_on=timezone.localdate()
    )
    gate = officer.get(f"/api/v1/labour/applications/{application_id}/gate").json()
    assert [c["code"] for c in gate["checks"] if c["status"] == "blocks"] == ["orientation"]
    # Orientation through the API: a course, a session that started an hour ago, attendance, certificate.
    course = _post(
        officer,
        f"/api/v1/labour/schemes/{world.scheme.pk}/curricula",
        {
            "title": "Before leaving for Belgium",
            "languages": ["fr"],
            "modules": [{"topic": "contract_rights", "minutes": 90}, {"topic": "grievance", "minutes": 30}],
        },
    )
    assert course.status_code == 201, course.content
    started = timezone.now() - datetime.timedelta(hours=1)
    session = _post(
        officer,
        f"/api/v1/labour/curricula/{course.json()['id']}/sessions",
        {
            "language": "fra",
            "starts_at": started.isoformat(),
            "ends_at": (started + datetime.timedelta(hours=3)).isoformat(),
            "online_url": "https://meet.example.org/orientation",
        },
    )
    assert session.status_code == 201, session.content
    enrolled = _post(
        officer,
        f"/api/v1/labour/sessions/{session.json()['id']}/attendance",
        {"application_id": application_id},
    )
    assert enrolled.status_code == 201, enrolled.content
    modules = [module["id"] for module in course.json()["modules"]]
    attendance = f"/api/v1/labour/attendance/{enrolled.json()['id']}"
    partly = _post(officer, attendance, {"version": enrolled.json()["version"], "module_ids": modules[:1]})
    assert partly.status_code == 200, partly.content
    certificate = f"/api/v1/labour/applications/{application_id}/orientation/certificate"
    assert _post(officer, certificate, {}).status_code == 422
    stale = _post(officer, attendance, {"version": enrolled.json()["version"], "module_ids": modules})
    assert stale.status_code == 409
    assert (
        _post(officer, attendance, {"version": partly.json()["version"], "module_ids": modules}).status_code
        == 200
    )
    issued = _post(officer, certificate, {})
    assert issued.status_code == 201 and issued.json()["certificate_number"].startswith("OR-")
    gate = officer.get(f"/api/v1/labour/applications/{application_id}/gate").json()
    assert gate["passes"]
    page = officer.get(f"/es/labour/applications/{application_id}/gate/")
    assert page.status_code == 200
    deployed = _post(officer, f"/api/v1/labour/applications/{application_id}/deploy", {})
    assert deployed.status_code == 200 and deployed.json()["stage"] == "deployed"
    passage = officer.get(f"/api/v1/labour/applications/{application_id}/passage").json()
    assert passage["departed_on"] == timezone.localdate().isoformat() and passage["check_ins"] == []
    arrival = f"/api/v1/labour/applications/{application_id}/passage/arrival"
    tomorrow = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
    assert _post(officer, arrival, {"arrived_on": tomorrow}).status_code == 422
    arrived = _post(officer, arrival, {"arrived_on": timezone.localdate().isoformat()})
    assert arrived.status_code == 200, arrived.content
    assert [c["days_after_arrival"] for c in arrived.json()["check_ins"]] == [7, 30, 90]
    # The employer sees neither the passage nor the alerts of another organisation's officer.
    assert _post(employer, arrival, {"arrived_on": timezone.localdate().isoformat()}).status_code == 404


def _post(client: Client, url: str, body: dict):  # type: ignore[no-untyped-def]
    return client.post(url, data=json.dumps(body), content_type="application/json")


def test_registration_consent_and_gate_inputs_through_the_api(world: World) -> None:
    from tests.labour.conftest import CARE, MEDICATION, NURSE

    pes = _signed_in(world.pes)
    body = {
        "given_name": "Mariama",
        "family_name": "Ba",
        "date_of_birth": "1993-02-11",
        "sex": "female",
        "country_of_residence": "SEN",
        "languages": [{"code": "fr", "level": 5}],
        "occupation_uris": [NURSE],
        "skill_uris": [CARE, MEDICATION],
        "experience_years": 5,
        "available_from": "2027-01-01",
        "consent_method": "signed_form",
    }
    assert _post(_signed_in(world.employer_user), "/api/v1/labour/workers", body).status_code == 404
    assert _post(pes, "/api/v1/labour/workers", {**body, "date_of_birth": "2031-01-01"}).status_code == 422
    assert _post(pes, "/api/v1/labour/workers", {**body, "consent_method": "nod"}).status_code == 422
    created = _post(pes, "/api/v1/labour/workers", body)
    assert created.status_code == 201, created.content
    worker_id = created.json()["id"]
    assert created.json()["languages"] == [{"code": "fra", "level": 5}]
    from migdev.labour.models import Worker

    worker = Worker.objects.get(pk=worker_id)
    user = make_user("worker")
    worker.user = user
    worker.save()
    own = Client()
    own.force_login(user)
    consent = _post(own, f"/api/v1/labour/workers/me/schemes/{world.scheme.pk}/consent", {"method": "online"})
    assert consent.status_code == 200
    officer = _signed_in(world.officer)
    shortlist = officer.get(f"/api/v1/labour/job-orders/{world.job_order.pk}/shortlist").json()
    assert [c["worker_id"] for c in shortlist["candidates"]] == [worker_id]
    application_id = _post(
        officer, f"/api/v1/labour/job-orders/{world.job_order.pk}/shortlist", {"worker_ids": [worker_id]}
    ).json()[0]["id"]
    Application.objects.filter(pk=application_id).update(stage="accepted")
    recruiter = _signed_in(world.recruiter_user)
    base = f"/api/v1/labour/applications/{application_id}"
    assert (
        _post(
            recruiter,
            base + "/costs",
            {"category": "visa", "amount": "90.00", "currency": "EUR", "paid_by": "worker"},
        ).status_code
        == 201
    )
    assert (
        _post(
            recruiter,
            base + "/costs",
            {"category": "bribe", "amount": "1", "currency": "EUR", "paid_by": "worker"},
        ).status_code
        == 422
    )
    assert (
        _post(
            recruiter,
            base + "/contracts",
            {
                "language": "fra",
                "wage_amount": "1200.00",
                "wage_currency": "EUR",
                "wage_period": "month",
                "hours_per_week": "38.0",
                "given_to_worker_on": "2026-11-01",
            },
        ).status_code
        == 201
    )
    assert (
        _post(recruiter, base + "/contracts/1", {"signed_on": "2026-11-02"}).json()["signed_on"]
        == "2026-11-02"
    )
    assert (
        _post(
            recruiter,
            base + "/documents",
            {"document": "passport", "held_by": "employer", "since": "2026-10-01"},
        ).status_code
        == 204
    )
    assert (
        _post(
            recruiter, base + "/grievance-channel", {"channel": "Hotline", "given_on": "2026-11-01"}
        ).status_code
        == 204
    )
    # the recruiter cannot waive; the employer reaches nothing here; the officer can, for documents only
    assert (
        _post(recruiter, base + "/waivers", {"check": "documents", "reason": "Consulate"}).status_code == 404
    )
    assert (
        _post(
            _signed_in(world.employer_user),
            base + "/documents",
            {"document": "passport", "held_by": "worker", "since": "2026-10-01"},
        ).status_code
        == 404
    )
    assert _post(officer, base + "/waivers", {"check": "fees", "reason": "x"}).status_code == 422
    assert (
        _post(
            officer, base + "/waivers", {"check": "documents", "reason": "Lodged with the consulate"}
        ).status_code
        == 204
    )
    blocked = _post(officer, base + "/deploy", {})
    assert blocked.status_code == 409 and "fees" in blocked.json()["detail"]
    gate = officer.get(base + "/gate").json()
    assert {c["code"]: c["status"] for c in gate["checks"]}["documents"] == "waived"
    line = Application.objects.get(pk=application_id).cost_lines.get()
    services.cost_line_refund(
        actor=world.officer,
        line=line,
        refunded_amount=line.amount,
        refunded_on=timezone.localdate(),
        expected_version=line.version,
    )
    still = _post(officer, base + "/deploy", {})
    assert still.status_code == 409 and "orientation" in still.json()["detail"]
    waived = _post(officer, base + "/waivers", {"check": "orientation", "reason": "Seminar done in 2026"})
    assert waived.status_code == 204
    assert _post(officer, base + "/deploy", {}).json()["stage"] == "deployed"


def test_worker_page_form_adds_a_skill_with_the_autocomplete_field_and_keeps_stale_edits(
    world: World,
) -> None:
    from tests.labour.conftest import HYGIENE

    user = make_user("worker")
    worker = make_worker(world, "Amina")
    worker.user = user
    worker.save()
    client = Client()
    client.force_login(user)
    form = {
        "phone": "+221 70 222 22 22",
        "email": "",
        "available_from": "",
        "add_skill": HYGIENE,
        "version": worker.version,
    }
    assert client.post("/en/labour/me/", form).status_code == 302
    worker.refresh_from_db()
    assert HYGIENE in worker.skill_uris and worker.phone == "+221 70 222 22 22"
    stale = client.post("/en/labour/me/", {**form, "phone": "+221 70 333 33 33", "version": 1})
    assert stale.status_code == 409 and "+221 70 333 33 33" in stale.content.decode()
    worker.refresh_from_db()
    assert worker.phone == "+221 70 222 22 22"
    assert client.post("/en/labour/me/", {"withdraw_consent": "1"}).status_code == 302
    worker.refresh_from_db()
    assert not worker.consents_to_processing
