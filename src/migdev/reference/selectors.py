"""Reads of the reference data: countries by code, M49 areas, income groups by data year, aggregates.

Data years and fiscal years: the World Bank classifies economies each fiscal year (FY24 runs July 2023 to
June 2024) from GNI of two calendar years earlier (FY24 ↔ data year 2022). Functions here take the *data
year*, the year of the statistic being classified, and use the classification based on that year.
"""

from __future__ import annotations

import gettext
from dataclasses import dataclass
from functools import cache

import pycountry
from django.db.models import Q, QuerySet
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from migdev.reference.models import (
    Country,
    Currency,
    IncomeGroup,
    Language,
    M49Area,
    WorldBankEconomy,
    WorldBankGroup,
    WorldBankGroupMember,
    WorldBankIncomeClassification,
    name_language,
)

WORLD = "WLD"
# World Bank income aggregates and the OGHIST income codes each one contains.
INCOME_AGGREGATES: dict[str, frozenset[str]] = {
    "LIC": frozenset({IncomeGroup.LOW}),
    "LMC": frozenset({IncomeGroup.LOWER_MIDDLE}),
    "UMC": frozenset({IncomeGroup.UPPER_MIDDLE}),
    "HIC": frozenset({IncomeGroup.HIGH}),
    "MIC": frozenset({IncomeGroup.LOWER_MIDDLE, IncomeGroup.UPPER_MIDDLE}),
    "LMY": frozenset({IncomeGroup.LOW, IncomeGroup.LOWER_MIDDLE, IncomeGroup.UPPER_MIDDLE}),
}
# The single-group aggregates, read backwards: CLASS.xlsx membership → OGHIST code.
_INCOME_CODE_OF_GROUP = {"LIC": "L", "LMC": "LM", "UMC": "UM", "HIC": "H"}
# M49 groupings and the country flag that defines each.
_GROUPING_FLAGS = {"199": "is_ldc", "432": "is_lldc", "722": "is_sids"}


class UnknownAggregate(LookupError):
    """No aggregate has this code."""


class ClassificationUnavailable(LookupError):
    """The World Bank has published no income classification for this data year."""


@dataclass(frozen=True)
class Aggregate:
    code: str
    name: str
    kind: str  # world, m49, income, wb_region, other


# CLASS.xlsx names its groups in English only; the income groups, which pages offer as aggregates, are
# named in the interface language (the World Bank's own French and Spanish terms).
INCOME_AGGREGATE_NAMES = {
    "LIC": _("Low income"),
    "LMC": _("Lower middle income"),
    "UMC": _("Upper middle income"),
    "HIC": _("High income"),
    "MIC": _("Middle income"),
    "LMY": _("Low & middle income"),
}


def _normalise_code(code: str) -> str:
    code = code.strip()
    return code.zfill(3) if code.isdigit() else code.upper()


def country_by_code(code: str) -> Country:
    """The country with this ISO alpha-2, alpha-3, ISO numeric or M49 code (letters in any case).

    Raises ``Country.DoesNotExist`` when no country has the code.
    """
    code = _normalise_code(code)
    if code.isdigit() and len(code) == 3:
        return Country.objects.get(Q(iso_numeric=code) | Q(m49=code))
    if code.isalpha() and len(code) == 2:
        return Country.objects.get(iso2=code)
    if code.isalpha() and len(code) == 3:
        return Country.objects.get(iso3=code)
    raise Country.DoesNotExist(f"No country has the code {code!r}.")


def countries() -> QuerySet[Country]:
    """All countries and territories, ordered by their name in the active language."""
    return Country.objects.order_by(f"name_{name_language()}", "iso3")


def m49_areas(level: str | None = None) -> QuerySet[M49Area]:
    areas = M49Area.objects.all()
    if level:
        areas = areas.filter(level=level)
    return areas.order_by("code")


def m49_area_by_code(code: str) -> M49Area:
    return M49Area.objects.get(code=_normalise_code(code))


