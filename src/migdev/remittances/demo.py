"""The remittances part of the demo data set (`migdev seed_demo`).

Real data: the World Bank corridor series and corridor means shipped in ``data/`` (loaded once with the
regular loaders). Synthetic data: this quarter's prices of fictional providers in a few corridors, so the
comparison page has something to compare; their source is marked "Demonstration data (synthetic)" and
their names end in "(demo)", so nobody mistakes them for real offers.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from migdev.dataio.shipped import shipped_file
from migdev.remittances import services
from migdev.remittances.models import PriceSource, Service
from migdev.remittances.quarters import Quarter
from migdev.remittances.vocabulary import AmountTier, FirmType, NetworkCoverage, Origin, Speed

DATA_DIR = Path(__file__).resolve().parent / "data"
SHIPPED = (
    ("rpw-databank", "wb_databank_rpw_corridor_avg_cost_2011Q1_2020Q3.csv.gz", PriceSource.Kind.RPW_DATABANK),
    (
        "rpw-corridor-means",
        "rpw_corridor_quarter_means_2016Q2_2025Q1.csv.gz",
        PriceSource.Kind.RPW_CORRIDOR_MEANS,
    ),
)
DEMO_TITLE = "Demonstration data (synthetic)"


@dataclass(frozen=True)
class _Corridor:
    sending: str
    receiving: str
    send_currency: str
    receive_currency: str
    amount_200: Decimal  # the local equivalent of USD 200
    interbank: Decimal  # receiving currency per unit sent (approximate; demo only)


CORRIDORS = (
    _Corridor("GBR", "IND", "GBP", "INR", Decimal("160"), Decimal("105.20")),
    _Corridor("USA", "MEX", "USD", "MXN", Decimal("200"), Decimal("18.45")),
    _Corridor("FRA", "SEN", "EUR", "XOF", Decimal("185"), Decimal("655.957")),
    _Corridor("ZAF", "ZWE", "ZAR", "USD", Decimal("3700"), Decimal("0.0541")),
    _Corridor("ARE", "PHL", "AED", "PHP", Decimal("735"), Decimal("15.62")),
    _Corridor("DEU", "TUR", "EUR", "TRY", Decimal("185"), Decimal("37.10")),
)

# Fictional providers: (name, firm type, fixed fee in USD, proportional fee, FX margin %, speed, pick-up,
# transparent).
PROVIDERS = (
    (
        "Harbour Bank (demo)",
        FirmType.BANK,
        Decimal("25"),
        Decimal("0"),
        Decimal("3.5"),
        Speed.THREE_TO_FIVE_DAYS,
        "Bank account",
        True,
    ),
    (
        "SwiftHome Transfers (demo)",
        FirmType.MTO,
        Decimal("4.99"),
        Decimal("0"),
        Decimal("1.2"),
        Speed.UNDER_ONE_HOUR,
        "Cash",
        True,
    ),
    (
        "ZeroFee Money (demo)",
        FirmType.MTO,
        Decimal("0"),
        Decimal("0"),
        Decimal("4.8"),
        Speed.UNDER_ONE_HOUR,
        "Cash",
        True,
    ),
    (
        "Mobile Wallet Co (demo)",
        FirmType.MOBILE_OPERATOR,
        Decimal("1.5"),
        Decimal("0.01"),
        Decimal("0.9"),
        Speed.UNDER_ONE_HOUR,
        "Mobile wallet",
        True,
    ),
    (
        "National Post (demo)",
        FirmType.POST_OFFICE,
        Decimal("8"),
        Decimal("0"),
        Decimal("2.6"),
        Speed.TWO_DAYS,
        "Cash",
        True,
    ),
    (
        "Corner Exchange (demo)",
        FirmType.MTO,
        Decimal("3"),
        Decimal("0"),
        Decimal("2.0"),
        Speed.SAME_DAY,
        "Cash",
        False,
    ),
    (
        "Welcome Offer Remit (demo)",
        FirmType.MTO,
        Decimal("2.99"),
        Decimal("0"),
        Decimal("-0.5"),
        Speed.NEXT_DAY,
        "Bank account",
        True,
    ),
)


def seed() -> str:
    loaded = _load_shipped_series()
    created = _seed_synthetic_prices()
    return f"{loaded} shipped World Bank files loaded, {created} demo services ensured"


def _load_shipped_series() -> int:
    from migdev.dataio.services import import_file

    loaded = 0
    for format_name, file_name, kind in SHIPPED:
        original_name = file_name.removesuffix(".gz")
        if PriceSource.objects.filter(kind=kind, file_name=original_name).exists():
            continue
        with shipped_file(DATA_DIR / file_name) as path:
            import_file(format_name=format_name, path=path)
        loaded += 1
    return loaded


@transaction.atomic
def _seed_synthetic_prices() -> int:
    quarter = Quarter.containing(timezone.localdate())
    source = PriceSource.objects.filter(kind=PriceSource.Kind.DEMO, edition=str(quarter)).first()
    if source is not None and Service.objects.filter(source=source).exists():
        return Service.objects.filter(source=source).count()
    source = source or services.price_source_create(
        kind=PriceSource.Kind.DEMO, title=DEMO_TITLE, edition=str(quarter)
    )
    generator = random.Random(2026)  # deterministic: the demo looks the same on every machine
    count = 0
    for corridor_spec in CORRIDORS:
        corridor = services.corridor_get_or_create(
            sending_iso3=corridor_spec.sending, receiving_iso3=corridor_spec.receiving
        )
        usd_rate = corridor_spec.amount_200 / Decimal(200)  # local currency per USD
        for name, firm_type, fixed_usd, proportional, margin, speed, pickup, transparent in PROVIDERS:
            provider = services.provider_get_or_create(name=name, firm_type=firm_type)
            jitter = Decimal(generator.randint(-30, 30)) / Decimal(100)
            quotes = []
            for tier, usd in ((AmountTier.USD200, Decimal(200)), (AmountTier.USD500, Decimal(500))):
                amount = (corridor_spec.amount_200 * usd / Decimal(200)).quantize(Decimal("0.01"))
                fee = (fixed_usd * usd_rate + amount * proportional).quantize(Decimal("0.01"))
                rate_margin = margin + jitter if margin > 0 else margin
                offered = (corridor_spec.interbank * (1 - rate_margin / 100)).quantize(Decimal("0.000001"))
                quotes.append(
                    services.QuoteInput(
                        send_amount=amount,
                        fee=fee,
                        offered_rate=offered,
                        interbank_rate=corridor_spec.interbank,
                        tier=tier,
                        usd_amount=usd,
                    )
                )
            services.service_record(
                provider=provider,
                corridor=corridor,
                quarter=quarter,
                send_currency=corridor_spec.send_currency,
                receive_currency=corridor_spec.receive_currency,
                quotes=quotes,
                origin=Origin.DEMO,
                source=source,
                pickup_method=pickup,
                speed=speed,
                transparent=transparent,
                network_coverage=NetworkCoverage.HIGH,
                collected_on=timezone.localdate(),
                collector_name=DEMO_TITLE,
                replace_existing=True,
                recompute=False,
            )
            count += 1
    services.aggregates_recompute()
    return count
