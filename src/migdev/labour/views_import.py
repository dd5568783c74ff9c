"""The page where a scheme officer uploads a file of job orders (format ``labour-job-orders``).

The file is loaded by the platform's import queue, so the officer follows its progress and, when it is
refused, reads each problem with its row and column on the job's page. Titles the skills search could not
map alone wait on the job-title page (``labour:title_mappings``).
"""

from __future__ import annotations

import uuid
from pathlib import Path

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.text import get_valid_filename
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from migdev.accounts import access
from migdev.accounts.models import User
from migdev.dataio.forms import ImportForm
from migdev.dataio.registry import get_format
from migdev.dataio.services import IMPORT_JOB_KIND, UPLOAD_PREFIX
from migdev.jobs.models import Job
from migdev.jobs.services import job_enqueue
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


def _enqueue(upload: UploadedFile, user: User) -> Job:
    """Queue the platform's import job for this one format, as ``user``.

    Scheme officers hold no general import permission (``dataio.add_importrun``: administrators and
    editors load the platform's data), so this page does not go through ``import_upload_enqueue``; it
    queues the same job, whose loader then admits only rows of the schemes ``user`` runs."""
    original_name = Path(upload.name or "upload").name
    stored_name = default_storage.save(
        f"{UPLOAD_PREFIX}/{uuid.uuid4().hex}/{get_valid_filename(original_name) or 'upload'}", upload
    )
    try:
        return job_enqueue(
            kind=IMPORT_JOB_KIND,
            payload={"format": FORMAT_NAME, "storage_name": stored_name, "filename": original_name},
            user=user,
        )
    except Exception:
        default_storage.delete(stored_name)
        raise


@login_required
@require_http_methods(["GET", "POST"])
def job_order_import(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not isinstance(user, User) or not access.has_permission(user, "labour.change_joborder"):
        raise Http404
    schemes = _schemes_run_by(user)
    if not schemes or not all(
        access.has_permission(user, perm) for perm in get_format(FORMAT_NAME).permissions
    ):
        raise Http404
    form = JobOrderFileForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        job = _enqueue(form.cleaned_data["file"], user)
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
