"""Pages of the counter-trafficking module. Thin: every read goes through an access function in
``selectors``, every write through ``services``.

Case pages are never cached and their form posts are hidden from error reports, since they hold
identifying values.
"""

import json
import re
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters, sensitive_variables
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from migdev.accounts.access import has_permission, permission_required_or_404
from migdev.accounts.models import User
from migdev.audit.models import AuditAction
from migdev.audit.services import audit_log
from migdev.core.versioning import StaleEdit, edit_conflict
from migdev.dataio.errors import ImportRejected
from migdev.dataio.exports import export_response
from migdev.jobs.services import job_enqueue
from migdev.trafficking import ctdc, exchange, forms, htcds, linkage, search, selectors, services
from migdev.trafficking.aggregates import HIDDEN_VALUE
from migdev.trafficking.countries import country_names
from migdev.trafficking.jobs import RELEASE_BUILD_JOB
from migdev.trafficking.loaders import CASE_SHEET
from migdev.trafficking.models import (
    AnalyticSource,
    Case,
    CaseAttachment,
    CaseRequest,
    CaseTask,
    Consent,
    Release,
)
from migdev.trafficking.releases import GROUP_DIMENSIONS
from migdev.trafficking.tokens import PersonKeys

PAGE_SIZE = 25
# A case reference or a piece of one ("CT-7K2M", "7K2M-Q9XA"): it always holds a digit or a hyphen, which
# keeps names out of the address even when someone types one there.
REFERENCE_FRAGMENT = re.compile(r"^(?=.*[0-9-])[A-Z0-9-]{3,20}$")
EXPORT_FORMATS = ("csv", "xlsx")
EXPORT_NAMINGS = ("labels", "htcds")


def _user(request: HttpRequest) -> User:
    user = request.user
    if not isinstance(user, User):
        raise PermissionDenied
    return user


