"""`migdev trafficking_retention`: anonymise cases past their retention date (run daily from cron).

`--enqueue` puts the work on the job queue instead (idempotent per day), for installations whose
worker runs scheduled work.
"""

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from migdev.trafficking import services
from migdev.trafficking.jobs import RETENTION_JOB


class Command(BaseCommand):
    help = "Anonymise counter-trafficking cases whose retention date has passed (statistics are kept)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--enqueue", action="store_true", help="Run it as a background job instead.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["enqueue"]:
            from migdev.jobs.services import job_enqueue

            job = job_enqueue(
                kind=RETENTION_JOB,
                payload={},
                idempotency_key=f"{RETENTION_JOB}:{timezone.localdate().isoformat()}",
            )
            self.stdout.write(f"job {job.pk} enqueued")
            return
        self.stdout.write(f"{services.cases_anonymise_expired()} cases anonymised")
