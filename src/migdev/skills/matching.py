"""The skills matching engine: arrays in, ranked results with explanations out (no Django models here).

Two rankers share one idea — a required skill counts by how specific it is, and a skill the person does not
hold can still earn part of its weight through a related or hierarchically close skill they do hold:

* :class:`OccupationMatcher` ranks ESCO occupations for a set of skills (``POST
  /api/v1/skills/occupations/match``, ``migdev skills evaluate``).
* :func:`rank_matches` ranks openings for people (or people for openings) from skill sets, hard requirements
  (languages with CEFR levels, country, available dates, minimum age, minimum skill score) and weighted,
  visible components (skills, occupation, languages, experience).

Everything is vectorised: sparse matrix products (scipy) over chunks of people, ``argpartition`` for the
top N, never a Python loop over pairs. Explanations are built for the returned results only.

Occupation score (documented in docs/skills.md, "Matching and placement")::

    weight(o, t)   = (1 if t is essential to o else 0.3 if optional) * specificity(t)
    specificity(t) = log((1 + N) / (1 + n_t)) + 1, normalised to mean 1 over the skills that occupations use
                     (N occupations, n_t of them ask for t: "communicate with customers" counts less than
                     "operate a tower crane")
    credit(p, t)   = 1 if the person holds t, else the best of
                     0.5 * [holds a skill related to t (ESCO skill-skill relation, either direction)],
                     0.5 * [holds a narrower skill of t (t is its direct broader skill)],
                     0.25 * [holds a broader skill of t],
                     0.2 * [holds a sibling of t: same direct broader concept with at most 30 members]
    coverage(p, o)  = sum_t weight(o, t) * credit(p, t) / sum_t weight(o, t)
    precision(p, o) = share of the person's skills (weighted by specificity) the occupation asks for
                      (directly, or through the same credits)
    score(p, o)     = coverage ** 0.4 * precision ** 0.6   (exponent chosen on a tuning seed, see docs)
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp

FloatArray = np.ndarray
IntArray = np.ndarray

# Scores are compared after rounding to this many decimals, so that the order of tied results is the
# documented one (lower index first) rather than an artefact of floating-point summation order.
RANK_DECIMALS = 6
RANK_SCALE = 10**RANK_DECIMALS
# The key of an ineligible cell: below every real key, and safe to negate (unlike int64's minimum).
NO_KEY = -(2**62)


# ---------------------------------------------------------------------------------------------------
# Shared helpers


def top_n_per_row(
    scores: FloatArray, n: int, *, eligible: np.ndarray | None = None
) -> tuple[IntArray, FloatArray]:
    """Column indices and scores of the ``n`` best columns of each row, best first.

    Ties (after rounding to ``RANK_DECIMALS``) go to the lower column index. Ineligible cells never appear;
    rows with fewer than ``n`` eligible cells are padded with index -1 and score ``nan``.
    """
    rows, cols = scores.shape
    n = min(n, cols)
    if rows == 0 or n == 0:
        return np.empty((rows, 0), dtype=np.int64), np.empty((rows, 0))
    # One integer key per cell: rounded score first, then the reversed column index; unique within a row,
    # so argpartition's result is exactly the documented order whatever the algorithm does with ties.
    key = np.rint(np.asarray(scores, dtype=np.float64) * RANK_SCALE).astype(np.int64)
    key *= cols
    key += np.arange(cols - 1, -1, -1, dtype=np.int64)[None, :]
    if eligible is not None:
        key[~eligible] = NO_KEY
    if n < cols:
        part = np.argpartition(key, cols - n, axis=1)[:, cols - n :]
    else:
        part = np.broadcast_to(np.arange(cols), (rows, cols)).copy()
    part_keys = np.take_along_axis(key, part, axis=1)
    order = np.argsort(-part_keys, axis=1, kind="stable")
    best = np.take_along_axis(part, order, axis=1).astype(np.int64)
    best_keys = np.take_along_axis(part_keys, order, axis=1)
    best_scores = np.take_along_axis(np.asarray(scores, dtype=np.float64), best, axis=1)
    missing = best_keys == NO_KEY
    best[missing] = -1
    best_scores[missing] = np.nan
    return best, best_scores


def _indicator(rows: IntArray, cols: IntArray, shape: tuple[int, int]) -> sp.csr_matrix:
    data = np.ones(len(rows), dtype=np.float64)
    matrix = sp.csr_matrix((data, (np.asarray(rows), np.asarray(cols))), shape=shape)
    matrix.sum_duplicates()
    matrix.data[:] = 1.0
    return matrix


def people_matrix(skill_lists: Sequence[Sequence[int]], n_skills: int) -> sp.csr_matrix:
    """A people × skill 0/1 CSR matrix from lists of skill indices (duplicates collapse)."""
    lengths = np.fromiter((len(s) for s in skill_lists), dtype=np.int64, count=len(skill_lists))
    rows = np.repeat(np.arange(len(skill_lists)), lengths)
    cols = np.fromiter((i for s in skill_lists for i in s), dtype=np.int64, count=int(lengths.sum()))
    return _indicator(rows, cols, (len(skill_lists), n_skills))


def specificity(required: sp.csr_matrix) -> FloatArray:
    """IDF-like weight per skill from an items × skill 0/1 matrix, mean 1 over the skills in use."""
    n_items = required.shape[0]
    used_by = np.asarray((required > 0).sum(axis=0)).ravel()
    idf = np.log((1.0 + n_items) / (1.0 + used_by)) + 1.0
    in_use = used_by > 0
    if in_use.any():
        idf = idf / idf[in_use].mean()
    return idf


# ---------------------------------------------------------------------------------------------------
# Skill credit (related and hierarchy)


class CreditKind:
    DIRECT = "direct"
    RELATED = "related"
    NARROWER = "narrower"  # the person holds a narrower skill of the required one
    BROADER = "broader"  # the person holds a broader skill of the required one
    SIBLING = "sibling"  # both share a small direct broader concept


@dataclass(frozen=True)
class CreditWeights:
    """Share of a required skill's weight earned through a close skill instead of the skill itself."""

    related: float = 0.5
    narrower: float = 0.5
    broader: float = 0.25
    sibling: float = 0.2
    sibling_family_max: int = 30  # larger families (e.g. a whole ISCED field) give no sibling credit

    def __post_init__(self) -> None:
        for name in ("related", "narrower", "broader", "sibling"):
            value = getattr(self, name)
            if not 0.0 <= value <= 1.0:
                raise ValueError(f"credit weight {name} must be within [0, 1], got {value}")


