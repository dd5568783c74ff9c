"""Indicators benchmark, side by side in one run (PostgreSQL on 127.0.0.1).

1. Loading: ``migdev load indicators-observations`` (dataio runner, all-or-nothing, COPY into the table)
   versus django-import-export (``ModelResource`` with ``use_bulk``, its fastest setting) on the same
   200,000 observations into the same model. Each run is a fresh subprocess: rows per second and peak memory
   (peak RSS, and the RSS the load added).
2. Pages under load: the country profile and the indicator page (three countries compared, world and
   high-income aggregates) served by gunicorn, 20 concurrent clients, on 5,000,000 observations — next to
   the raw SQL of the same aggregates run by 20 concurrent connections. Pages are computed once per data
   version and then served from the cache; the first ("cold") request of each page after a load is
   reported separately.

    python bench/indicators.py [--rows 200000] [--observations 5000000] [--clients 20] [--requests 400]

Needs: gunicorn, django-import-export, PostgreSQL reachable as ``--database``. Traffic goes to loopback only
and every loop is bounded. The last line printed is JSON: ratios first, then medians and p95s.
"""

from __future__ import annotations

import argparse
import base64
import csv
import itertools
import json
import os
import random
import resource
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "indicators" / "fixtures"
DEFAULT_DATABASE = "postgres://postgres@127.0.0.1:5432/migdev_indicators_bench"
BENCH_EDITION = "bench-observations"
PROFILE_COUNTRIES = ["USA", "DEU", "PHL", "MEX", "IND", "SAU", "FRA", "TJK", "NPL", "SYR"]
COMPARE_SETS = [("USA", "DEU", "SAU"), ("IND", "MEX", "PHL"), ("FRA", "NPL", "TJK")]
# Countries whose 3-country comparisons make the distinct cold pages (16 give 560 sets).
COLD_COUNTRIES = [*PROFILE_COUNTRIES, "BRA", "CHN", "NGA", "GBR", "ITA", "UKR"]


def _setup_django(database: str) -> None:
    os.environ["DATABASE_URL"] = database
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "migdev.settings")
    os.environ.setdefault("MIGDEV_DATA_DIR", str(Path(tempfile.gettempdir()) / "migdev-bench-indicators"))
    os.environ.setdefault("JOBS_RUN_IMMEDIATELY", "1")
    sys.path.insert(0, str(ROOT / "src"))
    import django

    django.setup()


def _ensure_database(database: str) -> None:
    import psycopg

    name = database.rsplit("/", 1)[1]
    admin = database.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as connection:
        exists = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            connection.execute(f'CREATE DATABASE "{name}"')


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


# --- 1. Loading --------------------------------------------------------------------------------------


def _write_observations_csv(path: Path, rows: int) -> None:
    """``rows`` distinct observations in the long format: areas × years × sexes × age groups."""
    from migdev.indicators.areas import country_codes

    areas = sorted(country_codes())
    sexes = ["_T", "F", "M"]
    ages = ["_T", "0-14", "15-24", "25-64", "65+"]
    generator = random.Random(7)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["series", "edition", "area", "period", "value", "sex", "age", "footnote"])
        written = 0
        year = 1900
        while written < rows:
            for area in areas:
                for sex in sexes:
                    for age in ages:
                        if written >= rows:
                            return
                        writer.writerow(
                            [
                                "migrant-stock",
                                BENCH_EDITION,
                                area,
                                year,
                                generator.randint(0, 10**7),
                                sex,
                                age,
                                "",
                            ]
                        )
                        written += 1
            year += 1


def _prepare_bench_edition() -> None:
    from migdev.indicators.models import Edition, Observation, Source

    source = Source.objects.get(code="undesa-ims")
    Edition.objects.get_or_create(
        code=BENCH_EDITION,
        defaults={
            "source": source,
            "title": "Benchmark edition",
            "published": "2000-01-01",
            "kind": "derived",
        },
    )
    Observation.objects.filter(edition__code=BENCH_EDITION).delete()
    from django.db import connection

    with connection.cursor() as cursor:  # both tools start on a table without dead rows from earlier runs
        cursor.execute(f"VACUUM ANALYZE {Observation._meta.db_table}")


