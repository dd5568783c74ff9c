"""Finding a person among the cases a user may see, and proposing possible duplicates.

Both work the same way: blind-index tokens (:mod:`migdev.trafficking.tokens`) narrow the cases down in
SQL, inside the user's scope; only the best-ranked candidates are read through
:func:`~migdev.trafficking.selectors.cases_visible_to` (so decrypted), and scored in memory
(:mod:`migdev.trafficking.linkage`). A case outside the scope is never returned and never decrypted.

Search terms are never written anywhere: not to the audit log (which gets the result count, the kinds of
term used and the references shown), not to a URL (the form is posted), not to a log.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from django.contrib.auth.base_user import AbstractBaseUser
from django.db.models import Case as SqlCase
from django.db.models import IntegerField, QuerySet, Sum, Value, When
from django.http import HttpRequest
from django.views.decorators.debug import sensitive_variables

from migdev.audit.models import AuditAction
from migdev.audit.services import audit_log
from migdev.trafficking import linkage, selectors
from migdev.trafficking.models import Case, NotSamePerson, PersonToken
from migdev.trafficking.tokens import PAIRING_KINDS, TOKEN_WEIGHTS, PersonKeys, query_tokens

# Cases decrypted and scored per search: enough for every plausible spelling of a name among the
# candidates the tokens rank first, few enough to keep a search well under 100 ms.
CANDIDATES = 80
RESULTS = 50

_WEIGHT = SqlCase(
    *[When(kind=int(kind), then=Value(weight)) for kind, weight in TOKEN_WEIGHTS.items()],
    default=Value(0),
    output_field=IntegerField(),
)


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


def ranked_candidates(
    user: selectors.UserLike | None,
    tokens: dict[int, int],
    *,
    perm: str = selectors.CASE_VIEW,
    limit: int = CANDIDATES,
    exclude: Iterable[int] = (),
) -> list[int]:
    """Ids of open cases in ``user``'s scope sharing the most token weight with ``tokens``."""
    if not tokens:
        return []
    rows = (
        selectors.person_tokens_visible_to(user, perm)
        # Merged and anonymised cases have no tokens (the services delete them), so no join is needed
        # for that; the scope is the only condition on the case.
        .filter(token__in=list(tokens))
        .exclude(case_id__in=list(exclude))
        .values("case_id")
        .annotate(score=Sum(_WEIGHT))
        .order_by("-score", "case_id")
        .values_list("case_id", flat=True)[:limit]
    )
    return list(rows)


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
        ids = ranked_candidates(user, query_tokens(terms), perm=perm)
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
    ids = ranked_candidates(user, query_tokens(me.keys), perm=perm, exclude=[case.pk, *rejected])
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
