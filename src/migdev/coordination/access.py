"""Who may see and change coordination records: the one place each record type's access is decided.

Published content is public. Drafts and unpublished records are visible only to editors; a submitted
practice is also visible to its submitter. Anything outside a caller's view answers 404, never 403.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404

from migdev.accounts.access import has_permission
from migdev.coordination.models import Activity, Initiative, Meeting, PartnershipCall, Practice, Process

EDIT_PERMISSION = "coordination.edit_content"
REVIEW_PERMISSION = "coordination.review_practice"


def _has_permission(user: Any, perm: str) -> bool:
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    return has_permission(user, perm)


def can_edit(user: Any) -> bool:
    return _has_permission(user, EDIT_PERMISSION)


def can_review(user: Any) -> bool:
    return _has_permission(user, REVIEW_PERMISSION)


def processes_visible_to(user: Any) -> QuerySet[Process]:
    queryset = Process.objects.all()
    return queryset if can_edit(user) else queryset.filter(is_published=True)


def meetings_visible_to(user: Any) -> QuerySet[Meeting]:
    queryset = Meeting.objects.all()
    if can_edit(user):
        return queryset
    return queryset.filter(is_published=True).filter(Q(process__isnull=True) | Q(process__is_published=True))


def activities_visible_to(user: Any) -> QuerySet[Activity]:
    queryset = Activity.objects.all()
    return queryset if can_edit(user) else queryset.filter(is_published=True)


def initiatives_visible_to(user: Any) -> QuerySet[Initiative]:
    queryset = Initiative.objects.all()
    return queryset if can_edit(user) else queryset.filter(is_published=True)


def practices_visible_to(user: Any) -> QuerySet[Practice]:
    queryset = Practice.objects.all()
    if can_edit(user) or can_review(user):
        return queryset
    published = Q(status=Practice.Status.PUBLISHED)
    if user is not None and getattr(user, "is_authenticated", False):
        return queryset.filter(published | Q(submitted_by=user))
    return queryset.filter(published)


def partnership_calls_visible_to(user: Any) -> QuerySet[PartnershipCall]:
    queryset = PartnershipCall.objects.all()
    return queryset if can_edit(user) else queryset.filter(is_published=True)


def process_get_for_user(user: Any, code: str) -> Process:
    return _get_or_404(processes_visible_to(user), code=code)


def meeting_get_for_user(user: Any, slug: str) -> Meeting:
    return _get_or_404(meetings_visible_to(user), slug=slug)


def activity_get_for_user(user: Any, pk: int) -> Activity:
    return _get_or_404(activities_visible_to(user), pk=pk)


def initiative_get_for_user(user: Any, code: str) -> Initiative:
    return _get_or_404(initiatives_visible_to(user), code=code)


def practice_get_for_user(user: Any, pk: int) -> Practice:
    return _get_or_404(practices_visible_to(user), pk=pk)


def _get_or_404(queryset: QuerySet[Any], **lookup: Any) -> Any:
    try:
        return queryset.get(**lookup)
    except queryset.model.DoesNotExist as error:
        raise Http404 from error
