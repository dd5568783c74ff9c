import pytest
from django.test import Client

from migdev.indicators.demo import demo_indicators_load
from migdev.indicators.models import Observation

pytestmark = pytest.mark.django_db


def test_demo_load_is_repeatable_and_shows_world_figures() -> None:
    demo_indicators_load()
    first = Observation.objects.count()
    assert first > 1000
    demo_indicators_load()
    assert Observation.objects.count() == first, "loading the demo twice must not duplicate values"


def test_demo_profile_has_emigrants_and_costs_of_sending_money(client: Client) -> None:
    demo_indicators_load()
    # Mexico's emigrants come from the IMS 2019 origin x destination matrix; costs from the RPW corridors.
    assert Observation.objects.filter(series__code="migrant-stock", counterpart="MEX").exists()
    assert Observation.objects.filter(series__code="remittance-cost", area="MEX").exists()
    html = client.get("/en/indicators/countries/MEX/").content.decode()
    cards = html.split('id="figures-heading"', 1)[1].split("</section>", 1)[0].split('<li class="figure-card')
    empty = [card for card in cards if "No data loaded." in card]
    assert len(cards) - 1 == 12 and len(empty) <= 1, empty
