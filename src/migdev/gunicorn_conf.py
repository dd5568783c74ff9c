"""gunicorn settings for migdev: ``gunicorn -c python:migdev.gunicorn_conf migdev.wsgi:application``.

The application is loaded once in the master and the skills search indexes are built there before the
workers are forked (``preload_app``), so a freshly started server answers its first searches at full speed
and the workers share the indexes' memory pages instead of building about 90 MB each. The labour
shortlist's worker profiles (``migdev.labour.pool``) and the diaspora roster (``migdev.diaspora.roster``)
are read there too. Workers, threads and
the address come from the usual gunicorn options or ``GUNICORN_CMD_ARGS``; docs/operations.md says which.
"""

from __future__ import annotations

import gc
from typing import Any

preload_app = True


def when_ready(server: Any) -> None:
    """In the master, after the application is loaded and before any worker exists."""
    from django.db import connections
    from django.urls import get_resolver

    from migdev.diaspora.roster import warm as warm_diaspora_roster
    from migdev.labour.pool import warm as warm_labour_profiles
    from migdev.skills.selectors import warm_search_indexes

    try:
        get_resolver().url_patterns  # noqa: B018 - imports every URL module (and builds the API) once, here
        warm_search_indexes()
        warm_labour_profiles()
        warm_diaspora_roster()
    finally:
        connections.close_all()  # no database connection may be shared with the forked workers
    gc.freeze()  # objects alive now are never collected: their pages stay shared after the fork
