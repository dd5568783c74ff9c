"""Building candidate releases from analytic records: k-anonymised microdata, DP synthetic microdata and
aggregate tables with small cells suppressed. Nothing here writes; :func:`services.release_build` stores
the result as a draft for a data protection officer to review.
"""

import csv
import io
import json
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, cast

from django.db.models import QuerySet

from migdev.trafficking import aggregates, ctdc, dpsynth, kanon
from migdev.trafficking.countries import CountryIndex
from migdev.trafficking.models import AnalyticCount, AnalyticRecord, AnalyticSource

# What an attacker may know about a person, as three growing sets (the DPO page shows k for each). By
# default every one of these that a release writes is a quasi-identifier: a release is k-anonymous for
# an attacker who knows everything it says about a person, not only the demographics.
DEMOGRAPHIC_FIELDS: tuple[str, ...] = (
    "year_of_registration",
    "registration_period",
    "gender",
    "age_broad",
    "majority_status",
    "majority_status_at_exploit",
    "majority_entry",
    "citizenship",
    "citizenship_region",
    "country_of_exploitation",
    "exploitation_region",
)
EXPLOITATION_FIELDS: tuple[str, ...] = (
    "traffick_months",
    *ctdc.TYPE_OF_EXPLOIT.fields,
    *ctdc.TYPE_OF_LABOUR.fields,
    *ctdc.TYPE_OF_SEX.fields,
    *ctdc.MEANS_OF_CONTROL.fields,
    *ctdc.MEANS_MERGED.fields,
    "is_abduction",
)
PERPETRATOR_FIELDS: tuple[str, ...] = (
    *ctdc.RECRUITER_RELATION.fields,
    "ip_gender",
    "ip_age_broad",
    "ip_citizen_region",
    "ip_relation",
    "ip_pay_money",
    *ctdc.PERPETRATOR_ROLE.fields,
)
KNOWLEDGE_SETS: dict[str, tuple[str, ...]] = {
    "demographics": DEMOGRAPHIC_FIELDS,
    "exploitation": DEMOGRAPHIC_FIELDS + EXPLOITATION_FIELDS,
    "perpetrators": DEMOGRAPHIC_FIELDS + EXPLOITATION_FIELDS + PERPETRATOR_FIELDS,
}

_COMMON_COLUMNS = {
    "gender": "gender",
    "age_broad": "ageBroad",
    "majority_status": "majorityStatus",
    "citizenship": "citizenship",
    "country_of_exploitation": "CountryOfExploitation",
    **{flag.field: flag.term for flag in ctdc.ALL_FLAGS},
    **{flag.field: flag.term for flag in ctdc.OTHER_FLAGS},
}
# Harmonised field -> the column that carries it in each format's file.
_FIELD_COLUMNS: dict[str, dict[str, str]] = {
    "ctdc-global": {
        **_COMMON_COLUMNS,
        "year_of_registration": "yearOfRegistration",
        "majority_status_at_exploit": "majorityStatusAtExploit",
        "majority_entry": "majorityEntry",
    },
    "ctdc-synthetic": {
        **_COMMON_COLUMNS,
        "year_of_registration": "yearOfRegistration",
        "traffick_months": "traffickMonths",
    },
    "ctdc-vp": {
        **_COMMON_COLUMNS,
        "registration_period": "yearRegister",
        "citizenship_region": "UN_COO_Region",
        "exploitation_region": "UN_COE_Region",
        "ip_gender": "IP_Gender",
        "ip_age_broad": "IP_ageBroad",
        "ip_citizen_region": "IP_citizen_UNRegion",
        "ip_relation": "IP_Relation",
        "ip_pay_money": "IP_PayMoney",
    },
}


def column_of(data_format: str, field: str) -> str | None:
    """The column of ``data_format``'s file that carries ``field`` (None: the format does not release it)."""
    column = _FIELD_COLUMNS[data_format].get(field)
    return column if column in ctdc.FORMATS[data_format].columns else None


def default_quasi_identifiers(data_format: str) -> tuple[str, ...]:
    """Every released field that describes the person, the exploitation or the perpetrators."""
    return tuple(f for f in KNOWLEDGE_SETS["perpetrators"] if column_of(data_format, f))


