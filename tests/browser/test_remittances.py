"""The comparison as a migrant uses it on a phone, and the other public pages, in a real Chromium.

Run with ``pytest -m browser`` (the test command points MIGDEV_CHROMIUM at Debian's chromium).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from playwright.sync_api import Page

from migdev.remittances import services
from migdev.remittances.models import PriceSource
from migdev.remittances.quarters import Quarter
from migdev.remittances.vocabulary import FirmType, Origin, Speed
from tests.browser.checks import assert_accessible, assert_no_console_errors

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 360, "height": 740}


@pytest.fixture
def prices(db: None) -> None:
    """Idempotent, so it works whether or not the database is flushed between browser tests (a flush also
    empties the reference data that migrations load, which is then loaded again)."""
    from migdev.reference.models import Country
    from migdev.reference.services import reference_data_load

    if not Country.objects.filter(iso3="GBR").exists():
        reference_data_load()
    source = services.price_source_create(
        kind=PriceSource.Kind.RESEARCHER, title="browser test", edition="test"
    )
    corridor = services.corridor_get_or_create(sending_iso3="GBR", receiving_iso3="IND")
    for name, fee, rate, transparent, quarter in (
        ("Cheap Send", "2", "99", True, "2024Q1"),
        ("Zero Fee Co", "0", "95", True, "2024Q1"),
        ("Hidden Rate", "1", "97", False, "2024Q1"),
        ("Cheap Send", "3", "99", True, "2023Q4"),
    ):
        services.service_record(
            provider=services.provider_get_or_create(name=name, firm_type=FirmType.MTO),
            corridor=corridor,
            quarter=Quarter.parse(quarter),
            send_currency="GBP",
            receive_currency="INR",
            quotes=[
                services.QuoteInput(
                    send_amount=Decimal(200),
                    fee=Decimal(fee),
                    offered_rate=Decimal(rate),
                    interbank_rate=Decimal(100),
                )
            ],
            origin=Origin.RESEARCHER,
            source=source,
            speed=Speed.SAME_DAY,
            transparent=transparent,
            pickup_method="Cash",
            replace_existing=True,
            recompute=False,
        )
    services.aggregates_recompute()


@pytest.fixture
def phone(browser: Any, live_server: Any) -> Any:
    context = browser.new_context(viewport=PHONE, java_script_enabled=False)
    yield context.new_page()
    context.close()


def test_a_migrant_compares_on_a_phone_without_javascript(
    phone: Page, live_server: Any, prices: None
) -> None:
    phone.goto(live_server.url + "/en/remittances/")
    phone.select_option("#id_sending", "GBR")
    phone.select_option("#id_receiving", "IND")
    phone.fill("#id_amount", "200")
    phone.click("button[type=submit]:has-text('Compare')")
    phone.wait_for_url("**/en/remittances/?sending=GBR&receiving=IND&amount=200")
    offers = phone.locator("ol.offers > li h3")
    assert offers.all_inner_texts() == ["Cheap Send", "Hidden Rate", "Zero Fee Co"]
    assert "19,602.00 INR" in phone.locator("ol.offers > li").first.inner_text()
    assert phone.locator(".flag.warning", has_text="No fee, but the exchange rate costs you").count() == 1
    # The same result in a phone-sized window that runs scripts, for the measurements and axe-core: nothing is
    # wider than the phone (no sideways scrolling to read an offer) and the page passes WCAG 2.1 AA.
    checker = phone.context.browser.new_context(viewport=PHONE)  # type: ignore[union-attr]
    page = checker.new_page()
    page.goto(phone.url)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert_accessible(page)
    checker.close()


@pytest.mark.parametrize(
    ("path", "language"),
    [
        ("/{lang}/remittances/?sending=GBR&receiving=IND&amount=350", "en"),
        ("/{lang}/remittances/?sending=GBR&receiving=IND&amount=350", "es"),
        ("/{lang}/remittances/corridors/GBR-IND/", "en"),
        ("/{lang}/remittances/corridors/", "en"),
        ("/{lang}/remittances/countries/IND/", "fr"),
        ("/{lang}/remittances/dashboard/", "en"),
        ("/{lang}/remittances/downloads/", "en"),
        ("/{lang}/remittances/dashboard/published/", "fr"),
        ("/{lang}/remittances/corridors/GBR-IND/", "es"),
    ],
)
def test_public_pages_are_accessible(
    page: Page,
    live_server: Any,
    external_requests: list[str],
    console_errors: list[str],
    prices: None,
    path: str,
    language: str,
) -> None:
    response = page.goto(live_server.url + path.format(lang=language))
    assert response is not None and response.status == 200
    assert_accessible(page)
    assert external_requests == []
    assert_no_console_errors(console_errors)
