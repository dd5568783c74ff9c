"""`migdev audit_redact`: blank content that should never have been logged, as an audited step."""

import getpass
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from migdev.audit.services import audit_redact

# Named sets of what earlier versions copied into audit details. ``trafficking-free-text``: the purpose,
# safeguards and recipient of referrals and transfers, logged in clear before they were encrypted.
PRESETS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "trafficking-free-text": (
        ("trafficking.referral", "trafficking.caserequest"),
        ("purpose", "safeguards", "recipient"),
    ),
}


class Command(BaseCommand):
    help = (
        "Replace the named detail keys of past audit events with a redaction marker, recording the "
        "redaction as an audit event of its own. Run as the owner of the audit table (PostgreSQL), "
        "after a backup. --dry-run counts without changing anything."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--preset", choices=sorted(PRESETS), help="A known set of record types and keys.")
        parser.add_argument("--record-type", action="append", default=[], help="e.g. trafficking.referral")
        parser.add_argument("--key", action="append", default=[], help="A top-level detail key to blank.")
        parser.add_argument("--reason", required=True, help="Why; recorded in the redaction's audit event.")
        parser.add_argument("--operator", default="", help="Who runs it (default: the system user).")
        parser.add_argument("--dry-run", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        record_types, keys = list(options["record_type"]), list(options["key"])
        if options["preset"]:
            preset_types, preset_keys = PRESETS[options["preset"]]
            record_types += preset_types
            keys += preset_keys
        operator = options["operator"] or f"cli:{getpass.getuser()}"
        try:
            result = audit_redact(
                record_types=record_types,
                keys=keys,
                reason=options["reason"],
                operator=operator,
                dry_run=options["dry_run"],
            )
        except ValueError as error:
            raise CommandError(str(error)) from error
        count = len(result.event_ids)
        if options["dry_run"]:
            self.stdout.write(
                f"{count} audit events hold {', '.join(result.keys)}; nothing changed (dry run)."
            )
        elif result.event is None:
            self.stdout.write("No audit event holds these keys; nothing to redact.")
        else:
            self.stdout.write(
                f"Redacted {', '.join(result.keys)} in {count} audit events; "
                f"recorded as audit event {result.event.pk}."
            )
