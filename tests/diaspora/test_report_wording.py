"""The reports page: the share of requests filled is rounded half up from the exact ratio (2/3 = 66.67 %
shows 67 %, not the truncated 66 %), and counts take their plural forms (1 expert, 2 experts)."""

from __future__ import annotations

import pytest

from migdev.diaspora import selectors
from migdev.diaspora.models import Request
from migdev.diaspora.views import _shown
from tests.diaspora.conftest import World

pytestmark = pytest.mark.django_db


def test_share_filled_rounds_half_up_on_the_page(world: World, esco: object, client) -> None:
    rows = [world.request_row(title=f"Request {n}") for n in range(3)]
    Request.objects.filter(pk__in=[rows[0].pk, rows[1].pk]).update(status=Request.Status.FILLED)
    html = client.get("/en/diaspora/reports/").content.decode()
    assert "67 % (2/3)" in html
    assert "66 %" not in html


@pytest.mark.parametrize(
    ("filled", "approved", "percent"),
    [(8, 12, 67), (1, 8, 13), (1, 200, 1), (1, 201, 0), (0, 5, 0), (5, 5, 100), (1, 3, 33)],
)
def test_share_filled_percent_is_half_up_of_the_exact_ratio(filled: int, approved: int, percent: int) -> None:
    report = selectors.Report.__new__(selectors.Report)
    report.requests_filled, report.requests_approved = filled, approved
    assert report.share_filled_percent == percent


def test_availability_counts_take_their_plural_forms() -> None:
    one = _shown("availability", {"days_on_site_per_year": 1, "hours_online_per_week": 1, "windows": []}, {})
    assert one.startswith("1 day a year on site, 1 hour a week online")
    two = _shown("availability", {"days_on_site_per_year": 20, "hours_online_per_week": 2, "windows": []}, {})
    assert two.startswith("20 days a year on site, 2 hours a week online")


def test_diaspora_pages_show_dates_as_the_platform_does(world: World, esco: object) -> None:
    """ISO 8601 (2027-03-10), as the trafficking, labour, coordination and indicators pages print dates,
    not the English short format (03/10/2027)."""
    from tests.diaspora.conftest import signed_in

    row = world.request_row()
    page = signed_in(world.host_user)
    for url in ("/en/diaspora/requests/", f"/en/diaspora/requests/{row.pk}/"):
        html = page.get(url).content.decode()
        assert "2027-03-10" in html, url
        assert "03/10/2027" not in html, url
