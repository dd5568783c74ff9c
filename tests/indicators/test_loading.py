"""Loading files into editions and computing indicators from them: the issue's check values."""

import csv
from pathlib import Path

import pytest

from migdev.indicators import regions, selectors
from migdev.indicators.loaders import load_file
from migdev.indicators.models import Edition, Observation, SeriesCoverage
from migdev.indicators.services import ObservationsRejected
from tests.indicators.conftest import (
    IMS_2019_TOTALS,
    IMS_2020,
    INFLOWS_2013,
    MIG_2013,
    NATIONAL_NET,
    POP_TOTALS,
    SDG,
    STOCK_TOTALS,
    UNHCR,
    WPP,
)

pytestmark = pytest.mark.django_db


def _indicator(code):
    return selectors.indicator_by_code(code)


def test_world_migrant_stock_2020_and_its_shares(ims_2020):
    stock = selectors.indicator_values(_indicator("international-migrant-stock"), aggregate_codes=["WLD"])
    world = stock.aggregates[("WLD", "2020")]
    assert world.value == 280_598_105
    assert stock.values[("USA", "2020")].value == 50_632_836
    share = selectors.indicator_values(_indicator("migrant-share-of-population"), aggregate_codes=["WLD"])
    assert round(share.aggregates[("WLD", "2020")].value, 2) == 3.60
    women = selectors.indicator_values(_indicator("female-share-of-migrants"), aggregate_codes=["WLD"])
    assert round(women.aggregates[("WLD", "2020")].value, 2) == 48.09


def test_computed_world_matches_the_published_world_row(ims_2020):
    result = selectors.indicator_values(
        _indicator("migrant-share-of-population"), aggregate_codes=["WLD"], with_published_aggregates=True
    )
    computed = result.aggregates[("WLD", "2020")].value
    published = result.published_aggregates[("WLD", "2020")].value
    assert computed == pytest.approx(published, rel=1e-9)


def test_ims_2019_edition_world_2019(db):
    load_file("undesa-ims-2019", IMS_2019_TOTALS)
    result = selectors.indicator_values(
        _indicator("international-migrant-stock"),
        edition_code="undesa-ims-2019",
        areas=["WLD"],
        with_published_aggregates=True,
    )
    assert result.published_aggregates[("WLD", "2019")].value == 271_642_105


def test_remittance_inflows_2010_sum(db):
    load_file("worldbank-remittance-inflows-2013", INFLOWS_2013)
    result = selectors.indicator_values(_indicator("remittance-inflows"), aggregate_codes=["WLD"])
    assert round(result.aggregates[("WLD", "2010")].value / 1e6, 1) == 463_598.7
    share = selectors.indicator_values(_indicator("remittance-inflows-gdp"), areas=["TJK"])
    assert round(share.values[("TJK", "2011")].value, 1) == 46.9


def test_fy24_low_and_middle_income_group_has_136_members(db):
    from migdev.reference.selectors import aggregate_members

    # CLASS.xlsx (FY24) membership, which the reference module returns without a data year.
    assert len(aggregate_members("LMY")) == 136
    # As of a data year the history file (OGHIST, revised 2025) is used; it differs by a few economies.
    assert len(regions.members("LMY", 2022) ^ aggregate_members("LMY")) <= 5


def test_income_group_aggregate_uses_the_data_year(ims_2020):
    result = selectors.indicator_values(_indicator("international-migrant-stock"), aggregate_codes=["HIC"])
    members_1990 = regions.members("HIC", 1990)
    members_2020 = regions.members("HIC", 2020)
    assert members_1990 != members_2020
    assert result.aggregates[("HIC", "1990")].members == len(members_1990)
    assert result.aggregates[("HIC", "2020")].members == len(members_2020)


