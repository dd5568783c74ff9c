import datetime

import pytest
from django.test import Client
from hypothesis import given
from hypothesis import strategies as st

from migdev.coordination.processes.ical import MAX_LINE_OCTETS, escape_text, fold
from tests.coordination.conftest import MeetingFactory


@given(st.text(min_size=0, max_size=400))
def test_folding_keeps_lines_short_and_unfolds_to_the_original(text: str) -> None:
    line = "SUMMARY:" + text.replace("\r", "").replace("\n", "")
    folded = fold(line)
    physical = folded.split("\r\n")
    assert all(len(part.encode("utf-8")) <= MAX_LINE_OCTETS for part in physical)
    assert all(part.startswith(" ") for part in physical[1:])
    assert folded.replace("\r\n ", "") == line


def test_text_escaping() -> None:
    assert escape_text("a,b;c\\d\ne") == "a\\,b\\;c\\\\d\\ne"


def _events(body: str) -> list[dict[str, str]]:
    unfolded = body.replace("\r\n ", "")
    events, current = [], None
    for line in unfolded.split("\r\n"):
        if line == "BEGIN:VEVENT":
            current = {}
        elif line == "END:VEVENT":
            events.append(current)
            current = None
        elif current is not None and ":" in line:
            name, value = line.split(":", 1)
            current[name] = value
    return events


@pytest.mark.django_db
def test_feed_is_rfc5545(client: Client, make_meeting: MeetingFactory) -> None:
    make_meeting(
        "bali-process", datetime.date(2030, 3, 30), ["smuggling"], title="Bali, ministerial; 8th", days=2
    )
    make_meeting("bali-process", datetime.date(2030, 5, 1), precision="month", title="Month only")
    make_meeting("bali-process", datetime.date(2030, 6, 1), published=False, title="Draft meeting")
    make_meeting("colombo-process", datetime.date(2030, 7, 1), title="Other process")

    response = client.get("/en/coordination/meetings/calendar.ics?process=bali-process")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    body = response.content.decode()
    assert body.startswith("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:")
    assert body.endswith("END:VCALENDAR\r\n")
    assert "\n" not in body.replace("\r\n", "")
    events = _events(body)
    assert [e["SUMMARY"] for e in events] == ["Bali\\, ministerial\\; 8th"]
    event = events[0]
    assert event["DTSTART;VALUE=DATE"] == "20300330"
    assert event["DTEND;VALUE=DATE"] == "20300401"  # exclusive end after a two-day meeting
    assert event["UID"].startswith("meeting-")
    assert event["DTSTAMP"].endswith("Z")
    assert event["CATEGORIES"] == "Smuggling of migrants"
    assert event["LOCATION"] == "Geneva\\, Switzerland"
