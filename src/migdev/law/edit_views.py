"""Edit pages for the law records (editors only), and the technical-assistance requests on legislation.

Every edit carries the version the editor started from: a stale save answers 409 with the conflict page
that keeps what the editor typed, and nothing is written. Every save is audited by the services.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms as django_forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Model
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from migdev.coordination.access import policy_get_for_user
from migdev.coordination.models import MigrationPolicy
from migdev.coordination.policies.selectors import PolicyFilters, policies_list
from migdev.core.versioning import StaleEdit, VersionedModel, edit_conflict
from migdev.law import access, forms, services
from migdev.law.models import (
    AssistanceRequest,
    Implementation,
    Instrument,
    PartyAction,
    Provision,
    Statement,
    Training,
)


def _add_errors(form: django_forms.BaseForm, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for name, problems in error.message_dict.items():
            form.add_error(name if name in form.fields else None, problems)
    else:
        form.add_error(None, error.messages)


def _stored(form_class: type[django_forms.ModelForm], record: Model) -> dict[str, Any]:
    fresh = type(record)._default_manager.get(pk=record.pk)
    return dict(form_class(instance=fresh).initial)


def _model_edit(
    request: HttpRequest,
    *,
    record: VersionedModel,
    form_class: type[django_forms.ModelForm],
    save: Callable[..., Any],
    back: str,
    title: str,
) -> HttpResponse:
    """The one create-or-edit page of the law records: ``record`` not saved yet creates one."""
    access.require_editor(request.user)
    # The form works on its own copy: validating a ModelForm writes into its instance.
    instance = record if record.pk is None else type(record)._default_manager.get(pk=record.pk)
    form = form_class(request.POST or None, instance=instance)
    conflict = None
    if request.method == "POST" and form.is_valid():
        values = form.cleaned_values()  # type: ignore[attr-defined]
        try:
            save(actor=request.user, values=values, expected_version=form.expected_version())  # type: ignore[attr-defined]
        except StaleEdit as stale:
            conflict = edit_conflict(form, stale, _stored(form_class, record))
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect(back)
    return render(
        request,
        "law/edit.html",
        {"form": form, "title": title, "back": back, "conflict": conflict},
        status=409 if conflict else 200,
    )


def _model_delete(
    request: HttpRequest,
    *,
    record: VersionedModel,
    delete: Callable[..., Any],
    back: str,
    title: str,
    description: str,
) -> HttpResponse:
    """The one removal page: a confirmation carrying the version seen; a stale removal answers 409."""
    access.require_editor(request.user)
    form = forms.DeleteForm(
        request.POST if request.method == "POST" else None, initial={"version": record.version}
    )
    stale = False
    if request.method == "POST" and form.is_valid():
        try:
            delete(actor=request.user, expected_version=form.expected_version())
        except StaleEdit:
            stale = True
            form = forms.DeleteForm(
                initial={"version": type(record)._default_manager.get(pk=record.pk).version}
            )
        else:
            messages.success(request, _("Removed."))
            return redirect(back)
    return render(
        request,
        "law/delete.html",
        {"form": form, "title": title, "description": description, "back": back, "stale": stale},
        status=409 if stale else 200,
    )


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def instrument_edit(request: HttpRequest, code: str) -> HttpResponse:
    instrument = get_object_or_404(Instrument, code=code)
    return _model_edit(
        request,
        record=instrument,
        form_class=forms.InstrumentForm,
        save=lambda **kw: services.instrument_update(instrument=instrument, **kw),
        back=reverse("law:instrument", args=[instrument.code]),
        title=_("Edit the instrument %(code)s") % {"code": instrument.code},
    )


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def action_edit(request: HttpRequest, pk: int) -> HttpResponse:
    action = get_object_or_404(PartyAction.objects.select_related("party_list__instrument"), pk=pk)
    code = action.party_list.instrument.code
    return _model_edit(
        request,
        record=action,
        form_class=forms.PartyActionForm,
        save=lambda **kw: services.action_update(action=action, **kw),
        back=reverse("law:instrument", args=[code]) + f"?edition={action.party_list.as_of.isoformat()}",
        title=_("Edit the action of %(participant)s (%(code)s, list of %(date)s)")
        % {"participant": action.name_as_printed, "code": code, "date": action.party_list.as_of.isoformat()},
    )


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def statement_edit(request: HttpRequest, pk: int) -> HttpResponse:
    statement = get_object_or_404(Statement.objects.select_related("action__party_list__instrument"), pk=pk)
    action = statement.action
    return _model_edit(
        request,
        record=statement,
        form_class=forms.StatementForm,
        save=lambda **kw: services.statement_update(statement=statement, **kw),
        back=reverse("law:country", args=[action.participant_code])
        if len(action.participant_code) == 3
        else reverse("law:instrument", args=[action.party_list.instrument.code]),
        title=_("Edit a reservation or declaration of %(participant)s (%(code)s)")
        % {"participant": action.name_as_printed, "code": action.party_list.instrument.code},
    )


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def provision_edit(request: HttpRequest, pk: int) -> HttpResponse:
    provision = get_object_or_404(Provision.objects.select_related("instrument"), pk=pk)
    return _model_edit(
        request,
        record=provision,
        form_class=forms.ProvisionForm,
        save=lambda **kw: services.provision_update(provision=provision, **kw),
        back=reverse("law:instrument", args=[provision.instrument.code]),
        title=_("Edit %(provision)s of %(code)s")
        % {"provision": provision.reference, "code": provision.instrument.code},
    )


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def training_edit(request: HttpRequest, pk: int) -> HttpResponse:
    training = get_object_or_404(Training, pk=pk)
    return _model_edit(
        request,
        record=training,
        form_class=forms.TrainingForm,
        save=lambda **kw: services.training_update(training=training, **kw),
        back=reverse("law:training", args=[training.pk]),
        title=_("Edit the training %(reference)s") % {"reference": training.reference},
    )


# --- Links from national laws to instruments and Global Compact objectives ---------------------------------


def _link_back(request: HttpRequest, policy: MigrationPolicy) -> str:
    """Back to the page the editor came from: the law country page or (by default) the policy's page."""
    source = request.POST.get("from") or request.GET.get("from")
    if source == "country":
        return reverse("law:country", args=[policy.country_iso3]) + "#policies"
    return reverse("coordination:policy_detail", args=[policy.pk])


