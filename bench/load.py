"""Loading benchmark: ``migdev load`` versus django-import-export, side by side, on SQLite and PostgreSQL.

Two paths, each on both databases:

* **new**: the file goes into an edition that holds nothing yet;
* **replace**: a second file replaces that edition's values (``migdev load indicators-edition FILE
  --replace``). Against the stored edition it keeps most values, changes some, adds new keys and leaves some
  out, which are removed. Both tools report the diff (added, changed, removed) and the benchmark checks it
  against the numbers the file was made with.

migdev runs the path a user gets: the dataio runner (``import_file``, the code behind ``migdev load``): the
file read and checked outside the transaction (area, period, sex and age codes, numbers, duplicate keys,
unknown series), the diff computed and recorded on the import run, one all-or-nothing write, coverage and
the data version refreshed.

The peer is a django-import-export ``ModelResource`` given its best showing: ``use_bulk`` (bulk_create /
bulk_update), an instance loader that fetches the edition's stored rows in one query and keys them by the
natural key (the stock loader queries once per row), foreign keys cached, ``skip_unchanged`` with a cheap
value comparison instead of its deep-copying diff. It does the same work: the same file, the same checks of
the code columns (set look-ups), the same natural key, rows the file no longer holds deleted, all inside one
transaction that any error rolls back; its counts of new, updated, skipped and deleted rows are its diff.

Each tool runs in ``--repeats`` fresh processes (fixed seeds, the same files). In each process the edition is
emptied (outside the clock), then *new* and *replace* are timed; that whole sequence runs twice: the first
pass is *cold* (fresh process, caches empty), the second *warm*. Medians over the processes are reported.

    python3 run.py bench load [--rows 100000] [--repeats 3] [--databases sqlite,postgresql]

PostgreSQL is ``--postgres`` (a database the benchmark drops and creates); SQLite is a throw-away file. The
last line printed is JSON: ratios first (migdev rows/s over import-export rows/s), then the figures and the
machine's load average before and after.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_POSTGRES = "postgres://postgres@127.0.0.1:5432/migdev_load_bench"
EDITION = "bench-load"
SERIES = ("migrant-stock", "net-migration")
SEXES = ("_T", "F", "M")
AGES = ("_T", "0-14", "15-24", "25-64", "65+")
# The replacement file, as shares of the stored rows.
CHANGED_SHARE = 0.10
REMOVED_SHARE = 0.05
ADDED_SHARE = 0.05
TOOLS = ("migdev", "import_export")
PATHS = ("new", "replace")


# --- the files --------------------------------------------------------------------------------------


def _keys(count: int, areas: list[str], first_year: int = 1800) -> list[tuple[str, str, str, str, str]]:
    keys: list[tuple[str, str, str, str, str]] = []
    year = first_year
    while len(keys) < count:
        for series in SERIES:
            for area in areas:
                for sex in SEXES:
                    for age in AGES:
                        keys.append((series, area, str(year), sex, age))
        year += 1
    return keys[:count]


def write_files(folder: Path, rows: int, areas: list[str]) -> dict[str, object]:
    """The first file (``rows`` values) and its replacement; returns the diff the replacement makes."""
    generator = random.Random(20261206)
    keys = _keys(rows, areas)
    values = {key: float(generator.randint(0, 10**7)) for key in keys}
    first = folder / "edition.csv"
    _write(first, [(key, values[key]) for key in keys])
    order = list(keys)
    generator.shuffle(order)
    removed = set(order[: int(rows * REMOVED_SHARE)])
    changed = order[len(removed) : len(removed) + int(rows * CHANGED_SHARE)]
    replacement = dict(values)
    for key in removed:
        del replacement[key]
    for key in changed:
        replacement[key] = values[key] + 1 + generator.randint(0, 1000)
    next_year = int(keys[-1][2]) + 1  # the added keys are in years no stored key has
    added = _keys(int(rows * ADDED_SHARE), areas, first_year=next_year)
    for key in added:
        replacement[key] = float(generator.randint(0, 10**7))
    second = folder / "replacement.csv"
    _write(second, list(replacement.items()))
    return {
        "first": str(first),
        "second": str(second),
        "rows": rows,
        "second_rows": len(replacement),
        "added": len(added),
        "changed": len(changed),
        "removed": len(removed),
    }


def _write(path: Path, rows: list[tuple[tuple[str, str, str, str, str], float]]) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["series", "edition", "area", "period", "value", "sex", "age", "footnote"])
        for (series, area, period, sex, age), value in rows:
            writer.writerow([series, EDITION, area, period, repr(value), sex, age, ""])


# --- inside one measuring process -------------------------------------------------------------------


def _setup_django(database: str, data_dir: str) -> None:
    os.environ["DATABASE_URL"] = database
    os.environ["MIGDEV_DATA_DIR"] = data_dir
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "migdev.settings")
    sys.path.insert(0, str(ROOT / "src"))
    import django

    django.setup()


def _empty_edition() -> None:
    from django.db import connection

    from migdev.indicators.models import Edition, Observation, SeriesCoverage, Source

    Edition.objects.get_or_create(
        code=EDITION,
        defaults={
            "source": Source.objects.get(code="undesa-ims"),
            "title": "Benchmark edition",
            "published": "2000-01-01",
            "kind": "derived",
        },
    )
    Observation.objects.filter(edition__code=EDITION).delete()
    SeriesCoverage.objects.filter(edition__code=EDITION).delete()
    with connection.cursor() as cursor:  # each run starts on a table without dead rows from earlier runs
        if connection.vendor == "postgresql":
            cursor.execute(f"VACUUM ANALYZE {Observation._meta.db_table}")
        else:
            cursor.execute("ANALYZE")


def _stored() -> dict[tuple[str, str, str, str, str], float]:
    from migdev.indicators.models import Observation

    return {
        (series, area, period, sex, age): value
        for series, area, period, sex, age, value in Observation.objects.filter(
            edition__code=EDITION
        ).values_list("series__code", "area", "period", "sex", "age", "value")
    }


def _migdev(path: str, replace: bool) -> dict[str, int]:
    from migdev.dataio.registry import LoadOptions
    from migdev.dataio.services import import_file

    result = import_file(format_name="indicators-edition", path=path, options=LoadOptions(replace=replace))
    changes = result.changes
    if changes is None:
        return {"added": result.created, "changed": 0, "removed": 0}
    return {"added": changes.added, "changed": changes.changed, "removed": changes.removed}


def _import_export(path: str) -> dict[str, int]:
    import tablib
    from django.db import transaction
    from import_export import fields, instance_loaders, resources, widgets

    from migdev.indicators.areas import country_codes, is_aggregate_code
    from migdev.indicators.models import Edition, Observation, Series

    class CachedForeignKeyWidget(widgets.ForeignKeyWidget):
        """The stock widget queries once per row."""

        def __init__(self, model: type, field: str) -> None:
            super().__init__(model, field)
            self.cache: dict[object, object] = {}

        def clean(self, value: object, row: object = None, **kwargs: object) -> object:
            if value not in self.cache:
                self.cache[value] = super().clean(value, row, **kwargs)
            return self.cache[value]

    valid_areas = country_codes()
    valid_sexes = {choice.value for choice in Observation.Sex}
    valid_ages = set(AGES)
    compared = ("value", "status", "footnote", "unit_mult", "is_aggregate")

    class EditionLoader(instance_loaders.BaseInstanceLoader):
        """The edition's stored rows in one query, keyed by the natural key, with what they held."""

        def __init__(self, resource: resources.ModelResource, dataset: object = None) -> None:
            super().__init__(resource, dataset)
            self.stored: dict[tuple[str, ...], Observation] = {}
            self.originals: dict[int, tuple[object, ...]] = {}
            for observation in Observation.objects.filter(edition__code=EDITION).select_related("series"):
                self.stored[
                    (
                        observation.series.code,
                        observation.area,
                        observation.counterpart,
                        observation.period,
                        observation.sex,
                        observation.age,
                        observation.migratory_status,
                    )
                ] = observation
                self.originals[observation.pk] = tuple(getattr(observation, name) for name in compared)
            self.seen: set[int] = set()

        def get_instance(self, row: dict) -> Observation | None:
            found = self.stored.get(
                (row["series"], row["area"], "_T", row["period"], row["sex"], row["age"], "_T")
            )
            if found is not None:
                self.seen.add(found.pk)
            return found

    class ObservationResource(resources.ModelResource):
        series = fields.Field(
            attribute="series", column_name="series", widget=CachedForeignKeyWidget(Series, "code")
        )
        edition = fields.Field(
            attribute="edition", column_name="edition", widget=CachedForeignKeyWidget(Edition, "code")
        )

        class Meta:
            model = Observation
            fields = ("series", "edition", "area", "period", "year", "value", "sex", "age", "footnote")
            import_id_fields = ("series", "edition", "area", "period", "sex", "age")
            instance_loader_class = EditionLoader
            use_bulk = True
            batch_size = 5000
            skip_diff = True
            skip_unchanged = True
            report_skipped = False

        def before_import_row(self, row: dict, **kwargs: object) -> None:  # type: ignore[override]
            area, period = row["area"], row["period"]
            if area not in valid_areas and not is_aggregate_code(area):
                raise ValueError(f"unknown area {area!r}")
            if not (len(period) == 4 and period.isdigit()):
                raise ValueError(f"{period!r} is not a year")
            if row["sex"] not in valid_sexes or row["age"] not in valid_ages:
                raise ValueError("unknown sex or age group")
            row["year"] = int(period)

        def skip_row(self, instance, original, row, import_validation_errors=None):  # type: ignore[no-untyped-def]
            if instance.pk is None or import_validation_errors:
                return False
            loader_originals = self._loader.originals
            return loader_originals[instance.pk] == tuple(getattr(instance, name) for name in compared)

        def get_instance(self, instance_loader, row):  # type: ignore[no-untyped-def]
            self._loader = instance_loader
            return instance_loader.get_instance(row)

    with open(path, encoding="utf-8") as handle:
        dataset = tablib.Dataset().load(handle.read(), format="csv")
    dataset.append_col([0] * len(dataset), header="year")
    resource = ObservationResource()
    with transaction.atomic():
        result = resource.import_data(dataset, dry_run=False, use_transactions=True, raise_errors=True)
        loader = resource._loader
        gone = [pk for pk in loader.originals if pk not in loader.seen]
        for start in range(0, len(gone), 5000):
            Observation.objects.filter(pk__in=gone[start : start + 5000]).delete()
    totals = result.totals
    return {"added": int(totals.get("new", 0)), "changed": int(totals.get("update", 0)), "removed": len(gone)}


