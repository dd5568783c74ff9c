"""IATI codelist names (DAC regions, sectors, sector groups) on French and Spanish pages: the French names IATI
publishes are shown on French pages; where IATI publishes none (every Spanish name, some French ones) the
English name is shown and marked `lang="en"`, never translated by migdev. Expected names are copied here
from IATI's Region.xml and Sector.xml (see the codelists' SOURCE.md), not from the shipped CSV files."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.test import Client
from django.utils import translation

from migdev.accounts.models import User
from migdev.coordination.activities import codelists
from migdev.coordination.activities.iati import import_iati_bytes
from migdev.coordination.models import Activity

pytestmark = pytest.mark.django_db

FIXTURE = Path(__file__).parent / "fixtures" / "iati-money-2.03.xml"
MIGRATION_FR = (
    "Faciliter la migration et la mobilité de façon ordonnée, sans danger, régulière et responsable"
)
MIGRATION_EN = "Facilitation of orderly, safe, regular and responsible migration and mobility"


@pytest.fixture
def loaded(editor: User) -> None:
    import_iati_bytes(FIXTURE.read_bytes(), file_name=FIXTURE.name, actor=editor)


def test_names_are_french_where_iati_publishes_them_and_marked_english_elsewhere() -> None:
    with translation.override("fr"):
        asia = codelists.region_name("798")
        assert (asia.text, asia.lang) == ("Asie, régional", "")
        assert codelists.region_label("389") == "Amérique N. & C., régional"
        sector = codelists.sector_name("15190")
        assert (sector.text, sector.lang) == (f"15190 {MIGRATION_FR}", "")
        assert codelists.sector_label("24050") == (
            "24050 Facilitation, promotion et optimisation des transferts de fonds des migrants"
        )
        # IATI has no French name for the newer Caribbean sub-region, and left "Labour rights" in English.
        assert (codelists.region_name("1031").text, codelists.region_name("1031").lang) == (
            "Caribbean, regional",
            "en",
        )
        assert codelists.sector_name("16070").lang == "en"
    with translation.override("es"):
        asia = codelists.region_name("798")
        assert (asia.text, asia.lang) == ("Asia, regional", "en")
        assert codelists.sector_name("15190").text == f"15190 {MIGRATION_EN}"
        assert codelists.sector_group_name("151").lang == "en"
    with translation.override("en"):
        assert codelists.region_name("798").lang == ""


def _row_heading(page: str, text: str) -> str:
    found = re.search(r'<th scope="row"[^>]*>' + re.escape(text) + "</th>", page)
    assert found, text
    return found.group(0)


def test_money_page_rows_and_bars_in_french_and_spanish(loaded: None, client: Client) -> None:
    french = client.get("/fr/coordination/activities/money/?by=country&currency=USD").content.decode()
    assert _row_heading(french, "Asie, régional") == '<th scope="row">Asie, régional</th>'
    assert "Asia, regional" not in french

    spanish = client.get("/es/coordination/activities/money/?by=country&currency=USD").content.decode()
    assert _row_heading(spanish, "Asia, regional") == '<th scope="row" lang="en">Asia, regional</th>'
    assert _row_heading(spanish, "Senegal") == '<th scope="row">Senegal</th>'  # countries follow the page
    assert re.search(r'<text [^>]*class="tick" lang="en">Asia, regional</text>', spanish)
    specs = client.get("/es/coordination/activities/money/?by=country&currency=USD&format=vega-lite").json()
    asia = next(p for p in specs["money-commitments"]["data"]["values"] if p["key"] == "region:798")
    assert (asia["label"], asia["lang"]) == ("Asia, regional", "en")

    by_sector = client.get("/fr/coordination/activities/money/?by=sector&currency=USD").content.decode()
    assert _row_heading(by_sector, f"15190 {MIGRATION_FR}").startswith('<th scope="row">')
    by_sector_es = client.get("/es/coordination/activities/money/?by=sector&currency=USD").content.decode()
    assert _row_heading(by_sector_es, f"15190 {MIGRATION_EN}").startswith('<th scope="row" lang="en">')
    # Where the names come from is said on the page.
    assert "IATI" in by_sector_es[by_sector_es.index('id="codelist-names"') :][:600]


def test_activity_page_regions_and_sectors(loaded: None, client: Client) -> None:
    activity = Activity.objects.get(iati_identifier="XM-DAC-47066-MIGDEV-ROUNDTRIP-1")
    french = client.get(f"/fr/coordination/activities/{activity.pk}/").content.decode()
    assert "Asie, régional" in french and MIGRATION_FR in french
    assert '<span lang="en">Asia, regional</span>' not in french
    spanish = client.get(f"/es/coordination/activities/{activity.pk}/").content.decode()
    assert '<span lang="en">Asia, regional</span>' in spanish
    assert f'<span lang="en">15190 {MIGRATION_EN}</span>' in spanish
