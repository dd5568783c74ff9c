"""SmaRT's rule, one condition at a time, through the path the stored figures take (selectors → engine).

Each corridor has one service that qualifies (6 %) and one far cheaper service (1 %) that fails exactly
one SmaRT condition. The corridor's SmaRT must be the qualifying service alone: if the condition were
dropped from ``selectors.aggregate_inputs``, the cheap service would pull SmaRT down to 3.5 %.
"""

from __future__ import annotations

import pytest

from migdev.remittances import selectors, services
from migdev.remittances.aggregates import Measure
from migdev.remittances.vocabulary import NetworkCoverage, Speed
from tests.remittances.conftest import AddService

QUARTER = "2024Q1"
QUALIFYING = {"transparent": True, "speed": Speed.SAME_DAY, "network_coverage": NetworkCoverage.HIGH}
# Fee 12 on 200 at the interbank rate: 6 %. Fee 2: 1 %.
QUALIFYING_FEE = "12"
CHEAP_FEE = "2"


def _corridor_smart(add_service: AddService, **failing: object) -> tuple[float, float]:
    add_service("GBR", "IND", "Qualifies", fee=QUALIFYING_FEE, rate="100", quarter=QUARTER, **QUALIFYING)
    add_service(
        "GBR", "IND", "Cheap", fee=CHEAP_FEE, rate="100", quarter=QUARTER, **{**QUALIFYING, **failing}
    )
    services.aggregates_recompute()
    figures = selectors.figures_for_quarter(QUARTER)
    assert figures[Measure.CORRIDOR_AVERAGE]["GBRIND"] == pytest.approx((3.5, 2.0))
    return figures[Measure.CORRIDOR_SMART]["GBRIND"]


@pytest.mark.django_db
def test_smart_leaves_out_a_service_that_does_not_disclose_its_exchange_rate(add_service: AddService) -> None:
    assert _corridor_smart(add_service, transparent=False) == pytest.approx((6.0, 1.0))


@pytest.mark.django_db
def test_smart_leaves_out_a_service_whose_transparency_is_unknown(add_service: AddService) -> None:
    assert _corridor_smart(add_service, transparent=None) == pytest.approx((6.0, 1.0))


@pytest.mark.django_db
def test_smart_leaves_out_a_service_slower_than_five_days(add_service: AddService) -> None:
    assert _corridor_smart(add_service, speed=Speed.SIX_DAYS_OR_MORE) == pytest.approx((6.0, 1.0))


@pytest.mark.django_db
def test_smart_leaves_out_a_service_with_low_receiving_network_coverage(add_service: AddService) -> None:
    assert _corridor_smart(add_service, network_coverage=NetworkCoverage.LOW) == pytest.approx((6.0, 1.0))


@pytest.mark.django_db
def test_smart_keeps_a_service_that_meets_every_condition(add_service: AddService) -> None:
    """The control: the same cheap service meeting all three conditions does count (3 to 5 days, medium)."""
    smart = _corridor_smart(
        add_service, speed=Speed.THREE_TO_FIVE_DAYS, network_coverage=NetworkCoverage.MEDIUM
    )
    assert smart == pytest.approx((3.5, 2.0))


@pytest.mark.django_db
def test_a_corridor_whose_only_service_fails_a_condition_has_no_smart(add_service: AddService) -> None:
    add_service(
        "GBR",
        "IND",
        "Slow",
        fee=CHEAP_FEE,
        quarter=QUARTER,
        **{**QUALIFYING, "speed": Speed.SIX_DAYS_OR_MORE},
    )
    services.aggregates_recompute()
    figures = selectors.figures_for_quarter(QUARTER)
    assert "GBRIND" not in figures.get(Measure.CORRIDOR_SMART, {})
    assert figures[Measure.CORRIDORS_WITHOUT_SMART][""] == pytest.approx((1.0, 1.0))
