"""The workers' shortlist columns, kept per process for one registry version read from the database.

A shortlist ranks one job order against every worker of the registry. Reading 100,000 profiles (JSON skills,
languages, destinations) and asking the database who may be shown for each of them on every request is what
made it slow, so each process keeps, as arrays in ascending worker id:

- what ranks: skills, occupation, languages, experience, availability and preferred destinations (from the
  worker's record);
- what decides whether a worker may be shown: consent to processing, residence, birth month (from the
  narrow ``WorkerEligibility`` row) and the schemes whose employers the worker agreed to be shown to
  (``SchemeVisibility``). The exact birth date stays encrypted in the database and is read per request for
  the border month only; applications are read per request.

Every write changing any of these goes through ``services.eligibility_refresh``, which rewrites the narrow
rows and moves ``RegistryVersion`` in the same transaction. Before each use a process reads that version (one
primary-key query); when it moved, it re-reads only the workers whose ``changed`` is above the version it
holds (and drops the workers no longer there). The database says what is current, so any number of processes
and servers see every committed change; nothing assumes one process.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import numpy as np
import scipy.sparse as sp
from django.db import connections

from migdev.core.kept import inside_a_write
from migdev.labour.models import RegistryVersion, SchemeVisibility, Worker, WorkerEligibility
from migdev.skills import matching as engine_math

EPOCH = date(1970, 1, 1)
REGISTRY = "workers"
PROFILE_FIELDS = (
    "pk",
    "skill_uris",
    "isco_code",
    "languages",
    "experience_years",
    "available_from",
    "preferred_destinations",
    "eligibility__consenting",
    "eligibility__country_of_residence_id",
    "eligibility__birth_month",
)


@dataclass
class Profiles:
    """Rows in ascending worker id, as of registry version ``version``."""

    epoch: str
    version: int
    ids: np.ndarray
    skills: sp.csr_matrix  # rows × the edition's skills
    skills_by_column: sp.csc_matrix
    isco: np.ndarray
    experience: np.ndarray
    available_from: np.ndarray
    languages: list[str]  # column codes of ``levels``
    levels: np.ndarray  # rows × languages
    countries: list[str]  # column codes of ``willing``
    willing: sp.csr_matrix  # rows × countries; an empty row: anywhere
    consenting: np.ndarray  # bool
    residences: list[str]  # codes of ``residence``
    residence: np.ndarray  # index into ``residences``
    birth_month: np.ndarray  # days since 1970-01-01 of the first day of the birth month
    shown_rows: dict[int, np.ndarray] = field(default_factory=dict)  # scheme -> rows, ascending
    # What shortlists work out from these columns alone (per scheme, per job's skills), kept with them: a
    # write makes new columns, and so an empty memo.
    memo: dict[Any, Any] = field(default_factory=dict, compare=False, repr=False)

    def remember(self, key: Any, compute: Any, *, large: bool = False) -> Any:
        """``compute()``, kept under ``key`` (at most 128 small values (row masks), or 32 large ones: row-sized
        matrices)."""
        memo = self.memo.setdefault("large", {}) if large else self.memo
        found = memo.get(key)
        if found is None:
            if len(memo) > (32 if large else 128):
                memo.clear()
            found = memo[key] = compute()
        return found

    def rows_of(self, worker_ids: np.ndarray) -> np.ndarray:
        return np.searchsorted(self.ids, worker_ids)

    def shown_to(self, scheme_id: int) -> np.ndarray:
        """A mask: the workers who consent to be shown to this scheme's employers."""
        mask = np.zeros(len(self.ids), dtype=bool)
        rows = self.shown_rows.get(scheme_id)
        if rows is not None:
            mask[rows] = True
        return mask

    def residing_in(self, codes: list[str]) -> np.ndarray:
        wanted = [i for i, code in enumerate(self.residences) if code in set(codes)]
        return np.isin(self.residence, np.array(wanted, dtype=np.int64))


_lock = threading.Lock()
_cache: dict[tuple[str, Any], Profiles] = {}


def _day(value: date | None) -> int:
    return (value - EPOCH).days if value is not None else engine_math.UNKNOWN


def registry_version(using: str = "default") -> tuple[str, int]:
    row = RegistryVersion.objects.using(using).filter(name=REGISTRY).values_list("epoch", "value").first()
    return (str(row[0]), int(row[1])) if row else ("", 0)


