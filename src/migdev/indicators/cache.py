"""Caching of computed pages and figures, invalidated by a data version that every write changes.

Indicator values change only when a file is loaded or a plan or assessment is recorded, so the pages'
content can be kept until then. The version lives in the shared cache (the database cache by default),
written inside the writing transaction: other processes see the new version when the data commit, and a
rolled-back load leaves the old version in place. Each process also keeps a small in-memory copy of the
fragments it built or fetched, keyed by that version.
"""

from __future__ import annotations

import hashlib
import threading
import time
import uuid
from collections import OrderedDict
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path
from typing import Any, TypeVar

from django.core.cache import cache

VERSION_KEY = "indicators:data-version"
TIMEOUT_SECONDS = 24 * 3600
LOCAL_ENTRIES = 512
BUILD_WAIT_SECONDS = 15
BUILD_POLL_SECONDS = 0.02

T = TypeVar("T")
_local: OrderedDict[str, Any] = OrderedDict()
_lock = threading.Lock()


def data_version() -> str:
    version = cache.get(VERSION_KEY)
    if version is None:
        version = uuid.uuid4().hex
        cache.add(VERSION_KEY, version, None)
        version = cache.get(VERSION_KEY, version)
    return str(version)


def bump_data_version() -> None:
    """Call from every write that changes what pages show."""
    cache.set(VERSION_KEY, uuid.uuid4().hex, None)


@lru_cache(maxsize=1)
def code_fingerprint() -> str:
    """A digest of this module's code and templates, so that an upgrade never serves pages built by the old one."""
    digest = hashlib.sha256()
    package = Path(__file__).resolve().parent
    for path in sorted(package.rglob("*")):
        if path.suffix in {".py", ".html", ".css"} and "migrations" not in path.parts:
            digest.update(path.relative_to(package).as_posix().encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def cached(
    name: str, build: Callable[[], T], *, version: str | None = None, single_flight: bool = False
) -> T:
    """``build()``'s result for ``name`` at the current data version, computed at most once per version.

    A request that needs several entries reads the version once (``data_version()``) and passes it, so it
    asks the shared cache once, and sees one consistent version. ``single_flight`` is for entries many
    pages share (every country's values): right after a load, the first request builds it while the
    others, in any process, wait for it instead of all computing the same thing at once.
    """
    key = f"indicators:{code_fingerprint()}:{version or data_version()}:{name}"
    with _lock:
        if key in _local:
            _local.move_to_end(key)
            return _local[key]
    value = cache.get(key)
    if value is None:
        value = _build_once(key, build) if single_flight else _build_and_store(key, build)
    with _lock:
        _local[key] = value
        while len(_local) > LOCAL_ENTRIES:
            _local.popitem(last=False)
    return value


def _build_and_store(key: str, build: Callable[[], T]) -> T:
    value = build()
    cache.set(key, value, TIMEOUT_SECONDS)
    return value


def _build_once(key: str, build: Callable[[], T]) -> T:
    """Builds under a lock kept in the shared cache (``add`` succeeds for one caller only); the others poll
    for the result, and build it themselves if the builder stops without storing it or takes too long."""
    lock_key = f"{key}:building"
    if cache.add(lock_key, "1", BUILD_WAIT_SECONDS):
        try:
            return _build_and_store(key, build)
        finally:
            cache.delete(lock_key)
    deadline = time.monotonic() + BUILD_WAIT_SECONDS
    while time.monotonic() < deadline:
        time.sleep(BUILD_POLL_SECONDS)
        value = cache.get(key)
        if value is not None:
            return value
        if cache.get(lock_key) is None:
            break
    return _build_and_store(key, build)


def clear_local() -> None:
    with _lock:
        _local.clear()
