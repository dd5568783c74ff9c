"""Whole-database copies for `migdev backup` and `migdev restore`.

SQLite uses the online backup API (a consistent copy even while the site is running). PostgreSQL uses
``pg_dump --format=custom`` and ``pg_restore --clean --if-exists --single-transaction``, so a restore that
fails half-way leaves the database as it was. Uploaded files (media storage) are not included.
"""

import os
import shutil
import sqlite3
import subprocess
import tempfile
from pathlib import Path
from typing import Any

from django.db.backends.base.base import BaseDatabaseWrapper

SQLITE_HEADER = b"SQLite format 3\x00"
PG_DUMP_HEADER = b"PGDMP"


class CopyError(Exception):
    pass


def vendor_of(connection: BaseDatabaseWrapper) -> str:
    if connection.vendor not in {"sqlite", "postgresql"}:
        raise CopyError(f"Backups are supported on SQLite and PostgreSQL, not {connection.vendor}.")
    return str(connection.vendor)


# SQLite --------------------------------------------------------------------------------------------------


def sqlite_backup(connection: BaseDatabaseWrapper, target: Path) -> None:
    connection.ensure_connection()
    live: sqlite3.Connection = connection.connection
    # Write next to the target and rename, so an interrupted backup never leaves a half file behind.
    handle, temporary = tempfile.mkstemp(prefix=".backup-", suffix=".sqlite3", dir=target.parent)
    os.close(handle)
    try:
        copy = sqlite3.connect(temporary)
        try:
            live.backup(copy)
            # A self-contained file: no -wal/-shm companions, whatever mode the live database uses.
            copy.execute("PRAGMA journal_mode=DELETE")
        finally:
            copy.close()
        os.replace(temporary, target)
    finally:
        Path(temporary).unlink(missing_ok=True)


def sqlite_check_backup(source: Path) -> None:
    with source.open("rb") as handle:
        if handle.read(len(SQLITE_HEADER)) != SQLITE_HEADER:
            raise CopyError(f"{source} is not a SQLite database file.")
    backup = sqlite3.connect(f"{source.resolve().as_uri()}?mode=ro", uri=True)
    try:
        (integrity,) = backup.execute("PRAGMA integrity_check").fetchone()
        if integrity != "ok":
            raise CopyError(f"{source} is damaged: {integrity}")
        has_migrations = backup.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'django_migrations'"
        ).fetchone()
        if not has_migrations:
            raise CopyError(f"{source} is a SQLite database but not a migdev backup.")
    finally:
        backup.close()


def sqlite_restore(connection: BaseDatabaseWrapper, source: Path) -> None:
    sqlite_check_backup(source)
    if connection.in_atomic_block:
        raise CopyError("Cannot restore inside a transaction.")
    connection.ensure_connection()
    live: sqlite3.Connection = connection.connection
    backup = sqlite3.connect(f"{source.resolve().as_uri()}?mode=ro", uri=True)
    try:
        # The backup API replaces every page of the live database in one step.
        backup.backup(live)
    finally:
        backup.close()


# PostgreSQL ----------------------------------------------------------------------------------------------


def _pg_arguments(settings_dict: dict[str, Any]) -> tuple[list[str], dict[str, str]]:
    arguments = []
    for flag, key in (("--host", "HOST"), ("--port", "PORT"), ("--username", "USER")):
        if settings_dict.get(key):
            arguments.append(f"{flag}={settings_dict[key]}")
    environment = dict(os.environ)
    if settings_dict.get("PASSWORD"):
        environment["PGPASSWORD"] = str(settings_dict["PASSWORD"])
    options = settings_dict.get("OPTIONS") or {}
    if options.get("sslmode"):
        environment["PGSSLMODE"] = str(options["sslmode"])
    return arguments, environment


def _pg_tool(name: str) -> str:
    tool = shutil.which(name)
    if tool is None:
        raise CopyError(f"{name} was not found on PATH; install the PostgreSQL client tools.")
    return tool


def _run(command: list[str], environment: dict[str, str]) -> None:
    completed = subprocess.run(command, env=environment, capture_output=True, text=True, check=False)
    if completed.returncode != 0:
        raise CopyError(f"{Path(command[0]).name} failed: {completed.stderr.strip()}")


def postgresql_backup(connection: BaseDatabaseWrapper, target: Path) -> None:
    arguments, environment = _pg_arguments(connection.settings_dict)
    handle, temporary = tempfile.mkstemp(prefix=".backup-", suffix=".dump", dir=target.parent)
    os.close(handle)
    try:
        _run(
            [
                _pg_tool("pg_dump"),
                "--format=custom",
                f"--file={temporary}",
                *arguments,
                f"--dbname={connection.settings_dict['NAME']}",
            ],
            environment,
        )
        os.replace(temporary, target)
    finally:
        Path(temporary).unlink(missing_ok=True)


def postgresql_restore(connection: BaseDatabaseWrapper, source: Path) -> None:
    with source.open("rb") as handle:
        if handle.read(len(PG_DUMP_HEADER)) != PG_DUMP_HEADER:
            raise CopyError(f"{source} is not a pg_dump custom-format archive.")
    arguments, environment = _pg_arguments(connection.settings_dict)
    # Our own session must not hold locks on the tables pg_restore drops.
    connection.close()
    _run(
        [
            _pg_tool("pg_restore"),
            "--clean",
            "--if-exists",
            "--no-owner",
            "--single-transaction",
            *arguments,
            f"--dbname={connection.settings_dict['NAME']}",
            str(source),
        ],
        environment,
    )
