"""The parsers on files cut from the real publications: check values, missing markers, aggregates, errors."""

import csv
from datetime import date
from pathlib import Path

import pytest

from migdev.dataio.errors import ImportRejected
from migdev.indicators.parsers import others, undesa, worldbank
from migdev.indicators.parsers.base import ParseError, cell_number, column_letter
from tests.indicators.conftest import (
    IMS_2019_MATRIX,
    IMS_2019_TOTALS,
    IMS_2020,
    INFLOWS_2013,
    MIG_2013,
    POP_TOTALS,
    RPW,
    SDG,
    STOCK_TOTALS,
    UNHCR,
    WDI_PAID,
    WPP,
)


def _find(observations, **match):
    return [o for o in observations if all(getattr(o, key) == value for key, value in match.items())]


def test_ims_2020_world_row_is_an_aggregate_with_published_totals():
    parsed = undesa.parse_ims_2020_destination(IMS_2020)
    assert not parsed.issues
    world = _find(parsed.observations, series="migrant-stock", area="WLD", period="2020")
    assert {o.sex: o.value for o in world} == {"_T": 280_598_105, "M": 145_655_844, "F": 134_942_261}
    assert all(o.is_aggregate for o in world)
    assert parsed.aggregate_names["UN947"] == "Sub-Saharan Africa"


def test_ims_2020_countries_sum_to_the_world_total():
    parsed = undesa.parse_ims_2020_destination(IMS_2020)
    countries = _find(
        parsed.observations, series="migrant-stock", period="2020", sex="_T", is_aggregate=False
    )
    assert sum(o.value or 0 for o in countries) == 280_598_105
    usa = _find(countries, area="USA")
    assert [o.value for o in usa] == [50_632_836]
    assert usa[0].footnote == "Type of data: B"


def test_ims_2020_population_keeps_its_unit_multiplier_and_refugee_tilde_is_missing():
    parsed = undesa.parse_ims_2020_destination(IMS_2020)
    population = _find(parsed.observations, series="population", area="WLD", period="2020", sex="_T")[0]
    assert population.unit_mult == 3 and population.value == pytest.approx(7_794_798.729)
    virgin_islands = _find(parsed.observations, series="refugee-stock", area="VIR", period="2020")[0]
    assert virgin_islands.value is None and virgin_islands.status == "M"


def test_ims_2020_double_dots_become_missing_not_zero():
    parsed = undesa.parse_ims_2020_destination(IMS_2020)
    south_sudan_1990 = _find(
        parsed.observations, series="migrant-stock", area="SSD", period="1990", sex="_T"
    )[0]
    assert south_sudan_1990.value is None
    assert south_sudan_1990.status == "M"


def test_ims_2020_repeated_region_rows_are_kept_once():
    parsed = undesa.parse_ims_2020_destination(IMS_2020)
    assert parsed.duplicate_issues("f") == []
    assert len(_find(parsed.observations, series="migrant-stock", area="UN927", period="2020", sex="_T")) == 1


def test_ims_2019_totals_world_2019():
    parsed = undesa.parse_ims_2019_totals(IMS_2019_TOTALS)
    assert parsed.edition.code == "undesa-ims-2019"
    world = _find(parsed.observations, series="migrant-stock", area="WLD", period="2019", sex="_T")
    assert [o.value for o in world] == [271_642_105]


def test_ims_2019_matrix_skips_zeros_and_regions_keeps_missing():
    parsed = undesa.parse_ims_2019_matrix(IMS_2019_MATRIX)
    assert not parsed.issues
    areas = {o.area for o in parsed.observations}
    assert areas == {"USA", "DEU"}  # the "Caribbean" row is a region, not a destination
    assert all(o.value != 0 for o in parsed.observations)
    mexicans = _find(parsed.observations, area="USA", counterpart="MEX", period="2019")
    assert mexicans[0].value == pytest.approx(11_489_684, rel=0.05)


