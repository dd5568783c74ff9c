"""Values shared by every process serving pages, computed at most once per data version.

A page module keys what it caches by a data version that its writes change (the indicators keep theirs in
the shared cache; the remittance comparison reads its own from the snapshot row it reads anyway) and by a
fingerprint of the code that renders it, so that neither new data nor an upgrade is ever served from an old
entry. Values live in the shared cache (the database cache by default) and, once fetched or built, in a small
in-memory copy in each process.
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, TypeVar

from django.core.cache import cache

TIMEOUT_SECONDS = 24 * 3600
LOCAL_ENTRIES = 512
BUILD_WAIT_SECONDS = 15
BUILD_POLL_SECONDS = 0.02
FINGERPRINT_SUFFIXES = frozenset({".py", ".html", ".css", ".mo"})

PROJECT = Path(__file__).resolve().parents[1]  # src/migdev
# Every page's layout: the base template and the translation catalogues of every module (a layout's menu
# names each module, in the visitor's language).
SHARED_CODE = (PROJECT / "core" / "templates", PROJECT / "locale")

T = TypeVar("T")


def code_fingerprint(roots: Iterable[Path]) -> str:
    """A digest of the code, templates and catalogues under ``roots`` (migrations left out) and of every
    module's translation catalogue."""
    digest = hashlib.sha256()
    paths = set(PROJECT.glob("*/locale/*/LC_MESSAGES/*.mo"))
    for root in roots:
        paths.update(path for path in root.rglob("*") if path.is_file())
    for path in sorted(paths):
        if path.suffix in FINGERPRINT_SUFFIXES and "migrations" not in path.parts:
            digest.update(path.relative_to(PROJECT.parent).as_posix().encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


class SharedCache:
    """Entries named ``name`` at a data version, under ``namespace``, invalidated by the code under ``roots``
    (and the shared layout code) changing."""

    def __init__(self, namespace: str, roots: Iterable[Path], *, local_entries: int = LOCAL_ENTRIES) -> None:
        self.namespace = namespace
        self.roots = (*tuple(roots), *SHARED_CODE)
        self.local_entries = local_entries
        self._fingerprint: str | None = None
        self._local: OrderedDict[str, Any] = OrderedDict()
        self._lock = threading.Lock()

    def fingerprint(self) -> str:
        if self._fingerprint is None:
            self._fingerprint = code_fingerprint(self.roots)
        return self._fingerprint

    def key(self, name: str, version: str) -> str:
        return f"{self.namespace}:{self.fingerprint()}:{version}:{name}"

    def cached(self, name: str, build: Callable[[], T], *, version: str, single_flight: bool = False) -> T:
        """``build()``'s result for ``name`` at ``version``, computed at most once per version.

        ``single_flight`` is for entries many pages share: right after a write, the first request builds it
        while the others, in any process, wait for it instead of all computing the same thing at once.
        """
        key = self.key(name, version)
        with self._lock:
            if key in self._local:
                self._local.move_to_end(key)
                return self._local[key]
        value = cache.get(key)
        if value is None:
            value = _build_once(key, build) if single_flight else _build_and_store(key, build)
        self.remember(key, value)
        return value

    def local(self, name: str, build: Callable[[], T], *, version: str) -> T:
        """``build()``'s result kept in this process only: for values cheaper to build than to fetch."""
        key = self.key(name, version)
        with self._lock:
            if key in self._local:
                self._local.move_to_end(key)
                return self._local[key]
        value = build()
        self.remember(key, value)
        return value

    def remember(self, key: str, value: Any) -> None:
        with self._lock:
            self._local[key] = value
            self._local.move_to_end(key)
            while len(self._local) > self.local_entries:
                self._local.popitem(last=False)

    def clear_local(self) -> None:
        with self._lock:
            self._local.clear()


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
