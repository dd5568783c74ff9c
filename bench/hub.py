"""Research-library search, side by side in one run: migdev's full-text search against a plain LIKE scan of
the same text (what a naive ``icontains`` filter does) and against the raw index query alone (the
physical limit), on SQLite (FTS5) and on PostgreSQL (tsvector + GIN).

    python3 run.py bench hub [--documents 100000] [--repeat 5] [--postgres-url URL | --no-postgres]

One generated corpus (deterministic: same seed, same documents) is loaded into a fresh SQLite file and a
fresh PostgreSQL database, each in its own child process. Every query is timed end to end through
``publications_search`` (count, ranking, fetching the page, highlighting snippets). The last line is
JSON, ratios first. Targets from issue 6: p95 ≤ 50 ms and ≥ 20× faster than the scan.

The scan does the same work as migdev, measured two ways, every side timed ``--repeat`` times: *same cap*
(``publications_search`` end to end on migdev's own fallback for a database without a full-text index:
matches counted up to the cap of 1,000, excluded words honoured, the newest 20 fetched with their snippets)
against ``publications_search`` on the index, over all queries and apart for the queries the cap cuts (a
scan of a word in most records stops after its first 1,000 matches) and those it does not; and *exact
count* (every match counted, excluded words honoured, 20 returned) against the full-text index counting
every match too. The scan's query alone (count and ids, no page) is reported beside them.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from unittest import mock

ROOT = Path(__file__).resolve().parents[1]
SEED = 2006

# A few real words so queries read naturally; the rest of the vocabulary is made up, with a Zipf-like
# frequency so some words are in most documents and others in a handful.
DOMAIN_WORDS = (
    "migration development remittances diaspora labour mobility skills return reintegration trafficking "
    "smuggling rights policy research data corridor recruitment integration health workers circular "
    "seasonal border asylum refugees capacity partnership dialogue consultation governance households "
    "poverty investment transfer agreement employment wages education training"
).split()
SYLLABLES = "ba be bi bo da de di do ka ke ki ko la le li lo ma me mi mo na ne ni no ra re ri ro sa se si so ta te ti to va ve vi".split()


def vocabulary(size: int = 6000) -> list[str]:
    """The same words, in the same frequency order, for the corpus and the queries."""
    rng = random.Random(SEED)
    words = list(DOMAIN_WORDS)
    seen = set(words)
    while len(words) < size:
        word = "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4)))
        if word not in seen:
            seen.add(word)
            words.append(word)
    return words


def make_corpus(count: int) -> list[dict[str, object]]:
    rng = random.Random(SEED + 1)
    words = vocabulary()
    weights = [1 / (rank + 1) ** 1.05 for rank in range(len(words))]

    def text(length: int) -> str:
        return " ".join(rng.choices(words, weights=weights, k=length))

    return [
        {
            "title": text(8).capitalize(),
            "authors": f"Author {rng.randint(1, 5000)}",
            "abstract": text(40),
            "text": text(160),
            "year": rng.randint(1990, 2025),
        }
        for _ in range(count)
    ]


def queries() -> list[str]:
    """Rare, medium and common words, two-word searches, a phrase and a prefix."""
    words = vocabulary()
    # Ranks in the Zipf vocabulary: 10 ≈ very common, 300 ≈ medium, 3000 ≈ rare.
    picks = [words[i] for i in (3, 10, 40, 120, 300, 800, 1500, 3000, 5000)]
    return [
        *picks,
        f"{words[5]} {words[200]}",
        f"{words[50]} {words[900]}",
        "remittances corridor",
        '"labour mobility"',
        "migr*",
        f"{words[2]} -{words[7]}",
    ]


def child(database_url: str | None, documents: int, repeat: int) -> None:
    """Runs inside a child process: one backend, a fresh database, the timings as JSON on stdout."""
    data_dir = tempfile.mkdtemp(prefix="migdev-bench-hub-")
    os.environ["MIGDEV_DATA_DIR"] = data_dir
    if database_url:
        os.environ["DATABASE_URL"] = database_url
    else:
        os.environ.pop("DATABASE_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "migdev.settings")
    sys.path.insert(0, str(ROOT / "src"))
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.db.models import Q

    from migdev.coordination.knowledge import search
    from migdev.coordination.knowledge.selectors import publications_search
    from migdev.coordination.models import Publication

    log = sys.stderr
    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    corpus = make_corpus(documents)
    Publication.objects.bulk_create(
        (
            Publication(
                slug=f"bench-{index}",
                kind="study",
                source="bench",
                is_published=True,
                **document,  # type: ignore[arg-type]
            )
            for index, document in enumerate(corpus)
        ),
        batch_size=2000,
    )
    loaded = time.perf_counter()
    indexed_count = search.reindex_all(batch_size=2000)
    indexed = time.perf_counter()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE coordination_publication")
    print(
        f"[{connection.vendor}] {documents} documents loaded in {loaded - started:.1f}s, "
        f"indexed {indexed_count} in {indexed - loaded:.1f}s",
        file=log,
        flush=True,
    )

    published = Publication.objects.filter(is_published=True)

    def like_condition(query: str) -> Q:
        """Every group's positive words somewhere in the record and none of its excluded words, groups
        joined by OR: what the full-text query means, as LIKE scans."""
        condition = Q(pk__in=[])
        for group in search.parse_query(query).groups:
            group_condition = Q()
            for term in group:
                phrase = " ".join(term.words)
                found = (
                    Q(title__icontains=phrase)
                    | Q(authors__icontains=phrase)
                    | Q(abstract__icontains=phrase)
                    | Q(text__icontains=phrase)
                )
                group_condition &= ~found if term.negated else found
            condition |= group_condition
        return condition

    def scan_page(query: str) -> object:
        """migdev's search page, end to end, on its own fallback for a database without a full-text
        index: the same cap, exclusions, order, page fetch and snippets as the indexed search."""
        with mock.patch.object(search, "backend", return_value="scan"):
            return publications_search(None, query, limit=20)

    def scan(query: str) -> tuple[int, list[int]]:
        """The same work as migdev's search: count up to the same cap, the newest 20 (migdev's order once
        a search is capped; an unranked scan has no relevance to sort by), excluded words honoured. This is
        migdev's own fallback for databases without a full-text index."""
        matches = search._search_scan(published, search.parse_query(query), limit=20, offset=0)
        return matches.total, [pk for pk, _score in matches.ranked]

    def scan_exact(query: str) -> tuple[int, list[int]]:
        """Every match counted, and the newest 20 of them."""
        matching = published.filter(like_condition(query))
        return matching.count(), list(matching.order_by("-pk").values_list("pk", flat=True)[:20])

    def index_exact(query: str) -> tuple[int, list[int]]:
        """The full-text index doing the scan's exact work: every match counted (no cap), the best 20."""
        parsed = search.parse_query(query)
        with connection.cursor() as cursor:
            if connection.vendor == "sqlite":
                match = f"{search.SQLITE_TABLE} MATCH %s"
                cursor.execute(
                    f"SELECT count(*) FROM {search.SQLITE_TABLE} WHERE {match}", [parsed.to_fts5()]
                )
                total = cursor.fetchone()[0]
                cursor.execute(
                    f"SELECT rowid FROM {search.SQLITE_TABLE} WHERE {match} ORDER BY rank LIMIT 20",
                    [parsed.to_fts5()],
                )
            else:
                condition = "is_published AND search_vector @@ to_tsquery('english', %s)"
                cursor.execute(
                    f"SELECT count(*) FROM coordination_publication WHERE {condition}", [parsed.to_tsquery()]
                )
                total = cursor.fetchone()[0]
                cursor.execute(
                    f"SELECT id FROM coordination_publication WHERE {condition} "
                    "ORDER BY ts_rank(search_vector, to_tsquery('english', %s)) DESC LIMIT 20",
                    [parsed.to_tsquery(), parsed.to_tsquery()],
                )
            return total, [row[0] for row in cursor.fetchall()]

    def raw_index(query: str) -> list[int]:
        parsed = search.parse_query(query)
        with connection.cursor() as cursor:
            if connection.vendor == "sqlite":
                cursor.execute(
                    f"SELECT rowid FROM {search.SQLITE_TABLE} WHERE {search.SQLITE_TABLE} MATCH %s "
                    "ORDER BY rank LIMIT 20",
                    [parsed.to_fts5()],
                )
            else:
                cursor.execute(
                    "SELECT id FROM coordination_publication WHERE search_vector @@ to_tsquery('english', %s) "
                    "ORDER BY ts_rank(search_vector, to_tsquery('english', %s)) DESC LIMIT 20",
                    [parsed.to_tsquery(), parsed.to_tsquery()],
                )
            return [row[0] for row in cursor.fetchall()]

    def timed(function: Callable[[], object], times: int) -> list[float]:
        function()  # warm the caches once
        runs = []
        for _ in range(times):
            begin = time.perf_counter()
            function()
            runs.append((time.perf_counter() - begin) * 1000)
        return runs

    per_query = []
    migdev_runs: list[float] = []
    scan_page_runs: list[float] = []
    # Queries the cap cuts (over 1,000 matches: a scan stops early) and those it does not, apart.
    by_cap: dict[str, dict[str, list[float]]] = {
        "capped": {"migdev": [], "scan_page": []},
        "not_capped": {"migdev": [], "scan_page": []},
    }
    scan_runs: list[float] = []
    raw_runs: list[float] = []
    exact_index_runs: list[float] = []
    exact_scan_runs: list[float] = []
    for query in queries():
        found = publications_search(None, query, limit=20)
        scan_total, _ = scan(query)
        exact_total, _ = index_exact(query)
        exact_scan_total, _ = scan_exact(query)
        # Every side is timed the same number of times.
        migdev_ms = timed(lambda q=query: publications_search(None, q, limit=20), repeat)  # type: ignore[misc]
        raw_ms = timed(lambda q=query: raw_index(q), repeat)  # type: ignore[misc]
        scan_ms = timed(lambda q=query: scan(q), repeat)  # type: ignore[misc]
        scan_page_ms = timed(lambda q=query: scan_page(q), repeat)  # type: ignore[misc]
        exact_index_ms = timed(lambda q=query: index_exact(q), repeat)  # type: ignore[misc]
        exact_scan_ms = timed(lambda q=query: scan_exact(q), repeat)  # type: ignore[misc]
        migdev_runs += migdev_ms
        scan_page_runs += scan_page_ms
        cap_class = by_cap["capped" if found.capped else "not_capped"]
        cap_class["migdev"] += migdev_ms
        cap_class["scan_page"] += scan_page_ms
        scan_runs += scan_ms
        raw_runs += raw_ms
        exact_index_runs += exact_index_ms
        exact_scan_runs += exact_scan_ms
        per_query.append(
            {
                "query": query,
                "matches": found.total,
                "matches_capped": found.capped,
                "scan_matches": scan_total,
                "exact_index_matches": exact_total,
                "exact_scan_matches": exact_scan_total,
                "migdev_ms": round(statistics.median(migdev_ms), 2),
                "raw_index_ms": round(statistics.median(raw_ms), 2),
                "scan_ms": round(statistics.median(scan_ms), 2),
                "scan_page_ms": round(statistics.median(scan_page_ms), 2),
                "exact_index_ms": round(statistics.median(exact_index_ms), 2),
                "exact_scan_ms": round(statistics.median(exact_scan_ms), 2),
            }
        )
        print(
            f"[{connection.vendor}] {query!r:32} matches {found.total:6} | migdev {statistics.median(migdev_ms):8.2f} ms"
            f" | raw index {statistics.median(raw_ms):8.2f} ms | LIKE scan {statistics.median(scan_ms):9.1f} ms"
            f" | scan page {statistics.median(scan_page_ms):9.1f} ms",
            file=log,
            flush=True,
        )

    def p95(values: list[float]) -> float:
        ordered = sorted(values)
        return ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]

    result = {
        "backend": connection.vendor,
        "documents": documents,
        "migdev_p50_ms": round(statistics.median(migdev_runs), 2),
        "migdev_p95_ms": round(p95(migdev_runs), 2),
        "raw_index_p50_ms": round(statistics.median(raw_runs), 2),
        "raw_index_p95_ms": round(p95(raw_runs), 2),
        "scan_p50_ms": round(statistics.median(scan_runs), 2),
        "scan_p95_ms": round(p95(scan_runs), 2),
        "scan_page_p50_ms": round(statistics.median(scan_page_runs), 2),
        "scan_page_p95_ms": round(p95(scan_page_runs), 2),
        "by_cap": {
            name: {
                "queries": len(runs["migdev"]) // repeat,
                "migdev_p50_ms": round(statistics.median(runs["migdev"]), 2),
                "scan_page_p50_ms": round(statistics.median(runs["scan_page"]), 2),
                "speedup_p50": round(
                    statistics.median(runs["scan_page"]) / statistics.median(runs["migdev"]), 1
                ),
            }
            for name, runs in by_cap.items()
            if runs["migdev"]
        },
        "exact_index_p50_ms": round(statistics.median(exact_index_runs), 2),
        "exact_index_p95_ms": round(p95(exact_index_runs), 2),
        "exact_scan_p50_ms": round(statistics.median(exact_scan_runs), 2),
        "exact_scan_p95_ms": round(p95(exact_scan_runs), 2),
        "load_seconds": round(loaded - started, 1),
        "index_seconds": round(indexed - loaded, 1),
        "queries": per_query,
    }
    print(json.dumps(result))