def profiles(
    skill_index: dict[str, int], n_skills: int, edition_key: Any, using: str = "default"
) -> Profiles:
    """Every worker's columns, as of the last committed change (inside a write: as this transaction sees
    them, patched onto the committed columns and not kept)."""
    key = (connections[using].settings_dict.get("NAME", using), edition_key)
    epoch, current = registry_version(using)
    cached = _cache.get(key)
    if inside_a_write(using):
        usable = cached is not None and cached.epoch == epoch and cached.version <= current
        return _refreshed(cached if usable else None, epoch, current, skill_index, n_skills, using)
    if cached is not None and cached.version == current and cached.epoch == epoch:
        return cached
    with _lock:
        cached = _cache.get(key)
        if cached is not None and cached.version == current and cached.epoch == epoch:
            return cached
        if cached is not None and (cached.epoch != epoch or cached.version > current):
            cached = None  # another database (a restore, a flush): read everything again
        built = _cache[key] = _refreshed(cached, epoch, current, skill_index, n_skills, using)
        return built


def _refreshed(
    held: Profiles | None, epoch: str, current: int, skill_index: dict[str, int], n_skills: int, using: str
) -> Profiles:
    """``held`` with the workers changed since its version read again (every worker when there is none).
    Read after the version: every writer up to ``current`` has committed (the version row's lock orders
    them); later ones may show here too, and are read again next time."""
    since = held.version if held is not None else -1
    changed = Worker.objects.using(using).filter(eligibility__changed__gt=since).order_by("pk")
    fresh = list(changed.values_list(*PROFILE_FIELDS).iterator(chunk_size=5000))
    fresh_ids = {row[0] for row in fresh}
    shown: dict[int, set[int]] = {}
    visible = SchemeVisibility.objects.using(using).values_list("worker_id", "scheme_id")
    if held is None:
        pairs = list(visible.iterator(chunk_size=5000))
    else:  # the changed workers' rows only, by primary key (no join over the registry)
        ordered = sorted(fresh_ids)
        pairs = [
            pair
            for start in range(0, len(ordered), 500)
            for pair in visible.filter(worker_id__in=ordered[start : start + 500])
        ]
    for worker_id, scheme_id in pairs:
        if worker_id in fresh_ids:
            shown.setdefault(worker_id, set()).add(scheme_id)
    part = _build(epoch, current, fresh, shown, skill_index, n_skills)
    if held is None:
        return part
    gone = np.empty(0, dtype=np.int64)
    kept = ~np.isin(held.ids, part.ids)
    present = WorkerEligibility.objects.using(using).count()
    if int(kept.sum()) + len(part.ids) != present:  # some workers were deleted: which ones
        ids = np.fromiter(
            WorkerEligibility.objects.using(using).values_list("worker_id", flat=True), dtype=np.int64
        )
        gone = held.ids[~np.isin(held.ids, ids)]
        kept &= ~np.isin(held.ids, gone)
    return _merged(held, np.flatnonzero(kept), part, epoch, current)


def _remap(codes: list[str], into: list[str]) -> np.ndarray:
    position = {code: i for i, code in enumerate(into)}
    return np.array([position[code] for code in codes], dtype=np.int64)


