"""Reads of the activity registry, the information note and the HLD follow-up tracker for the pages, API and exports. Every function takes the viewing user
and starts from the access functions, so unpublished records never leak.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet

from migdev.accounts.models import Organisation
from migdev.coordination import access
from migdev.coordination.models import (
    Activity,
    ConsultationPosition,
    HldPriority,
    InformationField,
    Initiative,
    InitiativeStatusChange,
    Process,
)

# --- Activities -------------------------------------------------------------------------------------


def activities_list(
    user: Any,
    *,
    area: str = "",
    country_iso3: str = "",
    organisation_id: int | None = None,
    status: str = "",
    query: str = "",
) -> QuerySet[Activity]:
    activities = access.activities_visible_to(user).select_related("reporting_organisation")
    if area:
        activities = activities.filter(area=area)
    if country_iso3:
        activities = activities.filter(countries__country_iso3=country_iso3.upper())
    if organisation_id:
        activities = activities.filter(
            Q(reporting_organisation_id=organisation_id) | Q(participants__organisation_id=organisation_id)
        )
    if status:
        activities = activities.filter(status=status)
    if query:
        activities = activities.filter(Q(title__icontains=query) | Q(description__icontains=query))
    return activities.distinct().prefetch_related(
        "countries",
        "regions",
        "sectors",
        "participants__organisation",
        "budgets",
        "planned_disbursements",
        "transactions",
        "topics",
    )


def activities_overlapping(
    queryset: QuerySet[Activity], period_start: datetime.date, period_end: datetime.date
) -> QuerySet[Activity]:
    """Activities running at some point in the period; an activity without dates counts as running."""
    started = (
        Q(actual_start__lte=period_end)
        | Q(actual_start__isnull=True, planned_start__lte=period_end)
        | Q(actual_start__isnull=True, planned_start__isnull=True)
    )
    not_ended = (
        Q(actual_end__gte=period_start)
        | Q(actual_end__isnull=True, planned_end__gte=period_start)
        | Q(actual_end__isnull=True, planned_end__isnull=True)
    )
    return queryset.filter(started, not_ended)


@dataclass
class NoteSection:
    field: str
    field_label: str
    organisations: list[tuple[Organisation, list[Activity]]]

    @property
    def activity_count(self) -> int:
        return sum(len(activities) for _, activities in self.organisations)


@dataclass
class InformationNote:
    period_start: datetime.date
    period_end: datetime.date
    sections: list[NoteSection]
    organisations: list[Organisation]

    @property
    def activity_count(self) -> int:
        return sum(section.activity_count for section in self.sections)


def information_note(
    user: Any,
    *,
    period_start: datetime.date,
    period_end: datetime.date,
    fields: list[str] | None = None,
    process: Process | None = None,
) -> InformationNote:
    """A GMG-style note: what each member did, field by field, in a period. With a process, only its member
    organisations' activities count (as the GMG chair compiled for GMG members in 2006)."""
    wanted = fields or [
        InformationField.POLICY_RESEARCH,
        InformationField.DATA_COLLECTION,
        InformationField.PUBLICATIONS,
    ]
    activities = activities_overlapping(access.activities_visible_to(user), period_start, period_end)
    organisations: list[Organisation] = []
    if process is not None:
        member_ids = process.organisation_memberships.filter(role="member").values_list(
            "organisation_id", flat=True
        )
        activities = activities.filter(reporting_organisation_id__in=list(member_ids))
        organisations = list(Organisation.objects.filter(pk__in=list(member_ids)).order_by("name"))
    activities = (
        activities.select_related("reporting_organisation")
        .prefetch_related("countries")
        .order_by("reporting_organisation__name", "title")
    )
    labels = dict(InformationField.choices)
    sections = []
    for field_code in wanted:
        grouped: dict[int, tuple[Organisation, list[Activity]]] = {}
        for activity in activities:
            if activity.information_field != field_code:
                continue
            org = activity.reporting_organisation
            grouped.setdefault(org.pk, (org, []))[1].append(activity)
        sections.append(
            NoteSection(
                field=field_code, field_label=str(labels[field_code]), organisations=list(grouped.values())
            )
        )
    return InformationNote(
        period_start=period_start, period_end=period_end, sections=sections, organisations=organisations
    )


# --- Initiatives and the HLD follow-up tracker ------------------------------------------------------------


@dataclass
class TrackerEntry:
    initiative: Initiative
    current_status: InitiativeStatusChange | None
    latest_positions: list[ConsultationPosition]


@dataclass
class TrackerCategory:
    priority: str
    label: str
    entries: list[TrackerEntry]


def latest_positions(initiative: Initiative) -> list[ConsultationPosition]:
    """Each consulted organisation's most recent position."""
    latest: dict[int, ConsultationPosition] = {}
    for position in initiative.positions.select_related("organisation").order_by("as_of", "id"):
        latest[position.organisation_id] = position
    return sorted(latest.values(), key=lambda position: position.organisation.name)


def current_status(initiative: Initiative) -> InitiativeStatusChange | None:
    return initiative.status_history.order_by("-as_of", "-id").first()


def hld_tracker(user: Any) -> list[TrackerCategory]:
    initiatives = access.initiatives_visible_to(user).select_related("proposer").order_by("name")
    categories = []
    for priority, label in HldPriority.choices:
        entries = [
            TrackerEntry(initiative=i, current_status=current_status(i), latest_positions=latest_positions(i))
            for i in initiatives
            if i.hld_priority == priority
        ]
        categories.append(TrackerCategory(priority=priority, label=str(label), entries=entries))
    return categories
