"""Benchmark: the skills module's search, ranking, placement and evaluation beside their peers, in one run.

    python3 run.py bench skills [--people 100000] [--openings 10000] [--repeats 3] [--requests 3000]
                                [--clients 20] [--seconds 4] [--rounds 3] [--workers 3] [--worker-class sync]
                                [--threads 1] [--skip-database] [--skip-evaluation] [--only-search]

(1) Search: a throw-away data directory gets the migrations and the shipped ESCO v1.2.0 taxonomy, served by
    gunicorn (migdev.gunicorn_conf; --workers/--worker-class/--threads). wrk (one thread, ``--clients``
    keep-alive connections, ``--seconds`` a phase) loads, side by side on each of ``--rounds`` fresh servers:
    the search API cold (distinct job titles typed with typos, missing accents, other word order, cut-off
    words, one gender form; en/fr/es; fixed seed) and warm (the same again), /healthz (the physical limit of a
    Django request here) and the LIKE-scan peer (``icontains`` over the labels, bench/skills_bench_urls.py).
    Also in-process, search vs LIKE timed around the call in a pool of ``--clients`` processes forked after
    the index was built (no GIL shared). Reports p50/p95/p99, requests/s, the first call and Acc@1.
(2) Ranking: ``--people`` people and ``--openings`` openings generated from the ESCO occupation-skill relations
    (a person holds 15-40 % of an occupation's skills and 0-3 others; an opening asks for 40-80 % of an
    occupation's essential skills and some optional ones) with ISCO codes, CEFR levels in 5 languages,
    experience, birth and availability dates, countries; top 20 openings per person among pairs with a
    skill in common that pass the hard requirements. migdev's engine (scipy sparse products over chunks,
    pair arrays, one sort) beside pandas (merge on skill, group-by person and opening, the same component
    formulas and filters, sort and head(20)) over the same chunks. Both must give the same top 20.
    Times: the first run (cold) and the median of the following ``--repeats`` (warm); peak memory of one
    run of each under tracemalloc (numpy and pandas allocations are traced).
(3) Placement: 5,000 people into 1,000 openings × 5 places (scores and eligibility from the engine):
    ``place_optimal`` beside ``scipy.optimize.linear_sum_assignment`` on the expanded 5,000 × 5,000 matrix
    (ineligible cells 0); the totals must be equal. Also deferred acceptance and the score it gives up.
(4) Evaluation: ``migdev skills evaluate`` figures (engine, plain and strong baselines) in the same data dir.

Benchmarks are not tests. The last line printed is JSON, ratios first.
"""

from __future__ import annotations

import argparse
import base64
import gc
import http.client
import importlib
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import tracemalloc
import urllib.parse
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import scipy
import scipy.sparse as sp

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "migdev.settings")

from migdev.skills import compact  # noqa: E402
from migdev.skills.matching import (  # noqa: E402
    UNKNOWN,
    ComponentWeights,
    Openings,
    People,
    Requirements,
    people_matrix,
    rank_matches,
    score_matrix,
)
from migdev.skills.placement import place_optimal, place_stable  # noqa: E402

# bench/pageload.py: the loopback HTTP helpers the page benchmarks share (free_port, wait_for), loaded by name: bench/ is no package
_HTTP = importlib.import_module("pageload")