def child(args: argparse.Namespace) -> None:
    _setup_django(args.database, args.data_dir)
    import import_export.resources  # noqa: F401 - both tools' modules are imported before any clock starts

    import migdev.dataio.services  # noqa: F401

    plan = json.loads(Path(args.plan).read_text())
    figures: dict[str, float] = {}
    if args.child == "migdev":
        from django.db import connection

        if connection.vendor == "postgresql":
            from migdev.indicators.services import _may_skip_row_triggers

            with connection.cursor() as cursor:
                # Which path a first load takes for this role (docs/operations.md): 1 = the foreign keys
                # checked once per distinct value, 0 = by the per-row triggers.
                figures["first_load_foreign_keys_once_per_value"] = float(_may_skip_row_triggers(cursor))
    expected = {
        "new": {"added": plan["rows"], "changed": 0, "removed": 0},
        "replace": {"added": plan["added"], "changed": plan["changed"], "removed": plan["removed"]},
    }
    files = {"new": plan["first"], "replace": plan["second"]}
    rows = {"new": plan["rows"], "replace": plan["second_rows"]}
    for warmth in ("cold", "warm"):
        _empty_edition()
        for path in PATHS:
            started = time.perf_counter()
            if args.child == "migdev":
                diff = _migdev(files[path], replace=path == "replace")
            else:
                diff = _import_export(files[path])
            seconds = time.perf_counter() - started
            if diff != expected[path]:
                raise SystemExit(f"{args.child} {path}: reported {diff}, expected {expected[path]}")
            stored = _stored()
            if len(stored) != rows[path]:
                raise SystemExit(f"{args.child} {path}: {len(stored)} rows stored, expected {rows[path]}")
            figures[f"{path}_{warmth}_seconds"] = seconds
            figures[f"{path}_{warmth}_rows_per_second"] = rows[path] / seconds
    print(json.dumps(figures))


