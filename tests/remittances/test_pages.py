"""The public pages: the comparison a migrant uses, corridor, country and global pages."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from migdev.remittances import services
from tests.remittances.conftest import AddService

pytestmark = pytest.mark.django_db


@pytest.fixture
def corridor_prices(add_service: AddService) -> None:
    add_service("GBR", "IND", "Cheap Send", fee="2", rate="99")  # 198 × 99 = 19602
    add_service("GBR", "IND", "Zero Fee Co", fee="0", rate="95")  # 200 × 95 = 19000: "no fee", dearer
    add_service("GBR", "IND", "Big Bank", fee="12", rate="98.5", firm_type="bank", speed="3_5_days")  # 18518
    add_service("GBR", "IND", "Hidden Rate", fee="1", rate="97", transparent=False)  # 19303
    add_service("IND", "GBR", "Cheap Send", send_currency="INR", receive_currency="GBP")
    services.aggregates_recompute()


def offer_names(html: str) -> list[str]:
    return re.findall(r'<span class="rank" aria-hidden="true">\d+</span>\s*<h3>([^<]+?)\s*(?:<|</h3>)', html)


def test_landing_page_works_without_a_query(client: Client, corridor_prices: None) -> None:
    response = client.get("/en/remittances/")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<select name="sending"' in html
    assert '<option value="GBR">United Kingdom of Great Britain' in html
    assert "<script>" not in html and " style=" not in html


def test_comparison_ranks_by_amount_received_and_flags_the_no_fee_offer(
    client: Client, corridor_prices: None
) -> None:
    response = client.get("/en/remittances/", {"sending": "GBR", "receiving": "IND", "amount": "200"})
    assert response.status_code == 200
    html = response.content.decode()
    assert offer_names(html) == ["Cheap Send", "Hidden Rate", "Zero Fee Co", "Big Bank"]
    assert "19,602.00 INR" in html
    assert "“No fee” is not always cheaper." in html
    assert "No fee, but the exchange rate costs you about 10.00 GBP" in html
    assert "This provider does not show its exchange rate before you send." in html
    assert "Sending 200 GBP from United Kingdom of Great Britain and Northern Ireland to India" in html


def test_comparison_of_another_amount_is_marked_as_an_estimate(client: Client, corridor_prices: None) -> None:
    html = client.get(
        "/en/remittances/", {"sending": "GBR", "receiving": "IND", "amount": "350"}
    ).content.decode()
    assert "Estimated from the prices quoted for nearby amounts." in html


def test_comparison_without_prices_says_so_and_offers_other_corridors(
    client: Client, corridor_prices: None, add_service: AddService
) -> None:
    add_service("GBR", "NGA", "Cheap Send", receive_currency="NGN")
    html = client.get(
        "/en/remittances/", {"sending": "GBR", "receiving": "NGA", "amount": "100"}
    ).content.decode()
    assert "1 offer compared" in html
    # India is a known receiving country; a corridor nobody priced gets a clear message and alternatives.
    add_service("USA", "MEX", "Other", send_currency="USD", receive_currency="MXN")
    html = client.get(
        "/en/remittances/", {"sending": "GBR", "receiving": "MEX", "amount": "100"}
    ).content.decode()
    assert (
        "We have no prices for sending money from United Kingdom of Great Britain and Northern Ireland to Mexico."
        in html
    )
    assert "receiving=NGA" in html


@pytest.mark.parametrize(
    ("params", "message"),
    [
        (
            {"sending": "GBR", "receiving": "GBR", "amount": "100"},
            "Choose a country other than the one you send from.",
        ),
        (
            {"sending": "GBR", "receiving": "IND", "amount": "-5"},
            "Ensure this value is greater than or equal to 1.",
        ),
        ({"sending": "GBR", "receiving": "IND", "amount": "abc"}, "Enter a number."),
        ({"sending": "XXX", "receiving": "IND", "amount": "100"}, "Select a valid choice."),
    ],
)
def test_bad_comparison_input_is_explained_next_to_the_field(
    client: Client, corridor_prices: None, params: dict[str, str], message: str
) -> None:
    response = client.get("/en/remittances/", params)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert 'class="offers"' not in response.content.decode()


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("fr", ["Votre famille reçoit", "« Sans frais » n’est pas toujours moins cher.", "Comparer"]),
        ("es", ["Su familia recibe", "«Sin comisión» no siempre es más barato.", "Comparar"]),
    ],
)
def test_comparison_is_translated(
    client: Client, corridor_prices: None, language: str, expected: list[str]
) -> None:
    html = client.get(
        f"/{language}/remittances/", {"sending": "GBR", "receiving": "IND", "amount": "200"}
    ).content.decode()
    assert f'<html lang="{language}"' in html
    for text in expected:
        assert text in html


def test_corridor_page_shows_history_chart_and_table(
    client: Client, corridor_prices: None, add_service: AddService
) -> None:
    add_service("GBR", "IND", "Cheap Send", fee="4", rate="99", quarter="2023Q4")
    services.aggregates_recompute()
    response = client.get("/en/remittances/corridors/GBR-IND/")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<svg xmlns="http://www.w3.org/2000/svg" class="line-chart"' in html
    assert 'role="img"' in html
    assert '<th scope="row">2023Q4</th>' in html and '<th scope="row">2024Q1</th>' in html
    assert " style=" not in html
    assert client.get("/en/remittances/corridors/GBRIND/").status_code == 301
    assert client.get("/en/remittances/corridors/GBR-FRA/").status_code == 404
    assert client.get("/en/remittances/corridors/nonsense/").status_code == 404


def test_country_page_lists_corridors(client: Client, corridor_prices: None) -> None:
    response = client.get("/en/remittances/countries/IND/")
    assert response.status_code == 200
    assert "Corridors to India" in response.content.decode()
    assert client.get("/en/remittances/countries/FRA/").status_code == 404
    assert client.get("/en/remittances/countries/ZZZ/").status_code == 404


def test_dashboard_shows_global_figures_and_sdg_status(client: Client, corridor_prices: None) -> None:
    response = client.get("/en/remittances/dashboard/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "2024Q1" in html
    assert "Global average" in html
    assert "not met" in html  # the test corridor is far above 3 %
    assert client.get("/en/remittances/dashboard/", {"quarter": "1999Q1"}).status_code == 404
    assert client.get("/en/remittances/dashboard/", {"tier": "usd999"}).status_code == 404


def test_corridor_list(client: Client, corridor_prices: None) -> None:
    response = client.get("/en/remittances/corridors/", {"order": "average"})
    assert response.status_code == 200
    assert "/en/remittances/corridors/GBR-IND/" in response.content.decode()


def test_staff_pages_are_hidden_from_the_public(client: Client) -> None:
    assert client.get("/en/remittances/collect/").status_code == 302  # to the sign-in page
    assert client.get("/en/remittances/provider-tokens/").status_code == 302
