"""Labour-mobility API under /api/v1/labour/: schemes, job orders with their shortlist, applications and
their safeguards gate, and the worker's own profile.

Every record is read through ``migdev.labour.selectors`` (404 outside the caller's reach). A worker is
answered either as a pseudonymised profile or, for those allowed to identify them, with identity fields
(and the read audited); an employer gets identity only after the worker accepted an interview.
"""

import datetime
from decimal import Decimal
from typing import Annotated, Any

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from migdev.core.api_base import AUTH, Pagination, problem, stale_edit_problem
from migdev.core.api_params import IsoDate, OneOf, RecordId, answers
from migdev.core.versioning import StaleEdit
from migdev.labour import gate, orientation, passage, selectors, services, title_import
from migdev.labour.matching import METHOD as SHORTLIST_METHOD
from migdev.labour.matching import shortlist_kept
from migdev.labour.models import (
    Application,
    CheckIn,
    CheckInAlert,
    ConsentMethod,
    CostLine,
    IdentityDocumentCustody,
    JobOrder,
    OrientationAttendance,
    OrientationCertificate,
    OrientationCurriculum,
    OrientationSession,
    OrientationTopic,
    PermitStatus,
    Scheme,
    Sex,
    TitleMapping,
    WagePeriod,
    Worker,
)

router = Router(tags=["labour"], auth=AUTH)

Uri = Annotated[str, Field(min_length=1, max_length=255, pattern=r"^\S+$")]


class LanguageLevel(Schema):
    code: str = Field(..., min_length=2, max_length=3, pattern=r"^[A-Za-z]{2,3}$")
    level: int = Field(..., ge=1, le=6, description="CEFR level: 1=A1 … 6=C2")


class SchemeOut(Schema):
    id: int
    title: str
    kind: str
    destination_country: str
    origin_countries: list[str]
    occupation_uris: list[str]
    start_date: datetime.date
    end_date: datetime.date | None
    health_g2g_agreement: bool
    is_sample: bool
    version: int


def _scheme_out(scheme: Scheme) -> SchemeOut:
    return SchemeOut(
        id=scheme.pk,
        title=scheme.title,
        kind=scheme.kind,
        destination_country=scheme.destination_country_id,
        origin_countries=sorted(scheme.origin_countries.values_list("iso3", flat=True)),
        occupation_uris=list(scheme.occupation_uris),
        start_date=scheme.start_date,
        end_date=scheme.end_date,
        health_g2g_agreement=scheme.health_g2g_agreement,
        is_sample=scheme.is_sample,
        version=scheme.version,
    )


@router.get("schemes", response=list[SchemeOut], summary="Labour-mobility schemes the caller can see")
@paginate(Pagination)
def scheme_list(request: HttpRequest) -> Any:
    return [_scheme_out(scheme) for scheme in selectors.schemes_visible_to(request.user)]


@router.get("schemes/{scheme_id}", response=SchemeOut, summary="One scheme")
def scheme_detail(request: HttpRequest, scheme_id: RecordId) -> SchemeOut:
    return _scheme_out(selectors.scheme_get_for_user(request.user, scheme_id, request=request))


class JobOrderOut(Schema):
    id: int
    scheme_id: int
    employer: str
    title: str
    occupation_uri: str
    isco_code: str
    essential_skill_uris: list[str]
    optional_skill_uris: list[str]
    languages: list[LanguageLevel]
    positions: int
    place: str
    destination_country: str
    start_date: datetime.date
    contract_months: int
    wage_amount: str
    wage_currency: str
    wage_period: str
    hours_per_week: str
    housing_terms: str
    travel_terms: str
    recruiter: str | None
    approval_status: str
    is_sample: bool
    version: int


def _job_order_out(job_order: JobOrder) -> JobOrderOut:
    return JobOrderOut(
        id=job_order.pk,
        scheme_id=job_order.scheme_id,
        employer=job_order.employer.organisation.name,
        title=job_order.title,
        occupation_uri=job_order.occupation_uri,
        isco_code=job_order.isco_code,
        essential_skill_uris=job_order.essential_skill_uris,
        optional_skill_uris=job_order.optional_skill_uris,
        languages=job_order.languages,
        positions=job_order.positions,
        place=job_order.place,
        destination_country=job_order.destination_country_id,
        start_date=job_order.start_date,
        contract_months=job_order.contract_months,
        wage_amount=str(job_order.wage_amount),
        wage_currency=job_order.wage_currency,
        wage_period=job_order.wage_period,
        hours_per_week=str(job_order.hours_per_week),
        housing_terms=job_order.housing_terms,
        travel_terms=job_order.travel_terms,
        recruiter=job_order.recruiter.organisation.name if job_order.recruiter else None,
        approval_status=job_order.approval_status,
        is_sample=job_order.is_sample,
        version=job_order.version,
    )


@router.get("job-orders", response=list[JobOrderOut], summary="Job orders the caller can see")
@paginate(Pagination)
def job_order_list(request: HttpRequest) -> Any:
    return [_job_order_out(j) for j in selectors.job_orders_visible_to(request.user)]


@router.get("job-orders/{job_order_id}", response=JobOrderOut, summary="One job order")
def job_order_detail(request: HttpRequest, job_order_id: RecordId) -> JobOrderOut:
    return _job_order_out(selectors.job_order_get_for_user(request.user, job_order_id, request=request))


