"""The repository never carries a data directory: its keys would decrypt every copy of the data made with them.

Running a command from a module's folder once created ``var/`` there (the data directory follows the working
directory), and two such folders with their field, blind-index and secret keys were committed by accident.
"""

import shutil
import subprocess
from pathlib import Path

import pytest

REPOSITORY = Path(__file__).resolve().parents[2]
KEY_FILE_NAMES = {"field_key", "blind_index_key", "secret_key"}


def tracked_files() -> list[str]:
    if shutil.which("git") is None or not (REPOSITORY / ".git").exists():
        pytest.skip("not a git checkout")
    listing = subprocess.run(
        ["git", "ls-files", "-z"], cwd=REPOSITORY, capture_output=True, check=True, text=True
    ).stdout
    return [name for name in listing.split("\0") if name]


def test_no_data_directory_or_key_file_is_tracked() -> None:
    offending = [
        name
        for name in tracked_files()
        if "var" in Path(name).parts or Path(name).name in KEY_FILE_NAMES or name.endswith(".sqlite3")
    ]
    assert offending == []
