"""In Chromium: a country's origins and destinations on the world map, in English and French.

Accessible (axe-core, WCAG 2.1 AA) with its linked shapes, nothing from other hosts, no CSP violations.
"""

from typing import Any

import pytest
from playwright.sync_api import Page

from migdev.indicators.loaders import load_file
from tests.browser.checks import assert_accessible, assert_no_console_errors
from tests.indicators.conftest import IMS_2019_MATRIX

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_partners_map_is_accessible_and_its_shapes_lead_to_the_partners_pages(
    page: Page, live_server: Any, external_requests: list[str], console_errors: list[str]
) -> None:
    load_file("undesa-ims-2019", IMS_2019_MATRIX)
    page.goto(live_server.url + "/en/indicators/countries/DEU/partners/")
    world = page.locator("svg.world-map")
    assert world.is_visible()
    assert world.locator('path[data-area="POL"]').get_attribute("class") == "country q4"
    assert world.locator('path[data-area="DEU"]').get_attribute("class") == "country self"
    assert_accessible(page)

    page.get_by_role("link", name="Where people from Germany live").click()
    page.wait_for_url("**direction=destinations**")
    assert page.locator("svg.world-map > title").text_content() == (
        "Where people from Germany live — International migrants, 2019, both sexes"
    )
    assert_accessible(page)

    # A shape is a link, found by its name and followed from the keyboard, to that partner's own page.
    page.get_by_role("link", name="United States of America:", exact=False).first.focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**/countries/USA/partners/**")
    assert page.locator("h1").inner_text() == "Origins and destinations: United States of America"

    page.goto(live_server.url + "/fr/indicators/countries/DEU/partners/")
    assert page.locator("html").get_attribute("lang") == "fr"
    assert page.locator("ul.map-key li").last.inner_text().strip() == "Allemagne (ce pays)"
    assert_accessible(page)
    assert external_requests == []
    assert_no_console_errors(console_errors)
