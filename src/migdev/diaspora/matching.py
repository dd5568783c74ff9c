"""Shortlists: experts for an approved request, and requests that fit an expert.

Hard requirements (an expert failing one is left out, and the explanation of a pair says which):

* the request's modality is among those the expert accepts;
* the expert has processing consent and an active account;
* the working language at the request's minimum CEFR level (the skills engine's language requirement);
* availability: a date window overlapping the request's dates, and for on-site work at least the
  request's duration in days a year on site (online work: some hours a week online).

Score (all sub-scores in [0, 1], shown with every result)::

    engine = the skills engine's total (skills 0.6, occupation 0.15, languages 0.15, experience 0.1,
             migdev.skills.matching.ComponentWeights), skills weighted by ESCO specificity and credited
             through related and hierarchically close skills
    availability = days of the request's period covered by the expert's windows / days of the period
    priority_sector = 1 when the government of the host's country named the request's sector a priority
                      (``PrioritySector``), else 0
    score = 0.7 * engine + 0.2 * availability + 0.1 * priority_sector

The priority term is the same for every expert of one request, so it never reorders a shortlist; it ranks
the requests that fit an expert (and scores compared across requests) towards the country's priorities.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from typing import Any

import numpy as np
from django.db.models import QuerySet

from migdev.diaspora import roster
from migdev.diaspora.models import (
    LEVEL_RANK,
    Expert,
    Modality,
    PrioritySector,
    Request,
)
from migdev.skills import engine as skills_engine
from migdev.skills import matching as skills_matching
from migdev.skills.models import Occupation
from migdev.skills.selectors import current_edition

ENGINE_WEIGHT = 0.7
AVAILABILITY_WEIGHT = 0.2
PRIORITY_WEIGHT = 0.1
# Shown with every shortlist (pages and API), so the explanation carries the weights it was computed with.
WEIGHTS = {"engine": ENGINE_WEIGHT, "availability": AVAILABILITY_WEIGHT, "priority_sector": PRIORITY_WEIGHT}


@dataclass(frozen=True)
class Profile:
    """What scoring reads of an expert (never the encrypted identity)."""

    pk: int
    languages: list[dict[str, Any]]
    occupation_uris: list[str]
    skill_uris: list[str]
    years_experience: int
    windows: list[tuple[date, date]]


def profile_of(expert: Expert) -> Profile:
    return Profile(
        expert.pk,
        list(expert.languages or []),
        list(expert.occupation_uris or []),
        list(expert.skill_uris or []),
        expert.years_experience,
        [(window.starts_on, window.ends_on) for window in expert.windows.all()],
    )


@dataclass(frozen=True)
class Candidate:
    expert: Any  # an Expert once shortlisted; the Profile it was scored from before
    score: float
    parts: dict[str, float]
    matched_skills: list[str]
    missing_skills: list[str]
    overlap_days: int
    notes: list[str] = field(default_factory=list)


# Why an expert of the pool is left out of a shortlist (codes; the API returns their counts).
EXCLUSION_REASONS = ("modality", "language", "availability", "days_on_site", "hours_online")


@dataclass
class Shortlist:
    request: Request
    candidates: list[Candidate]
    excluded: dict[str, int]  # reason -> experts failing it (an expert may fail several)
    excluded_total: int  # experts left out by at least one hard requirement
    considered: int
    edition_version: str | None
    unknown_skills: list[str]
    priority_sector: bool = False  # the government of the host's country set the request's sector as one


def _windows(expert: Expert | Profile) -> list[tuple[date, date]]:
    if isinstance(expert, Profile):
        return expert.windows
    return [(window.starts_on, window.ends_on) for window in expert.windows.all()]


def _overlap_days(expert: Expert | Profile, starts_on: date, ends_on: date) -> int:
    """Days of [starts_on, ends_on] inside at least one of the expert's windows (windows may overlap)."""
    spans = sorted(
        (max(first, starts_on), min(last, ends_on))
        for first, last in _windows(expert)
        if min(last, ends_on) >= max(first, starts_on)
    )
    days, reached = 0, None
    for first, last in spans:
        if reached is not None and first <= reached:
            first = reached + timedelta(days=1)
        if last >= first:
            days += (last - first).days + 1
        reached = last if reached is None else max(reached, last)
    return days


def _levels(expert: Expert | Profile) -> dict[str, int]:
    levels: dict[str, int] = {}
    for item in expert.languages or []:
        code = str(item.get("code", "")).lower()
        rank = LEVEL_RANK.get(str(item.get("level", "")), 0)
        levels[code] = max(levels.get(code, 0), rank)
    return levels


