"""Migration policy exports (CSV, XLSX, JSON) through the platform's formula-safe export service; the
policy import reads them back."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from django.utils.translation import gettext_lazy as _

from migdev.coordination.models import MigrationPolicy

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
