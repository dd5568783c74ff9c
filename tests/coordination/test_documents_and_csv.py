"""Meeting documents uploaded through the default storage and served by an authorising view; the
activities-csv load format."""

from __future__ import annotations

import datetime
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.test import Client
from openpyxl import Workbook

from migdev.accounts.models import User
from migdev.coordination.models import Activity, FileAccess, MeetingDocument, OrganisationCode
from migdev.coordination.processes import services
from migdev.dataio.errors import ImportRejected
from migdev.dataio.progress import NullProgress
from migdev.dataio.services import import_file
from tests.coordination.conftest import MeetingFactory
from tests.coordination.files import PNG_BYTES, pdf_with_text

pytestmark = pytest.mark.django_db


def test_meeting_document_upload_and_download(
    client: Client, editor: User, editor_client: Client, analyst_client: Client, make_meeting: MeetingFactory
) -> None:
    meeting = make_meeting("bali-process", datetime.date(2030, 3, 1))
    response = editor_client.post(
        f"/en/coordination/meetings/{meeting.slug}/documents/",
        {
            "document-title": "Co-chairs' statement",
            "document-kind": "statement",
            "document-language": "en",
            "document-file_access": "public",
            "document-file": SimpleUploadedFile("statement.pdf", pdf_with_text(["Bali Process co-chairs"])),
        },
    )
    assert response.status_code == 302
    document = MeetingDocument.objects.get(meeting=meeting)
    assert document.file_kind == "pdf" and document.uploaded_by == editor
    assert default_storage.exists(document.file.name) and document.file.name.startswith("coordination/")
    url = f"/en/coordination/meetings/{meeting.slug}/documents/{document.pk}/file/"
    assert url in client.get(f"/en/coordination/meetings/{meeting.slug}/").content.decode()
    download = client.get(url)
    assert download.status_code == 200 and "statement.pdf" in download["Content-Disposition"]
    api = client.get("/api/v1/coordination/meetings?process=bali-process").json()["items"][0]
    assert api["documents"][0]["file_url"].endswith(url)

    internal = services.meeting_document_add(
        actor=editor,
        meeting=meeting,
        title="Draft conclusions",
        kind="report",
        upload=SimpleUploadedFile("draft.txt", b"restricted"),
        file_access=FileAccess.EDITORS,
    )
    internal_url = f"/en/coordination/meetings/{meeting.slug}/documents/{internal.pk}/file/"
    assert client.get(internal_url).status_code == 404
    assert analyst_client.get(internal_url).status_code == 404
    assert editor_client.get(internal_url).status_code == 200


def test_documents_of_unpublished_meetings_do_not_leak(
    client: Client, editor: User, make_meeting: MeetingFactory
) -> None:
    meeting = make_meeting("gfmd", datetime.date(2030, 1, 1), published=False)
    document = services.meeting_document_add(
        actor=editor,
        meeting=meeting,
        title="Agenda",
        kind="agenda",
        upload=SimpleUploadedFile("a.txt", b"agenda"),
    )
    other = make_meeting("gfmd", datetime.date(2030, 2, 1))
    assert (
        client.get(f"/en/coordination/meetings/{meeting.slug}/documents/{document.pk}/file/").status_code
        == 404
    )
    # A document id under another meeting's address is not found either.
    assert (
        client.get(f"/en/coordination/meetings/{other.slug}/documents/{document.pk}/file/").status_code == 404
    )


def test_bad_meeting_uploads_are_refused(editor: User, make_meeting: MeetingFactory) -> None:
    meeting = make_meeting("gfmd", datetime.date(2030, 1, 1))
    with pytest.raises(ValidationError, match="PNG image"):
        services.meeting_document_add(
            actor=editor,
            meeting=meeting,
            title="Photo",
            kind="report",
            upload=SimpleUploadedFile("photo.pdf", PNG_BYTES),
        )
    with pytest.raises(ValidationError, match="link"):
        services.meeting_document_add(actor=editor, meeting=meeting, title="Nothing", kind="report")
    assert not MeetingDocument.objects.exists()


def test_removing_a_document_deletes_its_file(
    editor: User, make_meeting: MeetingFactory, django_capture_on_commit_callbacks: object
) -> None:
    meeting = make_meeting("gfmd", datetime.date(2030, 1, 1))
    document = services.meeting_document_add(
        actor=editor,
        meeting=meeting,
        title="Agenda",
        kind="agenda",
        upload=SimpleUploadedFile("a.txt", b"agenda"),
    )
    name = document.file.name
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        services.meeting_document_delete(actor=editor, document=document)
    assert not default_storage.exists(name)


