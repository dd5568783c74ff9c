from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from migdev.dataio import registry
from migdev.dataio.registry import LoadFormat


@pytest.fixture
def temporary_format(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[str, Any], None]]:
    """Register a load format (needing no permission beyond importing) for the duration of one test."""
    monkeypatch.setattr(registry, "_formats", dict(registry._formats))

    def register(name: str, loader: Any) -> None:
        registry.register_format(LoadFormat(name=name, description="test", loader=loader))

    yield register


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
