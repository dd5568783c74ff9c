"""Benchmark: a request's shortlist among many experts, migdev beside the same query in raw SQL, in one run.

    python3 run.py bench diaspora [--experts 50000] [--requests 5000] [--clients 20] [--queries 100]
                                  [--seed 2006]

A throw-away data directory gets the migrations, one programme with its officer, ``--experts`` experts (all in
that programme, so the officer's pool is the whole roster: the worst case) and ``--requests`` approved
requests from 50 host institutions, generated with a fixed seed: skills drawn from a synthetic taxonomy
(2,000 skills, 200 occupations of 12 essential skills each: loading the real ESCO takes minutes and adds
nothing to what is timed), languages with CEFR levels, modalities, one or two availability windows, days on
site and hours online. A quarter of the sectors are the country's priorities.

``--queries`` requests drawn with the seed are shortlisted by ``--clients`` concurrent clients: a pool of
that many processes forked after the data is written (each with its own database connection), first on a
fresh pool (cold: nothing cached, the skills matcher built on first use in each process) and then again on
the same pool (warm).

* migdev: the shortlist API operation's function (``diaspora.api.get_shortlist``: scope check, pool of the
  officer's experts, hard requirements with the reason for each excluded expert, the skills engine's
  explained scores, top 20), called with the officer's request; no HTTP.
* peer: one raw SQL statement on the same SQLite database doing the same filtering (consent, modality,
  language at the minimum level, a window overlapping the dates, days on site / hours online) and a linear
  score (exact skill overlap, same occupation, language, experience, days available, priority sector, with
  the same weights), top 20. It explains nothing and knows no related skills: it is the floor of what the
  database alone does.

Reports p50/p95/p99 per system, cold and warm, and how many of the SQL top-20 experts migdev's top 20
shares. Benchmarks are not tests. The last line printed is JSON, ratios first.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import platform
import random
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
BASE = date(2027, 1, 1)
LEVELS = ["A1", "A2", "B1", "B2", "C1", "C2"]
LANGUAGES = ["fr", "en", "ar", "pt", "es", "so", "sw"]
SECTORS = ["health", "education", "digital", "agriculture", "governance", "finance", "infrastructure"]
MODALITIES = ["on_site", "online", "permanent_return"]
SKILL = "http://data.europa.eu/esco/skill/bench-{:05d}"
OCCUPATION = "http://data.europa.eu/esco/occupation/bench-{:04d}"
N_SKILLS, N_OCCUPATIONS, PER_OCCUPATION = 2000, 200, 12

SQL = """
WITH wanted(uri) AS (SELECT value FROM json_each(%(skills)s))
SELECT e.id,
  0.7 * (
      0.6 * (SELECT count(*) FROM json_each(e.skill_uris) s WHERE s.value IN (SELECT uri FROM wanted))
          / max(1, (SELECT count(*) FROM wanted))
    + 0.15 * EXISTS (SELECT 1 FROM json_each(e.occupation_uris) o WHERE o.value = %(occupation)s)
    + 0.15
    + 0.1 * min(1.0, e.years_experience * 1.0 / max(1, %(years)s))
  )
  + 0.2 * min(1.0, (
      SELECT coalesce(max(julianday(min(w.ends_on, %(ends)s)) - julianday(max(w.starts_on, %(starts)s)) + 1), 0)
      FROM diaspora_availabilitywindow w WHERE w.expert_id = e.id
    ) / %(period)s)
  + 0.1 * %(priority)s AS score
FROM diaspora_expert e
WHERE e.group_id = %(group)s AND e.status = 'active'
  AND e.consent_processing_at IS NOT NULL AND e.consent_processing_withdrawn_at IS NULL
  AND EXISTS (SELECT 1 FROM json_each(e.modalities) m WHERE m.value = %(modality)s)
  AND EXISTS (
    SELECT 1 FROM json_each(e.languages) l
    WHERE json_extract(l.value, '$.code') = %(language)s
      AND (CASE json_extract(l.value, '$.level') WHEN 'A1' THEN 1 WHEN 'A2' THEN 2 WHEN 'B1' THEN 3
           WHEN 'B2' THEN 4 WHEN 'C1' THEN 5 WHEN 'C2' THEN 6 ELSE 0 END) >= %(rank)s)
  AND EXISTS (
    SELECT 1 FROM diaspora_availabilitywindow w
    WHERE w.expert_id = e.id AND w.starts_on <= %(ends)s AND w.ends_on >= %(starts)s)
  AND (%(modality)s != 'on_site' OR e.days_on_site_per_year >= %(days)s)
  AND (%(modality)s != 'online' OR e.hours_online_per_week > 0)
ORDER BY score DESC, e.id
LIMIT 20
"""

_STATE: dict[str, Any] = {}


def build(args: argparse.Namespace) -> tuple[int, list[int]]:
    """Write the synthetic roster and requests; return the officer's id and the requests to shortlist."""
    from django.db import transaction

    from migdev.accounts.models import Organisation, RoleDefinition, User, UserGroup
    from migdev.diaspora.models import (
        AvailabilityWindow,
        DiasporaOffice,
        Expert,
        HostInstitution,
        PrioritySector,
        Request,
    )
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
    return officer.pk, chosen


def _now() -> Any:
    from django.utils import timezone

    return timezone.now()


