"""Writes: the catalogue, loading parsed files into observations, plans and governance records."""

from __future__ import annotations

import contextlib
import contextvars
import queue
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from itertools import islice
from typing import Any

from django.apps import apps as global_apps
from django.apps.registry import Apps
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.db.models import Count, Max, Min, Q
from django.http import HttpRequest
from django.utils import timezone, translation

from migdev.audit.models import AuditAction
from migdev.audit.services import audit_log
from migdev.core.versioning import claim_version
from migdev.dataio.registry import Changes
from migdev.indicators import catalogue
from migdev.indicators.areas import country_codes
from migdev.indicators.cache import bump_data_version
from migdev.indicators.models import (
    TOTAL,
    AggregateArea,
    DevelopmentPlan,
    Edition,
    GovernanceAssessment,
    Indicator,
    Observation,
    PlanGoal,
    PlanTarget,
    PolicyDomainScore,
    SdgIndicator,
    Series,
    SeriesCoverage,
    Source,
)
from migdev.indicators.parsers.base import ParsedFile, ParsedObservation, ParseIssue
from migdev.indicators.parsers.others import SeriesConstraint

BATCH_SIZE = 5000


class ObservationsRejected(Exception):
    """The whole file is refused; ``issues`` name file, row, column and reason."""

    def __init__(self, issues: list[ParseIssue]):
        super().__init__(f"{len(issues)} problem(s); first: {issues[0] if issues else ''}")
        self.issues = issues


@dataclass(frozen=True)
class LoadOutcome:
    edition: str
    read: int
    created: int
    updated: int
    deleted: int
    rejected: int = 0


def catalogue_install(*, registry: Apps | None = None) -> None:
    """Create or update the built-in sources, series, SDG indicators and indicators (idempotent)."""
    registry = registry or global_apps
    source_model = registry.get_model("indicators", "Source")
    series_model = registry.get_model("indicators", "Series")
    edition_model = registry.get_model("indicators", "Edition")
    sdg_model = registry.get_model("indicators", "SdgIndicator")
    indicator_model = registry.get_model("indicators", "Indicator")
    for source in catalogue.SOURCES:
        source_model.objects.update_or_create(
            code=source.code,
            defaults={
                "name": source.name,
                "publisher": source.publisher,
                "url": source.url,
                "licence": source.licence,
                "citation": source.citation,
            },
        )
    for series in catalogue.SERIES:
        series_model.objects.update_or_create(
            code=series.code,
            defaults={
                "name": series.name,
                "unit": series.unit,
                "description": series.description,
                "additive": series.additive,
                "counterpart_role": series.counterpart_role,
            },
        )
    for edition in catalogue.EDITIONS:
        edition_model.objects.get_or_create(
            code=edition.code,
            defaults={
                "source": source_model.objects.get(code=edition.source),
                "title": edition.title,
                "published": edition.published,
                "kind": edition.kind,
                "notes": edition.notes,
            },
        )
    for position, sdg in enumerate(catalogue.SDG_INDICATORS):
        sdg_model.objects.update_or_create(
            code=sdg.code,
            defaults={
                "title": sdg.title,
                "target": sdg.target,
                "series_codes": sdg.series_codes,
                "unit_measure": sdg.unit_measure,
                "custodian": sdg.custodian,
                "method": sdg.method,
                "threshold": sdg.threshold,
                "threshold_text": sdg.threshold_text,
                "breakdowns": "; ".join(f"{k}: {v}" for k, v in sdg.breakdowns.items()),
                "sort_key": f"{position:03d}",
            },
        )
    series_by_code = {series.code: series for series in series_model.objects.all()}
    # Migrations before 0006 run this with a historical model that lacks the field.
    fields = {field.name for field in indicator_model._meta.get_fields()}
    for spec in catalogue.INDICATORS:
        later: dict[str, Any] = {}
        if "denominator_adds_numerator" in fields:
            later["denominator_adds_numerator"] = spec.denominator_adds_numerator
        indicator_model.objects.update_or_create(
            code=spec.code,
            defaults={
                **later,
                "name": spec.name,
                "short_name": spec.short_name,
                "definition": spec.definition,
                "theme": spec.theme,
                "sdg_indicator": sdg_model.objects.get(code=spec.sdg) if spec.sdg else None,
                "numerator_series": series_by_code[spec.numerator_series],
                "numerator_description": spec.numerator_description,
                "numerator_sex": spec.numerator_sex,
                "numerator_area_role": spec.numerator_area_role,
                "numerator_counterpart": spec.numerator_counterpart,
                "denominator_series": series_by_code[spec.denominator_series]
                if spec.denominator_series
                else None,
                "denominator_description": spec.denominator_description,
                "denominator_sex": spec.denominator_sex,
                "factor": spec.factor,
                "unit_label": spec.unit_label,
                "decimals": spec.decimals,
                "display_mult": spec.display_mult,
                "higher_is_better": spec.higher_is_better,
                "sort_order": spec.sort_order,
            },
        )


def _edition_for(parsed: ParsedFile, file_name: str, file_sha256: str, *, whole_file: bool) -> Edition:
    """The edition the file loads into, created when new. Its checksum names the file only when that file
    is the whole edition (a new edition, or a whole-file format replacing it): a partial file loaded into
    an existing edition must not make the checksum describe data it does not hold."""
    info = parsed.edition
    source = Source.objects.filter(code=info.source).first()
    if source is None:
        raise ObservationsRejected([ParseIssue(file_name, 0, "", f"unknown source {info.source!r}")])
    edition, created = Edition.objects.get_or_create(
        code=info.code,
        defaults={
            "source": source,
            "title": info.title,
            "published": info.published,
            "kind": info.kind,
            "notes": info.notes,
        },
    )
    if not created and edition.source_id != source.id:
        raise ObservationsRejected(
            [ParseIssue(file_name, 0, "", f"edition {info.code!r} belongs to another source")]
        )
    edition.loaded_at = timezone.now()
    if created or whole_file:
        edition.file_sha256 = file_sha256
    edition.save(update_fields=["loaded_at", "file_sha256"])
    return edition


def _batches(items: Iterable[Any], size: int) -> Iterator[list[Any]]:
    iterator = iter(items)
    while batch := list(islice(iterator, size)):
        yield batch


COLUMNS = (
    "series_id",
    "edition_id",
    "area",
    "is_aggregate",
    "counterpart",
    "period",
    "year",
    "sex",
    "age",
    "migratory_status",
    "value",
    "unit_mult",
    "status",
    "footnote",
)


