"""Writes: loading the reference data shipped with the module (instruments and the UN party-list snapshot).

Everything goes through the registered load formats and the shared runner (``migdev.dataio``), so the
shipped files are checked exactly like an operator's, all or nothing, and each load is recorded.
"""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

from migdev.dataio.services import import_file
from migdev.law.models import Instrument, PartyList

DATA = Path(__file__).resolve().parent / "data"
INSTRUMENTS_FILE = DATA / "instruments.csv"


def shipped_party_files() -> list[Path]:
    return sorted(DATA.glob("parties_*.csv"))


def _edition_of(path: Path) -> tuple[str, date]:
    """The instrument and the edition date a party file will be stored under (its latest ``as_of``)."""
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    return rows[0]["instrument_code"], max(date.fromisoformat(row["as_of"]) for row in rows)


def load_reference() -> list[str]:
    """Load the shipped instruments (updated on every run) and each shipped party list not yet stored."""
    lines = []
    result = import_file(format_name="law-instruments", path=INSTRUMENTS_FILE)
    lines.append(f"{INSTRUMENTS_FILE.name}: {result.summary()}")
    for path in shipped_party_files():
        code, as_of = _edition_of(path)
        if PartyList.objects.filter(instrument__code=code, as_of=as_of).exists():
            lines.append(f"{path.name}: {code} as of {as_of} already loaded")
            continue
        result = import_file(format_name="law-parties", path=path)
        lines.append(f"{path.name}: {result.summary()}")
    lines.append(f"{Instrument.objects.count()} instruments, {PartyList.objects.count()} party lists")
    return lines
