"""Demo data: one fictional scheme, marked as sample, with employers, a recruiter, workers, job orders and
applications at every stage (one deployed, one held at the safeguards gate). Every name is invented.

The demo accounts of the labour roles (``demo_scheme_officer``, ``demo_employer``, ``demo_recruiter``,
``demo_pes_officer``, ``demo_worker``) are attached to the sample organisations here, so each sees its part.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.utils import timezone

from migdev.accounts.demo import DEMO_ORGANISATION_NAME, demo_username
from migdev.accounts.models import Organisation, User
from migdev.accounts.roles import Role
from migdev.labour.models import (
    Application,
    Contract,
    CostLine,
    Employer,
    IdentityDocumentCustody,
    IrisStatus,
    JobOrder,
    OccupationStock,
    OrientationCertificate,
    OrientationCurriculum,
    OrientationModule,
    OrientationSession,
    OrientationTopic,
    Passage,
    Recruiter,
    Scheme,
    SchemeConsent,
    Worker,
)
from migdev.labour.services import eligibility_refresh, new_pseudonym
from migdev.skills.models import Occupation, OccupationSkill, TaxonomyEdition
from migdev.skills.selectors import current_edition

SCHEME_TITLE = "Sample: Atlantic care and harvest partnership (fictional)"
# The job orders' occupations, by ESCO preferred label, else by ISCO-08 unit group (in this order). Their
# skills are the occupation's own ESCO essential and optional skills: never those of a neighbouring
# occupation picked by a loose ISCO prefix (the care job order once carried a laboratory assistant's).
CARE_OCCUPATION = ("nurse responsible for general care", ("2221", "3221"))
FARM_OCCUPATION = ("fruit and vegetable picker", ("9211",))

WORKERS = [
    # given, family, sex, born, residence, languages, occupation key, skills taken, years
    ("Awa", "Ndiaye", "female", datetime.date(1994, 4, 12), "SEN", [("fra", 6), ("spa", 4)], "care", 6, 7),
    ("Moussa", "Fall", "male", datetime.date(1990, 9, 3), "SEN", [("fra", 5), ("spa", 3)], "care", 4, 4),
    ("Fatou", "Sarr", "female", datetime.date(1998, 1, 22), "SEN", [("fra", 6), ("spa", 2)], "care", 5, 2),
    ("Youssef", "Benali", "male", datetime.date(1992, 6, 30), "MAR", [("ara", 6), ("spa", 4)], "farm", 5, 9),
    (
        "Khadija",
        "Amrani",
        "female",
        datetime.date(1996, 11, 8),
        "MAR",
        [("ara", 6), ("spa", 3)],
        "farm",
        4,
        3,
    ),
    ("Omar", "Tazi", "male", datetime.date(2000, 2, 14), "MAR", [("ara", 6), ("spa", 2)], "farm", 3, 1),
    (
        "Nadia",
        "Idrissi",
        "female",
        datetime.date(1988, 8, 19),
        "MAR",
        [("ara", 6), ("spa", 5)],
        "care",
        5,
        12,
    ),
    ("Ibrahima", "Diop", "male", datetime.date(2009, 12, 1), "SEN", [("fra", 5), ("spa", 3)], "farm", 4, 0),
]


def _occupation(edition: TaxonomyEdition, label: str, isco_codes: tuple[str, ...]) -> Occupation | None:
    found = Occupation.objects.filter(edition=edition, label_en=label).order_by("pk").first()
    for code in isco_codes:
        found = found or Occupation.objects.filter(edition=edition, isco_code=code).order_by("pk").first()
    return found


def _organisation(name: str, kind: str) -> Organisation:
    organisation, _created = Organisation.objects.get_or_create(name=name, defaults={"kind": kind})
    return organisation


def _attach(role: Role, organisation: Organisation) -> User | None:
    user = User.objects.filter(username=demo_username(role)).first()
    if user is not None and user.organisation_id != organisation.pk:
        user.organisation = organisation
        user.save(update_fields=["organisation"])
    return user


def seed_labour_demo() -> str:
    edition = current_edition("esco")
    if edition is None:
        return "skipped: no ESCO edition is loaded (run 'migdev skills_reference' first)"
    if Scheme.objects.filter(title=SCHEME_TITLE, is_sample=True).exists():
        return "sample scheme already present"
    nurse = _occupation(edition, *CARE_OCCUPATION)
    farm = _occupation(edition, *FARM_OCCUPATION)
    if nurse is None or farm is None:
        return "skipped: the ESCO edition has no care or farm occupation"

    def skills(occupation: Occupation, relation: str) -> list[str]:
        return list(
            OccupationSkill.objects.filter(occupation=occupation, relation_type=relation)
            .order_by("skill__uri")
            .values_list("skill__uri", flat=True)[:8]
        )

    essential = {"care": skills(nurse, "essential"), "farm": skills(farm, "essential")}
    optional = {"care": skills(nurse, "optional"), "farm": skills(farm, "optional")}
    occupations = {"care": nurse, "farm": farm}

    demo_org = _organisation(DEMO_ORGANISATION_NAME, Organisation.Kind.NGO)
    pes_org = _organisation(
        "Sample: Senegal public employment service (fictional)", Organisation.Kind.GOVERNMENT
    )
    clinic_org = _organisation("Sample: Residencia Los Olivos (fictional)", Organisation.Kind.PRIVATE)
    farm_org = _organisation("Sample: Cooperativa Huerta Sur (fictional)", Organisation.Kind.PRIVATE)
    recruiter_org = _organisation(
        "Sample: Passerelle Recrutement SARL (fictional)", Organisation.Kind.PRIVATE
    )
    officer = _attach(Role.SCHEME_OFFICER, demo_org)
    _attach(Role.PES_OFFICER, pes_org)
    _attach(Role.EMPLOYER, clinic_org)
    _attach(Role.RECRUITER, recruiter_org)

    scheme = Scheme.objects.create(
        title=SCHEME_TITLE,
        kind=Scheme.Kind.SKILLS_PARTNERSHIP,
        reference="SAMPLE-001",
        destination_country_id="ESP",
        occupation_uris=[nurse.uri, farm.uri],
        partners="Fictional partners for the demonstration.",
        conditions="Employer pays every recruitment cost; contracts in a language the worker reads.",
        start_date=datetime.date(2026, 1, 1),
        end_date=datetime.date(2028, 12, 31),
        health_g2g_agreement=False,
        is_sample=True,
        organisation=demo_org,
    )
    scheme.origin_countries.set(_countries("SEN", "MAR"))
    scheme.quotas.create(year=2027, positions=40)
    now = timezone.now()

    def ago(days: int) -> datetime.datetime:
        return now - datetime.timedelta(days=days)

    # Dates keep their order: job order created, approved, worker interviewed, selected, contract given
    # and signed, orientation, departure (50 days ago, see _seed_orientation_and_passage), arrival.
    clinic = Employer.objects.get_or_create(
        organisation=clinic_org,
        defaults={
            "country_id": "ESP",
            "verified_by": officer,
            "verified_at": now,
            "verification_note": "Sample",
        },
    )[0]
    cooperative = Employer.objects.get_or_create(
        organisation=farm_org,
        defaults={
            "country_id": "ESP",
            "verified_by": officer,
            "verified_at": now,
            "verification_note": "Sample",
        },
    )[0]
    recruiter = Recruiter.objects.create(
        organisation=recruiter_org,
        country_id="SEN",
        licence_number="SAMPLE-LIC-0042",
        licence_valid_from=datetime.date(2025, 1, 1),
        licence_valid_to=datetime.date(2028, 6, 30),
        iris_status=IrisStatus.CERTIFIED,
        roster_source="Sample roster (fictional)",
        roster_date=datetime.date(2026, 10, 1),
    )
    common = {
        "scheme": scheme,
        "destination_country_id": "ESP",
        "wage_currency": "EUR",
        "wage_period": "month",
        "is_sample": True,
        "approval_status": JobOrder.Approval.APPROVED,
        "approved_by": officer,
    }
    care_order = JobOrder.objects.create(
        employer=clinic,
        title="Nurse, residential home (sample)",
        occupation_uri=nurse.uri,
        isco_code=nurse.isco_code,
        essential_skill_uris=essential["care"],
        optional_skill_uris=optional["care"],
        languages=[{"code": "spa", "level": 3}],
        positions=3,
        place="Sevilla",
        start_date=datetime.date(2027, 4, 1),
        contract_months=12,
        wage_amount=Decimal("1350"),
        hours_per_week=Decimal("38.5"),
        housing_terms="Shared flat found by the employer, rent 250 EUR a month.",
        travel_terms="Return flight paid by the employer.",
        recruiter=recruiter,
        created_at=ago(100),
        approved_at=ago(95),
        **common,
    )
    farm_order = JobOrder.objects.create(
        employer=cooperative,
        title="Seasonal fruit harvest worker (sample)",
        occupation_uri=farm.uri,
        isco_code=farm.isco_code,
        essential_skill_uris=essential["farm"],
        optional_skill_uris=optional["farm"],
        languages=[{"code": "spa", "level": 2}],
        positions=10,
        place="Huelva",
        start_date=datetime.date(2027, 2, 1),
        contract_months=5,
        wage_amount=Decimal("9.50"),
        wage_period="hour",
        hours_per_week=Decimal("39"),
        housing_terms="Housing on the farm, free of charge.",
        travel_terms="Travel paid by the employer.",
        created_at=ago(150),
        approved_at=ago(140),
        **{k: v for k, v in common.items() if k != "wage_period"},
    )
    workers = []
    worker_user = User.objects.filter(username=demo_username(Role.WORKER)).first()
    for index, (given, family, sex, born, residence, languages, key, taken, years) in enumerate(WORKERS):
        worker = Worker.objects.create(
            pseudonym=new_pseudonym(),
            user=worker_user if index == 0 else None,
            organisation=pes_org,
            country_of_residence_id=residence,
            given_name=given,
            family_name=family,
            phone=f"+000 555 01{index:02d}",
            email=f"{given.lower()}.sample@example.org",
            date_of_birth=born,  # type: ignore[misc]  # an encrypted date field, typed as text by the stubs
            birth_month=born.replace(day=1),
            sex=sex,
            languages=[{"code": code, "level": level} for code, level in languages],
            isced_level=4 if key == "care" else 2,
            occupation_uris=[occupations[key].uri],
            isco_code=occupations[key].isco_code,
            skill_uris=(essential[key] + optional[key])[:taken],
            experience_years=Decimal(years),
            available_from=datetime.date(2027, 1, 15),
            consent_processing_at=now,
            consent_processing_method="signed_form",
            is_sample=True,
        )
        SchemeConsent.objects.create(worker=worker, scheme=scheme, given_at=now, method="signed_form")
        workers.append(worker)
    eligibility_refresh([worker.pk for worker in workers])  # what the services keep for the shortlist
    # Awa (the demo worker, a nurse): an offer accepted, contract given and signed, everything in order except that
    # she is a health worker from a WHO safeguards-list country and the scheme has no G2G agreement.
    awa = Application.objects.create(
        job_order=care_order,
        worker=workers[0],
        stage=Application.Stage.ACCEPTED,
        score=0.82,
        interview_proposed_at=now,
        interview_accepted_at=now,
        selected_at=now,
        offer_at=now,
        accepted_at=now,
        grievance_channel="Sample labour attaché hotline, +000 555 0000",
        grievance_channel_given_on=datetime.date(2026, 11, 20),
    )
    Contract.objects.create(
        application=awa,
        revision=1,
        language="fra",
        terms="Sample contract terms.",
        wage_amount=Decimal("1350"),
        wage_currency="EUR",
        wage_period="month",
        hours_per_week=Decimal("38.5"),
        given_to_worker_on=datetime.date(2026, 11, 20),
        signed_on=datetime.date(2026, 11, 25),
    )
    IdentityDocumentCustody.objects.create(
        worker=workers[0], document="passport", held_by="worker", since=datetime.date(2026, 1, 1)
    )
    CostLine.objects.create(
        application=awa, category="travel", amount=Decimal("420"), currency="EUR", paid_by="employer"
    )
    # Youssef: harvest worker, deployed; his medical check was first charged to him, then refunded.
    youssef = Application.objects.create(
        job_order=farm_order,
        worker=workers[3],
        stage=Application.Stage.DEPLOYED,
        score=0.77,
        interview_proposed_at=ago(130),
        interview_accepted_at=ago(128),
        selected_at=ago(120),
        offer_at=ago(115),
        accepted_at=ago(110),
        deployed_at=ago(50),
        grievance_channel="Sample labour attaché hotline, +000 555 0000",
        grievance_channel_given_on=ago(80).date(),
    )
    Contract.objects.create(
        application=youssef,
        revision=1,
        language="spa",
        wage_amount=Decimal("9.50"),
        wage_currency="EUR",
        wage_period="hour",
        hours_per_week=Decimal("39"),
        given_to_worker_on=ago(80).date(),
        signed_on=ago(76).date(),
    )
    IdentityDocumentCustody.objects.create(
        worker=workers[3], document="passport", held_by="worker", since=datetime.date(2026, 1, 1)
    )
    CostLine.objects.create(
        application=youssef,
        category="medical",
        amount=Decimal("80"),
        currency="EUR",
        paid_by="worker",
        refunded_amount=Decimal("80"),
        refunded_on=ago(70).date(),
    )
    # Khadija: offer accepted, but she paid a visa fee that is not refunded: the gate blocks.
    khadija = Application.objects.create(
        job_order=farm_order,
        worker=workers[4],
        stage=Application.Stage.ACCEPTED,
        score=0.7,
        interview_proposed_at=now,
        interview_accepted_at=now,
        selected_at=now,
        offer_at=now,
        accepted_at=now,
    )
    CostLine.objects.create(
        application=khadija, category="visa", amount=Decimal("80"), currency="EUR", paid_by="worker"
    )
    # Moussa: shortlisted only; the employer sees him pseudonymised.
    Application.objects.create(job_order=care_order, worker=workers[1], score=0.64)
    # A fictional stock of Youssef's occupation group in his country for the brain-drain view, marked
    # sample like everything here (no real stock table ships with the platform).
    OccupationStock.objects.get_or_create(
        country_id=workers[3].country_of_residence_id,
        isco_code=farm.isco_code[:2],
        year=2024,
        source="Fictional workforce figure for the demo (sample data)",
        edition="sample",
        defaults={"count": 250000, "is_sample": True},
    )
    _seed_orientation_and_passage(scheme, officer, awa=awa, youssef=youssef, now=now)
    return (
        f"sample scheme, 2 employers, 1 recruiter, {len(workers)} workers, 2 job orders, 4 applications, "
        "1 orientation course, 1 passage with a missed check-in"
    )


def _seed_orientation_and_passage(
    scheme: Scheme, officer: User | None, *, awa: Application, youssef: Application, now: datetime.datetime
) -> None:
    """Youssef completed the course, departed 50 days ago and missed his 30-day check-in; Awa is enrolled
    in the next session (her orientation still blocks her at the gate, with the WHO check)."""
    from migdev.labour import passage

    course = OrientationCurriculum.objects.create(
        scheme=scheme,
        title="Sample: before leaving for Spain",
        languages=["fra", "spa", "ara"],
        is_sample=True,
    )
    minutes = {"contract_rights": 120, "fees": 45, "money": 60, "grievance": 60}
    modules = OrientationModule.objects.bulk_create(
        OrientationModule(
            curriculum=course, position=n, topic=topic, title=str(label), minutes=minutes.get(topic, 45)
        )
        for n, (topic, label) in enumerate(OrientationTopic.choices, start=1)
    )
    past = OrientationSession.objects.create(
        curriculum=course,
        language="spa",
        starts_at=now - datetime.timedelta(days=60),
        ends_at=now - datetime.timedelta(days=60) + datetime.timedelta(hours=7),
        place="Sample: migrant resource centre, Rabat",
    )
    OrientationSession.objects.create(
        curriculum=course,
        language="fra",
        starts_at=now + datetime.timedelta(days=10),
        ends_at=now + datetime.timedelta(days=10, hours=7),
        place="Sample: maison des migrants, Dakar",
        online_url="https://meet.example.org/sample-orientation",
    ).attendances.create(application=awa)
    attended = past.attendances.create(application=youssef, recorded_at=past.ends_at)
    attended.modules_attended.set(modules)
    if officer is not None:
        OrientationCertificate.objects.create(
            application=youssef,
            curriculum=course,
            number="OR-SAMPLE0001",
            language="spa",
            issued_on=past.ends_at.date(),
            issued_by=officer,
        )
    today = timezone.localdate()
    arrived = today - datetime.timedelta(days=49)
    Passage.objects.create(
        application=youssef,
        visa_status="granted",
        work_permit_status="granted",
        planned_departure_on=today - datetime.timedelta(days=50),
        departed_on=today - datetime.timedelta(days=50),
        arrived_on=arrived,
        contract_end_on=today + datetime.timedelta(days=120),
    )
    for day in passage.CHECK_IN_DAYS:
        due = arrived + datetime.timedelta(days=day)
        youssef.check_ins.create(
            days_after_arrival=day,
            due_on=due,
            done_on=due if day == 7 else None,
            channel="phone" if day == 7 else "",
        )
    passage.raise_missed_check_in_alerts(today=today)


def _countries(*codes: str) -> list[int]:
    from migdev.reference.models import Country

    return list(Country.objects.filter(iso3__in=codes).values_list("pk", flat=True))
