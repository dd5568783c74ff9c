"""Indicators benchmark: the indicator page and the country profile under load, cold and warm, beside /healthz.

    python3 run.py bench indicators [--observations 5000000] [--clients 20] [--database sqlite|URL]
                                    [--data-dir DIR] [--port PORT]

A data directory (throw-away unless ``--data-dir``) gets the migrations, the shipped real files and synthetic
series up to ``--observations`` rows (5,000,000). The filler is set-up, not measured: the database writes it
itself in one ``INSERT … SELECT`` (bench/load.py measures loading). ``--database sqlite`` (the default) uses a
SQLite file in the data directory; a PostgreSQL URL uses that database.

gunicorn (``--preload``, 2 × cores + 1 sync workers, ``DATABASE_CONN_MAX_AGE=60``) serves the
pages to ``--clients`` concurrent clients (bench/pageload.py: kept-alive connections, a closed loop):

* cold (``--cold-rounds``, medians): the data version changes, as after a load, then every request asks for a
  page nobody asked for before: ``--requests`` indicator pages each comparing another set of three countries
  (world and high-income aggregates), then every country's profile;
* warm (``--rounds``): a batch of /healthz (the cheapest Django response through the same server: the physical
  limit under this load), then indicator pages, then profiles, interleaved so all see the same machine;
* the raw SQL of the same aggregates on ``--clients`` connections of the database driver (the floor).

Every phase reports p50/p95, requests per second and the server's CPU milliseconds per request (read from
/proc: the figure that moves least with the other work on a shared machine). The last line printed is JSON:
ratios first (p95 over the 150 ms target and over /healthz's p95), then the load average before and after.

``--with-load`` adds the old loading comparison (PostgreSQL only), superseded by bench/load.py.
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
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))

import pageload  # noqa: E402 - bench/pageload.py, next to this file

FIXTURES = ROOT / "tests" / "indicators" / "fixtures"
DEFAULT_DATABASE = "postgres://postgres@127.0.0.1:5432/migdev_indicators_bench"
BENCH_EDITION = "bench-observations"
PROFILE_COUNTRIES = ["USA", "DEU", "PHL", "MEX", "IND", "SAU", "FRA", "TJK", "NPL", "SYR"]
COMPARE_SETS = [("USA", "DEU", "SAU"), ("IND", "MEX", "PHL"), ("FRA", "NPL", "TJK")]
# Countries whose 3-country comparisons make the distinct cold pages (16 give 560 sets).
COLD_COUNTRIES = [*PROFILE_COUNTRIES, "BRA", "CHN", "NGA", "GBR", "ITA", "UKR"]


def _setup_django(database: str | None) -> None:
    if database:
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

FILLER_YEARS = range(1960, 2025)
FILLER_SEXES = ("_T", "F", "M")


def _fill_database(target: int) -> int:
    """The shipped real files, then synthetic series up to ``target`` observations.

    The filler is set-up, not what is measured (bench/load.py measures loading): it is written by the
    database itself, one ``INSERT … SELECT`` over generated rows in one transaction (a recursive CTE on
    SQLite, ``generate_series`` on PostgreSQL), in the unique key's order, with the two secondary indexes
    dropped before and built again after (one sort each instead of five million random inserts). Values are a
    fixed function of the row, so every run fills the same table.
    """
    from django.db import connection, transaction

    from migdev.indicators.areas import country_codes
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
    areas = sorted(country_codes())
    per_series = len(areas) * len(FILLER_YEARS) * len(FILLER_SEXES)
    first = Series.objects.filter(code__startswith="bench-filler-").count()
    series_ids = [
        Series.objects.get_or_create(
            code=f"bench-filler-{index:03d}",
            defaults={"name": f"Benchmark filler {index}", "unit": "number"},
        )[0].id
        for index in range(first, first + -(-missing // per_series))
    ]
    table = Observation._meta.db_table
    columns = (
        "series_id, edition_id, area, is_aggregate, counterpart, period, year, sex, age, migratory_status,"
        " value, unit_mult, status, footnote"
    )
    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        dropped = _drop_secondary_indexes(cursor, table)
        if connection.vendor == "sqlite":
            cursor.execute("PRAGMA cache_size = -200000")  # 200 MB for this connection's sorts
            cursor.execute(
                f"""
                INSERT INTO {table} ({columns})
                WITH RECURSIVE years(y) AS (SELECT %s UNION ALL SELECT y + 1 FROM years WHERE y < %s)
                SELECT s.value, %s, a.value, 0, '_T', CAST(years.y AS TEXT), years.y, x.value, '_T', '_T',
                       (s.value * 7919 + a.key * 131 + years.y * 31) %% 1000003, 0, '', ''
                FROM json_each(%s) AS s, json_each(%s) AS a, years, json_each(%s) AS x
                LIMIT %s
                """,
                [
                    FILLER_YEARS[0],
                    FILLER_YEARS[-1],
                    edition.id,
                    json.dumps(series_ids),
                    json.dumps(areas),
                    json.dumps(list(FILLER_SEXES)),
                    missing,
                ],
            )
        else:
            # The foreign keys are checked at commit by default; PostgreSQL refuses to build an index on a
            # table with checks still pending, so they run as the rows go in.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute(
                f"""
                INSERT INTO {table} ({columns})
                SELECT s.id, %s, a.code, false, '_T', y::text, y, x.sex, '_T', '_T',
                       (s.id * 7919 + a.n * 131 + y * 31) %% 1000003, 0, '', ''
                FROM unnest(%s::bigint[]) AS s(id)
                CROSS JOIN unnest(%s::text[]) WITH ORDINALITY AS a(code, n)
                CROSS JOIN generate_series(%s, %s) AS y
                CROSS JOIN unnest(%s::text[]) AS x(sex)
                LIMIT %s
                """,
                [
                    edition.id,
                    series_ids,
                    areas,
                    FILLER_YEARS[0],
                    FILLER_YEARS[-1],
                    list(FILLER_SEXES),
                    missing,
                ],
            )
        for statement in dropped:
            cursor.execute(statement)
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {table}")
    print(f"  filled {missing:,} observations in {time.perf_counter() - started:.0f} s", flush=True)
    return Observation.objects.count()


def _drop_secondary_indexes(cursor: Any, table: str) -> list[str]:
    """Drops the model's ``Meta.indexes`` (not the unique key) and returns the statements that build them."""
    from django.db import connection

    from migdev.indicators.models import Observation

    names = [index.name for index in Observation._meta.indexes]
    if connection.vendor == "sqlite":
        cursor.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = %s",
            [table],
        )
    else:
        cursor.execute("SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s", [table])
    definitions = {name: sql for name, sql in cursor.fetchall() if name in names}
    for name in definitions:
        cursor.execute(f'DROP INDEX "{name}"')
    return list(definitions.values())


