"""The WHO Health Workforce Support and Safeguards List 2023, shipped with the module.

55 countries (37 African Region, 8 Western Pacific, 6 Eastern Mediterranean, 3 South-East Asia,
1 Americas). How the list was rebuilt and where each row comes from: ``data/who_ssl_2023.SOURCE.md``.
Health workers (ISCO-08 sub-major groups 22 and 32) living in a listed country may be recruited only
under a government-to-government agreement (WHO Global Code of Practice; the safeguards gate applies it).
"""

import csv
from dataclasses import dataclass
from functools import cache
from pathlib import Path

DATA_FILE = Path(__file__).parent / "data" / "who_ssl_2023.csv"
EDITION = "WHO Health Workforce Support and Safeguards List 2023"
HEALTH_ISCO_SUB_MAJOR_GROUPS = ("22", "32")


@dataclass(frozen=True)
class ListedCountry:
    iso3: str
    name: str
    who_region_code: str


@cache
def listed_countries() -> dict[str, ListedCountry]:
    with DATA_FILE.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    return {
        row["iso3"]: ListedCountry(row["iso3"], row["country_name_source"], row["who_region_code"])
        for row in rows
    }


def is_listed(iso3: str) -> bool:
    return iso3.upper() in listed_countries()


def is_health_occupation(isco_code: str) -> bool:
    """Health professionals (22) and health associate professionals (32) of ISCO-08."""
    return isco_code[:2] in HEALTH_ISCO_SUB_MAJOR_GROUPS
