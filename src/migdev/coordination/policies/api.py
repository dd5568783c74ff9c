"""API of the migration policy database; mounted by `migdev.coordination.api` under /api/v1/coordination/."""

import datetime
from typing import Annotated, Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError
from ninja.pagination import paginate

from migdev.coordination import access
from migdev.coordination.common.api import TopicCodes
from migdev.coordination.countries import UnknownCountry, normalise_country_code
from migdev.coordination.models import Area, MigrationPolicy, PolicyDomain
from migdev.coordination.policies import selectors
from migdev.core.api_base import Pagination
from migdev.core.api_params import OneOf, RecordId, Year

router = Router()


class PolicyOut(TopicCodes):
    id: int
    country_iso3: str
    title: str
    original_title: str
    year: int
    adopted_on: datetime.date | None
    adopted_precision: str
    ended_on: datetime.date | None
    kind: str
    direction: str
    domain: str
    area: str
    status: str
    partners: list[str]
    topics: list[str]
    summary: str
    development_relevance: str
    source_name: str
    source_url: str
    source_edition: str
    version: int = Field(
        description="Grows with every saved change; a write from an older version is refused (409)."
    )

    @staticmethod
    def resolve_partners(policy: MigrationPolicy) -> list[str]:
        return [partner.country_iso3 for partner in policy.partners.all()]


class PolicyFiltersIn(Schema):
    country: str = ""
    domain: Annotated[str | None, OneOf(PolicyDomain)] = None
    kind: Annotated[str | None, OneOf(MigrationPolicy.Kind)] = None
    direction: Annotated[str | None, OneOf(MigrationPolicy.Direction)] = None
    area: Annotated[str | None, OneOf(Area)] = None
    topic: str = ""
    year_from: Year | None = None
    year_to: Year | None = None
    q: str = ""


@router.get("/policies", response=list[PolicyOut], auth=None)
@paginate(Pagination)
def list_policies(request: HttpRequest, filters: Query[PolicyFiltersIn]) -> Any:
    country = ""
    if filters.country:
        try:
            country = normalise_country_code(filters.country)
        except UnknownCountry as error:
            raise HttpError(422, f"unknown country code {filters.country!r}") from error
    return selectors.policies_list(
        request.user,
        selectors.PolicyFilters(
            country_iso3=country,
            domain=filters.domain or "",
            kind=filters.kind or "",
            direction=filters.direction or "",
            area=filters.area or "",
            topic=filters.topic,
            year_from=filters.year_from,
            year_to=filters.year_to,
            query=filters.q,
        ),
    )


@router.get("/policies/{policy_id}", response=PolicyOut, auth=None)
def get_policy(request: HttpRequest, policy_id: RecordId) -> Any:
    return access.policy_get_for_user(request.user, policy_id)
