"""Issue 14, "every dimension": a country's origins and destinations both ways — a world map, a table and
every row downloadable — for one sex where the series has men and women.

Expected figures are read straight from the shipped cuts of the publishers' files (csv), never through
the platform's parsers; the map is read back from its SVG (each shape's <title> and class).
"""

import csv
import io
import re
from pathlib import Path

import openpyxl
import pytest
from django.urls import reverse
from lxml import html

from migdev.indicators import regions
from migdev.indicators.loaders import load_file
from tests.indicators.conftest import IMS_2019_MATRIX, IMS_2020, MIG_2013, UNHCR

pytestmark = pytest.mark.django_db

IMS_2019_SOURCE = (
    "Source: UN DESA Population Division, International Migrant Stock 2019 (POP/DB/MIG/Stock/Rev.2019)"
)
PARTNERS_URL = re.compile(r"/countries/([A-Z0-9]{3})/partners/")


def _matrix_cell(destination: str, origin: str, year: str = "2019") -> str:
    """A cell of the DESA origin × destination matrix as printed (names as the file spells them)."""
    with IMS_2019_MATRIX.open(encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    at = rows[0].index(origin)
    return next(row[at] for row in rows[1:] if row[0] == year and row[1] == destination)


def _nonzero_cells(destination: str, year: str = "2019") -> int:
    with IMS_2019_MATRIX.open(encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    row = next(row for row in rows[1:] if row[0] == year and row[1] == destination)
    return sum(1 for cell in row[2:] if cell != "0")


def _page(client, iso3: str, lang: str = "en", **query: str):
    url = reverse("indicators:country_partners", args=[iso3]).replace("/en/", f"/{lang}/", 1)
    response = client.get(url, query)
    assert response.status_code == 200
    return response.content.decode(), html.fromstring(response.content)


def _map_titles(tree) -> dict[str, tuple[str, str]]:
    """Each drawn country's (class, figure) from the map: its <title> reads "Name: figure"."""
    (svg,) = tree.xpath('//svg[contains(@class, "world-map")]')
    found = {}
    for path in svg.iter("path"):
        code = path.get("data-area")
        if code:
            title = path.findtext("title")
            found[code] = (path.get("class").removeprefix("country "), title.split(": ", 1)[1])
    return found


def _table_totals(tree) -> dict[str, str]:
    """The table's both-sexes figure for each partner with a page, keyed by the code its link names."""
    totals = {}
    for row in tree.xpath('//div[@id="partners-table"]//tbody/tr'):
        links = row.xpath("./th/a/@href")
        if links:
            code = PARTNERS_URL.search(links[0]).group(1)
            totals[code] = row.xpath("./td")[0].xpath("string(text())").strip()
    return totals


def _download(client, iso3: str, **query: str) -> list[dict[str, str]]:
    response = client.get(reverse("indicators:country_partners", args=[iso3]), {**query, "format": "csv"})
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))


def test_the_map_shows_the_tables_figures_and_links_each_country_to_its_page(client):
    load_file("undesa-ims-2019", IMS_2019_MATRIX)
    body, tree = _page(client, "DEU")
    shapes = _map_titles(tree)
    table = _table_totals(tree)
    drawn = set(table) & set(shapes)
    assert len(drawn) > 100
    for code in drawn:
        assert shapes[code][1] == table[code], code
    # The figures are the publisher's: Poles living in Germany, 2019.
    assert shapes["POL"] == ("q4", f"{int(_matrix_cell('Germany', 'Poland')):,}")
    assert table["POL"] == f"{int(_matrix_cell('Germany', 'Poland')):,}"
    # Each shape is a link, named by its figure, to that partner's own page in the same selection.
    (link,) = tree.xpath('//svg//a[path[@data-area="POL"]]')
    assert link.get("href") == reverse("indicators:country_partners", args=["POL"]) + (
        "?series=migrant-stock&direction=origins"
    )
    assert link.get("aria-label") == f"Poland: {table['POL']}"
    # The country itself is marked, not coloured as a partner, and is no link.
    assert shapes["DEU"][0] == "self"
    assert not tree.xpath('//svg//a[path[@data-area="DEU"]]')
    # A map with links is a group (an image's children would be hidden from assistive technology).
    (svg,) = tree.xpath('//svg[contains(@class, "world-map")]')
    assert svg.get("role") == "group"
    # The text alternative names the largest partners in words, with their figures.
    description = svg.findtext("desc")
    assert description.startswith(f"Largest: Poland {table['POL']}; Türkiye {table['TUR']};")
    assert 'style="' not in body


