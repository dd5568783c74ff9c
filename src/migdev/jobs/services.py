"""The database-backed job queue.

Visibility: ``job_enqueue`` inserts the row in the caller's transaction. Until that transaction commits,
no other connection can see the row, so a worker can never claim a job whose surrounding work was rolled
back — the queue needs no extra "publish" step. With ``settings.JOBS_RUN_IMMEDIATELY`` the job runs in
this process right after the commit (``transaction.on_commit``), which is what tests and tiny installs use.

Claiming is a compare-and-swap: read the oldest candidate, then ``UPDATE ... WHERE id = ? AND <the state
we read>``; exactly one worker's UPDATE matches, on SQLite and PostgreSQL alike. A claim is a lease
(``locked_until``) that the running worker renews; a job whose lease ran out because its worker died is
claimed again, until ``max_attempts`` is reached.
"""

import logging
import os
import socket
import sqlite3
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import IntegrityError, connections, router, transaction
from django.db.models import F, Q
from django.utils import timezone, translation

from migdev.jobs import progress_store
from migdev.jobs.errors import JobFailed
from migdev.jobs.models import Job
from migdev.jobs.registry import get_handler

if TYPE_CHECKING:
    from migdev.accounts.models import User

logger = logging.getLogger(__name__)

PROGRESS_MIN_INTERVAL = 0.5
ERROR_TEXT_LIMIT = 20_000


def lease_seconds() -> int:
    return int(getattr(settings, "JOBS_LEASE_SECONDS", 600))


def new_worker_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def _queuing_language() -> str:
    return translation.get_language() or settings.LANGUAGE_CODE


def job_enqueue(
    *,
    kind: str,
    payload: dict[str, Any],
    user: "User | None" = None,
    idempotency_key: str | None = None,
    max_attempts: int = 3,
) -> Job:
    """Queue a job; with an ``idempotency_key`` already used, return that job instead of a new one.

    The existing job is returned as it is (its payload is not compared); a key reused for another kind
    of job is a programming error and raises ValueError.
    """
    get_handler(kind)  # fail now, not in the worker, when nobody handles this kind
    created = False
    if idempotency_key is not None:
        existing = Job.objects.filter(idempotency_key=idempotency_key).first()
        if existing is not None:
            return _same_kind(existing, kind)
        try:
            with transaction.atomic():
                job = Job.objects.create(
                    kind=kind,
                    language=_queuing_language(),
                    payload=payload,
                    created_by=user,
                    idempotency_key=idempotency_key,
                    max_attempts=max_attempts,
                )
                created = True
        except IntegrityError:
            # Another request with the same key won the race between our read and our insert.
            return _same_kind(Job.objects.get(idempotency_key=idempotency_key), kind)
    else:
        job = Job.objects.create(
            kind=kind,
            language=_queuing_language(),
            payload=payload,
            created_by=user,
            max_attempts=max_attempts,
        )
        created = True
    if created and settings.JOBS_RUN_IMMEDIATELY:
        job_id = job.pk
        transaction.on_commit(lambda: job_run_now(job_id=job_id), using=router.db_for_write(Job))
    return job


def _same_kind(job: Job, kind: str) -> Job:
    if job.kind != kind:
        raise ValueError(f"Idempotency key reused for a {kind!r} job; it belongs to a {job.kind!r} job.")
    return job


def job_claim(*, worker_id: str) -> Job | None:
    """Take the oldest runnable job for ``worker_id``, or None when there is nothing to do."""
    for _attempt in range(10):
        now = timezone.now()
        candidate = (
            Job.objects.filter(
                Q(status=Job.Status.QUEUED) | Q(status=Job.Status.RUNNING, locked_until__lt=now)
            )
            .order_by("created_at", "id")
            .values("id", "status", "locked_by", "locked_until", "attempts", "max_attempts")
            .first()
        )
        if candidate is None:
            return None
        unchanged = Job.objects.filter(
            pk=candidate["id"],
            status=candidate["status"],
            locked_by=candidate["locked_by"],
            attempts=candidate["attempts"],
        )
        if candidate["status"] == Job.Status.RUNNING and candidate["attempts"] >= candidate["max_attempts"]:
            # Its worker died mid-run on every attempt; running it again would most likely do the same.
            unchanged.update(
                status=Job.Status.FAILED,
                finished_at=now,
                locked_by="",
                locked_until=None,
                error=f"Gave up after {candidate['attempts']} attempts: the worker stopped responding.",
            )
            continue
        if _claim(unchanged, worker_id=worker_id, now=now):
            return Job.objects.get(pk=candidate["id"])
    return None


def _claim(candidates: "Any", *, worker_id: str, now: Any) -> bool:
    claimed = candidates.update(
        status=Job.Status.RUNNING,
        locked_by=worker_id,
        locked_until=now + timedelta(seconds=lease_seconds()),
        attempts=F("attempts") + 1,
        started_at=now,
        updated_at=now,
    )
    return bool(claimed == 1)


def job_claim_by_id(*, job_id: int, worker_id: str) -> Job | None:
    """Claim one particular queued job (used to run a job right after its enqueueing commits)."""
    now = timezone.now()
    if _claim(Job.objects.filter(pk=job_id, status=Job.Status.QUEUED), worker_id=worker_id, now=now):
        return Job.objects.get(pk=job_id)
    return None


