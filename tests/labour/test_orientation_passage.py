"""Pre-departure orientation as a safeguards check, passage, check-ins and missed check-in alerts."""

import datetime
import json
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.http import Http404
from django.test import Client
from django.utils import timezone

from migdev.audit.models import AuditEvent
from migdev.jobs.registry import get_handler
from migdev.labour import gate, orientation, passage, services
from migdev.labour.models import Application, CheckIn, CheckInAlert, Passage
from tests.factories import login_verified, make_organisation, make_user
from tests.labour.conftest import World, orientation_course
from tests.labour.test_shortlist_gate import _ready


def _check(application: Application, code: str) -> gate.Check:
    [check] = [c for c in gate.safeguards_gate(application).checks if c.code == code]
    return check


def test_orientation_blocks_until_every_module_of_one_course_is_attended(world: World) -> None:
    application = _ready(world, oriented=False)
    check = _check(application, "orientation")
    assert check.status == "blocks" and "no orientation course" in check.reason
    curriculum, session = orientation_course(world)
    other, other_session = orientation_course(world, title="Short course")
    attendance = orientation.attendance_enrol(actor=world.officer, session=session, application=application)
    modules = list(curriculum.modules.all())
    orientation.attendance_record(
        actor=world.officer,
        attendance=attendance,
        module_ids=[modules[0].pk, modules[1].pk],
        expected_version=attendance.version,
    )
    # The third module, but of the other course, does not complete the first one.
    elsewhere = orientation.attendance_enrol(
        actor=world.officer, session=other_session, application=application
    )
    orientation.attendance_record(
        actor=world.officer,
        attendance=elsewhere,
        module_ids=[other.modules.get(position=3).pk],
        expected_version=elsewhere.version,
    )
    check = _check(application, "orientation")
    assert check.status == "blocks" and check.facts["missing"] == "Who to call in Belgium"
    with pytest.raises(ValidationError):
        orientation.certificate_issue(actor=world.officer, application=application)
    with pytest.raises(services.GateBlocked) as blocked:
        services.application_deploy(actor=world.officer, application=application)
    assert blocked.value.blocking == ["orientation"]
    # The missing module, attended at a later session of the same course, completes it.
    started = session.starts_at + datetime.timedelta(hours=8)
    later = orientation.session_create(
        actor=world.officer,
        curriculum=curriculum,
        language="wol",
        starts_at=started,
        ends_at=started + datetime.timedelta(hours=1),
        online_url="https://meet.example.org/catch-up",
    )
    catch_up = orientation.attendance_enrol(actor=world.officer, session=later, application=application)
    orientation.attendance_record(
        actor=world.officer,
        attendance=catch_up,
        module_ids=[modules[2].pk],
        expected_version=catch_up.version,
        now=started,
    )
    certificate = orientation.certificate_issue(actor=world.officer, application=application)
    assert certificate.curriculum == curriculum and certificate.language == "wol"
    check = _check(application, "orientation")
    assert check.status == "holds" and check.facts["certificate"] == certificate.number
    with pytest.raises(ValidationError):
        orientation.certificate_issue(actor=world.officer, application=application)
    assert services.application_deploy(actor=world.officer, application=application).stage == "deployed"


def test_orientation_waived_with_a_reason_by_the_officer(world: World) -> None:
    application = _ready(world, oriented=False)
    with pytest.raises(Http404):
        services.gate_waive(
            actor=world.employer_user, application=application, check_code="orientation", reason="x"
        )
    with pytest.raises(ValidationError):
        services.gate_waive(
            actor=world.officer, application=application, check_code="orientation", reason="  "
        )
    services.gate_waive(
        actor=world.officer, application=application, check_code="orientation", reason="Attended in 2026"
    )
    check = _check(application, "orientation")
    assert check.status == "waived" and check.waiver_reason == "Attended in 2026"
    assert services.application_deploy(actor=world.officer, application=application).stage == "deployed"


