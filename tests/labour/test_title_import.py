"""Shortage lists with free-text job titles mapped to ESCO: confident titles applied, the others confirmed by
a person, never silently picked."""

import json
from pathlib import Path

import pytest
from django.test import Client

from migdev.dataio.errors import ImportRejected
from migdev.dataio.services import import_file
from migdev.labour.models import ShortageOccupation, TitleMapping
from migdev.skills.models import Occupation, TaxonomyEdition
from tests.factories import login_verified, make_user
from tests.labour.conftest import NURSE, OCC, World

HEADER = "destination_iso3,title,listed_on,source,esco_uri\n"
HEAD_CHEF = OCC + "t-head-chef"
PASTRY_CHEF = OCC + "t-pastry-chef"
SHIP_COOK = OCC + "t-ship-cook"


def _file(tmp_path: Path, body: str, name: str = "shortage.csv") -> Path:
    path = tmp_path / name
    path.write_text(HEADER + body, encoding="utf-8")
    return path


@pytest.fixture
def chefs(esco: TaxonomyEdition) -> None:
    Occupation.objects.create(edition=esco, uri=HEAD_CHEF, isco_code="3434", label_en="head chef")
    Occupation.objects.create(edition=esco, uri=PASTRY_CHEF, isco_code="3434", label_en="pastry chef")
    # Two occupations an exact title matches equally well: still for a person to decide.
    Occupation.objects.create(edition=esco, uri=SHIP_COOK, isco_code="5120", label_en="cook")
    TaxonomyEdition.objects.filter(pk=esco.pk).update(revision=esco.revision + 1)


def test_titles_mapped_alone_only_when_clear(world: World, chefs: None, tmp_path: Path) -> None:
    body = (
        "BEL,nurse,2026-10-01,Belgian shortage list 2026,\n"
        "BEL,chef,2026-10-01,Belgian shortage list 2026,\n"
        "BEL,astronaut,2026-10-01,Belgian shortage list 2026,\n"
        "BEL,cook,2026-10-01,Belgian shortage list 2026,\n"
        f"BEL,Cuisinier polyvalent,2026-10-01,Belgian shortage list 2026,{OCC}t-cook\n"
    )
    result = import_file(format_name="shortage-list", path=_file(tmp_path, body))
    assert (result.read, result.created) == (5, 2)
    by_title = {m.title: m for m in TitleMapping.objects.all()}
    assert by_title["nurse"].status == "mapped" and by_title["nurse"].occupation_uri == NURSE
    assert by_title["nurse"].confidence and by_title["nurse"].confidence >= 0.9
    assert by_title["Cuisinier polyvalent"].status == "mapped"
    chef = by_title["chef"]
    assert chef.status == "ambiguous" and chef.occupation_uri == "" and chef.shortage is None
    assert {c["uri"] for c in chef.candidates} == {HEAD_CHEF, PASTRY_CHEF}
    assert by_title["astronaut"].status == "unmatched" and by_title["astronaut"].candidates == []
    cook = by_title["cook"]
    assert cook.status == "ambiguous" and {c["uri"] for c in cook.candidates} >= {OCC + "t-cook", SHIP_COOK}
    assert set(ShortageOccupation.objects.values_list("occupation_uri", flat=True)) == {NURSE, OCC + "t-cook"}
    assert ShortageOccupation.objects.get(occupation_uri=NURSE).isco_code == "2221"

    # A person picks the occupation, through the API, with the version they saw.
    officer = Client()
    login_verified(officer, world.officer)
    listed = officer.get("/api/v1/labour/title-mappings").json()["items"]
    assert {item["title"] for item in listed} == {"chef", "astronaut", "cook"}
    url = f"/api/v1/labour/title-mappings/{chef.pk}/confirm"
    body_json = {"version": chef.version, "occupation_uri": PASTRY_CHEF}
    assert (
        officer.post(
            url,
            data=json.dumps({**body_json, "occupation_uri": OCC + "t-missing"}),
            content_type="application/json",
        ).status_code
        == 422
    )
    confirmed = officer.post(url, data=json.dumps(body_json), content_type="application/json")
    assert confirmed.status_code == 200 and confirmed.json()["status"] == "confirmed"
    assert ShortageOccupation.objects.filter(occupation_uri=PASTRY_CHEF, isco_code="3434").exists()
    again = officer.post(url, data=json.dumps(body_json), content_type="application/json")
    assert again.status_code == 404  # no longer waiting
    page = officer.get("/fr/labour/title-mappings/")
    assert (
        page.status_code == 200
        and "astronaut" in page.content.decode()
        and "chef<" not in page.content.decode()
    )
    for user in (world.employer_user, world.pes, make_user("worker")):
        client = Client()
        login_verified(client, user)
        assert client.get("/en/labour/title-mappings/").status_code == 404
        assert client.get("/api/v1/labour/title-mappings").json()["items"] == []


def test_stale_confirmation_answers_409(world: World, chefs: None, tmp_path: Path) -> None:
    import_file(format_name="shortage-list", path=_file(tmp_path, "BEL,chef,2026-10-01,List,\n"))
    chef = TitleMapping.objects.get()
    TitleMapping.objects.filter(pk=chef.pk).update(version=chef.version + 1)
    officer = Client()
    login_verified(officer, world.officer)
    stale = officer.post(
        f"/api/v1/labour/title-mappings/{chef.pk}/confirm",
        data=json.dumps({"version": chef.version, "occupation_uri": HEAD_CHEF}),
        content_type="application/json",
    )
    assert stale.status_code == 409 and not ShortageOccupation.objects.exists()


@pytest.mark.parametrize(
    "row, column",
    [
        ("XXX,nurse,2026-10-01,List,\n", "destination_iso3"),
        ("BEL,   ,2026-10-01,List,\n", "title"),
        ("BEL,nurse,2026-13-01,List,\n", "listed_on"),
        ("BEL,nurse,2026-10-01,,\n", "source"),
        (f"BEL,ward nurse,2026-10-01,List,{OCC}t-astronaut\n", "esco_uri"),
        ("BEL,Nurse,2026-10-01,List,\n", "title"),
    ],
)
def test_bad_rows_refuse_the_whole_file(world: World, tmp_path: Path, row: str, column: str) -> None:
    good = "BEL,nurse,2026-10-01,List,\n"
    with pytest.raises(ImportRejected) as refused:
        import_file(format_name="shortage-list", path=_file(tmp_path, good + row, name="list-2026.csv"))
    error = refused.value.errors[0]
    assert (error.row, error.column) == (3, column)
    assert "list-2026.csv" in str(refused.value)
    assert not ShortageOccupation.objects.exists() and not TitleMapping.objects.exists()


def test_no_esco_edition_refuses_the_file(db: None, tmp_path: Path) -> None:
    TaxonomyEdition.objects.filter(taxonomy="esco").update(is_current=False)
    with pytest.raises(ImportRejected):
        import_file(format_name="shortage-list", path=_file(tmp_path, "BEL,nurse,2026-10-01,List,\n"))
