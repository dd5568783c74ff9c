"""Country shapes for the world choropleth, read from the ``pygal_maps_world`` package.

The package (LGPL-3.0-or-later, © Kozea) ships ``worldmap.svg``: one ``<g class="fr country …">`` per
country, keyed by its ISO 3166-1 alpha-2 code, holding one or more ``<path>`` elements. Only that data file is
read (with lxml); pygal itself is never imported. The outlines are flattened to polygons (cubic curves
sampled about every four map units), simplified with Douglas–Peucker to a tolerance of 1.25 units (half a
pixel at 960 pixels wide) and written with integer relative coordinates: 98 kB of path data (34 kB
gzipped) instead of 733 kB. Rings under twelve units across keep their points to a tenth of a unit, so
small states (Bahrain, Singapore, Malta; the source adds a marker circle to a few) keep an area; islets
under two units are dropped unless they are the country's largest shape. Antarctica is left out. Parsing
takes about 0.4 s and happens once per process.

The source predates 2011: South Sudan has no outline and Sudan's includes it. Kosovo has none either.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib.resources import files

from lxml import etree

PACKAGE = "pygal_maps_world"
RESOURCE = "worldmap.svg"
AUTHOR = "Kozea"
LICENCE = "GNU LGPL v3 or later"
LEFT_OUT = frozenset({"AQ"})  # Antarctica: no data and a third of the height
TOLERANCE = 1.25
MIN_RING_SIZE = 2.0
SMALL_RING = 12.0
CURVE_STEP = 4.0

_SVG = "{http://www.w3.org/2000/svg}"
_TOKEN = re.compile(r"[A-Za-z]|[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?")
_ARGUMENTS = {"m": 2, "l": 2, "h": 1, "v": 1, "c": 6, "s": 4}

Ring = list[tuple[float, float]]


@dataclass(frozen=True)
class WorldShapes:
    """Simplified outlines keyed by upper-case ISO alpha-2 code, and the box that holds them."""

    paths: dict[str, str]
    width: int
    height: int


def _cubic(
    start: tuple[float, float],
    first: tuple[float, float],
    second: tuple[float, float],
    end: tuple[float, float],
) -> Ring:
    """Points along a cubic Bézier curve (excluding its start), about one per ``CURVE_STEP`` units."""
    polygon = math.dist(start, first) + math.dist(first, second) + math.dist(second, end)
    steps = max(1, math.ceil(polygon / CURVE_STEP))
    points = []
    for step in range(1, steps + 1):
        t = step / steps
        u = 1 - t
        points.append(
            (
                u**3 * start[0] + 3 * u * u * t * first[0] + 3 * u * t * t * second[0] + t**3 * end[0],
                u**3 * start[1] + 3 * u * u * t * first[1] + 3 * u * t * t * second[1] + t**3 * end[1],
            )
        )
    return points


def parse_path(data: str) -> list[Ring]:
    """The rings (sub-paths) of SVG path data as absolute points, curves sampled along their length.

    Supports the commands the source uses (M, L, H, V, C, S and Z, absolute or relative); any other
    command is refused rather than drawn wrong.
    """
    tokens = _TOKEN.findall(data)
    rings: list[Ring] = []
    current: Ring = []
    x = y = start_x = start_y = 0.0
    control: tuple[float, float] | None = None  # the last cubic's second control point, for S
    command = ""
    index = 0
    while index < len(tokens):
        token = tokens[index]
        if token.isalpha():
            command = token
            index += 1
            if command in "Zz":
                if current:
                    rings.append(current)
                current = []
                x, y = start_x, start_y
                control = None
            continue
        kind = command.lower()
        if kind not in _ARGUMENTS:
            raise ValueError(f"unsupported path command {command!r}")
        count = _ARGUMENTS[kind]
        values = [float(value) for value in tokens[index : index + count]]
        if len(values) < count:
            raise ValueError("path data ends inside a command")
        index += count
        dx, dy = (x, y) if command.islower() else (0.0, 0.0)
        pairs = [(values[i] + dx, values[i + 1] + dy) for i in range(0, count - 1, 2)]
        if kind == "m":
            if current:
                rings.append(current)
            x, y = pairs[0]
            start_x, start_y = x, y
            current = [(x, y)]
            control = None
            command = "l" if command.islower() else "L"  # further pairs after a move are line-tos
            continue
        if kind == "h":
            x = values[0] + dx
            current.append((x, y))
            control = None
        elif kind == "v":
            y = values[0] + dy
            current.append((x, y))
            control = None
        elif kind == "l":
            x, y = pairs[0]
            current.append((x, y))
            control = None
        else:
            if kind == "c":
                first, second, end = pairs
            else:  # "s": the first control point mirrors the previous curve's second one
                first = (2 * x - control[0], 2 * y - control[1]) if control else (x, y)
                second, end = pairs
            current.extend(_cubic((x, y), first, second, end))
            control = second
            x, y = end
    if current:
        rings.append(current)
    return rings


def simplify(points: Ring, tolerance: float) -> Ring:
    """Douglas–Peucker: keep the points further than ``tolerance`` from the line through their neighbours."""
    if len(points) < 3:
        return list(points)
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        first, last = stack.pop()
        ax, ay = points[first]
        bx, by = points[last]
        dx, dy = bx - ax, by - ay
        length = math.hypot(dx, dy)
        farthest, where = -1.0, -1
        for position in range(first + 1, last):
            px, py = points[position]
            distance = (
                abs(dx * (ay - py) - dy * (ax - px)) / length if length else math.hypot(px - ax, py - ay)
            )
            if distance > farthest:
                farthest, where = distance, position
        if farthest > tolerance:
            keep[where] = True
            stack.extend(((first, where), (where, last)))
    return [point for point, kept in zip(points, keep, strict=True) if kept]


def _size(ring: Ring) -> float:
    xs = [p[0] for p in ring]
    ys = [p[1] for p in ring]
    return (max(xs) - min(xs)) + (max(ys) - min(ys))


def _number(value: float) -> str:
    text = f"{value:.1f}".rstrip("0").rstrip(".")
    return "0" if text in {"-0", ""} else text


def encode(rings: list[Ring], *, tolerance: float = TOLERANCE, min_size: float = MIN_RING_SIZE) -> str:
    """Path data for a country's rings: simplified, relative (``M x y l dx dy … z`` per ring).

    Rings larger than ``SMALL_RING`` units are simplified and rounded to whole units; smaller ones (the
    outline of Bahrain, Singapore or Malta) keep their points to a tenth of a unit so they keep an area.
    """
    if not rings:
        return ""
    largest = max(rings, key=_size)
    parts = []
    for ring in rings:
        size = _size(ring)
        if ring is not largest and size < min_size:
            continue
        small = size < SMALL_RING
        points: list[tuple[float, float]] = []
        for px, py in ring if small else simplify(ring, tolerance):
            point = (round(px, 1), round(py, 1)) if small else (float(round(px)), float(round(py)))
            if not points or point != points[-1]:
                points.append(point)
        if len(points) < 3 and ring is not largest:
            continue
        steps = " ".join(
            f"{_number(b[0] - a[0])} {_number(b[1] - a[1])}" for a, b in zip(points, points[1:], strict=False)
        )
        parts.append(
            f"M{_number(points[0][0])} {_number(points[0][1])}" + (f"l{steps}" if steps else "") + "z"
        )
    return "".join(parts)


def read_shapes(svg: bytes) -> WorldShapes:
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    root = etree.fromstring(svg, parser)
    paths: dict[str, str] = {}
    right = bottom = 0.0
    for group in root.iter(f"{_SVG}g"):
        classes = (group.get("class") or "").split()
        if "country" not in classes or not classes or len(classes[0]) != 2:
            continue
        code = classes[0].upper()
        if code in LEFT_OUT:
            continue
        rings = [ring for path in group.iter(f"{_SVG}path") for ring in parse_path(path.get("d") or "")]
        rings = [ring for ring in rings if ring]
        if not rings:
            continue
        right = max(right, *(p[0] for ring in rings for p in ring))
        bottom = max(bottom, *(p[1] for ring in rings for p in ring))
        paths[code] = encode(rings)
    return WorldShapes(paths=paths, width=math.ceil(right) + 2, height=math.ceil(bottom) + 2)


@lru_cache(maxsize=1)
def world_shapes() -> WorldShapes:
    """The package's world map, parsed and simplified once per process."""
    return read_shapes(files(PACKAGE).joinpath(RESOURCE).read_bytes())
