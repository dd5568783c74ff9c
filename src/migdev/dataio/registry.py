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

from collections.abc import Iterator
from dataclasses import dataclass
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

    def summary(self) -> str:
        return f"read {self.read}, created {self.created}, updated {self.updated}, rejected {self.rejected}"


class Loader(Protocol):
    def __call__(self, path: Path, *, progress: Progress, user: "User | None") -> ImportResult: ...


@dataclass(frozen=True)
class LoadFormat:
    """``permissions`` are those a user needs, besides ``dataio.add_importrun``, to import the format from
    the import page or the API: the permissions for the records it writes (``migdev load`` is for operators
    and checks none)."""

    name: str
    description: str | Promise
    loader: Loader
    permissions: tuple[str, ...] = ()


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
