"""CSV export of the activity registry, safe to open in a spreadsheet."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from typing import Any

from migdev.coordination.models import Activity, ActivityParticipant
from migdev.dataio.exports import safe_cell

ACTIVITY_COLUMNS = [
    "iati_identifier",
    "reporting_organisation",
    "title",
    "area",
    "information_field",
    "status",
    "planned_start",
    "actual_start",
    "planned_end",
    "actual_end",
    "countries",
    "donors",
    "partners",
    "budget_total",
    "currency",
    "topics",
    "results",
    "source",
    "source_edition",
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
            "planned_start": activity.planned_start or "",
            "actual_start": activity.actual_start or "",
            "planned_end": activity.planned_end or "",
            "actual_end": activity.actual_end or "",
            "countries": " ".join(country.country_iso3 for country in activity.countries.all()),
            "donors": "; ".join(
                p.display_name for p in participants if p.role == ActivityParticipant.Role.FUNDING
            ),
            "partners": "; ".join(
                p.display_name for p in participants if p.role == ActivityParticipant.Role.IMPLEMENTING
            ),
            # A total only means something in one currency.
            "budget_total": sum(budget.amount for budget in budgets) if len(currencies) == 1 else "",
            "currency": currencies.pop() if len(currencies) == 1 else "",
            "topics": " ".join(topic.code for topic in activity.topics.all()),
            "results": activity.results,
            "source": activity.source,
            "source_edition": activity.source_edition,
        }


def activities_csv(activities: Iterable[Activity]) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=ACTIVITY_COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    yield "\ufeff" + buffer.getvalue()
    for row in activity_rows(activities):
        buffer.seek(0)
        buffer.truncate()
        writer.writerow({key: safe_cell(value) for key, value in row.items()})
        yield buffer.getvalue()
