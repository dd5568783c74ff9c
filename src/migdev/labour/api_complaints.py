"""Complaints (grievances) under /api/v1/labour/: logged for an application and followed to an outcome.

Who reaches a complaint: the scheme officers of the job order's scheme, and the worker who raised it (their
own). Anyone else gets 404, as for a missing complaint. A complaint's summary is free text about a person,
so every answer that carries it writes an audit ``read`` row. Logging one follows the application's rules
(officer, recruiter, PES officer or the worker); recording the outcome is for the scheme's officers, with
the version the change starts from (409 when stale).
"""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from django.utils import timezone
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from migdev.accounts.access import UserLike
from migdev.audit.models import AuditAction
from migdev.audit.services import audit_log
from migdev.core.api_base import AUTH, Pagination, problem, stale_edit_problem
from migdev.core.api_params import IsoDate, RecordId, answers
from migdev.core.versioning import StaleEdit
from migdev.labour import selectors, services
from migdev.labour.models import Complaint
from migdev.labour.selectors import Path

router = Router(tags=["labour"], auth=AUTH)

COMPLAINT_PATHS = (
    Path(
        "labour.view_application",
        "officer",
        organisation_field="application__job_order__scheme__organisation",
    ),
    Path("labour.view_own_worker", "worker", owner_field="application__worker__user"),
)


def complaints_visible_to(user: UserLike | None) -> QuerySet[Complaint]:
    return selectors._visible(user, Complaint.objects.select_related("application"), COMPLAINT_PATHS)


def complaint_get_for_user(user: UserLike | None, pk: object, *, request: HttpRequest | None) -> Complaint:
    return selectors._get(user, Complaint.objects.select_related("application"), COMPLAINT_PATHS, pk, request)


class LabourComplaintOut(Schema):
    id: int
    application_id: int
    received_on: datetime.date
    summary: str
    outcome: str
    outcome_on: datetime.date | None
    version: int


def _out(request: HttpRequest, complaint: Complaint) -> LabourComplaintOut:
    audit_log(
        action=AuditAction.READ,
        request=request,
        actor=request.user if request.user.is_authenticated else None,
        record=complaint,
        detail={"fields": ["summary"], "purpose": "complaint", "worker": complaint.application.worker_id},
    )
    return LabourComplaintOut(
        id=complaint.pk,
        application_id=complaint.application_id,
        received_on=complaint.received_on,
        summary=complaint.summary,
        outcome=complaint.outcome,
        outcome_on=complaint.outcome_on,
        version=complaint.version,
    )


@router.get("complaints", response=list[LabourComplaintOut], summary="Complaints the caller can see")
@paginate(Pagination)
def complaint_list(request: HttpRequest) -> Any:
    # Paginated first, so only the complaints answered are read (and audited).
    return _AuditedPage(request, complaints_visible_to(request.user).order_by("-received_on", "-pk"))


class _AuditedPage:
    """A lazy list for the paginator: only the slice it answers is turned into audited output."""

    def __init__(self, request: HttpRequest, queryset: QuerySet[Complaint]) -> None:
        self.request, self.queryset = request, queryset

    def __len__(self) -> int:
        return self.queryset.count()

    def count(self) -> int:
        return self.queryset.count()

    def __getitem__(self, index: Any) -> Any:
        if isinstance(index, slice):
            return [_out(self.request, complaint) for complaint in self.queryset[index]]
        return _out(self.request, self.queryset[index])


@router.get("complaints/{complaint_id}", response=LabourComplaintOut, summary="One complaint")
def complaint_detail(request: HttpRequest, complaint_id: RecordId) -> LabourComplaintOut:
    return _out(request, complaint_get_for_user(request.user, complaint_id, request=request))


class LabourComplaintIn(Schema):
    received_on: IsoDate
    summary: str = Field(..., min_length=1, max_length=5000)


@router.post(
    "applications/{application_id}/complaints",
    response={201: LabourComplaintOut},
    summary="Log a complaint for an application",
)
def complaint_create(request: HttpRequest, application_id: RecordId, payload: LabourComplaintIn) -> Any:
    application = selectors.application_get_for_user(request.user, application_id, request=request)
    if payload.received_on > timezone.localdate():
        return problem(request, 422, "The complaint cannot be received in the future.")
    try:
        complaint = services.complaint_log(
            actor=request.user,
            application=application,
            received_on=payload.received_on,
            summary=payload.summary,
        )
    except DjangoValidationError as error:
        return problem(request, 422, " ".join(error.messages))
    return Status(201, _out(request, complaint))


class LabourComplaintPatch(Schema):
    version: int = Field(..., ge=1, description="The version this change starts from (409 if stale).")
    outcome: str = Field(..., pattern=r"^(resolved|referred|dismissed)$")
    outcome_on: IsoDate


@router.patch(
    "complaints/{complaint_id}", response=LabourComplaintOut, summary="Record a complaint's outcome"
)
@answers(409)
def complaint_update(request: HttpRequest, complaint_id: RecordId, payload: LabourComplaintPatch) -> Any:
    complaint = complaint_get_for_user(request.user, complaint_id, request=request)
    if "officer" not in selectors.capacities(request.user, complaint, COMPLAINT_PATHS):
        raise Http404
    if payload.outcome_on < complaint.received_on or payload.outcome_on > timezone.localdate():
        return problem(request, 422, "The outcome date is between the day received and today.")
    try:
        complaint = services.complaint_close(
            actor=request.user,
            complaint=complaint,
            outcome=payload.outcome,
            outcome_on=payload.outcome_on,
            expected_version=payload.version,
        )
    except StaleEdit as stale:
        return stale_edit_problem(request, stale)
    except DjangoValidationError as error:
        return problem(request, 422, " ".join(error.messages))
    return _out(request, complaint)
