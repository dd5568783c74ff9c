"""Reads of the labour module, all through the access layer.

Each record type has its *reach paths*: the permissions that reach it and the field each permission's
scope applies to. Scheme officers reach job orders through the scheme's managing organisation, employers
through their own organisation, recruiters through the job orders assigned to their agency, public
employment service (PES) officers through the workers their service registered, workers through their
own account. ``<thing>s_visible_to`` is the union of the paths, each built on ``scoped_queryset``;
``<thing>_get_for_user`` answers 404 for a record outside every path, as for a missing one.

Employers see a worker only through ``PseudonymisedWorker`` (pseudonym, skills, experience, languages,
education) until the worker accepts an interview; every read of a worker's identifying data is audited.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, NoReturn

from django.db.models import Model, Q, QuerySet
from django.http import Http404, HttpRequest

from migdev.accounts import access
from migdev.accounts.access import UserLike
from migdev.audit.models import AuditAction
from migdev.audit.services import audit_log
from migdev.labour.models import Application, JobOrder, Scheme, Worker


@dataclass(frozen=True)
class Path:
    perm: str
    capacity: str  # officer | pes | employer | recruiter | worker
    owner_field: str | None = None
    organisation_field: str | None = None


SCHEME_PATHS = (Path("labour.view_scheme", "any", organisation_field="organisation"),)
JOB_ORDER_PATHS = (
    Path("labour.view_joborder", "officer", organisation_field="scheme__organisation"),
    Path("labour.view_own_joborder", "employer", organisation_field="employer__organisation"),
    Path("labour.view_assigned_joborder", "recruiter", organisation_field="recruiter__organisation"),
)
APPLICATION_PATHS = (
    Path("labour.view_application", "officer", organisation_field="job_order__scheme__organisation"),
    Path("labour.view_own_joborder", "employer", organisation_field="job_order__employer__organisation"),
    Path(
        "labour.view_assigned_joborder", "recruiter", organisation_field="job_order__recruiter__organisation"
    ),
    Path("labour.view_worker", "pes", organisation_field="worker__organisation"),
    Path("labour.view_own_worker", "worker", owner_field="worker__user"),
)
WORKER_PATHS = (
    Path("labour.view_worker", "pes", organisation_field="organisation"),
    Path("labour.view_own_worker", "worker", owner_field="user"),
)

# Capacities that see who a worker is. An employer sees it only once the worker accepted an interview.
IDENTIFIED_CAPACITIES = frozenset({"officer", "recruiter", "pes", "worker"})


def _condition(user: UserLike | None, path: Path) -> Q | None | bool:
    """The path's filter: ``False`` when the user lacks its permission, ``None`` when it reaches all."""
    scope = access.scope_for(user, path.perm)
    if scope is None:
        return False
    active = user if getattr(user, "is_authenticated", False) else None
    if active is None:
        return False
    return access.scope_filter(
        active,  # type: ignore[arg-type]
        scope,
        owner_field=path.owner_field,
        group_field=None,
        organisation_field=path.organisation_field,
    )


def _visible(user: UserLike | None, queryset: QuerySet[Any], paths: tuple[Path, ...]) -> QuerySet[Any]:
    combined = Q(pk__in=[])
    for path in paths:
        # Each path is exactly ``scoped_queryset(user, path.perm, ...)``; united in one query.
        condition = _condition(user, path)
        if condition is False:
            continue
        if condition is None:
            return queryset
        combined |= condition  # type: ignore[operator]
    return queryset.filter(combined).distinct()


def capacities(user: UserLike | None, record: Model, paths: tuple[Path, ...]) -> frozenset[str]:
    """In which capacities ``user`` reaches ``record`` (empty: not at all)."""
    found = set()
    queryset = type(record)._default_manager.filter(pk=record.pk)
    for path in paths:
        condition = _condition(user, path)
        if condition is False:
            continue
        if condition is None or queryset.filter(condition).exists():
            found.add(path.capacity)
    return frozenset(found)


def _related_id(record: Model, field_path: str) -> Any:
    """The id the lookup ``field_path`` (``scheme__organisation``) compares on ``record``, following the
    relations loaded with it; ``None`` where a relation on the way is empty."""
    *relations, last = field_path.split("__")
    current: Any = record
    for name in relations:
        current = getattr(current, name)
        if current is None:
            return None
    return getattr(current, f"{last}_id")


