"""The demo administrator creates a user in a real browser; the new user chooses a password and signs in."""

import uuid
from typing import Any

import pytest
from playwright.sync_api import Browser, Page

from migdev.accounts.demo import DEMO_ORGANISATION_NAME, demo_totp_code, demo_users_create
from migdev.accounts.models import Organisation, User
from migdev.audit.models import AuditAction, AuditEvent
from tests.browser.checks import assert_accessible, assert_no_console_errors
from tests.browser.test_signed_in_pages import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NEW_PASSWORD = "a long and unusual passphrase 93"


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


def test_administrator_creates_a_user_who_then_signs_in(
    administrator: Page,
    browser: Browser,
    live_server: Any,
    external_requests: list[str],
    console_errors: list[str],
) -> None:
    page = administrator
    username = f"browser.{uuid.uuid4().hex[:8]}"
    organisation = Organisation.objects.get(name=DEMO_ORGANISATION_NAME)

    page.goto(live_server.url + "/en/accounts/profile/")
    page.click("header >> text=Users")
    page.wait_for_url("**/accounts/users/")
    assert_accessible(page)
    page.fill("input[name=q]", "demo_analyst")
    page.click("form.filters button[type=submit]")
    assert page.locator("table tbody tr").count() == 1

    page.click("text=New user")
    page.wait_for_url("**/accounts/users/new/")
    assert_accessible(page)
    # Submitted empty first: the errors must be announced and tied to their fields.
    page.click("form.stacked button[type=submit]")
    assert page.locator("#id_username").get_attribute("aria-invalid") == "true"
    assert "id_username_error" in (page.locator("#id_username").get_attribute("aria-describedby") or "")
    assert_accessible(page)

    page.fill("#id_username", username)
    page.fill("#id_first_name", "Nadia")
    page.fill("#id_last_name", "Haddad")
    page.fill("#id_email", "nadia@example.org")
    page.select_option("#id_organisation", str(organisation.pk))
    page.check("input[name=roles][value=case_worker]")
    page.click("form.stacked button[type=submit]")
    page.wait_for_selector("#set-password-link")
    assert_accessible(page)
    link = page.input_value("#set-password-link")
    assert link.startswith(live_server.url + "/en/accounts/set-password/")

    created = User.objects.get(username=username)
    assert (created.organisation, created.has_usable_password()) == (organisation, False)
    assert AuditEvent.objects.filter(action=AuditAction.CREATE, record_id=str(created.pk)).exists()

    # The new user, in their own browser, chooses a password and signs in, then must enrol two-factor.
    newcomer_context = browser.new_context()
    newcomer = newcomer_context.new_page()
    newcomer_errors: list[str] = []
    newcomer.on("console", lambda m: newcomer_errors.append(m.text) if m.type == "error" else None)
    newcomer.goto(link)
    assert newcomer.url.endswith("/choose/"), "the token should leave the address bar"
    assert_accessible(newcomer)
    newcomer.fill("input[name=new_password1]", NEW_PASSWORD)
    newcomer.fill("input[name=new_password2]", NEW_PASSWORD)
    newcomer.click("form.stacked button[type=submit]")
    newcomer.wait_for_url("**/accounts/login/")
    sign_in(newcomer, live_server.url, username, NEW_PASSWORD)
    newcomer.wait_for_url("**/two-factor/setup/**")
    assert_accessible(newcomer)

    newcomer.goto(link)  # a second use fails
    assert newcomer.locator("input[name=new_password1]").count() == 0
    newcomer_context.close()

    assert external_requests == []
    assert_no_console_errors(console_errors)
    assert_no_console_errors(newcomer_errors)
