"""Benchmark: a request's shortlist among many experts, migdev beside the same query in raw SQL, in one run.

    python3 run.py bench diaspora [--experts 50000] [--requests 5000] [--clients 20] [--seconds 10]
                                  [--rounds 1] [--workers 5] [--worker-class sync] [--threads 1]
                                  [--queries 400] [--seed 2006] [--data-dir DIR]

A throw-away data directory gets the migrations, one programme with its officer (and the officer's API
token), ``--experts`` experts (all in that programme, so the officer's pool is the whole roster: the worst
case) and ``--requests`` approved requests from 50 host institutions, generated with a fixed seed: skills
drawn from a synthetic taxonomy (2,000 skills, 200 occupations of 12 essential skills each: loading the real
ESCO takes minutes and adds nothing to what is timed), languages with CEFR levels, modalities, one or two
availability windows, days on site and hours online. A quarter of the sectors are the country's priorities.

Both systems are served by the same gunicorn (``migdev.gunicorn_conf``, ``--workers`` sync workers, the
documented production default of docs/operations.md, or ``--worker-class gthread`` × ``--threads``; SQLite;
the API's shared rate limit, ADR 0013) and loaded by the same wrk (one thread, ``--clients`` keep-alive
connections, ``--seconds`` a phase, cycling through ``--queries`` request ids drawn with the seed, the
officer's bearer token). Until 2026-12-07 it served with 5 gthread workers × 2 threads: a gthread worker takes
most of wrk's connections for itself and serves them on one interpreter lock (docs/operations.md), which put
/healthz's p95 near 900 ms in the same run. Each phase also gives the server's CPU milliseconds per request
(user + system of gunicorn's processes, from /proc: the figure least moved by other work on the machine):

* migdev: ``GET /api/v1/diaspora/requests/{id}/shortlist``, the API operation officers and hosts use (scope
  check, the roster's match data each worker keeps against the roster revision in the database, hard
  requirements and counts of experts left out per requirement over it, the skills engine's explained
  scores over those who meet every requirement, top 20 loaded without encrypted fields). Cold: each worker
  reads the whole roster on its first shortlist;
* migdev_computed: the same operation on a server started with ``MIGDEV_KEPT_ANSWERS=0``: every shortlist
  computed (ADR 0014 keeps them in the database; before each server the kept answers are emptied, so
  migdev's cold phase computes each request's first shortlist; before its warm phase every request is
  asked once, so that phase reads kept ones);
* peer: ``GET /bench/diaspora/requests/{id}/sql-shortlist`` (bench/diaspora_bench_urls.py), a django-ninja
  operation with the same authentication and throttles running two raw SQL statements on the same tables
  and indexes (counts per requirement, and the top 20 by a linear score). It explains nothing and knows no
  related skills: the floor of what the database alone does;
* /healthz on the same server: the cheapest Django request, the physical limit under the same load.

Each round starts a fresh server per system (cold: the first ``--seconds``, with the skills matcher built on
first use in each worker; warm: the next ``--seconds``; every phase starts once the server has
answered all the previous phase's requests); the order of the systems alternates between
rounds. Before timing, a sample of requests is fetched from both and checked: every answer 200, the same
counts of experts considered and left out, and the share of the SQL top 20 that migdev's top 20 holds.
Medians over rounds; load average before and after. Benchmarks are not tests. The last line printed is
JSON, ratios first.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pageload  # bench/pageload.py, next to this file: the page benchmarks' server options

ROOT = Path(__file__).resolve().parents[1]
BASE = date(2027, 1, 1)
LEVELS = ["A1", "A2", "B1", "B2", "C1", "C2"]
LANGUAGES = ["fr", "en", "ar", "pt", "es", "so", "sw"]
SECTORS = ["health", "education", "digital", "agriculture", "governance", "finance", "infrastructure"]
MODALITIES = ["on_site", "online", "permanent_return"]
SKILL = "http://data.europa.eu/esco/skill/bench-{:05d}"
OCCUPATION = "http://data.europa.eu/esco/occupation/bench-{:04d}"
N_SKILLS, N_OCCUPATIONS, PER_OCCUPATION = 2000, 200, 12


def build(args: argparse.Namespace) -> tuple[str, list[int]]:
    """Write the synthetic roster and requests; return the officer's API token and the requests to shortlist."""
    from django.db import transaction

    from migdev.accounts.models import Organisation, RoleDefinition, User, UserGroup
    from migdev.accounts.services import api_token_create
    from migdev.diaspora.models import (
        AvailabilityWindow,
        DiasporaOffice,
        Expert,
        HostInstitution,
        PrioritySector,
        Request,
    )
    from migdev.diaspora.services import refresh_match_columns
    from migdev.skills.models import Occupation, OccupationSkill, Skill, TaxonomyEdition

    rng = random.Random(args.seed)
    started = time.perf_counter()
    with transaction.atomic():
        edition = TaxonomyEdition.objects.create(taxonomy="esco", version="bench-synthetic", is_current=True)
        skills = Skill.objects.bulk_create(
            Skill(edition=edition, uri=SKILL.format(i), label_en=f"skill {i}") for i in range(N_SKILLS)
        )
        occupations = Occupation.objects.bulk_create(
            Occupation(
                edition=edition,
                uri=OCCUPATION.format(i),
                code=f"{1000 + i}.1",
                isco_code=str(1000 + i),
                label_en=f"occupation {i}",
            )
            for i in range(N_OCCUPATIONS)
        )
        profile = {occupation.uri: rng.sample(range(N_SKILLS), PER_OCCUPATION) for occupation in occupations}
        OccupationSkill.objects.bulk_create(
            OccupationSkill(
                edition=edition, occupation=occupation, skill=skills[i], relation_type="essential"
            )
            for occupation in occupations
            for i in profile[occupation.uri]
        )
        programme = UserGroup.objects.create(name="Bench programme")
        officer = User.objects.create_user(username="bench_officer", password=None)
        officer.roles.set(RoleDefinition.objects.filter(code="programme_officer"))
        officer.user_groups.set([programme])
        countries = ["SEN", "MLI", "GHA", "NGA", "SOM"]
        hosts = []
        for n in range(50):
            organisation = Organisation.objects.create(
                name=f"Bench host {n}", kind=Organisation.Kind.GOVERNMENT
            )
            hosts.append(
                HostInstitution.objects.create(
                    organisation=organisation, country=countries[n % 5], sector=SECTORS[n % len(SECTORS)]
                )
            )
        for country in countries:
            office_org = Organisation.objects.create(name=f"Bench office {country}", kind="government")
            office = DiasporaOffice.objects.create(organisation=office_org, country=country)
            for sector in rng.sample(SECTORS, 2):
                PrioritySector.objects.create(office=office, sector=sector)
        uris = list(profile)
        experts = []
        for n in range(args.experts):
            occupation = rng.choice(uris)
            own = rng.sample(profile[occupation], rng.randint(5, 10))
            extra = rng.sample(range(N_SKILLS), rng.randint(0, 3))
            experts.append(
                Expert(
                    group=programme,
                    given_name=f"Given{n}",
                    family_name=f"Family{n}",
                    email=f"expert{n}@example.org",
                    country_of_origin=rng.choice(countries),
                    country_of_residence=rng.choice(["FRA", "ITA", "USA", "GBR", "DEU", "CAN"]),
                    languages=[
                        {"code": code, "level": rng.choice(LEVELS[2:])}
                        for code in rng.sample(LANGUAGES, rng.randint(1, 3))
                    ],
                    occupation_uris=[occupation],
                    skill_uris=[SKILL.format(i) for i in dict.fromkeys(own + extra)],
                    sectors=rng.sample(SECTORS, rng.randint(1, 2)),
                    years_experience=rng.randint(1, 30),
                    days_on_site_per_year=rng.choice([0, 15, 30, 60, 90]),
                    hours_online_per_week=rng.choice([0, 2, 5, 10]),
                    modalities=rng.sample(MODALITIES, rng.randint(1, 3)),
                    consent_processing_at=_now(),
                )
            )
        experts = Expert.objects.bulk_create(experts, batch_size=2000)
        windows = []
        for expert in experts:
            for _ in range(rng.randint(1, 2)):
                first = BASE + timedelta(days=rng.randint(0, 330))
                windows.append(
                    AvailabilityWindow(
                        expert=expert, starts_on=first, ends_on=first + timedelta(days=rng.randint(14, 180))
                    )
                )
        AvailabilityWindow.objects.bulk_create(windows, batch_size=5000)
        # What services.expert_create writes for each expert: the columns the shortlist filters on.
        refresh_match_columns([expert.pk for expert in experts])
        requests = []
        for n in range(args.requests):
            occupation = rng.choice(uris)
            starts = BASE + timedelta(days=rng.randint(0, 300))
            modality = rng.choice(MODALITIES)
            duration = rng.choice([10, 14, 21, 30]) if modality != "permanent_return" else 365
            requests.append(
                Request(
                    host=hosts[n % len(hosts)],
                    group=programme,
                    title=f"Bench request {n}",
                    objectives="Bench objectives",
                    skill_uris=[SKILL.format(i) for i in rng.sample(profile[occupation], rng.randint(3, 6))],
                    occupation_uri=occupation,
                    sector=rng.choice(SECTORS),
                    modality=modality,
                    duration_days=duration,
                    starts_on=starts,
                    ends_on=starts + timedelta(days=max(duration, 30)),
                    language=rng.choice(LANGUAGES[:3]),
                    language_level=rng.choice(["B1", "B2", "C1"]),
                    years_experience_wanted=rng.choice([0, 5, 10]),
                    status=Request.Status.APPROVED,
                    approved_at=_now(),
                )
            )
        requests = Request.objects.bulk_create(requests, batch_size=2000)
    print(
        f"{args.experts} experts, {len(windows)} windows, {args.requests} approved requests written in "
        f"{time.perf_counter() - started:.0f} s",
        flush=True,
    )
    chosen = rng.sample([r.pk for r in requests], min(args.queries, len(requests)))
    _token, raw = api_token_create(user=officer, name="bench")
    return raw, chosen