def test_no_data_is_hatched_and_a_zero_is_not(client):
    load_file("undesa-ims-2019", IMS_2019_MATRIX)
    _, tree = _page(client, "DEU")
    shapes = _map_titles(tree)
    # The matrix prints 0 for Angolans in Germany but counts Angolans elsewhere: Angola is covered, zero.
    assert _matrix_cell("Germany", "Angola") == "0" and _matrix_cell("Caribbean", "Angola") != "0"
    assert shapes["AGO"] == ("zero", "0 (none reported)")
    # No destination in the file counts anyone from Malawi: no data, hatched, not zero.
    assert {_matrix_cell(d, "Malawi") for d in ("Germany", "Caribbean", "United States of America")} == {"0"}
    assert shapes["MWI"] == ("no-data", "no data")
    (malawi,) = tree.xpath('//svg//path[@data-area="MWI"]')
    assert malawi.get("fill", "").startswith("url(#map-hatch")
    key = [" ".join(li.text_content().split()) for li in tree.xpath('//ul[contains(@class, "map-key")]/li')]
    zero_count = sum(1 for shape in shapes.values() if shape[0] == "zero")
    missing_count = sum(1 for shape in shapes.values() if shape[0] == "no-data")
    assert f"0 (none reported) ({zero_count} countries)" in key
    assert f"No data ({missing_count} countries)" in key
    assert key[-1] == "Germany (this country)"
    # Refugees: UNHCR prints Germans in Brazil as 0 refugees (10 asylum-seekers): a published zero.
    load_file("unhcr-refugees", UNHCR)
    _, tree = _page(client, "DEU", series="refugees", direction="destinations")
    shapes = _map_titles(tree)
    assert shapes["BRA"] == ("zero", "0")
    assert _table_totals(tree)["BRA"] == "0"


def test_the_key_states_each_class_with_numbers(client):
    load_file("undesa-ims-2019", IMS_2019_MATRIX)
    _, tree = _page(client, "DEU")
    shapes = _map_titles(tree)
    key = tree.xpath('//ul[contains(@class, "map-key")]/li')
    ranges = []
    for item in key:
        css = item.xpath("./span[contains(@class, 'key-swatch')]/@class")[0].split()[-1]
        if css.startswith("q"):
            low, _, high = item.xpath("string(text())").strip().partition(" – ")
            ranges.append((css, int(low.replace(",", "")), int((high or low).replace(",", ""))))
    assert [css for css, _, _ in ranges] == ["q0", "q1", "q2", "q3", "q4"]
    # Every coloured country's figure lies in the range its class states.
    bounds = {css: (low, high) for css, low, high in ranges}
    for css, figure in shapes.values():
        if css in bounds:
            assert bounds[css][0] <= int(figure.replace(",", "")) <= bounds[css][1]


def test_the_map_says_its_source_and_edition_as_the_table_does(client):
    load_file("undesa-ims-2019", IMS_2019_MATRIX)
    load_file("unhcr-refugees", UNHCR)
    for series, expected in (
        ("migrant-stock", IMS_2019_SOURCE),
        ("refugees", "Source: UNHCR, UNHCR Refugee Data Finder, end-2020"),
    ):
        _, tree = _page(client, "DEU", series=series)
        caption = " ".join(
            tree.xpath('string(//figure[contains(@class, "partners-map")]/figcaption)').split()
        )
        above_table = " ".join(
            tree.xpath('string(//p[@class="partners-source"]/span[@class="edition"])').split()
        )
        assert above_table.startswith(expected)
        assert caption.endswith(above_table)


def test_both_directions_switch_on_the_page(client):
    load_file("undesa-ims-2019", IMS_2019_MATRIX)
    _, tree = _page(client, "MEX")
    links = {a.text_content(): a.get("href") for a in tree.xpath('//nav[@aria-label="Direction"]//a')}
    assert set(links) == {"Where people in Mexico come from", "Where people from Mexico live"}
    response = client.get(links["Where people from Mexico live"])
    tree = html.fromstring(response.content)
    assert tree.xpath('//nav[@aria-label="Direction"]//a[@aria-current="page"]')[0].text_content() == (
        "Where people from Mexico live"
    )
    shapes = _map_titles(tree)
    # Mexicans in the United States (the matrix's US row): the destinations view reads the other side.
    assert shapes["USA"][1] == f"{int(_matrix_cell('United States of America', 'Mexico')):,}"
    assert shapes["MEX"][0] == "self"
    # Only the destinations the file has a row for have data; the rest are hatched, not zero.
    assert shapes["FRA"] == ("no-data", "no data")
    svg_title = tree.xpath('//svg[contains(@class, "world-map")]/title')[0].text
    assert svg_title == "Where people from Mexico live — International migrants, 2019, both sexes"
    rows = _download(client, "MEX", direction="destinations")
    assert {row["origin"] for row in rows} == {"MEX"}
    assert {row["residence"] for row in rows} >= {"USA", "DEU"}


