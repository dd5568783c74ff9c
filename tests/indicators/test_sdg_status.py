"""SDG 10.c.1 on the SDG page: the global average cost and the corridors above 5 %, from the data loaded."""

import csv
import re
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils.formats import number_format

from migdev.indicators import selectors
from migdev.indicators.loaders import load_file
from tests.indicators.conftest import RPW

pytestmark = pytest.mark.django_db

RPW_MEANS = Path(__file__).resolve().parents[1] / "remittances" / "fixtures" / "corridor_means_small.csv"


def _latest_corridor_costs(path: Path) -> tuple[str, list[float]]:
    """The DataBank file read here independently: the latest quarter with a value, and its corridors."""
    with path.open(encoding="utf-8-sig") as handle:
        rows = [row for row in csv.DictReader(handle) if row.get("Sending Countries Code", "").strip()]
    quarters = [name for name in rows[0] if re.match(r"\d{4}Q[1-4] ", name)]
    for quarter in reversed(quarters):
        values = []
        for row in rows:
            try:
                values.append(float(row[quarter]))
            except ValueError:
                continue
        if values:
            return quarter[:4] + "-" + quarter[4:6], values
    raise AssertionError("no quarter with values")


def _sdg_page(client) -> str:
    body = client.get(reverse("indicators:sdg")).content.decode()
    match = re.search(r'<section id="sdg-10c1".*?</section>', body, re.S)
    assert match, "no 10.c.1 section"
    return match.group(0)


def test_without_remittance_prices_the_page_says_no_data(client, db):
    assert selectors.remittance_cost_status() is None
    assert "No data: no remittance prices have been loaded" in _sdg_page(client)


def test_from_the_indicators_corridor_series(client, db):
    load_file("worldbank-rpw-corridors", RPW)
    period, costs = _latest_corridor_costs(RPW)
    average = sum(costs) / len(costs)
    above = sum(1 for cost in costs if cost > 5)
    status = selectors.remittance_cost_status()
    assert status is not None and status.basis == "corridors"
    assert status.period == period
    assert status.global_average == pytest.approx(average)
    assert (status.corridors, status.corridors_above) == (len(costs), above)
    assert status.met is False  # corridors above 5 % in the real data
    section = _sdg_page(client)
    assert f"{number_format(round(average, 2), 2)} %" in section
    assert f"{above} of {len(costs)} corridors" in section
    assert period in section
    assert "Remittance Prices Worldwide" in section and "CC BY 4.0" in section
    assert "not met" in section


def test_the_remittances_module_figures_come_first(client, db):
    from migdev.dataio.services import import_file

    load_file("worldbank-rpw-corridors", RPW)
    import_file(format_name="rpw-corridor-means", path=RPW_MEANS)
    with RPW_MEANS.open(encoding="utf-8") as handle:
        # Every row counts, Germany → Kosovo (KSV, the World Bank's XKX) included.
        rows = list(csv.DictReader(handle))
    services = sum(int(row["num_providers"]) for row in rows)
    pooled = sum(float(row["avg_cost_pct_200usd"]) * int(row["num_providers"]) for row in rows) / services
    above = sum(1 for row in rows if float(row["avg_cost_pct_200usd"]) > 5)
    status = selectors.remittance_cost_status()
    assert status is not None and status.basis == "rpw"
    assert status.period == "2020Q3"
    assert status.global_average == pytest.approx(pooled)
    assert (status.corridors, status.corridors_above) == (len(rows), above)
    assert status.global_met is False and status.met is False
    section = _sdg_page(client)
    assert f"{number_format(round(pooled, 2), 2)} %" in section
    assert f"{above} of {len(rows)} corridors" in section
    assert "pooled over all transparent services" in section


def test_target_met_only_when_both_parts_are_met() -> None:
    status = selectors.RemittanceCostStatus(
        basis="corridors",
        period="2030-Q4",
        global_average=2.9,
        corridors=10,
        corridors_above=0,
        smart_corridors=None,
        smart_corridors_above=None,
        sources=(),
        licence="",
    )
    assert status.met is True
    assert selectors.RemittanceCostStatus(**{**status.__dict__, "global_average": 3.0}).met is False
    assert selectors.RemittanceCostStatus(**{**status.__dict__, "corridors_above": 1}).met is False
    assert selectors.RemittanceCostStatus(**{**status.__dict__, "global_average": None}).met is None