# --- the driver -------------------------------------------------------------------------------------


def _prepare_database(kind: str, args: argparse.Namespace, folder: Path) -> str:
    if kind == "sqlite":
        url = f"sqlite:///{folder / 'load-bench.sqlite3'}"
    else:
        import psycopg

        url = args.postgres
        name = url.rsplit("/", 1)[1]
        with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}"')
            connection.execute(f'CREATE DATABASE "{name}"')
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src"), "DATABASE_URL": url}
    env["MIGDEV_DATA_DIR"] = str(folder / "data")
    subprocess.run([sys.executable, "-m", "migdev", "migrate", "-v0"], check=True, env=env)
    return url


def _country_codes(folder: Path) -> list[str]:
    output = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django, os; django.setup(); from migdev.indicators.areas import country_codes; "
            "print(' '.join(sorted(country_codes())))",
        ],
        check=True,
        capture_output=True,
        text=True,
        env={
            **os.environ,
            "PYTHONPATH": str(ROOT / "src"),
            "DJANGO_SETTINGS_MODULE": "migdev.settings",
            "MIGDEV_DATA_DIR": str(folder / "data"),
            "DATABASE_URL": f"sqlite:///{folder / 'codes.sqlite3'}",
        },
    )
    return output.stdout.split()


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--rows", type=int, default=100_000, help="values in the first file (default 100,000)"
    )
    parser.add_argument("--repeats", type=int, default=3, help="fresh processes per tool (default 3)")
    parser.add_argument("--databases", default="sqlite,postgresql", help="sqlite, postgresql or both")
    parser.add_argument("--postgres", default=os.environ.get("BENCH_POSTGRES_URL", DEFAULT_POSTGRES))
    parser.add_argument("--child", choices=TOOLS, help=argparse.SUPPRESS)
    parser.add_argument("--database", help=argparse.SUPPRESS)
    parser.add_argument("--data-dir", help=argparse.SUPPRESS)
    parser.add_argument("--plan", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args)
        return
    load_before = os.getloadavg()
    report: dict[str, object] = {}
    ratios: dict[str, float] = {}
    with tempfile.TemporaryDirectory(prefix="migdev-load-bench-") as name:
        folder = Path(name)
        plan = write_files(folder, args.rows, _country_codes(folder))
        plan_path = folder / "plan.json"
        plan_path.write_text(json.dumps(plan))
        for kind in args.databases.split(","):
            url = _prepare_database(kind, args, folder)
            runs: dict[str, list[dict[str, float]]] = {tool: [] for tool in TOOLS}
            for _ in range(args.repeats):
                for tool in TOOLS:  # interleaved, so both see the same machine
                    output = subprocess.run(
                        [
                            sys.executable,
                            __file__,
                            "--child",
                            tool,
                            "--database",
                            url,
                            "--data-dir",
                            str(folder / "data"),
                            "--plan",
                            str(plan_path),
                        ],
                        check=True,
                        capture_output=True,
                        text=True,
                        env={**os.environ, "PYTHONPATH": str(ROOT / "src")},
                    )
                    runs[tool].append(json.loads(output.stdout.strip().splitlines()[-1]))
                    print(f"  {kind} {tool}: {runs[tool][-1]}", flush=True)
            medians = {
                tool: {key: statistics.median(run[key] for run in items) for key in items[0]}
                for tool, items in runs.items()
            }
            for path in PATHS:
                for warmth in ("cold", "warm"):
                    key = f"{path}_{warmth}_rows_per_second"
                    ratios[f"{kind}_{path}_{warmth}_migdev_over_import_export"] = (
                        medians["migdev"][key] / medians["import_export"][key]
                    )
            report[kind] = {"medians": medians, "runs": runs}
            if "first_load_foreign_keys_once_per_value" in medians["migdev"]:
                report[kind]["first_load_foreign_keys"] = (
                    "once per distinct value (this role may skip the row triggers; docs/operations.md)"
                    if medians["migdev"]["first_load_foreign_keys_once_per_value"]
                    else "per row, by the foreign keys' triggers"
                )
    load_after = os.getloadavg()
    print(
        json.dumps(
            {
                "ratios": {key: round(value, 2) for key, value in ratios.items()},
                "target": "each ratio >= 10",
                **report,
                "files": {key: value for key, value in plan.items() if key not in ("first", "second")},
                "repeats": args.repeats,
                "load_average_before": [round(value, 2) for value in load_before],
                "load_average_after": [round(value, 2) for value in load_after],
                "cpus": os.cpu_count(),
            }
        )
    )


if __name__ == "__main__":
    main()
