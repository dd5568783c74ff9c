"""RPW's free-text service attributes (pick-up method, payment instrument, access point, old products):
pages show the recurring wording in the reader's language; other values, exports and the API keep the
published text."""

from __future__ import annotations

import pytest
from django.test import Client
from django.utils import translation

from migdev.remittances import selectors, services
from migdev.remittances.vocabulary import service_label
from tests.remittances.conftest import AddService

pytestmark = pytest.mark.django_db

COMPARE = {"sending": "GBR", "receiving": "IND", "amount": "200"}


@pytest.fixture
def labelled_prices(add_service: AddService) -> None:
    add_service("GBR", "IND", "Harbour Bank", fee="5", rate="99", pickup_method="Bank Account")
    add_service("GBR", "IND", "Street Cash", fee="3", rate="99", product="Cash to cash", pickup_method="CASH")
    add_service("GBR", "IND", "Pharma Pay", fee="4", rate="99", pickup_method="Partner pharmacy counter")
    services.aggregates_recompute()


def _facts(html: str) -> str:
    return html[html.index('<ol class="offers">') :]


def test_french_comparison_translates_the_pick_up_method(client: Client, labelled_prices: None) -> None:
    html = _facts(client.get("/fr/remittances/", COMPARE).content.decode())
    assert "<dd>Compte bancaire</dd>" in html
    assert "<dd>Espèces</dd>" in html
    assert '<span class="product">D’espèces à espèces</span>' in html
    assert "Bank Account" not in html and "Cash to cash" not in html


def test_spanish_comparison_translates_the_pick_up_method(client: Client, labelled_prices: None) -> None:
    html = _facts(client.get("/es/remittances/", COMPARE).content.decode())
    assert "<dd>Cuenta bancaria</dd>" in html
    assert "<dd>Efectivo</dd>" in html


@pytest.mark.parametrize("language", ["en", "fr", "es"])
def test_an_unknown_value_is_shown_as_published(client: Client, labelled_prices: None, language: str) -> None:
    html = _facts(client.get(f"/{language}/remittances/", COMPARE).content.decode())
    assert "<dd>Partner pharmacy counter</dd>" in html


def test_english_pages_use_the_common_spelling(client: Client, labelled_prices: None) -> None:
    html = _facts(client.get("/en/remittances/", COMPARE).content.decode())
    assert "<dd>Bank account</dd>" in html and "<dd>Cash</dd>" in html


def test_exports_keep_the_published_text(labelled_prices: None) -> None:
    with translation.override("fr"):
        rows = list(selectors.quote_rows())
    assert {row["pickup_method"] for row in rows} == {"Bank Account", "CASH", "Partner pharmacy counter"}


def test_labels_fold_case_spacing_and_slashes() -> None:
    with translation.override("fr"):
        assert service_label("  Agent / Branch ") == "Agent ou agence"
        assert service_label("MOBILE WALLET") == "Portefeuille mobile"
        assert service_label("Cash pick - up") == "Retrait en espèces"
        assert service_label("Bring  your   own courier") == "Bring your own courier"
        assert service_label("") == ""
    with translation.override("es"):
        assert service_label("Account to cash") == "De cuenta a efectivo"