def capacities_of_loaded(user: UserLike | None, record: Model, paths: tuple[Path, ...]) -> frozenset[str]:
    """``capacities`` decided on ``record`` as loaded, with ``access.reaches`` (the rule of ``scoped_queryset``)
    instead of a query per path: for a record just read with its relations (``job_order_get_for_user``).
    tests/labour/test_job_order_capacities.py checks both agree."""
    found = set()
    for path in paths:
        if access.reaches(
            user,
            path.perm,
            owner_id=_related_id(record, path.owner_field) if path.owner_field else None,
            organisation_id=_related_id(record, path.organisation_field) if path.organisation_field else None,
        ):
            found.add(path.capacity)
    return frozenset(found)


def _get(
    user: UserLike | None,
    queryset: QuerySet[Any],
    paths: tuple[Path, ...],
    pk: object,
    request: HttpRequest | None,
) -> Any:
    try:
        return _visible(user, queryset, paths).get(pk=pk)
    except (queryset.model.DoesNotExist, ValueError, TypeError):
        _denied(user, queryset.model, pk, request)


def _denied(user: UserLike | None, model: type[Model], pk: object, request: HttpRequest | None) -> NoReturn:
    audit_log(
        action=AuditAction.PERMISSION_DENIED,
        request=request,
        actor=user if getattr(user, "is_authenticated", False) else None,  # type: ignore[arg-type]
        record_type=model._meta.label_lower,
        record_id=str(pk)[:64],
        detail={"reason": "not_in_scope"},
    )
    raise Http404 from None


# --- schemes -----------------------------------------------------------------------------------------


def schemes_visible_to(user: UserLike | None) -> QuerySet[Scheme]:
    return _visible(user, Scheme.objects.select_related("destination_country"), SCHEME_PATHS)


def scheme_get_for_user(user: UserLike | None, pk: object, *, request: HttpRequest | None = None) -> Scheme:
    return _get(user, Scheme.objects.select_related("destination_country"), SCHEME_PATHS, pk, request)


def scheme_manageable_by(user: UserLike | None, scheme: Scheme) -> bool:
    return access.reaches(user, "labour.change_scheme", organisation_id=scheme.organisation_id)


# --- job orders --------------------------------------------------------------------------------------


def job_orders_visible_to(user: UserLike | None) -> QuerySet[JobOrder]:
    queryset = JobOrder.objects.select_related("scheme", "employer__organisation", "recruiter__organisation")
    return _visible(user, queryset, JOB_ORDER_PATHS)


def job_order_get_for_user(
    user: UserLike | None, pk: object, *, request: HttpRequest | None = None
) -> JobOrder:
    """The job order ``pk`` if the user reaches it in some capacity, else 404 (audited): one query by primary
    key, the scope decided on the loaded row with ``capacities_of_loaded`` (the rule of ``_visible``'s
    query; tests/labour/test_job_order_capacities.py checks both agree)."""
    queryset = JobOrder.objects.select_related("scheme", "employer__organisation", "recruiter__organisation")
    try:
        key = int(str(pk))
    except ValueError:
        key = 0
    found = queryset.filter(pk=key).first() if 0 < key < 2**63 else None
    if found is None or not capacities_of_loaded(user, found, JOB_ORDER_PATHS):
        _denied(user, JobOrder, pk, request)
    return found


def job_orders_officer_changes(user: UserLike | None) -> QuerySet[JobOrder]:
    """Job orders of the schemes the user runs as scheme officer, which they may change."""
    condition = _condition(
        user, Path("labour.change_joborder", "officer", organisation_field="scheme__organisation")
    )
    if condition is False:
        return JobOrder.objects.none()
    return JobOrder.objects.all() if condition is None else JobOrder.objects.filter(condition)


def job_order_capacities(user: UserLike | None, job_order: JobOrder) -> frozenset[str]:
    """In which capacities the user reaches a job order read by ``job_order_get_for_user`` (its scheme,
    employer and recruiter loaded with it)."""
    return capacities_of_loaded(user, job_order, JOB_ORDER_PATHS)


# --- workers -----------------------------------------------------------------------------------------

IDENTIFYING_FIELDS = (
    "given_name",
    "family_name",
    "phone",
    "email",
    "identity_document_number",
    "notes",
    "date_of_birth",
    "sex",
)


def workers_visible_to(user: UserLike | None) -> QuerySet[Worker]:
    return _visible(user, Worker.objects.select_related("country_of_residence"), WORKER_PATHS)


