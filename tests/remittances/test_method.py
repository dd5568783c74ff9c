from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from migdev.remittances.method import (
    ESTIMATED,
    NO_FEE_COSTS_MORE,
    PROMOTIONAL_RATE,
    RATE_NOT_DISCLOSED,
    Offer,
    PriceError,
    PricePoint,
    fx_margin_pct,
    price_at,
    rank_offers,
    total_cost_pct,
)

D = Decimal


def test_margin_is_the_shortfall_of_the_offered_rate_against_interbank() -> None:
    assert fx_margin_pct(offered_rate=D("98"), interbank_rate=D("100")) == D("2")


def test_margin_is_negative_when_the_provider_beats_the_interbank_rate() -> None:
    margin = fx_margin_pct(offered_rate=D("101.5"), interbank_rate=D("100"))
    assert margin == D("-1.5")
    cost = total_cost_pct(send_amount=D("200"), fee=D("2"), offered_rate=D("101.5"), interbank_rate=D("100"))
    assert cost == D("1") + margin  # 2/200 = 1 %, minus the 1.5 % promotion


def test_total_cost_adds_the_fee_share_and_the_margin() -> None:
    # GBP 120 sent, GBP 3.60 fee (3 %), rate 103.95 against 105 interbank (1 % margin).
    cost = total_cost_pct(
        send_amount=D("120"), fee=D("3.60"), offered_rate=D("103.95"), interbank_rate=D("105")
    )
    assert cost == D("4")


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"send_amount": D(0), "fee": D(1), "offered_rate": D(1), "interbank_rate": D(1)}, "amount sent"),
        ({"send_amount": D(10), "fee": D(-1), "offered_rate": D(1), "interbank_rate": D(1)}, "fee"),
        ({"send_amount": D(10), "fee": D(1), "offered_rate": D(0), "interbank_rate": D(1)}, "rate offered"),
        ({"send_amount": D(10), "fee": D(1), "offered_rate": D(1), "interbank_rate": D(0)}, "interbank"),
    ],
)
def test_impossible_prices_are_refused_with_the_reason(kwargs: dict[str, Decimal], message: str) -> None:
    with pytest.raises(PriceError, match=message):
        total_cost_pct(**kwargs)


@given(
    amount=st.decimals(min_value=1, max_value=100_000, places=2),
    fee=st.decimals(min_value=0, max_value=500, places=2),
    interbank=st.decimals(min_value=D("0.0001"), max_value=20_000, places=4),
    markup=st.decimals(min_value=-20, max_value=60, places=2),
)
def test_received_amount_matches_the_cost_identity(
    amount: Decimal, fee: Decimal, interbank: Decimal, markup: Decimal
) -> None:
    offered = interbank * (1 - markup / 100)
    estimate = price_at([PricePoint(amount, fee, offered, interbank)], amount)
    assert abs(estimate.fx_margin_pct - markup) < D("1e-9")
    # Cost in points of the amount, against sending everything at interbank with no fee.
    if fee <= amount:
        lost = (
            estimate.amount_received_at_interbank - estimate.amount_received
        ) / estimate.amount_received_at_interbank
        expected = estimate.total_cost_pct / 100 - (fee / amount) * (markup / 100)
        assert abs(lost - expected) < D("1e-9")


def test_price_between_quoted_amounts_is_interpolated_and_flagged_as_an_estimate() -> None:
    points = [
        PricePoint(D("200"), D("5"), D("10"), D("10.2")),
        PricePoint(D("500"), D("8"), D("10.1"), D("10.2")),
    ]
    middle = price_at(points, D("350"))
    assert middle.fee == D("6.5")
    assert middle.offered_rate == D("10.05")
    assert not middle.quoted_exactly
    assert price_at(points, D("500")).quoted_exactly


def test_price_outside_the_quoted_range_uses_the_nearest_quote_rather_than_extrapolating() -> None:
    points = [
        PricePoint(D("200"), D("5"), D("10"), D("10.2")),
        PricePoint(D("500"), D("8"), D("10.1"), D("10.2")),
    ]
    assert price_at(points, D("50")).fee == D("5")
    assert price_at(points, D("5000")).fee == D("8")
    assert not price_at(points, D("5000")).quoted_exactly


def _offer(key: str, fee: str, rate: str, *, transparent: bool | None = True, amount: str = "200") -> Offer:
    return Offer(
        key=key,
        provider=key,
        firm_type="mto",
        product="",
        points=(PricePoint(D(amount), D(fee), D(rate), D("100")),),
        transparent=transparent,
    )


def test_offers_rank_by_what_the_recipient_receives() -> None:
    ranked = rank_offers(
        [_offer("dear-fee", "10", "99.5"), _offer("cheap", "2", "99"), _offer("best-rate", "4", "99.8")],
        D("200"),
    )
    # cheap: 198 × 99 = 19602; best-rate: 196 × 99.8 = 19560.8; dear-fee: 190 × 99.5 = 18905
    assert [item.offer.key for item in ranked] == ["cheap", "best-rate", "dear-fee"]
    assert [item.rank for item in ranked] == [1, 2, 3]
    assert ranked[0].shortfall == 0
    assert ranked[1].shortfall == D("19602") - D("19560.8")


def test_a_no_fee_offer_that_costs_more_through_its_rate_is_flagged() -> None:
    ranked = rank_offers([_offer("zero-fee", "0", "95"), _offer("honest", "3", "99.5")], D("200"))
    by_key = {item.offer.key: item for item in ranked}
    assert ranked[0].offer.key == "honest"
    assert NO_FEE_COSTS_MORE in by_key["zero-fee"].flags
    assert by_key["zero-fee"].price.fx_cost == D("10")  # 5 % of 200 hidden in the rate
    assert NO_FEE_COSTS_MORE not in by_key["honest"].flags


def test_a_no_fee_offer_that_really_is_the_best_is_not_flagged() -> None:
    ranked = rank_offers([_offer("zero-fee", "0", "99.9"), _offer("other", "3", "99.5")], D("200"))
    assert ranked[0].offer.key == "zero-fee"
    assert NO_FEE_COSTS_MORE not in ranked[0].flags


def test_promotions_undisclosed_rates_and_estimates_are_flagged() -> None:
    ranked = rank_offers(
        [_offer("promo", "5", "100.5"), _offer("opaque", "1", "97", transparent=False)], D("300")
    )
    by_key = {item.offer.key: item for item in ranked}
    assert PROMOTIONAL_RATE in by_key["promo"].flags
    assert RATE_NOT_DISCLOSED in by_key["opaque"].flags
    assert all(ESTIMATED in item.flags for item in ranked)


def test_ties_break_on_cost_then_name_so_the_order_is_stable() -> None:
    ranked = rank_offers([_offer("b", "2", "99"), _offer("a", "2", "99")], D("200"))
    assert [item.offer.key for item in ranked] == ["a", "b"]
    assert rank_offers([], D("200")) == []