def _get(port: int, path: str) -> tuple[int, bytes]:
    """One GET on a fresh connection (the readiness probe and the in-process clients)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        connection.request("GET", path, headers={"Accept-Language": "en"})
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


SEED = 20261206
HTTP_DISTINCT_QUERIES = 12_000  # more than the cold phase can send in --seconds at any speed seen here
LANGUAGES = 5
COUNTRIES = 40
TOP_N = 20
DAY0 = 20454  # 2026-01-01
MIN_SKILL = 1e-9  # "at least one skill in common"


# --- synthetic population from ESCO ---------------------------------------------------------------------


def esco_structure() -> tuple[sp.csr_matrix, sp.csr_matrix, np.ndarray]:
    esco, _ = compact.read()
    occupation = {o["uri"]: i for i, o in enumerate(esco.occupations)}
    skills: dict[str, int] = {}
    rows, cols, essential = [], [], []
    for occ_uri, skill_uri, relation in esco.occupation_skills:
        rows.append(occupation[occ_uri])
        cols.append(skills.setdefault(skill_uri, len(skills)))
        essential.append(relation == "essential")
    r, c, e = np.array(rows), np.array(cols), np.array(essential)
    shape = (len(occupation), len(skills))
    ess = sp.csr_matrix((np.ones(e.sum()), (r[e], c[e])), shape=shape)
    opt = sp.csr_matrix((np.ones((~e).sum()), (r[~e], c[~e])), shape=shape)
    ess.data[:] = 1
    opt.data[:] = 1
    isco = np.array(
        [int(o["isco_code"]) if str(o.get("isco_code", "")).isdigit() else UNKNOWN for o in esco.occupations]
    )
    return ess.tocsr(), opt.tocsr(), isco


def _row(matrix: sp.csr_matrix, i: int) -> np.ndarray:
    return matrix.indices[matrix.indptr[i] : matrix.indptr[i + 1]]


def generate(n_people: int, n_openings: int, seed: int = SEED) -> tuple[People, Openings]:
    ess, opt, isco = esco_structure()
    n_occ, n_skills = ess.shape
    required = (ess + opt).tocsr()
    rng = np.random.default_rng(seed)
    person_occ = rng.integers(0, n_occ, n_people)
    lists = []
    for occ in person_occ:
        pool = _row(required, occ)
        k = max(1, int(round(rng.uniform(0.15, 0.4) * pool.size)))
        picked = list(rng.choice(pool, size=k, replace=False))
        picked += list(rng.integers(0, n_skills, int(rng.integers(0, 4))))
        lists.append(picked)
    skills = people_matrix(lists, n_skills)
    opening_occ = rng.integers(0, n_occ, n_openings)
    ess_lists: list[Any] = []
    opt_lists: list[Any] = []
    for occ in opening_occ:
        e, o = _row(ess, occ), _row(opt, occ)
        ess_lists.append(
            rng.choice(e, size=max(1, int(round(rng.uniform(0.4, 0.8) * e.size))), replace=False)
            if e.size
            else []
        )
        opt_lists.append(
            rng.choice(o, size=int(round(rng.uniform(0.0, 0.4) * o.size)), replace=False) if o.size else []
        )
    levels = rng.choice(7, size=(n_people, LANGUAGES), p=[0.55, 0.05, 0.08, 0.1, 0.1, 0.07, 0.05])
    levels[:, 0] = rng.integers(2, 7, n_people)  # everyone has some of the first language
    required_levels = np.zeros((n_openings, LANGUAGES), dtype=np.int64)
    lang = rng.integers(0, LANGUAGES, n_openings)
    asks = rng.random(n_openings) < 0.6
    required_levels[np.flatnonzero(asks), lang[asks]] = rng.integers(1, 4, asks.sum())
    preferred_levels = np.zeros((n_openings, LANGUAGES), dtype=np.int64)
    lang2 = rng.integers(0, LANGUAGES, n_openings)
    prefers = rng.random(n_openings) < 0.5
    preferred_levels[np.flatnonzero(prefers), lang2[prefers]] = rng.integers(2, 6, prefers.sum())
    willing_rows, willing_cols = [], []
    for person in range(n_people):
        if rng.random() < 0.3:
            continue  # anywhere
        for country in rng.choice(COUNTRIES, size=int(rng.integers(1, 6)), replace=False):
            willing_rows.append(person)
            willing_cols.append(country)
    countries = sp.csr_matrix(
        (
            np.ones(len(willing_rows)),
            (np.array(willing_rows, dtype=np.int64), np.array(willing_cols, dtype=np.int64)),
        ),
        shape=(n_people, COUNTRIES),
    )
    people = People(
        skills=skills,
        isco=np.where(rng.random(n_people) < 0.9, isco[person_occ], UNKNOWN),
        language_levels=levels.astype(np.int64),
        experience_years=np.round(rng.gamma(2.0, 3.0, n_people), 1),
        birth_day=np.where(
            rng.random(n_people) < 0.97, DAY0 - rng.integers(16 * 365, 60 * 365, n_people), UNKNOWN
        ),
        available_from=DAY0 + rng.integers(0, 200, n_people),
        available_to=np.where(rng.random(n_people) < 0.8, UNKNOWN, DAY0 + rng.integers(300, 900, n_people)),
        countries=countries,
    )
    openings = Openings(
        essential=people_matrix(ess_lists, n_skills),
        optional=people_matrix(opt_lists, n_skills),
        isco=isco[opening_occ],
        required_levels=required_levels,
        preferred_levels=preferred_levels,
        experience_years=rng.choice([0.0, 1.0, 2.0, 3.0, 5.0], n_openings),
        min_age=rng.choice([0.0, 18.0, 21.0], n_openings, p=[0.2, 0.7, 0.1]),
        country=rng.integers(0, COUNTRIES, n_openings),
        start_day=DAY0 + rng.integers(30, 365, n_openings),
        end_day=np.where(rng.random(n_openings) < 0.5, UNKNOWN, DAY0 + rng.integers(400, 800, n_openings)),
    )
    return people, openings


# --- (2) ranking: engine and pandas ----------------------------------------------------------------------


def run_engine(people: People, openings: Openings, chunk: int) -> tuple[np.ndarray, np.ndarray]:
    ranking = rank_matches(
        people, openings, top_n=TOP_N, requirements=Requirements(min_skill_score=MIN_SKILL), chunk_size=chunk
    )
    return ranking.index, ranking.score


def run_pandas(people: People, openings: Openings, chunk: int) -> tuple[np.ndarray, np.ndarray]:
    """The same scores with pandas: merge on skill, group-by (person, opening), then the components."""
    import pandas as pd  # type: ignore[import-untyped]

    w = ComponentWeights()
    ess = openings.essential.tocoo()
    opt = openings.optional.tocoo()
    opening_skills = pd.concat(
        [
            pd.DataFrame({"o": ess.row, "s": ess.col, "w": 1.0}),
            pd.DataFrame({"o": opt.row, "s": opt.col, "w": 0.3}),
        ]
    )
    # essential wins where a skill is listed both ways
    opening_skills = opening_skills.groupby(["o", "s"], as_index=False)["w"].max()
    totals = opening_skills.groupby("o")["w"].sum()
    opening_frame = pd.DataFrame(
        {
            "o": np.arange(openings.m),
            "o_isco": openings.isco,
            "o_total": totals.reindex(np.arange(openings.m), fill_value=0.0).to_numpy(),
            "o_years": openings.experience_years,
            "o_min_age": openings.min_age,
            "o_country": openings.country,
            "o_start": openings.start_day,
            "o_end": openings.end_day,
            **{f"o_req{lang}": openings.required_levels[:, lang] for lang in range(LANGUAGES)},
            **{f"o_pref{lang}": openings.preferred_levels[:, lang] for lang in range(LANGUAGES)},
        }
    )
    opening_frame["o_pref_count"] = (openings.preferred_levels > 0).sum(axis=1)
    # The last birth day that reaches the minimum age on the start day, by the calendar (as the engine:
    # an 18th birthday on the start day is 18; 29 February counts as 28 February in other years).
    start = pd.to_datetime(np.maximum(openings.start_day, 0), unit="D")
    whole = np.floor(openings.min_age).astype(np.int64)
    year = start.year.to_numpy() - whole
    month, day = start.month.to_numpy(), start.day.to_numpy()
    leap = (year % 4 == 0) & ((year % 100 != 0) | (year % 400 == 0))
    day = np.where((month == 2) & (day == 29) & ~leap, 28, day)
    anniversary = pd.to_datetime(pd.DataFrame({"year": year, "month": month, "day": day}))
    days = ((anniversary - pd.Timestamp(0)) // pd.Timedelta(days=1)).to_numpy()
    opening_frame["o_latest_birth"] = days - (openings.min_age - whole) * 365.2425
    person_frame = pd.DataFrame(
        {
            "p": np.arange(people.n),
            "p_isco": people.isco,
            "p_years": people.experience_years,
            "p_birth": people.birth_day,
            "p_from": people.available_from,
            "p_to": people.available_to,
            **{f"p_lvl{lang}": people.language_levels[:, lang] for lang in range(LANGUAGES)},
        }
    )
    assert people.countries is not None
    willing = people.countries.tocoo()
    willing_frame = pd.DataFrame({"p": willing.row, "o_country": willing.col, "willing": True})
    anywhere = pd.Series(np.diff(people.countries.tocsr().indptr) == 0, name="anywhere")
    person_skill = people.skills.tocoo()
    all_people = pd.DataFrame({"p": person_skill.row, "s": person_skill.col})
    index = np.full((people.n, TOP_N), -1, dtype=np.int64)
    score = np.full((people.n, TOP_N), np.nan)
    for start in range(0, people.n, chunk):
        ps = all_people[(all_people["p"] >= start) & (all_people["p"] < start + chunk)]
        pairs = ps.merge(opening_skills, on="s").groupby(["p", "o"], as_index=False)["w"].sum()
        df = pairs.merge(opening_frame, on="o").merge(person_frame, on="p")
        skill = (df["w"] / df["o_total"]).clip(0, 1)
        p4, o4 = df["p_isco"], df["o_isco"]
        known = (p4 >= 0) & (o4 >= 0)
        occupation = np.select(
            [known & (p4 == o4), known & (p4 // 10 == o4 // 10), known & (p4 // 100 == o4 // 100)],
            [1.0, 0.5, 0.25],
            0.0,
        )
        met = sum(
            ((df[f"o_pref{lang}"] > 0) & (df[f"p_lvl{lang}"] >= df[f"o_pref{lang}"])).astype(float)
            for lang in range(LANGUAGES)
        )
        language = np.where(df["o_pref_count"] > 0, met / df["o_pref_count"].clip(lower=1), 1.0)
        fail_language = np.zeros(len(df), dtype=bool)
        for lang in range(LANGUAGES):
            fail_language |= ((df[f"o_req{lang}"] > 0) & (df[f"p_lvl{lang}"] < df[f"o_req{lang}"])).to_numpy()
        experience = np.where(
            df["o_years"] > 0,
            np.minimum(1.0, df["p_years"] / df["o_years"].where(df["o_years"] > 0, 1.0)),
            1.0,
        )
        df["total"] = (
            w.skills * skill + w.occupation * occupation + w.languages * language + w.experience * experience
        ) / (w.skills + w.occupation + w.languages + w.experience)
        df = df.merge(willing_frame, on=["p", "o_country"], how="left")
        accepts = (
            df["willing"].fillna(False).astype(bool).to_numpy() | anywhere.to_numpy()[df["p"].to_numpy()]
        )
        accepts |= (df["o_country"] < 0).to_numpy()
        late = (df["p_from"] >= 0) & (df["o_start"] >= 0) & (df["p_from"] > df["o_start"])
        early = (df["p_to"] >= 0) & ((df["o_end"] < 0) | (df["p_to"] < df["o_end"]))
        too_young = (df["o_min_age"] > 0) & (
            (df["p_birth"] == UNKNOWN) | (df["p_birth"] > df["o_latest_birth"])
        )
        keep = (
            ~fail_language
            & accepts
            & ~late.to_numpy()
            & ~early.to_numpy()
            & ~too_young.to_numpy()
            & (skill >= MIN_SKILL).to_numpy()
        )
        df = df.loc[keep, ["p", "o", "total"]]
        df["key"] = np.rint(df["total"] * 1e6).astype(np.int64)
        df = df.sort_values(["p", "key", "o"], ascending=[True, False, True])
        best = df.groupby("p").head(TOP_N)
        rank = best.groupby("p").cumcount().to_numpy()
        index[best["p"].to_numpy(), rank] = best["o"].to_numpy()
        score[best["p"].to_numpy(), rank] = best["total"].to_numpy()
    return index, score


def timed(function: Callable[[], Any]) -> tuple[float, Any]:
    gc.collect()
    started = time.perf_counter()
    result = function()
    return time.perf_counter() - started, result


def peak_memory(function: Callable[[], Any]) -> float:
    gc.collect()
    tracemalloc.start()
    try:
        function()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return peak / 2**20


def bench_ranking(n_people: int, n_openings: int, repeats: int, chunk: int) -> dict[str, Any]:
    started = time.perf_counter()
    people, openings = generate(n_people, n_openings)
    print(
        f"ranking: {n_people:,} people × {n_openings:,} openings generated in {time.perf_counter() - started:.1f} s "
        f"({people.skills.nnz / n_people:.1f} skills a person, "
        f"{(openings.essential.nnz + openings.optional.nnz) / n_openings:.1f} an opening)",
        flush=True,
    )
    engine_times, pandas_times = [], []
    engine_result = pandas_result = None
    for round_number in range(repeats + 1):  # round 0 is the cold run
        t, engine_result = timed(lambda: run_engine(people, openings, chunk))
        engine_times.append(t)
        t, pandas_result = timed(lambda: run_pandas(people, openings, chunk))
        pandas_times.append(t)
        print(
            f"  round {round_number}: engine {engine_times[-1]:.2f} s, pandas {pandas_times[-1]:.2f} s",
            flush=True,
        )
    assert engine_result is not None and pandas_result is not None
    same_lists = np.all(engine_result[0] == pandas_result[0], axis=1)
    both = (engine_result[0] >= 0) & (pandas_result[0] >= 0)
    score_gap = (
        float(np.nanmax(np.abs(engine_result[1][both] - pandas_result[1][both]))) if both.any() else 0.0
    )
    engine_peak = peak_memory(lambda: run_engine(people, openings, chunk))
    pandas_peak = peak_memory(lambda: run_pandas(people, openings, chunk))
    warm_engine = statistics.median(engine_times[1:]) if repeats else engine_times[0]
    warm_pandas = statistics.median(pandas_times[1:]) if repeats else pandas_times[0]
    result = {
        "people": n_people,
        "openings": n_openings,
        "top_n": TOP_N,
        "chunk": chunk,
        "engine_cold_s": engine_times[0],
        "engine_warm_median_s": warm_engine,
        "pandas_cold_s": pandas_times[0],
        "pandas_warm_median_s": warm_pandas,
        "speedup_warm": warm_pandas / warm_engine,
        "speedup_cold": pandas_times[0] / engine_times[0],
        "engine_peak_mib": engine_peak,
        "pandas_peak_mib": pandas_peak,
        "same_top20_share": float(same_lists.mean()),
        "max_score_difference": score_gap,
        "people_with_fewer_than_20": int((engine_result[0][:, -1] < 0).sum()),
    }
    print(
        f"ranking: engine {warm_engine:.2f} s (cold {engine_times[0]:.2f}), pandas {warm_pandas:.2f} s "
        f"(cold {pandas_times[0]:.2f}): {result['speedup_warm']:.1f}× faster; peak memory {engine_peak:.0f} MiB "
        f"vs {pandas_peak:.0f} MiB; same top 20 for {100 * result['same_top20_share']:.2f} % of people",
        flush=True,
    )
    return result


# --- (3) placement ----------------------------------------------------------------------------------------


def bench_placement(repeats: int) -> dict[str, Any]:
    from scipy.optimize import linear_sum_assignment

    people, openings = generate(5000, 1000, seed=SEED + 1)
    scores, eligible = score_matrix(people, openings, requirements=Requirements(min_skill_score=MIN_SKILL))
    capacities = [5] * openings.m
    expanded = np.repeat(np.where(eligible, scores, 0.0), 5, axis=1)

    def peer() -> float:
        rows, cols = linear_sum_assignment(expanded, maximize=True)
        return float(expanded[rows, cols].sum())

    ours_times, peer_times = [], []
    ours = None
    peer_total = 0.0
    for _ in range(repeats + 1):
        t, ours = timed(lambda: place_optimal(scores, capacities, eligible))
        ours_times.append(t)
        t, peer_total = timed(peer)
        peer_times.append(t)
    assert ours is not None
    stable_time, stable = timed(lambda: place_stable(scores, capacities, eligible))
    result = {
        "people": 5000,
        "openings": 1000,
        "places_each": 5,
        "eligible_share": float(eligible.mean()),
        "ours_total": ours.total_score,
        "lsa_total": peer_total,
        "totals_equal": bool(abs(ours.total_score - peer_total) <= 1e-6 * max(1.0, peer_total)),
        "ours_method": ours.method,
        "ours_cold_s": ours_times[0],
        "ours_warm_median_s": statistics.median(ours_times[1:]) if repeats else ours_times[0],
        "lsa_cold_s": peer_times[0],
        "lsa_warm_median_s": statistics.median(peer_times[1:]) if repeats else peer_times[0],
        "placed": len(ours.placements),
        "unplaced": len(ours.unplaced),
        "stable_total": stable.total_score,
        "stable_gives_up": stable.score_given_up,
        "stable_s_including_optimum": stable_time,
    }
    print(
        f"placement: total {ours.total_score:.4f} ({ours.method}) vs linear_sum_assignment {peer_total:.4f}; "
        f"{result['ours_warm_median_s']:.2f} s vs {result['lsa_warm_median_s']:.2f} s; stable matching gives up "
        f"{stable.score_given_up:.4f}",
        flush=True,
    )
    return result


# --- (1) search and (4) evaluation, in a throw-away data directory ----------------------------------------

DATABASE_SCRIPT = r"""
import json, multiprocessing, sys, time
from django.db import connection
from django.db.models import Q
from migdev.skills import search as search_module, selectors
from migdev.skills.evaluation import evaluate_edition, title_profiles
from migdev.skills.models import Occupation

