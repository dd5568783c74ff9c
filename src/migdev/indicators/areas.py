"""Area codes: which codes are countries, which are aggregates, and the crosswalks to ISO alpha-3.

Countries are stored under ISO 3166 alpha-3 codes (plus ``XKX`` Kosovo and ``CHI`` Channel Islands,
which the sources report separately). Aggregates are the World Bank's three-letter group codes
(``WLD``, ``LMY`` …), M49 region codes as three digits (``002`` Africa, ``150`` Europe …) and the
aggregate codes a source invents for itself, kept with a prefix naming that source (``UN947``).
"""

from __future__ import annotations

import csv
from functools import cache
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent / "data"

WORLD = "WLD"
DESA_WORLD_CODE = 900
DESA_AGGREGATE_PREFIX = "UN"

# Territories the ISO list lacks but the sources publish as areas of their own.
EXTRA_COUNTRIES = {"XKX": "Kosovo", "CHI": "Channel Islands", "ANT": "Netherlands Antilles (former)"}
# Codes some publishers use for an area that has another code here.
CODE_ALIASES = {"KSV": "XKX", "ROM": "ROU", "ZAR": "COD", "TMP": "TLS"}
UNKNOWN_ORIGIN = "UNK"
# Areas that no longer exist: kept for old data, not counted among the world's current countries.
FORMER_AREAS = frozenset({"ANT"})

# Origins in refugee statistics that are not areas at all.
NON_AREA_ORIGINS = {"XXA": "Stateless", "TIB": "Tibetan", "UNK": "Unknown", "XXC": "Various"}

# World Bank aggregate codes (WDI "Country Code" values that are groups, not economies).
WORLD_BANK_AGGREGATES: dict[str, str] = {
    "AFE": "Africa Eastern and Southern",
    "AFW": "Africa Western and Central",
    "ARB": "Arab World",
    "CEB": "Central Europe and the Baltics",
    "CSS": "Caribbean small states",
    "EAP": "East Asia & Pacific (excluding high income)",
    "EAR": "Early-demographic dividend",
    "EAS": "East Asia & Pacific",
    "ECA": "Europe & Central Asia (excluding high income)",
    "ECS": "Europe & Central Asia",
    "EMU": "Euro area",
    "EUU": "European Union",
    "FCS": "Fragile and conflict affected situations",
    "HIC": "High income",
    "HPC": "Heavily indebted poor countries (HIPC)",
    "IBD": "IBRD only",
    "IBT": "IDA & IBRD total",
    "IDA": "IDA total",
    "IDB": "IDA blend",
    "IDX": "IDA only",
    "INX": "Not classified",
    "LAC": "Latin America & Caribbean (excluding high income)",
    "LCN": "Latin America & Caribbean",
    "LDC": "Least developed countries: UN classification",
    "LIC": "Low income",
    "LMC": "Lower middle income",
    "LMY": "Low & middle income",
    "LTE": "Late-demographic dividend",
    "MEA": "Middle East & North Africa",
    "MIC": "Middle income",
    "MNA": "Middle East & North Africa (excluding high income)",
    "NAC": "North America",
    "OED": "OECD members",
    "OSS": "Other small states",
    "PRE": "Pre-demographic dividend",
    "PSS": "Pacific island small states",
    "PST": "Post-demographic dividend",
    "SAS": "South Asia",
    "SSA": "Sub-Saharan Africa (excluding high income)",
    "SSF": "Sub-Saharan Africa",
    "SST": "Small states",
    "TEA": "East Asia & Pacific (IDA & IBRD countries)",
    "TEC": "Europe & Central Asia (IDA & IBRD countries)",
    "TLA": "Latin America & the Caribbean (IDA & IBRD countries)",
    "TMN": "Middle East & North Africa (IDA & IBRD countries)",
    "TSA": "South Asia (IDA & IBRD)",
    "TSS": "Sub-Saharan Africa (IDA & IBRD countries)",
    "UMC": "Upper middle income",
    "WLD": "World",
}

