"""Every read of the remittances module beyond a plain ``get``.

All the data here is public (prices of public services, published statistics), so reads need no access
check; writes (services.py) do.
"""

from __future__ import annotations

import bisect
import csv
import datetime
import threading
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
from django.db.models import Exists, FloatField, OuterRef, Q, QuerySet
from django.db.models.functions import Cast
from django.http import Http404
from django.utils import timezone
from django.utils.translation import get_language

from migdev.remittances.aggregates import (
    TRANSPARENT_NO,
    TRANSPARENT_UNKNOWN,
    TRANSPARENT_YES,
    CorridorTable,
    FlowWeights,
    Measure,
    QuoteColumns,
)
from migdev.remittances.cache import SHARED
from migdev.remittances.economies import economy_name
from migdev.remittances.method import Offer, PricePoint
from migdev.remittances.models import (
    AggregateValue,
    Corridor,
    CorridorSeriesValue,
    PriceSource,
    Provider,
    ProviderToken,
    QuarterCoverage,
    Quote,
    RemittanceFlow,
    Service,
)
from migdev.remittances.quarters import Quarter, quarter_or_none
from migdev.remittances.vocabulary import (
    SPEEDS_WITHIN_FIVE_DAYS,
    WORLD_BANK_REGION_LABELS,
    AmountTier,
    FirmType,
    NetworkCoverage,
    Origin,
)

DATA_DIR = Path(__file__).resolve().parent / "data"
AGGREGATE_TIERS = (AmountTier.USD200, AmountTier.USD500)
# Origins whose prices count in the statistics. Providers' own quotes feed the comparison page only:
# a provider must not be able to move the figures that judge it. Sample (demo) prices never count either:
# a sample must not become a default quarter, a headline or an SDG status.
STATISTICAL_ORIGINS = (Origin.RESEARCHER, Origin.RPW_WORKBOOK)
SAMPLE_ORIGINS = (Origin.DEMO,)
MEAN_SERIES = {
    AmountTier.USD200: CorridorSeriesValue.Series.MEAN_COST_USD200,
    AmountTier.USD500: CorridorSeriesValue.Series.MEAN_COST_USD500,
}


# Inputs of the aggregate engine ------------------------------------------------------------------


@dataclass
class AggregateInputs:
    quotes: QuoteColumns
    corridors: CorridorTable
    flows: FlowWeights | None
    tier_codes: list[str]
    corridor_codes: list[str]
    country_codes: list[str]
    region_codes: list[str]
    firm_type_codes: list[str]
    coverage: dict[tuple[str, str], dict[str, int]] = field(default_factory=dict)


def world_bank_regions() -> dict[str, str]:
    """Corridor code (ISO alpha-3, or the World Bank's code where there is no ISO row: XKX) → World Bank
    region code (EAS, ECS, LCN, MEA, NAC, SAS, SSF) from the reference data."""
    from migdev.reference.models import WorldBankEconomy

    rows = WorldBankEconomy.objects.filter(region__isnull=False).values_list(
        "code", "country_id", "region_id"
    )
    # The keys are codes (to_field), whatever the type checker infers for *_id.
    return {str(country or code): str(region) for code, country, region in rows}


