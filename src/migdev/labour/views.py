"""Labour-mobility pages: schemes, a job order with its explained shortlist, an application and its
safeguards gate, and the worker's own self-service page (usable on a phone).

Every record comes from ``migdev.labour.selectors``; employers get the pseudonymised profile only, until
the worker accepts an interview.
"""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_POST

from migdev.accounts import access
from migdev.core.versioning import StaleEdit
from migdev.labour import gate, orientation, passage, selectors, services, title_import
from migdev.labour.matching import METHOD as SHORTLIST_METHOD
from migdev.labour.matching import shortlist
from migdev.labour.models import (
    Application,
    CefrLevel,
    CheckIn,
    OrientationCertificate,
    OrientationCurriculum,
    OrientationSession,
    OrientationTopic,
    PermitStatus,
)
from migdev.reference.models import Language
from migdev.reference.selectors import language_label
from migdev.skills.models import Skill
from migdev.skills.selectors import current_edition, label_in
from migdev.skills.widgets import ConceptField

STEP_LABELS = {
    "propose_interview": _("Propose an interview"),
    "accept_interview": _("Accept the interview"),
    "select": _("Select"),
    "offer": _("Make the offer"),
    "accept_offer": _("Accept the offer"),
    "refuse": _("Refuse"),
}


def _skill_labels(uris: list[str], lang: str) -> dict[str, str]:
    edition = current_edition("esco")
    if edition is None or not uris:
        return {}
    return {
        skill.uri: label_in(skill, lang).text for skill in Skill.objects.filter(edition=edition, uri__in=uris)
    }


# The job order page explains this many candidates, best first.
SHORTLIST_LIMIT = 20


def _lang(request: HttpRequest) -> str:
    return (getattr(request, "LANGUAGE_CODE", "en") or "en")[:2]


@login_required
def scheme_list(request: HttpRequest) -> HttpResponse:
    schemes = selectors.schemes_visible_to(request.user)
    job_orders = selectors.job_orders_visible_to(request.user)
    manageable = {scheme.pk for scheme in schemes if selectors.scheme_manageable_by(request.user, scheme)}
    return render(
        request,
        "labour/schemes.html",
        {"schemes": schemes, "job_orders": job_orders, "manageable": manageable, "section": "schemes"},
    )


@login_required
def job_order_detail(request: HttpRequest, pk: int) -> HttpResponse:
    job_order = selectors.job_order_get_for_user(request.user, pk, request=request)
    held = selectors.job_order_capacities(request.user, job_order)
    result = shortlist(job_order, limit=SHORTLIST_LIMIT)
    uris = list(job_order.essential_skill_uris) + list(job_order.optional_skill_uris)
    labels = _skill_labels(uris, _lang(request))
    candidates = [
        {
            "candidate": c,
            "matched": [labels.get(u, u) for u in c.essential_matched],
            "missing": [labels.get(u, u) for u in c.essential_missing],
            "optional": [labels.get(u, u) for u in c.optional_matched],
        }
        for c in result.candidates
    ]
    applications = [
        selectors.applicant_view(request.user, application, request=request)
        for application in selectors.applications_visible_to(request.user).filter(job_order=job_order)
    ]
    return render(
        request,
        "labour/job_order.html",
        {
            "job_order": job_order,
            "essential": [labels.get(u, u) for u in job_order.essential_skill_uris],
            "optional": [labels.get(u, u) for u in job_order.optional_skill_uris],
            "language_levels": [
                (language_label(item["code"]), CefrLevel(item["level"]).label) for item in job_order.languages
            ],
            "shortlist": result,
            "candidates": candidates,
            # Fewer than the limit: every worker the engine keeps is shown; else only the best.
            "all_ranked_shown": len(candidates) < SHORTLIST_LIMIT,
            "shortlist_limit": SHORTLIST_LIMIT,
            "may_keep": "officer" in held,
            "applications": applications,
            "method": SHORTLIST_METHOD,
            "section": "schemes",
        },
    )


