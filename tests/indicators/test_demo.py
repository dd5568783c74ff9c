import pytest

from migdev.indicators.demo import demo_indicators_load
from migdev.indicators.models import Observation

pytestmark = pytest.mark.django_db


def test_demo_load_is_repeatable_and_shows_world_figures() -> None:
    demo_indicators_load()
    first = Observation.objects.count()
    assert first > 1000
    demo_indicators_load()
    assert Observation.objects.count() == first, "loading the demo twice must not duplicate values"
