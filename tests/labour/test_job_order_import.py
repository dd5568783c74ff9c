"""Job orders imported from CSV/XLSX: verified employers only, titles mapped through the skills search with
the confidence kept, ambiguous titles confirmed by a scheme officer before approval, all or nothing."""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from migdev.audit.models import AuditEvent
from migdev.dataio.errors import ImportRejected
from migdev.dataio.services import import_file
from migdev.jobs.models import Job
from migdev.jobs.services import job_run_now
from migdev.labour import services
from migdev.labour.models import Employer, JobOrder, TitleMapping
from migdev.skills.models import Occupation, TaxonomyEdition
from tests.factories import login_verified, make_organisation, make_user
from tests.labour.conftest import CARE, HYGIENE, MEDICATION, NURSE, OCC, World

FORMAT = "labour-job-orders"
COLUMNS = [
    "scheme",
    "employer",
    "occupation",
    "title",
    "title_language",
    "essential_skills",
    "optional_skills",
    "languages",
    "positions",
    "place",
    "start_date",
    "contract_months",
    "wage_amount",
    "wage_currency",
    "wage_period",
    "hours_per_week",
    "housing_terms",
    "travel_terms",
    "recruiter",
]
HEAD_CHEF = OCC + "t-head-chef"
PASTRY_CHEF = OCC + "t-pastry-chef"


@pytest.fixture
def verified(world: World) -> World:
    Employer.objects.filter(pk=world.employer.pk).update(
        verified_at=timezone.now(), verification_note="Register"
    )
    world.employer.refresh_from_db()
    return world


@pytest.fixture
def chefs(esco: TaxonomyEdition) -> None:
    Occupation.objects.create(edition=esco, uri=HEAD_CHEF, isco_code="3434", label_en="head chef")
    Occupation.objects.create(edition=esco, uri=PASTRY_CHEF, isco_code="3434", label_en="pastry chef")
    # Its own revision: the search caches its index per (edition, revision) across tests.
    TaxonomyEdition.objects.filter(pk=esco.pk).update(revision=esco.revision + 101)


def row(world: World, **values: str) -> dict[str, str]:
    base = {
        "scheme": str(world.scheme.pk),
        "employer": "clinique du lac",  # matched on the name, whatever the case
        "occupation": NURSE,
        "title": "",
        "title_language": "",
        "essential_skills": f"{CARE}; administer medication",
        "optional_skills": "apply hygiene standards",
        "languages": "fra:B2; en:A2",
        "positions": "3",
        "place": "Namur",
        "start_date": "2027-04-01",
        "contract_months": "12",
        "wage_amount": "2450.50",
        "wage_currency": "eur",
        "wage_period": "month",
        "hours_per_week": "38",
        "housing_terms": "Room provided at 200 EUR a month",
        "travel_terms": "Flight paid by the employer",
        "recruiter": "Fair Recruit SARL",
    }
    base.update(values)
    return base


def write(tmp_path: Path, rows: list[dict[str, str]], name: str = "orders.csv") -> Path:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    path = tmp_path / name
    path.write_text(buffer.getvalue(), encoding="utf-8")
    return path