def _current_rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def _child_load(tool: str, csv_path: Path) -> dict[str, float]:
    """Runs inside a fresh process: load the file with one tool and report time and memory.

    Memory is the peak resident set size, and that peak less the size before the load (both tools have
    Django and their modules imported by then), so the second figure is what the load itself needed.
    """
    import import_export.resources  # noqa: F401 - imported before the clock starts, like migdev's modules

    from migdev.dataio.services import import_file
    from migdev.indicators.models import Observation

    _prepare_bench_edition()
    baseline_mb = _current_rss_mb()
    started = time.perf_counter()
    if tool == "migdev":
        created = import_file(format_name="indicators-observations", path=csv_path).created
    else:
        created = _import_export_load(csv_path)
    seconds = time.perf_counter() - started
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    stored = Observation.objects.filter(edition__code=BENCH_EDITION).count()
    if stored != created:
        raise SystemExit(f"{tool}: created {created} but {stored} rows are stored")
    return {
        "seconds": seconds,
        "rows": stored,
        "rows_per_second": stored / seconds,
        "peak_rss_mb": peak_mb,
        "load_rss_mb": peak_mb - baseline_mb,
    }


def _import_export_load(csv_path: Path) -> int:
    import tablib
    from import_export import fields, resources, widgets

    from migdev.indicators.models import Edition, Observation, Series

    class CachedForeignKeyWidget(widgets.ForeignKeyWidget):
        """The stock widget queries once per row; caching gives the peer its best showing."""

        def __init__(self, model: type, field: str) -> None:
            super().__init__(model, field)
            self.cache: dict[object, object] = {}

        def clean(self, value: object, row: object = None, **kwargs: object) -> object:
            if value not in self.cache:
                self.cache[value] = super().clean(value, row, **kwargs)
            return self.cache[value]

    class ObservationResource(resources.ModelResource):
        series = fields.Field(
            attribute="series", column_name="series", widget=CachedForeignKeyWidget(Series, "code")
        )
        edition = fields.Field(
            attribute="edition", column_name="edition", widget=CachedForeignKeyWidget(Edition, "code")
        )

        class Meta:
            model = Observation
            fields = ("id", "series", "edition", "area", "period", "year", "value", "sex", "age", "footnote")
            import_id_fields = ("id",)
            use_bulk = True
            batch_size = 5000
            skip_diff = True
            force_init_instance = True
            report_skipped = False

        def before_import_row(self, row: dict, **kwargs: object) -> None:  # type: ignore[override]
            row["year"] = int(str(row["period"])[:4])

    with csv_path.open(encoding="utf-8") as handle:
        dataset = tablib.Dataset().load(handle.read(), format="csv")
    dataset.append_col([None] * len(dataset), header="id")
    dataset.append_col([0] * len(dataset), header="year")
    result = ObservationResource().import_data(
        dataset, dry_run=False, use_transactions=True, raise_errors=True
    )
    return int(result.totals.get("new", 0))