def _row(observation: ParsedObservation, series_id: int, edition_id: int) -> tuple[Any, ...]:
    return (
        series_id,
        edition_id,
        observation.area,
        observation.is_aggregate,
        observation.counterpart,
        observation.period,
        observation.year,
        observation.sex,
        observation.age,
        observation.migratory_status,
        observation.value,
        observation.unit_mult,
        observation.status,
        observation.footnote,
    )


def _insert(rows: Iterable[tuple[Any, ...]]) -> int:
    """Insert observation rows: PostgreSQL COPY where available, bulk INSERT elsewhere."""
    count = 0
    if connection.vendor == "postgresql":
        table = Observation._meta.db_table
        with connection.cursor() as cursor:
            raw = cursor.cursor  # psycopg 3 cursor underneath Django's wrapper
            with raw.copy(f"COPY {table} ({', '.join(COLUMNS)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
                    count += 1
        return count
    # Plain parameter rows, not model instances: the write holds SQLite's lock, so it must be quick.
    table = connection.ops.quote_name(Observation._meta.db_table)
    statement = f"INSERT INTO {table} ({', '.join(COLUMNS)}) VALUES ({', '.join(['%s'] * len(COLUMNS))})"  # noqa: S608 - constant names; values are parameters
    with connection.cursor() as cursor:
        for batch in _batches(rows, BATCH_SIZE):
            cursor.executemany(statement, batch)
            count += len(batch)
    return count


def observations_import(
    *,
    parsed: ParsedFile,
    file_name: str,
    file_sha256: str = "",
    replace: bool = True,
    confirm: Callable[[Changes], None] | None = None,
) -> LoadOutcome:
    """Store a parsed file as one edition's observations, all or nothing.

    ``replace=True`` (a whole published file): the edition's values for the series in the file are
    replaced, so values the publisher withdrew disappear. ``replace=False`` (a partial long CSV): values
    are inserted or updated by key and nothing else is touched. ``confirm`` is shown what the load would
    change in an existing edition before anything is written, and raises to stop it.
    """
    write = observations_prepare(
        parsed=parsed, file_name=file_name, file_sha256=file_sha256, replace=replace, confirm=confirm
    )
    with transaction.atomic():
        return write()


def observations_prepare(
    *,
    parsed: ParsedFile,
    file_name: str,
    file_sha256: str = "",
    replace: bool = True,
    confirm: Callable[[Changes], None] | None = None,
) -> Callable[[], LoadOutcome]:
    """Read and check the whole file now, outside any transaction; return the write, to be run inside one.

    Off PostgreSQL the observations are held in memory (within the readers' limits), validated here and
    staged in a temporary table, which takes no lock on the main database. On PostgreSQL a streamed file
    (the long CSV) is copied into a temporary table inside the write: readers never wait for it there, and
    memory stays flat however large the file is. Either way the write compares the staged rows with the
    stored edition in SQL (:func:`_merge_staged`), shows ``confirm`` what would change and then deletes,
    updates and inserts only the values that differ, all in the caller's transaction.
    """
    series_ids = dict(Series.objects.values_list("code", "id"))
    streaming = connection.vendor == "postgresql"
    plan = None if streaming else _prepare_in_memory(parsed, file_name, series_ids)

    def write() -> LoadOutcome:
        edition = _edition_for(parsed, file_name, file_sha256, whole_file=replace)
        tally = None
        if plan is None:
            touched, created, updated, deleted, tally = _store_streaming(
                parsed, file_name, series_ids, edition, replace, confirm
            )
        else:
            touched, created, updated, deleted = _write_in_memory(plan, edition, replace, confirm)
        for code, name in parsed.aggregate_names.items():
            AggregateArea.objects.update_or_create(
                code=code, defaults={"name": name, "classification": parsed.edition.source}
            )
        coverage_refresh(edition=edition, series_ids=touched, tally=tally)
        bump_data_version()
        return LoadOutcome(
            edition=edition.code,
            read=parsed.rows_read,
            created=created,
            updated=updated,
            deleted=max(deleted, 0),
        )

    return write


@dataclass
class _InMemoryPlan:
    rows: list[tuple[Any, ...]]
    touched: set[int]
    staged: bool = False


def _key_text(key: tuple[Any, ...], series_codes: dict[int, str]) -> str:
    series_id, area, counterpart, period, sex, age, migratory = key
    parts = [series_codes.get(series_id, str(series_id)), area, period]
    parts += [
        f"{name}={value}"
        for name, value in (
            ("counterpart", counterpart),
            ("sex", sex),
            ("age", age),
            ("migratory_status", migratory),
        )
        if value != TOTAL
    ]
    return " ".join(parts)


EXAMPLES_SHOWN = 5


def _prepare_in_memory(parsed: ParsedFile, file_name: str, series_ids: dict[str, int]) -> _InMemoryPlan:
    if parsed.rows is not None:
        rows = _checked_rows(parsed, file_name, series_ids)
    else:
        rows = _checked_observations(parsed, file_name, series_ids)
    if not rows:
        # Rows that all carry nothing to store (aggregates the format skips, say) must not create or
        # touch an edition: its metadata would then describe data it does not hold.
        _reject([ParseIssue(file_name, 0, "", "the file holds no values to load")])
    plan = _InMemoryPlan(rows=rows, touched={row[0] for row in rows})
    if connection.vendor == "sqlite" and not connection.in_atomic_block:
        _stage(plan)
    return plan


def _checked_observations(
    parsed: ParsedFile, file_name: str, series_ids: dict[str, int]
) -> list[tuple[Any, ...]]:
    observations = list(parsed.iter_observations())
    parsed.observations, parsed.stream, parsed.rows = observations, None, None
    issues = list(parsed.issues) + parsed.duplicate_issues(file_name)
    unknown: dict[str, ParsedObservation] = {}
    for observation in observations:
        if observation.series not in series_ids and observation.series not in unknown:
            unknown[observation.series] = observation
    issues += [_unknown_series_issue(file_name, first) for first in unknown.values()]
    _reject(issues)
    # Rows without the edition id, which exists only once the write has begun.
    return [_row(o, series_ids[o.series], 0) for o in observations]


def _checked_rows(parsed: ParsedFile, file_name: str, series_ids: dict[str, int]) -> list[tuple[Any, ...]]:
    """The same checks and rows straight from a parser's plain row tuples: no object per row."""
    assert parsed.rows is not None
    column = parsed.rows_column
    rows: list[tuple[Any, ...]] = []
    first_row: dict[tuple[Any, ...], int] = {}
    issues: list[ParseIssue] = []
    unknown: set[str] = set()
    for (
        row,
        series,
        area,
        aggregate,
        counterpart,
        period,
        year,
        sex,
        age,
        migratory,
        value,
        mult,
        status,
        footnote,
    ) in parsed.rows:
        series_id = series_ids.get(series)
        if series_id is None:
            if series not in unknown:
                unknown.add(series)
                issues.append(ParseIssue(file_name, row, column, f"unknown series {series!r}"))
            continue
        key = (series_id, area, counterpart, period, sex, age, migratory)
        if key in first_row:
            issues.append(
                ParseIssue(
                    file_name, row, column, f"duplicate of the value in row {first_row[key]}, column {column}"
                )
            )
            continue
        first_row[key] = row
        rows.append(
            (
                series_id,
                0,
                area,
                aggregate,
                counterpart,
                period,
                year,
                sex,
                age,
                migratory,
                value,
                mult,
                status,
                footnote,
            )
        )
    parsed.rows = None
    _reject(list(parsed.issues) + issues)
    return rows


# SQLite keeps TEMP tables in a separate database per connection: filling one takes no lock on the main
# database, so the rows are staged there before the write, which then copies them in one statement.
STAGE_TABLE = "temp.indicators_observation_stage"


def _stage(plan: _InMemoryPlan) -> None:
    columns = ", ".join(COLUMNS)
    with connection.cursor() as cursor:
        if not connection.in_atomic_block:
            cursor.execute("PRAGMA temp_store")
            if cursor.fetchone()[0] != 2:
                # A temporary file refills the pages an earlier stage freed several times slower than
                # memory (a second load in one connection took 8× as long); the rows are in memory
                # already. Changing the setting drops the connection's temporary tables: the stage is
                # the only one.
                cursor.execute("PRAGMA temp_store = MEMORY")
        cursor.execute(f"DROP TABLE IF EXISTS {STAGE_TABLE}")
        cursor.execute(
            f"CREATE TABLE {STAGE_TABLE} AS SELECT {columns} FROM {Observation._meta.db_table} WHERE 0"  # noqa: S608 - constant names
        )
        statement = f"INSERT INTO {STAGE_TABLE} ({columns}) VALUES ({', '.join(['%s'] * len(COLUMNS))})"  # noqa: S608 - constant names; values are parameters
        for batch in _batches(plan.rows, BATCH_SIZE):
            cursor.executemany(statement, batch)
        # The stored rows the file no longer holds are found by probing the stage by key.
        cursor.execute(
            f"CREATE UNIQUE INDEX {STAGE_TABLE}_key ON {STAGE_TABLE.split('.')[1]} ({', '.join(KEY_COLUMNS)})"
        )
    plan.staged = True


def _write_in_memory(
    plan: _InMemoryPlan, edition: Edition, replace: bool, confirm: Callable[[Changes], None] | None
) -> tuple[set[int], int, int, int]:
    if not plan.staged:  # prepared inside a transaction: staged now, in the same one
        _stage(plan)
    with connection.cursor() as cursor:
        created, updated, deleted = _merge_staged(
            cursor, STAGE_TABLE, "rowid", edition, plan.touched, len(plan.rows), replace, confirm
        )
        cursor.execute(f"DROP TABLE {STAGE_TABLE}")
    plan.staged = False
    return plan.touched, created, updated, deleted


# Columns a load may change in a stored value (the key columns identify it).
VALUE_COLUMNS = ("is_aggregate", "year", "value", "unit_mult", "status", "footnote")


class EditionChangedDuringLoad(RuntimeError):
    """The edition's stored values changed between the diff and the write: nothing is saved."""


def _merge_staged(
    cursor: Any,
    stage: str,
    order_column: str,
    edition: Edition,
    touched: set[int],
    incoming: int,
    replace: bool,
    confirm: Callable[[Changes], None] | None,
) -> tuple[int, int, int]:
    """Compare the staged rows (``incoming`` of them, validated, one per key) with the edition's stored
    values in SQL, show ``confirm`` the diff, then write only what differs: delete the stored values the
    file no longer holds (``replace``), update the matched ones whose values changed, insert the new keys.

    The diff and the three writes use the same key join (the stored table's unique key), so what is
    recorded is what was written; the statements' row counts are checked against it. Returns (created,
    updated, deleted) as the loads have always counted them: updated is every matched key.
    """
    table = Observation._meta.db_table
    sqlite = connection.vendor == "sqlite"
    distinct = "IS NOT" if sqlite else "IS DISTINCT FROM"
    match = " AND ".join(f"o.{name} = s.{name}" for name in KEY_COLUMNS)
    series = sorted(touched)
    in_series = f"series_id IN ({', '.join(['%s'] * len(series))})"
    # What the diff counts as a changed value (a footnote-only change is written but not counted).
    value_differs = f"(o.value {distinct} s.value OR o.status <> s.status)"
    any_differs = " OR ".join(
        f"o.{name} {distinct} s.{name}" if name == "value" else f"o.{name} <> s.{name}"
        for name in VALUE_COLUMNS
    )
    cursor.execute(
        f"SELECT COUNT(*) FROM {table} WHERE edition_id = %s AND {in_series}",  # noqa: S608 - constant names; values are parameters
        [edition.id, *series],
    )
    existing = cursor.fetchone()[0]
    matched = changed = 0
    if existing:
        cursor.execute(
            f"SELECT COUNT(*), COALESCE(SUM(CASE WHEN {value_differs} THEN 1 ELSE 0 END), 0) "  # noqa: S608 - constant names; values are parameters
            f"FROM {stage} s JOIN {table} o ON o.edition_id = %s AND {match}",
            [edition.id],
        )
        matched, changed = cursor.fetchone()
    removed = existing - matched if replace else 0
    if confirm is not None:
        confirm(
            Changes(
                target=f"Edition {edition.code}",
                existing=existing,
                added=incoming - matched,
                changed=changed,
                removed=removed,
                examples=_change_examples(
                    cursor, stage, order_column, edition, series, value_differs, changed, removed
                ),
            )
        )
    stored_match = " AND ".join(f"{table}.{name} = s.{name}" for name in KEY_COLUMNS)
    if removed:
        cursor.execute(
            f"DELETE FROM {table} WHERE edition_id = %s AND {in_series} "  # noqa: S608 - constant names; values are parameters
            f"AND NOT EXISTS (SELECT 1 FROM {stage} s WHERE {stored_match})",
            [edition.id, *series],
        )
        _check_count("removed", cursor.rowcount, removed)
    if matched:
        assignments = ", ".join(f"{name} = s.{name}" for name in VALUE_COLUMNS)
        cursor.execute(
            f"UPDATE {table} AS o SET {assignments} FROM {stage} s "  # noqa: S608 - constant names; values are parameters
            f"WHERE o.edition_id = %s AND {match} AND ({any_differs})",
            [edition.id],
        )
    columns = ", ".join(COLUMNS)
    copied = ", ".join("%s" if name == "edition_id" else f"s.{name}" for name in COLUMNS)
    new_keys_only = ""
    if matched:
        new_keys_only = f" WHERE NOT EXISTS (SELECT 1 FROM {table} o WHERE o.edition_id = %s AND {match})"  # noqa: S608 - constant names; values are parameters
    cursor.execute(
        f"INSERT INTO {table} ({columns}) SELECT {copied} FROM {stage} s{new_keys_only}",  # noqa: S608 - constant names; values are parameters
        [edition.id, edition.id] if matched else [edition.id],
    )
    _check_count("added", cursor.rowcount, incoming - matched)
    return incoming - matched, matched, removed


def _check_count(what: str, written: int, counted: int) -> None:
    if written != counted:
        raise EditionChangedDuringLoad(
            f"the edition changed while loading: {written} values {what}, the diff counted {counted}; "
            "nothing was saved, load the file again"
        )


def _change_examples(
    cursor: Any,
    stage: str,
    order_column: str,
    edition: Edition,
    series: list[int],
    value_differs: str,
    changed: int,
    removed: int,
) -> tuple[str, ...]:
    """The first changed values in file order and the first removed ones in key order, for the confirmation.

    Both queries stop after a few rows only if they read in the order they return: the changed ones drive
    from the stage (``CROSS JOIN`` keeps SQLite from starting at the stored table and sorting all of it),
    the removed ones follow the stored table's unique key. Sorting every value took a tenth of a replace."""
    if not changed and not removed:
        return ()
    table = Observation._meta.db_table
    match = " AND ".join(f"o.{name} = s.{name}" for name in KEY_COLUMNS)
    keys = ", ".join(f"o.{name}" for name in KEY_COLUMNS)
    codes = dict(Series.objects.values_list("id", "code"))
    examples: list[str] = []
    if changed:
        cursor.execute(
            f"SELECT {keys}, o.value, s.value FROM {stage} s CROSS JOIN {table} o "  # noqa: S608 - constant names; values are parameters
            f"WHERE o.edition_id = %s AND {match} AND {value_differs} ORDER BY s.{order_column} LIMIT %s",
            [edition.id, EXAMPLES_SHOWN],
        )
        examples += [
            f"changed: {_key_text(tuple(row[:-2]), codes)}: {row[-2]} → {row[-1]}"
            for row in cursor.fetchall()
        ]
    if removed:
        cursor.execute(
            f"SELECT {keys}, o.value FROM {table} o WHERE o.edition_id = %s "  # noqa: S608 - constant names; values are parameters
            f"AND o.series_id IN ({', '.join(['%s'] * len(series))}) "
            f"AND NOT EXISTS (SELECT 1 FROM {stage} s WHERE {match}) ORDER BY o.edition_id, {keys} LIMIT %s",
            [edition.id, *series, EXAMPLES_SHOWN],
        )
        examples += [f"removed: {_key_text(tuple(row[:-1]), codes)}: {row[-1]}" for row in cursor.fetchall()]
    return tuple(examples)


def _unknown_series_issue(file_name: str, observation: ParsedObservation) -> ParseIssue:
    return ParseIssue(
        file_name, observation.row, observation.column, f"unknown series {observation.series!r}"
    )


def _reject(issues: list[ParseIssue]) -> None:
    if issues:
        raise ObservationsRejected(sorted(issues, key=lambda issue: (issue.row, issue.column)))


KEY_COLUMNS = ("series_id", "area", "counterpart", "period", "sex", "age", "migratory_status")
_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _copy_text(value: str) -> str:
    return value.translate(_COPY_ESCAPES)


def _copy_lines(
    parsed: ParsedFile,
    file_name: str,
    series_ids: dict[str, int],
    edition_id: int,
    issues: list[ParseIssue],
    *,
    with_source: bool = True,
    touched: set[int] | None = None,
    tally: CoverageTally | None = None,
) -> Iterator[str]:
    """COPY text-format lines, built directly: far cheaper than adapting each value separately.

    Codes (area, period, sex …) are checked by the parsers to hold no tab, newline or backslash, so only
    free text (the footnote, the column label) is escaped. ``tally`` counts the coverage of the rows given.
    """
    if parsed.rows is not None:
        yield from _copy_lines_from_rows(
            parsed,
            file_name,
            series_ids,
            edition_id,
            issues,
            with_source=with_source,
            touched=touched,
            tally=tally,
        )
        return
    reported: set[str] = set()
    for o in parsed.iter_observations():
        series_id = series_ids.get(o.series)
        if series_id is None:
            if o.series not in reported:
                reported.add(o.series)
                issues.append(_unknown_series_issue(file_name, o))
            continue
        value = "\\N" if o.value is None else repr(o.value)
        if touched is not None:
            touched.add(series_id)
        if tally is not None and o.value is not None:
            tally.add(series_id, o.area, o.counterpart, o.year)
        if not with_source:
            yield (
                f"{series_id}\t{edition_id}\t{o.area}\t{'t' if o.is_aggregate else 'f'}\t"
                f"{o.counterpart}\t{o.period}\t{o.year}\t{o.sex}\t{o.age}\t{o.migratory_status}\t{value}\t"
                f"{o.unit_mult}\t{o.status}\t{_copy_text(o.footnote) if o.footnote else ''}\n"
            )
            continue
        yield (
            f"{series_id}\t{edition_id}\t{o.area}\t{'t' if o.is_aggregate else 'f'}\t"
            f"{o.counterpart}\t{o.period}\t{o.year}\t{o.sex}\t{o.age}\t{o.migratory_status}\t{value}\t"
            f"{o.unit_mult}\t{o.status}\t{_copy_text(o.footnote) if o.footnote else ''}\t{o.row}\t"
            f"{_copy_text(o.column)}\n"
        )


def _copy_lines_from_rows(
    parsed: ParsedFile,
    file_name: str,
    series_ids: dict[str, int],
    edition_id: int,
    issues: list[ParseIssue],
    *,
    with_source: bool,
    touched: set[int] | None,
    tally: CoverageTally | None,
) -> Iterator[str]:
    """The same lines from a parser's plain rows, with no object per row; the text before the area (series
    and edition ids) is built once per series."""
    assert parsed.rows is not None
    column = _copy_text(parsed.rows_column)
    null = "\\N"
    heads: dict[str, str | None] = {}
    ids: dict[str, int] = {}
    for (
        row,
        series,
        area,
        aggregate,
        counterpart,
        period,
        year,
        sex,
        age,
        migratory,
        value,
        mult,
        status,
        footnote,
    ) in parsed.rows:
        head = heads.get(series, "")
        if not head:
            if head is None:
                continue
            series_id = series_ids.get(series)
            if series_id is None:
                heads[series] = None
                issues.append(ParseIssue(file_name, row, parsed.rows_column, f"unknown series {series!r}"))
                continue
            if touched is not None:
                touched.add(series_id)
            ids[series] = series_id
            head = heads[series] = f"{series_id}\t{edition_id}\t"
        if tally is not None and value is not None:
            tally.add(ids[series], area, counterpart, year)
        line = (
            f"{head}{area}\t{'t' if aggregate else 'f'}\t{counterpart}\t{period}\t{year}\t{sex}\t{age}\t"
            f"{migratory}\t{null if value is None else repr(value)}\t{mult}\t{status}\t"
            f"{_copy_text(footnote) if footnote else ''}"
        )
        yield f"{line}\t{row}\t{column}\n" if with_source else f"{line}\n"


def _write_copy(copy: Any, lines: Iterable[str]) -> int:
    buffer: list[str] = []
    count = 0
    for line in lines:
        buffer.append(line)
        if len(buffer) >= BATCH_SIZE:
            copy.write("".join(buffer))
            count += len(buffer)
            buffer.clear()
    if buffer:
        copy.write("".join(buffer))
        count += len(buffer)
    return count


def _store_direct(
    parsed: ParsedFile, file_name: str, series_ids: dict[str, int], edition: Edition
) -> tuple[set[int], int, CoverageTally] | None:
    """COPY straight into the table, for an edition that holds nothing yet (a first load), with the
    coverage counted on the way (no query reads the new rows again).

    The foreign keys are checked once per distinct value instead of once per row when the database role may
    skip the per-row triggers (:func:`_check_references_written`); otherwise each chunk's rows are checked
    by the triggers at the chunk's end. None when the file repeats a key: the caller then reads it again
    through the staging table, which names the rows at fault.
    """
    import psycopg

    table = Observation._meta.db_table
    touched: set[int] = set()
    tally = CoverageTally()
    issues: list[ParseIssue] = []
    savepoint = transaction.savepoint()
    with connection.cursor() as cursor:
        set_based = _may_skip_row_triggers(cursor)
        foreign_keys = _foreign_key_constraints(cursor, table)
        try:
            if set_based:
                # The first id the COPY can take: every row it writes has a larger one.
                cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, 'id'))", [table])
                first_id = cursor.fetchone()[0]
                cursor.execute("SELECT set_config('session_replication_role', 'replica', true)")
            else:
                cursor.execute(f"SET CONSTRAINTS {foreign_keys} IMMEDIATE")
            count = _copy_while_reading(
                cursor.cursor,
                f"COPY {table} ({', '.join(COLUMNS)}) FROM STDIN",
                _copy_lines(
                    parsed,
                    file_name,
                    series_ids,
                    edition.id,
                    issues,
                    with_source=False,
                    touched=touched,
                    tally=tally,
                ),
            )
            if set_based:
                cursor.execute("SELECT set_config('session_replication_role', 'origin', true)")
                _check_references_written(cursor, first_id)
            else:
                cursor.execute(f"SET CONSTRAINTS {foreign_keys} DEFERRED")
        except psycopg.errors.UniqueViolation:
            # Also undoes the replication role set above: a setting made inside a savepoint ends with it.
            transaction.savepoint_rollback(savepoint)
            if not set_based:
                cursor.execute(f"SET CONSTRAINTS {foreign_keys} DEFERRED")
            return None
        except BaseException:
            if set_based:  # no statement of the transaction may run with the row triggers skipped
                with contextlib.suppress(DatabaseError):  # a broken connection ends the transaction anyway
                    transaction.savepoint_rollback(savepoint)
            raise
    transaction.savepoint_commit(savepoint)
    _reject(list(parsed.issues) + issues)
    return touched, count, tally


