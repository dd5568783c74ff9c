"""Names of the economies corridors point at: ISO countries, and World Bank economies without an ISO row.

RPW prices corridors to Kosovo (World Bank code XKX), which the ISO country table does not hold; corridors
therefore key on the code alone (no database constraint) and take their names from here.
"""

from __future__ import annotations

from functools import lru_cache


@lru_cache(maxsize=4)
def _names(language: str) -> dict[str, str]:
    from migdev.reference.models import Country, WorldBankEconomy

    names = dict(WorldBankEconomy.objects.filter(country__isnull=True).values_list("code", "name"))
    for iso3, english, localised in Country.objects.values_list("iso3", "name_en", f"name_{language}"):
        names[iso3] = localised or english
    return names


def economy_name(code: str) -> str:
    """The name of a country (in the active language) or of a World Bank economy; the code if unknown."""
    from migdev.reference.models import name_language

    return _names(name_language()).get(code) or code


def is_known_economy(code: str) -> bool:
    """A code of the country table or of a World Bank economy: the codes a corridor may point at."""
    from migdev.reference.models import name_language

    return code in _names(name_language())


def economy_names_clear() -> None:
    """Forget the cached names (after the reference data is reloaded)."""
    _names.cache_clear()
