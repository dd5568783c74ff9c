"""Issue 14 (indicators): every loaded series is served — API and CSV download — as the publisher's
file says, in one representation (value in the indicator's unit + UNIT_MULT); SDG 10.7.4 by UNHCR's
method with zeros kept; every dimension (sex, partner country) can be asked for; estimates are marked;
the SDMX structure is served so that sdmx1 reads the SDMX-CSV as it is.

The expected values are read here straight from the publishers' files in tests/indicators/fixtures
(openpyxl, xlrd, csv), never through the platform's parsers.
"""

import csv
import io
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest
import xlrd
from django.urls import reverse

from migdev.indicators.formatting import format_value
from migdev.indicators.loaders import load_file
from migdev.indicators.models import Indicator
from tests.indicators.conftest import IMS_2019_MATRIX, IMS_2020, INFLOWS_2013, RPW, UNHCR, WDI_PAID, WPP

pytestmark = pytest.mark.django_db


# --- the publishers' files, read directly -----------------------------------------------------------


def _ims_2020(sheet: str, name: str, column: int) -> float:
    book = openpyxl.load_workbook(IMS_2020, read_only=True)
    for row in book[sheet].iter_rows(values_only=True):
        if isinstance(row[1], str) and row[1].strip().rstrip("*") == name:
            return float(row[column])
    raise LookupError(name)


def _inflows_2013(name: str, header: str) -> float:
    sheet = xlrd.open_workbook(INFLOWS_2013).sheet_by_index(0)
    headers = [str(cell) for cell in sheet.row_values(0)]
    at = next(i for i, cell in enumerate(headers) if cell.startswith(header))
    for index in range(1, sheet.nrows):
        row = sheet.row_values(index)
        if row[0] == name:
            return float(row[at])
    raise LookupError(name)


def _wdi(code: str, year: str) -> float:
    with WDI_PAID.open(encoding="utf-8-sig") as handle:
        rows = list(csv.reader(handle))
    at = rows[4].index(year)
    return float(next(row for row in rows[5:] if row[1] == code)[at])


def _wpp(code: str, year: str) -> float:
    with WPP.open(encoding="utf-8") as handle:
        return float(
            next(
                row["Net Number of Migrants"]
                for row in csv.DictReader(handle)
                if row["Country ISO"] == code and float(row["Year"]) == float(year)
            )
        )


def _unhcr_hosted(asylum: str, year: str, origin: str | None = None) -> float:
    with UNHCR.open(encoding="utf-8") as handle:
        return sum(
            float(row["refugees"])
            for row in csv.DictReader(handle)
            if row["dest"] == asylum and row["year"] == year and origin in (None, row["orig"])
        )


def _rpw_mean_to(receiving: str, quarter: str) -> float:
    with RPW.open(encoding="utf-8-sig") as handle:
        rows = list(csv.reader(handle))
    header = [cell.strip() for cell in rows[0]]
    at = next(i for i, name in enumerate(header) if name.startswith(quarter))
    receiving_at = next(i for i, name in enumerate(header) if name.startswith("Receiving") and "Code" in name)
    values = [float(row[at]) for row in rows[1:] if len(row) > at and row[receiving_at] == receiving]
    values = [value for value in values if value == value]
    return sum(values) / len(values)


# (format, file, indicator, area, period, expected value in the indicator's unit, UNIT_MULT)
SERIES_CASES: list[tuple[str, Path, str, str, str, Callable[[], float], int]] = [
    (
        "undesa-ims-2020",
        IMS_2020,
        "international-migrant-stock",
        "USA",
        "2020",
        lambda: _ims_2020("Table 1", "United States of America", 11),
        0,
    ),
    (
        "worldbank-remittance-inflows-2013",
        INFLOWS_2013,
        "remittance-inflows",
        "PHL",
        "2012",
        lambda: _inflows_2013("Philippines", "2012e"),  # US$ million as published
        6,
    ),
    (
        "worldbank-remittance-inflows-2013",
        INFLOWS_2013,
        "remittance-inflows-gdp",
        "PHL",
        "2011",
        lambda: _inflows_2013("Philippines", "Remittances as a share of GDP") * 100,
        0,
    ),
    (
        "worldbank-wdi",
        WDI_PAID,
        "remittance-outflows",
        "USA",
        "2019",
        lambda: _wdi("USA", "2019") / 1e6,  # WDI publishes US$; the indicator's unit is US$ million
        6,
    ),
    ("undesa-wpp-net-migration", WPP, "net-migration", "USA", "2023", lambda: _wpp("USA", "2023"), 0),
    ("unhcr-refugees", UNHCR, "refugees-hosted", "DEU", "2020", lambda: _unhcr_hosted("DEU", "2020"), 0),
    (
        "worldbank-rpw-corridors",
        RPW,
        "remittance-cost-to-country",
        "IND",
        "2020-Q3",
        lambda: _rpw_mean_to("IND", "2020Q3"),
        0,
    ),
]


