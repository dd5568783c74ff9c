"""CTDC codings: reading each format, writing it back, and the statistics CTDC publishes."""

import csv
import os
from pathlib import Path

import pytest

from migdev.trafficking import ctdc
from migdev.trafficking.ctdc import CellError, CountryInfo
from migdev.trafficking.statistics import count_by, count_true

SAMPLE = Path(__file__).parent / "data" / "ctdc_vp_sample.csv"
COUNTRIES = {
    "FR": CountryInfo("FRA", "Europe"),
    "FRA": CountryInfo("FRA", "Europe"),
    "NG": CountryInfo("NGA", "Africa"),
    "NGA": CountryInfo("NGA", "Africa"),
    "RS": CountryInfo("SRB", "Europe"),
    "SRB": CountryInfo("SRB", "Europe"),
    "CD": CountryInfo("COD", "Africa"),
    "COD": CountryInfo("COD", "Africa"),
}


def resolve(code: str) -> CountryInfo | None:
    return COUNTRIES.get(code)


def sample_rows() -> list[dict[str, str]]:
    with SAMPLE.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_vp_sample_reads_with_counts_equal_to_the_file() -> None:
    rows = sample_rows()
    records = [ctdc.read_vp(row, resolve) for row in rows]
    assert len(records) == len(rows) == 524
    genders = count_by(records, "gender")
    assert genders["Female"] == sum(row["gender"] == "Female" for row in rows)
    assert genders["Male"] == sum(row["gender"] == "Male" for row in rows)
    assert genders[None] == sum(row["gender"] == "" for row in rows)
    assert count_true(records, "is_forced_labour") == sum(row["isForcedLabour"] == "1" for row in rows)
    assert count_true(records, "is_sexual_exploit") == sum(row["isSexualExploit"] == "1" for row in rows)
    regions = count_by(records, "citizenship_region")
    assert regions["Americas/Oceania"] == sum(row["UN_COO_Region"] == "Americas/Oceania" for row in rows)


def test_vp_multi_values_are_sorted_sets_and_round_trip() -> None:
    for row in sample_rows():
        record = ctdc.read_vp(row, resolve)
        written = ctdc.write_vp(record)
        assert written == row, row


def test_vp_rejects_values_outside_the_coding() -> None:
    row = sample_rows()[0] | {"IP_Gender": "Female;Robot"}
    with pytest.raises(CellError) as raised:
        ctdc.read_vp(row, resolve)
    assert raised.value.column == "IP_Gender"
    with pytest.raises(CellError):
        ctdc.read_vp(sample_rows()[0] | {"yearRegister": "2023"}, resolve)


FULL_FILE = Path(os.environ.get("CTDC_VP_FULL", "/work/shared/data/ctdc/CTDC_VPsynthetic_condensed.csv"))


@pytest.mark.skipif(not FULL_FILE.exists(), reason="the full CTDC VP file is not available here")
def test_full_vp_file_matches_the_published_counts() -> None:
    with FULL_FILE.open(newline="", encoding="utf-8") as handle:
        records = [ctdc.read_vp(row, resolve) for row in csv.DictReader(handle)]
    assert len(records) == 21195
    assert count_by(records, "gender")["Female"] == 9589
    assert count_by(records, "gender")["Male"] == 7995
    assert count_true(records, "is_forced_labour") == 12248
    assert count_true(records, "is_sexual_exploit") == 2775


def global_row(**overrides: str) -> dict[str, str]:
    row = dict.fromkeys(ctdc.GLOBAL_COLUMNS, "-99")
    row.update(
        yearOfRegistration="2016",
        Datasource="Case management",
        gender="Female",
        ageBroad="18--20",
        majorityStatus="Adult",
        citizenship="NG",
        CountryOfExploitation="FR",
    )
    row.update(overrides)
    return row


