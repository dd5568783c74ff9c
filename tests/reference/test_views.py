import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from migdev.reference import selectors

pytestmark = pytest.mark.django_db


def caption(html: str) -> str:
    match = re.search(r"<caption>\s*(.*?)\s*</caption>", html, re.S)
    assert match
    return " ".join(match.group(1).split())


def row_codes(html: str) -> set[str]:
    return set(re.findall(r"</th>\s*<td>([A-Z]{3})</td>", html))


def test_page_lists_every_country() -> None:
    with translation.override("en"):
        url = reverse("reference:countries")
    assert url == "/en/reference/countries/"
    response = Client().get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert caption(html) == "249 countries and territories"
    assert len(row_codes(html)) == 249
    assert '<th scope="col">' in html and '<th scope="row">' in html
    assert 'label for="id_region"' in html


def test_page_has_no_inline_styles_or_scripts() -> None:
    html = Client().get("/en/reference/countries/").content.decode()
    assert "style=" not in html
    assert re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html) is None


def test_filters_by_region_and_flags() -> None:
    html = Client().get("/en/reference/countries/", {"region": "002", "ldc": "on"}).content.decode()
    expected = selectors.aggregate_members("002") & selectors.aggregate_members("199")
    assert row_codes(html) == expected
    assert caption(html) == f"{len(expected)} countries and territories"


def test_filters_by_income_group_for_a_year() -> None:
    html_2022 = (
        Client().get("/en/reference/countries/", {"income_group": "UM", "year": "2022"}).content.decode()
    )
    assert "IDN" in row_codes(html_2022)
    assert "Income group (2022)" in html_2022
    html_2021 = (
        Client().get("/en/reference/countries/", {"income_group": "UM", "year": "2021"}).content.decode()
    )
    assert "IDN" not in row_codes(html_2021)


def test_filter_choices() -> None:
    html = Client().get("/es/reference/countries/").content.decode()
    years = re.findall(r'<option value="(\d{4})"', html)
    assert years == [str(year) for year in selectors.income_data_years()]
    assert len(years) == len(set(years))
    areas = re.findall(r'<option value="(\d{3})"[^>]*>([^<]*)<', html)
    assert [code for code, _name in areas][:3] == ["002", "015", "202"]  # África first despite the accent
    assert len(areas) == 33 - 1  # every M49 area but the world itself


def test_french_page_uses_french_names() -> None:
    html = Client().get("/fr/reference/countries/", {"region": "015"}).content.decode()
    assert "Algérie" in html
    assert "Afrique septentrionale" in html


def test_invalid_filters_show_an_error_and_all_countries() -> None:
    html = Client().get("/en/reference/countries/", {"year": "1900"}).content.decode()
    assert 'class="error"' in html
    assert len(row_codes(html)) == 249
