"""The ``dataio.import`` job: load a file that was uploaded to the default storage."""

import shutil
import tempfile
from pathlib import Path
from typing import Any

from django.core.files.storage import default_storage
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _

from migdev.dataio.errors import ImportRejected, report_json, report_text
from migdev.dataio.limits import memory_limit
from migdev.dataio.progress import JobProgress
from migdev.dataio.registry import LoadOptions
from migdev.dataio.services import IMPORT_JOB_KIND, import_file
from migdev.jobs.errors import JobFailed
from migdev.jobs.models import Job
from migdev.jobs.registry import job_handler


@job_handler(IMPORT_JOB_KIND)
def run_import_job(job: Job, payload: dict[str, Any]) -> dict[str, Any]:
    """Copy the stored upload to a local temporary file (storage may be remote), load it, then delete the
    upload. The copy keeps the user's file name so the validation report names the file they know.

    The import runs with a memory cap (IMPORT_MAX_MEMORY_BYTES) so a hostile file cannot exhaust the
    machine the web server shares."""
    stored_name = payload["storage_name"]
    local_name = get_valid_filename(Path(payload.get("filename") or stored_name).name) or "upload"
    try:
        with tempfile.TemporaryDirectory(prefix="migdev-import-") as directory:
            local_path = Path(directory) / local_name
            with default_storage.open(stored_name, "rb") as source, local_path.open("wb") as target:
                shutil.copyfileobj(source, target, 1024 * 1024)
            # The worker runs one job at a time, so the cap on its address space is this import's alone.
            with memory_limit():
                result = import_file(
                    format_name=payload["format"],
                    path=local_path,
                    user=job.created_by,
                    progress=JobProgress(job),
                    options=LoadOptions(replace=bool(payload.get("replace"))),
                )
    except ImportRejected as rejection:
        raise JobFailed(
            report_text(rejection),
            result={"import_run_id": rejection.run_id, "report": report_json(rejection)},
        ) from None
    finally:
        # A killed worker never reaches this line, so a reclaimed job still finds its file.
        default_storage.delete(stored_name)
    return {
        "import_run_id": result.run_id,
        "read": result.read,
        "created": result.created,
        "updated": result.updated,
        "rejected": result.rejected,
        "summary": _("Read %(read)d, created %(created)d, updated %(updated)d, rejected %(rejected)d.")
        % {
            "read": result.read,
            "created": result.created,
            "updated": result.updated,
            "rejected": result.rejected,
        },
    }