class JobOrderPatch(Schema):
    version: int = Field(..., ge=1, description="The version this change starts from (409 if stale).")
    title: str | None = Field(None, min_length=1, max_length=200)
    essential_skill_uris: list[Uri] | None = Field(None, max_length=200)
    optional_skill_uris: list[Uri] | None = Field(None, max_length=200)
    languages: list[LanguageLevel] | None = Field(None, max_length=20)
    positions: int | None = Field(None, ge=1, le=100_000)
    place: str | None = Field(None, min_length=1, max_length=200)
    start_date: IsoDate | None = None
    contract_months: int | None = Field(None, ge=1, le=120)
    wage_amount: float | None = Field(None, gt=0, lt=1e9)
    wage_currency: str | None = Field(None, pattern=r"^[A-Za-z]{3}$")
    wage_period: Annotated[str | None, OneOf(WagePeriod)] = None
    hours_per_week: float | None = Field(None, gt=0, le=84)
    housing_terms: str | None = Field(None, max_length=5000)
    travel_terms: str | None = Field(None, max_length=5000)


@router.patch("job-orders/{job_order_id}", response=JobOrderOut, summary="Change a job order")
@answers(409)
def job_order_patch(request: HttpRequest, job_order_id: RecordId, payload: JobOrderPatch) -> Any:
    job_order = selectors.job_order_get_for_user(request.user, job_order_id, request=request)
    changes = payload.dict(exclude_unset=True, exclude={"version"})
    if "languages" in changes:
        changes["languages"] = [dict(item) for item in changes["languages"]]
    try:
        job_order = services.job_order_update(
            actor=request.user, job_order=job_order, expected_version=payload.version, **changes
        )
    except StaleEdit as stale:
        return stale_edit_problem(request, stale)
    return _job_order_out(job_order)


class WorkerCandidateOut(Schema):
    pseudonym: str
    worker_id: int | None = Field(
        None, description="Only for those who keep the shortlist (scheme officers)."
    )
    score: float
    sub_scores: dict[str, float]
    essential_matched: list[str]
    essential_missing: list[str]
    optional_matched: list[str]


class WorkerShortlistOut(Schema):
    job_order_id: int
    considered: int
    excluded_before_ranking: dict[str, int]
    weights: dict[str, float]
    method: str
    candidates: list[WorkerCandidateOut]


@router.get(
    "job-orders/{job_order_id}/shortlist", response=WorkerShortlistOut, summary="Ranked, explained shortlist"
)
def job_order_shortlist(
    request: HttpRequest, job_order_id: RecordId, limit: Annotated[int, Field(ge=1, le=100)] = 20
) -> dict[str, Any]:
    job_order = selectors.job_order_get_for_user(request.user, job_order_id, request=request)
    officer = "officer" in selectors.job_order_capacities(request.user, job_order)
    result = shortlist_kept(job_order, limit=limit)
    # Plain dicts: ninja validates them against WorkerShortlistOut once (a model built here was read back
    # attribute by attribute and validated again).
    return {
        "job_order_id": job_order.pk,
        "considered": result["considered"],
        "excluded_before_ranking": result["excluded_before_ranking"],
        "weights": result["weights"],
        "method": SHORTLIST_METHOD,
        # The kept answer holds every worker id; only those who keep the shortlist receive it.
        "candidates": [c if officer else c | {"worker_id": None} for c in result["candidates"]],
    }


class ShortlistIn(Schema):
    worker_ids: list[RecordId] = Field(..., min_length=1, max_length=100)


class IdentityOut(Schema):
    given_name: str
    family_name: str
    phone: str
    email: str
    date_of_birth: datetime.date | None
    sex: str


class WorkerProfileOut(Schema):
    pseudonym: str
    country_of_residence: str
    languages: list[LanguageLevel]
    isced_level: int | None
    occupation_uris: list[str]
    skill_uris: list[str]
    experience_years: float
    available_from: datetime.date | None


class ApplicationOut(Schema):
    id: int
    job_order_id: int
    stage: str
    score: float | None
    sub_scores: dict[str, float]
    explanation: dict[str, Any]
    profile: WorkerProfileOut
    identity: IdentityOut | None = Field(
        None,
        description="Only once the caller may identify the worker (employers: after the worker accepts an interview).",
    )
    shortlisted_at: datetime.datetime
    interview_proposed_at: datetime.datetime | None
    interview_accepted_at: datetime.datetime | None
    selected_at: datetime.datetime | None
    offer_at: datetime.datetime | None
    accepted_at: datetime.datetime | None
    refused_at: datetime.datetime | None
    deployed_at: datetime.datetime | None
    version: int


def _application_out(request: HttpRequest, application: Application) -> ApplicationOut:
    view = selectors.applicant_view(request.user, application, request=request)
    profile = view.profile
    identity = None
    if view.identified and view.worker is not None:
        worker: Worker = view.worker
        identity = IdentityOut(
            given_name=worker.given_name,
            family_name=worker.family_name,
            phone=worker.phone,
            email=worker.email,
            date_of_birth=worker.date_of_birth,
            sex=worker.sex,
        )
    return ApplicationOut(
        id=application.pk,
        job_order_id=application.job_order_id,
        stage=application.stage,
        score=application.score,
        sub_scores=application.sub_scores,
        explanation=application.explanation,
        profile=WorkerProfileOut(**profile.__dict__),
        identity=identity,
        shortlisted_at=application.shortlisted_at,
        interview_proposed_at=application.interview_proposed_at,
        interview_accepted_at=application.interview_accepted_at,
        selected_at=application.selected_at,
        offer_at=application.offer_at,
        accepted_at=application.accepted_at,
        refused_at=application.refused_at,
        deployed_at=application.deployed_at,
        version=application.version,
    )


