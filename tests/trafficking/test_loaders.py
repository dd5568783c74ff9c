"""Loading CTDC files and the HTCDS Excel toolkit: counts, per-row errors, all-or-nothing."""

import csv
import io
import json
from collections import Counter
from datetime import date
from pathlib import Path

import openpyxl
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from migdev.dataio.errors import ImportRejected
from migdev.dataio.services import import_file
from migdev.trafficking import ctdc
from migdev.trafficking.models import AnalyticRecord, AnalyticSource, Case, Consent, Referral
from tests.trafficking.factories import make_group, make_organisation, make_user

pytestmark = pytest.mark.django_db
SAMPLE = Path(__file__).parent / "data" / "ctdc_vp_sample.csv"


def test_migdev_load_ctdc_vp_prints_the_records_loaded() -> None:
    out = io.StringIO()
    call_command("load", "ctdc-vp", str(SAMPLE), stdout=out, stderr=io.StringIO())
    assert "created 524" in out.getvalue()
    assert AnalyticRecord.objects.count() == 524
    source = AnalyticSource.objects.get()
    assert (source.data_format, source.record_count) == ("ctdc-vp", 524)
    assert source.edition.startswith("Global Victim-Perpetrator") and len(source.sha256) == 64
    # the same file again replaces its records instead of doubling them
    out = io.StringIO()
    call_command("load", "ctdc-vp", str(SAMPLE), stdout=out, stderr=io.StringIO())
    assert "created 0, updated 524" in out.getvalue()
    assert AnalyticRecord.objects.count() == 524


def test_a_bad_cell_rejects_the_whole_file_naming_row_and_column(tmp_path: Path) -> None:
    with SAMPLE.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    rows[2]["gender"] = "Robot"  # spreadsheet row 4
    bad = write_csv(tmp_path / "bad.csv", ctdc.VP_COLUMNS, rows)
    with pytest.raises(ImportRejected) as raised:
        import_file(format_name="ctdc-vp", path=bad)
    error = raised.value.errors[0]
    assert (error.file, error.row, error.column) == ("bad.csv", 4, "gender")
    assert not AnalyticRecord.objects.exists()


def test_wrong_columns_are_refused(tmp_path: Path) -> None:
    bad = tmp_path / "other.csv"
    bad.write_text("a,b\n1,2\n", encoding="utf-8")
    with pytest.raises(ImportRejected):
        import_file(format_name="ctdc-vp", path=bad)
    with pytest.raises(CommandError):
        call_command("load", "ctdc-vp", str(bad), stdout=io.StringIO(), stderr=io.StringIO())