def test_global_dataset_coding() -> None:
    record = ctdc.read_global(
        global_row(
            meansOfControlDebtBondage="1",
            meansOfControlThreats="0",
            meansOfControlUsesChildren="1",
            isSexualExploit="1",
            isForcedLabour="0",
            typeOfSexProstitution="1",
        ),
        resolve,
    )
    assert record["citizenship"] == "NGA"
    assert record["citizenship_region"] == "Africa"
    assert record["country_of_exploitation"] == "FRA"
    assert record["control_debt_bondage"] is True
    assert record["control_threats"] is False
    assert record["control_psychological_abuse"] is None  # -99
    # merged means follow the codebook's appendix II
    assert record["means_debt_bondage_earnings"] is True
    assert record["means_threats"] is True
    assert record["means_abuse_psy_phy_sex"] is None
    assert record["registration_period"] == "2014-2018"
    written = ctdc.write_global(record, lambda iso3: {"NGA": "NG", "FRA": "FR"}.get(iso3, iso3))
    assert written["citizenship"] == "NG"
    assert written["meansOfControlConcatenated"] == "Debt bondage;Uses children"
    assert written["typeOfExploitConcatenated"] == "Sexual exploitation"
    assert written["meansOfControlThreats"] == "0"
    assert written["meansOfControlPsychologicalAbuse"] == "-99"
    assert list(written) == list(ctdc.GLOBAL_COLUMNS)


def test_global_unknown_and_retired_country_codes() -> None:
    assert ctdc.read_global(global_row(citizenship="ZZ"), resolve)["citizenship"] is None
    assert ctdc.read_global(global_row(citizenship="00"), resolve)["citizenship"] is None
    assert ctdc.read_global(global_row(citizenship="YU"), resolve)["citizenship"] == "SRB"
    assert ctdc.read_global(global_row(citizenship="ZR"), resolve)["citizenship"] == "COD"
    with pytest.raises(CellError) as raised:
        ctdc.read_global(global_row(CountryOfExploitation="France"), resolve)
    assert raised.value.column == "CountryOfExploitation"


def test_global_hotline_unknowns_are_missing_but_gender_unknown_is_an_answer() -> None:
    record = ctdc.read_global(
        global_row(gender="Unknown", ageBroad="Unknown", isForcedLabour="Unknown"), resolve
    )
    assert record["gender"] == "Unknown"
    assert record["age_broad"] is None
    assert record["is_forced_labour"] is None


def test_synthetic_coding_round_trip() -> None:
    row = dict.fromkeys(ctdc.SYNTHETIC_COLUMNS, "")
    row.update(
        yearOfRegistration="2021",
        gender="Woman",
        ageBroad="9--17",
        citizenship="NGA",
        CountryOfExploitation="FRA",
        traffickMonths="13--24",
        meansThreats="1",
        isSexualExploit="1",
        typeOfSexProstitution="1",
        recruiterRelationFriend="1",
    )
    record = ctdc.read_synthetic(row, resolve)
    assert record["gender"] == "Female"
    assert record["majority_status"] == "Minor"
    assert record["means_threats"] is True
    assert record["control_threats"] is None  # merged data cannot be split again
    assert ctdc.write_synthetic(record) == row


def test_detect_format() -> None:
    assert ctdc.detect_format(ctdc.VP_COLUMNS).name == "ctdc-vp"  # type: ignore[union-attr]
    assert ctdc.detect_format(ctdc.SYNTHETIC_COLUMNS).name == "ctdc-synthetic"  # type: ignore[union-attr]
    assert ctdc.detect_format([*ctdc.GLOBAL_COLUMNS, "extra"]).name == "ctdc-global"  # type: ignore[union-attr]
    assert ctdc.detect_format(["a", "b"]) is None


def test_age_bands_and_periods() -> None:
    assert [ctdc.age_band(age) for age in (0, 8, 9, 17, 18, 29, 30, 47, 48, 90)] == [
        "0--8",
        "0--8",
        "9--17",
        "9--17",
        "18--20",
        "27--29",
        "30--38",
        "39--47",
        "48+",
        "48+",
    ]
    assert ctdc.age_band(None) is None
    assert [
        ctdc.period_for_year(y) for y in (2004, 2005, 2013, 2014, 2019, 2020, 2022, 2023, 2024, 2025)
    ] == [
        "-2004",
        "2005-2013",
        "2005-2013",
        "2014-2018",
        "2019",
        "2020",
        "2021-2022",
        "2023-2024",
        "2023-2024",
        "2025-2026",
    ]
