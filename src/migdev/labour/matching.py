"""The shortlist of one job order, from the skills engine (``migdev.skills.matching``) with hard filters.

Filters applied before ranking, in SQL: consent to processing not withdrawn; consent to be shown to the
employers of the job order's scheme, not withdrawn; residence in one of the scheme's countries of origin
(when it names any); not already an applicant. Filters applied by the engine as hard requirements: legal
age (18) on the start date, every required language at its CEFR level, available on or before the start
date, and the destination among the worker's preferred destinations (none named: anywhere).

The score is the engine's weighted mean of visible sub-scores (skills, occupation, languages,
experience); the skills sub-score credits related and hierarchically close ESCO skills. Each candidate
carries its sub-scores and the essential and optional skills it matches and misses.
"""

from __future__ import annotations

import calendar
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any

import numpy as np
import scipy.sparse as sp

from migdev.labour.models import JobOrder, Worker
from migdev.skills import matching as engine_math

LEGAL_AGE = 18
# A candidate must hold (or be credited with) at least some of the job's skills: languages and experience
# alone never put a worker on a shortlist or into a placement.
MIN_SKILL_SCORE = 1e-4
REQUIREMENTS = engine_math.Requirements(min_skill_score=MIN_SKILL_SCORE)
EPOCH = date(1970, 1, 1)
METHOD = (
    "Computed by migdev with the skills engine: weighted mean of the skills (0.6), occupation (0.15), "
    "languages (0.15) and experience (0.1) sub-scores; the skills sub-score is the specificity-weighted "
    "coverage of the job's essential (1) and optional (0.3) ESCO skills, with partial credit for related "
    "and hierarchically close skills. Hard filters: consent, scheme consent, legal age 18 at the start "
    "date, required languages at their CEFR level, availability by the start date, preferred destination, "
    "and at least one of the job's skills held or credited."
)


@dataclass(frozen=True)
class Candidate:
    worker_id: int
    pseudonym: str
    score: float
    sub_scores: dict[str, float]
    essential_matched: list[str]
    essential_missing: list[str]
    optional_matched: list[str]

    def explanation_json(self) -> dict[str, Any]:
        return {
            "essential_matched": self.essential_matched,
            "essential_missing": self.essential_missing,
            "optional_matched": self.optional_matched,
        }


@dataclass
class Shortlist:
    job_order_id: int
    candidates: list[Candidate]
    considered: int
    excluded_before_ranking: dict[str, int] = field(default_factory=dict)
    weights: dict[str, float] = field(default_factory=dict)
    method: str = METHOD


def shift_years(value: date, years: int) -> date:
    """The same day ``years`` later (earlier when negative); 29 February becomes 28 February."""
    try:
        return value.replace(year=value.year + years)
    except ValueError:
        return value.replace(year=value.year + years, day=28)


def _day(value: date | None) -> int:
    return (value - EPOCH).days if value is not None else engine_math.UNKNOWN


def _pool(job_order: JobOrder) -> tuple[list[Worker], dict[str, int]]:
    scheme = job_order.scheme
    consenting = Worker.objects.filter(
        consent_processing_at__isnull=False, consent_processing_withdrawn_at__isnull=True
    )
    excluded: dict[str, int] = {}
    total = consenting.count()
    shown = consenting.filter(
        scheme_consents__scheme=scheme, scheme_consents__withdrawn_at__isnull=True
    ).distinct()
    excluded["no_consent_to_this_scheme"] = total - shown.count()
    origins = list(scheme.origin_countries.values_list("iso3", flat=True))
    if origins:
        in_origin = shown.filter(country_of_residence__in=origins)
        excluded["outside_scheme_origin_countries"] = shown.count() - in_origin.count()
        shown = in_origin
    already = shown.filter(applications__job_order=job_order)
    excluded["already_applicant"] = already.count()
    shown = shown.exclude(pk__in=already.values("pk"))
    # Certainly too young even on the latest day of their birth month: never read their birth date.
    youngest_allowed = shift_years(job_order.start_date, -LEGAL_AGE)
    too_young = shown.filter(birth_month__gt=youngest_allowed)
    excluded["under_legal_age"] = too_young.count()
    shown = shown.exclude(pk__in=too_young.values("pk"))
    workers = list(
        shown.defer(
            "given_name", "family_name", "phone", "email", "identity_document_number", "notes"
        ).order_by("pk")
    )
    return workers, excluded


