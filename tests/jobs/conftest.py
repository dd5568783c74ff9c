from collections.abc import Callable, Iterator
from typing import Any

import pytest

from migdev.jobs import registry
from tests.dataio.contract_stubs import install_missing_contract_stubs
from tests.dataio.helpers import make_user  # noqa: F401 - fixture

install_missing_contract_stubs()


@pytest.fixture
def handler(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[str, Callable[..., Any]], None]]:
    """Register a job handler for the duration of one test."""
    monkeypatch.setattr(registry, "_handlers", dict(registry._handlers))

    def register(kind: str, function: Callable[..., Any]) -> None:
        registry.job_handler(kind)(function)

    yield register
