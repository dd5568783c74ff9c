"""Running loads: the one path every import takes, from `migdev load`, the import page or the API."""

import logging
import uuid
from dataclasses import replace
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.db import DatabaseError, transaction
from django.utils import timezone
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _

from migdev.accounts.models import User
from migdev.audit.models import AuditAction
from migdev.audit.services import audit_log
from migdev.dataio.errors import ImportRejected, RowError, report_json
from migdev.dataio.models import ImportRun
from migdev.dataio.progress import NullProgress, Progress
from migdev.dataio.registry import ImportResult, get_format
from migdev.dataio.selectors import can_import_format
from migdev.jobs.models import Job
from migdev.jobs.services import job_enqueue

logger = logging.getLogger(__name__)

IMPORT_JOB_KIND = "dataio.import"
UPLOAD_PREFIX = "imports"


def import_file(
    *,
    format_name: str,
    path: Path | str,
    user: User | None = None,
    progress: Progress | None = None,
) -> ImportResult:
    """Load ``path`` with the registered format, all or nothing.

    The load runs in one transaction: if the loader raises (:class:`ImportRejected` or anything else) or
    the process dies, nothing it wrote remains. Raises ``UnknownFormat`` for an unregistered name.
    """
    load_format = get_format(format_name)
    path = Path(path)
    progress = progress or NullProgress()
    started_at = timezone.now()
    size = path.stat().st_size if path.exists() else 0
    run_fields: dict[str, Any] = {
        "user": user,
        "format_name": format_name,
        "filename": path.name[:255],
        "file_size": size,
        "started_at": started_at,
    }
    try:
        _check_file(path, size)
        with transaction.atomic():
            result = load_format.loader(path, progress=progress, user=user)
            run = ImportRun.objects.create(
                **run_fields,
                status=ImportRun.Status.SUCCEEDED,
                finished_at=timezone.now(),
                rows_read=result.read,
                rows_created=result.created,
                rows_updated=result.updated,
                rows_rejected=result.rejected,
            )
            _audit_import(run=run, user=user)
    except ImportRejected as rejection:
        rejection.run_id = _record_unsuccessful_run(
            run_fields,
            status=ImportRun.Status.REJECTED,
            rows_read=rejection.read or 0,
            rows_rejected=rejection.rejected_rows,
            report=report_json(rejection),
        )
        raise
    except Exception as error:
        _record_unsuccessful_run(
            run_fields, status=ImportRun.Status.FAILED, error=f"{type(error).__name__}: {error}"
        )
        raise
    finally:
        progress.finish()
    return replace(result, run_id=run.pk)


def _check_file(path: Path, size: int) -> None:
    if not path.is_file():
        raise ImportRejected([RowError(path.name, None, None, _("The file does not exist."))])
    limit = settings.IMPORT_MAX_BYTES
    if size > limit:
        raise ImportRejected(
            [
                RowError(
                    path.name,
                    None,
                    None,
                    _("The file is %(size)s bytes; the largest accepted is %(limit)s bytes.")
                    % {"size": f"{size:,}", "limit": f"{limit:,}"},
                )
            ]
        )


def _audit_import(*, run: ImportRun, user: User | None) -> None:
    audit_log(
        action=AuditAction.IMPORT,
        actor=user,
        record=run,
        detail={
            "format": run.format_name,
            "file": run.filename,
            "read": run.rows_read,
            "created": run.rows_created,
            "updated": run.rows_updated,
        },
    )


def _record_unsuccessful_run(run_fields: dict[str, Any], **outcome: Any) -> int | None:
    try:
        return ImportRun.objects.create(**run_fields, finished_at=timezone.now(), **outcome).pk
    except DatabaseError:
        # A broken connection must not hide the import's own error, which the caller re-raises.
        logger.warning(
            "Could not record the unsuccessful import of %s", run_fields["filename"], exc_info=True
        )
        return None


def import_upload_enqueue(*, format_name: str, upload: UploadedFile, user: User | None) -> Job:
    """Store an uploaded file and queue its import; the job deletes the stored file when done.

    Raises ``PermissionDenied`` when ``user`` may not import this format (``None``: a trusted caller).
    """
    load_format = get_format(format_name)
    if user is not None and not can_import_format(user, load_format):
        raise PermissionDenied
    original_name = Path(upload.name or "upload").name
    stored_name = default_storage.save(
        f"{UPLOAD_PREFIX}/{uuid.uuid4().hex}/{get_valid_filename(original_name) or 'upload'}", upload
    )
    try:
        return job_enqueue(
            kind=IMPORT_JOB_KIND,
            payload={"format": format_name, "storage_name": stored_name, "filename": original_name},
            user=user,
        )
    except Exception:
        default_storage.delete(stored_name)
        raise