def _may_skip_row_triggers(cursor: Any) -> bool:
    """Whether the COPY may skip the table's per-row triggers, :func:`_check_references_written` doing their
    work: the role may set ``session_replication_role`` (a superuser, or granted ``SET`` on it), and the
    table's only triggers are those of foreign keys, its own being the two that function checks. Any other
    trigger (one added later, a deferrable unique key's recheck) keeps the per-row path."""
    granted = ""
    if getattr(connection, "pg_version", 0) >= 150000:  # PostgreSQL 15 added the grant
        granted = " OR has_parameter_privilege('session_replication_role', 'SET')"
    cursor.execute(f"SELECT current_setting('is_superuser') = 'on'{granted}")
    if not cursor.fetchone()[0]:
        return False
    table = Observation._meta.db_table
    cursor.execute(
        "SELECT count(*) FROM pg_trigger t LEFT JOIN pg_constraint c ON c.oid = t.tgconstraint "
        "WHERE t.tgrelid = %s::regclass AND (NOT t.tgisinternal OR c.contype IS DISTINCT FROM 'f')",
        [table],
    )
    if cursor.fetchone()[0]:
        return False
    constraints = connection.introspection.get_constraints(cursor, table)
    referenced = {
        (tuple(facts["columns"]), facts["foreign_key"])
        for facts in constraints.values()
        if facts["foreign_key"]
    }
    return referenced == {
        (("series_id",), (Series._meta.db_table, "id")),
        (("edition_id",), (Edition._meta.db_table, "id")),
    }


