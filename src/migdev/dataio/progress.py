"""Progress reporting for long loads: a protocol, a text bar for the command line, and a job adapter."""

import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Protocol

from django.utils.translation import gettext as _

if TYPE_CHECKING:
    from migdev.jobs.models import Job


class Progress(Protocol):
    def start(self, total: int | None) -> None:
        """Begin; ``total`` is the expected number of steps (rows), or None when unknown."""

    def advance(self, n: int = 1) -> None: ...

    def finish(self) -> None:
        """No more steps will be reported (success or not)."""


class NullProgress:
    def start(self, total: int | None) -> None:
        pass

    def advance(self, n: int = 1) -> None:
        pass

    def finish(self) -> None:
        pass


class TextProgressBar:
    """A progress bar on a terminal, or a progress line now and then when the output is a log or a pipe."""

    WIDTH = 30

    def __init__(
        self,
        write: Callable[[str], object],
        *,
        flush: Callable[[], object] | None = None,
        interactive: bool = False,
        label: str = "",
        min_interval: float | None = None,
    ) -> None:
        self._write = write
        self._flush = flush
        self.interactive = interactive
        self.label = label
        self.min_interval = min_interval if min_interval is not None else (0.1 if interactive else 1.0)
        self.total: int | None = None
        self.done = 0
        self._last_drawn = float("-inf")
        self._last_text = ""
        self._started = False
        self._finished = False

    def start(self, total: int | None) -> None:
        self.total = total
        self.done = 0
        self._started = True
        self._draw(force=True)

    def advance(self, n: int = 1) -> None:
        self.done += n
        self._draw()

    def finish(self) -> None:
        if self._started and not self._finished:
            self._finished = True
            self._draw(force=True)
            if self.interactive:
                self._emit("\n")

    def render(self) -> str:
        prefix = f"{self.label}: " if self.label else ""
        if self.total:
            shown = min(self.done, self.total)
            fraction = shown / self.total
            filled = int(fraction * self.WIDTH)
            bar = "#" * filled + "." * (self.WIDTH - filled)
            return f"{prefix}[{bar}] {fraction:4.0%} " + _("%(done)s of %(total)s rows") % {
                "done": f"{shown:,}",
                "total": f"{self.total:,}",
            }
        return prefix + _("%(done)s rows") % {"done": f"{self.done:,}"}

    def _draw(self, *, force: bool = False) -> None:
        now = time.monotonic()
        if not force and now - self._last_drawn < self.min_interval:
            return
        self._last_drawn = now
        text = self.render()
        if text == self._last_text:
            return
        self._last_text = text
        self._emit(("\r" + text) if self.interactive else text + "\n")

    def _emit(self, text: str) -> None:
        self._write(text)
        if self._flush is not None:
            self._flush()


class JobProgress:
    """Reports a load's progress on its job row, which the job page polls."""

    def __init__(self, job: "Job") -> None:
        self.job = job
        self.total: int | None = None
        self.done = 0

    def start(self, total: int | None) -> None:
        self.total = total
        self.done = 0
        self.job.report_progress(0, total)

    def advance(self, n: int = 1) -> None:
        self.done += n
        self.job.report_progress(self.done, self.total)

    def finish(self) -> None:
        self.job.report_progress(self.done, self.total, force=True)
