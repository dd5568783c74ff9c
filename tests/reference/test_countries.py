import pycountry
import pytest
from django.utils import translation

from migdev.reference import selectors
from migdev.reference.models import Country, CountryCurrency, Currency, Language

from .helpers import read_rows

pytestmark = pytest.mark.django_db


def test_every_country_in_the_file_is_loaded_once() -> None:
    rows = read_rows("countries.csv")
    assert len(rows) == 249  # the datasets/country-codes edition has 249 rows, all with ISO codes
    assert Country.objects.count() == len(rows)
    assert set(Country.objects.values_list("iso3", flat=True)) == {row["iso3"] for row in rows}


def test_codes_agree_with_pycountry() -> None:
    mismatches = []
    for country in Country.objects.all():
        known = pycountry.countries.get(alpha_3=country.iso3)
        if known is None or (known.alpha_2, known.numeric) != (country.iso2, country.iso_numeric):
            mismatches.append(country.iso3)
    assert mismatches == []


def test_numeric_and_m49_codes_are_three_digits() -> None:
    for iso_numeric, m49 in Country.objects.values_list("iso_numeric", "m49"):
        assert len(iso_numeric) == 3 and iso_numeric.isdigit()
        assert len(m49) == 3 and m49.isdigit()


@pytest.mark.parametrize("code", ["NG", "ng", "NGA", "nga", "566", " 566 ", "Nga"])
def test_country_by_any_code(code: str) -> None:
    assert selectors.country_by_code(code).iso3 == "NGA"


def test_country_by_short_numeric_code_is_zero_padded() -> None:
    assert selectors.country_by_code("4").iso3 == "AFG"


@pytest.mark.parametrize("code", ["XX", "ZZZ", "999", "", "NGAA", "N1"])
def test_unknown_codes_raise_does_not_exist(code: str) -> None:
    with pytest.raises(Country.DoesNotExist):
        selectors.country_by_code(code)


def test_names_follow_the_active_language() -> None:
    algeria = selectors.country_by_code("DZA")
    with translation.override("en"):
        assert algeria.name == "Algeria"
    with translation.override("fr"):
        assert algeria.name == "Algérie"
    with translation.override("es"):
        assert algeria.name == "Argelia"
    with translation.override("fr-ca"):
        assert algeria.name == "Algérie"
    with translation.override("de"):
        assert algeria.name == "Algeria"


def test_unterm_article_and_footnote_markers_are_not_part_of_names() -> None:
    assert selectors.country_by_code("NLD").name_en == "Netherlands"
    assert selectors.country_by_code("NLD").name_fr == "Pays-Bas"
    assert selectors.country_by_code("COK").name_es == "Islas Cook"
    assert selectors.country_by_code("PSE").name_en == "State of Palestine"


def test_names_fall_back_where_unterm_has_none() -> None:
    turkiye = selectors.country_by_code("TUR")
    assert (turkiye.name_en, turkiye.name_fr, turkiye.name_es) == ("Türkiye", "Türkiye", "Türkiye")
    assert selectors.country_by_code("HKG").name_fr == "Chine, région administrative spéciale de Hong Kong"
    assert selectors.country_by_code("CIV").name_en == "Côte d’Ivoire"


def test_every_country_has_names_in_three_languages() -> None:
    assert not Country.objects.filter(name_en="").exists()
    assert not Country.objects.filter(name_fr="").exists()
    assert not Country.objects.filter(name_es="").exists()


def test_countries_are_ordered_by_the_active_language() -> None:
    with translation.override("fr"):
        assert selectors.countries().query.order_by == ("name_fr", "iso3")
    with translation.override("es"):
        assert selectors.countries().query.order_by == ("name_es", "iso3")
    assert selectors.countries().count() == 249


def test_flags_match_the_file() -> None:
    rows = read_rows("countries.csv")
    assert Country.objects.filter(is_ldc=True).count() == sum(row["is_ldc"] == "1" for row in rows)
    assert Country.objects.filter(is_lldc=True).count() == sum(row["is_lldc"] == "1" for row in rows)
    assert Country.objects.filter(is_sids=True).count() == sum(row["is_sids"] == "1" for row in rows)
    afghanistan = selectors.country_by_code("AFG")
    assert afghanistan.is_ldc and afghanistan.is_lldc and not afghanistan.is_sids
    assert selectors.country_by_code("FJI").is_sids


def test_country_currencies() -> None:
    def codes(iso3: str) -> set[str]:
        return set(selectors.country_by_code(iso3).currencies.values_list("code", flat=True))

    assert codes("DZA") == {"DZD"}
    assert codes("BTN") == {"BTN", "INR"}
    assert codes("ATA") == set()
    assert codes("TUR") == {"TRY"}
    supplement = CountryCurrency.objects.get(country__iso3="TUR")
    assert supplement.source.startswith("migdev supplement")
    assert CountryCurrency.objects.count() == len(read_rows("country_currencies.csv"))


def test_currencies_are_iso_4217() -> None:
    assert Currency.objects.count() == len(read_rows("currencies.csv"))
    euro = selectors.currency_by_code("eur")
    assert (euro.numeric, euro.name, euro.minor_unit) == ("978", "Euro", 2)
    assert selectors.currency_by_code("JPY").minor_unit == 0
    for currency in Currency.objects.all():
        assert pycountry.currencies.get(alpha_3=currency.code) is not None


def test_languages() -> None:
    assert Language.objects.count() == len(read_rows("languages.csv"))
    assert selectors.language_by_code("fr").name == "French"
    assert selectors.language_by_code("fra").alpha_2 == "fr"
    assert selectors.language_by_code("fre").alpha_3 == "fra"
    assert selectors.language_by_code("prs").name == "Dari"


@pytest.mark.parametrize(
    "model",
    [
        "Country",
        "M49Area",
        "Currency",
        "Language",
        "CountryCurrency",
        "WorldBankGroup",
        "WorldBankEconomy",
        "WorldBankGroupMember",
        "WorldBankIncomeClassification",
    ],
)
def test_every_row_keeps_source_and_edition(model: str) -> None:
    from django.apps import apps

    rows = apps.get_model("reference", model).objects
    assert rows.exists()
    assert not rows.filter(source="").exists()
    assert not rows.filter(edition="").exists()


def test_country_provenance() -> None:
    country = selectors.country_by_code("FRA")
    assert (country.source, country.edition) == ("datasets/country-codes", "2026-05-15")
