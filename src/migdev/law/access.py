"""Who may see and change law records: the one place each law record type's access is decided.

Instruments, party lists, statements, provisions and trainings are public reference data; only editors (the
coordination editor permission, held at ``all`` scope) change them through the edit forms. A request for
technical assistance on legislation is an activity of the registry, so it is seen by exactly the people who
may see that activity (``coordination.access.activities_visible_to``): an unpublished one only by editors.
Anything outside a caller's view answers 404.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from migdev.coordination import access as coordination_access
from migdev.law.models import AssistanceRequest

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
