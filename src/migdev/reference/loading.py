"""Load the shipped CSV files (``data/``) into the reference tables.

Called from data migrations with the historical app registry, and from
:func:`migdev.reference.services.reference_data_load` with the live one. Loading is idempotent:
entity rows (countries, areas, currencies, languages, economies, groups) are upserted on their codes,
link rows (country currencies, group members, income history) are made to match the files exactly.
Only fields the given model version has are written, so an old migration keeps working when a later
version of the files gains columns.
"""

from __future__ import annotations

import csv
import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

DATA_DIR = Path(__file__).resolve().parent / "data"
INCOME_CODES = {"L", "LM", "UM", "H"}
BATCH_SIZE = 500
M49_LEVEL_ORDER = ["world", "region", "sub_region", "intermediate_region", "grouping"]


class ReferenceDataError(ValueError):
    """A shipped file is missing, altered or inconsistent; the message names file, row and column."""


@dataclass
class Table:
    name: str
    rows: list[tuple[int, dict[str, str]]]
    source: str
    edition: str
    footnotes: dict[str, str] = field(default_factory=dict)

    def provenance(self, row: dict[str, str]) -> dict[str, str]:
        """The row's own source/edition when it carries one (supplements), else the file's."""
        return {
            "source": row.get("source") or self.source,
            "edition": row.get("edition") or self.edition,
        }