@pytest.mark.parametrize(
    ("format_name", "path", "code", "area", "period", "expected", "unit_mult"),
    SERIES_CASES,
    ids=[case[2] for case in SERIES_CASES],
)
def test_served_value_is_the_publishers(client, format_name, path, code, area, period, expected, unit_mult):
    load_file(format_name, path)
    want = expected()
    api = client.get(f"/api/v1/indicators/{code}/observations", {"area": area, "period": period}).json()
    (item,) = api["items"]
    assert item["value"] == pytest.approx(want, rel=1e-9)
    assert item["unit_mult"] == unit_mult
    download = client.get(
        reverse("indicators:download", args=[code]), {"format": "csv", "scope": "full", "period": period}
    )
    row = next(
        row
        for row in csv.DictReader(io.StringIO(download.content.decode()))
        if row["area"] == area and row["period"] == period
    )
    assert float(row["value"]) == pytest.approx(want, rel=1e-9)
    assert int(row["unit_mult"]) == unit_mult


def test_population_denominator_is_the_publishers_thousands_in_persons(client):
    load_file("undesa-ims-2020", IMS_2020)
    item = client.get(
        "/api/v1/indicators/migrant-share-of-population/observations", {"area": "USA", "period": "2020"}
    ).json()["items"][0]
    assert item["denominator"] == pytest.approx(_ims_2020("Table 2", "United States of America", 11) * 1000)


def test_key_figures_serve_remittances_in_us_dollar_millions_marked_as_estimate(client):
    load_file("worldbank-remittance-inflows-2013", INFLOWS_2013)
    figures = {f["indicator"]: f for f in client.get("/api/v1/indicators/countries/PHL/key-figures").json()}
    inflows = figures["remittance-inflows"]
    assert inflows["unit"] == "US$ million" and inflows["unit_mult"] == 6
    assert inflows["value"] == pytest.approx(_inflows_2013("Philippines", "2012e"))  # 24,453.09, not 2.4e10
    assert inflows["period"] == "2012" and inflows["status"] == "E"
    assert "World Bank" in inflows["source"]


def test_a_small_value_never_shows_as_zero(client):
    load_file("worldbank-wdi", WDI_PAID)
    tuvalu_2019 = _wdi("TUV", "2019")  # 34,758 US$ = 0.03 US$ million
    indicator = Indicator.objects.get(code="remittance-outflows")
    assert format_value(tuvalu_2019, indicator) == "0.03"
    assert format_value(12_345_678.9, indicator) == "12.3"
    page = client.get("/en/indicators/countries/TUV/").content.decode()
    assert '0.03 <span class="figure-unit">US$ million' in page


# --- SDG 10.7.4 and zeros ---------------------------------------------------------------------------


# Every row of Nauru as a country of origin in UNHCR's file (guyabel/stepladderChapter unhcr_2020.csv,
# UNHCR Refugee Data Finder — cite UNHCR): five refugees in the USA until 2008, none in 2011 and 2020.
NAURU_ROWS = """year,orig,dest,refugees,asylum_seekers
2020,NRU,AUS,0,15
2011,NRU,GBR,0,5
1999,NRU,USA,5,0
2000,NRU,USA,5,0
2003,NRU,USA,5,0
2006,NRU,USA,5,0
2007,NRU,USA,5,0
2008,NRU,USA,5,0
"""


