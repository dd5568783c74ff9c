"""Scheme officers' pages on a scheme: edit the scheme and its employers (versioned: a stale save answers
409 and keeps what was typed; every save audited), and the button that publishes the scheme's SDG 10.7.1
into the indicators module (a background job)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_POST

from migdev.core.versioning import StaleEdit, VersionedForm, edit_conflict
from migdev.labour import selectors, services
from migdev.labour.models import Employer, Scheme
from migdev.labour.sdg1071_publish import publish_enqueue


def _managed_scheme(request: HttpRequest, pk: int) -> Scheme:
    scheme = selectors.scheme_get_for_user(request.user, pk, request=request)
    if not selectors.scheme_manageable_by(request.user, scheme):
        raise Http404
    return scheme


@login_required
@require_POST
def scheme_publish_sdg1071(request: HttpRequest, pk: int) -> HttpResponse:
    scheme = _managed_scheme(request, pk)
    job = publish_enqueue(actor=request.user, scheme=scheme)
    return redirect("jobs:detail", job_id=job.pk)


class SchemeForm(VersionedForm):
    title = forms.CharField(label=_("Title"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), choices=Scheme.Kind.choices)
    reference = forms.CharField(label=_("Reference"), max_length=100, required=False)
    destination_country = forms.CharField(label=_("Destination (ISO 3166 alpha-3)"), max_length=3)
    origin_countries = forms.CharField(
        label=_("Countries of origin (ISO 3166 alpha-3, separated by spaces)"),
        max_length=2000,
        required=False,
    )
    start_date = forms.DateField(label=_("Start date"), widget=forms.DateInput(attrs={"type": "date"}))
    end_date = forms.DateField(
        label=_("End date"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    partners = forms.CharField(label=_("Partners"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    conditions = forms.CharField(
        label=_("Conditions"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    health_g2g_agreement = forms.BooleanField(
        label=_("A government-to-government agreement covers health workers"), required=False
    )


def _scheme_initial(scheme: Scheme) -> dict[str, Any]:
    return {
        "version": scheme.version,
        "title": scheme.title,
        "kind": scheme.kind,
        "reference": scheme.reference,
        "destination_country": scheme.destination_country_id,
        "origin_countries": " ".join(sorted(scheme.origin_countries.values_list("iso3", flat=True))),
        "start_date": scheme.start_date,
        "end_date": scheme.end_date,
        "partners": scheme.partners,
        "conditions": scheme.conditions,
        "health_g2g_agreement": scheme.health_g2g_agreement,
    }


def _add_errors(form: forms.Form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, messages in error.message_dict.items():
            form.add_error(field if field in form.fields else None, messages)
    else:
        form.add_error(None, error.messages)


@login_required
@require_http_methods(["GET", "POST"])
def scheme_edit(request: HttpRequest, pk: int) -> HttpResponse:
    scheme = _managed_scheme(request, pk)
    status, conflict = 200, None
    if request.method == "POST":
        form = SchemeForm(request.POST)
        if form.is_valid():
            data = form.cleaned_values()
            data["origin_countries"] = data["origin_countries"].split()
            try:
                services.scheme_update(
                    actor=request.user, scheme=scheme, expected_version=form.expected_version(), **data
                )
                return redirect("labour:schemes")
            except StaleEdit as stale:
                scheme.refresh_from_db()
                conflict = edit_conflict(form, stale, _scheme_initial(scheme))
                status = 409
            except ValidationError as error:
                _add_errors(form, error)
                status = 400
        else:
            status = 400
    else:
        form = SchemeForm(initial=_scheme_initial(scheme))
    return render(
        request,
        "labour/scheme_edit.html",
        {
            "form": form,
            "scheme": scheme,
            "conflict": conflict,
            "employers": Employer.objects.filter(country=scheme.destination_country).select_related(
                "organisation"
            ),
            "section": "schemes",
        },
        status=status,
    )


class EmployerForm(VersionedForm):
    country = forms.CharField(label=_("Country (ISO 3166 alpha-3)"), max_length=3)
    verified = forms.BooleanField(label=_("Verified"), required=False)
    verification_note = forms.CharField(
        label=_("How the employer was verified (register, authority)"), max_length=300, required=False
    )


def _employer_initial(employer: Employer) -> dict[str, Any]:
    return {
        "version": employer.version,
        "country": employer.country_id,
        "verified": employer.verified_at is not None,
        "verification_note": employer.verification_note,
    }


@login_required
@require_http_methods(["GET", "POST"])
def employer_edit(request: HttpRequest, scheme_pk: int, pk: int) -> HttpResponse:
    scheme = _managed_scheme(request, scheme_pk)
    employer = (
        Employer.objects.select_related("organisation")
        .filter(pk=pk, country_id=scheme.destination_country_id)
        .first()
    )
    if employer is None:
        raise Http404
    status, conflict = 200, None
    if request.method == "POST":
        form = EmployerForm(request.POST)
        if form.is_valid():
            try:
                services.employer_update(
                    actor=request.user,
                    employer=employer,
                    expected_version=form.expected_version(),
                    **form.cleaned_values(),
                )
                return redirect("labour:scheme_edit", pk=scheme.pk)
            except StaleEdit as stale:
                employer.refresh_from_db()
                conflict = edit_conflict(form, stale, _employer_initial(employer))
                status = 409
            except ValidationError as error:
                _add_errors(form, error)
                status = 400
        else:
            status = 400
    else:
        form = EmployerForm(initial=_employer_initial(employer))
    return render(
        request,
        "labour/employer_edit.html",
        {
            "form": form,
            "scheme": scheme,
            "employer": employer,
            "conflict": conflict,
            "section": "schemes",
        },
        status=status,
    )
