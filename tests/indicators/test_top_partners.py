"""The profile's largest partners: the latest year with a partner cell for the country, largest first."""

import pytest
from django.db.models import Max

from migdev.indicators import selectors
from migdev.indicators.models import TOTAL, Observation

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("iso3", ["DEU", "USA"])
def test_top_partners_are_the_largest_cells_of_the_latest_year(all_sources: None, iso3: str) -> None:
    origins, destinations, year, edition = selectors.top_partners(iso3, limit=5)
    assert edition is not None and year is not None
    cells = Observation.objects.filter(
        series__code="migrant-stock", edition=edition, value__isnull=False
    ).exclude(counterpart=TOTAL)
    mine = cells.filter(area=iso3) | cells.filter(counterpart=iso3)
    assert mine.values("period").distinct().count() > 1  # so that taking the latest year is tested
    assert year == mine.aggregate(latest=Max("period"))["latest"]

    def largest(side: str) -> list[float]:
        values = cells.filter(period=year, **{side: iso3}).values_list("value", "unit_mult")
        return sorted((value * 10**mult for value, mult in values), reverse=True)[:5]

    assert [partner.value for partner in origins] == largest("area")
    assert [partner.value for partner in destinations] == largest("counterpart")
    assert origins and destinations