@router.post(
    "job-orders/{job_order_id}/shortlist",
    response={201: list[ApplicationOut]},
    summary="Keep workers of the shortlist",
)
def job_order_shortlist_keep(request: HttpRequest, job_order_id: RecordId, payload: ShortlistIn) -> Any:
    job_order = selectors.job_order_get_for_user(request.user, job_order_id, request=request)
    kept = services.shortlist_save(
        actor=request.user, job_order=job_order, worker_ids=list(payload.worker_ids)
    )
    return Status(201, [_application_out(request, application) for application in kept])


@router.get(
    "job-orders/{job_order_id}/applications",
    response=list[ApplicationOut],
    summary="Applications of a job order",
)
@paginate(Pagination)
def job_order_applications(request: HttpRequest, job_order_id: RecordId) -> Any:
    job_order = selectors.job_order_get_for_user(request.user, job_order_id, request=request)
    applications = selectors.applications_visible_to(request.user).filter(job_order=job_order)
    return [_application_out(request, application) for application in applications]


@router.get("applications/{application_id}", response=ApplicationOut, summary="One application")
def application_detail(request: HttpRequest, application_id: RecordId) -> ApplicationOut:
    application = selectors.application_get_for_user(request.user, application_id, request=request)
    return _application_out(request, application)


class StepIn(Schema):
    step: Annotated[str, OneOf([*services.STEPS, "refuse"])]
    version: int = Field(..., ge=1)


@router.post("applications/{application_id}/steps", response=ApplicationOut, summary="Move an application on")
@answers(409)
def application_step(request: HttpRequest, application_id: RecordId, payload: StepIn) -> Any:
    application = selectors.application_get_for_user(request.user, application_id, request=request)
    try:
        application = services.application_step(
            actor=request.user, application=application, step=payload.step, expected_version=payload.version
        )
    except StaleEdit as stale:
        return stale_edit_problem(request, stale)
    except PermissionDenied as denied:
        return problem(request, 403, str(denied) or "This step is not yours to take.")
    return _application_out(request, application)


class CheckOut(Schema):
    code: str
    label: str
    status: str = Field(..., description="holds | blocks | waived")
    reason: str
    facts: dict[str, str]
    waived_by: str
    waived_at: datetime.datetime | None
    waiver_reason: str


class GateOut(Schema):
    application_id: int
    on: datetime.date
    passes: bool
    checks: list[CheckOut]


@router.get(
    "applications/{application_id}/gate", response=GateOut, summary="The safeguards gate before deployment"
)
def application_gate(request: HttpRequest, application_id: RecordId, on: IsoDate | None = None) -> GateOut:
    application = selectors.application_get_for_user(request.user, application_id, request=request)
    if not selectors.application_capacities(request.user, application) & selectors.IDENTIFIED_CAPACITIES:
        raise Http404
    result = gate.safeguards_gate(application, on=on)
    return GateOut(
        application_id=application.pk,
        on=result.on,
        passes=result.passes,
        checks=[
            CheckOut(
                code=c.code,
                label=c.label,
                status=c.status,
                reason=c.reason,
                facts=c.facts,
                waived_by=c.waived_by,
                waived_at=c.waived_at,
                waiver_reason=c.waiver_reason,
            )
            for c in result.checks
        ],
    )


class WorkerOut(WorkerProfileOut):
    id: int
    identity: IdentityOut
    consent_processing_at: datetime.datetime | None
    consent_processing_withdrawn_at: datetime.datetime | None
    preferred_destinations: list[str]
    version: int


def _worker_out(worker: Worker) -> WorkerOut:
    profile = selectors.PseudonymisedWorker.of(worker)
    return WorkerOut(
        **profile.__dict__,
        id=worker.pk,
        identity=IdentityOut(
            given_name=worker.given_name,
            family_name=worker.family_name,
            phone=worker.phone,
            email=worker.email,
            date_of_birth=worker.date_of_birth,
            sex=worker.sex,
        ),
        consent_processing_at=worker.consent_processing_at,
        consent_processing_withdrawn_at=worker.consent_processing_withdrawn_at,
        preferred_destinations=worker.preferred_destinations,
        version=worker.version,
    )


@router.get("workers/me", response=WorkerOut, summary="The signed-in worker's own profile")
@answers(404)  # the signed-in user holds no worker profile
def worker_me(request: HttpRequest) -> WorkerOut:
    return _worker_out(selectors.worker_of_user(request.user, request=request))


@router.get("workers/{worker_id}", response=WorkerOut, summary="One worker (public employment service)")
def worker_detail(request: HttpRequest, worker_id: RecordId) -> WorkerOut:
    return _worker_out(selectors.worker_get_for_user(request.user, worker_id, request=request))


class WorkerPatch(Schema):
    version: int = Field(..., ge=1)
    phone: str | None = Field(None, max_length=50)
    email: str | None = Field(None, max_length=254)
    sex: Annotated[str | None, OneOf(Sex)] = None
    languages: list[LanguageLevel] | None = Field(None, max_length=20)
    isced_level: int | None = Field(None, ge=0, le=8)
    skill_uris: list[Uri] | None = Field(None, max_length=200)
    experience_years: float | None = Field(None, ge=0, le=70)
    available_from: IsoDate | None = None
    preferred_destinations: list[Annotated[str, Field(pattern=r"^[A-Za-z]{3}$")]] | None = Field(
        None, max_length=50
    )


@router.patch("workers/me", response=WorkerOut, summary="Change one's own profile")
@answers(404, 409)
def worker_me_patch(request: HttpRequest, payload: WorkerPatch) -> Any:
    worker = selectors.worker_of_user(request.user, request=request)
    changes = payload.dict(exclude_unset=True, exclude={"version"})
    if "languages" in changes:
        changes["languages"] = [dict(item) for item in changes["languages"]]
    try:
        worker = services.worker_update(
            actor=request.user, worker=worker, expected_version=payload.version, **changes
        )
    except StaleEdit as stale:
        return stale_edit_problem(request, stale)
    except DjangoValidationError:
        raise
    return _worker_out(worker)


