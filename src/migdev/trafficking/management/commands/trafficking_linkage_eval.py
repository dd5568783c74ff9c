"""`migdev trafficking_linkage_eval [--persons 2000] [--seed 2006]`: precision and recall of duplicate
detection on a generated set with realistic variants, against the exact rule it replaced.

The generated cases are written to the database (encrypted, with their tokens), run through the same
functions as the review page, and rolled back: nothing is left behind. Prints a table, then one JSON line.
"""

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from migdev.trafficking.linkage_run import evaluate


class Command(BaseCommand):
    help = "Measure duplicate detection (precision, recall, per kind of variant) on a generated set."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--persons", type=int, default=2000, help="People generated (default 2000).")
        parser.add_argument("--seed", type=int, default=2006)
        parser.add_argument(
            "--duplicate-share", type=float, default=0.3, help="Share of people recorded twice (0-1)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        result = evaluate(
            options["persons"], seed=options["seed"], duplicate_share=options["duplicate_share"]
        )
        ours, exact = result["migdev"], result["exact_rule"]
        self.stdout.write(
            f"{result['records']} records of {result['persons']} people, {ours['true_pairs']} true pairs "
            f"(seed {result['seed']}); {result['candidate_pairs']} candidate pairs scored in "
            f"{result['seconds']} s"
        )
        self.stdout.write(f"{'':22}{'precision':>10}{'recall':>10}{'found':>8}")
        for label, row in (("migdev linkage", ours), ("exact rule (before)", exact)):
            self.stdout.write(
                f"{label:22}{row['precision']:>10.3f}{row['recall']:>10.3f}{row['pairs_found']:>8}"
            )
        self.stdout.write("recall by kind of variant (migdev / exact rule):")
        for kind, row in result["recall_by_variant"].items():
            self.stdout.write(
                f"  {kind:14}{row['migdev']:>7.3f} / {row['exact_rule']:.3f}  ({row['pairs']} pairs)"
            )
        self.stdout.write(json.dumps(result))