def smallest_class_in_file(rows: Sequence[Mapping[str, str]], columns: Sequence[str]) -> int:
    """k of the released file itself over ``columns``: what pyCANON or any reader finds."""
    if not rows:
        return 0
    classes = Counter(tuple(row[column] for column in columns) for row in rows)
    return min(classes.values())


# Formats whose column set a synthesiser can handle (the 63-column Global Dataset is written in the
# 27-column synthetic coding instead, as CTDC itself did when it moved to synthetic data).
SYNTHESIS_FORMAT = {"ctdc-global": "ctdc-synthetic", "ctdc-synthetic": "ctdc-synthetic", "ctdc-vp": "ctdc-vp"}

ONE_WAY_DIMENSIONS: tuple[str, ...] = (
    "year_of_registration",
    "registration_period",
    "gender",
    "age_broad",
    "majority_status",
    "citizenship_region",
    "citizenship",
    "exploitation_region",
    "country_of_exploitation",
)
GROUP_DIMENSIONS: tuple[str, ...] = (
    "type_of_exploit",
    "means_of_control",
    "means_merged",
    "type_of_labour",
    "type_of_sex",
    "recruiter_relation",
    "perpetrator_role",
)


@dataclass
class BuiltRelease:
    content: str
    report: dict[str, Any]
    parameters: dict[str, Any]
    record_count: int
    data_format: str
    epsilon: float | None = None
    # k-anonymised microdata: each released record (before generalisation) with its written row, for
    # the disclosure audit of later publications (trafficking/ledger.py).
    released: list[tuple[Mapping[str, Any], Mapping[str, str]]] | None = None


def release_format(records: QuerySet[AnalyticRecord], requested: str = "") -> str:
    """The CTDC format to write: the one asked for, else the one the records came in (cases and mixed
    sources use the Global Dataset's coding, the most detailed)."""
    if requested:
        if requested not in ctdc.FORMATS:
            raise ValueError(f"unknown format {requested!r}")
        return requested
    formats = set(records.order_by().values_list("source__data_format", flat=True).distinct())
    if len(formats) == 1 and next(iter(formats)) in ctdc.FORMATS:
        return str(next(iter(formats)))
    return "ctdc-global"


def record_dicts(records: QuerySet[AnalyticRecord]) -> list[dict[str, Any]]:
    """Each record's harmonised fields, with its id and source (for the disclosure audit's basis)."""
    return list(records.order_by("pk").values("pk", "source_id", *ctdc.FIELDS))


def formula_like(value: str) -> bool:
    """Would a spreadsheet read this cell as a formula? CTDC's own codes ("-99", "0--8") never are."""
    if not value:
        return False
    if value[0] in "=+@\t\r":
        return True
    return value[0] == "-" and not value[1:].isdigit()


def _csv(columns: Sequence[str], rows: Sequence[Mapping[str, str]]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(columns), lineterminator="\n")
    writer.writeheader()
    for row in rows:
        if any(formula_like(value) for value in row.values()):
            raise ValueError("a released value looks like a spreadsheet formula")
        writer.writerow(row)
    return buffer.getvalue()