def test_refugees_by_origin_latest_is_the_zero_of_2020(client, tmp_path):
    load_file("undesa-ims-2020", IMS_2020)
    nauru = tmp_path / "unhcr_2020.csv"
    nauru.write_text(NAURU_ROWS, encoding="utf-8")
    load_file("unhcr-refugees", nauru)
    item = client.get(
        "/api/v1/indicators/refugees-by-origin-per-100000/observations", {"area": "NRU"}
    ).json()["items"]
    latest = max(item, key=lambda row: row["period"])
    assert (latest["period"], latest["value"]) == ("2020", 0.0)
    figures = {f["indicator"]: f for f in client.get("/api/v1/indicators/countries/NRU/key-figures").json()}
    assert figures["refugees-by-origin-per-100000"]["period"] == "2020"


def test_sdmx_csv_of_1074_uses_unhcrs_denominator(client):
    load_file("undesa-ims-2020", IMS_2020)
    load_file("unhcr-refugees", UNHCR)
    item = client.get(
        "/api/v1/indicators/refugees-by-origin-per-100000/observations", {"area": "SYR", "period": "2020"}
    ).json()["items"][0]
    assert item["denominator"] == item["numerator"] + _ims_2020("Table 2", "Syrian Arab Republic", 11) * 1000
    assert round(item["value"]) in (27_436, 27_437)


# --- every dimension ------------------------------------------------------------------------------


def test_observations_by_sex_and_by_partner(client):
    load_file("undesa-ims-2020", IMS_2020)
    load_file("unhcr-refugees", UNHCR)
    women = client.get(
        "/api/v1/indicators/international-migrant-stock/observations",
        {"area": "USA", "period": "2020", "sex": "F"},
    ).json()["items"][0]
    assert women["sex"] == "F"
    assert women["value"] == _ims_2020("Table 1", "United States of America", 25)  # female 2020 column
    syrians = client.get(
        "/api/v1/indicators/refugees-hosted/observations",
        {"area": "DEU", "period": "2020", "counterpart": "SYR"},
    ).json()["items"][0]
    assert syrians["counterpart"] == "SYR"
    assert syrians["value"] == _unhcr_hosted("DEU", "2020", origin="SYR")
    # The SDMX-CSV says the sex it holds.
    url = reverse("indicators:download", args=["international-migrant-stock"])
    sdmx_rows = list(
        csv.DictReader(
            io.StringIO(client.get(url, {"format": "sdmx-csv", "areas": "USA", "sex": "M"}).content.decode())
        )
    )
    assert {row["SEX"] for row in sdmx_rows} == {"M"}


@pytest.mark.parametrize(
    ("code", "query"),
    [
        ("net-migration", {"sex": "F"}),  # WPP net migration has no values by sex
        ("female-share-of-migrants", {"sex": "M"}),  # already one sex
        ("international-migrant-stock", {"counterpart": "MEX"}),  # a total, not summed over partners
        ("refugees-hosted", {"counterpart": "QQQ"}),
        ("international-migrant-stock", {"age": "Y15T19"}),
    ],
)
def test_a_breakdown_the_series_lacks_is_refused_with_its_reason(client, code, query):
    load_file("undesa-ims-2020", IMS_2020)
    load_file("undesa-wpp-net-migration", WPP)
    load_file("unhcr-refugees", UNHCR)
    api = client.get(f"/api/v1/indicators/{code}/observations", query)
    assert api.status_code == 422
    download = client.get(reverse("indicators:download", args=[code]), {"format": "csv", **query})
    assert download.status_code == 400


