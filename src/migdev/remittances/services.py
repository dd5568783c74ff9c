"""Every write of the remittances module.

Prices enter three ways: a researcher's form (:func:`service_record`), file imports (`loaders.py`, which use
the bulk helpers here) and providers through the API (:func:`provider_quotes_submit`). After a change to
prices, :func:`aggregates_recompute` rebuilds the stored figures of every quarter.
"""

from __future__ import annotations

import datetime
import hashlib
import secrets
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import connection, models, transaction
from django.db.models import Field
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from migdev.remittances import selectors
from migdev.remittances.aggregates import Measure, compute_aggregates
from migdev.remittances.economies import is_known_economy
from migdev.remittances.method import PriceError, fx_margin_pct, total_cost_pct
from migdev.remittances.models import (
    AggregateValue,
    ComparisonSnapshot,
    Corridor,
    PriceSource,
    Provider,
    ProviderToken,
    QuarterCoverage,
    Quote,
    Service,
)
from migdev.remittances.quarters import Quarter
from migdev.remittances.vocabulary import AmountTier, FirmType, NetworkCoverage, Origin, Speed, label_key

if TYPE_CHECKING:
    from migdev.accounts.models import User

PROVIDER_TOKEN_PREFIX = "rpt_"  # noqa: S105 - a marker, not a secret
DEFAULT_PROVIDER_QUOTE_MAX_AGE_HOURS = 24 * 7
DEFAULT_PROVIDER_TOKEN_DAYS = 90
MAX_PROVIDER_TOKEN_DAYS = 366


