"""Data files shipped gzipped in the repository, opened under their original names for the loaders."""

from __future__ import annotations

import gzip
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def shipped_file(path: Path) -> Iterator[Path]:
    """``path`` itself, or for ``name.csv.gz`` a temporary ``name.csv`` (loaders name files in their errors)."""
    if path.suffix != ".gz":
        yield path
        return
    with tempfile.TemporaryDirectory() as directory:
        target = Path(directory) / path.name.removesuffix(".gz")
        with gzip.open(path, "rb") as source, target.open("wb") as destination:
            shutil.copyfileobj(source, destination)
        yield target
