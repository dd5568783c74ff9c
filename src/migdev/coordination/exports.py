"""Activity registry exports (CSV, XLSX, JSON) through the platform's formula-safe export service."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from django.utils.translation import gettext_lazy as _

from migdev.coordination.models import Activity, ActivityParticipant, MigrationPolicy

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


POLICY_COLUMNS = [
    ("identifier", _("Identifier")),
    ("country_iso3", _("Country (ISO3)")),
    ("title", _("Title")),
    ("original_title", _("Title in the original language")),
    ("year", _("Year")),
    ("adopted_on", _("Adopted on")),
    ("adopted_precision", _("Date precision")),
    ("ended_on", _("Ended on")),
    ("kind", _("Type")),
    ("direction", _("Direction")),
    ("domain", _("SDG 10.7.2 domain")),
    ("area", _("Area")),
    ("status", _("Status")),
    ("partners", _("Partner states (ISO3)")),
    ("topics", _("Topics")),
    ("summary", _("Summary")),
    ("development_relevance", _("Development relevance")),
    ("source_name", _("Source")),
    ("source_url", _("Source link")),
    ("source_edition", _("Source edition")),
]


def policy_rows(policies: Iterable[MigrationPolicy]) -> Iterator[dict[str, Any]]:
    for policy in policies:
        yield {
            "identifier": policy.identifier,
            "country_iso3": policy.country_iso3,
            "title": policy.title,
            "original_title": policy.original_title,
            "year": policy.year,
            "adopted_on": policy.adopted_on,
            "adopted_precision": policy.adopted_precision if policy.adopted_on else "",
            "ended_on": policy.ended_on,
            "kind": policy.kind,
            "direction": policy.direction,
            "domain": policy.domain,
            "area": policy.area,
            "status": policy.status,
            "partners": " ".join(partner.country_iso3 for partner in policy.partners.all()),
            "topics": " ".join(topic.code for topic in policy.topics.all()),
            "summary": policy.summary,
            "development_relevance": policy.development_relevance,
            "source_name": policy.source_name,
            "source_url": policy.source_url,
            "source_edition": policy.source_edition,
        }
