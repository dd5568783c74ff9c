"""Pages of the diaspora module. Every record comes through :mod:`migdev.diaspora.access`; a record outside
the viewer's scope is a 404. Pages showing an expert's identifying data audit the read."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_http_methods, require_POST

from migdev.accounts.access import has_permission, permission_required_or_404
from migdev.core.versioning import StaleEdit, edit_conflict
from migdev.diaspora import access, matching, selectors, services
from migdev.diaspora.forms import (
    FIELD_LABELS,
    AgreementForm,
    DeleteAccountForm,
    EndReportForm,
    ExpertProfileForm,
    HoursForm,
    PreparationForm,
    ReintegrationFollowUpForm,
    ReintegrationPlanForm,
    ReintegrationSupportForm,
    RepeatForm,
    RequestForm,
    SharingForm,
    SupportGivenForm,
)
from migdev.diaspora.models import (
    PREPARATION_ITEMS,
    Agreement,
    Assignment,
    EndReport,
    Expert,
    HostInstitution,
    Modality,
    PreparationItem,
    PrioritySector,
    ReintegrationPlan,
    ReintegrationSupport,
    Request,
    Sector,
)
from migdev.reference.collation import collation_key
from migdev.reference.models import Country

# The sub-scores of a shortlist, named in the page's language.
PART_LABELS = {
    "skills": gettext_lazy("skills"),
    "occupation": gettext_lazy("occupation"),
    "languages": gettext_lazy("languages"),
    "experience": gettext_lazy("experience"),
    "availability": gettext_lazy("availability"),
    "priority_sector": gettext_lazy("priority sector"),
}


def _names() -> dict[str, str]:
    return {c.iso3: c.name for c in Country.objects.all()}


def _sample_flag() -> bool:
    return (
        Expert.objects.filter(is_sample=True).exists()
        or Request.objects.filter(is_sample=True).exists()
        or HostInstitution.objects.filter(is_sample=True).exists()
    )


def home(request: HttpRequest) -> HttpResponse:
    figures = {
        "experts": Expert.objects.filter(status=Expert.Status.ACTIVE).count(),
        "public": len(selectors.public_roster()),
        "assignments": Assignment.objects.count(),
        "sample": _sample_flag(),
    }
    return render(request, "diaspora/home.html", {"section": "home", "figures": figures})


# --- public roster ---------------------------------------------------------------------------------------


def roster(request: HttpRequest) -> HttpResponseBase:
    """Opted-in entries, each showing only the fields its expert picked."""
    origin = (request.GET.get("origin") or "").upper()[:3]
    sector = request.GET.get("sector") or ""
    if sector not in Sector.values:
        sector = ""
    if origin and not Country.objects.filter(iso3=origin).exists():
        origin = ""
    experts = selectors.public_roster(country_of_origin=origin, sector=sector)
    names = _names()
    fmt = request.GET.get("format", "")
    if fmt in ("csv", "xlsx"):
        return _roster_export(experts, names, fmt)
    entries = []
    for expert in experts:
        view = selectors.shared_view(expert, expert.public_fields)
        entries.append(
            {
                "reference": view["reference"],
                "sample": expert.is_sample,
                "rows": [
                    (FIELD_LABELS[name], _shown(name, view[name], names))
                    for name in view
                    if name != "reference"
                ],
            }
        )
    return render(
        request,
        "diaspora/roster.html",
        {
            "section": "roster",
            "entries": entries,
            "origin": origin,
            "sector": sector,
            "countries": sorted(names.items(), key=lambda item: collation_key(item[1])),
            "sectors": Sector.choices,
        },
    )


def _roster_export(experts: list[Expert], names: dict[str, str], fmt: str) -> HttpResponseBase:
    """The public roster as a file: each expert's picked fields, nothing else (an unpicked field is
    empty, as on the page); cells are made safe against spreadsheet formulas by the shared exporter."""
    from migdev.dataio.exports import export_response

    columns = [("reference", _("Reference")), ("sample", _("Sample data"))] + [
        (name, FIELD_LABELS[name]) for name in Expert.SHAREABLE_FIELDS
    ]
    rows = []
    for expert in experts:
        view = selectors.shared_view(expert, expert.public_fields)
        row: dict[str, Any] = {
            "reference": view.pop("reference"),
            "sample": _("yes") if expert.is_sample else "",
        }
        for name, value in view.items():
            row[name] = _shown(name, value, names)
        rows.append(row)
    return export_response(rows, columns, "csv" if fmt == "csv" else "xlsx", "diaspora-roster")


def _shown(name: str, value: Any, names: dict[str, str]) -> str:
    """One shared field as text for a page (no identifying field can reach here unless shared)."""
    if name in ("country_of_origin", "country_of_residence"):
        return names.get(value, value)
    if name == "languages":
        return ", ".join(f"{item['code']} ({item['level']})" for item in value)
    if name == "education":
        return ", ".join(f"{item['level']} {item['field']}".strip() for item in value)
    if name in ("occupation_uris", "skill_uris"):
        return ", ".join(_concept_labels(value))
    if name == "sectors":
        labels = dict(Sector.choices)
        return ", ".join(str(labels.get(code, code)) for code in value)
    if name == "modalities":
        labels = dict(Modality.choices)
        return ", ".join(str(labels.get(code, code)) for code in value)
    if name == "availability":
        windows = ", ".join(f"{w['from']} – {w['to']}" for w in value["windows"])
        days, hours = value["days_on_site_per_year"], value["hours_online_per_week"]
        return _("%(days)s, %(hours)s; %(windows)s") % {
            "days": ngettext("%(n)s day a year on site", "%(n)s days a year on site", days or 0)
            % {"n": days},
            "hours": ngettext("%(n)s hour a week online", "%(n)s hours a week online", hours or 0)
            % {"n": hours},
            "windows": windows or _("no dates given"),
        }
    return str(value)


def _concept_labels(uris: list[str]) -> list[str]:
    from django.utils.translation import get_language

    from migdev.skills.models import Occupation, Skill
    from migdev.skills.selectors import current_edition, label_in

    edition = current_edition("esco")
    lang = (get_language() or "en")[:2]
    found: dict[str, str] = {}
    if edition is not None:
        for model in (Skill, Occupation):
            for concept in model.objects.filter(edition=edition, uri__in=uris):
                found[concept.uri] = label_in(concept, lang).text
    return [found.get(uri, uri.rsplit("/", 1)[-1]) for uri in uris]


# --- directory of diaspora organisations -------------------------------------------------------------------


def _directory_filters(request: HttpRequest, names: dict[str, str]) -> dict[str, str]:
    origin = (request.GET.get("origin") or "").upper()[:3]
    residence = (request.GET.get("residence") or "").upper()[:3]
    sector = request.GET.get("sector") or ""
    return {
        "origin": origin if origin in names else "",
        "residence": residence if residence in names else "",
        "sector": sector if sector in Sector.values else "",
        "text": (request.GET.get("q") or "").strip()[:100],
    }


def organisation_list(request: HttpRequest) -> HttpResponse:
    """The public directory of diaspora organisations, as iDiaspora keeps one, with filters."""
    names = _names()
    filters = _directory_filters(request, names)
    rows = selectors.organisations(**filters)
    sector_labels = dict(Sector.choices)
    entries = [
        {
            "organisation": row,
            "origins": ", ".join(names.get(code, code) for code in row.countries_of_origin),
            "residences": ", ".join(names.get(code, code) for code in row.countries_of_residence),
            "sectors": ", ".join(str(sector_labels.get(code, code)) for code in row.sectors),
        }
        for row in rows
    ]
    return render(
        request,
        "diaspora/organisations.html",
        {
            "section": "organisations",
            "entries": entries,
            "filters": filters,
            "countries": sorted(names.items(), key=lambda item: collation_key(item[1])),
            "sectors": Sector.choices,
            "can_import": has_permission(request.user, "diaspora.add_diasporaorganisation"),
            "sample": any(row.is_sample for row in rows),
        },
    )


def organisation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    from migdev.diaspora.models import DiasporaOrganisation

    row = DiasporaOrganisation.objects.filter(pk=pk).first()
    if row is None:
        raise Http404
    names = _names()
    sector_labels = dict(Sector.choices)
    return render(
        request,
        "diaspora/organisation_detail.html",
        {
            "section": "organisations",
            "row": row,
            "origins": [(code, names.get(code, code)) for code in row.countries_of_origin],
            "residences": [(code, names.get(code, code)) for code in row.countries_of_residence],
            "sectors": [(code, sector_labels.get(code, code)) for code in row.sectors],
        },
    )


# --- expert self-service ---------------------------------------------------------------------------------


def _own_expert_or_404(request: HttpRequest) -> Expert:
    if not request.user.is_authenticated:
        raise Http404
    expert = access.own_expert(request.user)
    if expert is None:
        raise Http404
    return access.expert_get_for_user(request.user, expert.pk, request=request)


@require_http_methods(["GET", "POST"])
def profile(request: HttpRequest) -> HttpResponse:
    """The expert's own profile, usable on a phone: one column, big targets, no tables."""
    if not request.user.is_authenticated:
        from django.contrib.auth.views import redirect_to_login

        return redirect_to_login(request.get_full_path())
    expert = _own_expert_or_404(request)
    form = ExpertProfileForm(initial=ExpertProfileForm.initial_for(expert))
    conflict = None
    if request.method == "POST" and request.POST.get("action") == "profile":
        form = ExpertProfileForm(request.POST, initial=ExpertProfileForm.initial_for(expert))
        finding = any(key.endswith("__find") for key in request.POST)
        if not finding and form.is_valid():
            values, windows = form.service_values()
            try:
                services.expert_update(
                    actor=services.actor_of(request.user),
                    expert=expert,
                    expected_version=form.expected_version(),
                    values=values,
                    windows=windows,
                    request=request,
                )
            except StaleEdit as stale:
                expert.refresh_from_db()
                conflict = edit_conflict(form, stale, ExpertProfileForm.initial_for(expert))
            except ValidationError as error:
                for field, problems in error.message_dict.items():
                    form.add_error(field if field in form.fields else None, problems)
            else:
                messages.success(request, _("Your profile is saved."))
                return redirect("diaspora:profile")
    sharing = SharingForm(
        initial={
            "version": expert.version,
            "public_entry": expert.on_public_roster,
            "public_fields": expert.public_fields,
            "host_fields": expert.host_fields,
        }
    )
    invitations = list(
        access.invitations_visible_to(request.user)
        .filter(expert=expert)
        .select_related("request__host__organisation")
        .order_by("-invited_at")
    )
    fitting = matching.requests_for_expert(
        expert,
        list(Request.objects.filter(status=Request.Status.APPROVED).select_related("host__organisation")),
    )
    status = 409 if conflict else 200
    return render(
        request,
        "diaspora/profile.html",
        {
            "section": "profile",
            "expert": expert,
            "form": form,
            "conflict": conflict,
            "sharing": sharing,
            "delete_form": DeleteAccountForm(),
            "invitations": invitations,
            "fitting": fitting,
        },
        status=status,
    )