def _check_references_written(cursor: Any, first_id: int) -> None:
    """Check the foreign keys of the rows written since ``first_id`` once per distinct value, as the per-row
    triggers skipped by the COPY would have: each series and edition referred to must exist, and is locked
    ``FOR KEY SHARE`` until the commit (what the triggers lock), so that no one deletes it or changes its id
    meanwhile. Raises IntegrityError otherwise; the caller rolls the rows back."""
    table = Observation._meta.db_table
    cursor.execute(
        f"SELECT array_agg(DISTINCT series_id), array_agg(DISTINCT edition_id) FROM {table} WHERE id > %s",  # noqa: S608 - constant names; values are parameters
        [first_id],
    )
    series, editions = cursor.fetchone()
    for model, column, wanted in ((Series, "series_id", series), (Edition, "edition_id", editions)):
        if not wanted:
            continue
        cursor.execute(
            f"SELECT id FROM {model._meta.db_table} WHERE id = ANY(%s) FOR KEY SHARE",  # noqa: S608 - constant names; values are parameters
            [wanted],
        )
        missing = set(wanted) - {row[0] for row in cursor.fetchall()}
        if missing:
            raise IntegrityError(
                f'insert or update on table "{table}" violates a foreign key: Key ({column})=({min(missing)}) '
                f'is not present in table "{model._meta.db_table}".'
            )


