from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from migdev.jobs.models import Job

VIEW_ALL_JOBS = "jobs.view_all_jobs"


def _has_permission(user: Any, perm: str) -> bool:
    # Imported at call time: migdev.accounts.access is written alongside this module.
    from migdev.accounts.access import has_permission  # type: ignore[import-untyped,unused-ignore]

    return bool(has_permission(user, perm))


def jobs_visible_to(user: Any) -> QuerySet[Job]:
    """A user's own jobs; every job for those allowed to see them all (administrators)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Job.objects.none()
    if _has_permission(user, VIEW_ALL_JOBS):
        return Job.objects.all()
    return Job.objects.filter(created_by=user)


def job_for_user(user: Any, job_id: int) -> Job:
    """The job if ``user`` may see it; otherwise Http404, so other people's jobs don't show they exist."""
    try:
        return jobs_visible_to(user).select_related("created_by").get(pk=job_id)
    except Job.DoesNotExist:
        raise Http404 from None
