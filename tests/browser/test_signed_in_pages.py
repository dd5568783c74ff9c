"""A real sign-in with password and TOTP, then the pages a signed-in administrator uses, in three languages."""

from typing import Any

import pytest
from playwright.sync_api import Page

from migdev.accounts.demo import demo_totp_code, demo_users_create
from tests.browser.checks import assert_accessible, assert_no_console_errors

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SIGNED_IN_PATHS = [
    "/{lang}/accounts/profile/",
    "/{lang}/audit/",
    "/{lang}/data/",
    "/{lang}/data/import/",
    "/{lang}/jobs/",
    "/{lang}/accounts/notes/",
    "/{lang}/accounts/users/",
    "/{lang}/accounts/users/new/",
]


def sign_in(page: Page, base_url: str, username: str, password: str) -> None:
    page.goto(base_url + "/en/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("form.stacked button[type=submit]")


@pytest.fixture
def administrator(page: Page, live_server: Any) -> Page:
    demo_users_create()
    sign_in(page, live_server.url, "demo_administrator", "demo-administrator-2026!")
    page.wait_for_url("**/two-factor/verify/**")
    page.fill("input[name=code]", demo_totp_code())
    page.click("form.stacked button[type=submit]")
    page.wait_for_load_state()
    assert "/two-factor/" not in page.url
    return page


def test_two_factor_is_required_before_any_page(page: Page, live_server: Any) -> None:
    demo_users_create()
    sign_in(page, live_server.url, "demo_administrator", "demo-administrator-2026!")
    page.wait_for_url("**/two-factor/verify/**")
    page.goto(live_server.url + "/en/audit/")
    assert "/two-factor/verify/" in page.url, "the audit page opened before the second factor"
    assert_accessible(page)


def test_wrong_password_is_refused_accessibly(page: Page, live_server: Any) -> None:
    demo_users_create()
    sign_in(page, live_server.url, "demo_administrator", "not the password")
    # The form posts to its own address: wait for the answer's alert, not for a URL that never changes.
    page.locator("[role=alert]").first.wait_for(state="visible")
    assert "/accounts/login/" in page.url
    assert page.locator("[role=alert]").count() >= 1
    assert_accessible(page)


@pytest.mark.parametrize("language", ["en", "fr", "es"])
def test_signed_in_pages_are_accessible(
    administrator: Page,
    live_server: Any,
    external_requests: list[str],
    console_errors: list[str],
    language: str,
) -> None:
    for path in SIGNED_IN_PATHS:
        response = administrator.goto(live_server.url + path.format(lang=language))
        assert response is not None and response.status == 200, path
        assert administrator.locator("html").get_attribute("lang") == language
        assert_accessible(administrator)
    assert external_requests == []
    assert_no_console_errors(console_errors)