def job_execute(*, job: Job, worker_id: str) -> Job:
    """Run a claimed job's handler and record how it ended. Handler exceptions fail the job, never the
    worker."""
    try:
        handler = get_handler(job.kind)
        with _lease_renewal(job_id=job.pk, worker_id=worker_id), translation.override(job.language):
            result = handler(job, dict(job.payload))
    except JobFailed as failure:
        _finish(
            job, worker_id=worker_id, status=Job.Status.FAILED, error=failure.message, result=failure.result
        )
    except Exception as error:
        logger.exception("Job %s (%s) failed", job.pk, job.kind)
        _finish(
            job,
            worker_id=worker_id,
            status=Job.Status.FAILED,
            error=f"{type(error).__name__}: {error}",
            result={},
        )
    else:
        _finish(job, worker_id=worker_id, status=Job.Status.SUCCEEDED, error="", result=result or {})
    job.refresh_from_db()
    return job


def job_run_now(*, job_id: int) -> Job | None:
    worker_id = new_worker_id()
    job = job_claim_by_id(job_id=job_id, worker_id=worker_id)
    if job is None:
        return None
    return job_execute(job=job, worker_id=worker_id)


def _finish(job: Job, *, worker_id: str, status: str, error: str, result: dict[str, Any]) -> None:
    values: dict[str, Any] = {
        "status": status,
        "error": error[:ERROR_TEXT_LIMIT],
        "result": result,
        "finished_at": timezone.now(),
        "updated_at": timezone.now(),
        "locked_by": "",
        "locked_until": None,
        "progress_done": job.progress_done,
        "progress_total": job.progress_total,
    }
    if status == Job.Status.SUCCEEDED and job.progress_total is not None:
        values["progress_done"] = job.progress_total
    # Only the worker holding the claim records the end: one whose lease was taken over stays silent.
    updated = Job.objects.filter(pk=job.pk, locked_by=worker_id).update(**values)
    side_file = progress_store.store_path(router.db_for_write(Job))
    if side_file is not None:
        progress_store.progress_forget(side_file, job_id=job.pk)
    if not updated:
        logger.warning(
            "Job %s finished on %s after its claim was lost; result not recorded.", job.pk, worker_id
        )


def job_report_progress(*, job: Job, done: int, total: int | None = None, force: bool = False) -> None:
    """Record progress at most every half second (and always when ``force``).

    Handlers often report from inside a long transaction (an import is one), where an ordinary UPDATE
    would stay invisible to the job page until the end. On PostgreSQL the row is then written through a
    separate short-lived connection; SQLite allows a single writer, so progress there goes to a small
    side file (``progress_store``) that the job page reads.
    """
    job.progress_done = done
    job.progress_total = total
    now = time.monotonic()
    if not force and now - job._progress_written_at < PROGRESS_MIN_INTERVAL:
        return
    job._progress_written_at = now
    alias = router.db_for_write(Job)
    connection = connections[alias]
    values = {"progress_done": done, "progress_total": total, "updated_at": timezone.now()}
    if not connection.in_atomic_block:
        Job.objects.using(alias).filter(pk=job.pk, status=Job.Status.RUNNING).update(**values)
    elif connection.vendor == "postgresql":
        _write_progress_outside_transaction(alias, job.pk, values)
    else:
        side_file = progress_store.store_path(alias)
        if side_file is not None:
            try:
                progress_store.progress_write(side_file, job_id=job.pk, done=done, total=total)
            except sqlite3.Error:
                logger.warning("Could not record progress of job %s", job.pk, exc_info=True)


def _write_progress_outside_transaction(alias: str, job_id: int, values: dict[str, Any]) -> None:
    side = connections.create_connection(alias)
    try:
        quote = side.ops.quote_name
        assignments = ", ".join(f"{quote(column)} = %s" for column in values)
        with side.cursor() as cursor:
            # Never wait on a row lock held by our own main transaction: a skipped update is harmless.
            cursor.execute("SET lock_timeout = '1s'")
            cursor.execute(
                f"UPDATE {quote(Job._meta.db_table)} SET {assignments} WHERE {quote('id')} = %s "  # noqa: S608
                f"AND {quote('status')} = %s",
                [*values.values(), job_id, Job.Status.RUNNING],
            )
    except Exception:
        logger.warning("Could not record progress of job %s", job_id, exc_info=True)
    finally:
        side.close()


@contextmanager
def _lease_renewal(*, job_id: int, worker_id: str) -> Iterator[None]:
    """Keep extending the claim while the handler runs, so a long job is not mistaken for a dead one."""
    stop = threading.Event()
    interval = max(lease_seconds() / 3, 1)

    def renew() -> None:
        try:
            while not stop.wait(interval):
                try:
                    Job.objects.filter(pk=job_id, locked_by=worker_id).update(
                        locked_until=timezone.now() + timedelta(seconds=lease_seconds())
                    )
                except Exception:
                    # SQLite may be locked by the handler's own transaction; the next round retries.
                    logger.info("Could not renew the claim on job %s", job_id, exc_info=True)
        finally:
            connections.close_all()

    renewer = threading.Thread(target=renew, name=f"job-{job_id}-lease", daemon=True)
    renewer.start()
    try:
        yield
    finally:
        stop.set()
        renewer.join(timeout=5)