def _now() -> Any:
    from django.utils import timezone

    return timezone.now()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _fetch(port: int, path: str, token: str) -> tuple[int, Any]:
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}{path}", headers={"Authorization": f"Bearer {token}"}
    )
    try:
        with urllib.request.urlopen(request, timeout=600) as answer:
            return answer.status, json.loads(answer.read())
    except urllib.error.HTTPError as error:
        return error.code, None
    except (urllib.error.URLError, ConnectionError):
        return 0, None


def _load_average() -> list[float]:
    return [round(value, 2) for value in os.getloadavg()]


def _key(data_dir: str, name: str) -> str:
    return (Path(data_dir) / name).read_text(encoding="utf-8").strip()


class Server:
    """A freshly started gunicorn serving the platform and the peer, as docs/operations.md starts it."""

    def __init__(self, data_dir: str, args: argparse.Namespace, *, keep_answers: bool = True) -> None:
        self.port = args.port or _free_port()
        env = {
            **os.environ,
            "MIGDEV_DATA_DIR": data_dir,
            "PYTHONPATH": f"{ROOT / 'src'}{os.pathsep}{ROOT / 'bench'}",
            "DJANGO_SETTINGS_MODULE": "diaspora_bench_settings",
            "DATABASE_CONN_MAX_AGE": "60",
            # Served as in production (docs/operations.md): DEBUG off (with DEBUG on, Django also times,
            # formats and keeps every SQL statement), the keys the roster was written with given in the
            # environment (the development key files the seeding process made in the data directory).
            "MIGDEV_DEBUG": "0",
            "SECRET_KEY": _key(data_dir, "secret_key"),
            "MIGDEV_FIELD_KEYS": _key(data_dir, "field_key"),
            "MIGDEV_BLIND_INDEX_KEY": _key(data_dir, "blind_index_key"),
            "ALLOWED_HOSTS": "127.0.0.1",
            "SECURE_SSL_REDIRECT": "0",
            "LOG_LEVEL": "ERROR",
            # One client under test: the per-user limit would turn most answers into 429s. The throttle
            # still runs (and writes its shared counter) on both systems' requests.
            "API_RATE_LIMIT_PER_MINUTE": str(10**9),
            # Off: every shortlist computed (ADR 0014), the figure before answers were kept.
            "MIGDEV_KEPT_ANSWERS": "1" if keep_answers else "0",
        }
        env.pop("DATABASE_URL", None)
        command = [
            sys.executable,
            "-m",
            "gunicorn",
            "migdev.wsgi:application",
            "-c",
            "python:migdev.gunicorn_conf",
            "--bind",
            f"127.0.0.1:{self.port}",
            "--workers",
            str(args.workers),
            "--worker-class",
            args.worker_class,
            *(["--threads", str(args.threads)] if args.worker_class == "gthread" else []),
            "--timeout",
            "600",
            "--log-level",
            "error",
        ]
        self.process = subprocess.Popen(
            command, env=env, cwd=data_dir, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        deadline = time.monotonic() + 300
        while _fetch(self.port, "/healthz", "")[0] != 200:
            if time.monotonic() > deadline or self.process.poll() is not None:
                self.stop()
                raise RuntimeError("the benchmark's server did not start")
            time.sleep(0.3)
        time.sleep(1)  # every worker forked

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=60)


