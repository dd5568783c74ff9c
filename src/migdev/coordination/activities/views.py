"""Pages of the activity registry (list, detail, CSV and IATI export, IATI import), the information
note, the HLD follow-up tracker and initiatives.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from migdev.coordination import access, audit
from migdev.coordination.activities import codelists, money, selectors, services
from migdev.coordination.activities.exports import ACTIVITY_COLUMNS, activity_rows
from migdev.coordination.activities.forms import (
    MONEY_DIMENSIONS,
    ActivityFilterForm,
    IatiUploadForm,
    InformationNoteForm,
    InitiativeStatusForm,
    MoneyFilterForm,
    PositionForm,
)
from migdev.coordination.activities.iati import (
    IatiExportError,
    IatiRejected,
    export_iati_publishable,
    import_iati_bytes,
)
from migdev.coordination.common.views import current_date
from migdev.dataio.exports import export_response
from migdev.indicators import charts

IATI_UPLOAD_MAX_BYTES = 20 * 1024 * 1024


# --- Activities ------------------------------------------------------------------------------------------


def _filtered_activities(request: HttpRequest) -> tuple[ActivityFilterForm, Any]:
    form = ActivityFilterForm(request.GET or None)
    activities = selectors.activities_list(request.user)
    if form.is_valid():
        organisation = form.cleaned_data["organisation"]
        activities = selectors.activities_list(
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
        "coordination/activities/activity_list.html",
        {"form": form, "page": page, "query": query.urlencode(), "can_edit": access.can_edit(request.user)},
    )


@require_GET
def activity_detail(request: HttpRequest, pk: int) -> HttpResponse:
    activity = access.activity_get_for_user(request.user, pk)
    sectors = [
        {"name": codelists.any_sector_name(s.vocabulary, s.code), "percentage": s.percentage}
        for s in activity.sectors.all()
    ]
    regions = [
        {"name": codelists.region_name(r.code), "percentage": r.percentage} for r in activity.regions.all()
    ]
    return render(
        request,
        "coordination/activities/activity_detail.html",
        {"activity": activity, "sectors": sectors, "regions": regions},
    )


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


MONEY_SHOWN_TRANSACTIONS = 300


def _money_view(request: HttpRequest) -> tuple[MoneyFilterForm, money.MoneyView | None]:
    params = request.GET.copy()
    if params and not params.get("currency"):
        # A link that names no currency (the sample data switch, a bookmark) is in the base currency; the
        # select must say so rather than show the first currency of the list over figures in dollars.
        params["currency"] = money.BASE_CURRENCY
    form = MoneyFilterForm(
        params or None, currencies=money.currencies(), initial={"currency": money.BASE_CURRENCY}
    )
    if request.GET and not form.is_valid():
        return form, None
    data = form.cleaned_data if request.GET else {}
    organisation = data.get("organisation")
    view = money.money_view(
        request.user,
        by=data.get("by") or "country",
        currency=data.get("currency") or money.BASE_CURRENCY,
        year_from=data.get("year_from"),
        year_to=data.get("year_to"),
        country_iso3=data.get("country") or "",
        sector=data.get("sector") or "",
        organisation_id=organisation.pk if organisation else None,
        include_samples=bool(data.get("samples")),
    )
    return form, view


def _amount(value: float) -> str:
    return number_format(round(value), use_l10n=True, force_grouping=True)


def _money_charts(view: money.MoneyView) -> list[tuple[str, str, list[money.MoneyRow]]]:
    """Each measure's chart: its key, heading and bars (`money.chart_rows`), for the SVG and Vega-Lite alike."""
    titles = {
        "commitments": _("Commitments (%(currency)s)"),
        "spending": _("Disbursements and expenditure (%(currency)s)"),
        "budget": _("Budgets (%(currency)s)"),
    }
    found = []
    for measure in money.CHART_MEASURES:
        rows = money.chart_rows(view, measure)
        if not rows:
            continue
        heading = titles[measure] % {"currency": view.currency}
        if view.includes_samples:
            heading = _("%(title)s — sample data (fictional)") % {"title": heading}
        found.append((measure, heading, rows))
    return found