def test_every_row_is_downloadable_with_its_source_and_edition(client, monkeypatch):
    load_file("undesa-ims-2019", IMS_2019_MATRIX)
    rows = _download(client, "DEU")
    assert len(rows) == _nonzero_cells("Germany") > 100  # every partner, not a top ten
    assert {row["residence"] for row in rows} == {"DEU"}
    poland = next(row for row in rows if row["origin"] == "POL")
    assert poland["total"] == _matrix_cell("Germany", "Poland")
    assert poland["source"] == "UN DESA Population Division, International Migrant Stock"
    assert poland["edition"] == "undesa-ims-2019"
    assert poland["edition_title"] == "International Migrant Stock 2019 (POP/DB/MIG/Stock/Rev.2019)"
    # The page's button says how many rows the file holds.
    body, _ = _page(client, "DEU")
    assert f"Download all {len(rows)} rows (CSV)" in body
    # The same rows as a workbook.
    response = client.get(reverse("indicators:country_partners", args=["DEU"]), {"format": "xlsx"})
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    assert sheet.max_row == len(rows) + 1
    assert [cell.value for cell in sheet[1]][:6] == [
        "series",
        "residence",
        "residence_name",
        "origin",
        "origin_name",
        "period",
    ]
    # Text cells go through the shared export: a name that reads as a formula is quoted, not run.
    names = dict(regions.area_names())
    names["POL"] = '=HYPERLINK("http://example.org")'
    monkeypatch.setattr(regions, "area_names", lambda: names)
    poisoned = next(row for row in _download(client, "DEU") if row["origin"] == "POL")
    assert poisoned["origin_name"] == '\'=HYPERLINK("http://example.org")'


def test_the_map_shows_one_sex_where_the_series_has_men_and_women(client, tmp_path: Path):
    load_file("undesa-ims-2019", IMS_2019_MATRIX)
    # Before any values by sex, there is no sex to choose and asking for one shows both sexes.
    body, tree = _page(client, "DEU", sex="F")
    assert "Sex shown on the map" not in body
    assert _map_titles(tree)["POL"][1] == f"{int(_matrix_cell('Germany', 'Poland')):,}"
    by_sex = tmp_path / "by_sex.csv"
    by_sex.write_text(
        "series,edition,area,period,value,counterpart,sex\n"
        "migrant-stock,undesa-ims-2019,DEU,2019,900000,POL,F\n"
        "migrant-stock,undesa-ims-2019,DEU,2019,884839,POL,M\n"
        "migrant-stock,undesa-ims-2019,DEU,2019,700000,TUR,F\n"
        "migrant-stock,undesa-ims-2019,DEU,2019,831333,TUR,M\n",
        encoding="utf-8",
    )
    load_file("indicators-observations", by_sex)
    body, tree = _page(client, "DEU", sex="F")
    assert tree.xpath('//nav[@aria-label="Sex shown on the map"]//a[@aria-current="page"]')[0].text == "Women"
    shapes = _map_titles(tree)
    assert shapes["POL"][1] == "900,000" and shapes["TUR"][1] == "700,000"
    caption = tree.xpath('string(//figure[contains(@class, "partners-map")]/figcaption)')
    assert "women" in caption
    _, men = _page(client, "DEU", sex="M")
    assert _map_titles(men)["POL"][1] == "884,839"
    # The table and the download carry both sexes, whatever the map shows.
    poland = next(row for row in _download(client, "DEU", sex="F") if row["origin"] == "POL")
    assert (poland["male"], poland["female"]) == ("884839", "900000")
    api = client.get("/api/v1/indicators/countries/DEU/partners").json()
    assert api["has_sex"] is True
    assert next(row for row in api["rows"] if row["partner"] == "POL")["female"] == 900000
    # An unknown sex is no error: both sexes.
    assert _page(client, "DEU", sex="X")[0].count('aria-current="page">Both sexes') == 1


