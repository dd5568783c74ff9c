"""The page where a scheme officer uploads a file of job orders (format ``labour-job-orders``).

The file is loaded by the platform's import queue, so the officer follows its progress and, when it is
refused, reads each problem with its row and column on the job's page. Titles the skills search could not
map alone wait on the job-title page (``labour:title_mappings``).
"""

from __future__ import annotations

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from migdev.accounts import access
from migdev.accounts.models import User
from migdev.dataio.forms import ImportForm
from migdev.dataio.registry import get_format
from migdev.dataio.selectors import can_import_format
from migdev.dataio.services import import_upload_enqueue
from migdev.labour import selectors
from migdev.labour.job_orders_import import FORMAT_NAME, OPTIONAL, REQUIRED


class JobOrderFileForm(forms.Form):
    file = ImportForm.base_fields["file"]

    def clean_file(self) -> object:
        return ImportForm.clean_file(self)  # type: ignore[arg-type]


def _schemes_run_by(user: object) -> list[object]:
    return [
        scheme
        for scheme in selectors.schemes_visible_to(user)  # type: ignore[arg-type]
        if access.reaches(user, "labour.add_joborder", organisation_id=scheme.organisation_id)  # type: ignore[arg-type]
    ]


@login_required
@require_http_methods(["GET", "POST"])
def job_order_import(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not isinstance(user, User) or not access.has_permission(user, "labour.change_joborder"):
        raise Http404
    schemes = _schemes_run_by(user)
    if not schemes or not can_import_format(user, get_format(FORMAT_NAME)):
        raise Http404
    form = JobOrderFileForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            job = import_upload_enqueue(format_name=FORMAT_NAME, upload=form.cleaned_data["file"], user=user)
        except PermissionDenied:  # pragma: no cover - checked above
            raise Http404 from None
        return redirect("jobs:detail", job_id=job.pk)
    return render(
        request,
        "labour/job_order_import.html",
        {
            "form": form,
            "schemes": schemes,
            "required": sorted(REQUIRED),
            "optional": sorted(OPTIONAL),
            "section": "job_order_import",
            "title": _("Import job orders"),
        },
        status=400 if request.method == "POST" else 200,
    )
