"""`migdev skills_reference` loads the ESCO v1.2.0 and ISCO-08 taxonomy shipped with migdev (once)."""

from typing import Any

from django.core.management.base import BaseCommand

from migdev.dataio.progress import TextProgressBar
from migdev.skills.reference import load_shipped


class Command(BaseCommand):
    help = (
        "Load the ESCO and ISCO-08 editions shipped in the repository (skills module). Safe to run again: "
        "an edition already loaded is left as it is."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        progress = TextProgressBar(
            lambda text: self.stderr.write(text, ending=""),
            flush=self.stderr.flush,
            interactive=self.stderr.isatty(),
            label="ESCO + ISCO-08",
        )
        try:
            isco, esco = load_shipped(progress=progress)
        finally:
            progress.finish()
        self.stdout.write(f"ISCO-08: {isco.summary()}\nESCO: {esco.summary()}")
