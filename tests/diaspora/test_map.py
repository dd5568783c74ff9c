"""The diaspora map's figures are the indicators module's: same selector, same edition, same period."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from migdev.diaspora import selectors
from migdev.indicators import regions
from migdev.indicators import selectors as indicators
from migdev.indicators.cache import clear_local
from migdev.indicators.loaders import load_file
from tests.diaspora.conftest import World, signed_in
from tests.indicators.conftest import IMS_2019_MATRIX

pytestmark = pytest.mark.django_db

# The World Bank's 2013 matrix cut to Senegal's row (tests/diaspora/fixtures/README.md): the indicators
# module's own cut has no Senegalese emigrants, so its edition would compare nothing with nothing.
MIG_2013_SENEGAL = Path(__file__).resolve().parent / "fixtures" / "mig2013_senegal_cut.xlsx"


@pytest.fixture
def matrices(db: None) -> None:
    regions.clear_caches()
    clear_local()
    load_file("undesa-ims-2019", IMS_2019_MATRIX)
    load_file("worldbank-bilateral-migration", MIG_2013_SENEGAL)


def _cells(html: str, code: str) -> list[str]:
    match = re.search(rf'<tr data-code="{code}">(.*?)</tr>', html, re.S)
    assert match, code
    return [
        re.sub(r"<[^>]+>", "", cell).strip()
        for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", match.group(1), re.S)
    ]


def _partner_cells(html: str) -> dict[str, str]:
    """Country name -> the total column of the indicators module's partners page."""
    rows = {}
    for row in re.findall(r"<tr>(.*?)</tr>", html, re.S):
        cells = [
            re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)
        ]
        if len(cells) >= 2:
            rows[cells[0]] = cells[1]
    return rows


def test_map_figures_equal_the_indicators_module(matrices: None, world: World, client) -> None:
    world.expert()  # one expert from Senegal living in France
    world.expert(country_of_residence="USA", sectors=["education", "health"])
    table = indicators.partner_table("SEN", series_code="migrant-stock", direction="destinations")
    assert table.rows, "the fixture has Senegalese emigrants"
    assert len(table.editions) == 2  # UN DESA 2019 and the World Bank matrix
    for edition in table.editions:
        expected = indicators.partner_table(
            "SEN", series_code="migrant-stock", direction="destinations", edition_code=edition.code
        )
        # Each edition has figures to compare (an empty table would make the comparison pass vacuously).
        assert len(expected.rows) >= 2, edition.code
        found = selectors.diaspora_map("SEN", edition_code=edition.code)
        assert found.edition == expected.edition and found.period == expected.period
        assert {r.code: r.emigrants for r in found.rows if r.emigrants is not None} == {
            r.code: r.total for r in expected.rows
        }
        assert found.emigrants_total == pytest.approx(expected.total)
        map_page = client.get(f"/en/diaspora/map/?origin=SEN&edition={edition.code}").content.decode()
        partners_page = client.get(
            f"/en/indicators/countries/SEN/partners/?series=migrant-stock&direction=destinations&edition={edition.code}"
        ).content.decode()
        partner_totals = _partner_cells(partners_page)
        for row in expected.rows:
            cells = _cells(map_page, row.code)
            assert cells[1] == partner_totals[cells[0]], (edition.code, row.code)
        assert edition.title in map_page
    usa = next(r for r in selectors.diaspora_map("SEN").rows if r.code == "USA")
    assert usa.experts == 1 and usa.sectors == {"education": 1, "health": 1}


def test_public_map_does_not_show_small_expert_counts_exactly(matrices: None, world: World, client) -> None:
    world.expert()
    public = _cells(client.get("/en/diaspora/map/?origin=SEN").content.decode(), "FRA")
    assert public[2] == "fewer than 3"
    officer = _cells(signed_in(world.officer).get("/en/diaspora/map/?origin=SEN").content.decode(), "FRA")
    assert officer[2] == "1"


def test_map_refuses_nothing_with_a_500(client) -> None:
    for query in ("?origin=XXX", "?origin=SEN&edition=nope", "?origin=%00", "?origin=SENEGAL"):
        assert client.get(f"/en/diaspora/map/{query}").status_code == 200


def _map_titles(html: str) -> dict[str, str]:
    """ISO3 -> the tooltip of the country's shape on the SVG map ("Name: value")."""
    return dict(
        re.findall(r'<path class="country[^"]*"[^>]*data-area="([A-Z]{3})"[^>]*><title>([^<]*)</title>', html)
    )


def test_the_map_shapes_show_the_indicators_module_figures(matrices: None, world: World, client) -> None:
    """Not only the table: each country's shape on the map carries the indicators module's figure, and a
    country without one is drawn as "No data", never as 0."""
    import html as html_module

    drawn = 0
    for edition in indicators.partner_table(
        "SEN", series_code="migrant-stock", direction="destinations"
    ).editions:
        expected = indicators.partner_table(
            "SEN", series_code="migrant-stock", direction="destinations", edition_code=edition.code
        )
        if not expected.rows:
            continue  # this fixture's edition has no emigrants from Senegal: the page draws no map
        map_page = client.get(f"/en/diaspora/map/?origin=SEN&edition={edition.code}").content.decode()
        partner_totals = _partner_cells(
            client.get(
                "/en/indicators/countries/SEN/partners/"
                f"?series=migrant-stock&direction=destinations&edition={edition.code}"
            ).content.decode()
        )
        titles = {code: html_module.unescape(text) for code, text in _map_titles(map_page).items()}
        assert len(titles) > 100, "the world map draws the countries"
        for row in expected.rows:
            if row.code not in titles:
                continue  # no shape for this code (a region or a tiny territory): the table still lists it
            name, _sep, value = titles[row.code].rpartition(": ")
            assert value == partner_totals[name], (edition.code, row.code)
            drawn += 1
        listed = {row.code for row in expected.rows}
        assert all(text.endswith(": No data") for code, text in titles.items() if code not in listed)
    assert drawn >= 1
