"""Rebuild the reference CSV files in this directory from the original data sets.

Run at development time only (the application reads the CSV files, never the originals)::

    python src/migdev/reference/data/build.py [--shared /path/to/shared/data]

Without ``--shared`` (or ``MIGDEV_SHARED_DATA``) the script looks for ``shared/data`` next to any
ancestor directory of this file, which finds ``/work/shared/data`` from both ``/work/main`` and a
worktree under ``/work/wt``. It needs ``openpyxl`` and ``pycountry``.

Originals read:

* ``country-codes/country-codes.csv`` (datasets/country-codes): countries, M49 hierarchy, flags, currencies;
* ``wb-country-classification/CLASS.xlsx``: World Bank regions, lending, groups and their members;
* ``wb-country-classification/OGHIST_2025_10_07.xlsx``: income group of every economy for FY89…FY26;
* ``pycountry``'s ISO 4217 and ISO 639-3 databases, snapshot so the app does not depend on its version.

It writes the CSV files, ``manifest.json`` (source, edition and licence of each file, SHA-256 of every
original and output) and ``SOURCES.md``. Output is deterministic: rerunning on the same originals gives
byte-identical files.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import importlib.metadata
import json
import os
import re
import sys
from collections import Counter
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent

COUNTRY_CODES = "country-codes/country-codes.csv"
CLASS_XLSX = "wb-country-classification/CLASS.xlsx"
OGHIST_XLSX = "wb-country-classification/OGHIST_2025_10_07.xlsx"

SOURCE_COUNTRY_CODES = "datasets/country-codes"
EDITION_COUNTRY_CODES = "2026-05-15"
SOURCE_CLASS = "World Bank CLASS.xlsx"
# The workbook's own evidence (see SOURCES.md): classifications of 1 July 2022, i.e. fiscal year 2023.
EDITION_CLASS = "FY23"
SOURCE_OGHIST = "World Bank OGHIST"
EDITION_OGHIST = "2025-10-07"
SOURCE_M49_NAMES = "UNSD M49 standard (French and Spanish area names)"
EDITION_M49_NAMES = "unstats.un.org/unsd/methodology/m49, transcribed 2026-11"
SOURCE_SUPPLEMENT = "migdev supplement (ISO 4217 List One)"
EDITION_SUPPLEMENT = "2026-11-26"

# UNSD publishes the M49 hierarchy in the six UN languages; the country-codes file carries only English.
M49_NAMES_FR_ES: dict[str, tuple[str, str]] = {
    "001": ("Monde", "Mundo"),
    "002": ("Afrique", "África"),
    "015": ("Afrique septentrionale", "África septentrional"),
    "202": ("Afrique subsaharienne", "África Subsahariana"),
    "014": ("Afrique orientale", "África oriental"),
    "017": ("Afrique centrale", "África central"),
    "018": ("Afrique australe", "África meridional"),
    "011": ("Afrique occidentale", "África occidental"),
    "019": ("Amériques", "Américas"),
    "419": ("Amérique latine et Caraïbes", "América Latina y el Caribe"),
    "029": ("Caraïbes", "El Caribe"),
    "013": ("Amérique centrale", "América central"),
    "005": ("Amérique du Sud", "América del Sur"),
    "021": ("Amérique septentrionale", "América septentrional"),
    "142": ("Asie", "Asia"),
    "143": ("Asie centrale", "Asia central"),
    "030": ("Asie orientale", "Asia oriental"),
    "035": ("Asie du Sud-Est", "Asia sudoriental"),
    "034": ("Asie méridionale", "Asia meridional"),
    "145": ("Asie occidentale", "Asia occidental"),
    "150": ("Europe", "Europa"),
    "151": ("Europe orientale", "Europa oriental"),
    "154": ("Europe septentrionale", "Europa septentrional"),
    "039": ("Europe méridionale", "Europa meridional"),
    "155": ("Europe occidentale", "Europa occidental"),
    "009": ("Océanie", "Oceanía"),
    "053": ("Australie et Nouvelle-Zélande", "Australia y Nueva Zelandia"),
    "054": ("Mélanésie", "Melanesia"),
    "057": ("Micronésie", "Micronesia"),
    "061": ("Polynésie", "Polinesia"),
}

# M49 also codes the three UN country groupings that the country-codes file flags per country.
M49_GROUPINGS: list[tuple[str, str, str, str, str]] = [
    # code, flag column, English, French, Spanish
    ("199", "is_ldc", "Least Developed Countries", "Pays les moins avancés", "Países menos adelantados"),
    (
        "432",
        "is_lldc",
        "Land Locked Developing Countries",
        "Pays en développement sans littoral",
        "Países en desarrollo sin litoral",
    ),
    (
        "722",
        "is_sids",
        "Small Island Developing States",
        "Petits États insulaires en développement",
        "Pequeños Estados insulares en desarrollo",
    ),
]

# Countries whose ISO 4217 currency the country-codes file leaves blank although ISO lists one.
CURRENCY_SUPPLEMENT: list[tuple[str, str, int]] = [
    # The file has no currency for Türkiye since the ISO 3166 name change; ISO 4217 lists TRY (2 decimals).
    ("TUR", "TRY", 2),
]

# Fallback names the file gets wrong, by (ISO3, language): (name, reason); explained in SOURCES.md.
NAME_CORRECTIONS: dict[tuple[str, str], tuple[str, str]] = {
    ("CIV", "en"): (
        "Côte d’Ivoire",
        "UNTERM's English short name is blank and `official_name_en` reads 'Ivory Coast'; UNSD M49"
        " and ISO 3166 use 'Côte d’Ivoire', as do the file's French and Spanish names",
    ),
}

# Filled by build_world_bank: rows of the Groups sheet dropped as repeats, per group.
REPEATED_GROUP_ROWS: Counter[str] = Counter()

WB_INCOME_GROUPS = ("LIC", "LMC", "UMC", "HIC", "LMY", "MIC")
WB_REGIONS = ("EAS", "ECS", "LCN", "MEA", "NAC", "SAS", "SSF")
WB_INCOME_NAMES = {
    "Low income": "L",
    "Lower middle income": "LM",
    "Upper middle income": "UM",
    "High income": "H",
}
INCOME_CODES = {"L", "LM", "UM", "H"}

# A trailing "(the)", "(l')", "(los)"… is UNTERM's sorting aid, not part of the short name UNSD uses.
TRAILING_ARTICLE = re.compile(r"\s*\((the|l'|le|la|les|el|los|las)\)$")
# "*" and "**" in UNTERM names point to footnotes (observer State; in free association).
TRAILING_FOOTNOTE = re.compile(r"\s*\*+$")

LICENCE_PDDL = "Open Data Commons Public Domain Dedication and License (PDDL); ISO codes under ISO's terms"
LICENCE_WB = "CC BY 4.0 (World Bank data licence)"
LICENCE_PYCOUNTRY = "LGPL-2.1 (pycountry); data from the Debian iso-codes project"
LICENCE_UNSD = "United Nations; M49 names reproduced for statistical reference"


class BuildError(Exception):
    pass


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 16), b""):
            digest.update(block)
    return digest.hexdigest()


def find_shared(explicit: str | None) -> Path:
    candidates: list[Path] = []
    if explicit:
        candidates.append(Path(explicit))
    if os.environ.get("MIGDEV_SHARED_DATA"):
        candidates.append(Path(os.environ["MIGDEV_SHARED_DATA"]))
    candidates.extend(parent / "shared" / "data" for parent in HERE.parents)
    for candidate in candidates:
        if (candidate / COUNTRY_CODES).is_file():
            return candidate
    raise BuildError("Shared data not found; pass --shared /path/to/shared/data.")


def pad3(value: str) -> str:
    value = value.strip()
    return value.zfill(3) if value else ""


def short_name(unterm: str, fallback: str) -> str:
    name = TRAILING_FOOTNOTE.sub("", unterm.strip())
    name = TRAILING_ARTICLE.sub("", name).strip()
    return name or fallback.strip()


def write_csv(path: Path, header: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
    count = 0
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(header)
        for row in rows:
            writer.writerow(["" if value is None else value for value in row])
            count += 1
    return count


def build_countries(shared: Path) -> tuple[list[list[Any]], list[list[Any]], list[list[Any]], dict[str, str]]:
    """Countries, the M49 areas they sit in, their currencies, and minor units seen per currency."""
    with (shared / COUNTRY_CODES).open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    countries: list[list[Any]] = []
    areas: dict[str, list[Any]] = {}
    links: list[list[Any]] = []
    minor_units: dict[str, str] = {}
    for line, row in enumerate(rows, start=2):
        iso2 = row["ISO3166-1-Alpha-2"].strip().upper()
        iso3 = row["ISO3166-1-Alpha-3"].strip().upper()
        numeric = pad3(row["ISO3166-1-numeric"])
        if not (len(iso2) == 2 and len(iso3) == 3 and len(numeric) == 3):
            # The brief keeps code-less rows only when meaningful; this file has none, so refuse surprises.
            raise BuildError(
                f"{COUNTRY_CODES} row {line}: incomplete ISO codes {iso2!r} {iso3!r} {numeric!r}"
            )
        region, sub_region, intermediate = (
            pad3(row["Region Code"]),
            pad3(row["Sub-region Code"]),
            pad3(row["Intermediate Region Code"]),
        )
        world = pad3(row["Global Code"])
        hierarchy = [
            (world, "world", "", row["Global Name"]),
            (region, "region", world, row["Region Name"]),
            (sub_region, "sub_region", region, row["Sub-region Name"]),
            (intermediate, "intermediate_region", sub_region, row["Intermediate Region Name"]),
        ]
        for code, level, parent, name in hierarchy:
            if not code:
                continue
            entry = [code, level, parent, name.strip()]
            known = areas.setdefault(code, entry)
            if known != entry:
                raise BuildError(
                    f"{COUNTRY_CODES} row {line}: M49 area {code} inconsistent: {known} vs {entry}"
                )
        countries.append(
            [
                iso2,
                iso3,
                numeric,
                pad3(row["M49"]),
                *(
                    NAME_CORRECTIONS.get((iso3, language), (None,))[0]
                    or short_name(row[f"UNTERM {column} Short"], row[f"official_name_{language}"])
                    for language, column in (("en", "English"), ("fr", "French"), ("es", "Spanish"))
                ),
                row["official_name_en"].strip(),
                row["official_name_fr"].strip(),
                row["official_name_es"].strip(),
                region,
                sub_region,
                intermediate,
                int(bool(row["Least Developed Countries (LDC)"].strip())),
                int(bool(row["Land Locked Developing Countries (LLDC)"].strip())),
                int(bool(row["Small Island Developing States (SIDS)"].strip())),
                row["is_independent"].strip(),
            ]
        )
        codes = [code.strip() for code in row["ISO4217-currency_alphabetic_code"].split(",") if code.strip()]
        units = [unit.strip() for unit in row["ISO4217-currency_minor_unit"].split(",")]
        for position, code in enumerate(codes):
            links.append([iso3, code, "", ""])
            if position < len(units) and units[position].isdigit():
                minor_units.setdefault(code, units[position])
    present = {(link[0], link[1]) for link in links}
    for iso3, code, unit in CURRENCY_SUPPLEMENT:
        if (iso3, code) not in present:
            links.append([iso3, code, SOURCE_SUPPLEMENT, EDITION_SUPPLEMENT])
            minor_units.setdefault(code, str(unit))
    missing = set(M49_NAMES_FR_ES) ^ set(areas)
    if missing:
        raise BuildError(f"M49 French/Spanish names and areas in {COUNTRY_CODES} differ: {sorted(missing)}")
    area_rows = [
        [*areas[code], *M49_NAMES_FR_ES[code]]
        for code in sorted(areas, key=lambda code: (_LEVELS.index(areas[code][1]), code))
    ]
    for code, _flag, name_en, name_fr, name_es in M49_GROUPINGS:
        area_rows.append([code, "grouping", "", name_en, name_fr, name_es])
    countries.sort(key=lambda country: country[1])
    links.sort(key=lambda link: (link[0], link[1]))
    return countries, area_rows, links, minor_units


_LEVELS = ["world", "region", "sub_region", "intermediate_region", "grouping"]


def build_currencies(minor_units: dict[str, str], linked: set[str]) -> list[list[Any]]:
    import pycountry

    rows = [
        [currency.alpha_3, currency.numeric, currency.name, minor_units.get(currency.alpha_3, "")]
        for currency in pycountry.currencies
    ]
    known = {row[0] for row in rows}
    unknown = linked - known
    if unknown:
        raise BuildError(
            f"Currencies linked to countries but unknown to ISO 4217 (pycountry): {sorted(unknown)}"
        )
    return sorted(rows)


def build_languages() -> list[list[Any]]:
    import pycountry

    rows = [
        [
            language.alpha_3,
            getattr(language, "alpha_2", ""),
            getattr(language, "bibliographic", ""),
            language.name,
            language.scope,
            language.type,
        ]
        for language in pycountry.languages
    ]
    return sorted(rows)


def _sheet_rows(path: Path, sheet: str) -> list[tuple[Any, ...]]:
    import openpyxl

    workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    try:
        return [tuple(row) for row in workbook[sheet].iter_rows(values_only=True)]
    finally:
        workbook.close()


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def build_world_bank(
    shared: Path, iso3_codes: set[str]
) -> tuple[list[list[Any]], list[list[Any]], list[list[Any]], list[list[Any]], list[list[Any]]]:
    class_path = shared / CLASS_XLSX
    oghist_path = shared / OGHIST_XLSX

    groups_sheet = _sheet_rows(class_path, "Groups")
    if [_text(cell) for cell in groups_sheet[0][:4]] != [
        "GroupCode",
        "GroupName",
        "CountryCode",
        "CountryName",
    ]:
        raise BuildError(f"{CLASS_XLSX} sheet Groups: unexpected header {groups_sheet[0]}")
    group_names: dict[str, str] = {}
    members: list[list[Any]] = []
    for line, row in enumerate(groups_sheet[1:], start=2):
        group, name, economy = _text(row[0]), _text(row[1]), _text(row[2])
        if not group:
            continue
        if not economy:
            raise BuildError(f"{CLASS_XLSX} sheet Groups row {line} column CountryCode: empty")
        group_names.setdefault(group, name)
        members.append([group, economy])
    region_codes = {group_names[code]: code for code in WB_REGIONS}

    economies_sheet = _sheet_rows(class_path, "List of economies")
    expected = ["Economy", "Code", "Region", "Income group", "Lending category", "Other (EMU or HIPC)"]
    if [_text(cell) for cell in economies_sheet[0][:6]] != expected:
        raise BuildError(f"{CLASS_XLSX} sheet 'List of economies': unexpected header {economies_sheet[0]}")
    economies: dict[str, list[Any]] = {}
    for line, row in enumerate(economies_sheet[1:], start=2):
        name, code, region, income, lending, other = (_text(cell) for cell in row[:6])
        if not code:
            continue
        if region not in region_codes:
            raise BuildError(f"{CLASS_XLSX} 'List of economies' row {line} column Region: unknown {region!r}")
        if income and income not in WB_INCOME_NAMES:
            raise BuildError(f"{CLASS_XLSX} 'List of economies' row {line} column Income group: {income!r}")
        economies[code] = [
            code,
            name,
            code if code in iso3_codes else "",
            region_codes[region],
            WB_INCOME_NAMES.get(income, ""),
            lending,
            other,
            "",
            "",
        ]
    unknown_members = {economy for _group, economy in members} - set(economies)
    if unknown_members:
        raise BuildError(
            f"{CLASS_XLSX} sheet Groups: members not in the list of economies: {unknown_members}"
        )

    history_sheet = _sheet_rows(oghist_path, "Country Analytical History")
    header_at = next(
        index for index, row in enumerate(history_sheet) if _text(row[1]).startswith("Bank's fiscal year")
    )
    fiscal_labels = [_text(cell) for cell in history_sheet[header_at][2:]]
    data_years = list(history_sheet[header_at + 1][2:])
    if not _text(history_sheet[header_at + 1][1]).startswith("Data for calendar year"):
        raise BuildError(f"{OGHIST_XLSX}: the row after the fiscal years is not the data years")
    columns: list[tuple[int, str, int]] = []
    for offset, label in enumerate(fiscal_labels):
        if not label:
            break
        if not re.fullmatch(r"FY\d\d", label):
            raise BuildError(f"{OGHIST_XLSX}: unexpected fiscal-year header {label!r}")
        year = int(label[2:])
        fiscal_year = (1900 if year >= 50 else 2000) + year
        columns.append((offset + 2, label, fiscal_year))
        if not isinstance(data_years[offset], int):
            raise BuildError(f"{OGHIST_XLSX}: no data year under {label}")
    fiscal_years = [[fiscal_year, label, data_years[index - 2]] for index, label, fiscal_year in columns]

    history: list[list[Any]] = []
    for line, row in enumerate(history_sheet[header_at + 2 :], start=header_at + 3):
        code, name = _text(row[0]), _text(row[1])
        if not code or not name:
            continue
        values = [_text(row[index]) for index, _label, _fiscal in columns]
        for value, (_index, label, _fiscal) in zip(values, columns, strict=True):
            if value not in INCOME_CODES | {"", "..", "LM*"}:
                raise BuildError(f"{OGHIST_XLSX} row {line} column {label}: unexpected value {value!r}")
        history.append([code, name, *values])
        if code not in economies:
            # Former economies (USSR, Netherlands Antilles…) and Mayotte appear only in the history.
            economies[code] = [
                code,
                name,
                code if code in iso3_codes else "",
                "",
                "",
                "",
                "",
                SOURCE_OGHIST,
                EDITION_OGHIST,
            ]
    history.sort(key=lambda item: item[0])
    missing_history = set(economies) - {item[0] for item in history}
    if missing_history:
        raise BuildError(f"Economies in {CLASS_XLSX} without history in {OGHIST_XLSX}: {missing_history}")

    def group_kind(code: str) -> str:
        if code == "WLD":
            return "world"
        if code in WB_INCOME_GROUPS:
            return "income"
        if code in WB_REGIONS:
            return "wb_region"
        return "other"

    groups = [[code, group_names[code], group_kind(code)] for code in sorted(group_names)]
    # The Groups sheet repeats some rows (most OECD members appear twice); membership is a set.
    repeated = Counter(group for group, _economy in members) - Counter(
        group for group, _economy in {(group, economy) for group, economy in members}
    )
    REPEATED_GROUP_ROWS.update(repeated)
    members = [list(pair) for pair in sorted({(group, economy) for group, economy in members})]
    history_header_years = [label for _index, label, _fiscal in columns]
    history.insert(0, ["economy", "name", *history_header_years])
    return (
        sorted(economies.values(), key=lambda economy: economy[0]),
        groups,
        members,
        fiscal_years,
        history,
    )


def build(shared: Path, out: Path) -> dict[str, Any]:
    countries, areas, links, minor_units = build_countries(shared)
    iso3_codes = {country[1] for country in countries}
    currencies = build_currencies(minor_units, {link[1] for link in links})
    languages = build_languages()
    economies, groups, members, fiscal_years, history = build_world_bank(shared, iso3_codes)
    pycountry_version = importlib.metadata.version("pycountry")

    files: dict[str, dict[str, Any]] = {}

    def emit(
        name: str,
        header: Sequence[str],
        rows: Iterable[Sequence[Any]],
        source: str,
        edition: str,
        licence: str,
    ) -> None:
        count = write_csv(out / name, header, rows)
        files[name] = {"source": source, "edition": edition, "licence": licence, "rows": count}

    emit(
        "countries.csv",
        [
            "iso2",
            "iso3",
            "iso_numeric",
            "m49",
            "name_en",
            "name_fr",
            "name_es",
            "official_name_en",
            "official_name_fr",
            "official_name_es",
            "m49_region",
            "m49_sub_region",
            "m49_intermediate_region",
            "is_ldc",
            "is_lldc",
            "is_sids",
            "status",
        ],
        countries,
        SOURCE_COUNTRY_CODES,
        EDITION_COUNTRY_CODES,
        LICENCE_PDDL,
    )
    emit(
        "m49_areas.csv",
        ["code", "level", "parent", "name_en", "name_fr", "name_es", "source", "edition"],
        [[*row, SOURCE_COUNTRY_CODES + "; " + SOURCE_M49_NAMES, EDITION_COUNTRY_CODES] for row in areas],
        SOURCE_COUNTRY_CODES + "; " + SOURCE_M49_NAMES,
        EDITION_COUNTRY_CODES,
        LICENCE_PDDL + "; " + LICENCE_UNSD,
    )
    emit(
        "currencies.csv",
        ["code", "numeric", "name", "minor_unit"],
        currencies,
        "pycountry ISO 4217; minor units from datasets/country-codes",
        f"pycountry {pycountry_version}; country-codes {EDITION_COUNTRY_CODES}",
        LICENCE_PYCOUNTRY + "; " + LICENCE_PDDL,
    )
    emit(
        "country_currencies.csv",
        ["iso3", "currency", "source", "edition"],
        links,
        SOURCE_COUNTRY_CODES,
        EDITION_COUNTRY_CODES,
        LICENCE_PDDL,
    )
    emit(
        "languages.csv",
        ["alpha_3", "alpha_2", "alpha_3_bibliographic", "name", "scope", "type"],
        languages,
        "pycountry ISO 639-3",
        f"pycountry {pycountry_version}",
        LICENCE_PYCOUNTRY,
    )
    emit(
        "wb_economies.csv",
        [
            "code",
            "name",
            "iso3",
            "region",
            "income_group",
            "lending_category",
            "other",
            "source",
            "edition",
        ],
        economies,
        SOURCE_CLASS,
        EDITION_CLASS,
        LICENCE_WB,
    )
    emit("wb_groups.csv", ["code", "name", "kind"], groups, SOURCE_CLASS, EDITION_CLASS, LICENCE_WB)
    emit("wb_group_members.csv", ["group", "economy"], members, SOURCE_CLASS, EDITION_CLASS, LICENCE_WB)
    emit(
        "wb_fiscal_years.csv",
        ["fiscal_year", "label", "data_year"],
        fiscal_years,
        SOURCE_OGHIST,
        EDITION_OGHIST,
        LICENCE_WB,
    )
    emit("wb_income_history.csv", history[0], history[1:], SOURCE_OGHIST, EDITION_OGHIST, LICENCE_WB)
    files["wb_income_history.csv"]["footnotes"] = {
        "LM*": (
            "At this time, there were Yemen, PDR (L) and Yemen, Arab Rep. (LM); "
            "combined they would have been LM."
        ),
        "..": "Not classified.",
    }

    for name in files:
        files[name]["sha256"] = sha256(out / name)
    originals = {
        relative: {"sha256": sha256(shared / relative), "bytes": (shared / relative).stat().st_size}
        for relative in (COUNTRY_CODES, CLASS_XLSX, OGHIST_XLSX)
    }
    manifest = {"originals": originals, "pycountry": pycountry_version, "files": files}
    (out / "manifest.json").write_text(
        json.dumps(manifest, indent=2, ensure_ascii=False, sort_keys=True) + "\n", encoding="utf-8"
    )
    (out / "SOURCES.md").write_text(render_sources(manifest), encoding="utf-8")
    return manifest


def render_sources(manifest: dict[str, Any]) -> str:
    originals = manifest["originals"]
    files = manifest["files"]
    lines = [
        "# Reference data: sources, licences, editions",
        "",
        "Generated by `build.py` (do not edit by hand; rerun the script). The application loads only the CSV",
        "files in this directory; the originals below are not needed at run time.",
        "",
        "## Originals",
        "",
        f"- `{COUNTRY_CODES}` — GitHub `datasets/country-codes`, `data/country-codes.csv`, commit",
        f"  `caa72d1e0e5af8876c170bb36a9e4d64a01bba88` ({EDITION_COUNTRY_CODES}). Licence: {LICENCE_PDDL}.",
        f"  {originals[COUNTRY_CODES]['bytes']} bytes, SHA-256 `{originals[COUNTRY_CODES]['sha256']}`.",
        f"- `{CLASS_XLSX}` — World Bank, *World Bank Country and Lending Groups*",
        f"  (datahelpdesk.worldbank.org, article 906519). Licence: {LICENCE_WB}.",
        f"  {originals[CLASS_XLSX]['bytes']} bytes, SHA-256 `{originals[CLASS_XLSX]['sha256']}`.",
        f"  Edition recorded as **{EDITION_CLASS}**: the copy's SOURCE.md calls it FY2024, but the",
        "  workbook's Notes say the classifications were set on 1 July 2022 and stay in effect until",
        "  1 July 2023 and quote the FY23 thresholds ($1,085 / $4,255 / $13,205), and its income groups",
        "  equal OGHIST's FY23 column for all 217 classified economies (FY24 differs for 8). Venezuela is",
        "  listed as 'Lower middle income' in 'List of economies' but belongs to no income group in",
        "  'Groups' (unclassified since FY22); both are kept as published.",
        f"- `{OGHIST_XLSX}` — World Bank historical income classifications, sheet 'Country Analytical",
        f"  History' (FY89–FY26 = data years 1987–2024). Licence: {LICENCE_WB}.",
        f"  {originals[OGHIST_XLSX]['bytes']} bytes, SHA-256 `{originals[OGHIST_XLSX]['sha256']}`.",
        f"- pycountry {manifest['pycountry']} (ISO 4217 and ISO 639-3 databases from Debian iso-codes).",
        f"  Licence: {LICENCE_PYCOUNTRY}.",
        f"- French and Spanish names of the M49 areas: {SOURCE_M49_NAMES} ({EDITION_M49_NAMES}).",
        "",
        "## Files",
        "",
        "| File | Rows | Source | Edition | SHA-256 |",
        "|---|---:|---|---|---|",
    ]
    for name, entry in sorted(files.items()):
        lines.append(
            f"| `{name}` | {entry['rows']} | {entry['source']} | {entry['edition']} | `{entry['sha256']}` |"
        )
    lines += [
        "",
        "## How the files were derived",
        "",
        "- Country names are the UNTERM short names (English, French, Spanish) without UNTERM's trailing",
        "  article in brackets — '(the)', '(l')', '(los)'… — and footnote stars, as UNSD prints them in M49;",
        "  where UNTERM has no name (territories, and Türkiye since its renaming) the file's",
        "  `official_name_*` is used.",
        *(
            f"- Correction: {iso3} name ({language}) set to '{name}' — {reason}."
            for (iso3, language), (name, reason) in sorted(NAME_CORRECTIONS.items())
        ),
        "- Numeric codes (ISO 3166-1, M49) are zero-padded to three digits.",
        "- Currency links come from `ISO4217-currency_alphabetic_code` (comma-separated); Türkiye's TRY,",
        f"  blank in the file, is added from ISO 4217 List One and marked '{SOURCE_SUPPLEMENT}'.",
        "- Currency minor units come from the country-codes file where a country uses the currency; ISO 4217",
        "  currencies no country uses there have none.",
        "- World Bank regions are stored as their group codes (EAS, ECS, LCN, MEA, NAC, SAS, SSF).",
        "- `wb_income_history.csv` keeps the OGHIST cells as published: L, LM, UM, H; '..' = not classified;",
        "  'LM*' = Yemen before unification (see `manifest.json` footnotes); blank = economy did not exist.",
        *(
            f"- CLASS.xlsx 'Groups' lists some {group} members twice; {count} repeated rows were dropped."
            for group, count in sorted(REPEATED_GROUP_ROWS.items())
        ),
        "- M49 groupings 199 (LDC), 432 (LLDC) and 722 (SIDS) are derived from the per-country flags.",
        "",
    ]
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", help="the shared data directory (contains country-codes/ …)")
    parser.add_argument(
        "--out", default=str(HERE), help="where to write the files (default: next to this script)"
    )
    args = parser.parse_args(argv)
    try:
        shared = find_shared(args.shared)
        manifest = build(shared, Path(args.out))
    except BuildError as error:
        sys.stderr.write(f"build.py: {error}\n")
        return 1
    for name, entry in sorted(manifest["files"].items()):
        sys.stdout.write(f"{name}: {entry['rows']} rows\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