def _of_age(worker: Worker, start: date) -> bool:
    """Whether the worker is 18 on ``start``, exactly (the engine's year of 365.2425 days is not the law).
    The birth month alone decides unless the worker turns 18 in the month of the start date; only then
    is the encrypted birth date read."""
    month = worker.birth_month
    last_day_of_month = month.replace(day=calendar.monthrange(month.year, month.month)[1])
    if shift_years(last_day_of_month, LEGAL_AGE) <= start:
        return True
    if "date_of_birth" in worker.get_deferred_fields():
        exact = Worker.objects.only("date_of_birth").get(pk=worker.pk).date_of_birth
    else:
        exact = worker.date_of_birth
    return exact is not None and shift_years(exact, LEGAL_AGE) <= start


def _skill_space(uris: set[str]) -> tuple[dict[str, int], Any, Any]:
    """Skill URI -> index, with the ESCO edition's skill graph and specificity where one is loaded."""
    from migdev.skills.engine import matcher_for
    from migdev.skills.selectors import current_edition

    edition = current_edition("esco")
    if edition is not None:
        entry = matcher_for(edition)
        if entry.skill_index:
            return entry.skill_index, entry.matcher.graph, entry.matcher.specificity
    return {uri: i for i, uri in enumerate(sorted(uris))}, None, None


def _arrays(
    job_orders: list[JobOrder], workers: list[Worker], weights: engine_math.ComponentWeights
) -> tuple[engine_math.People, engine_math.Openings, dict[str, Any]]:
    """The engine's columns for these workers and job orders (legal age is applied outside, exactly)."""
    uris: set[str] = set()
    for job_order in job_orders:
        uris.update(job_order.essential_skill_uris, job_order.optional_skill_uris)
    for worker in workers:
        uris.update(worker.skill_uris)
    index, graph, specificity = _skill_space(uris)
    n_skills = len(index) if graph is not None else max(len(index), 1)

    def indices(skill_uris: list[str]) -> list[int]:
        return sorted({index[uri] for uri in skill_uris if uri in index})

    languages = sorted(
        {item["code"] for j in job_orders for item in j.languages}
        | {i["code"] for w in workers for i in w.languages}
    )
    lang_index = {code: i for i, code in enumerate(languages)}
    countries = sorted(
        {j.destination_country_id for j in job_orders}
        | {c for w in workers for c in w.preferred_destinations}
    )
    country_index = {code: i for i, code in enumerate(countries)}
    levels = np.zeros((len(workers), max(len(languages), 1)), dtype=np.int64)
    willing_rows, willing_cols = [], []
    for row, worker in enumerate(workers):
        for item in worker.languages:
            levels[row, lang_index[item["code"]]] = int(item["level"])
        for code in worker.preferred_destinations:
            willing_rows.append(row)
            willing_cols.append(country_index[code])
    required = np.zeros((len(job_orders), levels.shape[1]), dtype=np.int64)
    for row, job_order in enumerate(job_orders):
        for item in job_order.languages:
            required[row, lang_index[item["code"]]] = int(item["level"])
    people = engine_math.People(
        skills=engine_math.people_matrix([indices(w.skill_uris) for w in workers], n_skills),
        isco=np.array([int(w.isco_code) if w.isco_code.isdigit() else engine_math.UNKNOWN for w in workers]),
        language_levels=levels,
        experience_years=np.array([float(w.experience_years) for w in workers]),
        birth_day=np.full(len(workers), engine_math.UNKNOWN, dtype=np.int64),
        available_from=np.array([_day(w.available_from) for w in workers], dtype=np.int64),
        available_to=np.full(len(workers), engine_math.UNKNOWN, dtype=np.int64),
        countries=sp.csr_matrix(
            (np.ones(len(willing_rows)), (willing_rows, willing_cols)), shape=(len(workers), len(countries))
        ),
    )
    openings = engine_math.Openings(
        essential=engine_math.people_matrix([indices(j.essential_skill_uris) for j in job_orders], n_skills),
        optional=engine_math.people_matrix([indices(j.optional_skill_uris) for j in job_orders], n_skills),
        isco=np.array(
            [int(j.isco_code) if j.isco_code.isdigit() else engine_math.UNKNOWN for j in job_orders]
        ),
        required_levels=required,
        preferred_levels=np.zeros_like(required),
        experience_years=np.zeros(len(job_orders)),
        min_age=np.zeros(len(job_orders)),  # legal age is applied exactly, outside the engine
        country=np.array([country_index[j.destination_country_id] for j in job_orders]),
        start_day=np.array([_day(j.start_date) for j in job_orders]),
        end_day=np.full(len(job_orders), engine_math.UNKNOWN),
    )
    options = {
        "weights": weights,
        "graph": graph,
        "skill_specificity": specificity,
        "requirements": REQUIREMENTS,
    }
    return people, openings, options


