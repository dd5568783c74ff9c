from typing import Any


class JobFailed(Exception):
    """Raised by a handler for an expected failure: the job fails with ``message`` and keeps ``result``
    (for instance an import's validation report) without a traceback in the logs."""

    def __init__(self, message: str, *, result: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.result = result or {}


class UnknownJobKind(LookupError):
    pass
