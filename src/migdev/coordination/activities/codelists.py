"""The IATI codelists the activity registry's money needs, read from the files shipped beside this module
(``data/iati/codelists/``, see SOURCE.md there): DAC 5-digit sectors, their 3-digit groups and the OECD
DAC recipient regions, with IATI's French names where the codelist has them (``name_fr``). Small embedded codelists (transaction, budget types) are model choices."""

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


def _page_language() -> str:
    return (get_language() or "en").split("-")[0]


@dataclass(frozen=True)
class Label:
    """A codelist name and the language it is written in. IATI publishes French names for some codelists
    and none in Spanish; where the page's language has no published name, the English one is shown and
    marked as English (`lang`), never translated here."""

    text: str
    language: str

    def __str__(self) -> str:
        return self.text

    @property
    def lang(self) -> str:
        """The `lang` attribute the text needs on the current page: empty when it is in the page's language."""
        return "" if self.language == _page_language() else self.language


@dataclass(frozen=True)
class Code:
    code: str
    name: str
    category: str = ""
    name_fr: str = ""

    def named(self) -> Label:
        if self.name_fr and _page_language() == "fr":
            return Label(self.name_fr, "fr")
        return Label(self.name, "en")

    def label(self) -> str:
        return self.named().text


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


def sector_name(code: str) -> Label:
    """A DAC 5-digit sector as pages show it: code and name, in French where IATI publishes one."""
    sector = dac_sectors().get(code)
    if sector is None:
        return Label(code, _page_language())
    named = sector.named()
    return Label(f"{code} {named.text}", named.language)


def sector_group_name(code: str) -> Label:
    group = dac_sector_groups().get(code)
    if group is None:
        return Label(code, _page_language())
    named = group.named()
    return Label(f"{code} {named.text}", named.language)


def region_name(code: str) -> Label:
    region = dac_regions().get(code)
    return region.named() if region else Label(code, _page_language())


def sector_label(code: str) -> str:
    return sector_name(code).text


def sector_group_label(code: str) -> str:
    return sector_group_name(code).text


def region_label(code: str) -> str:
    return region_name(code).text


def any_sector_name(vocabulary: str, code: str) -> Label:
    """A sector of any vocabulary: DAC 5-digit (1) and 3-digit (2) codes named, others as given."""
    if vocabulary == "1":
        return sector_name(code)
    if vocabulary == "2":
        return sector_group_name(code)
    return Label(f"{code} ({vocabulary})", _page_language())


def any_sector_label(vocabulary: str, code: str) -> str:
    return any_sector_name(vocabulary, code).text
