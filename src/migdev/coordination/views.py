from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from migdev.coordination import access, audit
from migdev.coordination.activities import selectors as activities_selectors
from migdev.coordination.activities import services as activities_services
from migdev.coordination.downloads import file_response
from migdev.coordination.exports import ACTIVITY_COLUMNS, activity_rows
from migdev.coordination.forms import (
    ActivityFilterForm,
    AgendaItemForm,
    CalendarFilterForm,
    IatiUploadForm,
    InformationNoteForm,
    InitiativeStatusForm,
    MeetingDocumentForm,
    MeetingForm,
    PartnershipCallForm,
    PositionForm,
    PracticeFilterForm,
    PracticeForm,
    ProcessFilterForm,
    ReviewForm,
)
from migdev.coordination.iati import IatiExportError, IatiRejected, export_iati_publishable, import_iati_bytes
from migdev.coordination.ical import calendar_feed
from migdev.coordination.knowledge import services as knowledge_services
from migdev.coordination.models import (
    DatePrecision,
    Meeting,
    MembershipStatus,
    PartnershipCall,
    Practice,
    Process,
)
from migdev.coordination.processes import selectors as processes_selectors
from migdev.coordination.processes import services as processes_services
from migdev.core.versioning import StaleEdit, edit_conflict
from migdev.dataio.exports import export_response

IATI_UPLOAD_MAX_BYTES = 20 * 1024 * 1024


def _today() -> datetime.date:
    return timezone.localdate()


def _require_editor(request: HttpRequest) -> None:
    if not access.can_edit(request.user):
        raise PermissionDenied


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    today = _today()
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


# --- Processes ---------------------------------------------------------------------------------------


@require_GET
def process_list(request: HttpRequest) -> HttpResponse:
    form = ProcessFilterForm(request.GET or None)
    processes = processes_selectors.processes_list(request.user)
    if form.is_valid():
        processes = processes_selectors.processes_list(
            request.user,
            kind=form.cleaned_data["kind"],
            query=form.cleaned_data["q"],
            country_iso3=form.cleaned_data["country"],
        )
    return render(request, "coordination/process_list.html", {"form": form, "processes": processes})