def build_k_anonymised(
    records: Sequence[Mapping[str, Any]],
    *,
    data_format: str,
    countries: CountryIndex,
    k: int = 11,
    quasi_identifiers: Sequence[str] | None = None,
    search: bool = False,
    max_suppression: float = 1.0,
) -> BuiltRelease:
    qis = tuple(quasi_identifiers or default_quasi_identifiers(data_format))
    unreleased = [qi for qi in qis if not column_of(data_format, qi)]
    if unreleased:
        raise ValueError(f"the {data_format} format does not release {', '.join(unreleased)}")
    hierarchies = dict(kanon.ctdc_hierarchies(countries.region_of()))
    for qi in qis:
        # Flags and perpetrator sets are kept or the record suppressed; generalising them one by one
        # would make the lattice astronomically large.
        hierarchies.setdefault(qi, kanon.Hierarchy(qi, ("Value",), (kanon.keep,)))
    released, report = kanon.k_anonymise(
        records,
        quasi_identifiers=qis,
        k=k,
        hierarchies=hierarchies,
        search=search,
        max_suppression=max_suppression,
    )
    writer = ctdc.FORMATS[data_format].writer
    rows = [writer(record, countries.iso2_for) for record in released]
    # The report speaks of the file as written: two harmonised values may share a coding (blank for
    # "no" and "not recorded" in the VP file), so classes are counted on the written columns.
    qi_columns = [column_of(data_format, qi) or qi for qi in qis]
    summary = report.as_dict()
    summary["quasi_identifier_columns"] = qi_columns
    summary["smallest_class"] = smallest_class_in_file(rows, qi_columns)
    summary["classes"] = len({tuple(row[c] for c in qi_columns) for row in rows})
    summary["k_by_knowledge"] = {
        name: smallest_class_in_file(rows, [c for f in fields if (c := column_of(data_format, f))])
        for name, fields in KNOWLEDGE_SETS.items()
    }
    return BuiltRelease(
        content=_csv(ctdc.FORMATS[data_format].columns, rows),
        report=summary,
        parameters={
            "k": k,
            "quasi_identifiers": list(qis),
            "search": search,
            "max_suppression": max_suppression,
            "format": data_format,
        },
        record_count=len(rows),
        data_format=data_format,
        released=[
            (record.original if isinstance(record, kanon.Released) else record, row)
            for record, row in zip(released, rows, strict=True)
        ],
    )


def build_synthetic(
    records: Sequence[Mapping[str, Any]],
    *,
    data_format: str,
    countries: CountryIndex,
    epsilon: float = 4.0,
    reporting_length: int = 3,
) -> BuiltRelease:
    target = SYNTHESIS_FORMAT[data_format]
    columns = ctdc.FORMATS[target].columns
    writer = ctdc.FORMATS[target].writer
    coded = [writer(record, countries.iso2_for) for record in records]
    table = [list(columns), *([row[column] for column in columns] for row in coded)]
    result = dpsynth.synthesise(table, epsilon=epsilon, reporting_length=reporting_length)
    report = dpsynth.fidelity_report(result.header, table[1:], result.rows, reporting_length)
    report["seconds"] = round(result.seconds, 3)
    synthetic = [dict(zip(result.header, row, strict=True)) for row in result.rows]
    return BuiltRelease(
        content=_csv(result.header, synthetic),
        report=report,
        parameters={**result.parameters, "format": target},
        record_count=len(synthetic),
        data_format=target,
        epsilon=epsilon,
    )


class SourceChoiceNeeded(ValueError):
    """Several sources are loaded and none was chosen: a release or table never mixes them silently."""


def describe_sources(sources: Sequence[AnalyticSource]) -> str:
    return "; ".join(
        f"{source.pk}: {source} ({source.data_format}, {'public' if source.is_public else 'not public'})"
        for source in sources
    )


def choose_sources(
    records: QuerySet[AnalyticRecord],
    wanted: Sequence[int] | None,
    summary: QuerySet[AnalyticCount] | None = None,
) -> tuple[QuerySet[AnalyticRecord], list[AnalyticSource]]:
    """The records of the chosen sources. Without a choice there must be exactly one source; several
    are combined only when asked for by name (the choice is recorded in the release). ``summary``: the
    summary rows of ``records``, which say which sources there are without scanning the records."""
    holding = summary.filter(count__gt=0) if summary is not None else records
    available = list(AnalyticSource.objects.filter(pk__in=holding.values("source_id")).order_by("pk"))
    if wanted:
        ids = {int(pk) for pk in wanted}
        chosen = [source for source in available if source.pk in ids]
        unknown = sorted(ids - {source.pk for source in chosen})
        if unknown:
            raise SourceChoiceNeeded(
                f"no records from source {', '.join(map(str, unknown))}; "
                f"the sources are {describe_sources(available) or 'none'}"
            )
    elif len(available) > 1:
        raise SourceChoiceNeeded(
            f"several sources are loaded ({describe_sources(available)}): choose one, "
            "or name several to combine them"
        )
    else:
        chosen = available
    return records.filter(source_id__in=[source.pk for source in chosen]), chosen


@dataclass
class PublicCounts:
    """Counts of a set of records per published cell (of the public ones: what anyone can subtract)."""

    persons: int
    one_way: dict[str, dict[Any, int]]
    groups: dict[str, dict[str, int]]  # with "__denominator__"