def test_partners_page_both_ways_with_every_row_downloadable(client):
    load_file("unhcr-refugees", UNHCR)
    base = reverse("indicators:country_partners", args=["DEU"])
    page = client.get(base, {"series": "refugees"})
    assert page.status_code == 200
    rows = list(
        csv.DictReader(io.StringIO(_streamed(client.get(base, {"series": "refugees", "format": "csv"}))))
    )
    with UNHCR.open(encoding="utf-8") as handle:
        published = [
            row
            for row in csv.DictReader(handle)
            if row["dest"] == "DEU" and row["year"] == "2020"  # a blank origin is stored as UNK
        ]
    assert len(rows) == len(published)
    assert {row["residence"] for row in rows} == {"DEU"}
    syrians = next(row for row in rows if row["origin"] == "SYR")
    assert float(syrians["total"]) == _unhcr_hosted("DEU", "2020", origin="SYR")
    abroad = list(
        csv.DictReader(
            io.StringIO(
                _streamed(
                    client.get(
                        reverse("indicators:country_partners", args=["SYR"]),
                        {"series": "refugees", "direction": "destinations", "format": "csv"},
                    )
                )
            )
        )
    )
    assert {row["origin"] for row in abroad} == {"SYR"}
    assert next(row for row in abroad if row["residence"] == "DEU")["total"] == syrians["total"]


def _streamed(response) -> str:
    return b"".join(response.streaming_content).decode("utf-8-sig")


def test_profile_shows_men_and_women(client):
    load_file("undesa-ims-2020", IMS_2020)
    page = client.get("/en/indicators/countries/USA/").content.decode()
    assert "Men and women among immigrants" in page
    male = _ims_2020("Table 1", "United States of America", 18)
    assert f"{round(male):,}" in page


# --- estimates, SDMX structure ----------------------------------------------------------------------


def test_estimates_carry_obs_status_e_and_sdmx1_reads_the_csv_with_the_served_structure(client):
    import sdmx

    load_file("worldbank-remittance-inflows-2013", INFLOWS_2013)
    structure = client.get(reverse("indicators:sdmx_structure"))
    assert structure.status_code == 200
    message = sdmx.read_sdmx(io.BytesIO(structure.content))
    dataflow = message.dataflow["DF_MIGDEV_INDICATORS"]
    download = client.get(
        reverse("indicators:download", args=["remittance-inflows"]),
        {"format": "sdmx-csv", "areas": "PHL"},
    )
    assert "describedby" in download["Link"]
    data = sdmx.read_sdmx(io.BytesIO(download.content), format="csv", structure=dataflow)
    by_period = {
        obs.key["TIME_PERIOD"].value: obs for obs in data.data[0].obs if obs.key["REF_AREA"].value == "608"
    }
    assert by_period["2012"].attrib["OBS_STATUS"].value == "E"
    assert by_period["2011"].attrib["OBS_STATUS"].value == "A"
    assert by_period["2012"].attrib["UNIT_MULT"].value == "6"
    assert float(by_period["2012"].value) == pytest.approx(_inflows_2013("Philippines", "2012e"))


def test_estimates_are_marked_on_pages(client):
    load_file("worldbank-remittance-inflows-2013", INFLOWS_2013)
    profile = client.get("/en/indicators/countries/PHL/").content.decode()
    assert "(estimate)" in profile
    table = client.get(
        "/en/indicators/remittance-inflows/", {"view": "table", "period": "2012"}
    ).content.decode()
    assert "estimate" in table


# --- smaller items ----------------------------------------------------------------------------------


def test_kosovo_has_a_profile_under_xkx(client):
    load_file("worldbank-wdi", WDI_PAID)
    page = client.get("/en/indicators/countries/XKX/")
    assert page.status_code == 200
    assert "Kosovo" in page.content.decode()
    assert client.get(reverse("indicators:country_redirect"), {"code": "XKX"}).status_code == 302
    figures = client.get("/api/v1/indicators/countries/XKX/key-figures").json()
    outflows = next(f for f in figures if f["indicator"] == "remittance-outflows")
    assert outflows["value"] == pytest.approx(_wdi("XKX", "2019") / 1e6) or outflows["period"] != "2019"


def test_world_coverage_counts_every_country(client):
    load_file("unhcr-refugees", UNHCR)
    item = client.get(
        "/api/v1/indicators/refugees-hosted/observations", {"area": "WLD", "period": "2020"}
    ).json()["items"][0]
    covered, members = (int(part) for part in item["coverage"].split("/"))
    assert covered < members and members >= 230


