"""`migdev rotate_field_keys`: re-encrypt the encrypted fields of every module under the first key of
MIGDEV_FIELD_KEYS.

Steps: put the new key first in MIGDEV_FIELD_KEYS (keep the old ones after it) and restart; run this
command; check with `--dry-run` that nothing is left; remove the old key and restart.
"""

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from migdev.trafficking import services


class Command(BaseCommand):
    help = "Re-encrypt identifying data under the newest field key; optionally rebuild the blind index."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--dry-run", action="store_true", help="Only count values still under older keys."
        )
        parser.add_argument("--batch-size", type=int, default=500)
        parser.add_argument(
            "--rebuild-blind-index", action="store_true", help="Recompute duplicate-detection hashes too."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        result = services.field_keys_rotate(batch_size=options["batch_size"], dry_run=options["dry_run"])
        verb = "to rotate" if options["dry_run"] else "rotated"
        for label, count in sorted(result.rotated.items()):
            self.stdout.write(f"{label}: {count} {verb}, {result.already_current[label]} already current")
        self.stdout.write(f"total {verb}: {result.total_rotated}")
        if options["rebuild_blind_index"] and not options["dry_run"]:
            self.stdout.write(f"blind index rebuilt for {services.blind_indexes_rebuild()} cases")