def _raw_sql_latencies(database: str | None, clients: int, total: int) -> dict[str, list[float]]:
    """The same aggregates the pages show, as hand-written SQL over the driver's own connections."""
    from django.db import connection

    from migdev.indicators.models import Edition, Observation, Series

    table = Observation._meta.db_table
    sqlite = connection.vendor == "sqlite"
    stock = Series.objects.get(code="migrant-stock").id
    population = Series.objects.get(code="population").id
    ims = Edition.objects.get(code="undesa-ims-2020").id
    series_ids = list(Series.objects.exclude(code__startswith="bench-").values_list("id", flat=True))
    # The same statements on both databases; only the list parameters are spelled differently.
    if sqlite:
        areas_in, series_in = (
            "IN (SELECT value FROM json_each(:areas))",
            "IN (SELECT value FROM json_each(:series))",
        )
    else:
        areas_in, series_in = "= ANY(%(areas)s)", "= ANY(%(series)s)"
    named = (lambda name: f":{name}") if sqlite else (lambda name: f"%({name})s")
    indicator_sql = f"""
        WITH num AS (SELECT area, period, value * power(10, unit_mult) AS v FROM {table}
                     WHERE series_id = {named("stock")} AND edition_id = {named("ims")} AND sex = '_T'
                       AND age = '_T' AND migratory_status = '_T' AND counterpart = '_T' AND NOT is_aggregate
                       AND value IS NOT NULL),
             den AS (SELECT area, period, value * power(10, unit_mult) AS v FROM {table}
                     WHERE series_id = {named("pop")} AND edition_id = {named("ims")} AND sex = '_T'
                       AND age = '_T' AND migratory_status = '_T' AND counterpart = '_T' AND NOT is_aggregate
                       AND value IS NOT NULL)
        SELECT 'WLD', period, SUM(v) FROM num GROUP BY period
        UNION ALL SELECT 'WLD-den', period, SUM(v) FROM den GROUP BY period
        UNION ALL SELECT area, period, v FROM num WHERE area {areas_in}
    """
    profile_sql = f"""
        SELECT series_id, edition_id, period, value * power(10, unit_mult) FROM {table}
        WHERE area = {named("area")} AND counterpart = '_T' AND sex = '_T' AND age = '_T'
          AND migratory_status = '_T' AND value IS NOT NULL AND series_id {series_in}
        UNION ALL
        SELECT series_id, edition_id, period, SUM(value * power(10, unit_mult)) FROM {table}
        WHERE counterpart = {named("area")} AND series_id = {named("stock")} AND value IS NOT NULL
        GROUP BY series_id, edition_id, period
    """
    results: dict[str, list[float]] = {"indicator": [], "profile": []}
    lock = threading.Lock()
    counter = iter(range(total * 2))

    def connect() -> Any:
        if sqlite:
            import sqlite3

            return sqlite3.connect(connection.settings_dict["NAME"], check_same_thread=False)
        import psycopg

        return psycopg.connect(database)

    def client() -> None:
        handle = connect()
        try:
            while True:
                with lock:
                    index = next(counter, None)
                if index is None:
                    return
                kind = "indicator" if index % 2 else "profile"
                started = time.perf_counter()
                if kind == "indicator":
                    areas = list(COMPARE_SETS[index % len(COMPARE_SETS)])
                    parameters = {"stock": stock, "pop": population, "ims": ims}
                    parameters["areas"] = json.dumps(areas) if sqlite else areas  # type: ignore[assignment]
                    handle.execute(indicator_sql, parameters).fetchall()
                else:
                    area = PROFILE_COUNTRIES[index % len(PROFILE_COUNTRIES)]
                    handle.execute(
                        profile_sql,
                        {
                            "area": area,
                            "series": json.dumps(series_ids) if sqlite else series_ids,
                            "stock": stock,
                        },
                    ).fetchall()
                with lock:
                    results[kind].append((time.perf_counter() - started) * 1000)
        finally:
            handle.close()

    threads = [threading.Thread(target=client) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def _summary(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """Medians over the runs of one phase, and every run."""
    return {
        "p95_ms": round(statistics.median(run["p95_ms"] for run in runs), 2),
        "p50_ms": round(statistics.median(run["p50_ms"] for run in runs), 2),
        "requests_per_s": round(statistics.median(run["requests_per_s"] for run in runs), 1),
        "server_cpu_ms_per_request": round(
            statistics.median(run.get("server_cpu_ms_per_request", 0.0) for run in runs), 2
        ),
        "runs": runs,
    }


def bench_pages(args: argparse.Namespace, database: str | None, data_dir: Path) -> dict[str, object]:
    """Both pages under ``--clients`` concurrent clients, cold and warm, beside /healthz in the same run.

    Cold (``--cold-rounds`` times, medians): the data version changes (as after a load), then every request
    of the clients asks for a page nobody asked for before: indicator pages comparing a different set of three
    countries each, then every country's profile. Warm (``--rounds`` rounds): a batch of /healthz (the
    cheapest Django response through the same server and middleware), then the indicator pages and the
    profiles asked for before, interleaved so all three see the same machine.
    """
    from migdev.indicators.cache import bump_data_version
    from migdev.indicators.selectors import world_countries

    observations = _fill_database(args.observations)
    print(f"  database holds {observations:,} observations", flush=True)
    port = args.port or pageload.free_port()
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT / "src"),
        "MIGDEV_DATA_DIR": str(data_dir),
        "MIGDEV_DEBUG": "0",
        "SECRET_KEY": "bench-only-not-secret",
        "MIGDEV_FIELD_KEYS": base64.urlsafe_b64encode(b"bench-only-field-key-32-bytes!!!").decode(),
        "MIGDEV_BLIND_INDEX_KEY": "bench-only-blind-index-key-0123456789-abcdefgh",
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",
        "DATABASE_CONN_MAX_AGE": "60",
        "API_RATE_LIMIT_PER_MINUTE": "1000000",
        "LOG_LEVEL": "ERROR",
    }
    env.pop("DATABASE_URL", None)
    if database:
        env["DATABASE_URL"] = database
    indicator_path = "/en/indicators/migrant-share-of-population/?areas={}&agg=WLD,HIC"
    cold_indicator_paths = [
        indicator_path.format(",".join(codes))
        for codes in itertools.islice(itertools.combinations(COLD_COUNTRIES, 3), args.requests)
    ]
    cold_profile_paths = [
        f"/en/indicators/countries/{code}/" for code in sorted(world_countries())[: args.requests]
    ]
    indicator_marker, profile_marker, health_marker = b'class="tabs"', b'class="figure-value"', b'"ok"'
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "migdev.wsgi:application",
            "--preload",  # docs/operations.md: the app is imported once, before the workers fork
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(args.workers),
            "--worker-class",
            args.worker_class,
            "--threads",
            str(args.threads),
            "--log-level",
            "error",
            "--graceful-timeout",
            "5",  # idle kept-alive connections need not hold the shutdown for 30 s
        ],
        env=env,
        cwd=str(data_dir),
    )
    load_before = pageload.load_average()
    cold_indicator, cold_profile, warm_indicator, warm_profile, health = [], [], [], [], []
    try:
        pageload.wait_for(port)
        pageload.hammer(
            port, ["/healthz"] * args.clients * 5, args.clients, health_marker, server.pid
        )  # connections
        for _ in range(args.cold_rounds):
            bump_data_version()
            cold_indicator.append(
                pageload.hammer(port, cold_indicator_paths, args.clients, indicator_marker, server.pid)
            )
            bump_data_version()
            cold_profile.append(
                pageload.hammer(port, cold_profile_paths, args.clients, profile_marker, server.pid)
            )
            print(
                f"  cold: indicator p95 {cold_indicator[-1]['p95_ms']} ms, profile p95 "
                f"{cold_profile[-1]['p95_ms']} ms",
                flush=True,
            )
        # The last cold round left every profile cached; the indicator pages are cached again here.
        bump_data_version()
        pageload.hammer(port, cold_indicator_paths, args.clients, indicator_marker, server.pid)
        pageload.hammer(port, cold_profile_paths, args.clients, profile_marker, server.pid)
        for number in range(args.rounds):
            start = number * args.per_round
            health.append(
                pageload.hammer(port, ["/healthz"] * args.per_round, args.clients, health_marker, server.pid)
            )
            batch = [
                cold_indicator_paths[(start + i) % len(cold_indicator_paths)] for i in range(args.per_round)
            ]
            warm_indicator.append(pageload.hammer(port, batch, args.clients, indicator_marker, server.pid))
            batch = [cold_profile_paths[(start + i) % len(cold_profile_paths)] for i in range(args.per_round)]
            warm_profile.append(pageload.hammer(port, batch, args.clients, profile_marker, server.pid))
            print(
                f"  warm: healthz p95 {health[-1]['p95_ms']} ms, indicator p95 {warm_indicator[-1]['p95_ms']}"
                f" ms, profile p95 {warm_profile[-1]['p95_ms']} ms",
                flush=True,
            )
    finally:
        server.terminate()
        server.wait(timeout=60)
    load_after = pageload.load_average()
    raw = _raw_sql_latencies(database, args.clients, args.raw_requests)
    failures = sum(
        run["failures"] for run in cold_indicator + cold_profile + warm_indicator + warm_profile + health
    )
    return {
        "observations": observations,
        "database": "PostgreSQL" if database else "SQLite",
        "gunicorn": f"--preload, {args.workers} {args.worker_class} workers × {args.threads} threads, "
        "CONN_MAX_AGE=60",
        "clients": args.clients,
        "failures": failures,
        "healthz": _summary(health),
        "indicator_cold": _summary(cold_indicator),
        "indicator_warm": _summary(warm_indicator),
        "profile_cold": _summary(cold_profile),
        "profile_warm": _summary(warm_profile),
        "distinct_cold_pages": {"indicator": len(cold_indicator_paths), "profile": len(cold_profile_paths)},
        "raw_sql_profile_ms": {
            "median": statistics.median(raw["profile"]),
            "p95": _percentile(raw["profile"], 0.95),
        },
        "raw_sql_indicator_ms": {
            "median": statistics.median(raw["indicator"]),
            "p95": _percentile(raw["indicator"], 0.95),
        },
        "load_average_during_pages": {"before": load_before, "after": load_after},
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--database",
        default=os.environ.get("BENCH_DATABASE_URL", "sqlite"),
        help="'sqlite' (a file in the data directory) or a PostgreSQL URL such as " + DEFAULT_DATABASE,
    )
    parser.add_argument(
        "--data-dir",
        type=Path,
        help="keep the data directory (and its filled database) here; default: a throw-away one",
    )
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--load-repeats", type=int, default=2)
    parser.add_argument("--observations", type=int, default=5_000_000)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--requests", type=int, default=400, help="distinct cold pages of each kind")
    parser.add_argument("--cold-rounds", type=int, default=2)
    parser.add_argument("--rounds", type=int, default=3, help="warm rounds: /healthz, indicator, profile")
    parser.add_argument("--per-round", type=int, default=600, help="requests per warm batch")
    parser.add_argument("--raw-requests", type=int, default=200)
    parser.add_argument("--port", type=int, help="serve on this port (default: a free one)")
    # docs/operations.md: gunicorn with (2 × cores) + 1 sync workers, as in production.
    parser.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 1) + 1)
    pageload.add_server_arguments(parser)
    parser.add_argument(
        "--with-load",
        action="store_true",
        help="also the old loading comparison (PostgreSQL only; bench/load.py supersedes it)",
    )
    parser.add_argument("--skip-pages", action="store_true")
    parser.add_argument("--child", choices=["migdev", "import_export"], help=argparse.SUPPRESS)
    parser.add_argument("--csv", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    database = None if args.database == "sqlite" else args.database
    if args.child:
        _setup_django(args.database)
        print(json.dumps(_child_load(args.child, args.csv)))
        return
    load_before = pageload.load_average()
    with tempfile.TemporaryDirectory(prefix="migdev-bench-indicators-") as scratch:
        data_dir = args.data_dir or Path(scratch)
        data_dir.mkdir(parents=True, exist_ok=True)
        os.environ["MIGDEV_DATA_DIR"] = str(data_dir)
        os.environ.pop("DATABASE_URL", None)
        if database:
            _ensure_database(database)
            os.environ["DATABASE_URL"] = database
        _setup_django(database)
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        report = _run(args, database, data_dir)
    report["load_average_before"] = load_before
    report["load_average_after"] = pageload.load_average()
    print(json.dumps(report))


def _run(args: argparse.Namespace, database: str | None, data_dir: Path) -> dict[str, Any]:
    report: dict[str, Any] = {"ratios": {}}
    ratios: dict[str, float] = {}
    if args.with_load and database:
        print("loading benchmark …", flush=True)
        loading = bench_loading(args)
        report["loading"] = loading
        migdev, peer = loading["migdev"], loading["import_export"]  # type: ignore[index]
        ratios["load_rows_per_second_migdev_over_import_export"] = (
            migdev["rows_per_second"] / peer["rows_per_second"]
        )
    if not args.skip_pages:
        print("pages benchmark …", flush=True)
        pages: dict[str, Any] = bench_pages(args, database, data_dir)
        report["pages"] = pages
        health = pages["healthz"]["p95_ms"]
        for page in ("indicator", "profile"):
            for state in ("cold", "warm"):
                p95 = pages[f"{page}_{state}"]["p95_ms"]
                ratios[f"{page}_{state}_p95_ms_over_150ms_target"] = p95 / 150
                ratios[f"{page}_{state}_p95_over_healthz_p95"] = p95 / health
        report["indicator_cold_p95_ms"] = pages["indicator_cold"]["p95_ms"]
        report["indicator_warm_p95_ms"] = pages["indicator_warm"]["p95_ms"]
        report["profile_cold_p95_ms"] = pages["profile_cold"]["p95_ms"]
        report["profile_warm_p95_ms"] = pages["profile_warm"]["p95_ms"]
        report["healthz_p95_ms"] = health
        report["target_p95_ms_at_most"] = 150
    report["ratios"] = {key: round(value, 3) for key, value in ratios.items()}
    return report


if __name__ == "__main__":
    main()