def test_m49_region_aggregate(ims_2020):
    result = selectors.indicator_values(_indicator("international-migrant-stock"), aggregate_codes=["150"])
    europe = result.aggregates[("150", "2020")]
    # DESA prints Europe (its code 908) as 86.7 million; the computed value must agree closely.
    assert europe.value == pytest.approx(86_706_068, rel=0.01)


def test_editions_side_by_side_newest_official_by_default(ims_2020, tmp_path: Path):
    headline = tmp_path / "ims2024_headline.csv"
    with headline.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["series", "edition", "area", "period", "value", "unit_mult", "footnote"])
        writer.writerow(
            ["migrant-stock", "undesa-ims-2024", "WLD", "2020", "275", "6", "Rounded headline figure"]
        )
        writer.writerow(
            ["migrant-stock", "undesa-ims-2024", "WLD", "2024", "304", "6", "Rounded headline figure"]
        )
    load_file("indicators-observations", headline)
    indicator = _indicator("international-migrant-stock")
    side_by_side = selectors.values_by_edition(indicator, area="WLD", period="2020")
    by_edition = {item.edition.code: item.value.value for item in side_by_side}
    assert by_edition == {"undesa-ims-2024": 275_000_000, "undesa-ims-2020": 280_598_105}
    assert [item.edition.code for item in side_by_side][0] == "undesa-ims-2024"  # newest first
    # Country pages still default to the newest edition that has country data.
    result = selectors.indicator_values(indicator, areas=["USA"])
    assert result.edition.code == "undesa-ims-2020"
    assert Observation.objects.filter(edition__code="undesa-ims-2020").exists()


def test_reloading_the_same_file_updates_in_place(ims_2020):
    count = Observation.objects.count()
    outcome = load_file("undesa-ims-2020", IMS_2020)
    assert Observation.objects.count() == count
    assert outcome.created == 0 and outcome.updated == count


def test_a_bad_row_rejects_the_whole_file(db, tmp_path: Path):
    bad = tmp_path / "wpp.csv"
    rows = WPP.read_text(encoding="utf-8").splitlines()
    rows.insert(5, "99,2020.0,ZZZ,12")
    bad.write_text("\n".join(rows) + "\n", encoding="utf-8")
    with pytest.raises(ObservationsRejected) as caught:
        load_file("undesa-wpp-net-migration", bad)
    assert [(i.file, i.row, i.column) for i in caught.value.issues] == [("wpp.csv", 6, "C")]
    assert not Observation.objects.exists()
    assert not Edition.objects.filter(code="undesa-wpp-2024").exists()


def test_emigrants_and_refugees_by_origin(db):
    load_file("worldbank-bilateral-migration", MIG_2013)
    load_file("unhcr-refugees", UNHCR)
    load_file("undesa-ims-2020", IMS_2020)
    emigrants = selectors.indicator_values(_indicator("emigrants"), areas=["MEX"])
    assert emigrants.values[("MEX", "2013")].value > 10_000_000
    per_100k = selectors.indicator_values(_indicator("refugees-by-origin-per-100000"), areas=["SYR"])
    syria_2020 = per_100k.values[("SYR", "2020")]
    assert syria_2020.numerator == 6_616_983  # refugees from Syria in all countries of asylum
    # UNHCR's method divides by population + refugees: 6,616,983 / (17,500,657 + 6,616,983) × 100,000,
    # UNHCR's 27,437 (refugees / population alone would give 37,810).
    assert syria_2020.denominator == 17_500_657 + 6_616_983
    assert abs(syria_2020.value - 27_437) < 1


def test_net_migration_editions_and_coverage(db):
    load_file("undesa-wpp-net-migration", WPP)
    load_file("national-net-migration", NATIONAL_NET)
    indicator = _indicator("net-migration")
    result = selectors.indicator_values(indicator, areas=["USA"])
    assert result.edition.code == "undesa-wpp-2024"  # official beats compiled
    assert result.values[("USA", "2023")].value == 1_323_000
    coverage = SeriesCoverage.objects.get(edition__code="undesa-wpp-2024", series__code="net-migration")
    assert coverage.last_year == 2024 and coverage.countries >= 10


