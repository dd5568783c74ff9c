"""Finding a person among the cases a user may see, and proposing possible duplicates.

Both work the same way: blind-index tokens (:mod:`migdev.trafficking.tokens`) narrow the cases down in
SQL, inside the user's scope; only the best-ranked candidates are read through
:func:`~migdev.trafficking.selectors.cases_visible_to` (so decrypted), and scored in memory
(:mod:`migdev.trafficking.linkage`). A case outside the scope is never returned and never decrypted.

Search terms are never written anywhere: not to the audit log (which gets the result count, the kinds of
term used and the references shown), not to a URL (the form is posted), not to a log.
"""

import math
from collections.abc import Iterable
from dataclasses import dataclass

from django.contrib.auth.base_user import AbstractBaseUser
from django.db import connection
from django.db.models import Case as SqlCase
from django.db.models import IntegerField, QuerySet, Sum, Value, When
from django.http import HttpRequest
from django.views.decorators.debug import sensitive_variables

from migdev.audit.models import AuditAction
from migdev.audit.services import audit_log
from migdev.trafficking import linkage, selectors
from migdev.trafficking.models import Case, NotSamePerson, PersonToken
from migdev.trafficking.tokens import PAIRING_KINDS, PersonKeys, QueryToken, search_tokens

# Cases decrypted and scored per search: enough for every plausible spelling of a name among the
# candidates the tokens rank first, few enough to keep a search well under 100 ms.
CANDIDATES = 80
RESULTS = 50
# A token held by this many cases or more is common (a frequent name part, its Metaphone code, its
# deletions): the first pass leaves it out, so a search reads a few thousand index entries, not the
# tens of thousands a common name holds. Rarer tokens weigh more (see ``rarity``).
COMMON_CASES = 300
COUNTED_PER_QUERY = 200
# First-pass cases whose common tokens are read to tell whether a second pass is needed.
CHECKED = 10


@dataclass(frozen=True)
class Found:
    case: Case
    match: linkage.SearchMatch


def _open(queryset: QuerySet[Case]) -> QuerySet[Case]:
    return queryset.filter(merged_into__isnull=True, anonymised_at__isnull=True)


def _for_scoring(queryset: QuerySet[Case]) -> QuerySet[Case]:
    """Only the columns a comparison and a result line need: candidates are many, the case is wide."""
    from migdev.trafficking.services import PERSON_KEY_FIELDS

    return (
        queryset.select_related(None)
        .select_related("owner")
        .only(
            *PERSON_KEY_FIELDS,
            "reference",
            "version",
            "status",
            "owner__username",
            "registered_on",
            "updated_at",
        )
    )


def token_counts(tokens: Iterable[int], *, cap: int = COMMON_CASES) -> dict[int, int]:
    """How many cases hold each token, counted up to ``cap`` (one index range per token, so a common
    token costs ``cap`` index entries at most). Counted over the whole table: a weight, never a result."""
    wanted = list(dict.fromkeys(tokens))
    if not wanted:
        return {}
    table = connection.ops.quote_name(PersonToken._meta.db_table)
    one = (
        "SELECT CAST(%s AS BIGINT), (SELECT COUNT(*) FROM "  # noqa: S608 - fixed table name
        f"(SELECT 1 FROM {table} WHERE token = %s LIMIT %s) AS capped)"
    )
    counts: dict[int, int] = {}
    with connection.cursor() as cursor:
        # SQLite takes at most 500 terms in one compound SELECT; a long name makes hundreds of tokens.
        for start in range(0, len(wanted), COUNTED_PER_QUERY):
            chunk = wanted[start : start + COUNTED_PER_QUERY]
            cursor.execute(
                " UNION ALL ".join([one] * len(chunk)),
                [value for token in chunk for value in (token, token, cap)],
            )
            counts.update((int(token), int(count)) for token, count in cursor.fetchall())
    return counts


def rarity(cases: int) -> float:
    """1 for a common token, up to 1 + log2(COMMON_CASES) for a token only one case holds: inverse
    document frequency, measured against the common threshold."""
    return 1.0 + math.log2(COMMON_CASES / max(cases, 1)) if cases < COMMON_CASES else 1.0


