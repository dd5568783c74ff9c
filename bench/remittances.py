"""Benchmark: every RPW aggregate for every quarter, migdev's engine against pandas, then the comparison page.

    PYTHONPATH=src python bench/remittances.py [--quotes 2000000] [--repeats 5] [--requests 2000] [--clients 20]

Part 1 generates a provider-level data set (deterministic) of ``--quotes`` quotes — services priced at the
USD 200 and USD 500 equivalents over 40 quarters and 1,250 corridors — and computes, for every (amount,
quarter): corridor averages, averages from and to each country, by receiving region and by firm type, the
global average over services not known to be non-transparent, the shares of corridors below 5 % and 3 %,
SmaRT per corridor (three cheapest qualifying services), the global SmaRT and its SDG counts, and the
flow-weighted global average. Once with ``migdev.remittances.aggregates.compute_aggregates`` and once with
pandas group-by on the same data, alternating, after one warm-up each; it checks both give the same numbers
and reports the medians.

Part 2 starts migdev on 127.0.0.1 (a temporary SQLite database; gunicorn with one worker per CPU when it is
installed, else Django's threaded development server) with 60 corridors
of 25 services, and sends ``--requests`` comparison requests from ``--clients`` concurrent clients (a bounded
loop; nothing leaves the machine). It reports latency percentiles.

Benchmarks are not tests. The last line printed is JSON, ratios first.
"""

from __future__ import annotations

import argparse
import base64
import http.client
import importlib.util
import json
import os
import platform
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from migdev.remittances.aggregates import (  # noqa: E402
    SDG_CORRIDOR_LIMIT_PCT,
    SDG_GLOBAL_TARGET_PCT,
    SMART_SERVICES,
    TRANSPARENT_NO,
    CorridorTable,
    FlowWeights,
    Measure,
    QuoteColumns,
    compute_aggregates,
)

QUARTERS = 40
FIRST_QUARTER_INDEX = 64  # 2016Q1
SENDERS = 48
RECEIVERS = 105
CORRIDORS = 1250
REGIONS = 6
FIRM_TYPES = 6


# Part 1: the engine against pandas -------------------------------------------------------------


