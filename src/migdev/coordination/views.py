"""The hub's home page; each part's pages live in its package (processes, activities, knowledge,
policies, information).
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from migdev.coordination import access
from migdev.coordination.common.views import current_date
from migdev.coordination.models import Process
from migdev.coordination.processes import selectors as processes_selectors


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    today = current_date()
    upcoming = processes_selectors.meetings_between(request.user, start=today)[:8]
    recent = processes_selectors.meetings_between(request.user, end=today).order_by("-start_date")[:5]
    processes = processes_selectors.processes_list(request.user)
    return render(
        request,
        "coordination/home.html",
        {
            "upcoming": upcoming,
            "recent": recent,
            "process_count": processes.count(),
            "rcp_count": processes.filter(kind=Process.Kind.RCP).count(),
            "can_edit": access.can_edit(request.user),
        },
    )