def bench_loading(args: argparse.Namespace) -> dict[str, object]:
    """Runs against its own database, so the 5-million-row table of the pages benchmark does not slow both
    tools' index maintenance and blur the comparison."""
    database = args.database + "_load"
    _ensure_database(database)
    subprocess.run(
        [sys.executable, "-m", "migdev", "migrate", "-v0"],
        check=True,
        env={**os.environ, "PYTHONPATH": str(ROOT / "src"), "DATABASE_URL": database},
    )
    with tempfile.TemporaryDirectory() as folder:
        csv_path = Path(folder) / "observations.csv"
        _write_observations_csv(csv_path, args.rows)
        runs: dict[str, list[dict[str, float]]] = {"migdev": [], "import_export": []}
        for _ in range(args.load_repeats):
            for tool in ("migdev", "import_export"):
                output = (
                    subprocess.run(
                        [
                            sys.executable,
                            __file__,
                            "--child",
                            tool,
                            "--csv",
                            str(csv_path),
                            "--database",
                            database,
                        ],
                        check=True,
                        capture_output=True,
                        text=True,
                        env={**os.environ, "PYTHONPATH": str(ROOT / "src")},
                    )
                    .stdout.strip()
                    .splitlines()[-1]
                )
                runs[tool].append(json.loads(output))
                print(f"  load {tool}: {runs[tool][-1]}", flush=True)
    summary: dict[str, object] = {}
    for tool, items in runs.items():
        summary[tool] = {
            key: statistics.median(item[key] for item in items)
            for key in ("rows_per_second", "seconds", "peak_rss_mb", "load_rss_mb")
        }
    return summary


# --- 2. Pages under load -------------------------------------------------------------------------------


