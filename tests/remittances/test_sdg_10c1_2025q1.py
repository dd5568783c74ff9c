"""SDG 10.c.1 for 2025Q1 recomputed from the real RPW corridor means (every 2025Q1 row of the shipped file,
cut into ``fixtures/corridor_means_2025Q1.csv``), through the loader and the stored figures users see."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from migdev.dataio.services import import_file
from migdev.remittances import selectors
from migdev.remittances.aggregates import Measure

pytestmark = pytest.mark.django_db


def test_sdg_10c1_2025q1_pools_5466_services_and_counts_155_of_279_corridors_above_5(
    fixtures_dir: Path,
) -> None:
    path = fixtures_dir / "corridor_means_2025Q1.csv"
    result = import_file(format_name="rpw-corridor-means", path=path)
    assert (result.read, result.rejected) == (279, 0)

    # The expected figures, written out from the file itself: pooled mean Σ mean·n / Σ n, corridors > 5 %.
    with path.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    services = sum(int(row["num_providers"]) for row in rows)
    pooled = sum(float(row["avg_cost_pct_200usd"]) * int(row["num_providers"]) for row in rows) / services
    assert services == 5466 and round(pooled, 2) == 6.47

    status = selectors.sdg_10c1_status()
    assert status is not None
    assert status.quarter == "2025Q1"
    assert status.global_average == pytest.approx(pooled)
    assert status.services == 5466
    assert (status.corridors_above, status.corridors) == (155, 279)
    assert [source.title for source in status.sources] == [result_source_title()]

    corridor_averages = selectors.figures_for_quarter("2025Q1")[Measure.CORRIDOR_AVERAGE]
    assert corridor_averages["DEUXKX"] == pytest.approx((5.7, 8.0))  # Germany → Kosovo counts, above 5 %


def result_source_title() -> str:
    from migdev.remittances.models import PriceSource

    return PriceSource.objects.get(kind=PriceSource.Kind.RPW_CORRIDOR_MEANS).title


def test_the_sdg_page_and_the_dashboard_show_the_same_2025q1_figures(
    fixtures_dir: Path, client: object
) -> None:
    from django.test import Client

    assert isinstance(client, Client)
    import_file(format_name="rpw-corridor-means", path=fixtures_dir / "corridor_means_2025Q1.csv")
    for url in ("/en/indicators/sdg/", "/en/remittances/dashboard/"):
        page = client.get(url).content.decode()
        assert "6.47 %" in page, url
        assert "155 of 279 corridors (55.6 %)" in page, url


def test_a_country_profile_shows_the_latest_rpw_corridor_cost_after_each_load(
    fixtures_dir: Path, client: object
) -> None:
    """The profile page is kept until the indicators' data version changes; an RPW load must change it."""
    from django.test import Client

    from migdev.indicators.formatting import format_value
    from migdev.indicators.selectors import indicator_by_code

    assert isinstance(client, Client)
    indicator = indicator_by_code("remittance-cost-to-country")

    def mean_cost_to_mexico(name: str) -> str:
        with (fixtures_dir / name).open(encoding="utf-8") as handle:
            costs = [
                float(row["avg_cost_pct_200usd"])
                for row in csv.DictReader(handle)
                if row["destination_code"] == "MEX"
            ]
        return format_value(sum(costs) / len(costs), indicator)

    import_file(format_name="rpw-corridor-means", path=fixtures_dir / "corridor_means_small.csv")
    page = client.get("/en/indicators/countries/MEX/").content.decode()
    assert "2020-Q3" in page and mean_cost_to_mexico("corridor_means_small.csv") in page

    import_file(format_name="rpw-corridor-means", path=fixtures_dir / "corridor_means_2025Q1.csv")
    page = client.get("/en/indicators/countries/MEX/").content.decode()
    assert "2025-Q1" in page and mean_cost_to_mexico("corridor_means_2025Q1.csv") in page