def _init(officer_id: int) -> None:
    from django.db import connections

    connections.close_all()  # each process opens its own connection
    _STATE["officer_id"] = officer_id


def _officer() -> Any:
    from migdev.accounts.models import User

    if "officer" not in _STATE:
        _STATE["officer"] = User.objects.get(pk=_STATE["officer_id"])
    return _STATE["officer"]


def run_migdev(request_id: int) -> tuple[float, list[int]]:
    from django.test import RequestFactory

    from migdev.diaspora import api

    http = RequestFactory().get(f"/api/v1/diaspora/requests/{request_id}/shortlist")
    http.user = _officer()
    started = time.perf_counter()
    answer = api.get_shortlist(http, request_id)
    elapsed = time.perf_counter() - started
    return elapsed, [int(c["reference"].removeprefix("EXP-")) for c in answer["candidates"]]


def run_sql(request_id: int) -> tuple[float, list[int]]:
    from django.db import connection

    from migdev.diaspora.matching import is_priority_sector
    from migdev.diaspora.models import LEVEL_RANK, Request

    started = time.perf_counter()
    row = Request.objects.select_related("host").get(pk=request_id)
    params: dict[str, Any] = {
        "skills": json.dumps(row.skill_uris),
        "occupation": row.occupation_uri,
        "years": row.years_experience_wanted,
        "starts": row.starts_on.isoformat(),
        "ends": row.ends_on.isoformat(),
        "period": (row.ends_on - row.starts_on).days + 1,
        "priority": 1 if is_priority_sector(row) else 0,
        "group": row.group_id,
        "modality": row.modality,
        "language": row.language,
        "rank": LEVEL_RANK[row.language_level],
        "days": min(row.duration_days, 365),
    }
    with connection.cursor() as cursor:
        cursor.execute(SQL, params)
        found = [pk for pk, _score in cursor.fetchall()]
    return time.perf_counter() - started, found


RUNNERS = {"migdev": run_migdev, "raw_sql": run_sql}


def _timed(job: tuple[str, int]) -> tuple[float, list[int]]:
    system, request_id = job
    return RUNNERS[system](request_id)


def percentiles(times: list[float]) -> dict[str, float]:
    ordered = sorted(times)

    def at(share: float) -> float:
        return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))] * 1000

    return {"p50_ms": round(at(0.5), 1), "p95_ms": round(at(0.95), 1), "p99_ms": round(at(0.99), 1)}


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--experts", type=int, default=50_000)
    parser.add_argument("--requests", type=int, default=5_000)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--queries", type=int, default=100)
    parser.add_argument("--seed", type=int, default=2006)
    args = parser.parse_args()

    data_dir = tempfile.mkdtemp(prefix="migdev-bench-diaspora-")
    os.environ["MIGDEV_DATA_DIR"] = data_dir
    os.environ.pop("DATABASE_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "migdev.settings")
    sys.path.insert(0, str(ROOT / "src"))
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connections

    print(f"migrating a fresh SQLite database in {data_dir} ...", flush=True)
    call_command("migrate", verbosity=0)
    officer_id, chosen = build(args)
    connections.close_all()

    figures: dict[str, Any] = {}
    tops: dict[str, list[list[int]]] = {}
    context = multiprocessing.get_context("fork")
    for system in ("migdev", "raw_sql"):
        with context.Pool(args.clients, initializer=_init, initargs=(officer_id,)) as pool:
            runs = {}
            for phase in ("cold", "warm"):
                started = time.perf_counter()
                results = pool.map(_timed, [(system, pk) for pk in chosen], chunksize=1)
                wall = time.perf_counter() - started
                runs[phase] = {
                    **percentiles([elapsed for elapsed, _top in results]),
                    "queries_per_s": round(len(chosen) / wall, 1),
                }
                print(f"{system} {phase}: {runs[phase]}", flush=True)
            tops[system] = [top for _elapsed, top in results]
            figures[system] = runs
    shared = [
        len(set(ours) & set(theirs)) / len(theirs)
        for ours, theirs in zip(tops["migdev"], tops["raw_sql"], strict=True)
        if theirs
    ]
    warm_ratio = figures["migdev"]["warm"]["p95_ms"] / max(figures["raw_sql"]["warm"]["p95_ms"], 0.001)
    cold_ratio = figures["migdev"]["cold"]["p95_ms"] / max(figures["raw_sql"]["cold"]["p95_ms"], 0.001)
    summary = {
        "ratio_p95_migdev_over_sql_warm": round(warm_ratio, 2),
        "ratio_p95_migdev_over_sql_cold": round(cold_ratio, 2),
        "target_p95_ms": 150,
        "migdev_warm_p95_meets_target": figures["migdev"]["warm"]["p95_ms"] <= 150,
        "migdev": figures["migdev"],
        "raw_sql": figures["raw_sql"],
        "top20_shared_with_sql_median": round(statistics.median(shared), 3) if shared else None,
        "experts": args.experts,
        "requests": args.requests,
        "queries": len(chosen),
        "clients": args.clients,
        "seed": args.seed,
        "database": "sqlite",
        "cpus": os.cpu_count(),
        "load_average": [round(x, 2) for x in os.getloadavg()],
        "python": platform.python_version(),
    }
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
