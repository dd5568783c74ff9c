"""Who may see and change law records: the one place each law record type's access is decided.

Instruments, party lists, statements, provisions and trainings are public reference data; only editors (the
coordination editor permission, held at ``all`` scope) change them through the edit forms. A request for
technical assistance on legislation is an activity of the registry, so it is seen by exactly the people who
may see that activity (``coordination.access.activities_visible_to``): an unpublished one only by editors.
Anything outside a caller's view answers 404.

The participants of a training named with their consent (``TrainingParticipant``) are personal data. Their
identifying fields and their own test scores are read through ``participants_read`` only: it checks ``law.view_trainingparticipant``
and its scope (own: the consents the user recorded; organisation: those recorded for the user's
organisation; all) and writes one audit row naming the rows read (never what they hold). The permission is
granted to administrators (all) and partners (organisation), both two-factor roles; editors, who correct a
training's counts, never see names. Naming participants (``law.add_trainingparticipant``) is further bound to
the training: at ``organisation`` scope only on the trainings the user's organisation organised
(``Training.organisation``), at ``all`` scope on any (``may_name_participants_of``).
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _

from migdev.accounts.access import has_permission, reaches, scoped_queryset
from migdev.audit.models import AuditAction
from migdev.audit.services import audit_log
from migdev.coordination import access as coordination_access
from migdev.law.models import AssistanceRequest, Training, TrainingParticipant

VIEW_PARTICIPANTS = "law.view_trainingparticipant"
ADD_PARTICIPANTS = "law.add_trainingparticipant"
CHANGE_PARTICIPANTS = "law.change_trainingparticipant"
# A named participant belongs to whoever recorded the consent, and to the organisation it was recorded for.
_PARTICIPANT_SCOPE: dict[str, str | None] = {
    "owner_field": "consent_recorded_by",
    "group_field": None,
    "organisation_field": "organisation",
}

can_edit = coordination_access.can_edit
require_editor = coordination_access.require_editor


def assistance_visible_to(user: Any) -> QuerySet[AssistanceRequest]:
    visible_activities = coordination_access.activities_visible_to(user).values("pk")
    return AssistanceRequest.objects.filter(activity__in=visible_activities).select_related("activity", "law")


def assistance_get_for_user(user: Any, pk: int) -> AssistanceRequest:
    try:
        return assistance_visible_to(user).get(pk=pk)
    except AssistanceRequest.DoesNotExist as error:
        raise Http404 from error


# --- Training participants named with their consent (personal data) ------------------------------------------


def _actor(user: Any) -> AbstractBaseUser | None:
    return user if isinstance(user, AbstractBaseUser) and user.is_authenticated else None


def may_read_participants(user: Any) -> bool:
    """Whether the user holds the permission at all (pages use it to decide whether to offer the list)."""
    return has_permission(user, VIEW_PARTICIPANTS)


def may_add_participants(user: Any) -> bool:
    return has_permission(user, ADD_PARTICIPANTS)


def participants_read(
    user: Any, training: Training, *, request: HttpRequest | None = None, purpose: str
) -> list[TrainingParticipant]:
    """The one way to the names: the participants of ``training`` named with a consent not withdrawn that
    ``user`` reaches with ``law.view_trainingparticipant``, in its scope. Writes one ``read`` audit row
    naming the rows returned and the purpose (page, api); a user without the permission gets nothing and
    the refusal is audited."""
    if not has_permission(user, VIEW_PARTICIPANTS):
        audit_log(
            action=AuditAction.PERMISSION_DENIED,
            request=request,
            actor=_actor(user),
            record_type=TrainingParticipant._meta.label_lower,
            detail={"permission": VIEW_PARTICIPANTS, "training": training.pk, "purpose": purpose},
        )
        return []
    rows = list(
        scoped_queryset(
            user,
            VIEW_PARTICIPANTS,
            TrainingParticipant.objects.filter(training=training, consent_withdrawn_at__isnull=True),
            **_PARTICIPANT_SCOPE,
        ).select_related("consent_recorded_by")
    )
    if rows:
        audit_log(
            action=AuditAction.READ,
            request=request,
            actor=_actor(user),
            record_type=TrainingParticipant._meta.label_lower,
            detail={
                "training": training.pk,
                "participants": [row.pk for row in rows],
                "count": len(rows),
                "fields": [
                    "name",
                    "email",
                    "institution",
                    "position",
                    "note",
                    "pre_test_score",
                    "post_test_score",
                ],
                "purpose": purpose,
            },
        )
    return rows


def participant_for_change(user: Any, pk: int, *, request: HttpRequest | None = None) -> TrainingParticipant:
    """A named participant the user may change (withdraw the consent of), in scope; 404 otherwise (audited).
    The row is returned for the change only: its identifying fields are not shown by the callers."""
    from migdev.accounts.access import get_for_user

    return get_for_user(
        user,
        CHANGE_PARTICIPANTS,
        TrainingParticipant.objects.filter(consent_withdrawn_at__isnull=True).select_related("training"),
        pk,
        request=request,
        owner_field="consent_recorded_by",
        group_field=None,
        organisation_field="organisation",
    )


def may_name_participants_of(user: Any, training: Training) -> bool:
    """Whether the user may name participants of this training: with ``law.add_trainingparticipant`` at
    ``all`` scope on any training, at ``organisation`` scope only on a training its organisation organised
    (``Training.organisation``; a training without one is named by ``all`` scope only)."""
    return reaches(user, ADD_PARTICIPANTS, organisation_id=training.organisation_id)


def require_participant_recorder(user: Any, training: Training) -> None:
    """Refuse (``PermissionDenied``, audited) a user who may not name participants of ``training``: without
    the permission, or when the user's organisation did not organise it and the user's scope is narrower
    than every organisation. The training itself is public, so the refusal is a 403, not a 404."""
    if may_name_participants_of(user, training):
        return
    holds = may_add_participants(user)
    audit_log(
        action=AuditAction.PERMISSION_DENIED,
        actor=_actor(user),
        record_type=TrainingParticipant._meta.label_lower,
        detail={
            "permission": ADD_PARTICIPANTS,
            "training": training.pk,
            "reason": "not_the_organiser" if holds else "no_permission",
        },
    )
    if holds:
        raise PermissionDenied(
            _("Only the organisation that organised this training may name its participants.")
        )
    raise PermissionDenied(_("Recording named participants needs the permission to do so."))


def may_change_participant(user: Any, participant: TrainingParticipant) -> bool:
    return reaches(
        user,
        CHANGE_PARTICIPANTS,
        owner_id=participant.consent_recorded_by_id,
        organisation_id=participant.organisation_id,
    )


def require_participant_changer(user: Any, participant: TrainingParticipant) -> None:
    """Refuse (``PermissionDenied``, audited) a user whose scope for changing named participants does not
    reach this one."""
    if not may_change_participant(user, participant):
        audit_log(
            action=AuditAction.PERMISSION_DENIED,
            actor=_actor(user),
            record=participant,
            detail={"permission": CHANGE_PARTICIPANTS},
        )
        raise PermissionDenied(_("This named participant is outside what you may change."))