def shortlist(job_order: JobOrder, *, limit: int = 20) -> Shortlist:
    """The same shortlist as :func:`shortlist_unoptimised`, without reading every profile on every call.

    Who may be shown (consent, scheme consent, residence, birth month) and what ranks come from the columns
    of :mod:`migdev.labour.pool`, current as of the registry version the database holds (read on every
    call); the job order's applicants are read on every call, and the encrypted birth date of the workers
    born in the border month of legal age only. The counts of those left out at each step are taken on the
    same columns. Only workers holding, or credited through the skill graph with, at least one of the job's
    skills are ranked (the others score 0 on skills and never pass ``MIN_SKILL_SCORE``), and only the top
    ``limit`` are explained."""
    from migdev.labour import pool
    from migdev.labour.models import Application
    from migdev.skills.engine import matcher_for
    from migdev.skills.selectors import current_edition

    edition = current_edition("esco")
    entry = matcher_for(edition) if edition is not None else None
    if entry is None or not entry.skill_index:
        return shortlist_unoptimised(job_order, limit=limit)
    index, graph, specificity = entry.skill_index, entry.matcher.graph, entry.matcher.specificity
    weights = engine_math.ComponentWeights()
    profiles = pool.profiles(index, len(index), (entry.edition_id, entry.revision, id(index)))

    scheme = job_order.scheme
    origins = list(scheme.origin_countries.values_list("iso3", flat=True))
    youngest_allowed = shift_years(job_order.start_date, -LEGAL_AGE)

    def scheme_masks() -> tuple[np.ndarray, int, int, int]:
        shown = profiles.consenting & profiles.shown_to(scheme.pk)
        in_origin = shown & profiles.residing_in(origins) if origins else shown
        return in_origin, int(profiles.consenting.sum()), int(shown.sum()), int(in_origin.sum())

    in_origin, n_consenting, n_shown, n_in_origin = profiles.remember(
        ("scheme", scheme.pk, tuple(origins)), scheme_masks
    )
    applicants = np.fromiter(
        Application.objects.filter(job_order=job_order).order_by().values_list("worker_id", flat=True),
        dtype=np.int64,
    )
    applicant_rows = np.searchsorted(profiles.ids, applicants)
    applicant_rows = applicant_rows[applicant_rows < len(profiles.ids)]
    applicant_rows = applicant_rows[np.isin(profiles.ids[applicant_rows], applicants)]
    applicant = np.zeros(len(profiles.ids), dtype=bool)
    applicant[applicant_rows] = True
    applicant &= in_origin
    remaining = in_origin & ~applicant
    too_young = profiles.remember(
        ("too young", youngest_allowed), lambda: profiles.birth_month > _day(youngest_allowed)
    )
    young = remaining & too_young
    eligible = remaining & ~young
    excluded = {"no_consent_to_this_scheme": n_consenting - n_shown}
    if origins:
        excluded["outside_scheme_origin_countries"] = n_shown - n_in_origin
    excluded["already_applicant"] = int(applicant.sum())
    excluded["under_legal_age"] = int(young.sum())
    # Born in the border month: only the exact (encrypted) birth date decides, read for these few alone.
    border = eligible & (profiles.birth_month == _day(youngest_allowed.replace(day=1)))
    minors = _minors_cached(profiles, profiles.ids[border], job_order.start_date)
    if minors:
        eligible &= ~np.isin(profiles.ids, np.array(sorted(minors), dtype=np.int64))
    excluded["under_legal_age"] += len(minors)
    considered = int(eligible.sum())
    if considered <= 0:
        return Shortlist(job_order.pk, [], 0, excluded, weights.as_dict())

    job_skills = sorted(
        {index[u] for u in [*job_order.essential_skill_uris, *job_order.optional_skill_uris] if u in index}
    )
    if job_skills:

        def holders() -> np.ndarray:
            holding = np.zeros(len(profiles.ids), dtype=bool)
            holding[profiles.skills_by_column[:, _crediting_skills(graph, job_skills)].indices] = True
            return holding

        holding = profiles.remember(("holding", id(graph), tuple(job_skills)), holders)
        rows = np.flatnonzero(eligible & holding)
    else:
        rows = np.flatnonzero(eligible)
    requirements_key = (
        "hard",
        job_order.start_date,
        tuple((item["code"], int(item["level"])) for item in job_order.languages),
        job_order.destination_country_id,
    )
    meets = profiles.remember(
        requirements_key,
        lambda: _meets_hard_requirements(job_order, profiles, np.arange(len(profiles.ids))),
    )
    rows = rows[meets[rows]]
    if not len(rows):
        return Shortlist(job_order.pk, [], considered, excluded, weights.as_dict())
    options: dict[str, Any] = {
        "weights": weights,
        "graph": graph,
        "skill_specificity": specificity,
        "requirements": REQUIREMENTS,
    }
    chosen_rows, scores = _ranked(job_order, profiles, rows, index, options, limit)
    top_people, openings = _cached_arrays(job_order, profiles, chosen_rows, index)
    identities = {
        pk: (pseudonym, skill_uris)
        for pk, pseudonym, skill_uris in Worker.objects.filter(
            pk__in=[int(pk) for pk in profiles.ids[chosen_rows]]
        ).values_list("pk", "pseudonym", "skill_uris")
    }
    essential = set(job_order.essential_skill_uris)
    candidates = []
    details = engine_math.explain_pairs(top_people, openings, **options)
    for place, (row, score) in enumerate(zip(chosen_rows.tolist(), scores, strict=True)):
        worker_id = int(profiles.ids[row])
        if worker_id not in identities:  # erased since the version was read: never shown
            continue
        pseudonym, skill_uris = identities[worker_id]
        detail = details[place]
        held = set(skill_uris)
        candidates.append(
            Candidate(
                worker_id=worker_id,
                pseudonym=pseudonym,
                score=round(score, 4),
                sub_scores={name: round(float(values[0]), 4) for name, values in detail.parts.items()},
                essential_matched=[u for u in job_order.essential_skill_uris if u in held],
                essential_missing=[u for u in job_order.essential_skill_uris if u not in held],
                optional_matched=[
                    u for u in job_order.optional_skill_uris if u in held and u not in essential
                ],
            )
        )
    return Shortlist(job_order.pk, candidates, considered, excluded, weights.as_dict())