# --- registering workers and consents -----------------------------------------------------------------

Iso3 = Annotated[str, Field(pattern=r"^[A-Za-z]{3}$")]
Money = Annotated[Decimal, Field(gt=0, lt=Decimal("1e9"), max_digits=12, decimal_places=2)]


class WorkerIn(Schema):
    given_name: str = Field(..., min_length=1, max_length=150)
    family_name: str = Field("", max_length=150)
    phone: str = Field("", max_length=50)
    email: str = Field("", max_length=254)
    identity_document_number: str = Field("", max_length=50)
    date_of_birth: IsoDate
    sex: Annotated[str, OneOf(Sex)] = Sex.NOT_STATED
    country_of_residence: Iso3
    languages: list[LanguageLevel] = Field(default_factory=list, max_length=20)
    isced_level: int | None = Field(None, ge=0, le=8)
    occupation_uris: list[Uri] = Field(default_factory=list, max_length=20)
    skill_uris: list[Uri] = Field(default_factory=list, max_length=200)
    experience_years: float = Field(0, ge=0, le=70)
    available_from: IsoDate | None = None
    preferred_destinations: list[Iso3] = Field(default_factory=list, max_length=50)
    consent_method: Annotated[str, OneOf(ConsentMethod)]


@router.post(
    "workers", response={201: WorkerOut}, summary="Register a job seeker (public employment service)"
)
def worker_register(request: HttpRequest, payload: WorkerIn) -> Any:
    from migdev.accounts.models import Organisation

    organisation_id = getattr(request.user, "organisation_id", None)
    organisation = Organisation.objects.filter(pk=organisation_id).first() if organisation_id else None
    if organisation is None:
        raise Http404
    fields = payload.dict(exclude={"consent_method"})
    fields["languages"] = [dict(item) for item in fields["languages"]]
    worker = services.worker_register(
        actor=request.user, organisation=organisation, consent_method=payload.consent_method, **fields
    )
    selectors.audit_identifying_read(request.user, worker, request=request, purpose="registration")
    return Status(201, _worker_out(worker))


class SchemeConsentIn(Schema):
    method: Annotated[str, OneOf(ConsentMethod)]


@router.post(
    "workers/me/schemes/{scheme_id}/consent",
    response=WorkerOut,
    summary="Agree to be shown to a scheme's employers",
)
def worker_me_scheme_consent(
    request: HttpRequest, scheme_id: RecordId, payload: SchemeConsentIn
) -> WorkerOut:
    worker = selectors.worker_of_user(request.user, request=request)
    scheme = selectors.scheme_get_for_user(request.user, scheme_id, request=request)
    services.scheme_consent_give(actor=request.user, worker=worker, scheme=scheme, method=payload.method)
    return _worker_out(worker)


@router.delete(
    "workers/me/schemes/{scheme_id}/consent", response={204: None}, summary="Withdraw that consent"
)
def worker_me_scheme_consent_withdraw(request: HttpRequest, scheme_id: RecordId) -> Any:
    worker = selectors.worker_of_user(request.user, request=request)
    scheme = selectors.scheme_get_for_user(request.user, scheme_id, request=request)
    services.scheme_consent_withdraw(actor=request.user, worker=worker, scheme=scheme)
    return Status(204, None)


# --- what the gate checks: contract, costs, documents, grievance channel, waivers, deployment -------------


class ContractIn(Schema):
    language: str = Field(..., min_length=2, max_length=3, pattern=r"^[A-Za-z]{2,3}$")
    wage_amount: Money
    wage_currency: str = Field(..., pattern=r"^[A-Za-z]{3}$")
    wage_period: Annotated[str, OneOf(WagePeriod)]
    hours_per_week: Annotated[Decimal, Field(gt=0, le=84, max_digits=4, decimal_places=1)]
    terms: str = Field("", max_length=20_000)
    given_to_worker_on: IsoDate | None = None


class ContractOut(Schema):
    id: int
    revision: int
    language: str
    is_substitution: bool
    given_to_worker_on: datetime.date | None
    signed_on: datetime.date | None
    substitution_agreed_on: datetime.date | None
    version: int


class ContractRecordIn(Schema):
    given_to_worker_on: IsoDate | None = None
    signed_on: IsoDate | None = None
    substitution_agreed_on: IsoDate | None = None


def _contract_out(contract: Any) -> ContractOut:
    return ContractOut(
        id=contract.pk,
        revision=contract.revision,
        language=contract.language,
        is_substitution=contract.is_substitution,
        given_to_worker_on=contract.given_to_worker_on,
        signed_on=contract.signed_on,
        substitution_agreed_on=contract.substitution_agreed_on,
        version=contract.version,
    )


@router.post(
    "applications/{application_id}/contracts", response={201: ContractOut}, summary="Add a contract revision"
)
def contract_add(request: HttpRequest, application_id: RecordId, payload: ContractIn) -> Any:
    application = selectors.application_get_for_user(request.user, application_id, request=request)
    contract = services.contract_add(actor=request.user, application=application, **payload.dict())
    return Status(201, _contract_out(contract))


@router.post(
    "applications/{application_id}/contracts/{revision}",
    response=ContractOut,
    summary="Record delivery, signature or agreement",
)
def contract_record(
    request: HttpRequest,
    application_id: RecordId,
    revision: Annotated[int, Field(ge=1, le=1000)],
    payload: ContractRecordIn,
) -> ContractOut:
    application = selectors.application_get_for_user(request.user, application_id, request=request)
    contract = application.contracts.filter(revision=revision).first()
    if contract is None:
        raise Http404
    return _contract_out(services.contract_record(actor=request.user, contract=contract, **payload.dict()))