def test_rows_become_submitted_job_orders_with_mapped_titles(
    verified: World, chefs: None, tmp_path: Path
) -> None:
    world = verified
    before = JobOrder.objects.count()
    path = write(
        tmp_path,
        [
            row(world),
            row(world, occupation="nurse", title="Infirmier de nuit", place="Liège"),
            row(
                world, occupation="chef", place="Gent", essential_skills="", optional_skills="", recruiter=""
            ),
        ],
    )
    result = import_file(format_name=FORMAT, path=path, user=world.officer)
    assert (result.read, result.created) == (3, 3)
    imported = {order.place: order for order in JobOrder.objects.exclude(pk=world.job_order.pk)}
    assert JobOrder.objects.count() == before + 3
    namur = imported["Namur"]
    assert namur.occupation_uri == NURSE and namur.isco_code == "2221" and namur.title == NURSE
    assert namur.essential_skill_uris == [CARE, MEDICATION] and namur.optional_skill_uris == [HYGIENE]
    assert namur.languages == [{"code": "eng", "level": 2}, {"code": "fra", "level": 4}]
    assert (namur.positions, namur.contract_months, namur.wage_amount) == (3, 12, Decimal("2450.50"))
    assert (namur.wage_currency, namur.wage_period, namur.hours_per_week) == ("EUR", "month", Decimal("38"))
    assert namur.recruiter == world.recruiter and namur.housing_terms.startswith("Room")
    assert namur.approval_status == JobOrder.Approval.SUBMITTED and not namur.is_sample
    # A free-text title clearly matched is applied, with its confidence kept.
    liege = imported["Liège"]
    assert liege.occupation_uri == NURSE and liege.title == "Infirmier de nuit"
    mapping = TitleMapping.objects.get(job_order=liege)
    assert mapping.status == "mapped" and mapping.confidence and mapping.confidence >= 0.9
    assert (mapping.source_file, mapping.row, mapping.kind) == ("orders.csv", 3, "job_order")
    # An ambiguous title waits with its candidates; the job order exists but without an occupation.
    gent = imported["Gent"]
    waiting = TitleMapping.objects.get(job_order=gent)
    assert gent.occupation_uri == "" and waiting.status == "ambiguous" and waiting.confidence is None
    assert {c["uri"] for c in waiting.candidates} == {HEAD_CHEF, PASTRY_CHEF}
    assert AuditEvent.objects.filter(record_type="labour.joborder", record_id=str(gent.pk)).exists()

    # Approval is refused until a person picks the occupation.
    with pytest.raises(ValidationError):
        services.job_order_set_approval(actor=world.officer, job_order=gent, status="approved")
    services.job_order_set_approval(actor=world.officer, job_order=namur, status="approved")

    officer = Client()
    login_verified(officer, world.officer)
    page = officer.get("/fr/labour/title-mappings/").content.decode()
    assert f"/labour/job-orders/{gent.pk}/" in page
    listed = officer.get("/api/v1/labour/title-mappings").json()["items"]
    assert [(item["job_order_id"], item["title"]) for item in listed] == [(gent.pk, "chef")]
    confirmed = officer.post(
        f"/api/v1/labour/title-mappings/{waiting.pk}/confirm",
        data=json.dumps({"version": waiting.version, "occupation_uri": HEAD_CHEF}),
        content_type="application/json",
    )
    assert confirmed.status_code == 200 and confirmed.json()["status"] == "confirmed"
    gent.refresh_from_db()
    assert (gent.occupation_uri, gent.isco_code) == (HEAD_CHEF, "3434")
    services.job_order_set_approval(actor=world.officer, job_order=gent, status="approved")
    gent.refresh_from_db()
    assert gent.approval_status == JobOrder.Approval.APPROVED

    # Loading the same file again adds nothing.
    with pytest.raises(ImportRejected) as again:
        import_file(format_name=FORMAT, path=path, user=world.officer)
    assert (again.value.errors[0].row, again.value.errors[0].column) == (2, "title")
    assert JobOrder.objects.count() == before + 3


def test_job_order_titles_reach_only_the_schemes_officers(
    verified: World, chefs: None, tmp_path: Path
) -> None:
    world = verified
    import_file(format_name=FORMAT, path=write(tmp_path, [row(world, occupation="chef")]), user=world.officer)
    waiting = TitleMapping.objects.get()
    other_officer = make_user("scheme_officer", organisation=make_organisation("Other scheme authority"))
    client = Client()
    login_verified(client, other_officer)
    assert client.get("/api/v1/labour/title-mappings").json()["items"] == []
    refused = client.post(
        f"/api/v1/labour/title-mappings/{waiting.pk}/confirm",
        data=json.dumps({"version": waiting.version, "occupation_uri": HEAD_CHEF}),
        content_type="application/json",
    )
    assert refused.status_code == 404
    assert "chef" not in client.get("/en/labour/title-mappings/").content.decode()
    waiting.refresh_from_db()
    assert waiting.status == "ambiguous"


def _refused(world: World, tmp_path: Path, bad: dict[str, str], user: object = None) -> ImportRejected:
    before = JobOrder.objects.count()
    path = write(tmp_path, [row(world), row(world, **{"place": "Mons", **bad})], name="orders-2027.csv")
    with pytest.raises(ImportRejected) as refused:
        import_file(format_name=FORMAT, path=path, user=user or world.officer)  # type: ignore[arg-type]
    assert JobOrder.objects.count() == before and not TitleMapping.objects.exists()
    assert {error.file for error in refused.value.errors} == {"orders-2027.csv"}
    return refused.value


