"""Benchmark: every RPW aggregate for every quarter, migdev's engine against pandas, then the comparison page.

    python3 run.py bench remittances [--skip-aggregates] [--clients 20] [--rounds 5] [--cold-runs 2]

Part 1 generates a provider-level data set (deterministic) of ``--quotes`` quotes — services priced at the
USD 200 and USD 500 equivalents over 40 quarters and 1,250 corridors — and computes, for every (amount,
quarter): corridor averages, averages from and to each country, by receiving region and by firm type, the
global average over services not known to be non-transparent, the shares of corridors below 5 % and 3 %,
SmaRT per corridor (three cheapest qualifying services), the global SmaRT and its SDG counts, and the
flow-weighted global average. Once with ``migdev.remittances.aggregates.compute_aggregates`` and once with
pandas group-by on the same data, alternating, after one warm-up each; it checks both give the same numbers
and reports the medians.

Part 2 (see bench/README.md): the comparison page under ``--clients`` concurrent clients on many corridors
and amounts, cold (fresh servers) and warm, beside /healthz (the physical limit) in the same run.

Benchmarks are not tests. The last line printed is JSON, ratios first.
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import platform
import random
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import pageload  # noqa: E402 - bench/pageload.py, next to this file

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
import os, random
from decimal import Decimal
from django.db import transaction
from migdev.remittances import services
from migdev.remittances.models import PriceSource, Quote, Service
from migdev.remittances.quarters import Quarter
from migdev.remittances.vocabulary import AmountTier, FirmType, Origin, Speed
from migdev.reference.models import Country

senders_count, receivers_count, providers_count = (int(value) for value in os.environ["BENCH_SEED"].split(","))
rng = random.Random(7)
codes = list(Country.objects.order_by("iso3").values_list("iso3", flat=True))
senders, receivers = codes[:senders_count], codes[100:100 + receivers_count]
types = [FirmType.BANK, FirmType.MTO, FirmType.MOBILE_OPERATOR, FirmType.POST_OFFICE]
speeds = [Speed.UNDER_ONE_HOUR, Speed.SAME_DAY, Speed.NEXT_DAY, Speed.THREE_TO_FIVE_DAYS]
key = services.product_key(pickup_method="Cash")
with transaction.atomic():
    # As a file import writes prices: in bulk, then one recompute (which also rebuilds the page snapshots).
    source = services.price_source_create(kind=PriceSource.Kind.RESEARCHER, title="bench", edition="bench")
    providers = [
        services.provider_get_or_create(name=f"Provider {number:02d}", firm_type=types[number % 4])
        for number in range(providers_count)
    ]
    interbank = Decimal("57.25")
    pairs = [(s, r) for s in senders for r in receivers]
    rows, prices = [], []
    for sending, receiving in pairs:
        corridor = services.corridor_get_or_create(sending_iso3=sending, receiving_iso3=receiving)
        for number, provider in enumerate(providers):
            rows.append(Service(
                provider=provider, corridor=corridor, quarter=str(Quarter(2025, 2)), product_key=key,
                send_currency_id="USD", receive_currency_id="EUR", origin=Origin.RESEARCHER, source=source,
                speed=speeds[number % 4], transparent=number % 7 != 0, pickup_method="Cash",
            ))
            quotes = []
            for tier, amount in ((AmountTier.USD200, Decimal(200)), (AmountTier.USD500, Decimal(500))):
                fee = Decimal(rng.choice([0, 2, 3, 5, 9, 15])) + Decimal(rng.randint(0, 99)) / 100
                rate = interbank * (1 - Decimal(rng.randint(-50, 600)) / 10000)
                quotes.append(services.QuoteInput(
                    send_amount=amount, fee=fee, offered_rate=rate.quantize(Decimal("0.0000000001")),
                    interbank_rate=interbank, tier=tier,
                ))
            prices.append(quotes)
    Service.objects.bulk_create(rows, batch_size=2000)
    Quote.objects.bulk_create(
        [Quote(service=service, **services.quote_fields(quote)) for service, quotes in zip(rows, prices) for quote in quotes],
        batch_size=2000,
    )
    services.aggregates_recompute()
print(len(pairs))
"""


REFRESH_SCRIPT = """
from migdev.remittances import services
from migdev.remittances.models import Corridor
services.comparison_snapshots_refresh()
print(Corridor.objects.count())
"""


def _server_command(port: int, workers: int, worker_class: str, threads: int) -> list[str]:
    return [
        sys.executable,
        "-m",
        "gunicorn",
        "migdev.wsgi:application",
        "--preload",  # docs/operations.md: the app is imported and warmed once, before the workers fork
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers),
        "--worker-class",
        worker_class,
        "--threads",
        str(threads),
        "--log-level",
        "error",
        "--graceful-timeout",
        "5",  # idle kept-alive connections need not hold the shutdown for 30 s
    ]


