"""Helpers shared by the dataio and jobs tests."""

from pathlib import Path


def stored_files(root: Path) -> list[Path]:
    return [path for path in root.rglob("*") if path.is_file()]
