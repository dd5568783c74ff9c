"""Counter-trafficking data hub, side by side with named peers, on a generated CTDC-like data set.

1. k = 11 release: migdev's k-anonymiser against ANJANA (PyPI ``anjana``, IFCA) with the same
   quasi-identifiers, hierarchies, k and suppression limit: time, records suppressed and information
   loss (discernibility DM*, normalised average class size C_avg, generalisation height and the share of
   recorded cells suppressed or generalised in each column), and which side of the time / loss
   trade-off each migdev setting takes. migdev also runs at the generalisation ANJANA chose, which must
   release exactly the same records (and so measures ANJANA's loss).
1b. Disclosure audit of a table release of 21,195 records (the CTDC VP file's size) against an earlier
   microdata release and an earlier table release of most of the same records: its time beside the time
   of building the tables.
2. Dashboard aggregates: the counts of every published table (CTDC's denominator rule for multi-valued
   groups) on SQLite and on PostgreSQL, read from the summary migdev keeps on every write, against DuckDB
   counting the same from its in-memory table; every count is compared, cold and warm; suppression is
   outside both timings (reported on its own).
3. DP synthetic data: migdev (pac-synth's noisy aggregates, records sampled from them by migdev) against
   pac-synth's defaults (the same aggregates' method, pac-synth's sampler) at the same epsilon, on ``--dp-seeds`` data sets drawn with fixed seeds: mean and spread of
   the mean proportional error, time, fabricated combinations; the epsilon accounting is printed.
4. Finding a person among 200,000 encrypted cases (blind-index tokens, then decrypting and scoring the
   best candidates in scope): p95 of a search with a typo, an accent or a name-order variant, cold and
   warm, against the brute force a system without a blind index needs (decrypt every case in scope and
   rank with rapidfuzz). Target: p95 <= 100 ms.
5. Duplicate detection on a generated set with realistic variants (accents, name order, typos, phonetic
   spellings, one of two citizenships, day and month swapped): precision and recall of migdev's
   record linkage against the exact rule used before (same normalised name, birth date and citizenship).

Peers that pin old libraries (ANJANA pins numpy 2.0 and pandas 2.3) run in their own virtualenv, which
``python3 run.py bench ctdc`` creates (var/bench-peers: anjana, duckdb).

    .venv/bin/python bench/ctdc.py [--records 200000] [--postgres postgres://postgres@127.0.0.1/x]
    .venv/bin/python bench/ctdc.py --skip kanon --skip aggregates --skip dp   # only 4 and 5

The last line is JSON, ratios first (migdev / peer: below 1 means migdev is faster or suppresses less),
then the load average before and after.
"""

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
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

QUASI_IDENTIFIERS = ["gender", "age_broad", "citizenship", "country_of_exploitation", "year_of_registration"]
DP_COLUMNS = [
    "gender",
    "age_broad",
    "citizenship_region",
    "exploitation_region",
    "registration_period",
    "is_forced_labour",
    "is_sexual_exploit",
    "means_threats",
    "means_debt_bondage_earnings",
    "means_abuse_psy_phy_sex",
    "recruiter_friend",
    "recruiter_family",
]


def setup_django(database_url: str | None = None, data_dir: str | None = None) -> None:
    if database_url:
        os.environ["DATABASE_URL"] = database_url
    if data_dir:
        os.environ["MIGDEV_DATA_DIR"] = data_dir
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "migdev.settings")
    import django

    django.setup()


# --- data ----------------------------------------------------------------------------------------------


def generate(n: int, seed: int) -> list[dict[str, Any]]:
    """CTDC-like harmonised records: skewed nationalities and destinations, recent years weighted up,
    multi-valued groups recorded for some persons only (as in CTDC's Global Dataset)."""
    from migdev.trafficking import ctdc
    from migdev.trafficking.countries import country_index

    rng = random.Random(seed)
    index = country_index()
    codes = sorted(code for code in index.by_code if len(code) == 3)
    rng.shuffle(codes)
    origin = codes[:170]
    origin_weights = [1 / (rank + 1) ** 1.1 for rank in range(len(origin))]
    destination = codes[40:160]
    destination_weights = [1 / (rank + 1) ** 1.3 for rank in range(len(destination))]
    years = list(range(2002, 2023))
    year_weights = [1 + (year - 2002) ** 1.5 for year in years]
    bands = list(ctdc.AGE_BANDS)
    band_weights = [3, 12, 14, 13, 11, 9, 16, 9, 5]
    control_fields = ctdc.MEANS_OF_CONTROL.fields
    control_p = [
        0.2,
        0.15,
        0.05,
        0.25,
        0.3,
        0.25,
        0.12,
        0.2,
        0.06,
        0.12,
        0.04,
        0.1,
        0.03,
        0.05,
        0.08,
        0.1,
        0.05,
        0.02,
    ]
    labour_fields = ctdc.TYPE_OF_LABOUR.fields
    records = []
    for _ in range(n):
        record = ctdc.empty_record()
        record["year_of_registration"] = rng.choices(years, year_weights)[0] if rng.random() > 0.02 else None
        record["data_source"] = "Case management" if rng.random() < 0.7 else "Hotline"
        roll = rng.random()
        record["gender"] = (
            "Female"
            if roll < 0.55
            else "Male"
            if roll < 0.95
            else ("TransgenderNonConforming" if roll < 0.955 else None)
        )
        record["age_broad"] = rng.choices(bands, band_weights)[0] if rng.random() > 0.25 else None
        citizenship = rng.choices(origin, origin_weights)[0] if rng.random() > 0.12 else None
        exploitation = rng.choices(destination, destination_weights)[0] if rng.random() > 0.08 else None
        record["citizenship"] = citizenship
        record["country_of_exploitation"] = exploitation
        record["citizenship_region"] = index.by_code[citizenship].region if citizenship else None
        record["exploitation_region"] = index.by_code[exploitation].region if exploitation else None
        labour, sexual = rng.random() < 0.45, rng.random() < 0.42
        if labour or sexual or rng.random() < 0.5:
            record["is_forced_labour"], record["is_sexual_exploit"] = labour, sexual
            record["is_sex_and_labour"] = labour and sexual
            record["is_other_exploit"] = not (labour or sexual)
            record["is_forced_marriage"] = rng.random() < 0.01
        if rng.random() < 0.6:
            for field, p in zip(control_fields, control_p, strict=True):
                record[field] = rng.random() < p
        if labour and rng.random() < 0.7:
            chosen = rng.choice(labour_fields)
            for field in labour_fields:
                record[field] = field == chosen
        if sexual and rng.random() < 0.7:
            record["sex_prostitution"] = rng.random() < 0.85
            record["sex_pornography"] = rng.random() < 0.05
        if rng.random() < 0.5:
            relation = rng.choice(ctdc.RECRUITER_RELATION.fields)
            for field in ctdc.RECRUITER_RELATION.fields:
                record[field] = field == relation
        records.append(ctdc.complete(record))
    return records


