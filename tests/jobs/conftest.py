from collections.abc import Callable, Iterator
from typing import Any

import pytest

from migdev.jobs import registry


@pytest.fixture
def handler(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[str, Callable[..., Any]], None]]:
    """Register a job handler for the duration of one test."""
    monkeypatch.setattr(registry, "_handlers", dict(registry._handlers))

    def register(kind: str, function: Callable[..., Any]) -> None:
        registry.job_handler(kind)(function)

    yield register
