"""What the pages show, assembled from selectors: charts, SDG 10.c.1 status, published-versus-computed rows."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Context, Decimal, getcontext
from functools import cached_property

from django.conf import settings
from django.utils import numberformat
from django.utils.formats import date_format, get_format
from django.utils.html import escape
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from migdev.remittances.aggregates import SDG_CORRIDOR_LIMIT_PCT, SDG_GLOBAL_TARGET_PCT, Measure
from migdev.remittances.charts import ChartSeries, LineChart, ReferenceLine, render_line_chart
from migdev.remittances.method import (
    ESTIMATED,
    NO_FEE_COSTS_MORE,
    PROMOTIONAL_RATE,
    RATE_NOT_DISCLOSED,
    Offer,
    RankedOffer,
)
from migdev.remittances.quarters import Quarter, quarter_or_none
from migdev.remittances.selectors import HEADLINE_METRICS, CorridorQuarter, CountryQuarter, Headline
from migdev.remittances.vocabulary import Origin, Speed, service_label


def quarter_axis(quarters: Sequence[str]) -> list[str]:
    """Every quarter from the first to the last given, so gaps in the data show as gaps in the line."""
    parsed = sorted(q for q in (quarter_or_none(text) for text in quarters) if q is not None)
    if not parsed:
        return []
    return [str(Quarter.from_index(index)) for index in range(parsed[0].index, parsed[-1].index + 1)]


def target_lines() -> tuple[ReferenceLine, ...]:
    return (
        ReferenceLine(SDG_CORRIDOR_LIMIT_PCT, _("corridor limit, 5 %")),
        ReferenceLine(SDG_GLOBAL_TARGET_PCT, _("3 % target")),
    )


def corridor_chart(history: Sequence[CorridorQuarter], *, corridor_name: str) -> SafeString:
    axis = quarter_axis([row.quarter for row in history])
    by_quarter = {row.quarter: row for row in history}
    rows = [by_quarter.get(quarter) for quarter in axis]
    series = [
        ChartSeries(_("Average cost (computed here)"), [row.average if row else None for row in rows]),
        ChartSeries(
            _("Average cost (World Bank DataBank)"),
            [float(row.official) if row and row.official is not None else None for row in rows],
        ),
        ChartSeries(
            _("SmaRT (three cheapest qualifying services)"), [row.smart if row else None for row in rows]
        ),
    ]
    series = [item for item in series if any(value is not None for value in item.values)]
    chart = LineChart(
        title=_("Cost of sending USD 200 from %(corridor)s, by quarter") % {"corridor": corridor_name},
        description=_("Total cost as a percentage of the amount sent; the table below has every value."),
        x_labels=axis,
        series=series,
        reference_lines=target_lines(),
    )
    return render_line_chart(chart, chart_id="corridor-chart")


def country_chart(history: Sequence[CountryQuarter], *, country_name: str) -> SafeString:
    axis = quarter_axis([row.quarter for row in history])
    by_quarter = {row.quarter: row for row in history}
    rows = [by_quarter.get(quarter) for quarter in axis]
    series = [
        ChartSeries(
            _("Sending from %(country)s") % {"country": country_name},
            [r.sending_average if r else None for r in rows],
        ),
        ChartSeries(
            _("Sending to %(country)s") % {"country": country_name},
            [r.receiving_average if r else None for r in rows],
        ),
    ]
    series = [item for item in series if any(value is not None for value in item.values)]
    chart = LineChart(
        title=_("Average cost of sending USD 200 from and to %(country)s, by quarter")
        % {"country": country_name},
        description=_(
            "Simple average over the services of all corridors, leaving out those known not to disclose their "
            "exchange rate; the table below has every value."
        ),
        x_labels=axis,
        series=series,
        reference_lines=target_lines(),
    )
    return render_line_chart(chart, chart_id="country-chart")


def global_chart(history: dict[str, dict[str, tuple[float, float]]]) -> SafeString:
    quarters = quarter_axis([q for measure in history.values() for q in measure])
    labels = {
        Measure.GLOBAL_AVERAGE: _("Global average"),
        Measure.GLOBAL_WEIGHTED_AVERAGE: _("Global weighted average"),
        Measure.GLOBAL_SMART: _("Global SmaRT"),
    }
    series = [
        ChartSeries(label, [history.get(measure, {}).get(q, (None, 0))[0] for q in quarters])
        for measure, label in labels.items()
        if history.get(measure)
    ]
    chart = LineChart(
        title=_("Global cost of sending USD 200, by quarter"),
        description=_("Total cost as a percentage of the amount sent; the tables below have every value."),
        x_labels=quarters,
        series=series,
        reference_lines=target_lines(),
    )
    return render_line_chart(chart, chart_id="global-chart")


@dataclass(frozen=True)
class TargetStatus:
    value: float
    target: float
    met: bool

    @property
    def distance(self) -> float:
        """Points above the target (negative: below it)."""
        return self.value - self.target


def target_status(value: float | None, target: float) -> TargetStatus | None:
    if value is None:
        return None
    return TargetStatus(value=value, target=target, met=value <= target)


@dataclass(frozen=True)
class PublishedBeside:
    label: str
    computed: float | None
    published: Headline

    @property
    def difference(self) -> float | None:
        return None if self.computed is None else self.computed - self.published.value


def published_beside(
    figures: dict[str, dict[str, tuple[float, float]]], headlines: dict[str, Headline]
) -> list[PublishedBeside]:
    labels = {
        Measure.GLOBAL_AVERAGE: _("Global average"),
        Measure.GLOBAL_WEIGHTED_AVERAGE: _("Global weighted average"),
        Measure.GLOBAL_SMART: _("Global SmaRT"),
        Measure.SHARE_CORRIDORS_BELOW_5: _("Corridors below 5 % (share)"),
    }
    rows = []
    for measure, metric in HEADLINE_METRICS.items():
        if metric in headlines:
            value = figures.get(measure, {}).get("")
            rows.append(PublishedBeside(labels[measure], value[0] if value else None, headlines[metric]))
    for metric, headline in sorted(headlines.items()):
        if metric.startswith("region_"):
            value = figures.get(Measure.REGION_AVERAGE, {}).get(
                _RPW_REGIONS.get(metric.removeprefix("region_"), "")
            )
            rows.append(
                PublishedBeside(
                    _("Receiving region %(region)s") % {"region": metric.removeprefix("region_")},
                    value[0] if value else None,
                    headline,
                )
            )
        elif metric == "firm_type_bank":
            value = figures.get(Measure.FIRM_TYPE_AVERAGE, {}).get("bank")
            rows.append(PublishedBeside(_("Banks"), value[0] if value else None, headline))
    return rows


# RPW names receiving regions by their developing-country labels; the reference data uses World Bank codes.
_RPW_REGIONS = {"EAP": "EAS", "ECA": "ECS", "LAC": "LCN", "MENA": "MEA", "SA": "SAS", "SSA": "SSF"}


# The comparison page's offers ---------------------------------------------------------------------
#
# The page migrants load lists up to a few dozen offers; written with template tags, each offer cost about a
# millisecond (attribute chains, filters, escaping per variable) and the list most of a request. Each offer
# is written here in one pass instead, with the same markup and the same numbers the template's filters gave.


@dataclass(frozen=True)
class NumberStyle:
    """The active language's separators, read once per page."""

    decimal_separator: str
    thousand_separator: str
    grouping: int | tuple[int, ...]

    @classmethod
    def current(cls) -> NumberStyle:
        return cls(
            decimal_separator=str(get_format("DECIMAL_SEPARATOR")),
            thousand_separator=str(get_format("THOUSAND_SEPARATOR")),
            grouping=get_format("NUMBER_GROUPING"),
        )

    def fixed(self, value: Decimal, places: int, *, grouped: bool = False) -> str:
        """``value`` with exactly ``places`` decimals, rounded half up: what ``floatformat:places`` (``"places"
        + "g"`` when ``grouped``) prints in the active language, for a Decimal."""
        _sign, digits, exponent = value.as_tuple()
        whole = int(value)
        units = len(digits) + (-int(exponent) if whole - value else int(exponent))
        precision = max(getcontext().prec, places + units + 1)
        rounded = value.quantize(Decimal(1).scaleb(-places), ROUND_HALF_UP, Context(prec=precision))
        if not rounded and rounded.is_signed():
            rounded = -rounded  # floatformat prints no sign for a value that rounds to zero
        if self.grouping == 3 and len(digits) < 100:
            # Python's own grouping, then this language's separators: numberformat's result, in C.
            text = f"{rounded:,f}" if grouped or settings.USE_THOUSAND_SEPARATOR else f"{rounded:f}"
            return text.translate(self._separators)
        return numberformat.format(
            f"{rounded:f}",
            self.decimal_separator,
            places,
            self.grouping,
            self.thousand_separator,
            force_grouping=grouped,
            use_l10n=True,
        )

    @cached_property
    def _separators(self) -> dict[int, str]:
        return str.maketrans({",": self.thousand_separator, ".": self.decimal_separator})