def _ranked_in_sql(
    user: selectors.UserLike | None,
    weights: dict[int, int],
    *,
    perm: str,
    limit: int,
    exclude: list[int],
) -> list[tuple[int, int]]:
    """(case id, summed weight) of the cases in scope holding the most weight of ``weights``."""
    if not weights:
        return []
    weight = SqlCase(
        *[When(token=token, then=Value(value)) for token, value in weights.items()],
        default=Value(0),
        output_field=IntegerField(),
    )
    rows = (
        selectors.person_tokens_visible_to(user, perm)
        # Merged and anonymised cases have no tokens (the services delete them), so no join is needed
        # for that; the scope is the only condition on the case.
        .filter(token__in=list(weights))
        .exclude(case_id__in=exclude)
        .values("case_id")
        .annotate(score=Sum(weight))
        .order_by("-score", "case_id")
        .values_list("case_id", "score")[:limit]
    )
    return [(case_id, int(score)) for case_id, score in rows]


def _outside_bound(common: list[QueryToken], weights: dict[int, int]) -> int:
    """The most a case holding none of the rare tokens can score: every common token that is not about
    one name part, plus the common tokens of its best-matching part. A case agreeing with two name parts
    holds a pairing token of the two (``NAME_PAIR`` or ``NAME_PAIR_EDIT``), which is rare unless the
    pair itself is common (then it is counted here)."""
    shared = sum(weights[item.token] for item in common if not item.parts)
    by_part: dict[str, int] = {}
    for item in common:
        for part in item.parts:
            by_part[part] = by_part.get(part, 0) + weights[item.token]
    return shared + max(by_part.values(), default=0)


def _beats(scores: dict[int, int], *, bound: int, common: list[QueryToken], weights: dict[int, int]) -> bool:
    """Whether a case of the first pass scores more than ``bound`` with every token it holds: its rare
    score alone, or else, for the best few, with the common tokens it holds as well (read through the
    case index)."""
    if any(score > bound for score in scores.values()):
        return True
    best = sorted(scores, key=lambda case_id: (-scores[case_id], case_id))[:CHECKED]
    full = {case_id: scores[case_id] for case_id in best}
    common_weights = {item.token: weights[item.token] for item in common}
    for case_id, token in PersonToken.objects.filter(case_id__in=best).values_list("case_id", "token"):
        full[case_id] += common_weights.get(token, 0)
    return any(score > bound for score in full.values())


def ranked_candidates(
    user: selectors.UserLike | None,
    tokens: list[QueryToken],
    *,
    perm: str = selectors.CASE_VIEW,
    limit: int = CANDIDATES,
    exclude: Iterable[int] = (),
) -> list[int]:
    """Ids of open cases in ``user``'s scope sharing the most token weight with ``tokens``, best first.

    Each token weighs its kind's weight times its rarity. First pass: only the rare tokens (held by
    fewer than COMMON_CASES cases) rank the cases in scope in SQL. Second pass, over every token, only
    when no case of the first pass scores more than a case sharing none of the rare tokens could (a
    search made of common tokens only, such as one frequent name part, or a person whose only agreement
    with the search is common). Common tokens do not reorder the first pass: a case found there agrees
    with the search on something rare (a pair of name parts, a birth date, a phone), and what it shares
    with thousands of others adds nothing to tell it apart.
    """
    if not tokens:
        return []
    excluded = list(exclude)
    counts = token_counts(item.token for item in tokens)
    held = [item for item in tokens if counts.get(item.token, 0) > 0]
    weights = {item.token: round(10 * item.weight * rarity(counts[item.token])) for item in held}
    rare = {item.token: weights[item.token] for item in held if counts[item.token] < COMMON_CASES}
    common = [item for item in held if counts[item.token] >= COMMON_CASES]
    scores = dict(_ranked_in_sql(user, rare, perm=perm, limit=limit, exclude=excluded))
    if common and not _beats(scores, bound=_outside_bound(common, weights), common=common, weights=weights):
        return [
            case_id
            for case_id, _score in _ranked_in_sql(user, weights, perm=perm, limit=limit, exclude=excluded)
        ]
    return sorted(scores, key=lambda case_id: (-scores[case_id], case_id))[:limit]


@sensitive_variables()
def person_search(
    user: selectors.UserLike | None,
    terms: PersonKeys,
    *,
    request: HttpRequest | None = None,
    perm: str = selectors.CASE_VIEW,
    limit: int = RESULTS,
    audit: bool = True,
) -> list[Found]:
    """Cases in scope that answer the search, best first; audited with the count, never the terms."""
    found: list[Found] = []
    if not terms.is_empty():
        ids = ranked_candidates(user, search_tokens(terms), perm=perm)
        for case in _for_scoring(_open(selectors.cases_visible_to(user, perm))).filter(pk__in=ids):
            match = linkage.search_score(terms, linkage.Person.of_case(case))
            if match.score >= linkage.SEARCH_THRESHOLD:
                found.append(Found(case, match))
        found.sort(key=lambda item: (-item.match.score, item.case.pk))
        found = found[:limit]
    if audit:
        used = [
            name
            for name, given in (
                ("name", terms.parts),
                ("birth_date", terms.birth_date),
                ("phone", terms.phones),
                ("identity_number", terms.identity),
            )
            if given
        ]
        audit_log(
            action=AuditAction.READ,
            request=request,
            actor=user if isinstance(user, AbstractBaseUser) else None,
            record_type=Case._meta.label_lower,
            detail={
                "purpose": "person search",
                "count": len(found),
                "searched_by": used,
                "cases": [item.case.reference for item in found],
            },
        )
    return found


