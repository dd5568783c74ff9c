"""The API's rate limits: one shared across every server process (``SharedRateThrottle``, ADR 0013), and one
counted inside each process (``ProcessRateThrottle``) for public read-only endpoints that must stay cheap.

Both count per client (the authenticated user, else the address ninja's ``get_ident`` gives) with the same
sliding window of one minute: the previous minute's count weighted by how much of it still lies in the
window, plus this minute's count; a refused request is not counted. The limit is read from
``API_RATE_LIMIT_PER_MINUTE`` at each request.

``SharedRateThrottle`` keeps the two counts in one row per client (``core.ApiRateCounter``) and decides with
one ``INSERT … ON CONFLICT DO UPDATE … WHERE … RETURNING`` statement: the row is rolled into the current
window, the request is admitted and counted only if the window's weighted count is under the limit, in one
atomic step on SQLite (3.35 or later) and PostgreSQL alike, so concurrent requests of one client on several
processes or machines can never both take the last place. Rows of windows no longer counted are deleted by
each process at most once a window.

``ProcessRateThrottle`` counts in a dictionary of this process (no database write per request). With W
server processes a client gets at most W times the limit: use it only where that bound is acceptable (public
data, answers cached); everything else keeps the shared limit.
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections.abc import Callable

from django.conf import settings
from django.db import connections, router
from django.http import HttpRequest
from django.utils.crypto import salted_hmac
from ninja.throttling import BaseThrottle

WINDOW_SECONDS = 60.0
MAX_CLIENTS = 50_000  # beyond this, the clients not seen for longest are forgotten


class ProcessRateThrottle(BaseThrottle):
    def __init__(self) -> None:
        self._lock = threading.Lock()
        # client -> [window number, count in that window, count in the window before]
        self._counts: dict[str, list[float]] = {}
        self._waits = threading.local()

    def _client(self, request: HttpRequest) -> str:
        auth = getattr(request, "auth", None)
        if auth is not None:
            return "auth:" + hashlib.sha256(str(auth).encode()).hexdigest()
        return f"anon:{self.get_ident(request)}"

    def allow_request(self, request: HttpRequest) -> bool:
        limit = int(settings.API_RATE_LIMIT_PER_MINUTE)
        now = time.monotonic()
        window, into = divmod(now, WINDOW_SECONDS)
        client = self._client(request)
        with self._lock:
            entry = self._counts.pop(client, None)  # re-inserted last: the dictionary stays in use order
            if entry is None or window - entry[0] > 1:
                entry = [window, 0.0, 0.0]
            elif window != entry[0]:
                entry = [window, 0.0, entry[1]]
            self._counts[client] = entry
            while len(self._counts) > MAX_CLIENTS:
                del self._counts[next(iter(self._counts))]
            previous_share = 1.0 - into / WINDOW_SECONDS
            if entry[2] * previous_share + entry[1] >= limit:
                # Free again when the previous minute's weighted count has decayed below the limit.
                over = entry[2] * previous_share + entry[1] - limit + 1
                self._waits.seconds = (
                    min(WINDOW_SECONDS - into, over / entry[2] * WINDOW_SECONDS)
                    if entry[2]
                    else WINDOW_SECONDS - into
                )
                return False
            entry[1] += 1
        return True

    def wait(self) -> float | None:
        return getattr(self._waits, "seconds", None)


def _wait_seconds(hits: float, previous: float, into: float, limit: int) -> float:
    """Seconds until the weighted count of a refused client has decayed below ``limit``."""
    over = previous * (1.0 - into / WINDOW_SECONDS) + hits - limit + 1
    if previous:
        return min(WINDOW_SECONDS - into, over / previous * WINDOW_SECONDS)
    return WINDOW_SECONDS - into


# One statement decides and counts. ``c`` is the stored row as it was (both databases evaluate every SET and
# the WHERE on it); rolled into window %(w)s its current count is "CASE WHEN c.window_number = %(w)s THEN
# c.hits ELSE 0 END" and its previous window's count the second CASE. A new client is inserted with 1; a known
# one is updated, and the row returned, only when the weighted count is under the limit: no row back, refused.
COUNT_STATEMENT = """
INSERT INTO core_apiratecounter AS c (client, window_number, hits, previous_hits)
VALUES (%(client)s, %(w)s, 1, 0)
ON CONFLICT (client) DO UPDATE SET
  hits = CASE WHEN c.window_number = %(w)s THEN c.hits ELSE 0 END + 1,
  previous_hits = CASE WHEN c.window_number = %(w)s THEN c.previous_hits
                       WHEN c.window_number = %(w)s - 1 THEN c.hits ELSE 0 END,
  window_number = %(w)s