def _foreign_key_constraints(cursor: Any, table: str) -> str:
    """The table's foreign-key constraint names, quoted and comma-separated, for ``SET CONSTRAINTS``."""
    constraints = connection.introspection.get_constraints(cursor, table)
    return ", ".join(
        connection.ops.quote_name(name) for name, facts in sorted(constraints.items()) if facts["foreign_key"]
    )


COPY_CHUNK_ROWS = 20_000


def _copy_while_reading(raw_cursor: Any, statement: str, lines: Iterator[str]) -> int:
    """Run ``statement`` (a COPY … FROM STDIN) once per chunk of ``lines``, reading the next chunk meanwhile.

    A first load's cost is half reading the file (in Python) and half the database checking two foreign
    keys per row. Deferred to the commit, those checks ran alone after the whole file was read; checked at
    the end of each chunk's COPY (the caller sets the constraints IMMEDIATE), they run in the server while
    a thread reads the next chunk: the client releases the GIL while it waits on the connection. Only
    this thread touches the connection; the reader only parses.
    """
    chunks: queue.Queue[tuple[str, int] | BaseException | None] = queue.Queue(maxsize=2)
    stop = threading.Event()

    def hand_over(item: tuple[str, int] | BaseException | None) -> None:
        while not stop.is_set():
            try:
                chunks.put(item, timeout=0.1)
                return
            except queue.Full:
                continue

    language = translation.get_language()

    def read() -> None:
        try:
            with translation.override(language):
                for chunk in _batches(lines, COPY_CHUNK_ROWS):
                    hand_over(("".join(chunk), len(chunk)))
                    if stop.is_set():
                        return
        except BaseException as error:  # noqa: BLE001 - re-raised in the caller's thread
            hand_over(error)
        else:
            hand_over(None)

    # The reader works as the caller would: with the import's time limit (a context variable, which a
    # new thread would not see) and in the caller's language (Django's is per thread).
    context = contextvars.copy_context()
    reader = threading.Thread(target=context.run, args=(read,), name="migdev-copy-reader", daemon=True)
    reader.start()
    count = 0
    try:
        while (item := chunks.get()) is not None:
            if isinstance(item, BaseException):
                raise item
            text, rows = item
            with raw_cursor.copy(statement) as copy:
                copy.write(text)
            count += rows
    finally:
        stop.set()
        reader.join()
    return count