def test_enrolment_and_attendance_rules(world: World) -> None:
    application = _ready(world, oriented=False)
    curriculum, session = orientation_course(world)
    with pytest.raises(Http404):
        orientation.attendance_enrol(actor=world.employer_user, session=session, application=application)
    other_scheme = services.scheme_create(
        actor=world.officer,
        organisation=world.scheme_org,
        title="Seasonal",
        kind="seasonal_scheme",
        destination_country="BEL",
        start_date=datetime.date(2026, 1, 1),
    )
    foreign = orientation.curriculum_create(
        actor=world.officer,
        scheme=other_scheme,
        title="Other",
        languages=["fra"],
        modules=[{"topic": "travel", "minutes": 20}],
    )
    now = timezone.now()
    foreign_session = orientation.session_create(
        actor=world.officer,
        curriculum=foreign,
        language="fra",
        starts_at=now + datetime.timedelta(days=3),
        ends_at=now + datetime.timedelta(days=3, hours=2),
        online_url="https://meet.example.org/x",
        capacity=1,
    )
    with pytest.raises(ValidationError, match="another scheme"):
        orientation.attendance_enrol(actor=world.officer, session=foreign_session, application=application)
    with pytest.raises(ValidationError, match="not given in this language"):
        orientation.session_create(
            actor=world.officer,
            curriculum=curriculum,
            language="eng",
            starts_at=now,
            ends_at=now + datetime.timedelta(hours=1),
            place="Dakar",
        )
    with pytest.raises(ValidationError, match="place"):
        orientation.session_create(
            actor=world.officer,
            curriculum=curriculum,
            language="fra",
            starts_at=now,
            ends_at=now + datetime.timedelta(hours=1),
        )
    future = orientation.session_create(
        actor=world.officer,
        curriculum=curriculum,
        language="wol",
        starts_at=now + datetime.timedelta(days=2),
        ends_at=now + datetime.timedelta(days=2, hours=4),
        place="Thiès",
        capacity=1,
    )
    attendance = orientation.attendance_enrol(actor=world.officer, session=future, application=application)
    with pytest.raises(ValidationError, match="already enrolled"):
        orientation.attendance_enrol(actor=world.officer, session=future, application=application)
    with pytest.raises(ValidationError, match="started"):
        orientation.attendance_record(
            actor=world.officer, attendance=attendance, module_ids=[], expected_version=attendance.version
        )
    from tests.labour.conftest import make_worker

    second = services.shortlist_save(
        actor=world.officer, job_order=world.job_order, worker_ids=[make_worker(world, "Binta").pk]
    )[0]
    with pytest.raises(ValidationError, match="selected"):
        orientation.attendance_enrol(actor=world.officer, session=session, application=second)
    for step, actor in [
        ("propose_interview", world.employer_user),
        ("accept_interview", world.pes),
        ("select", world.employer_user),
    ]:
        second = services.application_step(actor=actor, application=second, step=step)
    with pytest.raises(ValidationError, match="full"):
        orientation.attendance_enrol(actor=world.officer, session=future, application=second)
    now_attending = orientation.attendance_enrol(actor=world.officer, session=session, application=second)
    with pytest.raises(ValidationError, match="not part"):
        orientation.attendance_record(
            actor=world.officer,
            attendance=now_attending,
            module_ids=[foreign.modules.get().pk],
            expected_version=now_attending.version,
        )


def _abroad(world: World, *, arrived_days_ago: int) -> Application:
    """A deployed worker who departed and arrived ``arrived_days_ago`` days ago."""
    application = _ready(world)
    services.application_deploy(actor=world.officer, application=application)
    arrived = timezone.localdate() - datetime.timedelta(days=arrived_days_ago)
    Passage.objects.filter(application=application).update(departed_on=arrived - datetime.timedelta(days=1))
    passage.record_arrival(actor=world.officer, application=application, arrived_on=arrived)
    return application


