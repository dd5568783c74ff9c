"""An agency's data officer loads an IATI file with transactions and reads the money views in French and
Spanish: accessible (axe), no console errors, nothing from outside, and a phone can read them."""

import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from migdev.accounts.models import User
from migdev.coordination.activities.iati import import_iati_bytes
from migdev.coordination.models import Activity
from tests.browser.checks import assert_accessible, assert_no_console_errors

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FIXTURE = (
    Path(__file__).resolve().parents[1] / "coordination" / "activities" / "fixtures" / "iati-money-2.03.xml"
)


@pytest.fixture
def loaded(db: Any) -> None:
    editor, _created = User.objects.get_or_create(username="money-editor")
    import_iati_bytes(FIXTURE.read_bytes(), file_name=FIXTURE.name, actor=editor)


def test_data_officer_reads_money_by_country_and_sector(page: Page, live_server: Any, loaded: None) -> None:
    console_errors: list[str] = []
    page.on(
        "console", lambda message: console_errors.append(message.text) if message.type == "error" else None
    )
    external_requests: list[str] = []
    page.on(
        "request",
        lambda request: (
            external_requests.append(request.url) if not request.url.startswith(live_server.url) else None
        ),
    )
    page.goto(live_server.url + "/fr/coordination/activities/money/?by=country")
    expect(page.locator("h1")).to_have_text("Montants par pays, secteur, organisation et année")
    # Grouped the French way (a no-break space between thousands).
    expect(page.locator("tfoot")).to_contain_text(re.compile(r"1\s669\s395,49"))
    expect(page.locator("svg.bar-chart").first).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Secteur (CAD à 5 chiffres)").click()
    expect(page.locator("table").first).to_contain_text("15190")
    assert_accessible(page)
    assert external_requests == []
    assert_no_console_errors(console_errors)


@pytest.mark.parametrize(
    "path", ["/es/coordination/activities/money/?by=year", "/en/coordination/activities/{first}/"]
)
def test_money_pages_fit_a_phone(browser: Any, live_server: Any, loaded: None, path: str) -> None:
    context = browser.new_context(viewport={"width": 375, "height": 740})
    phone = context.new_page()
    first = Activity.objects.get(iati_identifier="XM-DAC-47066-MIGDEV-ROUNDTRIP-1").pk
    phone.goto(live_server.url + path.format(first=first))
    assert_accessible(phone)
    assert phone.evaluate("document.documentElement.scrollWidth") <= 375
    context.close()


def test_budgets_and_the_demo_samples_are_shown_and_marked(
    page: Page, live_server: Any, loaded: None
) -> None:
    from migdev.coordination.demo import SAMPLE_MONEY_FILE

    editor = User.objects.get(username="money-editor")
    import_iati_bytes(SAMPLE_MONEY_FILE.read_bytes(), file_name=SAMPLE_MONEY_FILE.name, actor=editor)
    page.goto(live_server.url + "/es/coordination/activities/money/?by=year")
    expect(page.locator("#sample-notice")).to_have_count(0)
    expect(page.locator("#samples-left-aside")).to_contain_text("4")
    # The fixture's two-year budget: 181 of its 365 days fall in 2026.
    expect(page.locator("table").first).to_contain_text(re.compile(r"181\s000,00"))
    assert_accessible(page)
    page.locator("#samples-left-aside a").click()
    expect(page.locator("#sample-notice")).to_be_visible()
    expect(page.locator("table").first.locator("caption")).to_contain_text("incluye registros de ejemplo")
    expect(page.locator("table", has_text="European Central Bank").first).to_contain_text("media de")
    assert_accessible(page)


def test_spanish_page_marks_english_codelist_names_and_sorts_each_chart(
    page: Page, live_server: Any, loaded: None
) -> None:
    page.goto(live_server.url + "/es/coordination/activities/money/?by=country")
    # IATI publishes no Spanish region names: the English one is shown and marked, for screen readers.
    expect(page.locator('table th[scope="row"][lang="en"]')).to_have_text(["Asia, regional"])
    expect(page.locator('svg.bar-chart text[lang="en"]').first).to_have_text("Asia, regional")
    # The spending chart goes by spending (Côte d'Ivoire's small share last), not by the table's order.
    spending = page.locator("svg.bar-chart").nth(1).locator("rect title")
    expect(spending.first).to_contain_text("Nepal")
    expect(spending.last).to_contain_text("Ivoire")
    assert_accessible(page)
