"""The API's shared rate limit (migdev.core.throttling.SharedRateThrottle, ADR 0013): enforced per client,
counted across connections and processes by one atomic statement, rolled over from one window to the next."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from django.conf import LazySettings
from django.db import connection, connections
from django.test import Client

from migdev.accounts.services import api_token_create
from migdev.core.models import ApiRateCounter
from migdev.core.throttling import SharedRateThrottle
from tests.factories import make_user

CLIENT_SCRIPT = Path(__file__).with_name("rate_limit_client.py")
WINDOW_START = 60.0 * 1000  # the start of a window, seconds since the epoch


class Clock:
    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


@pytest.mark.django_db
def test_the_limit_is_enforced_per_client_and_refusals_are_not_counted(settings: LazySettings) -> None:
    settings.API_RATE_LIMIT_PER_MINUTE = 3
    clock = Clock(WINDOW_START + 5)
    throttle = SharedRateThrottle(clock=clock)
    assert [throttle.hit("a") for _ in range(5)] == [True, True, True, False, False]
    assert throttle.wait() == pytest.approx(55.0)  # the window's end: nothing before it counts less
    assert throttle.hit("b")  # another client has its own count
    assert ApiRateCounter.objects.get(client="a").hits == 3  # the two refusals were not counted
    settings.API_RATE_LIMIT_PER_MINUTE = 4  # read at each request
    assert throttle.hit("a")
    assert not throttle.hit("a")


@pytest.mark.django_db
def test_the_window_rolls_over_and_the_previous_minute_still_counts_for_its_share(
    settings: LazySettings,
) -> None:
    settings.API_RATE_LIMIT_PER_MINUTE = 4
    clock = Clock(WINDOW_START + 50)
    throttle = SharedRateThrottle(clock=clock)
    assert sum(throttle.hit("a") for _ in range(6)) == 4
    clock.now = WINDOW_START + 60  # the next window begins: the 4 of the last minute count whole
    assert not throttle.hit("a")
    assert throttle.wait() == pytest.approx(15.0)  # 4 x (1 - t/60) <= 3 after a quarter of the window
    clock.now = WINDOW_START + 60 + 30  # half of the previous minute is still in the sliding window: 2
    assert [throttle.hit("a") for _ in range(3)] == [True, True, False]
    row = ApiRateCounter.objects.get(client="a")
    assert (row.window_number, row.hits, row.previous_hits) == (1001, 2, 4)
    clock.now = WINDOW_START + 120 + 15  # three quarters of the previous window's 2 remain: 1.5
    assert sum(throttle.hit("a") for _ in range(5)) == 3
    clock.now = WINDOW_START + 240  # two windows later nothing is left
    assert sum(throttle.hit("a") for _ in range(5)) == 4


@pytest.mark.django_db
def test_rows_of_windows_no_longer_counted_are_purged(settings: LazySettings) -> None:
    settings.API_RATE_LIMIT_PER_MINUTE = 10
    clock = Clock(WINDOW_START)
    throttle = SharedRateThrottle(clock=clock)
    throttle.hit("old")
    clock.now = WINDOW_START + 60
    throttle.hit("recent")
    assert set(ApiRateCounter.objects.values_list("client", flat=True)) == {"old", "recent"}
    clock.now = WINDOW_START + 120  # "old" was last counted two windows ago: it counts for nothing now
    throttle.hit("new")
    assert set(ApiRateCounter.objects.values_list("client", flat=True)) == {"recent", "new"}


@pytest.mark.django_db(transaction=True)
def test_two_connections_share_one_count(settings: LazySettings) -> None:
    settings.API_RATE_LIMIT_PER_MINUTE = 4
    throttle = SharedRateThrottle(clock=Clock(WINDOW_START + 1))
    other = ThreadPoolExecutor(max_workers=1)  # one thread, so one other database connection

    def elsewhere() -> tuple[bool, int]:
        return throttle.hit("shared"), id(connections["default"])

    try:
        answers = [throttle.hit("shared"), other.submit(elsewhere).result()[0]]
        answers += [throttle.hit("shared"), other.submit(elsewhere).result()[0]]
        answers += [throttle.hit("shared"), other.submit(elsewhere).result()[0]]
        assert other.submit(elsewhere).result()[1] != id(connection)
    finally:
        other.submit(connections.close_all).result()
        other.shutdown()
    assert answers == [True, True, True, True, False, False]


def _database_url_for_processes(tmp_path: Path) -> tuple[str, bool]:
    """A database other processes can open: the test database (PostgreSQL) or a new SQLite file (the test
    database of SQLite lives in this process's memory)."""
    settings_dict = connection.settings_dict
    if connection.vendor == "postgresql":
        user, host = settings_dict["USER"], settings_dict["HOST"] or "localhost"
        password = f":{settings_dict['PASSWORD']}" if settings_dict["PASSWORD"] else ""
        port = settings_dict["PORT"] or 5432
        return f"postgres://{user}{password}@{host}:{port}/{settings_dict['NAME']}", False
    return f"sqlite:///{tmp_path / 'shared.sqlite3'}", True


@pytest.mark.django_db(transaction=True)
def test_processes_counting_at_once_admit_exactly_the_limit(tmp_path: Path) -> None:
    url, create = _database_url_for_processes(tmp_path)
    env = {**os.environ, "DATABASE_URL": url, "MIGDEV_DATA_DIR": str(tmp_path)}
    barrier = tmp_path / "barrier"
    barrier.mkdir()
    if create:
        command = [sys.executable, str(CLIENT_SCRIPT), "x", "0", "1", str(barrier), "--create-table"]
        subprocess.run(command, env=env, check=True)
    processes, attempts, limit = 4, 60, 150
    runs = [
        subprocess.Popen(
            [sys.executable, str(CLIENT_SCRIPT), "shared", str(attempts), str(limit), str(barrier)],
            env=env,
            stdout=subprocess.PIPE,
            text=True,
        )
        for _ in range(processes)
    ]
    deadline = time.monotonic() + 240
    while len(list(barrier.glob("ready-*"))) < processes and time.monotonic() < deadline:
        time.sleep(0.05)
    (barrier / "go").touch()  # every process is connected and waiting: they count at the same moment
    admitted = [int(run.communicate(timeout=240)[0].split()[-1]) for run in runs]
    assert all(run.returncode == 0 for run in runs)
    assert sum(admitted) == limit  # 240 attempts at once: never one more than the limit, never one less


@pytest.mark.django_db
def test_the_api_answers_429_per_token_and_other_callers_keep_their_own_count(
    client: Client, settings: LazySettings
) -> None:
    settings.API_RATE_LIMIT_PER_MINUTE = 3
    _, first = api_token_create(user=make_user(), name="first")
    _, second = api_token_create(user=make_user(), name="second")
    statuses = [
        client.get("/api/v1/platform/whoami", HTTP_AUTHORIZATION=f"Bearer {first}").status_code
        for _ in range(4)
    ]
    assert statuses == [200, 200, 200, 429]
    refused = client.get("/api/v1/platform/whoami", HTTP_AUTHORIZATION=f"Bearer {first}")
    assert refused["Content-Type"] == "application/problem+json"
    assert 1 <= int(refused["Retry-After"]) <= 60
    assert client.get("/api/v1/platform/whoami", HTTP_AUTHORIZATION=f"Bearer {second}").status_code == 200
    assert client.get("/api/v1/platform/").status_code == 200  # an anonymous caller is counted apart
    # Nothing that names the caller is stored: only keyed hashes.
    stored = list(ApiRateCounter.objects.values_list("client", flat=True))
    assert len(stored) == 3 and all(len(key) == 64 and "auth" not in key for key in stored)