def test_ims_2020_derived_stock_and_population():
    stock = undesa.parse_ims_2020_derived(STOCK_TOTALS)
    assert not stock.issues
    assert _find(stock.observations, series="migrant-stock", area="USA", period="2020")[0].value == 50_632_836
    assert _find(
        stock.observations, series="migrant-stock", area="CHI", period="2020"
    )  # Channel Islands via M49 830
    population = undesa.parse_ims_2020_derived(POP_TOTALS)
    world = _find(population.observations, area="WLD", period="2020")[0]
    assert world.is_aggregate and world.unit_mult == 3


def test_wpp_net_migration_2023():
    parsed = others.parse_wpp_net_migration(WPP)
    values = {o.area: o.value for o in parsed.observations if o.period == "2023"}
    assert values["USA"] == 1_323_000 and values["DEU"] == 610_000 and values["IND"] == -979_000


def test_unhcr_unknown_origin_and_unallocated_rows():
    parsed = others.parse_unhcr_bilateral(UNHCR)
    assert not parsed.issues
    assert parsed.rows_skipped == 1  # 1995 asylum-seekers with neither origin nor asylum
    assert _find(parsed.observations, counterpart="UNK")
    # Zero cells are kept as zeros (Nauru's refugees abroad fell to 0 in 2020).
    zero = _find(parsed.observations, series="refugees", counterpart="IND", area="NRU", period="2020")
    assert [o.value for o in zero] == [0]


def test_remittance_inflows_2013_sums_and_estimate_flag():
    parsed = worldbank.parse_remittance_inflows_2013(INFLOWS_2013)
    assert not parsed.issues
    inflows = [o for o in parsed.observations if o.series == "remittance-inflows"]
    assert round(sum(o.value or 0 for o in inflows if o.period == "2010"), 1) == 463_598.7
    assert round(sum(o.value or 0 for o in inflows if o.period == "2011"), 1) == 514_247.9
    assert all(o.unit_mult == 6 for o in inflows)
    tajikistan_2012 = _find(inflows, area="TJK", period="2012")[0]
    assert tajikistan_2012.status == "E" and tajikistan_2012.value == pytest.approx(3739.5, abs=0.05)
    share = _find(parsed.observations, series="remittance-inflows-gdp-ratio", area="TJK")[0]
    assert share.period == "2011" and share.value == pytest.approx(0.469, abs=0.001)


def test_wdi_bulk_csv_recognises_aggregates_and_blank_cells():
    parsed = worldbank.parse_wdi_bulk_csv(WDI_PAID)
    assert parsed.edition.code == "worldbank-wdi-2021-09-15"
    world = _find(parsed.observations, area="WLD", period="2019")[0]
    assert world.is_aggregate and world.value == pytest.approx(448.92e9, rel=1e-4)
    assert _find(parsed.observations, area="USA", period="2020")[0].value == pytest.approx(68.0e9, rel=1e-3)
    assert _find(parsed.observations, area="LMY", period="2020")[0].is_aggregate
    aruba_1960 = _find(parsed.observations, area="ABW", period="1960")[0]
    assert aruba_1960.value is None and aruba_1960.status == "M"


def test_bilateral_matrix_2013():
    parsed = worldbank.parse_bilateral_matrix(MIG_2013)
    assert parsed.edition.code == "worldbank-bilateral-migration-2013"
    assert not parsed.issues
    indians_abroad = _find(parsed.observations, series="emigrant-stock", area="IND")[0]
    assert indians_abroad.value == 13_885_099
    usa_total = _find(parsed.observations, series="migrant-stock", area="USA", counterpart="_T")[0]
    assert usa_total.value == 46_136_362


def test_rpw_corridors_quarters():
    parsed = others.parse_rpw_corridors(RPW)
    assert parsed.edition.code == "worldbank-rpw-corridors-2020-12-07"
    usa_mexico = _find(parsed.observations, area="MEX", counterpart="USA", period="2020-Q3")
    assert usa_mexico and usa_mexico[0].value == pytest.approx(4.18, abs=0.01)


