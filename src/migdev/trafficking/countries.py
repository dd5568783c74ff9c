"""Country codes for the trafficking module, matched on ISO codes only (never names).

Built on :mod:`migdev.reference`; the lookups are read once per call site (about 250 rows) rather than
per record, since imports resolve tens of thousands of codes.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from migdev.reference.models import Country
from migdev.trafficking.ctdc import CountryInfo, CountryResolver

# UN M49 regions by code, named as CTDC names them.
M49_REGION_NAMES = {"002": "Africa", "019": "Americas", "142": "Asia", "150": "Europe", "009": "Oceania"}


@dataclass(frozen=True)
class CountryIndex:
    by_code: dict[str, CountryInfo]  # ISO alpha-2 and alpha-3 -> info
    iso2_by_iso3: dict[str, str]

    def resolve(self, code: str) -> CountryInfo | None:
        return self.by_code.get(code.strip().upper())

    def iso2_for(self, value: str) -> str:
        """The alpha-2 code of an alpha-3 code; anything else (a region after generalisation) unchanged."""
        return self.iso2_by_iso3.get(value, value)

    def region_of(self) -> dict[str, str | None]:
        return {code: info.region for code, info in self.by_code.items() if len(code) == 3}

    def is_country(self, code: str) -> bool:
        return code.strip().upper() in self.by_code


def country_index() -> CountryIndex:
    by_code: dict[str, CountryInfo] = {}
    iso2_by_iso3: dict[str, str] = {}
    for iso2, iso3, region in Country.objects.values_list("iso2", "iso3", "m49_region_id"):
        info = CountryInfo(iso3=iso3, region=M49_REGION_NAMES.get(str(region or "")))
        by_code[iso2] = info
        by_code[iso3] = info
        iso2_by_iso3[iso3] = iso2
    return CountryIndex(by_code, iso2_by_iso3)


def country_resolver() -> CountryResolver:
    return country_index().resolve


def country_names(codes: Iterable[str]) -> str:
    """ISO codes as the country names of the page's language, in that language's order ("Nigeria,
    Spain" for ["NG", "ES"]); an unknown code is shown as it is."""
    from migdev.reference.collation import sorted_by_name

    wanted = [code.strip().upper() for code in codes if code and code.strip()]
    if not wanted:
        return ""
    known = {country.iso2: country.name for country in Country.objects.filter(iso2__in=wanted)}
    names = [known.get(code, code) for code in dict.fromkeys(wanted)]
    return ", ".join(sorted_by_name(names, lambda name: name))
