"""Running loads: the one path every import takes, from `migdev load`, the import page or the API."""

import contextlib
import logging
import uuid
from collections.abc import Iterator
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
from migdev.dataio.limits import memory_refusal, time_limit
from migdev.dataio.models import ImportRun
from migdev.dataio.progress import NullProgress, Progress
from migdev.dataio.registry import Changes, ImportResult, LoadFormat, LoadOptions, get_format
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
    options: LoadOptions | None = None,
) -> ImportResult:
    """Load ``path`` with the registered format, all or nothing.

    A format with a ``prepare`` step is read and validated outside any transaction, then written in one
    short transaction, so the database's write lock is held only while writing. Any other format loads
    inside one transaction. Either way, if anything fails or the process dies, nothing it wrote remains.
    A file without data rows is refused, and so is a load that would change data already stored unless
    ``options.replace`` confirms it. Raises ``UnknownFormat`` for an unregistered name.
    """
    load_format = get_format(format_name)
    path = Path(path)
    progress = progress or NullProgress()
    options = options or LoadOptions()
    started_at = timezone.now()
    size = _size(path, folder=load_format.folder)
    run_fields: dict[str, Any] = {
        "user": user,
        "format_name": format_name,
        "filename": path.name[:255],
        "file_size": size,
        "started_at": started_at,
    }
    try:
        _check_file(path, size, folder=load_format.folder)
        with time_limit():
            try:
                result, run = _load(load_format, path, progress, user, options, run_fields)
            except MemoryError:
                raise memory_refusal(path) from None
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


def _load(
    load_format: LoadFormat,
    path: Path,
    progress: Progress,
    user: User | None,
    options: LoadOptions,
    run_fields: dict[str, Any],
) -> tuple[ImportResult, ImportRun]:
    if load_format.prepare is None:
        with transaction.atomic(), _layout_errors_refused(path, load_format):
            result = load_format.loader(path, progress=progress, user=user)
            if result.read == 0:
                raise _no_data_rows(path)
            return result, _record_success(run_fields, result, user)
    with _layout_errors_refused(path, load_format):
        prepared = load_format.prepare(path, progress=progress, user=user, options=options)
    if prepared.read == 0:
        raise _no_data_rows(path)
    if prepared.changes is not None:
        confirm_changes(path, prepared.changes, options, read=prepared.read)
    with transaction.atomic():
        result = prepared.write()
        if result.changes is None and prepared.changes is not None:
            result = replace(result, changes=prepared.changes)
        if result.read == 0:
            raise _no_data_rows(path)
        return result, _record_success(run_fields, result, user)


def confirm_changes(path: Path, changes: Changes, options: LoadOptions, *, read: int | None = None) -> None:
    """Refuse a load that would change data already stored, showing what would change, unless the user
    confirmed it (``options.replace``). Loaders call this before their first destructive write."""
    if not options.replace and changes.needs_confirmation(settings.IMPORT_CONFIRM_REMOVED_SHARE):
        raise _unconfirmed(path, changes, read)


# What a parser raises when a file's layout is not the one it expects in some way its checks missed (a row
# shorter than the header, a text where a number belongs). Database errors are none of these.
LAYOUT_ERRORS = (LookupError, ValueError, TypeError, AttributeError, ArithmeticError)


@contextlib.contextmanager
def _layout_errors_refused(path: Path, load_format: LoadFormat) -> Iterator[None]:
    """The last line of defence: a file no check foresaw is refused with a clear message, not a
    traceback; the traceback goes to the log for the developers."""
    try:
        yield
    except ImportRejected:
        raise
    except LAYOUT_ERRORS as error:
        logger.warning("Unforeseen layout in %s (%s)", path.name, load_format.name, exc_info=True)
        raise ImportRejected(
            [
                RowError(
                    path.name,
                    None,
                    None,
                    _(
                        "The file does not have the layout of the format “%(format)s” (%(error)s). Check "
                        "that you chose the right format and that the file is the publisher's original."
                    )
                    % {"format": load_format.name, "error": f"{type(error).__name__}: {error}"[:200]},
                )
            ]
        ) from None


def _record_success(run_fields: dict[str, Any], result: ImportResult, user: User | None) -> ImportRun:
    run = ImportRun.objects.create(
        **run_fields,
        status=ImportRun.Status.SUCCEEDED,
        finished_at=timezone.now(),
        rows_read=result.read,
        rows_created=result.created,
        rows_updated=result.updated,
        rows_rejected=result.rejected,
        report={"changes": result.changes.as_dict()} if result.changes is not None else {},
    )
    _audit_import(run=run, user=user)
    return run


def _no_data_rows(path: Path) -> ImportRejected:
    return ImportRejected(
        [RowError(path.name, None, None, _("The file has no data rows; nothing was loaded."))], read=0
    )


def _unconfirmed(path: Path, changes: Changes, read: int | None) -> ImportRejected:
    reason = _(
        "%(target)s already holds %(existing)s values. This file would add %(added)s, change %(changed)s "
        "and remove %(removed)s of them (%(share)s). Nothing was saved: to replace them, load the file "
        "again with --replace (command line) or tick “Replace the data already stored” on the import page."
    ) % {
        "target": changes.target,
        "existing": f"{changes.existing:,}",
        "added": f"{changes.added:,}",
        "changed": f"{changes.changed:,}",
        "removed": f"{changes.removed:,}",
        "share": f"{changes.removed_share:.0%}",
    }
    rejection = ImportRejected([RowError(path.name, None, None, reason)], read=read)
    rejection.changes = changes
    return rejection


def _size(path: Path, *, folder: bool) -> int:
    if folder and path.is_dir():
        return sum(item.stat().st_size for item in path.rglob("*") if item.is_file())
    return path.stat().st_size if path.is_file() else 0


def _check_file(path: Path, size: int, *, folder: bool = False) -> None:
    if folder:
        if not path.is_dir():
            raise ImportRejected(
                [RowError(path.name, None, None, _("This format reads a folder of files; give the folder."))]
            )
    elif not path.is_file():
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


def import_upload_enqueue(
    *, format_name: str, upload: UploadedFile, user: User | None, replace: bool = False
) -> Job:
    """Store an uploaded file and queue its import; the job deletes the stored file when done.

    ``replace``: the user confirmed changing data already stored (see :class:`LoadOptions`). Raises
    ``PermissionDenied`` when ``user`` may not import this format (``None``: a trusted caller).
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
            payload={
                "format": format_name,
                "storage_name": stored_name,
                "filename": original_name,
                "replace": replace,
            },
            user=user,
        )
    except Exception:
        default_storage.delete(stored_name)
        raise
