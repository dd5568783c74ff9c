from datetime import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema

from migdev.core.api_base import AUTH
from migdev.core.api_params import RecordId
from migdev.jobs.selectors import job_for_user

router = Router(auth=AUTH, tags=["jobs"])


class JobOut(Schema):
    id: int
    kind: str
    status: str
    progress_done: int
    progress_total: int | None
    progress_percent: int | None
    result: dict[str, Any]
    error: str
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None


@router.get(
    "/{job_id}", response=JobOut, url_name="job_detail", summary="A background job's status and result"
)
def get_job(request: HttpRequest, job_id: RecordId) -> Any:
    """Jobs are visible to the user who started them (and to administrators); others get 404."""
    return job_for_user(request.user, job_id)