def write_csv(records: list[dict[str, Any]], path: Path) -> None:
    from migdev.trafficking import ctdc

    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(ctdc.FIELDS)
        for record in records:
            writer.writerow(
                [
                    "" if record[f] is None else int(record[f]) if isinstance(record[f], bool) else record[f]
                    for f in ctdc.FIELDS
                ]
            )


def read_csv(path: Path) -> list[dict[str, Any]]:
    from migdev.trafficking import ctdc

    flags = {flag.field for flag in (*ctdc.ALL_FLAGS, *ctdc.OTHER_FLAGS)}
    records = []
    with path.open(newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            record: dict[str, Any] = {}
            for field, value in row.items():
                if value == "":
                    record[field] = None
                elif field in flags:
                    record[field] = value == "1"
                elif field == "year_of_registration":
                    record[field] = int(value)
                else:
                    record[field] = value
            records.append(ctdc.complete(record))
    return records


def median_time(function: Any, repeat: int) -> tuple[float, Any]:
    times = []
    result = None
    for _ in range(repeat):
        started = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - started)
    return statistics.median(times), result


# --- 1. k-anonymity ------------------------------------------------------------------------------------------


def hierarchy_tables(records: list[dict[str, Any]]) -> dict[str, dict[str, list[str]]]:
    """migdev's CTDC hierarchies written out as ANJANA's level tables (one row per distinct value)."""
    from migdev.trafficking.countries import country_index
    from migdev.trafficking.kanon import ctdc_hierarchies

    hierarchies = ctdc_hierarchies(country_index().region_of())
    tables: dict[str, dict[str, list[str]]] = {}
    for qi in QUASI_IDENTIFIERS:
        hierarchy = hierarchies[qi]
        values = sorted({record[qi] for record in records if record[qi] is not None}, key=str)
        table = {str(level): [] for level in range(len(hierarchy.levels))}
        for value in [*values, None]:
            for level, generalise in enumerate(hierarchy.levels):
                out = "" if value is None else generalise(value)
                table[str(level)].append("" if out is None else str(out))
        tables[qi] = table
    return tables


ANJANA_WORKER = r"""
import hashlib, json, sys, time
import numpy as np, pandas as pd
from anjana.anonymity import k_anonymity_inner
arguments = json.loads(sys.argv[1])
data = pd.read_csv(arguments["csv"], dtype=str, keep_default_na=False, usecols=arguments["qis"])
hierarchies = {qi: {int(level): values for level, values in table.items()} for qi, table in arguments["tables"].items()}
started, cpu_started = time.perf_counter(), time.process_time()
released, suppressed, levels = k_anonymity_inner(data, [], list(arguments["qis"]), arguments["k"], arguments["supp"], hierarchies)
seconds, cpu_seconds = time.perf_counter() - started, time.process_time() - cpu_started
# ANJANA keeps each released row's position in the input as the column "index" (reset_index): the
# records it released, as a digest the benchmark compares with migdev's.
kept = sorted(int(position) for position in released["index"]) if "index" in released.columns else None
digest = hashlib.sha256(",".join(map(str, kept)).encode()).hexdigest() if kept is not None else None
print(json.dumps({"seconds": seconds, "cpu_seconds": cpu_seconds, "suppressed": int(suppressed),
                  "released": int(len(released)), "released_records_sha256": digest,
                  "levels": {qi: int(level) for qi, level in levels.items()}}))
"""


def released_digest(released: Any) -> str:
    """The same digest of which input records a migdev release holds (positions, sorted)."""
    import hashlib

    return hashlib.sha256(",".join(map(str, sorted(released.kept.tolist()))).encode()).hexdigest()


def median_cpu_time(function: Any, repeat: int) -> tuple[float, float, Any]:
    """Median wall and median CPU (process) seconds: on a busy machine the CPU time is the steadier."""
    walls, cpus = [], []
    result = None
    for _ in range(repeat):
        started, cpu_started = time.perf_counter(), time.process_time()
        result = function()
        walls.append(time.perf_counter() - started)
        cpus.append(time.process_time() - cpu_started)
    return statistics.median(walls), statistics.median(cpus), result


def column_loss(
    records: list[dict[str, Any]], released: list[Any], hierarchies: dict[str, Any], levels: dict[str, str]
) -> dict[str, dict[str, Any]]:
    """Per quasi-identifier: the hierarchy level and height used, and the share of recorded cells of the
    input that are published suppressed (the record left out, or the value hidden) or generalised
    (a coarser value). Cells not recorded in the input lose nothing and are not counted."""
    from migdev.trafficking.kanon import SUPPRESSED

    result = {}
    for qi in QUASI_IDENTIFIERS:
        recorded = sum(1 for record in records if record[qi] is not None)
        kept = hidden = generalised = 0
        for row in released:
            original = row.original[qi] if hasattr(row, "original") else row[qi]
            if original is None:
                continue
            kept += 1
            if row[qi] in (SUPPRESSED, None):
                hidden += 1
            elif row[qi] != original:
                generalised += 1
        hierarchy = hierarchies[qi]
        result[qi] = {
            "level": levels.get(qi, hierarchy.level_names[0]),
            "height": f"{hierarchy.level_names.index(levels.get(qi, hierarchy.level_names[0]))}/{hierarchy.height}",
            "cells_suppressed_share": round((recorded - kept + hidden) / max(recorded, 1), 4),
            "cells_generalised_share": round(generalised / max(recorded, 1), 4),
        }
    return result


def trade_off(ours: dict[str, Any], theirs: dict[str, Any]) -> str:
    """Which side of the time / information-loss trade-off a migdev setting takes against ANJANA."""
    faster = ours["seconds"] < theirs["seconds"]
    ours_loss = ours["information_loss"]["discernibility"]
    their_loss = theirs["information_loss"]["discernibility"]
    loss = "less" if ours_loss < their_loss else "the same" if ours_loss == their_loss else "more"
    return f"{'faster' if faster else 'slower'} than ANJANA with {loss} information loss (DM*)"


