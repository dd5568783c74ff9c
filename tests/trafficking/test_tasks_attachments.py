"""Follow-up tasks and attachments of a case: kept secret at rest, reached only through the case's scope,
every read of an attachment audited, and nothing left behind when the case is anonymised or merged."""

from datetime import date, timedelta

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.utils import timezone

from migdev.audit.models import AuditAction, AuditEvent
from migdev.trafficking import selectors, services
from migdev.trafficking.models import CaseAttachment, CaseTask
from tests.trafficking.factories import login_verified, make_case, make_group, make_organisation, make_user

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\nStatement of Adaeze Okonkwo, born 1994\n%%EOF\n"


@pytest.fixture
def team() -> dict:
    organisation = make_organisation()
    group = make_group(organisation)
    other = make_organisation()
    return {
        "worker": make_user("case_worker", organisation=organisation, groups=(group,)),
        "colleague": make_user("case_worker", organisation=organisation, groups=(group,)),
        "supervisor": make_user("supervisor", organisation=organisation, groups=(group,)),
        "outsider": make_user("case_worker", organisation=other, groups=(make_group(other),)),
    }


def raw_column(table: str, column: str) -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {table}")  # noqa: S608 - names from the test itself
        return [str(row[0]) for row in cursor.fetchall()]


def test_a_task_is_encrypted_listed_for_its_owner_and_closed_once(team: dict) -> None:
    case = make_case(team["worker"])
    worker = login_verified(Client(), team["worker"])
    due = timezone.localdate() - timedelta(days=1)
    response = worker.post(
        f"/en/trafficking/cases/{case.pk}/tasks/",
        {"title": "Call Adaeze about the court hearing", "due_on": due.isoformat()},
    )
    assert response.status_code == 302
    task = CaseTask.objects.get()
    assert task.assigned_to is None
    assert not any("Adaeze" in value for value in raw_column("trafficking_casetask", "title"))

    page = worker.get("/en/trafficking/tasks/").content.decode()
    assert "Call Adaeze about the court hearing" in page and case.reference in page and "overdue" in page
    read = AuditEvent.objects.filter(action=AuditAction.READ).latest("pk")
    assert read.detail["purpose"] == "tasks" and read.detail["cases"] == [case.reference]
    assert "Adaeze" not in str(read.detail)
    # Given to nobody, the task is the owner's, not a colleague's.
    assert (
        "Adaeze"
        not in login_verified(Client(), team["colleague"]).get("/en/trafficking/tasks/").content.decode()
    )

    # Two people closing the same task: the second one is told, not silently applied.
    worker.post(f"/en/trafficking/cases/{case.pk}/tasks/{task.pk}/done/", {"version": task.version})
    task.refresh_from_db()
    assert task.done_at is not None and task.done_by == team["worker"]
    with pytest.raises(Exception, match="Someone else changed this task"):
        services.case_task_done(actor=team["supervisor"], task=task, version=1)
    assert "Adaeze" not in worker.get("/en/trafficking/tasks/").content.decode()


def test_a_task_goes_only_to_someone_who_can_work_on_the_case(team: dict) -> None:
    case = make_case(team["worker"])
    # A colleague who cannot open this case, and someone of another organisation, are not offered.
    for person in (team["outsider"], team["colleague"]):
        with pytest.raises(Exception, match="cannot work on this case"):
            services.case_task_add(actor=team["worker"], case=case, title="Visit", assigned_to=person)
    assert set(selectors.case_workers_for(case)) == {team["worker"], team["supervisor"]}
    task = services.case_task_add(
        actor=team["worker"], case=case, title="Renew the residence permit", assigned_to=team["supervisor"]
    )
    page = login_verified(Client(), team["supervisor"]).get("/en/trafficking/tasks/").content.decode()
    assert "Renew the residence permit" in page
    outsider = login_verified(Client(), team["outsider"])
    assert outsider.get("/en/trafficking/tasks/").status_code == 200
    assert "Renew" not in outsider.get("/en/trafficking/tasks/").content.decode()
    response = outsider.post(f"/en/trafficking/cases/{case.pk}/tasks/{task.pk}/done/", {"version": 1})
    assert response.status_code == 404
    task.refresh_from_db()
    assert task.done_at is None


