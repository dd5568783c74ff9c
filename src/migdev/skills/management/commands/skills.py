"""``migdev skills evaluate``: matching quality on profiles generated from ESCO, beside two baselines."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from migdev.skills import engine
from migdev.skills.evaluation import DEFAULT_SEED, evaluate_edition, format_report


class Command(BaseCommand):
    help = "Skills module tasks. evaluate: Acc@1, Acc@5, MRR@10 of the matching engine and two baselines."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="task", required=True)
        evaluate = sub.add_parser("evaluate", help="evaluate occupation matching on ESCO-generated profiles")
        evaluate.add_argument("--profiles", type=int, default=1000, help="skill profiles (default 1000)")
        evaluate.add_argument("--titles", type=int, default=300, help="job titles per language (default 300)")
        evaluate.add_argument("--seed", type=int, default=DEFAULT_SEED)
        evaluate.add_argument(
            "--lang", action="append", choices=["en", "fr", "es"], help="repeatable; default all"
        )
        evaluate.add_argument("--json", action="store_true", help="print the figures as JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["task"] != "evaluate":
            raise CommandError(f"unknown task {options['task']}")
        if (
            options["profiles"] < 1
            or options["titles"] < 1
            or options["profiles"] > 100_000
            or options["titles"] > 10_000
        ):
            raise CommandError("--profiles must be within 1..100000 and --titles within 1..10000")
        try:
            report = evaluate_edition(
                profiles=options["profiles"],
                titles=options["titles"],
                seed=options["seed"],
                languages=options["lang"] or ("en", "fr", "es"),
            )
        except engine.NoTaxonomy as error:
            raise CommandError("No ESCO edition is loaded: load the taxonomy first.") from error
        if options["json"]:
            self.stdout.write(json.dumps(report.as_dict()))
        else:
            self.stdout.write(format_report(report))