@pytest.mark.parametrize(
    ("lang", "key_label", "figure", "this_country"),
    [
        ("fr", "Légende", "1\xa0784\xa0839", "Allemagne (ce pays)"),
        ("es", "Leyenda", "1\xa0784\xa0839", "Alemania (este país)"),
    ],
)
def test_french_and_spanish_pages_in_their_own_words_and_numbers(
    client, lang, key_label, figure, this_country
):
    load_file("undesa-ims-2019", IMS_2019_MATRIX)
    body, tree = _page(client, "DEU", lang=lang)
    assert tree.get("lang") == lang
    shapes = _map_titles(tree)
    assert shapes["POL"][1] == figure
    assert _table_totals(tree)["POL"] == figure
    (key,) = tree.xpath('//ul[contains(@class, "map-key")]')
    assert key.get("aria-label") == key_label
    # Collapse layout white space only: the thousands separator (a no-break space) must stay.
    items = [re.sub(r"[ \t\n]+", " ", li.text_content()).strip() for li in key.xpath("./li")]
    assert items[-1] == this_country
    q4 = items[4]
    assert re.fullmatch(r"[\d\xa0]+ – 1\xa0784\xa0839 \(\d+ (pays|países)\)", q4), q4
    # No English left in the map's words.
    description = tree.xpath('//svg[contains(@class, "world-map")]/desc')[0].text
    for english in ("Largest", "countries have", "none reported", "no data", "Skip the map"):
        assert english not in description and english not in body


def test_partners_api_gives_every_row_and_refuses_bad_parameters(client):
    load_file("undesa-ims-2019", IMS_2019_MATRIX)
    answer = client.get("/api/v1/indicators/countries/DEU/partners", {"lang": "fr"})
    assert answer.status_code == 200
    data = answer.json()
    assert len(data["rows"]) == _nonzero_cells("Germany")
    assert data["edition"] == "undesa-ims-2019" and data["source"].startswith("UN DESA Population Division")
    poland = next(row for row in data["rows"] if row["partner"] == "POL")
    assert (poland["partner_name"], poland["residence"], poland["origin"]) == ("Pologne", "DEU", "POL")
    assert poland["total"] == float(_matrix_cell("Germany", "Poland"))
    abroad = client.get("/api/v1/indicators/countries/MEX/partners", {"direction": "destinations"}).json()
    usa = next(row for row in abroad["rows"] if row["partner"] == "USA")
    assert (usa["residence"], usa["origin"]) == ("USA", "MEX")
    for query in ({"direction": "sideways"}, {"series": "population"}, {"period": "x" * 40}):
        assert client.get("/api/v1/indicators/countries/DEU/partners", query).status_code == 422
    assert client.get("/api/v1/indicators/countries/QQQ/partners").status_code == 404


def test_profile_shows_men_and_women_with_their_source(client):
    load_file("undesa-ims-2020", IMS_2020)
    load_file("undesa-ims-2019", IMS_2019_MATRIX)
    _, tree = _page_profile(client, "USA")
    (section,) = tree.xpath('//section[@aria-labelledby="sex-heading"]')
    text = " ".join(section.text_content().split())
    assert "Source: UN DESA Population Division, International Migrant Stock 2020" in text
    assert [th.text for th in section.xpath(".//tbody/tr/th")] == ["Men", "Women"]
    link = tree.xpath('//a[contains(@href, "/partners/")]')[0]
    assert "map, table and download" in link.text


def _page_profile(client, iso3: str):
    response = client.get(reverse("indicators:country", args=[iso3]))
    assert response.status_code == 200
    return response.content.decode(), html.fromstring(response.content)


def test_each_edition_of_the_series_is_one_link_away_with_its_own_source(client):
    load_file("undesa-ims-2019", IMS_2019_MATRIX)
    load_file("worldbank-bilateral-migration", MIG_2013)
    editions = '//p[starts-with(normalize-space(), "Editions:")]'
    _, tree = _page(client, "USA")
    assert tree.xpath(f"{editions}/strong")[0].text.startswith("International Migrant Stock 2019")
    (other,) = tree.xpath(f"{editions}/a/@href")
    assert "edition=worldbank-bilateral-migration-2013" in other and "period=" not in other
    tree = html.fromstring(client.get(other).content)
    assert tree.xpath(f"{editions}/a")[0].text.startswith("International Migrant Stock 2019")
    caption = " ".join(tree.xpath('string(//figure[contains(@class, "partners-map")]/figcaption)').split())
    above_table = " ".join(tree.xpath('string(//p[@class="partners-source"]/span[@class="edition"])').split())
    assert "World Bank" in above_table and caption.endswith(above_table)
