import os
import signal
import threading
from datetime import timedelta
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.utils import timezone

from migdev.jobs import services
from migdev.jobs.errors import JobFailed, UnknownJobKind
from migdev.jobs.models import Job
from migdev.jobs.services import job_claim, job_enqueue, job_execute, job_report_progress
from tests.factories import make_user

pytestmark = pytest.mark.django_db


def echo(job: Job, payload: dict[str, Any]) -> dict[str, Any]:
    job.report_progress(1, 2)
    return {"echo": payload}


def test_enqueue_needs_a_known_kind() -> None:
    with pytest.raises(UnknownJobKind):
        job_enqueue(kind="nobody.handles.this", payload={})


def test_same_idempotency_key_returns_the_existing_job(handler: Any) -> None:
    handler("test.echo", echo)
    user = make_user()
    first = job_enqueue(kind="test.echo", payload={"n": 1}, user=user, idempotency_key="upload-42")
    again = job_enqueue(kind="test.echo", payload={"n": 2}, user=user, idempotency_key="upload-42")
    other = job_enqueue(kind="test.echo", payload={"n": 3}, idempotency_key="upload-43")
    assert again.pk == first.pk
    assert other.pk != first.pk
    assert Job.objects.count() == 2
    assert Job.objects.get(pk=first.pk).payload == {"n": 1}


def test_idempotency_key_of_another_kind_is_an_error(handler: Any) -> None:
    handler("test.echo", echo)
    handler("test.other", echo)
    job_enqueue(kind="test.echo", payload={}, idempotency_key="k")
    with pytest.raises(ValueError, match="reused"):
        job_enqueue(kind="test.other", payload={}, idempotency_key="k")