def _fill_database(target: int) -> int:
    """The shipped real files, then synthetic series up to ``target`` observations (one INSERT … SELECT)."""
    from django.db import connection

    from migdev.indicators.loaders import load_file
    from migdev.indicators.models import Edition, Observation, Series, Source

    if not Observation.objects.filter(edition__code="undesa-ims-2020").exists():
        for name, path in [
            ("undesa-ims-2020", FIXTURES / "undesa_pd_2020_ims_stock_by_sex_and_destination.xlsx"),
            ("undesa-ims-2019", FIXTURES / "ims2019_totals_cut.xlsx"),
            ("undesa-ims-2019", FIXTURES / "ims2019_matrix_cut.csv"),
            ("worldbank-remittance-inflows-2013", FIXTURES / "RemittanceData_Inflows_April2013.xls"),
            ("worldbank-wdi", FIXTURES / "API_BM.TRF.PWKR.CD.DT_DS2_en_csv_v2_3012027.csv"),
            ("undesa-wpp-net-migration", FIXTURES / "cut_UN_WPP_2024_net_migration.csv"),
            ("unhcr-refugees", FIXTURES / "cut_unhcr_2020.csv"),
            ("worldbank-bilateral-migration", FIXTURES / "mig2013_cut.xlsx"),
            ("worldbank-rpw-corridors", FIXTURES / "cut_rpw_corridors.csv"),
        ]:
            load_file(name, path)
    Observation.objects.filter(edition__code=BENCH_EDITION).delete()
    current = Observation.objects.count()
    missing = target - current
    if missing <= 0:
        return current
    source = Source.objects.get(code="national-statistics")
    edition, _ = Edition.objects.get_or_create(
        code="bench-filler",
        defaults={
            "source": source,
            "title": "Benchmark filler",
            "published": "1999-01-01",
            "kind": "compiled",
        },
    )
    from migdev.indicators.areas import country_codes

    areas = sorted(country_codes())
    per_series = len(areas) * 65 * 3  # areas × years 1960–2024 × sexes
    series_needed = -(-missing // per_series)
    table = Observation._meta.db_table
    with connection.cursor() as cursor:
        for index in range(series_needed):
            series, _ = Series.objects.get_or_create(
                code=f"bench-filler-{index:03d}",
                defaults={"name": f"Benchmark filler {index}", "unit": "number"},
            )
            rows = min(per_series, missing - index * per_series)
            cursor.execute(
                f"""
                INSERT INTO {table} (series_id, edition_id, area, is_aggregate, counterpart, period, year, sex, age,
                                     migratory_status, value, unit_mult, status, footnote)
                SELECT %s, %s, a.code, false, '_T', y::text, y, s.sex, '_T', '_T', random() * 1e6, 0, '', ''
                FROM unnest(%s::text[]) AS a(code)
                CROSS JOIN generate_series(1960, 2024) AS y
                CROSS JOIN unnest(ARRAY['_T', 'F', 'M']) AS s(sex)
                LIMIT %s
                """,
                [series.id, edition.id, areas, rows],
            )
        cursor.execute(f"ANALYZE {table}")
    return Observation.objects.count()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _hammer(urls: list[str], clients: int, total: int) -> list[float]:
    """``clients`` threads share ``total`` requests; returns latencies in milliseconds."""
    latencies: list[float] = []
    lock = threading.Lock()
    counter = iter(range(total))
    failures: list[str] = []

    def client() -> None:
        while True:
            with lock:
                index = next(counter, None)
            if index is None:
                return
            url = urls[index % len(urls)]
            started = time.perf_counter()
            try:
                with urllib.request.urlopen(url, timeout=30) as response:  # noqa: S310 - loopback only
                    response.read()
                    status = response.status
            except Exception as error:  # a failed request is recorded, not retried
                failures.append(f"{url}: {error}")
                continue
            elapsed = (time.perf_counter() - started) * 1000
            with lock:
                if status == 200:
                    latencies.append(elapsed)
                else:
                    failures.append(f"{url}: HTTP {status}")

    threads = [threading.Thread(target=client) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if failures:
        raise SystemExit(f"{len(failures)} failed requests, first: {failures[0]}")
    return latencies


def _raw_sql_latencies(database: str, clients: int, total: int) -> dict[str, list[float]]:
    """The same aggregates the pages show, as hand-written SQL over psycopg connections."""
    import psycopg

    from migdev.indicators.models import Edition, Observation, Series

    table = Observation._meta.db_table
    stock = Series.objects.get(code="migrant-stock").id
    population = Series.objects.get(code="population").id
    ims = Edition.objects.get(code="undesa-ims-2020").id
    indicator_sql = f"""
        WITH num AS (SELECT area, period, value * power(10, unit_mult) AS v FROM {table}
                     WHERE series_id = %(stock)s AND edition_id = %(ims)s AND sex = '_T' AND age = '_T'
                       AND migratory_status = '_T' AND counterpart = '_T' AND NOT is_aggregate AND value IS NOT NULL),
             den AS (SELECT area, period, value * power(10, unit_mult) AS v FROM {table}
                     WHERE series_id = %(pop)s AND edition_id = %(ims)s AND sex = '_T' AND age = '_T'
                       AND migratory_status = '_T' AND counterpart = '_T' AND NOT is_aggregate AND value IS NOT NULL)
        SELECT 'WLD', period, SUM(v) FROM num GROUP BY period
        UNION ALL SELECT 'WLD-den', period, SUM(v) FROM den GROUP BY period
        UNION ALL SELECT area, period, v FROM num WHERE area = ANY(%(areas)s)
    """
    profile_sql = f"""
        SELECT series_id, edition_id, period, value * power(10, unit_mult) FROM {table}
        WHERE area = %(area)s AND counterpart = '_T' AND sex = '_T' AND age = '_T' AND migratory_status = '_T'
          AND value IS NOT NULL AND series_id = ANY(%(series)s)
        UNION ALL
        SELECT series_id, edition_id, period, SUM(value * power(10, unit_mult)) FROM {table}
        WHERE counterpart = %(area)s AND series_id = %(stock)s AND value IS NOT NULL
        GROUP BY series_id, edition_id, period
    """
    series_ids = list(Series.objects.exclude(code__startswith="bench-").values_list("id", flat=True))
    results: dict[str, list[float]] = {"indicator": [], "profile": []}
    lock = threading.Lock()
    counter = iter(range(total * 2))

    def client() -> None:
        with psycopg.connect(database) as connection:
            while True:
                with lock:
                    index = next(counter, None)
                if index is None:
                    return
                kind = "indicator" if index % 2 else "profile"
                started = time.perf_counter()
                if kind == "indicator":
                    areas = list(COMPARE_SETS[index % len(COMPARE_SETS)])
                    connection.execute(
                        indicator_sql, {"stock": stock, "pop": population, "ims": ims, "areas": areas}
                    ).fetchall()
                else:
                    area = PROFILE_COUNTRIES[index % len(PROFILE_COUNTRIES)]
                    connection.execute(
                        profile_sql, {"area": area, "series": series_ids, "stock": stock}
                    ).fetchall()
                with lock:
                    results[kind].append((time.perf_counter() - started) * 1000)

    threads = [threading.Thread(target=client) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def bench_pages(args: argparse.Namespace) -> dict[str, object]:
    observations = _fill_database(args.observations)
    print(f"  database holds {observations:,} observations", flush=True)
    port = _free_port()
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT / "src"),
        "DATABASE_URL": args.database,
        "MIGDEV_DEBUG": "0",
        "SECRET_KEY": "bench-only-not-secret",
        "MIGDEV_FIELD_KEYS": base64.urlsafe_b64encode(b"bench-only-field-key-32-bytes!!!").decode(),
        "MIGDEV_BLIND_INDEX_KEY": "bench-only-blind-index-key-0123456789-abcdefgh",
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",
        "DATABASE_CONN_MAX_AGE": "60",
        "API_RATE_LIMIT_PER_MINUTE": "1000000",
    }
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "migdev.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(args.workers),
            "--threads",
            str(args.threads),
            "--log-level",
            "warning",
        ],
        env=env,
        cwd=str(ROOT),
    )
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(f"{base}/healthz", timeout=2).read()  # noqa: S310 - loopback only
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise SystemExit("gunicorn did not start") from None
                time.sleep(0.5)
        profile_urls = [f"{base}/en/indicators/countries/{code}/" for code in PROFILE_COUNTRIES]
        indicator_urls = [
            f"{base}/en/indicators/migrant-share-of-population/?areas={','.join(codes)}&agg=WLD,HIC"
            for codes in COMPARE_SETS
        ]
        from migdev.indicators.cache import bump_data_version

        # Cold: right after a load (new data version) each page is computed once, one request at a time.
        bump_data_version()
        cold = {
            "profile": _hammer(profile_urls, 1, len(profile_urls)),
            "indicator": _hammer(indicator_urls, 1, len(indicator_urls)),
        }
        _hammer(profile_urls + indicator_urls, args.clients, args.clients * 2)  # warm connections
        profile = _hammer(profile_urls, args.clients, args.requests)
        indicator = _hammer(indicator_urls, args.clients, args.requests)
        # Cold under load: a new data version, then every request of the 20 clients asks for a page
        # nobody asked for before (a different set of compared countries, a different country profile).
        cold_indicator_urls = [
            f"{base}/en/indicators/migrant-share-of-population/?areas={','.join(codes)}&agg=WLD,HIC"
            for codes in itertools.islice(itertools.combinations(COLD_COUNTRIES, 3), args.requests)
        ]
        from migdev.indicators.areas import country_codes

        cold_profile_urls = [
            f"{base}/en/indicators/countries/{code}/" for code in sorted(country_codes())[: args.requests]
        ]
        bump_data_version()
        cold_indicator = _hammer(cold_indicator_urls, args.clients, len(cold_indicator_urls))
        bump_data_version()
        cold_profile = _hammer(cold_profile_urls, args.clients, len(cold_profile_urls))
    finally:
        server.terminate()
        server.wait(timeout=30)
    raw = _raw_sql_latencies(args.database, args.clients, args.requests)
    return {
        "observations": observations,
        "gunicorn": {"workers": args.workers, "threads": args.threads},
        "cold_single_client_ms": {
            kind: {"median": statistics.median(values), "max": max(values)} for kind, values in cold.items()
        },
        "cold_under_load_indicator_ms": {
            "median": statistics.median(cold_indicator),
            "p95": _percentile(cold_indicator, 0.95),
            "n": len(cold_indicator),
        },
        "cold_under_load_profile_ms": {
            "median": statistics.median(cold_profile),
            "p95": _percentile(cold_profile, 0.95),
            "n": len(cold_profile),
        },
        "profile_ms": {
            "median": statistics.median(profile),
            "p95": _percentile(profile, 0.95),
            "n": len(profile),
        },
        "indicator_ms": {
            "median": statistics.median(indicator),
            "p95": _percentile(indicator, 0.95),
            "n": len(indicator),
        },
        "raw_sql_profile_ms": {
            "median": statistics.median(raw["profile"]),
            "p95": _percentile(raw["profile"], 0.95),
        },
        "raw_sql_indicator_ms": {
            "median": statistics.median(raw["indicator"]),
            "p95": _percentile(raw["indicator"], 0.95),
        },
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--database", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_DATABASE))
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--load-repeats", type=int, default=2)
    parser.add_argument("--observations", type=int, default=5_000_000)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--requests", type=int, default=400)
    # docs/operations.md: gunicorn with (2 × cores) + 1 workers of 2 threads each, as in production.
    parser.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 1) + 1)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--skip-load", action="store_true")
    parser.add_argument("--skip-pages", action="store_true")
    parser.add_argument("--child", choices=["migdev", "import_export"], help=argparse.SUPPRESS)
    parser.add_argument("--csv", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        _setup_django(args.database)
        print(json.dumps(_child_load(args.child, args.csv)))
        return
    load_before = [round(value, 2) for value in os.getloadavg()]
    _ensure_database(args.database)
    _setup_django(args.database)
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    report: dict[str, object] = {"ratios": {}, "load_average_1_5_15_min": {}}
    ratios: dict[str, float] = {}
    if not args.skip_load:
        print("loading benchmark …", flush=True)
        loading = bench_loading(args)
        report["loading"] = loading
        migdev, peer = loading["migdev"], loading["import_export"]  # type: ignore[index]
        ratios["load_rows_per_second_migdev_over_import_export"] = (
            migdev["rows_per_second"] / peer["rows_per_second"]
        )
        ratios["load_peak_rss_migdev_over_import_export"] = migdev["peak_rss_mb"] / peer["peak_rss_mb"]
        ratios["load_memory_used_migdev_over_import_export"] = migdev["load_rss_mb"] / peer["load_rss_mb"]
    if not args.skip_pages:
        print("pages benchmark …", flush=True)
        pages = bench_pages(args)
        report["pages"] = pages
        ratios["profile_p95_ms_over_150ms_target"] = pages["profile_ms"]["p95"] / 150  # type: ignore[index]
        ratios["indicator_p95_ms_over_150ms_target"] = pages["indicator_ms"]["p95"] / 150  # type: ignore[index]
        ratios["indicator_cold_under_load_p95_ms_over_150ms_target"] = (
            pages["cold_under_load_indicator_ms"]["p95"] / 150  # type: ignore[index]
        )
        ratios["profile_cold_under_load_p95_ms_over_150ms_target"] = (
            pages["cold_under_load_profile_ms"]["p95"] / 150  # type: ignore[index]
        )
        ratios["profile_median_over_raw_sql"] = (
            pages["profile_ms"]["median"] / pages["raw_sql_profile_ms"]["median"]  # type: ignore[index]
        )
        ratios["indicator_median_over_raw_sql"] = (
            pages["indicator_ms"]["median"] / pages["raw_sql_indicator_ms"]["median"]  # type: ignore[index]
        )
    report["ratios"] = {key: round(value, 3) for key, value in ratios.items()}
    report["load_average_1_5_15_min"] = {
        "before": load_before,
        "after": [round(value, 2) for value in os.getloadavg()],
    }
    print(json.dumps(report))


if __name__ == "__main__":
    main()
