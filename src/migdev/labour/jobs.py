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


@job_handler("labour.publish_sdg1071")
def publish_sdg1071(job: Job, payload: dict[str, Any]) -> dict[str, Any]:
    """Publish a scheme's SDG 10.7.1 into the indicators module, as the officer who asked for it."""
    from dataclasses import asdict

    from django.core.exceptions import ValidationError

    from migdev.jobs.errors import JobFailed
    from migdev.labour.models import Scheme
    from migdev.labour.sdg1071_publish import sdg1071_publish

    job.report_progress(0, 1, force=True)
    scheme = Scheme.objects.get(pk=payload["scheme_id"])
    try:
        publication = sdg1071_publish(actor=job.created_by, scheme=scheme)
    except ValidationError as error:
        raise JobFailed(" ".join(error.messages)) from None
    job.report_progress(1, 1, force=True)
    return asdict(publication)