def aggregate_inputs() -> AggregateInputs:
    """The engine's columns: service-level quotes first; a corridor-quarter without services falls back to an
    imported corridor mean, then to the official corridor average (USD 200 only)."""
    corridor_rows = [
        (pk, str(sending), str(receiving))
        for pk, sending, receiving in Corridor.objects.order_by("pk").values_list(
            "pk", "sending_country_id", "receiving_country_id"
        )
    ]
    corridor_index = {pk: position for position, (pk, _s, _r) in enumerate(corridor_rows)}
    country_codes = sorted({code for _pk, s, r in corridor_rows for code in (s, r)})
    country_index = {code: position for position, code in enumerate(country_codes)}
    regions = world_bank_regions()
    region_codes = sorted(set(regions.values()))
    region_index = {code: position for position, code in enumerate(region_codes)}
    corridors = CorridorTable(
        sending=np.array([country_index[s] for _pk, s, _r in corridor_rows], dtype=np.int64),
        receiving=np.array([country_index[r] for _pk, _s, r in corridor_rows], dtype=np.int64),
        receiving_region=np.array(
            [region_index.get(regions.get(r, ""), -1) for _pk, _s, r in corridor_rows], dtype=np.int64
        ),
    )
    tier_codes = [str(tier) for tier in AGGREGATE_TIERS]
    tier_index = {code: position for position, code in enumerate(tier_codes)}
    firm_type_codes = [str(value) for value in FirmType.values]
    firm_type_index = {code: position for position, code in enumerate(firm_type_codes)}
    quarter_index: dict[str, int] = {}

    def index_of(quarter: str) -> int:
        if quarter not in quarter_index:
            quarter_index[quarter] = Quarter.parse(quarter).index
        return quarter_index[quarter]

    columns: dict[str, list[Any]] = defaultdict(list)
    covered: set[tuple[int, int, int]] = set()
    coverage: dict[tuple[str, str], dict[str, int]] = defaultdict(
        lambda: {
            "services": 0,
            "corridors_with_services": 0,
            "corridors_from_means": 0,
            "corridors_official_only": 0,
        }
    )
    quote_rows = (
        Service.objects.filter(origin__in=STATISTICAL_ORIGINS, quotes__tier__in=tier_codes)
        .annotate(cost=Cast("quotes__total_cost_pct", FloatField()))
        .values_list(
            "quotes__tier",
            "quarter",
            "corridor_id",
            "provider__firm_type",
            "transparent",
            "speed",
            "network_coverage",
            "cost",
        )
        .iterator(chunk_size=10_000)
    )
    within_five_days = {str(speed) for speed in SPEEDS_WITHIN_FIVE_DAYS}
    for tier, quarter, corridor_pk, firm_type, transparent, speed, network, cost in quote_rows:
        key = (tier_index[tier], index_of(quarter), corridor_index[corridor_pk])
        if key not in covered:
            covered.add(key)
            coverage[(tier, quarter)]["corridors_with_services"] += 1
        coverage[(tier, quarter)]["services"] += 1
        columns["tier"].append(key[0])
        columns["quarter"].append(key[1])
        columns["corridor"].append(key[2])
        columns["firm_type"].append(firm_type_index.get(firm_type, -1))
        columns["transparent"].append(
            TRANSPARENT_UNKNOWN
            if transparent is None
            else (TRANSPARENT_YES if transparent else TRANSPARENT_NO)
        )
        columns["qualifying"].append(
            transparent is True and speed in within_five_days and network != NetworkCoverage.LOW
        )
        columns["cost"].append(cost)
        columns["weight"].append(1.0)
        columns["pool"].append(1.0)
        columns["single"].append(True)

    def add_corridor_rows(series: str, tier: str, *, official: bool) -> None:
        values = (
            CorridorSeriesValue.objects.filter(series=series)
            .annotate(number=Cast("value", FloatField()))
            .values_list("quarter", "corridor_id", "services_count", "number")
        )
        for quarter, corridor_pk, services_count, value in values.iterator(chunk_size=10_000):
            key = (tier_index[tier], index_of(quarter), corridor_index[corridor_pk])
            if key in covered:
                continue
            covered.add(key)
            coverage[(tier, quarter)]["corridors_official_only" if official else "corridors_from_means"] += 1
            columns["tier"].append(key[0])
            columns["quarter"].append(key[1])
            columns["corridor"].append(key[2])
            columns["firm_type"].append(-1)
            columns["transparent"].append(TRANSPARENT_UNKNOWN)
            columns["qualifying"].append(False)
            columns["cost"].append(value)
            count = float(services_count or 0)
            columns["weight"].append(count if count > 0 else 1.0)
            columns["pool"].append(0.0 if official else count)
            columns["single"].append(False)

    for tier, series in MEAN_SERIES.items():
        add_corridor_rows(series, tier, official=False)
    add_corridor_rows(CorridorSeriesValue.Series.OFFICIAL_AVERAGE_USD200, AmountTier.USD200, official=True)

    def ints(name: str) -> Any:
        return np.array(columns[name], dtype=np.int64)

    def floats(name: str) -> Any:
        return np.array(columns[name], dtype=np.float64)

    quotes = QuoteColumns(
        tier=ints("tier"),
        quarter=ints("quarter"),
        corridor=ints("corridor"),
        firm_type=ints("firm_type"),
        transparent=ints("transparent"),
        smart_qualifying=np.array(columns["qualifying"], dtype=np.bool_),
        cost=floats("cost"),
        weight=floats("weight"),
        pool_weight=floats("pool"),
        single_service=np.array(columns["single"], dtype=np.bool_),
    )
    return AggregateInputs(
        quotes=quotes,
        corridors=corridors,
        flows=_flow_weights(corridor_index, sorted(set(quarter_index.values()))),
        tier_codes=tier_codes,
        corridor_codes=[f"{s}{r}" for _pk, s, r in corridor_rows],
        country_codes=country_codes,
        region_codes=region_codes,
        firm_type_codes=firm_type_codes,
        coverage=dict(coverage),
    )


def _flow_weights(corridor_index: dict[int, int], quarters: list[int]) -> FlowWeights | None:
    """Each quarter takes the flows of its year, else the closest earlier year, else the closest later one."""
    corridor_of_pair = {
        (s, r): pk
        for pk, s, r in Corridor.objects.values_list("pk", "sending_country_id", "receiving_country_id")
    }
    by_corridor: dict[int, list[tuple[int, float]]] = defaultdict(list)
    for sending, receiving, year, amount in RemittanceFlow.objects.values_list(
        "sending_country_id", "receiving_country_id", "year", "usd_millions"
    ):
        pk = corridor_of_pair.get((sending, receiving))
        if pk is not None:
            by_corridor[corridor_index[pk]].append((year, float(amount)))
    if not by_corridor or not quarters:
        return None
    quarter_list: list[int] = []
    corridor_list: list[int] = []
    flow_list: list[float] = []
    for corridor, entries in by_corridor.items():
        entries.sort()
        years = [year for year, _amount in entries]
        for quarter in quarters:
            year = Quarter.from_index(quarter).year
            position = bisect.bisect_right(years, year) - 1
            chosen = entries[position] if position >= 0 else entries[0]
            quarter_list.append(quarter)
            corridor_list.append(corridor)
            flow_list.append(chosen[1])
    return FlowWeights(
        quarter=np.array(quarter_list, dtype=np.int64),
        corridor=np.array(corridor_list, dtype=np.int64),
        flow=np.array(flow_list, dtype=np.float64),
    )


# Corridors and countries ------------------------------------------------------------------------


def corridor_by_slug(slug: str) -> Corridor:
    """The corridor "GBR-IND" (or "GBRIND"); 404 when there is none."""
    cleaned = slug.replace("-", "").upper()
    if len(cleaned) != 6 or not cleaned.isalpha():
        raise Http404
    corridor = Corridor.objects.filter(
        Q(sending_country_id=cleaned[:3]), Q(receiving_country_id=cleaned[3:])
    ).first()
    if corridor is None:
        raise Http404
    return corridor


def corridor_between(sending: str, receiving: str) -> Corridor | None:
    return Corridor.objects.filter(Q(sending_country_id=sending), Q(receiving_country_id=receiving)).first()


@dataclass(frozen=True)
class CountryChoice:
    iso3: str
    name: str


def _country_choices(codes: Iterable[str]) -> list[CountryChoice]:
    # Names of ISO countries and of World Bank economies without an ISO row (Kosovo) alike.
    return sorted((CountryChoice(code, economy_name(code)) for code in set(codes)), key=lambda c: c.name)


