"""Progress of a job running inside one long SQLite transaction reaches the job page through a side file."""

import sqlite3
from pathlib import Path
from typing import Any

import pytest

from migdev.jobs import progress_store, selectors
from migdev.jobs.models import Job
from tests.factories import make_user


def test_progress_written_is_read_back_and_forgotten(tmp_path: Path) -> None:
    side_file = tmp_path / "db.sqlite3.progress"
    assert progress_store.progress_read(side_file, job_id=7) is None
    progress_store.progress_write(side_file, job_id=7, done=10, total=100)
    progress_store.progress_write(side_file, job_id=7, done=40, total=100)
    assert progress_store.progress_read(side_file, job_id=7) == (40, 100)
    progress_store.progress_forget(side_file, job_id=7)
    assert progress_store.progress_read(side_file, job_id=7) is None


def test_progress_is_visible_while_another_connection_holds_the_write_lock(tmp_path: Path) -> None:
    main_db = tmp_path / "main.sqlite3"
    writer = sqlite3.connect(main_db, isolation_level=None)
    writer.execute("CREATE TABLE t (x INTEGER)")
    writer.execute("BEGIN IMMEDIATE")  # an import's transaction: the main file's single writer is taken
    writer.execute("INSERT INTO t VALUES (1)")
    side_file = Path(str(main_db) + ".progress")
    progress_store.progress_write(side_file, job_id=1, done=5, total=9)
    assert progress_store.progress_read(side_file, job_id=1) == (5, 9)
    writer.execute("ROLLBACK")
    writer.close()


@pytest.mark.django_db
def test_test_databases_have_no_side_file() -> None:
    # The suite runs on in-memory SQLite or on PostgreSQL; neither gets a progress file.
    assert progress_store.store_path("default") is None


@pytest.mark.django_db
def test_job_page_shows_side_file_progress_of_a_running_job(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    side_file = tmp_path / "db.sqlite3.progress"
    monkeypatch.setattr(progress_store, "store_path", lambda alias: side_file)
    user = make_user()
    job = Job.objects.create(kind="dataio.import", created_by=user, status=Job.Status.RUNNING)
    progress_store.progress_write(side_file, job_id=job.pk, done=250, total=1000)
    seen: Any = selectors.job_for_user(user, job.pk)
    assert (seen.progress_done, seen.progress_total, seen.progress_percent) == (250, 1000, 25)
