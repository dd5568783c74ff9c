"""Indicator pages share what does not depend on the selection (every country's values, the country menu)
across pages: a page nobody asked for before must still show the current data and the visitor's language."""

import re

import pytest
from django.urls import reverse
from django.utils import translation

from migdev.indicators.cache import bump_data_version, clear_local
from migdev.indicators.models import Observation

pytestmark = pytest.mark.django_db

STOCK = "international-migrant-stock"


def _page(client, language: str, **query: str) -> str:
    with translation.override(language):
        url = reverse("indicators:indicator", args=[STOCK])
    response = client.get(url, query, HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200
    return response.content.decode()


def test_a_new_selection_after_a_write_shows_the_written_value(client, ims_2020):
    first = _page(client, "en", areas="USA", view="table", period="2020")
    assert "15,762,457" in first  # Germany, in the table of every country, from the shared values
    cell = Observation.objects.get(
        series__code="migrant-stock",
        edition__code="undesa-ims-2020",
        area="DEU",
        period="2020",
        sex="_T",
        age="_T",
        counterpart="_T",
    )
    cell.value = 15_000_001
    cell.save(update_fields=["value"])
    bump_data_version()  # what every writing service does in its transaction
    # Another selection (its body never cached), in this process and in a fresh one.
    for fresh_process in (False, True):
        if fresh_process:
            clear_local()
        again = _page(client, "en", areas="FRA" if fresh_process else "MEX", view="table", period="2020")
        assert "15,000,001" in again and "15,762,457" not in again


def test_the_shared_country_menu_is_in_each_visitor_language(client, ims_2020):
    english = _page(client, "en", areas="USA")
    french = _page(client, "fr", areas="MEX")  # a selection not seen before, in another language
    menu = re.compile(r'<select id="add-country" name="add">(.*?)</select>', re.S)
    english_menu, french_menu = menu.search(english).group(1), menu.search(french).group(1)
    assert '<option value="DEU">Germany</option>' in english_menu
    assert '<option value="DEU">Allemagne</option>' in french_menu
    assert "Germany" not in french_menu


def test_a_page_after_a_write_builds_the_shared_values_once(client, ims_2020, django_assert_max_num_queries):
    _page(client, "en", areas="USA")
    bump_data_version()
    _page(client, "en", areas="DEU")  # builds the shared values for the new version
    # A further selection reads them: no per-country or per-edition queries of its own (recomputing them
    # took 48 queries; what remains is the data version, the shared cache's reads and the body's write).
    with django_assert_max_num_queries(20):
        _page(client, "en", areas="FRA,MEX,PHL")


def _profile_queries(client, iso3: str) -> list[str]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("indicators:country", args=[iso3]))
    assert response.status_code == 200
    return [query["sql"] for query in queries.captured_queries]


def test_country_profiles_read_the_edition_coverage_once_per_data_version(client, ims_2020):
    bump_data_version()
    first = _profile_queries(client, "DEU")
    # Every edition choice of the page (a dozen indicators, each choosing twice) reads the coverage it
    # shares: once for the page, instead of once per choice (96 queries in all at 5M observations).
    assert sum('FROM "indicators_seriescoverage"' in sql for sql in first) == 1
    clear_local()  # another process, another country: the coverage comes from the shared cache
    second = _profile_queries(client, "FRA")
    assert not any('FROM "indicators_seriescoverage"' in sql for sql in second)
    assert len(second) < len(first)
    bump_data_version()  # a load: the coverage is read again
    third = _profile_queries(client, "MEX")
    assert sum('FROM "indicators_seriescoverage"' in sql for sql in third) == 1