@dataclass
class SkillGraph:
    """Skill-to-skill credit as one sparse matrix per kind: ``M[s, t] = 1`` when holding s credits t."""

    n_skills: int
    related: sp.csr_matrix
    narrower: sp.csr_matrix
    broader: sp.csr_matrix
    sibling: sp.csr_matrix
    weights: CreditWeights = field(default_factory=CreditWeights)

    @classmethod
    def build(
        cls,
        n_skills: int,
        *,
        relation_pairs: tuple[IntArray, IntArray] = (np.empty(0, int), np.empty(0, int)),
        broader_pairs: tuple[IntArray, IntArray] = (np.empty(0, int), np.empty(0, int)),
        n_concepts: int | None = None,
        weights: CreditWeights | None = None,
    ) -> SkillGraph:
        """``relation_pairs``: (skill, related) indices, used in both directions. ``broader_pairs``:
        (narrower, broader) indices; broader concepts past ``n_skills`` (skill groups, up to ``n_concepts``)
        only serve as sibling families."""
        weights = weights or CreditWeights()
        shape = (n_skills, n_skills)
        a, b = (np.asarray(x, dtype=np.int64) for x in relation_pairs)
        related = _indicator(np.concatenate([a, b]), np.concatenate([b, a]), shape)
        related.setdiag(0)
        related.eliminate_zeros()
        narrow, broad = (np.asarray(x, dtype=np.int64) for x in broader_pairs)
        total = max(n_concepts or n_skills, int(broad.max()) + 1 if broad.size else n_skills, n_skills)
        parent = _indicator(narrow, broad, (n_skills, total))  # skill -> its direct broader concepts
        both_skills = broad < n_skills
        narrower = _indicator(narrow[both_skills], broad[both_skills], shape)  # s narrower of t: s credits t
        broader = narrower.T.tocsr()
        family_size = np.asarray(parent.sum(axis=0)).ravel()
        small = sp.diags((family_size <= weights.sibling_family_max).astype(np.float64))
        sibling = (parent @ small @ parent.T).tocsr()
        sibling.data[:] = 1.0
        sibling.setdiag(0)
        sibling.eliminate_zeros()
        return cls(n_skills, related, narrower, broader, sibling, weights)

    @classmethod
    def empty(cls, n_skills: int) -> SkillGraph:
        return cls.build(n_skills)

    def credit(self, people: sp.csr_matrix) -> sp.csr_matrix:
        """people × skill credit in [0, 1]: 1 for held skills, the best reduced credit otherwise."""
        held = (people > 0).astype(np.float64).tocsr()
        result = held
        for matrix, weight in (
            (self.related, self.weights.related),
            (self.narrower, self.weights.narrower),
            (self.broader, self.weights.broader),
            (self.sibling, self.weights.sibling),
        ):
            if weight <= 0 or matrix.nnz == 0:
                continue
            reached = held @ matrix
            reached.data[:] = weight
            result = result.maximum(reached)
        return result.tocsr()

    def combined(self) -> sp.csr_matrix:
        """skill × skill best credit (1 on the diagonal), for precision and explanations."""
        result = sp.identity(self.n_skills, format="csr")
        for matrix, weight in (
            (self.related, self.weights.related),
            (self.narrower, self.weights.narrower),
            (self.broader, self.weights.broader),
            (self.sibling, self.weights.sibling),
        ):
            if weight > 0 and matrix.nnz:
                result = result.maximum(matrix * weight)
        return result.tocsr()

    def credit_columns(self, asked: IntArray) -> tuple[IntArray, FloatArray]:
        """The skills that credit any of ``asked`` (ascending) and, for each of them, its credit for each
        asked skill (a row of :meth:`combined`'s columns ``asked``): what a one-opening score reads."""
        by_column = self._combined_by_column()
        column, at = _ranges(by_column.indptr, np.asarray(asked, dtype=np.int64))
        sources, source = np.unique(by_column.indices.take(at), return_inverse=True)
        table = np.zeros((sources.size, len(asked)))
        np.maximum.at(table, (source.reshape(-1), column), by_column.data.take(at))
        return sources, table

    def _combined_by_column(self) -> sp.csc_matrix:
        found = self.__dict__.get("_combined_csc")
        if found is None:
            found = self.combined().tocsc()
            self.__dict__["_combined_csc"] = found
        return found

    def kinds_between(self, held: int, required: int) -> list[tuple[str, float]]:
        out = []
        for kind, matrix, weight in (
            (CreditKind.RELATED, self.related, self.weights.related),
            (CreditKind.NARROWER, self.narrower, self.weights.narrower),
            (CreditKind.BROADER, self.broader, self.weights.broader),
            (CreditKind.SIBLING, self.sibling, self.weights.sibling),
        ):
            if weight > 0 and matrix[held, required] > 0:
                out.append((kind, weight))
        return out


# ---------------------------------------------------------------------------------------------------
# Occupations for a set of skills


@dataclass(frozen=True)
class OccupationWeights:
    essential: float = 1.0
    optional: float = 0.3
    use_specificity: bool = True
    coverage_exponent: float = 0.4  # score = coverage ** e * precision ** (1 - e)

    def __post_init__(self) -> None:
        if self.essential <= 0 or self.optional < 0:
            raise ValueError("essential weight must be positive and optional weight not negative")
        if not 0.0 <= self.coverage_exponent <= 1.0:
            raise ValueError("coverage_exponent must be within [0, 1]")


@dataclass(frozen=True)
class CreditedSkill:
    required: int  # skill index the occupation asks for
    via: int  # the person's skill that earned the credit
    kind: str
    credit: float
    essential: bool


@dataclass(frozen=True)
class Explanation:
    essential_matched: list[int]
    essential_missing: list[int]
    optional_matched: list[int]
    credited: list[CreditedSkill]
    coverage: float
    precision: float


@dataclass(frozen=True)
class OccupationMatch:
    occupation: int
    score: float
    explanation: Explanation


class OccupationMatcher:
    """Ranks occupations for skill sets. Build once per taxonomy edition; immutable afterwards."""

    def __init__(
        self,
        n_occupations: int,
        n_skills: int,
        *,
        occupation_index: IntArray,
        skill_index: IntArray,
        essential: np.ndarray,
        graph: SkillGraph | None = None,
        weights: OccupationWeights | None = None,
    ) -> None:
        self.weights = weights or OccupationWeights()
        self.n_occupations, self.n_skills = n_occupations, n_skills
        occ = np.asarray(occupation_index, dtype=np.int64)
        skill = np.asarray(skill_index, dtype=np.int64)
        essential = np.asarray(essential, dtype=bool)
        shape = (n_occupations, n_skills)
        self.essential = _indicator(occ[essential], skill[essential], shape)
        any_relation = _indicator(occ, skill, shape)
        # A pair listed both essential and optional counts as essential (the stronger tie).
        self.optional = (any_relation - self.essential).tocsr()
        self.optional.eliminate_zeros()
        self.required = any_relation
        self.specificity = specificity(any_relation) if self.weights.use_specificity else np.ones(n_skills)
        spec = sp.diags(self.specificity)
        self.weight = (
            (self.essential * self.weights.essential + self.optional * self.weights.optional) @ spec
        ).tocsr()
        self.weight_t = self.weight.T.tocsr()
        self.total = np.asarray(self.weight.sum(axis=1)).ravel()
        self.graph = graph or SkillGraph.empty(n_skills)
        # How much each held skill is "explained" by an occupation: best credit it gives to a requirement.
        reach = (self.graph.combined() @ any_relation.T).tocsr()  # skill x occupation, sums of credits
        reach.data = np.minimum(reach.data, 1.0)
        self._explains = reach
        self._combined = self.graph.combined()

    # Scoring -------------------------------------------------------------------------------------

    def components(self, people: sp.csr_matrix) -> tuple[FloatArray, FloatArray]:
        """Dense people × occupation (coverage, precision)."""
        credit = self.graph.credit(people)
        covered = np.asarray((credit @ self.weight_t).todense())
        coverage = covered / np.where(self.total > 0, self.total, 1.0)[None, :]
        held = (people > 0).astype(np.float64) @ sp.diags(self.specificity)
        held_total = np.asarray(held.sum(axis=1)).ravel()
        explained = np.asarray((held @ self._explains).todense())
        precision = explained / np.where(held_total > 0, held_total, 1.0)[:, None]
        return np.clip(coverage, 0.0, 1.0), np.clip(precision, 0.0, 1.0)

    def score(self, people: sp.csr_matrix) -> FloatArray:
        coverage, precision = self.components(people)
        e = self.weights.coverage_exponent
        return np.power(coverage, e) * np.power(precision, 1.0 - e)

    def top(self, people: sp.csr_matrix, n: int) -> tuple[IntArray, FloatArray]:
        scores = self.score(people)
        return top_n_per_row(scores, n, eligible=scores > 0)

    def match(self, skills: Sequence[int], limit: int = 10) -> list[OccupationMatch]:
        """Best occupations for one person's skills, each with its explanation."""
        person = people_matrix([sorted(set(skills))], self.n_skills)
        coverage, precision = self.components(person)
        e = self.weights.coverage_exponent
        scores = np.power(coverage, e) * np.power(precision, 1.0 - e)
        best, best_scores = top_n_per_row(scores, limit, eligible=scores > 0)
        out = []
        for occ, value in zip(best[0], best_scores[0], strict=True):
            if occ < 0:
                break
            explanation = self.explain(
                skills, int(occ), coverage=coverage[0, occ], precision=precision[0, occ]
            )
            out.append(OccupationMatch(int(occ), float(value), explanation))
        return out

    # Explanations --------------------------------------------------------------------------------

    def explain(
        self,
        skills: Sequence[int],
        occupation: int,
        *,
        coverage: float | None = None,
        precision: float | None = None,
    ) -> Explanation:
        held = sorted({int(s) for s in skills})
        held_set = set(held)
        essential = self.essential.indices[
            self.essential.indptr[occupation] : self.essential.indptr[occupation + 1]
        ]
        optional = self.optional.indices[
            self.optional.indptr[occupation] : self.optional.indptr[occupation + 1]
        ]
        essential_matched = sorted(int(s) for s in essential if s in held_set)
        essential_missing = sorted(int(s) for s in essential if s not in held_set)
        optional_matched = sorted(int(s) for s in optional if s in held_set)
        credited: list[CreditedSkill] = []
        wanted = [(int(s), True) for s in essential_missing] + [
            (int(s), False) for s in optional if s not in held_set
        ]
        # held × wanted credits in one slice (the explanation is built for the returned results only)
        block = (
            self._combined[held][:, [r for r, _ in wanted]].toarray()
            if held and wanted
            else np.zeros((len(held), len(wanted)))
        )
        for position, (required, is_essential) in enumerate(wanted):
            column = block[:, position]
            if not column.any():
                continue
            best_value = column.max()
            via = held[int(np.flatnonzero(column == best_value)[0])]  # lowest skill index among the best
            kinds = self.graph.kinds_between(via, required)
            kind = next(
                (k for k, w in kinds if w == best_value), kinds[0][0] if kinds else CreditKind.RELATED
            )
            credited.append(CreditedSkill(required, via, kind, float(best_value), is_essential))
        if coverage is None or precision is None:
            c, p = self.components(people_matrix([held], self.n_skills))
            coverage, precision = float(c[0, occupation]), float(p[0, occupation])
        return Explanation(
            essential_matched,
            essential_missing,
            optional_matched,
            credited,
            float(coverage),
            float(precision),
        )


