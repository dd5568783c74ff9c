"""Pages render on loaded data, keep the selection in the URL, and offer accessible charts and tables."""

import re

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_landing_page_shows_world_figure_with_edition(client, ims_2020):
    response = client.get(reverse("indicators:home"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "280,598,105" in body
    assert "International Migrant Stock 2020" in body


def test_country_profile_cards_charts_and_text_alternatives(client, all_sources):
    response = client.get(reverse("indicators:country", args=["USA"]))
    assert response.status_code == 200
    body = response.content.decode()
    assert "50,632,836" in body
    assert "<svg" in body and "<desc" in body and "<caption>" in body
    assert 'style="' not in body and "<script>" not in body
    assert "Top countries of origin" in body


def test_country_profile_of_unknown_code_is_404(client, db):
    assert client.get(reverse("indicators:country", args=["ZZZ"])).status_code == 404


def test_printable_profile(client, ims_2020):
    response = client.get(reverse("indicators:country_print", args=["DEU"]))
    assert response.status_code == 200
    assert "printable" in response.content.decode()


def test_indicator_page_compare_three_countries_in_the_url(client, ims_2020):
    url = reverse("indicators:indicator", args=["international-migrant-stock"])
    response = client.get(url, {"areas": "USA,DEU", "add": "SAU"})
    assert response.status_code == 302
    assert "areas=USA%2CDEU%2CSAU" in response["Location"]
    page = client.get(response["Location"])
    body = page.content.decode()
    for value in ("50,632,836", "15,762,457", "13,454,842"):
        assert value in body
    assert body.count('<path d="M') >= 3


def test_indicator_map_and_table_views(client, ims_2020):
    url = reverse("indicators:indicator", args=["migrant-share-of-population"])
    body = client.get(url, {"view": "map", "period": "2020"}).content.decode()
    assert 'class="chart world-map"' in body
    table = client.get(url, {"view": "table", "agg": "WLD,HIC"}).content.decode()
    assert re.search(r"aggregate of \d+/\d+ countries", table)
    assert "income groups as classified for" in table


def test_unknown_indicator_is_404(client, db):
    assert client.get(reverse("indicators:indicator", args=["nope"])).status_code == 404


def test_sdg_catalogue_and_sources_pages(client, ims_2020):
    body = client.get(reverse("indicators:sdg")).content.decode()
    for code in ("10.7.1", "10.7.2", "10.7.3", "10.7.4", "10.c.1", "17.3.2"):
        assert code in body
    assert "below 3 %" in body
    sources = client.get(reverse("indicators:editions")).content.decode()
    assert "undesa-ims-2020" in sources


def test_a_load_changes_what_cached_pages_show(client, db):
    from migdev.indicators.loaders import load_file
    from tests.indicators.conftest import IMS_2020

    url = reverse("indicators:country", args=["USA"])
    assert "50,632,836" not in client.get(url).content.decode()
    load_file("undesa-ims-2020", IMS_2020)
    assert "50,632,836" in client.get(url).content.decode()


CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@pytest.mark.parametrize(
    "url",
    [
        reverse("indicators:country", args=["DEU"]) + "?from=<b>&x=1",
        reverse("indicators:indicator", args=["migrant-share-of-population"]) + "?areas=USA,DEU&agg=WLD,HIC",
    ],
)
def test_the_kept_layout_gives_each_visitor_the_page_rendered_for_them(client, ims_2020, monkeypatch, url):
    from django.shortcuts import render
    from django.test import Client

    from migdev.indicators import views

    client.get(url)  # computes the body and keeps the layout
    visitor = Client(enforce_csrf_checks=True)
    kept = visitor.get(url).content.decode()
    monkeypatch.setattr(
        views, "_cached_page", lambda request, template, context, **_: render(request, template, context)
    )
    rendered = visitor.get(url).content.decode()
    # Byte for byte the page the templates render for this visitor, but for the (masked) CSRF token …
    assert CSRF_INPUT.sub("", kept) == CSRF_INPUT.sub("", rendered)
    next_path = re.search(r'name="next" type="hidden" value="([^"]+)"', kept).group(1)
    assert next_path.startswith(url.split("?")[0] + "?") and "&amp;" in next_path and "<" not in next_path
    # … which is this visitor's own: the language form it carries is accepted.
    token = CSRF_INPUT.search(kept).group(1)
    answer = visitor.post(
        reverse("set_language"), {"language": "fr", "next": url, "csrfmiddlewaretoken": token}
    )
    assert answer.status_code == 302


def test_signed_in_users_get_their_own_header_around_the_kept_body(client, ims_2020, login_as):
    url = reverse("indicators:country", args=["DEU"])
    anonymous = client.get(url).content.decode()
    login_as(username="reader-on-profile")
    signed_in = client.get(url).content.decode()
    assert "reader-on-profile" in signed_in and "reader-on-profile" not in anonymous
    assert "15,762,457" in signed_in and "15,762,457" in anonymous
