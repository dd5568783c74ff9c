"""Complaints through /api/v1/labour/: the worker sees their own, the scheme's officers those of their
schemes, everyone else 404; each answer carrying a summary is audited; outcomes versioned (409 when stale)."""

from __future__ import annotations

import datetime
import json

from django.test import Client
from django.utils import timezone

from migdev.accounts.models import User
from migdev.audit.models import AuditEvent
from migdev.labour.models import Application, Complaint
from tests.factories import login_verified, make_organisation, make_user
from tests.labour.conftest import World, make_worker

TODAY = timezone.localdate()


def _client(user: User) -> Client:
    client = Client()
    login_verified(client, user)
    return client


def _post(client: Client, url: str, body: dict) -> object:
    return client.post(url, data=json.dumps(body), content_type="application/json")


def _patch(client: Client, url: str, body: dict) -> object:
    return client.patch(url, data=json.dumps(body), content_type="application/json")


def _application_of_a_worker_with_an_account(world: World) -> tuple[Application, User]:
    worker_user = make_user("worker")
    worker = make_worker(world, "Amina")
    worker.user = worker_user
    worker.save(update_fields=["user"])
    return Application.objects.create(job_order=world.job_order, worker=worker), worker_user


def test_worker_logs_officer_follows_to_an_outcome(world: World) -> None:
    application, worker_user = _application_of_a_worker_with_an_account(world)
    worker = _client(worker_user)
    created = _post(
        worker,
        f"/api/v1/labour/applications/{application.pk}/complaints",
        {"received_on": TODAY.isoformat(), "summary": "My passport was taken by the supervisor"},
    )
    assert created.status_code == 201, created.content
    complaint_id = created.json()["id"]
    stored = Complaint.objects.get(pk=complaint_id)
    assert stored.summary == "My passport was taken by the supervisor" and stored.outcome == "open"
    assert [c["id"] for c in worker.get("/api/v1/labour/complaints").json()["items"]] == [complaint_id]
    future = _post(
        worker,
        f"/api/v1/labour/applications/{application.pk}/complaints",
        {"received_on": (TODAY + datetime.timedelta(days=2)).isoformat(), "summary": "x"},
    )
    assert future.status_code == 422

    officer = _client(world.officer)
    reads_before = AuditEvent.objects.filter(action="read", record_type="labour.complaint").count()
    listed = officer.get("/api/v1/labour/complaints").json()["items"]
    assert [(c["id"], c["summary"]) for c in listed] == [(complaint_id, stored.summary)]
    assert (
        AuditEvent.objects.filter(action="read", record_type="labour.complaint").count() == reads_before + 1
    )
    read = AuditEvent.objects.filter(action="read", record_type="labour.complaint").latest("pk")
    assert read.actor == world.officer and read.record_id == str(complaint_id)

    url = f"/api/v1/labour/complaints/{complaint_id}"
    # Only an officer records the outcome; the worker who raised it cannot close it.
    assert (
        _patch(
            worker, url, {"version": 1, "outcome": "dismissed", "outcome_on": TODAY.isoformat()}
        ).status_code
        == 404
    )
    done = _patch(officer, url, {"version": 1, "outcome": "resolved", "outcome_on": TODAY.isoformat()})
    assert done.status_code == 200 and done.json()["outcome"] == "resolved" and done.json()["version"] == 2
    stale = _patch(officer, url, {"version": 1, "outcome": "referred", "outcome_on": TODAY.isoformat()})
    assert stale.status_code == 409
    assert Complaint.objects.get(pk=complaint_id).outcome == "resolved"
    assert worker.get(url).json()["outcome"] == "resolved"


def test_complaints_are_404_outside_reach(world: World) -> None:
    application, worker_user = _application_of_a_worker_with_an_account(world)
    complaint = Complaint.objects.create(
        application=application, received_on=TODAY, summary="Unpaid overtime"
    )
    other_worker = make_user("worker")
    outsider = make_user("scheme_officer", organisation=make_organisation("Other scheme authority"))
    reads_before = AuditEvent.objects.filter(action="read", record_type="labour.complaint").count()
    # The employer may be the subject of the complaint: it never sees them.
    for user in (world.employer_user, other_worker, outsider):
        client = _client(user)
        assert client.get(f"/api/v1/labour/complaints/{complaint.pk}").status_code == 404
        assert client.get("/api/v1/labour/complaints").json()["items"] == []
        patched = _patch(
            client,
            f"/api/v1/labour/complaints/{complaint.pk}",
            {"version": 1, "outcome": "dismissed", "outcome_on": TODAY.isoformat()},
        )
        assert patched.status_code == 404
    assert AuditEvent.objects.filter(action="read", record_type="labour.complaint").count() == reads_before
    assert Complaint.objects.get(pk=complaint.pk).outcome == "open"
    anonymous = Client()
    assert anonymous.get("/api/v1/labour/complaints").status_code in (401, 403)
