"""/api/v1/diaspora/: the public roster, the diaspora map and the programme's figures (no sign-in); the
expert's own profile; requests and their shortlists for the roles that reach them.

Records outside the caller's scope answer 404; reads of identifying data are audited; PATCH carries the
version it changes and a stale one answers 409.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from ninja import Field, Query, Router, Schema

from migdev.accounts.access import group_ids, has_permission
from migdev.core.api_base import AUTH, problem
from migdev.core.api_params import OneOf, RecordId, answers
from migdev.core.versioning import StaleEdit
from migdev.diaspora import access, matching, selectors, services
from migdev.diaspora.models import Expert, LanguageLevel, Modality, Request, Sector, Sex

router = Router(tags=["diaspora"])

CountryCode = Annotated[str, Field(pattern=r"^[A-Z]{3}$", description="ISO 3166-1 alpha-3 code")]


class RosterFilters(Schema):
    origin: CountryCode | None = None
    sector: Annotated[str | None, OneOf(Sector)] = None


class RosterEntryOut(Schema):
    reference: str
    sample: bool
    fields: dict[str, Any] = Field(description="Only the fields the expert chose to show.")


@router.get("/roster", response=list[RosterEntryOut], auth=None, summary="The public roster")
def roster(request: HttpRequest, filters: Query[RosterFilters]) -> list[dict[str, Any]]:
    experts = selectors.public_roster(country_of_origin=filters.origin or "", sector=filters.sector or "")
    out = []
    for expert in experts[:1000]:
        view = selectors.shared_view(expert, expert.public_fields)
        reference = view.pop("reference")
        out.append({"reference": reference, "sample": expert.is_sample, "fields": view})
    return out


class MapFilters(Schema):
    origin: CountryCode
    edition: Annotated[str | None, Field(max_length=60, pattern=r"^[a-z0-9-]*$")] = None


class MapRowOut(Schema):
    country: str
    emigrants: float | None
    experts: int | None = Field(description="Null when fewer than 3 and you may not see exact counts.")
    experts_fewer_than: int | None
    sectors: dict[str, int | None]


class MapOut(Schema):
    origin: str
    source: str | None
    edition: str | None
    period: str | None
    emigrants_total: float
    rows: list[MapRowOut]
    experts_note: str


@router.get("/map", response=MapOut, auth=None, summary="Where a country's diaspora lives, beside the roster")
def diaspora_map(request: HttpRequest, filters: Query[MapFilters]) -> dict[str, Any]:
    found = selectors.diaspora_map(filters.origin, edition_code=filters.edition)
    exact = has_permission(request.user, access.APPROVE_REQUEST)

    def shown(n: int) -> int | None:
        return n if exact or n == 0 or n >= selectors.SMALL_COUNT else None

    return {
        "origin": filters.origin,
        "source": f"{found.edition.source.publisher}, {found.edition.title}" if found.edition else None,
        "edition": found.edition.code if found.edition else None,
        "period": found.period,
        "emigrants_total": found.emigrants_total,
        "rows": [
            {
                "country": row.code,
                "emigrants": row.emigrants,
                "experts": shown(row.experts),
                "experts_fewer_than": None if shown(row.experts) is not None else selectors.SMALL_COUNT,
                "sectors": {code: shown(n) for code, n in sorted(row.sectors.items())},
            }
            for row in found.rows
        ],
        "experts_note": "Registered experts: computed by migdev from the roster (active accounts); may include "
        "sample data.",
    }


class BreakdownRowOut(Schema):
    key: str
    assignments: int
    person_days: float


class ReportOut(Schema):
    experts_registered: int
    experts_active: int
    requests_total: int
    assignments_total: int
    person_days_total: float
    institutions_supported: int
    outputs: dict[str, int]
    mean_rating: float | None
    median_days_request_to_start: float | None
    share_of_requests_filled: float | None
    by_country_of_origin: list[BreakdownRowOut]
    by_sector: list[BreakdownRowOut]
    by_modality: list[BreakdownRowOut]
    by_sex: list[BreakdownRowOut]
    experts_by_sector: dict[str, int]
    experts_by_modality: dict[str, int] = Field(description="Modalities the registered experts accept.")
    institutions_by_country: dict[str, int]
    institutions_by_sector: dict[str, int]
    repeat_assignments: int
    experts_with_more_than_one_assignment: int
    reintegration_plans: int
    reintegration_support_given: dict[str, int] = Field(description="Support steps given, by kind.")
    reintegration_latest_situation: dict[str, int] = Field(
        description="Returnees by the situation found at their latest follow-up."
    )
    includes_sample_data: bool
    sample_assignments: int
    method: str


class ReportFilters(Schema):
    origin: CountryCode | None = None


@router.get("/reports", response=ReportOut, auth=None, summary="The programme's figures (MIDA/TRQN style)")
def reports(request: HttpRequest, filters: Query[ReportFilters]) -> dict[str, Any]:
    figures = selectors.report(country_of_origin=filters.origin or "")

    def rows(breakdown: selectors.Breakdown) -> list[dict[str, Any]]:
        return [{"key": k, "assignments": n, "person_days": float(d)} for k, n, d in breakdown.rows()]

    return {
        "experts_registered": figures.experts_registered,
        "experts_active": figures.experts_active,
        "requests_total": figures.requests_total,
        "assignments_total": figures.assignments_total,
        "person_days_total": float(figures.person_days_total),
        "institutions_supported": figures.institutions_supported,
        "outputs": figures.outputs,
        "mean_rating": figures.mean_rating,
        "median_days_request_to_start": figures.median_days_request_to_start,
        "share_of_requests_filled": figures.share_filled,
        "by_country_of_origin": rows(figures.by_origin),
        "by_sector": rows(figures.by_sector),
        "by_modality": rows(figures.by_modality),
        "by_sex": rows(figures.by_sex),
        "experts_by_sector": dict(figures.experts_by_sector),
        "experts_by_modality": dict(figures.experts_by_modality),
        "institutions_by_country": dict(figures.institutions_by_country),
        "institutions_by_sector": dict(figures.institutions_by_sector),
        "repeat_assignments": figures.repeat_assignments,
        "experts_with_more_than_one_assignment": figures.experts_with_repeats,
        "reintegration_plans": figures.reintegration_plans,
        "reintegration_support_given": figures.reintegration_support_given,
        "reintegration_latest_situation": figures.reintegration_latest_situation,
        "includes_sample_data": figures.includes_sample,
        "sample_assignments": figures.sample_assignments,
        "method": "Computed by migdev from this platform's records (roster, requests, agreements, assignments, "
        "end reports, reintegration plans). Person-days: calendar days on site and for permanent return; "
        "online assignments count logged hours / 8. Deleted accounts still count, anonymously.",
    }


# --- the expert's own profile ----------------------------------------------------------------------------


class LanguageIn(Schema):
    code: Annotated[str, Field(pattern=r"^[a-z]{2,3}$")]
    level: Annotated[str, OneOf(LanguageLevel)]


class WindowIn(Schema):
    starts_on: date = Field(alias="from")
    ends_on: date = Field(alias="to")


class ExpertProfileOut(Schema):
    reference: str
    version: int
    profile: dict[str, Any]


class ProfilePatch(Schema):
    version: int = Field(ge=0, description="The version you edited; a stale one answers 409.")
    given_name: Annotated[str, Field(max_length=150)] | None = None
    family_name: Annotated[str, Field(max_length=150)] | None = None
    email: Annotated[str, Field(max_length=254)] | None = None
    phone: Annotated[str, Field(max_length=40)] | None = None
    biography: Annotated[str, Field(max_length=5000)] | None = None
    sex: Annotated[str | None, OneOf(Sex)] = None
    country_of_residence: CountryCode | None = None
    languages: list[LanguageIn] | None = Field(default=None, max_length=20)
    skill_uris: list[Annotated[str, Field(max_length=200)]] | None = Field(default=None, max_length=60)
    occupation_uris: list[Annotated[str, Field(max_length=200)]] | None = Field(default=None, max_length=10)
    sectors: list[Annotated[str, OneOf(Sector)]] | None = None
    modalities: list[Annotated[str, OneOf(Modality)]] | None = None
    years_experience: Annotated[int, Field(ge=0, le=70)] | None = None
    days_on_site_per_year: Annotated[int, Field(ge=0, le=366)] | None = None
    hours_online_per_week: Annotated[int, Field(ge=0, le=80)] | None = None
    windows: list[WindowIn] | None = Field(default=None, max_length=20)


def _own(request: HttpRequest) -> Expert:
    expert = access.own_expert(request.user)
    if expert is None:
        raise Http404
    return access.expert_get_for_user(request.user, expert.pk, request=request)


def _profile_out(expert: Expert) -> dict[str, Any]:
    return {
        "reference": expert.reference,
        "version": expert.version,
        "profile": selectors.full_profile(expert),
    }


@router.get("/me", response=ExpertProfileOut, auth=AUTH, summary="Your own expert profile (audited read)")
@answers(404)
def my_profile(request: HttpRequest) -> dict[str, Any]:
    return _profile_out(_own(request))


@router.patch("/me", response=ExpertProfileOut, auth=AUTH, summary="Change your own expert profile")
@answers(404, 409)
def update_my_profile(request: HttpRequest, payload: ProfilePatch) -> Any:
    expert = _own(request)
    values = payload.dict(exclude_unset=True, exclude={"version", "windows"})
    if "languages" in values:
        values["languages"] = [dict(item) for item in values["languages"]]
    windows = [(w.starts_on, w.ends_on) for w in payload.windows] if payload.windows is not None else None
    try:
        services.expert_update(
            actor=services.actor_of(request.user),
            expert=expert,
            expected_version=payload.version,
            values=values,
            windows=windows,
            request=request,
        )
    except StaleEdit as conflict:
        response: HttpResponse = problem(
            request,
            409,
            f"The profile was saved elsewhere since version {payload.version}; it is now at version "
            f"{conflict.current_version}. Nothing was saved.",
        )
        return response
    except PermissionDenied:
        raise Http404 from None
    except ValidationError as error:
        errors = [
            {"field": field, "message": message}
            for field, messages in error.message_dict.items()
            for message in messages
        ]
        return problem(request, 422, "The request did not validate.", errors=errors)
    expert.refresh_from_db()
    return _profile_out(expert)


# --- requests and shortlists -----------------------------------------------------------------------------


class RequestOut(Schema):
    id: int
    version: int
    title: str
    host: str
    country: str
    sector: str
    modality: str
    status: str
    starts_on: date
    ends_on: date
    duration_days: int
    language: str
    language_level: str
    skill_uris: list[str]
    sample: bool


def _request_out(row: Request) -> dict[str, Any]:
    return {
        "id": row.pk,
        "version": row.version,
        "title": row.title,
        "host": str(row.host),
        "country": row.host.country,
        "sector": row.sector,
        "modality": row.modality,
        "status": row.status,
        "starts_on": row.starts_on,
        "ends_on": row.ends_on,
        "duration_days": row.duration_days,
        "language": row.language,
        "language_level": row.language_level,
        "skill_uris": list(row.skill_uris),
        "sample": row.is_sample,
    }


class RequestFilters(Schema):
    status: Annotated[str | None, OneOf(Request.Status)] = None


@router.get("/requests", response=list[RequestOut], auth=AUTH, summary="Requests you can see")
def list_requests(request: HttpRequest, filters: Query[RequestFilters]) -> list[dict[str, Any]]:
    rows = access.requests_visible_to(request.user).select_related("host__organisation").order_by("-pk")
    if filters.status:
        rows = rows.filter(status=filters.status)
    return [_request_out(row) for row in rows[:500]]


@router.get("/requests/{request_id}", response=RequestOut, auth=AUTH, summary="One request")
def get_request(request: HttpRequest, request_id: RecordId) -> dict[str, Any]:
    return _request_out(access.request_get_for_user(request.user, request_id, request=request))


class ExpertCandidateOut(Schema):
    reference: str
    score: float
    parts: dict[str, float]
    matched_skills: list[str]
    missing_skills: list[str]
    overlap_days: int
    shared: dict[str, Any] = Field(description="Host institutions: the fields the expert shares with them.")


class ExpertShortlistOut(Schema):
    request: int
    considered: int
    excluded: dict[str, int]
    esco_edition: str | None
    candidates: list[ExpertCandidateOut]
    weights: dict[str, float]
    priority_sector: bool
    method: str


@router.get(
    "/requests/{request_id}/shortlist",
    response=ExpertShortlistOut,
    auth=AUTH,
    summary="The ranked, explained shortlist of an approved request",
)
@answers(409)
def get_shortlist(request: HttpRequest, request_id: RecordId) -> Any:
    row = access.request_get_for_user(request.user, request_id, request=request)
    user = services.actor_of(request.user)
    is_officer = has_permission(user, access.APPROVE_REQUEST) and row.group_id in group_ids(user)
    is_host = access.viewer_is_host_of(user, row)
    if not (is_officer or is_host):
        raise Http404
    if row.status != Request.Status.APPROVED:
        return problem(request, 409, "A shortlist is drawn for approved requests only.")
    pool = (
        access.experts_visible_to(user)
        if is_officer
        else Expert.objects.filter(group=row.group, status=Expert.Status.ACTIVE)
    )
    result = matching.shortlist_kept(row, pool)
    ids = [c["expert_id"] for c in result["candidates"]]
    # Read now, whatever was kept: an expert no longer there is never shown; a host sees what each expert
    # shares today, anyone else nothing of it.
    shared: dict[int, dict[str, Any]]
    if is_host:
        loaded = Expert.objects.only(*matching.MATCH_FIELDS).in_bulk(ids)
        shared = {
            pk: {k: v for k, v in selectors.shared_view(e, e.host_fields).items() if k != "reference"}
            for pk, e in loaded.items()
        }
    else:
        shared = {pk: {} for pk in Expert.objects.filter(pk__in=ids).values_list("pk", flat=True)}
    return {
        "request": row.pk,
        "considered": result["considered"],
        "excluded": result["excluded"],
        "esco_edition": result["esco_edition"],
        "candidates": [
            {
                "reference": Expert.reference_of(c["expert_id"]),
                "score": c["score"],
                "parts": c["parts"],
                "matched_skills": c["matched_skills"],
                "missing_skills": c["missing_skills"],
                "overlap_days": c["overlap_days"],
                "shared": shared[c["expert_id"]],
            }
            for c in result["candidates"]
            if c["expert_id"] in shared
        ],
        "weights": matching.WEIGHTS,
        "priority_sector": result["priority_sector"],
        "method": "score = 0.7 x skills engine total (skills 0.6, occupation 0.15, languages 0.15, experience "
        "0.1) + 0.2 x share of the request's dates the expert is available + 0.1 x priority_sector (1 when "
        "the government of the host's country set the request's sector as a priority); hard requirements: "
        "modality, language level, availability.",
    }


# --- directory of diaspora organisations ------------------------------------------------------------------


class OrganisationFilters(Schema):
    origin: CountryCode | None = None
    residence: CountryCode | None = None
    sector: Annotated[str | None, OneOf(Sector)] = None
    q: Annotated[str | None, Field(max_length=100)] = None


class DiasporaOrganisationOut(Schema):
    id: int
    name: str
    countries_of_origin: list[str]
    countries_of_residence: list[str]
    sectors: list[str]
    activities: str
    website: str
    source: str
    sample: bool
    updated_at: str


def _organisation_out(row: Any) -> dict[str, Any]:
    return {
        "id": row.pk,
        "name": row.name,
        "countries_of_origin": list(row.countries_of_origin),
        "countries_of_residence": list(row.countries_of_residence),
        "sectors": list(row.sectors),
        "activities": row.activities,
        "website": row.website,
        "source": row.source,
        "sample": row.is_sample,
        "updated_at": row.updated_at.isoformat(),
    }


@router.get(
    "/organisations",
    response=list[DiasporaOrganisationOut],
    auth=None,
    summary="The directory of diaspora organisations",
)
def organisation_list(request: HttpRequest, filters: Query[OrganisationFilters]) -> list[dict[str, Any]]:
    rows = selectors.organisations(
        origin=filters.origin or "",
        residence=filters.residence or "",
        sector=filters.sector or "",
        text=filters.q or "",
    )
    return [_organisation_out(row) for row in rows[:2000]]


@router.get(
    "/organisations/{organisation_id}",
    response=DiasporaOrganisationOut,
    auth=None,
    summary="One diaspora organisation",
)
def organisation_detail(request: HttpRequest, organisation_id: RecordId) -> Any:
    from migdev.diaspora.models import DiasporaOrganisation

    row = DiasporaOrganisation.objects.filter(pk=organisation_id).first()
    if row is None:
        raise Http404
    return _organisation_out(row)