class CostLineIn(Schema):
    category: Annotated[str, OneOf(CostLine.Category)]
    amount: Money
    currency: str = Field(..., pattern=r"^[A-Za-z]{3}$")
    paid_by: Annotated[str, OneOf(CostLine.Payer)]
    paid_on: IsoDate | None = None
    description: str = Field("", max_length=200)


class CostLineOut(Schema):
    id: int
    category: str
    amount: str
    currency: str
    paid_by: str
    refunded_amount: str
    refunded_on: datetime.date | None
    version: int


@router.post(
    "applications/{application_id}/costs",
    response={201: CostLineOut},
    summary="Record a recruitment fee or related cost",
)
def cost_line_add(request: HttpRequest, application_id: RecordId, payload: CostLineIn) -> Any:
    application = selectors.application_get_for_user(request.user, application_id, request=request)
    line = services.cost_line_add(actor=request.user, application=application, **payload.dict())
    return Status(
        201,
        CostLineOut(
            id=line.pk,
            category=line.category,
            amount=str(line.amount),
            currency=line.currency,
            paid_by=line.paid_by,
            refunded_amount=str(line.refunded_amount),
            refunded_on=line.refunded_on,
            version=line.version,
        ),
    )


class DocumentIn(Schema):
    document: Annotated[str, OneOf(IdentityDocumentCustody.Document)]
    held_by: Annotated[str, OneOf(IdentityDocumentCustody.Holder)]
    since: IsoDate


@router.post(
    "applications/{application_id}/documents",
    response={204: None},
    summary="Record who holds an identity document",
)
def document_custody(request: HttpRequest, application_id: RecordId, payload: DocumentIn) -> Any:
    application = selectors.application_get_for_user(request.user, application_id, request=request)
    services.document_custody_record(actor=request.user, application=application, **payload.dict())
    return Status(204, None)


class GrievanceIn(Schema):
    channel: str = Field(..., min_length=1, max_length=300)
    given_on: IsoDate


@router.post(
    "applications/{application_id}/grievance-channel",
    response={204: None},
    summary="Record the grievance channel given",
)
def grievance_channel(request: HttpRequest, application_id: RecordId, payload: GrievanceIn) -> Any:
    application = selectors.application_get_for_user(request.user, application_id, request=request)
    services.grievance_channel_give(actor=request.user, application=application, **payload.dict())
    return Status(204, None)


class WaiverIn(Schema):
    check: Annotated[str, OneOf(sorted(gate.WAIVABLE))]
    reason: str = Field(..., min_length=1, max_length=2000)


@router.post(
    "applications/{application_id}/waivers",
    response={204: None},
    summary="Waive a waivable check, with a reason",
)
def gate_waive(request: HttpRequest, application_id: RecordId, payload: WaiverIn) -> Any:
    application = selectors.application_get_for_user(request.user, application_id, request=request)
    try:
        services.gate_waive(
            actor=request.user, application=application, check_code=payload.check, reason=payload.reason
        )
    except PermissionDenied as denied:
        return problem(request, 403, str(denied))
    return Status(204, None)


@router.post(
    "applications/{application_id}/deploy", response=ApplicationOut, summary="Deploy, if the gate lets it"
)
@answers(409)
def application_deploy(request: HttpRequest, application_id: RecordId) -> Any:
    application = selectors.application_get_for_user(request.user, application_id, request=request)
    try:
        application = services.application_deploy(actor=request.user, application=application)
    except services.GateBlocked as blocked:
        return problem(
            request, 409, "Deployment is blocked by the safeguards gate: " + ", ".join(blocked.blocking)
        )
    return _application_out(request, application)


# --- a scheme round: many workers into many job orders -------------------------------------------------


class ProposedOut(Schema):
    job_order_id: int
    worker_id: int
    pseudonym: str
    score: float
    choice: int = Field(..., description="1 = the worker's best-scoring eligible job order")
    reason: str


class RoundOut(Schema):
    scheme_id: int
    method: str
    total_score: float
    placements: list[ProposedOut]
    unplaced: dict[str, int]


class RoundKeepIn(Schema):
    placements: list[tuple[RecordId, RecordId]] = Field(
        ..., min_length=1, max_length=5000, description="[job_order_id, worker_id] pairs from the proposal"
    )


def _round_scheme(request: HttpRequest, scheme_id: int) -> Scheme:
    scheme = selectors.scheme_get_for_user(request.user, scheme_id, request=request)
    if not selectors.scheme_manageable_by(request.user, scheme):
        raise Http404
    return scheme


@router.get("schemes/{scheme_id}/round", response=RoundOut, summary="Proposed placement of a scheme round")
def scheme_round(request: HttpRequest, scheme_id: RecordId) -> RoundOut:
    from migdev.labour.matching import scheme_round as compute

    proposal = compute(_round_scheme(request, scheme_id))
    return RoundOut(
        scheme_id=proposal.scheme_id,
        method=proposal.method,
        total_score=proposal.total_score,
        placements=[ProposedOut(**p.__dict__) for p in proposal.placements],
        unplaced=proposal.unplaced,
    )


@router.post(
    "schemes/{scheme_id}/round", response={201: list[ApplicationOut]}, summary="Keep reviewed placements"
)
def scheme_round_keep(request: HttpRequest, scheme_id: RecordId, payload: RoundKeepIn) -> Any:
    scheme = _round_scheme(request, scheme_id)
    kept = services.round_keep(
        actor=request.user, scheme=scheme, pairs=[(int(p[0]), int(p[1])) for p in payload.placements]
    )
    return Status(201, [_application_out(request, application) for application in kept])


