"""Caching of computed pages and figures, invalidated by a data version that every write changes.

Indicator values change only when a file is loaded or a plan or assessment is recorded, so the pages'
content can be kept until then. The version lives in the shared cache (the database cache by default),
written inside the writing transaction: other processes see the new version when the data commit, and a
rolled-back load leaves the old version in place. Each process also keeps a small in-memory copy of the
fragments it built or fetched, keyed by that version.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path
from typing import TypeVar

from django.core.cache import cache

from migdev.core.sharedcache import SharedCache

VERSION_KEY = "indicators:data-version"

T = TypeVar("T")
SHARED = SharedCache("indicators", [Path(__file__).resolve().parent])


_pinned: ContextVar[str | None] = ContextVar("indicators_pinned_data_version", default=None)


def data_version() -> str:
    pinned = _pinned.get()
    if pinned is not None:
        return pinned
    version = cache.get(VERSION_KEY)
    if version is None:
        version = uuid.uuid4().hex
        cache.add(VERSION_KEY, version, None)
        version = cache.get(VERSION_KEY, version)
    return str(version)


@contextmanager
def pinned_version(version: str) -> Iterator[None]:
    """Within: ``data_version()`` is ``version`` without asking the shared cache, so that what a page builds
    from many shared values (each selector asking for its own) reads one version, at no query each."""
    token = _pinned.set(version)
    try:
        yield
    finally:
        _pinned.reset(token)


def bump_data_version() -> None:
    """Call from every write that changes what pages show."""
    cache.set(VERSION_KEY, uuid.uuid4().hex, None)


def code_fingerprint() -> str:
    """A digest of this module's code and templates and of the shared layout's, so that an upgrade never
    serves pages built by the old one."""
    return SHARED.fingerprint()


def cached(
    name: str, build: Callable[[], T], *, version: str | None = None, single_flight: bool = False
) -> T:
    """``build()``'s result for ``name`` at the current data version, computed at most once per version.

    A request that needs several entries reads the version once (``data_version()``) and passes it, so it
    asks the shared cache once, and sees one consistent version. ``single_flight`` is for entries many
    pages share (every country's values): right after a load, the first request builds it while the
    others, in any process, wait for it instead of all computing the same thing at once.
    """
    return SHARED.cached(name, build, version=version or data_version(), single_flight=single_flight)


def clear_local() -> None:
    SHARED.clear_local()