def _store_streaming(
    parsed: ParsedFile,
    file_name: str,
    series_ids: dict[str, int],
    edition: Edition,
    replace: bool,
    confirm: Callable[[Changes], None] | None = None,
) -> tuple[set[int], int, int, int, CoverageTally | None]:
    with connection.cursor() as cursor:
        # A bulk load can be run again, so it need not wait for its commit to reach the disk; the database
        # stays consistent whatever happens (PostgreSQL asynchronous commit), only this transaction could be lost.
        cursor.execute("SET LOCAL synchronous_commit = off")
    if not Observation.objects.filter(edition=edition).exists():
        direct = _store_direct(parsed, file_name, series_ids, edition)
        if direct is not None:
            touched, count, tally = direct
            return touched, count, 0, 0, tally
        if parsed.stream is not None or parsed.rows is not None:
            if parsed.reopen is None:
                raise ObservationsRejected(
                    [ParseIssue(file_name, 0, "", "the file holds the same key twice")]
                )
            parsed = parsed.reopen()
    return (*_store_staged(parsed, file_name, series_ids, edition, replace, confirm), None)


def _store_staged(
    parsed: ParsedFile,
    file_name: str,
    series_ids: dict[str, int],
    edition: Edition,
    replace: bool,
    confirm: Callable[[Changes], None] | None = None,
) -> tuple[set[int], int, int, int]:
    table = Observation._meta.db_table
    staging = "indicators_observation_load"
    columns = ", ".join(COLUMNS)
    issues: list[ParseIssue] = []
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {staging}")
        cursor.execute(
            f"CREATE TEMPORARY TABLE {staging} ON COMMIT DROP AS SELECT {columns} FROM {table} WITH NO DATA"  # noqa: S608 - table names are constants; values are parameters
        )
        cursor.execute(f"ALTER TABLE {staging} ADD COLUMN source_row integer, ADD COLUMN source_column text")
        raw = cursor.cursor  # psycopg 3 cursor underneath Django's wrapper
        with raw.copy(f"COPY {staging} ({columns}, source_row, source_column) FROM STDIN") as copy:
            incoming = _write_copy(copy, _copy_lines(parsed, file_name, series_ids, edition.id, issues))
        issues = list(parsed.issues) + issues
        _reject(issues)
        cursor.execute(
            f"SELECT MIN(source_row), MAX(source_row), MIN(source_column), COUNT(*) FROM {staging} "  # noqa: S608 - table names are constants; values are parameters
            f"GROUP BY {', '.join(KEY_COLUMNS)} HAVING COUNT(*) > 1 ORDER BY 2 LIMIT 1000"
        )
        _reject(
            [
                ParseIssue(file_name, last, column, f"duplicate of the value in row {first}, column {column}")
                for first, last, column, _count in cursor.fetchall()
            ]
        )
        # Temporary tables are never analysed by autovacuum: without statistics the planner takes the
        # stage for a few rows and probes the stored table once per staged row.
        cursor.execute(f"ANALYZE {staging}")
        cursor.execute(f"SELECT DISTINCT series_id FROM {staging}")  # noqa: S608 - table names are constants; values are parameters
        touched = {row[0] for row in cursor.fetchall()}
        # An edition loaded since the table was last analysed looks empty to the planner, which then
        # joins by nested loops that scan it once per staged row (15 s for 5,000 rows measured); hash
        # joins cost one pass over the edition's rows whatever the statistics say.
        cursor.execute("SET LOCAL enable_nestloop = off")
        created, updated, deleted = _merge_staged(
            cursor, staging, "source_row", edition, touched, incoming, replace, confirm
        )
        cursor.execute("RESET enable_nestloop")
        cursor.execute(f"DROP TABLE {staging}")
    return touched, created, updated, deleted