class ServiceInputError(ValueError):
    """A service or quote that cannot be recorded; ``field`` names the input at fault."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


def provider_quote_max_age() -> datetime.timedelta:
    hours = getattr(
        settings, "REMITTANCES_PROVIDER_QUOTE_MAX_AGE_HOURS", DEFAULT_PROVIDER_QUOTE_MAX_AGE_HOURS
    )
    return datetime.timedelta(hours=int(hours))


def product_key(
    *,
    product: str = "",
    payment_instrument: str = "",
    access_point: str = "",
    pickup_method: str = "",
    pickup_location: str = "",
    speed: str = "",
    network_coverage: str = "",
) -> str:
    """The identity of a product within provider × corridor × quarter: its descriptive fields, case-folded."""
    parts = [
        product,
        payment_instrument,
        access_point,
        pickup_method,
        pickup_location,
        speed,
        network_coverage,
    ]
    joined = "\x1f".join(label_key(part) for part in parts)
    return hashlib.sha256(joined.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class QuoteInput:
    send_amount: Decimal
    fee: Decimal
    offered_rate: Decimal
    interbank_rate: Decimal
    tier: str = AmountTier.OTHER
    usd_amount: Decimal | None = None
    source_fx_margin_pct: Decimal | None = None
    source_total_cost_pct: Decimal | None = None


def quote_fields(quote: QuoteInput) -> dict[str, object]:
    """Model fields of a quote, with margin and total cost computed by the RPW method."""
    return {
        "tier": quote.tier,
        "send_amount": quote.send_amount,
        "usd_amount": quote.usd_amount,
        "fee": quote.fee,
        "offered_rate": quote.offered_rate,
        "interbank_rate": quote.interbank_rate,
        "fx_margin_pct": round(
            fx_margin_pct(offered_rate=quote.offered_rate, interbank_rate=quote.interbank_rate), 6
        ),
        "total_cost_pct": round(
            total_cost_pct(
                send_amount=quote.send_amount,
                fee=quote.fee,
                offered_rate=quote.offered_rate,
                interbank_rate=quote.interbank_rate,
            ),
            6,
        ),
        "source_fx_margin_pct": quote.source_fx_margin_pct,
        "source_total_cost_pct": quote.source_total_cost_pct,
    }


# Largest magnitude each quote column can store (10 ** (max_digits - decimal_places)); beyond it the save
# itself fails, so such a quote is refused here as input, not left to become a server error.
_STORABLE_MAGNITUDE = {
    "send_amount": Decimal(10) ** 14,
    "fee": Decimal(10) ** 14,
    "offered_rate": Decimal(10) ** 14,
    "interbank_rate": Decimal(10) ** 14,
    "fx_margin_pct": Decimal(10) ** 8,
    "total_cost_pct": Decimal(10) ** 8,
}


def validate_quotes(quotes: Sequence[QuoteInput]) -> None:
    """Refuse negative fees, zero rates, repeated amounts or tiers and quotes too large to be prices,
    naming the quote at fault."""
    if not quotes:
        raise ServiceInputError("quotes", _("A service needs at least one quoted amount."))
    seen_amounts: set[Decimal] = set()
    seen_tiers: set[str] = set()
    for position, quote in enumerate(quotes):
        field = f"quotes.{position}"
        try:
            computed = quote_fields(quote)
        except PriceError as error:
            raise ServiceInputError(field, str(error)) from None
        except ArithmeticError:  # decimal.InvalidOperation: a margin too large to round
            computed = {}
        if not computed or any(
            not isinstance(computed[name], Decimal) or abs(computed[name]) >= bound  # type: ignore[arg-type]
            for name, bound in _STORABLE_MAGNITUDE.items()
        ):
            raise ServiceInputError(
                field,
                _(
                    "This quote is out of any plausible range: an amount, the fee or a rate is too large, or the rates are too far apart."
                ),
            )
        if quote.send_amount in seen_amounts:
            raise ServiceInputError(
                field, _("The amount %(amount)s is quoted twice.") % {"amount": quote.send_amount}
            )
        if quote.tier != AmountTier.OTHER and quote.tier in seen_tiers:
            raise ServiceInputError(field, _("The %(tier)s amount is quoted twice.") % {"tier": quote.tier})
        seen_amounts.add(quote.send_amount)
        seen_tiers.add(quote.tier)


def price_source_create(
    *,
    kind: str,
    title: str,
    edition: str = "",
    file_name: str = "",
    sha256: str = "",
    licence: str = "",
    attribution: str = "",
    user: User | None = None,
) -> PriceSource:
    return PriceSource.objects.create(
        kind=kind,
        title=title[:200],
        edition=edition[:100],
        file_name=file_name[:255],
        sha256=sha256,
        licence=licence,
        attribution=attribution,
        imported_by=user if user is not None and user.is_authenticated else None,
    )


def provider_get_or_create(*, name: str, firm_type: str) -> Provider:
    cleaned = " ".join(name.split())
    if not cleaned:
        raise ServiceInputError("provider", _("The provider needs a name."))
    if firm_type not in FirmType.values:
        raise ServiceInputError("firm_type", _("Unknown firm type %(value)s.") % {"value": firm_type})
    provider, _created = Provider.objects.get_or_create(name=cleaned[:200], firm_type=firm_type)
    return provider


def corridor_get_or_create(*, sending_iso3: str, receiving_iso3: str) -> Corridor:
    if sending_iso3 == receiving_iso3:
        raise ServiceInputError("receiving_country", _("The sending and receiving countries must differ."))
    # Corridors have no database constraint on their codes (Kosovo has no ISO row), so check them here.
    for field, code in (("sending_country", sending_iso3), ("receiving_country", receiving_iso3)):
        if not is_known_economy(code):
            raise ServiceInputError(field, _("unknown country code %(code)s") % {"code": code})
    corridor, _created = Corridor.objects.get_or_create(
        sending_country_id=sending_iso3, receiving_country_id=receiving_iso3
    )
    return corridor


@transaction.atomic
def service_record(
    *,
    provider: Provider,
    corridor: Corridor,
    quarter: Quarter,
    send_currency: str,
    quotes: Sequence[QuoteInput],
    origin: str,
    source: PriceSource,
    receive_currency: str | None = None,
    product: str = "",
    payment_instrument: str = "",
    access_point: str = "",
    pickup_method: str = "",
    pickup_location: str = "",
    speed: str = "",
    transparent: bool | None = None,
    network_coverage: str = "",
    collected_on: datetime.date | None = None,
    collected_by: User | None = None,
    collector_name: str = "",
    note: str = "",
    expires_at: datetime.datetime | None = None,
    replace_existing: bool = False,
    recompute: bool = True,
) -> Service:
    """Record one service and its quotes.

    A service that already exists for the same provider, corridor, quarter and product is a duplicate and
    is refused, unless ``replace_existing`` (providers re-quoting) replaces its quotes.
    """
    validate_quotes(quotes)
    if speed and speed not in Speed.values:
        raise ServiceInputError("speed", _("Unknown speed %(value)s.") % {"value": speed})
    if network_coverage and network_coverage not in NetworkCoverage.values:
        raise ServiceInputError(
            "network_coverage", _("Unknown coverage %(value)s.") % {"value": network_coverage}
        )
    key = product_key(
        product=product,
        payment_instrument=payment_instrument,
        access_point=access_point,
        pickup_method=pickup_method,
        pickup_location=pickup_location,
        speed=speed,
        network_coverage=network_coverage,
    )
    now = timezone.now()
    fields = {
        "product": product,
        "payment_instrument": payment_instrument,
        "access_point": access_point,
        "pickup_method": pickup_method,
        "pickup_location": pickup_location,
        "speed": speed,
        "transparent": transparent,
        "network_coverage": network_coverage,
        "send_currency_id": send_currency,
        "receive_currency_id": receive_currency,
        "origin": origin,
        "source": source,
        "collected_on": collected_on,
        "collected_by": collected_by if collected_by is not None and collected_by.is_authenticated else None,
        "collector_name": collector_name,
        "note": note,
        "expires_at": expires_at,
        "updated_at": now,
    }
    existing = (
        Service.objects.select_for_update()
        .filter(provider=provider, corridor=corridor, quarter=str(quarter), product_key=key)
        .first()
    )
    if existing is not None and not replace_existing:
        raise ServiceInputError(
            "product",
            _(
                "%(provider)s already has this product in %(corridor)s for %(quarter)s; change that entry instead."
            )
            % {"provider": provider.name, "corridor": corridor, "quarter": quarter},
        )
    if existing is not None:
        for name, value in fields.items():
            setattr(existing, name, value)
        existing.save()
        existing.quotes.all().delete()
        service = existing
    else:
        service = Service.objects.create(
            provider=provider, corridor=corridor, quarter=str(quarter), product_key=key, **fields
        )
    Quote.objects.bulk_create([Quote(service=service, **quote_fields(quote)) for quote in quotes])
    comparison_snapshots_refresh([corridor])
    if recompute and origin != Origin.PROVIDER_API:
        transaction.on_commit(aggregates_recompute_soon)
    return service


@transaction.atomic
def researcher_service_record(
    *,
    user: User,
    provider_name: str,
    firm_type: str,
    sending_country: str,
    receiving_country: str,
    quarter: Quarter,
    collected_on: datetime.date,
    send_currency: str,
    receive_currency: str,
    quotes: Sequence[QuoteInput],
    request: HttpRequest | None = None,
    product: str = "",
    payment_instrument: str = "",
    access_point: str = "",
    pickup_method: str = "",
    speed: str = "",
    transparent: bool | None = None,
    network_coverage: str = "",
    note: str = "",
) -> Service:
    """A price collected by a researcher (the collector and the date are recorded with it)."""
    provider = provider_get_or_create(name=provider_name, firm_type=firm_type)
    corridor = corridor_get_or_create(sending_iso3=sending_country, receiving_iso3=receiving_country)
    title = "Researcher collection"  # stored data, not interface text: not translated
    source = PriceSource.objects.filter(kind=PriceSource.Kind.RESEARCHER, edition=str(quarter)).first() or (
        price_source_create(kind=PriceSource.Kind.RESEARCHER, title=title, edition=str(quarter), user=user)
    )
    service = service_record(
        provider=provider,
        corridor=corridor,
        quarter=quarter,
        send_currency=send_currency,
        receive_currency=receive_currency,
        quotes=quotes,
        origin=Origin.RESEARCHER,
        source=source,
        product=product,
        payment_instrument=payment_instrument,
        access_point=access_point,
        pickup_method=pickup_method,
        speed=speed,
        transparent=transparent,
        network_coverage=network_coverage,
        collected_on=collected_on,
        collected_by=user,
        collector_name=user.get_full_name() or user.get_username(),
        note=note,
    )
    _audit(
        action="create",
        user=user,
        record=service,
        detail={"corridor": corridor.code, "quarter": str(quarter), "provider": provider.name},
        request=request,
    )
    return service


# Provider tokens and provider quotes ---------------------------------------------------------------


def _hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


@transaction.atomic
def provider_token_create(
    *,
    provider: Provider,
    user: User | None,
    label: str = "",
    lifetime_days: int = DEFAULT_PROVIDER_TOKEN_DAYS,
) -> tuple[ProviderToken, str]:
    """A new token for ``provider``; returns the row and the secret, which is not stored and shown once."""
    if not 1 <= lifetime_days <= MAX_PROVIDER_TOKEN_DAYS:
        raise ServiceInputError(
            "lifetime_days",
            _("A token lives between 1 and %(days)d days.") % {"days": MAX_PROVIDER_TOKEN_DAYS},
        )
    raw = PROVIDER_TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ProviderToken.objects.create(
        provider=provider,
        label=label[:100],
        token_prefix=raw[:12],
        token_hash=_hash_token(raw),
        created_by=user if user is not None and user.is_authenticated else None,
        expires_at=timezone.now() + datetime.timedelta(days=lifetime_days),
    )
    _audit(
        action="token_create",
        user=user,
        record=token,
        detail={"provider": provider.name, "days": lifetime_days},
    )
    return token, raw


@transaction.atomic
def provider_token_revoke(*, token: ProviderToken, user: User | None) -> ProviderToken:
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        _audit(action="token_revoke", user=user, record=token, detail={"provider": token.provider.name})
    return token


def provider_token_authenticate(raw: str) -> ProviderToken | None:
    """The usable token with this secret, or None; records when it was last used."""
    if not raw.startswith(PROVIDER_TOKEN_PREFIX):
        return None
    now = timezone.now()
    token = (
        ProviderToken.objects.select_related("provider")
        .filter(token_hash=_hash_token(raw), revoked_at__isnull=True, expires_at__gt=now)
        .first()
    )
    if token is not None:
        ProviderToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token


@dataclass(frozen=True)
class ProviderQuoteInput:
    sending_country: str
    receiving_country: str
    send_currency: str
    receive_currency: str
    quotes: Sequence[QuoteInput]
    product: str = ""
    payment_instrument: str = ""
    access_point: str = ""
    pickup_method: str = ""
    speed: str = ""
    transparent: bool = True


def provider_quotes_submit(*, token: ProviderToken, offers: Sequence[ProviderQuoteInput]) -> list[Service]:
    """A provider's current prices; each replaces the provider's earlier quote for the same product.

    Quotes expire after ``REMITTANCES_PROVIDER_QUOTE_MAX_AGE_HOURS`` (a week by default): a price nobody
    confirms is not shown to migrants as current. All offers are stored or none.
    """
    from migdev.reference.models import Country, Currency

    now = timezone.now()
    quarter = Quarter.containing(timezone.localdate(now))
    with transaction.atomic():
        source = PriceSource.objects.filter(
            kind=PriceSource.Kind.PROVIDER_API, title=token.provider.name
        ).first() or price_source_create(
            kind=PriceSource.Kind.PROVIDER_API,
            title=token.provider.name,
            edition="live quotes",
        )
        services = []
        for position, offer in enumerate(offers):
            prefix = f"offers.{position}"
            for field, code, model, lookup in (
                ("sending_country", offer.sending_country, Country, "iso3"),
                ("receiving_country", offer.receiving_country, Country, "iso3"),
                ("send_currency", offer.send_currency, Currency, "code"),
                ("receive_currency", offer.receive_currency, Currency, "code"),
            ):
                if not model.objects.filter(**{lookup: code}).exists():
                    raise ServiceInputError(f"{prefix}.{field}", _("Unknown code %(code)s.") % {"code": code})
            try:
                corridor = corridor_get_or_create(
                    sending_iso3=offer.sending_country, receiving_iso3=offer.receiving_country
                )
                services.append(
                    service_record(
                        provider=token.provider,
                        corridor=corridor,
                        quarter=quarter,
                        send_currency=offer.send_currency,
                        receive_currency=offer.receive_currency,
                        quotes=offer.quotes,
                        origin=Origin.PROVIDER_API,
                        source=source,
                        product=offer.product,
                        payment_instrument=offer.payment_instrument,
                        access_point=offer.access_point,
                        pickup_method=offer.pickup_method,
                        speed=offer.speed,
                        transparent=offer.transparent,
                        collected_on=timezone.localdate(now),
                        collector_name=token.provider.name,
                        expires_at=now + provider_quote_max_age(),
                        replace_existing=True,
                        recompute=False,
                    )
                )
            except ServiceInputError as error:
                raise ServiceInputError(f"{prefix}.{error.field}", error.message) from None
    return services


def provider_quotes_purge_expired(*, older_than: datetime.timedelta = datetime.timedelta(days=90)) -> int:
    """Delete provider quotes that expired more than ``older_than`` ago (they are hidden once expired)."""
    cutoff = timezone.now() - older_than
    expired = Service.objects.filter(origin=Origin.PROVIDER_API, expires_at__lt=cutoff)
    with transaction.atomic():
        corridor_ids = set(expired.values_list("corridor_id", flat=True))
        count = expired.count()
        Quote.objects.filter(service__in=expired).delete()
        expired.delete()
        comparison_snapshots_refresh(Corridor.objects.filter(pk__in=corridor_ids))
    return count


def comparison_snapshots_refresh(corridors: Iterable[Corridor] | None = None) -> int:
    """Rebuild the comparison page's rows (models.ComparisonSnapshot) of ``corridors`` (default: every
    corridor, dropping rows of corridors that are gone) and the list of comparable corridors.

    Called in the transaction that changes prices: by :func:`service_record` (forms, the API, providers'
    quotes), by :func:`provider_quotes_purge_expired`, and by :func:`aggregates_recompute`, which every
    file import and the demo seed end with.
    """
    now = timezone.now()
    everything = corridors is None
    chosen = list(Corridor.objects.all() if corridors is None else corridors)
    snapshots = [
        ComparisonSnapshot(
            key=corridor.code, payload=selectors.corridor_comparison_payload(corridor), refreshed_at=now
        )
        for corridor in chosen
    ]
    snapshots.append(
        ComparisonSnapshot(
            key=selectors.COMPARABLE_CORRIDORS_KEY,
            # A new version with every rewrite: what pages keep from the snapshots is kept under it.
            payload={**selectors.comparable_corridors_payload(), "version": uuid.uuid4().hex},
            refreshed_at=now,
        )
    )
    with transaction.atomic():
        if everything:
            ComparisonSnapshot.objects.all().delete()
        else:
            ComparisonSnapshot.objects.filter(key__in=[snapshot.key for snapshot in snapshots]).delete()
        ComparisonSnapshot.objects.bulk_create(snapshots, batch_size=500)
    return len(chosen)


SOURCE_FIELD_LENGTHS = {
    "title": 200,
    "edition": 100,
    "licence": 100,
    "attribution": 300,
}  # the columns' sizes
SOURCE_EDITABLE_FIELDS = tuple(SOURCE_FIELD_LENGTHS)
PROVIDER_EDITABLE_FIELDS = ("name", "firm_type", "website")


@transaction.atomic
def price_source_update(*, source: PriceSource, user: User | None = None, **values: str) -> PriceSource:
    """Correct a source's title, edition, licence or attribution. The comparison snapshots copy them (so a
    page answers in one query), so every corridor citing the source is rebuilt in the same transaction."""
    unknown = set(values) - set(SOURCE_EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"not editable: {', '.join(sorted(unknown))}")
    cut = {name: value[: SOURCE_FIELD_LENGTHS[name]] for name, value in values.items()}
    changed = {name: value for name, value in cut.items() if getattr(source, name) != value}
    if not changed:
        return source
    before = {name: getattr(source, name) for name in changed}
    for name, value in changed.items():
        setattr(source, name, value)
    source.save(update_fields=list(changed))
    corridors = Corridor.objects.filter(
        models.Q(services__source=source) | models.Q(series_values__source=source)
    ).distinct()
    comparison_snapshots_refresh(corridors)
    _audit(
        action="update",
        user=user,
        record=source,
        detail={name: [before[name], changed[name]] for name in changed},
    )
    return source


@transaction.atomic
def provider_update(*, provider: Provider, user: User | None = None, **values: str) -> Provider:
    """Correct a provider's name, firm type or website; its corridors' comparison snapshots are rebuilt in
    the same transaction."""
    unknown = set(values) - set(PROVIDER_EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"not editable: {', '.join(sorted(unknown))}")
    if "name" in values:
        values["name"] = " ".join(values["name"].split())[:200]
        if not values["name"]:
            raise ServiceInputError("provider", _("The provider needs a name."))
    if "firm_type" in values and values["firm_type"] not in FirmType.values:
        raise ServiceInputError(
            "firm_type", _("Unknown firm type %(value)s.") % {"value": values["firm_type"]}
        )
    changed = {name: value for name, value in values.items() if getattr(provider, name) != value}
    if not changed:
        return provider
    before = {name: getattr(provider, name) for name in changed}
    for name, value in changed.items():
        setattr(provider, name, value)
    provider.save(update_fields=list(changed))
    comparison_snapshots_refresh(Corridor.objects.filter(services__provider=provider).distinct())
    _audit(
        action="update",
        user=user,
        record=provider,
        detail={name: [before[name], changed[name]] for name in changed},
    )
    return provider


# Aggregates ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RecomputeSummary:
    quarters: int
    figures: int
    rows_read: int


def aggregates_recompute_soon() -> None:
    """After a commit: queue one recompute, unless one is already waiting (it will see this change too)."""
    from migdev.jobs.models import Job
    from migdev.jobs.services import job_enqueue

    if not Job.objects.filter(kind=RECOMPUTE_JOB_KIND, status=Job.Status.QUEUED).exists():
        job_enqueue(kind=RECOMPUTE_JOB_KIND, payload={})


RECOMPUTE_JOB_KIND = "remittances.recompute"


@transaction.atomic
def aggregates_recompute() -> RecomputeSummary:
    """Rebuild every stored figure of every quarter from the prices in the database."""
    data = selectors.aggregate_inputs()
    result = compute_aggregates(
        data.quotes,
        data.corridors,
        country_count=len(data.country_codes),
        region_count=len(data.region_codes),
        firm_type_count=len(data.firm_type_codes),
        flows=data.flows,
    )
    now = timezone.now()
    subject_names = {
        "corridor": data.corridor_codes,
        "country": data.country_codes,
        "region": data.region_codes,
        "firm_type": data.firm_type_codes,
    }
    rows: list[tuple[Any, ...]] = []
    stamp = connection.ops.adapt_datetimefield_value(now)
    for measure in Measure.ALL:
        names = subject_names.get(Measure.SUBJECT.get(measure, ""), [])
        quarter_text: dict[int, str] = {}
        for tier, quarter_index, subject, value, observations in result[measure].rows():
            if quarter_index not in quarter_text:
                quarter_text[quarter_index] = str(Quarter.from_index(quarter_index))
            rows.append(
                (
                    data.tier_codes[tier],
                    quarter_text[quarter_index],
                    measure,
                    names[subject] if subject >= 0 else "",
                    value,
                    observations,
                    stamp,
                )
            )
    AggregateValue.objects.all().delete()
    insert_many(
        AggregateValue,
        ["tier", "quarter", "measure", "subject", "value", "observations", "computed_at"],
        rows,
    )
    QuarterCoverage.objects.all().delete()
    QuarterCoverage.objects.bulk_create(
        [
            QuarterCoverage(tier=tier, quarter=quarter, computed_at=now, **counts)
            for (tier, quarter), counts in data.coverage.items()
        ],
        batch_size=2000,
    )
    comparison_snapshots_refresh()
    return RecomputeSummary(quarters=len(data.coverage), figures=len(rows), rows_read=len(data.quotes))


def insert_many(model: type[models.Model], fields: list[str], rows: list[tuple[Any, ...]]) -> None:
    """Plain multi-row INSERTs: the figures are recomputed wholesale, and building tens of thousands of model
    instances for bulk_create costs several times more than the database work."""
    table = connection.ops.quote_name(model._meta.db_table)
    model_fields = [model._meta.get_field(name) for name in fields]
    columns = ", ".join(
        connection.ops.quote_name(field.column) for field in model_fields if isinstance(field, Field)
    )
    placeholders = ", ".join(["%s"] * len(fields))
    with connection.cursor() as cursor:
        for start in range(0, len(rows), 5000):
            cursor.executemany(
                f"INSERT INTO {table} ({columns}) VALUES ({placeholders})",  # noqa: S608 - names from the model
                rows[start : start + 5000],
            )


def _audit(
    *,
    action: str,
    user: User | None,
    record: models.Model,
    detail: dict[str, object],
    request: HttpRequest | None = None,
) -> None:
    from migdev.audit.services import audit_log

    audit_log(
        action=action,
        request=request,
        actor=user if user is not None and user.is_authenticated else None,
        record=record,
        detail=detail,
    )