def test_derived_extract_loads_beside_the_official_edition(ims_2020):
    load_file("undesa-ims-2020-derived", STOCK_TOTALS)
    load_file("undesa-ims-2020-derived", POP_TOTALS)
    result = selectors.indicator_values(_indicator("international-migrant-stock"), areas=["USA"])
    assert result.edition.code == "undesa-ims-2020"
    codes = {edition.code for edition in result.available_editions}
    assert {"undesa-ims-2020", "undesa-ims-2020-derived"} <= codes


def test_sdg_constraints_update_the_catalogue(db):
    load_file("sdg-series-constraints", SDG)
    sdg = selectors.sdg_catalogue().get(code="10.7.2")
    assert "SG_CPA_MIGRS" in sdg.series_codes
    assert "PD_6" in sdg.breakdowns


def test_a_repeated_key_is_refused_naming_both_rows(db, tmp_path: Path):
    twice = tmp_path / "twice.csv"
    with twice.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["series", "edition", "area", "period", "value"])
        writer.writerow(["migrant-stock", "undesa-ims-2024", "WLD", "2024", "304000000"])
        writer.writerow(["migrant-stock", "undesa-ims-2024", "USA", "2024", "52400000"])
        writer.writerow(["migrant-stock", "undesa-ims-2024", "WLD", "2024", "304000001"])
    with pytest.raises(ObservationsRejected) as caught:
        load_file("indicators-observations", twice)
    assert [(i.row, i.reason) for i in caught.value.issues] == [
        (4, "duplicate of the value in row 2, column E")
    ]
    assert not Observation.objects.exists()


def test_long_csv_updates_by_key(db, tmp_path: Path):
    first = tmp_path / "first.csv"
    first.write_text("series,edition,area,period,value\nmigrant-stock,undesa-ims-2024,WLD,2024,304\n")
    second = tmp_path / "second.csv"
    second.write_text(
        "series,edition,area,period,value,unit_mult\n"
        "migrant-stock,undesa-ims-2024,WLD,2024,304,6\nmigrant-stock,undesa-ims-2024,WLD,2020,275,6\n"
    )
    assert load_file("indicators-observations", first).created == 1
    outcome = load_file("indicators-observations", second)
    assert (outcome.created, outcome.updated) == (1, 1)
    world = Observation.objects.get(area="WLD", period="2024")
    assert world.scaled_value == 304_000_000


def test_long_csv_stores_every_column_as_read_and_its_coverage(db, tmp_path: Path):
    path = tmp_path / "long.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(
            [
                "series",
                "edition",
                "area",
                "period",
                "value",
                "counterpart",
                "sex",
                "unit_mult",
                "status",
                "footnote",
            ]
        )
        writer.writerow(["migrant-stock", "undesa-ims-2024", " usa ", "2020", "50632836", "", "", "", "", ""])
        writer.writerow(
            ["migrant-stock", "undesa-ims-2024", "USA", "2020", "1.5", "MEX", "F", "6", "E", "tab\there"]
        )
        writer.writerow(
            [
                "migrant-stock",
                "undesa-ims-2024",
                "DEU",
                "2019",
                "..",
                "",
                "",
                "",
                "",
                "back\\slash\nnext line",
            ]
        )
        writer.writerow(["migrant-stock", "undesa-ims-2024", "WLD", "2020", "281", "", "", "6", "", ""])
        writer.writerow(["migrant-stock", "undesa-ims-2024", "FRA", "2018", "-0.5", "", "M", "-1", "F", ""])
    outcome = load_file("indicators-observations", path)
    assert (outcome.read, outcome.created, outcome.updated) == (5, 5, 0)
    stored = {
        (o.area, o.counterpart, o.sex): (
            o.period,
            o.year,
            o.value,
            o.unit_mult,
            o.status,
            o.footnote,
            o.is_aggregate,
        )
        for o in Observation.objects.filter(edition__code="undesa-ims-2024")
    }
    assert stored == {
        ("USA", "_T", "_T"): ("2020", 2020, 50632836.0, 0, "", "", False),
        ("USA", "MEX", "F"): ("2020", 2020, 1.5, 6, "E", "tab\there", False),
        ("DEU", "_T", "_T"): ("2019", 2019, None, 0, "M", "back\\slash\nnext line", False),
        ("WLD", "_T", "_T"): ("2020", 2020, 281.0, 6, "", "", True),
        ("FRA", "_T", "M"): ("2018", 2018, -0.5, -1, "F", "", False),
    }
    totals = SeriesCoverage.objects.get(
        edition__code="undesa-ims-2024", series__code="migrant-stock", bilateral=False
    )
    # Values that are missing do not count; the world is not a country.
    assert (totals.first_year, totals.last_year, totals.observations, totals.countries) == (2018, 2020, 3, 2)
    partners = SeriesCoverage.objects.get(
        edition__code="undesa-ims-2024", series__code="migrant-stock", bilateral=True
    )
    assert (partners.observations, partners.countries) == (1, 1)
    again = load_file("indicators-observations", path)
    assert (again.created, again.updated) == (0, 5)
    assert Observation.objects.filter(edition__code="undesa-ims-2024").count() == 5


