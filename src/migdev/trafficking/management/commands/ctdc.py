"""`migdev ctdc release --k 11 --out FILE.csv`: a k-anonymised (or DP synthetic) release of the loaded
CTDC records, as CSV with the column names of the format they came from.

Run by an operator on the server; the file is written, not published (publication goes through a data
protection officer's review in the application). The export is audited.
"""

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from migdev.audit.models import AuditAction
from migdev.audit.services import audit_log
from migdev.trafficking import releases
from migdev.trafficking.countries import country_index
from migdev.trafficking.kanon import KAnonymityImpossible
from migdev.trafficking.models import AnalyticRecord


class Command(BaseCommand):
    help = "CTDC data hub commands: `release` writes a k-anonymised or synthetic release as CSV."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        release = sub.add_parser("release", help="Write a release of the loaded analytic records.")
        release.add_argument("--out", type=Path, required=True, help="CSV file to write.")
        release.add_argument("--k", type=int, default=11, help="k of k-anonymity (default 11, as CTDC).")
        release.add_argument(
            "--format", default="", help="ctdc-global, ctdc-synthetic or ctdc-vp (default: source)."
        )
        release.add_argument(
            "--source",
            type=int,
            action="append",
            help="Analytic source id (repeatable; required when several sources are loaded).",
        )
        release.add_argument(
            "--quasi-identifier",
            action="append",
            dest="quasi_identifiers",
            help="Harmonised field to treat as quasi-identifier (repeatable).",
        )
        release.add_argument(
            "--search",
            action="store_true",
            help="Generalise (age bands, periods, regions) to limit suppression.",
        )
        release.add_argument("--max-suppression", type=float, default=1.0, help="Share of records (0-1).")
        release.add_argument(
            "--synthetic", action="store_true", help="DP synthetic data instead (pac-synth)."
        )
        release.add_argument("--epsilon", type=float, default=4.0)
        release.add_argument("--reporting-length", type=int, default=3)
        release.add_argument("--report", type=Path, help="Also write the report as JSON here.")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            # One source, or several only when named: never the live cases mixed in silently.
            records, sources = releases.choose_sources(AnalyticRecord.objects.all(), options["source"])
        except releases.SourceChoiceNeeded as error:
            raise CommandError(f"{error} (use --source ID, repeatable)") from None
        if not records.exists():
            raise CommandError("No analytic records are loaded (see `migdev load ctdc-vp PATH`).")
        try:
            data_format = releases.release_format(records, options["format"])
        except ValueError as error:
            raise CommandError(str(error)) from None
        rows = releases.record_dicts(records)
        countries = country_index()
        try:
            if options["synthetic"]:
                built = releases.build_synthetic(
                    rows,
                    data_format=data_format,
                    countries=countries,
                    epsilon=options["epsilon"],
                    reporting_length=options["reporting_length"],
                )
            else:
                built = releases.build_k_anonymised(
                    rows,
                    data_format=data_format,
                    countries=countries,
                    k=options["k"],
                    quasi_identifiers=options["quasi_identifiers"],
                    search=options["search"],
                    max_suppression=options["max_suppression"],
                )
        except (KAnonymityImpossible, ValueError) as error:
            raise CommandError(str(error)) from None
        options["out"].write_text(built.content, encoding="utf-8")
        if options["report"]:
            options["report"].write_text(json.dumps(built.report, indent=1), encoding="utf-8")
        audit_log(
            action=AuditAction.EXPORT,
            record_type=AnalyticRecord._meta.label_lower,
            detail={
                "command": "ctdc release",
                "parameters": built.parameters,
                "sources": [source.summary() for source in sources],
                "records": built.record_count,
            },
        )
        report = built.report
        if options["synthetic"]:
            self.stdout.write(f"{built.record_count} synthetic records written to {options['out']}")
        else:
            self.stdout.write(
                f"{report['records_out']} of {report['records_in']} records written to {options['out']} "
                f"(k = {report['k']}, {report['suppressed']} suppressed, smallest class {report['smallest_class']} "
                f"over {len(report['quasi_identifier_columns'])} quasi-identifiers; "
                f"generalised: {', '.join(report['generalised']) or 'nothing'})"
            )
            by_knowledge = ", ".join(f"{name} {k}" for name, k in report["k_by_knowledge"].items())
            self.stdout.write(f"k by what an attacker knows: {by_knowledge}")
