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
from typing import Any

from django.db.models import QuerySet

from migdev.trafficking import aggregates, ctdc, dpsynth, kanon
from migdev.trafficking.countries import CountryIndex
from migdev.trafficking.models import AnalyticRecord

# Quasi-identifiers CTDC treated as such, per format: what an attacker may know about a person.
DEFAULT_QUASI_IDENTIFIERS: dict[str, tuple[str, ...]] = {
    "ctdc-global": ("year_of_registration", "gender", "age_broad", "citizenship", "country_of_exploitation"),
    "ctdc-synthetic": (
        "year_of_registration",
        "gender",
        "age_broad",
        "citizenship",
        "country_of_exploitation",
    ),
    "ctdc-vp": (
        "registration_period",
        "gender",
        "majority_status",
        "citizenship_region",
        "exploitation_region",
    ),
}
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
    return list(records.order_by("pk").values(*ctdc.FIELDS))


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
    qis = tuple(quasi_identifiers or DEFAULT_QUASI_IDENTIFIERS[data_format])
    released, report = kanon.k_anonymise(
        records,
        quasi_identifiers=qis,
        k=k,
        hierarchies=kanon.ctdc_hierarchies(countries.region_of()),
        search=search,
        max_suppression=max_suppression,
    )
    writer = ctdc.FORMATS[data_format].writer
    rows = [writer(record, countries.iso2_for) for record in released]
    return BuiltRelease(
        content=_csv(ctdc.FORMATS[data_format].columns, rows),
        report=report.as_dict(),
        parameters={
            "k": k,
            "quasi_identifiers": list(qis),
            "search": search,
            "max_suppression": max_suppression,
            "format": data_format,
        },
        record_count=len(rows),
        data_format=data_format,
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


def build_aggregates(
    records: QuerySet[AnalyticRecord], *, threshold: int = aggregates.DEFAULT_THRESHOLD
) -> BuiltRelease:
    """Every dashboard table, from the database, with small cells suppressed."""
    from migdev.trafficking.selectors import counts_by_each, groups_counts

    persons = records.count()
    tables = []
    one_way = counts_by_each(records, list(ONE_WAY_DIMENSIONS))
    for dimension in ONE_WAY_DIMENSIONS:
        counts = one_way[dimension]
        if set(counts) <= {None}:
            continue  # nothing recorded in this dimension
        tables.append(aggregates.suppress_one_way(counts, dimension=dimension, threshold=threshold).as_dict())
    all_groups = groups_counts(records, list(GROUP_DIMENSIONS))
    for name in GROUP_DIMENSIONS:
        counts = all_groups[name]
        denominator = counts.pop("__denominator__")
        if denominator == 0:
            continue
        table = aggregates.suppress_group(
            counts, dimension=name, denominator=denominator, persons=persons, threshold=threshold
        )
        tables.append(table.as_dict())
    problems = aggregates.check_no_small_cells(tables, threshold)
    if problems:  # a bug in suppression must never reach a release
        raise AssertionError(problems)
    hidden = Counter(cell["suppressed"] for table in tables for cell in table["cells"] if cell["suppressed"])
    content = json.dumps(
        {"threshold": threshold, "persons": persons if persons >= threshold else None, "tables": tables}
    )
    return BuiltRelease(
        content=content,
        report={
            "tables": len(tables),
            "cells": sum(len(table["cells"]) for table in tables),
            "primary_suppressed": hidden["primary"],
            "secondary_suppressed": hidden["secondary"],
        },
        parameters={"threshold": threshold},
        record_count=sum(len(table["cells"]) for table in tables),
        data_format="aggregates",
    )
