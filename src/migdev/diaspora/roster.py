"""What a shortlist reads of the roster, kept in each process and checked against the database's revision.

A shortlist among 50,000 experts spent most of its time reading the pool from the database (JSON skill
lists parsed per request) and counting who fails which requirement. Here each process keeps, per expert:
whether they may be matched at all (active, processing consent), the modalities they accept
(``Expert.accepts_*``), their language ranks (``ExpertLanguage``), days on site and hours online, years of
experience, skills and occupations, and their availability windows; as NumPy arrays, plus the skills
engine's people × skills matrix per ESCO edition. Never a name, contact or any encrypted field.

Multi-process safety: every change a shortlist reads raises ``RosterRevision`` and stamps the experts it
touched with the new value (``services.refresh_match_columns`` → ``roster_changed``, in the writing
transaction). Before each shortlist, one query reads the revision and the highest expert id; if either
moved, the process reloads the experts stamped after its revision (and any id above its highest, written
in bulk without a stamp) and patches its arrays at their positions (``Roster.patched``: the language ranks,
cached pools and the engine's matrix too), so a write costs each process a few rows, not the whole roster.
The same query reads the current ESCO edition's id and revision, so a shortlist finds the skills engine's
matcher without asking again. A process therefore never serves a roster older than the
last committed change, whichever process wrote it. Tests: ``tests/diaspora/test_roster_cache.py``.

The pool a caller may consider (``access.experts_visible_to`` or the host's programme) is still a query;
its members are cached per revision when the query reads only the expert's own row (no join, no subquery),
else it runs each time.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np
import scipy.sparse as sp
from django.db import connection
from django.db.models import BooleanField, ExpressionWrapper, Q, QuerySet

from migdev.diaspora.models import AvailabilityWindow, Expert, ExpertLanguage, RosterRevision
from migdev.skills import matching as skills_matching
from migdev.skills.engine import EditionMatcher
from migdev.skills.models import Occupation, TaxonomyEdition

# Who may be shortlisted at all; the pool decides whom the caller may consider.
ELIGIBLE = Q(
    status=Expert.Status.ACTIVE,
    consent_processing_at__isnull=False,
    consent_processing_withdrawn_at__isnull=True,
)
MODALITY_COLUMNS = ("on_site", "online", "permanent_return")
_CHUNK = 2000
_POOLS_KEPT = 256
_ISCO_KEPT = 4096


@dataclass(frozen=True)
class _Row:
    eligible: bool
    accepts: tuple[bool, bool, bool]
    days_on_site: int
    hours_online: int
    years: int
    skill_uris: tuple[str, ...]
    occupation_uris: tuple[str, ...]
    languages: dict[str, int]  # code -> CEFR rank, from ExpertLanguage
    windows: tuple[tuple[int, int], ...]  # (first, last) as date ordinals


class Roster:
    """The roster at one revision: one position per expert, ids ascending."""

    def __init__(self, revision: int, top_pk: int, rows: dict[int, _Row]) -> None:
        self.revision = revision
        self.top_pk = top_pk
        self.pks = np.array(sorted(rows), dtype=np.int64)
        ordered = [rows[pk] for pk in self.pks.tolist()]
        self.size = len(ordered)
        self.eligible = np.array([r.eligible for r in ordered], dtype=bool)
        self.accepts = {
            name: np.array([r.accepts[i] for r in ordered], dtype=bool)
            for i, name in enumerate(MODALITY_COLUMNS)
        }
        self.days_on_site = np.array([r.days_on_site for r in ordered], dtype=np.int64)
        self.hours_online = np.array([r.hours_online for r in ordered], dtype=np.int64)
        self.years = np.array([float(r.years) for r in ordered], dtype=np.float64)
        self.skill_uris = [r.skill_uris for r in ordered]
        self.occupation_uris = [r.occupation_uris for r in ordered]
        self._languages = [r.languages for r in ordered]
        counts = np.fromiter((len(r.windows) for r in ordered), dtype=np.int64, count=self.size)
        self.window_position = np.repeat(np.arange(self.size, dtype=np.int64), counts)
        spans = np.array([w for r in ordered for w in r.windows], dtype=np.int64).reshape(-1, 2)
        self.window_first, self.window_last = spans[:, 0].copy(), spans[:, 1].copy()
        # Derived on first use at this revision (idempotent, so a race computes twice at worst).
        self._ranks: dict[str, np.ndarray] = {}
        self._pools: dict[tuple[str, tuple[Any, ...]], tuple[np.ndarray, QuerySet[Any]]] = {}
        self._engine: dict[tuple[int, int], tuple[EditionMatcher, sp.csr_matrix, np.ndarray]] = {}
        self._isco: dict[tuple[int, int, str], int] = {}
        self._editions: dict[tuple[int, int], tuple[TaxonomyEdition, EditionMatcher]] = {}

    def patched(self, revision: int, top_pk: int, changed: dict[int, _Row]) -> Roster | None:
        """This roster with the rows of ``changed`` replaced (or appended, for ids above every id held), at
        ``revision``: the arrays are copied and patched at the changed positions, and what was derived at
        this revision (language ranks, cached pools, the engine's matrix) is patched too, instead of being
        built again over the whole roster. None when a changed id falls between ids held (the caller then
        builds the roster whole)."""
        pks = np.array(sorted(changed), dtype=np.int64)
        at = np.searchsorted(self.pks, pks)
        held = np.zeros(len(pks), dtype=bool)
        if self.size:
            held = (at < self.size) & (self.pks[np.minimum(at, self.size - 1)] == pks)
        added = pks[~held]
        if len(added) and self.size and added[0] < self.pks[-1]:
            return None
        at = at[held]
        size = self.size + len(added)
        positions = np.concatenate([at, np.arange(self.size, size, dtype=np.int64)])
        rows = [changed[pk] for pk in pks[held].tolist()] + [changed[pk] for pk in added.tolist()]

        def column(old: np.ndarray, values: list[Any]) -> np.ndarray:
            out = np.concatenate([old, np.zeros(len(added), dtype=old.dtype)])
            out[positions] = np.array(values, dtype=old.dtype)
            return out

        def listed(old: list[Any], values: list[Any]) -> list[Any]:
            out = old + [None] * len(added)
            for position, value in zip(positions.tolist(), values, strict=True):
                out[position] = value
            return out

        new = object.__new__(Roster)
        new.revision, new.top_pk, new.size = revision, top_pk, size
        new.pks = np.concatenate([self.pks, added])
        new.eligible = column(self.eligible, [r.eligible for r in rows])
        new.accepts = {
            name: column(self.accepts[name], [r.accepts[i] for r in rows])
            for i, name in enumerate(MODALITY_COLUMNS)
        }
        new.days_on_site = column(self.days_on_site, [r.days_on_site for r in rows])
        new.hours_online = column(self.hours_online, [r.hours_online for r in rows])
        new.years = column(self.years, [float(r.years) for r in rows])
        new.skill_uris = listed(self.skill_uris, [r.skill_uris for r in rows])
        new.occupation_uris = listed(self.occupation_uris, [r.occupation_uris for r in rows])
        new._languages = listed(self._languages, [r.languages for r in rows])
        touched = np.zeros(size, dtype=bool)
        touched[positions] = True
        kept = ~touched[self.window_position]
        counts = np.fromiter((len(r.windows) for r in rows), dtype=np.int64, count=len(rows))
        spans = np.array([w for r in rows for w in r.windows], dtype=np.int64).reshape(-1, 2)
        owner = np.concatenate([self.window_position[kept], np.repeat(positions, counts)])
        first = np.concatenate([self.window_first[kept], spans[:, 0]])
        last = np.concatenate([self.window_last[kept], spans[:, 1]])
        order = np.lexsort((last, first, owner))  # by position, then as each expert's windows are sorted
        new.window_position, new.window_first, new.window_last = owner[order], first[order], last[order]
        new._ranks = {
            code: column(ranks, [r.languages.get(code, 0) for r in rows])
            for code, ranks in self._ranks.items()
        }
        new._pools = {}
        for key, (mask, query) in self._pools.items():
            if len(pks) > _CHUNK:
                break  # many changes at once: each pool is asked again whole on its next use
            grown = np.concatenate([mask, np.zeros(len(added), dtype=bool)])
            grown[positions] = False
            grown[new.positions_of(query.filter(pk__in=pks.tolist()))] = True
            new._pools[key] = (grown, query)
        new._engine = {}
        for stamp, (entry, skills, codes) in self._engine.items():
            patch = skills_matching.people_matrix(
                [entry.indices(list(r.skill_uris))[0] for r in rows], entry.matcher.n_skills
            ).tocoo()
            keep = np.ones(self.size, dtype=np.float64)
            keep[at] = 0.0
            base = (sp.diags(keep) @ skills).tocsr()
            base.eliminate_zeros()
            base.resize((size, entry.matcher.n_skills))
            placed = sp.csr_matrix(
                (patch.data, (positions[patch.row], patch.col)), shape=(size, entry.matcher.n_skills)
            )
            matrix = (base + placed).tocsr()
            matrix.sort_indices()
            isco = isco_codes(entry.edition_id, {u for r in rows for u in r.occupation_uris})
            new._engine[stamp] = (
                entry,
                matrix,
                column(codes, [_first_code(r.occupation_uris, isco) for r in rows]),
            )
        new._isco = dict(self._isco)
        new._editions = dict(self._editions)
        return new

    def ranks(self, code: str) -> np.ndarray:
        """Each expert's CEFR rank (0 = none) in language ``code``."""
        found = self._ranks.get(code)
        if found is None:
            found = np.fromiter(
                (languages.get(code, 0) for languages in self._languages), dtype=np.int64, count=self.size
            )
            self._ranks[code] = found
        return found

    def positions_of(self, pks: Any) -> np.ndarray:
        """Positions of the ids in ``pks`` that this roster holds."""
        wanted = np.fromiter(pks, dtype=np.int64)
        at = np.searchsorted(self.pks, wanted)
        inside = at < self.size
        at, wanted = at[inside], wanted[inside]
        return at[self.pks[at] == wanted]

    def pool_mask(self, pool: QuerySet[Expert]) -> np.ndarray:
        """Which experts ``pool`` holds. Cached at this revision when the pool's query reads only the
        expert's own columns (its answer then changes only with a change that raises the revision)."""
        query = pool.order_by().values_list("pk", flat=True)
        sql, params = query.query.sql_with_params()
        cacheable = reads_own_columns_only(sql)
        key = (sql, tuple(params))
        if cacheable and key in self._pools:
            return self._pools[key][0]
        mask = np.zeros(self.size, dtype=bool)
        mask[self.positions_of(query)] = True
        if cacheable:
            if len(self._pools) >= _POOLS_KEPT:
                self._pools.clear()
            self._pools[key] = (mask, query)
        return mask

    def available(self, starts_on: date, ends_on: date) -> np.ndarray:
        """Experts with a window overlapping [starts_on, ends_on]."""
        touching = (self.window_first <= ends_on.toordinal()) & (self.window_last >= starts_on.toordinal())
        mask = np.zeros(self.size, dtype=bool)
        mask[self.window_position[touching]] = True
        return mask

    def windows_of(self, position: int) -> list[tuple[date, date]]:
        """The availability windows of the expert at ``position``."""
        first = int(np.searchsorted(self.window_position, position, side="left"))
        last = int(np.searchsorted(self.window_position, position, side="right"))
        return [
            (date.fromordinal(a), date.fromordinal(b))
            for a, b in zip(
                self.window_first[first:last].tolist(), self.window_last[first:last].tolist(), strict=True
            )
        ]

    def overlap_days(self, positions: np.ndarray, starts_on: date, ends_on: date) -> np.ndarray:
        """For each position, the days of [starts_on, ends_on] inside at least one of its windows
        (windows may overlap: counted once)."""
        first_day, last_day = starts_on.toordinal(), ends_on.toordinal()
        wanted = np.zeros(self.size, dtype=bool)
        wanted[positions] = True
        chosen = (
            (self.window_first <= last_day) & (self.window_last >= first_day) & wanted[self.window_position]
        )
        # Each expert's chosen windows, cut to the request's dates, by start: a window counts the days past
        # the furthest any earlier window of the same expert reached (the union, in array operations).
        owner = self.window_position[chosen]
        first = np.maximum(self.window_first[chosen], first_day) - first_day
        last = np.minimum(self.window_last[chosen], last_day) - first_day
        order = np.lexsort((first, owner))
        owner, first, last = owner[order], first[order], last[order]
        span = (
            last_day - first_day + 2
        )  # > any offset: running maxima never cross from one expert to the next
        reached = np.maximum.accumulate(owner * span + last) - owner * span
        before = np.full(len(owner), -1, dtype=np.int64)
        same = np.flatnonzero(owner[1:] == owner[:-1]) + 1
        before[same] = reached[same - 1]
        counted = np.maximum(last - np.maximum(first, before + 1) + 1, 0)
        days = np.bincount(owner, weights=counted, minlength=self.size).astype(np.int64)
        return days[positions]

    def edition_at(self, esco: tuple[int, int] | None) -> tuple[TaxonomyEdition, EditionMatcher] | None:
        """The edition and the skills engine's matcher kept for the key ``esco`` (id, revision), if any."""
        return self._editions.get(esco) if esco is not None else None

    def keep_edition(self, edition: TaxonomyEdition, entry: EditionMatcher) -> None:
        """Keep ``edition`` and its matcher under the skills engine's key, for ``edition_at``."""
        if len(self._editions) >= 8:
            self._editions.clear()
        self._editions[(entry.edition_id, entry.revision)] = (edition, entry)

    def isco_of(self, entry: EditionMatcher, uri: str) -> int:
        """The ISCO code of occupation ``uri`` in the edition ``entry`` (``UNKNOWN`` if none), read once per
        edition and revision: a request's occupation costs no query per shortlist."""
        key = (entry.edition_id, entry.revision, uri)
        found = self._isco.get(key)
        if found is None:
            found = isco_codes(entry.edition_id, {uri}).get(uri, skills_matching.UNKNOWN)
            if len(self._isco) >= _ISCO_KEPT:
                self._isco.clear()
            self._isco[key] = found
        return found

    def engine_arrays(self, entry: EditionMatcher) -> tuple[sp.csr_matrix, np.ndarray]:
        """The people × skills matrix and the ISCO code of each expert's first known occupation, for the
        skills engine's edition ``entry`` (built once per revision and edition)."""
        key = (entry.edition_id, entry.revision)
        found = self._engine.get(key)
        if found is None:
            skills = skills_matching.people_matrix(
                [entry.indices(list(uris))[0] for uris in self.skill_uris], entry.matcher.n_skills
            )
            skills.sort_indices()
            isco = isco_codes(entry.edition_id, {u for uris in self.occupation_uris for u in uris})
            codes = np.array([_first_code(uris, isco) for uris in self.occupation_uris], dtype=np.int64)
            found = (entry, skills, codes)
            self._engine[key] = found
        return found[1], found[2]


def reads_own_columns_only(sql: str) -> bool:
    """Whether a pool's query reads the expert's own row only (no join, no subquery): who it holds then
    changes only with a change that raises the roster's revision."""
    text = sql.upper()
    return text.count("SELECT") == 1 and " JOIN " not in text


def _first_code(uris: tuple[str, ...], isco: dict[str, int]) -> int:
    """The ISCO code of the first occupation in ``uris`` that has one."""
    return next((isco[u] for u in uris if u in isco), skills_matching.UNKNOWN)


def isco_codes(edition_id: int, uris: set[str]) -> dict[str, int]:
    """ISCO code of each occupation URI the edition knows (with a numeric code)."""
    found: dict[str, int] = {}
    listed = sorted(uris)
    for start in range(0, len(listed), _CHUNK):
        for uri, code in Occupation.objects.filter(
            edition_id=edition_id, uri__in=listed[start : start + _CHUNK]
        ).values_list("uri", "isco_code"):
            if code and code.isdigit():
                found[uri] = int(code)
    return found


_current: Roster | None = None
_rows: dict[int, _Row] = {}
_lock = threading.Lock()


def _stamp() -> tuple[int, int, tuple[int, int] | None]:
    """The roster's revision, the highest expert id, and the current ESCO edition's id and revision (the
    skills engine's key), in one statement (one snapshot)."""
    revision_table = connection.ops.quote_name(RosterRevision._meta.db_table)
    expert_table = connection.ops.quote_name(Expert._meta.db_table)
    edition_table = connection.ops.quote_name(TaxonomyEdition._meta.db_table)
    current_esco = f"FROM {edition_table} WHERE taxonomy = %s AND is_current ORDER BY loaded_at DESC LIMIT 1"
    # The names are the models' own table names, quoted; the taxonomy is a parameter; nothing from a user.
    statement = (
        f"SELECT (SELECT value FROM {revision_table} WHERE id = 1), "  # noqa: S608
        f"(SELECT max(id) FROM {expert_table}), (SELECT id {current_esco}), (SELECT revision {current_esco})"
    )
    with connection.cursor() as cursor:
        cursor.execute(statement, ["esco", "esco"])
        revision, top_pk, edition_id, edition_revision = cursor.fetchone()
    esco = None if edition_id is None else (int(edition_id), int(edition_revision or 0))
    return int(revision or 0), int(top_pk or 0), esco


def _load(experts: QuerySet[Expert], into: dict[int, _Row]) -> None:
    """Read the match data of ``experts`` into ``into`` (experts not found there are dropped from it)."""
    fields = (
        "pk",
        "is_eligible",
        "accepts_on_site",
        "accepts_online",
        "accepts_permanent_return",
        "days_on_site_per_year",
        "hours_online_per_week",
        "years_experience",
        "skill_uris",
        "occupation_uris",
    )
    loaded = list(
        experts.order_by()
        .annotate(is_eligible=ExpressionWrapper(ELIGIBLE, output_field=BooleanField()))
        .values_list(*fields)
    )
    ids = [row[0] for row in loaded]
    languages: dict[int, dict[str, int]] = {pk: {} for pk in ids}
    windows: dict[int, list[tuple[int, int]]] = {pk: [] for pk in ids}
    for start in range(0, len(ids), _CHUNK):
        chunk = ids[start : start + _CHUNK]
        for expert_id, code, rank in ExpertLanguage.objects.filter(expert_id__in=chunk).values_list(
            "expert_id", "code", "rank"
        ):
            languages[expert_id][code] = rank
        for expert_id, first, last in AvailabilityWindow.objects.filter(expert_id__in=chunk).values_list(
            "expert_id", "starts_on", "ends_on"
        ):
            windows[expert_id].append((first.toordinal(), last.toordinal()))
    for pk, eligible, on_site, online, permanent, days, hours, years, skills, occupations in loaded:
        into[pk] = _Row(
            bool(eligible),
            (bool(on_site), bool(online), bool(permanent)),
            days,
            hours,
            years,
            tuple(skills or ()),
            tuple(occupations or ()),
            languages[pk],
            tuple(sorted(windows[pk])),
        )


def current() -> Roster:
    """The roster as the database holds it now (one query when nothing changed since this process last
    looked; otherwise the changed experts are reloaded)."""
    return snapshot()[0]


def snapshot() -> tuple[Roster, tuple[int, int] | None]:
    """``current()``, with the current ESCO edition's (id, revision) read in the same query (None when no
    edition is current): a shortlist finds the edition and its matcher in ``Roster.edition_at`` without
    asking the database again."""
    revision, top_pk, esco = _stamp()
    found = _current
    if found is not None and (found.revision, found.top_pk) == (revision, top_pk):
        return found, esco
    return _refreshed(revision, top_pk), esco


def _refreshed(revision: int, top_pk: int) -> Roster:
    global _current
    with _lock:
        found = _current
        if found is not None and (found.revision, found.top_pk) == (revision, top_pk):
            return found
        # Fewer rows or an older revision (a restored backup): nothing to build on, reload whole.
        if found is None or top_pk < found.top_pk or revision < found.revision:
            _rows.clear()
            _load(Expert.objects.all(), _rows)
            _current = Roster(revision, top_pk, _rows)
            return _current
        # Only the experts stamped since (and any id above the highest held) are read, and the arrays are
        # patched at their positions: a write costs each process a few rows, not the whole roster.
        changed: dict[int, _Row] = {}
        _load(Expert.objects.filter(Q(match_revision__gt=found.revision) | Q(pk__gt=found.top_pk)), changed)
        _rows.update(changed)
        patched = found.patched(revision, top_pk, changed)
        _current = patched if patched is not None else Roster(revision, top_pk, _rows)
        return _current


def forget() -> None:
    """Drop this process's roster (the next shortlist reloads it whole): for a row removed from the
    table, which no revision records."""
    global _current
    with _lock:
        _current = None
        _rows.clear()


def warm() -> None:
    """Read the roster and build the current ESCO edition's matrix now: a server does it before forking its
    workers (migdev.gunicorn_conf), so that the workers share the arrays and their first shortlist does not
    read the whole roster (3 s of CPU at 50,000 experts). Nothing happens when no ESCO edition is loaded."""
    from migdev.skills.engine import matcher_for
    from migdev.skills.selectors import current_edition

    edition = current_edition("esco")
    if edition is None:
        return
    entry = matcher_for(edition)
    current().engine_arrays(entry)
    # The credit matrix by column, which every shortlist reads (built once per edition).
    entry.matcher.graph.credit_columns(np.empty(0, dtype=np.int64))
