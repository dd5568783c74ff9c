"""Issue 15, finding 7: the rules for records hold whichever way a record arrives (page, API, import),
and the public outputs stay usable: an incomplete activity no longer refuses the IATI export to everybody,
and calendar entries keep their UID whatever Host header the feed was asked with."""

from __future__ import annotations

import datetime
import importlib
from collections.abc import Callable
from typing import Any

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.test import Client
from django.utils import timezone

from migdev.accounts.models import Organisation, User
from migdev.coordination.activities import services as activities_services
from migdev.coordination.models import Activity, Meeting
from migdev.coordination.processes import services as processes_services
from tests.coordination.conftest import MeetingFactory

MEETINGS = "/api/v1/coordination/meetings"


def _meeting(**overrides: Any) -> dict[str, Any]:
    return {
        "title": "Senior officials",
        "kind": "senior_officials",
        "start_date": "2031-01-10",
        "end_date": "2031-01-11",
        "source": "test",
        **overrides,
    }


@pytest.mark.parametrize(
    "overrides",
    [
        {"title": "", "start_date": "1970-01-01", "end_date": "2000-12-31"},  # the blank meeting
        {"title": "   "},
        {"start_date": "1970-01-01", "end_date": "2000-12-31"},
        {"start_date": "2031-01-11", "end_date": "2031-01-10"},
        {"start_date": "1900-05-01", "end_date": "1900-05-02"},
        {"date_precision": "fortnight"},
    ],
)
def test_the_api_refuses_a_meeting_without_a_title_or_with_insane_dates(
    editor_client: Client, overrides: dict[str, str]
) -> None:
    before = Meeting.objects.count()
    response = editor_client.post(MEETINGS, _meeting(**overrides), content_type="application/json")
    assert response.status_code == 422, response.content
    assert Meeting.objects.count() == before


def test_the_same_rules_hold_on_the_page_and_in_the_database(editor_client: Client, editor: User) -> None:
    page = editor_client.post(
        "/en/coordination/meetings/new/",
        {
            "title": " ",
            "kind": "plenary",
            "status": "planned",
            "start_date": "1970-01-01",
            "end_date": "2000-12-31",
            "date_precision": "day",
            "source": "test",
            "is_published": "on",
        },
    )
    assert page.status_code == 200 and not Meeting.objects.filter(start_date="1970-01-01").exists()
    with pytest.raises(ValidationError):
        processes_services.meeting_create(
            actor=editor,
            data=processes_services.MeetingInput(
                title="",
                kind="plenary",
                start_date=datetime.date(2031, 1, 1),
                end_date=datetime.date(2031, 1, 2),
                source="test",
            ),
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        Meeting.objects.create(
            slug="blank",
            title="",
            kind="plenary",
            start_date=datetime.date(2031, 1, 1),
            end_date=datetime.date(2031, 1, 2),
            source="test",
        )


def test_a_valid_meeting_is_still_accepted_with_its_title_trimmed(editor_client: Client) -> None:
    response = editor_client.post(MEETINGS, _meeting(title="  Plenary  "), content_type="application/json")
    assert response.status_code == 201, response.content
    assert Meeting.objects.filter(title="Plenary").exists()


def test_the_cleanup_migration_hides_broken_meetings_without_deleting_them(
    make_meeting: MeetingFactory,
) -> None:
    good = make_meeting(None, datetime.date(2031, 1, 1), title="Kept as it is")
    broken = make_meeting(None, datetime.date(2031, 2, 1), title="   ")
    Meeting.objects.filter(pk=broken.pk).update(
        start_date=datetime.date(1970, 1, 1), end_date=datetime.date(2000, 12, 31), is_published=True
    )
    migration = importlib.import_module("migdev.coordination.migrations.0013_record_versions_and_checks")
    migration.hide_meetings_and_name_activities_that_break_the_rules(apps, None)
    broken.refresh_from_db()
    good.refresh_from_db()
    assert not broken.is_published and broken.title.startswith("Untitled meeting")
    assert good.is_published and good.title == "Kept as it is"
    assert Meeting.objects.filter(pk__in=[good.pk, broken.pk]).count() == 2


def test_an_incomplete_activity_is_left_out_of_the_iati_export_not_refusing_it(
    client: Client, make_activity: Callable[..., Activity]
) -> None:
    complete = make_activity()
    Activity.objects.filter(pk=complete.pk).update(description="Labour mobility programme.")
    incomplete = make_activity(start=None)  # as the CSV import allows: no description, no date
    response = client.get("/en/coordination/activities/export.xml")
    assert response.status_code == 200
    body = response.content.decode()
    assert f"<iati-identifier>{complete.iati_identifier}</iati-identifier>" in body
    assert f"<iati-identifier>{incomplete.iati_identifier}</iati-identifier>" not in body
    assert f"{incomplete.iati_identifier} (description, activity date)" in body  # said in the file
    assert response["Migdev-Activities-Left-Out"] == "1"


def test_the_iati_export_is_refused_only_when_nothing_can_be_published(
    client: Client, make_activity: Callable[..., Activity]
) -> None:
    only = make_activity()
    response = client.get("/en/coordination/activities/export.xml")
    assert response.status_code == 409
    assert only.iati_identifier in response.content.decode()


def test_an_activity_needs_a_title_and_ordered_dates(editor: User) -> None:
    base = {
        "iati_identifier": "XM-RULES-1",
        "reporting_organisation": Organisation.objects.get(acronym="IOM"),
        "area": "understanding_impact",
        "status": "2",
        "source": "test",
    }
    with pytest.raises(ValidationError):
        activities_services.activities_save(
            actor=editor, items=[activities_services.ActivityInput(title="  ", **base)]
        )
    with pytest.raises(ValidationError):
        activities_services.activities_save(
            actor=editor,
            items=[
                activities_services.ActivityInput(
                    title="Dated",
                    actual_start=datetime.date(2010, 1, 1),
                    actual_end=datetime.date(2009, 1, 1),
                    **base,
                )
            ],
        )
    assert not Activity.objects.filter(iati_identifier="XM-RULES-1").exists()


def _uids(client: Client, host: str) -> list[str]:
    feed = client.get("/en/coordination/meetings/calendar.ics", HTTP_HOST=host).content.decode()
    return [line for line in feed.splitlines() if line.startswith("UID:")]


def test_calendar_uids_do_not_depend_on_the_host_header(client: Client, make_meeting: MeetingFactory) -> None:
    make_meeting(None, timezone.localdate() + datetime.timedelta(days=30), title="Plenary")
    first, second = _uids(client, "localhost"), _uids(client, "127.0.0.1")
    assert first and first == second
