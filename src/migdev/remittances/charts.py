"""Line charts drawn on the server as SVG: no script, no external host, readable without colour.

Every series gets its own dash pattern and marker shape as well as a colour (from the stylesheet's
``.series-N`` classes), so the chart reads in greyscale; the page always puts the numbers in a table too.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.utils.formats import number_format
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

WIDTH = 520
HEIGHT = 300
MARGIN_LEFT = 50
MARGIN_RIGHT = 12
MARGIN_TOP = 14
MARGIN_BOTTOM = 44
REFERENCE_LABEL_GAP = 16  # user units between two reference-line labels (their font is 14 px)
MIN_X_LABEL_SPACING = 72  # user units between two quarter labels ("2016Q2" at 15 px is about 55)
DASHES = ("", "6 4", "2 3", "10 3 2 3", "1 5")
MARKERS = ("circle", "square", "diamond", "triangle", "circle")


@dataclass(frozen=True)
class ChartSeries:
    label: str
    values: Sequence[float | None]  # one per x label; None leaves a gap


@dataclass(frozen=True)
class ReferenceLine:
    value: float
    label: str


@dataclass(frozen=True)
class LineChart:
    title: str
    description: str
    x_labels: Sequence[str]
    series: Sequence[ChartSeries]
    y_unit: str = "%"
    reference_lines: Sequence[ReferenceLine] = field(default_factory=tuple)


def _nice_step(span: float, target_ticks: int = 5) -> float:
    raw = span / max(target_ticks, 1)
    magnitude = 10 ** math.floor(math.log10(raw)) if raw > 0 else 1.0
    for multiple in (1, 2, 2.5, 5, 10):
        if raw <= multiple * magnitude:
            return multiple * magnitude
    return 10 * magnitude


def _y_range(chart: LineChart) -> tuple[float, float, float]:
    values = [v for s in chart.series for v in s.values if v is not None]
    values += [line.value for line in chart.reference_lines]
    low = min([0.0, *values]) if values else 0.0
    high = max(values) if values else 1.0
    if high <= low:
        high = low + 1.0
    step = _nice_step(high - low)
    return math.floor(low / step) * step, math.ceil(high / step) * step, step


def _format(value: float) -> str:
    # In the reader's language: "2,5" in French and Spanish, "2.5" in English.
    return number_format(int(value)) if value == int(value) else number_format(value, decimal_pos=1)


def _marker(shape: str, x: float, y: float) -> str:
    if shape == "square":
        return f'<rect x="{x - 3:.1f}" y="{y - 3:.1f}" width="6" height="6"/>'
    if shape == "diamond":
        return (
            f'<path d="M{x:.1f} {y - 4:.1f}L{x + 4:.1f} {y:.1f}L{x:.1f} {y + 4:.1f}L{x - 4:.1f} {y:.1f}Z"/>'
        )
    if shape == "triangle":
        return f'<path d="M{x:.1f} {y - 4:.1f}L{x + 4:.1f} {y + 3:.1f}L{x - 4:.1f} {y + 3:.1f}Z"/>'
    return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3"/>'


def render_line_chart(chart: LineChart, *, chart_id: str) -> SafeString:
    """The chart as an ``<svg>`` element (``role="img"`` with title and description), then its legend as a list."""
    plot_width = WIDTH - MARGIN_LEFT - MARGIN_RIGHT
    plot_height = HEIGHT - MARGIN_TOP - MARGIN_BOTTOM
    low, high, step = _y_range(chart)
    count = len(chart.x_labels)

    def x_at(position: int) -> float:
        if count <= 1:
            return MARGIN_LEFT + plot_width / 2
        return MARGIN_LEFT + plot_width * position / (count - 1)

    def y_at(value: float) -> float:
        return MARGIN_TOP + plot_height * (high - value) / (high - low)

    title_id, desc_id = f"{chart_id}-title", f"{chart_id}-desc"
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="line-chart" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'role="img" aria-labelledby="{title_id} {desc_id}" id="{escape(chart_id)}">',
        f'<title id="{title_id}">{escape(chart.title)}</title>',
        f'<desc id="{desc_id}">{escape(chart.description)}</desc>',
        '<g class="grid" aria-hidden="true">',
    ]
    tick = low
    while tick <= high + step / 1000:
        y = y_at(tick)
        parts.append(f'<line x1="{MARGIN_LEFT}" x2="{WIDTH - MARGIN_RIGHT}" y1="{y:.1f}" y2="{y:.1f}"/>')
        parts.append(
            f'<text class="tick" x="{MARGIN_LEFT - 6}" y="{y + 4:.1f}" text-anchor="end">'
            f"{escape(_format(tick))}{escape(chart.y_unit)}</text>"
        )
        tick += step
    spacing = plot_width / (count - 1) if count > 1 else plot_width
    label_every = max(1, math.ceil(count / 5), math.ceil(MIN_X_LABEL_SPACING / spacing))
    for position, label in enumerate(chart.x_labels):
        offset = position % label_every
        # Every n-th label, and the last one too unless it would crowd the label before it: the last is
        # anchored at its end, so it reaches a whole label width back towards the centred one before it.
        is_spaced_last = position == count - 1 and offset * spacing >= 1.5 * MIN_X_LABEL_SPACING
        if offset and not is_spaced_last:
            continue
        anchor = (
            "start"
            if position == 0 and count > 1
            else ("end" if position == count - 1 and count > 1 else "middle")
        )
        parts.append(
            f'<text class="tick" x="{x_at(position):.1f}" y="{HEIGHT - MARGIN_BOTTOM + 20}" '
            f'text-anchor="{anchor}">{escape(label)}</text>'
        )
    parts.append("</g>")
    previous_label_y: float | None = None
    for line in sorted(chart.reference_lines, key=lambda line: -line.value):
        y = y_at(line.value)
        # Above its line, unless that would overlap the label of the line above (3 % and 5 % lie close
        # together when the scale runs high): then below it.
        label_y = y - 4
        if previous_label_y is not None and label_y - previous_label_y < REFERENCE_LABEL_GAP:
            label_y = max(y + REFERENCE_LABEL_GAP - 2, previous_label_y + REFERENCE_LABEL_GAP)
        previous_label_y = label_y
        parts.append(
            f'<g class="reference" aria-hidden="true"><line x1="{MARGIN_LEFT}" x2="{WIDTH - MARGIN_RIGHT}" '
            f'y1="{y:.1f}" y2="{y:.1f}" stroke-dasharray="4 4"/>'
            f'<text x="{WIDTH - MARGIN_RIGHT - 4}" y="{label_y:.1f}" text-anchor="end">{escape(line.label)}</text></g>'
        )
    legend: list[str] = []
    for index, series in enumerate(chart.series):
        dash = DASHES[index % len(DASHES)]
        shape = MARKERS[index % len(MARKERS)]
        segments: list[list[tuple[float, float]]] = [[]]
        for position, value in enumerate(series.values):
            if value is None:
                if segments[-1]:
                    segments.append([])
                continue
            segments[-1].append((x_at(position), y_at(value)))
        dash_attribute = f' stroke-dasharray="{dash}"' if dash else ""
        parts.append(f'<g class="series series-{index % 6}" aria-hidden="true">')
        for segment in segments:
            if len(segment) > 1:
                path = "M" + "L".join(f"{x:.1f} {y:.1f}" for x, y in segment)
                parts.append(f'<path class="line" d="{path}" fill="none"{dash_attribute}/>')
        parts.append('<g class="markers">')
        parts.extend(_marker(shape, x, y) for segment in segments for x, y in segment)
        parts.append("</g></g>")
        legend.append(
            f'<li class="series-{index % 6}"><svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 28 12" '
            f'width="28" height="12" aria-hidden="true" focusable="false"><g class="legend">'
            f'<line x1="1" x2="27" y1="6" y2="6"{dash_attribute}/>{_marker(shape, 14, 6)}</g></svg> '
            f"{escape(series.label)}</li>"
        )
    if not any(v is not None for s in chart.series for v in s.values):
        parts.append(
            f'<text class="empty" x="{WIDTH / 2}" y="{HEIGHT / 2}" text-anchor="middle">'
            f"{escape(chart.description)}</text>"
        )
    parts.append("</svg>")
    if legend:
        parts.append(f'<ul class="chart-legend">{"".join(legend)}</ul>')
    return mark_safe("".join(parts))  # noqa: S308 - every interpolated text above is escaped
