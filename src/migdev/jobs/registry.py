"""Job handlers by kind. A handler takes ``(job, payload)``, returns a JSON-ready result dict and reports
progress with ``job.report_progress(done, total)``::

    @job_handler("dataio.import")
    def run_import(job: Job, payload: dict) -> dict: ...

Register handlers from a module imported in ``AppConfig.ready()`` so workers know them.
"""

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from migdev.jobs.errors import UnknownJobKind

if TYPE_CHECKING:
    from migdev.jobs.models import Job

Handler = Callable[["Job", dict[str, Any]], dict[str, Any]]

_handlers: dict[str, Handler] = {}


def job_handler(kind: str) -> Callable[[Handler], Handler]:
    def register(handler: Handler) -> Handler:
        existing = _handlers.get(kind)
        if existing is not None and existing is not handler:
            raise ValueError(f"A job handler is already registered for {kind!r}.")
        _handlers[kind] = handler
        return handler

    return register


def get_handler(kind: str) -> Handler:
    try:
        return _handlers[kind]
    except KeyError:
        raise UnknownJobKind(kind) from None


def handler_kinds() -> list[str]:
    return sorted(_handlers)
