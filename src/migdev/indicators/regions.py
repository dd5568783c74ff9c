"""Aggregate membership and area names, read from the reference module and kept in memory.

Income groups are taken as of the data year (World Bank classification history); outside the years
the Bank has classified, the nearest classified year is used and said so.
"""

from __future__ import annotations

import time
from functools import lru_cache

from django.utils.translation import get_language

from migdev.indicators.areas import EXTRA_COUNTRIES, INCOME_GROUPS, NON_AREA_ORIGINS, WORLD, aggregate_label
from migdev.reference import selectors as reference

_NAMES_TTL_SECONDS = 300
_names_cache: dict[str, tuple[float, dict[str, str]]] = {}


@lru_cache(maxsize=1)
def _income_years() -> tuple[int, ...]:
    return tuple(sorted(reference.income_data_years()))


def classification_year(code: str, data_year: int) -> int | None:
    """The data year whose classification applies to ``code`` (None when membership ignores years)."""
    if code not in INCOME_GROUPS:
        return None
    years = _income_years()
    if not years:
        return None
    if data_year in years:
        return data_year
    return years[0] if data_year < years[0] else years[-1]


@lru_cache(maxsize=2048)
def _members(code: str, year: int | None) -> frozenset[str]:
    return frozenset(reference.aggregate_members(code, year))


def members(code: str, data_year: int) -> set[str] | None:
    """Alpha-3 codes in an aggregate for a data year; None for the world (every country with data)."""
    if code == WORLD:
        return None
    return set(_members(code, classification_year(code, data_year)))


def available_aggregates() -> list[tuple[str, str, str]]:
    """(code, name, kind) of the aggregates a page may ask for: world, M49 regions, income groups."""
    result = []
    for item in reference.aggregates():
        if item.kind in {"world", "m49"} or item.code in INCOME_GROUPS:
            result.append((item.code, str(item.name), item.kind))
    return result


def area_names() -> dict[str, str]:
    """Names of every known area code in the active language."""
    language = get_language() or "en"
    cached = _names_cache.get(language)
    if cached and time.monotonic() - cached[0] < _NAMES_TTL_SECONDS:
        return cached[1]
    from migdev.indicators.models import AggregateArea

    names: dict[str, str] = {}
    names.update(EXTRA_COUNTRIES)
    names.update(NON_AREA_ORIGINS)
    names.update(dict(AggregateArea.objects.values_list("code", "name")))
    for item in reference.aggregates():
        names[item.code] = str(item.name)
    for country in reference.countries():
        names[country.iso3] = country.name
    _names_cache[language] = (time.monotonic(), names)
    return names


def area_name(code: str) -> str:
    return area_names().get(code) or aggregate_label(code) or code


def clear_caches() -> None:
    _names_cache.clear()
    _members.cache_clear()
    _income_years.cache_clear()