def _wrk(
    port: int, paths: list[str], token: str, clients: int, seconds: float, server_pid: int
) -> dict[str, Any]:
    cpu_before = pageload.server_cpu_seconds(server_pid)
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
                str(ROOT / "bench" / "diaspora_paths.lua"),
                f"http://127.0.0.1:{port}",
            ],
            env={**os.environ, "WRK_PATHS": listing.name, "WRK_TOKEN": token},
            capture_output=True,
            text=True,
            check=True,
        )
    line = next(x for x in completed.stdout.splitlines() if x.startswith("WRK "))
    result: dict[str, Any] = json.loads(line[4:])
    result["requests_per_s"] = round(result["requests"] / result["duration_s"], 1)
    # Measured once the server has answered what wrk left in flight, so every request's CPU is in it.
    _drain(port)
    used = pageload.server_cpu_seconds(server_pid) - cpu_before
    result["server_cpu_ms_per_request"] = round(used * 1000 / max(1, result["requests"]), 2)
    return result


def _drain(port: int, limit_s: float = 300) -> float:
    """Wait until the server has finished the previous phase's requests (wrk stops sending, but what it
    sent is still being answered): a /healthz answered within half a second means the queues are empty.
    Without it, one phase's backlog is timed in the next. Returns the seconds waited."""
    started = time.monotonic()
    while time.monotonic() - started < limit_s:
        asked = time.monotonic()
        _fetch(port, "/healthz", "")
        if time.monotonic() - asked < 0.5:
            break
    return round(time.monotonic() - started, 1)


