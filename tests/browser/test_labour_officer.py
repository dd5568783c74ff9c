"""A scheme officer, signed in with password and TOTP, on the labour pages added for job-order imports,
title confirmation, scheme and employer editing: accessible (axe-core) in English, French and Spanish."""

from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Page

from migdev.accounts.demo import demo_totp_code, demo_users_create
from migdev.accounts.models import User
from migdev.labour.models import Employer
from tests.browser.checks import assert_accessible, assert_no_console_errors
from tests.browser.test_signed_in_pages import sign_in
from tests.labour.conftest import World, esco, world  # noqa: F401 - the labour fixtures, used here

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def officer_page(page: Page, live_server: Any, world: World) -> Page:  # noqa: F811
    demo_users_create()
    User.objects.filter(username="demo_scheme_officer").update(organisation=world.scheme_org)
    Employer.objects.filter(pk=world.employer.pk).update(
        verified_at=timezone.now(), verification_note="Register"
    )
    sign_in(page, live_server.url, "demo_scheme_officer", "demo-scheme_officer-2026!")
    page.wait_for_url("**/two-factor/**")
    if "/two-factor/verify/" in page.url:
        page.fill("input[name=code]", demo_totp_code())
        page.click("form.stacked button[type=submit]")
        page.wait_for_load_state()
    assert "/two-factor/" not in page.url, page.url
    return page


def test_officer_pages_are_accessible(
    officer_page: Page,
    live_server: Any,
    world: World,  # noqa: F811
    external_requests: list[str],
    console_errors: list[str],
) -> None:
    # One test for the three languages: the labour fixtures' ESCO edition is created once per database.
    paths = [
        "/{lang}/labour/",
        "/{lang}/labour/job-orders/import/",
        "/{lang}/labour/title-mappings/",
        f"/{{lang}}/labour/schemes/{world.scheme.pk}/edit/",
        f"/{{lang}}/labour/schemes/{world.scheme.pk}/employers/{world.employer.pk}/edit/",
    ]
    for language in ("en", "fr", "es"):
        for path in paths:
            response = officer_page.goto(live_server.url + path.format(lang=language))
            assert response is not None and response.status == 200, path
            assert officer_page.locator("html").get_attribute("lang") == language
            assert_accessible(officer_page)
    assert external_requests == []
    assert_no_console_errors(console_errors)
