"""The RPW price method for one service, and the ranking of offers on the comparison page.

Pure functions over plain values; nothing here touches the database.

* FX margin % = (interbank rate − rate offered) ÷ interbank rate × 100. A provider that offers more than
  the interbank rate (a promotion) has a negative margin; it is kept, not clipped.
* Total cost % = fee ÷ amount sent × 100 + FX margin %.

Rates are "units of the receiving currency for one unit of the sending currency", as in RPW's
``cc1 lcu fx rate`` and ``inter lcu bank fx``.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _

from migdev.remittances.vocabulary import Origin

HUNDRED = Decimal(100)
ZERO = Decimal(0)


class PriceError(ValueError):
    """A price that cannot be computed: the message says which input is wrong."""


def fx_margin_pct(*, offered_rate: Decimal, interbank_rate: Decimal) -> Decimal:
    if interbank_rate <= 0:
        raise PriceError(_("the interbank exchange rate must be greater than zero"))
    if offered_rate <= 0:
        raise PriceError(_("the exchange rate offered must be greater than zero"))
    return (interbank_rate - offered_rate) / interbank_rate * HUNDRED


def total_cost_pct(
    *, send_amount: Decimal, fee: Decimal, offered_rate: Decimal, interbank_rate: Decimal
) -> Decimal:
    if send_amount <= 0:
        raise PriceError(_("the amount sent must be greater than zero"))
    if fee < 0:
        raise PriceError(_("the fee cannot be negative"))
    return fee / send_amount * HUNDRED + fx_margin_pct(
        offered_rate=offered_rate, interbank_rate=interbank_rate
    )


@dataclass(frozen=True)
class PricePoint:
    """One quoted price: for sending ``send_amount``, the provider charges ``fee`` and applies ``offered_rate``."""

    send_amount: Decimal
    fee: Decimal
    offered_rate: Decimal
    interbank_rate: Decimal


@dataclass(frozen=True)
class PriceEstimate:
    send_amount: Decimal
    fee: Decimal
    offered_rate: Decimal
    interbank_rate: Decimal
    quoted_exactly: bool  # False when fee and rate were read off neighbouring quoted amounts

    @property
    def fx_margin_pct(self) -> Decimal:
        return fx_margin_pct(offered_rate=self.offered_rate, interbank_rate=self.interbank_rate)

    @property
    def total_cost_pct(self) -> Decimal:
        return total_cost_pct(
            send_amount=self.send_amount,
            fee=self.fee,
            offered_rate=self.offered_rate,
            interbank_rate=self.interbank_rate,
        )

    @property
    def amount_received(self) -> Decimal:
        """What arrives when the sender hands over ``send_amount`` in total, fee included."""
        return max(self.send_amount - self.fee, ZERO) * self.offered_rate

    @property
    def amount_received_at_interbank(self) -> Decimal:
        return self.send_amount * self.interbank_rate

    @property
    def fx_cost(self) -> Decimal:
        """The part of the price hidden in the exchange rate, in the sending currency."""
        return self.send_amount * self.fx_margin_pct / HUNDRED


def price_at(points: Sequence[PricePoint], send_amount: Decimal) -> PriceEstimate:
    """The price of sending ``send_amount``, from a service's quoted prices.

    RPW quotes two amounts (USD 200 and 500 equivalents); a provider may quote more. Between two quoted
    amounts the fee and the rates are interpolated linearly (a fixed plus a proportional fee is linear);
    outside the quoted range the nearest quote's fee and rates are used, because extrapolating a fee
    schedule would invent prices nobody quoted.
    """
    if not points:
        raise PriceError(_("the service has no quoted price"))
    if send_amount <= 0:
        raise PriceError(_("the amount sent must be greater than zero"))
    ordered = sorted(points, key=lambda point: point.send_amount)
    for point in ordered:
        if point.send_amount == send_amount:
            return _estimate(point, send_amount, exact=True)
    if send_amount < ordered[0].send_amount:
        return _estimate(ordered[0], send_amount, exact=False)
    if send_amount > ordered[-1].send_amount:
        return _estimate(ordered[-1], send_amount, exact=False)
    for lower, upper in zip(ordered, ordered[1:], strict=False):
        if lower.send_amount < send_amount < upper.send_amount:
            share = (send_amount - lower.send_amount) / (upper.send_amount - lower.send_amount)
            return PriceEstimate(
                send_amount=send_amount,
                fee=lower.fee + (upper.fee - lower.fee) * share,
                offered_rate=lower.offered_rate + (upper.offered_rate - lower.offered_rate) * share,
                interbank_rate=lower.interbank_rate + (upper.interbank_rate - lower.interbank_rate) * share,
                quoted_exactly=False,
            )
    raise AssertionError("unreachable: the amount lies inside the quoted range")


def _estimate(point: PricePoint, send_amount: Decimal, *, exact: bool) -> PriceEstimate:
    return PriceEstimate(
        send_amount=send_amount,
        fee=point.fee,
        offered_rate=point.offered_rate,
        interbank_rate=point.interbank_rate,
        quoted_exactly=exact,
    )


@dataclass(frozen=True)
class Offer:
    """One service as the comparison page sees it, before pricing for the visitor's amount."""

    key: str
    provider: str
    firm_type: str
    product: str
    points: tuple[PricePoint, ...]
    speed: str | None = None
    pickup_method: str = ""
    payment_instrument: str = ""
    transparent: bool | None = None
    quoted_on: datetime.date | None = None
    origin: str = ""
    quarter: str = ""  # the survey quarter of survey prices
    send_currency: str = ""
    receive_currency: str = ""
    # product, payment instrument and access point as published, which ``product`` joins; pages translate
    # each part that is RPW's recurring wording (``vocabulary.service_label``).
    product_parts: tuple[str, ...] = ()

    @property
    def is_sample(self) -> bool:
        """Fictional demo prices: shown only with their label, never counted in a figure."""
        return self.origin == Origin.DEMO