WHERE (CASE WHEN c.window_number = %(w)s THEN c.previous_hits
            WHEN c.window_number = %(w)s - 1 THEN c.hits ELSE 0 END) * %(share)s
      + (CASE WHEN c.window_number = %(w)s THEN c.hits ELSE 0 END) < %(limit)s
RETURNING hits, previous_hits
"""
PURGE_STATEMENT = "DELETE FROM core_apiratecounter WHERE window_number < %(w)s - 1"
READ_STATEMENT = (
    "SELECT window_number, hits, previous_hits FROM core_apiratecounter WHERE client = %(client)s"
)


class SharedRateThrottle(BaseThrottle):
    """``API_RATE_LIMIT_PER_MINUTE`` requests a minute per client, counted in the database every server
    process uses (see the module's docstring). ``clock`` (seconds since the epoch, the same on every
    machine) is for tests."""

    def __init__(self, clock: Callable[[], float] = time.time) -> None:
        self.clock = clock
        self._purged_window = threading.local()
        self._waits = threading.local()

    def client_key(self, request: HttpRequest) -> str:
        """A keyed hash of who is counted: the authenticated caller, else the address."""
        auth = getattr(request, "auth", None)
        if auth is None:
            ident = f"anon:{self.get_ident(request)}"
        else:
            ident = f"auth:{auth.pk}" if hasattr(auth, "pk") else f"auth:{auth}"
        return salted_hmac("migdev.core.throttling", ident, algorithm="sha256").hexdigest()

    def allow_request(self, request: HttpRequest) -> bool:
        return self.hit(self.client_key(request))

    def hit(self, client: str) -> bool:
        """Count one request of ``client`` if it is under the limit; whether it was admitted."""
        from migdev.core.models import ApiRateCounter

        self._waits.seconds = None
        limit = int(settings.API_RATE_LIMIT_PER_MINUTE)
        now = self.clock()
        window, into = divmod(now, WINDOW_SECONDS)
        window_number = int(window)
        params: dict[str, str | int | float] = {
            "client": client,
            "w": window_number,
            "share": 1.0 - into / WINDOW_SECONDS,
            "limit": limit,
        }
        connection = connections[router.db_for_write(ApiRateCounter)]
        with connection.cursor() as cursor:
            if getattr(self._purged_window, "number", None) != window_number:
                cursor.execute(PURGE_STATEMENT, params)
                self._purged_window.number = window_number
            if limit > 0:
                cursor.execute(COUNT_STATEMENT, params)
                if cursor.fetchone() is not None:
                    return True
            cursor.execute(READ_STATEMENT, params)
            row = cursor.fetchone()
        hits, previous = (0, 0) if row is None else _rolled(row, window_number)
        self._waits.seconds = _wait_seconds(hits, previous, into, max(limit, 0))
        return False

    def wait(self) -> float | None:
        return getattr(self._waits, "seconds", None)


def _rolled(row: tuple[int, int, int], window: int) -> tuple[int, int]:
    """The (current, previous) counts of a stored row seen from ``window``."""
    stored_window, hits, previous = row
    if stored_window == window:
        return hits, previous
    return 0, hits if stored_window == window - 1 else 0
