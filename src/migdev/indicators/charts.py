"""Server-side SVG charts: line charts, bar charts and a tile map, with text alternatives.

No script and no style attribute (the content security policy forbids inline styles): colours are SVG
presentation attributes and CSS classes from the module's stylesheet. Every chart has a <title> and
<desc> and is also given as a table on the same page.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from html import escape

from django.utils.safestring import SafeString, mark_safe

# Colour-blind-safe categorical palette (Okabe–Ito), dark enough for 3:1 contrast on white.
PALETTE = ("#0b4f8a", "#b35900", "#00734d", "#a3146b", "#4d4d4d", "#6a3d9a", "#8c6d00", "#005f73")
# Sequential blues for the tile map, light to dark; text switches to white on the two darkest.
SEQUENTIAL = ("#dbe9f6", "#a6c8e4", "#6aa3d0", "#2f73b0", "#0b4380")
DARK_BINS = 2


@dataclass(frozen=True)
class Point:
    x: float
    y: float
    label: str


@dataclass(frozen=True)
class Line:
    name: str
    points: Sequence[Point]


def nice_ticks(low: float, high: float, count: int = 5) -> list[float]:
    """Round tick values covering [low, high] (1, 2, 2.5 or 5 times a power of ten apart)."""
    if not math.isfinite(low) or not math.isfinite(high):
        return [0.0]
    if high - low <= 1e-9 * max(1.0, abs(low), abs(high)):
        high = low + (abs(low) if abs(low) > 1e-6 else 1.0)
    raw_step = (high - low) / max(count, 1)
    magnitude = 10 ** math.floor(math.log10(raw_step))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw_step)
    start = math.floor(low / step) * step
    ticks = []
    value = start
    while value <= high + step * 1e-9:
        ticks.append(round(value, 10))
        value += step
    if ticks[-1] < high:
        ticks.append(round(value, 10))
    return ticks


def _svg_open(
    width: int, height: int, title: str, description: str, css_class: str, key: str, role: str = "img"
) -> list[str]:
    # ``key`` keeps the ids unique when a page shows several charts.
    key = escape(key)
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" class="chart {css_class}" '
        f'role="{role}" aria-labelledby="chart-title-{key} chart-desc-{key}" '
        'preserveAspectRatio="xMidYMid meet">',
        f'<title id="chart-title-{key}">{escape(title)}</title>',
        f'<desc id="chart-desc-{key}">{escape(description)}</desc>',
    ]


# Tick labels are 22 px on a phone (indicators.css), in chart units; a glyph is at most about 0.62 em wide.
PHONE_TICK_FONT = 22
GLYPH_WIDTH_EM = 0.62


def label_width(text: str) -> float:
    """Upper estimate of a tick label's width in chart units at the phone font size."""
    return len(text) * PHONE_TICK_FONT * GLYPH_WIDTH_EM


