"""The comparison page reads precomputed corridor rows: they must say what the live data says, stay current
when prices change, drop a provider's quote once it expires, and print numbers as the template filters did."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.template.defaultfilters import floatformat
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation
from hypothesis import given, settings
from hypothesis import strategies as st

from migdev.remittances import selectors, services
from migdev.remittances.models import ComparisonSnapshot, Corridor, Service
from migdev.remittances.presentation import NumberStyle
from migdev.remittances.vocabulary import Origin
from tests.remittances.conftest import AddService


@pytest.fixture
def two_offers(add_service: AddService) -> Corridor:
    add_service("GBR", "IND", "Cheap Send", fee="2", rate="99")
    add_service("GBR", "IND", "Big Bank", fee="12", rate="98.5")
    return Corridor.objects.get(sending_country_id="GBR", receiving_country_id="IND")


def test_snapshot_gives_what_the_live_data_gives(two_offers: Corridor) -> None:
    assert ComparisonSnapshot.objects.filter(key="GBRIND").exists()
    page = selectors.comparison_page("GBR", "IND")
    live, quarter = selectors.comparison_offers(two_offers)
    assert page.comparison is not None
    assert page.comparison.offers == live
    assert page.comparison.survey_quarter == quarter
    assert [s.edition for s in page.comparison.sources] == [
        s.edition for s in selectors.corridor_sources(two_offers)
    ]
    assert page.pairs == [("GBR", "IND")]


def test_page_is_one_query_and_follows_a_new_price(
    client: Client, two_offers: Corridor, add_service: AddService
) -> None:
    client.get("/en/remittances/?sending=GBR&receiving=IND&amount=200")  # names and catalogues cached
    with CaptureQueriesContext(connection) as queries:
        html = client.get("/en/remittances/?sending=GBR&receiving=IND&amount=200").content.decode()
    assert len(queries.captured_queries) == 1
    assert "Cheap Send" in html and "New Rival" not in html
    add_service("GBR", "IND", "New Rival", fee="0", rate="99.5")
    html = client.get("/en/remittances/?sending=GBR&receiving=IND&amount=200").content.decode()
    assert "New Rival" in html


def test_expired_provider_quote_gives_way_to_the_survey_price(
    two_offers: Corridor, add_service: AddService
) -> None:
    survey = Service.objects.get(provider__name="Cheap Send")
    quote = add_service(
        "GBR", "IND", "Cheap Send", fee="0", rate="99.9", origin=Origin.PROVIDER_API, quarter="2024Q2"
    )
    Service.objects.filter(pk=quote.pk).update(expires_at=timezone.now() + datetime.timedelta(hours=1))
    services.comparison_snapshots_refresh([two_offers])
    now = timezone.now()
    shown = {offer.key for offer in selectors.comparison_page("GBR", "IND", now=now).comparison.offers}  # type: ignore[union-attr]
    assert str(quote.pk) in shown and str(survey.pk) not in shown
    later = now + datetime.timedelta(hours=2)
    shown = {offer.key for offer in selectors.comparison_page("GBR", "IND", now=later).comparison.offers}  # type: ignore[union-attr]
    assert str(quote.pk) not in shown and str(survey.pk) in shown


numbers = st.decimals(min_value=Decimal("-1e9"), max_value=Decimal("1e9"), places=8, allow_nan=False)


@settings(max_examples=300, deadline=None)
@given(
    value=numbers,
    places=st.sampled_from([2, 4]),
    grouped=st.booleans(),
    language=st.sampled_from(["en", "fr", "es"]),
)
def test_number_style_prints_what_floatformat_prints(
    value: Decimal, places: int, grouped: bool, language: str
) -> None:
    with translation.override(language):
        expected = floatformat(value, f"{places}g" if grouped else places)
        assert NumberStyle.current().fixed(value, places, grouped=grouped) == expected


def _live_answer(corridor: Corridor, amount: Decimal) -> list[tuple[object, ...]]:
    """What the compare API answered when it read the live tables."""
    from migdev.remittances.method import rank_offers

    offers, _quarter = selectors.comparison_offers(corridor)
    return [
        (
            item.rank,
            item.offer.provider,
            item.fee.quantize(Decimal("0.0001")),
            item.amount_received.quantize(Decimal("0.01")),
            sorted(item.flags),
        )
        for item in rank_offers(offers, amount)
    ]


def test_compare_api_answers_from_the_snapshot_what_the_live_data_gives(
    client: Client, add_service: AddService
) -> None:
    import random

    generator = random.Random(17)
    for number in range(12):
        fee = Decimal(generator.randint(0, 2000)) / 100
        rate = Decimal(generator.randint(9000, 10000)) / 100
        amount = generator.choice(["200", "500"])
        add_service(
            "GBR",
            "IND",
            f"Provider {number}",
            fee=fee,
            rate=rate,
            amount=amount,
            transparent=generator.choice([True, False, None]),
        )
    corridor = Corridor.objects.get(sending_country_id="GBR", receiving_country_id="IND")
    for amount in (Decimal("200"), Decimal("500"), Decimal("137.5")):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(f"/api/v1/remittances/compare?sending=GBR&receiving=IND&amount={amount}")
        assert response.status_code == 200
        # Served from the snapshot row: the service and quote tables are not read.
        assert not any("remittances_service" in query["sql"] for query in queries.captured_queries)
        answered = [
            (
                offer["rank"],
                offer["provider"],
                Decimal(offer["fee"]),
                Decimal(offer["amount_received"]),
                offer["flags"],
            )
            for offer in response.json()["offers"]
        ]
        assert answered == _live_answer(corridor, amount)
    assert client.get("/api/v1/remittances/compare?sending=GBR&receiving=XXX&amount=200").status_code == 404


def test_an_edited_source_title_and_provider_name_reach_the_page_and_the_api(
    client: Client, two_offers: Corridor
) -> None:
    page = "/en/remittances/?sending=GBR&receiving=IND&amount=200"
    api = "/api/v1/remittances/compare?sending=GBR&receiving=IND&amount=200"
    cheap = Service.objects.select_related("source", "provider").get(provider__name="Cheap Send")
    html = client.get(page).content.decode()
    assert "Corrected survey title" not in html and "CC BY 4.0" not in html
    services.price_source_update(source=cheap.source, title="Corrected survey title", licence="CC BY 4.0")
    html = client.get(page).content.decode()
    assert "Corrected survey title" in html and "CC BY 4.0" in html
    services.provider_update(provider=cheap.provider, name="Cheap Send Ltd")
    assert "Cheap Send Ltd" in client.get(page).content.decode()
    assert "Cheap Send Ltd" in {offer["provider"] for offer in client.get(api).json()["offers"]}
