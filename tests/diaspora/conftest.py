"""Diaspora fixtures: a small ESCO edition (real URIs and labels), a programme, a host institution in
Senegal, a government diaspora office, and users for each role."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest
from django.test import Client

from migdev.accounts.models import Organisation, User, UserGroup
from migdev.diaspora import services
from migdev.diaspora.models import DiasporaOffice, Expert, HostInstitution, Request
from migdev.skills import engine as skills_engine
from migdev.skills.models import Occupation, OccupationSkill, Skill, TaxonomyEdition
from tests.factories import login_verified, make_user

ESCO = "http://data.europa.eu/esco/"
EPIDEMIOLOGY = ESCO + "skill/9fa6b84e-d625-4d1d-a5d0-e7f6b357deb8"
PUBLIC_HEALTH = ESCO + "skill/9570e84e-6699-4c9f-9a12-7bc82d53a231"
PROJECT_MANAGEMENT = ESCO + "skill/7111b95d-0ce3-441a-9d92-4c75d05c4388"
PROGRAMMING = ESCO + "skill/21d2f96d-35f7-4e3f-9745-c533d2dd6e97"
AGRONOMY = ESCO + "skill/afdcb380-ef9f-4785-b877-cc551f035034"
EPIDEMIOLOGIST = ESCO + "occupation/b73c752b-9858-4f53-82de-f3a340cbcae9"
SOFTWARE_DEVELOPER = ESCO + "occupation/f2b15a0e-e65a-438a-affb-29b9d50b77d1"

SKILLS = {
    EPIDEMIOLOGY: ("epidemiology", "épidémiologie", "epidemiología"),
    PUBLIC_HEALTH: ("public health", "santé publique", "salud pública"),
    PROJECT_MANAGEMENT: ("project management", "gestion de projets", "gestión de proyectos"),
    PROGRAMMING: ("computer programming", "programmation informatique", "programación informática"),
    AGRONOMY: ("agronomy", "agronomie", "agronomía"),
}


@pytest.fixture
def esco(db: None) -> TaxonomyEdition:
    skills_engine.clear_cache()
    edition = TaxonomyEdition.objects.create(taxonomy="esco", version="test-1.2.0", is_current=True)
    skills = {
        uri: Skill.objects.create(edition=edition, uri=uri, label_en=en, label_fr=fr, label_es=es)
        for uri, (en, fr, es) in SKILLS.items()
    }
    epidemiologist = Occupation.objects.create(
        edition=edition, uri=EPIDEMIOLOGIST, code="2131.2", isco_code="2131", label_en="epidemiologist"
    )
    developer = Occupation.objects.create(
        edition=edition,
        uri=SOFTWARE_DEVELOPER,
        code="2512.4",
        isco_code="2512",
        label_en="software developer",
    )
    for occupation, uris in (
        (epidemiologist, [EPIDEMIOLOGY, PUBLIC_HEALTH, PROJECT_MANAGEMENT]),
        (developer, [PROGRAMMING, PROJECT_MANAGEMENT]),
    ):
        for uri in uris:
            OccupationSkill.objects.create(
                edition=edition, occupation=occupation, skill=skills[uri], relation_type="essential"
            )
    yield edition
    skills_engine.clear_cache()


@dataclass
class World:
    programme: UserGroup
    host: HostInstitution
    other_host: HostInstitution
    office: DiasporaOffice
    officer: User
    other_officer: User
    host_user: User
    other_host_user: User
    office_user: User

    def expert(self, **overrides: Any) -> Expert:
        values = {
            "given_name": "Aminata",
            "family_name": "Diallo",
            "email": "aminata.diallo@example.org",
            "phone": "+33 6 12 34 56 78",
            "biography": "Epidemiologist at a Lyon hospital; led cholera surveillance in 2019.",
            "sex": "F",
            "country_of_origin": "SEN",
            "country_of_residence": "FRA",
            "languages": [{"code": "fr", "level": "C2"}, {"code": "en", "level": "C1"}],
            "education": [{"level": "doctorate", "field": "Public health"}],
            "occupation_uris": [EPIDEMIOLOGIST],
            "skill_uris": [EPIDEMIOLOGY, PUBLIC_HEALTH],
            "sectors": ["health"],
            "years_experience": 12,
            "days_on_site_per_year": 30,
            "hours_online_per_week": 5,
            "modalities": ["on_site", "online"],
        }
        user = overrides.pop("user", None)
        windows = overrides.pop("windows", [(date(2027, 3, 1), date(2027, 4, 30))])
        values.update(overrides)
        if user is None:
            user = make_user("expert")
        return services.expert_create(
            actor=user, values=values, user=user, group=self.programme, windows=windows
        )

    def request_row(
        self, *, host: HostInstitution | None = None, approve: bool = True, **overrides: Any
    ) -> Request:
        host = host or self.host
        values = {
            "title": "Strengthen cholera surveillance",
            "objectives": "Train district teams in outbreak surveillance.",
            "tasks": "Two workshops; review the reporting forms.",
            "skill_uris": [EPIDEMIOLOGY, PUBLIC_HEALTH, PROJECT_MANAGEMENT],
            "occupation_uri": EPIDEMIOLOGIST,
            "sector": "health",
            "modality": "on_site",
            "duration_days": 21,
            "place": "Dakar",
            "starts_on": date(2027, 3, 10),
            "ends_on": date(2027, 4, 10),
            "language": "fr",
            "language_level": "C1",
            "host_provides": "Office, local transport, counterpart staff.",
        }
        values.update(overrides)
        creator = self.host_user if host == self.host else self.other_host_user
        row = services.request_create(actor=creator, host=host, values=values, group=self.programme)
        if approve:
            services.request_submit(actor=creator, row=row)
            services.request_approve(actor=self.officer, row=row)
        row.refresh_from_db()
        return row


@pytest.fixture
def world(db: None) -> World:
    programme = UserGroup.objects.create(name="MIDA West Africa (test)")
    other_programme = UserGroup.objects.create(name="Another programme")
    host_org = Organisation.objects.create(
        name="Ministry of Health, Senegal (test)", kind=Organisation.Kind.GOVERNMENT
    )
    other_org = Organisation.objects.create(
        name="University of Bamako (test)", kind=Organisation.Kind.GOVERNMENT
    )
    office_org = Organisation.objects.create(
        name="Senegal diaspora office (test)", kind=Organisation.Kind.GOVERNMENT
    )
    host = HostInstitution.objects.create(organisation=host_org, country="SEN", sector="health", city="Dakar")
    other_host = HostInstitution.objects.create(organisation=other_org, country="MLI", sector="education")
    office = DiasporaOffice.objects.create(organisation=office_org, country="SEN")
    return World(
        programme=programme,
        host=host,
        other_host=other_host,
        office=office,
        officer=make_user("programme_officer", groups=(programme,)),
        other_officer=make_user("programme_officer", groups=(other_programme,)),
        host_user=make_user("host_institution", organisation=host_org),
        other_host_user=make_user("host_institution", organisation=other_org),
        office_user=make_user("diaspora_office", organisation=office_org),
    )


def signed_in(user: User) -> Client:
    client = Client()
    from migdev.accounts import access

    if access.require_two_factor(user):
        login_verified(client, user)
    else:
        client.force_login(user)
    return client


def prepared(world: World, assignment: Any) -> None:
    """Tick the assignment's preparation checklist (a visa marked not needed), as its officer would."""
    from migdev.diaspora.models import PREPARATION_ITEMS

    for item in PREPARATION_ITEMS[assignment.modality]:
        services.assignment_prepare(
            actor=world.officer,
            assignment=assignment,
            item=item,
            done_on=None if item == "visa" else date(2027, 3, 1),
        )
