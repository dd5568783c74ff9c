"""Who reaches which diaspora record: one function per record type, each built on ``scoped_queryset``.

Roles (granted in migration 0001):

* programme officer: experts, requests, invitations and assignments of their programme (a user group);
* government diaspora office: the requests of its country (organisation scope through ``DiasporaOffice``);
* host institution: its own institution's requests, their invitations and assignments;
* expert: their own profile, invitations and assignments;
* public: opted-in roster entries and aggregates only (see ``selectors.public_roster``).

Views, the API and exports call only these. A record outside the caller's scope is a 404.
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404, HttpRequest

from migdev.accounts.access import UserLike, get_for_user, has_permission, reaches, scoped_queryset
from migdev.audit.models import AuditAction
from migdev.audit.services import audit_log
from migdev.diaspora.models import Assignment, Expert, Invitation, Request

VIEW_EXPERT = "diaspora.view_expert"
CHANGE_EXPERT = "diaspora.change_expert"
VIEW_REQUEST = "diaspora.view_request"
VIEW_HOST_REQUEST = "diaspora.view_host_request"
VIEW_COUNTRY_REQUEST = "diaspora.view_country_request"
APPROVE_REQUEST = "diaspora.approve_request"
ADD_REQUEST = "diaspora.add_request"
CHANGE_REQUEST = "diaspora.change_request"
ADD_INVITATION = "diaspora.add_invitation"
VIEW_INVITATION = "diaspora.view_invitation"
ADD_AGREEMENT = "diaspora.add_agreement"
VIEW_ASSIGNMENT = "diaspora.view_assignment"
CHANGE_ASSIGNMENT = "diaspora.change_assignment"
CHANGE_PRIORITY = "diaspora.change_prioritysector"
DELETE_OWN_EXPERT = "diaspora.delete_own_expert"
VIEW_REPORTS = "diaspora.view_assignment"


def experts_visible_to(user: UserLike | None) -> QuerySet[Expert]:
    """Experts whose full profile (identifying data included) the user may read: their own, or their
    programme's for a programme officer. Deleted accounts are never returned."""
    experts = Expert.objects.filter(status=Expert.Status.ACTIVE)
    return scoped_queryset(
        user, VIEW_EXPERT, experts, owner_field="user", group_field="group", organisation_field=None
    )


def expert_get_for_user(
    user: UserLike | None, pk: object, *, request: HttpRequest | None = None, perm: str = VIEW_EXPERT
) -> Expert:
    """One expert's full profile; the read is audited (it shows identifying data)."""
    return get_for_user(
        user,
        perm,
        Expert.objects.filter(status=Expert.Status.ACTIVE),
        pk,
        request=request,
        owner_field="user",
        group_field="group",
        organisation_field=None,
        audit_read=True,
    )


def own_expert(user: UserLike | None) -> Expert | None:
    """The expert profile of the signed-in user, if they hold the expert role and have one."""
    if not has_permission(user, VIEW_EXPERT):
        return None
    user_pk = getattr(user, "pk", None)
    return experts_visible_to(user).filter(user_id=user_pk).first() if user_pk is not None else None


def requests_visible_to(user: UserLike | None) -> QuerySet[Request]:
    """Requests of the officer's programme, the host's institution (the request's host, whoever created the
    row), or the office's country."""
    rows = Request.objects.all()
    by_programme = scoped_queryset(
        user, VIEW_REQUEST, rows, owner_field="created_by", group_field="group", organisation_field=None
    )
    # A host institution reaches its institution's requests (the request's host), never a row only because
    # the user created it: whoever wrote a row is no scope of its own (issue 12: "own requests" = the
    # institution's).
    by_host = scoped_queryset(
        user,
        VIEW_HOST_REQUEST,
        rows,
        owner_field=None,
        group_field=None,
        organisation_field="host__organisation",
    )
    by_country = scoped_queryset(
        user,
        VIEW_COUNTRY_REQUEST,
        rows,
        owner_field=None,
        group_field=None,
        organisation_field="country_office__organisation",
    )
    return (by_programme | by_host | by_country).distinct()


