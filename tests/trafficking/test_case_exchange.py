"""Case data under HTCDS 2.0 field names: the export other systems read, and the import page that loads it
(or the toolkit's own Case Sheet) for the case workers who hold the cases."""

import csv
import io
from datetime import date

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from migdev.audit.models import AuditAction, AuditEvent
from migdev.dataio.models import ImportRun
from migdev.trafficking import exchange, htcds, services
from migdev.trafficking.models import Case
from tests.trafficking.factories import login_verified, make_case, make_group, make_organisation, make_user

pytestmark = pytest.mark.django_db

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FULL_CASE = {
    "salutation": "Ms",
    "first_name": "Ñúñez",
    "middle_name": "Ada",
    "second_name": "Okafor",
    "birth_date": date(1994, 7, 2),
    "gender": "Feminine",
    "deceased": False,
    "marital_status": "Single",
    "number_of_children": 2,
    "primary_language": "yo",
    "secondary_language": "en",
    "education_level": "PrimaryEducation",
    "citizenship": ["NG", "BJ"],
    "identity_number": "A1234567",
    "email": "ada@example.org",
    "mobile_phone": "+2348012345678",
    "mailing_city": "Lagos",
    "mailing_country": "NG",
    "trafficking_status": "ActualVictimOfTrafficking",
    "relationship_to_trafficker": "Acquainted",
    "age_when_trafficked": 17,
    "recruitment_methods": ["AtWork", "ThroughOnlineSocialNetworks"],
    "recruitment_country": "NG",
    "recruitment_websites": ["Facebook"],
    "control_methods": ["DebtBondage", "PhysicalThreats"],
    "exploitation_types": ["ForcedLabour"],
    "labour_industries": ["A_AgricultureForestryAndFishing"],
    "exploitation_country": "IT",
    "exploitation_location": "a farm near Latina",
    "vulnerabilities": ["Poverty", "Migration"],
    "vulnerability_details": "Debt to the recruiter",
}


@pytest.fixture
def team() -> dict:
    organisation = make_organisation()
    group = make_group(organisation)
    return {
        "worker": make_user("case_worker", organisation=organisation, groups=(group,)),
        "analyst": make_user("analyst", organisation=organisation),
    }


def valid_case_values() -> dict:
    """FULL_CASE with each coded value checked against the HTCDS lists the platform holds."""
    values = dict(FULL_CASE)
    for name, choices in services.LIST_CHOICES.items():
        if name in values:
            assert set(values[name]) <= set(choices.values), name
    return values


def test_every_exported_column_is_an_htcds_field_or_a_marked_extension() -> None:
    standard = {entry["name"] for entry in htcds.standard()["fields"]}
    for field in services.EDITABLE_FIELDS:
        column = exchange.column_for(field)
        assert column in standard or column.startswith("mdv_"), (field, column)
    for column in exchange.CASE_COLUMNS:
        assert column in standard


def test_csv_export_with_htcds_names_is_audited(team: dict) -> None:
    case = make_case(team["worker"], **valid_case_values())
    client = login_verified(Client(), team["worker"])
    response = client.get("/en/trafficking/cases/export/?format=csv&names=htcds")
    assert response.status_code == 200
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))  # type: ignore[attr-defined]
    assert len(rows) == 1
    row = rows[0]
    assert row["prs_FirstName"] == "Ñúñez"
    assert row["prs_Citizenship"] == "NG; BJ"
    assert row["vic_MethodsOfControl"] == "DebtBondage; PhysicalThreats"
    assert row["prs_Birthdate"] == "1994-07-02"
    assert row["mdv_ExploitationCountry"] == "IT"
    assert row["cas_CaseOwner"] == team["worker"].username
    event = AuditEvent.objects.filter(action=AuditAction.EXPORT).latest("pk")
    assert event.detail["cases"] == [case.reference]
    assert event.detail["names"] == "htcds"
    assert client.get("/en/trafficking/cases/export/?format=csv&names=other").status_code == 404


def test_an_htcds_workbook_export_loads_back_through_the_import_page(team: dict) -> None:
    original = make_case(team["worker"], **valid_case_values())
    client = login_verified(Client(), team["worker"])
    exported = b"".join(client.get("/en/trafficking/cases/export/?format=xlsx&names=htcds").streaming_content)  # type: ignore[attr-defined]
    workbook = openpyxl.load_workbook(io.BytesIO(exported), read_only=True)
    assert workbook.sheetnames == ["Case Sheet"]
    header, labels = list(workbook["Case Sheet"].iter_rows(min_row=1, max_row=2, values_only=True))
    assert header[1] == "prs_FirstName" and labels[1] == "First Name"

    upload = SimpleUploadedFile("Ñúñez Okafor.xlsx", exported, content_type=XLSX)
    response = client.post("/en/trafficking/cases/import/", {"file": upload})
    assert response.status_code == 200
    assert "One case was created" in response.content.decode()
    copy = Case.objects.exclude(pk=original.pk).get()
    for field in services.EDITABLE_FIELDS:
        assert getattr(copy, field) == getattr(original, field), field
    assert copy.owner == team["worker"]
    # The uploaded file's name can name a person: the history records a fixed name instead.
    run = ImportRun.objects.latest("pk")
    assert run.filename == services.CASE_IMPORT_RECORDED_NAME
    assert "Okafor" not in run.filename


def toolkit_workbook(rows: list[dict[str, str]]) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "Case Sheet"
    columns = ["prs_FirstName", "prs_SecondName", "prs_Birthdate", "prs_Gender", "prs_Citizenship"]
    sheet.append(columns)
    sheet.append(["First Name", "Second Name", "Birthdate", "Gender", "Citizenship"])
    for row in rows:
        sheet.append([row.get(column, "") for column in columns])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_a_refused_workbook_creates_nothing_and_its_report_quotes_no_cell(team: dict) -> None:
    content = toolkit_workbook(
        [
            {"prs_FirstName": "Amaka", "prs_Birthdate": "2001-01-01", "prs_Gender": "Feminine"},
            {"prs_FirstName": "Chidi", "prs_Birthdate": "born in 1990", "prs_Gender": "Chidi-Gender"},
        ]
    )
    client = login_verified(Client(), team["worker"])
    response = client.post(
        "/en/trafficking/cases/import/",
        {"file": SimpleUploadedFile("cases.xlsx", content, content_type=XLSX)},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "The file was refused" in html
    assert "prs_Birthdate" in html and "prs_Gender" in html
    assert not Case.objects.exists()
    report = str(ImportRun.objects.latest("pk").report)
    for cell in ("born in 1990", "Chidi-Gender"):
        assert cell not in report and cell not in html


def test_only_those_who_open_cases_may_import_them(team: dict) -> None:
    analyst = login_verified(Client(), team["analyst"])
    assert analyst.get("/en/trafficking/cases/import/").status_code == 404
    content = toolkit_workbook([{"prs_FirstName": "Amaka", "prs_Birthdate": "2001-01-01"}])
    response = analyst.post(
        "/en/trafficking/cases/import/",
        {"file": SimpleUploadedFile("cases.xlsx", content, content_type=XLSX)},
    )
    assert response.status_code == 404
    assert not Case.objects.exists()
    worker = login_verified(Client(), team["worker"])
    assert "Import cases" in worker.get("/en/trafficking/cases/").content.decode()
