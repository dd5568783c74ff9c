"""Labour-mobility pages: schemes, a job order with its explained shortlist, an application and its
safeguards gate, and the worker's own self-service page (usable on a phone).

Every record comes from ``migdev.labour.selectors``; employers get the pseudonymised profile only, until
the worker accepts an interview.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_POST

from migdev.core.versioning import StaleEdit
from migdev.labour import gate, selectors, services
from migdev.labour.matching import METHOD as SHORTLIST_METHOD
from migdev.labour.matching import shortlist
from migdev.labour.models import Application, CefrLevel
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


def _lang(request: HttpRequest) -> str:
    return (getattr(request, "LANGUAGE_CODE", "en") or "en")[:2]


@login_required
def scheme_list(request: HttpRequest) -> HttpResponse:
    schemes = selectors.schemes_visible_to(request.user)
    job_orders = selectors.job_orders_visible_to(request.user)
    return render(
        request,
        "labour/schemes.html",
        {"schemes": schemes, "job_orders": job_orders, "section": "schemes"},
    )


@login_required
def job_order_detail(request: HttpRequest, pk: int) -> HttpResponse:
    job_order = selectors.job_order_get_for_user(request.user, pk, request=request)
    held = selectors.job_order_capacities(request.user, job_order)
    result = shortlist(job_order, limit=20)
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
    if not selectors.application_capacities(request.user, application) & {
        "officer",
        "recruiter",
        "pes",
        "worker",
    }:
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