_OFFER_HTML = (
    '<li class="{css}"{sample_attribute}>{sample_label}<div class="offer-head">'
    '<span class="rank" aria-hidden="true">{rank}</span><h3>{provider}{product}</h3></div>'
    '<p class="received"><span class="label">{label_receives}</span> '
    '<span class="amount">{received} {receive_currency}</span>{shortfall}</p>{flags}'
    '<dl class="facts">'
    "<div><dt>{label_fee}</dt><dd>{fee} {send_currency}</dd></div>"
    "<div><dt>{label_rate}</dt><dd>{rate}</dd></div>"
    "<div><dt>{label_margin}</dt><dd>{margin} %</dd></div>"
    "<div><dt>{label_total}</dt><dd>{total} %</dd></div>"
    "<div><dt>{label_speed}</dt><dd>{speed}</dd></div>"
    "<div><dt>{label_pickup}</dt><dd>{pickup}</dd></div>"
    "<div><dt>{label_transparent}</dt><dd>{transparent}</dd></div>"
    "<div><dt>{label_date}</dt><dd>{quoted_on} ({quoted_by})</dd></div>"
    "</dl>{estimated}</li>"
)
# What depends on the amount sent; the rest of an offer's item is written once (``offer_templates``).
_PER_AMOUNT = ("css", "rank", "received", "shortfall", "flags", "fee", "rate", "margin", "total", "estimated")


