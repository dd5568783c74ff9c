"""Progress of running jobs on SQLite, kept beside the database in a file of its own.

A job that reports progress from inside one long transaction (every import does) cannot make that progress
visible through the main SQLite database: SQLite has a single writer and our transaction holds it. A second
SQLite file has its own lock, so the worker writes progress there and the job page reads it. On PostgreSQL
progress goes to the job row through a separate connection instead (see ``services.job_report_progress``).
"""

import sqlite3
import time
from contextlib import closing
from pathlib import Path

from django.db import connections

_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS job_progress ("
    "job_id INTEGER PRIMARY KEY, done INTEGER NOT NULL, total INTEGER, written_at REAL NOT NULL)"
)


def store_path(alias: str) -> Path | None:
    """The progress file for a file-based SQLite database; None for other backends and in-memory SQLite."""
    connection = connections[alias]
    if connection.vendor != "sqlite":
        return None
    name = str(connection.settings_dict["NAME"])
    if not name or name == ":memory:" or "mode=memory" in name:
        return None
    return Path(name + ".progress")


def _open(path: Path) -> sqlite3.Connection:
    database = sqlite3.connect(path, timeout=1, isolation_level=None)
    database.execute("PRAGMA journal_mode=WAL")
    database.execute(_SCHEMA)
    return database


def progress_write(path: Path, *, job_id: int, done: int, total: int | None) -> None:
    with closing(_open(path)) as database:
        database.execute(
            "INSERT INTO job_progress (job_id, done, total, written_at) VALUES (?, ?, ?, ?) "
            "ON CONFLICT(job_id) DO UPDATE SET done = excluded.done, total = excluded.total, "
            "written_at = excluded.written_at",
            (job_id, done, total, time.time()),
        )


def progress_read(path: Path, *, job_id: int) -> tuple[int, int | None] | None:
    if not path.exists():
        return None
    with closing(_open(path)) as database:
        row = database.execute("SELECT done, total FROM job_progress WHERE job_id = ?", (job_id,)).fetchone()
    return (int(row[0]), None if row[1] is None else int(row[1])) if row else None


def progress_forget(path: Path, *, job_id: int) -> None:
    if path.exists():
        with closing(_open(path)) as database:
            database.execute("DELETE FROM job_progress WHERE job_id = ?", (job_id,))
