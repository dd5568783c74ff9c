"""`migdev jobs_worker`: run queued background jobs.

Stops gracefully on SIGTERM or SIGINT: the job in hand is finished and recorded, then the worker exits.
Run as many workers as you like; each job is claimed by exactly one of them.
"""

import signal
import threading
from types import FrameType
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import connections

from migdev.jobs.services import job_claim, job_execute, new_worker_id


class Command(BaseCommand):
    help = "Run queued background jobs (imports and other long tasks)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--once",
            action="store_true",
            help="Run the jobs that are ready now, then exit instead of waiting.",
        )
        parser.add_argument(
            "--sleep", type=float, default=2.0, help="Seconds to wait when the queue is empty (default 2)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        stop = threading.Event()
        previous = self._install_signal_handlers(stop)
        worker_id = new_worker_id()
        self.stdout.write(f"Worker {worker_id} started.")
        ran = 0
        try:
            while not stop.is_set():
                _drop_stale_connections()
                job = job_claim(worker_id=worker_id)
                if job is None:
                    if options["once"]:
                        break
                    stop.wait(options["sleep"])
                    continue
                self.stdout.write(f"Running job {job.pk} ({job.kind}).")
                job = job_execute(job=job, worker_id=worker_id)
                ran += 1
                self.stdout.write(f"Job {job.pk} {job.status}.")
        finally:
            self._restore_signal_handlers(previous)
        self.stdout.write(f"Worker {worker_id} stopped after {ran} job(s).")

    def _install_signal_handlers(self, stop: threading.Event) -> dict[int, Any]:
        if threading.current_thread() is not threading.main_thread():
            return {}

        def request_stop(signum: int, frame: FrameType | None) -> None:
            stop.set()

        return {sig: signal.signal(sig, request_stop) for sig in (signal.SIGTERM, signal.SIGINT)}

    def _restore_signal_handlers(self, previous: dict[int, Any]) -> None:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def _drop_stale_connections() -> None:
    """Between jobs, reconnect when a connection broke or outlived CONN_MAX_AGE (as Django does between
    requests). A connection inside a transaction is left alone: that is a caller's (or a test's)."""
    for connection in connections.all(initialized_only=True):
        if not connection.in_atomic_block:
            connection.close_if_unusable_or_obsolete()
