"""The scheme officer's dashboard and brain-drain view on the demo data, in Chromium with axe, in three
languages, after a real sign-in with password and TOTP."""

from typing import Any

import pytest
from playwright.sync_api import Page

from migdev.accounts.demo import demo_password, demo_totp_code, demo_username, demo_users_create
from migdev.accounts.roles import Role
from migdev.labour.demo import seed_labour_demo
from migdev.skills.models import TaxonomyEdition
from tests.browser.checks import assert_accessible, assert_no_console_errors
from tests.browser.test_signed_in_pages import sign_in
from tests.labour.test_demo import _tiny_esco

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def scheme_officer(page: Page, live_server: Any) -> Page:
    demo_users_create()
    if not TaxonomyEdition.objects.filter(taxonomy="esco", version="demo-test").exists():
        TaxonomyEdition.objects.filter(is_current=True).update(is_current=False)
        _tiny_esco()
    seed_labour_demo()
    sign_in(page, live_server.url, demo_username(Role.SCHEME_OFFICER), demo_password(Role.SCHEME_OFFICER))
    page.wait_for_url("**/two-factor/verify/**")
    page.fill("input[name=code]", demo_totp_code())
    page.click("form.stacked button[type=submit]")
    page.wait_for_load_state()
    assert "/two-factor/" not in page.url
    return page


@pytest.mark.parametrize("language", ["en", "fr", "es"])
def test_scheme_dashboard_and_brain_drain_are_accessible(
    scheme_officer: Page,
    live_server: Any,
    external_requests: list[str],
    console_errors: list[str],
    language: str,
) -> None:
    page = scheme_officer
    response = page.goto(f"{live_server.url}/{language}/labour/dashboard/")
    assert response is not None and response.status == 200
    assert page.locator("html").get_attribute("lang") == language
    # the demo's one placement: its sex is suppressed, so three charts, and no blank one for sex
    assert page.locator("svg.chart").count() == 3
    assert page.locator("#breakdown-sex ~ svg, section[aria-labelledby=breakdown-sex] svg").count() == 0
    assert page.locator("table").count() >= 6
    assert page.locator(".sample-note").count() == 1, "the demo's placements are samples and must say so"
    assert_accessible(page)
    response = page.goto(f"{live_server.url}/{language}/labour/dashboard/brain-drain/")
    assert response is not None and response.status == 200
    assert page.locator("html").get_attribute("lang") == language
    assert_accessible(page)
    assert external_requests == []
    assert_no_console_errors(console_errors)
