"""The workers' matching profiles as the skills engine's columns, kept per process, checked on every use.

A shortlist ranks one job order against every worker of the registry. Reading 100,000 profiles (JSON skills,
languages, destinations) on every request is what made it slow, so each process keeps the profiles it has
read as arrays, keyed by worker, version and time of the last change.

What is cached is only what ranks: skills, occupation, languages, experience, availability and preferred
destinations. Whether a worker may be shown at all (consent to processing, consent to the scheme, residence,
not an applicant, legal age) is never cached: it is asked of the database on every shortlist
(``migdev.labour.matching.shortlist``). Before each use the cache compares the registry's signature (count,
highest id, sum of versions, last change: every saved change of a worker moves its version,
``core.versioning``, and its ``updated_at``) and
re-reads the workers whose version moved, so every process sees every committed change; nothing assumes one
process.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np
import scipy.sparse as sp
from django.db import connections
from django.db.models import Count, Max, Sum

from migdev.labour.models import Worker
from migdev.skills import matching as engine_math

EPOCH = date(1970, 1, 1)
PROFILE_FIELDS = (
    "pk",
    "version",
    "updated_at",
    "skill_uris",
    "isco_code",
    "languages",
    "experience_years",
    "available_from",
    "preferred_destinations",
)


@dataclass
class Profiles:
    """Rows in ascending worker id."""

    signature: tuple[Any, ...]
    ids: np.ndarray
    versions: np.ndarray
    skills: sp.csr_matrix  # rows × the edition's skills
    skills_by_column: sp.csc_matrix
    isco: np.ndarray
    experience: np.ndarray
    available_from: np.ndarray
    languages: list[str]  # column codes of ``levels``
    levels: np.ndarray  # rows × languages
    countries: list[str]  # column codes of ``willing``
    willing: sp.csr_matrix  # rows × countries; an empty row: anywhere

    def rows_of(self, worker_ids: np.ndarray) -> np.ndarray:
        return np.searchsorted(self.ids, worker_ids)


_lock = threading.Lock()
_cache: dict[tuple[str, Any], Profiles] = {}
_rows: dict[tuple[str, Any], dict[int, tuple[Any, ...]]] = {}


def _day(value: date | None) -> int:
    return (value - EPOCH).days if value is not None else engine_math.UNKNOWN


def signature(using: str = "default") -> tuple[Any, ...]:
    figures = Worker.objects.using(using).aggregate(
        n=Count("pk"), last=Max("pk"), versions=Sum("version"), changed=Max("updated_at")
    )
    return (
        int(figures["n"] or 0),
        int(figures["last"] or 0),
        int(figures["versions"] or 0),
        figures["changed"],
    )


def profiles(
    skill_index: dict[str, int], n_skills: int, edition_key: Any, using: str = "default"
) -> Profiles:
    """The profiles of every worker, as of the last committed change."""
    key = (connections[using].settings_dict.get("NAME", using), edition_key)
    current = signature(using)
    cached = _cache.get(key)
    if cached is not None and cached.signature == current:
        return cached
    with _lock:
        cached = _cache.get(key)
        if cached is not None and cached.signature == current:
            return cached
        rows = _rows.setdefault(key, {})
        # A version, or failing that the time of the change (ids and versions come back after a rollback)
        stored = {
            pk: (version, changed)
            for pk, version, changed in Worker.objects.using(using).values_list("pk", "version", "updated_at")
        }
        for gone in set(rows) - set(stored):
            del rows[gone]
        stale = [pk for pk, state in stored.items() if pk not in rows or rows[pk][1:3] != state]
        for start in range(0, len(stale), 900):
            for values in (
                Worker.objects.using(using)
                .filter(pk__in=stale[start : start + 900])
                .values_list(*PROFILE_FIELDS)
            ):
                rows[values[0]] = values
        built = _build(current, [rows[pk] for pk in sorted(rows)], skill_index, n_skills)
        _cache[key] = built
        return built


def _build(
    current: tuple[Any, ...], rows: list[tuple[Any, ...]], skill_index: dict[str, int], n_skills: int
) -> Profiles:
    n = len(rows)
    skill_lists = [sorted({skill_index[uri] for uri in row[3] if uri in skill_index}) for row in rows]
    skills = engine_math.people_matrix(skill_lists, n_skills).tocsr()
    languages = sorted({item["code"] for row in rows for item in row[5]})
    language_column = {code: i for i, code in enumerate(languages)}
    levels = np.zeros((n, max(len(languages), 1)), dtype=np.int64)
    countries = sorted({code for row in rows for code in row[8]})
    country_column = {code: i for i, code in enumerate(countries)}
    willing_rows: list[int] = []
    willing_cols: list[int] = []
    for number, row in enumerate(rows):
        for item in row[5]:
            levels[number, language_column[item["code"]]] = int(item["level"])
        for code in row[8]:
            willing_rows.append(number)
            willing_cols.append(country_column[code])
    return Profiles(
        signature=current,
        ids=np.array([row[0] for row in rows], dtype=np.int64),
        versions=np.array([row[1] for row in rows], dtype=np.int64),
        skills=skills,
        skills_by_column=skills.tocsc(),
        isco=np.array(
            [int(row[4]) if row[4].isdigit() else engine_math.UNKNOWN for row in rows], dtype=np.int64
        ),
        experience=np.array([float(row[6]) for row in rows]),
        available_from=np.array([_day(row[7]) for row in rows], dtype=np.int64),
        languages=languages,
        levels=levels,
        countries=countries,
        willing=sp.csr_matrix(
            (np.ones(len(willing_rows)), (willing_rows, willing_cols)), shape=(n, len(countries))
        ),
    )


def clear() -> None:
    with _lock:
        _cache.clear()
        _rows.clear()


def warm() -> None:
    """Read every profile now (a server does it before forking its workers: see migdev.gunicorn_conf), so
    that the workers share the arrays and their first shortlist does not read the registry. Nothing happens
    when no ESCO edition is loaded."""
    from migdev.skills.engine import matcher_for
    from migdev.skills.selectors import current_edition

    edition = current_edition("esco")
    if edition is None:
        return
    entry = matcher_for(edition)
    if entry.skill_index:
        profiles(
            entry.skill_index,
            len(entry.skill_index),
            (entry.edition_id, entry.revision, id(entry.skill_index)),
        )