def bench_page(
    *,
    clients: int,
    rounds: int,
    per_round: int,
    cold_runs: int,
    senders: int,
    receivers: int,
    providers: int,
    port: int | None = None,
    kept_data_dir: Path | None = None,
    worker_class: str = "sync",
    threads: int = 1,
) -> dict[str, Any]:
    """The comparison page under ``clients`` concurrent clients, beside the physical limit (GET /healthz: the
    cheapest Django response through the same server and middleware) in the same run.

    Cold: a freshly started server (workers spawned but idle, nothing compiled or cached in them) receives
    every (corridor, amount) URL once, in a fixed shuffled order. Warm: ``rounds`` rounds on the same server,
    each a batch of /healthz then a batch of comparison pages, interleaved so both see the same machine.
    """
    python = sys.executable
    chosen_port = port
    cores = os.cpu_count() or 2
    workers = 2 * cores + 1  # docs/operations.md
    with tempfile.TemporaryDirectory() as scratch:
        data_dir = str(kept_data_dir or scratch)
        reuse = kept_data_dir is not None and (kept_data_dir / "migdev.sqlite3").exists()
        env = {
            **os.environ,
            "PYTHONPATH": str(ROOT / "src"),
            "MIGDEV_DATA_DIR": data_dir,
            "MIGDEV_DEBUG": "0",
            "SECRET_KEY": "bench-" + secrets.token_urlsafe(48),
            # Production settings need field keys (system check protection.E001/E002): throw-away ones.
            "MIGDEV_FIELD_KEYS": base64.urlsafe_b64encode(secrets.token_bytes(32)).decode(),
            "MIGDEV_BLIND_INDEX_KEY": secrets.token_urlsafe(48),
            "ALLOWED_HOSTS": "127.0.0.1",
            "SECURE_SSL_REDIRECT": "0",
            "DATABASE_CONN_MAX_AGE": "60",  # docs/operations.md
            "LOG_LEVEL": "ERROR",
        }
        env.pop("DATABASE_URL", None)
        if not reuse:
            subprocess.run([python, "-m", "migdev", "migrate", "-v0"], env=env, check=True, cwd=data_dir)
        seeded = subprocess.run(
            [
                python,
                "-m",
                "migdev",
                "shell",
                "-c",
                # A kept directory (seeded by an earlier run) only gets its snapshots rebuilt by this code.
                REFRESH_SCRIPT if reuse else SEED_SCRIPT,
            ],
            env={**env, "BENCH_SEED": f"{senders},{receivers},{providers}"},
            cwd=data_dir,
            capture_output=True,
            text=True,
        )
        if seeded.returncode != 0:
            raise RuntimeError(f"seeding failed: {seeded.stderr[-2000:]}")
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
        amounts = (50, 200, 350, 500, 1000)
        paths = [
            f"/en/remittances/?sending={s}&receiving={r}&amount={a}" for (s, r) in pairs for a in amounts
        ]
        random.Random(20261206).shuffle(paths)
        health = ["/healthz"] * per_round
        marker, health_marker = b'class="offers"', b'"ok"'
        load_before = pageload.load_average()
        cold: list[dict[str, Any]] = []
        warm_pages: list[dict[str, Any]] = []
        warm_health: list[dict[str, Any]] = []
        for run in range(cold_runs):
            port = chosen_port or pageload.free_port()
            server = subprocess.Popen(
                _server_command(port, workers, worker_class, threads),
                env=env,
                cwd=data_dir,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            try:
                pageload.wait_for(port)
                time.sleep(2)  # every worker forked and idle; none has served a request
                cold.append(pageload.hammer(port, paths, clients, marker, server.pid))
                if run == cold_runs - 1:
                    for number in range(rounds):
                        batch = [paths[(number * per_round + i) % len(paths)] for i in range(per_round)]
                        warm_health.append(pageload.hammer(port, health, clients, health_marker, server.pid))
                        warm_pages.append(pageload.hammer(port, batch, clients, marker, server.pid))
            finally:
                server.terminate()
                server.wait(timeout=30)
        load_after = pageload.load_average()

    def median(runs: list[dict[str, Any]], key: str) -> float:
        return round(statistics.median(run[key] for run in runs), 2)

    summary = {
        "cold_p95_ms": median(cold, "p95_ms"),
        "warm_p95_ms": median(warm_pages, "p95_ms"),
        "healthz_p95_ms": median(warm_health, "p95_ms"),
        "warm_p50_ms": median(warm_pages, "p50_ms"),
        "healthz_p50_ms": median(warm_health, "p50_ms"),
        "warm_requests_per_s": median(warm_pages, "requests_per_s"),
        "healthz_requests_per_s": median(warm_health, "requests_per_s"),
        "cold_requests_per_s": median(cold, "requests_per_s"),
        "cold_server_cpu_ms_per_request": median(cold, "server_cpu_ms_per_request"),
        "warm_server_cpu_ms_per_request": median(warm_pages, "server_cpu_ms_per_request"),
        "healthz_server_cpu_ms_per_request": median(warm_health, "server_cpu_ms_per_request"),
    }
    failures = sum(run["failures"] for run in cold + warm_pages + warm_health)
    print(
        f"comparison page, {clients} clients, {corridor_count} corridors × {len(amounts)} amounts "
        f"({providers} services each): cold p95 {summary['cold_p95_ms']:.1f} ms, warm p95 "
        f"{summary['warm_p95_ms']:.1f} ms ({summary['warm_requests_per_s']:.0f}/s); /healthz p95 "
        f"{summary['healthz_p95_ms']:.1f} ms ({summary['healthz_requests_per_s']:.0f}/s); {failures} failures; "
        f"load average {load_before} → {load_after}",
        flush=True,
    )
    return {
        **summary,
        "ratio_warm_p95_to_healthz_p95": round(summary["warm_p95_ms"] / summary["healthz_p95_ms"], 2),
        "ratio_cold_p95_to_healthz_p95": round(summary["cold_p95_ms"] / summary["healthz_p95_ms"], 2),
        "ratio_cold_server_cpu_to_healthz": round(
            summary["cold_server_cpu_ms_per_request"]
            / max(0.01, summary["healthz_server_cpu_ms_per_request"]),
            2,
        ),
        "failures": failures,
        "corridors": corridor_count,
        "amounts": list(amounts),
        "distinct_urls": len(paths),
        "clients": clients,
        "server": f"gunicorn --preload, {workers} {worker_class} workers × {threads} threads, "
        "DATABASE_CONN_MAX_AGE=60, SQLite",
        "load_generator": "asyncio in the benchmark's process, one kept-alive HTTP/1.1 connection per client",
        "cold_runs": cold,
        "warm_page_rounds": warm_pages,
        "warm_healthz_rounds": warm_health,
        "load_average_before": load_before,
        "load_average_after": load_after,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quotes", type=int, default=2_000_000)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=5, help="warm rounds, each /healthz then pages")
    parser.add_argument("--per-round", type=int, default=1000, help="requests per warm batch")
    parser.add_argument("--cold-runs", type=int, default=2, help="fresh servers, each sent every URL once")
    parser.add_argument("--senders", type=int, default=10)
    parser.add_argument("--receivers", type=int, default=20)
    parser.add_argument("--providers", type=int, default=25, help="services per corridor")
    parser.add_argument("--port", type=int, help="serve on this port (default: a free one)")
    parser.add_argument(
        "--data-dir", type=Path, help="keep the seeded data directory here and reuse it (default: throw-away)"
    )
    pageload.add_server_arguments(parser)
    parser.add_argument("--skip-page", action="store_true")
    parser.add_argument("--skip-aggregates", action="store_true")
    options = parser.parse_args()
    import pandas

    load_before = pageload.load_average()
    aggregates = None if options.skip_aggregates else bench_aggregates(options.quotes, options.repeats)
    page = (
        None
        if options.skip_page
        else bench_page(
            clients=options.clients,
            rounds=options.rounds,
            per_round=options.per_round,
            cold_runs=options.cold_runs,
            senders=options.senders,
            receivers=options.receivers,
            providers=options.providers,
            port=options.port,
            kept_data_dir=options.data_dir,
            worker_class=options.worker_class,
            threads=options.threads,
        )
    )
    summary: dict[str, Any] = {
        "ratio_engine_to_pandas": aggregates["engine_median_s"] / aggregates["pandas_median_s"]
        if aggregates
        else None,
        "ratio_page_warm_p95_to_healthz_p95": page["ratio_warm_p95_to_healthz_p95"] if page else None,
        "ratio_page_cold_p95_to_healthz_p95": page["ratio_cold_p95_to_healthz_p95"] if page else None,
        "target_ratio_at_most": 2.0,
        "page_cold_p95_ms": page["cold_p95_ms"] if page else None,
        "page_warm_p95_ms": page["warm_p95_ms"] if page else None,
        "healthz_p95_ms": page["healthz_p95_ms"] if page else None,
        "target_page_p95_ms_at_most": 150,
        "aggregates": aggregates,
        "page": page,
        "versions": {
            "python": platform.python_version(),
            "numpy": np.__version__,
            "pandas": pandas.__version__,
        },
        "cpu_count": os.cpu_count(),
        "load_average_before": load_before,
        "load_average_after": pageload.load_average(),
    }
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