def request_reached_by(user: UserLike | None, row: Request) -> bool:
    """Whether ``requests_visible_to(user)`` holds ``row``: the same three scopes, decided on the loaded row
    (its host and country office loaded with it) with ``reaches``, the rule of ``scoped_queryset``, instead
    of a query that joins and unites them. tests/diaspora/test_access.py checks both agree."""
    group_ids = {row.group_id} if row.group_id is not None else set()
    office = row.country_office
    return (
        reaches(user, VIEW_REQUEST, owner_id=row.created_by_id, group_ids=group_ids)
        or reaches(user, VIEW_HOST_REQUEST, organisation_id=row.host.organisation_id)
        or reaches(
            user, VIEW_COUNTRY_REQUEST, organisation_id=office.organisation_id if office is not None else None
        )
    )


def request_get_for_user(user: UserLike | None, pk: object, *, request: HttpRequest | None = None) -> Request:
    """The request ``pk`` if the user reaches it (``requests_visible_to``), else 404 (audited): one query by
    primary key, the scope decided on the row."""
    found = Request.objects.select_related("host__organisation", "country_office").filter(pk=_pk(pk)).first()
    if found is None or not request_reached_by(user, found):
        _denied(user, request, "diaspora.request", pk)
        raise Http404
    return found


def invitations_visible_to(user: UserLike | None) -> QuerySet[Invitation]:
    """The expert's own invitations, those of the officer's programme and of the host's institution (a
    government office sees aggregates, never invitations)."""
    return scoped_queryset(
        user,
        VIEW_INVITATION,
        Invitation.objects.all(),
        owner_field="expert__user",
        group_field="request__group",
        organisation_field="request__host__organisation",
    )


def invitation_get_for_user(
    user: UserLike | None, pk: object, *, request: HttpRequest | None = None
) -> Invitation:
    found = (
        invitations_visible_to(user)
        .select_related("request__host__organisation", "expert")
        .filter(pk=_pk(pk))
        .first()
    )
    if found is None:
        _denied(user, request, "diaspora.invitation", pk)
        raise Http404
    return found


def assignments_visible_to(user: UserLike | None) -> QuerySet[Assignment]:
    return scoped_queryset(
        user,
        VIEW_ASSIGNMENT,
        Assignment.objects.all(),
        owner_field="agreement__invitation__expert__user",
        group_field="agreement__invitation__request__group",
        organisation_field="agreement__invitation__request__host__organisation",
    )


def assignment_get_for_user(
    user: UserLike | None, pk: object, *, request: HttpRequest | None = None
) -> Assignment:
    found = (
        assignments_visible_to(user)
        .select_related("agreement__invitation__request__host__organisation", "agreement__invitation__expert")
        .filter(pk=_pk(pk))
        .first()
    )
    if found is None:
        _denied(user, request, "diaspora.assignment", pk)
        raise Http404
    return found


def viewer_is_expert_of(user: UserLike | None, invitation: Invitation) -> bool:
    return user is not None and getattr(user, "pk", None) is not None and invitation.expert.user_id == user.pk


def viewer_is_host_of(user: UserLike | None, request_row: Request) -> bool:
    organisation_id = getattr(user, "organisation_id", None)
    return (
        has_permission(user, VIEW_HOST_REQUEST)
        and organisation_id is not None
        and request_row.host.organisation_id == organisation_id
    )


def _pk(pk: object) -> int:
    try:
        value = int(str(pk))
    except (TypeError, ValueError):
        return -1
    return value if 0 < value < 2**63 else -1


def _denied(user: UserLike | None, request: HttpRequest | None, record_type: str, pk: object) -> None:
    actor = user if user is not None and getattr(user, "is_authenticated", False) else None
    audit_log(
        action=AuditAction.PERMISSION_DENIED,
        request=request,
        actor=actor,  # type: ignore[arg-type]
        record_type=record_type,
        record_id=str(pk)[:64],
        detail={"reason": "not_in_scope"},
    )


def viewer_runs_programme_of(user: UserLike | None, assignment: Assignment) -> bool:
    """A programme officer of the assignment's programme (not its host, not the expert)."""
    request_row = assignment.agreement.invitation.request
    return (
        request_row.group_id is not None
        and reaches(user, CHANGE_ASSIGNMENT, group_ids={request_row.group_id})
        and not viewer_is_host_of(user, request_row)
    )


def reintegration_visible(user: UserLike | None, assignment: Assignment) -> bool:
    """A reintegration plan (housing, family, support received) is between the returnee and the programme:
    the expert and the programme's officers see it; the host institution does not."""
    return viewer_is_expert_of(user, assignment.agreement.invitation) or viewer_runs_programme_of(
        user, assignment
    )