def _form_errors(form: Any, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, messages_ in error.message_dict.items():
            form.add_error(field if field in form.fields else None, messages_)
    else:
        form.add_error(None, error.messages)


# --- public ------------------------------------------------------------------------------------------------


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    links = {
        "cases": has_permission(user, selectors.CASE_VIEW),
        "intake": has_permission(user, selectors.CASE_ADD),
        "approvals": has_permission(user, selectors.CASE_APPROVE),
        "duplicates": has_permission(user, selectors.CASE_MERGE),
        "statistics": has_permission(user, selectors.STATISTICS_VIEW),
        "releases": has_permission(user, selectors.RELEASE_VIEW),
    }
    return render(request, "trafficking/home.html", {"links": links})


def _value_label(dimension: str, value: Any, names: dict[str, str]) -> str:
    if value is None:
        return _("Not recorded")
    if value == HIDDEN_VALUE:
        return _("Other values (suppressed)")
    if dimension in ctdc.FLAG_GROUP_BY_NAME:
        for flag in ctdc.FLAG_GROUP_BY_NAME[dimension].flags:
            if flag.field == value:
                return str(flag.label)
    if dimension in ("citizenship", "country_of_exploitation"):
        return names.get(str(value), str(value))
    if value == "TransgenderNonConforming":
        return _("Transgender or non-conforming")
    return str(value)


def _dimension_label(dimension: str) -> str:
    if dimension in ctdc.FLAG_GROUP_BY_NAME:
        return str(ctdc.FLAG_GROUP_BY_NAME[dimension].label)
    return str(ctdc.CATEGORY_FIELDS.get(dimension, dimension))


def charted_tables(tables: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Tables ready for the template: labels, and bar lengths (0-100) for the server-side SVG charts."""
    from migdev.reference.models import Country

    names = {country.iso3: country.name for country in Country.objects.all()}
    result = []
    for table in tables:
        largest = max((cell["count"] or 0 for cell in table["cells"]), default=0) or 1
        cells = []
        for position, cell in enumerate(table["cells"]):
            cells.append(
                {
                    **cell,
                    "label": _value_label(table["dimension"], cell["value"], names),
                    "bar": round(100 * (cell["count"] or 0) / largest, 1),
                    "y": position * 26,
                }
            )
        result.append(
            {
                **table,
                "label": _dimension_label(table["dimension"]),
                "cells": cells,
                "chart_height": len(cells) * 26,
                "has_counts": any(cell["count"] for cell in cells),
                "group": table["dimension"] in GROUP_DIMENSIONS,
            }
        )
    return result


@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    """Public figures: only the latest aggregates release a data protection officer approved."""
    sections = []
    for release in selectors.published_aggregates_by_sources():
        content = json.loads(release.content)
        sections.append(
            {
                "release": release,
                "content": content,
                "tables": charted_tables(content["tables"]),
                "sources": release.parameters.get("source_details", []),
                "combined": bool(release.parameters.get("combined")),
            }
        )
    downloads = selectors.published_releases().exclude(kind=Release.Kind.AGGREGATES)
    return render(
        request,
        "trafficking/dashboard.html",
        {
            "sections": sections,
            "release": sections[0]["release"] if sections else None,
            "downloads": downloads,
        },
    )


@require_GET
def release_download(request: HttpRequest, pk: int) -> HttpResponseBase:
    """An approved release for anyone; a draft only for those who build or review releases."""
    release = selectors.published_releases().filter(pk=pk).first()
    if release is None:
        if not request.user.is_authenticated:
            raise Http404
        release = selectors.release_get_for_user(request.user, pk, request=request)
    extension = "json" if release.kind == Release.Kind.AGGREGATES else "csv"
    response = HttpResponse(
        release.content, content_type="application/json" if extension == "json" else "text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="migdev-release-{release.pk}.{extension}"'
    if release.state != Release.State.APPROVED:
        audit_log(action=AuditAction.EXPORT, request=request, record=release, detail={"state": release.state})
    return response


# --- cases ---------------------------------------------------------------------------------------------------


@never_cache
@login_required
@permission_required_or_404(selectors.CASE_VIEW)
@require_GET
def case_list(request: HttpRequest) -> HttpResponse:
    cases = selectors.cases_visible_to(request.user)
    status = request.GET.get("status", "")
    if status in htcds.CaseStatus.values:
        cases = cases.filter(status=status)
    # Only a reference is looked up from the address; names are searched with the posted form.
    reference = request.GET.get("reference", "").strip().upper()
    if reference and not REFERENCE_FRAGMENT.match(reference):
        reference = ""
    if reference:
        cases = cases.filter(reference__icontains=reference)
    page = Paginator(cases.order_by("-updated_at", "-pk"), PAGE_SIZE).get_page(request.GET.get("page"))
    selectors.case_list_audit(user=request.user, cases=page.object_list, request=request, purpose="list")
    query = "&".join(
        f"{key}={value}" for key, value in (("status", status), ("reference", reference)) if value
    )
    return render(
        request,
        "trafficking/case_list.html",
        {
            "page": page,
            "query": query,
            "status": status,
            "reference": reference,
            "statuses": htcds.CaseStatus.choices,
            "can_add": has_permission(request.user, selectors.CASE_ADD),
            "can_export": has_permission(request.user, selectors.CASE_EXPORT),
            "search_form": forms.PersonSearchForm(),
        },
    )


@never_cache
@sensitive_post_parameters()
@sensitive_variables("form", "terms")
@login_required
@permission_required_or_404(selectors.CASE_VIEW)
@require_http_methods(["GET", "POST"])
def person_find(request: HttpRequest) -> HttpResponse:
    """Find a person by name, birth date, phone or identity number among the cases in scope. The terms
    come by POST and are answered on the same request (no redirect, so they never reach an address);
    the search is audited with its result count, never its terms."""
    form = forms.PersonSearchForm(request.POST or None)
    found: list[Any] | None = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        terms = PersonKeys.build(
            names=[data["name"] or ""],
            birth_date=data["birth_date"],
            phones=[data["phone"] or ""],
            identity_number=data["identity_number"] or "",
        )
        found = search.person_search(request.user, terms, request=request)
    return render(
        request,
        "trafficking/person_find.html",
        {"form": form, "found": found, "field_labels": linkage.FIELD_LABELS},
    )


@never_cache
@login_required
@permission_required_or_404(selectors.CASE_EXPORT)
@require_GET
def case_export(request: HttpRequest) -> HttpResponseBase:
    """Cases in scope as CSV or XLSX, with the interface's column labels or (``names=htcds``) the HTCDS 2.0
    field names; an HTCDS XLSX is laid out as the toolkit's Case Sheet, so it loads back."""
    fmt = request.GET.get("format", "csv")
    naming = request.GET.get("names", "labels")
    if fmt not in EXPORT_FORMATS or naming not in EXPORT_NAMINGS:
        raise Http404
    cases = list(selectors.cases_visible_to(request.user, selectors.CASE_EXPORT).order_by("pk"))
    audit_log(
        action=AuditAction.EXPORT,
        request=request,
        record_type=Case._meta.label_lower,
        detail={
            "cases": [case.reference for case in cases],
            "count": len(cases),
            "format": fmt,
            "names": naming,
        },
    )
    stamp = timezone.now().strftime("%Y%m%d-%H%M")
    if naming == "htcds":
        columns = [
            (exchange.column_for(name), exchange.column_for(name)) for name in services.EDITABLE_FIELDS
        ]
        columns += [(name, name) for name in exchange.CASE_COLUMNS]
        labels = exchange.column_labels()
        return export_response(
            exchange.htcds_rows(cases, services.EDITABLE_FIELDS),
            columns,
            fmt,  # type: ignore[arg-type]
            f"cases-htcds-{stamp}",
            sheet_title=CASE_SHEET,
            xlsx_label_row=[labels.get(key, key) for key, _header in columns],
        )
    label_columns = (
        [("reference", _("Case reference"))]
        + [(name, forms.field_label(name)) for name in services.EDITABLE_FIELDS]
        + [("status", _("Status")), ("owner", _("Case owner"))]
    )
    rows = []
    for case in cases:
        row: dict[str, Any] = {name: getattr(case, name) for name in services.EDITABLE_FIELDS}
        for name, value in row.items():
            if isinstance(value, list):
                row[name] = "; ".join(str(item) for item in value)
        row.update(reference=case.reference, status=case.status, owner=case.owner.get_username())
        rows.append(row)
    return export_response(rows, label_columns, fmt, f"cases-{stamp}")  # type: ignore[arg-type]


@never_cache
@sensitive_post_parameters()
@login_required
@permission_required_or_404(selectors.CASE_ADD)
@require_http_methods(["GET", "POST"])
def case_import(request: HttpRequest) -> HttpResponse:
    """A case worker loads an HTCDS toolkit workbook into cases they own, at once and all or nothing.

    The upload is read in this request from a private temporary file that is gone when it returns: a
    workbook of victims' data is never stored to be picked up by the job queue.
    """
    form = forms.CaseImportForm(request.POST or None, request.FILES or None)
    result = None
    errors: list[Any] = []
    if request.method == "POST" and form.is_valid():
        try:
            result = services.cases_import_htcds(upload=form.cleaned_data["file"], user=_user(request))
        except ImportRejected as rejection:
            errors = list(rejection.errors)
    return render(
        request,
        "trafficking/case_import.html",
        {"form": form, "result": result, "import_errors": errors},
    )


@never_cache
@sensitive_post_parameters()
@login_required
@permission_required_or_404(selectors.CASE_ADD)
@require_http_methods(["GET", "POST"])
def case_create(request: HttpRequest) -> HttpResponse:
    form = forms.CaseForm(request.POST or None, initial={"registered_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.case_create(actor=_user(request), values=form.case_values(), request=request)
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(request, _("Case %(ref)s opened.") % {"ref": saved.case.reference})
            if saved.possible_duplicates:
                messages.warning(
                    request,
                    _(
                        "Possible duplicate of %(refs)s: a similar person is already recorded. Ask your "
                        "supervisor to compare them and merge them if it is the same person."
                    )
                    % {"refs": ", ".join(case.reference for case in saved.possible_duplicates)},
                )
            return redirect("trafficking:case_detail", saved.case.pk)
    return render(request, "trafficking/case_form.html", {"form": form, "case": None})


@never_cache
@login_required
@require_GET
def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    case = selectors.case_get_for_user(request.user, pk, request=request)
    user = request.user
    pending = (
        case.requests.filter(state=CaseRequest.State.PENDING)
        .select_related("created_by", "new_owner")
        .first()
    )
    context = {
        "case": case,
        "duplicates": selectors.case_possible_duplicates(user, case),
        "can_merge": has_permission(user, selectors.CASE_MERGE),
        "consents": case.consents.prefetch_related("partners"),
        "referrals": case.referrals.select_related("organisation"),
        "transfers": case.transfers.all(),
        "comments": case.comments.select_related("created_by"),
        "tasks": case.tasks.select_related("assigned_to", "done_by"),
        "attachments": case.attachments.select_related("created_by"),
        "perpetrators": case.perpetrators.all(),
        "events": case.events.all(),
        "plans": case.support_plans.all(),
        "services_delivered": case.services.select_related("provider"),
        "pending": pending,
        "history": case.requests.exclude(state=CaseRequest.State.PENDING).select_related("decided_by"),
        "can_change": selectors.cases_visible_to(user, selectors.CASE_CHANGE).filter(pk=case.pk).exists()
        and case.anonymised_at is None
        and case.merged_into_id is None,
        "can_decide": pending is not None
        and pending.created_by_id != user.pk
        and selectors.cases_visible_to(user, selectors.CASE_APPROVE).filter(pk=case.pk).exists(),
        "comment_form": forms.CommentForm(),
        "task_form": forms.TaskForm(case=case),
        "attachment_form": forms.AttachmentForm(),
        "decision_form": forms.DecisionForm(),
    }
    return render(request, "trafficking/case_detail.html", context)


@never_cache
@sensitive_post_parameters()
@sensitive_variables("form", "case")
@login_required
@require_http_methods(["GET", "POST"])
def case_edit(request: HttpRequest, pk: int) -> HttpResponse:
    case = selectors.case_get_for_user(request.user, pk, perm=selectors.CASE_CHANGE, request=request)
    conflict = None
    if request.method == "POST":
        form = forms.CaseForm(request.POST)
        if form.is_valid():
            expected = form.cleaned_data.get("version") or 0
            try:
                services.case_update(
                    actor=_user(request),
                    case=case,
                    expected_version=expected,
                    values=form.case_values(),
                    request=request,
                )
            except StaleEdit as stale:
                # Nothing is lost: the form keeps what this editor typed, next to what is now stored.
                conflict = edit_conflict(form, stale, forms.initial_for(Case.objects.get(pk=case.pk)))
            except ValidationError as error:
                _form_errors(form, error)
            else:
                messages.success(request, _("Case %(ref)s saved.") % {"ref": case.reference})
                return redirect("trafficking:case_detail", case.pk)
    else:
        form = forms.CaseForm(initial=forms.initial_for(case))
    status = 409 if conflict else 200
    return render(
        request,
        "trafficking/case_form.html",
        {"form": form, "case": case, "conflict": conflict},
        status=status,
    )


def _case_action(
    request: HttpRequest,
    pk: int,
    *,
    form_factory: Callable[..., Any],
    perform: Callable[[User, Case, dict[str, Any]], Any],
    title: str,
    done: str,
    template: str = "trafficking/case_action.html",
    form_needs_case: bool = False,
) -> HttpResponse:
    case = selectors.case_get_for_user(request.user, pk, perm=selectors.CASE_CHANGE, request=request)
    form = (
        form_factory(request.POST or None, case=case)
        if form_needs_case
        else form_factory(request.POST or None)
    )
    if request.method == "POST" and form.is_valid():
        try:
            perform(_user(request), case, form.cleaned_data)
        except services.ConsentRequired as error:
            form.add_error(None, str(error))
        except PermissionDenied as error:
            form.add_error(None, str(error) or _("You may not do this."))
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(request, done)
            return redirect("trafficking:case_detail", case.pk)
    return render(request, template, {"case": case, "form": form, "title": title})


@never_cache
@sensitive_post_parameters()
@login_required
@require_POST
def case_comment(request: HttpRequest, pk: int) -> HttpResponse:
    return _case_action(
        request,
        pk,
        form_factory=forms.CommentForm,
        perform=lambda user, case, data: services.case_comment_add(
            actor=user, case=case, body=data["body"], request=request
        ),
        title=_("Add a comment"),
        done=_("Comment added."),
    )


@never_cache
@sensitive_post_parameters()
@login_required
@require_POST
def case_task_add(request: HttpRequest, pk: int) -> HttpResponse:
    return _case_action(
        request,
        pk,
        form_factory=forms.TaskForm,
        form_needs_case=True,
        perform=lambda user, case, data: services.case_task_add(
            actor=user,
            case=case,
            title=data["title"],
            due_on=data["due_on"],
            assigned_to=data["assigned_to"],
            request=request,
        ),
        title=_("Add a follow-up task"),
        done=_("Task added."),
    )


@never_cache
@login_required
@require_POST
def case_task_done(request: HttpRequest, pk: int, task_pk: int) -> HttpResponse:
    task = selectors.case_record_get_for_user(request.user, CaseTask, task_pk, perm=selectors.CASE_CHANGE)
    if task.case_id != pk:
        raise Http404
    try:
        version = int(request.POST.get("version", ""))
    except ValueError:
        version = -1
    try:
        services.case_task_done(actor=_user(request), task=task, version=version, request=request)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Task done."))
    if request.POST.get("next") == "tasks":
        return redirect("trafficking:my_tasks")
    return redirect("trafficking:case_detail", pk)


@never_cache
@login_required
@permission_required_or_404(selectors.CASE_VIEW)
@require_GET
def my_tasks(request: HttpRequest) -> HttpResponse:
    tasks = list(selectors.case_tasks_open_for(request.user))
    selectors.case_list_audit(
        user=request.user, cases={task.case: None for task in tasks}, request=request, purpose="tasks"
    )
    return render(request, "trafficking/tasks.html", {"tasks": tasks, "today": timezone.localdate()})


@never_cache
@sensitive_post_parameters()
@login_required
@require_POST
def case_attachment_add(request: HttpRequest, pk: int) -> HttpResponse:
    case = selectors.case_get_for_user(request.user, pk, perm=selectors.CASE_CHANGE, audit_read=False)
    form = forms.AttachmentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.case_attachment_add(
                actor=_user(request),
                case=case,
                upload=form.cleaned_data["file"],
                description=form.cleaned_data["description"],
                request=request,
            )
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(request, _("File attached."))
            return redirect("trafficking:case_detail", pk)
    return render(
        request,
        "trafficking/case_action.html",
        {"case": case, "form": form, "title": _("Attach a file"), "multipart": True},
        status=400,
    )


@never_cache
@login_required
@require_GET
def case_attachment_download(request: HttpRequest, pk: int, attachment_pk: int) -> HttpResponseBase:
    attachment = selectors.case_record_get_for_user(
        request.user, CaseAttachment, attachment_pk, request=request, audit_read=True
    )
    if attachment.case_id != pk:
        raise Http404
    response = HttpResponse(
        services.case_attachment_content(attachment), content_type=attachment.content_type
    )
    response["Content-Disposition"] = (
        content_disposition_header(True, attachment.original_name) or "attachment"
    )
    return response


@never_cache
@login_required
@require_POST
def case_attachment_delete(request: HttpRequest, pk: int, attachment_pk: int) -> HttpResponse:
    attachment = selectors.case_record_get_for_user(
        request.user, CaseAttachment, attachment_pk, perm=selectors.CASE_CHANGE
    )
    if attachment.case_id != pk:
        raise Http404
    services.case_attachment_delete(actor=_user(request), attachment=attachment, request=request)
    messages.success(request, _("File removed."))
    return redirect("trafficking:case_detail", pk)


@never_cache
@sensitive_post_parameters()
@login_required
@require_http_methods(["GET", "POST"])
def case_consent(request: HttpRequest, pk: int) -> HttpResponse:
    return _case_action(
        request,
        pk,
        form_factory=forms.ConsentForm,
        perform=lambda user, case, data: services.consent_record(
            actor=user,
            case=case,
            purpose=data["purpose"],
            given_by=data["given_by"],
            given_by_name=data["given_by_name"],
            partners=data["partners"],
            method=data["method"],
            expires_on=data["expires_on"],
            request=request,
        ),
        title=_("Record consent"),
        done=_("Consent recorded."),
    )


@never_cache
@login_required
@require_POST
def consent_withdraw(request: HttpRequest, pk: int, consent_pk: int) -> HttpResponse:
    consent = selectors.case_record_get_for_user(
        request.user, Consent, consent_pk, perm=selectors.CASE_CHANGE, request=request
    )
    if consent.case_id != pk:
        raise Http404
    services.consent_withdraw(actor=_user(request), consent=consent, request=request)
    messages.success(request, _("Consent withdrawn."))
    return redirect("trafficking:case_detail", pk)


@never_cache
@sensitive_post_parameters()
@login_required
@require_http_methods(["GET", "POST"])
def referral_out(request: HttpRequest, pk: int) -> HttpResponse:
    return _case_action(
        request,
        pk,
        form_factory=lambda data, case: forms.ReferralOutForm(
            data, organisations=services.referral_recipients(_user(request), case)
        ),
        form_needs_case=True,
        perform=lambda user, case, data: services.referral_make_outgoing(
            actor=user,
            case=case,
            organisation=data["organisation"],
            reason=data["reason"],
            purpose=data["purpose"],
            safeguards=data["safeguards"],
            fields_shared=data["fields_shared"],
            details=data["details"],
            case_worker_name=data["case_worker_name"],
            override_justification=data["override_justification"],
            request=request,
        ),
        title=_("Refer to a partner"),
        done=_("Referral recorded and the transfer logged."),
    )


@never_cache
@sensitive_post_parameters()
@login_required
@require_http_methods(["GET", "POST"])
def referral_in(request: HttpRequest, pk: int) -> HttpResponse:
    return _case_action(
        request,
        pk,
        form_factory=forms.ReferralInForm,
        perform=lambda user, case, data: services.referral_record_incoming(
            actor=user, case=case, values=data, request=request
        ),
        title=_("Record an incoming referral"),
        done=_("Referral recorded."),
    )


@never_cache
@sensitive_post_parameters()
@login_required
@require_http_methods(["GET", "POST"])
def perpetrator_add(request: HttpRequest, pk: int) -> HttpResponse:
    return _case_action(
        request,
        pk,
        form_factory=forms.PerpetratorForm,
        perform=lambda user, case, data: services.perpetrator_add(
            actor=user, case=case, values=data, request=request
        ),
        title=_("Add a perpetrator"),
        done=_("Perpetrator added."),
    )


@never_cache
@sensitive_post_parameters()
@login_required
@require_http_methods(["GET", "POST"])
def event_add(request: HttpRequest, pk: int) -> HttpResponse:
    return _case_action(
        request,
        pk,
        form_factory=forms.EventForm,
        perform=lambda user, case, data: services.trafficking_event_add(
            actor=user, case=case, values=data, request=request
        ),
        title=_("Add a trafficking event"),
        done=_("Event added."),
    )


@never_cache
@sensitive_post_parameters()
@login_required
@require_http_methods(["GET", "POST"])
def support_plan_add(request: HttpRequest, pk: int) -> HttpResponse:
    return _case_action(
        request,
        pk,
        form_factory=forms.SupportPlanForm,
        perform=lambda user, case, data: services.support_plan_add(
            actor=user, case=case, values=data, request=request
        ),
        title=_("Add a support plan"),
        done=_("Support plan added."),
    )


@never_cache
@sensitive_post_parameters()
@login_required
@require_http_methods(["GET", "POST"])
def service_add(request: HttpRequest, pk: int) -> HttpResponse:
    return _case_action(
        request,
        pk,
        form_factory=forms.ServiceDeliveryForm,
        form_needs_case=True,
        perform=lambda user, case, data: services.service_record(
            actor=user, case=case, values=data, request=request
        ),
        title=_("Record a service delivered"),
        done=_("Service recorded."),
    )


@never_cache
@sensitive_post_parameters()
@login_required
@require_http_methods(["GET", "POST"])
def case_close(request: HttpRequest, pk: int) -> HttpResponse:
    return _case_action(
        request,
        pk,
        form_factory=forms.ClosureForm,
        perform=lambda user, case, data: services.case_closure_request(
            actor=user,
            case=case,
            closure_status=data["closure_status"],
            reason=data["reason"],
            request=request,
        ),
        title=_("Ask to close the case"),
        done=_("Closure requested; a supervisor will decide."),
    )


@never_cache
@sensitive_post_parameters()
@login_required
@require_http_methods(["GET", "POST"])
def case_transfer(request: HttpRequest, pk: int) -> HttpResponse:
    return _case_action(
        request,
        pk,
        form_factory=lambda data, case: forms.TransferForm(
            data, case_workers=services.transfer_candidates(case)
        ),
        form_needs_case=True,
        perform=lambda user, case, data: services.case_transfer_request(
            actor=user,
            case=case,
            new_owner=data["new_owner"],
            new_group=data["new_group"],
            reason=data["reason"],
            safeguards=data["safeguards"],
            request=request,
        ),
        title=_("Ask to transfer the case"),
        done=_("Transfer requested; a supervisor will decide."),
    )


@never_cache
@sensitive_post_parameters()
@login_required
@require_POST
def request_decide(request: HttpRequest, pk: int, request_pk: int) -> HttpResponse:
    item = selectors.case_record_get_for_user(
        request.user, CaseRequest, request_pk, perm=selectors.CASE_APPROVE, request=request
    )
    if item.case_id != pk:
        raise Http404
    form = forms.DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose approve or reject."))
        return redirect("trafficking:case_detail", pk)
    try:
        services.case_request_decide(
            actor=_user(request),
            item=item,
            approve=form.cleaned_data["approve"],
            note=form.cleaned_data["note"],
            request=request,
        )
    except (PermissionDenied, ValidationError) as error:
        messages.error(request, " ".join(getattr(error, "messages", [str(error)])))
    else:
        messages.success(request, _("Decision recorded."))
    if selectors.cases_visible_to(request.user).filter(pk=pk).exists():
        return redirect("trafficking:case_detail", pk)
    return redirect("trafficking:approvals")


@never_cache
@login_required
@permission_required_or_404(selectors.CASE_APPROVE)
@require_GET
def approvals(request: HttpRequest) -> HttpResponse:
    cases = selectors.cases_visible_to(request.user, selectors.CASE_APPROVE)
    pending = (
        CaseRequest.objects.filter(case__in=cases, state=CaseRequest.State.PENDING)
        .select_related("case", "created_by", "new_owner")
        .order_by("created_at")
    )
    return render(request, "trafficking/approvals.html", {"pending": pending})


@never_cache
@login_required
@permission_required_or_404(selectors.CASE_MERGE)
@require_GET
def duplicates(request: HttpRequest) -> HttpResponse:
    """Pairs of cases that may be the same person, most likely first, for a supervisor's review."""
    pairs = search.duplicate_pairs_visible_to(request.user)
    selectors.case_list_audit(
        user=request.user,
        cases=list({case.pk: case for pair in pairs for case in (pair.first, pair.second)}.values()),
        request=request,
        purpose="duplicates",
    )
    return render(request, "trafficking/duplicates.html", {"pairs": pairs})


REVIEW_FIELDS = services.PERSON_FIELDS + ("exploitation_country", "registered_on")


def _shown(case: Case, name: str) -> str:
    value = getattr(case, name)
    if value in (None, "", []):
        return ""
    if isinstance(value, list):
        if name == "citizenship":
            return country_names(value)
        return ", ".join(str(item) for item in value)
    if name.endswith("_country"):
        return country_names([value])
    display = getattr(case, f"get_{name}_display", None)
    return str(display()) if callable(display) else str(value)


@never_cache
@sensitive_post_parameters()
@login_required
@permission_required_or_404(selectors.CASE_MERGE)
@require_http_methods(["GET", "POST"])
def duplicate_review(request: HttpRequest, first: int, second: int) -> HttpResponse:
    """Two cases side by side, field by field: merge them choosing the surviving value of each field
    that differs, or record that they are different people (never proposed again). Audited."""
    if first == second:
        raise Http404
    cases = [
        selectors.case_get_for_user(request.user, pk, perm=selectors.CASE_MERGE, request=request)
        for pk in (first, second)
    ]
    left, right = cases
    comparison = linkage.compare(linkage.Person.of_case(left), linkage.Person.of_case(right))
    rows = []
    for name in REVIEW_FIELDS:
        shown = (_shown(left, name), _shown(right, name))
        if not any(shown):
            continue
        rows.append(
            {
                "name": name,
                "label": forms.field_label(name),
                "values": shown,
                "differs": shown[0] != shown[1],
                "both": name == "citizenship" and all(shown) and shown[0] != shown[1],
            }
        )
    error = ""
    if request.method == "POST":
        form = forms.DuplicateReviewForm(request.POST)
        if not form.is_valid() or form.cleaned_data["keep"] not in (left.pk, right.pk):
            raise Http404
        data = form.cleaned_data
        try:
            if data["decision"] == "not_same":
                services.cases_not_same_person(
                    actor=_user(request), first=left, second=right, request=request
                )
                messages.success(
                    request,
                    _("Recorded: %(a)s and %(b)s are different people; they will not be proposed again.")
                    % {"a": left.reference, "b": right.reference},
                )
                return redirect("trafficking:duplicates")
            keep, duplicate = (left, right) if data["keep"] == left.pk else (right, left)
            choices: dict[str, str] = {}
            for row in rows:
                picked = request.POST.get(f"field_{row['name']}", "")
                if not row["differs"] or picked not in ("first", "second", "both"):
                    continue
                if picked == "both":
                    choices[str(row["name"])] = "both"
                else:
                    source = left if picked == "first" else right
                    choices[str(row["name"])] = "keep" if source.pk == keep.pk else "duplicate"
            versions = (data["first_version"], data["second_version"])
            services.case_merge(
                actor=_user(request),
                keep=keep,
                duplicate=duplicate,
                choices=choices,
                expected_versions=versions if keep.pk == left.pk else (versions[1], versions[0]),
                request=request,
            )
        except StaleEdit:
            error = _("One of the cases was edited while you compared them: check the values again.")
            left.refresh_from_db()
            right.refresh_from_db()
        except (ValidationError, PermissionDenied) as problem:
            error = " ".join(getattr(problem, "messages", [str(problem)]))
        else:
            messages.success(
                request,
                _("%(dup)s merged into %(keep)s.") % {"dup": duplicate.reference, "keep": keep.reference},
            )
            return redirect("trafficking:case_detail", keep.pk)
    selectors.case_list_audit(user=request.user, cases=cases, request=request, purpose="duplicate review")
    return render(
        request,
        "trafficking/duplicate_review.html",
        {
            "left": left,
            "right": right,
            "rows": rows,
            "comparison": comparison,
            "probability": round(100 * comparison.probability),
            "error": error,
        },
        status=409 if error else 200,
    )


@never_cache
@login_required
@require_POST
def case_merge(request: HttpRequest) -> HttpResponse:
    form = forms.MergeForm(request.POST)
    if not form.is_valid():
        raise Http404
    keep = selectors.case_get_for_user(
        request.user, form.cleaned_data["keep"], perm=selectors.CASE_MERGE, request=request, audit_read=False
    )
    duplicate = selectors.case_get_for_user(
        request.user,
        form.cleaned_data["duplicate"],
        perm=selectors.CASE_MERGE,
        request=request,
        audit_read=False,
    )
    try:
        services.case_merge(actor=_user(request), keep=keep, duplicate=duplicate, request=request)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("trafficking:duplicates")
    messages.success(
        request, _("%(dup)s merged into %(keep)s.") % {"dup": duplicate.reference, "keep": keep.reference}
    )
    return redirect("trafficking:case_detail", keep.pk)


# --- statistics and releases -----------------------------------------------------------------------------


@never_cache
@login_required
@permission_required_or_404(selectors.STATISTICS_VIEW)
@require_GET
def statistics(request: HttpRequest) -> HttpResponse:
    """Aggregates of ONE source in the analyst's scope, small cells suppressed like a release."""
    from migdev.trafficking.aggregates import MINIMUM_THRESHOLD
    from migdev.trafficking.releases import StatisticsRefused, statistics_for

    records = selectors.analytic_records_visible_to(request.user)
    summary = selectors.analytic_counts_visible_to(request.user)
    source_choices = list(
        AnalyticSource.objects.filter(pk__in=summary.filter(count__gt=0).values("source_id"))
    )
    source_id = request.GET.get("source", "")
    raw_threshold = request.GET.get("threshold", "") or str(MINIMUM_THRESHOLD)
    tables: list[dict[str, Any]] = []
    content: dict[str, Any] = {}
    problem = ""
    status = 200
    if not raw_threshold.isdigit() or int(raw_threshold) < MINIMUM_THRESHOLD:
        problem = _("The threshold must be a whole number of at least %(minimum)s.") % {
            "minimum": MINIMUM_THRESHOLD
        }
        status = 400
    elif len(source_choices) > 1 and not source_id.isdigit():
        problem = _("Several sources are loaded: choose one. Sources are never mixed in one table.")
    else:
        try:
            content = statistics_for(
                records, int(raw_threshold), int(source_id) if source_id.isdigit() else None, summary
            )
        except StatisticsRefused:
            problem = _("There are no records from this source.")
            status = 400
        tables = charted_tables(content.get("tables", []))
    return render(
        request,
        "trafficking/statistics.html",
        {
            "tables": tables,
            "content": content,
            "source_choices": source_choices,
            "source_id": source_id,
            "threshold": raw_threshold,
            "minimum": MINIMUM_THRESHOLD,
            "problem": problem,
        },
        status=status,
    )


@never_cache
@login_required
@permission_required_or_404(selectors.RELEASE_VIEW)
@require_GET
def release_list(request: HttpRequest) -> HttpResponse:
    releases = selectors.releases_visible_to(request.user)
    return render(
        request,
        "trafficking/release_list.html",
        {"releases": releases, "can_add": has_permission(request.user, selectors.RELEASE_ADD)},
    )


@never_cache
@login_required
@permission_required_or_404(selectors.RELEASE_ADD)
@require_http_methods(["GET", "POST"])
def release_create(request: HttpRequest) -> HttpResponse:
    available = AnalyticSource.objects.filter(
        pk__in=selectors.analytic_records_visible_to(request.user).values("source_id")
    ).order_by("pk")
    form = forms.ReleaseForm(
        request.POST or None, initial={"kind": Release.Kind.AGGREGATES}, sources=list(available)
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        parameters = {
            "sources": [int(pk) for pk in data["sources"]],
            "k": data["k"],
            "threshold": data["k"],
            "search": data["search"],
            "max_suppression": data["max_suppression"],
            "epsilon": data["epsilon"],
            "reporting_length": data["reporting_length"],
        }
        if data["kind"] == Release.Kind.SYNTHETIC:
            # Synthesis can take minutes: it runs as a job and the job page shows its progress.
            job = job_enqueue(
                kind=RELEASE_BUILD_JOB,
                payload={"kind": data["kind"], "title": data["title"], "parameters": parameters},
                user=_user(request),
            )
            return redirect("jobs:detail", job.pk)
        try:
            release = services.release_build(
                actor=_user(request),
                kind=data["kind"],
                title=data["title"],
                parameters=parameters,
                request=request,
            )
        except (ValidationError, ValueError) as error:
            form.add_error(None, " ".join(getattr(error, "messages", [str(error)])))
        else:
            messages.success(request, _("Release built; a data protection officer must approve it."))
            return redirect("trafficking:release_detail", release.pk)
    return render(request, "trafficking/release_form.html", {"form": form})


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def release_detail(request: HttpRequest, pk: int) -> HttpResponse:
    release = selectors.release_get_for_user(request.user, pk, request=request)
    can_review = (
        release.state == Release.State.DRAFT
        and has_permission(request.user, selectors.RELEASE_APPROVE)
        and release.created_by_id != request.user.pk
    )
    form = forms.ReviewForm(request.POST or None)
    if request.method == "POST":
        if not can_review:
            raise Http404
        if form.is_valid():
            try:
                services.release_review(
                    actor=_user(request),
                    release=release,
                    approve=form.cleaned_data["approve"],
                    note=form.cleaned_data["note"],
                    request=request,
                )
            except ValidationError as error:
                _form_errors(form, error)
            else:
                messages.success(request, _("Review recorded."))
                return redirect("trafficking:release_detail", release.pk)
    tables = []
    if release.kind == Release.Kind.AGGREGATES:
        tables = charted_tables(json.loads(release.content)["tables"])
    preview = [] if release.kind == Release.Kind.AGGREGATES else release.content.splitlines()[:11]
    spent = services.privacy_budget_spent(release.parameters.get("sources", []))
    disclosure: list[str] = []
    audit_now = None
    if can_review and release.kind == Release.Kind.AGGREGATES:
        disclosure = services.release_disclosure_problems(release)
        audited = services.release_audit(release)
        audit_now = audited.as_dict() if audited is not None else None
    knowledge = [
        (label, release.report.get("k_by_knowledge", {}).get(name))
        for name, label in (
            ("demographics", _("Demographics only")),
            ("exploitation", _("Demographics and types of exploitation")),
            ("perpetrators", _("Demographics, exploitation and perpetrator attributes")),
        )
    ]
    return render(
        request,
        "trafficking/release_detail.html",
        {
            "release": release,
            "form": form,
            "can_review": can_review,
            "tables": tables,
            "preview": [line.split(",") for line in preview],
            "budget_spent": spent,
            "disclosure": disclosure,
            "audit": release.report.get("audit"),
            "audit_now": audit_now,
            "knowledge": knowledge if release.kind == Release.Kind.K_ANONYMISED else [],
            "sources": release.parameters.get("source_details", []),
        },
    )
