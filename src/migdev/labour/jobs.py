"""Background jobs of the labour module."""

from typing import Any

from migdev.jobs.models import Job
from migdev.jobs.registry import job_handler
from migdev.labour import passage

MISSED_CHECK_INS_JOB = "labour.missed_checkins"


@job_handler(MISSED_CHECK_INS_JOB)
def raise_missed_check_in_alerts(job: Job, payload: dict[str, Any]) -> dict[str, Any]:
    """Alert scheme officers to check-ins missed after arrival.

    Scheduled daily (cron or the platform scheduler): ``migdev labour_checkins --enqueue``. Running it twice,
    or in two workers at once, raises each alert once.
    """
    job.report_progress(0, 1, force=True)
    raised = passage.raise_missed_check_in_alerts(job_id=job.pk)
    job.report_progress(1, 1, force=True)
    return {"raised": raised}