class CoverageTally:
    """What :func:`coverage_refresh` counts, tallied from rows as they are written (values only, no empty
    ones), per series and whether the row is by partner: first and last year, values, areas seen."""

    def __init__(self) -> None:
        self.by_key: dict[tuple[int, bool], list[Any]] = {}

    def add(self, series_id: int, area: str, counterpart: str, year: int) -> None:
        key = (series_id, counterpart != TOTAL)
        entry = self.by_key.get(key)
        if entry is None:
            self.by_key[key] = [year, year, 1, {area}]
            return
        if year < entry[0]:
            entry[0] = year
        if year > entry[1]:
            entry[1] = year
        entry[2] += 1
        entry[3].add(area)

    def summaries(self, series_ids: Iterable[int]) -> list[dict[str, Any]]:
        wanted, countries = set(series_ids), country_codes()
        return [
            {
                "series_id": series_id,
                "bilateral": bilateral,
                "first": first,
                "last": last,
                "n": n,
                "countries": len(areas & countries),
            }
            for (series_id, bilateral), (first, last, n, areas) in self.by_key.items()
            if series_id in wanted
        ]


def coverage_refresh(
    *, edition: Edition, series_ids: Iterable[int], tally: CoverageTally | None = None
) -> None:
    """Recompute what ``edition`` holds for each series (totals and by-partner values separately): in one
    query, or from ``tally`` when it counted every row the edition holds for those series (a first load),
    which spares reading them again."""
    ids = list(series_ids)
    SeriesCoverage.objects.filter(edition=edition, series_id__in=ids).delete()
    summaries: Iterable[dict[str, Any]] = (
        tally.summaries(ids)
        if tally is not None
        else Observation.objects.filter(edition=edition, series_id__in=ids, value__isnull=False)
        .annotate(bilateral=~Q(counterpart=TOTAL))
        .values("series_id", "bilateral")
        .annotate(
            first=Min("year"),
            last=Max("year"),
            n=Count("id"),
            countries=Count("area", distinct=True, filter=Q(area__in=sorted(country_codes()))),
        )
    )
    SeriesCoverage.objects.bulk_create(
        SeriesCoverage(
            series_id=summary["series_id"],
            edition=edition,
            bilateral=summary["bilateral"],
            first_year=summary["first"],
            last_year=summary["last"],
            observations=summary["n"],
            countries=summary["countries"],
        )
        for summary in summaries
    )


def sdg_constraints_apply(*, constraints: list[SeriesConstraint]) -> int:
    """Record each catalogued SDG indicator's SDMX series, units and allowed breakdowns from the
    DSD constraints."""
    updated = 0
    for sdg in SdgIndicator.objects.all():
        matching = [c for c in constraints if sdg.code in {part.strip() for part in c.indicator.split(",")}]
        if not matching:
            continue
        sdg.series_codes = ";".join(c.series for c in matching)
        sdg.unit_measure = ";".join(sorted({c.unit_measure for c in matching}))
        sdg.breakdowns = "\n".join(
            f"{c.series}: " + "; ".join(f"{k}={v}" for k, v in c.breakdowns.items())
            for c in matching
            if c.breakdowns
        )
        sdg.save(update_fields=["series_codes", "unit_measure", "breakdowns"])
        updated += 1
    bump_data_version()
    return updated


def plan_create(
    *,
    country: str,
    title: str,
    kind: str,
    start_year: int,
    end_year: int,
    url: str = "",
    summary: str = "",
    adopted_on: Any = None,
    created_by: Any = None,
) -> DevelopmentPlan:
    if end_year < start_year:
        raise ValueError("A plan cannot end before it starts.")
    plan = DevelopmentPlan(
        country=country.upper(),
        title=title,
        kind=kind,
        start_year=start_year,
        end_year=end_year,
        url=url,
        summary=summary,
        adopted_on=adopted_on,
        created_by=created_by,
    )
    plan.full_clean()
    plan.save()
    bump_data_version()
    return plan


def plan_goal_add(
    *, plan: DevelopmentPlan, title: str, reference: str = "", description: str = ""
) -> PlanGoal:
    order = plan.goals.count()
    bump_data_version()
    return PlanGoal.objects.create(
        plan=plan, title=title, reference=reference, description=description, order=order
    )


def plan_target_add(
    *,
    goal: PlanGoal,
    indicator: Indicator,
    baseline_year: int,
    target_year: int,
    target_value: float,
    baseline_value: float | None = None,
    edition: Edition | None = None,
    notes: str = "",
) -> PlanTarget:
    if target_year <= baseline_year:
        raise ValueError("The target year must come after the baseline year.")
    bump_data_version()
    return PlanTarget.objects.create(
        goal=goal,
        indicator=indicator,
        baseline_year=baseline_year,
        target_year=target_year,
        target_value=target_value,
        baseline_value=baseline_value,
        edition=edition,
        notes=notes,
    )


def governance_assessment_record(
    *, country: str, domain: str, year: int, finding: str, text: str, source: str, source_url: str = ""
) -> GovernanceAssessment:
    assessment = GovernanceAssessment(
        country=country.upper(),
        domain=domain,
        year=year,
        finding=finding,
        text=text,
        source=source,
        source_url=source_url,
    )
    assessment.full_clean()
    assessment.save()
    bump_data_version()
    return assessment


def policy_domain_score_record(
    *, country: str, domain: str, year: int, score: int, source: str
) -> PolicyDomainScore:
    if not 1 <= score <= 4:
        raise ValueError("SDG 10.7.2 domain scores run from 1 to 4.")
    bump_data_version()
    record, _created = PolicyDomainScore.objects.update_or_create(
        country=country.upper(), domain=domain, year=year, defaults={"score": score, "source": source}
    )
    return record


def plan_targets_import(*, records: list[Any]) -> LoadOutcome:
    """Create or update plans, goals and targets from checked records; a plan's targets are replaced."""
    created = updated = 0
    indicators = {indicator.code: indicator for indicator in Indicator.objects.all()}
    with transaction.atomic():
        plans: dict[tuple[str, str], DevelopmentPlan] = {}
        for record in records:
            key = (record.country, record.plan_title)
            plan = plans.get(key)
            if plan is None:
                plan, was_created = DevelopmentPlan.objects.update_or_create(
                    country=record.country,
                    title=record.plan_title,
                    defaults={
                        "kind": record.plan_kind,
                        "start_year": record.start_year,
                        "end_year": record.end_year,
                        "url": record.plan_url,
                    },
                )
                created += was_created
                updated += not was_created
                if not was_created:
                    # The file replaced the plan's targets: a form opened before must not overwrite them.
                    claim_version(plan, None)
                PlanTarget.objects.filter(goal__plan=plan).delete()
                plans[key] = plan
            goal, _was_created = PlanGoal.objects.get_or_create(
                plan=plan,
                title=record.goal_title,
                defaults={"reference": record.goal_reference, "order": plan.goals.count()},
            )
            PlanTarget.objects.create(
                goal=goal,
                indicator=indicators[record.indicator],
                baseline_year=record.baseline_year,
                baseline_value=record.baseline_value,
                target_year=record.target_year,
                target_value=record.target_value,
                notes=record.notes,
            )
        PlanGoal.objects.filter(plan__in=plans.values(), targets__isnull=True).delete()
        bump_data_version()
    return LoadOutcome(edition="", read=len(records), created=created, updated=updated, deleted=0)