# --- pre-departure orientation ---------------------------------------------------------------------------


class LabourOrientationModuleIn(Schema):
    topic: Annotated[str, OneOf(OrientationTopic)]
    title: str = Field("", max_length=200)
    minutes: int = Field(..., ge=1, le=1440)


class LabourCurriculumIn(Schema):
    title: str = Field(..., min_length=1, max_length=200)
    languages: list[Annotated[str, Field(pattern=r"^[A-Za-z]{2,3}$")]] = Field(
        ..., min_length=1, max_length=20
    )
    modules: list[LabourOrientationModuleIn] = Field(..., min_length=1, max_length=30)


class LabourOrientationModuleOut(Schema):
    id: int
    position: int
    topic: str
    title: str
    minutes: int


class LabourOrientationSessionOut(Schema):
    id: int
    language: str
    starts_at: datetime.datetime
    ends_at: datetime.datetime
    place: str
    online_url: str
    capacity: int
    enrolled: int


class LabourCurriculumOut(Schema):
    id: int
    scheme_id: int
    title: str
    languages: list[str]
    is_sample: bool
    modules: list[LabourOrientationModuleOut]
    sessions: list[LabourOrientationSessionOut]


def _session_out(session: OrientationSession) -> LabourOrientationSessionOut:
    return LabourOrientationSessionOut(
        id=session.pk,
        language=session.language,
        starts_at=session.starts_at,
        ends_at=session.ends_at,
        place=session.place,
        online_url=session.online_url,
        capacity=session.capacity,
        enrolled=session.attendances.count(),
    )


def _curriculum_out(curriculum: OrientationCurriculum) -> LabourCurriculumOut:
    return LabourCurriculumOut(
        id=curriculum.pk,
        scheme_id=curriculum.scheme_id,
        title=curriculum.title,
        languages=list(curriculum.languages),
        is_sample=curriculum.is_sample,
        modules=[
            LabourOrientationModuleOut(
                id=module.pk,
                position=module.position,
                topic=module.topic,
                title=module.title,
                minutes=module.minutes,
            )
            for module in curriculum.modules.all()
        ],
        sessions=[_session_out(session) for session in curriculum.sessions.all()],
    )


@router.get(
    "schemes/{scheme_id}/curricula",
    response=list[LabourCurriculumOut],
    summary="A scheme's orientation courses",
)
def curriculum_list(request: HttpRequest, scheme_id: RecordId) -> Any:
    scheme = selectors.scheme_get_for_user(request.user, scheme_id, request=request)
    return [_curriculum_out(item) for item in OrientationCurriculum.objects.filter(scheme=scheme)]


@router.post(
    "schemes/{scheme_id}/curricula",
    response={201: LabourCurriculumOut},
    summary="Add an orientation course with its modules (scheme officer)",
)
def curriculum_create(request: HttpRequest, scheme_id: RecordId, payload: LabourCurriculumIn) -> Any:
    scheme = selectors.scheme_get_for_user(request.user, scheme_id, request=request)
    curriculum = orientation.curriculum_create(
        actor=request.user,
        scheme=scheme,
        title=payload.title,
        languages=payload.languages,
        modules=[item.dict() for item in payload.modules],
    )
    return Status(201, _curriculum_out(curriculum))


def _curriculum_for(request: HttpRequest, curriculum_id: int) -> OrientationCurriculum:
    curriculum = OrientationCurriculum.objects.filter(pk=curriculum_id).first()
    if curriculum is None:
        raise Http404
    selectors.scheme_get_for_user(request.user, curriculum.scheme_id, request=request)
    return curriculum


class LabourSessionIn(Schema):
    language: str = Field(..., pattern=r"^[A-Za-z]{2,3}$")
    starts_at: datetime.datetime
    ends_at: datetime.datetime
    place: str = Field("", max_length=200)
    online_url: str = Field("", max_length=500, pattern=r"^(https://\S+)?$")
    capacity: int = Field(30, ge=1, le=10_000)


@router.post(
    "curricula/{curriculum_id}/sessions",
    response={201: LabourOrientationSessionOut},
    summary="Schedule a session of a course (scheme officer)",
)
def session_create(request: HttpRequest, curriculum_id: RecordId, payload: LabourSessionIn) -> Any:
    curriculum = _curriculum_for(request, curriculum_id)
    session = orientation.session_create(actor=request.user, curriculum=curriculum, **payload.dict())
    return Status(201, _session_out(session))


class LabourEnrolIn(Schema):
    application_id: RecordId


class LabourAttendanceOut(Schema):
    id: int
    session_id: int
    application_id: int
    module_ids: list[int]
    recorded_at: datetime.datetime | None
    version: int


def _attendance_out(attendance: OrientationAttendance) -> LabourAttendanceOut:
    return LabourAttendanceOut(
        id=attendance.pk,
        session_id=attendance.session_id,
        application_id=attendance.application_id,
        module_ids=sorted(attendance.modules_attended.values_list("pk", flat=True)),
        recorded_at=attendance.recorded_at,
        version=attendance.version,
    )


@router.post(
    "sessions/{session_id}/attendance",
    response={201: LabourAttendanceOut},
    summary="Enrol a selected worker in a session (scheme officer)",
)
def attendance_enrol(request: HttpRequest, session_id: RecordId, payload: LabourEnrolIn) -> Any:
    session = OrientationSession.objects.select_related("curriculum").filter(pk=session_id).first()
    if session is None:
        raise Http404
    application = selectors.application_get_for_user(request.user, payload.application_id, request=request)
    attendance = orientation.attendance_enrol(actor=request.user, session=session, application=application)
    return Status(201, _attendance_out(attendance))