def bench_kanon(
    records: list[dict[str, Any]], csv_path: Path, peer_python: str, k: int, supp: float
) -> dict[str, Any]:
    from migdev.trafficking.countries import country_index
    from migdev.trafficking.kanon import ctdc_hierarchies, k_anonymise

    hierarchies = ctdc_hierarchies(country_index().region_of())
    result: dict[str, Any] = {"k": k, "max_suppression_percent": supp, "quasi_identifiers": QUASI_IDENTIFIERS}
    ctdc_time, (ctdc_released, ctdc_report) = median_time(
        lambda: k_anonymise(records, quasi_identifiers=QUASI_IDENTIFIERS, k=k, hierarchies=hierarchies), 3
    )
    result["migdev_ctdc_style"] = {
        "seconds": round(ctdc_time, 3),
        "suppressed": ctdc_report.suppressed,
        "information_loss": ctdc_report.information_loss,
        "by_column": column_loss(records, ctdc_released, hierarchies, ctdc_report.levels),
    }
    search_time, (search_released, search_report) = median_time(
        lambda: k_anonymise(
            records,
            quasi_identifiers=QUASI_IDENTIFIERS,
            k=k,
            hierarchies=hierarchies,
            search=True,
            max_suppression=supp / 100,
        ),
        3,
    )
    result["migdev_search"] = {
        "seconds": round(search_time, 3),
        "suppressed": search_report.suppressed,
        "levels": search_report.levels,
        "nodes_evaluated": search_report.nodes_evaluated,
        "information_loss": search_report.information_loss,
        "by_column": column_loss(records, search_released, hierarchies, search_report.levels),
    }
    tables = hierarchy_tables(records)
    arguments = json.dumps(
        {"csv": str(csv_path), "qis": QUASI_IDENTIFIERS, "tables": tables, "k": k, "supp": supp}
    )
    completed = subprocess.run(
        [peer_python, "-c", ANJANA_WORKER, arguments],
        capture_output=True,
        text=True,
        check=False,
        timeout=7200,
    )
    if completed.returncode != 0:
        result["anjana"] = {"error": completed.stderr.strip().splitlines()[-1:]}
        return result
    anjana = json.loads(completed.stdout.strip().splitlines()[-1])
    result["anjana"] = anjana
    level_names = {qi: hierarchies[qi].level_names[level] for qi, level in anjana["levels"].items()}

    def at_anjana_levels(given: list[dict[str, Any]]) -> tuple[float, float, Any]:
        return median_cpu_time(
            lambda: k_anonymise(
                given,
                quasi_identifiers=QUASI_IDENTIFIERS,
                k=k,
                hierarchies=hierarchies,
                levels=anjana["levels"],
            ),
            5,
        )

    # The same input on both sides: ANJANA is handed the five quasi-identifier columns (read_csv's usecols,
    # outside its timing), migdev the same five fields of each record. The release service hands migdev
    # whole records (86 fields, about 3 KB each), and reading five fields out of 200,000 of those is
    # cache misses that ANJANA's input does not have; that figure is reported beside it.
    quasi_identifier_records = [{qi: record[qi] for qi in QUASI_IDENTIFIERS} for record in records]
    same_time, same_cpu, (same_released, same_report) = at_anjana_levels(quasi_identifier_records)
    whole_time, whole_cpu, (whole_released, _whole_report) = at_anjana_levels(records)
    result["migdev_at_anjana_levels"] = {
        "seconds": round(same_time, 4),
        "cpu_seconds": round(same_cpu, 4),
        "given": "the five quasi-identifiers of each record, as ANJANA is",
        "seconds_given_whole_records": round(whole_time, 4),
        "cpu_seconds_given_whole_records": round(whole_cpu, 4),
        "released_records_sha256": released_digest(same_released),
        "same_records_as_anjana": released_digest(same_released) == anjana.get("released_records_sha256"),
        "same_records_given_whole_records": released_digest(whole_released) == released_digest(same_released),
        "suppressed": same_report.suppressed,
        "levels": level_names,
        # ANJANA's release is the same records at the same levels: its loss, measured the same way.
        "information_loss": same_report.information_loss,
        "by_column": column_loss(records, same_released, hierarchies, same_report.levels),
    }
    anjana_side = {"seconds": anjana["seconds"], "information_loss": same_report.information_loss}
    result["trade_off"] = {
        "migdev_ctdc_style": trade_off(result["migdev_ctdc_style"], anjana_side),
        "migdev_search": trade_off(result["migdev_search"], anjana_side),
    }
    return result


# --- 1b. disclosure audit -----------------------------------------------------------------------------------


def tables_in_memory(records: list[dict[str, Any]], threshold: int) -> dict[str, Any]:
    """The tables ``releases.build_aggregates`` publishes, counted in memory (no public source)."""
    from collections import Counter

    from migdev.trafficking import aggregates, ctdc
    from migdev.trafficking.releases import GROUP_DIMENSIONS, ONE_WAY_DIMENSIONS

    tables = []
    for dimension in ONE_WAY_DIMENSIONS:
        counts = Counter(record.get(dimension) for record in records)
        if set(counts) <= {None}:
            continue
        tables.append(aggregates.suppress_one_way(counts, dimension=dimension, threshold=threshold).as_dict())
    for name in GROUP_DIMENSIONS:
        fields = ctdc.FLAG_GROUP_BY_NAME[name].fields
        counts = {f: sum(1 for r in records if r.get(f) is True) for f in fields}
        denominator = sum(1 for r in records if any(r.get(f) is True for f in fields))
        if denominator:
            tables.append(
                aggregates.suppress_group(
                    counts, dimension=name, denominator=denominator, persons=len(records), threshold=threshold
                ).as_dict()
            )
    return {"threshold": threshold, "persons": len(records), "tables": tables}