@require_GET
def process_detail(request: HttpRequest, code: str) -> HttpResponse:
    process = access.process_get_for_user(request.user, code)
    today = _today()
    try:
        as_of = (
            datetime.date.fromisoformat(request.GET.get("as_of", "")) if request.GET.get("as_of") else today
        )
    except ValueError:
        as_of = today
    memberships = list(processes_selectors.memberships_on(process, as_of))
    return render(
        request,
        "coordination/process_detail.html",
        {
            "process": process,
            "as_of": as_of,
            "members": [m for m in memberships if m.status == MembershipStatus.MEMBER],
            "observers": [m for m in memberships if m.status == MembershipStatus.OBSERVER],
            "former": process.state_memberships.filter(end_date__lte=as_of),
            "organisation_memberships": process.organisation_memberships.select_related("organisation"),
            "chairs": process.chairs.select_related("organisation").order_by("-start_date"),
            "current_chairs": processes_selectors.chairs_on(process, today),
            "next_meeting": processes_selectors.next_meeting(request.user, process, today),
            "meetings": processes_selectors.meetings_between(request.user, process=process).order_by(
                "-start_date"
            ),
            "shared_topics": processes_selectors.shared_topics(request.user, process),
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
        filters["start"] = _today()
    meetings = processes_selectors.meetings_between(request.user, **filters)
    page = Paginator(meetings, 50).get_page(request.GET.get("page"))
    feed_query = request.GET.copy()
    feed_query.pop("page", None)
    return render(
        request,
        "coordination/calendar.html",
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
    meetings = processes_selectors.meetings_between(request.user, **filters)
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
    topics = processes_selectors.meeting_topics(meeting)
    related = []
    for topic in topics:
        others = (
            processes_selectors.meetings_between(request.user, topic=topic)
            .exclude(pk=meeting.pk)
            .exclude(process__isnull=True)
            .exclude(process=meeting.process)
        )
        if others:
            related.append((topic, list(others[:6])))
    return render(
        request,
        "coordination/meeting_detail.html",
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
    _require_editor(request)
    meeting = access.meeting_get_for_user(request.user, slug)
    form = MeetingDocumentForm(request.POST, request.FILES, prefix="document")
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
        return redirect("coordination:meeting_detail", slug=meeting.slug)
    try:
        processes_services.meeting_document_add(
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
    _require_editor(request)
    meeting = access.meeting_get_for_user(request.user, slug)
    document = access.meeting_document_get_for_user(request.user, meeting, pk)
    processes_services.meeting_document_delete(actor=request.user, document=document)
    messages.success(request, _("Document removed."))
    return redirect("coordination:meeting_detail", slug=meeting.slug)


def _meeting_input(data: dict[str, Any]) -> processes_services.MeetingInput:
    return processes_services.MeetingInput(
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
    _require_editor(request)
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
                meeting = processes_services.meeting_create(actor=request.user, data=data)
            else:
                meeting = processes_services.meeting_update(
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
        "coordination/meeting_form.html",
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
    _require_editor(request)
    meeting = access.meeting_get_for_user(request.user, slug)
    form = AgendaItemForm(request.POST)
    if form.is_valid():
        processes_services.agenda_item_add(
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
    matrix = processes_selectors.topics_across_processes(
        request.user, start=filters.get("start"), end=filters.get("end"), shared_only="shared" in request.GET
    )
    return render(
        request,
        "coordination/topics_across.html",
        {"form": form, "matrix": matrix, "shared_only": "shared" in request.GET},
    )


# --- Activities ------------------------------------------------------------------------------------------


def _filtered_activities(request: HttpRequest) -> tuple[ActivityFilterForm, Any]:
    form = ActivityFilterForm(request.GET or None)
    activities = activities_selectors.activities_list(request.user)
    if form.is_valid():
        organisation = form.cleaned_data["organisation"]
        activities = activities_selectors.activities_list(
            request.user,
            area=form.cleaned_data["area"],
            country_iso3=form.cleaned_data["country"],
            organisation_id=organisation.pk if organisation else None,
            query=form.cleaned_data["q"],
        )
    return form, activities


@require_GET
def activity_list(request: HttpRequest) -> HttpResponse:
    form, activities = _filtered_activities(request)
    page = Paginator(activities, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "coordination/activity_list.html",
        {"form": form, "page": page, "query": query.urlencode(), "can_edit": access.can_edit(request.user)},
    )


@require_GET
def activity_detail(request: HttpRequest, pk: int) -> HttpResponse:
    activity = access.activity_get_for_user(request.user, pk)
    return render(request, "coordination/activity_detail.html", {"activity": activity})


@require_GET
def activities_export(request: HttpRequest) -> HttpResponseBase:
    _form, activities = _filtered_activities(request)
    fmt = request.GET.get("format", "csv")
    if fmt not in ("csv", "xlsx", "json"):
        raise Http404
    audit.record(
        action="export", actor=request.user, detail={"format": fmt, "record_type": "coordination.activity"}
    )
    rows = activity_rows(activities.iterator(chunk_size=500))
    return export_response(rows, ACTIVITY_COLUMNS, fmt, "migdev-activities")  # type: ignore[arg-type]


def _activity_list_url(request: HttpRequest) -> str:
    """The activity list with the filters the export was asked with."""
    query = request.GET.urlencode()
    return reverse("coordination:activity_list") + (f"?{query}" if query else "")


@require_GET
def activities_export_iati(request: HttpRequest) -> HttpResponse:
    _form, activities = _filtered_activities(request)
    try:
        export = export_iati_publishable(activities)
    except IatiExportError as error:
        return render(
            request,
            "coordination/export_refused.html",
            {"reason": str(error), "back": _activity_list_url(request)},
            status=409,
        )
    response = HttpResponse(export.body, content_type="application/xml; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="migdev-activities-iati-2.03.xml"'
    # Said in the file (a comment) and here, so a client can tell a partial export from a whole one.
    response["Migdev-Activities-Left-Out"] = str(len(export.left_out))
    return response


@login_required
@require_http_methods(["GET", "POST"])
def activities_import_iati(request: HttpRequest) -> HttpResponse:
    _require_editor(request)
    form = IatiUploadForm(request.POST or None, request.FILES or None)
    errors: list[Any] = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        if upload.size > IATI_UPLOAD_MAX_BYTES:
            form.add_error(
                "file", _("The file is larger than %(limit)s MB.") % {"limit": IATI_UPLOAD_MAX_BYTES // 2**20}
            )
        else:
            try:
                summary = import_iati_bytes(upload.read(), file_name=upload.name, actor=request.user)
            except IatiRejected as rejected:
                errors = rejected.errors
            else:
                messages.success(
                    request,
                    _("Imported %(read)s activities: %(created)s new, %(updated)s updated.")
                    % {"read": summary.read, "created": summary.created, "updated": summary.updated},
                )
                return redirect("coordination:activity_list")
    return render(request, "coordination/activity_import.html", {"form": form, "errors": errors})


@require_GET
def information_note(request: HttpRequest) -> HttpResponse:
    today = _today()
    default_start = datetime.date(today.year, 1, 1)
    form = InformationNoteForm(
        request.GET or None, initial={"period_start": default_start, "period_end": today}
    )
    note = None
    if form.is_valid():
        note = activities_selectors.information_note(
            request.user,
            period_start=form.cleaned_data["period_start"],
            period_end=form.cleaned_data["period_end"],
            fields=form.cleaned_data["information_fields"] or None,
            process=form.cleaned_data["process"],
        )
    return render(
        request,
        "coordination/information_note.html",
        {"form": form, "note": note, "process": form.cleaned_data.get("process") if note else None},
    )


# --- Initiatives ------------------------------------------------------------------------------------------


@require_GET
def hld_tracker(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "coordination/hld_tracker.html",
        {"categories": activities_selectors.hld_tracker(request.user)},
    )


@require_http_methods(["GET", "POST"])
def initiative_detail(request: HttpRequest, code: str) -> HttpResponse:
    initiative = access.initiative_get_for_user(request.user, code)
    can_edit = access.can_edit(request.user)
    status_form = InitiativeStatusForm(
        request.POST if "record_status" in request.POST else None, prefix="status"
    )
    position_form = PositionForm(
        request.POST if "record_position" in request.POST else None, prefix="position"
    )
    if request.method == "POST":
        _require_editor(request)
        if "record_status" in request.POST and status_form.is_valid():
            activities_services.initiative_status_record(
                actor=request.user, initiative=initiative, **status_form.cleaned_data
            )
            messages.success(request, _("Status recorded."))
            return redirect("coordination:initiative_detail", code=initiative.code)
        if "record_position" in request.POST and position_form.is_valid():
            activities_services.consultation_position_record(
                actor=request.user, initiative=initiative, **position_form.cleaned_data
            )
            messages.success(request, _("Position recorded."))
            return redirect("coordination:initiative_detail", code=initiative.code)
    return render(
        request,
        "coordination/initiative_detail.html",
        {
            "initiative": initiative,
            "statuses": initiative.status_history.order_by("-as_of", "-id"),
            "positions": initiative.positions.select_related("organisation").order_by(
                "organisation__name", "-as_of"
            ),
            "latest_positions": activities_selectors.latest_positions(initiative),
            "meetings": access.meetings_visible_to(request.user).filter(initiatives=initiative),
            "activities": access.activities_visible_to(request.user).filter(initiatives=initiative),
            "can_edit": can_edit,
            "status_form": status_form if can_edit else None,
            "position_form": position_form if can_edit else None,
        },
    )


# --- Practices ------------------------------------------------------------------------------------------


@require_GET
def practice_list(request: HttpRequest) -> HttpResponse:
    form = PracticeFilterForm(request.GET or None)
    practices = Practice.objects.filter(status=Practice.Status.PUBLISHED)
    if form.is_valid():
        if form.cleaned_data["objective"]:
            practices = practices.filter(gcm_objectives=form.cleaned_data["objective"])
        if form.cleaned_data["area"]:
            practices = practices.filter(area=form.cleaned_data["area"])
        if form.cleaned_data["country"]:
            practices = practices.filter(countries__country_iso3=form.cleaned_data["country"])
    practices = practices.distinct().prefetch_related("gcm_objectives", "countries")
    mine = None
    if request.user.is_authenticated:
        mine = Practice.objects.filter(submitted_by=request.user).exclude(status=Practice.Status.PUBLISHED)
    return render(
        request,
        "coordination/practice_list.html",
        {
            "form": form,
            "practices": practices,
            "mine": mine,
            "can_review": access.can_review(request.user),
            "calls": access.partnership_calls_visible_to(None).filter(open_until__gte=_today())[:5],
        },
    )


@require_GET
def practice_detail(request: HttpRequest, pk: int) -> HttpResponse:
    practice = access.practice_get_for_user(request.user, pk)
    can_review = access.can_review(request.user) and practice.submitted_by_id != request.user.pk
    return render(
        request,
        "coordination/practice_detail.html",
        {
            "practice": practice,
            "is_submitter": practice.submitted_by_id == request.user.pk,
            "reviews": practice.reviews.select_related("reviewer")
            if practice.submitted_by_id == request.user.pk or access.can_review(request.user)
            else None,
            "review_form": ReviewForm()
            if can_review and practice.status == Practice.Status.SUBMITTED
            else None,
            "calls": practice.partnership_calls.filter(is_published=True),
        },
    )


def _practice_input(data: dict[str, Any]) -> knowledge_services.PracticeInput:
    return knowledge_services.PracticeInput(
        title=data["title"],
        what=data["what"],
        who=data["who"],
        results=data["results"],
        lessons=data["lessons"],
        pitfalls=data["pitfalls"],
        area=data["area"],
        gcm_objective_numbers=[objective.number for objective in data["gcm_objectives"]],
        country_codes=data["countries"],
        topic_codes=[topic.code for topic in data["topics"]],
    )


@login_required
@require_http_methods(["GET", "POST"])
def practice_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    practice = access.practice_get_for_user(request.user, pk) if pk else None
    if practice is not None and practice.submitted_by_id != request.user.pk:
        raise PermissionDenied
    initial = _practice_initial(practice) if practice is not None else {}
    form = PracticeForm(request.POST or None, initial=initial)
    conflict = None
    if request.method == "POST" and form.is_valid():
        try:
            data = _practice_input(form.cleaned_data)
            if practice is None:
                practice = knowledge_services.practice_create(actor=request.user, data=data)
            else:
                practice = knowledge_services.practice_update(
                    actor=request.user, practice=practice, data=data, expected_version=form.expected_version()
                )
            if "submit_for_review" in request.POST:
                knowledge_services.practice_submit(actor=request.user, practice=practice)
                messages.success(
                    request, _("Sent for peer review. It will be published once a reviewer approves it.")
                )
            else:
                messages.success(request, _("Draft saved."))
        except StaleEdit as stale:
            assert practice is not None
            conflict = edit_conflict(form, stale, _practice_initial(Practice.objects.get(pk=practice.pk)))
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return redirect("coordination:practice_detail", pk=practice.pk)
    return render(
        request,
        "coordination/practice_form.html",
        {"form": form, "practice": practice, "conflict": conflict},
        status=409 if conflict else 200,
    )


def _practice_initial(practice: Practice) -> dict[str, Any]:
    return {
        "version": practice.version,
        "title": practice.title,
        "what": practice.what,
        "who": practice.who,
        "results": practice.results,
        "lessons": practice.lessons,
        "pitfalls": practice.pitfalls,
        "area": practice.area,
        "gcm_objectives": practice.gcm_objectives.all(),
        "topics": practice.topics.all(),
        "countries": " ".join(c.country_iso3 for c in practice.countries.all()),
    }


@login_required
@require_POST
def practice_submit(request: HttpRequest, pk: int) -> HttpResponse:
    practice = access.practice_get_for_user(request.user, pk)
    try:
        knowledge_services.practice_submit(actor=request.user, practice=practice)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Sent for peer review."))
    return redirect("coordination:practice_detail", pk=practice.pk)


@login_required
@require_GET
def review_queue(request: HttpRequest) -> HttpResponse:
    if not access.can_review(request.user):
        raise PermissionDenied
    queue = Practice.objects.filter(status=Practice.Status.SUBMITTED).exclude(submitted_by_id=request.user.pk)
    return render(request, "coordination/review_queue.html", {"queue": queue.order_by("submitted_at")})


@login_required
@require_POST
def practice_review(request: HttpRequest, pk: int) -> HttpResponse:
    practice = access.practice_get_for_user(request.user, pk)
    form = ReviewForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a decision and explain it."))
        return redirect("coordination:practice_detail", pk=practice.pk)
    try:
        knowledge_services.practice_review(actor=request.user, practice=practice, **form.cleaned_data)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Review recorded."))
    return redirect("coordination:practice_detail", pk=practice.pk)


@require_GET
def partnership_call_list(request: HttpRequest) -> HttpResponse:
    calls = access.partnership_calls_visible_to(request.user).select_related("organisation", "practice")
    return render(
        request,
        "coordination/call_list.html",
        {"open_calls": calls.filter(open_until__gte=_today()), "can_edit": access.can_edit(request.user)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def partnership_call_create(request: HttpRequest) -> HttpResponse:
    form = PartnershipCallForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        objectives = data.pop("gcm_objectives")
        try:
            knowledge_services.partnership_call_create(
                actor=request.user, gcm_objective_numbers=[o.number for o in objectives], **data
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Call saved. An editor publishes it after checking it."))
            return redirect("coordination:call_list")
    return render(request, "coordination/call_form.html", {"form": form})


@login_required
@require_POST
def partnership_call_publish(request: HttpRequest, pk: int) -> HttpResponse:
    _require_editor(request)
    call = get_object_or_404(PartnershipCall, pk=pk)
    knowledge_services.partnership_call_publish(actor=request.user, call=call)
    messages.success(request, _("Call published."))
    return redirect("coordination:call_list")