# A pre-ranking in the job's own small skill space may differ from the engine's sums in the last bits of a
# float; a worker more than this below the N-th best there cannot reach the top N (rounded scores: 1e-6).
_MARGIN = 4.0 / engine_math.RANK_SCALE
_ROUGH_REQUIREMENTS = engine_math.Requirements(min_skill_score=MIN_SKILL_SCORE - 1e-9)


def _rank(
    people: engine_math.People, openings: engine_math.Openings, options: dict[str, Any], top_n: int
) -> tuple[np.ndarray, np.ndarray]:
    """The engine's ranking of every person of ``people`` for the one opening, in one chunk (the rows are
    scored independently: chunking changes no score, only the work per call)."""
    ranking = engine_math.rank_matches(
        people,
        openings,
        top_n=min(top_n, people.n),
        direction="people_for_openings",
        chunk_size=max(1000, people.n),
        **options,
    )
    found = ranking.index[0] >= 0
    return ranking.index[0][found].astype(np.int64), ranking.score[0][found]


def _ranked(
    job_order: JobOrder,
    profiles: Any,
    rows: np.ndarray,
    index: dict[str, int],
    options: dict[str, Any],
    limit: int,
) -> tuple[np.ndarray, list[float]]:
    """The top ``limit`` of ``rows`` (profile rows, ascending) and their scores, exactly as the engine ranks
    them over every row, without crediting every worker's skills through the whole ESCO graph:

    1. a pre-ranking in the job's own skill space (the job's skills and those crediting them, the graph and
       specificity restricted to them) gives each worker the same score up to float rounding;
    2. the engine ranks, in the full space, only the workers within ``_MARGIN`` of the N-th best there;
    3. the result stands only if everyone left out is provably below the N-th (else: the engine over all
       rows, as before)."""
    small = _job_space(job_order, index, options["graph"], options["skill_specificity"])
    if small is not None and len(rows) > limit:
        found = _ranked_in_job_space(job_order, profiles, rows, index, options, limit, small)
        if found is not None:
            return found
    people, openings = _cached_arrays(job_order, profiles, rows, index)
    exact_index, exact_score = _rank(people, openings, options, limit)
    return rows[exact_index], [float(x) for x in exact_score]