# ---------------------------------------------------------------------------------------------------
# People and openings: hard requirements and weighted components

DAYS_PER_YEAR = 365.2425
CEFR_LEVELS = {"A1": 1, "A2": 2, "B1": 3, "B2": 4, "C1": 5, "C2": 6}
UNKNOWN = -1


@dataclass(frozen=True)
class ComponentWeights:
    """Visible weights of the sub-scores; the total is their weighted mean (weights need not sum to 1).

    Defaults: skills 0.6, occupation 0.15, languages 0.15, experience 0.1 — skills decide, the rest
    separates candidates with similar skills (as Textkernel's category weights do).
    """

    skills: float = 0.6
    occupation: float = 0.15
    languages: float = 0.15
    experience: float = 0.1

    def __post_init__(self) -> None:
        values = self.as_dict().values()
        if any(v < 0 or not math.isfinite(v) for v in values) or sum(values) <= 0:
            raise ValueError("component weights must be finite, not negative, and not all zero")

    def total(
        self, skills: FloatArray, occupation: FloatArray, languages: FloatArray, experience: FloatArray
    ) -> FloatArray:
        """The weighted mean of the sub-scores (one arithmetic for every ranker, so that their totals agree)."""
        return (
            self.skills * skills
            + self.occupation * occupation
            + self.languages * languages
            + self.experience * experience
        ) / (self.skills + self.occupation + self.languages + self.experience)

    def as_dict(self) -> dict[str, float]:
        return {
            "skills": self.skills,
            "occupation": self.occupation,
            "languages": self.languages,
            "experience": self.experience,
        }


@dataclass
class People:
    """Columns of n people. Days are integers (days since 1970-01-01); UNKNOWN (-1) where not known,
    except ``available_to`` where UNKNOWN means open-ended."""

    skills: sp.csr_matrix  # n × n_skills, 0/1
    isco: IntArray  # 4-digit ISCO-08 unit group as an integer, UNKNOWN if none
    language_levels: np.ndarray  # n × n_languages, 0 = none, 1..6 = A1..C2
    experience_years: FloatArray
    birth_day: IntArray
    available_from: IntArray
    available_to: IntArray
    countries: sp.csr_matrix | None = (
        None  # n × n_countries, 1 = willing to work there; an empty row = anywhere
    )

    @property
    def n(self) -> int:
        return int(self.skills.shape[0])


@dataclass
class Openings:
    """Columns of m openings (jobs or assignments)."""

    essential: sp.csr_matrix  # m × n_skills, 0/1
    optional: sp.csr_matrix  # m × n_skills, 0/1
    isco: IntArray
    required_levels: np.ndarray  # m × n_languages, hard minimum (0 = not required)
    preferred_levels: np.ndarray  # m × n_languages, soft (0 = not asked)
    experience_years: FloatArray  # wanted years (0 = none wanted)
    min_age: FloatArray  # 0 = none
    country: IntArray  # UNKNOWN = anywhere
    start_day: IntArray
    end_day: IntArray  # UNKNOWN = open-ended

    @property
    def m(self) -> int:
        return int(self.essential.shape[0])


@dataclass(frozen=True)
class Requirements:
    """Which hard requirements apply (all by default) and the minimum skills sub-score."""

    languages: bool = True
    country: bool = True
    dates: bool = True
    min_age: bool = True
    min_skill_score: float = 0.0  # > 0 drops pairs with fewer skills in common


EXCLUSION_REASONS = ("languages", "country", "dates", "min_age", "skills")


def skill_weights(
    openings: Openings, *, essential: float = 1.0, optional: float = 0.3, spec: FloatArray | None = None
) -> sp.csr_matrix:
    """m × skill weights (essential 1, optional 0.3 by default; optional ignored where also essential)."""
    ess = (openings.essential > 0).astype(np.float64)
    opt = (openings.optional > 0).astype(np.float64) - ess.multiply(openings.optional > 0)
    weights = (ess * essential + opt * optional).tocsr()
    if spec is not None:
        weights = (weights @ sp.diags(spec)).tocsr()
    weights.eliminate_zeros()
    return weights