def comparison_countries() -> tuple[list[CountryChoice], list[CountryChoice]]:
    """Sending and receiving countries of every corridor with prices or a published survey figure."""
    pairs = _comparable_corridors().values_list("sending_country_id", "receiving_country_id")
    senders: set[str] = set()
    receivers: set[str] = set()
    for sending, receiving in pairs:
        senders.add(str(sending))
        receivers.add(str(receiving))
    return _country_choices(senders), _country_choices(receivers)


def _comparable_corridors() -> QuerySet[Corridor]:
    # Every RPW corridor can be compared: with its services when they are loaded, else with the corridor's
    # survey figures (corridor means, the World Bank's corridor average).
    return Corridor.objects.filter(
        Q(Exists(Service.objects.filter(corridor=OuterRef("pk"))))
        | Q(Exists(CorridorSeriesValue.objects.filter(corridor=OuterRef("pk"))))
    )


def corridors_with_prices(*, sending: str | None = None, receiving: str | None = None) -> QuerySet[Corridor]:
    corridors = _comparable_corridors()
    if sending:
        corridors = corridors.filter(Q(sending_country_id=sending))
    if receiving:
        corridors = corridors.filter(Q(receiving_country_id=receiving))
    return corridors.order_by("sending_country_id", "receiving_country_id")


@dataclass(frozen=True)
class CorridorSurvey:
    """A corridor's latest survey figures as published, for a comparison without provider-level prices."""

    quarter: str
    average_cost_pct: Decimal
    fx_margin_pct: Decimal | None
    services: int | None
    series: str
    source: PriceSource

    def amount_left(self, amount: Decimal) -> Decimal:
        """What is left of ``amount`` after the average cost, in the sending currency (before conversion)."""
        return amount * (1 - self.average_cost_pct / 100)


def corridor_survey(corridor: Corridor) -> CorridorSurvey | None:
    """The corridor's latest survey mean (USD 200), else its latest World Bank corridor average."""
    for series in (
        CorridorSeriesValue.Series.MEAN_COST_USD200,
        CorridorSeriesValue.Series.OFFICIAL_AVERAGE_USD200,
    ):
        values = CorridorSeriesValue.objects.filter(corridor=corridor, series=series).select_related("source")
        latest = max(values, key=lambda row: Quarter.parse(row.quarter).index, default=None)
        if latest is None:
            continue
        margin = (
            CorridorSeriesValue.objects.filter(
                corridor=corridor,
                series=CorridorSeriesValue.Series.MEAN_MARGIN_USD200,
                quarter=latest.quarter,
            )
            .values_list("value", flat=True)
            .first()
            if series == CorridorSeriesValue.Series.MEAN_COST_USD200
            else None
        )
        return CorridorSurvey(
            quarter=latest.quarter,
            average_cost_pct=latest.value,
            fx_margin_pct=margin,
            services=latest.services_count,
            series=series,
            source=latest.source,
        )
    return None


def comparison_offers(
    corridor: Corridor, *, now: datetime.datetime | None = None
) -> tuple[list[Offer], str | None]:
    """What a migrant can compare today in ``corridor``, and the quarter of the survey prices shown.

    Survey prices (researchers, RPW) come from the corridor's latest quarter; a provider's own quote that
    has not expired replaces its survey price for the same product.
    """
    moment = now or timezone.now()
    candidates, latest_quarter = _comparison_candidates(corridor, moment)
    return _offers_from_candidates(candidates, moment), latest_quarter


def _comparison_candidates(
    corridor: Corridor, moment: datetime.datetime
) -> tuple[list[dict[str, Any]], str | None]:
    """Every service the comparison may show at ``moment`` or later (provider quotes until they expire),
    each with its quoted price points, ordered by provider name."""
    latest_quarter = (
        Service.objects.filter(corridor=corridor, origin__in=STATISTICAL_ORIGINS)
        .order_by("-quarter")
        .values_list("quarter", flat=True)
        .first()
    )
    condition = Q(origin=Origin.PROVIDER_API, expires_at__gt=moment)
    if latest_quarter:
        condition |= Q(origin__in=STATISTICAL_ORIGINS, quarter=latest_quarter)
    else:
        # Sample prices only where nothing real was surveyed, and always labelled as samples (Offer.is_sample).
        latest_sample = (
            Service.objects.filter(corridor=corridor, origin__in=SAMPLE_ORIGINS)
            .order_by("-quarter")
            .values_list("quarter", flat=True)
            .first()
        )
        if latest_sample:
            condition |= Q(origin__in=SAMPLE_ORIGINS, quarter=latest_sample)
    rows: list[dict[str, Any]] = [
        dict(values)
        for values in Service.objects.filter(condition, corridor=corridor)
        .order_by("provider__name", "pk")
        .values(
            "pk",
            "provider_id",
            "product_key",
            "origin",
            "provider__name",
            "provider__firm_type",
            "product",
            "payment_instrument",
            "access_point",
            "pickup_method",
            "speed",
            "transparent",
            "collected_on",
            "quarter",
            "send_currency_id",
            "receive_currency_id",
            "expires_at",
        )
    ]
    points: dict[int, list[tuple[Decimal, Decimal, Decimal, Decimal]]] = defaultdict(list)
    for service_id, amount, fee, offered, interbank in Quote.objects.filter(
        service_id__in=[row["pk"] for row in rows]
    ).values_list("service_id", "send_amount", "fee", "offered_rate", "interbank_rate"):
        points[service_id].append((amount, fee, offered, interbank))
    for row in rows:
        row["points"] = points.get(row["pk"], [])
    return rows, latest_quarter


def _offers_from_candidates(candidates: list[dict[str, Any]], moment: datetime.datetime) -> list[Offer]:
    chosen: dict[tuple[int, str], dict[str, Any]] = {}
    for row in candidates:
        if row["origin"] == Origin.PROVIDER_API and not (row["expires_at"] and row["expires_at"] > moment):
            continue  # an expired provider quote: its survey price (if any) is shown instead
        key = (row["provider_id"], row["product_key"])
        current = chosen.get(key)
        if current is None or (
            row["origin"] == Origin.PROVIDER_API and current["origin"] != Origin.PROVIDER_API
        ):
            chosen[key] = row
    offers = [_offer(row, tuple(PricePoint(*point) for point in row["points"])) for row in chosen.values()]
    return [offer for offer in offers if offer.points]