def bench_audit(records: list[dict[str, Any]], k: int, repeat: int = 3) -> dict[str, Any]:
    """The disclosure audit of a table release over every record (all treated as non-public, like live
    cases) against an earlier k-anonymised microdata release and an earlier table release of the first
    95 % and 97.5 % of them. Time of the audit and of building the tables it audits (the baseline:
    what publishing costs without it)."""
    from migdev.trafficking import aggregates, ledger, releases
    from migdev.trafficking.countries import country_index

    countries = country_index()
    for number, record in enumerate(records):
        record["pk"], record["source_id"] = number, 0
    keys = {number: ledger.record_keys(record) for number, record in enumerate(records)}
    first, second = int(len(records) * 0.95), int(len(records) * 0.975)
    built = releases.build_k_anonymised(
        records[:first],
        data_format="ctdc-global",
        countries=countries,
        k=k,
        quasi_identifiers=QUASI_IDENTIFIERS,
    )
    written: dict[str, dict[str, str]] = {}
    released = {}
    columns = {d: c for d in ledger.AUDIT_DIMENSIONS if (c := releases.column_of("ctdc-global", d))}
    for record, row in built.released or []:
        for dimension, column in columns.items():
            written.setdefault(dimension, {})[ledger.key_of(record.get(dimension))] = row[column]
        released[record["pk"]] = row
    microdata = ledger.microdata_basis(released, keys, written, k)
    earlier_tables = ledger.aggregates_basis(
        tables_in_memory(records[:second], k), {n: keys[n] for n in range(second)}
    )
    considered = [
        {"release": 1, "title": "microdata", "kind": "k_anonymised", "published": "", "audited": True}
    ]
    considered.append(
        {"release": 2, "title": "tables", "kind": "aggregates", "published": "", "audited": True}
    )
    runs: list[tuple[float, float, Any]] = []
    for _ in range(repeat):
        started = time.perf_counter()
        content = tables_in_memory(records, k)
        build_seconds = time.perf_counter() - started
        started = time.perf_counter()
        try:
            outcome: Any = ledger.protect(content, keys, [microdata, earlier_tables], considered)
        except aggregates.Unprotectable as refusal:
            # The audit's other answer: no suppression in the new tables can protect a count the earlier
            # releases already bound (the publication is refused, as it would be in the application).
            outcome = refusal
        runs.append((time.perf_counter() - started, build_seconds, outcome))
    runs.sort(key=lambda run: run[0])
    seconds, build_seconds, outcome = runs[len(runs) // 2]
    found: dict[str, Any] = (
        {"outcome": "refused", "reason": str(outcome)}
        if isinstance(outcome, aggregates.Unprotectable)
        else {
            "outcome": "published",
            "sensitive_counts_checked": outcome.checked,
            "linear_programs": outcome.linear_programs,
            "additionally_suppressed": len(outcome.suppressed),
        }
    )
    return {
        "records": len(records),
        "earlier": {
            "microdata_records": first,
            "microdata_released": len(released),
            "tables_records": second,
        },
        "audit_seconds_median": round(seconds, 3),
        "tables_seconds": round(build_seconds, 3),
        **found,
    }


# --- 2. aggregates ----------------------------------------------------------------------------------------


def _comparable(one_way: dict[str, dict[Any, int]], groups: dict[str, dict[str, int]]) -> dict[str, Any]:
    """Every count, keyed the same way on both sides (values as text, "None" for not recorded)."""
    return {
        "one_way": {
            d: {str(v): n for v, n in sorted(c.items(), key=lambda i: str(i[0]))} for d, c in one_way.items()
        },
        "groups": {g: dict(sorted(c.items())) for g, c in groups.items()},
    }


def aggregates_worker(csv_path: Path, repeat: int) -> dict[str, Any]:
    """Runs inside a subprocess whose DATABASE_URL names the database to measure.

    The records are stored the way a load stores them (services.analytic_records_create: the records and,
    in the same transaction, the summary the published tables are counted from). Timed: counting every
    published table (single-valued fields by value; multi-valued groups by value and CTDC's denominator,
    persons with at least one value), the same work DuckDB does below. Suppression and the tables'
    JSON come after the counts and are timed on their own (DuckDB has no such step).
    """
    from django.core.management import call_command
    from django.db import connection

    from migdev.trafficking import releases, services
    from migdev.trafficking.models import AnalyticCount, AnalyticRecord, AnalyticSource

    call_command("migrate", verbosity=0)
    AnalyticSource.objects.all().delete()
    source = AnalyticSource.objects.create(name="bench", data_format="ctdc-global")
    records = read_csv(csv_path)
    started = time.perf_counter()
    services.analytic_records_create(source, [AnalyticRecord(**r) for r in records])
    load_seconds = time.perf_counter() - started
    with connection.cursor() as cursor:
        # What autovacuum does on a live system; without the visibility map, index-only scans are off.
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
    summary = AnalyticCount.objects.filter(source=source)
    scan = AnalyticRecord.objects.filter(source=source)

    def count_from(rows: Any) -> Any:
        counted = releases.public_counts(rows)
        assert counted is not None
        return counted

    connection.close()  # cold: a new connection, nothing prepared
    started = time.perf_counter()
    counted = count_from(summary)
    cold = time.perf_counter() - started
    warm, counted = median_time(lambda: count_from(summary), repeat)
    scan_seconds, scanned = median_time(lambda: count_from(scan), repeat)
    suppression_seconds, built = median_time(lambda: releases.tables_of(counted, threshold=11), repeat)
    return {
        "vendor": connection.vendor,
        "seconds": round(warm, 5),
        "cold_seconds": round(cold, 5),
        "scan_seconds": round(scan_seconds, 4),
        "suppression_seconds": round(suppression_seconds, 4),
        "load_seconds_with_summary": round(load_seconds, 2),
        "summary_rows": summary.count(),
        "persons": counted.persons,
        "tables": json.loads(built.content)["tables"].__len__(),
        "scan_equals_summary": scanned == counted,
        "counts": _comparable(counted.one_way, counted.groups),
    }


DUCKDB_WORKER = r"""
import json, statistics, sys, time
import duckdb
arguments = json.loads(sys.argv[1])
con = duckdb.connect()
started = time.perf_counter()
con.execute(f"CREATE TABLE r AS SELECT * FROM read_csv_auto('{arguments['csv']}', all_varchar=false)")
load_seconds = time.perf_counter() - started
def run():
    persons = con.execute("SELECT count(*) FROM r").fetchone()[0]
    one_way = {}
    for dim in arguments["dimensions"]:
        one_way[dim] = {("None" if v is None else str(v)): n
                        for v, n in con.execute(f'SELECT "{dim}", count(*) FROM r GROUP BY 1').fetchall()}
    groups = {}
    for group, fields in arguments["groups"].items():
        parts = [f'count(*) FILTER (WHERE "{f}" = 1)' for f in fields]
        parts.append("count(*) FILTER (WHERE " + " OR ".join(f'"{f}" = 1' for f in fields) + ")")
        row = con.execute("SELECT " + ", ".join(parts) + " FROM r").fetchone()
        groups[group] = {**dict(zip(fields, row[:-1])), "__denominator__": row[-1]}
    return persons, one_way, groups
started = time.perf_counter(); result = run(); cold = time.perf_counter() - started
times = []
for _ in range(arguments["repeat"]):
    started = time.perf_counter(); result = run(); times.append(time.perf_counter() - started)
persons, one_way, groups = result
print(json.dumps({"seconds": statistics.median(times), "cold_seconds": cold, "load_seconds": load_seconds,
                  "persons": persons,
                  "counts": {"one_way": {d: dict(sorted(c.items())) for d, c in one_way.items()},
                             "groups": {g: dict(sorted(c.items())) for g, c in groups.items()}}}))
"""


def bench_aggregates(csv_path: Path, peer_python: str, postgres: str, repeat: int) -> dict[str, Any]:
    from migdev.trafficking import ctdc
    from migdev.trafficking.releases import GROUP_DIMENSIONS, ONE_WAY_DIMENSIONS

    result: dict[str, Any] = {
        "work": "persons; persons per value of each single-valued published field; per value of each "
        "multi-valued group and CTDC's denominator (persons with at least one value). migdev adds up its "
        "summary table (kept in step on every write); DuckDB scans its in-memory table. Suppression is "
        "outside both timings (migdev's is reported as suppression_seconds).",
    }
    with tempfile.TemporaryDirectory() as scratch:
        targets = {"sqlite": f"sqlite:///{scratch}/bench.sqlite3", "postgresql": postgres}
        for name, url in targets.items():
            if name == "postgresql":
                _ensure_postgres_database(url)
            env = {**os.environ, "DATABASE_URL": url, "MIGDEV_DATA_DIR": scratch}
            completed = subprocess.run(
                [
                    sys.executable,
                    __file__,
                    "--worker",
                    "aggregates",
                    "--csv",
                    str(csv_path),
                    "--repeat",
                    str(repeat),
                ],
                capture_output=True,
                text=True,
                env=env,
                check=False,
                timeout=7200,
            )
            if completed.returncode != 0:
                result[name] = {"error": completed.stderr.strip().splitlines()[-3:]}
            else:
                result[name] = json.loads(completed.stdout.strip().splitlines()[-1])
    groups = {name: list(ctdc.FLAG_GROUP_BY_NAME[name].fields) for name in GROUP_DIMENSIONS}
    arguments = json.dumps(
        {"csv": str(csv_path), "dimensions": list(ONE_WAY_DIMENSIONS), "groups": groups, "repeat": repeat}
    )
    completed = subprocess.run(
        [peer_python, "-c", DUCKDB_WORKER, arguments],
        capture_output=True,
        text=True,
        check=False,
        timeout=3600,
    )
    if completed.returncode != 0:
        result["duckdb"] = {"error": completed.stderr.strip().splitlines()[-3:]}
    else:
        result["duckdb"] = json.loads(completed.stdout.strip().splitlines()[-1])
    duck = result["duckdb"]
    for name in ("sqlite", "postgresql"):
        ours = result.get(name, {})
        if "counts" in ours and "counts" in duck:
            ours["same_counts_as_duckdb"] = (
                ours["counts"] == duck["counts"] and ours["persons"] == duck["persons"]
            )
            del ours["counts"]
    duck.pop("counts", None)
    return result


def _ensure_postgres_database(url: str, *, fresh: bool = True) -> None:
    """The database, created if missing; with ``fresh``, dropped first, but only one whose name says it
    is the benchmark's is ever dropped."""
    import psycopg

    base, _, name = url.rpartition("/")
    try:
        with psycopg.connect(f"{base}/postgres", autocommit=True) as connection:
            if fresh and name.endswith("_bench"):
                connection.execute(f'DROP DATABASE IF EXISTS "{name}"')
            exists = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
            if not exists:
                connection.execute(f'CREATE DATABASE "{name}"')
    except psycopg.Error:
        pass


# --- 3. DP synthesis --------------------------------------------------------------------------------------


def bench_dp(
    records_per_seed: int, seeds: list[int], epsilon: float, reporting_length: int
) -> dict[str, Any]:
    """Each fixed seed draws its own CTDC-like data set; migdev's configuration and pac-synth's defaults
    synthesise it at the same epsilon and reporting length. pac-synth draws its noise from the operating
    system (it takes no seed), so the spread over seeds covers both the data and the noise."""
    from migdev.trafficking import dpsynth

    runs: dict[str, list[dict[str, Any]]] = {"migdev": [], "pac_synth_defaults": []}
    for seed in seeds:
        table = dpsynth.as_table(generate(records_per_seed, seed), DP_COLUMNS)
        for name, defaults in (("migdev", False), ("pac_synth_defaults", True)):
            synthetic = dpsynth.synthesise(
                table, epsilon=epsilon, reporting_length=reporting_length, defaults=defaults, seed=seed
            )
            report = dpsynth.fidelity_report(synthetic.header, table[1:], synthetic.rows, reporting_length)
            runs[name].append(
                {
                    "seed": seed,
                    "seconds": round(synthetic.seconds, 2),
                    "synthetic_records": len(synthetic.rows),
                    "mean_proportional_error": round(_mean_error(report), 4),
                    "fabricated": sum(row["fabricated"] for row in report["by_length"]),
                    "by_length": report["by_length"],
                    "parameters": synthetic.parameters,
                }
            )

    def summary(items: list[dict[str, Any]]) -> dict[str, Any]:
        errors = [item["mean_proportional_error"] for item in items]
        return {
            "mean_proportional_error_mean": round(statistics.mean(errors), 4),
            "mean_proportional_error_sd": round(statistics.stdev(errors), 4) if len(errors) > 1 else 0.0,
            "mean_proportional_error_min_max": [min(errors), max(errors)],
            "seconds_median": round(statistics.median(item["seconds"] for item in items), 2),
            "fabricated_mean": round(statistics.mean(item["fabricated"] for item in items), 1),
            "runs": items,
        }

    return {
        "records_per_seed": records_per_seed,
        "seeds": seeds,
        "columns": DP_COLUMNS,
        "epsilon": epsilon,
        "reporting_length": reporting_length,
        "epsilon_accounting": dpsynth.EPSILON_ACCOUNTING,
        **{name: summary(items) for name, items in runs.items()},
    }


# --- 4. person search -------------------------------------------------------------------------------------


SEARCH_VARIANTS = ("typo", "accents", "order", "phonetic")


def _search_owner(cases: int, seed: int) -> Any:
    """The bench's case worker and whether its cases are already loaded (a kept database from an earlier
    run with the same size and seed): the username says which generated set it holds."""
    from migdev.accounts.models import Organisation, RoleDefinition, User
    from migdev.trafficking.models import Case

    username = f"search-bench-{seed}-{cases}"
    owner = User.objects.filter(username=username).first()
    if owner is not None and Case.objects.filter(owner=owner).count() == cases:
        return owner, True
    for stale in User.objects.filter(username__startswith="search-bench"):
        Case.objects.filter(owner=stale).delete()
        stale.delete()
    organisation, _created = Organisation.objects.get_or_create(name="search bench")
    owner = User.objects.create(username=username, organisation=organisation)
    owner.roles.set(RoleDefinition.objects.filter(code="case_worker"))
    return owner, False


class _Oracle:
    """What a perfect candidate stage would show: every generated record that could answer a search is
    scored exactly as the search scores a decrypted case, and the first RESULTS are kept (same order, same
    tie-break on the case id). The person missing from these is beyond any ranking of candidates: others
    carry the same name (namesakes) and fill the results."""

    def __init__(self, records: list[Any], ids: list[int]) -> None:
        from migdev.trafficking import linkage
        from migdev.trafficking.tokens import PersonKeys, phonetic

        self.people = []
        self.by_piece: dict[str, set[int]] = {}
        for position, record in enumerate(records):
            keys = PersonKeys.build(
                names=[record.first_name, record.middle_name, record.second_name],
                birth_date=record.birth_date,
                phones=[record.mobile_phone],
                identity_number=record.identity_number,
            )
            self.people.append((ids[position], record.person, linkage.Person(keys=keys)))
            pieces = {f"n:{part}" for part in keys.parts} | {f"p:{phonetic(part)}" for part in keys.parts}
            if record.birth_date:
                pieces.add(f"d:{record.birth_date.isoformat()}")
            for piece in pieces:
                self.by_piece.setdefault(piece, set()).add(position)

    def shown(self, keys: Any) -> tuple[set[int], set[int]]:
        """The people the ideal results show, and those scoring at least as well as the best case of
        each (to tell ties)."""
        from migdev.trafficking import linkage, search
        from migdev.trafficking.tokens import phonetic, transposed

        pieces = {f"n:{part}" for part in keys.parts} | {f"p:{phonetic(part)}" for part in keys.parts}
        if keys.birth_date:
            pieces.add(f"d:{keys.birth_date.isoformat()}")
            swapped = transposed(keys.birth_date)
            if swapped:
                pieces.add(f"d:{swapped.isoformat()}")
        positions = set().union(*(self.by_piece.get(piece, set()) for piece in pieces))
        scored = []
        for position in positions:
            case_id, who, person = self.people[position]
            score = linkage.search_score(keys, person).score
            if score >= linkage.SEARCH_THRESHOLD:
                scored.append((-score, case_id, who))
        scored.sort()
        return {who for _score, _case, who in scored[: search.RESULTS]}, {who for *_rest, who in scored}

    def tied(self, keys: Any, who: int) -> bool:
        """Whether another person's case scores at least as well as this person's best case."""
        from migdev.trafficking import linkage

        best = None
        others = []
        for _case_id, person_number, person in self._near(keys):
            score = linkage.search_score(keys, person).score
            if person_number == who:
                best = score if best is None else max(best, score)
            else:
                others.append(score)
        return best is not None and any(score >= best for score in others)

    def _near(self, keys: Any) -> list[Any]:
        from migdev.trafficking.tokens import phonetic

        pieces = {f"n:{part}" for part in keys.parts} | {f"p:{phonetic(part)}" for part in keys.parts}
        if keys.birth_date:
            pieces.add(f"d:{keys.birth_date.isoformat()}")
        positions = set().union(*(self.by_piece.get(piece, set()) for piece in pieces))
        return [self.people[position] for position in positions]


def search_worker(cases: int, queries: int, seed: int, *, peer: bool = True) -> dict[str, Any]:
    """Runs inside a subprocess with its own database: load ``cases`` generated cases (or reuse those a
    kept database holds), then search."""
    from django.core.management import call_command
    from django.db import connection
    from rapidfuzz import fuzz, process

    from migdev.trafficking import linkage_eval, linkage_run, search
    from migdev.trafficking.models import Case, PersonToken
    from migdev.trafficking.tokens import PersonKeys

    call_command("migrate", verbosity=0)
    owner, reused = _search_owner(cases, seed)
    persons = int(cases / 1.1) + 1
    records = linkage_eval.generate(persons, duplicate_share=0.1, seed=seed)[:cases]
    started = time.perf_counter()
    if reused:
        # References are numbered in the order of ``records``.
        ids = list(Case.objects.filter(owner=owner).order_by("reference").values_list("pk", flat=True))
    else:
        ids = linkage_run.insert_generated(records, owner)
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
    load_seconds = time.perf_counter() - started
    oracle = _Oracle(records, ids)
    rng = random.Random(seed)
    asked = []
    for position in rng.sample(range(len(records)), queries):
        record = records[position]
        variant = rng.choice(SEARCH_VARIANTS)
        varied = linkage_eval._vary(rng, record, variant) or record
        with_date = rng.random() < 0.5
        keys = PersonKeys.build(
            names=[f"{varied.first_name} {varied.second_name}"],
            birth_date=record.birth_date if with_date else None,
        )
        date_given = bool(with_date and record.birth_date)
        asked.append((keys, record.person, variant, date_given))
    same_person: dict[int, set[int]] = {}
    for record, case_id in zip(records, ids, strict=True):
        same_person.setdefault(record.person, set()).add(case_id)
    times = []
    cpu_times: list[float] = []
    outcomes = []
    cold = None
    for keys, who, variant, date_given in asked:
        begun, begun_cpu = time.perf_counter(), time.process_time()
        found = search.person_search(owner, keys)
        elapsed = time.perf_counter() - begun
        cpu_times.append(time.process_time() - begun_cpu)
        if cold is None:
            cold = elapsed
        else:
            times.append(elapsed)
        hit = bool(same_person[who] & {item.case.pk for item in found})
        ideal = who in oracle.shown(keys)[0]
        outcomes.append((variant, date_given, oracle.tied(keys, who), hit, elapsed, ideal))

    def p95(values: list[float]) -> float:
        ordered = sorted(values)
        return ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))] if ordered else 0.0

    def summary(rows: list[tuple[str, bool, bool, bool, float, bool]]) -> dict[str, Any]:
        return {
            "queries": len(rows),
            "found_share": round(sum(row[3] for row in rows) / max(len(rows), 1), 4),
            # The best any candidate stage could do (see _Oracle).
            "ideal_found_share": round(sum(row[5] for row in rows) / max(len(rows), 1), 4),
            "p95_ms": round(1000 * p95([row[4] for row in rows]), 1),
        }

    name_only = [row for row in outcomes if not row[1]]
    by_kind = {
        "by_variant": {v: summary([r for r in outcomes if r[0] == v]) for v in SEARCH_VARIANTS},
        "with_birth_date": summary([r for r in outcomes if r[1]]),
        "name_only": {
            **summary(name_only),
            # Name-only searches where another person's case scores as well as the person's best one:
            # no ranking can tell them apart, and only RESULTS of the tied cases are shown.
            "tied_with_namesakes_share": round(sum(r[2] for r in name_only) / max(len(name_only), 1), 4),
        },
    }
    warm = sorted(times)

    def brute_force(keys: PersonKeys) -> list[Any]:
        names = {
            case.pk: f"{case.first_name} {case.middle_name} {case.second_name}"
            for case in Case.objects.filter(owner=owner).only("first_name", "middle_name", "second_name")
        }
        return process.extract(" ".join(keys.parts), names, scorer=fuzz.token_sort_ratio, limit=50)

    peer_seconds, _ = median_time(lambda: brute_force(asked[0][0]), 3) if peer else (0.0, None)
    return {
        "vendor": connection.vendor,
        "cases": len(records),
        "tokens": PersonToken.objects.count(),
        "reused_database": reused,
        "load_seconds": round(load_seconds, 1),
        "queries": len(asked),
        "candidates": search.CANDIDATES,
        "cold_ms": round(1000 * (cold or 0), 2),
        "warm_median_ms": round(1000 * statistics.median(warm), 2),
        "warm_p95_ms": round(1000 * p95(warm), 2),
        # On a shared machine the wall-clock figures move with the load; the CPU time of this process
        # (all of the work on SQLite, the client's share on PostgreSQL) does not.
        "warm_p95_cpu_ms": round(1000 * p95(cpu_times[1:]), 2),
        "load_average": round(os.getloadavg()[0], 1),
        "found_the_person_share": round(sum(row[3] for row in outcomes) / len(outcomes), 4),
        "ideal_found_share": round(sum(row[5] for row in outcomes) / len(outcomes), 4),
        **by_kind,
        "brute_force_decrypt_and_rapidfuzz_ms": round(1000 * peer_seconds, 1),
    }


