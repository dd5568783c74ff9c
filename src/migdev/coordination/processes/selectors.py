"""Reads of processes, memberships, chairs, meetings and topics across processes for the pages, API and exports. Every function takes the viewing user
and starts from the access functions, so unpublished records never leak.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet

from migdev.coordination import access
from migdev.coordination.models import (
    AgendaItem,
    Chair,
    Meeting,
    MembershipStatus,
    Process,
    StateMembership,
    Topic,
)


def processes_list(
    user: Any, *, kind: str = "", query: str = "", country_iso3: str = ""
) -> QuerySet[Process]:
    processes = access.processes_visible_to(user).select_related("secretariat")
    if kind:
        processes = processes.filter(kind=kind)
    if query:
        processes = processes.filter(
            Q(name__icontains=query)
            | Q(acronym__icontains=query)
            | Q(other_names__icontains=query)
            | Q(region__icontains=query)
        )
    if country_iso3:
        processes = processes.filter(state_memberships__country_iso3=country_iso3.upper()).distinct()
    return processes.annotate(
        member_count=Count("state_memberships", filter=Q(state_memberships__status=MembershipStatus.MEMBER))
    )


def memberships_on(process: Process, on: datetime.date) -> QuerySet[StateMembership]:
    """State memberships in force on a date: started by that year (or start unknown) and not yet ended."""
    return process.state_memberships.filter(
        Q(start_year__isnull=True) | Q(start_year__lte=on.year),
        Q(end_date__isnull=True) | Q(end_date__gt=on),
    ).order_by("status", "country_iso3")


def chairs_on(process: Process, on: datetime.date) -> list[Chair]:
    return list(
        process.chairs.select_related("organisation").filter(
            Q(start_date__lte=on), Q(end_date__isnull=True) | Q(end_date__gte=on)
        )
    )


def summit_chairs(process: Process, summit: Meeting, chairs: list[Chair] | None = None) -> list[Chair]:
    """The chairmanship a summit concluded. The host state of a summit is the Chair (or a Co-Chair) whose year
    it closes, and summits often fall after that chairmanship's recorded end (Quito, January 2020, closed
    Ecuador's 2019) or while the next Chair has already begun (Stockholm, May 2014): so the host state's chair
    record nearest the summit is taken (the one in force on its date, else the latest ended before it, else
    the first after), with the co-chairs of that same period. A summit without a host state on record, or
    whose host never chaired, gets the chairs in office on its date."""
    chairs = (
        list(process.chairs.select_related("organisation").order_by("start_date"))
        if chairs is None
        else chairs
    )
    host = summit.host_country_iso3
    held = [chair for chair in chairs if host and chair.country_iso3 == host]
    if not held:
        on = summit.start_date
        return [c for c in chairs if c.start_date <= on and (c.end_date is None or c.end_date >= on)]
    on = summit.start_date
    current = [c for c in held if c.start_date <= on and (c.end_date is None or c.end_date >= on)]
    before = sorted(
        (c for c in held if c.end_date is not None and c.end_date < on), key=lambda c: c.end_date or on
    )
    after = sorted((c for c in held if c.start_date > on), key=lambda c: c.start_date)
    chosen = current[0] if current else before[-1] if before else after[0]
    if chosen.role != Chair.Role.CO_CHAIR:
        return [chosen]
    return [
        c
        for c in chairs
        if c.role == Chair.Role.CO_CHAIR
        and c.start_date == chosen.start_date
        and c.end_date == chosen.end_date
    ]


def _meetings_with_topics(queryset: QuerySet[Meeting]) -> QuerySet[Meeting]:
    return queryset.select_related("process", "host_organisation").prefetch_related(
        Prefetch("agenda_items", queryset=AgendaItem.objects.prefetch_related("topics"))
    )


def meetings_between(
    user: Any,
    *,
    start: datetime.date | None = None,
    end: datetime.date | None = None,
    process: Process | None = None,
    topic: Topic | None = None,
) -> QuerySet[Meeting]:
    meetings = access.meetings_visible_to(user)
    if start is not None:
        meetings = meetings.filter(end_date__gte=start)
    if end is not None:
        meetings = meetings.filter(start_date__lte=end)
    if process is not None:
        meetings = meetings.filter(process=process)
    if topic is not None:
        meetings = meetings.filter(agenda_items__topics=topic).distinct()
    return _meetings_with_topics(meetings).order_by("start_date", "title")


def next_meeting(user: Any, process: Process, today: datetime.date) -> Meeting | None:
    return (
        access.meetings_visible_to(user)
        .filter(process=process, end_date__gte=today)
        .exclude(status=Meeting.Status.CANCELLED)
        .order_by("start_date")
        .first()
    )


def meeting_topics(meeting: Meeting) -> list[Topic]:
    seen: dict[int, Topic] = {}
    for item in meeting.agenda_items.all():
        for topic in item.topics.all():
            seen.setdefault(topic.pk, topic)
    return sorted(seen.values(), key=lambda topic: topic.name)


@dataclass
class TopicRow:
    topic: Topic
    cells: list[list[Meeting]]  # one list per column process, ordered by date

    @property
    def process_count(self) -> int:
        return sum(1 for cell in self.cells if cell)


@dataclass
class TopicMatrix:
    processes: list[Process]
    rows: list[TopicRow] = field(default_factory=list)


def topics_across_processes(
    user: Any,
    *,
    start: datetime.date | None = None,
    end: datetime.date | None = None,
    shared_only: bool = False,
) -> TopicMatrix:
    """Which processes discuss which topics, and when: the synergies view. Meetings outside any process
    (for example the High-Level Dialogue itself) are left out, since the view compares processes."""
    meetings = meetings_between(user, start=start, end=end).filter(process__isnull=False)
    by_topic: dict[int, dict[int, list[Meeting]]] = defaultdict(lambda: defaultdict(list))
    topics: dict[int, Topic] = {}
    processes: dict[int, Process] = {}
    for meeting in meetings:
        assert meeting.process is not None
        for topic in meeting_topics(meeting):
            topics[topic.pk] = topic
            processes[meeting.process.pk] = meeting.process
            cell = by_topic[topic.pk][meeting.process.pk]
            if meeting not in cell:
                cell.append(meeting)
    columns = sorted(processes.values(), key=lambda process: str(process))
    matrix = TopicMatrix(processes=columns)
    for topic_id, per_process in by_topic.items():
        row = TopicRow(topic=topics[topic_id], cells=[per_process.get(p.pk, []) for p in columns])
        if shared_only and row.process_count < 2:
            continue
        matrix.rows.append(row)
    matrix.rows.sort(key=lambda row: (-row.process_count, row.topic.name))
    return matrix


@dataclass
class SharedTopic:
    topic: Topic
    own_meetings: list[Meeting]
    others: list[tuple[Process, list[Meeting]]]


def shared_topics(user: Any, process: Process) -> list[SharedTopic]:
    """The topics a process has on its agendas that other processes also discuss."""
    matrix = topics_across_processes(user)
    if process not in matrix.processes:
        return []
    own_column = matrix.processes.index(process)
    shared = []
    for row in matrix.rows:
        own = row.cells[own_column]
        others = [
            (p, row.cells[i]) for i, p in enumerate(matrix.processes) if i != own_column and row.cells[i]
        ]
        if own and others:
            shared.append(SharedTopic(topic=row.topic, own_meetings=own, others=others))
    return shared