def hard_failures(
    expert: Expert, request_row: Request, profile: Profile | None = None
) -> tuple[list[str], int]:
    """The hard requirements ``expert`` fails for ``request_row`` (codes), and the days of overlap
    (``profile``: the expert's windows, already loaded)."""
    reasons = []
    if request_row.modality not in (expert.modalities or []):
        reasons.append("modality")
    if _levels(expert).get(request_row.language.lower(), 0) < LEVEL_RANK.get(request_row.language_level, 0):
        reasons.append("language")
    overlap = _overlap_days(profile or expert, request_row.starts_on, request_row.ends_on)
    if request_row.modality == Modality.PERMANENT:
        if overlap == 0:
            reasons.append("availability")
    elif overlap == 0:
        reasons.append("availability")
    elif request_row.modality == Modality.ON_SITE and expert.days_on_site_per_year < min(
        request_row.duration_days, 365
    ):
        reasons.append("days_on_site")
    elif request_row.modality == Modality.ONLINE and expert.hours_online_per_week <= 0:
        reasons.append("hours_online")
    return reasons, overlap


def is_priority_sector(request_row: Request) -> bool:
    """Whether the government of the host's country set the request's sector as a priority."""
    return PrioritySector.objects.filter(
        office__country=request_row.host.country, sector=request_row.sector
    ).exists()


def _isco(uris: list[str]) -> dict[str, int]:
    edition = current_edition("esco")
    if edition is None or not uris:
        return {}
    return {
        uri: int(code)
        for uri, code in Occupation.objects.filter(edition=edition, uri__in=uris).values_list(
            "uri", "isco_code"
        )
        if code and code.isdigit()
    }


def _one_opening(request_row: Request, wanted: list[int], request_isco: int) -> skills_matching.OneOpening:
    """The one opening a request makes for the skills engine: its skills essential, its language required
    and preferred at its level (availability is checked apart, on the experts' windows)."""
    level = LEVEL_RANK.get(request_row.language_level, 0)
    return skills_matching.OneOpening(
        essential=wanted,
        isco=request_isco,
        required_level=level,
        preferred_level=level,
        experience_years=float(request_row.years_experience_wanted),
    )


def score_experts(
    request_row: Request, experts: list[Profile], *, limit: int | None = None
) -> tuple[list[Candidate], list[str], str | None]:
    """Engine and availability scores of experts who passed the hard requirements, best first; only the
    first ``limit`` are explained (sub-scores), the others never leave the arrays."""
    if not experts:
        return [], [], None
    priority = 1.0 if is_priority_sector(request_row) else 0.0
    edition = current_edition("esco")
    overlaps = {e.pk: _overlap_days(e, request_row.starts_on, request_row.ends_on) for e in experts}
    period = (request_row.ends_on - request_row.starts_on).days + 1
    required = list(dict.fromkeys(request_row.skill_uris or []))
    if edition is None:
        # No taxonomy loaded: exact skill matches only (said in every candidate's notes).
        out = []
        for expert in experts:
            held = set(expert.skill_uris or [])
            skills_part = len(held & set(required)) / len(required) if required else 1.0
            availability = overlaps[expert.pk] / period
            score = (
                ENGINE_WEIGHT * skills_part + AVAILABILITY_WEIGHT * availability + PRIORITY_WEIGHT * priority
            )
            out.append(
                Candidate(
                    expert,
                    round(score, 4),
                    {
                        "skills": round(skills_part, 4),
                        "availability": round(availability, 4),
                        "priority_sector": priority,
                    },
                    [u for u in required if u in held],
                    [u for u in required if u not in held],
                    overlaps[expert.pk],
                    ["no_taxonomy"],
                )
            )
        out.sort(key=lambda c: (-c.score, c.expert.pk))
        return out, [], None
    entry = skills_engine.matcher_for(edition)
    wanted, unknown = entry.indices(required)
    people_skills = skills_matching.people_matrix(
        [entry.indices(list(e.skill_uris or []))[0] for e in experts], entry.matcher.n_skills
    )
    language = request_row.language.lower()
    isco = _isco([u for e in experts for u in e.occupation_uris or []] + [request_row.occupation_uri])
    scores = skills_matching.score_one_opening(
        people_skills,
        np.arange(len(experts)),
        _one_opening(request_row, wanted, isco.get(request_row.occupation_uri, skills_matching.UNKNOWN)),
        isco=np.array(
            [
                next((isco[u] for u in e.occupation_uris or [] if u in isco), skills_matching.UNKNOWN)
                for e in experts
            ],
            dtype=np.int64,
        ),
        language_level=np.array([_levels(e).get(language, 0) for e in experts], dtype=np.int64),
        experience_years=np.array([float(e.years_experience) for e in experts]),
        graph=entry.matcher.graph,
        skill_specificity=entry.matcher.specificity,
    )
    wanted_uris = [u for u in required if u not in unknown]
    ranked = sorted(
        (
            (
                round(
                    ENGINE_WEIGHT * float(scores.total[row])
                    + AVAILABILITY_WEIGHT * overlaps[expert.pk] / period
                    + PRIORITY_WEIGHT * priority,
                    4,
                ),
                expert.pk,
                row,
            )
            for row, expert in enumerate(experts)
            if scores.eligible[row]
        ),
        key=lambda item: (-item[0], item[1]),
    )
    out = []
    for score, _pk, row in ranked if limit is None else ranked[:limit]:
        expert = experts[row]
        parts = {name: round(float(values[row]), 4) for name, values in scores.parts.items()}
        parts["availability"] = round(overlaps[expert.pk] / period, 4)
        parts["priority_sector"] = priority
        held = set(expert.skill_uris or [])
        out.append(
            Candidate(
                expert,
                score,
                parts,
                [u for u in wanted_uris if u in held],
                [u for u in wanted_uris if u not in held],
                overlaps[expert.pk],
            )
        )
    out.sort(key=lambda c: (-c.score, c.expert.pk))
    return out, unknown, edition.version


