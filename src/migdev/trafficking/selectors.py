"""Reads of counter-trafficking records. Each record type has ONE access function here.

* cases: :func:`cases_visible_to` / :func:`case_get_for_user` (every read audited);
* the records inside a case (comments, consents, events, plans, services, perpetrators, requests,
  transfers, follow-up tasks, attachments): :func:`case_record_get_for_user`, reached through the case's
  owner, group and organisation (an attachment's content is read only after it, with the read audited);
* referrals: :func:`referrals_visible_to` / :func:`referral_get_for_user`;
* analytic records: :func:`analytic_records_visible_to` (aggregates only leave this module);
* releases: :func:`releases_visible_to` / :func:`release_get_for_user`, and :func:`published_releases`
  for the public.

A record outside the user's scope raises ``Http404`` exactly like one that does not exist.
"""

import json
from collections.abc import Iterable
from typing import Any, TypeVar

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import Count, F, Model, Q, QuerySet, Sum
from django.http import HttpRequest

from migdev.accounts.access import get_for_user, has_permission, scoped_queryset
from migdev.accounts.models import User
from migdev.audit.models import AuditAction
from migdev.audit.services import audit_log
from migdev.trafficking import ctdc
from migdev.trafficking.models import (
    AnalyticCount,
    AnalyticRecord,
    Case,
    CaseTask,
    PersonToken,
    Referral,
    Release,
)

UserLike = AbstractBaseUser | AnonymousUser
ModelT = TypeVar("ModelT", bound=Model)

CASE_VIEW = "trafficking.view_case"
CASE_ADD = "trafficking.add_case"
CASE_CHANGE = "trafficking.change_case"
CASE_EXPORT = "trafficking.export_case"
CASE_APPROVE = "trafficking.approve_case"
CASE_MERGE = "trafficking.merge_case"
CONSENT_OVERRIDE = "trafficking.override_consent"
REFERRAL_VIEW = "trafficking.view_referral"
STATISTICS_VIEW = "trafficking.view_statistics"
RECORDS_LOAD = "trafficking.load_analytic_records"
RELEASE_VIEW = "trafficking.view_release"
RELEASE_ADD = "trafficking.add_release"
RELEASE_APPROVE = "trafficking.approve_release"

_CASE_SCOPE = {"owner_field": "owner", "group_field": "group", "organisation_field": "organisation"}
_THROUGH_CASE = {
    "owner_field": "case__owner",
    "group_field": "case__group",
    "organisation_field": "case__organisation",
}


# --- cases ---------------------------------------------------------------------------------------------


def cases_visible_to(user: UserLike | None, perm: str = CASE_VIEW) -> QuerySet[Case]:
    """The cases ``user`` reaches with ``perm``. Callers that show identifying values audit the read
    (see :func:`case_list_audit`)."""
    return scoped_queryset(
        user, perm, Case.objects.select_related("owner", "group", "organisation"), **_CASE_SCOPE
    )


def case_get_for_user(
    user: UserLike | None,
    pk: object,
    *,
    perm: str = CASE_VIEW,
    request: HttpRequest | None = None,
    audit_read: bool = True,
) -> Case:
    """The access function for cases: the case if ``user`` reaches it with ``perm``, else ``Http404``.

    The read is audited unless the caller is about to audit a write of the same case.
    """
    return get_for_user(
        user,
        perm,
        Case.objects.select_related("owner", "group", "organisation", "merged_into"),
        pk,
        request=request,
        audit_read=audit_read,
        **_CASE_SCOPE,
    )


def case_list_audit(
    *, user: UserLike, cases: Iterable[Case], request: HttpRequest | None, purpose: str
) -> None:
    """One audit row for a page or export that showed several cases: which ones, never what they hold."""
    references = [case.reference for case in cases]
    if references:
        audit_log(
            action=AuditAction.READ,
            request=request,
            actor=user if isinstance(user, AbstractBaseUser) else None,
            record_type=Case._meta.label_lower,
            detail={"cases": references, "count": len(references), "purpose": purpose},
        )


def case_record_get_for_user(
    user: UserLike | None,
    model: type[ModelT],
    pk: object,
    *,
    perm: str = CASE_VIEW,
    request: HttpRequest | None = None,
    audit_read: bool = False,
) -> ModelT:
    """The access function for every record that lives inside a case: scope is the case's scope."""
    return get_for_user(
        user,
        perm,
        model._default_manager.select_related("case"),
        pk,
        request=request,
        audit_read=audit_read,
        **_THROUGH_CASE,
    )


def person_tokens_visible_to(user: UserLike | None, perm: str = CASE_VIEW) -> QuerySet[PersonToken]:
    """Blind-index tokens of the cases ``user`` reaches with ``perm``: the same scope as
    :func:`cases_visible_to`, so a search never ranks, let alone decrypts, a case outside it."""
    return scoped_queryset(user, perm, PersonToken.objects.all(), **_THROUGH_CASE)