@dataclass(frozen=True)
class RankedOffer:
    rank: int
    offer: Offer
    price: PriceEstimate
    shortfall: Decimal  # how much less than the best offer the recipient gets (receiving currency)
    flags: frozenset[str] = field(default_factory=frozenset)

    @property
    def fee(self) -> Decimal:
        return self.price.fee

    @property
    def fx_margin_pct(self) -> Decimal:
        return self.price.fx_margin_pct

    @property
    def total_cost_pct(self) -> Decimal:
        return self.price.total_cost_pct

    @property
    def amount_received(self) -> Decimal:
        return self.price.amount_received


# Flags the page explains next to an offer.
NO_FEE_COSTS_MORE = "no_fee_costs_more"  # "no fee", but the exchange rate makes it dearer than a better offer
PROMOTIONAL_RATE = "promotional_rate"  # rate better than interbank: a negative margin
RATE_NOT_DISCLOSED = "rate_not_disclosed"  # RPW "transparent = no"
ESTIMATED = "estimated"  # the visitor's amount was not quoted exactly


def rank_offers(offers: Sequence[Offer], send_amount: Decimal) -> list[RankedOffer]:
    """Offers priced for ``send_amount`` and ranked by what the recipient receives, most first.

    Ties (same amount received) go to the lower total cost, then the provider's name, so the order is stable.
    """
    priced = [(offer, price_at(offer.points, send_amount)) for offer in offers]
    priced.sort(
        key=lambda item: (-item[1].amount_received, item[1].total_cost_pct, item[0].provider, item[0].key)
    )
    if not priced:
        return []
    best_received = priced[0][1].amount_received
    ranked: list[RankedOffer] = []
    for position, (offer, price) in enumerate(priced, start=1):
        flags: set[str] = set()
        margin = price.fx_margin_pct
        if price.fee == 0 and margin > 0 and price.amount_received < best_received:
            flags.add(NO_FEE_COSTS_MORE)
        if margin < 0:
            flags.add(PROMOTIONAL_RATE)
        if offer.transparent is False:
            flags.add(RATE_NOT_DISCLOSED)
        if not price.quoted_exactly:
            flags.add(ESTIMATED)
        ranked.append(
            RankedOffer(
                rank=position,
                offer=offer,
                price=price,
                shortfall=best_received - price.amount_received,
                flags=frozenset(flags),
            )
        )
    return ranked