options = json.loads(sys.argv[-1]) if sys.argv[-1].startswith("{") else {}
requests, clients = options.get("requests", 2000), options.get("clients", 20)
edition = selectors.current_edition("esco")
occupations = list(Occupation.objects.filter(edition=edition).order_by("pk"))
queries = []
for lang in ("en", "fr", "es"):
    labels = [[x for x in [getattr(o, f"label_{lang}"), *(o.alt_labels or {}).get(lang, [])] if x] for o in occupations]
    truth, texts = title_profiles(labels, requests // 3 + 1, seed=%(seed)d)
    queries += [(text, lang, occupations[t].uri) for t, text in zip(truth, texts)]
queries = queries[:requests]
if options.get("queries_only"):
    print(json.dumps(queries))
    raise SystemExit


def by_search(text, lang):
    return [hit.uri for hit in selectors.search_occupations(text, lang=lang, limit=10, edition=edition)]


def by_like(text, lang):
    condition = Q(**{f"label_{lang}__icontains": text}) | Q(alt_labels__icontains=text)
    return list(Occupation.objects.filter(edition=edition).filter(condition).order_by("pk").values_list("uri", flat=True)[:10])


FUNCTIONS = {"search": by_search, "like": by_like}


def one(job):
    name, number = job
    text, lang, uri = queries[number]
    started = time.perf_counter()
    uris = FUNCTIONS[name](text, lang)
    return time.perf_counter() - started, bool(uris) and uris[0] == uri


def run(name):
    # 20 processes (not threads: no GIL shared between clients), forked after the index is built, each with
    # its own database connection; latency is timed inside the process around the call, as a view would see it.
    search_module.CACHE._results.clear()  # the index stays built (warm); no result is cached
    connection.close()
    started = time.perf_counter()
    with multiprocessing.get_context("fork").Pool(clients) as pool:
        answers = pool.map(one, [(name, n) for n in range(len(queries))], chunksize=1)
    wall = time.perf_counter() - started
    latencies = sorted(a[0] for a in answers)
    pick = lambda share: latencies[min(len(latencies) - 1, int(round(share * (len(latencies) - 1))))] * 1000
    return {"p50_ms": pick(0.5), "p95_ms": pick(0.95), "p99_ms": pick(0.99), "max_ms": latencies[-1] * 1000, "requests_per_s": len(latencies) / wall, "acc@1": sum(a[1] for a in answers) / len(answers)}

started = time.perf_counter(); by_search(*queries[0][:2]); search_cold = (time.perf_counter() - started) * 1000
started = time.perf_counter(); by_like(*queries[0][:2]); like_cold = (time.perf_counter() - started) * 1000
search = run("search"); search["cold_first_ms"] = search_cold
like = run("like"); like["cold_first_ms"] = like_cold
report = evaluate_edition(profiles=options.get("profiles", 1000), titles=options.get("titles", 300), seed=%(seed)d) if options.get("evaluation", True) else None
print(json.dumps({"search": search, "like": like, "clients": clients, "requests": len(queries), "evaluation": report and report.as_dict()}))
"""


def _http_pass(port: int, queries: list[list[str]], clients: int) -> dict[str, Any]:
    """Every query once, from ``clients`` concurrent HTTP clients (one connection a request, as a browser's fetch)."""
    latencies: list[float] = []
    found: list[bool] = []
    failures: list[str] = []
    lock = threading.Lock()
    counter = iter(range(len(queries)))

    def client() -> None:
        while True:
            with lock:
                number = next(counter, None)
            if number is None:
                return
            text, lang, uri = queries[number]
            path = "/api/v1/skills/occupations/?" + urllib.parse.urlencode(
                {"q": text, "lang": lang, "limit": 10}
            )
            start = time.perf_counter()
            status, body = _get(port, path)
            elapsed = time.perf_counter() - start
            items = json.loads(body)["items"] if status == 200 else []
            with lock:
                latencies.append(elapsed)
                found.append(bool(items) and items[0]["uri"] == uri)
                if status != 200:
                    failures.append(f"{status} {path}")

    started = time.perf_counter()
    threads = [threading.Thread(target=client) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - started
    latencies.sort()

    def pick(share: float) -> float:
        return latencies[min(len(latencies) - 1, int(round(share * (len(latencies) - 1))))] * 1000

    return {
        "p50_ms": pick(0.5),
        "p95_ms": pick(0.95),
        "p99_ms": pick(0.99),
        "max_ms": latencies[-1] * 1000,
        "requests_per_s": len(latencies) / wall,
        "acc@1": sum(found) / len(found),
        "failures": len(failures),
        "first_failure": failures[0] if failures else None,
    }


def _wrk_pass(port: int, paths: list[str], clients: int, seconds: float) -> dict[str, Any]:
    """``clients`` keep-alive connections from one wrk thread (C, event loop: a few % of a core), cycling
    through ``paths`` for ``seconds``."""
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
                "30s",
                "-s",
                str(ROOT / "bench" / "skills_paths.lua"),
                f"http://127.0.0.1:{port}",
            ],
            env={**os.environ, "WRK_PATHS": listing.name},
            capture_output=True,
            text=True,
            check=True,
        )
    line = next(x for x in completed.stdout.splitlines() if x.startswith("WRK "))
    result: dict[str, Any] = json.loads(line[4:])
    result["requests_per_s"] = result["requests"] / result["duration_s"]
    return result


def _thread_pass(port: int, paths: list[str], clients: int, seconds: float) -> dict[str, Any]:
    """Fallback without wrk: ``clients`` Python threads, one connection a request (costs the server's CPU)."""
    latencies: list[float] = []
    errors: list[int] = []
    lock = threading.Lock()
    counter = iter(range(10**9))
    deadline = time.perf_counter() + seconds

    def client() -> None:
        while time.perf_counter() < deadline:
            with lock:
                number = next(counter)
            start = time.perf_counter()
            status, _ = _get(port, paths[number % len(paths)])
            with lock:
                latencies.append(time.perf_counter() - start)
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

    def pick(share: float) -> float:
        return latencies[min(len(latencies) - 1, int(round(share * (len(latencies) - 1))))] * 1000

    return {
        "requests": len(latencies),
        "duration_s": wall,
        "p50_ms": pick(0.5),
        "p95_ms": pick(0.95),
        "p99_ms": pick(0.99),
        "max_ms": latencies[-1] * 1000,
        "http_errors": len(errors),
        "socket_errors": 0,
        "requests_per_s": len(latencies) / wall,
    }


def _api_path(text: str, lang: str) -> str:
    return "/api/v1/skills/occupations/?" + urllib.parse.urlencode({"q": text, "lang": lang, "limit": 10})


def _like_path(text: str, lang: str) -> str:
    return "/bench/like-occupations/?" + urllib.parse.urlencode({"q": text, "lang": lang})


def bench_http(
    env: dict[str, str],
    data_dir: str,
    queries: list[list[str]],
    clients: int,
    server: dict[str, Any],
    seconds: float,
    rounds: int,
    port: int = 0,
) -> dict[str, Any]:
    """Side by side under the same load, each round on a freshly started server: the search API cold (no
    answer cached) then warm (the same queries again), the cheapest endpoint (/healthz: the physical limit
    of a Django request here), and the LIKE-scan peer served by the same server."""
    port = port or _HTTP.free_port()
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
        str(server["workers"]),
        "--worker-class",
        server["worker_class"],
        "--threads",
        str(server["threads"]),
        "--log-level",
        "error",
    ]
    server_env = {
        **env,
        "PYTHONPATH": f"{ROOT / 'src'}{os.pathsep}{ROOT / 'bench'}",
        "DJANGO_SETTINGS_MODULE": "skills_bench_settings",
        "DATABASE_CONN_MAX_AGE": "60",  # docs/operations.md
    }
    loader = _wrk_pass if shutil.which("wrk") else _thread_pass
    phases: dict[str, list[str]] = {
        "search_cold": list(dict.fromkeys(_api_path(text, lang) for text, lang, _ in queries)),
        "search_warm": list(dict.fromkeys(_api_path(text, lang) for text, lang, _ in queries)),
        "healthz": ["/healthz"],
        "like": [_like_path(text, lang) for text, lang, _ in queries],
    }
    runs: dict[str, list[dict[str, Any]]] = {name: [] for name in phases}
    boot: list[float] = []
    for _ in range(rounds):
        started = time.perf_counter()
        process = subprocess.Popen(
            command, env=server_env, cwd=data_dir, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        try:
            _HTTP.wait_for(port, timeout=600)  # on a busy machine the boot (indexes built) takes minutes
            while _get(port, "/healthz")[0] != 200:  # the indexes are built before the workers start
                time.sleep(0.2)
            boot.append(time.perf_counter() - started)
            time.sleep(1)  # every worker forked
            for name, paths in phases.items():
                run = loader(port, paths, clients, seconds)
                run["distinct_paths"] = len(paths)
                runs[name].append(run)
            if runs["search_cold"][-1]["requests"] > len(phases["search_cold"]):
                print(
                    "warning: the cold phase sent some queries twice (raise HTTP_DISTINCT_QUERIES)",
                    flush=True,
                )
        finally:
            process.terminate()
            try:
                process.wait(timeout=60)
            except subprocess.TimeoutExpired:  # still building its indexes on a busy machine
                process.kill()
                process.wait()

    def median(name: str, key: str) -> float:
        return statistics.median(run[key] for run in runs[name])

    summary = {
        name: {key: median(name, key) for key in ("p50_ms", "p95_ms", "p99_ms", "requests_per_s")}
        for name in phases
    }
    return {
        "server": f"gunicorn -c python:migdev.gunicorn_conf, {server['workers']} {server['worker_class']} "
        f"workers × {server['threads']} threads",
        "load_generator": "wrk -t1 (keep-alive connections)"
        if loader is _wrk_pass
        else "Python threads, one connection a request (wrk not found: apt-get install wrk)",
        "clients": clients,
        "seconds_per_phase": seconds,
        "rounds": rounds,
        "boot_s_median": statistics.median(boot),
        "median": summary,
        "runs": runs,
        "cold": summary["search_cold"],
        "warm": summary["search_warm"],
    }


def bench_database(
    requests: int,
    clients: int,
    profiles: int,
    titles: int,
    evaluation: bool = True,
    *,
    server: dict[str, Any],
    seconds: float = 4.0,
    rounds: int = 3,
    port: int = 0,
) -> dict[str, Any]:
    python = sys.executable
    with tempfile.TemporaryDirectory() as data_dir:
        env = {
            **os.environ,
            "PYTHONPATH": str(ROOT / "src"),
            "MIGDEV_DATA_DIR": data_dir,
            "MIGDEV_DEBUG": "0",
            "SECRET_KEY": "bench-only-secret-key-bench-only-secret-key-0123456789",
            "MIGDEV_FIELD_KEYS": base64.urlsafe_b64encode(b"bench-only-field-key-32-bytes!!!").decode(),
            "MIGDEV_BLIND_INDEX_KEY": "bench-only-blind-index-key-0123456789-abcdefgh",
            "ALLOWED_HOSTS": "127.0.0.1",
            "SECURE_SSL_REDIRECT": "0",
            # 20 clients on one loopback address would be throttled (120 requests a minute by default)
            "API_RATE_LIMIT_PER_MINUTE": "10000000",
            "LOG_LEVEL": "ERROR",
        }
        env.pop("DATABASE_URL", None)
        started = time.perf_counter()
        subprocess.run([python, "-m", "migdev", "migrate", "-v0"], env=env, check=True, cwd=data_dir)
        subprocess.run(
            [python, "-m", "migdev", "skills_reference"],
            env=env,
            check=True,
            cwd=data_dir,
            capture_output=True,
        )
        print(
            f"database: migrated and ESCO v1.2.0 loaded in {time.perf_counter() - started:.0f} s", flush=True
        )
        script = DATABASE_SCRIPT % {"seed": SEED}

        def child(extra: dict[str, Any]) -> str:
            options = json.dumps(
                {"requests": requests, "clients": clients, "profiles": profiles, "titles": titles, **extra}
            )
            completed = subprocess.run(
                [
                    python,
                    "-c",
                    "import django; django.setup(); import sys; exec(sys.argv[1])",
                    script,
                    options,
                ],
                env=env,
                cwd=data_dir,
                capture_output=True,
                text=True,
            )
            if completed.returncode != 0:
                raise RuntimeError(completed.stderr[-4000:])
            return completed.stdout.strip().splitlines()[-1]

        # The HTTP load gets its own, longer list of distinct queries (the same generator and seed): a cold
        # phase must never send a query twice, however fast the server answers.
        queries = json.loads(child({"queries_only": True, "requests": max(requests, HTTP_DISTINCT_QUERIES)}))
        http = bench_http(env, data_dir, queries, clients, server, seconds, rounds, port)
        result = json.loads(child({"evaluation": evaluation}))
        result["http"] = http
    s, like = result["search"], result["like"]
    print(
        f"HTTP: {clients} clients ({http['load_generator']}), {http['server']}, {seconds:g} s a phase, medians of "
        f"{rounds} fresh servers (boot {http['boot_s_median']:.1f} s):",
        flush=True,
    )
    for phase, h in http["median"].items():
        print(
            f"  {phase}: p95 {h['p95_ms']:.1f} ms, p50 {h['p50_ms']:.1f} ms, p99 {h['p99_ms']:.1f} ms, "
            f"{h['requests_per_s']:.0f} requests/s",
            flush=True,
        )
    print(
        f"search in-process, pool of {result['clients']} processes: p95 {s['p95_ms']:.1f} ms "
        f"(p50 {s['p50_ms']:.1f}, first {s['cold_first_ms']:.0f} ms, Acc@1 {s['acc@1']:.3f}) vs LIKE scan p95 "
        f"{like['p95_ms']:.1f} ms (p50 {like['p50_ms']:.1f}, Acc@1 {like['acc@1']:.3f})",
        flush=True,
    )
    if result["evaluation"]:
        evaluation_figures = result["evaluation"]
        print(f"evaluation: skills {evaluation_figures['skills']}", flush=True)
        for lang, row in evaluation_figures["titles"].items():
            print(f"evaluation: titles ({lang}) {row}", flush=True)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--openings", type=int, default=10_000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--chunk", type=int, default=2000)
    parser.add_argument("--requests", type=int, default=3000, help="distinct search queries")
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--seconds", type=int, default=4, help="length of each HTTP load phase")
    parser.add_argument("--rounds", type=int, default=3, help="freshly started servers (medians)")
    parser.add_argument("--workers", type=int, default=5, help="gunicorn workers")
    parser.add_argument(
        "--worker-class",
        default="sync",
        help="gunicorn worker class (docs/operations.md: sync is the production default)",
    )
    parser.add_argument("--threads", type=int, default=1, help="gunicorn threads a worker")
    parser.add_argument("--profiles", type=int, default=1000)
    parser.add_argument("--titles", type=int, default=300)
    parser.add_argument("--skip-database", action="store_true", help="skip (1) search and (4) evaluation")
    parser.add_argument("--skip-ranking", action="store_true")
    parser.add_argument("--skip-placement", action="store_true")
    parser.add_argument("--skip-evaluation", action="store_true", help="skip (4) evaluation")
    parser.add_argument("--only-search", action="store_true", help="run (1) search only")
    parser.add_argument("--port", type=int, default=0, help="the search server's port (default: a free one)")
    options = parser.parse_args()
    if options.only_search:
        options.skip_ranking = options.skip_placement = options.skip_evaluation = True
        options.skip_database = False
    import pandas

    load_before = os.getloadavg()

    database = (
        None
        if options.skip_database
        else bench_database(
            options.requests,
            options.clients,
            options.profiles,
            options.titles,
            not options.skip_evaluation,
            server={
                "workers": options.workers,
                "worker_class": options.worker_class,
                "threads": options.threads,
            },
            seconds=options.seconds,
            rounds=options.rounds,
            port=options.port,
        )
    )
    ranking = (
        None
        if options.skip_ranking
        else bench_ranking(options.people, options.openings, options.repeats, options.chunk)
    )
    placement = None if options.skip_placement else bench_placement(options.repeats)
    http_median = database["http"]["median"] if database else None
    summary: dict[str, Any] = {
        "ratio_ranking_pandas_to_engine": ranking["speedup_warm"] if ranking else None,
        "ratio_ranking_pandas_to_engine_cold": ranking["speedup_cold"] if ranking else None,
        "target_ratio_at_least": 20.0,
        # HTTP, same load, same server: the search API's p95 over the LIKE peer's and over /healthz's (the
        # cheapest Django request: the physical limit of this machine under this load).
        "ratio_search_api_p95_cold_to_like_api_p95": http_median["search_cold"]["p95_ms"]
        / http_median["like"]["p95_ms"]
        if http_median
        else None,
        "ratio_search_api_p95_warm_to_healthz_p95": http_median["search_warm"]["p95_ms"]
        / http_median["healthz"]["p95_ms"]
        if http_median
        else None,
        "ratio_search_api_p95_cold_to_healthz_p95": http_median["search_cold"]["p95_ms"]
        / http_median["healthz"]["p95_ms"]
        if http_median
        else None,
        "ratio_search_p95_to_like_p95": database["search"]["p95_ms"] / database["like"]["p95_ms"]
        if database
        else None,
        "search_api_p95_ms_warm": database["http"]["warm"]["p95_ms"] if database else None,
        "search_api_p95_ms_cold": database["http"]["cold"]["p95_ms"] if database else None,
        "healthz_api_p95_ms": http_median["healthz"]["p95_ms"] if http_median else None,
        "like_api_p95_ms": http_median["like"]["p95_ms"] if http_median else None,
        "search_p95_ms": database["search"]["p95_ms"] if database else None,
        "target_search_p95_ms_at_most": 50.0,
        "placement_totals_equal": placement["totals_equal"] if placement else None,
        "ratio_placement_to_lsa": placement["ours_warm_median_s"] / placement["lsa_warm_median_s"]
        if placement
        else None,
        "ranking": ranking,
        "placement": placement,
        "search": database
        and {
            "api_http": database["http"],
            "migdev": database["search"],
            "like_scan": database["like"],
            "clients": database["clients"],
            "method": "api_http: `clients` keep-alive connections (wrk) for `seconds_per_phase` each on a freshly "
            "started gunicorn (migdev.gunicorn_conf: indexes built before the workers fork), phases in order: "
            "search_cold = GET /api/v1/skills/occupations/ over distinct queries (no answer cached), search_warm = "
            "the same queries again, healthz = GET /healthz, like = the LIKE-scan peer served by the same server "
            "(bench/skills_bench_urls.py); medians over `rounds` servers. migdev vs like_scan in-process "
            "(ratio_search_p95_to_like_p95): timed around the call in a pool of `clients` processes forked after "
            "the index was built, result cache empty.",
        },
        "evaluation": database and database["evaluation"],
        "seed": SEED,
        "versions": {
            "python": platform.python_version(),
            "numpy": np.__version__,
            "scipy": scipy.__version__,
            "pandas": pandas.__version__,
        },
        "cpu_count": os.cpu_count(),
        "load_average_before": load_before,
        "load_average_after": os.getloadavg(),
    }
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
