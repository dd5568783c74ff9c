"""/api/v1/trafficking/: cases (through the same access functions as the pages), statistics, releases.

Case endpoints answer 404 for cases outside the caller's scope and for callers without case access,
audit every read, and refuse a stale update with 409 (send the ``version`` you edited).
"""

from datetime import date, datetime
from typing import Annotated, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from ninja import Field, Query, Router, Schema, Status
from ninja.errors import HttpError

from migdev.accounts.access import has_permission
from migdev.accounts.models import User
from migdev.core.api_base import AUTH, problem
from migdev.core.api_params import PAGE_SIZE_DEFAULT, OneOf, PageNumber, PageSize, RecordId, answers
from migdev.core.versioning import StaleEdit
from migdev.trafficking import htcds, search, selectors, services
from migdev.trafficking.models import Case, Release
from migdev.trafficking.releases import StatisticsRefused, statistics_for
from migdev.trafficking.tokens import PersonKeys

router = Router(tags=["trafficking"])


class CaseSummaryOut(Schema):
    id: int
    reference: str
    status: str
    version: int
    registered_on: date
    updated_at: datetime
    anonymised: bool


class CaseOut(CaseSummaryOut):
    owner: str
    organisation: str
    values: dict[str, Any]


class CasePage(Schema):
    count: int
    page: int
    page_size: int
    items: list[CaseSummaryOut]


class PageQuery(Schema):
    page: PageNumber = 1
    page_size: PageSize = PAGE_SIZE_DEFAULT
    status: Annotated[str | None, OneOf(htcds.CaseStatus)] = None


class CaseIn(Schema):
    values: dict[str, Any]


class CaseUpdateIn(Schema):
    version: int
    values: dict[str, Any]


class ReferralOut(Schema):
    id: int
    case: str
    direction: str
    recipient: str
    referral_date: date
    reason: str
    consent: int | None
    consent_overridden: bool


class ReleaseOut(Schema):
    id: int
    title: str
    kind: str
    data_format: str
    state: str
    epsilon: float | None
    record_count: int
    reviewed_at: datetime | None
    parameters: dict[str, Any]


def _user(request: HttpRequest) -> User:
    user = request.user
    if not isinstance(user, User):
        raise Http404
    return user


def _summary(case: Case) -> CaseSummaryOut:
    return CaseSummaryOut(
        id=case.pk,
        reference=case.reference,
        status=case.status,
        version=case.version,
        registered_on=case.registered_on,
        updated_at=case.updated_at,
        anonymised=case.anonymised_at is not None,
    )


def _case_out(case: Case) -> CaseOut:
    values = {name: getattr(case, name) for name in services.EDITABLE_FIELDS}
    return CaseOut(
        **_summary(case).dict(),
        owner=case.owner.get_username(),
        organisation=str(case.organisation),
        values=values,
    )


@router.get("/cases", response=CasePage, auth=AUTH, summary="Cases you can see")
@answers(404)
def list_cases(request: HttpRequest, query: Query[PageQuery]) -> CasePage:
    if not has_permission(request.user, selectors.CASE_VIEW):
        raise Http404
    cases = selectors.cases_visible_to(request.user).order_by("-updated_at", "-pk")
    if query.status:
        cases = cases.filter(status=query.status)
    size = query.page_size
    page = query.page
    items = list(cases[(page - 1) * size : page * size])
    selectors.case_list_audit(user=request.user, cases=items, request=request, purpose="api list")
    return CasePage(count=cases.count(), page=page, page_size=size, items=[_summary(case) for case in items])


class PersonSearchIn(Schema):
    name: str = ""
    birth_date: date | None = None
    phone: str = ""
    identity_number: str = ""


class PersonFoundOut(CaseSummaryOut):
    score: float
    matched: list[str]


@router.post(
    "/cases/search",
    response=list[PersonFoundOut],
    auth=AUTH,
    summary="Find a person (terms in the body, never the address; audited with the count only)",
)
def search_cases(request: HttpRequest, payload: PersonSearchIn) -> list[PersonFoundOut]:
    if not has_permission(request.user, selectors.CASE_VIEW):
        raise Http404
    terms = PersonKeys.build(
        names=[payload.name[:300]],
        birth_date=payload.birth_date,
        phones=[payload.phone[:40]],
        identity_number=payload.identity_number[:100],
    )
    if terms.is_empty():
        raise HttpError(422, "Give a name, a birth date, a phone or an identity number.")
    found = search.person_search(request.user, terms, request=request)
    return [
        PersonFoundOut(**_summary(item.case).dict(), score=item.match.score, matched=list(item.match.matched))
        for item in found
    ]


@router.get("/cases/{case_id}", response=CaseOut, auth=AUTH, summary="One case (audited)")
def get_case(request: HttpRequest, case_id: RecordId) -> CaseOut:
    return _case_out(selectors.case_get_for_user(request.user, case_id, request=request))


