"""Benchmark: the labour module's shortlist under load beside raw SQL, and a scheme round beside the optimum.

    python3 run.py bench labour [--workers 100000] [--job-orders 40] [--clients 20] [--seconds 20]
                                [--rounds 1] [--round-workers 5000] [--round-job-orders 1000] [--repeats 3]
                                [--server-workers 5] [--worker-class sync] [--skip-http] [--skip-round]
                                [--inprocess-job-orders 40] [--skip-inprocess] [--data-dir DIR]

A throw-away SQLite data directory (fresh keys) gets the migrations, the shipped ESCO v1.2.0 taxonomy and a
generated population (fixed seed, written in bulk; identity fields encrypted as the platform stores them):
``--workers`` job seekers in five countries of origin (and some outside), their occupations and skills drawn
from ESCO's occupation-skill relations, CEFR levels, availability, preferred destinations, consents; a scheme
with ``--job-orders`` approved job orders, and a second scheme for the round (``--round-workers`` workers
consenting to it, ``--round-job-orders`` job orders of 5 positions). Workers and consents are inserted in
bulk, then ``services.eligibility_refresh`` (what every worker service calls in its transaction) writes the
shortlist's narrow rows and moves the registry version once for all of them.

(1) Shortlist under load. gunicorn (``-c python:migdev.gunicorn_conf``, ``--server-workers`` sync workers,
    or ``--worker-class gthread`` × ``--threads``) serves ``GET /api/v1/labour/job-orders/{id}/shortlist`` to a scheme officer's API token
    (the path users get: token authentication, scope check, hard filters, ranking, explanation, JSON) and,
    in the same server, the peer: the same hard filters and a skill-coverage score written as one raw SQL
    query on the same tables and indexes (``bench/labour_bench_urls.py``; same token and scope check).
    Before the load, in one process (``--inprocess-job-orders``, 40 by default): the profile columns read
    once (as a server does before forking), then each job order's first shortlist (cold: a job order the
    process has not seen) and at least 20 more (warm), CPU time medians beside the raw-SQL peer's, the
    queries each side makes, and the first shortlist after a write elsewhere (the columns patched). wrk (one thread, ``--clients``
    keep-alive connections, ``--seconds`` a phase, twice that for the cold one) loads, on each of ``--rounds`` fresh servers in order:
    ``shortlist_cold`` (each job order's first requests on a fresh server, the kept answers emptied before it:
    each job order's first shortlist is computed, ADR 0014), ``shortlist_warm`` (the same again: kept
    answers), ``sql`` and ``healthz`` (the cheapest Django request: the physical limit here); then a fresh
    server with ``MIGDEV_KEPT_ANSWERS=0``: ``shortlist_computed`` (every shortlist computed, as before ADR
    0014). Target: shortlist p95 <= 150 ms.
(2) Scheme round: ``migdev.labour.matching.scheme_round`` (loads the pool, scores with the engine, places
    with ``migdev.skills.placement.place_optimal``) beside ``scipy.optimize.linear_sum_assignment`` on the
    expanded matrix (a column per position, ineligible cells 0) built from the same scores: the totals must
    be equal. Times: the first run (cold) and the median of ``--repeats`` more (warm), for the whole round
    and for the assignment alone.

Benchmarks are not tests. The last line printed is JSON, ratios first; load averages before and after.
"""

from __future__ import annotations

import argparse
import base64
import http.client
import json
import os
import platform
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import pageload  # bench/pageload.py, next to this file

ROOT = Path(__file__).resolve().parents[1]
SEED = 20261206
ORIGINS = ("SEN", "MAR", "PHL", "NPL", "GHA")
OUTSIDE = ("FRA", "IND")
DESTINATION = "ESP"
OTHER_DESTINATIONS = ("ITA", "DEU", "FRA", "CAN")
LANGUAGE_CODES = ("fra", "eng", "spa", "ara", "wol")


# --- helpers shared by both sides ------------------------------------------------------------------------