def test_long_csv_unknown_series_rejects_the_file_at_its_first_row(db, tmp_path: Path):
    path = tmp_path / "long.csv"
    path.write_text(
        "series,edition,area,period,value\n"
        "migrant-stock,undesa-ims-2024,USA,2020,1\n"
        "no-such-series,undesa-ims-2024,USA,2020,1\n"
        "no-such-series,undesa-ims-2024,DEU,2020,1\n"
        "migrant-stock,undesa-ims-2024,ZZZ,2020,1\n",
        encoding="utf-8",
    )
    with pytest.raises(ObservationsRejected) as caught:
        load_file("indicators-observations", path)
    assert [(i.file, i.row, i.column, i.reason) for i in caught.value.issues] == [
        ("long.csv", 3, "E", "unknown series 'no-such-series'"),
        ("long.csv", 5, "C", "unknown area code 'ZZZ'"),
    ]
    assert not Observation.objects.filter(edition__code="undesa-ims-2024").exists()


EDITION_HEADER = "series,edition,area,period,value,footnote\n"


def _edition_file(path: Path, rows: list[tuple[str, str, str]]) -> Path:
    path.write_text(
        EDITION_HEADER
        + "".join(f"migrant-stock,bench-edition,{area},2020,{value},{note}\n" for area, value, note in rows)
    )
    return path