@login_required
@require_POST
def job_order_keep(request: HttpRequest, pk: int) -> HttpResponse:
    job_order = selectors.job_order_get_for_user(request.user, pk, request=request)
    try:
        ids = [int(value) for value in request.POST.getlist("worker")]
        services.shortlist_save(actor=request.user, job_order=job_order, worker_ids=ids)
    except (ValueError, ValidationError):
        return HttpResponse(status=400)
    return redirect("labour:job_order", pk=job_order.pk)


@login_required
def application_detail(request: HttpRequest, pk: int) -> HttpResponse:
    application = selectors.application_get_for_user(request.user, pk, request=request)
    view = selectors.applicant_view(request.user, application, request=request)
    held = selectors.application_capacities(request.user, application)
    steps = [
        (step, STEP_LABELS[step])
        for step, (after, allowed, _stamp, _stage) in services.STEPS.items()
        if application.stage in after and held & allowed
    ]
    if application.stage in services.REFUSABLE:
        steps.append(("refuse", STEP_LABELS["refuse"]))
    labels = _skill_labels(view.profile.skill_uris, _lang(request))
    return render(
        request,
        "labour/application.html",
        {
            "view": view,
            "profile": view.profile,
            "skills": [labels.get(u, u) for u in view.profile.skill_uris],
            "language_levels": [
                (language_label(item["code"]), CefrLevel(item["level"]).label)
                for item in view.profile.languages
            ],
            "steps": steps,
            "gate_visible": bool(held & {"officer", "recruiter", "pes", "worker"}),
            "section": "schemes",
        },
    )


@login_required
@require_POST
def application_step(request: HttpRequest, pk: int) -> HttpResponse:
    application = selectors.application_get_for_user(request.user, pk, request=request)
    try:
        version = int(request.POST.get("version", "0"))
        services.application_step(
            actor=request.user,
            application=application,
            step=request.POST.get("step", ""),
            expected_version=version,
        )
    except (ValueError, ValidationError, PermissionDenied):
        return HttpResponse(status=400)
    except StaleEdit:
        return HttpResponse(status=409)
    if selectors.worker_of_user_or_none(request.user) is not None:
        return redirect("labour:me")
    return redirect("labour:application", pk=application.pk)


@login_required
def application_gate(request: HttpRequest, pk: int) -> HttpResponse:
    application = selectors.application_get_for_user(request.user, pk, request=request)
    if not selectors.application_capacities(request.user, application) & selectors.IDENTIFIED_CAPACITIES:
        raise Http404
    result = gate.safeguards_gate(application)
    officer = "officer" in selectors.application_capacities(request.user, application)
    return render(
        request,
        "labour/gate.html",
        {
            "application": application,
            "gate": result,
            "waivable": sorted(gate.WAIVABLE) if officer else [],
            "may_deploy": officer and result.passes and application.stage == Application.Stage.ACCEPTED,
            "section": "schemes",
        },
    )


@login_required
@require_POST
def application_waive(request: HttpRequest, pk: int) -> HttpResponse:
    application = selectors.application_get_for_user(request.user, pk, request=request)
    try:
        services.gate_waive(
            actor=request.user,
            application=application,
            check_code=request.POST.get("check", ""),
            reason=request.POST.get("reason", "")[:2000],
        )
    except (ValidationError, PermissionDenied):
        return HttpResponse(status=400)
    return redirect("labour:application_gate", pk=application.pk)


@login_required
@require_POST
def application_deploy(request: HttpRequest, pk: int) -> HttpResponse:
    application = selectors.application_get_for_user(request.user, pk, request=request)
    try:
        services.application_deploy(actor=request.user, application=application)
    except (ValidationError, services.GateBlocked):
        return HttpResponse(status=409)
    return redirect("labour:application", pk=application.pk)