def active_users_holding(perm: str, organisation_ids: Iterable[int | None]) -> QuerySet[User]:
    """Active people of these organisations whose roles grant ``perm`` (at any scope)."""
    app_label, codename = perm.split(".")
    return (
        User.objects.filter(
            is_active=True,
            organisation_id__in=[pk for pk in organisation_ids if pk is not None],
            roles__grants__permission__codename=codename,
            roles__grants__permission__content_type__app_label=app_label,
        )
        .distinct()
        .order_by("username")
    )


def case_workers_for(case: Case) -> QuerySet[User]:
    """Active people of the case's organisation who may work on this case: those a task can be given to."""
    reaching = [
        person.pk
        for person in active_users_holding(CASE_CHANGE, [case.organisation_id])
        if cases_visible_to(person, CASE_CHANGE).filter(pk=case.pk).exists()
    ]
    return User.objects.filter(pk__in=reaching).order_by("username")


def case_tasks_open_for(user: UserLike | None) -> QuerySet[CaseTask]:
    """Open follow-ups in cases ``user`` works on: given to them, or to nobody in a case they own."""
    if not isinstance(user, User):
        return CaseTask.objects.none()
    cases = cases_visible_to(user, CASE_CHANGE).filter(anonymised_at__isnull=True)
    return (
        CaseTask.objects.filter(case__in=cases, done_at__isnull=True)
        .filter(Q(assigned_to=user) | Q(assigned_to__isnull=True, case__owner=user))
        .select_related("case", "assigned_to")
        .order_by(F("due_on").asc(nulls_last=True), "pk")
    )


def case_possible_duplicates(user: UserLike | None, case: Case) -> list[Case]:
    """Open cases ``user`` may see that may be the same person (record linkage, see
    :mod:`migdev.trafficking.search`); none for a merged or anonymised case."""
    from migdev.trafficking.search import possible_duplicates_of

    return [pair.second for pair in possible_duplicates_of(user, case)]


# --- referrals -----------------------------------------------------------------------------------------


def referrals_visible_to(user: UserLike | None, perm: str = REFERRAL_VIEW) -> QuerySet[Referral]:
    return scoped_queryset(
        user, perm, Referral.objects.select_related("case", "organisation", "consent"), **_THROUGH_CASE
    )


def referral_get_for_user(
    user: UserLike | None, pk: object, *, perm: str = REFERRAL_VIEW, request: HttpRequest | None = None
) -> Referral:
    return get_for_user(
        user,
        perm,
        Referral.objects.select_related("case", "organisation", "consent"),
        pk,
        request=request,
        audit_read=True,
        **_THROUGH_CASE,
    )


# --- analytic records and statistics -------------------------------------------------------------------


def analytic_records_visible_to(
    user: UserLike | None, perm: str = STATISTICS_VIEW
) -> QuerySet[AnalyticRecord]:
    """Analytic records within ``user``'s statistics scope. Only aggregates of them are ever shown."""
    return scoped_queryset(
        user,
        perm,
        AnalyticRecord.objects.all(),
        owner_field=None,
        group_field="group",
        organisation_field="organisation",
    )


def analytic_counts_visible_to(user: UserLike | None, perm: str = STATISTICS_VIEW) -> QuerySet[AnalyticCount]:
    """The summary rows of the analytic records within ``user``'s scope (the same rule as
    :func:`analytic_records_visible_to`: the rows carry the records' organisation and group)."""
    return scoped_queryset(
        user,
        perm,
        AnalyticCount.objects.all(),
        owner_field=None,
        group_field="group",
        organisation_field="organisation",
    )


def summary_tallies(
    counts: QuerySet[AnalyticCount], one_way: Iterable[str], groups: Iterable[str]
) -> tuple[int, dict[str, dict[Any, int]], dict[str, dict[str, int]]]:
    """Persons, persons per value of each single-valued field in ``one_way`` and per value of each
    multi-valued group in ``groups`` (with ``"__denominator__"``, CTDC's rule), added up from the summary
    rows in ``counts``: the same figures :func:`counts_by_each` and :func:`groups_counts` get by
    scanning the records, in one query over a few hundred rows."""
    one_way = list(one_way)
    groups = list(groups)
    masks = {ctdc.MASK_FIELDS[name]: name for name in groups}
    by_field: dict[str, dict[Any, int]] = {name: {} for name in [*one_way, *masks]}
    rows = (
        counts.order_by()
        .filter(dimension__in=list(by_field))
        .values_list("dimension", "value")
        .annotate(n=Sum("count"))
    )
    for dimension, value, n in rows:
        if n:
            by_field[dimension][json.loads(value)] = int(n)
    # Every record has one value (None included) in every field, so any field's counts add up to the
    # records counted.
    if not by_field:
        raise ValueError("count at least one field")
    persons = sum(next(iter(by_field.values())).values())
    group_counts_: dict[str, dict[str, int]] = {}
    for mask_field, name in masks.items():
        group = ctdc.FLAG_GROUP_BY_NAME[name]
        result = dict.fromkeys(group.fields, 0)
        denominator = 0
        for mask, n in by_field[mask_field].items():
            if mask:
                denominator += n
                for field in ctdc.mask_flags(group, mask):
                    result[field] += n
        result["__denominator__"] = denominator
        group_counts_[name] = result
    return persons, {name: by_field[name] for name in one_way}, group_counts_