# --- duplicates ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Pair:
    first: Case
    second: Case
    comparison: linkage.Comparison


def rejected_partners(case_ids: Iterable[int]) -> dict[int, set[int]]:
    """For each case, the cases a reviewer said are a different person."""
    ids = list(case_ids)
    partners: dict[int, set[int]] = {}
    rows = NotSamePerson.objects.filter(first_id__in=ids).values_list("first_id", "second_id")
    rows_back = NotSamePerson.objects.filter(second_id__in=ids).values_list("first_id", "second_id")
    for first, second in [*rows, *rows_back]:
        partners.setdefault(first, set()).add(second)
        partners.setdefault(second, set()).add(first)
    return partners


@sensitive_variables()
def possible_duplicates_of(
    user: selectors.UserLike | None, case: Case, *, perm: str = selectors.CASE_VIEW
) -> list[Pair]:
    """Open cases in scope that may be the same person as ``case`` (none for a merged or anonymised case,
    none that a reviewer already said is someone else), most likely first."""
    if case.merged_into_id is not None or case.anonymised_at is not None:
        return []
    me = linkage.Person.of_case(case)
    if me.keys.is_empty():
        return []
    rejected = rejected_partners([case.pk]).get(case.pk, set())
    ids = ranked_candidates(user, search_tokens(me.keys), perm=perm, exclude=[case.pk, *rejected])
    pairs = []
    for other in _for_scoring(_open(selectors.cases_visible_to(user, perm))).filter(pk__in=ids):
        comparison = linkage.compare(me, linkage.Person.of_case(other))
        if linkage.is_possible_duplicate(comparison):
            pairs.append(Pair(case, other, comparison))
    pairs.sort(key=lambda pair: (-pair.comparison.weight, pair.second.pk))
    return pairs


def candidate_pairs(cases: QuerySet[Case]) -> set[tuple[int, int]]:
    """Pairs of the given cases sharing a pairing token (same phonetic name and birth date up to a swap
    of day and month, two phonetic name parts, a phone number or an identity number)."""
    ids = set(cases.values_list("pk", flat=True))
    by_token: dict[int, list[int]] = {}
    rows = PersonToken.objects.filter(
        kind__in=[int(kind) for kind in PAIRING_KINDS], case_id__in=cases.values("pk")
    )
    for token, case_id in rows.values_list("token", "case_id").iterator(chunk_size=5000):
        by_token.setdefault(token, []).append(case_id)
    pairs: set[tuple[int, int]] = set()
    for members in by_token.values():
        if len(members) < 2:
            continue
        members = sorted(set(members) & ids)
        for position, first in enumerate(members):
            for second in members[position + 1 :]:
                pairs.add((first, second))
    return pairs


@sensitive_variables()
def score_pairs(cases: QuerySet[Case], pairs: set[tuple[int, int]]) -> list[Pair]:
    """The pairs whose comparison reaches the duplicate threshold, skipping rejected ones."""
    involved = {case_id for pair in pairs for case_id in pair}
    rejected = rejected_partners(involved)
    loaded = {case.pk: case for case in _for_scoring(cases).filter(pk__in=involved)}
    people = {pk: linkage.Person.of_case(case) for pk, case in loaded.items()}
    found = []
    for first, second in pairs:
        if first not in loaded or second not in loaded or second in rejected.get(first, set()):
            continue
        comparison = linkage.compare(people[first], people[second])
        if linkage.is_possible_duplicate(comparison):
            found.append(Pair(loaded[first], loaded[second], comparison))
    found.sort(key=lambda pair: (-pair.comparison.weight, pair.first.pk, pair.second.pk))
    return found


def duplicate_pairs_visible_to(user: selectors.UserLike | None) -> list[Pair]:
    """Every proposed pair among the open cases ``user`` may merge, most likely first."""
    cases = _open(selectors.cases_visible_to(user, selectors.CASE_MERGE))
    return score_pairs(cases, candidate_pairs(cases))
