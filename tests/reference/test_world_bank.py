import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from migdev.reference import selectors
from migdev.reference.models import (
    WorldBankEconomy,
    WorldBankGroup,
    WorldBankGroupMember,
    WorldBankIncomeClassification,
)

from .helpers import read_rows

pytestmark = pytest.mark.django_db

HISTORY = read_rows("wb_income_history.csv")
FISCAL_YEARS = {row["label"]: int(row["data_year"]) for row in read_rows("wb_fiscal_years.csv")}


def test_fiscal_years_map_to_data_years_two_years_earlier() -> None:
    assert FISCAL_YEARS["FY89"] == 1987
    assert FISCAL_YEARS["FY24"] == 2022
    assert FISCAL_YEARS["FY26"] == 2024
    for row in read_rows("wb_fiscal_years.csv"):
        assert int(row["fiscal_year"]) - int(row["data_year"]) == 2
        assert row["label"] == f"FY{int(row['fiscal_year']) % 100:02d}"


def test_all_groups_and_economies_are_loaded() -> None:
    assert WorldBankGroup.objects.count() == len(read_rows("wb_groups.csv")) == 48
    assert WorldBankEconomy.objects.count() == len(read_rows("wb_economies.csv"))
    assert WorldBankGroupMember.objects.count() == len(read_rows("wb_group_members.csv"))
    classified = sum(1 for row in HISTORY for label in FISCAL_YEARS if row[label] not in ("", ".."))
    assert WorldBankIncomeClassification.objects.count() == classified


def test_low_and_middle_income_has_136_members() -> None:
    members = selectors.aggregate_members("LMY")
    assert len(members) == 136
    assert members == selectors.aggregate_members("LIC") | selectors.aggregate_members("MIC")
    assert selectors.aggregate_members("MIC") == selectors.aggregate_members(
        "LMC"
    ) | selectors.aggregate_members("UMC")


def test_class_groups_equal_the_fy23_history() -> None:
    """CLASS.xlsx is the FY23 edition (data year 2021): its income groups match OGHIST FY23."""
    for code in ("LIC", "LMC", "UMC", "HIC", "LMY", "MIC"):
        assert selectors.aggregate_members(code) == selectors.aggregate_members(code, 2021), code


def test_income_aggregates_for_a_year_come_from_the_history() -> None:
    expected = {row["economy"] for row in HISTORY if row["FY14"] == "L"}
    assert selectors.aggregate_members("LIC", 2012) == expected
    expected_lmy = {row["economy"] for row in HISTORY if row["FY24"] in ("L", "LM", "UM")}
    assert selectors.aggregate_members("LMY", 2022) == expected_lmy
    assert selectors.aggregate_members("LMY", 2022) != selectors.aggregate_members("LMY", 2021)


def test_a_country_moving_from_lower_to_upper_middle_income() -> None:
    # Indonesia: lower middle income in FY23 (2021 data), upper middle income in FY24 (2022 data).
    indonesia = next(row for row in HISTORY if row["economy"] == "IDN")
    assert (indonesia["FY23"], indonesia["FY24"]) == ("LM", "UM")
    assert selectors.income_group_for("IDN", 2021) == "LM"
    assert selectors.income_group_for("IDN", 2022) == "UM"
    assert "IDN" in selectors.aggregate_members("LMC", 2021)
    assert "IDN" in selectors.aggregate_members("UMC", 2022)


def test_every_lower_to_upper_middle_move_in_the_file_is_reflected() -> None:
    labels = list(FISCAL_YEARS)
    moves = [
        (row["economy"], FISCAL_YEARS[before], FISCAL_YEARS[after])
        for row in HISTORY
        for before, after in zip(labels, labels[1:], strict=False)
        if (row[before], row[after]) == ("LM", "UM")
    ]
    assert moves
    for economy, before, after in moves:
        assert selectors.income_group_for(economy, before) == "LM"
        assert selectors.income_group_for(economy, after) == "UM"


@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None)
@given(row=st.sampled_from(HISTORY), label=st.sampled_from(sorted(FISCAL_YEARS)))
def test_income_group_for_matches_the_file(row: dict[str, str], label: str) -> None:
    published = row[label]
    expected = None if published in ("", "..") else published.rstrip("*")
    assert selectors.income_group_for(row["economy"], FISCAL_YEARS[label]) == expected