def test_sdg_constraints_migration_series():
    constraints = {c.series: c for c in others.parse_sdg_constraints(SDG)}
    assert constraints["SM_POP_REFG_OR"].unit_measure == "PER_100000_POP"
    assert constraints["SG_CPA_MIGRS"].indicator == "10.7.2"
    assert "PD_6" in constraints["SG_CPA_MIGRS"].breakdowns["COMPOSITE_BREAKDOWN"]


def test_unknown_country_is_reported_with_row_and_column(tmp_path: Path):
    bad = tmp_path / "net.csv"
    with bad.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["", "Year", "Country ISO", "Net Number of Migrants"])
        writer.writerow(["0", "2020.0", "USA", "1000"])
        writer.writerow(["1", "2020.0", "ZZZ", "5"])
        writer.writerow(["2", "2020.0", "DEU", "twelve"])
    parsed = others.parse_wpp_net_migration(bad)
    assert [(i.row, i.column) for i in parsed.issues] == [(3, "C"), (4, "D")]
    assert "ZZZ" in parsed.issues[0].reason


def test_a_file_of_the_wrong_kind_is_refused(tmp_path: Path):
    wrong = tmp_path / "wrong.csv"
    wrong.write_text("a,b\n1,2\n", encoding="utf-8")
    with pytest.raises(ParseError):
        others.parse_unhcr_bilateral(wrong)
    with pytest.raises(ImportRejected, match="not an XLSX workbook"):
        undesa.parse_ims_2020_destination(wrong)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("..", (None, True)),
        ("~", (None, True)),
        ("", (None, True)),
        (None, (None, True)),
        ("NA", (None, True)),
        # Read strictly (issue 15): a comma is neither a decimal point nor a thousands separator unless
        # the format declares it; "1,5" was once stored as 15.
        ("1,234", (None, False)),
        ("1,5", (None, False)),
        ("1 500", (None, False)),
        ("1.5", (1.5, True)),
        ("-2e3", (-2000.0, True)),
        (0, (0.0, True)),
        ("x", (None, False)),
        (float("nan"), (None, True)),
    ],
)
def test_cell_number(raw, expected):
    assert cell_number(raw) == expected


def test_cell_number_with_declared_separators():
    assert cell_number("1,234.5", thousands=",") == (1234.5, True)
    assert cell_number("1,5", decimal=",") == (1.5, True)


def test_column_letter():
    assert [column_letter(i) for i in (0, 25, 26, 51, 52)] == ["A", "Z", "AA", "AZ", "BA"]


LONG_EDITIONS = {
    code: others.EditionInfo(source="undesa-ims", code=code, title=code, published=date(2024, 1, 1))
    for code in ("ims-long", "ims-other")
}
LONG_HEADER = (
    "series,edition,area,period,value,counterpart,sex,age,migratory_status,unit_mult,status,footnote"
)


def _long_file(tmp_path: Path, *lines: str) -> Path:
    path = tmp_path / "long.csv"
    path.write_text("\n".join([LONG_HEADER, *lines]) + "\n", encoding="utf-8")
    return path


def test_long_csv_reads_codes_in_any_spacing_and_case_once_checked(tmp_path: Path):
    path = _long_file(
        tmp_path,
        "migrant-stock,ims-long,usa,2020,1,,,,,,,",
        " migrant-stock , ims-long , DEU , 2020 , 2.5 ,MEX, F ,15-24,_T, 3 , E , a note ",
        "migrant-stock,ims-long,WLD,2021-Q3,..,,,,,,,",
        ",,,,,,,,,,,",
        'migrant-stock,ims-long,2,2020,"1234",,,,,,,"two\nlines"',
        "migrant-stock,ims-long,FRA,2020",
    )
    parsed = others.parse_long_csv(path, editions=LONG_EDITIONS)
    observations = list(parsed.iter_observations())
    assert not parsed.issues and parsed.rows_read == 5
    usa, deu, world, africa, france = observations
    assert (usa.area, usa.value, usa.sex, usa.counterpart, usa.unit_mult, usa.status) == (
        "USA",
        1.0,
        "_T",
        "_T",
        0,
        "",
    )
    assert (deu.series, deu.area, deu.counterpart, deu.sex, deu.age) == (
        "migrant-stock",
        "DEU",
        "MEX",
        "F",
        "15-24",
    )
    assert (deu.value, deu.unit_mult, deu.status, deu.footnote) == (2.5, 3, "E", "a note")
    assert (world.is_aggregate, world.period, world.year, world.value, world.status) == (
        True,
        "2021-Q3",
        2021,
        None,
        "M",
    )
    assert (africa.area, africa.is_aggregate, africa.value, africa.footnote, africa.row) == (
        "002",
        True,
        1234.0,
        "two\nlines",
        6,  # rows count like a spreadsheet: a record over two lines is one row
    )
    assert (france.row, france.value, france.status) == (7, None, "M")  # a short row: the value is missing
    assert {o.column for o in observations} == {"E"}


