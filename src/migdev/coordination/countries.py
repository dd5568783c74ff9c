"""Country codes for the coordination records: checked and labelled by ISO 3166-1 alpha-3 code.

The platform's reference module owns the country list; until it is installed this falls back on pycountry,
which carries the same ISO 3166-1 table.
"""

from __future__ import annotations

from functools import lru_cache

import pycountry


class UnknownCountry(ValueError):
    def __init__(self, code: str) -> None:
        super().__init__(f"unknown country code {code!r}")
        self.code = code


@lru_cache(maxsize=1024)
def _lookup(code: str) -> tuple[str, str] | None:
    """(iso3, English name) for an ISO2, ISO3 or numeric code."""
    try:
        from migdev.reference.selectors import country_by_code  # type: ignore[import-not-found,unused-ignore]
    except ImportError:
        country_by_code = None
    if country_by_code is not None:
        try:
            country = country_by_code(code)
        except Exception:  # noqa: BLE001 - the reference table may not exist yet (first migration)
            country = None
        if country is not None:
            return str(country.iso3), str(country.name_en)
    return iso_lookup(code)


def iso_lookup(code: str) -> tuple[str, str] | None:
    """ISO 3166-1 alone, for migrations that run before any country table exists."""
    record = None
    if code.isdigit():
        record = pycountry.countries.get(numeric=code.zfill(3))
    elif len(code) == 2:
        record = pycountry.countries.get(alpha_2=code)
    elif len(code) == 3:
        record = pycountry.countries.get(alpha_3=code)
    if record is None:
        return None
    return str(record.alpha_3), str(getattr(record, "common_name", None) or record.name)


def normalise_country_code(code: str) -> str:
    """The ISO3 code for an ISO2, ISO3 or numeric code; raises UnknownCountry."""
    cleaned = (code or "").strip().upper()
    found = _lookup(cleaned) if cleaned else None
    if found is None:
        raise UnknownCountry(code)
    return found[0]


def is_country_code(code: str) -> bool:
    try:
        normalise_country_code(code)
    except UnknownCountry:
        return False
    return True


def country_label(iso3: str) -> str:
    """The country's name for display, or the code itself when it is unknown."""
    found = _lookup(iso3.upper()) if iso3 else None
    return found[1] if found else iso3
