"""Research network: researchers and projects linked to institutions, topics, countries and publications."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client

from migdev.accounts.models import Organisation, User
from migdev.coordination.demo import seed_demo
from migdev.coordination.knowledge import selectors, services

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("orcid", "valid"),
    [
        ("0000-0002-1825-0097", True),
        ("0000-0001-5109-3700", True),
        ("0000-0002-1694-233X", True),
        ("0000-0002-1825-0098", False),
        ("0000-0002-1825-009", False),
        ("0000 0002 1825 0097", False),
    ],
)
def test_orcid_check_digit(orcid: str, valid: bool) -> None:
    assert services.orcid_is_valid(orcid) is valid


def test_network_by_topic_and_country(editor: User, iom: Organisation) -> None:
    world_bank = Organisation.objects.get(acronym="World Bank")
    researcher = services.researcher_save(
        actor=editor,
        data=services.ResearcherInput(
            name="A. Researcher",
            organisation=iom,
            orcid="0000-0002-1825-0097",
            topic_codes=["remittances"],
            country_codes=["SN"],
            is_published=True,
        ),
    )
    project = services.research_project_save(
        actor=editor,
        data=services.ResearchProjectInput(
            title="Remittance corridors study",
            lead_organisation=iom,
            partners=[world_bank, iom],
            researcher_slugs=[researcher.slug],
            topic_codes=["remittances"],
            country_codes=["SEN"],
            start_year=2007,
            end_year=2008,
            source="test",
            is_published=True,
        ),
    )
    assert list(project.partners.all()) == [world_bank]  # the lead is not its own partner
    network = selectors.research_network(None, topic="remittances")
    assert network.researchers == [researcher] and network.projects == [project]
    institutions = {entry.organisation.acronym: entry for entry in network.institutions}
    assert (institutions["IOM"].researchers, institutions["IOM"].projects) == (1, 1)
    assert institutions["World Bank"].projects == 1
    assert selectors.research_network(None, country_iso3="MEX").projects == []
    hidden = services.researcher_save(actor=editor, data=services.ResearcherInput(name="Unpublished"))
    assert hidden not in selectors.research_network(None).researchers


def test_bad_input_and_permissions(editor: User, analyst: User, iom: Organisation) -> None:
    with pytest.raises(ValidationError, match="ORCID"):
        services.researcher_save(actor=editor, data=services.ResearcherInput(name="X", orcid="1234"))
    with pytest.raises(ValidationError):
        services.research_project_save(
            actor=editor,
            data=services.ResearchProjectInput(
                title="T", lead_organisation=iom, source="s", start_year=2010, end_year=2000
            ),
        )
    with pytest.raises(ValidationError, match="Unknown publications"):
        services.researcher_save(
            actor=editor, data=services.ResearcherInput(name="X", publication_slugs=["nope"])
        )
    with pytest.raises(PermissionDenied):
        services.researcher_save(actor=analyst, data=services.ResearcherInput(name="X"))


def test_pages_and_api(client: Client) -> None:
    seed_demo()
    html = client.get("/en/coordination/library/network/").content.decode()
    assert "Dina Ionescu" in html and "Migration policies and their development relevance" in html
    person = client.get("/en/coordination/library/network/researchers/dina-ionescu/").content.decode()
    assert "Engaging Diasporas" in person
    project = client.get(
        "/en/coordination/library/network/projects/migration-policies-development-relevance/"
    )
    assert project.status_code == 200 and "The World Bank" in project.content.decode()
    assert client.get("/en/coordination/library/network/projects/new/").status_code == 302
    body = client.get("/api/v1/coordination/research-projects?topic=data-research").json()
    assert body[0]["partner_institutions"] and body[0]["publications"] == [
        "migration-policies-and-their-development-relevance-2006"
    ]
    assert client.get("/api/v1/coordination/researchers?country=ZZZ").status_code == 422