@require_GET
def activity_money(request: HttpRequest) -> HttpResponse:
    """Commitments and spending by country, sector, organisation or year, in one currency (d-portal's
    views), with every input shown: the publishers, the rates and the transactions counted or left out."""
    form, view = _money_view(request)
    found = _money_charts(view) if view is not None else []
    if request.GET.get("format") == "vega-lite" and view is not None:
        return JsonResponse(
            {
                f"money-{measure}": money.vega_lite_bars(heading, rows, measure, view.currency)
                for measure, heading, rows in found
            }
        )
    chart_svgs: list[dict[str, Any]] = []
    for measure, heading, rows in found:
        assert view is not None  # charts come only from a view
        bars = [(row.label, float(getattr(row, measure))) for row in rows]
        svg = charts.bar_chart(
            bars,
            label_languages=[row.label_lang for row in rows],
            title=heading,
            description=", ".join(f"{label}: {_amount(value)} {view.currency}" for label, value in bars),
            format_value=_amount,
            key=f"money-{measure}",
            width=640,
        )
        with_value = len([row for row in view.rows if getattr(row, measure)])
        chart_svgs.append({"title": heading, "svg": svg, "shown": len(rows), "of": with_value})
    query = request.GET.copy()
    query.pop("by", None)
    dimensions = dict(MONEY_DIMENSIONS)
    return render(
        request,
        "coordination/activities/activity_money.html",
        {
            "form": form,
            "view": view,
            "charts": chart_svgs,
            "dimensions": dimensions,
            "dimension_label": dimensions.get(view.by, "") if view else "",
            "query": query.urlencode(),
            "full_query": request.GET.urlencode(),
            "shown": view.counted[:MONEY_SHOWN_TRANSACTIONS] if view else [],
            "shown_budgets": view.budgets[:MONEY_SHOWN_TRANSACTIONS] if view else [],
            "shown_limit": MONEY_SHOWN_TRANSACTIONS,
        },
        status=200 if view is not None else 400,
    )


MONEY_COLUMNS = [
    ("key", "key"),
    ("label", "label"),
    ("commitments", "commitments"),
    ("spending", "disbursements_and_expenditure"),
    ("budget", "budget"),
    ("planned", "planned_disbursements"),
    ("transactions", "transactions"),
    ("currency", "currency"),
    ("sample_data", "includes_sample_records"),
    ("method", "method"),
]


@require_GET
def activity_money_export(request: HttpRequest) -> HttpResponseBase:
    _form, view = _money_view(request)
    fmt = request.GET.get("format", "csv")
    if view is None or fmt not in ("csv", "xlsx", "json"):
        raise Http404
    method = _(
        "migdev: IATI transactions of type 2 (commitments) and 3+4 (spending), budgets in force (a revised "
        "budget replacing the original for its period) and planned disbursements, each period spread over "
        "calendar years by days, split by percentages, converted at %(source)s"
    ) % {"source": view.rate_source}
    rows = [
        {
            "key": row.key,
            "label": row.label,
            "commitments": row.commitments,
            "spending": row.spending,
            "sample_data": "yes" if view.includes_samples else "no",
            "budget": row.budget,
            "planned": row.planned,
            "transactions": row.transactions,
            "currency": view.currency,
            "method": method,
        }
        for row in view.rows
    ]
    return export_response(rows, MONEY_COLUMNS, fmt, f"migdev-activity-money-by-{view.by}")  # type: ignore[arg-type]


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
            "coordination/activities/export_refused.html",
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
    access.require_editor(request.user)
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
    return render(request, "coordination/activities/activity_import.html", {"form": form, "errors": errors})


@require_GET
def information_note(request: HttpRequest) -> HttpResponse:
    today = current_date()
    default_start = datetime.date(today.year, 1, 1)
    form = InformationNoteForm(
        request.GET or None, initial={"period_start": default_start, "period_end": today}
    )
    note = None
    if form.is_valid():
        note = selectors.information_note(
            request.user,
            period_start=form.cleaned_data["period_start"],
            period_end=form.cleaned_data["period_end"],
            fields=form.cleaned_data["information_fields"] or None,
            process=form.cleaned_data["process"],
        )
    return render(
        request,
        "coordination/activities/information_note.html",
        {"form": form, "note": note, "process": form.cleaned_data.get("process") if note else None},
    )


# --- Initiatives ------------------------------------------------------------------------------------------


@require_GET
def hld_tracker(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "coordination/activities/hld_tracker.html",
        {"categories": selectors.hld_tracker(request.user)},
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
        access.require_editor(request.user)
        if "record_status" in request.POST and status_form.is_valid():
            services.initiative_status_record(
                actor=request.user, initiative=initiative, **status_form.cleaned_data
            )
            messages.success(request, _("Status recorded."))
            return redirect("coordination:initiative_detail", code=initiative.code)
        if "record_position" in request.POST and position_form.is_valid():
            services.consultation_position_record(
                actor=request.user, initiative=initiative, **position_form.cleaned_data
            )
            messages.success(request, _("Position recorded."))
            return redirect("coordination:initiative_detail", code=initiative.code)
    return render(
        request,
        "coordination/activities/initiative_detail.html",
        {
            "initiative": initiative,
            "statuses": initiative.status_history.order_by("-as_of", "-id"),
            "positions": initiative.positions.select_related("organisation").order_by(
                "organisation__name", "-as_of"
            ),
            "latest_positions": selectors.latest_positions(initiative),
            "meetings": access.meetings_visible_to(request.user).filter(initiatives=initiative),
            "activities": access.activities_visible_to(request.user).filter(initiatives=initiative),
            "can_edit": can_edit,
            "status_form": status_form if can_edit else None,
            "position_form": position_form if can_edit else None,
        },
    )