# --- activities-csv -----------------------------------------------------------------------------------

HEADER = "iati_identifier,reporting_org_ref,title,area,status,planned_start,planned_end,countries,topics,donors,partners,budget_total,currency,information_field,source_edition\n"


def _csv(tmp_path: Path, body: str, name: str = "activities.csv") -> Path:
    path = tmp_path / name
    path.write_text(HEADER + body, encoding="utf-8")
    return path


def test_activities_csv_loads_all_columns(tmp_path: Path) -> None:
    path = _csv(
        tmp_path,
        "XM-DAC-47066-CSV-1,XM-DAC-47066,Pre-departure orientation,labour_migration,2,2024-01-01,2025-12-31,"
        'NP PH,labour-mobility,XM-DAC-41302,"GB-CHC-123; Local NGO",150000,usd,programmes,2024 plan\n'
        "XM-DAC-47066-CSV-2,XM-DAC-47066,Remittance study,remittances,1,,,SEN,,,,,,policy_research,\n",
    )
    result = import_file(format_name="activities-csv", path=path, user=None, progress=NullProgress())
    assert (result.read, result.created, result.updated) == (2, 2, 0)
    activity = Activity.objects.get(iati_identifier="XM-DAC-47066-CSV-1")
    assert [c.country_iso3 for c in activity.countries.all()] == ["NPL", "PHL"]
    assert activity.budgets.get().amount == Decimal("150000") and activity.budgets.get().currency == "USD"
    roles = {(p.role, p.display_name) for p in activity.participants.all()}
    assert ("1", "International Labour Organization") in roles
    assert ("4", "GB-CHC-123") in roles and ("4", "Local NGO") in roles
    assert activity.source == "CSV import: activities.csv" and activity.source_edition == "2024 plan"
    assert Activity.objects.get(iati_identifier="XM-DAC-47066-CSV-2").information_field == "policy_research"

    again = import_file(format_name="activities-csv", path=path, user=None, progress=NullProgress())
    assert (again.created, again.updated) == (0, 2)


def test_activities_csv_rejects_the_whole_file_naming_rows_and_columns(tmp_path: Path) -> None:
    path = _csv(
        tmp_path,
        "XM-1,XM-DAC-47066,Good row,remittances,2,,,,,,,,,,\n"
        "XM-2,XM-DAC-99999,Unknown org,remittances,2,,,ZZ,no-such-topic,,,,,,\n"
        "XM-3,XM-DAC-47066,Bad values,nowhere,9,2025-01-01,2024-01-01,,,,,12x,,,\n"
        "XM-1,XM-DAC-47066,Duplicate,remittances,2,,,,,,,,,,\n",
    )
    with pytest.raises(ImportRejected) as rejected:
        import_file(format_name="activities-csv", path=path, user=None, progress=NullProgress())
    found = {(error.row, error.column) for error in rejected.value.errors}
    assert {(3, "reporting_org_ref"), (3, "countries"), (3, "topics")} <= found
    assert {(4, "area"), (4, "status"), (4, "planned_end"), (4, "budget_total")} <= found
    assert (5, "iati_identifier") in found
    assert all(error.file == "activities.csv" for error in rejected.value.errors)
    assert not Activity.objects.exists()


def test_activities_xlsx_and_registered_names(tmp_path: Path) -> None:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["iati_identifier", "reporting_organisation", "title", "area", "status", "actual_start"])
    sheet.append(
        [
            "XM-XLSX-1",
            "International Organization for Migration",
            "From a workbook",
            "diaspora",
            "2",
            datetime.date(2024, 5, 1),
        ]
    )
    path = tmp_path / "activities.xlsx"
    workbook.save(path)
    import_file(format_name="activities-csv", path=path, user=None, progress=NullProgress())
    activity = Activity.objects.get(iati_identifier="XM-XLSX-1")
    assert activity.actual_start == datetime.date(2024, 5, 1)
    assert activity.reporting_organisation == OrganisationCode.objects.get(code="XM-DAC-47066").organisation


def test_migdev_load_activities_csv_command(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    good = _csv(tmp_path, "XM-CLI-1,XM-DAC-47066,Command line,remittances,2,,,,,,,,,,\n")
    call_command("load", "activities-csv", str(good))
    assert "created 1" in capsys.readouterr().out
    bad = _csv(tmp_path, "XM-CLI-2,XM-DAC-47066,Bad,remittances,7,,,,,,,,,,\n", name="bad.csv")
    with pytest.raises(CommandError, match="nothing was saved"):
        call_command("load", "activities-csv", str(bad))
    assert "bad.csv, row 2, column “status”" in capsys.readouterr().err
