"""The IATI codelists the activity registry's money needs, read from the files shipped beside this module
(``data/iati/codelists/``, see SOURCE.md there): DAC 5-digit sectors, their 3-digit groups and the OECD
DAC recipient regions. Small embedded codelists (transaction, budget types) are model choices."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from django.utils.translation import get_language

CODELISTS = Path(__file__).resolve().parent / "data" / "iati" / "codelists"
CODELIST_SOURCE = (
    "IATI Standard 2.03 codelists (Sector, SectorCategory, Region; OECD DAC, replicated by IATI)"
)


@dataclass(frozen=True)
class Code:
    code: str
    name: str
    category: str = ""
    name_fr: str = ""

    def label(self) -> str:
        if self.name_fr and (get_language() or "en").startswith("fr"):
            return self.name_fr
        return self.name


def _read(file_name: str) -> dict[str, Code]:
    with (CODELISTS / file_name).open(encoding="utf-8", newline="") as handle:
        return {
            row["code"]: Code(
                code=row["code"],
                name=row["name"],
                category=row.get("category", ""),
                name_fr=row.get("name_fr", "") or "",
            )
            for row in csv.DictReader(handle)
        }


@lru_cache(maxsize=1)
def dac_sectors() -> dict[str, Code]:
    """DAC 5-digit purpose codes (IATI SectorVocabulary 1)."""
    return _read("Sector.csv")


@lru_cache(maxsize=1)
def dac_sector_groups() -> dict[str, Code]:
    """DAC 3-digit sector categories (IATI SectorVocabulary 2)."""
    return _read("SectorCategory.csv")


@lru_cache(maxsize=1)
def dac_regions() -> dict[str, Code]:
    """OECD DAC recipient regions (IATI RegionVocabulary 1)."""
    return _read("Region.csv")


def sector_label(code: str) -> str:
    sector = dac_sectors().get(code)
    return f"{code} {sector.name}" if sector else code


def sector_group_label(code: str) -> str:
    group = dac_sector_groups().get(code)
    return f"{code} {group.label()}" if group else code


def region_label(code: str) -> str:
    region = dac_regions().get(code)
    return region.name if region else code


def any_sector_label(vocabulary: str, code: str) -> str:
    """A sector of any vocabulary: DAC 5-digit (1) and 3-digit (2) codes named, others as given."""
    if vocabulary == "1":
        return sector_label(code)
    if vocabulary == "2":
        return sector_group_label(code)
    return f"{code} ({vocabulary})"
