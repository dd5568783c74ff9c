"""Activity registry exports (CSV, XLSX, JSON) through the platform's formula-safe export service."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from django.utils.translation import gettext_lazy as _

from migdev.coordination.models import Activity, ActivityParticipant

ACTIVITY_COLUMNS = [
    ("iati_identifier", _("IATI identifier")),
    ("reporting_organisation", _("Reported by")),
    ("title", _("Title")),
    ("area", _("Area")),
    ("information_field", _("Field")),
    ("status", _("Status (IATI code)")),
    ("planned_start", _("Planned start")),
    ("actual_start", _("Actual start")),
    ("planned_end", _("Planned end")),
    ("actual_end", _("Actual end")),
    ("countries", _("Countries (ISO3)")),
    ("donors", _("Donors")),
    ("partners", _("Implementing partners")),
    ("budget_total", _("Budget total")),
    ("currency", _("Currency")),
    ("topics", _("Topics")),
    ("results", _("Results")),
    ("source", _("Source")),
    ("source_edition", _("Source edition")),
]


def activity_rows(activities: Iterable[Activity]) -> Iterator[dict[str, Any]]:
    for activity in activities:
        participants = list(activity.participants.all())
        budgets = list(activity.budgets.all())
        currencies = {budget.currency for budget in budgets}
        yield {
            "iati_identifier": activity.iati_identifier,
            "reporting_organisation": activity.reporting_organisation.name,
            "title": activity.title,
            "area": activity.area,
            "information_field": activity.information_field,
            "status": activity.status,
            "planned_start": activity.planned_start,
            "actual_start": activity.actual_start,
            "planned_end": activity.planned_end,
            "actual_end": activity.actual_end,
            "countries": " ".join(country.country_iso3 for country in activity.countries.all()),
            "donors": "; ".join(
                p.display_name for p in participants if p.role == ActivityParticipant.Role.FUNDING
            ),
            "partners": "; ".join(
                p.display_name for p in participants if p.role == ActivityParticipant.Role.IMPLEMENTING
            ),
            # A total only means something in one currency.
            "budget_total": sum(budget.amount for budget in budgets) if len(currencies) == 1 else None,
            "currency": next(iter(currencies)) if len(currencies) == 1 else "",
            "topics": " ".join(topic.code for topic in activity.topics.all()),
            "results": activity.results,
            "source": activity.source,
            "source_edition": activity.source_edition,
        }