# The records to count: their summary rows (AnalyticCount, kept up to date on every write; what the
# product uses) or the records themselves (a scan, the reference the summary is tested against).
Counted = QuerySet[AnalyticRecord] | QuerySet[AnalyticCount]


def public_counts(records: Counted | None) -> PublicCounts | None:
    from migdev.trafficking.selectors import counts_by_each, groups_counts, summary_tallies

    if records is None:
        return None
    if records.model is AnalyticCount:
        rows = cast("QuerySet[AnalyticCount]", records)
        persons, one_way, groups = summary_tallies(rows, ONE_WAY_DIMENSIONS, GROUP_DIMENSIONS)
        return PublicCounts(persons=persons, one_way=one_way, groups=groups)
    scanned = cast("QuerySet[AnalyticRecord]", records)
    return PublicCounts(
        persons=scanned.count(),
        one_way=counts_by_each(scanned, list(ONE_WAY_DIMENSIONS)),
        groups=groups_counts(scanned, list(GROUP_DIMENSIONS)),
    )


def build_aggregates(
    records: Counted | PublicCounts,
    *,
    threshold: int = aggregates.DEFAULT_THRESHOLD,
    public_records: Counted | None = None,
    known: Mapping[str, Sequence[aggregates.Derived]] | None = None,
) -> BuiltRelease:
    """Every dashboard table, from the database, with small cells suppressed.

    ``records``: their summary rows, the records themselves, or their counts already made (see
    :data:`Counted`); ``public_records``: the part of ``records`` anyone can count from a public file
    (None: nothing is public, every record is protected); ``known``: per table, what earlier
    publications of the same non-public sources gave away (from the ledger). Raises
    :class:`aggregates.Unprotectable` when the non-public records are too few to publish at all.
    """
    counted = records if isinstance(records, PublicCounts) else public_counts(records)
    assert counted is not None
    return tables_of(counted, threshold=threshold, public=public_counts(public_records), known=known)


def tables_of(
    counted: PublicCounts,
    *,
    threshold: int = aggregates.DEFAULT_THRESHOLD,
    public: PublicCounts | None = None,
    known: Mapping[str, Sequence[aggregates.Derived]] | None = None,
) -> BuiltRelease:
    """The published tables from counts already made: suppression only, no database."""
    persons = counted.persons
    public_persons = public.persons if public else 0
    non_public = persons - public_persons
    if 0 < non_public < threshold:
        raise aggregates.Unprotectable(
            f"only {non_public} non-public records: fewer than {threshold}, so subtracting the public "
            "counts would reveal them"
        )
    everything_public = public is not None and non_public == 0
    known = known or {}
    earlier_totals = {d["total"] for entries in known.values() for d in entries if d.get("total") is not None}
    for earlier in sorted(earlier_totals):
        if 0 < abs(non_public - earlier) < threshold:
            raise aggregates.Unprotectable(
                f"the non-public records differ from an earlier publication by {abs(non_public - earlier)}, "
                f"fewer than {threshold}; wait until more have changed"
            )
    tables = []
    one_way = counted.one_way
    for dimension in ONE_WAY_DIMENSIONS:
        counts = one_way[dimension]
        if set(counts) <= {None}:
            continue  # nothing recorded in this dimension
        table = aggregates.suppress_one_way(
            counts,
            dimension=dimension,
            threshold=threshold,
            public=None if everything_public else (public.one_way[dimension] if public else {}),
            public_total=public_persons,
            known=known.get(dimension, ()),
        )
        tables.append(table.as_dict())
    all_groups = counted.groups
    for name in GROUP_DIMENSIONS:
        counts = dict(all_groups[name])
        denominator = counts.pop("__denominator__")
        if denominator == 0:
            continue
        public_group = dict(public.groups[name]) if public else {}
        public_denominator = public_group.pop("__denominator__", 0)
        group_table = aggregates.suppress_group(
            counts,
            dimension=name,
            denominator=denominator,
            persons=persons,
            threshold=threshold,
            public=None if everything_public else public_group,
            public_denominator=public_denominator,
            public_total=public_persons,
            known=known.get(name, ()),
        )
        tables.append(group_table.as_dict())
    problems = aggregates.check_no_small_cells(tables, threshold)
    if problems:  # a bug in suppression must never reach a release
        raise AssertionError(problems)
    hidden: Counter[str] = Counter()
    for table_dict in tables:
        for cell in table_dict["cells"]:
            if cell["suppressed"]:
                hidden[cell["suppressed"]] += int(cell.get("hidden_cells", 1))
    content = json.dumps(
        {"threshold": threshold, "persons": persons if persons >= threshold else None, "tables": tables}
    )
    return BuiltRelease(
        content=content,
        report={
            "tables": len(tables),
            "cells": sum(len(table["cells"]) for table in tables),
            "suppressed_cells": sum(hidden.values()),
            "primary_suppressed": hidden["primary"],
            "secondary_suppressed": hidden["secondary"],
            "non_public_records": non_public,
        },
        parameters={"threshold": threshold},
        record_count=sum(len(table["cells"]) for table in tables),
        data_format="aggregates",
    )


