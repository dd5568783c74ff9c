"""Background jobs: recompute the figures after a change of prices; purge long-expired provider quotes."""

from typing import Any

from migdev.jobs.registry import job_handler
from migdev.remittances import services


@job_handler(services.RECOMPUTE_JOB_KIND)
def recompute(job: Any, payload: dict[str, Any]) -> dict[str, Any]:
    job.report_progress(0, 1)
    summary = services.aggregates_recompute()
    job.report_progress(1, 1)
    return {"quarters": summary.quarters, "figures": summary.figures, "rows": summary.rows_read}


@job_handler("remittances.purge_expired_provider_quotes")
def purge_expired(job: Any, payload: dict[str, Any]) -> dict[str, Any]:
    return {"deleted": services.provider_quotes_purge_expired()}