def _ranked_in_job_space(
    job_order: JobOrder,
    profiles: Any,
    rows: np.ndarray,
    index: dict[str, int],
    options: dict[str, Any],
    limit: int,
    small: Any,
) -> tuple[np.ndarray, list[float]] | None:
    """:func:`_ranked`'s steps 1-3; None when step 3 cannot prove the result."""
    space, small_graph, small_specificity = small
    people, openings = _cached_arrays(job_order, profiles, rows, index, space=space)
    rough_options = {
        **options,
        "graph": small_graph,
        "skill_specificity": small_specificity,
        "requirements": _ROUGH_REQUIREMENTS,
    }
    depth = 4 * limit + 20
    while True:
        depth = min(depth, len(rows))
        rough_index, rough_score = _rank(people, openings, rough_options, depth)
        if not len(rough_index):  # nobody reaches the minimum skills sub-score, even roughly
            return np.empty(0, dtype=np.int64), []
        nth = rough_score[min(limit, len(rough_index)) - 1]
        near = rough_score >= nth - _MARGIN  # a prefix: best first
        truncated = len(rough_index) == depth < len(rows)  # rows past the depth score at most the last
        if near.all() and truncated:
            depth *= 4  # ties at the N-th place beyond the depth: look deeper
            continue
        break
    if not near.all():
        outside = float(rough_score[~near].max())
    else:
        outside = -np.inf  # every worker reaching the minimum, even roughly, is a candidate
    candidates = np.sort(rows[rough_index[near]])
    people, openings = _cached_arrays(job_order, profiles, candidates, index)
    exact_index, exact_score = _rank(people, openings, options, limit)
    if outside == -np.inf:
        return candidates[exact_index], [float(x) for x in exact_score]
    if len(exact_index) == limit and float(exact_score[-1]) - outside > _MARGIN:
        return candidates[exact_index], [float(x) for x in exact_score]
    return None


_space_cache: dict[tuple[Any, ...], Any] = {}


def _job_space(job_order: JobOrder, index: dict[str, int], graph: Any, specificity: Any) -> Any:
    """The job's skill space: (skills, the graph restricted to them, their specificity), where skills are the
    job's and every skill crediting one of them, ascending. Kept per job skills and graph."""
    essential = tuple(sorted({index[u] for u in job_order.essential_skill_uris if u in index}))
    optional = tuple(sorted({index[u] for u in job_order.optional_skill_uris if u in index}))
    if graph is None or not (essential or optional):
        return None
    key = (id(graph), id(specificity), essential, optional)
    cached = _space_cache.get(key)
    if cached is not None and cached[0] is graph:
        return cached[1]
    space = _crediting_skills(graph, sorted({*essential, *optional}))

    def part(matrix: sp.csr_matrix) -> sp.csr_matrix:
        return matrix[space][:, space].tocsr()

    small = engine_math.SkillGraph(
        len(space),
        part(graph.related),
        part(graph.narrower),
        part(graph.broader),
        part(graph.sibling),
        graph.weights,
    )
    value = (space, small, None if specificity is None else np.asarray(specificity)[space])
    if len(_space_cache) > 512:
        _space_cache.clear()
    _space_cache[key] = (graph, value)
    return value


def _meets_hard_requirements(job_order: JobOrder, profiles: Any, rows: np.ndarray) -> np.ndarray:
    """A mask of ``rows``: the engine's hard requirements for one job order (available by the start date,
    every required language at its level, the destination among the preferred ones or none named), on the
    cached columns, so that the engine ranks only those it would not drop (``REQUIREMENTS``; the same tests
    as ``skills.matching._pair_totals``, which still applies them)."""
    ok = profiles.available_from[rows] <= _day(job_order.start_date)  # UNKNOWN (-1): no constraint
    for item in job_order.languages:
        level = int(item["level"])
        if level <= 0:
            continue
        if item["code"] in profiles.languages:
            ok &= profiles.levels[rows, profiles.languages.index(item["code"])] >= level
        else:
            ok[:] = False
    willing = profiles.willing[rows]
    anywhere = np.diff(willing.indptr) == 0
    if job_order.destination_country_id in profiles.countries:
        column = profiles.countries.index(job_order.destination_country_id)
        ok &= anywhere | (np.asarray(willing[:, column].toarray()).ravel() > 0)
    else:
        ok &= anywhere
    return np.asarray(ok, dtype=bool)