def test_departure_and_arrival_schedule_check_ins(world: World) -> None:
    application = _ready(world)
    assert passage.passage_read(application).departed_on is None
    assert not Passage.objects.filter(application=application).exists()  # reading writes nothing
    with pytest.raises(ValidationError):
        passage.record_arrival(actor=world.officer, application=application, arrived_on=timezone.localdate())
    services.application_deploy(actor=world.officer, application=application)
    record = Passage.objects.get(application=application)
    assert record.departed_on == timezone.localdate()
    with pytest.raises(ValidationError, match="before the departure"):
        passage.record_arrival(
            actor=world.officer,
            application=application,
            arrived_on=timezone.localdate() - datetime.timedelta(days=1),
        )
    with pytest.raises(Http404):
        passage.record_arrival(
            actor=world.employer_user, application=application, arrived_on=timezone.localdate()
        )
    passage.record_arrival(actor=world.officer, application=application, arrived_on=timezone.localdate())
    due = [c.due_on - timezone.localdate() for c in application.check_ins.order_by("due_on")]
    assert [d.days for d in due] == [7, 30, 90]
    with pytest.raises(ValidationError, match="already confirmed"):
        passage.record_arrival(actor=world.officer, application=application, arrived_on=timezone.localdate())
    stale = Passage.objects.get(application=application).version - 1
    from migdev.core.versioning import StaleEdit

    with pytest.raises(StaleEdit):
        passage.passage_update(
            actor=world.officer, application=application, expected_version=stale, visa_status="granted"
        )


def test_missed_check_ins_raise_one_alert_each(world: World) -> None:
    application = _abroad(world, arrived_days_ago=40)
    seven, thirty, ninety = application.check_ins.order_by("due_on")
    passage.check_in_record(
        actor=world.pes,
        check_in=seven,
        done_on=seven.due_on,
        channel="phone",
        note="All well, housing as promised",
        expected_version=seven.version,
    )
    # The 30-day check-in was due 10 days ago: missed. The 90-day one is not due yet.
    assert passage.raise_missed_check_in_alerts() == 1
    assert passage.raise_missed_check_in_alerts() == 0
    assert list(CheckInAlert.objects.values_list("check_in", flat=True)) == [thirty.pk]
    # Within the grace days nothing is raised: at day 32 the 30-day check-in is not yet missed.
    CheckInAlert.objects.all().delete()
    assert passage.raise_missed_check_in_alerts(today=thirty.due_on + datetime.timedelta(days=2)) == 0
    assert passage.raise_missed_check_in_alerts(today=thirty.due_on + datetime.timedelta(days=4)) == 1
    assert (
        ninety.alert_set if hasattr(ninety, "alert_set") else not CheckInAlert.objects.filter(check_in=ninety)
    )


def test_two_processes_raising_at_once_raise_each_alert_once(world: World, monkeypatch: Any) -> None:
    application = _abroad(world, arrived_days_ago=40)
    candidates = list(passage.missed_check_ins(timezone.localdate()).values_list("pk", flat=True))
    assert len(candidates) == 2
    # The other process inserted its alerts after this one chose its candidates.
    CheckInAlert.objects.bulk_create(CheckInAlert(check_in_id=pk) for pk in candidates)
    monkeypatch.setattr(passage, "missed_check_ins", lambda today: CheckIn.objects.filter(pk__in=candidates))
    assert passage.raise_missed_check_in_alerts() == 0
    assert CheckInAlert.objects.filter(check_in__application=application).count() == 2


def test_the_job_and_the_command_raise_alerts(world: World) -> None:
    _abroad(world, arrived_days_ago=40)
    handler = get_handler("labour.missed_checkins")

    class FakeJob:
        pk = 77

        def report_progress(self, done: int, total: int | None = None, force: bool = False) -> None:
            pass

    assert handler(FakeJob(), {}) == {"raised": 2}  # type: ignore[arg-type]
    assert set(CheckInAlert.objects.values_list("raised_by_job", flat=True)) == {77}
    call_command("labour_checkins", stdout=open("/dev/null", "w"))
    assert CheckInAlert.objects.count() == 2