def governance_import(*, assessments: Sequence[Any] = (), scores: Sequence[Any] = ()) -> LoadOutcome:
    """Replace the assessments of each (country, year) present, and upsert domain scores."""
    created = 0
    with transaction.atomic():
        for country, year in {(a.country, a.year) for a in assessments}:
            GovernanceAssessment.objects.filter(country=country, year=year).delete()
        GovernanceAssessment.objects.bulk_create(
            [
                GovernanceAssessment(
                    country=a.country,
                    domain=a.domain,
                    year=a.year,
                    finding=a.finding,
                    text=a.text,
                    source=a.source,
                    source_url=a.source_url,
                )
                for a in assessments
            ]
        )
        created += len(assessments)
        for score in scores:
            policy_domain_score_record(
                country=score.country,
                domain=score.domain,
                year=score.year,
                score=score.score,
                source=score.source,
            )
            created += 1
        bump_data_version()
    return LoadOutcome(edition="", read=len(assessments) + len(scores), created=created, updated=0, deleted=0)


# --- Editing from the web forms: every write is audited -------------------------------------------

PLAN_FIELDS = ("country", "title", "kind", "start_year", "end_year", "adopted_on", "url", "summary")
GOAL_FIELDS = ("reference", "title", "description")
TARGET_FIELDS = (
    "indicator",
    "baseline_year",
    "baseline_value",
    "target_year",
    "target_value",
    "edition",
    "notes",
)


def _changes(record: Any, fields: Sequence[str], values: dict[str, Any]) -> dict[str, list[str]]:
    """Apply ``values`` to ``record`` and return the changed fields as [before, after] for the audit trail."""
    changed: dict[str, list[str]] = {}
    for field in fields:
        if field not in values:
            continue
        before = getattr(record, field)
        after = values[field]
        if before != after:
            changed[field] = [str(before), str(after)]
            setattr(record, field, after)
    return changed


def _update_audited(
    record: Any,
    fields: Sequence[str],
    values: dict[str, Any],
    *,
    request: HttpRequest | None,
    actor: Any,
    expected_version: int | None,
    clean: bool = True,
) -> None:
    """Apply ``values``, save, audit the changed fields, and mark cached pages stale; raises
    :class:`~migdev.core.versioning.StaleEdit` if the record was saved since ``expected_version``."""
    with transaction.atomic():
        claim_version(record, expected_version)
        changed = _changes(record, fields, values)
        if clean:
            record.full_clean()
        record.save()
        if changed:
            audit_log(
                action=AuditAction.UPDATE,
                request=request,
                actor=actor,
                record=record,
                detail={"changed": changed},
            )
    bump_data_version()


def plan_record_create(*, request: HttpRequest | None, actor: Any, **values: Any) -> DevelopmentPlan:
    """Create a plan through :func:`plan_create` and audit it."""
    with transaction.atomic():
        plan = plan_create(created_by=actor, **values)
        audit_log(action=AuditAction.CREATE, request=request, actor=actor, record=plan)
    return plan


def plan_update(
    *,
    plan: DevelopmentPlan,
    request: HttpRequest | None,
    actor: Any,
    expected_version: int | None,
    **values: Any,
) -> DevelopmentPlan:
    if "country" in values:
        values["country"] = str(values["country"]).upper()
    start = values.get("start_year", plan.start_year)
    end = values.get("end_year", plan.end_year)
    if end < start:
        raise ValueError("A plan cannot end before it starts.")
    _update_audited(
        plan, PLAN_FIELDS, values, request=request, actor=actor, expected_version=expected_version
    )
    return plan


def plan_goal_record(
    *, plan: DevelopmentPlan, request: HttpRequest | None, actor: Any, **values: Any
) -> PlanGoal:
    with transaction.atomic():
        goal = plan_goal_add(plan=plan, **values)
        audit_log(action=AuditAction.CREATE, request=request, actor=actor, record=goal)
    return goal


def plan_goal_update(
    *, goal: PlanGoal, request: HttpRequest | None, actor: Any, expected_version: int | None, **values: Any
) -> PlanGoal:
    _update_audited(
        goal, GOAL_FIELDS, values, request=request, actor=actor, expected_version=expected_version
    )
    return goal


def plan_target_record(
    *, goal: PlanGoal, request: HttpRequest | None, actor: Any, **values: Any
) -> PlanTarget:
    with transaction.atomic():
        target = plan_target_add(goal=goal, **values)
        audit_log(action=AuditAction.CREATE, request=request, actor=actor, record=target)
    return target


def plan_target_update(
    *,
    target: PlanTarget,
    request: HttpRequest | None,
    actor: Any,
    expected_version: int | None,
    **values: Any,
) -> PlanTarget:
    baseline_year = values.get("baseline_year", target.baseline_year)
    target_year = values.get("target_year", target.target_year)
    if target_year <= baseline_year:
        raise ValueError("The target year must come after the baseline year.")
    _update_audited(
        target,
        TARGET_FIELDS,
        values,
        request=request,
        actor=actor,
        expected_version=expected_version,
        clean=False,
    )
    return target


def governance_assessment_create(
    *, request: HttpRequest | None, actor: Any, **values: Any
) -> GovernanceAssessment:
    with transaction.atomic():
        assessment = governance_assessment_record(**values)
        audit_log(action=AuditAction.CREATE, request=request, actor=actor, record=assessment)
    return assessment


def policy_domain_score_save(*, request: HttpRequest | None, actor: Any, **values: Any) -> PolicyDomainScore:
    """Record or correct a 10.7.2 score (one per country, domain and year); audited as create or update."""
    existing = PolicyDomainScore.objects.filter(
        country=str(values["country"]).upper(), domain=values["domain"], year=values["year"]
    ).first()
    with transaction.atomic():
        score = policy_domain_score_record(**values)
        detail = {"score": [existing.score, score.score]} if existing else None
        audit_log(
            action=AuditAction.UPDATE if existing else AuditAction.CREATE,
            request=request,
            actor=actor,
            record=score,
            detail=detail,
        )
    return score