def _minors(worker_ids: list[int], start: date) -> set[int]:
    """Of these workers born in the border month, those not 18 on ``start`` (the birth date read exactly,
    in one query)."""
    if not worker_ids:
        return set()
    workers = Worker.objects.filter(pk__in=worker_ids).only("pk", "birth_month", "date_of_birth")
    return {worker.pk for worker in workers if not _of_age(worker, start)}


_minors_cache: dict[tuple[Any, ...], set[int]] = {}


def _minors_cached(profiles: Any, border_ids: np.ndarray, start: date) -> set[int]:
    """:func:`_minors`, kept per registry version and start date (a birth date changes only through a write,
    which moves the version); inside a write, whose version may still roll back, read every time."""
    from migdev.core.kept import inside_a_write

    if inside_a_write("default"):
        return _minors([int(pk) for pk in border_ids], start)
    key = (profiles.epoch, profiles.version, id(profiles), start, border_ids.tobytes())
    found = _minors_cache.get(key)
    if found is None:
        found = _minors([int(pk) for pk in border_ids], start)
        if len(_minors_cache) > 1024:
            _minors_cache.clear()
        _minors_cache[key] = found
    return found


_crediting_cache: dict[int, Any] = {}


def _crediting_skills(graph: Any, job_skills: list[int]) -> np.ndarray:
    """Every skill whose holder gets some credit for one of ``job_skills`` (the skills themselves included)."""
    if graph is None:
        return np.array(job_skills, dtype=np.int64)
    combined = _crediting_cache.get(id(graph))
    if combined is None or combined[0] is not graph:
        combined = (graph, graph.combined().tocsc())
        _crediting_cache.clear()
        _crediting_cache[id(graph)] = combined
    columns = combined[1][:, job_skills]
    return np.unique(np.concatenate([columns.indices, np.array(job_skills, dtype=np.int64)]))


def _cached_arrays(
    job_order: JobOrder,
    profiles: Any,
    rows: np.ndarray,
    index: dict[str, int],
    space: np.ndarray | None = None,
) -> tuple[engine_math.People, engine_math.Openings]:
    """The engine's columns for the cached profiles ``rows`` and this job order (as :func:`_arrays`); with
    ``space`` (ascending skill indices), in that skill space only."""
    n_skills = len(index) if space is None else len(space)
    if space is not None:
        position = {int(skill): i for i, skill in enumerate(space)}
        wanted = [*job_order.essential_skill_uris, *job_order.optional_skill_uris]
        index = {uri: position[index[uri]] for uri in wanted if index.get(uri) in position}
    languages = list(profiles.languages)
    for item in job_order.languages:
        if item["code"] not in languages:
            languages.append(item["code"])
    levels = np.zeros((len(rows), max(len(languages), 1)), dtype=np.int64)
    if profiles.languages:
        levels[:, : len(profiles.languages)] = profiles.levels[rows][:, : len(profiles.languages)]
    required = np.zeros((1, levels.shape[1]), dtype=np.int64)
    for item in job_order.languages:
        required[0, languages.index(item["code"])] = int(item["level"])
    countries = list(profiles.countries)
    if job_order.destination_country_id not in countries:
        countries.append(job_order.destination_country_id)
    willing = profiles.willing[rows]
    willing = sp.csr_matrix(
        (willing.data, willing.indices, willing.indptr), shape=(len(rows), len(countries))
    )

    def indices(skill_uris: list[str]) -> list[int]:
        return sorted({index[uri] for uri in skill_uris if uri in index})

    people = engine_math.People(
        skills=profiles.skills[rows]
        if space is None
        else profiles.remember(
            ("space skills", space.tobytes()),
            lambda: profiles.skills_by_column[:, space].tocsr(),
            large=True,
        )[rows],
        isco=profiles.isco[rows],
        language_levels=levels,
        experience_years=profiles.experience[rows],
        birth_day=np.full(len(rows), engine_math.UNKNOWN, dtype=np.int64),
        available_from=profiles.available_from[rows],
        available_to=np.full(len(rows), engine_math.UNKNOWN, dtype=np.int64),
        countries=willing,
    )
    openings = engine_math.Openings(
        essential=engine_math.people_matrix([indices(job_order.essential_skill_uris)], n_skills),
        optional=engine_math.people_matrix([indices(job_order.optional_skill_uris)], n_skills),
        isco=np.array([int(job_order.isco_code) if job_order.isco_code.isdigit() else engine_math.UNKNOWN]),
        required_levels=required,
        preferred_levels=np.zeros_like(required),
        experience_years=np.zeros(1),
        min_age=np.zeros(1),
        country=np.array([countries.index(job_order.destination_country_id)]),
        start_day=np.array([_day(job_order.start_date)]),
        end_day=np.full(1, engine_math.UNKNOWN),
    )
    return people, openings