def _m49_filter(area: M49Area) -> Q:
    if area.level == M49Area.Level.WORLD:
        return Q()
    if area.level == M49Area.Level.GROUPING:
        return Q(**{_GROUPING_FLAGS[area.code]: True})
    return (
        Q(m49_region_id=area.code) | Q(m49_sub_region_id=area.code) | Q(m49_intermediate_region_id=area.code)
    )


def income_data_years() -> list[int]:
    """Data years with a World Bank income classification, latest first."""
    years = WorldBankIncomeClassification.objects.order_by("-data_year").values_list("data_year", flat=True)
    return list(years.distinct())


def income_group_for(iso3: str, data_year: int) -> str | None:
    """The World Bank income group (L, LM, UM, H) of an economy for statistics of ``data_year``.

    Uses the classification of the fiscal year based on that data year (FY24 for 2022). ``None`` when the
    economy was not classified that year or no classification exists for the year. World Bank codes
    without an ISO country (XKX Kosovo, CHI Channel Islands) work too.
    """
    group = (
        WorldBankIncomeClassification.objects.filter(economy__code__iexact=iso3.strip(), data_year=data_year)
        .values_list("income_group", flat=True)
        .first()
    )
    return group


def income_groups_for_year(data_year: int | None = None) -> dict[str, str]:
    """Economy code → income group (L, LM, UM, H) for one data year, in one query.

    Without a year: the groups of CLASS.xlsx (its 'Groups' sheet LIC/LMC/UMC/HIC).
    """
    if data_year is None:
        pairs = WorldBankGroupMember.objects.filter(group__code__in=_INCOME_CODE_OF_GROUP).values_list(
            "economy__code", "group__code"
        )
        return {economy: _INCOME_CODE_OF_GROUP[group] for economy, group in pairs}
    return dict(
        WorldBankIncomeClassification.objects.filter(data_year=data_year).values_list(
            "economy__code", "income_group"
        )
    )


def _economies_in_income_groups(groups: frozenset[str], data_year: int | None) -> set[str]:
    if data_year is None:
        group_codes = [group for group, code in _INCOME_CODE_OF_GROUP.items() if code in groups]
        return set(
            WorldBankGroupMember.objects.filter(group__code__in=group_codes).values_list(
                "economy__code", flat=True
            )
        )
    if not WorldBankIncomeClassification.objects.filter(data_year=data_year).exists():
        raise ClassificationUnavailable(
            f"The World Bank has no income classification for data year {data_year}."
        )
    return set(
        WorldBankIncomeClassification.objects.filter(
            data_year=data_year, income_group__in=groups
        ).values_list("economy__code", flat=True)
    )


def country_list(
    *,
    m49_area: str | None = None,
    wb_region: str | None = None,
    is_ldc: bool | None = None,
    is_lldc: bool | None = None,
    is_sids: bool | None = None,
    income_group: str | None = None,
    data_year: int | None = None,
) -> QuerySet[Country]:
    """Countries filtered by M49 area (any level), World Bank region, UN flags and income group.

    ``income_group`` (L, LM, UM, H) is judged for ``data_year``, or by CLASS.xlsx without a year.
    Raises ``M49Area.DoesNotExist`` for an unknown area and ``ClassificationUnavailable`` for a year
    without classification.
    """
    selected = countries()
    if m49_area:
        selected = selected.filter(_m49_filter(m49_area_by_code(m49_area)))
    if wb_region:
        selected = selected.filter(world_bank_economy__region__code=wb_region.strip().upper())
    for field_name, wanted in (("is_ldc", is_ldc), ("is_lldc", is_lldc), ("is_sids", is_sids)):
        if wanted is not None:
            selected = selected.filter(**{field_name: wanted})
    if income_group:
        economies = _economies_in_income_groups(frozenset({income_group}), data_year)
        selected = selected.filter(iso3__in=economies)
    return selected