def test_returned_worker_and_done_check_ins_raise_nothing(world: World) -> None:
    application = _abroad(world, arrived_days_ago=40)
    Passage.objects.filter(application=application).update(returned_on=timezone.localdate())
    assert passage.raise_missed_check_in_alerts() == 0


def _signed_in(user: Any) -> Client:
    client = Client()
    login_verified(client, user)
    return client


def test_alerts_reach_only_the_schemes_officer_and_reads_are_audited(world: World) -> None:
    application = _abroad(world, arrived_days_ago=40)
    passage.raise_missed_check_in_alerts()
    officer = _signed_in(world.officer)
    listed = officer.get("/api/v1/labour/check-in-alerts").json()
    assert [item["application_id"] for item in listed["items"]] == [application.pk] * 2
    assert "given_name" not in json.dumps(listed) and "Amina" not in json.dumps(listed)
    other_officer = make_user("scheme_officer", organisation=make_organisation("Another authority"))
    for user in (world.employer_user, world.pes, other_officer):
        client = _signed_in(user)
        assert client.get("/api/v1/labour/check-in-alerts").json()["items"] == []
        alert = CheckInAlert.objects.first()
        assert client.post(f"/api/v1/labour/check-in-alerts/{alert.pk}/acknowledge").status_code == 404
    acknowledged = officer.post(f"/api/v1/labour/check-in-alerts/{alert.pk}/acknowledge")
    assert acknowledged.status_code == 200 and acknowledged.json()["acknowledged_at"]
    page = officer.get("/fr/labour/check-ins/")
    assert page.status_code == 200 and application.worker.pseudonym in page.content.decode()
    assert _signed_in(world.employer_user).get("/en/labour/check-ins/").status_code == 404
    before = AuditEvent.objects.filter(action="read", record_type="labour.worker").count()
    detail = officer.get(f"/es/labour/applications/{application.pk}/passage/")
    assert detail.status_code == 200 and "Amina" in detail.content.decode()
    assert AuditEvent.objects.filter(action="read", record_type="labour.worker").count() == before + 1


def test_passage_page_forms_for_the_officer(world: World) -> None:
    application = _ready(world)
    services.application_deploy(actor=world.officer, application=application)
    officer = _signed_in(world.officer)
    url = f"/en/labour/applications/{application.pk}/passage/"
    version = Passage.objects.get(application=application).version
    saved = officer.post(
        url,
        {"action": "passage", "visa_status": "granted", "work_permit_status": "applied", "version": version},
    )
    assert saved.status_code == 302
    stale = officer.post(
        url,
        {"action": "passage", "visa_status": "refused", "work_permit_status": "applied", "version": version},
    )
    assert stale.status_code == 409 and Passage.objects.get(application=application).visa_status == "granted"
    assert officer.post(url, {"action": "arrival", "arrived_on": "not a date"}).status_code == 400
    today = timezone.localdate().isoformat()
    assert officer.post(url, {"action": "arrival", "arrived_on": today}).status_code == 302
    first = application.check_ins.order_by("due_on").first()
    done = officer.post(
        url,
        {
            "action": "check_in",
            "check_in": first.pk,
            "done_on": today,
            "channel": "visit",
            "version": first.version,
        },
    )
    assert done.status_code == 302
    first.refresh_from_db()
    assert (
        first.done_on == timezone.localdate() and first.channel == "visit" and first.done_by == world.officer
    )
    employer = _signed_in(world.employer_user)
    assert employer.get(url).status_code == 404
    assert employer.post(url, {"action": "arrival", "arrived_on": today}).status_code == 404