PATHS = {
    "migdev": "/api/v1/diaspora/requests/{}/shortlist",
    "migdev_computed": "/api/v1/diaspora/requests/{}/shortlist",
    "raw_sql": "/bench/diaspora/requests/{}/sql-shortlist",
}


def _check(port: int, token: str, chosen: list[int]) -> dict[str, Any]:
    """Both systems answer the same sample: 200, the same counts, and how much the top 20s share."""
    shared, same_counts, checked = [], 0, 0
    for request_id in chosen[:20]:
        status_ours, ours = _fetch(port, PATHS["migdev"].format(request_id), token)
        status_theirs, theirs = _fetch(port, PATHS["raw_sql"].format(request_id), token)
        if status_ours != 200 or status_theirs != 200:
            raise RuntimeError(f"request {request_id}: HTTP {status_ours} (migdev), {status_theirs} (SQL)")
        checked += 1
        ours_reasons = dict(ours["excluded"])
        # migdev names the time requirement after the modality; the peer calls both "time".
        time_failures = ours_reasons.pop("days_on_site", 0) + ours_reasons.pop("hours_online", 0)
        if time_failures:
            ours_reasons["time"] = time_failures
        if ours["considered"] == theirs["considered"] and ours_reasons == theirs["excluded"]:
            same_counts += 1
        top_ours = {c["reference"] for c in ours["candidates"]}
        top_theirs = {c["reference"] for c in theirs["candidates"]}
        if top_theirs:
            shared.append(len(top_ours & top_theirs) / len(top_theirs))
    return {
        "checked": checked,
        "same_exclusion_counts": same_counts,
        "top20_shared_with_sql_median": round(statistics.median(shared), 3) if shared else None,
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--experts", type=int, default=50_000)
    parser.add_argument("--requests", type=int, default=5_000)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--workers", type=int, default=5, help="gunicorn worker processes")
    pageload.add_server_arguments(parser)
    parser.add_argument("--queries", type=int, default=400)
    parser.add_argument("--seed", type=int, default=2006)
    parser.add_argument("--port", type=int, default=0, help="the servers' port (default: a free one)")
    parser.add_argument(
        "--data-dir",
        help="keep the seeded directory here and reuse it when it holds the same sizes and seed (migrated "
        "again by the code measured); default: a throw-away one",
    )
    parser.add_argument(
        "--seed-only", action="store_true", help="with --data-dir: write the roster there and stop"
    )
    args = parser.parse_args()
    if args.seed_only and not args.data_dir:
        sys.exit("--seed-only keeps the roster in --data-dir DIR: give one.")
    if shutil.which("wrk") is None:
        sys.exit("wrk is needed (apt-get install wrk).")
    load_before = _load_average()

    data_dir = args.data_dir or tempfile.mkdtemp(prefix="migdev-bench-diaspora-")
    Path(data_dir).mkdir(parents=True, exist_ok=True)
    os.environ["MIGDEV_DATA_DIR"] = data_dir
    os.environ["MIGDEV_DEBUG"] = "1"  # the seeding process keeps its keys in the data directory's files
    os.environ.pop("DATABASE_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "migdev.settings")
    sys.path.insert(0, str(ROOT / "src"))
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connections

    from migdev.core.kept import forget

    seeded_file = Path(data_dir) / "bench-seeded.json"
    sizes = {"experts": args.experts, "requests": args.requests, "seed": args.seed, "queries": args.queries}
    seeded = json.loads(seeded_file.read_text()) if args.data_dir and seeded_file.exists() else {}
    print(f"migrating the SQLite database in {data_dir} ...", flush=True)
    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)
    if seeded.get("sizes") == sizes:
        token, chosen = seeded["token"], seeded["chosen"]
        print(f"reusing the roster seeded in {data_dir}", flush=True)
    else:
        if seeded:
            sys.exit(f"{data_dir} holds another roster ({seeded.get('sizes')}); give another --data-dir.")
        token, chosen = build(args)
        if args.data_dir:
            seeded_file.write_text(json.dumps({"sizes": sizes, "token": token, "chosen": chosen}))
    connections.close_all()
    if args.seed_only:
        return

    runs: dict[str, list[dict[str, Any]]] = {
        name: []
        for name in (
            "migdev_cold",
            "migdev_warm",
            "migdev_computed_cold",
            "migdev_computed_warm",
            "raw_sql_cold",
            "raw_sql_warm",
            "healthz",
        )
    }
    check: dict[str, Any] = {}
    try:
        for round_number in range(args.rounds):
            order = (
                ("migdev", "migdev_computed", "raw_sql")
                if round_number % 2 == 0
                else ("raw_sql", "migdev_computed", "migdev")
            )
            for system in order:
                # Kept answers emptied before every server: its cold phase computes each request's first
                # shortlist (ADR 0014).
                forget()
                connections.close_all()
                server = Server(data_dir, args, keep_answers=system != "migdev_computed")
                try:
                    paths = [PATHS[system].format(pk) for pk in chosen]
                    for phase in ("cold", "warm"):
                        _drain(server.port)
                        if phase == "warm" and system == "migdev":
                            # Warm means every request's shortlist kept: the cold phase may not have
                            # reached all of them (--queries of them, cycled in order).
                            for path in paths:
                                _fetch(server.port, path, token)
                        result = _wrk(
                            server.port, paths, token, args.clients, args.seconds, server.process.pid
                        )
                        runs[f"{system}_{phase}"].append(result)
                        print(f"round {round_number + 1} {system} {phase}: {result}", flush=True)
                    if system == "raw_sql":
                        _drain(server.port)
                        result = _wrk(
                            server.port, ["/healthz"], token, args.clients, args.seconds, server.process.pid
                        )
                        runs["healthz"].append(result)
                        print(f"round {round_number + 1} healthz: {result}", flush=True)
                    if not check and system == order[-1]:
                        _drain(server.port)
                        check = _check(server.port, token, chosen)
                        print(f"answers checked: {check}", flush=True)
                finally:
                    server.stop()
    finally:
        if not args.data_dir:
            shutil.rmtree(data_dir, ignore_errors=True)

    def median(name: str, key: str) -> float:
        return round(statistics.median(run[key] for run in runs[name]), 1)

    figures = {
        name: {
            key: median(name, key)
            for key in ("p50_ms", "p95_ms", "p99_ms", "requests_per_s", "server_cpu_ms_per_request")
        }
        | {"errors": sum(run["http_errors"] + run["socket_errors"] for run in runs[name])}
        for name in runs
    }

    def timed(name: str) -> bool:
        # A phase in which no answer came back has no latency (wrk reports 0 ms): never a ratio or a pass.
        return all(run["requests"] > 0 for run in runs[name]) and bool(runs[name])

    def ratio(a: str, b: str) -> float | None:
        if not (timed(a) and timed(b)):
            return None
        return round(figures[a]["p95_ms"] / max(figures[b]["p95_ms"], 0.001), 2)

    summary = {
        "ratio_p95_migdev_over_sql_warm": ratio("migdev_warm", "raw_sql_warm"),
        "ratio_p95_migdev_over_sql_cold": ratio("migdev_cold", "raw_sql_cold"),
        "ratio_p95_migdev_warm_over_healthz": ratio("migdev_warm", "healthz"),
        "ratio_p95_migdev_computed_over_sql_warm": ratio("migdev_computed_warm", "raw_sql_warm"),
        "ratio_server_cpu_per_request_migdev_over_sql_warm": round(
            figures["migdev_warm"]["server_cpu_ms_per_request"]
            / max(figures["raw_sql_warm"]["server_cpu_ms_per_request"], 0.001),
            2,
        )
        if timed("migdev_warm") and timed("raw_sql_warm")
        else None,
        "target_p95_ms": 150,
        "migdev_warm_p95_meets_target": timed("migdev_warm") and figures["migdev_warm"]["p95_ms"] <= 150,
        **figures,
        **check,
        "experts": args.experts,
        "requests": args.requests,
        "queries": len(chosen),
        "clients": args.clients,
        "seconds_per_phase": args.seconds,
        "rounds": args.rounds,
        "server": f"gunicorn -c python:migdev.gunicorn_conf, {args.workers} {args.worker_class} workers"
        + (f" × {args.threads} threads" if args.worker_class == "gthread" else "")
        + ", SQLite",
        "load_generator": "wrk -t1, keep-alive connections",
        "seed": args.seed,
        "cpus": os.cpu_count(),
        "load_average_before": load_before,
        "load_average_after": _load_average(),
        "python": platform.python_version(),
    }
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