def _quoted_on(row: dict[str, Any]) -> datetime.date | None:
    """The day a price was collected, or the last day of its survey quarter."""
    if row["collected_on"] is not None:
        return row["collected_on"]
    parsed = quarter_or_none(row["quarter"])
    return parsed.last_day if parsed else None


def _offer(row: dict[str, Any], points: tuple[PricePoint, ...]) -> Offer:
    # A snapshot's rows carry the day, worked out once when the snapshot was written.
    quoted_on = row["quoted_on"] if "quoted_on" in row else _quoted_on(row)
    parts = tuple(part for part in (row["product"], row["payment_instrument"], row["access_point"]) if part)
    product = " · ".join(parts)
    return Offer(
        key=str(row["pk"]),
        provider=row["provider__name"],
        firm_type=row["provider__firm_type"],
        product=product,
        points=points,
        speed=row["speed"] or None,
        pickup_method=row["pickup_method"],
        payment_instrument=row["payment_instrument"],
        transparent=row["transparent"],
        quoted_on=quoted_on,
        origin=row["origin"],
        quarter=row["quarter"] or "",
        send_currency=row["send_currency_id"],
        receive_currency=row["receive_currency_id"] or "",
        product_parts=parts,
    )


# The comparison page, precomputed -----------------------------------------------------------------
#
# The page is what migrants load, often on slow phones and many at once: it reads one row per corridor
# (models.ComparisonSnapshot) built from the functions above whenever prices change, instead of joining
# services, quotes, series values and sources on every request. The row keeps every source's title,
# edition and licence. Provider quotes carry their expiry and are dropped at read time once expired.

COMPARABLE_CORRIDORS_KEY = "*"
_SOURCE_FIELDS = ("id", "kind", "title", "edition", "licence", "attribution")
_DECIMAL_POINT_FIELDS = 4


@dataclass(frozen=True)
class CorridorComparison:
    """Everything the comparison page needs about one corridor, as of ``now``."""

    corridor: Corridor
    offers: list[Offer]
    survey_quarter: str | None
    survey: CorridorSurvey | None
    sources: list[PriceSource]


@dataclass(frozen=True)
class ComparisonPage:
    """The countries the page offers, and the requested corridor (None when it has no corridor row).

    ``version`` names the snapshots read (it changes whenever any is rewritten); None when they were computed
    live, which nothing may be cached under."""

    pairs: list[tuple[str, str]]
    comparison: CorridorComparison | None
    version: str | None = None

    def countries(self) -> tuple[list[CountryChoice], list[CountryChoice]]:
        if self.version is None:
            return _countries_of(self.pairs)
        # Names, and so their order, are in the active language.
        return SHARED.local(
            f"countries:{get_language()}", lambda: _countries_of(self.pairs), version=self.version
        )

    def alternatives(self, sending: str) -> list[tuple[str, str]]:
        """Up to 30 comparable corridors from ``sending``, in code order (as corridors_with_prices)."""
        return [pair for pair in self.pairs if pair[0] == sending][:30]


def _countries_of(pairs: list[tuple[str, str]]) -> tuple[list[CountryChoice], list[CountryChoice]]:
    return _country_choices(s for s, _r in pairs), _country_choices(r for _s, r in pairs)


def _source_json(source: PriceSource) -> dict[str, Any]:
    return {name: getattr(source, name) for name in _SOURCE_FIELDS}