@require_POST
def profile_sharing(request: HttpRequest) -> HttpResponse:
    expert = _own_expert_or_404(request)
    form = SharingForm(request.POST)
    if form.is_valid():
        try:
            services.expert_set_sharing(
                actor=services.actor_of(request.user),
                expert=expert,
                expected_version=form.expected_version(),
                public_entry=form.cleaned_data["public_entry"],
                public_fields=form.cleaned_data["public_fields"],
                host_fields=form.cleaned_data["host_fields"],
                request=request,
            )
            messages.success(request, _("Your sharing choices are saved."))
        except StaleEdit:
            messages.error(
                request, _("Your profile changed in another window; nothing was saved. Try again.")
            )
    else:
        messages.error(request, _("Nothing was saved: check your choices."))
    return redirect("diaspora:profile")


@require_POST
def profile_delete(request: HttpRequest) -> HttpResponse:
    expert = _own_expert_or_404(request)
    form = DeleteAccountForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Type DELETE to confirm."))
        return redirect("diaspora:profile")
    services.expert_delete_account(actor=services.actor_of(request.user), expert=expert, request=request)
    from django.contrib.auth import logout

    logout(request)
    return render(request, "diaspora/deleted.html", {"section": "profile"})


@require_POST
def invitation_answer(request: HttpRequest, pk: int) -> HttpResponse:
    invitation = access.invitation_get_for_user(request.user, pk, request=request)
    try:
        services.invitation_answer(
            actor=services.actor_of(request.user),
            invitation=invitation,
            accept=request.POST.get("answer") == "accept",
            request=request,
        )
    except PermissionDenied:
        raise Http404 from None
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("diaspora:profile")


