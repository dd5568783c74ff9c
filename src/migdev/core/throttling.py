"""A rate limit counted inside each server process, for public read-only endpoints that must stay cheap.

The platform's API limit (``AnonRateThrottle``/``AuthRateThrottle`` on the shared cache) costs a handful of
database statements and a write per request, more than a public search itself. ``ProcessRateThrottle``
counts per client (the bearer token's hash when authenticated, else the address ninja's ``get_ident``
gives) in a dictionary of this process, with a sliding window of one minute (the previous minute's count
weighted by how much of it still lies in the window, plus this minute's). The limit is read from
``API_RATE_LIMIT_PER_MINUTE`` at each request. With W server processes a client gets at most W times the
limit: use it only where that bound is acceptable (public data, answers cached); everything else keeps the
shared limit.
"""

from __future__ import annotations

import hashlib
import threading
import time

from django.conf import settings
from django.http import HttpRequest
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