def test_profile_cost_uses_the_later_rpw_corridor_means_with_their_source(client, tmp_path):
    from migdev.dataio.services import import_file

    load_file("worldbank-rpw-corridors", RPW)
    means = tmp_path / "means.csv"
    means.write_text(
        "period,source_code,source_name,destination_code,destination_name,corridor,avg_cost_pct_200usd,"
        "avg_cost_pct_500usd,avg_fx_margin_200usd,avg_fx_margin_500usd,num_providers\n"
        "2025_1Q,USA,United States,IND,India,USAIND,4.0,3.0,1.0,1.0,10\n"
        "2025_1Q,GBR,United Kingdom,IND,India,GBRIND,6.0,4.0,1.0,1.0,12\n",
        encoding="utf-8",
    )
    import_file(format_name="rpw-corridor-means", path=means)
    figures = {f["indicator"]: f for f in client.get("/api/v1/indicators/countries/IND/key-figures").json()}
    cost = figures["remittance-cost-to-country"]
    assert (cost["period"], cost["value"]) == ("2025-Q1", pytest.approx(5.0))
    assert "Remittance Prices Worldwide" in cost["source"]
    page = client.get("/en/indicators/countries/IND/").content.decode()
    assert "2025-Q1" in page


def test_licence_and_source_texts_go_through_the_catalogue(client, monkeypatch):
    from migdev.indicators import formatting

    load_file("undesa-wpp-net-migration", WPP)
    load_file(
        "national-net-migration",
        Path(__file__).parent / "fixtures" / "cut_Net_migration_national_statistics.csv",
    )
    french = {"As published by each office": "Telle que publiée par chaque office"}
    monkeypatch.setattr(formatting, "gettext", lambda text: french.get(text, text))
    page = client.get(
        "/fr/indicators/net-migration/", {"edition": "national-net-migration-2025"}
    ).content.decode()
    assert "Telle que publiée par chaque office" in page
    assert "As published by each office" not in page


def test_line_chart_labels_neither_overlap_nor_leave_the_chart_at_phone_size():
    import re

    from migdev.indicators import charts

    line = charts.Line(
        "X", [charts.Point(float(year), 1_234_567_890.0 * (year - 1959), "") for year in range(1960, 2021)]
    )
    svg = str(
        charts.line_chart(
            [line], title="t", description="d", format_value=lambda v: f"{v / 1e6:,.0f} US$ million"
        )
    )
    width = 720
    labels = [
        (float(x), anchor, text)
        for x, anchor, text in re.findall(
            r'<text x="([\d.]+)" y="[\d.]+" text-anchor="(\w+)" class="tick">([^<]+)<', svg
        )
    ]
    years = sorted((x, text) for x, anchor, text in labels if anchor == "middle")
    values = [(x, text) for x, anchor, text in labels if anchor == "end"]
    assert len(years) >= 4
    for (x1, t1), (x2, t2) in zip(years, years[1:], strict=False):
        assert x2 - x1 >= (charts.label_width(t1) + charts.label_width(t2)) / 2
    assert years[-1][0] + charts.label_width(years[-1][1]) / 2 <= width
    assert all(x - charts.label_width(text) >= 0 for x, text in values)


def _matrix_2019(destination: str, origin: str) -> float:
    with IMS_2019_MATRIX.open(encoding="utf-8") as handle:
        row = next(r for r in csv.DictReader(handle) if r["Year"] == "2019" and r["Dest"] == destination)
    return float(row[origin])


def test_immigrants_from_one_origin_come_from_the_origin_destination_matrix(client):
    load_file("undesa-ims-2020", IMS_2020)
    load_file("undesa-ims-2019", IMS_2019_MATRIX)
    item = client.get(
        "/api/v1/indicators/international-migrant-stock/observations",
        {"area": "DEU", "period": "2019", "counterpart": "ALB"},
    ).json()["items"][0]
    assert (item["counterpart"], item["edition"]) == ("ALB", "undesa-ims-2019")
    assert item["value"] == _matrix_2019("Germany", "Albania")
    emigrants = client.get(
        "/api/v1/indicators/emigrants/observations", {"area": "ALB", "period": "2019", "counterpart": "DEU"}
    ).json()["items"][0]
    assert emigrants["value"] == _matrix_2019("Germany", "Albania")
