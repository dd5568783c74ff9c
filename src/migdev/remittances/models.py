"""Remittance prices: providers, corridors, services and their quotes, published corridor series, flows,
and the aggregates computed from them.

A *service* is one firm's product in one corridor in one quarter (RPW's unit of observation); it is priced
by one *quote* per amount (the USD 200 and USD 500 equivalents, or any amount a provider quotes). Figures
published elsewhere (World Bank DataBank, corridor means derived from the RPW workbook) are kept apart in
:class:`CorridorSeriesValue`. Every row points at the :class:`PriceSource` edition it came from.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from migdev.remittances.aggregates import Measure
from migdev.remittances.economies import economy_name
from migdev.remittances.vocabulary import AmountTier, FirmType, NetworkCoverage, Origin, Speed

QUARTER_MAX_LENGTH = 6  # "2016Q2"


class PriceSource(models.Model):
    """One edition of one source: an imported file, a provider's feed, a researcher's collection."""

    class Kind(models.TextChoices):
        RPW_WORKBOOK = "rpw_workbook", _("RPW provider-level workbook")
        RPW_DATABANK = "rpw_databank", _("World Bank DataBank, RPW corridor series")
        RPW_CORRIDOR_MEANS = "rpw_corridor_means", _("Corridor-quarter means from the RPW workbook")
        REMITTANCE_FLOWS = "remittance_flows", _("Bilateral remittance flows")
        PROVIDER_API = "provider_api", _("Provider quotes through the API")
        RESEARCHER = "researcher", _("Researcher collection")
        DEMO = "demo", _("Demonstration data")

    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=200)
    edition = models.CharField(_("edition"), max_length=100, blank=True)
    file_name = models.CharField(_("file name"), max_length=255, blank=True)
    sha256 = models.CharField(_("SHA-256 of the file"), max_length=64, blank=True)
    licence = models.CharField(_("licence"), max_length=100, blank=True)
    attribution = models.CharField(_("attribution"), max_length=300, blank=True)
    imported_at = models.DateTimeField(_("imported at"), default=timezone.now)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-imported_at"]
        verbose_name = _("price source")
        verbose_name_plural = _("price sources")

    def __str__(self) -> str:
        return f"{self.title} ({self.edition})" if self.edition else self.title


class Provider(models.Model):
    """A remittance service provider (RPW's "firm")."""

    name = models.CharField(_("name"), max_length=200)
    firm_type = models.CharField(_("firm type"), max_length=20, choices=FirmType.choices)
    website = models.URLField(_("website"), blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        ordering = ["name"]
        verbose_name = _("provider")
        verbose_name_plural = _("providers")
        constraints = [
            models.UniqueConstraint(
                fields=["name", "firm_type"], name="remittances_provider_name_type_unique"
            )
        ]

    def __str__(self) -> str:
        return self.name


class ProviderToken(models.Model):
    """A secret that lets one provider send its own quotes through the API until it expires.

    Only a SHA-256 of the token is stored; the token itself is shown once, when it is made.
    """

    provider = models.ForeignKey(Provider, on_delete=models.CASCADE, related_name="tokens")
    label = models.CharField(_("label"), max_length=100, blank=True)
    token_prefix = models.CharField(_("token prefix"), max_length=16)
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    expires_at = models.DateTimeField(_("expires at"))
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("provider token")
        verbose_name_plural = _("provider tokens")

    def __str__(self) -> str:
        return f"{self.provider} {self.token_prefix}…"


class Corridor(models.Model):
    """Sending country → receiving country. Keys are ISO alpha-3 codes, so ``sending_country_id`` is "GBR"."""

    # No database constraint: RPW prices corridors to Kosovo (XKX), a World Bank economy without an ISO row.
    # Loaders accept only codes of the country table or of the World Bank's economies.
    sending_country = models.ForeignKey(
        "reference.Country",
        to_field="iso3",
        on_delete=models.PROTECT,
        db_constraint=False,
        related_name="remittance_corridors_out",
        verbose_name=_("sending country"),
    )
    receiving_country = models.ForeignKey(
        "reference.Country",
        to_field="iso3",
        on_delete=models.PROTECT,
        db_constraint=False,
        related_name="remittance_corridors_in",
        verbose_name=_("receiving country"),
    )

    class Meta:
        ordering = ["sending_country_id", "receiving_country_id"]
        verbose_name = _("corridor")
        verbose_name_plural = _("corridors")
        constraints = [
            models.UniqueConstraint(
                fields=["sending_country", "receiving_country"], name="remittances_corridor_unique"
            ),
            models.CheckConstraint(
                condition=~Q(sending_country=models.F("receiving_country")),
                name="remittances_corridor_two_countries",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.sending_country_id} → {self.receiving_country_id}"

    @property
    def code(self) -> str:
        """RPW's corridor code: sending then receiving alpha-3 ("GBRIND")."""
        return f"{self.sending_country_id}{self.receiving_country_id}"

    @property
    def slug(self) -> str:
        """The corridor in URLs: "GBR-IND"."""
        return f"{self.sending_country_id}-{self.receiving_country_id}"

    @property
    def sending_name(self) -> str:
        """The sending country's name in the active language (Kosovo's too, which has no country row)."""
        return economy_name(str(self.sending_country_id))

    @property
    def receiving_name(self) -> str:
        return economy_name(str(self.receiving_country_id))


class Service(models.Model):
    """One provider's product in one corridor in one quarter, with how and when it was observed."""

    provider = models.ForeignKey(Provider, on_delete=models.PROTECT, related_name="services")
    corridor = models.ForeignKey(Corridor, on_delete=models.PROTECT, related_name="services")
    quarter = models.CharField(_("quarter"), max_length=QUARTER_MAX_LENGTH, db_index=True)
    product = models.CharField(_("product"), max_length=200, blank=True)
    payment_instrument = models.CharField(_("payment instrument"), max_length=200, blank=True)
    access_point = models.CharField(_("access point"), max_length=200, blank=True)
    pickup_method = models.CharField(_("pick-up method"), max_length=200, blank=True)
    pickup_location = models.CharField(_("pick-up location"), max_length=200, blank=True)
    speed = models.CharField(_("speed"), max_length=20, choices=Speed.choices, blank=True)
    transparent = models.BooleanField(_("exchange rate disclosed"), null=True)
    network_coverage = models.CharField(
        _("receiving network coverage"), max_length=10, choices=NetworkCoverage.choices, blank=True
    )
    # The product's identity within provider × corridor × quarter: its descriptive fields, case-folded.
    product_key = models.CharField(max_length=64)
    send_currency = models.ForeignKey(
        "reference.Currency", to_field="code", on_delete=models.PROTECT, related_name="+"
    )
    receive_currency = models.ForeignKey(
        "reference.Currency",
        to_field="code",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    origin = models.CharField(_("origin"), max_length=20, choices=Origin.choices)
    source = models.ForeignKey(PriceSource, on_delete=models.PROTECT, related_name="services")
    source_row_id = models.CharField(_("row id in the source"), max_length=40, blank=True)
    collected_on = models.DateField(_("collected on"), null=True, blank=True)
    collected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("collected by"),
    )
    collector_name = models.CharField(_("collector"), max_length=200, blank=True)
    note = models.TextField(_("note"), blank=True)
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)

    class Meta:
        ordering = ["corridor", "quarter", "provider"]
        verbose_name = _("service")
        verbose_name_plural = _("services")
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "corridor", "quarter", "product_key"], name="remittances_service_unique"
            )
        ]
        indexes = [
            models.Index(fields=["corridor", "quarter"], name="remittances_service_cq"),
            models.Index(fields=["origin", "expires_at"], name="remittances_service_expiry"),
        ]

    def __str__(self) -> str:
        return f"{self.provider} {self.product or ''} {self.corridor} {self.quarter}".replace("  ", " ")


