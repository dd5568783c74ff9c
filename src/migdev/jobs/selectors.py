from typing import Any

from django.db import router
from django.db.models import QuerySet
from django.http import Http404

from migdev.accounts.access import scoped_queryset
from migdev.jobs import progress_store
from migdev.jobs.models import Job

VIEW_ALL_JOBS = "jobs.view_all_jobs"


def jobs_visible_to(user: Any) -> QuerySet[Job]:
    """A user's own jobs, plus those ``jobs.view_all_jobs`` reaches at the scope their roles grant it
    (administrators: every job)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Job.objects.none()
    others = scoped_queryset(
        user,
        VIEW_ALL_JOBS,
        Job.objects.all(),
        owner_field="created_by",
        group_field=None,
        organisation_field="created_by__organisation",
    )
    return others | Job.objects.filter(created_by=user)


def job_for_user(user: Any, job_id: int) -> Job:
    """The job if ``user`` may see it; otherwise Http404, so other people's jobs don't show they exist.

    A running job's progress on SQLite lives in a side file while its transaction is open; it is read in.
    """
    try:
        job = jobs_visible_to(user).select_related("created_by").get(pk=job_id)
    except Job.DoesNotExist:
        raise Http404 from None
    if job.status == Job.Status.RUNNING:
        side_file = progress_store.store_path(router.db_for_read(Job))
        reported = progress_store.progress_read(side_file, job_id=job.pk) if side_file else None
        if reported is not None and reported[0] >= job.progress_done:
            job.progress_done, job.progress_total = reported
    return job
