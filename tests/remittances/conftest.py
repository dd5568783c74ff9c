"""Fixtures: small price data sets built with the module's own services."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from decimal import Decimal
from pathlib import Path

import pytest

from migdev.remittances import services
from migdev.remittances.models import PriceSource, Service
from migdev.remittances.quarters import Quarter
from migdev.remittances.vocabulary import AmountTier, FirmType, Origin, Speed
from tests.browser.conftest import (  # noqa: F401 - the browser fixtures, for test_browser.py
    browser_type_launch_args,
    console_errors,
    external_requests,
)

FIXTURES = Path(__file__).resolve().parent / "fixtures"
D = Decimal


@pytest.fixture
def fixtures_dir() -> Path:
    return FIXTURES


@pytest.fixture
def survey_source(db: None) -> PriceSource:
    return services.price_source_create(kind=PriceSource.Kind.RESEARCHER, title="Test survey", edition="test")


AddService = Callable[..., Service]


@pytest.fixture
def add_service(survey_source: PriceSource) -> AddService:
    """Record a service priced at one or two amounts: ``add_service("GBR", "IND", "Acme", fee=3, rate=99)``."""

    def add(
        sending: str,
        receiving: str,
        provider: str,
        *,
        fee: str | Decimal = "3",
        rate: str | Decimal = "99",
        interbank: str | Decimal = "100",
        amount: str | Decimal = "200",
        quarter: str = "2024Q1",
        firm_type: str = FirmType.MTO,
        transparent: bool | None = True,
        speed: str = Speed.SAME_DAY,
        product: str = "",
        pickup_method: str = "Cash",
        send_currency: str = "GBP",
        receive_currency: str = "INR",
        second: Sequence[str | Decimal] | None = None,
        origin: str = Origin.RESEARCHER,
        network_coverage: str = "",
    ) -> Service:
        quotes = [
            services.QuoteInput(
                send_amount=D(amount),
                fee=D(fee),
                offered_rate=D(rate),
                interbank_rate=D(interbank),
                tier=AmountTier.USD200,
            )
        ]
        if second is not None:
            quotes.append(
                services.QuoteInput(
                    send_amount=D(second[0]),
                    fee=D(second[1]),
                    offered_rate=D(second[2]),
                    interbank_rate=D(interbank),
                    tier=AmountTier.USD500,
                )
            )
        return services.service_record(
            provider=services.provider_get_or_create(name=provider, firm_type=firm_type),
            corridor=services.corridor_get_or_create(sending_iso3=sending, receiving_iso3=receiving),
            quarter=Quarter.parse(quarter),
            send_currency=send_currency,
            receive_currency=receive_currency,
            quotes=quotes,
            origin=origin,
            source=services.price_source_create(kind=PriceSource.Kind.RESEARCHER, title="t", edition=quarter),
            product=product,
            pickup_method=pickup_method,
            speed=speed,
            transparent=transparent,
            network_coverage=network_coverage,
            recompute=False,
        )

    return add