class ProfileForm(forms.Form):
    phone = forms.CharField(label=_("Phone"), max_length=50, required=False)
    email = forms.EmailField(label=_("Email"), required=False)
    available_from = forms.DateField(
        label=_("Available from"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    add_skill = ConceptField(kind="skill", label=_("Add a skill"), required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)


@login_required
@require_http_methods(["GET", "POST"])
def me(request: HttpRequest) -> HttpResponse:
    """The worker's own page: profile, applications and offers, contract and pre-departure checklist."""
    worker = selectors.worker_of_user(request.user, request=request)
    conflict = False
    if request.method == "POST" and "withdraw_consent" in request.POST:
        services.worker_withdraw_consent(actor=request.user, worker=worker)
        return redirect("labour:me")
    if request.method == "POST" and not any(key.endswith("__find") for key in request.POST):
        form = ProfileForm(request.POST)
        if form.is_valid():
            changes: dict[str, Any] = {
                "phone": form.cleaned_data["phone"],
                "email": form.cleaned_data["email"],
                "available_from": form.cleaned_data["available_from"],
            }
            if form.cleaned_data["add_skill"]:
                changes["skill_uris"] = [*worker.skill_uris, form.cleaned_data["add_skill"]]
            try:
                services.worker_update(
                    actor=request.user,
                    worker=worker,
                    expected_version=form.cleaned_data["version"],
                    **changes,
                )
                return redirect("labour:me")
            except StaleEdit:
                conflict = True
            except ValidationError as error:
                form.add_error(None, error)
    elif request.method == "POST":
        form = ProfileForm(request.POST)
    else:
        form = ProfileForm(
            initial={
                "phone": worker.phone,
                "email": worker.email,
                "available_from": worker.available_from,
                "version": worker.version,
            }
        )
    applications = list(
        Application.objects.filter(worker=worker)
        .select_related("job_order__employer__organisation")
        .order_by("-pk")
    )
    rows = []
    for application in applications:
        steps = [
            (step, STEP_LABELS[step])
            for step, (after, allowed, _stamp, _stage) in services.STEPS.items()
            if application.stage in after and "worker" in allowed
        ]
        if application.stage in services.REFUSABLE:
            steps.append(("refuse", STEP_LABELS["refuse"]))
        contract = application.contracts.order_by("-revision").first()
        checklist = (
            gate.safeguards_gate(application) if application.stage in ("accepted", "deployed") else None
        )
        rows.append(
            {
                "application": application,
                "steps": steps,
                "contract": contract,
                "contract_language": language_label(contract.language) if contract else "",
                "checklist": checklist,
            }
        )
    labels = _skill_labels(worker.skill_uris, _lang(request))
    return render(
        request,
        "labour/me.html",
        {
            "worker": worker,
            "form": form,
            "conflict": conflict,
            "skills": [labels.get(u, u) for u in worker.skill_uris],
            "language_levels": [
                (language_label(item["code"]), CefrLevel(item["level"]).label) for item in worker.languages
            ],
            "rows": rows,
            "section": "me",
        },
        status=409 if conflict else 200,
    )


# --- pre-departure orientation -------------------------------------------------------------------------


class CurriculumForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    languages = forms.CharField(
        label=_("Languages (ISO 639 codes, comma-separated)"), max_length=100, initial="fra, eng"
    )
    topics = forms.MultipleChoiceField(
        label=_("Modules"),
        choices=OrientationTopic.choices,
        widget=forms.CheckboxSelectMultiple,
        initial=list(OrientationTopic.values),
    )
    minutes = forms.IntegerField(label=_("Minutes per module"), min_value=1, max_value=1440, initial=60)


class SessionForm(forms.Form):
    curriculum = forms.ModelChoiceField(label=_("Course"), queryset=OrientationCurriculum.objects.none())
    language = forms.CharField(label=_("Language (ISO 639 code)"), max_length=3)
    starts_at = forms.DateTimeField(
        label=_("Starts"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    ends_at = forms.DateTimeField(
        label=_("Ends"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    place = forms.CharField(label=_("Place"), max_length=200, required=False)
    online_url = forms.URLField(label=_("Online link"), max_length=500, required=False, assume_scheme="https")
    capacity = forms.IntegerField(label=_("Places"), min_value=1, max_value=10_000, initial=30)


@login_required
@require_http_methods(["GET", "POST"])
def scheme_orientation(request: HttpRequest, pk: int) -> HttpResponse:
    """A scheme's orientation courses and sessions; its scheme officers add courses and sessions."""
    scheme = selectors.scheme_get_for_user(request.user, pk, request=request)
    manages = selectors.scheme_manageable_by(request.user, scheme)
    curricula = OrientationCurriculum.objects.filter(scheme=scheme).prefetch_related("modules", "sessions")
    course_form, session_form = CurriculumForm(prefix="course"), SessionForm(prefix="session")
    status = 200
    if request.method == "POST":
        if not manages:
            raise Http404
        if request.POST.get("action") == "course":
            course_form = CurriculumForm(request.POST, prefix="course")
            if course_form.is_valid():
                data = course_form.cleaned_data
                try:
                    orientation.curriculum_create(
                        actor=request.user,
                        scheme=scheme,
                        title=data["title"],
                        languages=[
                            code for code in data["languages"].replace(";", ",").split(",") if code.strip()
                        ],
                        modules=[{"topic": topic, "minutes": data["minutes"]} for topic in data["topics"]],
                    )
                    return redirect("labour:scheme_orientation", pk=scheme.pk)
                except ValidationError as error:
                    course_form.add_error(None, error)
        else:
            session_form = SessionForm(request.POST, prefix="session")
            session_form.fields["curriculum"].queryset = curricula  # type: ignore[attr-defined]
            if session_form.is_valid():
                try:
                    orientation.session_create(actor=request.user, **session_form.cleaned_data)
                    return redirect("labour:scheme_orientation", pk=scheme.pk)
                except ValidationError as error:
                    session_form.add_error(None, error)
        status = 400
    session_form.fields["curriculum"].queryset = curricula  # type: ignore[attr-defined]
    return render(
        request,
        "labour/orientation.html",
        {
            "scheme": scheme,
            "curricula": curricula,
            "manages": manages,
            "course_form": course_form,
            "session_form": session_form,
            "section": "schemes",
        },
        status=status,
    )


def _managed_session(request: HttpRequest, pk: int) -> OrientationSession:
    session = OrientationSession.objects.select_related("curriculum__scheme").filter(pk=pk).first()
    if session is None:
        raise Http404
    scheme = selectors.scheme_get_for_user(request.user, session.curriculum.scheme_id, request=request)
    if not selectors.scheme_manageable_by(request.user, scheme):
        raise Http404
    return session


@login_required
@require_http_methods(["GET", "POST"])
def orientation_session(request: HttpRequest, pk: int) -> HttpResponse:
    """One session: who is enrolled (by pseudonym), enrolment, and the modules each attended."""
    session = _managed_session(request, pk)
    problem = ""
    if request.method == "POST":
        try:
            if request.POST.get("action") == "enrol":
                application = selectors.application_get_for_user(
                    request.user, request.POST.get("application", ""), request=request
                )
                orientation.attendance_enrol(actor=request.user, session=session, application=application)
            else:
                attendance = session.attendances.filter(pk=request.POST.get("attendance") or 0).first()
                if attendance is None:
                    raise Http404
                orientation.attendance_record(
                    actor=request.user,
                    attendance=attendance,
                    module_ids=[int(value) for value in request.POST.getlist("modules") if value.isdigit()],
                    expected_version=int(request.POST.get("version", "0") or 0),
                )
            return redirect("labour:orientation_session", pk=session.pk)
        except ValidationError as error:
            problem = " ".join(error.messages)
        except StaleEdit:
            problem = str(_("Someone recorded this attendance since you opened the page; nothing was saved."))
    attendances = session.attendances.select_related(
        "application__worker", "application__job_order"
    ).prefetch_related("modules_attended")
    enrolled = {attendance.application_id for attendance in attendances}
    candidates = [
        application
        for application in selectors.applications_officer_reaches(request.user)
        .filter(job_order__scheme=session.curriculum.scheme_id, stage__in=orientation.ENROLLABLE_STAGES)
        .select_related("worker", "job_order")
        if application.pk not in enrolled
    ]
    return render(
        request,
        "labour/orientation_session.html",
        {
            "session": session,
            "modules": list(session.curriculum.modules.all()),
            "rows": [
                (attendance, {module.pk for module in attendance.modules_attended.all()})
                for attendance in attendances
            ],
            "candidates": candidates,
            "language": language_label(session.language),
            "problem": problem,
            "section": "schemes",
        },
        status=409 if problem else 200,
    )


# --- passage -------------------------------------------------------------------------------------------


class PassageForm(forms.Form):
    visa_status = forms.ChoiceField(label=_("Visa"), choices=PermitStatus.choices)
    work_permit_status = forms.ChoiceField(label=_("Work permit"), choices=PermitStatus.choices)
    planned_departure_on = forms.DateField(
        label=_("Planned departure"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    contract_end_on = forms.DateField(
        label=_("End of contract"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    returned_on = forms.DateField(
        label=_("Returned"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)


def _date_or_none(value: str) -> Any:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        return None


@login_required
@require_http_methods(["GET", "POST"])
def application_passage(request: HttpRequest, pk: int) -> HttpResponse:
    """Orientation, certificate, visa and permit, departure, arrival and check-ins of one application."""
    application = selectors.application_get_for_user(request.user, pk, request=request)
    held = selectors.application_capacities(request.user, application)
    if not held & {"officer", "recruiter", "pes", "worker"}:
        raise Http404
    record = passage.passage_read(application)
    form = PassageForm(
        initial={
            **{name: getattr(record, name) for name in passage.PASSAGE_FIELDS},
            "version": record.version,
        }
    )
    problem, status = "", 200
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            if action == "passage":
                form = PassageForm(request.POST)
                if not form.is_valid():
                    raise ValidationError(_("Check the passage form."))
                data = dict(form.cleaned_data)
                passage.passage_update(
                    actor=request.user, application=application, expected_version=data.pop("version"), **data
                )
            elif action == "arrival":
                arrived = _date_or_none(request.POST.get("arrived_on", ""))
                if arrived is None:
                    raise ValidationError(_("Give the date of arrival."))
                passage.record_arrival(actor=request.user, application=application, arrived_on=arrived)
            elif action == "check_in":
                check_in = application.check_ins.filter(pk=request.POST.get("check_in") or 0).first()
                done = _date_or_none(request.POST.get("done_on", ""))
                if check_in is None or done is None:
                    raise ValidationError(_("Give the date of the check-in."))
                passage.check_in_record(
                    actor=request.user,
                    check_in=check_in,
                    done_on=done,
                    channel=request.POST.get("channel", ""),
                    note=request.POST.get("note", "")[:5000],
                    expected_version=int(request.POST.get("version", "0") or 0),
                )
            elif action == "certificate":
                orientation.certificate_issue(actor=request.user, application=application)
            else:
                raise ValidationError(_("Unknown action."))
            return redirect("labour:application_passage", pk=application.pk)
        except ValidationError as error:
            problem, status = " ".join(error.messages), 400
        except StaleEdit:
            problem = str(_("Someone changed this record since you opened the page; nothing was saved."))
            status = 409
        record = passage.passage_read(application)
    view = selectors.applicant_view(request.user, application, request=request)
    progress = orientation.orientation_progress(application)
    certificate = OrientationCertificate.objects.filter(application=application).first()
    check_ins = list(application.check_ins.select_related("alert").order_by("due_on"))
    return render(
        request,
        "labour/passage.html",
        {
            "application": application,
            "view": view,
            "progress": progress,
            "certificate": certificate,
            "passage": record,
            "form": form,
            "check_ins": [(item, getattr(item, "alert", None)) for item in check_ins],
            "channels": CheckIn.Channel.choices,
            "may_edit": bool(held & {"officer", "recruiter"}),
            "may_check_in": bool(held & {"officer", "recruiter", "pes"}),
            "officer": "officer" in held,
            "today": timezone.localdate(),
            "problem": problem,
            "section": "schemes",
        },
        status=status,
    )


@login_required
def orientation_certificate(request: HttpRequest, pk: int) -> HttpResponse:
    """The printable certificate, in the language the worker followed the course in when the UI has it."""
    application = selectors.application_get_for_user(request.user, pk, request=request)
    if not selectors.application_capacities(request.user, application) & selectors.IDENTIFIED_CAPACITIES:
        raise Http404
    certificate = (
        OrientationCertificate.objects.filter(application=application).select_related("curriculum").first()
    )
    if certificate is None:
        raise Http404
    view = selectors.applicant_view(request.user, application, request=request)
    code = (
        Language.objects.filter(alpha_3=certificate.language).values_list("alpha_2", flat=True).first() or ""
    )
    interface = {code for code, _name in settings.LANGUAGES}
    with translation.override(code if code in interface else translation.get_language()):
        return render(
            request,
            "labour/certificate.html",
            {
                "certificate": certificate,
                "view": view,
                "modules": list(certificate.curriculum.modules.all()),
                "scheme": application.job_order.scheme,
                "section": "schemes",
            },
        )


@login_required
@require_http_methods(["GET", "POST"])
def check_in_alerts(request: HttpRequest) -> HttpResponse:
    """Missed check-ins of the schemes the user runs (scheme officers only)."""
    if not access.has_permission(request.user, "labour.view_application"):
        raise Http404
    alerts = passage.alerts_visible_to(request.user)
    if request.method == "POST":
        alert = alerts.filter(pk=request.POST.get("alert") or 0).first()
        if alert is None:
            raise Http404
        passage.alert_acknowledge(actor=request.user, alert=alert)
        return redirect("labour:check_in_alerts")
    return render(
        request,
        "labour/check_in_alerts.html",
        {
            "open": [alert for alert in alerts if alert.acknowledged_at is None],
            "acknowledged": [alert for alert in alerts if alert.acknowledged_at is not None][:100],
            "section": "check_ins",
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def title_mappings(request: HttpRequest) -> HttpResponse:
    """Imported job titles the skills search could not map alone, for a person to pick the occupation."""
    if not access.has_permission(request.user, "labour.confirm_titlemapping"):
        raise Http404
    pending = title_import.mappings_to_confirm(request.user)
    problem = ""
    if request.method == "POST":
        mapping = pending.filter(pk=request.POST.get("mapping") or 0).first()
        if mapping is None:
            raise Http404
        try:
            title_import.mapping_confirm(
                actor=request.user,
                mapping=mapping,
                occupation_uri=request.POST.get("occupation_uri", "").strip(),
                expected_version=int(request.POST.get("version", "0") or 0),
            )
            return redirect("labour:title_mappings")
        except ValidationError as error:
            problem = " ".join(error.messages)
        except StaleEdit:
            problem = str(_("Someone changed this record since you opened the page; nothing was saved."))
    return render(
        request,
        "labour/title_mappings.html",
        {"pending": pending[:200], "problem": problem, "section": "titles"},
        status=400 if problem else 200,
    )


# --- scheme dashboard and brain-drain view (migdev.labour.dashboards) ------------------------------------


@login_required
def scheme_dashboard(request: HttpRequest) -> HttpResponse:
    """Placements, time to arrival, orientation, substitution and complaints of the schemes the user runs."""
    from django.http import JsonResponse

    from migdev.labour import dashboards

    if not access.has_permission(request.user, "labour.view_application"):
        raise Http404
    scheme = None
    if request.GET.get("scheme"):
        scheme = selectors.scheme_get_for_user(request.user, request.GET["scheme"], request=request)
    board = dashboards.scheme_dashboard(request.user, scheme=scheme, lang=_lang(request))
    if request.GET.get("format") == "vega-lite":
        return JsonResponse({item.key: item.spec for item in board.breakdowns})
    return render(
        request,
        "labour/dashboard.html",
        {"board": board, "scheme": scheme, "section": "dashboard"},
    )


@login_required
def brain_drain(request: HttpRequest) -> HttpResponse:
    """Placements per origin country and occupation group; the stock of each occupation where loaded."""
    from migdev.labour import dashboards

    if not access.has_permission(request.user, "labour.view_application"):
        raise Http404
    rows = dashboards.brain_drain(request.user, lang=_lang(request))
    return render(
        request,
        "labour/dashboard_brain_drain.html",
        {
            "rows": rows,
            "any_stock": any(row.stock is not None for row in rows),
            "any_sample": any(row.stock is not None and row.stock.is_sample for row in rows),
            "section": "brain_drain",
        },
    )