def write_csv(path: Path, columns: tuple[str, ...], rows: list[dict[str, str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(columns))
        writer.writeheader()
        writer.writerows(rows)
    return path


def test_global_dataset_coding_loads_with_iso2_and_minus_99(tmp_path: Path) -> None:
    base = dict.fromkeys(ctdc.GLOBAL_COLUMNS, "-99")
    rows = [
        {
            **base,
            "yearOfRegistration": "2015",
            "gender": "Female",
            "ageBroad": "9--17",
            "citizenship": "NG",
            "CountryOfExploitation": "IT",
            "isSexualExploit": "1",
            "isForcedLabour": "0",
        },
        {
            **base,
            "yearOfRegistration": "2016",
            "gender": "Male",
            "citizenship": "ZZ",
            "Datasource": "Hotline",
            "isForcedLabour": "1",
            "typeOfLabourConstruction": "1",
        },
    ]
    import_file(format_name="ctdc-global", path=write_csv(tmp_path / "global.csv", ctdc.GLOBAL_COLUMNS, rows))
    first, second = AnalyticRecord.objects.order_by("pk")
    assert (first.citizenship, first.citizenship_region, first.country_of_exploitation) == (
        "NGA",
        "Africa",
        "ITA",
    )
    assert first.majority_status == "Minor" and first.age_broad == "9--17"  # derived from the band
    assert first.is_forced_labour is False and first.is_sexual_exploit is True
    assert second.citizenship is None and second.labour_construction is True


def test_synthetic_coding_loads_with_iso3_and_blanks(tmp_path: Path) -> None:
    row = dict.fromkeys(ctdc.SYNTHETIC_COLUMNS, "")
    row.update(
        yearOfRegistration="2020",
        gender="Man",
        citizenship="UKR",
        CountryOfExploitation="POL",
        isForcedLabour="1",
        meansThreats="1",
    )
    import_file(
        format_name="ctdc-synthetic",
        path=write_csv(tmp_path / "synthetic.csv", ctdc.SYNTHETIC_COLUMNS, [row]),
    )
    record = AnalyticRecord.objects.get()
    assert (record.gender, record.citizenship, record.exploitation_region) == ("Male", "UKR", "Europe")
    assert record.means_threats is True and record.is_sexual_exploit is None


# --- HTCDS toolkit ------------------------------------------------------------------------------------------

TOOLKIT_HEADER = [
    None,
    "cas_CaseOwner",
    "prs_Salutation",
    "prs_FirstName",
    "prs_SecondName",
    "con_Consent",
    "prs_Birthdate",
    "prs_Gender",
    "prs_Citizenship",
    "prs_Title",
    "prs_Email",
    "prs_HomePhone",
    "prs_MobilePhone",
    "prs_MailingCity",
    "prs_MailingCountry",
    "prs_MailingState",
    "prs_MailingStreet",
    "prs_MailingPostalCode",
    "vic_TraffickingStatus",
    "vic_TraffickinStatusDecisionMakingOrg",
    "vic_MethodOfRecruitment",
    "vic_LocationOfRecruitment",
    "vic_MethodsOfControl",
    "vic_TypeOfExploitation",
    "vic_ForcedLabourIndustry",
    "vic_TypeOfSexExploitation",
    "vic_LocationOfExploitation",
    "cas_Status",
    "cas_ReferringOrganisation",
    "cas_IncomingReferralDate",
    "cas_ReferringPrimaryCaseWorker",
    "cas_ReasonForIncomingReferral",
    "cas_IncomingReferralDetails",
    "cas_ReferredOrganisation",
    "cas_ReferredPrimaryCaseWorker",
    None,
    "cas_OutgoingReferralDate",
    "cas_OutgoingReferralDetails",
    "cas_ReasonForCaseClosure",
    None,
]


def toolkit(path: Path, rows: list[dict[str, object]]) -> Path:
    """A workbook laid out like IOM's toolkit: field names, labels, then numbered rows."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Case Sheet"
    sheet.append(TOOLKIT_HEADER)
    labels = ["" for _ in TOOLKIT_HEADER]
    labels[35] = "Reason for Outgoing Referral"
    labels[3] = "First Name"
    sheet.append(labels)
    for number, row in enumerate(rows, start=1):
        sheet.append(
            [number]
            + [row.get(name or "", None) if name else None for name in TOOLKIT_HEADER[1:35]]
            + [row.get("Reason for Outgoing Referral")]
            + [row.get(name or "") for name in TOOLKIT_HEADER[36:]]
        )
    for number in range(len(rows) + 1, len(rows) + 5):
        sheet.append([number])  # the template numbers empty rows too
    workbook.create_sheet("validation")
    workbook.save(path)
    return path


@pytest.fixture
def owners() -> dict:
    organisation = make_organisation()
    group = make_group(organisation)
    return {
        "worker": make_user("case_worker", organisation=organisation, groups=(group,), username="amina"),
        "supervisor": make_user("supervisor", organisation=organisation, groups=(group,)),
        "partner_org": make_organisation("Partner Shelter"),
    }


def test_toolkit_workbook_becomes_cases(tmp_path: Path, owners: dict) -> None:
    path = toolkit(
        tmp_path / "toolkit.xlsx",
        [
            {
                "cas_CaseOwner": "amina",
                "prs_FirstName": "Ada",
                "prs_SecondName": "Obi",
                "con_Consent": "TRUE",
                "prs_Birthdate": date(2001, 4, 5),
                "prs_Gender": "Feminine",
                "prs_Citizenship": "Nigeria",
                "prs_MobilePhone": "+2348012345678",
                "vic_TraffickingStatus": "Actual victim of trafficking",
                "vic_TraffickinStatusDecisionMakingOrg": "Court or prosecution",
                "vic_MethodsOfControl": "Debt bondage ;Physical abuse",
                "vic_TypeOfExploitation": "Sexual exploitation",
                "vic_ForcedLabourIndustry": "Water supply; sewerage, waste management and remediation",
                "cas_Status": "Follow up",
                "cas_ReferringOrganisation": "Police hotline",
                "cas_ReasonForIncomingReferral": "Migration Or Change Of Location",
            },
            {
                "cas_CaseOwner": "amina",
                "prs_FirstName": "Bola",
                "prs_Citizenship": "GH",
                "cas_Status": "Active",
            },
        ],
    )
    result = import_file(format_name="htcds-xlsx", path=path, user=owners["worker"])
    assert (result.read, result.created) == (2, 2)
    ada = Case.objects.get(owner=owners["worker"], citizenship=["NG"])
    assert (ada.first_name, ada.birth_date, ada.status) == ("Ada", date(2001, 4, 5), "FollowUp")
    assert ada.control_methods == ["DebtBondage", "PhysicalAbuse"]
    assert ada.labour_industries == ["E_WaterSupplySewerageWasteManagement"]
    assert ada.status_decision_organisation == "CourtOrProsecution"
    assert Consent.objects.get(case=ada).purpose == "assistance"
    incoming = Referral.objects.get(case=ada)
    assert (incoming.direction, incoming.organisation_name, incoming.reason) == (
        "in",
        "Police hotline",
        "MigrationOrChangeOfLocation",
    )
    assert ada.analytic_record.citizenship == "NGA"  # type: ignore[attr-defined]


def test_toolkit_errors_name_row_and_column_and_nothing_is_saved(tmp_path: Path, owners: dict) -> None:
    path = toolkit(
        tmp_path / "toolkit.xlsx",
        [
            {"cas_CaseOwner": "amina", "prs_FirstName": "Good", "prs_Citizenship": "GH"},
            {
                "cas_CaseOwner": "nobody",
                "prs_FirstName": "Bad",
                "prs_Gender": "Robot",
                "prs_Citizenship": "Atlantis",
                "vic_MethodsOfControl": "Hypnosis",
                "prs_Birthdate": "yesterday",
                "con_Consent": "maybe",
            },
        ],
    )
    with pytest.raises(ImportRejected) as raised:
        import_file(format_name="htcds-xlsx", path=path, user=owners["worker"])
    where = {(error.row, error.column) for error in raised.value.errors}
    assert where >= {
        (4, "cas_CaseOwner"),
        (4, "prs_Gender"),
        (4, "prs_Citizenship"),
        (4, "vic_MethodsOfControl"),
        (4, "prs_Birthdate"),
        (4, "con_Consent"),
    }
    assert all(error.file == "toolkit.xlsx" for error in raised.value.errors)
    assert not Case.objects.exists()


def test_toolkit_outgoing_referrals_need_a_supervisor(tmp_path: Path, owners: dict) -> None:
    rows = [
        {
            "cas_CaseOwner": "amina",
            "prs_FirstName": "Cira",
            "cas_ReferredOrganisation": "Partner Shelter",
            "Reason for Outgoing Referral": "Additional Services Required",
        }
    ]
    path = toolkit(tmp_path / "toolkit.xlsx", rows)
    with pytest.raises(ImportRejected):
        import_file(format_name="htcds-xlsx", path=path, user=owners["worker"])
    import_file(format_name="htcds-xlsx", path=path, user=owners["supervisor"])
    referral = Referral.objects.get(direction="out")
    assert referral.override_by == owners["supervisor"] and referral.organisation == owners["partner_org"]
    assert referral.reason == "AdditionalServicesRequired"
    assert referral.case.owner == owners["worker"]


def test_other_workbooks_are_refused(tmp_path: Path, owners: dict) -> None:
    workbook = openpyxl.Workbook()
    workbook.active.title = "Sheet1"
    workbook.save(tmp_path / "other.xlsx")
    with pytest.raises(ImportRejected, match="Case Sheet"):
        import_file(format_name="htcds-xlsx", path=tmp_path / "other.xlsx", user=owners["worker"])


def test_people_who_cannot_open_cases_cannot_import_them(tmp_path: Path, owners: dict) -> None:
    path = toolkit(tmp_path / "toolkit.xlsx", [{"prs_FirstName": "X"}])
    analyst = make_user("analyst", organisation=make_organisation())
    with pytest.raises(ImportRejected):
        import_file(format_name="htcds-xlsx", path=path, user=analyst)


def test_ctdc_release_command_writes_a_k_anonymous_csv(tmp_path: Path) -> None:
    import_file(format_name="ctdc-vp", path=SAMPLE)
    out = tmp_path / "release.csv"
    report = tmp_path / "report.json"
    stdout = io.StringIO()
    call_command("ctdc", "release", "--k", "11", "--out", str(out), "--report", str(report), stdout=stdout)
    with out.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        rows = list(reader)
    assert reader.fieldnames == list(ctdc.VP_COLUMNS)  # the source's own format, not the Global one
    assert f"{len(rows)} of 524 records written" in stdout.getvalue()
    # Every column that describes the person, the exploitation or the perpetrators is a quasi-identifier
    # by default, so the 524-row sample has no class of 11 left: the report says so instead of a k it
    # does not have.
    assert sorted(json.loads(report.read_text())["quasi_identifier_columns"]) == sorted(ctdc.VP_COLUMNS)
    assert rows == [] and "smallest class 0" in stdout.getvalue()
    # Declaring fewer quasi-identifiers is a recorded choice; the file is then k-anonymous over them.
    declared = [
        "registration_period",
        "gender",
        "majority_status",
        "citizenship_region",
        "exploitation_region",
    ]
    arguments = [item for field in declared for item in ("--quasi-identifier", field)]
    call_command("ctdc", "release", "--k", "11", "--out", str(out), *arguments, stdout=io.StringIO())
    with out.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    qis = ("yearRegister", "gender", "majorityStatus", "UN_COO_Region", "UN_COE_Region")
    classes = Counter(tuple(row[q] for q in qis) for row in rows)
    assert rows and min(classes.values()) >= 11
