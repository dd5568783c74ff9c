"""`migdev labour_checkins`: alert scheme officers to check-ins missed after arrival (run daily from cron).

`--enqueue` puts the work on the job queue instead (idempotent per day), for installations whose
worker runs scheduled work.
"""

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from migdev.labour import passage
from migdev.labour.jobs import MISSED_CHECK_INS_JOB


class Command(BaseCommand):
    help = "Raise an alert for each check-in missed after a worker's arrival (each alert once)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--enqueue", action="store_true", help="Run it as a background job instead.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["enqueue"]:
            from migdev.jobs.services import job_enqueue

            job = job_enqueue(
                kind=MISSED_CHECK_INS_JOB,
                payload={},
                idempotency_key=f"{MISSED_CHECK_INS_JOB}:{timezone.localdate().isoformat()}",
            )
            self.stdout.write(f"job {job.pk} enqueued")
            return
        self.stdout.write(f"{passage.raise_missed_check_in_alerts()} alerts raised")