def bench_search(
    cases: int, queries: int, seed: int, *, database_url: str | None = None, keep: str | None = None
) -> dict[str, Any]:
    """The search worker in a subprocess. ``keep``: a directory that keeps the database (SQLite) and the
    keys between runs, so a second run with the same size and seed searches without loading again."""
    with tempfile.TemporaryDirectory() as scratch:
        data_dir = Path(keep).resolve() if keep else Path(scratch)
        data_dir.mkdir(parents=True, exist_ok=True)
        url = database_url or f"sqlite:///{data_dir}/search.sqlite3"
        if url.startswith("postgres"):
            _ensure_postgres_database(url, fresh=not keep)
        env = {**os.environ, "DATABASE_URL": url, "MIGDEV_DATA_DIR": str(data_dir)}
        completed = subprocess.run(
            [
                sys.executable,
                __file__,
                "--worker",
                "search",
                "--search-cases",
                str(cases),
                "--search-queries",
                str(queries),
                "--seed",
                str(seed),
            ],
            capture_output=True,
            text=True,
            env=env,
            check=False,
            timeout=7200,
        )
    if completed.returncode != 0:
        return {"error": completed.stderr.strip().splitlines()[-3:]}
    result: dict[str, Any] = json.loads(completed.stdout.strip().splitlines()[-1])
    return result