@pytest.mark.parametrize("atomic", [True, False], ids=["inside-a-transaction", "staged-outside-it"])
def test_a_whole_edition_file_replaces_the_values_and_records_what_changed(request, atomic, tmp_path: Path):
    """`migdev load indicators-edition FILE --replace`: values the file no longer holds are removed, and the
    import run records what was added, changed and removed. Outside a transaction (the runner's real case)
    SQLite stages the rows first and writes them with set-based statements."""
    from migdev.dataio.errors import ImportRejected
    from migdev.dataio.models import ImportRun
    from migdev.dataio.registry import LoadOptions
    from migdev.dataio.services import import_file
    from migdev.indicators.models import Source
    from migdev.indicators.services import catalogue_install

    request.getfixturevalue("db" if atomic else "transactional_db")
    catalogue_install()  # a transactional test may follow one that emptied the tables
    Edition.objects.get_or_create(
        code="bench-edition",
        defaults={
            "source": Source.objects.get(code="undesa-ims"),
            "title": "Edition replaced in a test",
            "published": "2020-01-01",
            "kind": "derived",
        },
    )
    first = _edition_file(tmp_path / "first.csv", [("FRA", "1", ""), ("DEU", "2", ""), ("ITA", "3", "")])
    assert import_file(format_name="indicators-edition", path=first).created == 3
    second = _edition_file(
        tmp_path / "second.csv", [("FRA", "1", ""), ("DEU", "5", ""), ("ESP", "4", ""), ("PRT", "6", "")]
    )
    with pytest.raises(ImportRejected) as refused:
        import_file(format_name="indicators-edition", path=second)
    assert (refused.value.changes.added, refused.value.changes.changed, refused.value.changes.removed) == (
        2,
        1,
        1,
    )

    def stored():
        return dict(Observation.objects.filter(edition__code="bench-edition").values_list("area", "value"))

    assert stored() == {"FRA": 1, "DEU": 2, "ITA": 3}  # refused: nothing written
    result = import_file(format_name="indicators-edition", path=second, options=LoadOptions(replace=True))
    assert stored() == {"FRA": 1, "DEU": 5, "ESP": 4, "PRT": 6}
    assert (result.created, result.updated) == (2, 2)
    recorded = ImportRun.objects.get(pk=result.run_id).report["changes"]
    assert (recorded["existing"], recorded["added"], recorded["changed"], recorded["removed"]) == (3, 2, 1, 1)
    assert any("removed: migrant-stock ITA 2020" in example for example in recorded["examples"])
    # A footnote-only change is written too, and the long CSV (by key) keeps what the file does not name.
    third = _edition_file(tmp_path / "third.csv", [("FRA", "1", "revised")])
    import_file(format_name="indicators-observations", path=third, options=LoadOptions(replace=True))
    assert stored() == {"FRA": 1, "DEU": 5, "ESP": 4, "PRT": 6}
    assert Observation.objects.get(edition__code="bench-edition", area="FRA").footnote == "revised"
    assert SeriesCoverage.objects.get(edition__code="bench-edition", bilateral=False).observations == 4


ORACLE_AREAS = ("FRA", "DEU", "ITA", "ESP", "PRT", "USA", "MEX", "BRA", "IND", "CHN")
ORACLE_HEADER = ["series", "edition", "area", "period", "value", "sex", "unit_mult", "status", "footnote"]


def _random_cells(generator):
    value = generator.choice(["..", str(generator.randint(0, 50)), f"{generator.randint(0, 999)}.5"])
    return value, generator.choice(["", "3"]), generator.choice(["", "E", "F"]), generator.choice(["", "rev"])


def _stored_as_read(cells):
    """What a stored value holds once read: a missing value carries status M; no multiplier reads 0."""
    value, unit_mult, status, footnote = cells
    number = None if value == ".." else float(value)
    return number, int(unit_mult or 0), "M" if number is None else status, footnote


def _write_oracle_file(path: Path, rows: dict) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(ORACLE_HEADER)
        for (series, area, period, sex), cells in rows.items():
            value, unit_mult, status, footnote = cells
            writer.writerow([series, "oracle-edition", area, period, value, sex, unit_mult, status, footnote])
    return path