@pytest.mark.parametrize(
    "bad, column",
    [
        ({"employer": "Unknown Hospital"}, "employer"),
        ({"scheme": "999999"}, "scheme"),
        ({"occupation": OCC + "t-astronaut"}, "occupation"),
        ({"occupation": " "}, "occupation"),
        ({"wage_amount": "1,200"}, "wage_amount"),
        ({"wage_amount": "0"}, "wage_amount"),
        ({"wage_currency": "EUX"}, "wage_currency"),
        ({"wage_period": "fortnight"}, "wage_period"),
        ({"hours_per_week": "90"}, "hours_per_week"),
        ({"positions": "2.5"}, "positions"),
        ({"contract_months": ""}, "contract_months"),
        ({"start_date": "01/04/2027"}, "start_date"),
        ({"start_date": "2025-04-01"}, "start_date"),
        ({"languages": "fra:B7"}, "languages"),
        ({"languages": "xx:B1"}, "languages"),
        ({"essential_skills": "juggle knives"}, "essential_skills"),
        ({"optional_skills": "http://data.europa.eu/esco/skill/t-missing"}, "optional_skills"),
        ({"recruiter": "Shady Agency"}, "recruiter"),
        ({"title_language": "de"}, "title_language"),
        ({"place": "Namur"}, "title"),  # the same job order as row 2
    ],
)
def test_a_bad_cell_refuses_the_whole_file(
    verified: World, tmp_path: Path, bad: dict[str, str], column: str
) -> None:
    error = _refused(verified, tmp_path, bad).errors[0]
    assert (error.row, error.column) == (3, column)


def test_unverified_or_foreign_employer_is_refused(world: World, tmp_path: Path) -> None:
    error = _refused(world, tmp_path, {}).errors[0]  # the world's employer was never verified
    assert (error.row, error.column) == (2, "employer") and "verified" in error.reason
    Employer.objects.filter(pk=world.employer.pk).update(verified_at=timezone.now(), country_id="FRA")
    error = _refused(world, tmp_path, {}).errors[0]
    assert (error.row, error.column) == (2, "employer") and "FRA" in error.reason


def test_a_scheme_the_importer_does_not_run_is_unknown_to_them(verified: World, tmp_path: Path) -> None:
    outsider = make_user("scheme_officer", organisation=make_organisation("Other scheme authority"))
    error = _refused(verified, tmp_path, {}, user=outsider).errors[0]
    assert (error.row, error.column) == (2, "scheme")


def test_scheme_officer_uploads_on_the_page(verified: World, tmp_path: Path) -> None:
    world = verified
    officer = Client()
    login_verified(officer, world.officer)
    page = officer.get("/es/labour/job-orders/import/")
    assert page.status_code == 200 and 'lang="es"' in page.content.decode()
    content = write(tmp_path, [row(world)]).read_bytes()
    sent = officer.post("/en/labour/job-orders/import/", {"file": SimpleUploadedFile("orders.csv", content)})
    assert sent.status_code == 302
    job = Job.objects.get()
    job_run_now(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == "succeeded", job.error
    assert JobOrder.objects.filter(place="Namur", approval_status="submitted").count() == 1
    bad = write(tmp_path, [row(world, wage_amount="1,200")], name="bad.csv").read_bytes()
    officer.post("/en/labour/job-orders/import/", {"file": SimpleUploadedFile("bad.csv", bad)})
    failed = Job.objects.exclude(pk=job.pk).get()
    job_run_now(job_id=failed.pk)
    failed.refresh_from_db()
    assert failed.status == "failed" and "wage_amount" in failed.error and "bad.csv" in failed.error
    # The officer reads the refusal, with its row and column, on the job's page.
    report = officer.get(f"/en/jobs/{failed.pk}/")
    assert report.status_code == 200 and "wage_amount" in report.content.decode()
    # The officer holds no general import permission: the platform's import page stays closed to them.
    assert officer.get("/en/data/import/").status_code == 403
    for user in (world.employer_user, world.pes, world.recruiter_user):
        client = Client()
        login_verified(client, user)
        assert client.get("/en/labour/job-orders/import/").status_code == 404
