"""A tiny ESCO edition (a nurse, a cook, six skills) and a scheme with an employer, a recruiter, workers."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest

from migdev.accounts.models import Organisation, User
from migdev.labour import services
from migdev.labour.models import Employer, IrisStatus, JobOrder, Recruiter, Scheme, Worker
from migdev.skills.models import IscoGroup, Occupation, OccupationSkill, Skill, TaxonomyEdition
from tests.factories import make_organisation, make_user

OCC = "http://data.europa.eu/esco/occupation/"
SKILL = "http://data.europa.eu/esco/skill/"
NURSE = OCC + "t-nurse"
COOK = OCC + "t-cook"
CARE = SKILL + "t-care"
MEDICATION = SKILL + "t-medication"
HYGIENE = SKILL + "t-hygiene"
RECORDS = SKILL + "t-records"
COOKING = SKILL + "t-cooking"
KNIVES = SKILL + "t-knives"
WOUNDS = SKILL + "t-wound-care"  # related to CARE (skill_links)
INJECTIONS = SKILL + "t-injections"  # narrower than MEDICATION (skill_links)
START = datetime.date(2027, 3, 1)
TODAY = datetime.date(2026, 12, 6)


@pytest.fixture(autouse=True)
def _fresh_shortlist_columns() -> None:
    """Each test's transaction is rolled back, registry version included: the per-process shortlist columns
    of the last test must not pass for this one's (in production a rolled-back write is never read)."""
    from migdev.labour import pool

    pool.clear()


@pytest.fixture
def esco(db: None) -> TaxonomyEdition:
    TaxonomyEdition.objects.filter(is_current=True).update(is_current=False)
    edition = TaxonomyEdition.objects.create(taxonomy="esco", version="test-labour", is_current=True)
    isco = TaxonomyEdition.objects.create(taxonomy="isco", version="test-labour-isco", is_current=True)
    IscoGroup.objects.create(
        edition=isco, code="2221", level=4, uri="isco/2221", label_en="Nursing professionals"
    )
    skills = {
        uri: Skill.objects.create(edition=edition, uri=uri, label_en=label, label_fr=label + " (fr)")
        for uri, label in [
            (CARE, "provide patient care"),
            (MEDICATION, "administer medication"),
            (HYGIENE, "apply hygiene standards"),
            (RECORDS, "keep patient records"),
            (COOKING, "cook meals"),
            (KNIVES, "use knives"),
        ]
    }
    nurse = Occupation.objects.create(edition=edition, uri=NURSE, isco_code="2221", label_en="nurse")
    cook = Occupation.objects.create(edition=edition, uri=COOK, isco_code="5120", label_en="cook")
    for occupation, uri, relation in [
        (nurse, CARE, "essential"),
        (nurse, MEDICATION, "essential"),
        (nurse, RECORDS, "optional"),
        (nurse, HYGIENE, "optional"),
        (cook, COOKING, "essential"),
        (cook, KNIVES, "essential"),
        (cook, HYGIENE, "essential"),
    ]:
        OccupationSkill.objects.create(
            edition=edition, occupation=occupation, skill=skills[uri], relation_type=relation
        )
    return edition


@pytest.fixture
def skill_links(esco: TaxonomyEdition) -> TaxonomyEdition:
    """Two skills the job orders never ask for, linked to ones they do: "dress wounds" is related to
    "provide patient care" (an ESCO skill-skill relation), "give injections" is narrower than
    "administer medication" (the skills pillar's hierarchy). Added before any shortlist builds the
    edition's matcher."""
    from django.db.models import F

    from migdev.skills import engine
    from migdev.skills.models import SkillBroader, SkillRelation

    care = Skill.objects.get(edition=esco, uri=CARE)
    medication = Skill.objects.get(edition=esco, uri=MEDICATION)
    wounds = Skill.objects.create(edition=esco, uri=WOUNDS, label_en="dress wounds")
    injections = Skill.objects.create(edition=esco, uri=INJECTIONS, label_en="give injections")
    SkillRelation.objects.create(edition=esco, skill=wounds, related=care, relation_type="optional")
    SkillBroader.objects.create(edition=esco, narrower=injections, broader=medication)
    # The links changed the edition, as the skills services record it: a new revision, so no matcher
    # cached for this edition number (SQLite reuses numbers after a test's rollback) is used.
    TaxonomyEdition.objects.filter(pk=esco.pk).update(revision=F("revision") + 1)
    engine.clear_cache()
    esco.refresh_from_db()
    return esco


@dataclass
class World:
    scheme_org: Organisation
    pes_org: Organisation
    employer_org: Organisation
    recruiter_org: Organisation
    officer: User
    pes: User
    employer_user: User
    recruiter_user: User
    scheme: Scheme
    employer: Employer
    recruiter: Recruiter
    job_order: JobOrder