# --- requests --------------------------------------------------------------------------------------------


def _can_see_requests(user: Any) -> bool:
    return any(
        has_permission(user, perm)
        for perm in (access.VIEW_REQUEST, access.VIEW_HOST_REQUEST, access.VIEW_COUNTRY_REQUEST)
    )


def request_list(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        from django.contrib.auth.views import redirect_to_login

        return redirect_to_login(request.get_full_path())
    if not _can_see_requests(request.user):
        raise Http404
    rows = access.requests_visible_to(request.user).select_related("host__organisation").order_by("-pk")
    hosts = []
    if has_permission(request.user, access.ADD_REQUEST) and request.user.organisation_id:
        hosts = list(HostInstitution.objects.filter(organisation_id=request.user.organisation_id))
    return render(
        request,
        "diaspora/requests.html",
        {"section": "requests", "rows": rows[:500], "can_add": bool(hosts), "names": _names()},
    )


@permission_required_or_404(access.ADD_REQUEST)
@require_http_methods(["GET", "POST"])
def request_new(request: HttpRequest) -> HttpResponse:
    user = services.actor_of(request.user)
    host = (
        HostInstitution.objects.filter(organisation_id=user.organisation_id).first()
        if user.organisation_id
        else None
    )
    if host is None:
        raise Http404
    form = RequestForm(request.POST or None)
    finding = any(key.endswith("__find") for key in request.POST)
    if request.method == "POST" and not finding and form.is_valid():
        try:
            row = services.request_create(
                actor=services.actor_of(request.user),
                host=host,
                values=form.service_values(),
                group=_programme_for(host),
                request=request,
            )
        except ValidationError as error:
            for field, problems in error.message_dict.items():
                form.add_error(field if field in form.fields else None, problems)
        except PermissionDenied:
            raise Http404 from None
        else:
            return redirect("diaspora:request", pk=row.pk)
    return render(request, "diaspora/request_form.html", {"section": "requests", "form": form, "host": host})


@require_http_methods(["GET", "POST"])
def request_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """The host edits its terms of reference while the request is a draft or awaits approval. The form
    carries the version it was opened at: a save over someone else's edit shows the conflict page with
    the typed values kept (409), nothing is overwritten."""
    if not request.user.is_authenticated:
        raise Http404
    row = access.request_get_for_user(request.user, pk, request=request)
    user = services.actor_of(request.user)
    if not access.viewer_is_host_of(user, row) or not has_permission(user, access.CHANGE_REQUEST):
        raise Http404
    editable = row.status in (Request.Status.DRAFT, Request.Status.SUBMITTED)
    form = RequestForm(initial=RequestForm.initial_for(row))
    conflict = None
    if request.method == "POST" and editable:
        form = RequestForm(request.POST, initial=RequestForm.initial_for(row))
        finding = any(key.endswith("__find") for key in request.POST)
        if not finding and form.is_valid():
            try:
                services.request_update(
                    actor=user,
                    row=row,
                    expected_version=form.expected_version(),
                    values=form.service_values(),
                    request=request,
                )
            except StaleEdit as stale:
                row.refresh_from_db()
                conflict = edit_conflict(form, stale, RequestForm.initial_for(row))
            except ValidationError as error:
                for field, problems in error.message_dict.items():
                    form.add_error(field if field in form.fields else None, problems)
            except PermissionDenied:
                raise Http404 from None
            else:
                messages.success(request, _("The request is saved."))
                return redirect("diaspora:request", pk=row.pk)
    return render(
        request,
        "diaspora/request_form.html",
        {
            "section": "requests",
            "form": form,
            "host": row.host,
            "row": row,
            "editable": editable,
            "conflict": conflict,
        },
        status=409 if conflict else 200,
    )


def _programme_for(host: HostInstitution) -> Any:
    """The programme a new request goes to: the one of the host's latest request, else the first."""
    from migdev.accounts.models import UserGroup

    latest = Request.objects.filter(host=host, group__isnull=False).order_by("-pk").first()
    if latest is not None:
        return latest.group
    return (
        UserGroup.objects.filter(name__icontains="diaspora").order_by("pk").first()
        or UserGroup.objects.order_by("pk").first()
    )


@require_http_methods(["GET", "POST"])
def request_detail(request: HttpRequest, pk: int) -> HttpResponse:
    if not request.user.is_authenticated:
        raise Http404
    row = access.request_get_for_user(request.user, pk, request=request)
    user = services.actor_of(request.user)
    is_officer = has_permission(user, access.APPROVE_REQUEST) and row.group_id in _groups(user)
    is_host = access.viewer_is_host_of(user, row)
    if request.method == "POST":
        return _request_action(request, row, user, is_officer=is_officer, is_host=is_host)
    shortlist = None
    if row.status == Request.Status.APPROVED and (is_officer or is_host):
        pool = (
            access.experts_visible_to(user)
            if is_officer
            else Expert.objects.filter(group=row.group, status=Expert.Status.ACTIVE)
        )
        shortlist = matching.shortlist(row, pool)
    invitations: list[dict[str, Any]] = []
    if is_officer or is_host:
        for invitation in row.invitations.select_related("expert").order_by("-score", "pk"):
            agreement = Agreement.objects.filter(invitation=invitation).first()
            if is_host:
                view = selectors.view_for_host(invitation)
            else:
                view = selectors.full_profile(invitation.expert)
            invitations.append({"invitation": invitation, "view": view, "agreement": agreement})
        if is_officer and invitations:
            from migdev.audit.models import AuditAction
            from migdev.audit.services import audit_log

            for item in invitations:
                audit_log(action=AuditAction.READ, request=request, record=item["invitation"].expert)
    shortlist_rows = []
    if shortlist is not None:
        invited = {i.expert_id for i in row.invitations.all()}
        for candidate in shortlist.candidates:
            shown = (
                selectors.shared_view(candidate.expert, candidate.expert.host_fields)
                if is_host
                else {"reference": candidate.expert.reference}
            )
            shortlist_rows.append(
                {
                    "candidate": candidate,
                    "shown": shown,
                    "skills": _concept_labels(candidate.matched_skills),
                    "missing": _concept_labels(candidate.missing_skills),
                    "invited": candidate.expert.pk in invited,
                    "parts": [
                        (PART_LABELS.get(name, name), value) for name, value in candidate.parts.items()
                    ],
                }
            )
    return render(
        request,
        "diaspora/request_detail.html",
        {
            "section": "requests",
            "row": row,
            "skills": _concept_labels(row.skill_uris),
            "priority": PrioritySector.objects.filter(
                office__country=row.host.country, sector=row.sector
            ).exists(),
            "is_officer": is_officer,
            "is_host": is_host,
            "shortlist": shortlist,
            "shortlist_rows": shortlist_rows,
            "weights": matching.WEIGHTS,
            "invitations": invitations,
            "agreement_form": AgreementForm(initial={"starts_on": row.starts_on, "ends_on": row.ends_on}),
            "names": _names(),
        },
    )


def _groups(user: Any) -> set[int]:
    return set(user.user_groups.values_list("pk", flat=True))


def _request_action(
    request: HttpRequest, row: Request, user: Any, *, is_officer: bool, is_host: bool
) -> HttpResponse:
    action = request.POST.get("action", "")
    try:
        if action == "submit" and is_host:
            services.request_submit(actor=user, row=row, request=request)
        elif action == "approve" and is_officer:
            services.request_approve(actor=user, row=row, request=request)
        elif action == "close" and (is_officer or is_host):
            services.request_close(actor=user, row=row, request=request)
        elif action == "invite" and is_officer:
            expert = access.expert_get_for_user(user, request.POST.get("expert"), request=request)
            score = matching.score_for(row, expert)
            services.invitation_send(actor=user, row=row, expert=expert, score=score, request=request)
        elif action == "select" and is_host:
            invitation = access.invitation_get_for_user(user, request.POST.get("invitation"), request=request)
            if invitation.request_id != row.pk:
                raise Http404
            services.invitation_select(actor=user, invitation=invitation, request=request)
        elif action == "agreement" and is_officer:
            invitation = access.invitation_get_for_user(user, request.POST.get("invitation"), request=request)
            if invitation.request_id != row.pk:
                raise Http404
            form = AgreementForm(request.POST)
            if not form.is_valid():
                messages.error(request, _("The agreement was not saved: check the dates and the amount."))
                return redirect("diaspora:request", pk=row.pk)
            services.agreement_draft(
                actor=user, invitation=invitation, values=form.cleaned_data, request=request
            )
        elif action == "sign" and is_host:
            invitation = access.invitation_get_for_user(user, request.POST.get("invitation"), request=request)
            agreement = Agreement.objects.filter(invitation=invitation, invitation__request=row).first()
            if agreement is None:
                raise Http404
            services.agreement_sign(actor=user, agreement=agreement, request=request)
        else:
            raise Http404
    except PermissionDenied:
        raise Http404 from None
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("diaspora:request", pk=row.pk)


@require_POST
def agreement_sign_expert(request: HttpRequest, pk: int) -> HttpResponse:
    invitation = access.invitation_get_for_user(request.user, pk, request=request)
    agreement = Agreement.objects.filter(invitation=invitation).first()
    if agreement is None or not access.viewer_is_expert_of(request.user, invitation):
        raise Http404
    services.agreement_sign(actor=services.actor_of(request.user), agreement=agreement, request=request)
    return redirect("diaspora:profile")


# --- assignments -----------------------------------------------------------------------------------------


@permission_required_or_404(access.VIEW_ASSIGNMENT)
def assignment_list(request: HttpRequest) -> HttpResponse:
    rows = access.assignments_visible_to(request.user).select_related(
        "agreement__invitation__request__host__organisation", "agreement__invitation__expert"
    )
    return render(request, "diaspora/assignments.html", {"section": "assignments", "rows": rows[:500]})


@permission_required_or_404(access.VIEW_ASSIGNMENT)
@require_http_methods(["GET", "POST"])
def assignment_detail(request: HttpRequest, pk: int) -> HttpResponse:
    assignment = access.assignment_get_for_user(request.user, pk, request=request)
    user = services.actor_of(request.user)
    invitation = assignment.agreement.invitation
    is_expert = access.viewer_is_expert_of(user, invitation)
    is_host = access.viewer_is_host_of(user, invitation.request)
    hours_form, report_form = HoursForm(), EndReportForm()
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            if action == "advance":
                services.assignment_advance(
                    actor=user,
                    assignment=assignment,
                    stage=request.POST.get("stage", ""),
                    follow_up=request.POST.get("follow_up"),
                    request=request,
                )
            elif action == "hours":
                hours_form = HoursForm(request.POST)
                if hours_form.is_valid():
                    services.hours_log(
                        actor=user,
                        assignment=assignment,
                        worked_on=hours_form.cleaned_data["worked_on"],
                        hours=hours_form.cleaned_data["hours"],
                        request=request,
                    )
                else:
                    raise ValidationError(_("Give a date and between 0.5 and 24 hours."))
            elif action == "report":
                report_form = EndReportForm(request.POST)
                if report_form.is_valid():
                    services.end_report_submit(
                        actor=user, assignment=assignment, values=report_form.cleaned_data, request=request
                    )
                else:
                    raise ValidationError(_("The report was not saved: check the numbers and the rating."))
            elif action in REINTEGRATION_ACTIONS or action == "repeat":
                conflict = _assignment_programme_action(request, assignment, user, action)
                if conflict is not None:
                    return conflict
            else:
                raise Http404
        except PermissionDenied:
            raise Http404 from None
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        return HttpResponseRedirect(reverse("diaspora:assignment", args=[assignment.pk]))
    stages = [stage.value for stage in Assignment.Stage]
    next_stage = stages[stages.index(assignment.stage) + 1] if assignment.stage != stages[-1] else None
    reports = {r.author: r for r in assignment.reports.all()}
    return render(
        request,
        "diaspora/assignment_detail.html",
        {
            "section": "assignments",
            "assignment": assignment,
            "invitation": invitation,
            "person_days": selectors.person_days(assignment),
            "hours": list(assignment.hours.all()),
            "is_expert": is_expert,
            "is_host": is_host,
            "can_advance": has_permission(user, access.CHANGE_ASSIGNMENT) and not is_host,
            "next_stage": next_stage,
            "next_stage_label": dict(Assignment.Stage.choices).get(next_stage or "", ""),
            "hours_form": hours_form,
            "report_form": report_form,
            "expert_report": reports.get(EndReport.Author.EXPERT),
            "host_report": reports.get(EndReport.Author.HOST),
            "online": assignment.modality == Modality.ONLINE,
            **_programme_context(assignment, user),
            **getattr(request, "_diaspora_kept_forms", {}),
        },
    )


REINTEGRATION_ACTIONS = ("plan", "support", "support_given", "follow_up", "prepare")


def _assignment_programme_action(
    request: HttpRequest, assignment: Assignment, user: Any, action: str
) -> HttpResponse | None:
    """The programme officer's steps on an assignment page: the reintegration plan of a permanent return
    (its goals, support steps, follow-ups) and inviting the expert again. Returns the conflict page (409)
    when the plan or a step changed since the form was opened, else None (the caller redirects)."""
    if not access.viewer_runs_programme_of(user, assignment):
        raise Http404
    plan = ReintegrationPlan.objects.filter(assignment=assignment).first()
    if action == "plan":
        form = ReintegrationPlanForm(request.POST, prefix="plan")
        if not form.is_valid():
            raise ValidationError(_("The plan was not saved: check the goals."))
        try:
            services.reintegration_plan_save(
                actor=user,
                assignment=assignment,
                goals=form.cleaned_data["goals"],
                expected_version=form.expected_version() if plan else None,
                request=request,
            )
        except StaleEdit as stale:
            plan = ReintegrationPlan.objects.get(pk=plan.pk) if plan else None
            stored = {"goals": plan.goals if plan else "", "version": plan.version if plan else 0}
            conflict = edit_conflict(form, stale, stored)
            return _reintegration_conflict(request, assignment, {"plan_form": form, "conflict": conflict})
    elif action == "support":
        support_form = ReintegrationSupportForm(request.POST, prefix="support")
        if plan is None or not support_form.is_valid():
            raise ValidationError(_("The support was not saved: check the kind, the amount and the date."))
        services.reintegration_support_add(
            actor=user, plan=plan, values=support_form.cleaned_data, request=request
        )
    elif action == "support_given":
        support = ReintegrationSupport.objects.filter(plan=plan, pk=_int(request.POST.get("support"))).first()
        given = SupportGivenForm(request.POST, prefix=f"given-{support.pk}" if support else "given")
        if support is None or plan is None:
            raise Http404
        if not given.is_valid():
            raise ValidationError(_("Give the date the support was given."))
        try:
            services.reintegration_support_update(
                actor=user,
                support=support,
                expected_version=given.expected_version(),
                values={"status": ReintegrationSupport.Status.DONE, "done_on": given.cleaned_data["done_on"]},
                request=request,
            )
        except StaleEdit:
            return _reintegration_conflict(request, assignment, {})
    elif action == "follow_up":
        follow_up_form = ReintegrationFollowUpForm(request.POST, prefix="followup")
        if plan is None or not follow_up_form.is_valid():
            raise ValidationError(_("The follow-up was not saved: check the date and the situation."))
        services.reintegration_follow_up_add(
            actor=user, plan=plan, request=request, **follow_up_form.cleaned_data
        )
    elif action == "prepare":
        preparation_form = PreparationForm(request.POST)
        if not preparation_form.is_valid():
            raise ValidationError(_("Give the date it was done, or mark it not needed."))
        data = preparation_form.cleaned_data
        services.assignment_prepare(
            actor=user,
            assignment=assignment,
            item=data["item"],
            done_on=None if data["not_needed"] else data["done_on"],
            request=request,
        )
    elif action == "repeat":
        repeat_form = RepeatForm(request.POST, prefix="repeat")
        repeat_form.fields["request"].choices = _repeat_choices(user, assignment)  # type: ignore[attr-defined]
        if not repeat_form.is_valid():
            raise ValidationError(_("Choose an approved request."))
        row = access.request_get_for_user(user, repeat_form.cleaned_data["request"], request=request)
        services.assignment_invite_again(actor=user, assignment=assignment, row=row, request=request)
        messages.success(request, _("The expert is invited to the new request."))
    return None


def _reintegration_conflict(
    request: HttpRequest, assignment: Assignment, forms_kept: dict[str, Any]
) -> HttpResponse:
    """The assignment page again, answered 409: what is saved now, and the editor's typed values kept in
    their form (the plan's goals) to compare and save again."""
    messages.error(
        request,
        _(
            "Someone saved this plan while you were editing: nothing was overwritten. Here is what is saved now."
        ),
    )
    request.method = "GET"
    request._diaspora_kept_forms = forms_kept  # type: ignore[attr-defined]
    response = assignment_detail(request, assignment.pk)
    response.status_code = 409
    return response


def _int(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


def _repeat_choices(user: Any, assignment: Assignment) -> list[tuple[int, str]]:
    served = assignment.agreement.invitation.request_id
    rows = (
        access.requests_visible_to(user)
        .filter(status=Request.Status.APPROVED)
        .exclude(pk=served)
        .exclude(invitations__expert=assignment.agreement.invitation.expert)
        .select_related("host__organisation")
        .order_by("-pk")[:200]
    )
    return [(row.pk, f"{row.title} ({row.host})") for row in rows]


def _programme_context(assignment: Assignment, user: Any) -> dict[str, Any]:
    """Repeat assignments (for everyone who sees the assignment) and, for the expert and the programme's
    officers only, the reintegration plan of a permanent return."""
    runs = access.viewer_runs_programme_of(user, assignment)
    previous = assignment.agreement.invitation.repeat_of
    context: dict[str, Any] = {
        "runs_programme": runs,
        "repeat_of": previous
        if previous and access.assignments_visible_to(user).filter(pk=previous.pk).exists()
        else None,
        "repeats": list(
            access.assignments_visible_to(user)
            .filter(agreement__invitation__repeat_of=assignment)
            .select_related("agreement__invitation__request__host__organisation")
        ),
        "permanent": assignment.modality == Modality.PERMANENT,
        "preparation": [
            {
                "item": item,
                "label": PreparationItem(item).label,
                "value": (assignment.preparation or {}).get(item, ""),
            }
            for item in PREPARATION_ITEMS.get(assignment.modality, ())
        ],
    }
    if runs and assignment.stage in (Assignment.Stage.FOLLOW_UP, Assignment.Stage.CLOSED):
        repeat_form = RepeatForm(prefix="repeat")
        repeat_form.fields["request"].choices = _repeat_choices(user, assignment)  # type: ignore[attr-defined]
        context["repeat_form"] = repeat_form
    if assignment.modality == Modality.PERMANENT and access.reintegration_visible(user, assignment):
        plan = ReintegrationPlan.objects.filter(assignment=assignment).first()
        steps = list(plan.steps.all()) if plan else []
        context.update(
            {
                "plan": plan,
                "steps": [
                    {
                        "support": step,
                        "given_form": SupportGivenForm(
                            prefix=f"given-{step.pk}", initial={"version": step.version}
                        ),
                    }
                    for step in steps
                ],
                "follow_ups": list(plan.follow_ups.all()) if plan else [],
                "support_total": sum((step.amount for step in steps if step.status == "done"), Decimal(0)),
            }
        )
        if runs:
            context.update(
                {
                    "plan_form": ReintegrationPlanForm(
                        prefix="plan",
                        initial={"goals": plan.goals if plan else "", "version": plan.version if plan else 0},
                    ),
                    "support_form": ReintegrationSupportForm(prefix="support"),
                    "follow_up_form": ReintegrationFollowUpForm(prefix="followup"),
                }
            )
    return context


# --- reports and the map ---------------------------------------------------------------------------------


def reports(request: HttpRequest) -> HttpResponse:
    origin = (request.GET.get("origin") or "").upper()[:3]
    if origin and not Country.objects.filter(iso3=origin).exists():
        origin = ""
    figures = selectors.report(country_of_origin=origin)
    names = _names()
    sector_labels = dict(Sector.choices)
    modality_labels = dict(Modality.choices)
    from migdev.diaspora.models import Sex

    sex_labels = {**dict(Sex.choices), "unknown": _("Not stated")}
    tables = [
        (_("By country of origin"), [(names.get(k, k), n, d) for k, n, d in figures.by_origin.rows()]),
        (_("By sector"), [(sector_labels.get(k, k), n, d) for k, n, d in figures.by_sector.rows()]),
        (_("By modality"), [(modality_labels.get(k, k), n, d) for k, n, d in figures.by_modality.rows()]),
        (_("By sex of the expert"), [(sex_labels.get(k, k), n, d) for k, n, d in figures.by_sex.rows()]),
    ]
    from migdev.diaspora.models import ReintegrationFollowUp, ReintegrationSupport

    support_labels = dict(ReintegrationSupport.Kind.choices)
    situation_labels = dict(ReintegrationFollowUp.Situation.choices)
    counts = [
        (
            _("Registered experts by sector"),
            [(sector_labels.get(k, k), n) for k, n in figures.experts_by_sector],
        ),
        (
            _("Registered experts by modality they accept"),
            [(modality_labels.get(k, k), n) for k, n in figures.experts_by_modality],
        ),
        (
            _("Institutions supported by country"),
            [(names.get(k, k), n) for k, n in figures.institutions_by_country],
        ),
        (
            _("Institutions supported by sector"),
            [(sector_labels.get(k, k), n) for k, n in figures.institutions_by_sector],
        ),
        (
            _("Permanent return: support given, by kind"),
            [(support_labels.get(k, k), n) for k, n in sorted(figures.reintegration_support_given.items())],
        ),
        (
            _("Permanent return: situation at the latest follow-up"),
            [
                (situation_labels.get(k, k), n)
                for k, n in sorted(figures.reintegration_latest_situation.items())
            ],
        ),
    ]
    status_labels = dict(Request.Status.choices)
    from migdev.indicators import charts

    bars = [(names.get(k, k), float(d)) for k, _n, d in figures.by_origin.rows() if d]
    chart = (
        charts.bar_chart(
            bars,
            title=_("Person-days by country of origin"),
            description=_(
                "Bars of the person-days of assignments by the experts' country of origin; the table below lists them."
            ),
            format_value=lambda value: number_format(value, 1),
            key="person-days",
        )
        if bars
        else None
    )
    return render(
        request,
        "diaspora/reports.html",
        {
            "chart": chart,
            "section": "reports",
            "figures": figures,
            "tables": tables,
            "counts": counts,
            "requests_by_status": [(status_labels.get(k, k), n) for k, n in figures.requests_by_status],
            "origin": origin,
            "origin_name": names.get(origin, ""),
            "countries": sorted(names.items(), key=lambda item: collation_key(item[1])),
            "share_filled": number_format(figures.share_filled_percent, 0)
            if figures.share_filled_percent is not None
            else None,
        },
    )


def diaspora_map(request: HttpRequest) -> HttpResponse:
    from django.conf import settings

    from migdev.indicators import charts, worldmap

    names = _names()
    origin = (request.GET.get("origin") or "").upper()[:3]
    if origin not in names:
        origin = ""
    context: dict[str, Any] = {
        "section": "map",
        "origin": origin,
        "countries": sorted(names.items(), key=lambda item: collation_key(item[1])),
    }
    if not origin:
        return render(request, "diaspora/map.html", context)
    edition = (request.GET.get("edition") or "")[:60] or None
    found = selectors.diaspora_map(origin, edition_code=edition)
    exact = has_permission(request.user, access.APPROVE_REQUEST)
    shapes = worldmap.world_shapes()
    areas, values = [], []
    by_code = {row.code: row for row in found.rows}
    for country in Country.objects.all():
        row = by_code.get(country.iso3)
        value = row.emigrants if row else None
        if value is not None:
            values.append(value)
        path = shapes.paths.get(country.iso2.upper())
        if path is None:
            continue
        display = _people(value) if value is not None else _("No data")
        areas.append(charts.MapArea(country.iso3, country.name, value, display, path))
    breaks = charts.quantile_breaks(values)
    sector_labels = dict(Sector.choices)
    rows = [
        {
            "code": row.code,
            "name": names.get(row.code, row.code),
            "emigrants": _people(row.emigrants),
            "experts": _count(row.experts, exact),
            "per_100k": number_format(row.experts_per_100k, 2)
            if row.experts_per_100k is not None and (exact or row.experts >= selectors.SMALL_COUNT)
            else "–",
            "sectors": ", ".join(
                f"{sector_labels.get(code, code)} ({_count(n, exact)})"
                for code, n in sorted(row.sectors.items())
            ),
        }
        for row in found.rows
    ]
    context.update(
        {
            "found": found,
            "rows": rows,
            "svg": charts.world_map(
                areas,
                breaks,
                width=shapes.width,
                height=shapes.height,
                title=_("Emigrants from %(country)s by country of residence") % {"country": names[origin]},
                description=_(
                    "World map of the countries where emigrants from %(country)s live, coloured by fifths; the "
                    "table below lists every value with the registered experts."
                )
                % {"country": names[origin]},
                key="diaspora",
            ),
            "key": charts.choropleth_key(
                values,
                breaks,
                legend_format=_people,
                no_data=_("No data"),
                no_data_count=sum(1 for a in areas if a.value is None),
            ),
            "origin_name": names[origin],
            "experts_total": _count(found.experts_total, exact),
            "emigrants_total": _people(found.emigrants_total) if found.rows else "–",
            "exact": exact,
            "small": selectors.SMALL_COUNT,
            "package": worldmap.PACKAGE,
            "author": worldmap.AUTHOR,
            "licence": worldmap.LICENCE,
            "partners_url": reverse("indicators:country_partners", args=[origin])
            if "migdev.indicators" in settings.INSTALLED_APPS
            else "",
        }
    )
    return render(request, "diaspora/map.html", context)


def _people(value: float | None) -> str:
    return "–" if value is None else number_format(round(value), 0, force_grouping=True)


def _count(value: int, exact: bool) -> str:
    if exact or value == 0 or value >= selectors.SMALL_COUNT:
        return str(value)
    return _("fewer than %(n)d") % {"n": selectors.SMALL_COUNT}


# --- self-registration with a verified email -------------------------------------------------------------

REGISTRATION_SALT = "migdev.diaspora.registration"
REGISTRATION_MAX_AGE = 3 * 24 * 3600


def _email_enabled() -> bool:
    from django.conf import settings

    return (
        bool(settings.EMAIL_HOST) or settings.EMAIL_BACKEND != "django.core.mail.backends.smtp.EmailBackend"
    )


@require_http_methods(["GET", "POST"])
def register(request: HttpRequest) -> HttpResponse:
    """Step one: the expert gives an email address and gets a link valid three days. The page answers the
    same whether or not the address is known, so it tells nobody who is registered."""
    from django.core import signing
    from django.core.mail import send_mail

    from migdev.diaspora.forms import RegistrationEmailForm

    form = RegistrationEmailForm(request.POST or None)
    sent = False
    if request.method == "POST" and _email_enabled() and form.is_valid():
        email = form.cleaned_data["email"].strip().lower()
        token = signing.dumps({"email": email}, salt=REGISTRATION_SALT)
        link = request.build_absolute_uri(reverse("diaspora:register_confirm", args=[token]))
        send_mail(
            _("Your registration on the diaspora expert roster"),
            _(
                "Open this link within three days to create your expert account:\n\n%(link)s\n\nIf you did not ask for it, ignore this message."
            )
            % {"link": link},
            None,
            [email],
        )
        sent = True
    return render(
        request,
        "diaspora/register.html",
        {"section": "register", "form": form, "sent": sent, "email_enabled": _email_enabled()},
    )


@require_http_methods(["GET", "POST"])
def register_confirm(request: HttpRequest, token: str) -> HttpResponse:
    """Step two, from the emailed link: the account and the roster profile, with consent to processing."""
    from django.contrib.auth import login
    from django.core import signing

    from migdev.accounts.models import RoleDefinition, User
    from migdev.diaspora.forms import RegistrationForm

    try:
        email = signing.loads(token[:500], salt=REGISTRATION_SALT, max_age=REGISTRATION_MAX_AGE)["email"]
    except (signing.BadSignature, KeyError, TypeError):
        return render(request, "diaspora/register.html", {"section": "register", "expired": True}, status=404)
    if User.objects.filter(email__iexact=email).exists():
        return render(request, "diaspora/register.html", {"section": "register", "already": True})
    form = RegistrationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        user = User.objects.create_user(username=data["username"], email=email, password=data["password"])
        user.roles.set(RoleDefinition.objects.filter(code="expert"))
        services.expert_create(
            actor=user,
            user=user,
            group=_registration_programme(),
            values={
                "given_name": data["given_name"],
                "family_name": data["family_name"],
                "email": email,
                "country_of_origin": data["country_of_origin"],
                "country_of_residence": data["country_of_residence"],
                "modalities": data["modalities"],
            },
            consent_processing=data["consent_processing"],
            request=request,
        )
        login(request, user, backend="migdev.accounts.backends.RoleBackend")
        messages.success(request, _("Welcome. Complete your profile so that institutions can find you."))
        return redirect("diaspora:profile")
    return render(
        request, "diaspora/register_confirm.html", {"section": "register", "form": form, "email": email}
    )


def _registration_programme() -> Any:
    """The programme self-registered experts join: ``DIASPORA_REGISTRATION_PROGRAMME`` (a user group's
    name) when set, else the programme that already holds most experts."""
    from django.conf import settings
    from django.db.models import Count

    from migdev.accounts.models import UserGroup

    name = getattr(settings, "DIASPORA_REGISTRATION_PROGRAMME", "")
    if name:
        return UserGroup.objects.filter(name=name).first()
    busiest = (
        Expert.objects.filter(group__isnull=False)
        .values("group")
        .annotate(n=Count("pk"))
        .order_by("-n", "group")
        .first()
    )
    return UserGroup.objects.filter(pk=busiest["group"]).first() if busiest else None


# --- the government's priority sectors -------------------------------------------------------------------


@permission_required_or_404(access.CHANGE_PRIORITY)
@require_http_methods(["GET", "POST"])
def priorities(request: HttpRequest) -> HttpResponse:
    """The diaspora office sets its country's priority sectors; its country's requests are listed beside."""
    from migdev.diaspora.forms import PriorityForm
    from migdev.diaspora.models import DiasporaOffice

    user = services.actor_of(request.user)
    office = (
        DiasporaOffice.objects.filter(organisation_id=user.organisation_id).first()
        if user.organisation_id
        else None
    )
    if office is None:
        raise Http404
    current = list(office.priorities.values_list("sector", flat=True))
    form = PriorityForm(request.POST or None, initial={"sectors": current})
    if request.method == "POST" and form.is_valid():
        try:
            services.priority_sector_set(
                actor=user, office=office, sectors=form.cleaned_data["sectors"], request=request
            )
        except PermissionDenied:
            raise Http404 from None
        messages.success(request, _("The priority sectors are saved."))
        return redirect("diaspora:priorities")
    rows = access.requests_visible_to(user).select_related("host__organisation").order_by("-pk")[:200]
    return render(
        request,
        "diaspora/priorities.html",
        {
            "section": "priorities",
            "office": office,
            "form": form,
            "rows": rows,
            "country": _names().get(office.country, office.country),
        },
    )