# --- 5. duplicate detection ----------------------------------------------------------------------------------


def bench_linkage(persons: int, seed: int) -> dict[str, Any]:
    from migdev.trafficking.linkage_run import evaluate

    return evaluate(persons, seed=seed)


def _mean_error(run: dict[str, Any]) -> float:
    """Mean over combination lengths of the mean proportional error (SDS's fidelity measure)."""
    errors = [
        row["mean_proportional_error"]
        for row in run["by_length"]
        if row["mean_proportional_error"] is not None
    ]
    return sum(errors) / len(errors) if errors else float("nan")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--records", type=int, default=200_000)
    parser.add_argument(
        "--dp-records", type=int, default=50_000, help="records synthesised (pac-synth is slow)"
    )
    parser.add_argument("--dp-seeds", type=int, default=5, help="data sets (seed, seed+1, ...) for DP")
    parser.add_argument("--seed", type=int, default=2006)
    parser.add_argument("--k", type=int, default=11)
    parser.add_argument("--max-suppression", type=float, default=5.0, help="percent, as ANJANA takes it")
    parser.add_argument("--epsilon", type=float, default=4.0)
    parser.add_argument("--reporting-length", type=int, default=3)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--peer-python", default=str(ROOT / "var" / "bench-peers" / "bin" / "python"))
    parser.add_argument(
        "--postgres",
        default=os.environ.get(
            "BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/migdev_trafficking_bench"
        ),
    )
    parser.add_argument("--search-cases", type=int, default=200_000, help="cases for the person search")
    parser.add_argument("--search-queries", type=int, default=200)
    parser.add_argument(
        "--search-database",
        help="database URL for the person search (default: SQLite in the data directory)",
    )
    parser.add_argument(
        "--search-keep",
        metavar="DIR",
        help="keep the person-search data (SQLite database, keys) in DIR and reuse it on the next run "
        "with the same --search-cases and --seed: loading 200,000 cases takes minutes",
    )
    parser.add_argument("--audit-records", type=int, default=21_195, help="records (the CTDC VP file's size)")
    parser.add_argument("--linkage-persons", type=int, default=2000, help="people for duplicate detection")
    parser.add_argument(
        "--skip",
        action="append",
        default=[],
        choices=["kanon", "audit", "aggregates", "dp", "search", "linkage"],
    )
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--csv", help=argparse.SUPPRESS)
    arguments = parser.parse_args()

    if arguments.worker == "aggregates":
        setup_django()
        print(json.dumps(aggregates_worker(Path(arguments.csv), arguments.repeat)))
        return
    if arguments.worker == "search":
        setup_django()
        print(json.dumps(search_worker(arguments.search_cases, arguments.search_queries, arguments.seed)))
        return

    load_before = [round(value, 2) for value in os.getloadavg()]
    with tempfile.TemporaryDirectory() as scratch:
        setup_django(database_url=f"sqlite:///{scratch}/reference.sqlite3", data_dir=scratch)
        from django.core.management import call_command

        call_command("migrate", verbosity=0)  # the reference countries the generator draws from
        started = time.perf_counter()
        # Sections 1-3 use the CTDC-like records; 4 and 5 generate their own people.
        wanted = {"kanon", "aggregates"} - set(arguments.skip)
        records = generate(arguments.records, arguments.seed) if wanted else []
        csv_path = Path(scratch) / "records.csv"
        write_csv(records, csv_path)
        details: dict[str, Any] = {
            "records": len(records),
            "generate_seconds": round(time.perf_counter() - started, 2),
            "machine": {"cpus": os.cpu_count(), "python": sys.version.split()[0]},
        }
        ratios: dict[str, Any] = {}
        if "kanon" not in arguments.skip:
            kanon = bench_kanon(
                records, csv_path, arguments.peer_python, arguments.k, arguments.max_suppression
            )
            details["kanon"] = kanon
            if "seconds" in kanon.get("anjana", {}):
                anjana = kanon["anjana"]
                ratios["kanon_time_vs_anjana"] = round(
                    kanon["migdev_search"]["seconds"] / anjana["seconds"], 4
                )
                ratios["kanon_suppressed_vs_anjana"] = round(
                    kanon["migdev_search"]["suppressed"] / max(anjana["suppressed"], 1), 4
                )
                ratios["kanon_time_at_anjana_levels_vs_anjana"] = round(
                    kanon["migdev_at_anjana_levels"]["seconds"] / anjana["seconds"], 4
                )
                ratios["kanon_time_at_anjana_levels_given_whole_records_vs_anjana"] = round(
                    kanon["migdev_at_anjana_levels"]["seconds_given_whole_records"] / anjana["seconds"], 4
                )
                ratios["kanon_discernibility_vs_anjana"] = round(
                    kanon["migdev_search"]["information_loss"]["discernibility"]
                    / max(kanon["migdev_at_anjana_levels"]["information_loss"]["discernibility"], 1),
                    4,
                )
                ratios["kanon_cpu_time_at_anjana_levels_vs_anjana"] = round(
                    kanon["migdev_at_anjana_levels"]["cpu_seconds"] / anjana["cpu_seconds"], 4
                )
                # The same records (their positions in the input), not only as many.
                ratios["kanon_same_release_at_anjana_levels"] = (
                    kanon["migdev_at_anjana_levels"]["suppressed"] == anjana["suppressed"]
                    and kanon["migdev_at_anjana_levels"]["same_records_as_anjana"]
                    and kanon["migdev_at_anjana_levels"]["same_records_given_whole_records"]
                )
        if "audit" not in arguments.skip:
            audited = bench_audit(
                generate(arguments.audit_records, arguments.seed), arguments.k, arguments.repeat
            )
            details["disclosure_audit"] = audited
            ratios["audit_time_vs_building_the_tables"] = round(
                audited["audit_seconds_median"] / max(audited["tables_seconds"], 1e-9), 2
            )
        if "aggregates" not in arguments.skip:
            aggregates = bench_aggregates(
                csv_path, arguments.peer_python, arguments.postgres, arguments.repeat
            )
            details["aggregates"] = aggregates
            duck = aggregates.get("duckdb", {})
            for name in ("sqlite", "postgresql"):
                ours = aggregates.get(name, {})
                if "seconds" in duck and "seconds" in ours:
                    ratios[f"aggregates_{name}_vs_duckdb"] = round(ours["seconds"] / duck["seconds"], 3)
                    ratios[f"aggregates_{name}_cold_vs_duckdb_cold"] = round(
                        ours["cold_seconds"] / duck["cold_seconds"], 3
                    )
                    ratios[f"aggregates_{name}_same_counts"] = ours.get("same_counts_as_duckdb")
        if "dp" not in arguments.skip:
            seeds = [arguments.seed + offset for offset in range(arguments.dp_seeds)]
            dp = bench_dp(arguments.dp_records, seeds, arguments.epsilon, arguments.reporting_length)
            details["dp"] = dp
            ours, theirs = dp["migdev"], dp["pac_synth_defaults"]
            ratios["dp_mean_proportional_error_vs_pac_synth_defaults"] = round(
                ours["mean_proportional_error_mean"] / theirs["mean_proportional_error_mean"], 3
            )
            ratios["dp_error_sd_migdev_and_pac_synth"] = [
                ours["mean_proportional_error_sd"],
                theirs["mean_proportional_error_sd"],
            ]
            ratios["dp_time_vs_pac_synth_defaults"] = round(
                ours["seconds_median"] / theirs["seconds_median"], 3
            )
            ratios["dp_fabricated_vs_pac_synth_defaults"] = round(
                ours["fabricated_mean"] / max(theirs["fabricated_mean"], 1), 3
            )
        if "search" not in arguments.skip:
            found = bench_search(
                arguments.search_cases,
                arguments.search_queries,
                arguments.seed,
                database_url=arguments.search_database,
                keep=arguments.search_keep,
            )
            details["person_search"] = found
            if "warm_p95_ms" in found:
                ratios["person_search_p95_ms"] = found["warm_p95_ms"]
                ratios["person_search_p95_within_100ms"] = found["warm_p95_ms"] <= 100
                ratios["person_search_p95_vs_brute_force"] = round(
                    found["warm_p95_ms"] / found["brute_force_decrypt_and_rapidfuzz_ms"], 4
                )
        if "linkage" not in arguments.skip:
            linkage = bench_linkage(arguments.linkage_persons, arguments.seed)
            details["duplicate_detection"] = linkage
            ratios["duplicates_recall_vs_exact_rule"] = round(
                linkage["migdev"]["recall"] / max(linkage["exact_rule"]["recall"], 1e-9), 3
            )
            ratios["duplicates_precision_vs_exact_rule"] = round(
                linkage["migdev"]["precision"] / max(linkage["exact_rule"]["precision"], 1e-9), 3
            )
            ratios["duplicates_recall"] = linkage["migdev"]["recall"]
            ratios["duplicates_precision"] = linkage["migdev"]["precision"]
    load = {"before": load_before, "after": [round(value, 2) for value in os.getloadavg()]}
    print(json.dumps({"ratios": ratios, "load_average_1_5_15_min": load, **details}))


if __name__ == "__main__":
    main()
