"""Reference data is loaded by migrations, so every test with database access sees it."""

from pathlib import Path

import pytest

from migdev.reference.loading import DATA_DIR


@pytest.fixture
def data_dir() -> Path:
    return DATA_DIR
