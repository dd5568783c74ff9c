"""The diaspora pages in a real browser, signed in as each role on the demo: an expert on a phone, a host
institution and a programme officer. Every page passes axe-core's WCAG 2.1 AA rules."""

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Page

from migdev.accounts.demo import demo_totp_code, demo_users_create
from migdev.accounts.models import User
from migdev.diaspora import demo as diaspora_demo
from migdev.diaspora import services
from migdev.diaspora.models import Assignment, HostInstitution, Request
from tests.browser.checks import assert_accessible, assert_no_console_errors
from tests.browser.test_signed_in_pages import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 375, "height": 740}


def _signed_in(page: Page, base_url: str, role: str) -> Page:
    demo_users_create()
    diaspora_demo.seed()
    sign_in(page, base_url, f"demo_{role}", f"demo-{role}-2026!")
    page.wait_for_load_state()
    if "/two-factor/verify/" in page.url:
        page.fill("input[name=code]", demo_totp_code())
        page.click("form.stacked button[type=submit]")
        page.wait_for_load_state()
    assert "/accounts/login/" not in page.url and "/two-factor/" not in page.url, page.url
    return page


def _visit(page: Page, url: str, *, phone: bool = False) -> None:
    response = page.goto(url)
    assert response is not None and response.status == 200, url
    for summary in page.locator("details summary").all():
        if summary.is_visible():
            summary.click()
    assert_accessible(page)
    if phone:
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE["width"] + 5, f"{url} scrolls sideways on a phone ({width}px)"


def _a_current_skill() -> str:
    """A skill of the current ESCO edition (the request form accepts only those); a one-skill edition when
    the browser database has none loaded."""
    from migdev.skills.models import Skill, TaxonomyEdition
    from migdev.skills.selectors import current_edition

    edition = current_edition("esco")
    if edition is None:
        edition = TaxonomyEdition.objects.create(taxonomy="esco", version="browser-diaspora", is_current=True)
    skill = Skill.objects.filter(edition=edition).order_by("pk").first()
    if skill is None:
        skill = Skill.objects.create(
            edition=edition,
            uri="http://data.europa.eu/esco/skill/9fa6b84e-d625-4d1d-a5d0-e7f6b357deb8",
            label_en="epidemiology",
            label_fr="épidémiologie",
            label_es="epidemiología",
        )
    return skill.uri


def _sample_assignments() -> tuple[Assignment, Assignment]:
    on_site = Assignment.objects.filter(agreement__invitation__request__modality="on_site").order_by("pk")
    permanent = Assignment.objects.filter(agreement__invitation__request__modality="permanent_return")
    first, plan = on_site.first(), permanent.order_by("pk").first()
    assert first is not None and plan is not None
    return first, plan


def test_expert_on_a_phone(
    page: Page, live_server: Any, external_requests: list[str], console_errors: list[str]
) -> None:
    page.set_viewport_size(PHONE)
    _signed_in(page, live_server.url, "expert")
    base = live_server.url
    for path in (
        "/en/diaspora/profile/",
        "/fr/diaspora/assignments/",
        "/es/diaspora/organisations/",
        "/en/diaspora/reports/",
        "/fr/diaspora/map/",
    ):
        _visit(page, base + path, phone=True)
    assert page.locator("html").get_attribute("lang") == "fr"
    expert_user = User.objects.get(username="demo_expert")
    mine = Assignment.objects.filter(agreement__invitation__expert__user=expert_user).order_by("pk").first()
    assert mine is not None, "the demo expert has a SAMPLE assignment"
    _visit(page, f"{base}/en/diaspora/assignments/{mine.pk}/", phone=True)
    assert page.get_by_role("heading", name="Preparation").count() == 1
    assert external_requests == []
    assert_no_console_errors(console_errors)


