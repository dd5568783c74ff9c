"""In Chromium: a country profile and a three-country comparison, on a desktop and a phone.

Accessible (axe-core, WCAG 2.1 AA), nothing from other hosts, no CSP violations, no sideways scrolling.
"""

import os
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Page

from migdev.indicators.loaders import load_file
from tests.indicators.conftest import IMS_2019_MATRIX, IMS_2020, INFLOWS_2013, UNHCR, WPP

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    args = {**browser_type_launch_args, "args": ["--no-sandbox", "--disable-gpu", "--no-first-run"]}
    if os.environ.get("MIGDEV_CHROMIUM"):
        args["executable_path"] = os.environ["MIGDEV_CHROMIUM"]
    return args


@pytest.fixture
def watched(page: Page, live_server: Any) -> Iterator[dict[str, list[str]]]:
    own_host = urlsplit(live_server.url).netloc
    seen: dict[str, list[str]] = {"external": [], "console": []}
    page.on(
        "request",
        lambda r: (
            seen["external"].append(r.url)
            if urlsplit(r.url).netloc not in {own_host, ""} and not r.url.startswith("data:")
            else None
        ),
    )
    page.on("console", lambda m: seen["console"].append(m.text) if m.type == "error" else None)
    yield seen


def _accessible(page: Page) -> None:
    from tests.browser.checks import assert_accessible

    assert_accessible(page)


def test_profile_and_three_country_comparison(
    page: Page, live_server: Any, watched: dict[str, list[str]]
) -> None:
    for name, path in [
        ("undesa-ims-2020", IMS_2020),
        ("undesa-ims-2019", IMS_2019_MATRIX),
        ("undesa-wpp-net-migration", WPP),
        ("unhcr-refugees", UNHCR),
        ("worldbank-remittance-inflows-2013", INFLOWS_2013),
    ]:
        load_file(name, path)

    page.goto(live_server.url + "/en/indicators/countries/MEX/")
    assert page.locator("h1").inner_text() == "Migration profile: Mexico"
    assert page.locator(".figure-card").count() >= 10
    assert page.locator("svg.line-chart").count() >= 2
    _accessible(page)

    page.goto(live_server.url + "/en/indicators/international-migrant-stock/?areas=USA,DEU")
    page.select_option("#add-country", "SAU")
    page.get_by_role("button", name="Apply").click()
    page.wait_for_url("**areas=USA%2CDEU%2CSAU**")
    legend = [text.strip() for text in page.locator(".chart-legend li").all_text_contents()]
    assert {"United States of America", "Germany", "Saudi Arabia"} <= set(legend)
    _accessible(page)
    page.get_by_role("link", name="Map").click()
    world = page.locator("svg.world-map")
    assert world.is_visible()
    # A country with data is coloured by its fifth; Taiwan, which UN DESA does not list, is hatched.
    assert "q" in (world.locator('path[data-area="MEX"]').get_attribute("class") or "")
    assert world.locator('path[data-area="TWN"]').get_attribute("class") == "country no-data"
    assert "Mexico: " in world.locator('path[data-area="MEX"] title').text_content()
    assert page.locator(".map-key li").count() >= 3
    box = world.bounding_box()
    assert box is not None and box["width"] > 600 and box["height"] > 250
    screenshot = os.environ.get("MIGDEV_SCREENSHOTS")
    if screenshot:
        top = page.locator(".map-layouts").bounding_box()
        bottom = page.locator(".map-credit").bounding_box()
        assert top is not None and bottom is not None
        page.screenshot(
            path=f"{screenshot}/indicator-world-map.png",
            full_page=True,
            clip={
                "x": 0,
                "y": top["y"] - 8,
                "width": 1280,
                "height": bottom["y"] + bottom["height"] - top["y"] + 16,
            },
        )
    _accessible(page)
    page.get_by_role("link", name="Tile map: every country the same size").click()
    assert page.locator("svg.tile-map").is_visible()
    _accessible(page)

    page.set_viewport_size({"width": 375, "height": 740})
    for path in [
        "/en/indicators/countries/MEX/",
        "/en/indicators/international-migrant-stock/?areas=USA,DEU,SAU",
        "/en/indicators/migrant-share-of-population/?view=map",
    ]:
        page.goto(live_server.url + path)
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 1, f"{path} scrolls sideways by {overflow}px on a phone"
    if screenshot:
        page.locator(".map-figure").screenshot(path=f"{screenshot}/indicator-world-map-phone.png")
    assert watched["external"] == []
    assert watched["console"] == []


def test_partners_page_and_profile_in_french_and_spanish(
    page: Page, live_server: Any, watched: dict[str, list[str]]
) -> None:
    for name, path in [
        ("undesa-ims-2020", IMS_2020),
        ("undesa-ims-2019", IMS_2019_MATRIX),
        ("unhcr-refugees", UNHCR),
    ]:
        load_file(name, path)
    for width in (1280, 375):
        page.set_viewport_size({"width": width, "height": 800})
        for path in [
            "/fr/indicators/countries/SYR/partners/?series=refugees&direction=destinations",
            "/es/indicators/countries/DEU/partners/?series=refugees",
            "/fr/indicators/countries/USA/",
            "/es/indicators/countries/USA/",
        ]:
            page.goto(live_server.url + path)
            overflow = page.evaluate(
                "document.documentElement.scrollWidth - document.documentElement.clientWidth"
            )
            assert overflow <= 1, f"{path} scrolls sideways by {overflow}px at {width}px"
            if width == 1280:
                _accessible(page)
    page.goto(
        live_server.url + "/fr/indicators/countries/SYR/partners/?series=refugees&direction=destinations"
    )
    assert page.locator("tbody tr").count() > 10
    with page.expect_download() as download:
        page.locator("a[download][href*='format=csv']").click()
    assert download.value.suggested_filename.endswith(".csv")
    assert watched["external"] == []
    assert watched["console"] == []
