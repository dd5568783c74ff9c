"""SAMPLE diaspora data for the demo: made-up experts, institutions, requests and assignments.

Every record is flagged ``is_sample`` and every name says SAMPLE, so nothing here can be taken for a real
person, institution or result; the pages and the reports say when their figures include samples. The demo
accounts of the accounts seeder (``demo_programme_officer``, ``demo_host_institution``,
``demo_diaspora_office``, ``demo_expert``) are attached to the sample programme, host, office and expert.
Idempotent: a second run changes nothing; the data are the same on every machine (fixed seed).
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from migdev.accounts import access as platform_access
from migdev.accounts.models import Organisation, RoleDefinition, User, UserGroup
from migdev.diaspora import services
from migdev.diaspora.models import (
    PREPARATION_ITEMS,
    Assignment,
    DiasporaOffice,
    DiasporaOrganisation,
    Expert,
    HostInstitution,
    PrioritySector,
    Request,
)

PROGRAMME = "SAMPLE diaspora programme (demo)"
ESCO = "http://data.europa.eu/esco/"
SKILLS = {
    "epidemiology": ESCO + "skill/9fa6b84e-d625-4d1d-a5d0-e7f6b357deb8",
    "public_health": ESCO + "skill/9570e84e-6699-4c9f-9a12-7bc82d53a231",
    "project_management": ESCO + "skill/7111b95d-0ce3-441a-9d92-4c75d05c4388",
    "programming": ESCO + "skill/21d2f96d-35f7-4e3f-9745-c533d2dd6e97",
    "agronomy": ESCO + "skill/afdcb380-ef9f-4785-b877-cc551f035034",
    "budgets": ESCO + "skill/21c5790c-0930-4d74-b3b0-84caf5af12ea",
    "train_employees": ESCO + "skill/e54ff029-1ce9-447d-a5b2-eb7283a23e6e",
}
OCCUPATIONS = {
    "epidemiologist": ESCO + "occupation/b73c752b-9858-4f53-82de-f3a340cbcae9",
    "software_developer": ESCO + "occupation/f2b15a0e-e65a-438a-affb-29b9d50b77d1",
    "agronomist": ESCO + "occupation/c40ef517-d4ab-4932-b184-9c2ea5b24fe2",
    "teacher": ESCO + "occupation/5efb2c08-ba3a-4659-a2e4-1883f54e77b6",
    "civil_engineer": ESCO + "occupation/d7d986e1-7333-431b-9719-0c5c6939e360",
    "policy_officer": ESCO + "occupation/caf7b8fb-b2d6-46b7-bffa-bea7f8e4aed8",
}
PROFILES = [
    ("epidemiologist", ["epidemiology", "public_health", "project_management"], "health"),
    ("software_developer", ["programming", "project_management"], "digital"),
    ("agronomist", ["agronomy", "train_employees"], "agriculture"),
    ("teacher", ["train_employees"], "education"),
    ("civil_engineer", ["project_management", "budgets"], "infrastructure"),
    ("policy_officer", ["budgets", "project_management"], "governance"),
]
ORIGINS = [
    ("SEN", ["FRA", "ITA", "ESP", "USA"]),
    ("MLI", ["FRA", "CIV"]),
    ("SOM", ["GBR", "SWE", "USA"]),
    ("NGA", ["GBR", "USA"]),
]
# Each origin's SAMPLE languages: a first language at C2, then another at B2 (never the same code twice:
# Somali and Nigerian experts once listed "en (C2), en (B2)").
LANGUAGES = {
    "SEN": [("fr", "C2"), ("en", "B2")],
    "MLI": [("fr", "C2"), ("en", "B2")],
    "SOM": [("so", "C2"), ("en", "B2")],
    "NGA": [("en", "C2"), ("fr", "B2")],
}
FIRST_NAMES = ["Awa", "Ousmane", "Fatou", "Amadou", "Hodan", "Abdi", "Ngozi", "Chidi", "Mariam", "Ibrahima"]


def _demo_user(code: str) -> User | None:
    return User.objects.filter(username=f"demo_{code}").first()


def seed() -> str:
    if Expert.objects.filter(is_sample=True).exists():
        _attach_demo_users()
        return f"{Expert.objects.filter(is_sample=True).count()} SAMPLE experts already there"
    with transaction.atomic():
        summary = _seed()
        _attach_demo_users()
    return summary


def _organisation(name: str, kind: str) -> Organisation:
    organisation, _created = Organisation.objects.get_or_create(name=name, defaults={"kind": kind})
    return organisation


def _seed() -> str:
    rng = random.Random(2026)
    programme, _created = UserGroup.objects.get_or_create(
        name=PROGRAMME, defaults={"description": "SAMPLE: the programme team of the diaspora demo."}
    )
    officer = _officer(programme)
    office = DiasporaOffice.objects.create(
        organisation=_organisation("SAMPLE Diaspora Office of Senegal (demo)", Organisation.Kind.GOVERNMENT),
        country="SEN",
    )
    for sector in ("health", "agriculture", "digital"):
        PrioritySector.objects.create(office=office, sector=sector, note="SAMPLE priority")
    hosts = [
        HostInstitution.objects.create(
            organisation=_organisation(name, Organisation.Kind.GOVERNMENT),
            country=country,
            city=city,
            sector=sector,
            is_sample=True,
        )
        for name, country, city, sector in (
            ("SAMPLE Regional Hospital of Thiès (demo)", "SEN", "Thiès", "health"),
            ("SAMPLE Institute of Agronomy, Ségou (demo)", "MLI", "Ségou", "agriculture"),
            ("SAMPLE Ministry of Digital Economy (demo)", "SEN", "Dakar", "digital"),
        )
    ]
    for name, origins, residences, sectors in (
        ("SAMPLE Association of Senegalese Doctors in France (demo)", ["SEN"], ["FRA"], ["health"]),
        ("SAMPLE Malian Engineers Abroad (demo)", ["MLI"], ["FRA", "CIV"], ["infrastructure", "digital"]),
        ("SAMPLE Somali Diaspora Health Network (demo)", ["SOM"], ["GBR", "SWE"], ["health"]),
    ):
        DiasporaOrganisation.objects.create(
            name=name,
            countries_of_origin=origins,
            countries_of_residence=residences,
            sectors=sectors,
            activities="SAMPLE: mentoring, annual conference, medical missions.",
            source="SAMPLE demo data",
            is_sample=True,
        )
    experts = []
    today = timezone.localdate()
    for i in range(24):
        origin, residences = ORIGINS[i % len(ORIGINS)]
        occupation, skills, sector = PROFILES[i % len(PROFILES)]
        start = today + timedelta(days=rng.randint(10, 60))
        values = {
            "given_name": f"{FIRST_NAMES[i % len(FIRST_NAMES)]} (SAMPLE)",
            "family_name": f"Sample-{i + 1:02d}",
            "email": f"sample.expert{i + 1:02d}@example.org",
            "phone": f"+00 000 000 {i + 1:03d}",
            "biography": "SAMPLE profile made up for the demonstration; describes no real person.",
            "sex": "F" if i % 2 == 0 else "M",
            "country_of_origin": origin,
            "country_of_residence": residences[i % len(residences)],
            "languages": [{"code": code, "level": level} for code, level in LANGUAGES[origin]],
            "education": [{"level": "master", "field": sector}],
            "occupation_uris": [OCCUPATIONS[occupation]],
            "skill_uris": [SKILLS[name] for name in skills],
            "sectors": [sector],
            "years_experience": 5 + i % 15,
            "days_on_site_per_year": 20 + 5 * (i % 6),
            "hours_online_per_week": 2 + i % 6,
            "modalities": ["on_site", "online"] if i % 3 != 2 else ["online", "permanent_return"],
        }
        expert = services.expert_create(
            actor=None,
            values=values,
            group=programme,
            windows=[(start, start + timedelta(days=120))],
            is_sample=True,
        )
        if i % 2 == 0:
            expert.public_consent_at = timezone.now()
            expert.public_fields = [
                "country_of_origin",
                "country_of_residence",
                "sectors",
                "occupation_uris",
                "languages",
                "years_experience",
            ]
            expert.save(update_fields=["public_consent_at", "public_fields"])
        experts.append(expert)
    requests = []
    for host, title, sector, modality, skills, language, occupation in (
        (
            hosts[0],
            "SAMPLE: strengthen epidemic surveillance",
            "health",
            "on_site",
            ["epidemiology", "public_health"],
            "fr",
            "epidemiologist",
        ),
        (
            hosts[2],
            "SAMPLE: mentor the e-government team online",
            "digital",
            "online",
            ["programming", "project_management"],
            "fr",
            "software_developer",
        ),
        (
            hosts[1],
            "SAMPLE: train extension agents in soil management",
            "agriculture",
            "on_site",
            ["agronomy", "train_employees"],
            "fr",
            "agronomist",
        ),
        (
            hosts[0],
            "SAMPLE: hospital budget planning",
            "health",
            "online",
            ["budgets"],
            "fr",
            "policy_officer",
        ),
    ):
        start = today + timedelta(days=20)
        row = Request.objects.create(
            host=host,
            group=programme,
            country_office=office if host.country == "SEN" else None,
            created_by=_creator(host, officer),
            title=title,
            objectives="SAMPLE objectives made up for the demonstration.",
            tasks="SAMPLE tasks.",
            skill_uris=[SKILLS[name] for name in skills],
            occupation_uri=OCCUPATIONS[occupation],
            sector=sector,
            modality=modality,
            duration_days=14,
            place=host.city,
            starts_on=start,
            ends_on=start + timedelta(days=60),
            language=language,
            language_level="B2",
            host_provides="SAMPLE: office space and local transport.",
            status=Request.Status.APPROVED,
            submitted_at=timezone.now() - timedelta(days=40),
            approved_at=timezone.now() - timedelta(days=35),
            approved_by=officer,
            is_sample=True,
        )
        requests.append(row)
    # Submitted by the Thiès hospital and waiting for a programme officer's approval.
    start = today + timedelta(days=45)
    Request.objects.create(
        host=hosts[0],
        group=programme,
        country_office=office,
        created_by=_creator(hosts[0], officer),
        title="SAMPLE: train nurses in infection prevention",
        objectives="SAMPLE objectives made up for the demonstration.",
        tasks="SAMPLE tasks.",
        skill_uris=[SKILLS["public_health"], SKILLS["train_employees"]],
        occupation_uri=OCCUPATIONS["epidemiologist"],
        sector="health",
        modality="on_site",
        duration_days=10,
        place=hosts[0].city,
        starts_on=start,
        ends_on=start + timedelta(days=30),
        language="fr",
        language_level="B2",
        host_provides="SAMPLE: training room and accommodation.",
        status=Request.Status.SUBMITTED,
        submitted_at=timezone.now() - timedelta(days=2),
        is_sample=True,
    )
    Request.objects.create(
        host=hosts[1],
        group=programme,
        created_by=_creator(hosts[1], officer),
        title="SAMPLE: draft request on irrigation",
        objectives="SAMPLE draft.",
        sector="agriculture",
        modality="on_site",
        duration_days=14,
        starts_on=today + timedelta(days=90),
        ends_on=today + timedelta(days=120),
        language="fr",
        is_sample=True,
    )
    assignments = _past_assignments(experts, hosts, programme, officer, rng)
    return (
        f"{len(experts)} SAMPLE experts, {len(hosts)} SAMPLE host institutions, {len(requests) + 2} SAMPLE requests, "
        f"{assignments} SAMPLE assignments"
    )


def _past_assignments(
    experts: list[Expert],
    hosts: list[HostInstitution],
    programme: UserGroup,
    officer: User | None,
    rng: random.Random,
) -> int:
    """Completed SAMPLE assignments, written directly (their steps lie in the past), so the reports show
    figures: on site and online, with end reports from both sides."""
    from migdev.diaspora.models import Agreement, EndReport, HoursLog, Invitation

    count = 0
    base = timezone.localdate() - timedelta(days=200)
    first: Assignment | None = None
    for n, expert in enumerate(experts[:8]):
        host = hosts[n % len(hosts)]
        modality = "online" if n % 3 == 1 else "on_site"
        if n == 7:
            modality = "permanent_return"
        if n == 6 and first is not None:
            # A repeat assignment: the first expert again, for another institution.
            expert = first.agreement.invitation.expert
        start = base + timedelta(days=15 * n)
        row = Request.objects.create(
            host=host,
            group=programme,
            created_by=None,
            title=f"SAMPLE: past assignment {n + 1}",
            objectives="SAMPLE objectives.",
            skill_uris=list(expert.skill_uris),
            sector=expert.sectors[0],
            modality=modality,
            duration_days=21,
            starts_on=start,
            ends_on=start + timedelta(days=30),
            language="fr",
            status=Request.Status.FILLED,
            submitted_at=timezone.now() - timedelta(days=260 - 15 * n),
            approved_at=timezone.now() - timedelta(days=250 - 15 * n),
            approved_by=officer,
            is_sample=True,
        )
        invitation = Invitation.objects.create(
            request=row,
            expert=expert,
            invited_by=officer,
            score=0.8,
            repeat_of=first if n == 6 else None,
            answer="accepted",
            answered_at=timezone.now() - timedelta(days=240 - 15 * n),
            selected_at=timezone.now() - timedelta(days=235 - 15 * n),
        )
        agreement = Agreement.objects.create(
            invitation=invitation,
            starts_on=start,
            ends_on=start + timedelta(days=20),
            deliverables="SAMPLE deliverables",
            compensation="per_diem" if modality == "on_site" else "stipend",
            amount=Decimal("90.00"),
            insurance="SAMPLE insurance",
            expert_signed_at=timezone.now() - timedelta(days=230 - 15 * n),
            host_signed_at=timezone.now() - timedelta(days=229 - 15 * n),
        )
        assignment = Assignment.objects.create(
            agreement=agreement,
            modality=modality,
            stage=Assignment.Stage.FOLLOW_UP,
            started_on=start,
            ended_on=start + timedelta(days=20),
            preparation={
                item: "not_needed" if item == "visa" else (start - timedelta(days=7)).isoformat()
                for item in PREPARATION_ITEMS[modality]
            },
            is_sample=True,
        )
        if n == 0:
            first = assignment
        if modality == "permanent_return":
            _reintegration_plan(assignment, officer, start)
        if modality == "online":
            for day in range(10):
                HoursLog.objects.create(
                    assignment=assignment,
                    worked_on=start + timedelta(days=day),
                    hours=Decimal(rng.choice([2, 3, 4])),
                )
        for author in ("expert", "host"):
            EndReport.objects.create(
                assignment=assignment,
                author=author,
                people_trained=rng.randint(5, 40),
                documents_produced=rng.randint(0, 4),
                services_delivered=rng.randint(0, 3),
                rating=rng.randint(3, 5),
                summary="SAMPLE report.",
            )
        count += 1
    return count


def _reintegration_plan(assignment: Assignment, officer: User | None, start: date) -> None:
    from migdev.diaspora.models import ReintegrationFollowUp, ReintegrationPlan, ReintegrationSupport

    plan = ReintegrationPlan.objects.create(
        assignment=assignment,
        goals="SAMPLE: a post at the host institution, housing for the first months, schooling for two children.",
        created_by=officer,
    )
    for kind, amount, given in (
        ("travel", "1200", True),
        ("housing", "900", True),
        ("business", "2500", False),
    ):
        ReintegrationSupport.objects.create(
            plan=plan,
            kind=kind,
            description=f"SAMPLE {kind} support",
            provider="SAMPLE programme",
            amount=Decimal(amount),
            due_on=start + timedelta(days=30),
            status="done" if given else "planned",
            done_on=start + timedelta(days=20) if given else None,
        )
    for days, situation in ((60, "progressing"), (120, "settled")):
        if start + timedelta(days=days) <= timezone.localdate():
            ReintegrationFollowUp.objects.create(
                plan=plan,
                held_on=start + timedelta(days=days),
                situation=situation,
                note="SAMPLE follow-up call.",
                recorded_by=officer,
            )


def _officer(programme: UserGroup) -> User | None:
    user = _demo_user("programme_officer")
    if user is not None:
        user.user_groups.add(programme)
        platform_access.forget_cached_access(user)
    return user


def _creator(host: HostInstitution, officer: User | None) -> User | None:
    """Who wrote a SAMPLE request: the demo host user for the institution it belongs to (the first sample
    host, see ``_attach_demo_users``), the programme officer for the other institutions."""
    host_user = _demo_user("host_institution")
    first = HostInstitution.objects.filter(is_sample=True).order_by("pk").first()
    return host_user if host_user is not None and first is not None and host.pk == first.pk else officer


def _attach_demo_users() -> None:
    """Give the demo accounts their place: the officer in the programme, the host and office users in the
    sample institutions, the demo expert a SAMPLE profile of their own."""
    programme = UserGroup.objects.filter(name=PROGRAMME).first()
    officer = _demo_user("programme_officer")
    if officer is not None and programme is not None:
        officer.user_groups.add(programme)
    host = HostInstitution.objects.filter(is_sample=True).order_by("pk").first()
    host_user = _demo_user("host_institution")
    if host_user is not None and host is not None:
        host_user.organisation = host.organisation
        host_user.save(update_fields=["organisation"])
        # Demo databases seeded before the fix: the host user was written as the creator of every open
        # SAMPLE request; those of other institutions were the programme's work.
        Request.objects.filter(is_sample=True, created_by=host_user).exclude(
            host__organisation=host.organisation
        ).update(created_by=officer)
    office = DiasporaOffice.objects.filter(country="SEN").first()
    office_user = _demo_user("diaspora_office")
    if office_user is not None and office is not None:
        office_user.organisation = office.organisation
        office_user.save(update_fields=["organisation"])
    expert_user = _demo_user("expert")
    if expert_user is not None and not Expert.objects.filter(user=expert_user).exists():
        expert_user.roles.add(*RoleDefinition.objects.filter(code="expert"))
        sample = (
            Expert.objects.filter(is_sample=True, user__isnull=True, status=Expert.Status.ACTIVE)
            .order_by("pk")
            .first()
        )
        if sample is not None:
            sample.user = expert_user
            sample.save(update_fields=["user"])
    for user in (officer, host_user, office_user, expert_user):
        if user is not None:
            platform_access.forget_cached_access(user)
