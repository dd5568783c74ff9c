"""Country lists in the page's language and order; names, not codes, on case pages."""

import pytest
from django.test import Client
from django.utils import translation

from migdev.reference.collation import collation_key
from migdev.trafficking.forms import country_choices
from tests.trafficking.factories import login_verified, make_case, make_group, make_organisation, make_user

pytestmark = pytest.mark.django_db


def names(language: str) -> list[str]:
    with translation.override(language):
        return [label.rsplit(" (", 1)[0] for code, label in country_choices(blank=False)]


def test_french_list_follows_french_alphabetical_order() -> None:
    listed = names("fr")
    assert listed.index("Côte d’Ivoire") < listed.index("Croatie") < listed.index("Cuba")
    assert (
        listed.index("Égypte")
        < listed.index("El Salvador")
        < listed.index("Équateur")
        < listed.index("Érythrée")
    )
    assert listed.index("Îles d’Åland") < listed.index("Inde")


def test_english_list_puts_aland_among_the_a() -> None:
    listed = names("en")
    assert listed.index("Afghanistan") < listed.index("Åland Islands") < listed.index("Albania")
    assert listed.index("Côte d’Ivoire") < listed.index("Czechia")


def test_spanish_sorts_enye_as_its_own_letter() -> None:
    words = ["ñu", "nz", "o", "na"]
    assert sorted(words, key=lambda w: collation_key(w, "es")) == ["na", "nz", "ñu", "o"]
    assert sorted(words, key=lambda w: collation_key(w, "fr")) == ["na", "ñu", "nz", "o"]


def test_case_page_names_the_countries() -> None:
    organisation = make_organisation()
    worker = make_user("case_worker", organisation=organisation, groups=(make_group(organisation),))
    case = make_case(worker, citizenship=["NG", "ES"], exploitation_country="CI")
    client = login_verified(Client(), worker)
    english = client.get(f"/en/trafficking/cases/{case.pk}/").content.decode()
    assert "Nigeria, Spain" in english and "NG, ES" not in english
    assert "Côte d’Ivoire" in english
    french = client.get(f"/fr/trafficking/cases/{case.pk}/").content.decode()
    assert "Espagne, Nigéria" in french