def aggregates() -> list[Aggregate]:
    """Every aggregate ``aggregate_members`` accepts: the world, M49 areas and World Bank groups."""
    result = [Aggregate(WORLD, str(_("World (all countries and territories)")), "world")]
    result += [Aggregate(area.code, area.name, "m49") for area in m49_areas()]
    result += [
        Aggregate(group.code, str(INCOME_AGGREGATE_NAMES.get(group.code, group.name)), group.kind)
        for group in WorldBankGroup.objects.exclude(code=WORLD).order_by("kind", "code")
    ]
    return result


def aggregate(code: str) -> Aggregate:
    code = _normalise_code(code)
    for candidate in aggregates():
        if candidate.code == code:
            return candidate
    raise UnknownAggregate(f"No aggregate has the code {code!r}.")


def aggregate_members(code: str, data_year: int | None = None) -> set[str]:
    """Alpha-3 codes of the members of an aggregate.

    * ``"WLD"``: every country and territory;
    * an M49 area code (``"002"``, ``"419"``, ``"199"`` for LDCs…): the countries in it;
    * World Bank income aggregates (LIC, LMC, UMC, HIC, LMY, MIC): with ``data_year``, the economies
      classified so for that data year (OGHIST); without, CLASS.xlsx membership;
    * other World Bank groups (EAS, SSF, IDA, FCS…): CLASS.xlsx membership (``data_year`` is ignored).

    World Bank sets use the Bank's codes, which are ISO alpha-3 except XKX (Kosovo), CHI (Channel Islands)
    and former economies. Raises ``UnknownAggregate`` or ``ClassificationUnavailable``.
    """
    code = _normalise_code(code)
    if code == WORLD:
        return set(Country.objects.values_list("iso3", flat=True))
    if code.isdigit():
        try:
            area = M49Area.objects.get(code=code)
        except M49Area.DoesNotExist as error:
            raise UnknownAggregate(f"No M49 area has the code {code!r}.") from error
        return set(Country.objects.filter(_m49_filter(area)).values_list("iso3", flat=True))
    if code in INCOME_AGGREGATES:
        return _economies_in_income_groups(INCOME_AGGREGATES[code], data_year)
    if not WorldBankGroup.objects.filter(code=code).exists():
        raise UnknownAggregate(f"No aggregate has the code {code!r}.")
    return set(WorldBankGroupMember.objects.filter(group__code=code).values_list("economy__code", flat=True))


def world_bank_economy(code: str) -> WorldBankEconomy:
    # Case-insensitive: OGHIST spells one former economy "YUGf".
    return WorldBankEconomy.objects.select_related("region").get(code__iexact=code.strip())


def currencies() -> QuerySet[Currency]:
    return Currency.objects.order_by("code")


def currency_by_code(code: str) -> Currency:
    return Currency.objects.get(code=code.strip().upper())


def languages() -> QuerySet[Language]:
    return Language.objects.order_by("name")


def language_by_code(code: str) -> Language:
    """A language by ISO 639-1 (two letters) or ISO 639-3 / 639-2/B (three letters) code."""
    code = code.strip().lower()
    if len(code) == 2:
        return Language.objects.get(alpha_2=code)
    return Language.objects.get(Q(alpha_3=code) | Q(alpha_3_bibliographic=code))


@cache
def _iso639_names(language: str) -> gettext.NullTranslations:
    return gettext.translation("iso639-3", pycountry.LOCALES_DIR, languages=[language], fallback=True)


def language_label(code: str, language: str | None = None) -> str:
    """A language's name in the page's language (ISO 639 names as translated by the Debian iso-codes
    project, shipped with pycountry), from a two- or three-letter code; the code itself when unknown.
    French and Spanish write language names in lower case inside a sentence ("en français")."""
    found = pycountry.languages.get(alpha_2=code) if len(code) == 2 else pycountry.languages.get(alpha_3=code)
    if found is None and len(code) == 3:
        found = pycountry.languages.get(bibliographic=code)
    if found is None:
        return code
    shown = (language or get_language() or "en").split("-")[0]
    name = _iso639_names(shown).gettext(found.name)
    return name[:1].lower() + name[1:] if shown in {"fr", "es"} else name