class StatisticsRefused(ValueError):
    """A statistics request that cannot be answered as asked (the message says why and what to ask)."""


def statistics_for(
    records: QuerySet[AnalyticRecord],
    threshold: int,
    source: int | None,
    summary: QuerySet[AnalyticCount] | None = None,
) -> dict[str, Any]:
    """The tables an analyst sees (page and API): one source, small cells suppressed like a release.
    ``summary``: the summary rows of ``records`` (the same scope), counted instead of the records."""
    if threshold < aggregates.MINIMUM_THRESHOLD:
        raise StatisticsRefused(
            f"The threshold {threshold} is below this platform's minimum of {aggregates.MINIMUM_THRESHOLD}; "
            f"ask for {aggregates.MINIMUM_THRESHOLD} or more."
        )
    try:
        records, sources = choose_sources(records, [source] if source else None, summary)
    except SourceChoiceNeeded as error:
        raise StatisticsRefused(f"Choose a source with ?source=ID: {error}.") from None
    content: dict[str, Any] = {"threshold": threshold, "persons": 0, "tables": []}
    counted = public_counts(
        records if summary is None else summary.filter(source_id__in=[item.pk for item in sources])
    )
    if counted is not None and counted.persons:
        try:
            content = json.loads(tables_of(counted, threshold=threshold).content)
        except aggregates.Unprotectable:
            content = {"threshold": threshold, "persons": None, "tables": []}  # too few to show anything
    content["sources"] = [item.summary() for item in sources]
    return content


def derived_of(content: Mapping[str, Any], public: PublicCounts | None) -> dict[str, aggregates.Derived]:
    """Per table, what anyone can derive about the non-public records from published ``content``."""
    result = {}
    for table in content["tables"]:
        dimension = table["dimension"]
        if public is None:
            cells: dict[str, int] = {}
            denominator = 0
        elif dimension in public.groups:
            group = dict(public.groups[dimension])
            denominator = group.pop("__denominator__", 0)
            cells = {aggregates.key_of(value): count for value, count in group.items()}
        else:
            cells = {aggregates.key_of(v): n for v, n in public.one_way.get(dimension, {}).items()}
            denominator = 0
        result[dimension] = aggregates.derive(table, cells, public.persons if public else 0, denominator)
    return result


def disclosure_problems(
    content: Mapping[str, Any],
    public: PublicCounts | None,
    known: Mapping[str, Sequence[aggregates.Derived]],
    *,
    non_public_records: int,
) -> list[str]:
    """Every small count of non-public records a published table would give away, alone, by
    subtracting public counts, or by subtracting earlier publications (the check before approval)."""
    threshold = int(content["threshold"])
    problems = aggregates.check_no_small_cells(list(content["tables"]), threshold)
    if non_public_records == 0:
        return problems
    if 0 < non_public_records < threshold:
        problems.append(f"only {non_public_records} non-public records")
    for dimension, derived in derived_of(content, public).items():
        for kind, key, count in aggregates.problems_of(derived, threshold, known.get(dimension, ())):
            problems.append(f"{dimension} {kind} {key}: {count} non-public records can be derived")
    return problems
