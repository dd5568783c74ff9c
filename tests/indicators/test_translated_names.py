"""Indicator names, definitions and unit labels stored as data show in French and Spanish: on pages, in the
downloads' metadata and in the API (``?lang=`` or Accept-Language), falling back to the stored English."""

import csv
import io
import json

import polib
import pytest
from django.urls import reverse
from django.utils import translation

from migdev.indicators import catalogue
from migdev.indicators.formatting import catalogue_text
from migdev.indicators.models import Indicator

pytestmark = pytest.mark.django_db

LOCALE = catalogue.__file__.rsplit("/", 1)[0] + "/locale"


@pytest.mark.parametrize("language", ["fr", "es"])
def test_every_seeded_text_is_in_the_module_catalogue(language: str) -> None:
    po = polib.pofile(f"{LOCALE}/{language}/LC_MESSAGES/django.po")
    translated = {entry.msgid for entry in po.translated_entries()}
    texts = [text for spec in catalogue.INDICATORS for text in (spec.name, spec.short_name, spec.definition)]
    texts += [spec.unit_label for spec in catalogue.INDICATORS] + list(catalogue.THEMES.values())
    texts += [text for spec in catalogue.SDG_INDICATORS for text in (spec.title, spec.target)]
    assert [text for text in texts if text not in translated] == []


def test_catalogue_text_translates_and_falls_back(db) -> None:
    with translation.override("fr"):
        assert catalogue_text("International migrant stock") == "Stock de migrants internationaux"
        assert catalogue_text("% of population") == "% de la population"
        assert catalogue_text("A name an editor typed") == "A name an editor typed"
        assert catalogue_text("") == ""  # not the catalogue header


def test_french_and_spanish_indicator_pages(client, ims_2020):
    french = client.get("/fr/indicators/migrant-share-of-population/").content.decode()
    assert "<h1>Migrants internationaux en proportion de la population</h1>" in french
    assert "Stock de migrants internationaux divisé par la population totale" in french  # definition
    assert "% de la population" in french  # a unit label with "%" ({% translate var %} would miss it)
    spanish = client.get("/es/indicators/migrant-share-of-population/?view=map").content.decode()
    assert "Migrantes internacionales como proporción de la población" in spanish
    assert "Mapa mundial" in spanish
    home = client.get("/fr/indicators/").content.decode()
    assert "Stocks de migrants" in home and "Migration forcée" in home  # themes
    sdg = client.get("/es/indicators/sdg/").content.decode()
    assert "Costo de las remesas en proporción a las sumas remitidas" in sdg
    assert "Promedio mundial inferior al 3 %; ningún corredor por encima del 5 %." in sdg


def test_the_same_page_in_english_is_unchanged(client, ims_2020):
    english = client.get("/en/indicators/migrant-share-of-population/").content.decode()
    assert "<h1>International migrants as a share of the population</h1>" in english


def test_download_metadata_in_the_page_language(client, ims_2020):
    url = "/fr" + reverse("indicators:download", args=["migrant-share-of-population"])[3:]
    meta = json.loads(client.get(url, {"format": "metadata"}).content)
    assert meta["name"] == "Migrants internationaux en proportion de la population"
    assert meta["unit"] == "% de la population"
    assert meta["language"] == "fr"
    rows = list(
        csv.DictReader(io.StringIO(client.get(url, {"format": "csv", "scope": "full"}).content.decode()))
    )
    assert rows[0]["unit"] == "% de la population"


def test_api_language_by_parameter_and_by_header(client, db):
    by_code = {item["code"]: item for item in client.get("/api/v1/indicators/", {"lang": "es"}).json()}
    assert by_code["international-migrant-stock"]["name"] == "Población de migrantes internacionales"
    assert by_code["net-migration-rate"]["unit"] == "por cada 1.000 habitantes"
    detail = client.get("/api/v1/indicators/net-migration-rate", HTTP_ACCEPT_LANGUAGE="fr").json()
    assert detail["name"] == "Taux de migration nette"
    assert detail["code"] == "net-migration-rate"
    english = client.get("/api/v1/indicators/net-migration-rate", {"lang": "en"}, HTTP_ACCEPT_LANGUAGE="fr")
    assert english.json()["name"] == Indicator.objects.get(code="net-migration-rate").name
    assert client.get("/api/v1/indicators/", {"lang": "xx"}).status_code == 422


def test_api_observations_area_names_follow_the_language(client, ims_2020):
    rows = client.get(
        "/api/v1/indicators/international-migrant-stock/observations",
        {"area": "DEU", "period": "2020", "lang": "fr"},
    ).json()["items"]
    assert rows[0]["area_name"] == "Allemagne"