def shortlist_unoptimised(job_order: JobOrder, *, limit: int = 20) -> Shortlist:
    """The shortlist read plainly: every worker of the pool as a model, ranked and explained. The reference
    :func:`shortlist` is tested against, and the path when no ESCO edition is loaded."""
    workers, excluded = _pool(job_order)
    adults = [worker for worker in workers if _of_age(worker, job_order.start_date)]
    excluded["under_legal_age"] += len(workers) - len(adults)
    workers = adults
    weights = engine_math.ComponentWeights()
    if not workers:
        return Shortlist(job_order.pk, [], 0, excluded, weights.as_dict())
    people, openings, options = _arrays([job_order], workers, weights)
    ranking = engine_math.rank_matches(
        people, openings, top_n=min(limit, len(workers)), direction="people_for_openings", **options
    )
    essential = set(job_order.essential_skill_uris)
    candidates = []
    for person, score in zip(ranking.index[0], ranking.score[0], strict=True):
        if person < 0:
            continue
        worker = workers[int(person)]
        detail = engine_math.explain_pair(people, openings, int(person), **options)
        held = set(worker.skill_uris)
        candidates.append(
            Candidate(
                worker_id=worker.pk,
                pseudonym=worker.pseudonym,
                score=round(float(score), 4),
                sub_scores={name: round(float(values[0]), 4) for name, values in detail.parts.items()},
                essential_matched=[u for u in job_order.essential_skill_uris if u in held],
                essential_missing=[u for u in job_order.essential_skill_uris if u not in held],
                optional_matched=[
                    u for u in job_order.optional_skill_uris if u in held and u not in essential
                ],
            )
        )
    return Shortlist(job_order.pk, candidates, len(workers), excluded, weights.as_dict())


@dataclass(frozen=True)
class ProposedPlacement:
    job_order_id: int
    worker_id: int
    pseudonym: str
    score: float
    choice: int
    reason: str


@dataclass
class RoundProposal:
    """Workers placed into the scheme's approved job orders, up to each one's open positions, maximising the
    total score (``migdev.skills.placement.place_optimal``). A proposal only: a person reviews it, and
    keeping it makes shortlisted applications, nothing more."""

    scheme_id: int
    placements: list[ProposedPlacement]
    unplaced: dict[str, int]
    total_score: float
    method: str


@dataclass
class RoundInputs:
    """What a scheme round places: the job orders (columns), the pool (rows), the engine's scores, who may
    take which job order (hard filters and legal age on each start date), and each job order's open positions."""

    job_orders: list[JobOrder]
    workers: list[Worker]
    scores: np.ndarray
    eligible: np.ndarray
    capacities: list[int]