def worker_get_for_user(
    user: UserLike | None, pk: object, *, request: HttpRequest | None = None, purpose: str = "profile"
) -> Worker:
    """The worker with their identifying data; the read is audited (who, which worker, why)."""
    worker = _get(user, Worker.objects.select_related("country_of_residence"), WORKER_PATHS, pk, request)
    audit_identifying_read(user, worker, request=request, purpose=purpose)
    return worker


def worker_of_user(user: UserLike | None, *, request: HttpRequest | None = None) -> Worker:
    """The signed-in worker's own profile (404 for anyone without one)."""
    if not access.has_permission(user, "labour.view_own_worker"):
        raise Http404
    worker = Worker.objects.filter(user=user).select_related("country_of_residence").first()  # type: ignore[misc]
    if worker is None:
        raise Http404
    audit_identifying_read(user, worker, request=request, purpose="own_profile")
    return worker


def audit_identifying_read(
    user: UserLike | None, worker: Worker, *, request: HttpRequest | None, purpose: str
) -> None:
    audit_log(
        action=AuditAction.READ,
        request=request,
        actor=user if getattr(user, "is_authenticated", False) else None,  # type: ignore[arg-type]
        record=worker,
        detail={"fields": list(IDENTIFYING_FIELDS), "purpose": purpose},
    )


@dataclass(frozen=True)
class PseudonymisedWorker:
    """What an employer may see before the worker accepts an interview: nothing that names, reaches or
    singles out the person (no name, contact, photo, exact age, sex, document number or free text)."""

    pseudonym: str
    country_of_residence: str
    languages: list[dict[str, Any]]
    isced_level: int | None
    occupation_uris: list[str]
    skill_uris: list[str]
    experience_years: float
    available_from: date | None

    @classmethod
    def of(cls, worker: Worker) -> PseudonymisedWorker:
        return cls(
            pseudonym=worker.pseudonym,
            country_of_residence=worker.country_of_residence_id,
            languages=list(worker.languages),
            isced_level=worker.isced_level,
            occupation_uris=list(worker.occupation_uris),
            skill_uris=list(worker.skill_uris),
            experience_years=float(worker.experience_years),
            available_from=worker.available_from,
        )


# --- applications ------------------------------------------------------------------------------------


def applications_visible_to(user: UserLike | None) -> QuerySet[Application]:
    queryset = Application.objects.select_related("job_order__scheme", "job_order__employer", "worker")
    return _visible(user, queryset, APPLICATION_PATHS)


def applications_officer_reaches(user: UserLike | None) -> QuerySet[Application]:
    """Applications of the schemes the user runs as scheme officer (the officer path only)."""
    return _visible(user, Application.objects.all(), APPLICATION_PATHS[:1])


def application_get_for_user(
    user: UserLike | None, pk: object, *, request: HttpRequest | None = None
) -> Application:
    queryset = Application.objects.select_related(
        "job_order__scheme",
        "job_order__employer__organisation",
        "job_order__recruiter__organisation",
        "worker__country_of_residence",
    )
    return _get(user, queryset, APPLICATION_PATHS, pk, request)


def application_capacities(user: UserLike | None, application: Application) -> frozenset[str]:
    return capacities(user, application, APPLICATION_PATHS)


def may_identify(user: UserLike | None, application: Application) -> bool:
    """Whether ``user`` may see who the worker of ``application`` is."""
    held = application_capacities(user, application)
    if held & IDENTIFIED_CAPACITIES:
        return True
    return "employer" in held and application.identity_released


@dataclass(frozen=True)
class ApplicantView:
    """An application as its viewer may see it: ``worker`` is the full record only when identified
    (and the read audited); otherwise ``profile`` is all there is."""

    application: Application
    profile: PseudonymisedWorker
    identified: bool
    worker: Worker | None


def applicant_view(
    user: UserLike | None, application: Application, *, request: HttpRequest | None = None
) -> ApplicantView:
    identified = may_identify(user, application)
    if identified:
        audit_identifying_read(user, application.worker, request=request, purpose="application")
    return ApplicantView(
        application,
        PseudonymisedWorker.of(application.worker),
        identified,
        application.worker if identified else None,
    )


def worker_of_user_or_none(user: UserLike | None) -> Worker | None:
    """The signed-in user's own worker record, without reading (or auditing) identity."""
    if not access.has_permission(user, "labour.view_own_worker"):
        return None
    return Worker.objects.filter(user=user).only("pk").first()  # type: ignore[misc]
