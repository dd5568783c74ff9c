from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from migdev.accounts.access import permission_required_or_404
from migdev.audit.forms import AuditFilterForm
from migdev.audit.models import AuditAction
from migdev.audit.selectors import EXPORT_COLUMNS, audit_events, audit_export_rows
from migdev.audit.services import audit_log
from migdev.dataio.exports import ExportFormat, export_response

PAGE_SIZE = 50
# URL part → format; the audit log is exported for people to read, so no JSON.
EXPORT_FORMATS: dict[str, ExportFormat] = {"csv": "csv", "xlsx": "xlsx"}


@never_cache
@require_GET
@permission_required_or_404("audit.view_auditevent")
def event_list(request: HttpRequest) -> HttpResponse:
    form = AuditFilterForm(request.GET or None)
    form.is_valid()
    events = audit_events(form.filters())
    page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "audit/event_list.html",
        {
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "export_formats": EXPORT_FORMATS,
            "can_export": request.user.has_perm("audit.export_auditevent"),
        },
    )


@never_cache
@require_GET
@permission_required_or_404("audit.export_auditevent")
def event_export(request: HttpRequest, fmt: str) -> HttpResponseBase:
    export_format = EXPORT_FORMATS.get(fmt)
    if export_format is None:
        raise Http404
    form = AuditFilterForm(request.GET or None)
    if not form.is_valid() and form.is_bound:
        return render(request, "audit/event_list.html", {"form": form, "page": None}, status=400)
    filters = form.filters()
    events = audit_events(filters)
    # The export is itself audited before the file leaves, with the filters that chose its rows.
    audit_log(
        action=AuditAction.EXPORT,
        request=request,
        record_type="audit.auditevent",
        detail={"format": fmt, "filters": filters.as_detail(), "rows": events.count()},
    )
    stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
    columns = [(name, name) for name in EXPORT_COLUMNS]
    return export_response(
        audit_export_rows(events).iterator(), columns, export_format, f"audit-events-{stamp}"
    )
