"""The limits every import respects, read from settings when an import starts (see docs/operations.md).

A file past any limit is refused with a message naming the limit and its setting, never by running until
the machine gives up: time is checked as rows are read (:func:`check_time`), and the job worker caps the
address space an import may add (:func:`memory_limit`).
"""

import contextlib
import contextvars
import resource
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _

from migdev.dataio.errors import ImportRejected, RowError


@dataclass(frozen=True)
class ReaderLimits:
    max_bytes: int
    max_uncompressed_bytes: int
    max_compression_ratio: int
    max_rows: int
    max_columns: int
    max_cell_chars: int
    max_xml_depth: int
    max_seconds: int

    @property
    def max_line_chars(self) -> int:
        """The longest physical line a CSV may have: the memory a reader holds for one line is bounded."""
        return self.max_cell_chars * 64


def current_limits() -> ReaderLimits:
    return ReaderLimits(
        max_bytes=settings.IMPORT_MAX_BYTES,
        max_uncompressed_bytes=settings.IMPORT_MAX_UNCOMPRESSED_BYTES,
        max_compression_ratio=settings.IMPORT_MAX_COMPRESSION_RATIO,
        max_rows=settings.IMPORT_MAX_ROWS,
        max_columns=settings.IMPORT_MAX_COLUMNS,
        max_cell_chars=settings.IMPORT_MAX_CELL_CHARS,
        max_xml_depth=settings.IMPORT_MAX_XML_DEPTH,
        max_seconds=settings.IMPORT_MAX_SECONDS,
    )


# (monotonic deadline, allowed seconds) of the import running in this thread, if any.
_deadline: contextvars.ContextVar[tuple[float, int] | None] = contextvars.ContextVar(
    "migdev_import_deadline", default=None
)


@contextlib.contextmanager
def time_limit(seconds: int | None = None) -> Iterator[None]:
    """Readers used inside this block refuse the file once ``seconds`` (default: the setting) have passed."""
    allowed = settings.IMPORT_MAX_SECONDS if seconds is None else seconds
    token = _deadline.set((time.monotonic() + allowed, allowed) if allowed > 0 else None)
    try:
        yield
    finally:
        _deadline.reset(token)


def check_time(path: Path, row: int | None) -> None:
    """Refuse the file when the running import has used up its time (cheap enough to call every row)."""
    limit = _deadline.get()
    if limit is not None and time.monotonic() > limit[0]:
        raise ImportRejected(
            [
                RowError(
                    path.name,
                    row,
                    None,
                    _(
                        "Reading the file took longer than the %(seconds)d seconds an import may take "
                        "(setting IMPORT_MAX_SECONDS); nothing was saved."
                    )
                    % {"seconds": limit[1]},
                )
            ]
        )


def _address_space_in_use() -> int | None:
    try:
        with open("/proc/self/statm") as handle:  # noqa: PTH123 - a procfs file, not a project path
            pages = int(handle.read().split()[0])
    except (OSError, ValueError, IndexError):
        return None
    return pages * resource.getpagesize()


@contextlib.contextmanager
def memory_limit(extra_bytes: int | None = None) -> Iterator[None]:
    """Cap the process's address space at what it uses now plus ``extra_bytes`` (default: the setting).

    Past the cap allocations fail with MemoryError, which the runner turns into a refusal. The job worker
    runs one job at a time, so the cap is the import's alone; it is lifted when the block ends.
    """
    allowed = settings.IMPORT_MAX_MEMORY_BYTES if extra_bytes is None else extra_bytes
    in_use = _address_space_in_use()
    if allowed <= 0 or in_use is None:
        yield
        return
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    cap = in_use + allowed
    if hard != resource.RLIM_INFINITY:
        cap = min(cap, hard)
    resource.setrlimit(resource.RLIMIT_AS, (cap, hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))


def memory_refusal(path: Path) -> ImportRejected:
    return ImportRejected(
        [
            RowError(
                path.name,
                None,
                None,
                _(
                    "Reading the file needed more memory than an import may use (setting "
                    "IMPORT_MAX_MEMORY_BYTES); nothing was saved. Split the file or ask an operator to "
                    "load it with `migdev load`."
                ),
            )
        ]
    )