class DataFiles:
    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir
        manifest_path = data_dir / "manifest.json"
        try:
            self.manifest: dict[str, Any] = json.loads(manifest_path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as error:
            raise ReferenceDataError(f"{manifest_path}: cannot read the manifest ({error})") from error

    def table(self, name: str) -> Table:
        entry = self.manifest.get("files", {}).get(name)
        if entry is None:
            raise ReferenceDataError(f"{name}: not listed in manifest.json")
        path = self.data_dir / name
        try:
            content = path.read_bytes()
        except OSError as error:
            raise ReferenceDataError(f"{path}: cannot read ({error})") from error
        # A checkout that turned line endings into CRLF still holds the same data.
        content = content.replace(b"\r\n", b"\n")
        if hashlib.sha256(content).hexdigest() != entry["sha256"]:
            raise ReferenceDataError(
                f"{name}: SHA-256 differs from manifest.json; regenerate the files with data/build.py"
            )
        reader = csv.DictReader(content.decode("utf-8").splitlines())
        rows = [
            (line, {key: (value or "").strip() for key, value in row.items()})
            for line, row in enumerate(reader, start=2)
        ]
        return Table(name, rows, entry["source"], entry["edition"], entry.get("footnotes", {}))


def _writable(model: Any, values: dict[str, Any]) -> dict[str, Any]:
    """Keep only the attributes this (possibly historical) model has."""
    attnames = {model_field.attname for model_field in model._meta.concrete_fields}
    return {key: value for key, value in values.items() if key in attnames}


def _upsert(model: Any, key: str, records: Sequence[dict[str, Any]]) -> int:
    """Insert or update ``records`` matched on the unique field ``key``."""
    if not records:
        return 0
    records = [_writable(model, record) for record in records]
    update_fields = sorted(
        {model._meta.get_field(name).name for record in records for name in record} - {key}
    )
    model.objects.bulk_create(
        [model(**record) for record in records],
        batch_size=BATCH_SIZE,
        update_conflicts=True,
        unique_fields=[key],
        update_fields=update_fields,
    )
    return len(records)


def _sync_links(model: Any, keys: tuple[str, str], records: Sequence[dict[str, Any]]) -> int:
    """Make the link table equal to ``records``: delete rows not listed, upsert the rest."""
    first, second = keys
    first_att, second_att = (model._meta.get_field(name).attname for name in keys)
    wanted = {(record[first_att], record[second_att]) for record in records}
    stale = [
        pk
        for pk, left, right in model.objects.values_list("pk", first_att, second_att).iterator()
        if (left, right) not in wanted
    ]
    for start in range(0, len(stale), BATCH_SIZE):
        model.objects.filter(pk__in=stale[start : start + BATCH_SIZE]).delete()
    if not records:
        return 0
    records = [_writable(model, record) for record in records]
    update_fields = sorted(
        {model._meta.get_field(name).name for record in records for name in record} - set(keys)
    )
    model.objects.bulk_create(
        [model(**record) for record in records],
        batch_size=BATCH_SIZE,
        update_conflicts=True,
        unique_fields=list(keys),
        update_fields=update_fields,
    )
    return len(records)


def _require(table: Table, line: int, column: str, value: str, allowed: Iterable[str]) -> None:
    if value not in allowed:
        raise ReferenceDataError(f"{table.name} row {line} column {column}: unknown value {value!r}")


def _flag(table: Table, line: int, column: str, value: str) -> bool:
    _require(table, line, column, value, {"0", "1"})
    return value == "1"


def load_reference_data(apps: Any, schema_editor: Any = None, *, data_dir: Path = DATA_DIR) -> dict[str, int]:
    """Load every reference table from ``data_dir``; returns rows written per model."""
    files = DataFiles(data_dir)
    written: dict[str, int] = {}

    M49Area = apps.get_model("reference", "M49Area")
    areas = files.table("m49_areas.csv")
    area_codes = {row["code"] for _line, row in areas.rows}
    area_records = []
    for line, row in sorted(areas.rows, key=lambda item: M49_LEVEL_ORDER.index(item[1]["level"])):
        if row["parent"]:
            _require(areas, line, "parent", row["parent"], area_codes)
        area_records.append(
            {
                "code": row["code"],
                "level": row["level"],
                "parent_id": row["parent"] or None,
                "name_en": row["name_en"],
                "name_fr": row["name_fr"],
                "name_es": row["name_es"],
                **areas.provenance(row),
            }
        )
    written["M49Area"] = _upsert(M49Area, "code", area_records)

    Currency = apps.get_model("reference", "Currency")
    currencies = files.table("currencies.csv")
    written["Currency"] = _upsert(
        Currency,
        "code",
        [
            {
                "code": row["code"],
                "numeric": row["numeric"],
                "name": row["name"],
                "minor_unit": int(row["minor_unit"]) if row["minor_unit"] else None,
                **currencies.provenance(row),
            }
            for _line, row in currencies.rows
        ],
    )
    currency_codes = {row["code"] for _line, row in currencies.rows}

    Language = apps.get_model("reference", "Language")
    languages = files.table("languages.csv")
    written["Language"] = _upsert(
        Language,
        "alpha_3",
        [
            {
                "alpha_3": row["alpha_3"],
                "alpha_2": row["alpha_2"],
                "alpha_3_bibliographic": row["alpha_3_bibliographic"],
                "name": row["name"],
                "scope": row["scope"],
                "type": row["type"],
                **languages.provenance(row),
            }
            for _line, row in languages.rows
        ],
    )

    Country = apps.get_model("reference", "Country")
    countries = files.table("countries.csv")
    country_records = []
    for line, row in countries.rows:
        for column in ("m49_region", "m49_sub_region", "m49_intermediate_region"):
            if row[column]:
                _require(countries, line, column, row[column], area_codes)
        country_records.append(
            {
                "iso2": row["iso2"],
                "iso3": row["iso3"],
                "iso_numeric": row["iso_numeric"],
                "m49": row["m49"],
                "name_en": row["name_en"],
                "name_fr": row["name_fr"],
                "name_es": row["name_es"],
                "official_name_en": row["official_name_en"],
                "official_name_fr": row["official_name_fr"],
                "official_name_es": row["official_name_es"],
                "m49_region_id": row["m49_region"] or None,
                "m49_sub_region_id": row["m49_sub_region"] or None,
                "m49_intermediate_region_id": row["m49_intermediate_region"] or None,
                "is_ldc": _flag(countries, line, "is_ldc", row["is_ldc"]),
                "is_lldc": _flag(countries, line, "is_lldc", row["is_lldc"]),
                "is_sids": _flag(countries, line, "is_sids", row["is_sids"]),
                "status": row["status"],
                **countries.provenance(row),
            }
        )
    written["Country"] = _upsert(Country, "iso3", country_records)
    iso3_codes = {row["iso3"] for _line, row in countries.rows}

    CountryCurrency = apps.get_model("reference", "CountryCurrency")
    links = files.table("country_currencies.csv")
    link_records = []
    for line, row in links.rows:
        _require(links, line, "iso3", row["iso3"], iso3_codes)
        _require(links, line, "currency", row["currency"], currency_codes)
        link_records.append(
            {"country_id": row["iso3"], "currency_id": row["currency"], **links.provenance(row)}
        )
    written["CountryCurrency"] = _sync_links(CountryCurrency, ("country", "currency"), link_records)

    WorldBankGroup = apps.get_model("reference", "WorldBankGroup")
    groups = files.table("wb_groups.csv")
    for line, row in groups.rows:
        _require(groups, line, "kind", row["kind"], {"world", "income", "wb_region", "other"})
    written["WorldBankGroup"] = _upsert(
        WorldBankGroup,
        "code",
        [
            {"code": row["code"], "name": row["name"], "kind": row["kind"], **groups.provenance(row)}
            for _line, row in groups.rows
        ],
    )
    group_codes = {row["code"] for _line, row in groups.rows}

    WorldBankEconomy = apps.get_model("reference", "WorldBankEconomy")
    economies = files.table("wb_economies.csv")
    economy_records = []
    for line, row in economies.rows:
        if row["iso3"]:
            _require(economies, line, "iso3", row["iso3"], iso3_codes)
        if row["region"]:
            _require(economies, line, "region", row["region"], group_codes)
        if row["income_group"]:
            _require(economies, line, "income_group", row["income_group"], INCOME_CODES)
        economy_records.append(
            {
                "code": row["code"],
                "name": row["name"],
                "country_id": row["iso3"] or None,
                "region_id": row["region"] or None,
                "income_group": row["income_group"],
                "lending_category": row["lending_category"],
                "other": row["other"],
                **economies.provenance(row),
            }
        )
    written["WorldBankEconomy"] = _upsert(WorldBankEconomy, "code", economy_records)
    economy_codes = {row["code"] for _line, row in economies.rows}

    WorldBankGroupMember = apps.get_model("reference", "WorldBankGroupMember")
    members = files.table("wb_group_members.csv")
    member_records = []
    for line, row in members.rows:
        _require(members, line, "group", row["group"], group_codes)
        _require(members, line, "economy", row["economy"], economy_codes)
        member_records.append(
            {"group_id": row["group"], "economy_id": row["economy"], **members.provenance(row)}
        )
    written["WorldBankGroupMember"] = _sync_links(WorldBankGroupMember, ("group", "economy"), member_records)

    fiscal_years = files.table("wb_fiscal_years.csv")
    data_year_of = {
        row["label"]: (int(row["fiscal_year"]), int(row["data_year"])) for _line, row in fiscal_years.rows
    }
    WorldBankIncomeClassification = apps.get_model("reference", "WorldBankIncomeClassification")
    history = files.table("wb_income_history.csv")
    income_records = []
    for line, row in history.rows:
        _require(history, line, "economy", row["economy"], economy_codes)
        for label, (fiscal_year, data_year) in data_year_of.items():
            if label not in row:
                raise ReferenceDataError(f"{history.name}: column {label} missing")
            value = row[label]
            if value in ("", ".."):
                continue
            group = value.rstrip("*")
            _require(history, line, label, group, INCOME_CODES)
            income_records.append(
                {
                    "economy_id": row["economy"],
                    "fiscal_year": fiscal_year,
                    "data_year": data_year,
                    "income_group": group,
                    "note": history.footnotes.get(value, "") if value != group else "",
                    **history.provenance(row),
                }
            )
    written["WorldBankIncomeClassification"] = _sync_links(
        WorldBankIncomeClassification, ("economy", "fiscal_year"), income_records
    )
    return written


def unload_reference_data(apps: Any, schema_editor: Any = None) -> None:
    """Remove every reference row (reverse of :func:`load_reference_data`), dependants first."""
    for model_name in (
        "WorldBankIncomeClassification",
        "WorldBankGroupMember",
        "WorldBankEconomy",
        "WorldBankGroup",
        "CountryCurrency",
        "Country",
        "Currency",
        "Language",
    ):
        apps.get_model("reference", model_name).objects.all().delete()
    M49Area = apps.get_model("reference", "M49Area")
    for level in reversed(M49_LEVEL_ORDER):
        M49Area.objects.filter(level=level).delete()
