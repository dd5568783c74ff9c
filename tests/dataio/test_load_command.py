import io
import os
import queue
import re
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

import migdev
from migdev.accounts.models import Organisation

WriteFile = Callable[..., Path]
SRC = Path(migdev.__file__).resolve().parent.parent


def run_load(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("load", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_list_shows_one_line_per_format() -> None:
    out, _err = run_load("--list")
    assert re.search(r"^organisations-csv — .+$", out, re.MULTILINE)


@pytest.mark.django_db
def test_load_prints_a_summary(write_file: WriteFile) -> None:
    path = write_file("orgs.csv", "name,kind\nAlpha,ngo\nBeta,research\n")
    out, err = run_load("organisations-csv", str(path))
    assert out.strip() == "read 2, created 2, updated 0, rejected 0"
    assert "2 of 2 rows" in err
    assert Organisation.objects.filter(name__in=["Alpha", "Beta"]).count() == 2


@pytest.mark.django_db
def test_rejected_load_fails_with_the_report(write_file: WriteFile) -> None:
    path = write_file("orgs.csv", "name,kind\nAlpha,ngo\nBeta,martian\n")
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(CommandError) as caught:
        call_command("load", "organisations-csv", str(path), stdout=out, stderr=err)
    assert caught.value.returncode == 1
    assert "nothing was saved" in str(caught.value)
    assert "orgs.csv, row 3, column “kind”: “martian” is not a kind" in err.getvalue()
    assert out.getvalue().strip() == "read 2, created 0, updated 0, rejected 1"
    assert not Organisation.objects.filter(name="Alpha").exists()


@pytest.mark.django_db
def test_unknown_format_and_missing_arguments_fail(write_file: WriteFile) -> None:
    with pytest.raises(CommandError, match="Unknown format 'nope'. Formats: .*organisations-csv"):
        run_load("nope", str(write_file("x.csv", "a\n")))
    with pytest.raises(CommandError, match="FORMAT and a PATH"):
        run_load("organisations-csv")


def _child_environment(database_url: str, data_dir: Path) -> dict[str, str]:
    environment = dict(os.environ)
    environment.update(
        {
            "DATABASE_URL": database_url,
            "MIGDEV_DATA_DIR": str(data_dir),
            "DJANGO_SETTINGS_MODULE": "migdev.settings",
            "PYTHONPATH": os.pathsep.join([str(SRC), environment.get("PYTHONPATH", "")]),
            "PYTHONUNBUFFERED": "1",
        }
    )
    return environment


def _postgres_url() -> str:
    settings = connection.settings_dict
    user = settings.get("USER") or "postgres"
    password = f":{settings['PASSWORD']}" if settings.get("PASSWORD") else ""
    host = settings.get("HOST") or "127.0.0.1"
    port = settings.get("PORT") or 5432
    return f"postgres://{user}{password}@{host}:{port}/{settings['NAME']}"


SEEDED = [("Organisation 3", "SEED3", "government"), ("Untouched", "U", "research")]
# What a finished import would change: the organisations, the import history and the audit log.
STATE_QUERIES = (
    "SELECT name, acronym, kind FROM accounts_organisation",
    "SELECT id FROM dataio_importrun",
    "SELECT id FROM audit_auditevent WHERE action = 'import'",
)
DatabaseState = tuple[list[tuple[Any, ...]], ...]


def _django_database_state() -> DatabaseState:
    state = []
    with connection.cursor() as cursor:
        for query in STATE_QUERIES:
            cursor.execute(query)
            state.append(sorted(cursor.fetchall()))
    return tuple(state)


def _stderr_lines(child: subprocess.Popen[str]) -> "queue.Queue[str | None]":
    """The child's stderr, line by line (``None`` at the end), read by a thread so waiting can time out."""
    lines: queue.Queue[str | None] = queue.Queue()

    def pump() -> None:
        assert child.stderr is not None
        for line in child.stderr:
            lines.put(line)
        lines.put(None)

    threading.Thread(target=pump, daemon=True).start()
    return lines


@pytest.mark.django_db(transaction=True)
def test_a_process_killed_mid_import_leaves_the_database_as_it_was(tmp_path: Path) -> None:
    """kill -9 part-way through `migdev load`: the open transaction dies with the process."""
    if connection.vendor == "postgresql":
        # The child works on the test database itself; rows made here are committed (transactional test).
        environment = _child_environment(_postgres_url(), tmp_path)
        for name, acronym, kind in SEEDED:
            Organisation.objects.create(name=name, acronym=acronym, kind=kind)
        database_state = _django_database_state
    else:
        database_file = tmp_path / "killed.sqlite3"
        environment = _child_environment(f"sqlite:///{database_file}", tmp_path)
        subprocess.run([sys.executable, "-m", "migdev", "migrate", "-v", "0"], env=environment, check=True)
        with closing(sqlite3.connect(database_file)) as seed, seed:
            seed.executemany(
                "INSERT INTO accounts_organisation (name, acronym, kind, version) VALUES (?, ?, ?, 1)", SEEDED
            )

        def database_state() -> DatabaseState:
            with closing(sqlite3.connect(database_file)) as check:
                return tuple(sorted(check.execute(query).fetchall()) for query in STATE_QUERIES)

    before = database_state()
    assert set(SEEDED) <= set(before[0])  # besides the organisations the migrations seed
    big = tmp_path / "big.csv"
    with big.open("w", encoding="utf-8") as handle:
        handle.write("name,kind,acronym\n")
        for number in range(300_000):
            handle.write(f"Organisation {number},ngo,ORG{number}\n")

    child = subprocess.Popen(
        [sys.executable, "-m", "migdev", "load", "organisations-csv", str(big)],
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    lines = _stderr_lines(child)
    seen: list[str] = []
    deadline = time.monotonic() + 120
    try:
        # Progress counts rows already written inside the open transaction; wait for some.
        while (remaining := deadline - time.monotonic()) > 0:
            try:
                line = lines.get(timeout=remaining)
            except queue.Empty:
                break
            if line is None:
                break
            seen.append(line)
            match = re.search(r"([\d,]+) of [\d,]+ rows", line)
            if match and int(match.group(1).replace(",", "")) >= 2000:
                break
        os.kill(child.pid, signal.SIGKILL)
    finally:
        child.wait(timeout=30)
    assert child.returncode == -signal.SIGKILL, f"the import ended by itself: {''.join(seen)}"
    assert any(re.search(r"[1-9][\d,]* of", line) for line in seen), "".join(seen)
    assert database_state() == before
