"""The world choropleth: shapes from the pygal_maps_world package, joined on ISO codes, coloured by fifths."""

import re

import pytest
from django.urls import reverse
from lxml import html

from migdev.indicators import charts, worldmap


def test_path_data_absolute_relative_and_curves() -> None:
    rings = worldmap.parse_path("M0 0 L10 0 l0 10 h-10 v-10 z m20 0 l5 0 5 5z")
    assert rings[0] == [(0, 0), (10, 0), (10, 10), (0, 10), (0, 0)]
    # After "z" a relative move starts from the sub-path's start point (0, 0).
    assert rings[1] == [(20, 0), (25, 0), (30, 5)]
    # A cubic curve is sampled: the middle of this arch is at y = 7.5, not on the chord.
    (arch,) = worldmap.parse_path("M0 0 C0 10 20 10 20 0")
    assert arch[-1] == (20, 0) and max(y for _, y in arch) == pytest.approx(7.5, abs=0.6)
    # "s" mirrors the previous control point: a symmetric S-curve through (20, 0) ends at (40, 0).
    (wave,) = worldmap.parse_path("M0 0 c0 10 20 10 20 0 s20 -10 20 0")
    assert wave[-1] == pytest.approx((40, 0)) and min(y for _, y in wave) < -5
    with pytest.raises(ValueError, match="unsupported"):
        worldmap.parse_path("M0 0 A5 5 0 0 1 10 10")


def test_simplify_keeps_corners_and_drops_points_on_a_line() -> None:
    line = [(float(x), 0.0) for x in range(11)] + [(10.0, 10.0)]
    assert worldmap.simplify(line, 0.5) == [(0.0, 0.0), (10.0, 0.0), (10.0, 10.0)]


def test_package_shapes_are_read_once_and_keyed_by_alpha_2() -> None:
    shapes = worldmap.world_shapes()
    assert shapes is worldmap.world_shapes()
    assert {"FR", "US", "BR", "IN", "BH", "SG"} <= set(shapes.paths)
    assert "AQ" not in shapes.paths  # Antarctica left out
    assert all(re.fullmatch(r"(M[-\d. ]+(l[-\d. ]+)?z)+", path) for path in shapes.paths.values())
    # Small states keep an outline with an area (Bahrain: its coast and the package's marker circle).
    assert shapes.paths["BH"].count("M") == 2
    assert 2000 < shapes.width < 2600 and 1000 < shapes.height < 1300
    assert sum(len(path) for path in shapes.paths.values()) < 150_000


def test_classes_by_fifth_and_no_data() -> None:
    values = [float(v) for v in range(1, 11)]
    breaks = charts.quantile_breaks(values)
    areas = [
        charts.MapArea(f"C{v:02.0f}", f"Country {v:.0f}", v, f"{v:.0f} %", "M0 0l1 0 0 1z") for v in values
    ]
    areas.append(charts.MapArea("NOD", "Nodata", None, "–", "M0 0l1 0 0 1z"))
    svg = charts.world_map(areas, breaks, width=10, height=10, title="T", description="D")
    tree = html.fromstring(str(svg))
    classes = {path.get("data-area"): path.get("class") for path in tree.iter("path")}
    assert classes["C01"] == classes["C02"] == "country q0"
    assert classes["C10"] == "country q4"
    assert classes["NOD"] == "country no-data"
    assert 'style="' not in svg
    assert tree.get("role") == "img"
    key = charts.choropleth_key(
        values, breaks, legend_format=lambda v: f"{v:.0f}", no_data="No data", no_data_count=1
    )
    assert [(e.css_class, e.label, e.count) for e in key][0] == ("q0", "1 – 2", 2)
    assert key[-1] == charts.KeyEntry("no-data", "No data", 1)


@pytest.mark.django_db
def test_indicator_map_tab_draws_the_world_on_codes(client, ims_2020):
    url = reverse("indicators:indicator", args=["migrant-share-of-population"])
    response = client.get(url, {"view": "map", "period": "2020"})
    body = response.content.decode()
    tree = html.fromstring(body)
    (svg,) = tree.xpath('//svg[contains(@class, "world-map")]')
    assert svg.get("role") == "img" and svg.find("title") is not None and svg.find("desc") is not None
    paths = {path.get("data-area"): path for path in svg.iter("path")}
    # Values on alpha-3 codes: the UAE has the highest share of migrants of any drawn country (88 %),
    # Viet Nam one of the lowest; UN DESA publishes no figure for Taiwan.
    assert paths["ARE"].get("class") == "country q4"
    assert paths["VNM"].get("class") == "country q0"
    assert paths["TWN"].get("class") == "country no-data"
    assert paths["TWN"].get("fill", "").startswith("url(#map-hatch")
    assert paths["ARE"].findtext("title").startswith("United Arab Emirates: 88")
    assert paths["FRA"].get("d") == worldmap.world_shapes().paths["FR"]
    key = [" ".join(li.text_content().split()) for li in tree.xpath('//ul[contains(@class, "map-key")]/li')]
    assert key[-1] == "No data (1 country)"
    assert "Tuvalu" in body and "Bahrain" in body
    assert "pygal_maps_world" in body and "LGPL" in body
    assert 'style="' not in body
    # The tile map is one link away, and the table stays under either map.
    tiles = client.get(url, {"view": "map", "period": "2020", "map": "tiles"}).content.decode()
    assert 'class="chart tile-map"' in tiles and "world-map" not in tiles
    assert tiles.count("<caption>") == body.count("<caption>") >= 1