def upload(worker: Client, case_pk: int, name: str, content: bytes, description: str = "") -> object:
    return worker.post(
        f"/en/trafficking/cases/{case_pk}/attachments/",
        {"file": SimpleUploadedFile(name, content), "description": description},
    )


def test_an_attachment_is_encrypted_in_storage_and_every_download_is_audited(team: dict) -> None:
    case = make_case(team["worker"])
    worker = login_verified(Client(), team["worker"])
    response = upload(worker, case.pk, "statement Adaeze.pdf", PDF, "Police statement of Adaeze")
    assert response.status_code == 302
    attachment = CaseAttachment.objects.get()
    with default_storage.open(attachment.storage_name, "rb") as handle:
        stored = handle.read()
    assert b"Adaeze" not in stored and b"%PDF" not in stored
    assert "Adaeze" not in attachment.storage_name
    for column in ("original_name", "description"):
        assert not any("Adaeze" in value for value in raw_column("trafficking_caseattachment", column))

    download = worker.get(f"/en/trafficking/cases/{case.pk}/attachments/{attachment.pk}/")
    assert download.status_code == 200
    assert download.content == PDF
    assert download["Content-Type"] == "application/pdf"
    assert download["Content-Disposition"].startswith("attachment")
    read = AuditEvent.objects.filter(action=AuditAction.READ).latest("pk")
    assert read.record_type == "trafficking.caseattachment" and read.record_id == str(attachment.pk)

    outsider = login_verified(Client(), team["outsider"])
    assert outsider.get(f"/en/trafficking/cases/{case.pk}/attachments/{attachment.pk}/").status_code == 404
    assert (
        outsider.post(f"/en/trafficking/cases/{case.pk}/attachments/{attachment.pk}/delete/").status_code
        == 404
    )


@pytest.mark.parametrize(
    ("name", "content", "problem"),
    [
        ("tool.exe", b"MZ\x90\x00", "Attach a PDF"),
        ("statement.pdf", b"MZ\x90\x00 not a pdf", "does not match its type"),
        ("empty.txt", b"", "file is empty"),
    ],
)
def test_files_that_are_not_case_documents_are_refused(
    team: dict, name: str, content: bytes, problem: str
) -> None:
    case = make_case(team["worker"])
    response = upload(login_verified(Client(), team["worker"]), case.pk, name, content)
    assert response.status_code == 400
    assert problem in response.content.decode()
    assert not CaseAttachment.objects.exists()


def test_an_oversized_file_is_refused(team: dict, settings: object) -> None:
    settings.CASE_ATTACHMENT_MAX_BYTES = 1_000_000  # type: ignore[attr-defined]
    case = make_case(team["worker"])
    response = upload(login_verified(Client(), team["worker"]), case.pk, "big.txt", b"x" * 1_000_001)
    assert response.status_code == 400
    assert "larger than 1 MB" in response.content.decode()


def test_anonymising_a_case_deletes_its_files_and_scrubs_its_tasks(
    team: dict, django_capture_on_commit_callbacks: object
) -> None:
    case = make_case(team["worker"])
    worker = login_verified(Client(), team["worker"])
    upload(worker, case.pk, "scan.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 64)
    services.case_task_add(actor=team["worker"], case=case, title="Call Adaeze", due_on=date(2030, 1, 1))
    storage_name = CaseAttachment.objects.get().storage_name
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        services.case_anonymise(case=case, reason="retention period ended")
    assert not CaseAttachment.objects.exists()
    assert not default_storage.exists(storage_name)
    assert CaseTask.objects.get().title == ""


def test_merging_moves_tasks_and_attachments_to_the_surviving_case(team: dict) -> None:
    keep = make_case(team["worker"])
    duplicate = make_case(team["worker"])
    worker = login_verified(Client(), team["worker"])
    upload(worker, duplicate.pk, "note.txt", b"Shelter intake note")
    services.case_task_add(actor=team["worker"], case=duplicate, title="Follow up")
    services.case_merge(actor=team["supervisor"], keep=keep, duplicate=duplicate)
    assert CaseAttachment.objects.get().case == keep
    assert CaseTask.objects.get().case == keep