def _hard_masks(request_row: Request, data: roster.Roster) -> dict[str, np.ndarray]:
    """The hard requirements of ``request_row`` over the cached roster (the rules of ``hard_failures``,
    which checks one expert): for each, which experts meet it."""
    nobody = np.zeros(data.size, dtype=bool)
    modality = data.accepts.get(request_row.modality, nobody)
    required = LEVEL_RANK.get(request_row.language_level, 0)
    language = (
        data.ranks(request_row.language.lower()) >= required if required else np.ones(data.size, dtype=bool)
    )
    availability = (
        data.available(request_row.starts_on, request_row.ends_on)
        if request_row.ends_on >= request_row.starts_on
        else nobody
    )
    conditions = {"modality": modality, "language": language, "availability": availability}
    # Checked only for experts available on some of the dates (an expert is told one reason about time).
    if request_row.modality == Modality.ON_SITE:
        conditions["days_on_site"] = data.days_on_site >= min(request_row.duration_days, 365)
    elif request_row.modality == Modality.ONLINE:
        conditions["hours_online"] = data.hours_online > 0
    return conditions


def _exclusions(
    in_pool: np.ndarray, eligible: np.ndarray, conditions: dict[str, np.ndarray]
) -> tuple[int, int, dict[str, int]]:
    """Experts in the pool; those left out by a hard requirement; and per requirement, how many fail it
    (an expert may fail several; the time requirement is told only to experts available then)."""
    considered = int(in_pool.sum())
    meets_all = np.logical_and.reduce(list(conditions.values()))
    excluded_total = int((eligible & ~meets_all).sum())
    by_reason = {}
    for reason, meets in conditions.items():
        failing = eligible & ~meets
        if reason in ("days_on_site", "hours_online"):
            failing &= conditions["availability"]
        by_reason[reason] = int(failing.sum())
    return considered, excluded_total, {r: by_reason[r] for r in EXCLUSION_REASONS if by_reason.get(r)}


