"""Remittance pages name their sources; French pages use French names and numbers; the API's numbers are numbers."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.test import Client

from migdev.dataio.services import import_file
from migdev.remittances.charts import ChartSeries, LineChart, ReferenceLine, render_line_chart

pytestmark = pytest.mark.django_db


@pytest.fixture
def loaded(fixtures_dir: Path) -> None:
    import_file(format_name="rpw-corridor-means", path=fixtures_dir / "corridor_means_2025Q1.csv")
    import_file(format_name="rpw-databank", path=fixtures_dir / "databank_small.csv")


@pytest.mark.parametrize(
    "url",
    [
        "/en/remittances/dashboard/",
        "/en/remittances/corridors/",
        "/en/remittances/corridors/USA-MEX/",
        "/en/remittances/countries/MEX/",
        "/en/remittances/dashboard/published/",
        "/en/remittances/?sending=USA&receiving=MEX&amount=200",
    ],
)
def test_remittance_pages_name_source_edition_and_licence(client: Client, loaded: None, url: str) -> None:
    page = client.get(url).content.decode()
    assert "corridor-quarter means" in page.lower() or "databank" in page.lower(), url
    assert (
        "CC BY 4.0" in page and "edition" in page and "The World Bank, Remittance Prices Worldwide" in page
    ), url


def test_french_dashboard_names_regions_in_french_with_decimal_commas(client: Client, loaded: None) -> None:
    from django.utils.translation import gettext, override

    page = client.get("/fr/remittances/dashboard/?quarter=2025Q1").content.decode()
    assert "6,47 %" in page and "6.47 %" not in page
    assert "155 couloirs sur 279" in page
    # Region names come from the module's translated labels, not the reference data's English names. Their
    # French text arrives when the integrator merges translations/rpw.json into the catalogue.
    with override("fr"):
        french = gettext("Sub-Saharan Africa")
    assert french in page
    if french != "Sub-Saharan Africa":
        assert "Sub-Saharan Africa" not in page


def test_french_chart_ticks_use_decimal_commas() -> None:
    from django.utils.translation import override

    chart = LineChart("t", "d", ["2016Q2", "2016Q3"], [ChartSeries("a", [0.3, 0.7])])
    with override("fr"):
        svg = render_line_chart(chart, chart_id="c")
    assert "0,2%" in svg and "0.2%" not in svg


def test_reference_line_labels_do_not_overlap_when_the_scale_runs_high() -> None:
    chart = LineChart(
        "t",
        "d",
        ["2016Q2", "2016Q3"],
        [ChartSeries("a", [40.0, 35.0])],
        reference_lines=[ReferenceLine(3.0, "3 % goal"), ReferenceLine(5.0, "5 % limit")],
    )
    svg = str(render_line_chart(chart, chart_id="c"))
    label_ys = sorted(
        float(re.search(r'<text x="[^"]+" y="([^"]+)"', part).group(1))  # type: ignore[union-attr]
        for part in svg.split('<g class="reference"')[1:]
    )
    assert label_ys[1] - label_ys[0] >= 14  # the labels' font size


def test_quarter_labels_keep_their_distance_on_a_long_axis() -> None:
    labels = [f"{year}Q{q}" for year in range(2011, 2026) for q in range(1, 5)][:57]
    chart = LineChart("t", "d", labels, [ChartSeries("a", [1.0] * len(labels))])
    svg = str(render_line_chart(chart, chart_id="c"))
    xs = [
        float(part.split('x="')[1].split('"')[0])
        for part in svg.split('<text class="tick" ')[1:]
        if "text-anchor" in part and part.split(">")[1].startswith(("20",))
    ]
    gaps = [b - a for a, b in zip(xs, xs[1:], strict=False)]
    assert gaps and min(gaps) >= 72


def test_api_gives_the_world_bank_average_as_a_number(client: Client, loaded: None) -> None:
    history = client.get("/api/v1/remittances/corridors/USA-MEX").json()["history"]
    official = [row["world_bank_average_pct"] for row in history if row["world_bank_average_pct"] is not None]
    assert official and all(isinstance(value, float) for value in official)
    assert all(isinstance(row["average_pct"], float) for row in history if row["average_pct"] is not None)
