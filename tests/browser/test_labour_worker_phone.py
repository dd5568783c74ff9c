"""A worker reads their pre-departure checklist on a phone: every check readable on one screen width (the
rows stack as cards; before, the reasons were squeezed to one word a line inside a sideways-scrolling box),
in French and Spanish, accessible (axe-core)."""

from typing import Any

import pytest
from playwright.sync_api import Page

from migdev.accounts.demo import demo_users_create
from migdev.labour.demo import seed_labour_demo
from migdev.skills.models import TaxonomyEdition
from tests.browser.checks import assert_accessible, assert_no_console_errors
from tests.browser.test_signed_in_pages import sign_in
from tests.labour.test_demo import _tiny_esco

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


def test_checklist_reads_on_a_phone(
    page: Page, live_server: Any, external_requests: list[str], console_errors: list[str]
) -> None:
    # The browser tests share one database for the session: the tiny edition may be there already, and the
    # edition that was current is current again afterwards.
    was_current = list(TaxonomyEdition.objects.filter(is_current=True).values_list("pk", flat=True))
    TaxonomyEdition.objects.filter(is_current=True).update(is_current=False)
    if not TaxonomyEdition.objects.filter(taxonomy="esco", version="demo-test").update(is_current=True):
        _tiny_esco()
    try:
        _read_checklist_on_a_phone(page, live_server, external_requests, console_errors)
    finally:
        TaxonomyEdition.objects.filter(is_current=True).update(is_current=False)
        TaxonomyEdition.objects.filter(pk__in=was_current).update(is_current=True)


def _read_checklist_on_a_phone(
    page: Page, live_server: Any, external_requests: list[str], console_errors: list[str]
) -> None:
    demo_users_create()
    seed_labour_demo()
    page.set_viewport_size(PHONE)
    sign_in(page, live_server.url, "demo_worker", "demo-worker-2026!")
    page.wait_for_load_state()
    for language in ("fr", "es"):
        response = page.goto(f"{live_server.url}/{language}/labour/me/")
        assert response is not None and response.status == 200
        reasons = page.locator("table.stack-on-phone td[data-label]")
        assert reasons.count() >= 8
        for index in range(reasons.count()):
            box = reasons.nth(index).bounding_box()
            assert box is not None and box["width"] >= 0.7 * PHONE["width"], (language, index, box)
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        assert_accessible(page)
    assert external_requests == []
    assert_no_console_errors(console_errors)