def generate(quotes: int, seed: int = 20260101) -> tuple[QuoteColumns, CorridorTable, FlowWeights]:
    rng = np.random.default_rng(seed)
    services = quotes // 2
    pairs = rng.choice(SENDERS * RECEIVERS, size=CORRIDORS, replace=False)
    sending = (pairs // RECEIVERS).astype(np.int64)
    receiving = (SENDERS + pairs % RECEIVERS).astype(np.int64)  # country codes: senders first, then receivers
    region_of_receiver = rng.integers(0, REGIONS, size=RECEIVERS)
    region_of_receiver[:3] = -1  # a few receiving countries without a region
    corridors = CorridorTable(
        sending=sending,
        receiving=receiving,
        receiving_region=region_of_receiver[receiving - SENDERS].astype(np.int64),
    )
    quarter = FIRST_QUARTER_INDEX + rng.integers(0, QUARTERS, size=services)
    corridor = rng.integers(0, CORRIDORS, size=services)
    firm_type = rng.integers(0, FIRM_TYPES, size=services)
    transparent = rng.choice(np.array([1, 0, -1]), size=services, p=[0.9, 0.08, 0.02])
    fast = rng.random(services) < 0.85
    qualifying = (transparent == 1) & fast
    base = rng.lognormal(mean=1.7, sigma=0.5, size=services) + rng.normal(0, 0.4, size=services)
    base = np.round(base, 4)
    cost_500 = np.round(base * 0.65, 4)
    tier = np.repeat(np.array([0, 1]), services)

    def twice(values: np.ndarray) -> np.ndarray:
        return np.concatenate([values, values])

    columns = QuoteColumns(
        tier=tier.astype(np.int64),
        quarter=twice(quarter).astype(np.int64),
        corridor=twice(corridor).astype(np.int64),
        firm_type=twice(firm_type).astype(np.int64),
        transparent=twice(transparent).astype(np.int64),
        smart_qualifying=twice(qualifying),
        cost=np.concatenate([base, cost_500]),
        weight=np.ones(2 * services),
        pool_weight=np.ones(2 * services),
        single_service=np.ones(2 * services, dtype=np.bool_),
    )
    with_flow = rng.random(CORRIDORS) < 0.8
    flow_quarter = np.repeat(np.arange(FIRST_QUARTER_INDEX, FIRST_QUARTER_INDEX + QUARTERS), with_flow.sum())
    flow_corridor = np.tile(np.flatnonzero(with_flow), QUARTERS)
    flows = FlowWeights(
        quarter=flow_quarter.astype(np.int64),
        corridor=flow_corridor.astype(np.int64),
        flow=rng.lognormal(mean=4, sigma=1.5, size=flow_quarter.size),
    )
    return columns, corridors, flows


def run_engine(columns: QuoteColumns, corridors: CorridorTable, flows: FlowWeights) -> dict[str, Any]:
    result = compute_aggregates(
        columns,
        corridors,
        country_count=SENDERS + RECEIVERS,
        region_count=REGIONS,
        firm_type_count=FIRM_TYPES,
        flows=flows,
    )
    return result.figures


def frame(columns: QuoteColumns, corridors: CorridorTable) -> Any:
    """The data as a provider-level table would have it: every attribute a column (built outside the timing)."""
    import pandas as pd

    return pd.DataFrame(
        {
            "tier": columns.tier,
            "quarter": columns.quarter,
            "corridor": columns.corridor,
            "sending": corridors.sending[columns.corridor],
            "receiving": corridors.receiving[columns.corridor],
            "region": corridors.receiving_region[columns.corridor],
            "firm_type": columns.firm_type,
            "transparent": columns.transparent,
            "qualifying": columns.smart_qualifying & columns.single_service,
            "cost": columns.cost,
        }
    )


def run_pandas(df: Any, flows_df: Any) -> dict[str, Any]:
    slot = ["tier", "quarter"]
    out: dict[str, Any] = {}
    corridor_average = df.groupby([*slot, "corridor"], sort=False)["cost"].agg(["mean", "count"])
    out[Measure.CORRIDOR_AVERAGE] = corridor_average
    pooled = df[df["transparent"] != TRANSPARENT_NO]
    out[Measure.SENDING_COUNTRY_AVERAGE] = pooled.groupby([*slot, "sending"], sort=False)["cost"].agg(
        ["mean", "count"]
    )
    out[Measure.RECEIVING_COUNTRY_AVERAGE] = pooled.groupby([*slot, "receiving"], sort=False)["cost"].agg(
        ["mean", "count"]
    )
    with_region = pooled[pooled["region"] >= 0]
    out[Measure.REGION_AVERAGE] = with_region.groupby([*slot, "region"], sort=False)["cost"].agg(
        ["mean", "count"]
    )
    with_type = pooled[pooled["firm_type"] >= 0]
    out[Measure.FIRM_TYPE_AVERAGE] = with_type.groupby([*slot, "firm_type"], sort=False)["cost"].agg(
        ["mean", "count"]
    )
    out[Measure.GLOBAL_AVERAGE] = pooled.groupby(slot, sort=False)["cost"].agg(["mean", "count"])
    averages = corridor_average["mean"]
    out[Measure.SHARE_CORRIDORS_BELOW_5] = (averages < SDG_CORRIDOR_LIMIT_PCT).groupby(
        level=slot
    ).mean() * 100
    out[Measure.SHARE_CORRIDORS_BELOW_3] = (averages < SDG_GLOBAL_TARGET_PCT).groupby(level=slot).mean() * 100
    qualifying = df.loc[df["qualifying"], [*slot, "corridor", "cost"]].sort_values("cost", kind="stable")
    cheapest = qualifying.groupby([*slot, "corridor"], sort=False).head(SMART_SERVICES)
    smart = cheapest.groupby([*slot, "corridor"], sort=False)["cost"].agg(["mean", "count"])
    out[Measure.CORRIDOR_SMART] = smart
    out[Measure.GLOBAL_SMART] = smart["mean"].groupby(level=slot).agg(["mean", "count"])
    out[Measure.CORRIDORS_SMART_ABOVE_5] = (smart["mean"] > SDG_CORRIDOR_LIMIT_PCT).groupby(level=slot).sum()
    corridors_with_services = averages.groupby(level=slot).size()
    out[Measure.CORRIDORS_WITHOUT_SMART] = corridors_with_services - smart["mean"].groupby(level=slot).size()
    joined = averages.rename("average").reset_index().merge(flows_df, on=["quarter", "corridor"], how="left")
    joined["flow"] = joined["flow"].fillna(0.0)
    joined["weighted"] = joined["flow"] * joined["average"]
    sums = joined.groupby(slot, sort=False)[["weighted", "flow"]].sum()
    out[Measure.GLOBAL_WEIGHTED_AVERAGE] = sums["weighted"] / sums["flow"]
    return out


def check_agreement(engine: dict[str, Any], pandas_out: dict[str, Any]) -> float:
    """Largest absolute difference between the two implementations over the compared measures."""
    worst = 0.0

    def compare_grouped(measure: str) -> None:
        nonlocal worst
        table = engine[measure]
        expected = pandas_out[measure]
        assert len(table) == len(expected), (measure, len(table), len(expected))
        ours = {
            (t, q, s): (v, n)
            for t, q, s, v, n in zip(
                table.tier.tolist(),
                table.quarter.tolist(),
                table.subject.tolist(),
                table.value.tolist(),
                table.observations.tolist(),
                strict=True,
            )
        }
        for key, row in zip(expected.index.tolist(), expected.itertuples(index=False), strict=True):
            value, count = ours[tuple(int(k) for k in key)]
            worst = max(worst, abs(value - row[0]))
            assert count == row[1], (measure, key, count, row[1])

    for measure in (
        Measure.CORRIDOR_AVERAGE,
        Measure.SENDING_COUNTRY_AVERAGE,
        Measure.RECEIVING_COUNTRY_AVERAGE,
        Measure.REGION_AVERAGE,
        Measure.FIRM_TYPE_AVERAGE,
        Measure.CORRIDOR_SMART,
    ):
        compare_grouped(measure)
    for measure in (
        Measure.GLOBAL_AVERAGE,
        Measure.SHARE_CORRIDORS_BELOW_5,
        Measure.SHARE_CORRIDORS_BELOW_3,
        Measure.GLOBAL_SMART,
        Measure.CORRIDORS_SMART_ABOVE_5,
        Measure.CORRIDORS_WITHOUT_SMART,
        Measure.GLOBAL_WEIGHTED_AVERAGE,
    ):
        table = engine[measure]
        series = pandas_out[measure]
        if hasattr(series, "columns"):
            series = series.iloc[:, 0]
        ours = dict(
            zip(
                zip(table.tier.tolist(), table.quarter.tolist(), strict=True),
                table.value.tolist(),
                strict=True,
            )
        )
        assert len(ours) == len(series), measure
        for key, value in series.items():
            worst = max(worst, abs(ours[(int(key[0]), int(key[1]))] - float(value)))
    return worst


def bench_aggregates(quotes: int, repeats: int) -> dict[str, Any]:
    import pandas as pd

    started = time.perf_counter()
    columns, corridors, flows = generate(quotes)
    df = frame(columns, corridors)
    flows_df = pd.DataFrame({"quarter": flows.quarter, "corridor": flows.corridor, "flow": flows.flow})
    generated_s = time.perf_counter() - started
    engine_out = run_engine(columns, corridors, flows)  # warm-up, and the numbers to check
    pandas_out = run_pandas(df, flows_df)
    worst = check_agreement(engine_out, pandas_out)
    engine_times, pandas_times = [], []
    for _ in range(repeats):
        start = time.perf_counter()
        run_engine(columns, corridors, flows)
        engine_times.append(time.perf_counter() - start)
        start = time.perf_counter()
        run_pandas(df, flows_df)
        pandas_times.append(time.perf_counter() - start)
    figures = sum(len(table) for table in engine_out.values())
    print(
        f"aggregates: {len(columns):,} quotes, {figures:,} figures; engine median "
        f"{statistics.median(engine_times):.3f} s, pandas median {statistics.median(pandas_times):.3f} s "
        f"(max difference {worst:.2e}; data generated in {generated_s:.1f} s)",
        flush=True,
    )
    return {
        "quotes": len(columns),
        "figures": figures,
        "engine_median_s": statistics.median(engine_times),
        "pandas_median_s": statistics.median(pandas_times),
        "engine_runs_s": engine_times,
        "pandas_runs_s": pandas_times,
        "max_abs_difference": worst,
    }


# Part 2: the comparison page under concurrent clients ---------------------------------------------

SEED_SCRIPT = """
import random
from decimal import Decimal
from migdev.remittances import services
from migdev.remittances.models import PriceSource
from migdev.remittances.quarters import Quarter
from migdev.remittances.vocabulary import AmountTier, FirmType, Origin, Speed
from migdev.reference.models import Country

rng = random.Random(7)
codes = list(Country.objects.order_by("iso3").values_list("iso3", flat=True))
senders, receivers = codes[:6], codes[100:110]
source = services.price_source_create(kind=PriceSource.Kind.RESEARCHER, title="bench", edition="bench")
types = [FirmType.BANK, FirmType.MTO, FirmType.MOBILE_OPERATOR, FirmType.POST_OFFICE]
speeds = [Speed.UNDER_ONE_HOUR, Speed.SAME_DAY, Speed.NEXT_DAY, Speed.THREE_TO_FIVE_DAYS]
pairs = [(s, r) for s in senders for r in receivers]
for sending, receiving in pairs:
    corridor = services.corridor_get_or_create(sending_iso3=sending, receiving_iso3=receiving)
    for number in range(25):
        provider = services.provider_get_or_create(name=f"Provider {number:02d}", firm_type=types[number % 4])
        interbank = Decimal("57.25")
        quotes = []
        for tier, amount in ((AmountTier.USD200, Decimal(200)), (AmountTier.USD500, Decimal(500))):
            fee = Decimal(rng.choice([0, 2, 3, 5, 9, 15])) + Decimal(rng.randint(0, 99)) / 100
            rate = interbank * (1 - Decimal(rng.randint(-50, 600)) / 10000)
            quotes.append(services.QuoteInput(send_amount=amount, fee=fee, offered_rate=rate, interbank_rate=interbank, tier=tier))
        services.service_record(
            provider=provider, corridor=corridor, quarter=Quarter(2025, 2), send_currency="USD", receive_currency="EUR",
            quotes=quotes, origin=Origin.RESEARCHER, source=source, speed=speeds[number % 4],
            transparent=number % 7 != 0, pickup_method="Cash", recompute=False,
        )
services.aggregates_recompute()
print(len(pairs))
"""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def bench_page(total_requests: int, clients: int) -> dict[str, Any]:
    python = sys.executable
    with tempfile.TemporaryDirectory() as data_dir:
        env = {
            **os.environ,
            "PYTHONPATH": str(ROOT / "src"),
            "MIGDEV_DATA_DIR": data_dir,
            "MIGDEV_DEBUG": "0",
            "SECRET_KEY": "bench-only-secret-key-bench-only-secret-key-0123456789",
            # Production settings refuse to start without field keys; these are throw-away ones.
            "MIGDEV_FIELD_KEYS": base64.urlsafe_b64encode(b"bench-only-field-key-32-bytes!!!").decode(),
            "MIGDEV_BLIND_INDEX_KEY": "bench-only-blind-index-key-0123456789-abcdefgh",
            "ALLOWED_HOSTS": "127.0.0.1",
            "SECURE_SSL_REDIRECT": "0",
            "LOG_LEVEL": "ERROR",
        }
        env.pop("DATABASE_URL", None)
        subprocess.run([python, "-m", "migdev", "migrate", "-v0"], env=env, check=True, cwd=data_dir)
        seeded = subprocess.run(
            [python, "-m", "migdev", "shell", "-c", SEED_SCRIPT],
            env=env,
            check=True,
            cwd=data_dir,
            capture_output=True,
            text=True,
        )
        corridor_count = int(seeded.stdout.strip().splitlines()[-1])
        pairs = json.loads(
            subprocess.run(
                [
                    python,
                    "-m",
                    "migdev",
                    "shell",
                    "-c",
                    "import json; from migdev.remittances.models import Corridor; "
                    "print(json.dumps(list(Corridor.objects.values_list('sending_country_id', 'receiving_country_id'))))",
                ],
                env=env,
                check=True,
                cwd=data_dir,
                capture_output=True,
                text=True,
            )
            .stdout.strip()
            .splitlines()[-1]
        )
        port = free_port()
        workers = max(2, os.cpu_count() or 2)
        if importlib.util.find_spec("gunicorn") is not None:
            # How migdev is deployed: a pre-forked WSGI server, one worker per CPU.
            server_name = f"gunicorn, {workers} workers × 4 threads"
            command = [
                python,
                "-m",
                "gunicorn",
                "migdev.wsgi:application",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                str(workers),
                "--worker-class",
                "gthread",
                "--threads",
                "4",
                "--log-level",
                "error",
            ]
        else:
            server_name = "Django runserver (one process)"
            command = [python, "-m", "migdev", "runserver", "--noreload", f"127.0.0.1:{port}"]
        server = subprocess.Popen(
            command, env=env, cwd=data_dir, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        try:
            _wait_for(port)
            time.sleep(1)  # let every worker finish booting
            paths = [
                f"/en/remittances/?sending={s}&receiving={r}&amount={amount}"
                for (s, r) in pairs
                for amount in (50, 200, 350, 500, 1000)
            ]
            _get(port, paths[0])  # warm-up
            latencies: list[float] = []
            failures: list[str] = []
            lock = threading.Lock()
            counter = iter(range(total_requests))

            def client() -> None:
                while True:
                    with lock:
                        number = next(counter, None)
                    if number is None:
                        return
                    path = paths[number % len(paths)]
                    start = time.perf_counter()
                    status, body = _get(port, path)
                    elapsed = time.perf_counter() - start
                    with lock:
                        latencies.append(elapsed)
                        if status != 200 or b'class="offers"' not in body:
                            failures.append(f"{status} {path}")

            started = time.perf_counter()
            threads = [threading.Thread(target=client) for _ in range(clients)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            wall = time.perf_counter() - started
        finally:
            server.terminate()
            server.wait(timeout=30)
    latencies.sort()

    def percentile(share: float) -> float:
        return latencies[min(len(latencies) - 1, int(round(share * (len(latencies) - 1))))] * 1000

    print(
        f"comparison page: {len(latencies)} requests from {clients} clients over {corridor_count} corridors of 25 "
        f"services; p50 {percentile(0.5):.1f} ms, p95 {percentile(0.95):.1f} ms, max {latencies[-1] * 1000:.1f} ms, "
        f"{len(latencies) / wall:.0f} requests/s, {len(failures)} failures ({server_name})",
        flush=True,
    )
    return {
        "requests": len(latencies),
        "clients": clients,
        "p50_ms": percentile(0.5),
        "p95_ms": percentile(0.95),
        "p99_ms": percentile(0.99),
        "max_ms": latencies[-1] * 1000,
        "requests_per_s": len(latencies) / wall,
        "failures": len(failures),
        "server": server_name,
    }


def _wait_for(port: int, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("the server did not start")


def _get(port: int, path: str) -> tuple[int, bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        connection.request("GET", path, headers={"Accept-Language": "en"})
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quotes", type=int, default=2_000_000)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--skip-page", action="store_true")
    options = parser.parse_args()
    import pandas

    aggregates = bench_aggregates(options.quotes, options.repeats)
    page = None if options.skip_page else bench_page(options.requests, options.clients)
    summary: dict[str, Any] = {
        "ratio_engine_to_pandas": aggregates["engine_median_s"] / aggregates["pandas_median_s"],
        "target_ratio_at_most": 2.0,
        "page_p95_ms": page["p95_ms"] if page else None,
        "aggregates": aggregates,
        "page": page,
        "versions": {
            "python": platform.python_version(),
            "numpy": np.__version__,
            "pandas": pandas.__version__,
        },
        "cpu_count": os.cpu_count(),
    }
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
