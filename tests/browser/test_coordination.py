"""An RCP secretariat focal point's path: find the process, open its next meeting, see the topics it shares
with other processes, download the calendar."""

import datetime
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from migdev.coordination.models import AgendaItem, Meeting, Process, Topic
from tests.browser.checks import assert_accessible, assert_no_console_errors

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _meeting(process: str, start: datetime.date, title: str, topics: list[str]) -> Meeting:
    meeting = Meeting.objects.create(
        slug=title.lower().replace(" ", "-"),
        title=title,
        process=Process.objects.get(code=process),
        kind=Meeting.Kind.SENIOR_OFFICIALS,
        start_date=start,
        end_date=start + datetime.timedelta(days=1),
        city="Kathmandu",
        country_iso3="NPL",
        source="test",
    )
    item = AgendaItem.objects.create(meeting=meeting, position=1, title="Recruitment and remittances")
    item.topics.set(Topic.objects.filter(code__in=topics))
    return meeting


def test_focal_point_finds_next_meeting_shared_topics_and_calendar(
    page: Page, live_server: Any, external_requests: list[str], console_errors: list[str]
) -> None:
    soon = timezone.localdate() + datetime.timedelta(days=40)
    _meeting(
        "colombo-process",
        soon,
        "Colombo Process senior officials meeting",
        ["labour-mobility", "remittances"],
    )
    _meeting("gfmd", datetime.date(2024, 1, 23), "GFMD summit", ["remittances"])

    page.goto(live_server.url + "/en/coordination/processes/")
    page.get_by_label("Name or region").fill("Colombo")
    page.get_by_role("button", name="Filter").click()
    page.get_by_role("link", name="Colombo Process", exact=False).first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Colombo Process")
    assert_accessible(page)

    page.locator("#next-meeting-link").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Colombo Process senior officials meeting")
    shared = page.locator("section[aria-labelledby=shared]")
    expect(shared).to_contain_text("Remittances")
    expect(shared).to_contain_text("GFMD")
    assert_accessible(page)

    page.goto(live_server.url + "/en/coordination/meetings/")
    with page.expect_download() as download_info:
        page.locator("#ics-link").click()
    body = open(download_info.value.path(), encoding="utf-8").read()
    assert "BEGIN:VCALENDAR" in body and "Colombo Process senior officials meeting" in body

    page.goto(live_server.url + "/en/coordination/topics/?shared=1")
    expect(page.locator("table.matrix")).to_contain_text("Remittances")
    assert_accessible(page)
    assert external_requests == []
    assert_no_console_errors(console_errors)


@pytest.mark.parametrize(
    "path", ["/fr/coordination/", "/es/coordination/hld-follow-up/", "/en/coordination/practices/"]
)
def test_coordination_pages_are_accessible(page: Page, live_server: Any, path: str) -> None:
    page.goto(live_server.url + path)
    assert_accessible(page)


def test_process_page_fits_a_phone(browser: Any, live_server: Any) -> None:
    context = browser.new_context(viewport={"width": 375, "height": 740})
    page = context.new_page()
    from migdev.coordination.models import Process

    # Sources cite long page addresses: every process page must still wrap them on a phone.
    for code in Process.objects.values_list("code", flat=True):
        page.goto(live_server.url + f"/en/coordination/processes/{code}/")
        assert page.evaluate("document.documentElement.scrollWidth") <= 375, code
    context.close()


# The browser session shares one database with the other browser tests, which read the audit log: these
# tests make their records directly (no audit rows) and under names of their own.


def test_researcher_finds_a_word_inside_an_uploaded_pdf(
    page: Page, live_server: Any, external_requests: list[str], console_errors: list[str]
) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from migdev.coordination.knowledge import search
    from migdev.coordination.knowledge.textextract import extract_text
    from migdev.coordination.models import Publication
    from migdev.coordination.uploads import store_upload
    from tests.coordination.files import pdf_with_text

    upload = SimpleUploadedFile(
        "hometown.pdf", pdf_with_text(["Annex: the zanzibarian cooperative model of pooled transfers"])
    )
    stored = store_upload(upload, folder="coordination/publications", allowed={"pdf"}, max_bytes=2**20)
    publication = Publication.objects.create(
        slug="browser-hometown-associations",
        title="Hometown associations and development",
        year=2006,
        kind="study",
        source="browser test",
        abstract="How diaspora groups fund schools and clinics.",
        text=extract_text(upload.file, "pdf"),  # type: ignore[arg-type]
        file=stored.name,
        file_name=stored.original_name,
        file_kind="pdf",
        file_size=stored.size,
        file_sha256=stored.sha256,
        is_published=True,
    )
    search.index_publication(publication)

    page.goto(live_server.url + "/en/coordination/")
    page.get_by_role("link", name="Research library").first.click()
    page.get_by_label("Search words").fill("zanzibarian")
    page.get_by_role("button", name="Search").click()
    result = page.locator("li.result").first
    expect(result).to_contain_text("Hometown associations and development")
    expect(result.locator("mark")).to_have_text("zanzibarian")
    assert_accessible(page)

    result.get_by_role("link").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Hometown associations and development")
    with page.expect_download() as download_info:
        page.locator("#publication-file").click()
    assert open(download_info.value.path(), "rb").read().startswith(b"%PDF")
    assert_accessible(page)
    assert external_requests == []
    assert_no_console_errors(console_errors)


def test_migrant_reads_in_french_with_a_note_when_only_english_exists(
    page: Page, live_server: Any, console_errors: list[str]
) -> None:
    from django.utils import timezone

    from migdev.coordination.models import MigrantInfoPage, MigrantInfoTranslation

    info_page = MigrantInfoPage.objects.create(
        slug="browser-sen-pre-departure", subject="pre_departure", country_iso3="SEN"
    )
    MigrantInfoTranslation.objects.create(
        page=info_page,
        language="en",
        title="Before you leave Senegal",
        body="Check your contract.",
        status=MigrantInfoTranslation.Status.APPROVED,
        published_title="Before you leave Senegal",
        published_body="Check your contract.",
        published_at=timezone.now(),
    )

    page.goto(live_server.url + "/fr/coordination/information/browser-sen-pre-departure/")
    expect(page.locator("article[lang=en] h1")).to_have_text("Before you leave Senegal")
    expect(page.locator(".fallback-note")).to_be_visible()
    assert_accessible(page)
    assert_no_console_errors(console_errors)


@pytest.mark.parametrize(
    "path",
    [
        "/en/coordination/library/?q=diaspora",
        "/en/coordination/library/network/",
        "/es/coordination/policies/",
        "/en/coordination/policies/compare/?countries=PHL+MEX",
        "/fr/coordination/information/",
    ],
)
def test_hub_pages_are_accessible_and_fit_a_phone(browser: Any, live_server: Any, path: str) -> None:
    context = browser.new_context(viewport={"width": 375, "height": 740})
    phone = context.new_page()
    phone.goto(live_server.url + path)
    assert_accessible(phone)
    assert phone.evaluate("document.documentElement.scrollWidth") <= 375
    context.close()