class LabourAttendanceIn(Schema):
    version: int = Field(..., ge=1, description="The version this change starts from (409 if stale).")
    module_ids: list[RecordId] = Field(..., max_length=30)


@router.post(
    "attendance/{attendance_id}", response=LabourAttendanceOut, summary="Record the modules attended"
)
@answers(409)
def attendance_record(request: HttpRequest, attendance_id: RecordId, payload: LabourAttendanceIn) -> Any:
    attendance = OrientationAttendance.objects.select_related("session").filter(pk=attendance_id).first()
    if attendance is None:
        raise Http404
    attendance.application = selectors.application_get_for_user(
        request.user, attendance.application_id, request=request
    )
    try:
        attendance = orientation.attendance_record(
            actor=request.user,
            attendance=attendance,
            module_ids=payload.module_ids,
            expected_version=payload.version,
        )
    except StaleEdit as stale:
        return stale_edit_problem(request, stale)
    return _attendance_out(attendance)


class LabourOrientationOut(Schema):
    complete: bool
    certificate_number: str | None
    certificate_issued_on: datetime.date | None
    courses: list[dict[str, Any]] = Field(
        ..., description="Per course: id, title, attended and missing module ids"
    )


def _orientation_out(application: Application) -> LabourOrientationOut:
    certificate = OrientationCertificate.objects.filter(application=application).first()
    return LabourOrientationOut(
        complete=certificate is not None,
        certificate_number=certificate.number if certificate else None,
        certificate_issued_on=certificate.issued_on if certificate else None,
        courses=[
            {
                "id": item.curriculum.pk,
                "title": item.curriculum.title,
                "attended": sorted(item.attended),
                "missing": [module.pk for module in item.missing],
            }
            for item in orientation.orientation_progress(application)
        ],
    )


@router.get(
    "applications/{application_id}/orientation", response=LabourOrientationOut, summary="Orientation progress"
)
def application_orientation(request: HttpRequest, application_id: RecordId) -> LabourOrientationOut:
    application = selectors.application_get_for_user(request.user, application_id, request=request)
    return _orientation_out(application)


@router.post(
    "applications/{application_id}/orientation/certificate",
    response={201: LabourOrientationOut},
    summary="Issue the orientation certificate (every module attended)",
)
def application_orientation_certificate(request: HttpRequest, application_id: RecordId) -> Any:
    application = selectors.application_get_for_user(request.user, application_id, request=request)
    orientation.certificate_issue(actor=request.user, application=application)
    return Status(201, _orientation_out(application))


# --- passage and check-ins --------------------------------------------------------------------------------


class LabourCheckInOut(Schema):
    id: int
    days_after_arrival: int
    due_on: datetime.date
    done_on: datetime.date | None
    channel: str
    missed_alert: bool
    version: int


class LabourPassageOut(Schema):
    visa_status: str
    work_permit_status: str
    planned_departure_on: datetime.date | None
    departed_on: datetime.date | None
    arrived_on: datetime.date | None
    contract_end_on: datetime.date | None
    returned_on: datetime.date | None
    check_ins: list[LabourCheckInOut]
    version: int


def _passage_out(application: Application) -> LabourPassageOut:
    record = passage.passage_read(application)
    return LabourPassageOut(
        visa_status=record.visa_status,
        work_permit_status=record.work_permit_status,
        planned_departure_on=record.planned_departure_on,
        departed_on=record.departed_on,
        arrived_on=record.arrived_on,
        contract_end_on=record.contract_end_on,
        returned_on=record.returned_on,
        check_ins=[
            LabourCheckInOut(
                id=item.pk,
                days_after_arrival=item.days_after_arrival,
                due_on=item.due_on,
                done_on=item.done_on,
                channel=item.channel,
                missed_alert=CheckInAlert.objects.filter(check_in=item).exists(),
                version=item.version,
            )
            for item in application.check_ins.order_by("due_on")
        ],
        version=record.version,
    )


@router.get(
    "applications/{application_id}/passage", response=LabourPassageOut, summary="The worker's passage"
)
def application_passage(request: HttpRequest, application_id: RecordId) -> LabourPassageOut:
    application = selectors.application_get_for_user(request.user, application_id, request=request)
    return _passage_out(application)


class LabourPassagePatch(Schema):
    version: int = Field(..., ge=1, description="The version this change starts from (409 if stale).")
    visa_status: Annotated[str | None, OneOf(PermitStatus)] = None
    work_permit_status: Annotated[str | None, OneOf(PermitStatus)] = None
    planned_departure_on: IsoDate | None = None
    contract_end_on: IsoDate | None = None
    returned_on: IsoDate | None = None


@router.patch(
    "applications/{application_id}/passage", response=LabourPassageOut, summary="Change the passage"
)
@answers(409)
def application_passage_patch(
    request: HttpRequest, application_id: RecordId, payload: LabourPassagePatch
) -> Any:
    application = selectors.application_get_for_user(request.user, application_id, request=request)
    changes = payload.dict(exclude_unset=True, exclude={"version"})
    for name in ("visa_status", "work_permit_status"):
        if name in changes and changes[name] is None:
            del changes[name]
    try:
        passage.passage_update(
            actor=request.user, application=application, expected_version=payload.version, **changes
        )
    except StaleEdit as stale:
        return stale_edit_problem(request, stale)
    return _passage_out(application)


class LabourArrivalIn(Schema):
    arrived_on: IsoDate


