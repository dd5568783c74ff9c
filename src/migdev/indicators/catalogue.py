"""The built-in catalogue: sources, series, known editions, computed indicators and SDG indicators.

Installed by a data migration and re-applied (idempotently) by ``catalogue_install``; the numbers
themselves only ever come from loaded files.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.utils.translation import gettext_noop as N_

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
        "As published by each office",
        "National statistical offices, as compiled.",
    ),
]

SERIES = [
    SeriesSpec(
        "migrant-stock",
        N_("International migrant stock"),
        "persons",
        N_(
            "People living in a country other than their country of birth (or citizenship where birthplace "
            "data are lacking), at mid-year."
        ),
        counterpart_role=N_("country of origin"),
    ),
    SeriesSpec(
        "emigrant-stock",
        N_("Emigrant stock"),
        "persons",
        N_("People born in the country and living abroad, as published."),
    ),
    SeriesSpec("population", N_("Total population"), "persons", N_("Total population at mid-year.")),
    SeriesSpec(
        "refugee-stock",
        N_("Refugees and asylum-seekers (UN DESA estimate)"),
        "persons",
        N_("Refugees and asylum-seekers included in the migrant stock, as estimated by UN DESA."),
    ),
    SeriesSpec(
        "refugees",
        N_("Refugees under UNHCR's mandate"),
        "persons",
        N_("Refugees at end of year by country of asylum and of origin."),
        counterpart_role=N_("country of origin"),
    ),
    SeriesSpec(
        "asylum-seekers",
        N_("Asylum-seekers"),
        "persons",
        N_("Asylum-seekers at end of year by country of asylum and of origin."),
        counterpart_role=N_("country of origin"),
    ),
    SeriesSpec(
        "net-migration",
        N_("Net number of migrants"),
        "persons",
        N_("Immigrants less emigrants during the year."),
    ),
    SeriesSpec(
        "remittance-inflows",
        N_("Remittance inflows"),
        "usd",
        N_(
            "Personal remittances received (BPM6: personal transfers and compensation of employees; the "
            "2013 release used BPM5 workers' remittances, compensation and migrants' transfers)."
        ),
    ),
    SeriesSpec("remittance-outflows", N_("Remittance outflows"), "usd", N_("Personal remittances paid.")),
    SeriesSpec(
        "remittance-inflows-gdp-ratio",
        N_("Remittance inflows relative to GDP"),
        "ratio",
        N_("Remittance inflows divided by gross domestic product, as published."),
        additive=False,
    ),
    SeriesSpec("gdp", N_("Gross domestic product"), "usd", N_("GDP at current US dollars.")),
    SeriesSpec(
        "remittance-cost",
        N_("Average total cost of sending USD 200"),
        "percent",
        N_(
            "Average total cost (fee and exchange-rate margin) of sending the equivalent of USD "
            "200, per cent "
            "of the amount sent, by corridor."
        ),
        additive=False,
        counterpart_role=N_("sending country"),
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
        N_("International migrant stock"),
        N_("Immigrants"),
        N_(
            "Number of international migrants (foreign-born, or foreign citizens where birthplace "
            "is unknown) "
            "living in the country at mid-year."
        ),
        "migrant-stocks",
        "migrant-stock",
        N_("International migrant stock, both sexes"),
        N_("persons"),
        sort_order=10,
    ),
    IndicatorSpec(
        "migrant-share-of-population",
        N_("International migrants as a share of the population"),
        N_("Share of population"),
        N_("International migrant stock divided by the total population, in per cent."),
        "migrant-stocks",
        "migrant-stock",
        N_("International migrant stock"),
        N_("% of population"),
        factor=100,
        denominator_series="population",
        denominator_description=N_("Total population"),
        decimals=2,
        sort_order=20,
    ),
    IndicatorSpec(
        "female-share-of-migrants",
        N_("Women among international migrants"),
        N_("Share of women"),
        N_("Female international migrants divided by all international migrants, in per cent."),
        "migrant-stocks",
        "migrant-stock",
        N_("Female international migrant stock"),
        N_("% of migrants"),
        factor=100,
        numerator_sex="F",
        denominator_series="migrant-stock",
        denominator_description=N_("International migrant stock, both sexes"),
        decimals=2,
        sort_order=30,
    ),
    IndicatorSpec(
        "emigrants",
        N_("Emigrants (international migrants born in the country)"),
        N_("Emigrants"),
        N_(
            "International migrants from the country, summed over all countries of destination in the "
            "origin–destination matrix."
        ),
        "migrant-stocks",
        "migrant-stock",
        N_("Migrant stock with this country as origin, all destinations"),
        N_("persons"),
        numerator_area_role="counterpart",
        numerator_counterpart=ALL_PARTNERS,
        sort_order=40,
    ),
    IndicatorSpec(
        "refugees-hosted",
        N_("Refugees hosted"),
        N_("Refugees hosted"),
        N_("Refugees under UNHCR's mandate living in the country at the end of the year, all origins."),
        "forced-migration",
        "refugees",
        N_("Refugees by country of asylum, all origins"),
        N_("persons"),
        numerator_counterpart=ALL_PARTNERS,
        sort_order=50,
    ),
    IndicatorSpec(
        "refugees-by-origin-per-100000",
        N_("Refugees from the country per 100,000 population"),
        N_("Refugees per 100,000 (10.7.4)"),
        N_(
            "Refugees originating from the country, in all countries of asylum, per 100,000 people "
            "of the country "
            "of origin (SDG 10.7.4)."
        ),
        "forced-migration",
        "refugees",
        N_("Refugees by country of origin, all countries of asylum"),
        N_("per 100,000 population"),
        factor=100000,
        numerator_area_role="counterpart",
        numerator_counterpart=ALL_PARTNERS,
        denominator_series="population",
        denominator_description=N_("Population of the country of origin"),
        decimals=1,
        sdg="10.7.4",
        higher_is_better=False,
        sort_order=60,
    ),
    IndicatorSpec(
        "refugee-share-of-migrants",
        N_("Refugees and asylum-seekers as a share of migrants"),
        N_("Refugee share"),
        N_("UN DESA's estimate of refugees and asylum-seekers divided by the international migrant stock."),
        "forced-migration",
        "refugee-stock",
        N_("Refugees and asylum-seekers (UN DESA)"),
        N_("% of migrants"),
        factor=100,
        denominator_series="migrant-stock",
        denominator_description=N_("International migrant stock"),
        decimals=1,
        sort_order=65,
    ),
    IndicatorSpec(
        "net-migration",
        N_("Net migration"),
        N_("Net migration"),
        N_("Number of immigrants less the number of emigrants over the year."),
        "migration-flows",
        "net-migration",
        N_("Net number of migrants"),
        N_("persons"),
        sort_order=70,
    ),
    IndicatorSpec(
        "net-migration-rate",
        N_("Net migration rate"),
        N_("Net migration rate"),
        N_("Net number of migrants per 1,000 population."),
        "migration-flows",
        "net-migration",
        N_("Net number of migrants"),
        N_("per 1,000 population"),
        factor=1000,
        denominator_series="population",
        denominator_description=N_("Total population"),
        decimals=1,
        sort_order=75,
    ),
    IndicatorSpec(
        "remittance-inflows",
        N_("Remittance inflows"),
        N_("Remittances received"),
        N_("Migrant remittances received by the country, current US dollars."),
        "remittances",
        "remittance-inflows",
        N_("Remittance inflows"),
        N_("US$ million"),
        display_mult=6,
        decimals=1,
        sort_order=80,
    ),
    IndicatorSpec(
        "remittance-outflows",
        N_("Remittance outflows"),
        N_("Remittances sent"),
        N_("Personal remittances paid by residents of the country, current US dollars."),
        "remittances",
        "remittance-outflows",
        N_("Remittance outflows"),
        N_("US$ million"),
        display_mult=6,
        decimals=1,
        sort_order=85,
    ),
    IndicatorSpec(
        "remittance-inflows-gdp",
        N_("Remittance inflows as a share of GDP"),
        N_("Remittances % of GDP (17.3.2)"),
        N_("Volume of remittances in US dollars as a proportion of total GDP (SDG 17.3.2), as published."),
        "remittances",
        "remittance-inflows-gdp-ratio",
        N_("Remittance inflows relative to GDP"),
        N_("% of GDP"),
        factor=100,
        decimals=1,
        sdg="17.3.2",
        sort_order=90,
    ),
    IndicatorSpec(
        "remittance-cost-to-country",
        N_("Average cost of sending money to the country"),
        N_("Cost to send to"),
        N_(
            "Simple average over corridors into the country of the total cost of sending USD 200, "
            "in per cent "
            "(basis of SDG 10.c.1)."
        ),
        "remittances",
        "remittance-cost",
        N_("Corridor average total cost, all sending countries"),
        N_("%"),
        numerator_counterpart=ALL_PARTNERS,
        decimals=2,
        sdg="10.c.1",
        higher_is_better=False,
        sort_order=95,
    ),
    IndicatorSpec(
        "remittance-cost-from-country",
        N_("Average cost of sending money from the country"),
        N_("Cost to send from"),
        N_(
            "Simple average over corridors out of the country of the total cost of sending USD "
            "200, in per cent."
        ),
        "remittances",
        "remittance-cost",
        N_("Corridor average total cost, all receiving countries"),
        N_("%"),
        numerator_area_role="counterpart",
        numerator_counterpart=ALL_PARTNERS,
        decimals=2,
        sdg="10.c.1",
        higher_is_better=False,
        sort_order=96,
    ),
]

THEMES = {
    "migrant-stocks": N_("Migrant stocks"),
    "forced-migration": N_("Forced migration"),
    "migration-flows": N_("Migration flows"),
    "remittances": N_("Remittances"),
}

SDG_INDICATORS = [
    SdgSpec(
        "10.7.1",
        N_(
            "Recruitment cost borne by employee as a proportion of monthly income earned in "
            "country of destination"
        ),
        N_(
            "10.7 Facilitate orderly, safe, regular and responsible migration and mobility of "
            "people, including through "
            "the implementation of planned and well-managed migration policies."
        ),
        "SL_EMP_RCOST",
        "PT",
        "ILO, World Bank",
        N_("Recruitment costs paid by workers divided by their monthly earnings in the first job abroad."),
    ),
    SdgSpec(
        "10.7.2",
        N_(
            "Number of countries with migration policies that facilitate orderly, safe, regular "
            "and responsible "
            "migration and mobility of people"
        ),
        N_(
            "10.7 Facilitate orderly, safe, regular and responsible migration and mobility of "
            "people, including through "
            "the implementation of planned and well-managed migration policies."
        ),
        "SG_CPA_MIGR;SG_CPA_MIGRP;SG_CPA_MIGRS",
        "NUMBER;PT",
        "UN DESA Population Division, IOM",
        N_(
            "UN Inquiry among Governments on Population and Development: six policy domains of "
            "five sub-categories "
            "each; domain value = (sum of sub-category scores / 5) × 100, coded 1 requires further progress, "
            "2 partially meets, 3 meets, 4 fully meets."
        ),
        breakdowns={"COMPOSITE_BREAKDOWN": "PD_1;PD_2;PD_3;PD_4;PD_5;PD_6"},
    ),
    SdgSpec(
        "10.7.3",
        N_(
            "Number of people who died or disappeared in the process of migration towards an international "
            "destination"
        ),
        N_(
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
        N_("Proportion of the population who are refugees, by country of origin"),
        N_(
            "10.7 Facilitate orderly, safe, regular and responsible migration and mobility of "
            "people, including through "
            "the implementation of planned and well-managed migration policies."
        ),
        "SM_POP_REFG_OR",
        "PER_100000_POP",
        "UNHCR",
        N_("Refugees by country of origin per 100,000 population of the country of origin."),
    ),
    SdgSpec(
        "10.c.1",
        N_("Remittance costs as a proportion of the amount remitted"),
        N_(
            "10.c By 2030, reduce to less than 3 per cent the transaction costs of migrant "
            "remittances and eliminate "
            "remittance corridors with costs higher than 5 per cent."
        ),
        "SI_RMT_COST;SI_RMT_COST_BC;SI_RMT_COST_SC",
        "PT",
        "World Bank",
        N_(
            "Remittance Prices Worldwide mystery shopping; corridor cost = simple average of the "
            "total cost (fee and "
            "exchange-rate margin) of sending the equivalent of USD 200; SmaRT = average of the "
            "three cheapest "
            "qualifying services."
        ),
        threshold=SDG_10C1_GLOBAL_TARGET,
        threshold_text=N_("Global average below 3 %; no corridor above 5 %."),
    ),
    SdgSpec(
        "17.3.2",
        N_("Volume of remittances (in United States dollars) as a proportion of total GDP"),
        N_("17.3 Mobilize additional financial resources for developing countries from multiple sources."),
        "BX_TRF_PWKR",
        "PT",
        "World Bank",
        N_(
            "Personal remittances received (personal transfers and compensation of employees, IMF "
            "BPM6) divided by GDP; "
            "regional and global values are GDP-weighted."
        ),
    ),
]
