"""Rough load check of skills search (not the module's benchmark, which is bench/skills.py).

    DATABASE_URL=sqlite:////tmp/skills.sqlite3 PYTHONPATH=src python bench/skills_search_load.py [--clients 20] [--queries 600]

Runs `selectors.search_occupations` / `search_skills` from N threads of one process (one app server
process; the GIL makes this the harder case) over a fixed-seed mix of queries drawn from the shipped labels
in en/fr/es: 1-3 words, 30 % with two letters swapped, 15 % cut short (typing ahead), a third of them on
skills. Migrates and loads the shipped taxonomy first when the database has none. Reports mean, median, p95
and p99 in milliseconds with the result cache emptied before every query (cold) and kept (warm: the second
pass over the same queries). The last line printed is JSON.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import threading
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "migdev.settings")


def _queries(count: int) -> list[tuple[str, str, bool]]:
    from migdev.skills import search, selectors
    from migdev.skills.models import Occupation, Skill

    generator = random.Random(7)
    edition = selectors.current_edition()
    occupations = list(
        Occupation.objects.filter(edition=edition).values_list("label_en", "label_fr", "label_es")
    )
    skills = list(
        Skill.objects.filter(edition=edition).order_by("pk").values_list("label_en", "label_fr", "label_es")
    )
    queries = []
    for number in range(count):
        row = generator.choice(occupations if number % 3 else skills)
        lang = generator.choice(["en", "fr", "es"])
        text = row[["en", "fr", "es"].index(lang)] or row[0]
        words = search.tokens(text.split("/")[0])[:3] or ["nurse"]
        query = " ".join(words[: generator.choice([1, 1, 2, 3])])
        draw = generator.random()
        if draw < 0.3 and len(query) > 5:
            cut = generator.randrange(1, len(query) - 2)
            query = query[:cut] + query[cut + 1] + query[cut] + query[cut + 2 :]
        elif draw < 0.45:
            query = query[: max(3, len(query) - 2)]
        queries.append((query, lang, number % 3 == 0))
    return queries


def _run(queries: list[tuple[str, str, bool]], clients: int, *, cold: bool) -> dict[str, Any]:
    from django.db import connections

    from migdev.skills import search, selectors

    latencies: list[float] = []
    lock = threading.Lock()
    pending = iter(queries)

    def worker() -> None:
        while True:
            with lock:
                item = next(pending, None)
            if item is None:
                break
            query, lang, on_skills = item
            if cold:
                search.CACHE._results.clear()
            started = time.perf_counter()
            finder = selectors.search_skills if on_skills else selectors.search_occupations
            finder(query, lang=lang, limit=10)
            elapsed = (time.perf_counter() - started) * 1000
            with lock:
                latencies.append(elapsed)
        connections.close_all()

    threads = [threading.Thread(target=worker) for _ in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - started
    latencies.sort()

    def percentile(share: float) -> float:
        return round(latencies[min(len(latencies) - 1, int(share * len(latencies)))], 2)

    return {
        "clients": clients,
        "cache": "cold" if cold else "warm",
        "queries": len(latencies),
        "mean_ms": round(statistics.mean(latencies), 2),
        "median_ms": round(statistics.median(latencies), 2),
        "p95_ms": percentile(0.95),
        "p99_ms": percentile(0.99),
        "per_second": round(len(latencies) / wall),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--queries", type=int, default=600)
    options = parser.parse_args()
    import django

    django.setup()
    from django.core.management import call_command

    from migdev.skills import selectors
    from migdev.skills.reference import load_shipped

    call_command("migrate", verbosity=0)
    if selectors.current_edition() is None:
        load_shipped()
    queries = _queries(options.queries)
    selectors.search_occupations("warm up", lang="en")
    selectors.search_skills("warm up", lang="en")
    results = [
        _run(queries, 1, cold=True),
        _run(queries, options.clients, cold=True),
        _run(queries, options.clients, cold=False),
    ]
    for result in results[:-1]:
        print(json.dumps(result))
    print(json.dumps({"load_average": os.getloadavg()[0], "cpus": os.cpu_count(), **results[-1]}))


if __name__ == "__main__":
    main()