def _merged(held: Profiles, keep: np.ndarray, part: Profiles, epoch: str, current: int) -> Profiles:
    """The rows ``keep`` of ``held`` and every row of ``part``, in ascending worker id, on the union of
    their vocabularies (a code no worker uses any more keeps its column: an empty column changes no score).
    Array work only, whatever the size of the registry."""
    ids = np.concatenate([held.ids[keep], part.ids])
    order: Any = np.argsort(ids, kind="stable")
    if len(ids) < 2 or bool((ids[1:] > ids[:-1]).all()):
        order = slice(None)  # already ascending (new workers only): no reordering
    ids = ids[order]

    def rows(old: Any, new: Any) -> Any:
        if sp.issparse(old):
            return sp.vstack([old[keep], new], format="csr")[order]
        return np.concatenate([old[keep], new])[order]

    languages = sorted(set(held.languages) | set(part.languages))
    levels = np.zeros((len(ids), max(len(languages), 1)), dtype=np.int64)
    stacked = np.zeros((len(keep) + len(part.ids), levels.shape[1]), dtype=np.int64)
    stacked[: len(keep)][:, _remap(held.languages, languages)] = held.levels[keep][:, : len(held.languages)]
    stacked[len(keep) :][:, _remap(part.languages, languages)] = part.levels[:, : len(part.languages)]
    levels[:] = stacked[order]
    countries = sorted(set(held.countries) | set(part.countries))

    def willing(source: Profiles, selected: Any) -> sp.csr_matrix:
        matrix = source.willing[selected].tocsr()
        columns = _remap(source.countries, countries)
        return sp.csr_matrix(
            (matrix.data, columns[matrix.indices] if len(columns) else matrix.indices, matrix.indptr),
            shape=(matrix.shape[0], len(countries)),
        )

    residences = sorted(set(held.residences) | set(part.residences))
    residence = np.concatenate(
        [
            _remap(held.residences, residences)[held.residence[keep]] if len(keep) else np.empty(0, np.int64),
            _remap(part.residences, residences)[part.residence] if len(part.ids) else np.empty(0, np.int64),
        ]
    )[order]
    shown_ids: dict[int, list[np.ndarray]] = {}
    kept = np.zeros(len(held.ids), dtype=bool)
    kept[keep] = True
    for scheme_id, scheme_rows in held.shown_rows.items():
        shown_ids.setdefault(scheme_id, []).append(held.ids[scheme_rows[kept[scheme_rows]]])
    for scheme_id, scheme_rows in part.shown_rows.items():
        shown_ids.setdefault(scheme_id, []).append(part.ids[scheme_rows])
    shown_rows = {}
    for scheme_id, chunks in shown_ids.items():
        members = np.sort(np.concatenate(chunks))
        if len(members):
            shown_rows[scheme_id] = np.searchsorted(ids, members)
    skills = rows(held.skills, part.skills)
    return Profiles(
        epoch=epoch,
        version=current,
        ids=ids,
        skills=skills,
        skills_by_column=skills.tocsc(),
        isco=rows(held.isco, part.isco),
        experience=rows(held.experience, part.experience),
        available_from=rows(held.available_from, part.available_from),
        languages=languages,
        levels=levels,
        countries=countries,
        willing=sp.vstack([willing(held, keep), willing(part, slice(None))], format="csr")[order],
        consenting=rows(held.consenting, part.consenting),
        residences=residences,
        residence=residence,
        birth_month=rows(held.birth_month, part.birth_month),
        shown_rows=shown_rows,
    )


def _build(
    epoch: str,
    current: int,
    rows: list[tuple[Any, ...]],
    shown: dict[int, set[int]],
    skill_index: dict[str, int],
    n_skills: int,
) -> Profiles:
    n = len(rows)
    skill_lists = [sorted({skill_index[uri] for uri in row[1] if uri in skill_index}) for row in rows]
    skills = engine_math.people_matrix(skill_lists, n_skills).tocsr()
    languages = sorted({item["code"] for row in rows for item in row[3]})
    language_column = {code: i for i, code in enumerate(languages)}
    levels = np.zeros((n, max(len(languages), 1)), dtype=np.int64)
    countries = sorted({code for row in rows for code in row[6]})
    country_column = {code: i for i, code in enumerate(countries)}
    residences = sorted({row[8] for row in rows})
    residence_column = {code: i for i, code in enumerate(residences)}
    willing_rows: list[int] = []
    willing_cols: list[int] = []
    by_scheme: dict[int, list[int]] = {}
    for number, row in enumerate(rows):
        for item in row[3]:
            levels[number, language_column[item["code"]]] = int(item["level"])
        for code in row[6]:
            willing_rows.append(number)
            willing_cols.append(country_column[code])
        for scheme_id in shown.get(row[0], ()):
            by_scheme.setdefault(scheme_id, []).append(number)
    return Profiles(
        epoch=epoch,
        version=current,
        ids=np.array([row[0] for row in rows], dtype=np.int64),
        skills=skills,
        skills_by_column=skills.tocsc(),
        isco=np.array(
            [int(row[2]) if row[2].isdigit() else engine_math.UNKNOWN for row in rows], dtype=np.int64
        ),
        experience=np.array([float(row[4]) for row in rows]),
        available_from=np.array([_day(row[5]) for row in rows], dtype=np.int64),
        languages=languages,
        levels=levels,
        countries=countries,
        willing=sp.csr_matrix(
            (np.ones(len(willing_rows)), (willing_rows, willing_cols)), shape=(n, len(countries))
        ),
        consenting=np.array([bool(row[7]) for row in rows], dtype=bool),
        residences=residences,
        residence=np.array([residence_column[row[8]] for row in rows], dtype=np.int64),
        birth_month=np.array([_day(row[9]) for row in rows], dtype=np.int64),
        shown_rows={scheme: np.array(numbers, dtype=np.int64) for scheme, numbers in by_scheme.items()},
    )


def clear() -> None:
    with _lock:
        _cache.clear()


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