@router.post("/cases", response={201: CaseOut}, auth=AUTH, summary="Open a case")
@answers(404)
def create_case(request: HttpRequest, payload: CaseIn) -> Status:
    if not has_permission(request.user, selectors.CASE_ADD):
        raise Http404
    try:
        saved = services.case_create(actor=_user(request), values=payload.values, request=request)
    except ValidationError as error:
        raise HttpError(422, "; ".join(f"{k}: {' '.join(v)}" for k, v in _messages(error).items())) from None
    return Status(201, _case_out(saved.case))


def _messages(error: ValidationError) -> dict[str, list[str]]:
    return error.message_dict if hasattr(error, "error_dict") else {"values": error.messages}


@router.patch("/cases/{case_id}", response=CaseOut, auth=AUTH, summary="Update a case (optimistic locking)")
@answers(409)
def update_case(request: HttpRequest, case_id: RecordId, payload: CaseUpdateIn) -> Any:
    case = selectors.case_get_for_user(
        request.user, case_id, perm=selectors.CASE_CHANGE, request=request, audit_read=False
    )
    try:
        services.case_update(
            actor=_user(request),
            case=case,
            expected_version=payload.version,
            values=payload.values,
            request=request,
        )
    except StaleEdit as conflict:
        response: HttpResponse = problem(
            request,
            409,
            f"The case was saved by someone else since version {payload.version}; it is now at version "
            f"{conflict.current_version}. Nothing was saved: read it again and reapply your changes.",
        )
        return response
    except ValidationError as error:
        raise HttpError(422, "; ".join(f"{k}: {' '.join(v)}" for k, v in _messages(error).items())) from None
    except PermissionDenied:
        raise Http404 from None
    return _case_out(Case.objects.select_related("owner", "organisation").get(pk=case.pk))


@router.get("/referrals", response=list[ReferralOut], auth=AUTH, summary="Referrals of the cases you can see")
@answers(404)
def list_referrals(request: HttpRequest) -> list[ReferralOut]:
    if not has_permission(request.user, selectors.REFERRAL_VIEW):
        raise Http404
    referrals = list(selectors.referrals_visible_to(request.user)[:500])
    selectors.case_list_audit(
        user=request.user,
        cases=[referral.case for referral in referrals],
        request=request,
        purpose="api referrals",
    )
    return [
        ReferralOut(
            id=referral.pk,
            case=referral.case.reference,
            direction=referral.direction,
            recipient=referral.recipient,
            referral_date=referral.referral_date,
            reason=referral.reason,
            consent=referral.consent_id,
            consent_overridden=referral.override_by_id is not None,
        )
        for referral in referrals
    ]


@router.get("/statistics", auth=AUTH, summary="Aggregates with small cells suppressed (analysts)")
@answers(400, 404)
def statistics(
    request: HttpRequest,
    threshold: Annotated[int, Field(ge=1, le=1_000_000)] = 11,
    source: Annotated[int | None, Field(ge=1, le=2_147_483_647)] = None,
) -> dict[str, Any]:
    """``source``: the analytic source to count (required when several are loaded; never mixed)."""
    if not has_permission(request.user, selectors.STATISTICS_VIEW):
        raise Http404
    try:
        return statistics_for(
            selectors.analytic_records_visible_to(request.user),
            threshold,
            source,
            selectors.analytic_counts_visible_to(request.user),
        )
    except StatisticsRefused as error:
        raise HttpError(400, str(error)) from None


def _release_out(release: Release) -> ReleaseOut:
    return ReleaseOut(
        id=release.pk,
        title=release.title,
        kind=release.kind,
        data_format=release.data_format,
        state=release.state,
        epsilon=release.epsilon,
        record_count=release.record_count,
        reviewed_at=release.reviewed_at,
        parameters=release.parameters,
    )


@router.get("/releases", response=list[ReleaseOut], auth=None, summary="Published releases")
def published(request: HttpRequest) -> list[ReleaseOut]:
    return [_release_out(release) for release in selectors.published_releases()]


@router.get("/releases/{release_id}/content", auth=None, summary="The content of a published release")
def release_content(request: HttpRequest, release_id: RecordId) -> HttpResponse:
    release = selectors.published_releases().filter(pk=release_id).first()
    if release is None:
        raise Http404
    if release.kind == Release.Kind.AGGREGATES:
        return HttpResponse(release.content, content_type="application/json")
    return HttpResponse(release.content, content_type="text/csv; charset=utf-8")


@router.get("/value-lists", auth=None, summary="HTCDS 2.0 value lists (IOM, CC BY 4.0)")
def value_lists(request: HttpRequest) -> dict[str, Any]:
    standard = htcds.standard()
    return {"source": standard["source"], "value_lists": standard["value_lists"]}