def _score_positions(
    request_row: Request,
    data: roster.Roster,
    positions: np.ndarray,
    limit: int,
    priority: float,
    esco: tuple[int, int] | None,
) -> tuple[list[Candidate], list[str], str | None]:
    """``score_experts`` over the cached roster's ``positions`` (experts meeting every hard requirement):
    the same arithmetic, on arrays built once per revision instead of per request. ``esco`` is the current
    ESCO edition's (id, revision) read with the roster's revision: when the roster keeps that edition's
    matcher, no query asks for them again."""
    kept = data.edition_at(esco)
    edition = kept[0] if kept is not None else current_edition("esco")
    if edition is None or not len(positions):
        # Without a taxonomy the scoring is a plain loop over exact matches: the profiles it needs.
        profiles = [
            Profile(int(data.pks[p]), [], [], list(data.skill_uris[p]), 0, data.windows_of(p))
            for p in positions.tolist()
        ]
        scored, unknown, version = score_experts(request_row, profiles)
        return scored[:limit], unknown, version
    period = (request_row.ends_on - request_row.starts_on).days + 1
    overlaps = data.overlap_days(positions, request_row.starts_on, request_row.ends_on)
    required = list(dict.fromkeys(request_row.skill_uris or []))
    entry = kept[1] if kept is not None else skills_engine.matcher_for(edition)
    if kept is None and esco == (edition.pk, entry.revision):
        data.keep_edition(edition, entry)
    wanted, unknown = entry.indices(required)
    all_skills, all_isco = data.engine_arrays(entry)
    scores = skills_matching.score_one_opening(
        all_skills,
        positions,
        _one_opening(request_row, wanted, data.isco_of(entry, request_row.occupation_uri)),
        isco=all_isco[positions],
        language_level=data.ranks(request_row.language.lower())[positions],
        experience_years=data.years[positions],
        graph=entry.matcher.graph,
        skill_specificity=entry.matcher.specificity,
    )
    engine = scores.total
    rows = np.flatnonzero(scores.eligible)
    if len(rows) > limit:
        # The scores are rounded to 4 places before ranking (ties then go to the lower id): every row
        # whose exact score is within 0.001 of the limit-th best may round into the top, so keep those.
        rough = ENGINE_WEIGHT * engine[rows] + AVAILABILITY_WEIGHT * overlaps[rows] / period
        threshold = np.partition(rough, len(rough) - limit)[len(rough) - limit] - 1e-3
        rows = rows[rough >= threshold]
    ranked = sorted(
        (
            (
                round(
                    ENGINE_WEIGHT * float(engine[row])
                    + AVAILABILITY_WEIGHT * int(overlaps[row]) / period
                    + PRIORITY_WEIGHT * priority,
                    4,
                ),
                int(data.pks[positions[row]]),
                int(row),
            )
            for row in rows.tolist()
        ),
        key=lambda item: (-item[0], item[1]),
    )[:limit]
    wanted_uris = [u for u in required if u not in unknown]
    out = []
    for score, pk, row in ranked:
        parts = {name: round(float(values[row]), 4) for name, values in scores.parts.items()}
        parts["availability"] = round(int(overlaps[row]) / period, 4)
        parts["priority_sector"] = priority
        held = set(data.skill_uris[positions[row]])
        out.append(
            Candidate(
                Profile(pk, [], [], [], 0, []),
                score,
                parts,
                [u for u in wanted_uris if u in held],
                [u for u in wanted_uris if u not in held],
                int(overlaps[row]),
            )
        )
    return out, unknown, edition.version


def shortlist(
    request_row: Request, pool: QuerySet[Expert], *, limit: int = 20, load_experts: bool = True
) -> Shortlist:
    """The ranked shortlist of ``pool`` (the experts the caller may consider) for a request.

    The roster's match data is kept per process against the database's roster revision
    (``migdev.diaspora.roster``): the hard requirements and the counts of experts left out per requirement
    are array operations over it, the skills engine scores only the experts who meet every requirement,
    and only the first ``limit`` are explained and loaded from the database (without encrypted fields).
    Without ``load_experts`` each candidate's ``expert`` is only its id (``pk``): the rows are then only
    checked to be there, which is what a kept answer needs (its readers load what they show)."""
    priority = is_priority_sector(request_row)
    for attempt in (1, 2):
        data, esco = roster.snapshot()
        in_pool = data.pool_mask(pool)
        conditions = _hard_masks(request_row, data)
        eligible = data.eligible & in_pool
        considered, excluded_total, excluded = _exclusions(in_pool, eligible, conditions)
        passing = np.flatnonzero(eligible & np.logical_and.reduce(list(conditions.values())))
        top, unknown, version = _score_positions(
            request_row, data, passing, limit, 1.0 if priority else 0.0, esco
        )
        ids = [c.expert.pk for c in top]
        experts: dict[int, Any]
        if load_experts:
            experts = Expert.objects.only(*MATCH_FIELDS).in_bulk(ids)
        else:
            experts = {
                pk: Profile(pk, [], [], [], 0, [])
                for pk in Expert.objects.filter(pk__in=ids).values_list("pk", flat=True)
            }
        if len(experts) == len(top) or attempt == 2:
            break
        # An expert row removed outright (no revision records that): reload the roster whole, once.
        roster.forget()
    candidates = [replace(c, expert=experts[c.expert.pk]) for c in top if c.expert.pk in experts]
    return Shortlist(
        request_row, candidates, excluded, excluded_total, considered, version, unknown, priority
    )