def counts_by(records: QuerySet[AnalyticRecord], field: str) -> dict[Any, int]:
    """Persons per value of a single-valued harmonised field (None: not recorded)."""
    if field not in ctdc.CATEGORY_FIELDS:
        raise ValueError(f"{field!r} is not a harmonised category")
    rows = records.order_by().values_list(field).annotate(n=Count("*"))
    return dict(rows)


def counts_by_each(records: QuerySet[AnalyticRecord], fields: list[str]) -> dict[str, dict[Any, int]]:
    """:func:`counts_by` for several fields. PostgreSQL does them in one pass (GROUPING SETS); other
    databases run one GROUP BY per field."""
    for field in fields:
        if field not in ctdc.CATEGORY_FIELDS:
            raise ValueError(f"{field!r} is not a harmonised category")
    if connection.vendor != "postgresql" or not fields:
        return {field: counts_by(records, field) for field in fields}
    try:
        inner, params = records.order_by().values(*fields).query.sql_with_params()
    except EmptyResultSet:  # e.g. no public source among the chosen ones: nothing to count
        return {field: {} for field in fields}
    columns = ", ".join(connection.ops.quote_name(field) for field in fields)
    grouping = ", ".join(f"GROUPING({connection.ops.quote_name(field)})" for field in fields)
    sets = ", ".join(f"({connection.ops.quote_name(field)})" for field in fields)
    sql = f"SELECT {columns}, {grouping}, COUNT(*) FROM ({inner}) AS records GROUP BY GROUPING SETS ({sets})"  # noqa: S608 - names are fixed field names
    result: dict[str, dict[Any, int]] = {field: {} for field in fields}
    width = len(fields)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for row in cursor.fetchall():
            flags = row[width : 2 * width]
            position = flags.index(0)  # the one field this row is grouped by
            result[fields[position]][row[position]] = int(row[-1])
    return result


def group_counts(records: QuerySet[AnalyticRecord], group: ctdc.FlagGroup | str) -> dict[str, int]:
    """Persons per value of a multi-valued group, and ``"__denominator__"``: persons with at least one
    recorded value in the group (CTDC's rule), in one query."""
    name = group if isinstance(group, str) else group.name
    return groups_counts(records, [name])[name]


def groups_counts(records: QuerySet[AnalyticRecord], groups: list[str]) -> dict[str, dict[str, int]]:
    """:func:`group_counts` for several groups. Each group is one GROUP BY over its bit mask (an index
    scan returning a few hundred rows at most); the bits are then added up here."""
    counts: dict[str, dict[str, int]] = {}
    for name in groups:
        group = ctdc.FLAG_GROUP_BY_NAME[name]
        result = dict.fromkeys(group.fields, 0)
        denominator = 0
        rows = records.order_by().values_list(ctdc.MASK_FIELDS[name]).annotate(n=Count("*"))
        for mask, n in rows:
            if mask:
                denominator += n
                for field in ctdc.mask_flags(group, mask):
                    result[field] += n
        result["__denominator__"] = denominator
        counts[name] = result
    return counts


def flag_count(records: QuerySet[AnalyticRecord], field: str) -> int:
    return records.filter(**{field: True}).count()


# --- releases ------------------------------------------------------------------------------------------


def releases_visible_to(user: UserLike | None, perm: str = RELEASE_VIEW) -> QuerySet[Release]:
    return scoped_queryset(
        user,
        perm,
        Release.objects.select_related("created_by", "reviewed_by"),
        owner_field="created_by",
        group_field=None,
        organisation_field=None,
    )


def release_get_for_user(
    user: UserLike | None, pk: object, *, perm: str = RELEASE_VIEW, request: HttpRequest | None = None
) -> Release:
    return get_for_user(
        user,
        perm,
        Release.objects.select_related("created_by", "reviewed_by"),
        pk,
        request=request,
        owner_field="created_by",
        group_field=None,
        organisation_field=None,
    )


def published_releases() -> QuerySet[Release]:
    """What the public may see: approved releases only."""
    return Release.objects.filter(state=Release.State.APPROVED)


def published_aggregates() -> Release | None:
    return published_releases().filter(kind=Release.Kind.AGGREGATES).order_by("-reviewed_at", "-pk").first()


def published_aggregates_by_sources() -> list[Release]:
    """The latest approved aggregates of each set of sources: the public dashboard shows each set on its
    own, so the live cases and a loaded public file never appear added together unless a release was
    explicitly built (and checked) over both."""
    latest: dict[tuple[int, ...], Release] = {}
    for release in published_releases().filter(kind=Release.Kind.AGGREGATES).order_by("-reviewed_at", "-pk"):
        key = tuple(sorted(int(pk) for pk in release.parameters.get("sources", [])))
        latest.setdefault(key, release)
    return list(latest.values())


def can_see_cases(user: UserLike | None) -> bool:
    return has_permission(user, CASE_VIEW)