# Aggregates this platform computes itself, with their names (M49 regions as of the standard).
INCOME_GROUPS = ("LIC", "LMC", "UMC", "HIC", "LMY", "MIC")
M49_REGIONS: dict[str, str] = {
    "002": "Africa",
    "019": "Americas",
    "142": "Asia",
    "150": "Europe",
    "009": "Oceania",
    "014": "Eastern Africa",
    "017": "Middle Africa",
    "015": "Northern Africa",
    "018": "Southern Africa",
    "011": "Western Africa",
    "029": "Caribbean",
    "013": "Central America",
    "005": "South America",
    "021": "Northern America",
    "143": "Central Asia",
    "030": "Eastern Asia",
    "035": "South-eastern Asia",
    "034": "Southern Asia",
    "145": "Western Asia",
    "151": "Eastern Europe",
    "154": "Northern Europe",
    "039": "Southern Europe",
    "155": "Western Europe",
    "053": "Australia and New Zealand",
    "054": "Melanesia",
    "057": "Micronesia",
    "061": "Polynesia",
    "202": "Sub-Saharan Africa",
    "419": "Latin America and the Caribbean",
}


def _read_crosswalk(filename: str, key: str, value: str) -> dict[str, str]:
    with (DATA_DIR / filename).open(encoding="utf-8") as handle:
        lines = [line for line in handle if not line.startswith("#")]
    return {row[key]: row[value] for row in csv.DictReader(lines)}


@cache
def m49_to_iso3() -> dict[int, str]:
    return {int(code): iso3 for code, iso3 in _read_crosswalk("m49_iso3.csv", "m49", "iso3").items()}


@cache
def iso3_to_m49() -> dict[str, int]:
    return {iso3: code for code, iso3 in m49_to_iso3().items()}


@cache
def country_codes() -> frozenset[str]:
    return frozenset(m49_to_iso3().values()) | frozenset(EXTRA_COUNTRIES)


@cache
def desa_name_to_iso3() -> dict[str, str]:
    return _read_crosswalk("desa_names.csv", "name", "iso3")


@cache
def worldbank_name_to_iso3() -> dict[str, str]:
    return _read_crosswalk("worldbank_names.csv", "name", "iso3")


def is_country(code: str) -> bool:
    return code in country_codes()


def is_aggregate_code(code: str) -> bool:
    """Aggregates: World Bank group codes, M49 region codes, and source-prefixed aggregate codes."""
    if code in WORLD_BANK_AGGREGATES or code in M49_REGIONS:
        return True
    if code.isdigit():
        return True
    return code.startswith(DESA_AGGREGATE_PREFIX) and code[len(DESA_AGGREGATE_PREFIX) :].isdigit()


def desa_area_code(location_code: int) -> tuple[str, bool] | None:
    """Map a UN DESA location code to (area code, is_aggregate); None when the code is unknown.

    DESA numbers its aggregates from 900 up (900 = WORLD, 947 = Sub-Saharan Africa, 1503 = high income …).
    """
    if location_code == DESA_WORLD_CODE:
        return WORLD, True
    if location_code > DESA_WORLD_CODE:
        return f"{DESA_AGGREGATE_PREFIX}{location_code}", True
    iso3 = m49_to_iso3().get(location_code)
    return (iso3, False) if iso3 else None


def normalise_code(code: str) -> str:
    """Accept ISO alpha-3 in any case, M49 region numbers with or without zero padding."""
    code = code.strip()
    if code.isdigit():
        return code.zfill(3)
    code = code.upper()
    return CODE_ALIASES.get(code, code)


def aggregate_label(code: str) -> str | None:
    if code in WORLD_BANK_AGGREGATES:
        return WORLD_BANK_AGGREGATES[code]
    if code in M49_REGIONS:
        return M49_REGIONS[code]
    return None