def score_for(request_row: Request, expert: Expert) -> float:
    """The score ``expert`` gets on ``request_row``'s shortlist, 0 if a hard requirement leaves them out."""
    if not (expert.status == Expert.Status.ACTIVE and expert.active_processing_consent):
        return 0.0
    profile = profile_of(expert)
    if hard_failures(expert, request_row, profile)[0]:
        return 0.0
    scored, _unknown, _version = score_experts(request_row, [profile])
    return scored[0].score if scored else 0.0


# What a shortlisted expert is loaded with; anything else (a host's view of the top candidates) loads on
# access.
MATCH_FIELDS = (
    "pk",
    "user",
    "group",
    "status",
    "consent_processing_at",
    "consent_processing_withdrawn_at",
    "languages",
    "occupation_uris",
    "skill_uris",
    "years_experience",
    "days_on_site_per_year",
    "hours_online_per_week",
    "modalities",
    "host_fields",
    "is_sample",
)


def requests_for_expert(
    expert: Expert, requests: list[Request], *, limit: int = 20
) -> list[tuple[Request, Candidate]]:
    """Approved requests that fit ``expert`` (every hard requirement met), best first, each explained."""
    fitting = []
    profile = profile_of(expert)
    for request_row in requests:
        if hard_failures(expert, request_row, profile)[0]:
            continue
        scored, _unknown, _version = score_experts(request_row, [profile])
        if scored:
            fitting.append((request_row, scored[0]))
    fitting.sort(key=lambda pair: (-pair[1].score, pair[0].pk))
    return fitting[:limit]


# Raised when what a kept shortlist holds changes shape, so that no answer kept by older code is served.
KEPT_FORMAT = 1
KEPT_KIND = "diaspora.shortlist"


def shortlist_kept(request_row: Request, pool: QuerySet[Expert], *, limit: int = 20) -> dict[str, Any]:
    """:func:`shortlist` as a JSON object (experts by id), kept in the database while its inputs stay the
    same (``migdev.core.kept``, ADR 0014): the request (its version, moved by every service that changes
    it; its host's country and its programme), the pool (the text of its query, kept only when it reads the
    expert's own columns), the roster's revision and highest id (moved by ``services.roster_changed`` with
    every change to an expert, a consent or a window), whether the host's country has the request's sector
    as a priority, and the current ESCO edition. Who may see what of each expert is decided by the caller."""
    from migdev.core.kept import StampPart, column, kept_or_computed, table
    from migdev.diaspora.models import DiasporaOffice, RosterRevision
    from migdev.skills.selectors import current_edition_stamp

    def compute() -> dict[str, Any]:
        result = shortlist(request_row, pool, limit=limit, load_experts=False)
        return {
            "considered": result.considered,
            "excluded": result.excluded,
            "esco_edition": result.edition_version,
            "priority_sector": result.priority_sector,
            "candidates": [
                {
                    "expert_id": c.expert.pk,
                    "score": c.score,
                    "parts": c.parts,
                    "matched_skills": c.matched_skills,
                    "missing_skills": c.missing_skills,
                    "overlap_days": c.overlap_days,
                }
                for c in result.candidates
            ],
        }

    sql, params = pool.order_by().values_list("pk", flat=True).query.sql_with_params()
    if not roster.reads_own_columns_only(sql):
        return compute()
    office, sector = DiasporaOffice, PrioritySector
    priority = (
        f"SELECT s.{column(sector, 'id')} FROM {table(sector)} s JOIN {table(office)} o "  # noqa: S608
        f"ON o.{column(office, 'id')} = s.{column(sector, 'office')} "
        f"WHERE o.{column(office, 'country')} = %s AND s.{column(sector, 'sector')} = %s LIMIT 1"
    )
    parts = [
        StampPart(
            f"SELECT {column(RosterRevision, 'value')} FROM {table(RosterRevision)} "  # noqa: S608
            f"WHERE {column(RosterRevision, 'id')} = 1"
        ),
        # The highest id: a roster row added outside the services (no revision) still changes the stamp.
        StampPart(f"SELECT max({column(Expert, 'id')}) FROM {table(Expert)}"),  # noqa: S608
        StampPart(priority, (request_row.host.country, request_row.sector)),
        *current_edition_stamp("esco"),
    ]
    known = [
        KEPT_FORMAT,
        request_row.version,
        request_row.host_id,
        request_row.host.country,
        request_row.group_id,
        sql,
        [str(value) for value in params],
    ]
    variant = hashlib.sha256(json.dumps([sql, [str(v) for v in params]]).encode()).hexdigest()[:48]
    body, _kept = kept_or_computed(KEPT_KIND, request_row.pk, f"{limit}:{variant}", known, parts, compute)
    return body