def test_concurrent_insert_with_the_same_key_returns_the_winner(
    handler: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another request inserted the key after our lookup found nothing: we get its job, not an error."""
    handler("test.echo", echo)
    winner = Job.objects.create(kind="test.echo", payload={"winner": True}, idempotency_key="race")
    original_filter = Job.objects.filter
    lookups: list[dict[str, Any]] = []

    def lookup_before_the_winner_committed(*args: Any, **kwargs: Any) -> Any:
        lookups.append(kwargs)
        return Job.objects.none() if len(lookups) == 1 else original_filter(*args, **kwargs)

    monkeypatch.setattr(Job.objects, "filter", lookup_before_the_winner_committed)
    job = job_enqueue(kind="test.echo", payload={}, idempotency_key="race")
    assert lookups[0] == {"idempotency_key": "race"}
    assert job.pk == winner.pk
    assert Job.objects.count() == 1


def test_a_rolled_back_enqueue_leaves_no_job(handler: Any) -> None:
    handler("test.echo", echo)
    with pytest.raises(RuntimeError), transaction.atomic():
        job_enqueue(kind="test.echo", payload={})
        raise RuntimeError("the surrounding work failed")
    assert not Job.objects.exists()


def test_run_immediately_waits_for_the_commit(
    handler: Any, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    handler("test.echo", echo)
    settings.JOBS_RUN_IMMEDIATELY = True
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        job = job_enqueue(kind="test.echo", payload={"a": 1})
        assert Job.objects.get(pk=job.pk).status == Job.Status.QUEUED
    assert len(callbacks) == 1
    job.refresh_from_db()
    assert (job.status, job.result, job.attempts) == (Job.Status.SUCCEEDED, {"echo": {"a": 1}}, 1)
    assert (job.progress_done, job.progress_total) == (2, 2)


def test_claim_takes_the_oldest_queued_job(handler: Any) -> None:
    handler("test.echo", echo)
    first = job_enqueue(kind="test.echo", payload={})
    job_enqueue(kind="test.echo", payload={})
    claimed = job_claim(worker_id="w1")
    assert claimed is not None and claimed.pk == first.pk
    assert (claimed.status, claimed.locked_by, claimed.attempts) == (Job.Status.RUNNING, "w1", 1)
    assert claimed.locked_until is not None and claimed.locked_until > timezone.now()


def test_claim_race_has_one_winner(handler: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """Worker A reads the candidate; worker B claims it before A's UPDATE; A's UPDATE must match nothing."""
    handler("test.echo", echo)
    job = job_enqueue(kind="test.echo", payload={})
    real_claim = services._claim
    interleaved: list[Job | None] = []

    def claim_after_b(candidates: Any, *, worker_id: str, now: Any) -> bool:
        if worker_id == "A" and not interleaved:
            monkeypatch.setattr(services, "_claim", real_claim)
            interleaved.append(job_claim(worker_id="B"))
        return real_claim(candidates, worker_id=worker_id, now=now)

    monkeypatch.setattr(services, "_claim", claim_after_b)
    claimed_by_a = job_claim(worker_id="A")
    claimed_by_b = interleaved[0]
    assert claimed_by_a is None
    assert claimed_by_b is not None and claimed_by_b.pk == job.pk
    job.refresh_from_db()
    assert (job.locked_by, job.attempts) == ("B", 1)


def test_stale_running_job_is_reclaimed(handler: Any) -> None:
    handler("test.echo", echo)
    job = job_enqueue(kind="test.echo", payload={})
    assert job_claim(worker_id="dead") is not None
    assert job_claim(worker_id="alive") is None  # lease still valid
    Job.objects.filter(pk=job.pk).update(locked_until=timezone.now() - timedelta(seconds=1))
    reclaimed = job_claim(worker_id="alive")
    assert reclaimed is not None and reclaimed.pk == job.pk
    assert (reclaimed.locked_by, reclaimed.attempts) == ("alive", 2)


def test_job_whose_worker_keeps_dying_is_given_up(handler: Any) -> None:
    handler("test.echo", echo)
    job = job_enqueue(kind="test.echo", payload={}, max_attempts=1)
    job_claim(worker_id="dead")
    Job.objects.filter(pk=job.pk).update(locked_until=timezone.now() - timedelta(seconds=1))
    assert job_claim(worker_id="next") is None
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED
    assert "Gave up after 1 attempts" in job.error


def test_handler_exception_marks_the_job_failed(handler: Any) -> None:
    def explode(job: Job, payload: dict[str, Any]) -> dict[str, Any]:
        raise ZeroDivisionError("division by zero")

    handler("test.explode", explode)
    job_enqueue(kind="test.explode", payload={})
    claimed = job_claim(worker_id="w")
    assert claimed is not None
    finished = job_execute(job=claimed, worker_id="w")
    assert (finished.status, finished.error) == (Job.Status.FAILED, "ZeroDivisionError: division by zero")
    assert (finished.locked_by, finished.locked_until) == ("", None)
    assert finished.finished_at is not None


def test_job_failed_keeps_its_result(handler: Any) -> None:
    def refuse(job: Job, payload: dict[str, Any]) -> dict[str, Any]:
        raise JobFailed("file refused", result={"report": {"total": 1}})

    handler("test.refuse", refuse)
    job_enqueue(kind="test.refuse", payload={})
    claimed = job_claim(worker_id="w")
    assert claimed is not None
    finished = job_execute(job=claimed, worker_id="w")
    assert (finished.status, finished.error, finished.result) == (
        Job.Status.FAILED,
        "file refused",
        {"report": {"total": 1}},
    )


def test_a_worker_that_lost_its_claim_does_not_record_the_end(handler: Any) -> None:
    handler("test.echo", echo)
    job_enqueue(kind="test.echo", payload={})
    claimed = job_claim(worker_id="slow")
    assert claimed is not None
    Job.objects.filter(pk=claimed.pk).update(locked_by="other")
    finished = job_execute(job=claimed, worker_id="slow")
    assert finished.status == Job.Status.RUNNING
    assert finished.locked_by == "other"


def test_progress_writes_are_throttled(handler: Any) -> None:
    handler("test.echo", echo)
    job_enqueue(kind="test.echo", payload={})
    job = job_claim(worker_id="w")
    assert job is not None
    job_report_progress(job=job, done=1, total=10, force=True)
    job_report_progress(job=job, done=2, total=10)  # within half a second: kept in memory only
    assert (job.progress_done, job.progress_total) == (2, 10)
    stored = Job.objects.get(pk=job.pk)
    if connection.in_atomic_block and connection.vendor == "sqlite":
        # Inside a transaction SQLite progress waits for the end of the job (single writer).
        assert stored.progress_done == 0
    elif not connection.in_atomic_block:
        assert (stored.progress_done, stored.progress_total) == (1, 10)


@pytest.mark.django_db(transaction=True)
def test_progress_is_visible_while_the_job_runs(handler: Any) -> None:
    handler("test.echo", echo)
    job_enqueue(kind="test.echo", payload={})
    job = job_claim(worker_id="w")
    assert job is not None
    job_report_progress(job=job, done=3, total=10, force=True)
    stored = Job.objects.get(pk=job.pk)
    assert (stored.progress_done, stored.progress_total) == (3, 10)
    if connection.vendor == "postgresql":
        # From inside a long transaction, the update travels on its own connection and is seen at once.
        with transaction.atomic():
            job_report_progress(job=job, done=7, total=10, force=True)
            from django.db import connections

            observer = connections.create_connection("default")
            try:
                with observer.cursor() as cursor:
                    cursor.execute("SELECT progress_done FROM jobs_job WHERE id = %s", [job.pk])
                    assert cursor.fetchone() == (7,)
            finally:
                observer.close()


def test_worker_once_runs_ready_jobs_and_exits(handler: Any) -> None:
    handler("test.echo", echo)
    jobs = [job_enqueue(kind="test.echo", payload={"n": n}) for n in range(3)]
    call_command("jobs_worker", "--once", stdout=open(os.devnull, "w"))  # noqa: SIM115
    assert [Job.objects.get(pk=job.pk).status for job in jobs] == [Job.Status.SUCCEEDED] * 3


def test_worker_stops_gracefully_on_sigterm(handler: Any) -> None:
    """SIGTERM during a job: that job finishes and is recorded, the next one is left for another worker."""
    assert threading.current_thread() is threading.main_thread()

    def terminate_me(job: Job, payload: dict[str, Any]) -> dict[str, Any]:
        os.kill(os.getpid(), signal.SIGTERM)
        return {"finished": True}

    handler("test.terminate", terminate_me)
    first = job_enqueue(kind="test.terminate", payload={})
    second = job_enqueue(kind="test.terminate", payload={})
    previous = signal.getsignal(signal.SIGTERM)
    call_command("jobs_worker", "--sleep", "0.1", stdout=open(os.devnull, "w"))  # noqa: SIM115
    assert signal.getsignal(signal.SIGTERM) == previous
    assert Job.objects.get(pk=first.pk).status == Job.Status.SUCCEEDED
    assert Job.objects.get(pk=first.pk).result == {"finished": True}
    assert Job.objects.get(pk=second.pk).status == Job.Status.QUEUED


@pytest.mark.django_db(transaction=True)
def test_concurrent_workers_claim_each_job_once(handler: Any) -> None:
    """Real threads with their own database connections race for the same jobs."""
    if connection.vendor == "sqlite" and connection.settings_dict["NAME"].startswith("file:memorydb"):
        pytest.skip(
            "in-memory SQLite shares one cache between threads; covered by test_claim_race_has_one_winner"
        )
    handler("test.echo", echo)
    jobs = {job_enqueue(kind="test.echo", payload={}).pk for _ in range(6)}
    barrier = threading.Barrier(4)
    claims: list[tuple[str, int]] = []
    lock = threading.Lock()

    def work(worker_id: str) -> None:
        from django.db import connections

        try:
            barrier.wait()
            while (job := job_claim(worker_id=worker_id)) is not None:
                with lock:
                    claims.append((worker_id, job.pk))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=work, args=(f"w{n}",)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    claimed_ids = [job_id for _worker, job_id in claims]
    assert sorted(claimed_ids) == sorted(jobs)  # every job claimed, none twice


@pytest.mark.django_db
def test_a_job_runs_in_the_language_of_whoever_queued_it() -> None:
    from django.utils import translation

    from migdev.jobs.registry import job_handler
    from migdev.jobs.services import job_enqueue, job_run_now

    @job_handler("tests.language_probe")
    def language_probe(job: Any, payload: dict[str, Any]) -> dict[str, Any]:
        return {"language": translation.get_language(), "status": str(job.Status.QUEUED.label)}

    with translation.override("es"):
        job = job_enqueue(kind="tests.language_probe", payload={})
    assert job.language == "es"
    finished = job_run_now(job_id=job.pk)
    assert finished is not None
    assert finished.result == {"language": "es", "status": "En cola"}
