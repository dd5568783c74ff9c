"""Issue 14, "every dimension": the indicator page shows men or women, and an age group, where the
indicator's series has them — with the same figures as the observations API and the downloads.

Expected values are read from the shipped cut of UN DESA's file with openpyxl, not through the parsers.
"""

import csv
import io
from pathlib import Path

import openpyxl
import pytest
from django.urls import reverse
from lxml import html

from migdev.indicators.loaders import load_file
from migdev.indicators.views import age_label
from tests.indicators.conftest import IMS_2019_MATRIX, IMS_2020, WPP

pytestmark = pytest.mark.django_db

INDICATOR = "international-migrant-stock"
# IMS 2020 Table 1: both sexes 1990–2020 in columns 5–11, men in 12–18, women in 19–25.
MEN_2020, WOMEN_2020 = 18, 25


def _table_1(name: str, column: int) -> int:
    book = openpyxl.load_workbook(IMS_2020, read_only=True)
    for row in book["Table 1"].iter_rows(values_only=True):
        if isinstance(row[1], str) and row[1].strip().rstrip("*") == name:
            return int(row[column])
    raise LookupError(name)


def _page(client, code: str, lang: str = "en", **query: str):
    url = reverse("indicators:indicator", args=[code]).replace("/en/", f"/{lang}/", 1)
    response = client.get(url, query)
    assert response.status_code == 200
    return html.fromstring(response.content)


def _value_in_table(tree, area: str) -> str:
    (row,) = tree.xpath(
        f'//table[caption[contains(., ", 2020")]]//tr[th[normalize-space()="{area}"] or td[normalize-space()="{area}"]]'
    )
    return row.xpath('./td[@class="num"]')[0].text_content().strip()


def test_the_page_shows_men_or_women_as_the_api_and_the_download_do(client):
    load_file("undesa-ims-2020", IMS_2020)
    base = {"view": "table", "period": "2020", "areas": "USA"}
    tree = _page(client, INDICATOR, **base)
    options = {o.get("value"): o.text for o in tree.xpath('//select[@id="sex"]/option')}
    assert options == {"": "Both sexes", "M": "Men", "F": "Women"}
    both = _value_in_table(tree, "United States of America")
    for sex, column in (("M", MEN_2020), ("F", WOMEN_2020)):
        tree = _page(client, INDICATOR, **base, sex=sex)
        shown = _value_in_table(tree, "United States of America")
        assert shown == f"{_table_1('United States of America', column):,}" != both
        assert tree.xpath('//select[@id="sex"]/option[@selected]')[0].get("value") == sex
        caption = tree.xpath('string(//table[caption[contains(., ", 2020")]]/caption)')
        assert caption.startswith(f"International migrant stock — {'men' if sex == 'M' else 'women'}, 2020")
        # The download linked from the page holds the same sex and figure.
        (link,) = [
            a.get("href")
            for a in tree.xpath("//a[contains(@href, 'format=csv')]")
            if "scope=shown" in a.get("href")
        ]
        assert f"sex={sex}" in link
        response = client.get(link)
        rows = list(
            csv.DictReader(
                io.StringIO(
                    b"".join(response.streaming_content).decode("utf-8-sig")
                    if response.streaming
                    else response.content.decode("utf-8-sig")
                )
            )
        )
        usa = next(row for row in rows if row["area"] == "USA" and row["period"] == "2020")
        assert (usa["sex"], float(usa["value"])) == (sex, _table_1("United States of America", column))
        api = client.get(
            f"/api/v1/indicators/{INDICATOR}/observations", {"area": "USA", "period": "2020", "sex": sex}
        )
        assert api.json()["items"][0]["value"] == _table_1("United States of America", column)


def test_an_indicator_without_values_by_sex_offers_none_and_shows_its_totals(client):
    load_file("undesa-wpp-net-migration", WPP)
    plain = _page(client, "net-migration", view="table")
    asked = _page(client, "net-migration", view="table", sex="F")
    assert not asked.xpath('//select[@id="sex"]')
    assert html.tostring(asked.xpath("//table")[0]) == html.tostring(plain.xpath("//table")[0])
    assert " — women" not in asked.text_content()


def test_an_age_group_the_series_holds_is_offered_and_shown(client, tmp_path: Path):
    load_file("undesa-ims-2020", IMS_2020)
    by_age = tmp_path / "by_age.csv"
    by_age.write_text(
        "series,edition,area,period,value,age\n"
        "migrant-stock,undesa-ims-2020,USA,2020,4321000,Y15T19\n"
        "migrant-stock,undesa-ims-2020,USA,2020,9876000,Y_GE75\n",
        encoding="utf-8",
    )
    load_file("indicators-observations", by_age)
    base = {"view": "table", "period": "2020", "areas": "USA"}
    tree = _page(client, INDICATOR, **base)
    options = {o.get("value"): o.text for o in tree.xpath('//select[@id="age"]/option')}
    assert options == {"": "All ages", "Y15T19": "15–19", "Y_GE75": "75+"}
    tree = _page(client, INDICATOR, **base, age="Y15T19")
    assert _value_in_table(tree, "United States of America") == "4,321,000"
    assert "International migrant stock — aged 15–19, 2020" in tree.text_content()
    # An age group the series lacks is no error: all ages.
    tree = _page(client, INDICATOR, **base, age="Y40T44")
    assert (
        _value_in_table(tree, "United States of America") == f"{_table_1('United States of America', 11):,}"
    )


def test_french_labels_for_the_breakdown(client):
    load_file("undesa-ims-2020", IMS_2020)
    tree = _page(client, INDICATOR, lang="fr", view="table", period="2020", areas="USA", sex="F")
    assert [o.text for o in tree.xpath('//select[@id="sex"]/option')] == [
        "Les deux sexes",
        "Hommes",
        "Femmes",
    ]
    assert " — femmes, 2020" in tree.text_content()
    assert _value_in_table(
        tree, "États-Unis d'Amérique"
    ) == f"{_table_1('United States of America', WOMEN_2020):,}".replace(",", "\xa0")


def test_age_codes_read_as_people_say_them():
    assert age_label("Y15T19") == "15–19"
    assert age_label("Y_GE75") == "75+"
    assert age_label("Y75T_") == "75+"
    assert age_label("Y_LT5") == "under 5"
    assert age_label("OTHER") == "OTHER"


def test_emigrants_summed_over_destination_cells_offer_no_sex_the_cells_lack(client):
    # IMS 2020 Table 1 has men and women among immigrants; the origin × destination matrix the
    # emigrants are summed from has both sexes only: no sex choice, and the API says why.
    load_file("undesa-ims-2020", IMS_2020)
    load_file("undesa-ims-2019", IMS_2019_MATRIX)
    assert not _page(client, "emigrants", view="table").xpath('//select[@id="sex"]')
    assert _page(client, INDICATOR, view="table").xpath('//select[@id="sex"]')
    refused = client.get("/api/v1/indicators/emigrants/observations", {"area": "MEX", "sex": "M"})
    assert refused.status_code == 422 and "no values by sex" in refused.content.decode()
