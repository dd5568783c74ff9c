"""Organisations' own French and Spanish names on the hub's pages (OIM, HCR/ACNUR, OIT, Banque mondiale/Banco Mundial,
DAES…), each read on a page whose address is stored; an organisation with no recorded name in the page's language
keeps its English name, marked lang="en". Expected names are written out here, not read back from the data file."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.template import Context, Template
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from migdev.accounts.models import Organisation
from migdev.coordination import content
from migdev.coordination.models import OrganisationName

pytestmark = pytest.mark.django_db

IOM_EN = "International Organization for Migration"
DESA_EN = "United Nations Department of Economic and Social Affairs"


@pytest.fixture
def loaded(db: Any) -> str:
    return content.load_hub_content()


def _organisation_shown(client: Client, language: str, slug: str) -> str:
    html = client.get(f"/{language}/coordination/library/{slug}/").content.decode()
    start = html.index(
        "<dd>", html.index(">" + {"en": "Organisation", "fr": "Organisation", "es": "Organización"}[language])
    )
    return html[start + 4 : html.index("</dd>", start)]


def test_french_pages_show_the_names_organisations_publish_in_french(loaded: str, client: Client) -> None:
    assert _organisation_shown(client, "fr", "world-migration-report-2013-en") == (
        "Organisation internationale pour les migrations"
    )
    assert _organisation_shown(client, "fr", "un-desa-international-migration-report-2015") == (
        "Département des affaires économiques et sociales de l&#x27;ONU"
    )
    # No French name recorded for the Global Commission on International Migration: English, marked as English.
    assert _organisation_shown(client, "fr", "gcim-report-2005-fr") == (
        '<span lang="en">Global Commission on International Migration</span>'
    )


def test_spanish_pages_show_spanish_names_and_mark_the_english_ones(loaded: str, client: Client) -> None:
    assert _organisation_shown(client, "es", "world-migration-report-2024-es") == (
        "Organización Internacional para las Migraciones"
    )
    assert (
        _organisation_shown(client, "es", "undp-hdr-2009-es")
        == "Programa de las Naciones Unidas para el Desarrollo"
    )
    # UN DESA's Spanish name was not found on a page read: English, marked lang="en", never translated here.
    assert _organisation_shown(client, "es", "un-desa-international-migration-report-2015") == (
        f'<span lang="en">{DESA_EN}</span>'
    )
    page = client.get("/es/coordination/library/?q=migraciones").content.decode()
    assert "Organización Internacional para las Migraciones" in page
    assert IOM_EN not in page


def test_english_pages_are_unchanged(loaded: str, client: Client) -> None:
    assert _organisation_shown(client, "en", "world-migration-report-2013-en") == IOM_EN
    assert 'lang="en"' not in _organisation_shown(client, "en", "gcim-report-2005-fr")


def test_short_form_uses_the_published_acronym(loaded: str) -> None:
    for acronym, name, kind in (
        ("UNHCR", "Office of the United Nations High Commissioner for Refugees", "un_agency"),
    ):
        Organisation.objects.get_or_create(acronym=acronym, defaults={"name": name, "kind": kind})
    content.load_organisation_names()
    template = Template("{% load coordination %}{% org_name org short=True %}|{% org_name org %}")
    unhcr = Organisation.objects.get(acronym="UNHCR")
    gcim = Organisation.objects.get(acronym="GCIM")
    with translation.override("fr"):
        assert (
            template.render(Context({"org": unhcr}))
            == "HCR|Haut Commissariat des Nations Unies pour les réfugiés"
        )
        assert template.render(Context({"org": gcim})) == (
            '<span lang="en">GCIM</span>|<span lang="en">Global Commission on International Migration</span>'
        )
    with translation.override("es"):
        assert template.render(Context({"org": unhcr})) == (
            "ACNUR|Alto Comisionado de las Naciones Unidas para los Refugiados"
        )
    with translation.override("en"):
        assert template.render(Context({"org": unhcr})) == f"UNHCR|{unhcr.name}"


def test_a_page_reads_the_names_once(loaded: str, client: Client) -> None:
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/fr/coordination/library/")
    assert response.status_code == 200
    reads = [q["sql"] for q in queries.captured_queries if "coordination_organisationname" in q["sql"]]
    assert len(reads) == 1


def test_every_shipped_name_names_its_page() -> None:
    entries = tomllib.loads(content.ORGANISATION_NAMES_FILE.read_text(encoding="utf-8"))["names"]
    assert {(e["organisation"], e["language"]) for e in entries} >= {
        ("IOM", "fr"),
        ("IOM", "es"),
        ("UNHCR", "fr"),
        ("UNHCR", "es"),
        ("ILO", "fr"),
        ("ILO", "es"),
        ("World Bank", "fr"),
        ("World Bank", "es"),
        ("UN-DESA", "fr"),
    }
    for entry in entries:
        assert entry["source"].startswith("http"), entry
        assert entry["name"].strip(), entry


def test_a_broken_entry_refuses_the_whole_file(loaded: str, tmp_path: Path) -> None:
    OrganisationName.objects.all().delete()
    bad = tmp_path / "names.toml"
    bad.write_text(
        '[[names]]\norganisation = "IOM"\nlanguage = "fr"\nname = "Organisation internationale pour les migrations"\n'
        'acronym = "OIM"\nsource = "https://iom.int/fr/qui-sommes-nous"\naccessed = "2026-12-07"\n\n'
        '[[names]]\norganisation = "ILO"\nlanguage = "es"\nname = "Organización Internacional del Trabajo"\n'
        'acronym = "OIT"\nsource = "ilo.org"\naccessed = "2026-12-07"\n',
        encoding="utf-8",
    )
    with pytest.raises(content.ContentFileError, match=r"ILO \(es\).*source"):
        content.load_organisation_names(bad)
    assert not OrganisationName.objects.exists()
    bad.write_text(
        bad.read_text(encoding="utf-8").replace('language = "es"', 'language = "de"'), encoding="utf-8"
    )
    with pytest.raises(content.ContentFileError, match="language"):
        content.load_organisation_names(bad)


def test_a_name_taken_out_of_the_file_goes(loaded: str, tmp_path: Path) -> None:
    assert OrganisationName.objects.filter(organisation__acronym="IOM", language="es").exists()
    text = content.ORGANISATION_NAMES_FILE.read_text(encoding="utf-8")
    start = text.rindex("[[names]]", 0, text.index('organisation = "IOM"\nlanguage = "es"'))
    end = text.index("[[names]]", start + 1)
    smaller = tmp_path / "names.toml"
    smaller.write_text(text[:start] + text[end:], encoding="utf-8")
    content.load_organisation_names(smaller)
    assert not OrganisationName.objects.filter(organisation__acronym="IOM", language="es").exists()
    assert OrganisationName.objects.filter(organisation__acronym="IOM", language="fr").exists()


def test_library_results_mark_each_title_in_its_own_language(loaded: str, client: Client) -> None:
    from migdev.coordination.models import Publication

    page = client.get("/fr/coordination/library/?q=migration").content.decode()
    shown = re.findall(r'<h3 lang="([a-z]{2})"><a href="/fr/coordination/library/([^/"]+)/', page)
    assert shown, "no result title carries a lang attribute"
    languages = dict(
        Publication.objects.filter(slug__in=[slug for _, slug in shown]).values_list("slug", "language")
    )
    assert all(languages[slug] == lang for lang, slug in shown)
    assert "en" in {lang for lang, _ in shown}  # English titles on a French page are marked as English