def _link_get(request: HttpRequest, pk: int) -> Implementation:
    """A link the editor may reach: its law must be visible to them (policy database access)."""
    link = get_object_or_404(Implementation.objects.select_related("instrument", "policy"), pk=pk)
    policy_get_for_user(request.user, link.policy_id)
    return link


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def implementation_new(request: HttpRequest, policy_pk: int) -> HttpResponse:
    access.require_editor(request.user)
    policy = policy_get_for_user(request.user, policy_pk)
    link = Implementation(policy=policy)
    return _model_edit(
        request,
        record=link,
        form_class=forms.ImplementationForm,
        save=lambda **kw: services.implementation_save(link=link, **kw),
        back=_link_back(request, policy),
        title=_("Link %(law)s to an instrument") % {"law": policy.title},
    )


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def implementation_edit(request: HttpRequest, pk: int) -> HttpResponse:
    access.require_editor(request.user)
    link = _link_get(request, pk)
    return _model_edit(
        request,
        record=link,
        form_class=forms.ImplementationForm,
        save=lambda **kw: services.implementation_save(link=link, **kw),
        back=_link_back(request, link.policy),
        title=_("Edit the link from %(law)s to %(code)s")
        % {"law": link.policy.title, "code": link.instrument.code},
    )


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def implementation_delete(request: HttpRequest, pk: int) -> HttpResponse:
    access.require_editor(request.user)
    link = _link_get(request, pk)
    return _model_delete(
        request,
        record=link,
        delete=lambda **kw: services.implementation_delete(link=link, **kw),
        back=_link_back(request, link.policy),
        title=_("Remove the link from %(law)s to %(code)s")
        % {"law": link.policy.title, "code": link.instrument.code},
        description=_("The law stays in the policy database; only its link to the instrument is removed."),
    )


# --- Technical assistance on legislation ----------------------------------------------------------------


def _assistance_initial(request: AssistanceRequest) -> dict[str, Any]:
    return {
        "country_iso3": request.country_iso3,
        "law_title": request.law_title,
        "law": request.law_id,
        "stage": request.stage,
        "requested_on": request.requested_on,
        "requesting_agency": request.requesting_agency,
        "supporting_agencies": request.supporting_agencies,
        "support_given": request.support_given,
        "support_started": request.support_started,
        "support_ended": request.support_ended,
        "instruments": [instrument.pk for instrument in request.instruments.all()],
        "reporting_organisation": request.activity.reporting_organisation_id,
        "source": request.source,
        "is_published": request.activity.is_published,
        "version": request.version,
    }