@pytest.mark.parametrize("seed", [1, 2, 3])
@pytest.mark.parametrize("atomic", [True, False], ids=["inside-a-transaction", "staged-outside-it"])
def test_replacing_an_edition_matches_a_python_oracle(request, atomic, seed, tmp_path: Path):
    """A random edition replaced by a random file (values kept, changed in value, status, multiplier or
    footnote only, removed, added; a series the file leaves out) through the runner users get: the stored
    rows and the recorded diff are what a plain Python comparison of the two files says, on either
    database and either path (the rows staged before the transaction, or inside it)."""
    import random

    from migdev.dataio.models import ImportRun
    from migdev.dataio.registry import LoadOptions
    from migdev.dataio.services import import_file
    from migdev.indicators.models import Source
    from migdev.indicators.services import catalogue_install

    request.getfixturevalue("db" if atomic else "transactional_db")
    catalogue_install()
    Edition.objects.get_or_create(
        code="oracle-edition",
        defaults={
            "source": Source.objects.get(code="undesa-ims"),
            "title": "Edition replaced against an oracle",
            "published": "2020-01-01",
            "kind": "derived",
        },
    )
    generator = random.Random(seed)
    keys = [
        (series, area, str(period), sex)
        for series in ("migrant-stock", "emigrant-stock", "population")
        for area in ORACLE_AREAS
        for period in (2000, 2005, 2010)
        for sex in ("_T", "F", "M")
    ]
    first = {key: _random_cells(generator) for key in generator.sample(keys, 150)}
    second: dict = {}
    for key, cells in first.items():
        if key[0] == "population":
            continue  # not in the second file: its stored values stay
        roll = generator.random()
        if roll < 0.15:
            continue  # removed
        if roll < 0.35:  # one column changed: the value, the status alone, the multiplier or the footnote
            value, unit_mult, status, footnote = cells
            which = generator.randrange(4)
            if which == 0:
                value = _random_cells(generator)[0]
            elif which == 1:
                status = generator.choice([other for other in ("", "E", "F") if other != status])
            elif which == 2:
                unit_mult = "" if unit_mult else "3"
            else:
                footnote = "" if footnote else "rev"
            cells = (value, unit_mult, status, footnote)
        second[key] = cells
    for key in generator.sample([key for key in keys if key not in first and key[0] != "population"], 20):
        second[key] = _random_cells(generator)
    keys_order = list(second)
    generator.shuffle(keys_order)
    second = {key: second[key] for key in keys_order}

    import_file(
        format_name="indicators-edition",
        path=_write_oracle_file(tmp_path / "first.csv", first),
        options=LoadOptions(replace=True),
    )
    result = import_file(
        format_name="indicators-edition",
        path=_write_oracle_file(tmp_path / "second.csv", second),
        options=LoadOptions(replace=True),
    )

    before = {key: _stored_as_read(cells) for key, cells in first.items()}
    after = {key: _stored_as_read(cells) for key, cells in second.items()}
    expected_rows = {**{key: v for key, v in before.items() if key[0] == "population"}, **after}
    stored = {
        (series, area, period, sex): (value, unit_mult, status, footnote)
        for series, area, period, sex, value, unit_mult, status, footnote in Observation.objects.filter(
            edition__code="oracle-edition"
        ).values_list("series__code", "area", "period", "sex", "value", "unit_mult", "status", "footnote")
    }
    assert stored == expected_rows
    replaced = {key: value for key, value in before.items() if key[0] != "population"}
    matched = replaced.keys() & after.keys()
    changed = [key for key in matched if replaced[key][0::2] != after[key][0::2]]  # (value, status)
    removed = replaced.keys() - after.keys()
    recorded = ImportRun.objects.get(pk=result.run_id).report["changes"]
    assert (recorded["existing"], recorded["added"], recorded["changed"], recorded["removed"]) == (
        len(replaced),
        len(after.keys() - replaced.keys()),
        len(changed),
        len(removed),
    )
    assert (result.created, result.updated) == (len(after.keys() - replaced.keys()), len(matched))
    # The examples name real changes: the first changed values in file order, then removed ones.
    codes_in_order = [key for key in second if key in changed][:5]
    shown_changed = [example for example in recorded["examples"] if example.startswith("changed: ")]
    assert len(shown_changed) == len(codes_in_order)
    for example, (series, area, period, sex) in zip(shown_changed, codes_in_order, strict=True):
        assert example.startswith(f"changed: {series} {area} {period}")
        assert sex == "_T" or f"sex={sex}" in example
    shown_removed = [example for example in recorded["examples"] if example.startswith("removed: ")]
    assert len(shown_removed) == min(len(removed), 5)
    removed_texts = {
        f"{series} {area} {period}" + ("" if sex == "_T" else f" sex={sex}")
        for series, area, period, sex in removed
    }
    assert all(example.split(": ")[1] in removed_texts for example in shown_removed)