def _jsonable(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    return value


def corridor_comparison_payload(corridor: Corridor) -> dict[str, Any]:
    """A corridor's comparison data as stored in its snapshot row (see ``comparison_page``)."""
    candidates, latest_quarter = _comparison_candidates(corridor, timezone.now())
    survey = corridor_survey(corridor)
    return {
        "corridor": [corridor.pk, str(corridor.sending_country_id), str(corridor.receiving_country_id)],
        "survey_quarter": latest_quarter,
        "candidates": [
            {
                **{name: _jsonable(value) for name, value in row.items() if name != "points"},
                "quoted_on": _jsonable(_quoted_on(row)),
                "points": [[str(value) for value in point] for point in row["points"]],
            }
            for row in candidates
        ],
        "survey": None
        if survey is None
        else {
            "quarter": survey.quarter,
            "average_cost_pct": str(survey.average_cost_pct),
            "fx_margin_pct": None if survey.fx_margin_pct is None else str(survey.fx_margin_pct),
            "services": survey.services,
            "series": survey.series,
            "source": _source_json(survey.source),
        },
        "sources": [_source_json(source) for source in corridor_sources(corridor)],
    }


def comparable_corridors_payload() -> dict[str, Any]:
    pairs = corridors_with_prices().values_list("sending_country_id", "receiving_country_id")
    return {"pairs": [[str(s), str(r)] for s, r in pairs]}


def _comparison_from_payload(payload: dict[str, Any], moment: datetime.datetime) -> CorridorComparison:
    pk, sending, receiving = payload["corridor"]
    candidates = []
    for stored in payload["candidates"]:
        row = dict(stored)
        row["collected_on"] = row["collected_on"] and datetime.date.fromisoformat(row["collected_on"])
        row["expires_at"] = row["expires_at"] and datetime.datetime.fromisoformat(row["expires_at"])
        if "quoted_on" in row:
            row["quoted_on"] = row["quoted_on"] and datetime.date.fromisoformat(row["quoted_on"])
        row["points"] = [tuple(Decimal(value) for value in point) for point in row["points"]]
        candidates.append(row)
    survey = payload["survey"]
    return CorridorComparison(
        corridor=Corridor(pk=pk, sending_country_id=sending, receiving_country_id=receiving),
        offers=_offers_from_candidates(candidates, moment),
        survey_quarter=payload["survey_quarter"],
        survey=None
        if survey is None
        else CorridorSurvey(
            quarter=survey["quarter"],
            average_cost_pct=Decimal(survey["average_cost_pct"]),
            fx_margin_pct=None if survey["fx_margin_pct"] is None else Decimal(survey["fx_margin_pct"]),
            services=survey["services"],
            series=survey["series"],
            source=PriceSource(**survey["source"]),
        ),
        sources=[PriceSource(**source) for source in payload["sources"]],
    )


def comparison_page(sending: str, receiving: str, *, now: datetime.datetime | None = None) -> ComparisonPage:
    """The comparison page's data in one query: the comparable corridors and the requested corridor's
    snapshot. Without snapshots (a database not refreshed since they were introduced) it is computed live.

    What is read from the snapshots is parsed once per process and snapshot version (see
    ``_CachedComparison`` for provider quotes that expire)."""
    from migdev.remittances.models import ComparisonSnapshot

    moment = now or timezone.now()
    code = f"{sending}{receiving}"
    keys = [COMPARABLE_CORRIDORS_KEY]
    if len(code) == 6 and code.isalpha():
        keys.append(code)
    rows = dict(ComparisonSnapshot.objects.filter(key__in=keys).values_list("key", "payload"))
    index = rows.get(COMPARABLE_CORRIDORS_KEY)
    version = None if index is None else index.get("version")
    if index is None:
        index = comparable_corridors_payload()
    payload = rows.get(code)
    if payload is None and len(keys) == 2:
        corridor = corridor_between(sending, receiving)
        payload = None if corridor is None else corridor_comparison_payload(corridor)
        version = None  # computed live: a snapshot written later must not be hidden by what is kept here
    if version is None:
        return ComparisonPage(
            pairs=_pairs(index),
            comparison=None if payload is None else _comparison_from_payload(payload, moment),
        )
    comparison = None
    if payload is not None:
        kept = SHARED.local(f"comparison:{code}", lambda: _CachedComparison(payload), version=version)
        comparison = kept.at(moment)
    pairs = SHARED.local("pairs", lambda: _pairs(index), version=version)
    return ComparisonPage(pairs=pairs, comparison=comparison, version=version)


def _pairs(index: dict[str, Any]) -> list[tuple[str, str]]:
    return [(s, r) for s, r in index["pairs"]]


class _CachedComparison:
    """A corridor's snapshot parsed once: the comparison as of a moment is reused until the next provider
    quote among its candidates expires (or for an earlier moment, computed afresh)."""

    def __init__(self, payload: dict[str, Any]) -> None:
        self.payload = payload
        self._lock = threading.Lock()
        self._kept: tuple[datetime.datetime, datetime.datetime | None, CorridorComparison] | None = None

    def at(self, moment: datetime.datetime) -> CorridorComparison:
        with self._lock:
            kept = self._kept
        if kept is not None:
            since, until, comparison = kept
            if since <= moment and (until is None or moment < until):
                return comparison
        comparison = _comparison_from_payload(self.payload, moment)
        expiries = [
            datetime.datetime.fromisoformat(row["expires_at"])
            for row in self.payload["candidates"]
            if row["origin"] == Origin.PROVIDER_API and row["expires_at"]
        ]
        until = min((expiry for expiry in expiries if expiry > moment), default=None)
        with self._lock:
            self._kept = (moment, until, comparison)
        return comparison


def corridor_comparison(
    sending: str, receiving: str, *, now: datetime.datetime | None = None
) -> CorridorComparison | None:
    """One corridor's comparison from its snapshot row in one query, as the page shows it (the API's
    answer); None when there is no such corridor. Without a snapshot it is computed live."""
    from migdev.remittances.models import ComparisonSnapshot

    code = f"{sending}{receiving}"
    if not (len(code) == 6 and code.isalpha()):
        return None
    payload = ComparisonSnapshot.objects.filter(key=code).values_list("payload", flat=True).first()
    if payload is None:
        corridor = corridor_between(sending, receiving)
        if corridor is None:
            return None
        payload = corridor_comparison_payload(corridor)
    return _comparison_from_payload(payload, now or timezone.now())


# Stored figures ---------------------------------------------------------------------------------


def quarters_with_figures(tier: str = AmountTier.USD200) -> list[str]:
    return list(
        QuarterCoverage.objects.filter(tier=tier).order_by("quarter").values_list("quarter", flat=True)
    )


def figure_series(
    measure: str, subject: str = "", *, tier: str = AmountTier.USD200
) -> dict[str, tuple[float, float]]:
    """quarter → (value, observations) of one measure for one subject."""
    rows = AggregateValue.objects.filter(measure=measure, subject=subject, tier=tier).values_list(
        "quarter", "value", "observations"
    )
    return {quarter: (value, observations) for quarter, value, observations in rows}


def figures_for_quarter(
    quarter: str, *, tier: str = AmountTier.USD200
) -> dict[str, dict[str, tuple[float, float]]]:
    """measure → subject → (value, observations) for one quarter."""
    table: dict[str, dict[str, tuple[float, float]]] = defaultdict(dict)
    for measure, subject, value, observations in AggregateValue.objects.filter(
        quarter=quarter, tier=tier
    ).values_list("measure", "subject", "value", "observations"):
        table[measure][subject] = (value, observations)
    return dict(table)


def coverage_for(quarter: str, *, tier: str = AmountTier.USD200) -> QuarterCoverage | None:
    return QuarterCoverage.objects.filter(quarter=quarter, tier=tier).first()


def series_values(corridor: Corridor) -> dict[str, dict[str, tuple[Decimal, int | None]]]:
    """series → quarter → (value, services) of the published values of one corridor."""
    table: dict[str, dict[str, tuple[Decimal, int | None]]] = defaultdict(dict)
    for series, quarter, value, count in corridor.series_values.values_list(
        "series", "quarter", "value", "services_count"
    ):
        table[series][quarter] = (value, count)
    return dict(table)


@dataclass(frozen=True)
class CorridorQuarter:
    quarter: str
    average: float | None
    services: float | None
    smart: float | None
    smart_services: float | None
    official: Decimal | None
    average_usd500: float | None


def corridor_history(corridor: Corridor) -> list[CorridorQuarter]:
    """Quarter by quarter: the computed average and SmaRT, the official World Bank value, the USD 500 cost."""
    subject = corridor.code
    average = figure_series(Measure.CORRIDOR_AVERAGE, subject)
    smart = figure_series(Measure.CORRIDOR_SMART, subject)
    average_500 = figure_series(Measure.CORRIDOR_AVERAGE, subject, tier=AmountTier.USD500)
    official = series_values(corridor).get(CorridorSeriesValue.Series.OFFICIAL_AVERAGE_USD200, {})
    quarters = sorted(set(average) | set(smart) | set(official) | set(average_500))
    return [
        CorridorQuarter(
            quarter=quarter,
            average=average[quarter][0] if quarter in average else None,
            services=average[quarter][1] if quarter in average else None,
            smart=smart[quarter][0] if quarter in smart else None,
            smart_services=smart[quarter][1] if quarter in smart else None,
            official=official[quarter][0] if quarter in official else None,
            average_usd500=average_500[quarter][0] if quarter in average_500 else None,
        )
        for quarter in quarters
    ]


@dataclass(frozen=True)
class AverageDifference:
    """A quarter where the average computed here and the World Bank's published corridor average differ."""

    quarter: str
    computed: float
    official: float
    services: float | None
    from_services: bool  # True: provider-level services loaded here; False: an imported corridor mean

    @property
    def difference(self) -> float:
        return self.computed - self.official


# Below this the two figures agree to the precision either is published with.
AVERAGE_AGREEMENT_POINTS = 0.01


def average_differences(corridor: Corridor, history: list[CorridorQuarter]) -> list[AverageDifference]:
    """Quarters (newest first) where the computed corridor average and the World Bank's differ."""
    service_quarters = set(
        Service.objects.filter(corridor=corridor, origin__in=STATISTICAL_ORIGINS)
        .values_list("quarter", flat=True)
        .distinct()
    )
    return [
        AverageDifference(
            quarter=row.quarter,
            computed=row.average,
            official=float(row.official),
            services=row.services,
            from_services=row.quarter in service_quarters,
        )
        for row in reversed(history)
        if row.average is not None
        and row.official is not None
        and abs(row.average - float(row.official)) >= AVERAGE_AGREEMENT_POINTS
    ]


def corridor_sources(corridor: Corridor) -> list[PriceSource]:
    """The sources of a corridor's figures: its surveyed services and its imported corridor values."""
    ids = set(
        Service.objects.filter(corridor=corridor, origin__in=STATISTICAL_ORIGINS)
        .values_list("source_id", flat=True)
        .distinct()
    )
    ids |= set(corridor.series_values.values_list("source_id", flat=True).distinct())
    return list(PriceSource.objects.filter(id__in=ids).order_by("title", "edition"))


def all_price_sources() -> list[PriceSource]:
    """Every source whose figures the public pages show (never the sample data set)."""
    return list(PriceSource.objects.exclude(kind=PriceSource.Kind.DEMO).order_by("title", "edition"))


@dataclass(frozen=True)
class CountryQuarter:
    quarter: str
    sending_average: float | None
    receiving_average: float | None


def country_history(iso3: str) -> list[CountryQuarter]:
    sending = figure_series(Measure.SENDING_COUNTRY_AVERAGE, iso3)
    receiving = figure_series(Measure.RECEIVING_COUNTRY_AVERAGE, iso3)
    return [
        CountryQuarter(
            quarter=quarter,
            sending_average=sending[quarter][0] if quarter in sending else None,
            receiving_average=receiving[quarter][0] if quarter in receiving else None,
        )
        for quarter in sorted(set(sending) | set(receiving))
    ]


def country_corridors(iso3: str) -> tuple[list[Corridor], list[Corridor]]:
    """Corridors from and to a country that have any price or published value."""
    corridors = list(
        Corridor.objects.filter(Q(sending_country_id=iso3) | Q(receiving_country_id=iso3)).order_by(
            "sending_country_id", "receiving_country_id"
        )
    )
    return (
        [c for c in corridors if c.sending_country_id == iso3],
        [c for c in corridors if c.receiving_country_id == iso3],
    )


def latest_corridor_figures(codes: Iterable[str]) -> dict[str, dict[str, tuple[str, float]]]:
    """corridor code → measure → (quarter, value) of its latest corridor average and SmaRT."""
    wanted = set(codes)
    latest: dict[str, dict[str, tuple[str, float]]] = defaultdict(dict)
    rows = AggregateValue.objects.filter(
        tier=AmountTier.USD200,
        measure__in=[Measure.CORRIDOR_AVERAGE, Measure.CORRIDOR_SMART],
        subject__in=wanted,
    ).values_list("subject", "measure", "quarter", "value")
    for subject, measure, quarter, value in rows:
        current = latest[subject].get(measure)
        if current is None or quarter > current[0]:
            latest[subject][measure] = (quarter, value)
    return dict(latest)


# SDG 10.c.1: one rule for every page ----------------------------------------------------------------


def latest_quarter_with_figures(tier: str = AmountTier.USD200) -> str | None:
    """The newest quarter with computed figures: real prices only, as samples are never computed."""
    quarters = quarters_with_figures(tier)
    return quarters[-1] if quarters else None


@dataclass(frozen=True)
class Sdg10c1Status:
    """SDG 10.c.1 in one quarter, as the dashboard and the indicators' SDG page both show it.

    Component 1: the global average (USD 200) pooled over services not known to hide their rate.
    Component 2: corridors whose *average* cost is above 5 % (every corridor with a figure), and, where
    provider-level prices allow it, corridors whose SmaRT is above 5 %.
    """

    quarter: str
    global_average: float | None
    services: float | None
    corridors: int
    corridors_above: int
    smart_corridors: int
    smart_corridors_above: int
    corridors_without_smart: int
    sources: tuple[PriceSource, ...]

    @property
    def share_above(self) -> float | None:
        return self.corridors_above / self.corridors * 100 if self.corridors else None


def sdg_10c1_status(quarter: str | None = None) -> Sdg10c1Status | None:
    """SDG 10.c.1 for ``quarter`` (default: the latest quarter with real figures); None without figures."""
    from migdev.remittances.aggregates import SDG_CORRIDOR_LIMIT_PCT

    quarter = quarter or latest_quarter_with_figures()
    if not quarter:
        return None
    figures = figures_for_quarter(quarter)
    if not figures:
        return None
    average = figures.get(Measure.GLOBAL_AVERAGE, {}).get("")
    corridor_values = [value for value, _count in figures.get(Measure.CORRIDOR_AVERAGE, {}).values()]
    smart_values = [value for value, _count in figures.get(Measure.CORRIDOR_SMART, {}).values()]
    without_smart = figures.get(Measure.CORRIDORS_WITHOUT_SMART, {}).get("")
    return Sdg10c1Status(
        quarter=quarter,
        global_average=average[0] if average else None,
        services=average[1] if average else None,
        corridors=len(corridor_values),
        corridors_above=sum(1 for value in corridor_values if value > SDG_CORRIDOR_LIMIT_PCT),
        smart_corridors=len(smart_values),
        smart_corridors_above=sum(1 for value in smart_values if value > SDG_CORRIDOR_LIMIT_PCT),
        corridors_without_smart=int(without_smart[0]) if without_smart else 0,
        sources=tuple(sources_for_quarter(quarter)),
    )


# Published headline figures ---------------------------------------------------------------------


@dataclass(frozen=True)
class Headline:
    quarter: str
    metric: str
    value: float
    source: str


@lru_cache(maxsize=1)
def published_headlines() -> tuple[Headline, ...]:
    """The World Bank's published RPW headline figures shipped with the module (data/SOURCES.md)."""
    with (DATA_DIR / "wb_published_headlines.csv").open(encoding="utf-8") as handle:
        return tuple(
            Headline(row["quarter"], row["metric"], float(row["value_pct"]), row["source"])
            for row in csv.DictReader(handle)
        )


# The published metric each computed global measure is compared with.
HEADLINE_METRICS = {
    Measure.GLOBAL_AVERAGE: "global_average_usd200",
    Measure.GLOBAL_WEIGHTED_AVERAGE: "global_weighted_average",
    Measure.GLOBAL_SMART: "global_smart_average",
    Measure.SHARE_CORRIDORS_BELOW_5: "share_corridors_avg_below_5pct",
}


def headlines_for(quarter: str) -> dict[str, Headline]:
    return {h.metric: h for h in published_headlines() if h.quarter == quarter}


@dataclass(frozen=True)
class GlobalAverageBeside:
    """One quarter with a World Bank global average: the published value, ours, and what ours rests on."""

    quarter: str
    published: Headline
    computed: float | None
    services: float | None
    coverage: QuarterCoverage | None

    @property
    def difference(self) -> float | None:
        return None if self.computed is None else self.computed - self.published.value

    @property
    def corridors(self) -> int:
        if self.coverage is None:
            return 0
        return self.coverage.corridors_with_services + self.coverage.corridors_from_means

    @property
    def official_only(self) -> bool:
        """Only the World Bank's corridor averages are loaded: no service counts, so no pooled average."""
        return self.coverage is not None and self.corridors == 0 and self.coverage.corridors_official_only > 0


def global_averages_beside_published() -> list[GlobalAverageBeside]:
    """Every quarter where the World Bank published a global average (USD 200), with the one computed here."""
    metric = HEADLINE_METRICS[Measure.GLOBAL_AVERAGE]
    published = sorted(
        (h for h in published_headlines() if h.metric == metric), key=lambda h: Quarter.parse(h.quarter).index
    )
    quarters = [h.quarter for h in published]
    computed = {
        quarter: (value, observations)
        for quarter, value, observations in AggregateValue.objects.filter(
            measure=Measure.GLOBAL_AVERAGE, subject="", tier=AmountTier.USD200, quarter__in=quarters
        ).values_list("quarter", "value", "observations")
    }
    coverage = {
        row.quarter: row
        for row in QuarterCoverage.objects.filter(tier=AmountTier.USD200, quarter__in=quarters)
    }
    return [
        GlobalAverageBeside(
            quarter=h.quarter,
            published=h,
            computed=computed[h.quarter][0] if h.quarter in computed else None,
            services=computed[h.quarter][1] if h.quarter in computed else None,
            coverage=coverage.get(h.quarter),
        )
        for h in published
    ]


# Providers --------------------------------------------------------------------------------------


def providers() -> QuerySet[Provider]:
    return Provider.objects.order_by("name", "firm_type")


def provider_tokens(provider: Provider) -> QuerySet[ProviderToken]:
    return provider.tokens.order_by("-created_at")


# Downloads --------------------------------------------------------------------------------------


def figure_rows(*, tier: str | None = None) -> Iterator[dict[str, Any]]:
    rows = AggregateValue.objects.order_by("tier", "quarter", "measure", "subject")
    if tier:
        rows = rows.filter(tier=tier)
    for row in rows.values(
        "tier", "quarter", "measure", "subject", "value", "observations", "computed_at"
    ).iterator():
        yield dict(row)


def series_rows() -> Iterator[dict[str, Any]]:
    rows = CorridorSeriesValue.objects.order_by(
        "corridor__sending_country_id", "corridor__receiving_country_id", "series", "quarter"
    ).values(
        "corridor__sending_country_id",
        "corridor__receiving_country_id",
        "series",
        "quarter",
        "value",
        "services_count",
        "source__title",
        "source__edition",
        "source__licence",
    )
    for row in rows.iterator():
        yield {
            "sending_country": row["corridor__sending_country_id"],
            "receiving_country": row["corridor__receiving_country_id"],
            "series": row["series"],
            "quarter": row["quarter"],
            "value": row["value"],
            "services": row["services_count"],
            "source": row["source__title"],
            "edition": row["source__edition"],
            "licence": row["source__licence"],
        }


def quote_rows(*, quarter: str | None = None) -> Iterator[dict[str, Any]]:
    """Provider-level survey prices (never providers' own live quotes) with their source and edition.

    Sample (demo) prices come too, each row marked ``sample`` so that no one takes them for survey prices.
    """
    services = Service.objects.filter(origin__in=STATISTICAL_ORIGINS + SAMPLE_ORIGINS)
    if quarter:
        services = services.filter(quarter=quarter)
    rows = services.order_by(
        "quarter", "corridor__sending_country_id", "corridor__receiving_country_id", "pk"
    ).values(
        "quarter",
        "corridor__sending_country_id",
        "corridor__receiving_country_id",
        "provider__name",
        "provider__firm_type",
        "product",
        "payment_instrument",
        "access_point",
        "pickup_method",
        "speed",
        "transparent",
        "send_currency_id",
        "quotes__tier",
        "quotes__send_amount",
        "quotes__fee",
        "quotes__offered_rate",
        "quotes__interbank_rate",
        "quotes__fx_margin_pct",
        "quotes__total_cost_pct",
        "collected_on",
        "source__title",
        "source__edition",
        "source__licence",
        "origin",
    )
    for row in rows.iterator(chunk_size=5000):
        yield {
            "sample": row["origin"] in SAMPLE_ORIGINS,
            "quarter": row["quarter"],
            "sending_country": row["corridor__sending_country_id"],
            "receiving_country": row["corridor__receiving_country_id"],
            "provider": row["provider__name"],
            "firm_type": row["provider__firm_type"],
            "product": row["product"],
            "payment_instrument": row["payment_instrument"],
            "access_point": row["access_point"],
            "pickup_method": row["pickup_method"],
            "speed": row["speed"],
            "transparent": row["transparent"],
            "currency": row["send_currency_id"],
            "tier": row["quotes__tier"],
            "amount": row["quotes__send_amount"],
            "fee": row["quotes__fee"],
            "offered_rate": row["quotes__offered_rate"],
            "interbank_rate": row["quotes__interbank_rate"],
            "fx_margin_pct": row["quotes__fx_margin_pct"],
            "total_cost_pct": row["quotes__total_cost_pct"],
            "collected_on": row["collected_on"],
            "source": row["source__title"],
            "edition": row["source__edition"],
            "licence": row["source__licence"],
        }


@dataclass(frozen=True)
class CorridorRow:
    corridor: Corridor
    average: float | None
    services: float | None
    smart: float | None
    smart_services: float | None
    official: Decimal | None


def corridor_table(quarter: str, *, tier: str = AmountTier.USD200) -> list[CorridorRow]:
    """Every corridor with a figure in ``quarter``: computed average, SmaRT and the official value."""
    figures = figures_for_quarter(quarter, tier=tier)
    averages = figures.get(Measure.CORRIDOR_AVERAGE, {})
    smart = figures.get(Measure.CORRIDOR_SMART, {})
    official = (
        {
            f"{s}{r}": value
            for s, r, value in CorridorSeriesValue.objects.filter(
                quarter=quarter, series=CorridorSeriesValue.Series.OFFICIAL_AVERAGE_USD200
            ).values_list("corridor__sending_country_id", "corridor__receiving_country_id", "value")
        }
        if tier == AmountTier.USD200
        else {}
    )
    codes = set(averages) | set(smart) | set(official)
    rows = []
    for corridor in Corridor.objects.all():
        code = corridor.code
        if code not in codes:
            continue
        rows.append(
            CorridorRow(
                corridor=corridor,
                average=averages[code][0] if code in averages else None,
                services=averages[code][1] if code in averages else None,
                smart=smart[code][0] if code in smart else None,
                smart_services=smart[code][1] if code in smart else None,
                official=official.get(code),
            )
        )
    return rows


def global_history(*, tier: str = AmountTier.USD200) -> dict[str, dict[str, tuple[float, float]]]:
    """measure → quarter → (value, observations) for the global measures."""
    table: dict[str, dict[str, tuple[float, float]]] = defaultdict(dict)
    for measure, quarter, value, observations in AggregateValue.objects.filter(
        tier=tier, subject="", measure__in=[m for m in Measure.ALL if m not in Measure.SUBJECT]
    ).values_list("measure", "quarter", "value", "observations"):
        table[measure][quarter] = (value, observations)
    return dict(table)


def region_names() -> dict[str, str]:
    from migdev.reference.models import WorldBankGroup

    rows = WorldBankGroup.objects.filter(kind=WorldBankGroup.Kind.WB_REGION).values_list("code", "name")
    # In the reader's language where the module knows the region, as the World Bank names it otherwise.
    return {code: str(WORLD_BANK_REGION_LABELS.get(code, name)) for code, name in rows}


def country_names(codes: Iterable[str]) -> dict[str, str]:
    return {code: economy_name(code) for code in set(codes)}


def sources_for_quarter(quarter: str) -> list[PriceSource]:
    """The sources a quarter's figures rest on: survey services and imported corridor values."""
    ids = set(
        Service.objects.filter(quarter=quarter, origin__in=STATISTICAL_ORIGINS)
        .values_list("source_id", flat=True)
        .distinct()
    )
    ids |= set(
        CorridorSeriesValue.objects.filter(quarter=quarter).values_list("source_id", flat=True).distinct()
    )
    return list(PriceSource.objects.filter(id__in=ids).order_by("title", "edition"))
