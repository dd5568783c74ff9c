"""API of the activity registry; mounted by `migdev.coordination.api` under /api/v1/coordination/."""

from typing import Annotated, Any

from django.http import HttpRequest
from ninja import Router
from ninja.pagination import paginate

from migdev.coordination.activities import selectors
from migdev.coordination.common.api import CountryCodes
from migdev.coordination.models import Activity, Area
from migdev.core.api_base import Pagination
from migdev.core.api_params import OneOf

router = Router()


class ActivityOut(CountryCodes):
    iati_identifier: str
    reporting_organisation: str
    title: str
    area: str
    information_field: str
    status: str
    countries: list[str]
    source: str
    source_edition: str

    @staticmethod
    def resolve_reporting_organisation(activity: Activity) -> str:
        return str(activity.reporting_organisation.name)


@router.get("/activities", response=list[ActivityOut], auth=None)
@paginate(Pagination)
def list_activities(
    request: HttpRequest, area: Annotated[str | None, OneOf(Area)] = None, country: str = ""
) -> Any:
    return selectors.activities_list(request.user, area=area or "", country_iso3=country)