def _assistance_input(data: dict[str, Any]) -> services.AssistanceInput:
    return services.AssistanceInput(
        country_iso3=data["country_iso3"],
        law_title=data["law_title"],
        law=data.get("law"),
        stage=data["stage"],
        requested_on=data["requested_on"],
        requesting_agency=data["requesting_agency"],
        supporting_agencies=data.get("supporting_agencies") or "",
        support_given=data.get("support_given") or "",
        support_started=data.get("support_started"),
        support_ended=data.get("support_ended"),
        instruments=list(data.get("instruments") or []),
        reporting_organisation=data["reporting_organisation"],
        iati_identifier=data.get("iati_identifier") or "",
        source=data["source"],
        is_published=bool(data.get("is_published")),
    )


def _policies(user: Any) -> Any:
    return policies_list(user, PolicyFilters())


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def assistance_new(request: HttpRequest) -> HttpResponse:
    access.require_editor(request.user)
    initial = {"country_iso3": (request.GET.get("country") or "").upper()[:3], "is_published": True}
    form = forms.AssistanceForm(request.POST or None, initial=initial, policies=_policies(request.user))
    if request.method == "POST" and form.is_valid():
        try:
            created = services.assistance_create(
                actor=request.user, data=_assistance_input(form.cleaned_values())
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect("law:assistance", pk=created.pk)
    return render(
        request,
        "law/edit.html",
        {
            "form": form,
            "title": _("Record a request for technical assistance on legislation"),
            "back": reverse("law:home"),
            "conflict": None,
        },
    )


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def assistance_edit(request: HttpRequest, pk: int) -> HttpResponse:
    access.require_editor(request.user)
    assistance = access.assistance_get_for_user(request.user, pk)
    form = forms.AssistanceForm(
        request.POST or None,
        initial=_assistance_initial(assistance),
        policies=_policies(request.user),
        creating=False,
    )
    conflict = None
    if request.method == "POST" and form.is_valid():
        try:
            services.assistance_update(
                actor=request.user,
                request=assistance,
                data=_assistance_input(form.cleaned_values()),
                expected_version=form.expected_version(),
            )
        except StaleEdit as stale:
            stored = _assistance_initial(AssistanceRequest.objects.select_related("activity").get(pk=pk))
            conflict = edit_conflict(form, stale, stored)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect("law:assistance", pk=assistance.pk)
    return render(
        request,
        "law/edit.html",
        {
            "form": form,
            "title": _("Edit the request for technical assistance"),
            "back": reverse("law:assistance", args=[assistance.pk]),
            "conflict": conflict,
        },
        status=409 if conflict else 200,
    )


@require_GET
def assistance_detail(request: HttpRequest, pk: int) -> HttpResponse:
    assistance = access.assistance_get_for_user(request.user, pk)
    return render(
        request,
        "law/assistance.html",
        {"assistance": assistance, "section": "countries", "can_edit": access.can_edit(request.user)},
    )


# --- Participants named with their consent --------------------------------------------------------------------


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def participant_new(request: HttpRequest, pk: int) -> HttpResponse:
    """Name one participant of a training, with their consent (holders of the permission, on the trainings
    their organisation organised unless their scope is every organisation)."""
    training = get_object_or_404(Training, pk=pk)
    access.require_participant_recorder(request.user, training)
    form = forms.ParticipantForm(request.POST or None)
    back = reverse("law:training", args=[training.pk])
    if request.method == "POST" and form.is_valid():
        data = services.ParticipantInput(
            **{name: value for name, value in form.cleaned_data.items() if name != "consent_confirmed"}
        )
        try:
            services.participant_add(actor=request.user, training=training, data=data)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("Participant named with their consent."))
            return redirect(back + "#participants")
    return render(
        request,
        "law/edit.html",
        {
            "form": form,
            "title": _("Name a participant of %(reference)s") % {"reference": training.reference},
            "back": back,
            "conflict": None,
        },
    )


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def participant_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    """The participant withdrew their consent: erase their name and the rest; the counts stay."""
    participant = access.participant_for_change(request.user, pk, request=request)
    back = reverse("law:training", args=[participant.training_id]) + "#participants"
    form = forms.WithdrawForm(
        request.POST if request.method == "POST" else None, initial={"version": participant.version}
    )
    stale = False
    if request.method == "POST" and form.is_valid():
        try:
            services.participant_withdraw(
                actor=request.user, participant=participant, expected_version=form.expected_version()
            )
        except StaleEdit:
            stale = True
            form = forms.WithdrawForm(
                initial={"version": type(participant)._default_manager.get(pk=participant.pk).version}
            )
        else:
            messages.success(request, _("Consent withdrawn: the participant's name and details are erased."))
            return redirect(back)
    return render(
        request,
        "law/withdraw.html",
        {
            "form": form,
            "title": _("Withdrawal of consent"),
            "training": participant.training,
            "back": back,
            "stale": stale,
        },
        status=409 if stale else 200,
    )
