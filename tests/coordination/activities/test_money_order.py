"""Money views: every chart's bars are sorted by the chart's own value, largest first, equal values by name
as the page's language sorts them, and the page's SVG, its Vega-Lite specifications, its table and the CSV
export agree. Expected orders are written out here from the fixture's figures (see test_money.py), not
taken from migdev's sorting code."""

from __future__ import annotations

import csv
import html
import io
import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.test import Client
from django.utils import translation

from migdev.accounts.models import User
from migdev.coordination.activities import money
from migdev.coordination.activities.iati import import_iati_bytes

pytestmark = pytest.mark.django_db

FIXTURE = Path(__file__).parent / "fixtures" / "iati-money-2.03.xml"
PAGE = "/{language}/coordination/activities/money/?by=country&currency=USD"

# From the fixture, in US$: commitments Nepal 832,577 > Côte d'Ivoire 240,000 = Senegal 240,000 >
# Bangladesh 237,879 > Asia, regional 118,940; spending Nepal 388,349 > Senegal 115,664 >
# Bangladesh 62,278 > Asia, regional 31,139 > Côte d'Ivoire 16,711. The table goes by commitments plus
# spending: Nepal, Senegal, Bangladesh, Côte d'Ivoire, Asia.
COMMITMENTS = ["Nepal", "Côte d’Ivoire", "Senegal", "Bangladesh", "Asia, regional"]
SPENDING = ["Nepal", "Senegal", "Bangladesh", "Asia, regional", "Côte d’Ivoire"]
TABLE = ["Nepal", "Senegal", "Bangladesh", "Côte d’Ivoire", "Asia, regional"]


@pytest.fixture
def loaded(editor: User) -> None:
    import_iati_bytes(FIXTURE.read_bytes(), file_name=FIXTURE.name, actor=editor)


def _svg_bars(page: str, key: str) -> list[str]:
    start = page.index(f'id="chart-title-{key}')
    svg = page[start : page.index("</svg>", start)]
    return [html.unescape(label) for label in re.findall(r"<rect[^>]*><title[^>]*>(.*?): [^<]*</title>", svg)]


def _table_rows(page: str) -> list[str]:
    body = page[page.index("<tbody>") : page.index("</tbody>")]
    return [html.unescape(label) for label in re.findall(r'<th scope="row">(.*?)</th>', body)]


def test_each_chart_is_sorted_by_its_own_value_in_svg_vega_lite_and_table(
    loaded: None, client: Client
) -> None:
    page = client.get(PAGE.format(language="en")).content.decode()
    assert _svg_bars(page, "money-commitments") == COMMITMENTS
    assert _svg_bars(page, "money-spending") == SPENDING
    assert _table_rows(page) == TABLE

    specs = client.get(PAGE.format(language="en") + "&format=vega-lite").json()
    for key, expected in (("money-commitments", COMMITMENTS), ("money-spending", SPENDING)):
        spec = specs[key]
        assert spec["$schema"].startswith("https://vega.github.io/schema/vega-lite/v5")
        assert [point["label"] for point in spec["data"]["values"]] == expected
        assert spec["encoding"]["y"]["sort"] == expected
        values = [point["value"] for point in spec["data"]["values"]]
        assert values == sorted(values, reverse=True)

    export = client.get("/en/coordination/activities/money/export/?by=country&currency=USD&format=csv")
    text = b"".join(export.streaming_content).decode("utf-8-sig")  # type: ignore[attr-defined]
    assert [row["label"] for row in csv.DictReader(io.StringIO(text))] == TABLE


def test_the_year_view_stays_in_year_order(loaded: None, client: Client) -> None:
    page = client.get("/en/coordination/activities/money/?by=year&currency=USD").content.decode()
    assert _svg_bars(page, "money-spending") == ["2023", "2024", "2025"]
    assert _table_rows(page) == ["2023", "2024", "2025", "2026"]


def _row(key: str, label: str, commitments: int) -> money.MoneyRow:
    return money.MoneyRow(key=key, label=label, commitments=Decimal(commitments))


def test_equal_values_are_ordered_by_name_in_the_page_language_not_by_code() -> None:
    rows = [
        _row(money.NOT_SPECIFIED, "No especificado", 900),  # the remainder, last whatever its size
        _row("AUT", "Austria", 100),
        _row("DEU", "Alemania", 100),
        _row("ESP", "España", 100),
        _row("EST", "Estonia", 100),
        _row("NIC", "Nicaragua", 500),
    ]
    with translation.override("es"):
        ordered = money.ordered_rows("country", rows, "commitments")
    # Code order would give AUT before DEU and ESP before EST; Spanish sorts "ñ" after every "n…".
    assert [row.label for row in ordered] == [
        "Nicaragua",
        "Alemania",
        "Austria",
        "España",
        "Estonia",
        "No especificado",
    ]
    assert [row.label for row in money.ordered_rows("country", [rows[3], rows[4]], None)] == [
        "España",
        "Estonia",
    ]
