"""What the pages show, assembled from selectors: charts, SDG 10.c.1 status, published-versus-computed rows."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from migdev.remittances.aggregates import SDG_CORRIDOR_LIMIT_PCT, SDG_GLOBAL_TARGET_PCT, Measure
from migdev.remittances.charts import ChartSeries, LineChart, ReferenceLine, render_line_chart
from migdev.remittances.quarters import Quarter, quarter_or_none
from migdev.remittances.selectors import HEADLINE_METRICS, CorridorQuarter, CountryQuarter, Headline


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
