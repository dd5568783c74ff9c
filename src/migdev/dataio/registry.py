"""The catalogue of load formats: what `migdev load` and the import page offer.

Modules register their formats from ``AppConfig.ready()``::

    register_format(
        LoadFormat(
            name="remittance-prices",
            description=_("..."),
            loader=load_prices,
            permissions=("remittances.add_price", "remittances.change_price"),
        )
    )
"""

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from django.utils.functional import Promise

from migdev.dataio.progress import Progress

if TYPE_CHECKING:
    from migdev.accounts.models import User


@dataclass(frozen=True)
class ImportResult:
    """Counts for one load. ``run_id`` is filled in by the runner with the recorded ImportRun."""

    read: int
    created: int
    updated: int
    rejected: int
    run_id: int | None = None
    # What the load changed in data already stored (an existing edition): None for new data.
    changes: "Changes | None" = None

    def summary(self) -> str:
        return f"read {self.read}, created {self.created}, updated {self.updated}, rejected {self.rejected}"


class Loader(Protocol):
    def __call__(self, path: Path, *, progress: Progress, user: "User | None") -> ImportResult: ...


@dataclass(frozen=True)
class LoadOptions:
    """What the person loading asked for. ``replace``: they have seen what would change in data already
    stored (an existing edition) and confirm it (`migdev load --replace`, the box on the import page)."""

    replace: bool = False


@dataclass(frozen=True)
class Changes:
    """What a load would do to data already stored: counts of values, and a few examples of each."""

    target: str
    existing: int
    added: int
    changed: int
    removed: int
    examples: tuple[str, ...] = ()

    @property
    def removed_share(self) -> float:
        return self.removed / self.existing if self.existing else 0.0

    def needs_confirmation(self, removed_share_allowed: float) -> bool:
        """Changing any stored value, or removing more than the allowed share of them, must be confirmed."""
        if not self.existing:
            return False
        return self.changed > 0 or (self.removed > 0 and self.removed_share > removed_share_allowed)

    def as_dict(self) -> dict[str, object]:
        return {
            "target": self.target,
            "existing": self.existing,
            "added": self.added,
            "changed": self.changed,
            "removed": self.removed,
            "examples": list(self.examples),
        }


@dataclass
class PreparedLoad:
    """A file read and validated in full, outside any transaction, ready to be written.

    ``write`` runs inside the runner's one short transaction and must only write what was prepared (plus
    the look-ups that writing needs); ``read`` is the number of data rows the file had.
    """

    read: int | None  # None: counted only as the file is written (a streamed load)
    write: Callable[[], ImportResult]
    changes: Changes | None = None
    notes: list[str] = field(default_factory=list)


class Preparer(Protocol):
    def __call__(
        self, path: Path, *, progress: Progress, user: "User | None", options: LoadOptions
    ) -> PreparedLoad: ...


@dataclass(frozen=True)
class LoadFormat:
    """``permissions`` are those a user needs, besides ``dataio.add_importrun``, to import the format from
    the import page or the API: the permissions for the records it writes (``migdev load`` is for operators
    and checks none)."""

    name: str
    description: str | Promise
    loader: Loader
    permissions: tuple[str, ...] = ()
    # Formats that read and validate before writing: the runner calls this outside any transaction and
    # writes in one short transaction, so a long read never holds the database's write lock. ``loader``
    # is then only for callers outside the runner.
    prepare: Preparer | None = None
    # A format that reads a folder of files (a publisher's multi-file download) rather than one file:
    # `migdev load` passes the folder; the import page and the API, which take one uploaded file, do
    # not offer it.
    folder: bool = False


class UnknownFormat(LookupError):
    pass


_formats: dict[str, LoadFormat] = {}


def register_format(load_format: LoadFormat) -> None:
    existing = _formats.get(load_format.name)
    if existing is not None and existing != load_format:
        raise ValueError(f"Another load format is already registered as {load_format.name!r}.")
    _formats[load_format.name] = load_format


def get_format(name: str) -> LoadFormat:
    try:
        return _formats[name]
    except KeyError:
        raise UnknownFormat(name) from None


def formats() -> Iterator[LoadFormat]:
    """Registered formats by name."""
    for name in sorted(_formats):
        yield _formats[name]
