"""Public pages in all three languages: accessible, nothing from other hosts, no CSP violations."""

from typing import Any

import pytest
from playwright.sync_api import Page

from tests.browser.checks import assert_accessible, assert_no_console_errors

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PUBLIC_PATHS = [
    "/{lang}/",
    "/{lang}/diaspora/",
    "/{lang}/diaspora/roster/",
    "/{lang}/skills/?q=nurse",
    "/{lang}/accounts/login/",
]


@pytest.mark.parametrize("language", ["en", "fr", "es"])
@pytest.mark.parametrize("path", PUBLIC_PATHS)
def test_public_page_is_accessible_in_each_language(
    page: Page,
    live_server: Any,
    external_requests: list[str],
    console_errors: list[str],
    language: str,
    path: str,
) -> None:
    response = page.goto(live_server.url + path.format(lang=language))
    assert response is not None and response.status == 200
    assert page.locator("html").get_attribute("lang") == language
    assert_accessible(page)
    assert external_requests == []
    assert_no_console_errors(console_errors)


def test_language_follows_the_browser(browser: Any, live_server: Any) -> None:
    context = browser.new_context(locale="fr-FR")
    page = context.new_page()
    page.goto(live_server.url + "/")
    assert page.url == live_server.url + "/fr/"
    assert page.locator("html").get_attribute("lang") == "fr"
    context.close()


def test_language_switcher_changes_language_and_keeps_the_page(page: Page, live_server: Any) -> None:
    page.goto(live_server.url + "/en/diaspora/roster/")
    page.select_option("#language-select", "es")
    page.wait_for_url(live_server.url + "/es/diaspora/roster/")
    assert page.locator("html").get_attribute("lang") == "es"


def test_phone_sized_window_keeps_navigation_usable(browser: Any, live_server: Any) -> None:
    context = browser.new_context(viewport={"width": 375, "height": 740})
    page = context.new_page()
    page.goto(live_server.url + "/en/")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375, "the home page scrolls sideways on a phone"
    context.close()


def test_api_docs_load_from_this_server_only(
    page: Page, live_server: Any, external_requests: list[str]
) -> None:
    page.goto(live_server.url + "/api/v1/docs")
    page.wait_for_selector(".swagger-ui .info .title")
    assert "migdev API" in page.inner_text(".swagger-ui .info .title")
    assert external_requests == []