def line_chart(
    lines: Sequence[Line],
    *,
    title: str,
    description: str,
    format_value: Callable[[float], str],
    key: str = "line",
    width: int = 720,
    height: int = 340,
) -> SafeString:
    """A time-series line chart; each line gets a colour and a marker shape (``legend`` draws the key).

    The key is HTML beside the chart rather than SVG text, so that it wraps on a narrow screen.
    """
    points = [point for line in lines for point in line.points]
    parts = _svg_open(width, height, title, description, "line-chart", key)
    if not points:
        parts.append(
            f'<text x="{width / 2}" y="{height / 2}" text-anchor="middle" class="chart-empty">–</text></svg>'
        )
        return mark_safe("".join(parts))  # noqa: S308 - every text node is escaped above
    xs = [p.x for p in points]
    ys = [p.y for p in points]
    x_low, x_high = min(xs), max(xs)
    if x_low == x_high:
        x_low, x_high = x_low - 1, x_high + 1
    y_ticks = nice_ticks(min(0.0, min(ys)), max(0.0, max(ys)))
    y_low, y_high = y_ticks[0], y_ticks[-1]
    y_labels = [format_value(tick) for tick in y_ticks]
    # Room for the longest value label at the phone font size, so that none is cut at the left edge;
    # half a year label on the right, so that the last year is not cut either.
    left = max(86, int(label_width(max(y_labels, key=len))) + 14)
    right, top, bottom = int(label_width("0000") / 2) + 4, 16, 40
    plot_width, plot_height = width - left - right, height - top - bottom

    def sx(x: float) -> float:
        return left + (x - x_low) / (x_high - x_low) * plot_width

    def sy(y: float) -> float:
        return top + plot_height - (y - y_low) / ((y_high - y_low) or 1) * plot_height

    for tick, text in zip(y_ticks, y_labels, strict=True):
        y = sy(tick)
        parts.append(f'<line x1="{left}" x2="{width - right}" y1="{y:.1f}" y2="{y:.1f}" class="grid"/>')
        parts.append(
            f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end" class="tick">{escape(text)}</text>'
        )
    # As many years as fit side by side at the phone font size (a year label plus a gap each).
    fitting = max(1, int(plot_width // (label_width("0000") + 16)))
    for tick in nice_ticks(x_low, x_high, count=min(8, fitting, int(x_high - x_low) or 1)):
        if x_low <= tick <= x_high and float(tick).is_integer():
            x = sx(tick)
            parts.append(
                f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{top + plot_height}" '
                f'y2="{top + plot_height + 4}" class="axis"/>'
            )
            parts.append(
                f'<text x="{x:.1f}" y="{top + plot_height + 18}" text-anchor="middle" '
                f'class="tick">{int(tick)}</text>'
            )
    parts.append(f'<line x1="{left}" x2="{width - right}" y1="{sy(0):.1f}" y2="{sy(0):.1f}" class="axis"/>')
    for index, line in enumerate(lines):
        colour = PALETTE[index % len(PALETTE)]
        ordered = sorted(line.points, key=lambda p: p.x)
        path = " ".join(
            f"{'L' if joined else 'M'}{sx(p.x):.1f},{sy(p.y):.1f}"
            for p, joined in zip(ordered, _joined_to_previous(ordered), strict=True)
        )
        if "L" in path:
            parts.append(
                f'<path d="{path}" fill="none" stroke="{colour}" stroke-width="2.5" class="series"/>'
            )
        for point in ordered:
            parts.append(_marker(index, sx(point.x), sy(point.y), colour, point.label))
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text node is escaped above


def _joined_to_previous(ordered: Sequence[Point]) -> list[bool]:
    """For each point, whether the line reaches it from the previous one.

    A step more than twice the line's usual step (the median) is a stretch without values (WDI leaves
    Mexico's remittances paid blank from 1983 to 2004): the line breaks there instead of drawing a slope
    through years that have no data. Five-yearly series with a last step of four stay joined.
    """
    steps = [point.x - previous.x for previous, point in zip(ordered, ordered[1:], strict=False)]
    if len(steps) < 2:
        return [False] + [True] * len(steps)
    usual = statistics.median(steps)
    return [False] + [step <= 2 * usual for step in steps]


@dataclass(frozen=True)
class LegendEntry:
    name: str
    swatch: SafeString


def legend(lines: Sequence[Line]) -> list[LegendEntry]:
    """The key of a line chart: each line's name with its colour and marker shape as a small SVG."""
    entries = []
    for index, line in enumerate(lines):
        colour = PALETTE[index % len(PALETTE)]
        swatch = (
            '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 12" class="swatch" aria-hidden="true" '
            f'focusable="false"><line x1="0" x2="24" y1="6" y2="6" stroke="{colour}" stroke-width="2.5"/>'
            f"{_marker(index, 12, 6, colour, '')}</svg>"
        )
        entries.append(LegendEntry(line.name, mark_safe(swatch)))  # noqa: S308 - built from constants only
    return entries


def _marker(index: int, x: float, y: float, colour: str, label: str) -> str:
    tooltip = f"<title>{escape(label)}</title>" if label else ""
    shape = index % 3
    if shape == 0:
        return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3.5" fill="{colour}">{tooltip}</circle>'
    if shape == 1:
        return (
            f'<rect x="{x - 3.5:.1f}" y="{y - 3.5:.1f}" width="7" height="7" fill="{colour}">{tooltip}</rect>'
        )
    return (
        f'<path d="M{x:.1f},{y - 4.5:.1f} L{x + 4.5:.1f},{y + 3.5:.1f} L{x - 4.5:.1f},{y + 3.5:.1f} Z" '
        f'fill="{colour}">{tooltip}</path>'
    )


def bar_chart(
    bars: Sequence[tuple[str, float]],
    *,
    title: str,
    description: str,
    format_value: Callable[[float], str],
    key: str = "bar",
    width: int = 560,
    label_languages: Sequence[str] | None = None,
    label_space: int | None = None,
) -> SafeString:
    """Horizontal bars in the order given, labelled with their values. ``label_languages`` gives, bar by
    bar, the language of a label that is not in the page's language ("" for one that is), for its `lang`.
    ``label_space``: chart units left of the bars for the labels; when given, a label is cut (with "…",
    the whole of it in the bar's tooltip) to what fits there at the phone font size, so that no label
    runs off the chart's left edge."""
    row_height = 26
    height = max(row_height * len(bars) + 16, 40)
    parts = _svg_open(width, height, title, description, "bar-chart", key)
    label_width, value_width = label_space or 190, 90
    fits = int((label_width - 8) / (PHONE_TICK_FONT * GLYPH_WIDTH_EM)) if label_space else 28
    plot_width = width - label_width - value_width
    largest = max((abs(value) for _, value in bars), default=0) or 1
    for index, (label, value) in enumerate(bars):
        language = label_languages[index] if label_languages else ""
        lang = f' lang="{escape(language)}"' if language else ""
        y = 8 + index * row_height
        length = abs(value) / largest * plot_width
        shown = label if len(label) <= fits else label[: fits - 1] + "…"
        parts.append(
            f'<text x="{label_width - 8}" y="{y + 16}" text-anchor="end" class="tick"{lang}>{escape(shown)}</text>'
        )
        parts.append(
            f'<rect x="{label_width}" y="{y + 3}" width="{length:.1f}" height="{row_height - 8}" '
            f'fill="{PALETTE[0]}">'
            f"<title{lang}>{escape(label)}: {escape(format_value(value))}</title></rect>"
        )
        parts.append(
            f'<text x="{label_width + length + 6:.1f}" y="{y + 16}" '
            f'class="tick">{escape(format_value(value))}</text>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text node is escaped above


@dataclass(frozen=True)
class Tile:
    code: str
    name: str
    value: float | None
    display: str


@dataclass(frozen=True)
class TileGroup:
    name: str
    tiles: Sequence[Tile]


def quantile_breaks(values: Sequence[float], bins: int = len(SEQUENTIAL)) -> list[float]:
    ordered = sorted(values)
    if not ordered:
        return []
    return [ordered[min(len(ordered) - 1, int(len(ordered) * i / bins))] for i in range(1, bins)]


def bin_of(value: float, breaks: Sequence[float]) -> int:
    return sum(1 for limit in breaks if value >= limit)


def tile_map(
    groups: Sequence[TileGroup],
    *,
    title: str,
    description: str,
    legend_format: Callable[[float], str],
    no_data: str,
    key: str = "map",
    width: int = 760,
) -> SafeString:
    """A choropleth of equal squares: one row block per region, countries coloured by quintile.

    Equal tiles keep small states visible, which a geographic map would hide.
    """
    tile, gap, label_width = 34, 3, 215
    per_row = max(1, (width - label_width) // (tile + gap))
    values = [t.value for g in groups for t in g.tiles if t.value is not None]
    breaks = quantile_breaks(values)
    rows = sum(max(1, math.ceil(len(g.tiles) / per_row)) for g in groups)
    legend_height = 40
    height = rows * (tile + gap) + len(groups) * 8 + legend_height + 8
    parts = _svg_open(width, height, title, description, "tile-map", key)
    y = 4
    for group in groups:
        parts.append(f'<text x="0" y="{y + tile / 2 + 4}" class="tick">{escape(group.name)}</text>')
        for index, item in enumerate(group.tiles):
            row, column = divmod(index, per_row)
            x = label_width + column * (tile + gap)
            ty = y + row * (tile + gap)
            if item.value is None:
                fill, text_class = "#ffffff", "tile-label"
            else:
                level = bin_of(item.value, breaks)
                fill = SEQUENTIAL[level]
                text_class = "tile-label inverse" if level >= len(SEQUENTIAL) - DARK_BINS else "tile-label"
            parts.append(
                f"<g><title>{escape(item.name)}: {escape(item.display)}</title>"
                f'<rect x="{x}" y="{ty}" width="{tile}" height="{tile}" fill="{fill}" class="tile"/>'
                f'<text x="{x + tile / 2}" y="{ty + tile / 2 + 4}" text-anchor="middle" class="{text_class}">'
                f"{escape(item.code)}</text></g>"
            )
        y += max(1, math.ceil(len(group.tiles) / per_row)) * (tile + gap) + 8
    legend_y = y + 6
    limits = [min(values, default=0.0), *breaks, max(values, default=0.0)]
    for level, colour in enumerate(SEQUENTIAL):
        x = label_width + level * 100
        parts.append(f'<rect x="{x}" y="{legend_y}" width="18" height="18" fill="{colour}" class="tile"/>')
        if level + 1 < len(limits):
            text = f"{legend_format(limits[level])}–{legend_format(limits[level + 1])}"
            parts.append(f'<text x="{x + 22}" y="{legend_y + 14}" class="legend">{escape(text)}</text>')
    parts.append(f'<rect x="0" y="{legend_y}" width="18" height="18" fill="#ffffff" class="tile"/>')
    parts.append(f'<text x="22" y="{legend_y + 14}" class="legend">{escape(no_data)}</text>')
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text node is escaped above


NO_DATA_CLASS = "no-data"


def class_for(value: float | None, breaks: Sequence[float]) -> str:
    """The CSS class of a value on a choropleth: ``q0`` (lowest fifth) to ``q4``, or ``no-data``."""
    return NO_DATA_CLASS if value is None else f"q{bin_of(value, breaks)}"


@dataclass(frozen=True)
class MapArea:
    code: str
    name: str
    value: float | None
    display: str
    path: str
    href: str = ""  # a link to the area's own page, if any
    css_class: str = ""  # a class other than its fifth (``zero``, ``self``), if any


@dataclass(frozen=True)
class KeyEntry:
    css_class: str
    label: str
    count: int


def choropleth_key(
    values: Sequence[float],
    breaks: Sequence[float],
    *,
    legend_format: Callable[[float], str],
    no_data: str,
    no_data_count: int,
) -> list[KeyEntry]:
    """The key of a choropleth: each class with the lowest and highest value in it, then "no data".

    Classes nobody falls into (fewer distinct values than classes) are left out.
    """
    by_class: dict[int, list[float]] = {}
    for value in values:
        by_class.setdefault(bin_of(value, breaks), []).append(value)
    entries = [
        KeyEntry(
            f"q{level}",
            legend_format(min(members))
            if min(members) == max(members)
            else f"{legend_format(min(members))} – {legend_format(max(members))}",
            len(members),
        )
        for level, members in sorted(by_class.items())
    ]
    entries.append(KeyEntry(NO_DATA_CLASS, no_data, no_data_count))
    return entries


def world_map(
    areas: Sequence[MapArea],
    breaks: Sequence[float],
    *,
    width: int,
    height: int,
    title: str,
    description: str,
    key: str = "world",
) -> SafeString:
    """A geographic choropleth: one path per country, its class from its value, its name and value as
    a tooltip. Colours come from the stylesheet (``.world-map .q0`` … ``.q4``); countries without data
    are hatched (an SVG pattern, referenced by a presentation attribute, not a style).

    An area with an ``href`` is a link named by its tooltip text. A map with links is a group, not an
    image: an image's children are presentational, so links inside one would be hidden from assistive
    technology while still taking the keyboard focus."""
    linked = any(area.href for area in areas)
    parts = _svg_open(width, height, title, description, "world-map", key, role="group" if linked else "img")
    hatch = f"map-hatch-{escape(key)}"
    parts.append(
        f'<defs><pattern id="{hatch}" patternUnits="userSpaceOnUse" width="9" height="9" '
        'patternTransform="rotate(45)"><rect width="9" height="9" fill="#f1f3f5"/>'
        '<line x1="0" y1="0" x2="0" y2="9" stroke="#8a949e" stroke-width="3"/></pattern></defs>'
    )
    parts.append('<g class="countries">')
    for area in areas:
        css_class = area.css_class or class_for(area.value, breaks)
        fill = f' fill="url(#{hatch})"' if css_class == NO_DATA_CLASS else ""
        label = f"{area.name}: {area.display}"
        shape = (
            f'<path class="country {css_class}"{fill} data-area="{escape(area.code)}" d="{escape(area.path)}">'
            f"<title>{escape(label)}</title></path>"
        )
        if area.href:
            shape = f'<a href="{escape(area.href)}" aria-label="{escape(label)}">{shape}</a>'
        parts.append(shape)
    parts.append("</g></svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text node and attribute is escaped above