def test_host_institution_edits_a_request_and_reads_its_shortlist(
    page: Page, live_server: Any, external_requests: list[str], console_errors: list[str]
) -> None:
    _signed_in(page, live_server.url, "host_institution")
    base = live_server.url
    host_user = User.objects.get(username="demo_host_institution")
    host = HostInstitution.objects.get(organisation=host_user.organisation)
    starts = timezone.localdate() + timedelta(days=40)
    row = services.request_create(
        actor=host_user,
        host=host,
        group=Request.objects.filter(host=host).first().group,  # type: ignore[union-attr]
        values={
            "title": "SAMPLE: train the laboratory team (browser test)",
            "objectives": "SAMPLE objectives.",
            "skill_uris": [_a_current_skill()],
            "sector": "health",
            "modality": "online",
            "duration_days": 10,
            "starts_on": starts,
            "ends_on": starts + timedelta(days=30),
            "language": "fr",
            "language_level": "B2",
        },
    )
    services.request_submit(actor=host_user, row=row)
    _visit(page, f"{base}/fr/diaspora/requests/{row.pk}/edit/")
    page.fill("input[name=title]", "SAMPLE: train the laboratory team, edited (browser test)")
    with page.expect_navigation():
        page.click("form.profile-form .actions button[type=submit]")
    errors = page.locator(".error, [role=alert]").all_inner_texts()
    assert page.url.endswith(f"/diaspora/requests/{row.pk}/"), (page.url, errors)
    assert Request.objects.get(pk=row.pk).title.endswith("edited (browser test)")
    assert_accessible(page)
    approved = Request.objects.filter(host=host, status=Request.Status.APPROVED).order_by("pk").first()
    assert approved is not None
    _visit(page, f"{base}/en/diaspora/requests/{approved.pk}/")
    assert page.locator("#shortlist-heading").count() == 1
    for path in ("/en/diaspora/requests/", "/es/diaspora/assignments/"):
        _visit(page, base + path)
    hosted = Assignment.objects.filter(agreement__invitation__request__host=host).order_by("pk").first()
    if hosted is not None:
        _visit(page, f"{base}/en/diaspora/assignments/{hosted.pk}/")
    assert external_requests == []
    assert_no_console_errors(console_errors)


def test_enter_in_the_request_form_saves_it(
    page: Page, live_server: Any, external_requests: list[str], console_errors: list[str]
) -> None:
    """Enter in a field of the host's request form, the skills autocomplete's text box included, saves the
    form (the autocomplete's "Find" button must not be the form's default button once scripts run)."""
    _signed_in(page, live_server.url, "host_institution")
    host_user = User.objects.get(username="demo_host_institution")
    host = HostInstitution.objects.get(organisation=host_user.organisation)
    starts = timezone.localdate() + timedelta(days=40)
    row = services.request_create(
        actor=host_user,
        host=host,
        group=Request.objects.filter(host=host).first().group,  # type: ignore[union-attr]
        values={
            "title": "SAMPLE: Enter saves (browser test)",
            "objectives": "SAMPLE objectives.",
            "skill_uris": [_a_current_skill()],
            "sector": "health",
            "modality": "online",
            "duration_days": 10,
            "starts_on": starts,
            "ends_on": starts + timedelta(days=30),
            "language": "fr",
            "language_level": "B2",
        },
    )
    for field, title in (("skill_1__q", "saved from the skills box"), ("title", "saved from the title")):
        _visit(page, f"{live_server.url}/en/diaspora/requests/{row.pk}/edit/")
        page.fill("input[name=title]", f"SAMPLE: {title} (browser test)")
        with page.expect_navigation():
            page.press(f"input[name={field}]", "Enter")
        errors = page.locator(".error, [role=alert]").all_inner_texts()
        assert page.url.endswith(f"/diaspora/requests/{row.pk}/"), (field, page.url, errors)
        assert Request.objects.get(pk=row.pk).title == f"SAMPLE: {title} (browser test)"
    # The autocomplete still answers as the person types.
    _visit(page, f"{live_server.url}/en/diaspora/requests/{row.pk}/edit/")
    with page.expect_response(lambda answer: "/skills/autocomplete/" in answer.url) as answered:
        page.fill("input[name=skill_2__q]", "epidem")
    assert answered.value.status == 200
    assert external_requests == []
    assert_no_console_errors(console_errors)


def test_programme_officer_pages(
    page: Page, live_server: Any, external_requests: list[str], console_errors: list[str]
) -> None:
    _signed_in(page, live_server.url, "programme_officer")
    base = live_server.url
    approved = Request.objects.filter(status=Request.Status.APPROVED, is_sample=True).order_by("pk").first()
    if approved is None:
        approved = Request.objects.filter(status=Request.Status.APPROVED).order_by("pk").first()
    assert approved is not None
    first, plan = _sample_assignments()
    for path in (
        "/en/diaspora/requests/",
        f"/fr/diaspora/requests/{approved.pk}/",
        "/en/diaspora/assignments/",
        f"/es/diaspora/assignments/{first.pk}/",
        f"/en/diaspora/assignments/{plan.pk}/",
        "/en/diaspora/reports/",
        "/es/diaspora/organisations/",
        "/en/diaspora/map/",
        "/en/diaspora/roster/",
    ):
        _visit(page, base + path)
    page.goto(f"{base}/en/diaspora/assignments/{plan.pk}/")
    assert page.locator("#reintegration-heading").count() == 1
    assert page.locator("#preparation-heading").count() == 1
    assert external_requests == []
    assert_no_console_errors(console_errors)
