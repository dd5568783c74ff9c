"""Pages of the inter-governmental processes: process list and detail, the meeting calendar and its
feed, meetings with their agendas and documents, and topics across processes.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from migdev.coordination import access
from migdev.coordination.common.views import current_date
from migdev.coordination.downloads import file_response
from migdev.coordination.models import DatePrecision, Meeting, MembershipStatus
from migdev.coordination.processes import selectors, services
from migdev.coordination.processes.forms import (
    AgendaItemForm,
    CalendarFilterForm,
    MeetingDocumentForm,
    MeetingForm,
    ProcessFilterForm,
)
from migdev.coordination.processes.ical import calendar_feed
from migdev.core.versioning import StaleEdit, edit_conflict

# --- Processes ---------------------------------------------------------------------------------------


@require_GET
def process_list(request: HttpRequest) -> HttpResponse:
    form = ProcessFilterForm(request.GET or None)
    processes = selectors.processes_list(request.user)
    if form.is_valid():
        processes = selectors.processes_list(
            request.user,
            kind=form.cleaned_data["kind"],
            query=form.cleaned_data["q"],
            country_iso3=form.cleaned_data["country"],
        )
    return render(request, "coordination/processes/process_list.html", {"form": form, "processes": processes})


@require_GET
def process_detail(request: HttpRequest, code: str) -> HttpResponse:
    process = access.process_get_for_user(request.user, code)
    today = current_date()
    try:
        as_of = (
            datetime.date.fromisoformat(request.GET.get("as_of", "")) if request.GET.get("as_of") else today
        )
    except ValueError:
        as_of = today
    memberships = list(selectors.memberships_on(process, as_of))
    current_chairs = selectors.chairs_on(process, today)
    all_chairs = list(process.chairs.select_related("organisation").order_by("start_date"))
    return render(
        request,
        "coordination/processes/process_detail.html",
        {
            "process": process,
            "as_of": as_of,
            "members": [m for m in memberships if m.status == MembershipStatus.MEMBER],
            "observers": [m for m in memberships if m.status == MembershipStatus.OBSERVER],
            "former": process.state_memberships.filter(end_date__lte=as_of),
            "organisation_memberships": process.organisation_memberships.select_related("organisation"),
            "chairs": process.chairs.select_related("organisation").order_by("-start_date"),
            "current_chairs": current_chairs,
            # With no chair on record for today, the page names the latest one and when it ended.
            "latest_chair": None
            if current_chairs
            else process.chairs.select_related("organisation").order_by("-start_date").first(),
            "next_meeting": selectors.next_meeting(request.user, process, today),
            "meetings": selectors.meetings_between(request.user, process=process).order_by("-start_date"),
            "shared_topics": selectors.shared_topics(request.user, process),
            "summits": [
                (summit, selectors.summit_chairs(process, summit, chairs=all_chairs))
                for summit in selectors.meetings_between(request.user, process=process)
                .filter(kind=Meeting.Kind.SUMMIT)
                .order_by("start_date")
            ],
            "initiatives": access.initiatives_visible_to(request.user).filter(processes=process),
        },
    )


# --- Meetings and the calendar ---------------------------------------------------------------------------


def _calendar_filters(request: HttpRequest) -> tuple[CalendarFilterForm, dict[str, Any]]:
    form = CalendarFilterForm(request.GET or None, processes=access.processes_visible_to(request.user))
    filters: dict[str, Any] = {}
    if form.is_valid():
        filters = {name: value for name, value in form.cleaned_data.items() if value}
    return form, filters


@require_GET
def calendar(request: HttpRequest) -> HttpResponse:
    form, filters = _calendar_filters(request)
    if not filters.get("start") and not filters.get("end") and "past" not in request.GET:
        filters["start"] = current_date()
    meetings = selectors.meetings_between(request.user, **filters)
    page = Paginator(meetings, 50).get_page(request.GET.get("page"))
    feed_query = request.GET.copy()
    feed_query.pop("page", None)
    return render(
        request,
        "coordination/processes/calendar.html",
        {
            "form": form,
            "page": page,
            "feed_query": feed_query.urlencode(),
            "showing_past": "past" in request.GET,
        },
    )


@require_GET
def calendar_ics(request: HttpRequest) -> HttpResponse:
    _form, filters = _calendar_filters(request)
    meetings = selectors.meetings_between(request.user, **filters)
    name = _("migdev coordination meetings")
    if filters.get("process"):
        name = f"{filters['process']} · {name}"
    body = calendar_feed(
        meetings,
        name=name,
        url_for=lambda meeting: request.build_absolute_uri(
            reverse("coordination:meeting_detail", args=[meeting.slug])
        ),
        uid_domain=settings.MIGDEV_CALENDAR_UID_DOMAIN,
    )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="migdev-meetings.ics"'
    return response


@require_GET
def meeting_detail(request: HttpRequest, slug: str) -> HttpResponse:
    meeting = access.meeting_get_for_user(request.user, slug)
    topics = selectors.meeting_topics(meeting)
    related = []
    for topic in topics:
        others = (
            selectors.meetings_between(request.user, topic=topic)
            .exclude(pk=meeting.pk)
            .exclude(process__isnull=True)
            .exclude(process=meeting.process)
        )
        if others:
            related.append((topic, list(others[:6])))
    return render(
        request,
        "coordination/processes/meeting_detail.html",
        {
            "meeting": meeting,
            "topics": topics,
            "related": related,
            "parts": access.meetings_visible_to(request.user).filter(part_of=meeting),
            "participants": meeting.participants.select_related("organisation"),
            "documents": meeting.documents.all(),
            "can_edit": access.can_edit(request.user),
            "agenda_form": AgendaItemForm() if access.can_edit(request.user) else None,
            # A prefix keeps its field ids apart from the agenda form's on the same page.
            "document_form": MeetingDocumentForm(prefix="document")
            if access.can_edit(request.user)
            else None,
        },
    )


@login_required
@require_POST
def meeting_document_add(request: HttpRequest, slug: str) -> HttpResponse:
    access.require_editor(request.user)
    meeting = access.meeting_get_for_user(request.user, slug)
    form = MeetingDocumentForm(request.POST, request.FILES, prefix="document")
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
        return redirect("coordination:meeting_detail", slug=meeting.slug)
    try:
        services.meeting_document_add(
            actor=request.user, meeting=meeting, upload=form.cleaned_data.pop("file"), **form.cleaned_data
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Document added."))
    return redirect("coordination:meeting_detail", slug=meeting.slug)


@require_GET
def meeting_document_file(request: HttpRequest, slug: str, pk: int) -> HttpResponseBase:
    meeting = access.meeting_get_for_user(request.user, slug)
    return file_response(request, access.meeting_document_get_for_user(request.user, meeting, pk))


@login_required
@require_POST
def meeting_document_delete(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    access.require_editor(request.user)
    meeting = access.meeting_get_for_user(request.user, slug)
    document = access.meeting_document_get_for_user(request.user, meeting, pk)
    services.meeting_document_delete(actor=request.user, document=document)
    messages.success(request, _("Document removed."))
    return redirect("coordination:meeting_detail", slug=meeting.slug)


def _meeting_input(data: dict[str, Any]) -> services.MeetingInput:
    return services.MeetingInput(
        title=data["title"],
        kind=data["kind"],
        status=data["status"],
        start_date=data["start_date"],
        end_date=data["end_date"],
        date_precision=data["date_precision"],
        process=data["process"],
        city=data["city"],
        country_code=data["country"],
        host_country_code=data["host_country"],
        host_organisation=data["host_organisation"],
        is_virtual=data["is_virtual"],
        theme=data["theme"],
        summary=data["summary"],
        source=data["source"],
        is_published=data["is_published"],
    )


@login_required
@require_http_methods(["GET", "POST"])
def meeting_edit(request: HttpRequest, slug: str | None = None) -> HttpResponse:
    access.require_editor(request.user)
    meeting = access.meeting_get_for_user(request.user, slug) if slug else None
    initial: dict[str, Any] = {"date_precision": DatePrecision.DAY, "is_published": True}
    if meeting is not None:
        initial = _meeting_initial(meeting)
    elif request.GET.get("process"):
        initial["process"] = (
            access.processes_visible_to(request.user).filter(code=request.GET["process"]).first()
        )
    form = MeetingForm(request.POST or None, initial=initial)
    conflict = None
    if request.method == "POST" and form.is_valid():
        try:
            data = _meeting_input(form.cleaned_data)
            if meeting is None:
                meeting = services.meeting_create(actor=request.user, data=data)
            else:
                meeting = services.meeting_update(
                    actor=request.user, meeting=meeting, data=data, expected_version=form.expected_version()
                )
        except StaleEdit as stale:
            assert meeting is not None
            conflict = edit_conflict(form, stale, _meeting_initial(Meeting.objects.get(pk=meeting.pk)))
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Meeting saved."))
            return redirect("coordination:meeting_detail", slug=meeting.slug)
    return render(
        request,
        "coordination/processes/meeting_form.html",
        {"form": form, "meeting": meeting, "conflict": conflict},
        status=409 if conflict else 200,
    )


def _meeting_initial(meeting: Meeting) -> dict[str, Any]:
    return {
        "version": meeting.version,
        "title": meeting.title,
        "process": meeting.process,
        "kind": meeting.kind,
        "status": meeting.status,
        "start_date": meeting.start_date,
        "end_date": meeting.end_date,
        "date_precision": meeting.date_precision,
        "city": meeting.city,
        "country": meeting.country_iso3,
        "is_virtual": meeting.is_virtual,
        "host_country": meeting.host_country_iso3,
        "host_organisation": meeting.host_organisation,
        "theme": meeting.theme,
        "summary": meeting.summary,
        "source": meeting.source,
        "is_published": meeting.is_published,
    }


@login_required
@require_POST
def agenda_item_add(request: HttpRequest, slug: str) -> HttpResponse:
    access.require_editor(request.user)
    meeting = access.meeting_get_for_user(request.user, slug)
    form = AgendaItemForm(request.POST)
    if form.is_valid():
        services.agenda_item_add(
            actor=request.user,
            meeting=meeting,
            title=form.cleaned_data["title"],
            topic_codes=[topic.code for topic in form.cleaned_data["topics"]],
        )
        messages.success(request, _("Agenda item added."))
    else:
        messages.error(request, _("The agenda item needs a title and at least one topic."))
    return redirect("coordination:meeting_detail", slug=meeting.slug)


@require_GET
def topics_across_processes(request: HttpRequest) -> HttpResponse:
    form, filters = _calendar_filters(request)
    matrix = selectors.topics_across_processes(
        request.user, start=filters.get("start"), end=filters.get("end"), shared_only="shared" in request.GET
    )
    return render(
        request,
        "coordination/processes/topics_across.html",
        {"form": form, "matrix": matrix, "shared_only": "shared" in request.GET},
    )