@dataclass(frozen=True)
class OfferWording:
    """The comparison page's words in the active language, escaped, read once per page."""

    promotion: str
    not_disclosed: str
    estimated: str
    no_fee: str
    shortfall: str

    @classmethod
    def current(cls) -> OfferWording:
        # Translated outside the f-strings: xgettext cannot read calls inside f-string fields.
        promotion_text = escape(_("Exchange rate better than the market rate: probably a promotion."))
        not_disclosed_text = escape(_("This provider does not show its exchange rate before you send."))
        estimated_text = escape(_("Estimated from the prices quoted for nearby amounts."))
        return cls(
            promotion=f'<p class="flag">{promotion_text}</p>',
            not_disclosed=f'<p class="flag warning">{not_disclosed_text}</p>',
            estimated=f'<p class="muted small">{estimated_text}</p>',
            no_fee=_(
                "No fee, but the exchange rate costs you about %(cost)s %(currency)s (%(margin)s %% below the "
                "market rate). Another offer delivers more."
            ),
            shortfall=_("%(shortfall)s %(currency)s less than the best offer"),
        )


def offer_templates(offers: Iterable[Offer]) -> dict[str, str]:
    """Each offer's list item with everything but the amount's figures written, in the active language:
    a ``str.format`` template whose fields are ``_PER_AMOUNT``, by offer key."""
    labels = {
        name: escape(_(text))
        for name, text in (
            ("label_receives", gettext_noop("Your family receives")),
            ("label_fee", gettext_noop("Fee")),
            ("label_rate", gettext_noop("Exchange rate")),
            ("label_margin", gettext_noop("Exchange-rate margin")),
            ("label_total", gettext_noop("Total cost")),
            ("label_speed", gettext_noop("Speed")),
            ("label_pickup", gettext_noop("Pick-up")),
            ("label_transparent", gettext_noop("Exchange rate shown in advance")),
            ("label_date", gettext_noop("Price date")),
        )
    }
    unknown, yes, no = escape(_("Not known")), escape(_("Yes")), escape(_("No"))
    by_provider, sample = escape(_("quoted by the provider")), escape(_("sample data"))
    sample_heading, sample_text = (
        escape(_("Sample data")),
        escape(_("a fictional provider; not a real offer.")),
    )
    sample_label = f'<p class="sample-label"><strong>{sample_heading}</strong>: {sample_text}</p>'
    speed_labels = {code: escape(label) for code, label in Speed.choices}
    dates: dict[datetime.date, str] = {}
    kept = {field: f"{{{field}}}" for field in _PER_AMOUNT}
    templates = {}
    for offer in offers:
        product = " · ".join(service_label(part) for part in offer.product_parts)
        quoted_on = ""
        if offer.quoted_on:
            if offer.quoted_on not in dates:
                dates[offer.quoted_on] = escape(date_format(offer.quoted_on, "j M Y"))
            quoted_on = f'<time datetime="{offer.quoted_on.isoformat()}">{dates[offer.quoted_on]}</time>'
        if offer.origin == Origin.PROVIDER_API:
            quoted_by = by_provider
        elif offer.is_sample:
            quoted_by = sample
        else:
            quoted_by = escape(_("survey of %(quarter)s") % {"quarter": offer.quarter})
        pickup = service_label(offer.pickup_method) if offer.pickup_method else ""
        written = {
            "sample_attribute": " data-sample" if offer.is_sample else "",
            "sample_label": sample_label if offer.is_sample else "",
            "provider": escape(offer.provider),
            "product": f' <span class="product">{escape(product)}</span>' if product else "",
            "receive_currency": escape(offer.receive_currency),
            "send_currency": escape(offer.send_currency),
            "speed": speed_labels.get(offer.speed or "", "") or unknown,
            "pickup": escape(pickup) if pickup else unknown,
            "transparent": yes
            if offer.transparent is True
            else no
            if offer.transparent is False
            else unknown,
            "quoted_on": quoted_on,
            "quoted_by": quoted_by,
            **labels,
        }
        # Braces in what was written (a provider's name) must stay text in the template.
        escaped = {name: value.replace("{", "{{").replace("}", "}}") for name, value in written.items()}
        templates[offer.key] = _OFFER_HTML.format(**escaped, **kept)
    return templates