def load_average() -> list[float]:
    return [round(value, 2) for value in os.getloadavg()]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def http_get(port: int, path: str, token: str = "") -> tuple[int, bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    try:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        connection.request("GET", path, headers=headers)
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def wait_for(port: int, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("the server did not start")


def pick(latencies: list[float], share: float) -> float:
    return latencies[min(len(latencies) - 1, int(round(share * (len(latencies) - 1))))] * 1000


# --- child side: runs inside Django (python bench/labour.py --child NAME OPTIONS) ---------------------------


def child_seed(options: dict[str, Any]) -> dict[str, Any]:
    """Everything the benchmark needs, written in bulk with a fixed seed."""
    import datetime
    from decimal import Decimal

    import numpy as np
    from django.db import transaction
    from django.utils import timezone

    from migdev.accounts.models import Organisation, RoleDefinition, User
    from migdev.accounts.services import api_token_create
    from migdev.labour import services
    from migdev.labour.models import Employer, JobOrder, Scheme, SchemeConsent, Worker
    from migdev.skills import compact

    rng = np.random.default_rng(SEED)
    esco, _ = compact.read()
    occupations = [o for o in esco.occupations if str(o.get("isco_code", "")).isdigit()]
    essential: dict[str, list[str]] = {}
    optional: dict[str, list[str]] = {}
    for occ_uri, skill_uri, relation in esco.occupation_skills:
        (essential if relation == "essential" else optional).setdefault(occ_uri, []).append(skill_uri)
    occupations = [o for o in occupations if len(essential.get(o["uri"], [])) >= 4]
    all_skills = sorted({uri for uris in essential.values() for uri in uris})
    now = timezone.now()

    with transaction.atomic():
        authority = Organisation.objects.create(
            name="Bench scheme authority", kind=Organisation.Kind.GOVERNMENT
        )
        pes = Organisation.objects.create(name="Bench employment service", kind=Organisation.Kind.GOVERNMENT)
        employer_org = Organisation.objects.create(name="Bench employer", kind=Organisation.Kind.PRIVATE)
        officer = User.objects.create_user(username="bench_officer", password=None, organisation=authority)
        officer.roles.set(RoleDefinition.objects.filter(code="scheme_officer"))
        _, token = api_token_create(user=officer, name="bench")
        employer = Employer.objects.create(organisation=employer_org, country_id=DESTINATION)

        def scheme(title: str) -> Scheme:
            return services.scheme_create(
                actor=officer,
                organisation=authority,
                title=title,
                kind="skills_partnership",
                destination_country=DESTINATION,
                origin_countries=list(ORIGINS),
                start_date=datetime.date(2026, 1, 1),
                health_g2g_agreement=True,
            )

        shortlist_scheme, round_scheme = scheme("Bench shortlist scheme"), scheme("Bench round scheme")

        def job_orders(for_scheme: Scheme, count: int, positions: int) -> list[int]:
            rows = []
            for number in range(count):
                occupation = occupations[int(rng.integers(len(occupations)))]
                ess = essential[occupation["uri"]]
                opt = optional.get(occupation["uri"], [])
                k = max(1, int(round(rng.uniform(0.4, 0.8) * len(ess))))
                wanted_languages = (
                    [{"code": "spa", "level": int(rng.integers(1, 4))}] if rng.random() < 0.6 else []
                )
                rows.append(
                    JobOrder(
                        scheme=for_scheme,
                        employer=employer,
                        title=f"Bench job {number}",
                        occupation_uri=occupation["uri"],
                        isco_code=str(occupation["isco_code"]),
                        essential_skill_uris=sorted(rng.choice(ess, size=k, replace=False).tolist()),
                        optional_skill_uris=sorted(
                            rng.choice(
                                opt, size=int(round(rng.uniform(0, 0.4) * len(opt))), replace=False
                            ).tolist()
                        )
                        if opt
                        else [],
                        languages=wanted_languages,
                        positions=positions,
                        place="Madrid",
                        destination_country_id=DESTINATION,
                        start_date=datetime.date(2027, 3, 1)
                        + datetime.timedelta(days=int(rng.integers(0, 120))),
                        contract_months=12,
                        wage_amount=Decimal("1500"),
                        wage_currency="EUR",
                        wage_period="month",
                        hours_per_week=Decimal("40"),
                        approval_status=JobOrder.Approval.APPROVED,
                        approved_by=officer,
                        approved_at=now,
                    )
                )
            return [j.pk for j in JobOrder.objects.bulk_create(rows)]

        shortlist_orders = job_orders(shortlist_scheme, options["job_orders"], 3)
        round_orders = job_orders(round_scheme, options["round_job_orders"], 5)

    def workers(count: int, offset: int) -> list[int]:
        rows = []
        for number in range(offset, offset + count):
            occupation = occupations[int(rng.integers(len(occupations)))]
            pool = essential[occupation["uri"]] + optional.get(occupation["uri"], [])
            k = max(1, int(round(rng.uniform(0.15, 0.4) * len(pool))))
            skills = set(rng.choice(pool, size=k, replace=False).tolist())
            skills.update(
                all_skills[int(i)] for i in rng.integers(0, len(all_skills), int(rng.integers(0, 4)))
            )
            born = datetime.date(1960, 1, 1) + datetime.timedelta(days=int(rng.integers(0, 50 * 365)))
            languages = [{"code": "fra", "level": int(rng.integers(2, 7))}]
            for code in ("eng", "spa", "ara", "wol"):
                if rng.random() < 0.35:
                    languages.append({"code": code, "level": int(rng.integers(1, 7))})
            preferred = (
                []
                if rng.random() < 0.6
                else sorted(
                    rng.choice(
                        [DESTINATION, *OTHER_DESTINATIONS], size=int(rng.integers(1, 4)), replace=False
                    ).tolist()
                )
            )
            residence = (
                ORIGINS[int(rng.integers(len(ORIGINS)))] if rng.random() < 0.92 else OUTSIDE[number % 2]
            )
            withdrawn = now if rng.random() < 0.02 else None
            rows.append(
                Worker(
                    pseudonym=f"B{number:09d}",
                    organisation=pes,
                    country_of_residence_id=residence,
                    given_name=f"Given{number}",
                    family_name=f"Family{number}",
                    phone=f"+221 77 {number:07d}",
                    email=f"w{number}@example.org",
                    identity_document_number=f"ID{number:08d}",
                    date_of_birth=born,
                    birth_month=born.replace(day=1),
                    sex=("female", "male", "not_stated")[int(rng.integers(3))],
                    languages=languages,
                    isced_level=int(rng.integers(2, 8)),
                    occupation_uris=[occupation["uri"]],
                    isco_code=str(occupation["isco_code"]),
                    skill_uris=sorted(skills),
                    experience_years=Decimal(str(round(float(rng.gamma(2.0, 3.0)), 1) % 60)),
                    available_from=datetime.date(2026, 12, 1)
                    + datetime.timedelta(days=int(rng.integers(0, 200))),
                    preferred_destinations=preferred,
                    consent_processing_at=now,
                    consent_processing_method="signed_form",
                    consent_processing_withdrawn_at=withdrawn,
                )
            )
        ids: list[int] = []
        for start in range(0, len(rows), 5000):
            with transaction.atomic():
                ids += [w.pk for w in Worker.objects.bulk_create(rows[start : start + 5000])]
        return ids

    started, started_cpu = time.perf_counter(), time.process_time()
    pool_ids = workers(options["workers"], 0)
    consenting = [pk for pk in pool_ids if rng.random() < 0.9]
    for start in range(0, len(consenting), 10000):
        with transaction.atomic():
            SchemeConsent.objects.bulk_create(
                [
                    SchemeConsent(worker_id=pk, scheme=shortlist_scheme, given_at=now, method="signed_form")
                    for pk in consenting[start : start + 10000]
                ]
            )
    round_ids = workers(options["round_workers"], options["workers"])
    with transaction.atomic():
        SchemeConsent.objects.bulk_create(
            [
                SchemeConsent(worker_id=pk, scheme=round_scheme, given_at=now, method="signed_form")
                for pk in round_ids
            ]
        )
    # What the services keep on every write (the shortlist's narrow rows and the registry version), by the
    # same function, once for the whole bulk insert.
    refreshed = time.perf_counter()
    services.eligibility_refresh([*pool_ids, *round_ids])
    refresh_s = time.perf_counter() - refreshed
    return {
        "token": token,
        "eligibility_refresh_s": refresh_s,
        "shortlist_job_orders": shortlist_orders,
        "round_scheme": round_scheme.pk,
        "round_job_orders": len(round_orders),
        "workers_total": len(pool_ids) + len(round_ids),
        "seed_s": time.perf_counter() - started,
        "seed_cpu_s": time.process_time() - started_cpu,
    }


def child_round(options: dict[str, Any]) -> dict[str, Any]:
    """The scheme round end to end, and its assignment beside linear_sum_assignment on the same matrix."""
    import gc

    import numpy as np
    from scipy.optimize import linear_sum_assignment

    from migdev.labour import matching
    from migdev.labour.models import Scheme
    from migdev.skills.placement import place_optimal

    scheme = Scheme.objects.get(pk=options["round_scheme"])
    repeats = options["repeats"]
    round_times: list[float] = []
    proposal = None
    for _ in range(repeats + 1):
        gc.collect()
        started = time.perf_counter()
        proposal = matching.scheme_round(scheme)
        round_times.append(time.perf_counter() - started)
    assert proposal is not None
    inputs = matching.round_inputs(scheme)
    assert inputs is not None
    scores, eligible, capacities = inputs.scores, inputs.eligible, inputs.capacities
    expanded = np.repeat(np.where(eligible, scores, 0.0), capacities, axis=1)

    def peer() -> float:
        rows, cols = linear_sum_assignment(expanded, maximize=True)
        return float(expanded[rows, cols].sum())

    ours_times: list[float] = []
    peer_times: list[float] = []
    ours_total = peer_total = 0.0
    for _ in range(repeats + 1):
        gc.collect()
        started = time.perf_counter()
        ours_total = float(place_optimal(scores, capacities, eligible).total_score)
        ours_times.append(time.perf_counter() - started)
        gc.collect()
        started = time.perf_counter()
        peer_total = peer()
        peer_times.append(time.perf_counter() - started)

    def warm(times: list[float]) -> float:
        return statistics.median(times[1:]) if len(times) > 1 else times[0]

    return {
        "workers": int(scores.shape[0]),
        "job_orders": int(scores.shape[1]),
        "positions": int(sum(capacities)),
        "eligible_share": float(eligible.mean()),
        "placed": len(proposal.placements),
        "round_total": proposal.total_score,
        "ours_total": ours_total,
        "lsa_total": peer_total,
        "totals_equal": bool(abs(ours_total - peer_total) <= 1e-6 * max(1.0, peer_total))
        and abs(proposal.total_score - round(ours_total, 4)) <= 1e-3,
        "method": proposal.method,
        "round_cold_s": round_times[0],
        "round_warm_median_s": warm(round_times),
        "assignment_cold_s": ours_times[0],
        "assignment_warm_median_s": warm(ours_times),
        "lsa_cold_s": peer_times[0],
        "lsa_warm_median_s": warm(peer_times),
    }


def child_inprocess(options: dict[str, Any]) -> dict[str, Any]:
    """The profile columns read once, then one shortlist per job order (cold: the first for that job order),
    timed around the call in this process, and the peer's query beside it; at least 20 warm calls on each
    side; then the queries a warm shortlist makes, and the time of the first shortlist after a write
    elsewhere (a worker saved again through the services: the registry version moves, the changed worker
    is re-read and the columns patched)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from labour_bench_urls import shortlist_sql  # type: ignore[import-not-found]

    from migdev.labour import matching, pool, services
    from migdev.labour.models import JobOrder, Worker

    times: list[float] = []
    cold_cpu: list[float] = []
    sql_times: list[float] = []
    sql_cpu: list[float] = []
    overlap: list[float] = []
    job_orders = [
        JobOrder.objects.select_related("scheme").get(pk=pk)
        for pk in options["shortlist_job_orders"][: options.get("inprocess_job_orders", 40)]
    ]
    # What a server does before forking its workers (migdev.gunicorn_conf): read every profile once.
    cpu = time.process_time()
    pool.warm()
    columns_cpu = time.process_time() - cpu
    for job_order in job_orders:  # cold: a job order this process has not seen
        started, cpu = time.perf_counter(), time.process_time()
        result = matching.shortlist(job_order)
        times.append(time.perf_counter() - started)
        cold_cpu.append(time.process_time() - cpu)
        started, cpu = time.perf_counter(), time.process_time()
        rows = shortlist_sql(job_order)  # SQLite runs in this process: its CPU time is counted
        sql_times.append(time.perf_counter() - started)
        sql_cpu.append(time.process_time() - cpu)
        ours = {c.worker_id for c in result.candidates}
        theirs = {row[0] for row in rows}
        overlap.append(len(ours & theirs) / max(1, len(ours | theirs)))
    warm_times = []
    warm_cpu = []
    for _ in range(max(1, -(-20 // len(job_orders)))):  # at least 20 warm calls
        for job_order in job_orders:
            started, cpu = time.perf_counter(), time.process_time()
            matching.shortlist(job_order)
            warm_times.append(time.perf_counter() - started)
            warm_cpu.append(time.process_time() - cpu)
    with CaptureQueriesContext(connection) as ours_queries:
        matching.shortlist(job_orders[0])
    with CaptureQueriesContext(connection) as sql_queries:
        shortlist_sql(job_orders[0])
    worker = Worker.objects.order_by("pk").first()
    assert worker is not None
    services.eligibility_refresh([worker.pk])
    started, cpu = time.perf_counter(), time.process_time()
    matching.shortlist(job_orders[0])
    after_write = time.perf_counter() - started
    after_write_cpu = time.process_time() - cpu
    return {
        "columns_read_cpu_s": columns_cpu,
        "calls_cold": len(cold_cpu),
        "calls_warm": len(warm_cpu),
        "cold_median_cpu_ms": statistics.median(cold_cpu) * 1000,
        "cold_median_ms": statistics.median(times) * 1000,
        "median_ms": statistics.median(warm_times) * 1000,
        "median_cpu_ms": statistics.median(warm_cpu) * 1000,
        "sql_median_cpu_ms": statistics.median(sql_cpu) * 1000,
        "ratio_warm_cpu_to_sql_cpu": statistics.median(warm_cpu) / statistics.median(sql_cpu),
        "ratio_cold_cpu_to_sql_cpu": statistics.median(cold_cpu) / statistics.median(sql_cpu),
        "first_after_a_write_cpu_ms": after_write_cpu * 1000,
        "sql_first_ms": sql_times[0] * 1000,
        "sql_median_ms": statistics.median(sql_times[1:] or sql_times) * 1000,
        "queries_per_shortlist": len(ours_queries.captured_queries),
        "queries_per_sql_peer": len(sql_queries.captured_queries),
        "first_after_a_write_ms": after_write * 1000,
        "top20_jaccard_with_sql_median": statistics.median(overlap),
        "job_orders": len(job_orders),
    }


def child_forget_kept(options: dict[str, Any]) -> dict[str, Any]:
    """Empty the kept answers (ADR 0014), so that a fresh server's first shortlists are computed (cold)."""
    from migdev.core.kept import forget

    return {"forgotten": forget()}


CHILDREN = {
    "seed": child_seed,
    "round": child_round,
    "inprocess": child_inprocess,
    "forget_kept": child_forget_kept,
}


# --- parent side ---------------------------------------------------------------------------------------------


def bench_env(data_dir: str) -> dict[str, str]:
    env = {
        **os.environ,
        "PYTHONPATH": f"{ROOT / 'src'}{os.pathsep}{ROOT / 'bench'}",
        "MIGDEV_DATA_DIR": data_dir,
        "MIGDEV_DEBUG": "0",
        "SECRET_KEY": "bench-only-secret-key-bench-only-secret-key-0123456789",
        "MIGDEV_FIELD_KEYS": base64.urlsafe_b64encode(os.urandom(32)).decode(),
        "MIGDEV_BLIND_INDEX_KEY": base64.urlsafe_b64encode(os.urandom(36)).decode(),
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",
        "API_RATE_LIMIT_PER_MINUTE": "10000000",  # 20 clients on one loopback address
        "LOG_LEVEL": "ERROR",
        "DJANGO_SETTINGS_MODULE": "labour_bench_settings",
    }
    env.pop("DATABASE_URL", None)
    return env


def run_child(env: dict[str, str], data_dir: str, name: str, options: dict[str, Any]) -> dict[str, Any]:
    completed = subprocess.run(
        [sys.executable, str(Path(__file__).resolve()), "--child", name, json.dumps(options)],
        env=env,
        cwd=data_dir,
        capture_output=True,
        text=True,
    )
    if completed.returncode != 0:
        raise RuntimeError(f"child {name} failed:\n{completed.stderr[-4000:]}")
    result: dict[str, Any] = json.loads(completed.stdout.strip().splitlines()[-1])
    return result


def wrk_pass(port: int, paths: list[str], token: str, clients: int, seconds: float) -> dict[str, Any]:
    with tempfile.NamedTemporaryFile("w", suffix=".txt") as listing:
        listing.write("\n".join(paths) + "\n")
        listing.flush()
        completed = subprocess.run(
            [
                "wrk",
                "-t1",
                f"-c{clients}",
                f"-d{max(1, round(seconds))}s",
                "--timeout",
                "60s",
                "-s",
                str(ROOT / "bench" / "labour_paths.lua"),
                f"http://127.0.0.1:{port}",
            ],
            env={**os.environ, "WRK_PATHS": listing.name, "WRK_TOKEN": token},
            capture_output=True,
            text=True,
            check=True,
        )
    line = next(x for x in completed.stdout.splitlines() if x.startswith("WRK "))
    result: dict[str, Any] = json.loads(line[4:])
    result["requests_per_s"] = result["requests"] / result["duration_s"]
    return result


def thread_pass(port: int, paths: list[str], token: str, clients: int, seconds: float) -> dict[str, Any]:
    """Fallback without wrk: ``clients`` Python threads, one connection a request."""
    latencies: list[float] = []
    errors: list[int] = []
    lock = threading.Lock()
    counter = iter(range(10**9))
    deadline = time.perf_counter() + seconds

    def client() -> None:
        while time.perf_counter() < deadline:
            with lock:
                number = next(counter)
            started = time.perf_counter()
            status, _ = http_get(port, paths[number % len(paths)], token)
            with lock:
                latencies.append(time.perf_counter() - started)
                if status >= 400:
                    errors.append(status)

    started = time.perf_counter()
    threads = [threading.Thread(target=client) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - started
    latencies.sort()
    return {
        "requests": len(latencies),
        "duration_s": wall,
        "p50_ms": pick(latencies, 0.5),
        "p95_ms": pick(latencies, 0.95),
        "p99_ms": pick(latencies, 0.99),
        "max_ms": latencies[-1] * 1000 if latencies else 0.0,
        "http_errors": len(errors),
        "socket_errors": 0,
        "requests_per_s": len(latencies) / wall,
    }


def bench_http(
    env: dict[str, str], data_dir: str, seeded: dict[str, Any], options: argparse.Namespace
) -> dict[str, Any]:
    port = options.port or free_port()
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "migdev.wsgi:application",
        "-c",
        "python:migdev.gunicorn_conf",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(options.server_workers),
        "--worker-class",
        options.worker_class,
        *(["--threads", str(options.threads)] if options.worker_class == "gthread" else []),
        "--timeout",
        "300",
        "--log-level",
        "error",
    ]
    server_env = {**env, "DATABASE_CONN_MAX_AGE": "60"}  # docs/operations.md
    loader = wrk_pass if shutil.which("wrk") else thread_pass
    job_orders = seeded["shortlist_job_orders"]
    api = [f"/api/v1/labour/job-orders/{pk}/shortlist" for pk in job_orders]
    phases = {
        "shortlist_cold": api,
        "shortlist_warm": api,
        "sql": [f"/bench/labour-shortlist-sql/{pk}/" for pk in job_orders],
        "healthz": ["/healthz"],
        "shortlist_computed": api,
    }
    # Each round: a fresh server with the kept answers emptied (ADR 0014: cold computes each job order's
    # first shortlist, warm reads kept ones), then a fresh server with keeping switched off (every shortlist
    # computed, after each worker's first: the figure before ADR 0014).
    servers = {
        "kept": (server_env, ["shortlist_cold", "shortlist_warm", "sql", "healthz"]),
        "computed": ({**server_env, "MIGDEV_KEPT_ANSWERS": "0"}, ["shortlist_computed"]),
    }
    runs: dict[str, list[dict[str, Any]]] = {name: [] for name in phases}
    checks: list[dict[str, Any]] = []
    boot: list[float] = []
    for _ in range(options.rounds):
        for label, (environment, names) in servers.items():
            run_child(env, data_dir, "forget_kept", {})
            started = time.perf_counter()
            process = subprocess.Popen(
                command, env=environment, cwd=data_dir, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
            )
            try:
                wait_for(port)
                while http_get(port, "/healthz")[0] != 200:
                    time.sleep(0.2)
                boot.append(time.perf_counter() - started)
                time.sleep(1)  # every worker forked
                for name in names:
                    paths = phases[name]
                    # the cold phase holds each worker's first requests, which may take far longer than a
                    # warm one
                    seconds = (
                        options.seconds * 2
                        if name in ("shortlist_cold", "shortlist_computed")
                        else options.seconds
                    )
                    cpu_before = pageload.server_cpu_seconds(process.pid)
                    figures = loader(port, paths, seeded["token"], options.clients, seconds)
                    runs[name].append(figures)
                    # wrk leaves requests in flight when a phase ends: let the server finish them first
                    drain_until = time.perf_counter() + 120
                    time.sleep(min(60.0, max(1.0, figures["max_ms"] / 1000)))
                    while time.perf_counter() < drain_until:
                        try:
                            if http_get(port, "/healthz")[0] == 200:
                                break
                        except OSError:  # still busy with what the phase left in flight
                            pass
                        time.sleep(0.5)
                    # gunicorn's processes' CPU (from /proc) per answer: the figure least moved by other work
                    used = pageload.server_cpu_seconds(process.pid) - cpu_before
                    figures["server_cpu_ms_per_request"] = used * 1000 / max(1, figures["requests"])
                    print(f"{label} {name}: {figures}", flush=True)
                if label != "kept":
                    continue
                # the answers are what the phases measured: a 200 with candidates, the same for both sides
                status, body = http_get(port, phases["shortlist_warm"][0], seeded["token"])
                sql_status, sql_body = http_get(port, phases["sql"][0], seeded["token"])
                checks.append(
                    {
                        "shortlist_status": status,
                        "shortlist_candidates": len(json.loads(body).get("candidates", []))
                        if status == 200
                        else 0,
                        "sql_status": sql_status,
                        "sql_candidates": len(json.loads(sql_body).get("candidates", []))
                        if sql_status == 200
                        else 0,
                    }
                )
            finally:
                process.terminate()
                process.wait(timeout=60)

    summary = {
        name: {
            key: statistics.median(run[key] for run in runs[name])
            for key in (
                "p50_ms",
                "p95_ms",
                "p99_ms",
                "requests_per_s",
                "requests",
                "http_errors",
                "socket_errors",
                "server_cpu_ms_per_request",
            )
        }
        for name in phases
    }
    return {
        "server": f"gunicorn -c python:migdev.gunicorn_conf, {options.server_workers} {options.worker_class} "
        "workers" + (f" × {options.threads} threads" if options.worker_class == "gthread" else ""),
        "load_generator": "wrk -t1 (keep-alive connections)"
        if loader is wrk_pass
        else "Python threads, one connection a request (wrk not found: apt-get install wrk)",
        "clients": options.clients,
        "seconds_per_phase": options.seconds,
        "rounds": options.rounds,
        "boot_s_median": statistics.median(boot),
        "median": summary,
        "runs": runs,
        "answers": checks,
    }


def main() -> None:
    if len(sys.argv) >= 3 and sys.argv[1] == "--child":
        sys.path.insert(0, str(ROOT / "src"))
        sys.path.insert(0, str(ROOT / "bench"))
        import django

        django.setup()
        print(json.dumps(CHILDREN[sys.argv[2]](json.loads(sys.argv[3]))))
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=100_000, help="job seekers in the shortlist pool")
    parser.add_argument("--job-orders", type=int, default=40, help="job orders the load cycles through")
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--seconds", type=int, default=20, help="length of each HTTP load phase")
    parser.add_argument("--rounds", type=int, default=1, help="freshly started servers (medians)")
    parser.add_argument("--server-workers", type=int, default=5, help="gunicorn workers")
    parser.add_argument(
        "--worker-class",
        default="sync",
        choices=["sync", "gthread"],
        help="gunicorn worker class (sync: the documented production default, docs/operations.md)",
    )
    parser.add_argument("--threads", type=int, default=2, help="gunicorn threads a gthread worker")
    parser.add_argument("--port", type=int, default=0, help="the server's port (default: any free one)")
    parser.add_argument("--round-workers", type=int, default=5000)
    parser.add_argument("--round-job-orders", type=int, default=1000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument(
        "--inprocess-job-orders", type=int, default=40, help="job orders timed in process (each cold once)"
    )
    parser.add_argument("--skip-inprocess", action="store_true")
    parser.add_argument("--skip-http", action="store_true")
    parser.add_argument("--skip-round", action="store_true")
    parser.add_argument(
        "--data-dir",
        help="develop against a kept data directory (created and seeded once; fresh keys otherwise)",
    )
    options = parser.parse_args()
    load_before = load_average()
    import numpy
    import scipy

    with tempfile.TemporaryDirectory(prefix="migdev-bench-labour-") as temporary:
        data_dir = options.data_dir or temporary
        env = bench_env(data_dir)
        seeded_file = Path(data_dir) / "bench-seeded.json"
        if options.data_dir and seeded_file.exists():
            seeded = json.loads(seeded_file.read_text())
            env.update(seeded["keys"])
            # the code measured may bring migrations the kept directory has not had yet
            subprocess.run(
                [sys.executable, "-m", "migdev", "migrate", "-v0"], env=env, check=True, cwd=data_dir
            )
        else:
            started = time.perf_counter()
            subprocess.run(
                [sys.executable, "-m", "migdev", "migrate", "-v0"], env=env, check=True, cwd=data_dir
            )
            subprocess.run(
                [sys.executable, "-m", "migdev", "skills_reference"],
                env=env,
                check=True,
                cwd=data_dir,
                capture_output=True,
            )
            migrate_s = time.perf_counter() - started
            print(f"migrated and ESCO loaded in {migrate_s:.0f} s", flush=True)
            seeded = run_child(
                env,
                data_dir,
                "seed",
                {
                    "workers": options.workers,
                    "job_orders": options.job_orders,
                    "round_workers": options.round_workers,
                    "round_job_orders": options.round_job_orders,
                },
            )
            seeded["keys"] = {k: env[k] for k in ("MIGDEV_FIELD_KEYS", "MIGDEV_BLIND_INDEX_KEY")}
            seeded["migrate_s"] = migrate_s
            if options.data_dir:
                seeded_file.write_text(json.dumps(seeded))
        print(f"seeded {seeded['workers_total']:,} workers in {seeded['seed_s']:.0f} s", flush=True)
        inprocess = (
            None
            if options.skip_inprocess
            else run_child(
                env, data_dir, "inprocess", {**seeded, "inprocess_job_orders": options.inprocess_job_orders}
            )
        )
        print(f"in process: {inprocess}", flush=True)
        http = None if options.skip_http else bench_http(env, data_dir, seeded, options)
        if http:
            for phase, figures in http["median"].items():
                print(
                    f"  {phase}: p95 {figures['p95_ms']:.1f} ms, p50 {figures['p50_ms']:.1f} ms, "
                    f"{figures['requests_per_s']:.1f} requests/s, errors {figures['http_errors']}",
                    flush=True,
                )
        scheme_round = (
            None
            if options.skip_round
            else run_child(env, data_dir, "round", {**seeded, "repeats": options.repeats})
        )
        if scheme_round:
            print(f"round: {scheme_round}", flush=True)
    median = http["median"] if http else None

    def ratio(numerator: float, denominator: float) -> float | None:
        return numerator / denominator if denominator else None

    summary: dict[str, Any] = {
        "ratio_shortlist_p95_warm_to_sql_p95": ratio(
            median["shortlist_warm"]["p95_ms"], median["sql"]["p95_ms"]
        )
        if median
        else None,
        "ratio_shortlist_p95_cold_to_sql_p95": ratio(
            median["shortlist_cold"]["p95_ms"], median["sql"]["p95_ms"]
        )
        if median
        else None,
        "ratio_shortlist_p95_warm_to_healthz_p95": ratio(
            median["shortlist_warm"]["p95_ms"], median["healthz"]["p95_ms"]
        )
        if median
        else None,
        "ratio_server_cpu_per_request_shortlist_warm_to_sql": ratio(
            median["shortlist_warm"]["server_cpu_ms_per_request"], median["sql"]["server_cpu_ms_per_request"]
        )
        if median
        else None,
        "ratio_assignment_to_lsa_warm": ratio(
            scheme_round["assignment_warm_median_s"], scheme_round["lsa_warm_median_s"]
        )
        if scheme_round
        else None,
        "ratio_assignment_to_lsa_cold": ratio(scheme_round["assignment_cold_s"], scheme_round["lsa_cold_s"])
        if scheme_round
        else None,
        "round_totals_equal": scheme_round["totals_equal"] if scheme_round else None,
        "shortlist_p95_ms_cold": median["shortlist_cold"]["p95_ms"] if median else None,
        "shortlist_p95_ms_warm": median["shortlist_warm"]["p95_ms"] if median else None,
        "shortlist_p95_ms_computed": median["shortlist_computed"]["p95_ms"] if median else None,
        "server_cpu_ms_per_request": {
            name: round(median[name]["server_cpu_ms_per_request"], 2) for name in median
        }
        if median
        else None,
        "sql_p95_ms": median["sql"]["p95_ms"] if median else None,
        "healthz_p95_ms": median["healthz"]["p95_ms"] if median else None,
        "target_shortlist_p95_ms_at_most": 150.0,
        "shortlist_in_process": inprocess,
        "http": http,
        "round": scheme_round,
        "workers": seeded["workers_total"],
        "setup_s": {
            key: seeded.get(key) for key in ("migrate_s", "seed_s", "seed_cpu_s", "eligibility_refresh_s")
        },
        "shortlist_job_orders": len(seeded["shortlist_job_orders"]),
        "seed": SEED,
        "versions": {
            "python": platform.python_version(),
            "numpy": numpy.__version__,
            "scipy": scipy.__version__,
        },
        "cpu_count": os.cpu_count(),
        "load_average_before": load_before,
        "load_average_after": load_average(),
    }
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
