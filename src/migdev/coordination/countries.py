"""Country codes for the coordination records: checked and labelled through the reference module.

The whole country table is small (about 250 rows) and fixed by migrations, so it is read once per process
and kept in memory: pages that list dozens of member states then cost no query per state.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import pycountry

from migdev.reference.models import Country, name_language


class UnknownCountry(ValueError):
    def __init__(self, code: str) -> None:
        super().__init__(f"unknown country code {code!r}")
        self.code = code


@dataclass(frozen=True)
class CountryEntry:
    iso2: str
    iso3: str
    names: dict[str, str]


@lru_cache(maxsize=1)
def _table() -> dict[str, CountryEntry]:
    table: dict[str, CountryEntry] = {}
    for row in Country.objects.values("iso2", "iso3", "iso_numeric", "m49", "name_en", "name_fr", "name_es"):
        entry = CountryEntry(
            iso2=row["iso2"],
            iso3=row["iso3"],
            names={"en": row["name_en"], "fr": row["name_fr"], "es": row["name_es"]},
        )
        for key in ("iso2", "iso3", "iso_numeric", "m49"):
            table.setdefault(row[key], entry)
    return table


def forget_country_table() -> None:
    """For tests that change the country table."""
    _table.cache_clear()


def country_entry(code: str) -> CountryEntry:
    cleaned = (code or "").strip().upper()
    entry = _table().get(cleaned)
    if entry is None:
        raise UnknownCountry(code)
    return entry


def normalise_country_code(code: str) -> str:
    """The ISO3 code for an ISO2, ISO3, ISO numeric or M49 code; raises UnknownCountry."""
    return country_entry(code).iso3


def iso2_for(iso3: str) -> str:
    return country_entry(iso3).iso2


def is_country_code(code: str) -> bool:
    try:
        country_entry(code)
    except UnknownCountry:
        return False
    return True


def country_label(iso3: str) -> str:
    """The country's name in the active language, or the code itself when it is unknown."""
    try:
        entry = country_entry(iso3)
    except UnknownCountry:
        return iso3
    return entry.names.get(name_language()) or entry.names["en"]


def iso_lookup(code: str) -> tuple[str, str] | None:
    """ISO 3166-1 alone, for data migrations whose historical state has no country rows to read."""
    record = pycountry.countries.get(alpha_3=code) if len(code) == 3 else None
    if record is None:
        return None
    return str(record.alpha_3), str(record.name)