def round_inputs(scheme: Any) -> RoundInputs | None:
    from migdev.labour.models import Application

    job_orders = list(
        JobOrder.objects.filter(scheme=scheme, approval_status=JobOrder.Approval.APPROVED).order_by("pk")
    )
    if not job_orders:
        return None
    origins = list(scheme.origin_countries.values_list("iso3", flat=True))
    pool = Worker.objects.filter(
        consent_processing_at__isnull=False,
        consent_processing_withdrawn_at__isnull=True,
        scheme_consents__scheme=scheme,
        scheme_consents__withdrawn_at__isnull=True,
    ).exclude(applications__job_order__scheme=scheme)
    if origins:
        pool = pool.filter(country_of_residence__in=origins)
    workers = list(
        pool.distinct()
        .defer("given_name", "family_name", "phone", "email", "identity_document_number", "notes")
        .order_by("pk")
    )
    if not workers:
        return None
    weights = engine_math.ComponentWeights()
    people, openings, options = _arrays(job_orders, workers, weights)
    scores, eligible = engine_math.score_matrix(people, openings, **options)
    # Legal age on each start date: the birth month decides, except in the border month (exact date).
    months = np.array([_day(worker.birth_month) for worker in workers], dtype=np.int64)
    for column, job_order in enumerate(job_orders):
        youngest_allowed = shift_years(job_order.start_date, -LEGAL_AGE)
        allowed = eligible[:, column] & (months <= _day(youngest_allowed))
        for row in np.flatnonzero(allowed & (months == _day(youngest_allowed.replace(day=1)))):
            allowed[row] = _of_age(workers[int(row)], job_order.start_date)
        eligible[:, column] = allowed
    taken = {
        job_order.pk: Application.objects.filter(
            job_order=job_order,
            stage__in=[Application.Stage.ACCEPTED, Application.Stage.DEPLOYED, Application.Stage.OFFER],
        ).count()
        for job_order in job_orders
    }
    capacities = [max(0, j.positions - taken[j.pk]) for j in job_orders]
    return RoundInputs(job_orders, workers, scores, eligible, capacities)


def scheme_round(scheme: Any) -> RoundProposal:
    from migdev.skills.placement import place_optimal

    inputs = round_inputs(scheme)
    if inputs is None:
        return RoundProposal(scheme.pk, [], {}, 0.0, "none")
    job_orders, workers = inputs.job_orders, inputs.workers
    result = place_optimal(inputs.scores, inputs.capacities, inputs.eligible)
    placements = [
        ProposedPlacement(
            job_orders[p.opening].pk,
            workers[p.person].pk,
            workers[p.person].pseudonym,
            round(float(p.score), 4),
            p.choice,
            p.reason,
        )
        for p in result.placements
    ]
    unplaced: dict[str, int] = {}
    for item in result.unplaced:
        unplaced[item.reason] = unplaced.get(item.reason, 0) + 1
    return RoundProposal(scheme.pk, placements, unplaced, round(float(result.total_score), 4), result.method)


# Raised when what a kept shortlist holds changes shape, so that no answer kept by older code is served.
KEPT_FORMAT = 1
KEPT_KIND = "labour.shortlist"


def shortlist_kept(job_order: JobOrder, *, limit: int = 20) -> dict[str, Any]:
    """:func:`shortlist` as a JSON object, kept in the database while its inputs stay the same
    (``migdev.core.kept``, ADR 0014): the job order and its scheme (their versions, moved by every service
    that changes them, the scheme's origin countries included), the registry's version (moved by
    ``services.eligibility_refresh`` with every change to a worker, a consent or a scheme visibility), the job
    order's applicants (their count and highest id: ids are never reused) and the current ESCO edition.

    Every candidate carries its ``worker_id``: the caller removes it for anyone who may not see it."""
    from migdev.core.kept import StampPart, column, kept_or_computed, table
    from migdev.labour.models import Application, RegistryVersion
    from migdev.labour.pool import REGISTRY
    from migdev.skills.selectors import current_edition_stamp

    registry = f"FROM {table(RegistryVersion)} WHERE {column(RegistryVersion, 'name')} = %s"  # noqa: S608
    applicants = f"FROM {table(Application)} WHERE {column(Application, 'job_order')} = %s"  # noqa: S608
    parts = [
        StampPart(f"SELECT {column(RegistryVersion, 'epoch')} {registry}", (REGISTRY,)),
        StampPart(f"SELECT {column(RegistryVersion, 'value')} {registry}", (REGISTRY,)),
        StampPart(f"SELECT count(*) {applicants}", (job_order.pk,)),
        StampPart(f"SELECT max({column(Application, 'id')}) {applicants}", (job_order.pk,)),
        *current_edition_stamp("esco"),
    ]
    known = [KEPT_FORMAT, job_order.version, job_order.scheme_id, job_order.scheme.version]

    def compute() -> dict[str, Any]:
        result = shortlist(job_order, limit=limit)
        return {
            "considered": result.considered,
            "excluded_before_ranking": result.excluded_before_ranking,
            "weights": result.weights,
            "candidates": [asdict(candidate) for candidate in result.candidates],
        }

    body, _kept = kept_or_computed(KEPT_KIND, job_order.pk, str(limit), known, parts, compute)
    return body
