"""Reads of the migration policy database for the pages, API and exports. Every function takes the viewing user
and starts from the access functions, so unpublished records never leak.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet

from migdev.coordination import access
from migdev.coordination.models import MigrationPolicy, PolicyDomain


@dataclass(frozen=True)
class PolicyFilters:
    country_iso3: str = ""
    kind: str = ""
    direction: str = ""
    domain: str = ""
    area: str = ""
    status: str = ""
    topic: str = ""
    year_from: int | None = None
    year_to: int | None = None
    query: str = ""


def policies_list(user: Any, filters: PolicyFilters | None = None) -> QuerySet[MigrationPolicy]:
    filters = filters or PolicyFilters()
    policies = access.policies_visible_to(user)
    for name in ("kind", "direction", "domain", "area", "status"):
        value = getattr(filters, name)
        if value:
            policies = policies.filter(**{name: value})
    if filters.country_iso3:
        policies = policies.filter(country_iso3=filters.country_iso3.upper())
    if filters.topic:
        policies = policies.filter(topics__code=filters.topic)
    if filters.year_from is not None:
        policies = policies.filter(year__gte=filters.year_from)
    if filters.year_to is not None:
        policies = policies.filter(year__lte=filters.year_to)
    if filters.query:
        policies = policies.filter(
            Q(title__icontains=filters.query)
            | Q(original_title__icontains=filters.query)
            | Q(summary__icontains=filters.query)
            | Q(development_relevance__icontains=filters.query)
        )
    return (
        policies.distinct().prefetch_related("partners", "topics").order_by("country_iso3", "-year", "title")
    )


@dataclass
class ComparisonRow:
    domain: str
    label: str
    cells: list[list[MigrationPolicy]]  # one list per compared country


@dataclass
class PolicyComparison:
    countries: list[str]
    rows: list[ComparisonRow]

    @property
    def totals(self) -> list[int]:
        return [sum(len(row.cells[i]) for row in self.rows) for i in range(len(self.countries))]


def policy_comparison(
    user: Any, countries: list[str], filters: PolicyFilters | None = None
) -> PolicyComparison:
    """Countries side by side, one row per SDG 10.7.2 domain: which instruments each has."""
    wanted = [code.upper() for code in dict.fromkeys(countries)]
    policies = [policy for policy in policies_list(user, filters) if policy.country_iso3 in wanted]
    rows = []
    for domain, label in PolicyDomain.choices:
        cells = [
            [p for p in policies if p.domain == domain and p.country_iso3 == country] for country in wanted
        ]
        rows.append(ComparisonRow(domain=domain, label=str(label), cells=cells))
    return PolicyComparison(countries=wanted, rows=rows)


def policy_countries(user: Any) -> list[tuple[str, int]]:
    """Countries with recorded policies, most first."""
    return [
        (row["country_iso3"], row["count"])
        for row in access.policies_visible_to(user)
        .values("country_iso3")
        .annotate(count=Count("id"))
        .order_by("-count", "country_iso3")
    ]
