"""Benchmark: the party count of every instrument on every day of a year, migdev's selector beside pandas.

    python3 run.py bench law [--year 2010] [--days 365] [--repeats 5]

A throw-away SQLite data directory gets the migrations and the shipped reference data (the instruments and
the UN party-list snapshot, through the registered load formats, as ``run.py start`` loads them). For every
instrument with a party list and every day of ``--year`` (the first ``--days`` days), both systems compute
the number of parties on that day from the same rows (the newest edition's dated actions):

* migdev: ``law.selectors.party_counts(party_list, days)`` (one read of the list's actions per instrument,
  the rules of ``status``: a year-only consent counts from 31 December, a denunciation ends the party on its
  day). Also timed once on ``--status-days`` days: ``status()`` per day, the path of one instrument page
  (every participant's full status with its reservations), reported per day.
* peer: pandas, the same rows read once with ``read_sql`` into a DataFrame, the same rules vectorised over
  all days of the year per instrument.

Both must give the same counts (checked, and reported). Timed cold (the first pass, including pandas'
read of the rows) and warm (the median of ``--repeats`` further passes). Benchmarks are not tests: quote
ratios and medians. The last line printed is JSON, ratios first, with the load average before and after.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]


def migdev_counts(days: list[date]) -> dict[tuple[str, date], int]:
    from migdev.law import selectors
    from migdev.law.models import Instrument

    out = {}
    for instrument in Instrument.objects.order_by("code"):
        party_list = selectors.edition(instrument)
        if party_list is None:
            continue
        for day, count in selectors.party_counts(party_list, days).items():
            out[(instrument.code, day)] = count
    return out


def migdev_status_counts(days: list[date]) -> dict[tuple[str, date], int]:
    """The page's path: ``status`` per day (every participant's full status), for the slow-path figure."""
    from migdev.law import selectors
    from migdev.law.models import Instrument

    out = {}
    for instrument in Instrument.objects.order_by("code"):
        party_list = selectors.edition(instrument)
        if party_list is None:
            continue
        for day in days:
            found = selectors.status(instrument, day, party_list=party_list)
            assert found is not None
            out[(instrument.code, day)] = found.party_count
    return out


PEER_SQL = """
SELECT i.code AS instrument, a.participant_code AS participant, a.kind AS kind, a.date AS date,
       a.year AS year, a.precision AS precision
FROM law_partyaction a
JOIN law_partylist l ON l.id = a.party_list_id
JOIN law_instrument i ON i.id = l.instrument_id
WHERE l.as_of = (SELECT MAX(l2.as_of) FROM law_partylist l2 WHERE l2.instrument_id = l.instrument_id)
"""
CONSENT = ["ratification", "accession", "succession", "acceptance", "approval", "consent"]


def pandas_counts(days: list[date]) -> dict[tuple[str, date], int]:
    import numpy as np
    import pandas as pd
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(PEER_SQL)
        columns = [c[0] for c in cursor.description]
        frame = pd.DataFrame(cursor.fetchall(), columns=columns)
    exact = pd.to_datetime(frame["date"], errors="coerce")
    year_end = pd.to_datetime(frame["year"].astype("Int64").astype(str) + "-12-31", errors="coerce")
    frame["effective"] = exact.where(
        frame["precision"] == "day", year_end.where(frame["precision"] == "year")
    )
    consent = (
        frame[frame["kind"].isin(CONSENT)]
        .groupby(["instrument", "participant"])["effective"]
        .min()
        .rename("c")
    )
    denounced = (
        frame[frame["kind"] == "denunciation"].groupby(["instrument", "participant"])["effective"].min()
    )
    table = consent.to_frame().join(denounced.rename("d"), how="left")
    grid = np.array(days, dtype="datetime64[D]")
    out = {}
    for code, rows in table.groupby(level=0):
        c = rows["c"].to_numpy(dtype="datetime64[D]")[:, None]
        d = rows["d"].to_numpy(dtype="datetime64[D]")[:, None]
        party = (c <= grid) & ~(~np.isnat(d) & (d <= grid))
        for day, count in zip(days, party.sum(axis=0), strict=True):
            out[(str(code), day)] = int(count)
    return out


def timed(function: Any, days: list[date], repeats: int) -> tuple[float, float, dict[tuple[str, date], int]]:
    started = time.perf_counter()
    result = function(days)
    cold = time.perf_counter() - started
    warm = []
    for _ in range(repeats):
        started = time.perf_counter()
        function(days)
        warm.append(time.perf_counter() - started)
    return cold, statistics.median(warm), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--year", type=int, default=2010)
    parser.add_argument("--days", type=int, default=366)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--status-days", type=int, default=10)
    args = parser.parse_args()
    load_before = os.getloadavg()
    data_dir = tempfile.mkdtemp(prefix="migdev-bench-law-")
    os.environ["MIGDEV_DATA_DIR"] = data_dir
    os.environ.pop("DATABASE_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "migdev.settings")
    sys.path.insert(0, str(ROOT / "src"))
    import django

    django.setup()
    from django.core.management import call_command

    from migdev.law.services import load_reference

    print(f"migrating a fresh SQLite database in {data_dir} ...", flush=True)
    call_command("migrate", verbosity=0)
    load_reference()
    first = date(args.year, 1, 1)
    days = [first + timedelta(n) for n in range(args.days) if (first + timedelta(n)).year == args.year]
    migdev_cold, migdev_warm, ours = timed(migdev_counts, days, args.repeats)
    peer_cold, peer_warm, theirs = timed(pandas_counts, days, args.repeats)
    sample = days[: args.status_days]
    started = time.perf_counter()
    page_path = migdev_status_counts(sample)
    status_per_day = (time.perf_counter() - started) / max(len(sample), 1)
    differ = sorted(key for key in ours if ours[key] != theirs.get(key))
    differ += sorted(key for key in page_path if page_path[key] != ours[key])
    print(f"{len(ours)} counts ({len(ours) // max(len(days), 1)} instruments x {len(days)} days)")
    print(f"migdev selector: cold {migdev_cold:.3f} s, warm median {migdev_warm:.3f} s")
    print(f"pandas:          cold {peer_cold:.3f} s, warm median {peer_warm:.3f} s")
    print(f"counts that differ: {len(differ)}" + (f" (first: {differ[0]})" if differ else ""))
    result = {
        "ratios": {
            "warm_migdev_over_pandas": round(migdev_warm / peer_warm, 2),
            "cold_migdev_over_pandas": round(migdev_cold / peer_cold, 2),
        },
        "counts": len(ours),
        "counts_that_differ": len(differ),
        "migdev_seconds": {"cold": round(migdev_cold, 4), "warm_median": round(migdev_warm, 4)},
        "pandas_seconds": {"cold": round(peer_cold, 4), "warm_median": round(peer_warm, 4)},
        "migdev_status_path_seconds_per_day_all_instruments": round(status_per_day, 4),
        "year": args.year,
        "days": len(days),
        "repeats": args.repeats,
        "database": "sqlite",
        "python": platform.python_version(),
        "load_average_before": [round(x, 2) for x in load_before],
        "load_average_after": [round(x, 2) for x in os.getloadavg()],
    }
    print(json.dumps(result))


if __name__ == "__main__":
    main()