def run_child(database_url: str | None, documents: int, repeat: int) -> dict[str, object]:
    command = [sys.executable, __file__, "--child", "--documents", str(documents), "--repeat", str(repeat)]
    if database_url:
        command += ["--database-url", database_url]
    completed = subprocess.run(command, check=True, stdout=subprocess.PIPE, text=True)
    return json.loads(completed.stdout.strip().splitlines()[-1])


def fresh_postgres_database(url: str) -> bool:
    """Drop and create the bench database; False when PostgreSQL is not reachable."""
    try:
        import psycopg
    except ImportError:
        return False
    base, _, name = url.rpartition("/")
    try:
        with psycopg.connect(f"{base}/postgres", autocommit=True, connect_timeout=3) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
            admin.execute(f'CREATE DATABASE "{name}"')
    except psycopg.OperationalError:
        return False
    return True


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--documents", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--postgres-url", default="postgres://postgres@127.0.0.1:5432/migdev_bench_hub")
    parser.add_argument("--no-postgres", action="store_true")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--database-url", default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.database_url, args.documents, args.repeat)
        return

    load_before = os.getloadavg()
    results = {"sqlite": run_child(None, args.documents, args.repeat)}
    if not args.no_postgres and fresh_postgres_database(args.postgres_url):
        results["postgresql"] = run_child(args.postgres_url, args.documents, args.repeat)
    else:
        print("PostgreSQL skipped (not reachable or --no-postgres)", file=sys.stderr)

    print(
        f"\n{'backend':12} {'migdev p50':>11} {'p95':>9} {'raw index p95':>14} {'scan page p50':>14} {'speed-up':>9}"
    )
    summary: dict[str, object] = {}
    for name, result in results.items():
        # The same work on both sides: the same page (cap, exclusions, order, records and snippets) with
        # and without the index; and every match counted. The scan's query alone is in the results.
        summary[f"{name}_speedup_vs_like_scan_same_cap_p50"] = round(
            float(result["scan_page_p50_ms"]) / float(result["migdev_p50_ms"]),  # type: ignore[arg-type]
            1,
        )
        summary[f"{name}_speedup_vs_like_scan_same_cap_p95"] = round(
            float(result["scan_page_p95_ms"]) / float(result["migdev_p95_ms"]),  # type: ignore[arg-type]
            1,
        )
        for cap_class, figures in result["by_cap"].items():  # type: ignore[attr-defined]
            summary[f"{name}_speedup_vs_like_scan_same_cap_p50_{cap_class}"] = figures["speedup_p50"]
        summary[f"{name}_speedup_vs_like_scan_exact_count_p50"] = round(
            float(result["exact_scan_p50_ms"]) / float(result["exact_index_p50_ms"]),  # type: ignore[arg-type]
            1,
        )
    for name, result in results.items():
        speedup = float(result["scan_page_p50_ms"]) / float(result["migdev_p50_ms"])  # type: ignore[arg-type]
        print(
            f"{name:12} {result['migdev_p50_ms']:>9} ms {result['migdev_p95_ms']:>6} ms "
            f"{result['raw_index_p95_ms']:>11} ms {result['scan_page_p50_ms']:>11} ms {speedup:>8.1f}x"
        )
        summary[f"{name}_migdev_vs_raw_index_p95"] = round(
            float(result["migdev_p95_ms"]) / max(float(result["raw_index_p95_ms"]), 0.01),
            2,  # type: ignore[arg-type]
        )
    for name, result in results.items():
        summary[f"{name}_migdev_p95_ms"] = result["migdev_p95_ms"]
        summary[f"{name}_meets_targets"] = bool(
            float(result["migdev_p95_ms"]) <= 50  # type: ignore[arg-type]
            and float(result["scan_page_p50_ms"]) / float(result["migdev_p50_ms"]) >= 20  # type: ignore[arg-type]
        )
    summary["documents"] = args.documents
    summary["load_average_before"] = [round(value, 2) for value in load_before]
    summary["load_average_after"] = [round(value, 2) for value in os.getloadavg()]
    summary["results"] = results
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