class Quote(models.Model):
    """The price of sending one amount with one service; margin and total cost follow the RPW method."""

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="quotes")
    tier = models.CharField(_("amount tier"), max_length=10, choices=AmountTier.choices)
    send_amount = models.DecimalField(_("amount sent"), max_digits=18, decimal_places=4)
    usd_amount = models.DecimalField(
        _("USD equivalent"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    fee = models.DecimalField(_("fee"), max_digits=18, decimal_places=4)
    offered_rate = models.DecimalField(_("exchange rate offered"), max_digits=24, decimal_places=10)
    interbank_rate = models.DecimalField(_("interbank exchange rate"), max_digits=24, decimal_places=10)
    fx_margin_pct = models.DecimalField(_("exchange-rate margin (%)"), max_digits=14, decimal_places=6)
    total_cost_pct = models.DecimalField(_("total cost (%)"), max_digits=14, decimal_places=6)
    # As the source printed them, to check the recomputation (RPW cc1 rows agree to 0.01 points).
    source_fx_margin_pct = models.DecimalField(max_digits=14, decimal_places=6, null=True, blank=True)
    source_total_cost_pct = models.DecimalField(max_digits=14, decimal_places=6, null=True, blank=True)

    class Meta:
        ordering = ["service", "send_amount"]
        verbose_name = _("quote")
        verbose_name_plural = _("quotes")
        constraints = [
            models.UniqueConstraint(
                fields=["service", "send_amount"], name="remittances_quote_amount_unique"
            ),
            models.UniqueConstraint(
                fields=["service", "tier"], condition=~Q(tier="other"), name="remittances_quote_tier_unique"
            ),
            models.CheckConstraint(condition=Q(fee__gte=0), name="remittances_quote_fee_not_negative"),
            models.CheckConstraint(condition=Q(send_amount__gt=0), name="remittances_quote_amount_positive"),
            models.CheckConstraint(
                condition=Q(offered_rate__gt=0) & Q(interbank_rate__gt=0),
                name="remittances_quote_rates_positive",
            ),
        ]
        indexes = [models.Index(fields=["tier", "service"], name="remittances_quote_tier")]

    def __str__(self) -> str:
        return f"{self.service} {self.send_amount}"


class CorridorSeriesValue(models.Model):
    """A corridor figure published by someone else: kept apart from what the project computes."""

    class Series(models.TextChoices):
        OFFICIAL_AVERAGE_USD200 = "official_usd200", _("World Bank corridor average (USD 200)")
        MEAN_COST_USD200 = "mean_cost_usd200", _("Mean total cost over the corridor's services (USD 200)")
        MEAN_COST_USD500 = "mean_cost_usd500", _("Mean total cost over the corridor's services (USD 500)")
        MEAN_MARGIN_USD200 = "mean_margin_usd200", _("Mean exchange-rate margin (USD 200)")
        MEAN_MARGIN_USD500 = "mean_margin_usd500", _("Mean exchange-rate margin (USD 500)")

    series = models.CharField(_("series"), max_length=30, choices=Series.choices)
    corridor = models.ForeignKey(Corridor, on_delete=models.PROTECT, related_name="series_values")
    quarter = models.CharField(_("quarter"), max_length=QUARTER_MAX_LENGTH)
    value = models.DecimalField(_("value (%)"), max_digits=14, decimal_places=8)
    services_count = models.PositiveIntegerField(_("services"), null=True, blank=True)
    source = models.ForeignKey(PriceSource, on_delete=models.PROTECT, related_name="series_values")

    class Meta:
        ordering = ["corridor", "series", "quarter"]
        verbose_name = _("published corridor value")
        verbose_name_plural = _("published corridor values")
        constraints = [
            models.UniqueConstraint(
                fields=["series", "corridor", "quarter"], name="remittances_series_unique"
            )
        ]
        indexes = [models.Index(fields=["quarter", "series"], name="remittances_series_quarter")]

    def __str__(self) -> str:
        return f"{self.series} {self.corridor} {self.quarter} {self.value}"


class RemittanceFlow(models.Model):
    """Estimated remittances from one country to another in a year, for weighting corridor averages."""

    sending_country = models.ForeignKey(
        "reference.Country", to_field="iso3", on_delete=models.PROTECT, db_constraint=False, related_name="+"
    )
    receiving_country = models.ForeignKey(
        "reference.Country", to_field="iso3", on_delete=models.PROTECT, db_constraint=False, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    usd_millions = models.DecimalField(_("USD millions"), max_digits=14, decimal_places=3)
    source = models.ForeignKey(PriceSource, on_delete=models.PROTECT, related_name="flows")

    class Meta:
        ordering = ["year", "sending_country", "receiving_country"]
        verbose_name = _("remittance flow")
        verbose_name_plural = _("remittance flows")
        constraints = [
            models.UniqueConstraint(
                fields=["sending_country", "receiving_country", "year"], name="remittances_flow_unique"
            ),
            models.CheckConstraint(condition=Q(usd_millions__gte=0), name="remittances_flow_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.sending_country_id} → {self.receiving_country_id} {self.year}"


class AggregateValue(models.Model):
    """One computed figure: a measure for a subject (corridor, country, region, firm type; blank = global)."""

    tier = models.CharField(_("amount tier"), max_length=10, choices=AmountTier.choices)
    quarter = models.CharField(_("quarter"), max_length=QUARTER_MAX_LENGTH)
    measure = models.CharField(_("measure"), max_length=40, choices=[(m, m) for m in Measure.ALL])
    subject = models.CharField(_("subject"), max_length=12, blank=True)
    value = models.FloatField(_("value"))
    observations = models.FloatField(_("observations"))
    computed_at = models.DateTimeField(_("computed at"), default=timezone.now)

    class Meta:
        ordering = ["tier", "quarter", "measure", "subject"]
        verbose_name = _("computed figure")
        verbose_name_plural = _("computed figures")
        constraints = [
            models.UniqueConstraint(
                fields=["tier", "quarter", "measure", "subject"], name="remittances_aggregate_unique"
            )
        ]
        indexes = [models.Index(fields=["measure", "subject", "tier"], name="remittances_aggregate_subject")]

    def __str__(self) -> str:
        return f"{self.measure} {self.subject or 'global'} {self.quarter} {self.value:.2f}"


class QuarterCoverage(models.Model):
    """What the figures of a quarter rest on, shown beside them."""

    tier = models.CharField(_("amount tier"), max_length=10, choices=AmountTier.choices)
    quarter = models.CharField(_("quarter"), max_length=QUARTER_MAX_LENGTH)
    services = models.PositiveIntegerField(_("services"))
    corridors_with_services = models.PositiveIntegerField(_("corridors with services"))
    corridors_from_means = models.PositiveIntegerField(_("corridors from imported means"))
    corridors_official_only = models.PositiveIntegerField(_("corridors with only the official average"))
    computed_at = models.DateTimeField(_("computed at"), default=timezone.now)

    class Meta:
        ordering = ["tier", "quarter"]
        constraints = [
            models.UniqueConstraint(fields=["tier", "quarter"], name="remittances_coverage_unique")
        ]

    def __str__(self) -> str:
        return f"{self.tier} {self.quarter}"


class ComparisonSnapshot(models.Model):
    """What the comparison page shows for one corridor, precomputed when its prices are written.

    ``key`` is the corridor's code ("GBRIND"), or ``"*"`` for the list of comparable corridors the page's
    country menus offer. The payload is plain JSON (amounts as decimal strings, each source with its title,
    edition and licence), so a page reads one row per corridor instead of joining services, quotes and
    sources; ``services.comparison_snapshots_refresh`` rebuilds it in the transaction that changes prices.
    """

    key = models.CharField(primary_key=True, max_length=8)
    payload = models.JSONField()
    refreshed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("comparison snapshot")
        verbose_name_plural = _("comparison snapshots")

    def __str__(self) -> str:
        return self.key
