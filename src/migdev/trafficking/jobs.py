"""Background jobs of the counter-trafficking module."""

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils.translation import gettext as _

from migdev.accounts.models import User
from migdev.jobs.errors import JobFailed
from migdev.jobs.models import Job
from migdev.jobs.registry import job_handler
from migdev.trafficking import services
from migdev.trafficking.models import Release

RETENTION_JOB = "trafficking.retention"
RELEASE_BUILD_JOB = "trafficking.release_build"


@job_handler(RETENTION_JOB)
def anonymise_expired_cases(job: Job, payload: dict[str, Any]) -> dict[str, Any]:
    """Anonymise cases past their retention date, keeping their statistical records.

    Scheduled daily (cron or the platform scheduler): ``migdev trafficking_retention --enqueue``.
    """
    count = services.cases_anonymise_expired(progress=job.report_progress)
    job.report_progress(count, count)
    return {"anonymised": count}


@job_handler(RELEASE_BUILD_JOB)
def build_release(job: Job, payload: dict[str, Any]) -> dict[str, Any]:
    """Build a release queued from the web (synthetic data takes minutes on large sets).

    Runs as the user who queued it, so the release draws only on the records that user may use, and the
    service checks the permission again now, in case it was withdrawn since.
    """
    actor = User.objects.filter(pk=job.created_by_id, is_active=True).first() if job.created_by_id else None
    if actor is None:
        raise JobFailed(_("The user who asked for this release can no longer build releases."))
    job.report_progress(0, 1, force=True)
    try:
        release = services.release_build(
            actor=actor,
            kind=str(payload["kind"]),
            title=str(payload.get("title") or ""),
            parameters=dict(payload.get("parameters") or {}),
        )
    except PermissionDenied as error:
        raise JobFailed(str(error) or _("You may not build releases.")) from error
    except (ValidationError, ValueError) as error:
        raise JobFailed(" ".join(getattr(error, "messages", [str(error)]))) from error
    job.report_progress(1, 1, force=True)
    return {
        "release": release.pk,
        # A path, not a permission: the release page checks access again for whoever follows the link.
        "link": reverse("trafficking:release_detail", args=[release.pk]),
        "link_label": _("Open the release"),
        "summary": _(
            "Release %(title)s built (%(kind)s, %(records)d records); a data protection officer must "
            "approve it before it is published."
        )
        % {
            "title": release.title,
            "kind": Release.Kind(release.kind).label,
            "records": release.record_count,
        },
    }
