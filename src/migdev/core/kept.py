"""Answers kept in the database while what they were computed from stays the same (ADR 0014).

A shortlist costs tens of milliseconds of CPU; the same job order or request is asked for again and again
between two changes of its inputs. ``kept_or_computed`` keeps the answer in ``core.KeptAnswer`` with a stamp:
a hash of every version it depends on. The caller gives the versions it already holds (the record read in
this request: its version) and scalar subqueries for the others (a registry's version, the current ESCO
edition's revision, a count and the highest id of a set of rows); one statement reads those and the kept
row together, so a process uses a kept answer only when the database says, in that same snapshot, that
nothing it was computed from has changed. Nothing is kept per process: every server process, on any
machine, sees the same rows.

The versions are moved by the services that write the inputs (``claim_version``, the labour registry's
version, the diaspora roster's revision), never by signals. The stamp is read before the answer is computed,
so an answer computed from newer data than its stamp says is only ever missed, never served for newer data.

A kept body must be the same for every viewer: what a viewer may see of it (an identifier, a shared field)
is decided by the caller when it is read.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import connections, router
from django.db.models import Field, Model
from django.utils import timezone

from migdev.core.models import KeptAnswer


@dataclass(frozen=True)
class StampPart:
    """One version the answer depends on, read by the database: a scalar ``SELECT`` (one row, one column)."""

    sql: str
    params: tuple[Any, ...] = ()


def table(model: type[Model], using: str = "default") -> str:
    """``model``'s table name, quoted: for small statements written as SQL (compiling a queryset on every
    request costs more CPU than the database's work on these reads)."""
    return connections[using].ops.quote_name(model._meta.db_table)


def column(model: type[Model], name: str, using: str = "default") -> str:
    """The column of ``model``'s field ``name``, quoted."""
    field = model._meta.get_field(name)
    assert isinstance(field, Field) and field.column
    return connections[using].ops.quote_name(field.column)


def inside_a_write(using: str = "default") -> bool:
    """Whether this connection is inside a transaction that may still roll back (a test case's own
    transaction aside): what it reads there must not be kept for others."""
    return any(not getattr(block, "_from_testcase", False) for block in connections[using].atomic_blocks)


def enabled() -> bool:
    """``KEPT_ANSWERS`` (environment ``MIGDEV_KEPT_ANSWERS``): off, every answer is computed (benchmarks
    measure both)."""
    return bool(getattr(settings, "KEPT_ANSWERS", True))


def _stamp(values: Sequence[Any]) -> str:
    return hashlib.sha256(json.dumps(list(values), default=str).encode()).hexdigest()


def kept_or_computed(
    kind: str,
    subject_id: int,
    variant: str,
    known: Sequence[Any],
    parts: Sequence[StampPart],
    compute: Callable[[], dict[str, Any]],
) -> tuple[dict[str, Any], bool]:
    """The body ``compute()`` returns for (``kind``, ``subject_id``, ``variant``), and whether it came kept.

    ``known`` are the versions the caller already read (JSON-serialisable), ``parts`` those the database
    reads now; both go into the stamp. ``compute`` must return a JSON object that is the same for every
    viewer.

    The stamp is read where the router sends reads (a replica, when there is one): what ``compute`` reads
    afterwards, there or on the primary, is then never older than the stamp it is kept under."""
    if not enabled():
        return compute(), False
    reading, writing = router.db_for_read(KeptAnswer), router.db_for_write(KeptAnswer)
    kept = table(KeptAnswer, reading)
    where = "kind = %s AND subject_id = %s AND variant = %s"
    key = [kind, subject_id, variant]
    columns = [f"({part.sql})" for part in parts]
    # The table name is the model's own, quoted; every value is a parameter.
    columns += [f"(SELECT stamp FROM {kept} WHERE {where})", f"(SELECT body FROM {kept} WHERE {where})"]  # noqa: S608
    params = [value for part in parts for value in part.params] + key + key
    with connections[reading].cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(columns), params)
        row = cursor.fetchone()
    stamp = _stamp([*known, *row[: len(parts)]])
    if row[-2] == stamp and row[-1] is not None:
        return json.loads(row[-1]), True
    body = compute()
    if not (inside_a_write(reading) or inside_a_write(writing)):
        KeptAnswer.objects.using(writing).bulk_create(
            [
                KeptAnswer(
                    kind=kind,
                    subject_id=subject_id,
                    variant=variant,
                    stamp=stamp,
                    body=json.dumps(body, separators=(",", ":")),
                    computed_at=timezone.now(),
                )
            ],
            update_conflicts=True,
            unique_fields=["kind", "subject_id", "variant"],
            update_fields=["stamp", "body", "computed_at"],
        )
    return body, False


def forget(kind: str | None = None, using: str = "default") -> int:
    """Delete kept answers (of one kind, or all): never needed for correctness, useful to measure cold."""
    rows = KeptAnswer.objects.using(using).all()
    if kind is not None:
        rows = rows.filter(kind=kind)
    return int(rows.delete()[0])