def test_long_csv_names_the_first_bad_column_of_every_bad_row(tmp_path: Path):
    path = _long_file(
        tmp_path,
        "migrant-stock,ims-long,USA,2020,1,,,,,,,",
        "migrant-stock,ims-long,ZZZ,2020,1,,,,,,,",
        "migrant-stock,ims-long,ZZZ,20x0,1,,,,,,,",
        "migrant-stock,ims-long,USA,20x0,1,,,,,,,",
        "migrant-stock,ims-long,USA,2020,abc,,,,,,,",
        "migrant-stock,ims-long,USA,2020,nan,,,,,,,",
        "migrant-stock,ims-long,USA,2020,1e400,,,,,,,",
        "migrant-stock,ims-other,USA,2020,1,,,,,,,",
        "migrant-stock,ims-unknown,USA,2020,1,,,,,,,",
        "migrant-stock,ims-long,USA,2020,1,XXX,,,,,,",
        "migrant-stock,ims-long,USA,2020,1,,bad code!,,,,,",
        "migrant-stock,ims-long,USA,2020,1,,,,,123,,",
        "migrant-stock,ims-long,USA,2020,1,,,,,,Q,",
        "migrant-stock,ims-long,USA,2021,1,,,,,,,",
    )
    parsed = others.parse_long_csv(path, editions=LONG_EDITIONS)
    kept = list(parsed.iter_observations())
    assert [(o.area, o.period) for o in kept] == [("USA", "2020"), ("USA", "2021")]
    assert parsed.rows_read == 14
    assert [(issue.row, issue.column, issue.reason) for issue in parsed.issues] == [
        (3, "C", "unknown area code 'ZZZ'"),
        (4, "C", "unknown area code 'ZZZ'"),
        (5, "D", "'20x0' is not a period"),
        (6, "E", "'abc' is not a number"),
        (7, "E", "'nan' is not a number"),
        (8, "E", "'1e400' is not a number"),
        (9, "B", "one file holds one edition"),
        (10, "B", "unknown edition 'ims-unknown'"),
        (11, "F", "unknown counterpart 'XXX'"),
        (12, "G", "'bad code!' is not a code"),
        (13, "J", "unit_mult is a power of 10"),
        (14, "K", "unknown status 'Q'"),
    ]


def test_long_csv_refuses_a_value_beyond_the_headers_last_column(tmp_path: Path):
    # "1.234,5" written with a decimal comma splits into 1.234 and a sixth cell: storing 1.234 would change a
    # value the user did not mean, so the row is refused, naming the cell; empty trailing cells are harmless.
    path = tmp_path / "long.csv"
    path.write_text(
        "series,edition,area,period,value\n"
        "migrant-stock,ims-long,USA,2020,12\n"
        "migrant-stock,ims-long,MEX,2020,1.234,5\n"
        "migrant-stock,ims-long,CAN,2020,7,,\n",
        encoding="utf-8",
    )
    parsed = others.parse_long_csv(path, editions=LONG_EDITIONS)
    kept = [(o.area, o.value) for o in parsed.iter_observations()]
    assert kept == [("USA", 12.0), ("CAN", 7.0)]
    assert [(issue.row, issue.column) for issue in parsed.issues] == [(3, "F")]
    assert "beyond the header" in parsed.issues[0].reason
