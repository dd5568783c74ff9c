"""Background jobs of the counter-trafficking module."""

from typing import Any

from migdev.jobs.models import Job
from migdev.jobs.registry import job_handler
from migdev.trafficking import services

RETENTION_JOB = "trafficking.retention"


@job_handler(RETENTION_JOB)
def anonymise_expired_cases(job: Job, payload: dict[str, Any]) -> dict[str, Any]:
    """Anonymise cases past their retention date, keeping their statistical records.

    Scheduled daily (cron or the platform scheduler): ``migdev trafficking_retention --enqueue``.
    """
    count = services.cases_anonymise_expired(progress=job.report_progress)
    job.report_progress(count, count)
    return {"anonymised": count}
