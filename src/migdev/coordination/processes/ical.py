"""An RFC 5545 iCalendar feed of meetings, written here rather than pulled in as a dependency: the subset
we need (all-day VEVENTs) is small, and the rules that matter are tested (CRLF line ends, folding at 75
octets without splitting a UTF-8 character, TEXT escaping, exclusive DTEND for dates)."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable

from django.utils import timezone

from migdev.coordination.countries import country_label
from migdev.coordination.models import DatePrecision, Meeting
from migdev.coordination.processes.selectors import meeting_topics

PRODUCT_ID = "-//migdev//Coordination calendar//EN"
MAX_LINE_OCTETS = 75
_STATUS = {
    Meeting.Status.PLANNED: "CONFIRMED",
    Meeting.Status.HELD: "CONFIRMED",
    Meeting.Status.POSTPONED: "TENTATIVE",
    Meeting.Status.CANCELLED: "CANCELLED",
}


def escape_text(value: str) -> str:
    """TEXT value escaping (RFC 5545 section 3.3.11)."""
    return (
        value.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
        .replace("\r", "\\n")
    )


def fold(line: str) -> str:
    """Fold a content line into chunks of at most 75 octets, continuation lines starting with a space
    (RFC 5545 section 3.1), never cutting through a multi-octet UTF-8 character."""
    chunks: list[str] = []
    current, size, limit = "", 0, MAX_LINE_OCTETS
    for character in line:
        width = len(character.encode("utf-8"))
        if size + width > limit:
            chunks.append(current)
            current, size, limit = "", 0, MAX_LINE_OCTETS - 1
        current += character
        size += width
    chunks.append(current)
    return "\r\n ".join(chunks)


def _date(value: datetime.date) -> str:
    return value.strftime("%Y%m%d")


def _utc(value: datetime.datetime) -> str:
    return value.astimezone(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")


def _location(meeting: Meeting) -> str:
    if meeting.is_virtual:
        return "Online"
    parts = [meeting.city, country_label(meeting.country_iso3) if meeting.country_iso3 else ""]
    return ", ".join(part for part in parts if part)


def calendar_feed(
    meetings: Iterable[Meeting],
    *,
    name: str,
    url_for: Callable[[Meeting], str],
    uid_domain: str,
) -> str:
    """The feed text. Meetings known only to the month or year are left out: a calendar entry on a guessed
    day would mislead."""
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODUCT_ID}",
        "CALSCALE:GREGORIAN",
        f"X-WR-CALNAME:{escape_text(name)}",
    ]
    now = timezone.now()
    for meeting in meetings:
        if meeting.date_precision != DatePrecision.DAY:
            continue
        stamp = meeting.updated_at or now
        lines += [
            "BEGIN:VEVENT",
            f"UID:meeting-{meeting.pk}@{uid_domain}",
            f"DTSTAMP:{_utc(stamp)}",
            f"LAST-MODIFIED:{_utc(stamp)}",
            f"DTSTART;VALUE=DATE:{_date(meeting.start_date)}",
            f"DTEND;VALUE=DATE:{_date(meeting.end_date + datetime.timedelta(days=1))}",
            f"SUMMARY:{escape_text(meeting.title)}",
            f"STATUS:{_STATUS[Meeting.Status(meeting.status)]}",
            "TRANSP:TRANSPARENT",
        ]
        location = _location(meeting)
        if location:
            lines.append(f"LOCATION:{escape_text(location)}")
        description = [meeting.process.name if meeting.process else "", meeting.theme, meeting.summary]
        text = "\n\n".join(part for part in description if part)
        if text:
            lines.append(f"DESCRIPTION:{escape_text(text)}")
        topics = [escape_text(topic.name) for topic in meeting_topics(meeting)]
        if topics:
            lines.append(f"CATEGORIES:{','.join(topics)}")
        lines.append(f"URL:{url_for(meeting)}")
        lines.append("END:VEVENT")
    lines.append("END:VCALENDAR")
    return "".join(fold(line) + "\r\n" for line in lines)