def test_unclassified_and_unknown() -> None:
    assert selectors.income_group_for("VEN", 2022) is None  # unclassified since FY22
    assert selectors.income_group_for("VEN", 2010) == "UM"
    assert selectors.income_group_for("AFG", 1900) is None
    assert selectors.income_group_for("NOPE", 2010) is None
    assert selectors.income_group_for("afg", 2010) == "L"


def test_yemen_footnote_is_kept() -> None:
    row = WorldBankIncomeClassification.objects.get(economy__code="YEM", fiscal_year=1989)
    assert row.income_group == "LM"
    assert "Yemen, PDR" in row.note


def test_economies_without_iso_codes_keep_world_bank_codes() -> None:
    kosovo = selectors.world_bank_economy("XKX")
    assert kosovo.country is None
    assert kosovo.region is not None and kosovo.region.code == "ECS"
    assert "XKX" in selectors.aggregate_members("UMC")
    assert selectors.income_group_for("XKX", 2015) == "LM"
    assert selectors.world_bank_economy("NGA").country == selectors.country_by_code("NGA")


def test_regions_and_other_groups() -> None:
    assert len(selectors.aggregate_members("SSF")) == 48
    assert selectors.aggregate_members("NAC") == {"BMU", "CAN", "USA"}
    assert selectors.aggregate_members("SAS", 1990) == selectors.aggregate_members("SAS")
    assert len(selectors.aggregate_members("OED")) == 38
    assert "ETH" in selectors.aggregate_members("IDA")


def test_income_groups_for_year() -> None:
    groups_2022 = selectors.income_groups_for_year(2022)
    assert groups_2022["IDN"] == "UM"
    assert "VEN" not in groups_2022
    current = selectors.income_groups_for_year()
    assert current["IDN"] == "LM"
    assert "VEN" not in current
    assert sum(1 for group in current.values() if group != "H") == 136


def test_years_without_classification_raise() -> None:
    with pytest.raises(selectors.ClassificationUnavailable):
        selectors.aggregate_members("LIC", 2035)
    assert selectors.income_data_years() == sorted(FISCAL_YEARS.values(), reverse=True)


def test_unknown_aggregate_raises() -> None:
    with pytest.raises(selectors.UnknownAggregate):
        selectors.aggregate_members("NOPE")
    with pytest.raises(selectors.UnknownAggregate):
        selectors.aggregate_members("566")  # a country's M49 code, not an area


def test_aggregates_list() -> None:
    listed = selectors.aggregates()
    codes = [entry.code for entry in listed]
    assert len(codes) == len(set(codes))
    kinds = {entry.code: entry.kind for entry in listed}
    assert kinds["WLD"] == "world"
    assert kinds["002"] == "m49"
    assert {code for code, kind in kinds.items() if kind == "income"} == {
        "LIC",
        "LMC",
        "UMC",
        "HIC",
        "LMY",
        "MIC",
    }
    assert {code for code, kind in kinds.items() if kind == "wb_region"} == {
        "EAS",
        "ECS",
        "LCN",
        "MEA",
        "NAC",
        "SAS",
        "SSF",
    }
    assert kinds["IDA"] == "other"
    # 1 world + 33 M49 areas + 47 World Bank groups (its WLD is the world entry).
    assert len(listed) == 1 + 33 + 47
    for entry in listed:
        selectors.aggregate_members(entry.code)


def test_income_aggregates_are_named_in_the_interface_language() -> None:
    from django.utils import translation

    with translation.override("es"):
        names = {entry.code: entry.name for entry in selectors.aggregates()}
    assert names["LIC"] == "Ingreso bajo" and names["LMY"] == "Ingreso mediano y bajo"
    assert names["EAS"] == "East Asia & Pacific"  # CLASS.xlsx names other groups in English only
    with translation.override("fr"):
        assert {e.code: e.name for e in selectors.aggregates()}["MIC"] == "Revenu intermédiaire"
    assert {e.code: e.name for e in selectors.aggregates()}["LMY"] == "Low & middle income"
