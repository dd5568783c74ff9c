from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.dataio.contract_stubs import install_missing_contract_stubs
from tests.dataio.helpers import make_user  # noqa: F401 - fixture

install_missing_contract_stubs()


@pytest.fixture
def audit_calls(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    """Every audit_log call made during the test (the real audit_log, if present, still runs)."""
    import migdev.audit.services as audit_services

    calls: list[dict[str, Any]] = []
    original = audit_services.audit_log

    def recording_audit_log(**kwargs: Any) -> Any:
        calls.append(kwargs)
        return original(**kwargs)

    monkeypatch.setattr(audit_services, "audit_log", recording_audit_log)
    return calls


@pytest.fixture
def write_file(tmp_path: Path) -> Callable[..., Path]:
    def write(name: str, content: str | bytes, encoding: str = "utf-8") -> Path:
        path = tmp_path / name
        path.write_bytes(content if isinstance(content, bytes) else content.encode(encoding))
        return path

    return write


@pytest.fixture
def media_root(settings: Any, tmp_path: Path) -> Iterator[Path]:
    root = tmp_path / "media"
    root.mkdir()
    settings.MEDIA_ROOT = root
    yield root
