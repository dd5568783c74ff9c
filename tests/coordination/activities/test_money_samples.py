"""The demo's sample money file: loaded by the demo seeder, kept marked as samples through IATI out and in,
left out of the money views unless asked for, and labelled as sample data wherever it is shown."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.test import Client

from migdev.coordination.activities import money
from migdev.coordination.activities.iati import export_iati, import_iati_bytes
from migdev.coordination.demo import seed_demo
from migdev.coordination.models import Activity

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo() -> None:
    seed_demo()


def samples() -> list[Activity]:
    return list(Activity.objects.filter(iati_identifier__contains="-MIGDEV-SAMPLE-"))


def test_the_demo_loads_the_sample_money_marked_as_samples(demo: None) -> None:
    loaded = samples()
    assert len(loaded) == 4
    assert all(a.is_sample and a.title.startswith("Sample:") for a in loaded)
    assert sum(a.transactions.count() for a in loaded) == 19
    assert sum(a.budgets.count() for a in loaded) == 12
    seed_demo()  # loading the demo again replaces, never duplicates
    assert len(samples()) == 4


def test_samples_are_not_counted_unless_asked_for(demo: None) -> None:
    default = money.money_view(None, by="year")
    assert not default.includes_samples and default.samples_left_aside == 4
    assert not any(c.activity.is_sample for c in default.counted)
    with_samples = money.money_view(None, by="year", include_samples=True)
    assert with_samples.includes_samples
    assert with_samples.total_budget > default.total_budget
    assert with_samples.total_budget == sum(r.budget for r in with_samples.rows)
    # The sample file's rupee spending has no rate: left out and listed, not guessed.
    assert [item.record.currency for item in with_samples.left_out if item.activity.is_sample] == ["NPR"]
    sources = {rate.currency: rate.source for rate in with_samples.rates_used}
    assert "European Central Bank" in sources["SEK"] and "parity" in sources["XAF"]


def test_sample_figures_say_so_on_the_page_and_in_the_api(demo: None, client: Client) -> None:
    page = client.get("/en/coordination/activities/money/").content.decode()
    assert 'id="samples-left-aside"' in page and 'id="sample-notice"' not in page
    page = client.get("/es/coordination/activities/money/?by=year&samples=on").content.decode()
    assert 'id="sample-notice"' in page and 'lang="es"' in page
    body = client.get("/api/v1/coordination/activities/money?by=year").json()
    assert body["includes_samples"] is False and body["samples_left_aside"] == 4
    body = client.get("/api/v1/coordination/activities/money?by=year&samples=true").json()
    assert body["includes_samples"] is True
    assert Decimal(body["total_budget"]) == sum(Decimal(r["budget"]) for r in body["rows"])
    detail = client.get(f"/en/coordination/activities/{samples()[0].pk}/").content.decode()
    assert 'id="sample-notice"' in detail


def test_the_sample_mark_survives_an_iati_round_trip(demo: None, editor: object) -> None:
    exported = export_iati(Activity.objects.filter(is_sample=True).order_by("iati_identifier"))
    assert exported.count(b"urn:migdev:sample") == 4
    Activity.objects.filter(is_sample=True).delete()
    import_iati_bytes(exported, file_name="again.xml", actor=editor)
    assert [a.is_sample for a in samples()] == [True] * 4


@pytest.mark.parametrize("query", ["", "?samples=on", "?by=year&currency="])
def test_the_currency_select_shows_the_currency_of_the_figures(
    demo: None, client: Client, query: str
) -> None:
    """Found trying the page: with no currency asked, the figures were in dollars but the select showed the
    first currency of the list, so the next click would have switched currency unseen."""
    import re

    page = client.get(f"/fr/coordination/activities/money/{query}").content.decode()
    select = re.search(r'<select name="currency".*?</select>', page, re.S)
    assert select is not None
    chosen = re.findall(r'<option value="([A-Z]{3})"[^>]*selected', select.group(0))
    assert chosen == [money.BASE_CURRENCY]
    if "samples=on" in query:  # the charts (only the samples have money here) are headed in that currency
        assert f"({money.BASE_CURRENCY})" in page
