"""The development data directory, its keys and the SQLite database are private to their owner
(issue 13, finding 7: the demo database file was world-readable)."""

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest


def start_settings(data_dir: Path, umask: int = 0o022) -> None:
    """Load the settings in a fresh process, as `migdev runserver` or `migdev seed_demo` would."""
    env = {key: value for key, value in os.environ.items() if not key.startswith(("DATABASE_", "MIGDEV_"))}
    env.update(MIGDEV_DATA_DIR=str(data_dir), MIGDEV_DEBUG="1", DJANGO_SETTINGS_MODULE="migdev.settings")
    code = (
        f"import os; os.umask({umask}); import django; django.setup(); "
        "from django.db import connection; connection.ensure_connection(); "
        "connection.cursor().execute('CREATE TABLE IF NOT EXISTS t (x)')"
    )
    subprocess.run([sys.executable, "-c", code], env=env, check=True, timeout=120)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.mark.skipif(os.name != "posix", reason="POSIX file modes")
def test_data_directory_keys_and_database_are_created_private(tmp_path: Path) -> None:
    data_dir = tmp_path / "var"
    start_settings(data_dir)
    assert mode(data_dir) == 0o700
    for name in ("secret_key", "field_key", "blind_index_key", "migdev.sqlite3"):
        assert mode(data_dir / name) == 0o600, name
    # SQLite's companions (write-ahead log) take the database file's mode.
    for companion in data_dir.glob("migdev.sqlite3-*"):
        assert mode(companion) & 0o077 == 0, companion.name


@pytest.mark.skipif(os.name != "posix", reason="POSIX file modes")
def test_files_left_readable_by_an_earlier_version_are_tightened(tmp_path: Path) -> None:
    data_dir = tmp_path / "var"
    start_settings(data_dir)
    for path in (data_dir, *data_dir.iterdir()):
        path.chmod(0o755 if path.is_dir() else 0o644)
    start_settings(data_dir)
    assert mode(data_dir) == 0o700
    assert mode(data_dir / "migdev.sqlite3") == 0o600 and mode(data_dir / "field_key") == 0o600