def occupation_similarity(person_isco: IntArray, opening_isco: IntArray) -> FloatArray:
    """1 same unit group (4 digits), 0.5 same minor group (3), 0.25 same sub-major group (2), else 0.
    Broadcasts: pass (n, 1) and (1, m) for a matrix, or two aligned 1-D arrays for pairs."""
    p = np.asarray(person_isco)
    o = np.asarray(opening_isco)
    if p.ndim == 1 and o.ndim == 1 and p.shape != o.shape:
        p, o = p[:, None], o[None, :]
    known = (p >= 0) & (o >= 0)
    result = np.zeros(np.broadcast_shapes(p.shape, o.shape))
    result[known & (p // 100 == o // 100)] = 0.25
    result[known & (p // 10 == o // 10)] = 0.5
    result[known & (p == o)] = 1.0
    return result


@dataclass
class PairScores:
    """Scores of aligned (person, opening) pairs."""

    person: IntArray
    opening: IntArray
    total: FloatArray
    eligible: np.ndarray
    parts: dict[str, FloatArray]
    exclusions: dict[str, np.ndarray]


def _codes(values: np.ndarray) -> tuple[np.ndarray, IntArray]:
    """Distinct rows (or values), in ``np.unique(axis=0)``'s order, and each item's position among them."""
    if values.ndim == 2 and values.dtype.kind in "iu" and values.size:
        # Small integer rows as one integer each (first column most significant: the same order), which is
        # much faster than np.unique over rows.
        low = values.min(axis=0)
        dims = (values.max(axis=0) - low + 1).astype(np.int64)
        if float(np.prod(dims.astype(np.float64))) < 2**62:
            key = np.ravel_multi_index(tuple((values - low).T), tuple(int(d) for d in dims))
            _, first, inverse = np.unique(key, return_index=True, return_inverse=True)
            return values[first], inverse.reshape(-1).astype(np.int32)
    unique, inverse = np.unique(values, axis=0, return_inverse=True)
    return unique, inverse.reshape(-1).astype(np.int32)


@dataclass
class _Prepared:
    """What depends on the openings only, computed once per ranking.

    Openings are described by a few small vocabularies (their language requirements, preferred languages,
    ISCO code, wanted years, country); each pair's component is then one look-up in a small
    people × vocabulary table, instead of arithmetic over every pair.
    """

    weights_t: sp.csr_matrix
    totals: FloatArray
    safe_totals: FloatArray  # totals, 1 where 0 (an opening that asks for no skill)
    asks_nothing: IntArray
    required_values: np.ndarray
    required_code: IntArray
    preferred_values: np.ndarray
    preferred_code: IntArray
    isco_values: IntArray
    isco_code: IntArray
    wanted_values: FloatArray
    wanted_code: IntArray
    country_column: IntArray  # the opening's country, or n_countries for "anywhere"
    n_countries: int
    has_no_country: bool  # some opening is open to every country
    # The skills matrix with one block of skill rows per country (the last block: openings with no country):
    # row ``c * n_skills + s`` holds the weights of skill s in the openings of country c. A person who accepts
    # only some countries is multiplied once, with their skills copied into the blocks of those countries, so
    # only openings there are scored (one sparse product instead of one per country).
    country_blocks_t: sp.csr_matrix | None
    # Dates and minimum age as one comparison each, in 32-bit days (unknowns mapped to the type's ends, see
    # _day_keys; half the bytes of float64 in every per-pair gather):
    start_key: np.ndarray  # start day, NEVER when unknown
    end_key: np.ndarray  # end day, NEVER when open-ended
    latest_birth: np.ndarray  # last birth day that reaches the minimum age at the start; NEVER when none
    # Occupation sub-score of every (person's ISCO code, opening's ISCO code): one look-up per pair.
    person_isco_code: IntArray
    occupation_table: FloatArray


def _prepare(
    people: People, openings: Openings, essential: float, optional: float, spec: FloatArray | None
) -> _Prepared:
    w = skill_weights(openings, essential=essential, optional=optional, spec=spec)
    totals = np.asarray(w.sum(axis=1)).ravel()
    required_values, required_code = _codes(np.asarray(openings.required_levels))
    preferred_values, preferred_code = _codes(np.asarray(openings.preferred_levels))
    isco_values, isco_code = _codes(np.asarray(openings.isco))
    person_isco_values, person_isco_code = _codes(np.asarray(people.isco))
    wanted_values, wanted_code = _codes(np.asarray(openings.experience_years, dtype=np.float64))
    n_countries = int(people.countries.shape[1]) if people.countries is not None else 0
    country = np.asarray(openings.country)
    if n_countries and country.size and int(country.max()) >= n_countries:
        raise ValueError("an opening's country is outside the people's country columns")
    country_column = np.where(country >= 0, country, n_countries)
    return _Prepared(
        w.T.tocsr(),
        totals,
        np.where(totals > 0, totals, 1.0),
        np.flatnonzero(totals <= 0),
        required_values,
        required_code,
        preferred_values,
        preferred_code,
        isco_values,
        isco_code,
        wanted_values,
        wanted_code,
        country_column,
        n_countries,
        bool((country_column == n_countries).any()),
        _blocks_t(w, country_column, n_countries + 1) if n_countries else None,
        _day_keys(openings.start_day, openings.start_day >= 0, NEVER),
        _day_keys(openings.end_day, openings.end_day >= 0, NEVER),
        _day_keys(np.floor(_latest_births(openings)), None, NEVER),
        person_isco_code,
        occupation_similarity(person_isco_values[:, None], isco_values[None, :]),
    )


try:  # scipy's C++ kernel behind ``A @ B`` for CSR matrices (private; checked by a test, with a fallback)
    from scipy.sparse._sparsetools import csr_matmat as _csr_matmat
except ImportError:  # pragma: no cover - a scipy that moved it
    _csr_matmat = None

_INT32_MAX = np.iinfo(np.int32).max


def _product_pairs(a: sp.csr_matrix, b: sp.csr_matrix) -> tuple[IntArray, IntArray, FloatArray]:
    """(row, column, value) of the non-zero cells of ``a @ b``, rows in order.

    ``a @ b`` runs scipy's kernel twice: once only to count the cells, then to fill them. Here it runs once,
    into arrays sized by a bound (every product term its own cell), which is exact enough when few terms
    meet in one cell, as with people's skills against openings'. A tenth of a large ranking's time."""
    bound = int(np.diff(b.indptr).take(a.indices).sum()) if a.nnz else 0
    if _csr_matmat is None or bound >= _INT32_MAX or max(a.nnz, b.nnz) >= _INT32_MAX:
        product = (a @ b).tocsr()
        indptr, indices, data = product.indptr, product.indices, product.data
    else:
        indptr = np.empty(a.shape[0] + 1, dtype=np.int32)
        indices = np.empty(bound, dtype=np.int32)
        data = np.empty(bound, dtype=np.result_type(a.dtype, b.dtype))
        _csr_matmat(
            a.shape[0],
            b.shape[1],
            np.asarray(a.indptr, dtype=np.int32),
            np.asarray(a.indices, dtype=np.int32),
            a.data,
            np.asarray(b.indptr, dtype=np.int32),
            np.asarray(b.indices, dtype=np.int32),
            b.data,
            indptr,
            indices,
            data,
        )
        filled = int(indptr[-1])
        indices, data = indices[:filled], data[:filled]
    rows = np.repeat(np.arange(a.shape[0], dtype=np.int32), np.diff(indptr))
    return rows, indices, data


# The ends of the 32-bit day keys: a day after every date, and one before every date.
NEVER = np.iinfo(np.int32).max
ALWAYS = np.iinfo(np.int32).min


def _day_keys(days: np.ndarray, known: np.ndarray | None, unknown: int) -> np.ndarray:
    """Days as int32 keys, ``unknown`` where not ``known`` (and for +-inf). Real days stay strictly between
    the ends, so a comparison with an unknown goes the way the sentinel says.

    (A birth day is an integer, so "born after the last birth day that reaches the age" is the same test
    against that day's floor.)"""
    values = np.asarray(days, dtype=np.float64)
    finite = np.isfinite(values) if known is None else np.asarray(known) & np.isfinite(values)
    keys = np.full(values.shape, unknown, dtype=np.int32)
    keys[finite] = np.clip(values[finite], ALWAYS + 1, NEVER - 1).astype(np.int32)
    return keys


def _blocks_t(w: sp.csr_matrix, group: IntArray, n_groups: int) -> sp.csr_matrix:
    """(n_groups × n_skills) × m: row ``g * n_skills + s`` holds skill s's weights in the openings of group g."""
    coo = w.tocoo()
    n_skills = w.shape[1]
    return sp.csr_matrix(
        (coo.data, (np.asarray(group)[coo.row].astype(np.int64) * n_skills + coo.col, coo.row)),
        shape=(n_groups * n_skills, w.shape[0]),
    )


def _spread_pairs(
    held: sp.csr_matrix, person: IntArray, group: IntArray, blocks_t: sp.csr_matrix
) -> tuple[IntArray, IntArray, FloatArray]:
    """(local row, opening, covered weight) of rows (person[i], group[i]): held[person[i]] moved into the
    block of skill rows of group[i], multiplied by ``blocks_t`` (see :func:`_blocks_t`), so only the openings
    of that group are scored."""
    n_skills = held.shape[1]
    spread = held[person]
    spread = sp.csr_matrix(
        (
            spread.data,
            spread.indices + np.repeat(np.asarray(group, dtype=np.int64) * n_skills, np.diff(spread.indptr)),
            spread.indptr,
        ),
        shape=(person.size, blocks_t.shape[0]),
    )
    row, opening, covered = _product_pairs(spread, blocks_t)
    return person.take(row), opening, covered


def _latest_births(openings: Openings) -> FloatArray:
    """Per opening, the last birth day that reaches its minimum age on the start day, by the calendar:
    someone turns 18 on their 18th birthday, not after 18 × 365.25 days (one born on 29 February reaches
    it on 28 February in other years). +inf where no minimum age is asked."""
    latest = np.full(openings.m, np.inf, dtype=np.float64)
    asks = np.flatnonzero(np.asarray(openings.min_age) > 0)
    if asks.size == 0:
        return latest
    start = np.maximum(np.asarray(openings.start_day)[asks], 0).astype("datetime64[D]")
    start_month = start.astype("datetime64[M]")
    day = (start - start_month.astype("datetime64[D]")).astype(np.int64) + 1
    month_number = start_month.astype(np.int64)  # months since January 1970
    years = np.asarray(openings.min_age, dtype=np.float64)[asks]
    whole = np.floor(years).astype(np.int64)
    year = 1970 + month_number // 12 - whole
    leap = (year % 4 == 0) & ((year % 100 != 0) | (year % 400 == 0))
    day = np.where((month_number % 12 == 1) & (day == 29) & ~leap, 28, day)
    anniversary = (month_number - 12 * whole).astype("datetime64[M]").astype("datetime64[D]") + (day - 1)
    latest[asks] = anniversary.astype(np.int64) - (years - whole) * DAYS_PER_YEAR
    return latest


@dataclass
class _Tables:
    """people[rows] × vocabulary tables."""

    language_fail: np.ndarray
    language_part: FloatArray
    experience: FloatArray
    country_ok: np.ndarray | None
    from_key: np.ndarray  # available from, ALWAYS when unknown
    to_key: np.ndarray  # available until, NEVER when open-ended
    birth_key: np.ndarray  # birth day, NEVER when unknown (fails any minimum age)


def _tables(
    people: People,
    rows: slice,
    prepared: _Prepared,
    requirements: Requirements,
    *,
    country_applied: bool = False,
) -> _Tables:
    levels = np.asarray(people.language_levels[rows])
    required, preferred = prepared.required_values, prepared.preferred_values
    # One language at a time over people × vocabulary: much faster than comparing 3-D arrays and reducing
    # over their short last axis.
    language_fail = np.zeros((levels.shape[0], required.shape[0]), dtype=bool)
    met = np.zeros((levels.shape[0], preferred.shape[0]), dtype=np.int16)
    for language in range(levels.shape[1]):
        level = levels[:, language, None]
        if requirements.languages and (required[:, language] > 0).any():
            asked = required[None, :, language]
            language_fail |= (asked > 0) & (level < asked)
        if (preferred[:, language] > 0).any():
            wished = preferred[None, :, language]
            met += (wished > 0) & (level >= wished)
    asked_count = (preferred > 0).sum(axis=1)
    language_part = np.where(asked_count[None, :] > 0, met / np.maximum(asked_count, 1)[None, :], 1.0)
    wanted = prepared.wanted_values[None, :]
    years = np.asarray(people.experience_years[rows], dtype=np.float64)[:, None]
    experience = np.where(wanted > 0, np.minimum(1.0, years / np.where(wanted > 0, wanted, 1.0)), 1.0)
    country_ok = None
    if requirements.country and people.countries is not None and not country_applied:
        willing: np.ndarray = np.asarray(people.countries[rows].toarray() > 0)
        anywhere = np.asarray(~willing.any(axis=1))
        country_ok = np.concatenate(
            [willing | anywhere[:, None], np.ones((willing.shape[0], 1), bool)], axis=1
        )
    available_from = np.asarray(people.available_from[rows])
    available_to = np.asarray(people.available_to[rows])
    birth = np.asarray(people.birth_day[rows])
    return _Tables(
        language_fail,
        language_part,
        experience,
        country_ok,
        _day_keys(available_from, available_from >= 0, ALWAYS),
        _day_keys(available_to, available_to >= 0, NEVER),
        _day_keys(birth, birth != UNKNOWN, NEVER),
    )


def _look_up(table: np.ndarray, local: IntArray, code: IntArray) -> np.ndarray:
    if table.size >= 2**31:
        local = local.astype(np.int64)
    return table.ravel().take(local * table.shape[1] + code)


def _pair_totals(
    people: People,
    openings: Openings,
    rows: slice,
    local: IntArray,
    opening: IntArray,
    covered: FloatArray,
    weights: ComponentWeights,
    requirements: Requirements,
    prepared: _Prepared,
    tables: _Tables,
    *,
    keep_all: bool,
    country_applied: bool = False,
) -> PairScores:
    """Totals of pairs (local person row within ``rows``, opening). Without ``keep_all`` only the eligible
    pairs are returned, and each hard requirement drops pairs before the next is computed (cheapest first)."""
    start = rows.start or 0
    exclusions: dict[str, np.ndarray] = {}
    # 32-bit positions: every gather below moves half the bytes (an index never reaches 2**31 here).
    local = local.astype(np.int32, copy=False)
    opening = opening.astype(np.int32, copy=False)

    def check(name: str, failed: np.ndarray) -> None:
        nonlocal local, opening, covered
        if keep_all:
            exclusions[name] = failed
        else:
            keep = np.flatnonzero(~failed)  # positions, then take: much faster than a boolean mask
            local, opening, covered = local.take(keep), opening.take(keep), covered.take(keep)

    masks: dict[str, np.ndarray] = {}
    if keep_all:
        skill_part = _skill_part(covered, opening, prepared)
        if requirements.min_skill_score > 0:
            masks["skills"] = skill_part < requirements.min_skill_score
    if tables.country_ok is not None and not country_applied:
        masks["country"] = ~_look_up(tables.country_ok, local, prepared.country_column.take(opening))
    masks["languages"] = _look_up(tables.language_fail, local, prepared.required_code.take(opening))
    if requirements.dates:
        # Available after the start, or only until a day before the end (or an open end).
        masks["dates"] = (tables.from_key.take(local) > prepared.start_key.take(opening)) | (
            tables.to_key.take(local) < prepared.end_key.take(opening)
        )
    if requirements.min_age:
        # Younger than the minimum age at the start; an unknown birth date fails any minimum age.
        masks["min_age"] = tables.birth_key.take(local) > prepared.latest_birth.take(opening)
    if keep_all:
        for name, failed in masks.items():
            check(name, failed)
    else:
        failed = np.zeros(local.shape, dtype=bool)
        for mask in masks.values():
            failed |= mask
        check("any", failed)  # one copy of the surviving pairs
        # The skills sub-score of the survivors only (most pairs fail a hard requirement).
        skill_part = _skill_part(covered, opening, prepared)
        if requirements.min_skill_score > 0:
            low = skill_part < requirements.min_skill_score
            if low.any():
                check("skills", low)
                skill_part = skill_part[~low]
    occupation_part = _look_up(
        prepared.occupation_table,
        prepared.person_isco_code.take(local + start),
        prepared.isco_code.take(opening),
    )
    language_part = _look_up(tables.language_part, local, prepared.preferred_code.take(opening))
    experience_part = _look_up(tables.experience, local, prepared.wanted_code.take(opening))
    total = weights.total(skill_part, occupation_part, language_part, experience_part)
    eligible = np.ones(local.shape, dtype=bool)
    if keep_all:
        for mask in exclusions.values():
            eligible &= ~mask
    parts = {
        "skills": skill_part,
        "occupation": occupation_part,
        "languages": language_part,
        "experience": experience_part,
    }
    return PairScores(
        local + start, opening, total, eligible, parts if keep_all else {}, exclusions if keep_all else {}
    )


def _country_pairs(
    held: sp.csr_matrix, willing: sp.csr_matrix, prepared: _Prepared
) -> tuple[IntArray, IntArray, FloatArray]:
    """(local row, opening, covered weight) of every person against the openings in the countries they accept
    (an empty row of ``willing``: anywhere; openings with no country are open to everyone).

    (Spreading people who accept any country over blocks by language requirement instead was measured slower:
    the product's cost grows with the rows it is given more than it falls with the pairs it skips.)"""
    assert prepared.country_blocks_t is not None
    accepts = np.diff(willing.indptr)
    anywhere = np.flatnonzero(accepts == 0)
    limited = accepts > 0
    parts = []
    if anywhere.size:
        row, opening, covered = _product_pairs(held[anywhere], prepared.weights_t)
        parts.append((anywhere.take(row), opening, covered))
    if limited.any():
        # One row per (person, accepted country), and a last one for "no country" when some opening has none.
        if prepared.has_no_country:
            blocks = accepts + limited
            person = np.repeat(np.arange(held.shape[0]), blocks)
            country = np.full(person.size, prepared.n_countries, dtype=np.int64)
            is_named = np.ones(person.size, dtype=bool)
            is_named[np.cumsum(blocks)[limited] - 1] = False  # each person's last row: "no country"
            country[is_named] = willing.indices
        else:
            person = np.repeat(np.arange(held.shape[0]), accepts)
            country = willing.indices.astype(np.int64)
        parts.append(_spread_pairs(held, person, country, prepared.country_blocks_t))
    if not parts:
        return np.empty(0, np.int64), np.empty(0, np.int64), np.empty(0)
    return (
        np.concatenate([x[0] for x in parts]),
        np.concatenate([x[1] for x in parts]),
        np.concatenate([x[2] for x in parts]),
    )


def _willing(countries: sp.csr_matrix) -> sp.csr_matrix:
    """The countries each person accepts, as a CSR matrix with sorted column indices."""
    willing = (countries > 0).tocsr()
    willing.sort_indices()
    return willing


def _skill_pairs(
    people: People,
    rows: slice,
    prepared: _Prepared,
    graph: SkillGraph | None,
    candidates_only: bool,
    n_openings: int,
    *,
    by_country: bool = False,
    held_rows: sp.csr_matrix | None = None,
    willing_rows: sp.csr_matrix | None = None,
) -> tuple[IntArray, IntArray, FloatArray]:
    """(local person row, opening, covered weight) for people[rows]: every pair, or (``candidates_only``)
    the pairs with a skill in common plus the openings that ask for no skill (covered weight 1; with
    ``by_country``, only those in a country the person accepts). The skills sub-score is the covered weight
    over the opening's total (:func:`_skill_part`), computed once the hard requirements have dropped pairs."""
    if held_rows is None:
        skills = people.skills[rows]
        held = graph.credit(skills) if graph is not None else (skills > 0).astype(np.float64)
    else:
        held = held_rows  # rank_matches computes people's binary skills once, not per chunk
    n_rows = held.shape[0]
    if (
        candidates_only
        and by_country
        and people.countries is not None
        and prepared.country_blocks_t is not None
    ):
        if willing_rows is None:
            willing_rows = _willing(people.countries[rows])
        local, opening, value = _country_pairs(held, willing_rows, prepared)
    elif candidates_only:
        local, opening, value = _product_pairs(held, prepared.weights_t)
    if candidates_only:
        if prepared.asks_nothing.size:
            extra_local = np.repeat(np.arange(n_rows), prepared.asks_nothing.size)
            extra_opening = np.tile(prepared.asks_nothing, n_rows)
            if by_country and people.countries is not None and prepared.country_blocks_t is not None:
                # The product applied the countries; an opening that asks for no skill is outside it.
                accepts = np.ones((n_rows, prepared.n_countries + 1), dtype=bool)
                willing_rows = (people.countries[rows] > 0).toarray()
                limited = willing_rows.any(axis=1)
                accepts[limited, : prepared.n_countries] = willing_rows[limited]
                keep = accepts[extra_local, prepared.country_column[extra_opening]]
                extra_local, extra_opening = extra_local[keep], extra_opening[keep]
            local = np.concatenate([local, extra_local])
            opening = np.concatenate([opening, extra_opening])
            value = np.concatenate([value, np.ones(extra_local.size)])
    else:
        dense = (held @ prepared.weights_t).toarray()
        dense[:, prepared.asks_nothing] = 1.0  # an opening that asks for no skill is met by everyone
        local = np.repeat(np.arange(n_rows, dtype=np.int64), n_openings)
        opening = np.tile(np.arange(n_openings, dtype=np.int64), n_rows)
        value = dense.ravel()
    return local, opening, value


def _skill_part(covered: FloatArray, opening: IntArray, prepared: _Prepared) -> FloatArray:
    """Skills sub-score of pairs: covered weight over the opening's total, within [0, 1] (an opening that asks
    for no skill has total 0 and covered weight 1)."""
    return np.clip(covered / prepared.safe_totals.take(opening), 0.0, 1.0)


def top_n_of_pairs(
    row: IntArray, col: IntArray, score: FloatArray, n_rows: int, n_cols: int, n: int
) -> tuple[IntArray, FloatArray]:
    """Per row, the ``n`` best columns among the given (eligible) pairs: ties to the lower column.

    A histogram of the scores per row first keeps the pairs at or above each row's n-th best bin, so only a
    few pairs per row are sorted."""
    index = np.full((n_rows, n), -1, dtype=np.int64)
    values = np.full((n_rows, n), np.nan)
    if row.size == 0 or n == 0:
        return index, values
    # The histogram (n_rows × bins counts) is filled in random order: kept within about 256 KiB it stays in
    # the core's cache, which made the whole cut 2.5 times faster for 1,000 rows than 256 bins did. The bins
    # span the scores present, not [0, 1], so fewer bins lose little.
    bins = int(np.clip(2**15 // max(n_rows, 1), 16, 256))
    counts = np.bincount(row, minlength=n_rows)
    rounded = np.rint(score * RANK_SCALE).astype(np.int64)
    if counts.max() > n:
        # Bins of the rounded score, so that scores equal after rounding always share a bin (binning the
        # raw float would split 0.4 from 0.39999999999999997 and break the lower-index rule at the cut).
        lowest = int(rounded.min())
        span = max(int(rounded.max()) - lowest, 1)
        binned = (rounded - lowest) * (bins - 1) // span
        histogram = np.bincount(row * bins + binned, minlength=n_rows * bins).reshape(n_rows, bins)
        from_top = np.cumsum(histogram[:, ::-1], axis=1)
        threshold = bins - 1 - np.argmax(from_top >= n, axis=1)
        threshold[counts <= n] = 0
        keep = np.flatnonzero(binned >= threshold.take(row))
        row, col, score, rounded = row.take(keep), col.take(keep), score.take(keep), rounded.take(keep)
    key = rounded * n_cols + (n_cols - 1 - col)
    # One integer sort: row first, then the key from the highest (the key stays below 2**(bits)).
    bits = max(1, int(RANK_SCALE * n_cols + n_cols).bit_length())
    if (n_rows << bits) < 2**62:
        # The keys are unique (the column is in them): any sort gives the same order.
        order = np.argsort((row.astype(np.int64) << bits) + ((1 << bits) - 1 - key))
    else:
        order = np.lexsort((-key, row))
    row_sorted = row[order]
    starts = np.searchsorted(row_sorted, np.arange(n_rows))
    position = np.arange(row_sorted.size) - starts[row_sorted]
    keep = position < n
    index[row_sorted[keep], position[keep]] = col[order][keep]
    values[row_sorted[keep], position[keep]] = score[order][keep]
    return index, values


@dataclass
class Ranking:
    """``index[i, k]`` is the k-th best counterpart of item i (-1 when fewer are eligible)."""

    index: IntArray
    score: FloatArray
    weights: ComponentWeights


def rank_matches(
    people: People,
    openings: Openings,
    *,
    weights: ComponentWeights | None = None,
    requirements: Requirements | None = None,
    top_n: int = 20,
    direction: str = "openings_for_people",
    graph: SkillGraph | None = None,
    essential_weight: float = 1.0,
    optional_weight: float = 0.3,
    skill_specificity: FloatArray | None = None,
    chunk_size: int = 1000,
) -> Ranking:
    """Top ``top_n`` openings for every person (``openings_for_people``) or people for every opening
    (``people_for_openings``), best first, ties to the lower index.

    People are scored in chunks, so memory stays at a few chunk × m arrays whatever n is. With
    ``requirements.min_skill_score > 0`` only pairs with a skill in common are scored at all (the sparse
    product gives them), which is what makes 100,000 × 10,000 cheap.
    """
    weights = weights or ComponentWeights()
    requirements = requirements or Requirements()
    if direction not in ("openings_for_people", "people_for_openings"):
        raise ValueError(f"unknown direction {direction!r}")
    if top_n < 1 or chunk_size < 1:
        raise ValueError("top_n and chunk_size must be at least 1")
    prepared = _prepare(people, openings, essential_weight, optional_weight, skill_specificity)
    n, m = people.n, openings.m
    k = min(top_n, m if direction == "openings_for_people" else n)
    candidates_only = requirements.min_skill_score > 0
    kept: list[tuple[IntArray, IntArray, FloatArray]] = []
    if direction == "openings_for_people":
        index = np.full((n, k), -1, dtype=np.int64)
        score = np.full((n, k), np.nan)
    # With a minimum skills sub-score the sparse product applies the countries itself (see _country_pairs).
    country_applied = candidates_only and requirements.country and prepared.country_blocks_t is not None
    # Without a skill graph the chunks' binary skills (and the accepted countries) are slices of one matrix
    # built once: converting them per chunk cost a tenth of a large ranking.
    held_all = (people.skills > 0).astype(np.float64).tocsr() if graph is None else None
    willing_all = _willing(people.countries) if people.countries is not None else None
    for start in range(0, n, chunk_size):
        rows = slice(start, min(n, start + chunk_size))
        local, opening, covered = _skill_pairs(
            people,
            rows,
            prepared,
            graph,
            candidates_only,
            m,
            by_country=requirements.country,
            held_rows=held_all[rows] if held_all is not None else None,
            willing_rows=willing_all[rows] if willing_all is not None else None,
        )
        tables = _tables(people, rows, prepared, requirements, country_applied=country_applied)
        pairs = _pair_totals(
            people,
            openings,
            rows,
            local,
            opening,
            covered,
            weights,
            requirements,
            prepared,
            tables,
            keep_all=False,
            country_applied=country_applied,
        )
        if direction == "openings_for_people":
            idx, val = top_n_of_pairs(
                pairs.person - start, pairs.opening, pairs.total, rows.stop - start, m, k
            )
            index[rows], score[rows] = idx, val
        else:
            # Keep this chunk's best people per opening, merged with the best so far.
            idx, val = top_n_of_pairs(pairs.opening, pairs.person, pairs.total, m, n, k)
            has = idx >= 0
            kept.append((np.nonzero(has)[0], idx[has], val[has]))
            o_all = np.concatenate([x[0] for x in kept])
            p_all = np.concatenate([x[1] for x in kept])
            s_all = np.concatenate([x[2] for x in kept])
            idx, val = top_n_of_pairs(o_all, p_all, s_all, m, n, k)
            has = idx >= 0
            kept = [(np.nonzero(has)[0], idx[has], val[has])]
    if direction == "people_for_openings":
        o_all = np.concatenate([x[0] for x in kept]) if kept else np.empty(0, np.int64)
        p_all = np.concatenate([x[1] for x in kept]) if kept else np.empty(0, np.int64)
        s_all = np.concatenate([x[2] for x in kept]) if kept else np.empty(0)
        index, score = top_n_of_pairs(o_all, p_all, s_all, m, n, k)
    return Ranking(index, score, weights)


@dataclass
class PairDetail:
    """One person against every opening: total, sub-scores, eligibility and the requirement each fails."""

    total: FloatArray
    parts: dict[str, FloatArray]
    eligible: np.ndarray
    exclusions: dict[str, np.ndarray]


def explain_pair(
    people: People,
    openings: Openings,
    person: int,
    *,
    weights: ComponentWeights | None = None,
    requirements: Requirements | None = None,
    graph: SkillGraph | None = None,
    essential_weight: float = 1.0,
    optional_weight: float = 0.3,
    skill_specificity: FloatArray | None = None,
) -> PairDetail:
    """Sub-scores and failed hard requirements of one person against every opening."""
    weights = weights or ComponentWeights()
    requirements = requirements or Requirements()
    prepared = _prepare(people, openings, essential_weight, optional_weight, skill_specificity)
    rows = slice(person, person + 1)
    local, o, covered = _skill_pairs(people, rows, prepared, graph, False, openings.m)
    tables = _tables(people, rows, prepared, requirements)
    pairs = _pair_totals(
        people, openings, rows, local, o, covered, weights, requirements, prepared, tables, keep_all=True
    )
    return PairDetail(pairs.total, pairs.parts, pairs.eligible, pairs.exclusions)


def explain_pairs(
    people: People,
    openings: Openings,
    *,
    weights: ComponentWeights | None = None,
    requirements: Requirements | None = None,
    graph: SkillGraph | None = None,
    essential_weight: float = 1.0,
    optional_weight: float = 0.3,
    skill_specificity: FloatArray | None = None,
) -> list[PairDetail]:
    """:func:`explain_pair` of every person of ``people``, prepared and credited once (a shortlist explains
    its top candidates in one call)."""
    weights = weights or ComponentWeights()
    requirements = requirements or Requirements()
    prepared = _prepare(people, openings, essential_weight, optional_weight, skill_specificity)
    rows = slice(0, people.n)
    local, o, covered = _skill_pairs(people, rows, prepared, graph, False, openings.m)
    tables = _tables(people, rows, prepared, requirements)
    pairs = _pair_totals(
        people, openings, rows, local, o, covered, weights, requirements, prepared, tables, keep_all=True
    )
    m = openings.m
    return [
        PairDetail(
            pairs.total[i * m : (i + 1) * m],
            {name: values[i * m : (i + 1) * m] for name, values in pairs.parts.items()},
            pairs.eligible[i * m : (i + 1) * m],
            {name: values[i * m : (i + 1) * m] for name, values in pairs.exclusions.items()},
        )
        for i in range(people.n)
    ]


def score_matrix(
    people: People,
    openings: Openings,
    *,
    weights: ComponentWeights | None = None,
    requirements: Requirements | None = None,
    graph: SkillGraph | None = None,
    essential_weight: float = 1.0,
    optional_weight: float = 0.3,
    skill_specificity: FloatArray | None = None,
    chunk_size: int = 1000,
) -> tuple[FloatArray, np.ndarray]:
    """Dense people × openings totals and eligibility (the input of placement)."""
    weights = weights or ComponentWeights()
    requirements = requirements or Requirements()
    prepared = _prepare(people, openings, essential_weight, optional_weight, skill_specificity)
    n, m = people.n, openings.m
    total = np.zeros((n, m))
    eligible = np.zeros((n, m), dtype=bool)
    for start in range(0, n, chunk_size):
        rows = slice(start, min(n, start + chunk_size))
        local, o, covered = _skill_pairs(people, rows, prepared, graph, False, m)
        tables = _tables(people, rows, prepared, requirements)
        pairs = _pair_totals(
            people,
            openings,
            rows,
            local,
            o,
            covered,
            weights,
            requirements,
            prepared,
            tables,
            keep_all=True,
        )
        total[pairs.person, pairs.opening] = pairs.total
        eligible[pairs.person, pairs.opening] = pairs.eligible
    return total, eligible


@dataclass(frozen=True)
class OneOpening:
    """One opening asking for one language: what :func:`score_one_opening` needs of it."""

    essential: Sequence[int]  # skill indices
    isco: int  # UNKNOWN if none
    required_level: int  # hard minimum in the opening's language (0 = none)
    preferred_level: int  # soft (0 = not asked)
    experience_years: float  # wanted (0 = none wanted)
    optional: Sequence[int] = ()


def score_one_opening(
    skills: sp.csr_matrix,
    rows: IntArray,
    opening: OneOpening,
    *,
    isco: IntArray,
    language_level: IntArray,
    experience_years: FloatArray,
    weights: ComponentWeights | None = None,
    graph: SkillGraph | None = None,
    essential_weight: float = 1.0,
    optional_weight: float = 0.3,
    skill_specificity: FloatArray | None = None,
    check_language: bool = True,
) -> PairScores:
    """:func:`score_matrix` and :func:`explain_pairs` for one opening, over ``skills[rows]``: the same
    numbers (up to the order in which a person's credits are added, a few units in the 16th digit; scores
    are ranked after rounding), in plain array operations.

    A shortlist scores one request against the few thousand people who meet its hard requirements; built
    as a one-column sparse problem, most of its time went to scipy's matrix constructors and to crediting
    every skill each person could be credited with, when only the opening's skills count. Here the credit
    of a skill the opening asks for is the best entry of its column of :meth:`SkillGraph.combined` among
    the person's skills, read by one gather over ``skills``' stored indices.

    ``skills`` holds every person (CSR; each stored entry a skill held, as :func:`people_matrix` builds it);
    ``rows`` are the ones scored (distinct), and
    ``isco``, ``language_level`` (each person's level in the opening's language) and ``experience_years``
    are aligned with ``rows``. Only the language requirement applies (no country, dates or age)."""
    weights = weights or ComponentWeights()
    rows = np.asarray(rows, dtype=np.int64)
    n = rows.size
    essential = np.unique(np.asarray(opening.essential, dtype=np.int64))
    optional = np.setdiff1d(np.asarray(opening.optional, dtype=np.int64), essential)
    asked = np.union1d(essential, optional)  # ascending, as a sparse row stores them
    base = np.where(np.isin(asked, essential), 1.0 * essential_weight, 1.0 * optional_weight)
    skill_weight = base * skill_specificity[asked] if skill_specificity is not None else base
    asked, skill_weight = asked[skill_weight != 0], skill_weight[skill_weight != 0]
    total_weight = float(skill_weight.sum())
    if asked.size and total_weight > 0:
        credit = _opening_credit(skills, rows, asked, graph)
        covered = credit @ skill_weight
        skill_part = np.clip(covered / total_weight, 0.0, 1.0)
    else:
        skill_part = np.ones(n)  # an opening that asks for no skill is met by everyone
    occupation_part = occupation_similarity(np.asarray(isco), np.full(n, opening.isco, dtype=np.int64))
    level = np.asarray(language_level)
    if opening.preferred_level > 0:
        language_part = (level >= opening.preferred_level).astype(np.float64)
    else:
        language_part = np.ones(n)
    years = np.asarray(experience_years, dtype=np.float64)
    wanted = opening.experience_years
    experience_part = np.minimum(1.0, years / wanted) if wanted > 0 else np.ones(n)
    total = weights.total(skill_part, occupation_part, language_part, experience_part)
    exclusions = {}
    if check_language and opening.required_level > 0:
        exclusions["languages"] = level < opening.required_level
    eligible = ~exclusions["languages"] if exclusions else np.ones(n, dtype=bool)
    return PairScores(
        rows,
        np.zeros(n, dtype=np.int64),
        total,
        eligible,
        {
            "skills": skill_part,
            "occupation": occupation_part,
            "languages": language_part,
            "experience": experience_part,
        },
        exclusions,
    )


def _opening_credit(
    skills: sp.csr_matrix, rows: IntArray, asked: IntArray, graph: SkillGraph | None
) -> FloatArray:
    """rows × asked: each person's credit (:meth:`SkillGraph.credit`) for each skill the opening asks for."""
    if graph is None:
        sources, table = asked, np.eye(asked.size)
    else:
        sources, table = graph.credit_columns(asked)
    # The position of each crediting skill in ``table`` (-1: credits none of the asked skills).
    code = np.full(skills.shape[1], -1, dtype=np.int64)
    code[sources] = np.arange(sources.size)
    indptr = skills.indptr
    lengths = indptr.take(rows + 1) - indptr.take(rows)
    credit = np.zeros((rows.size, asked.size))
    if not lengths.sum():
        return credit
    if int(lengths.sum()) * 4 < skills.nnz:
        # The scored rows' stored skills only.
        owner, at = _ranges(indptr, rows)
        hit = code.take(skills.indices.take(at))
        found = np.flatnonzero(hit >= 0)
        owner, hit = owner.take(found), hit.take(found)
    else:
        # Most rows scored: one gather over every stored skill, then keep the scored rows' hits.
        hit = code.take(skills.indices)
        found = np.flatnonzero(hit >= 0)
        person = np.searchsorted(indptr, found, side="right") - 1
        local = np.full(skills.shape[0], -1, dtype=np.int64)
        local[rows] = np.arange(rows.size)
        owner = local.take(person)
        kept = owner >= 0
        owner, hit = owner[kept], hit.take(found)[kept]
    np.maximum.at(credit, owner, table[hit])
    return credit


def _ranges(indptr: IntArray, picks: IntArray) -> tuple[IntArray, IntArray]:
    """For the compressed rows (or columns) ``picks``: the pick each stored entry belongs to (0, 1, ...) and
    the entry's position in ``indices``/``data``, in order."""
    starts = indptr.take(picks).astype(np.int64)
    lengths = indptr.take(picks + 1) - starts
    owner = np.repeat(np.arange(picks.size), lengths)
    offsets = np.arange(owner.size) - np.repeat(np.cumsum(lengths) - lengths, lengths)
    return owner, np.repeat(starts, lengths) + offsets
