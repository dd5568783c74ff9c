"""The shipped files are intact, documented, and (when the originals are at hand) reproducible."""

import hashlib
import json
from pathlib import Path

import pytest

MANIFEST_NAME = "manifest.json"


def load_manifest(data_dir: Path) -> dict:
    return json.loads((data_dir / MANIFEST_NAME).read_text(encoding="utf-8"))


def test_manifest_covers_every_csv_and_hashes_match(data_dir: Path) -> None:
    manifest = load_manifest(data_dir)
    assert set(manifest["files"]) == {path.name for path in data_dir.glob("*.csv")}
    for name, entry in manifest["files"].items():
        assert hashlib.sha256((data_dir / name).read_bytes()).hexdigest() == entry["sha256"], name
        assert entry["source"] and entry["edition"] and entry["licence"]


def test_sources_document_every_file_and_original(data_dir: Path) -> None:
    sources = (data_dir / "SOURCES.md").read_text(encoding="utf-8")
    manifest = load_manifest(data_dir)
    for name, entry in manifest["files"].items():
        assert name in sources and entry["sha256"] in sources
    for original in manifest["originals"].values():
        assert original["sha256"] in sources


def _shared_data() -> Path | None:
    for parent in Path(__file__).resolve().parents:
        candidate = parent / "shared" / "data"
        if (candidate / "country-codes" / "country-codes.csv").is_file():
            return candidate
    return None


@pytest.mark.skipif(_shared_data() is None, reason="original data sets not available")
def test_build_reproduces_the_shipped_files(data_dir: Path, tmp_path: Path) -> None:
    from migdev.reference.data import build

    shared = _shared_data()
    assert shared is not None
    build.build(shared, tmp_path)
    shipped = load_manifest(data_dir)
    rebuilt = load_manifest(tmp_path)
    assert rebuilt == shipped
    assert (tmp_path / "SOURCES.md").read_text(encoding="utf-8") == (data_dir / "SOURCES.md").read_text(
        encoding="utf-8"
    )