@router.post(
    "applications/{application_id}/passage/arrival",
    response=LabourPassageOut,
    summary="Confirm arrival and schedule check-ins after 7, 30 and 90 days",
)
def application_arrival(request: HttpRequest, application_id: RecordId, payload: LabourArrivalIn) -> Any:
    application = selectors.application_get_for_user(request.user, application_id, request=request)
    passage.record_arrival(actor=request.user, application=application, arrived_on=payload.arrived_on)
    return _passage_out(application)


class LabourCheckInIn(Schema):
    version: int = Field(..., ge=1, description="The version this change starts from (409 if stale).")
    done_on: IsoDate
    channel: Annotated[str, OneOf(CheckIn.Channel)]
    note: str = Field("", max_length=5000)


@router.post(
    "applications/{application_id}/check-ins/{check_in_id}",
    response=LabourPassageOut,
    summary="Record a check-in as done",
)
@answers(409)
def check_in_record(
    request: HttpRequest, application_id: RecordId, check_in_id: RecordId, payload: LabourCheckInIn
) -> Any:
    application = selectors.application_get_for_user(request.user, application_id, request=request)
    check_in = application.check_ins.filter(pk=check_in_id).first()
    if check_in is None:
        raise Http404
    try:
        passage.check_in_record(
            actor=request.user,
            check_in=check_in,
            done_on=payload.done_on,
            channel=payload.channel,
            note=payload.note,
            expected_version=payload.version,
        )
    except StaleEdit as stale:
        return stale_edit_problem(request, stale)
    return _passage_out(application)


class LabourCheckInAlertOut(Schema):
    id: int
    application_id: int
    pseudonym: str
    scheme_id: int
    days_after_arrival: int
    due_on: datetime.date
    done_on: datetime.date | None
    raised_at: datetime.datetime
    acknowledged_at: datetime.datetime | None


def _alert_out(alert: CheckInAlert) -> LabourCheckInAlertOut:
    check_in = alert.check_in
    return LabourCheckInAlertOut(
        id=alert.pk,
        application_id=check_in.application_id,
        pseudonym=check_in.application.worker.pseudonym,
        scheme_id=check_in.application.job_order.scheme_id,
        days_after_arrival=check_in.days_after_arrival,
        due_on=check_in.due_on,
        done_on=check_in.done_on,
        raised_at=alert.raised_at,
        acknowledged_at=alert.acknowledged_at,
    )


@router.get(
    "check-in-alerts",
    response=list[LabourCheckInAlertOut],
    summary="Missed check-ins of the caller's schemes",
)
@paginate(Pagination)
def check_in_alerts(request: HttpRequest, open_only: bool = False) -> Any:
    alerts = passage.alerts_visible_to(request.user)
    if open_only:
        alerts = alerts.filter(acknowledged_at__isnull=True)
    return [_alert_out(alert) for alert in alerts]


@router.post(
    "check-in-alerts/{alert_id}/acknowledge", response=LabourCheckInAlertOut, summary="Acknowledge an alert"
)
def check_in_alert_acknowledge(request: HttpRequest, alert_id: RecordId) -> Any:
    alert = passage.alerts_visible_to(request.user).filter(pk=alert_id).first()
    if alert is None:
        raise Http404
    return _alert_out(passage.alert_acknowledge(actor=request.user, alert=alert))


# --- imported job titles to confirm ---------------------------------------------------------------------


class LabourTitleCandidateOut(Schema):
    uri: str
    label: str
    isco_code: str
    score: float


class LabourTitleMappingOut(Schema):
    id: int
    kind: str
    source_file: str
    row: int
    title: str
    destination_country: str
    status: str
    confidence: float | None
    occupation_uri: str
    candidates: list[LabourTitleCandidateOut]
    job_order_id: int | None = None
    version: int


def _mapping_out(mapping: TitleMapping) -> LabourTitleMappingOut:
    return LabourTitleMappingOut(
        id=mapping.pk,
        kind=mapping.kind,
        source_file=mapping.source_file,
        row=mapping.row,
        title=mapping.title,
        destination_country=mapping.destination_country_id,
        status=mapping.status,
        confidence=mapping.confidence,
        occupation_uri=mapping.occupation_uri,
        candidates=[LabourTitleCandidateOut(**item) for item in mapping.candidates],
        job_order_id=mapping.job_order_id,
        version=mapping.version,
    )


@router.get(
    "title-mappings", response=list[LabourTitleMappingOut], summary="Imported job titles waiting for a person"
)
@paginate(Pagination)
def title_mapping_list(request: HttpRequest) -> Any:
    return [_mapping_out(item) for item in title_import.mappings_to_confirm(request.user)]


class LabourTitleConfirmIn(Schema):
    version: int = Field(..., ge=1, description="The version this change starts from (409 if stale).")
    occupation_uri: Uri


@router.post(
    "title-mappings/{mapping_id}/confirm",
    response=LabourTitleMappingOut,
    summary="Pick the ESCO occupation of an ambiguous or unmatched job title",
)
@answers(409)
def title_mapping_confirm(request: HttpRequest, mapping_id: RecordId, payload: LabourTitleConfirmIn) -> Any:
    mapping = title_import.mappings_to_confirm(request.user).filter(pk=mapping_id).first()
    if mapping is None:
        raise Http404
    try:
        mapping = title_import.mapping_confirm(
            actor=request.user,
            mapping=mapping,
            occupation_uri=payload.occupation_uri,
            expected_version=payload.version,
        )
    except StaleEdit as stale:
        return stale_edit_problem(request, stale)
    return _mapping_out(mapping)


# --- complaints (endpoints in api_complaints.py) -------------------------------------------------------
from migdev.labour.api_complaints import router as complaints_router  # noqa: E402

router.add_router("", complaints_router)
