import hashlib
import json
import shutil
from pathlib import Path

import pytest
from django.apps import apps

from migdev.reference import selectors
from migdev.reference.loading import ReferenceDataError, load_reference_data, unload_reference_data
from migdev.reference.migrations import __name__ as migrations_package
from migdev.reference.models import Country, CountryCurrency, M49Area, WorldBankIncomeClassification
from migdev.reference.services import reference_data_load

from .helpers import read_rows

pytestmark = pytest.mark.django_db

MODELS = [
    "M49Area",
    "Currency",
    "Language",
    "Country",
    "CountryCurrency",
    "WorldBankGroup",
    "WorldBankEconomy",
    "WorldBankGroupMember",
    "WorldBankIncomeClassification",
]


def counts() -> dict[str, int]:
    return {name: apps.get_model("reference", name).objects.count() for name in MODELS}


def copy_data(data_dir: Path, tmp_path: Path) -> Path:
    target = tmp_path / "data"
    shutil.copytree(data_dir, target, ignore=shutil.ignore_patterns("__pycache__", "*.py"))
    return target


def rewrite(directory: Path, name: str, old: str, new: str) -> None:
    """Edit a copied file and keep its manifest hash in step, to get past the integrity check."""
    path = directory / name
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    manifest_path = directory / "manifest.json"
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    manifest["files"][name]["sha256"] = hashlib.sha256(path.read_bytes()).hexdigest()
    manifest_path.write_text(json.dumps(manifest), encoding="utf-8")


def test_loading_again_changes_nothing() -> None:
    before = counts()
    france_pk = selectors.country_by_code("FRA").pk
    written = reference_data_load()
    assert counts() == before
    assert written["Country"] == len(read_rows("countries.csv"))
    assert selectors.country_by_code("FRA").pk == france_pk


def test_loading_restores_edited_rows_and_removes_stray_links() -> None:
    Country.objects.filter(iso3="FRA").update(name_en="Changed")
    CountryCurrency.objects.create(country_id="FRA", currency_id="USD", source="test", edition="test")
    WorldBankIncomeClassification.objects.filter(economy__code="IDN", fiscal_year=2024).update(
        income_group="H"
    )
    reference_data_load()
    assert selectors.country_by_code("FRA").name_en == "France"
    assert set(selectors.country_by_code("FRA").currencies.values_list("code", flat=True)) == {"EUR"}
    assert selectors.income_group_for("IDN", 2022) == "UM"


def test_unload_then_load() -> None:
    before = counts()
    unload_reference_data(apps)
    assert all(count == 0 for count in counts().values())
    load_reference_data(apps)
    assert counts() == before


def test_the_data_migration_uses_these_functions() -> None:
    import importlib

    migration = importlib.import_module(f"{migrations_package}.0002_load_reference_data").Migration
    (operation,) = migration.operations
    assert operation.code is load_reference_data
    assert operation.reverse_code is unload_reference_data


def test_altered_file_is_refused(data_dir: Path, tmp_path: Path) -> None:
    copy = copy_data(data_dir, tmp_path)
    path = copy / "countries.csv"
    path.write_text(path.read_text(encoding="utf-8").replace("France", "Frankreich"), encoding="utf-8")
    with pytest.raises(ReferenceDataError, match=r"countries\.csv: SHA-256 differs"):
        reference_data_load(data_dir=copy)


def test_unknown_code_names_file_row_and_column(data_dir: Path, tmp_path: Path) -> None:
    copy = copy_data(data_dir, tmp_path)
    rewrite(copy, "country_currencies.csv", "ABW,AWG", "ABW,ZZZ")
    with pytest.raises(
        ReferenceDataError, match=r"country_currencies\.csv row 2 column currency: unknown value 'ZZZ'"
    ):
        reference_data_load(data_dir=copy)


def test_a_failed_load_changes_nothing(data_dir: Path, tmp_path: Path) -> None:
    copy = copy_data(data_dir, tmp_path)
    rewrite(copy, "countries.csv", ",France,", ",Frankreich,")
    rewrite(copy, "wb_group_members.csv", "AFE,AGO", "AFE,NOPE")
    with pytest.raises(ReferenceDataError, match=r"wb_group_members\.csv row 2 column economy"):
        reference_data_load(data_dir=copy)
    assert selectors.country_by_code("FRA").name_en == "France"


def test_missing_manifest_is_reported(tmp_path: Path) -> None:
    with pytest.raises(ReferenceDataError, match="manifest"):
        reference_data_load(data_dir=tmp_path)


def test_bad_income_code_is_reported(data_dir: Path, tmp_path: Path) -> None:
    copy = copy_data(data_dir, tmp_path)
    rewrite(copy, "wb_income_history.csv", "AFG,Afghanistan,L,", "AFG,Afghanistan,Q,")
    with pytest.raises(
        ReferenceDataError, match=r"wb_income_history\.csv row 3 column FY89: unknown value 'Q'"
    ):
        reference_data_load(data_dir=copy)


def test_parents_are_checked(data_dir: Path, tmp_path: Path) -> None:
    copy = copy_data(data_dir, tmp_path)
    rewrite(copy, "m49_areas.csv", "002,region,001,", "002,region,777,")
    with pytest.raises(ReferenceDataError, match=r"m49_areas\.csv row \d+ column parent"):
        reference_data_load(data_dir=copy)
    assert M49Area.objects.get(code="002").parent_id == "001"


def test_crlf_line_endings_are_accepted(data_dir: Path, tmp_path: Path) -> None:
    copy = copy_data(data_dir, tmp_path)
    path = copy / "countries.csv"
    path.write_bytes(path.read_bytes().replace(b"\n", b"\r\n"))
    reference_data_load(data_dir=copy)
    assert Country.objects.count() == 249
    assert selectors.country_by_code("FRA").name_en == "France"
