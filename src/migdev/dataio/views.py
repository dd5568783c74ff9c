from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from migdev.accounts.models import User
from migdev.dataio.forms import ImportForm
from migdev.dataio.selectors import can_import, formats_for, import_runs_visible_to
from migdev.dataio.services import import_upload_enqueue

PAGE_SIZE = 50


@require_http_methods(["GET", "POST"])
@login_required
def import_upload(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not isinstance(user, User) or not can_import(user):
        raise PermissionDenied
    form = ImportForm(request.POST or None, request.FILES or None, formats=formats_for(user))
    if request.method == "POST" and form.is_valid():
        job = import_upload_enqueue(
            format_name=form.cleaned_data["format"],
            upload=form.cleaned_data["file"],
            user=user,
            replace=form.cleaned_data["replace"],
        )
        return redirect("jobs:detail", job_id=job.pk)
    return render(request, "dataio/import.html", {"form": form})


@require_GET
@login_required
def import_history(request: HttpRequest) -> HttpResponse:
    page = Paginator(import_runs_visible_to(request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "dataio/list.html", {"page": page, "can_import": can_import(request.user)})