def offer_items(ranked: Sequence[RankedOffer], templates: dict[str, str] | None = None) -> list[SafeString]:
    """Each ranked offer as the comparison page's list item, in the active language. ``templates``:
    ``offer_templates`` of these offers in this language, if kept."""
    if templates is None:
        templates = offer_templates(item.offer for item in ranked)
    style = NumberStyle.current()
    wording = OfferWording.current()
    items = []
    for item in ranked:
        offer, price = item.offer, item.price
        margin = price.fx_margin_pct
        no_fee = NO_FEE_COSTS_MORE in item.flags
        css = "offer" + (" best" if item.rank == 1 else "") + (" flagged" if no_fee else "")
        css += " sample" if offer.is_sample else ""
        flags = ""
        if no_fee:
            text = wording.no_fee % {
                "cost": style.fixed(price.fx_cost, 2, grouped=True),
                "currency": offer.send_currency,
                "margin": style.fixed(margin, 2),
            }
            flags += f'<p class="flag warning">{escape(text)}</p>'
        if PROMOTIONAL_RATE in item.flags:
            flags += wording.promotion
        if RATE_NOT_DISCLOSED in item.flags:
            flags += wording.not_disclosed
        shortfall = ""
        if item.rank > 1:
            text = wording.shortfall % {
                "shortfall": style.fixed(item.shortfall, 2, grouped=True),
                "currency": offer.receive_currency,
            }
            shortfall = f' <span class="shortfall">{escape(text)}</span>'
        items.append(
            SafeString(
                templates[offer.key].format(
                    css=css,
                    rank=item.rank,
                    received=style.fixed(price.amount_received, 2, grouped=True),
                    shortfall=shortfall,
                    flags=flags,
                    fee=style.fixed(price.fee, 2, grouped=True),
                    rate=style.fixed(price.offered_rate, 4, grouped=True),
                    margin=style.fixed(margin, 2),
                    total=style.fixed(price.total_cost_pct, 2),
                    estimated=wording.estimated if ESTIMATED in item.flags else "",
                )
            )
        )
    return items
