"""A separate server process for tests/core/test_rate_limit.py: counts requests of one client against the
shared limit and prints how many were admitted.

    python tests/core/rate_limit_client.py CLIENT ATTEMPTS LIMIT BARRIER_DIR [--create-table]

``DATABASE_URL`` names the database every process shares. Once Django is set up and connected, the process
writes a file into ``BARRIER_DIR`` and waits for the file ``go`` there, so that the processes count at the
same moment.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path


def main() -> None:
    client, attempts, limit = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    barrier = Path(sys.argv[4])
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "migdev.settings")
    os.environ["API_RATE_LIMIT_PER_MINUTE"] = str(limit)
    import django

    django.setup()
    from django.db import connection

    from migdev.core.models import ApiRateCounter
    from migdev.core.throttling import SharedRateThrottle

    if "--create-table" in sys.argv:
        with connection.schema_editor() as editor:
            editor.create_model(ApiRateCounter)
        print(0)
        return
    # The clock is pinned to the middle of one window, so a run can never straddle two.
    throttle = SharedRateThrottle(clock=lambda: 60.0 * 1000 + 30.0)
    connection.ensure_connection()
    (barrier / f"ready-{os.getpid()}").touch()
    deadline = time.monotonic() + 300
    while not (barrier / "go").exists() and time.monotonic() < deadline:
        time.sleep(0.001)
    admitted = sum(throttle.hit(client) for _ in range(attempts))
    print(admitted)


if __name__ == "__main__":
    main()
