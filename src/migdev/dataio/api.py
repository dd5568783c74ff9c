from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.urls import reverse
from ninja import File, Form, Router, Schema, Status
from ninja.errors import HttpError
from ninja.files import UploadedFile

from migdev.accounts.models import User
from migdev.core.api_base import AUTH
from migdev.core.api_params import answers
from migdev.dataio.registry import UnknownFormat, get_format
from migdev.dataio.selectors import can_import, can_import_format, formats_for
from migdev.dataio.services import import_upload_enqueue

router = Router(auth=AUTH, tags=["dataio"])


class FormatOut(Schema):
    name: str
    description: str


class ImportQueued(Schema):
    job_id: int
    status: str
    status_url: str


@router.get("/formats", response=list[FormatOut], summary="Formats you may import")
def list_formats(request: HttpRequest) -> Any:
    return [{"name": item.name, "description": str(item.description)} for item in formats_for(request.user)]


@router.post("/imports", response={202: ImportQueued}, summary="Upload a file to import")
@answers(413)
def create_import(request: HttpRequest, format: Form[str], file: File[UploadedFile]) -> Any:
    """Queues the import and answers 202 with the job to poll at ``GET /api/v1/jobs/{job_id}``.

    The file is all-or-nothing: when it is refused the job fails and its ``result.report`` lists every
    problem with file, row, column and reason.
    """
    user = request.user
    if not isinstance(user, User) or not can_import(user):
        raise PermissionDenied
    try:
        load_format = get_format(format)
    except UnknownFormat:
        raise HttpError(422, f"Unknown format {format!r}.") from None
    if not can_import_format(user, load_format):
        raise PermissionDenied
    if file.size is not None and file.size > settings.IMPORT_MAX_BYTES:
        raise HttpError(413, f"The file is larger than {settings.IMPORT_MAX_BYTES} bytes.")
    job = import_upload_enqueue(format_name=format, upload=file, user=user)
    return Status(
        202,
        {
            "job_id": job.pk,
            "status": job.status,
            "status_url": reverse("api:job_detail", kwargs={"job_id": job.pk}),
        },
    )