def make_worker(world: World, name: str = "Amina", **fields: Any) -> Worker:
    values: dict[str, Any] = {
        "given_name": name,
        "family_name": "Diallo",
        "phone": "+221 77 000 00 00",
        "email": f"{name.lower()}@example.org",
        "identity_document_number": "SN1234567",
        "date_of_birth": datetime.date(1995, 5, 17),
        "sex": "female",
        "country_of_residence": "SEN",
        "languages": [{"code": "fra", "level": 6}, {"code": "eng", "level": 4}],
        "occupation_uris": [NURSE],
        "skill_uris": [CARE, MEDICATION, RECORDS],
        "experience_years": 6,
        "available_from": datetime.date(2027, 1, 1),
        "preferred_destinations": [],
        "isced_level": 6,
    }
    values.update(fields)
    worker = services.worker_register(
        actor=world.pes, organisation=world.pes_org, consent_method="signed_form", **values
    )
    services.scheme_consent_give(actor=world.pes, worker=worker, scheme=world.scheme, method="signed_form")
    return worker


@pytest.fixture
def world(esco: TaxonomyEdition) -> World:
    scheme_org = make_organisation("Scheme authority")
    pes_org = make_organisation("Senegal employment service")
    employer_org = make_organisation("Clinique du Lac")
    recruiter_org = make_organisation("Fair Recruit SARL")
    officer = make_user("scheme_officer", organisation=scheme_org)
    pes = make_user("pes_officer", organisation=pes_org)
    employer_user = make_user("employer", organisation=employer_org)
    recruiter_user = make_user("recruiter", organisation=recruiter_org)
    scheme = services.scheme_create(
        actor=officer,
        organisation=scheme_org,
        title="Care partnership",
        kind="skills_partnership",
        destination_country="BEL",
        origin_countries=["SEN"],
        start_date=datetime.date(2026, 1, 1),
        health_g2g_agreement=True,
    )
    employer = Employer.objects.create(organisation=employer_org, country_id="BEL")
    recruiter = Recruiter.objects.create(
        organisation=recruiter_org,
        country_id="SEN",
        licence_number="SN-REC-042",
        licence_valid_from=datetime.date(2025, 1, 1),
        licence_valid_to=datetime.date(2028, 12, 31),
        iris_status=IrisStatus.CERTIFIED,
        roster_source="Ministry of Labour roster",
        roster_date=datetime.date(2026, 11, 1),
    )
    job_order = services.job_order_create(
        actor=officer,
        scheme=scheme,
        employer=employer,
        recruiter=recruiter,
        title="Ward nurse",
        occupation_uri=NURSE,
        essential_skill_uris=[CARE, MEDICATION],
        optional_skill_uris=[RECORDS, HYGIENE],
        languages=[{"code": "fra", "level": 4}],
        positions=2,
        place="Liège",
        start_date=START,
        contract_months=24,
        wage_amount=Decimal("1200"),
        wage_currency="EUR",
        wage_period="month",
        hours_per_week=Decimal("38"),
    )
    return World(
        scheme_org,
        pes_org,
        employer_org,
        recruiter_org,
        officer,
        pes,
        employer_user,
        recruiter_user,
        scheme,
        employer,
        recruiter,
        job_order,
    )


def orientation_course(world: World, *, title: str = "Pre-departure seminar") -> Any:
    """A three-module course of the world's scheme with one session that started yesterday, in French."""
    from django.utils import timezone

    from migdev.labour import orientation

    curriculum = orientation.curriculum_create(
        actor=world.officer,
        scheme=world.scheme,
        title=title,
        languages=["fra", "wol"],
        modules=[
            {"topic": "contract_rights", "minutes": 90},
            {"topic": "fees", "minutes": 30},
            {"topic": "grievance", "title": "Who to call in Belgium", "minutes": 45},
        ],
    )
    started = timezone.now() - datetime.timedelta(days=1)
    session = orientation.session_create(
        actor=world.officer,
        curriculum=curriculum,
        language="fra",
        starts_at=started,
        ends_at=started + datetime.timedelta(hours=6),
        place="Dakar, maison des migrants",
    )
    return curriculum, session


def complete_orientation(world: World, application: Any) -> Any:
    """Enrol, record every module attended and issue the certificate."""
    from migdev.labour import orientation

    curriculum, session = orientation_course(world)
    attendance = orientation.attendance_enrol(actor=world.officer, session=session, application=application)
    orientation.attendance_record(
        actor=world.officer,
        attendance=attendance,
        module_ids=list(curriculum.modules.values_list("pk", flat=True)),
        expected_version=attendance.version,
    )
    return orientation.certificate_issue(actor=world.officer, application=application)
