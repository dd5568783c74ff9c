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

from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from typing import Any

import numpy as np
import scipy.sparse as sp
from django.db.models import BooleanField, Count, ExpressionWrapper, Q, QuerySet

from migdev.diaspora.models import (
    LEVEL_RANK,
    AvailabilityWindow,
    Expert,
    ExpertLanguage,
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
EPOCH = date(1970, 1, 1)


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
    n_skills = entry.matcher.n_skills
    wanted, unknown = entry.indices(required)
    person_lists = [entry.indices(list(e.skill_uris or []))[0] for e in experts]
    people_skills = skills_matching.people_matrix(person_lists, n_skills)
    languages = sorted(
        {request_row.language.lower()}
        | {str(i.get("code", "")).lower() for e in experts for i in e.languages or []}
    )
    column = {code: i for i, code in enumerate(languages)}
    levels = np.zeros((len(experts), len(languages)), dtype=np.int64)
    for row, expert in enumerate(experts):
        for code, rank in _levels(expert).items():
            if code in column:
                levels[row, column[code]] = rank
    required_levels = np.zeros((1, len(languages)), dtype=np.int64)
    required_levels[0, column[request_row.language.lower()]] = LEVEL_RANK.get(request_row.language_level, 0)
    isco = _isco([u for e in experts for u in e.occupation_uris or []] + [request_row.occupation_uri])
    people = skills_matching.People(
        skills=people_skills,
        isco=np.array(
            [
                next((isco[u] for u in e.occupation_uris or [] if u in isco), skills_matching.UNKNOWN)
                for e in experts
            ],
            dtype=np.int64,
        ),
        language_levels=levels,
        experience_years=np.array([float(e.years_experience) for e in experts]),
        birth_day=np.full(len(experts), skills_matching.UNKNOWN, dtype=np.int64),
        available_from=np.full(len(experts), skills_matching.UNKNOWN, dtype=np.int64),
        available_to=np.full(len(experts), skills_matching.UNKNOWN, dtype=np.int64),
    )
    essential = sp.csr_matrix(
        (np.ones(len(wanted)), (np.zeros(len(wanted), dtype=np.int64), np.array(wanted, dtype=np.int64))),
        shape=(1, n_skills),
    )
    openings = skills_matching.Openings(
        essential=essential,
        optional=sp.csr_matrix((1, n_skills)),
        isco=np.array([isco.get(request_row.occupation_uri, skills_matching.UNKNOWN)], dtype=np.int64),
        required_levels=required_levels,
        preferred_levels=required_levels.copy(),
        experience_years=np.array([float(request_row.years_experience_wanted)]),
        min_age=np.zeros(1),
        country=np.array([skills_matching.UNKNOWN], dtype=np.int64),
        start_day=np.array([(request_row.starts_on - EPOCH).days], dtype=np.int64),
        end_day=np.array([(request_row.ends_on - EPOCH).days], dtype=np.int64),
    )
    requirements = skills_matching.Requirements(languages=True, country=False, dates=False, min_age=False)
    spec = entry.matcher.specificity
    totals, eligible = skills_matching.score_matrix(
        people, openings, requirements=requirements, graph=entry.matcher.graph, skill_specificity=spec
    )
    wanted_uris = [u for u in required if u not in unknown]
    ranked = sorted(
        (
            (
                round(
                    ENGINE_WEIGHT * float(totals[row, 0])
                    + AVAILABILITY_WEIGHT * overlaps[expert.pk] / period
                    + PRIORITY_WEIGHT * priority,
                    4,
                ),
                expert.pk,
                row,
            )
            for row, expert in enumerate(experts)
            if eligible[row, 0]
        ),
        key=lambda item: (-item[0], item[1]),
    )
    out = []
    for score, _pk, row in ranked if limit is None else ranked[:limit]:
        expert = experts[row]
        detail = skills_matching.explain_pair(
            people,
            openings,
            row,
            requirements=requirements,
            graph=entry.matcher.graph,
            skill_specificity=spec,
        )
        parts = {name: round(float(values[0]), 4) for name, values in detail.parts.items()}
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


def _hard_filters(request_row: Request) -> dict[str, Q]:
    """The hard requirements of ``request_row`` as SQL conditions on the pool (the same rules as
    ``hard_failures``, which checks one expert in Python): each a condition an expert must meet."""
    nobody = Q(pk__in=[])
    modality = (
        Q(**{f"accepts_{request_row.modality}": True}) if request_row.modality in Modality.values else nobody
    )
    required = LEVEL_RANK.get(request_row.language_level, 0)
    # ``pk IN (subquery)``: the subquery runs once over its index (a correlated EXISTS runs per expert).
    language = (
        Q(
            pk__in=ExpertLanguage.objects.filter(
                code=request_row.language.lower(), rank__gte=required
            ).values("expert_id")
        )
        if required
        else Q(pk__isnull=False)
    )
    availability = (
        Q(
            pk__in=AvailabilityWindow.objects.filter(
                starts_on__lte=request_row.ends_on, ends_on__gte=request_row.starts_on
            ).values("expert_id")
        )
        if request_row.ends_on >= request_row.starts_on
        else nobody
    )
    conditions = {"modality": modality, "language": language, "availability": availability}
    # Checked only for experts available on some of the dates (an expert is told one reason about time).
    if request_row.modality == Modality.ON_SITE:
        conditions["days_on_site"] = Q(days_on_site_per_year__gte=min(request_row.duration_days, 365))
    elif request_row.modality == Modality.ONLINE:
        conditions["hours_online"] = Q(hours_online_per_week__gt=0)
    return conditions


ELIGIBLE = Q(
    status=Expert.Status.ACTIVE,
    consent_processing_at__isnull=False,
    consent_processing_withdrawn_at__isnull=True,
)


def exclusion_counts(request_row: Request, pool: QuerySet[Expert]) -> tuple[int, int, dict[str, int]]:
    """Experts in ``pool``; those left out by a hard requirement; and per requirement, how many fail it
    (an expert may fail several). One SQL aggregate: the pool's experts counted by which requirements they
    meet (at most 2^5 groups), so each requirement's subquery runs once; the groups' counts are added up."""
    conditions = _hard_filters(request_row)
    flags = {
        f"meets_{reason}": ExpressionWrapper(condition, output_field=BooleanField())
        for reason, condition in conditions.items()
    }
    groups = (
        pool.order_by()
        .annotate(eligible=ExpressionWrapper(ELIGIBLE, output_field=BooleanField()), **flags)
        .values("eligible", *flags)
        .annotate(experts=Count("pk"))
    )
    considered, excluded_total = 0, 0
    by_reason = dict.fromkeys(conditions, 0)
    for group in groups:
        considered += group["experts"]
        if not group["eligible"]:
            continue
        meets = {reason: bool(group[f"meets_{reason}"]) for reason in conditions}
        if not all(meets.values()):
            excluded_total += group["experts"]
        for reason, met in meets.items():
            # The time requirement (days on site, hours online) is told only to experts available then.
            if not met and (reason not in ("days_on_site", "hours_online") or meets["availability"]):
                by_reason[reason] += group["experts"]
    return considered, excluded_total, {r: by_reason[r] for r in EXCLUSION_REASONS if by_reason.get(r)}


def _passing_profiles(request_row: Request, pool: QuerySet[Expert]) -> list[Profile]:
    """The experts of ``pool`` meeting every hard requirement, with what scoring reads, in two queries."""
    passing = pool.filter(ELIGIBLE).order_by()
    for condition in _hard_filters(request_row).values():
        passing = passing.filter(condition)
    rows = list(passing.values_list("pk", "languages", "occupation_uris", "skill_uris", "years_experience"))
    spans: dict[int, list[tuple[date, date]]] = {row[0]: [] for row in rows}
    if rows:
        # Only windows touching the request's dates count towards the days of overlap.
        for expert_id, first, last in (
            AvailabilityWindow.objects.order_by()
            .filter(
                expert__in=passing.values("pk"),
                starts_on__lte=request_row.ends_on,
                ends_on__gte=request_row.starts_on,
            )
            .values_list("expert_id", "starts_on", "ends_on")
        ):
            spans[expert_id].append((first, last))
    return [
        Profile(pk, languages or [], occupations or [], skills or [], years, spans[pk])
        for pk, languages, occupations, skills, years in rows
    ]


def shortlist(request_row: Request, pool: QuerySet[Expert], *, limit: int = 20) -> Shortlist:
    """The ranked shortlist of ``pool`` (the experts the caller may consider) for a request.

    The hard requirements run in SQL; the skills engine scores only the experts who meet them; only the
    first ``limit`` are explained and loaded as experts; the count of those left out, per requirement, is
    one SQL aggregate."""
    considered, excluded_total, excluded = exclusion_counts(request_row, pool)
    scored, unknown, version = score_experts(request_row, _passing_profiles(request_row, pool), limit=limit)
    top = scored[:limit]
    experts = Expert.objects.only(*MATCH_FIELDS).in_bulk([c.expert.pk for c in top])
    candidates = [replace(candidate, expert=experts[candidate.expert.pk]) for candidate in top]
    return Shortlist(request_row, candidates, excluded, excluded_total, considered, version, unknown)


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
