"""The built-in catalogue: sources, series, known editions, computed indicators and SDG indicators.

Installed by a data migration and re-applied (idempotently) by ``catalogue_install``; the numbers
themselves only ever come from loaded files.

The texts people read (names, short names, definitions, numerator and denominator descriptions, unit
labels, themes, SDG titles, targets and methods) are stored in English and marked with ``gettext_noop`` so
that ``migdev catalogues`` collects them into the module's French and Spanish catalogues; pages, downloads
and the API translate them when shown (``formatting.catalogue_text``), falling back to the stored English.
Changing an English text here makes a new, untranslated catalogue entry, which the translation tests
report until it is translated.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.utils.translation import gettext_noop

TOTAL = "_T"
ALL_PARTNERS = "*"
# SDG target 10.c: global average cost below 3 %, no corridor above 5 % (of the amount sent, USD 200).
SDG_10C1_GLOBAL_TARGET = 3.0
SDG_10C1_CORRIDOR_LIMIT = 5.0


@dataclass(frozen=True)
class SourceSpec:
    code: str
    name: str
    publisher: str
    url: str
    licence: str
    citation: str


@dataclass(frozen=True)
class SeriesSpec:
    code: str
    name: str
    unit: str
    description: str
    additive: bool = True
    counterpart_role: str = ""


@dataclass(frozen=True)
class EditionSpec:
    source: str
    code: str
    title: str
    published: date
    kind: str = "official"
    notes: str = ""


@dataclass(frozen=True)
class IndicatorSpec:
    code: str
    name: str
    short_name: str
    definition: str
    theme: str
    numerator_series: str
    numerator_description: str
    unit_label: str
    factor: int = 1
    numerator_sex: str = TOTAL
    numerator_area_role: str = "area"
    numerator_counterpart: str = TOTAL
    denominator_series: str | None = None
    denominator_description: str = ""
    denominator_sex: str = TOTAL
    decimals: int = 0
    display_mult: int = 0
    sdg: str | None = None
    higher_is_better: bool | None = None
    sort_order: int = 100


@dataclass(frozen=True)
class SdgSpec:
    code: str
    title: str
    target: str
    series_codes: str
    unit_measure: str
    custodian: str
    method: str = ""
    threshold: float | None = None
    threshold_text: str = ""
    breakdowns: dict[str, str] = field(default_factory=dict)


SOURCES = [
    SourceSpec(
        "undesa-ims",
        "International Migrant Stock",
        "UN DESA Population Division",
        "https://www.un.org/development/desa/pd/content/international-migrant-stock",
        "CC BY 3.0 IGO",
        "United Nations, Department of Economic and Social Affairs, Population Division. "
        "International Migrant Stock.",
    ),
    SourceSpec(
        "undesa-wpp",
        "World Population Prospects",
        "UN DESA Population Division",
        "https://population.un.org/wpp/",
        "CC BY 3.0 IGO",
        "United Nations, Department of Economic and Social Affairs, Population Division. "
        "World Population Prospects.",
    ),
    SourceSpec(
        "unhcr",
        "Refugee Data Finder",
        "UNHCR",
        "https://www.unhcr.org/refugee-statistics/",
        "UNHCR terms of use (cite UNHCR)",
        "UNHCR Refugee Data Finder.",
    ),
    SourceSpec(
        "worldbank-remittances",
        "Migration and Remittances Data",
        "World Bank / KNOMAD",
        "https://www.knomad.org/data/remittances",
        "CC BY 4.0",
        "World Bank, Migration and Remittances Data.",
    ),
    SourceSpec(
        "worldbank-wdi",
        "World Development Indicators",
        "World Bank",
        "https://databank.worldbank.org/source/world-development-indicators",
        "CC BY 4.0",
        "World Bank, World Development Indicators.",
    ),
    SourceSpec(
        "worldbank-bilateral-migration",
        "Bilateral Migration Matrix",
        "World Bank / KNOMAD",
        "https://www.knomad.org/data/migration/emigration",
        "CC BY 4.0",
        "World Bank, Bilateral Migration Matrix.",
    ),
    SourceSpec(
        "worldbank-rpw",
        "Remittance Prices Worldwide",
        "World Bank",
        "https://remittanceprices.worldbank.org/",
        "CC BY 4.0",
        "The World Bank, Remittance Prices Worldwide.",
    ),
    SourceSpec(
        "national-statistics",
        "National statistical offices (compiled)",
        "National statistical offices",
        "",
        gettext_noop("As published by each office"),  # shown translated: it is words, not a licence name
        "National statistical offices, as compiled.",
    ),
]

SERIES = [
    SeriesSpec(
        "migrant-stock",
        gettext_noop("International migrant stock"),
        "persons",
        gettext_noop(
            "People living in a country other than their country of birth (or citizenship where birthplace "
            "data are lacking), at mid-year."
        ),
        counterpart_role=gettext_noop("country of origin"),
    ),
    SeriesSpec(
        "emigrant-stock",
        gettext_noop("Emigrant stock"),
        "persons",
        gettext_noop("People born in the country and living abroad, as published."),
    ),
    SeriesSpec(
        "population",
        gettext_noop("Total population"),
        "persons",
        gettext_noop("Total population at mid-year."),
    ),
    SeriesSpec(
        "refugee-stock",
        gettext_noop("Refugees and asylum-seekers (UN DESA estimate)"),
        "persons",
        gettext_noop("Refugees and asylum-seekers included in the migrant stock, as estimated by UN DESA."),
    ),
    SeriesSpec(
        "refugees",
        gettext_noop("Refugees under UNHCR's mandate"),
        "persons",
        gettext_noop("Refugees at end of year by country of asylum and of origin."),
        counterpart_role=gettext_noop("country of origin"),
    ),
    SeriesSpec(
        "asylum-seekers",
        gettext_noop("Asylum-seekers"),
        "persons",
        gettext_noop("Asylum-seekers at end of year by country of asylum and of origin."),
        counterpart_role=gettext_noop("country of origin"),
    ),
    SeriesSpec(
        "net-migration",
        gettext_noop("Net number of migrants"),
        "persons",
        gettext_noop("Immigrants less emigrants during the year."),
    ),
    SeriesSpec(
        "remittance-inflows",
        gettext_noop("Remittance inflows"),
        "usd",
        gettext_noop(
            "Personal remittances received (BPM6: personal transfers and compensation of employees; the "
            "2013 release used BPM5 workers' remittances, compensation and migrants' transfers)."
        ),
    ),
    SeriesSpec(
        "remittance-outflows",
        gettext_noop("Remittance outflows"),
        "usd",
        gettext_noop("Personal remittances paid."),
    ),
    SeriesSpec(
        "remittance-inflows-gdp-ratio",
        gettext_noop("Remittance inflows relative to GDP"),
        "ratio",
        gettext_noop("Remittance inflows divided by gross domestic product, as published."),
        additive=False,
    ),
    SeriesSpec(
        "gdp", gettext_noop("Gross domestic product"), "usd", gettext_noop("GDP at current US dollars.")
    ),
    SeriesSpec(
        "remittance-cost",
        gettext_noop("Average total cost of sending USD 200"),
        "percent",
        gettext_noop(
            "Average total cost (fee and exchange-rate margin) of sending the equivalent of USD "
            "200, per cent "
            "of the amount sent, by corridor."
        ),
        additive=False,
        counterpart_role=gettext_noop("sending country"),
    ),
]

EDITIONS = [
    EditionSpec(
        "undesa-ims",
        "undesa-ims-2024",
        "International Migrant Stock 2024",
        date(2025, 1, 15),
        notes="Only published headline figures are held until the full workbook is loaded.",
    ),
]

INDICATORS = [
    IndicatorSpec(
        "international-migrant-stock",
        gettext_noop("International migrant stock"),
        gettext_noop("Immigrants"),
        gettext_noop(
            "Number of international migrants (foreign-born, or foreign citizens where birthplace "
            "is unknown) "
            "living in the country at mid-year."
        ),
        "migrant-stocks",
        "migrant-stock",
        gettext_noop("International migrant stock, both sexes"),
        gettext_noop("persons"),
        sort_order=10,
    ),
    IndicatorSpec(
        "migrant-share-of-population",
        gettext_noop("International migrants as a share of the population"),
        gettext_noop("Share of population"),
        gettext_noop("International migrant stock divided by the total population, in per cent."),
        "migrant-stocks",
        "migrant-stock",
        gettext_noop("International migrant stock"),
        gettext_noop("% of population"),
        factor=100,
        denominator_series="population",
        denominator_description=gettext_noop("Total population"),
        decimals=2,
        sort_order=20,
    ),
    IndicatorSpec(
        "female-share-of-migrants",
        gettext_noop("Women among international migrants"),
        gettext_noop("Share of women"),
        gettext_noop("Female international migrants divided by all international migrants, in per cent."),
        "migrant-stocks",
        "migrant-stock",
        gettext_noop("Female international migrant stock"),
        gettext_noop("% of migrants"),
        factor=100,
        numerator_sex="F",
        denominator_series="migrant-stock",
        denominator_description=gettext_noop("International migrant stock, both sexes"),
        decimals=2,
        sort_order=30,
    ),
    IndicatorSpec(
        "emigrants",
        gettext_noop("Emigrants (international migrants born in the country)"),
        gettext_noop("Emigrants"),
        gettext_noop(
            "International migrants from the country, summed over all countries of destination in the "
            "origin–destination matrix."
        ),
        "migrant-stocks",
        "migrant-stock",
        gettext_noop("Migrant stock with this country as origin, all destinations"),
        gettext_noop("persons"),
        numerator_area_role="counterpart",
        numerator_counterpart=ALL_PARTNERS,
        sort_order=40,
    ),
    IndicatorSpec(
        "refugees-hosted",
        gettext_noop("Refugees hosted"),
        gettext_noop("Refugees hosted"),
        gettext_noop(
            "Refugees under UNHCR's mandate living in the country at the end of the year, all origins."
        ),
        "forced-migration",
        "refugees",
        gettext_noop("Refugees by country of asylum, all origins"),
        gettext_noop("persons"),
        numerator_counterpart=ALL_PARTNERS,
        sort_order=50,
    ),
    IndicatorSpec(
        "refugees-by-origin-per-100000",
        gettext_noop("Refugees from the country per 100,000 population"),
        gettext_noop("Refugees per 100,000 (10.7.4)"),
        gettext_noop(
            "Refugees originating from the country, in all countries of asylum, per 100,000 people "
            "of the country "
            "of origin (SDG 10.7.4)."
        ),
        "forced-migration",
        "refugees",
        gettext_noop("Refugees by country of origin, all countries of asylum"),
        gettext_noop("per 100,000 population"),
        factor=100000,
        numerator_area_role="counterpart",
        numerator_counterpart=ALL_PARTNERS,
        denominator_series="population",
        denominator_description=gettext_noop("Population of the country of origin"),
        decimals=1,
        sdg="10.7.4",
        higher_is_better=False,
        sort_order=60,
    ),
    IndicatorSpec(
        "refugee-share-of-migrants",
        gettext_noop("Refugees and asylum-seekers as a share of migrants"),
        gettext_noop("Refugee share"),
        gettext_noop(
            "UN DESA's estimate of refugees and asylum-seekers divided by the international migrant stock."
        ),
        "forced-migration",
        "refugee-stock",
        gettext_noop("Refugees and asylum-seekers (UN DESA)"),
        gettext_noop("% of migrants"),
        factor=100,
        denominator_series="migrant-stock",
        denominator_description=gettext_noop("International migrant stock"),
        decimals=1,
        sort_order=65,
    ),
    IndicatorSpec(
        "net-migration",
        gettext_noop("Net migration"),
        gettext_noop("Net migration"),
        gettext_noop("Number of immigrants less the number of emigrants over the year."),
        "migration-flows",
        "net-migration",
        gettext_noop("Net number of migrants"),
        gettext_noop("persons"),
        sort_order=70,
    ),
    IndicatorSpec(
        "net-migration-rate",
        gettext_noop("Net migration rate"),
        gettext_noop("Net migration rate"),
        gettext_noop("Net number of migrants per 1,000 population."),
        "migration-flows",
        "net-migration",
        gettext_noop("Net number of migrants"),
        gettext_noop("per 1,000 population"),
        factor=1000,
        denominator_series="population",
        denominator_description=gettext_noop("Total population"),
        decimals=1,
        sort_order=75,
    ),
    IndicatorSpec(
        "remittance-inflows",
        gettext_noop("Remittance inflows"),
        gettext_noop("Remittances received"),
        gettext_noop("Migrant remittances received by the country, current US dollars."),
        "remittances",
        "remittance-inflows",
        gettext_noop("Remittance inflows"),
        gettext_noop("US$ million"),
        display_mult=6,
        decimals=1,
        sort_order=80,
    ),
    IndicatorSpec(
        "remittance-outflows",
        gettext_noop("Remittance outflows"),
        gettext_noop("Remittances sent"),
        gettext_noop("Personal remittances paid by residents of the country, current US dollars."),
        "remittances",
        "remittance-outflows",
        gettext_noop("Remittance outflows"),
        gettext_noop("US$ million"),
        display_mult=6,
        decimals=1,
        sort_order=85,
    ),
    IndicatorSpec(
        "remittance-inflows-gdp",
        gettext_noop("Remittance inflows as a share of GDP"),
        gettext_noop("Remittances % of GDP (17.3.2)"),
        gettext_noop(
            "Volume of remittances in US dollars as a proportion of total GDP (SDG 17.3.2), as published."
        ),
        "remittances",
        "remittance-inflows-gdp-ratio",
        gettext_noop("Remittance inflows relative to GDP"),
        gettext_noop("% of GDP"),
        factor=100,
        decimals=1,
        sdg="17.3.2",
        sort_order=90,
    ),
    IndicatorSpec(
        "remittance-cost-to-country",
        gettext_noop("Average cost of sending money to the country"),
        gettext_noop("Cost to send to"),
        gettext_noop(
            "Simple average over corridors into the country of the total cost of sending USD 200, "
            "in per cent "
            "(basis of SDG 10.c.1)."
        ),
        "remittances",
        "remittance-cost",
        gettext_noop("Corridor average total cost, all sending countries"),
        gettext_noop("%"),
        numerator_counterpart=ALL_PARTNERS,
        decimals=2,
        sdg="10.c.1",
        higher_is_better=False,
        sort_order=95,
    ),
    IndicatorSpec(
        "remittance-cost-from-country",
        gettext_noop("Average cost of sending money from the country"),
        gettext_noop("Cost to send from"),
        gettext_noop(
            "Simple average over corridors out of the country of the total cost of sending USD "
            "200, in per cent."
        ),
        "remittances",
        "remittance-cost",
        gettext_noop("Corridor average total cost, all receiving countries"),
        gettext_noop("%"),
        numerator_area_role="counterpart",
        numerator_counterpart=ALL_PARTNERS,
        decimals=2,
        sdg="10.c.1",
        higher_is_better=False,
        sort_order=96,
    ),
]

THEMES = {
    "migrant-stocks": gettext_noop("Migrant stocks"),
    "forced-migration": gettext_noop("Forced migration"),
    "migration-flows": gettext_noop("Migration flows"),
    "remittances": gettext_noop("Remittances"),
}

SDG_INDICATORS = [
    SdgSpec(
        "10.7.1",
        gettext_noop(
            "Recruitment cost borne by employee as a proportion of monthly income earned in "
            "country of destination"
        ),
        gettext_noop(
            "10.7 Facilitate orderly, safe, regular and responsible migration and mobility of "
            "people, including through "
            "the implementation of planned and well-managed migration policies."
        ),
        "SL_EMP_RCOST",
        "PT",
        "ILO, World Bank",
        gettext_noop(
            "Recruitment costs paid by workers divided by their monthly earnings in the first job abroad."
        ),
    ),
    SdgSpec(
        "10.7.2",
        gettext_noop(
            "Number of countries with migration policies that facilitate orderly, safe, regular "
            "and responsible "
            "migration and mobility of people"
        ),
        gettext_noop(
            "10.7 Facilitate orderly, safe, regular and responsible migration and mobility of "
            "people, including through "
            "the implementation of planned and well-managed migration policies."
        ),
        "SG_CPA_MIGR;SG_CPA_MIGRP;SG_CPA_MIGRS",
        "NUMBER;PT",
        "UN DESA Population Division, IOM",
        gettext_noop(
            "UN Inquiry among Governments on Population and Development: six policy domains of "
            "five sub-categories "
            "each; domain value = (sum of sub-category scores / 5) × 100, coded 1 requires further progress, "
            "2 partially meets, 3 meets, 4 fully meets."
        ),
        breakdowns={"COMPOSITE_BREAKDOWN": "PD_1;PD_2;PD_3;PD_4;PD_5;PD_6"},
    ),
    SdgSpec(
        "10.7.3",
        gettext_noop(
            "Number of people who died or disappeared in the process of migration towards an international "
            "destination"
        ),
        gettext_noop(
            "10.7 Facilitate orderly, safe, regular and responsible migration and mobility of "
            "people, including through "
            "the implementation of planned and well-managed migration policies."
        ),
        "SM_DTH_MIGR",
        "NUMBER",
        "IOM (Missing Migrants Project)",
    ),
    SdgSpec(
        "10.7.4",
        gettext_noop("Proportion of the population who are refugees, by country of origin"),
        gettext_noop(
            "10.7 Facilitate orderly, safe, regular and responsible migration and mobility of "
            "people, including through "
            "the implementation of planned and well-managed migration policies."
        ),
        "SM_POP_REFG_OR",
        "PER_100000_POP",
        "UNHCR",
        gettext_noop("Refugees by country of origin per 100,000 population of the country of origin."),
    ),
    SdgSpec(
        "10.c.1",
        gettext_noop("Remittance costs as a proportion of the amount remitted"),
        gettext_noop(
            "10.c By 2030, reduce to less than 3 per cent the transaction costs of migrant "
            "remittances and eliminate "
            "remittance corridors with costs higher than 5 per cent."
        ),
        "SI_RMT_COST;SI_RMT_COST_BC;SI_RMT_COST_SC",
        "PT",
        "World Bank",
        gettext_noop(
            "Remittance Prices Worldwide mystery shopping; corridor cost = simple average of the "
            "total cost (fee and "
            "exchange-rate margin) of sending the equivalent of USD 200; SmaRT = average of the "
            "three cheapest "
            "qualifying services."
        ),
        threshold=SDG_10C1_GLOBAL_TARGET,
        threshold_text=gettext_noop("Global average below 3 %; no corridor above 5 %."),
    ),
    SdgSpec(
        "17.3.2",
        gettext_noop("Volume of remittances (in United States dollars) as a proportion of total GDP"),
        gettext_noop(
            "17.3 Mobilize additional financial resources for developing countries from multiple sources."
        ),
        "BX_TRF_PWKR",
        "PT",
        "World Bank",
        gettext_noop(
            "Personal remittances received (personal transfers and compensation of employees, IMF "
            "BPM6) divided by GDP; "
            "regional and global values are GDP-weighted."
        ),
    ),
]
