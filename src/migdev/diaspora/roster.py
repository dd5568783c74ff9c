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
in bulk without a stamp) and rebuilds its arrays. A process therefore never serves a roster older than the
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
from migdev.skills.models import Occupation

# Who may be shortlisted at all; the pool decides whom the caller may consider.
ELIGIBLE = Q(
    status=Expert.Status.ACTIVE,
    consent_processing_at__isnull=False,
    consent_processing_withdrawn_at__isnull=True,
)
MODALITY_COLUMNS = ("on_site", "online", "permanent_return")
_CHUNK = 2000
_POOLS_KEPT = 256


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
        self._pools: dict[tuple[str, tuple[Any, ...]], np.ndarray] = {}
        self._engine: dict[tuple[int, int], tuple[sp.csr_matrix, np.ndarray]] = {}

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
        text = sql.upper()
        cacheable = text.count("SELECT") == 1 and " JOIN " not in text
        key = (sql, tuple(params))
        if cacheable and key in self._pools:
            return self._pools[key]
        mask = np.zeros(self.size, dtype=bool)
        mask[self.positions_of(query)] = True
        if cacheable:
            if len(self._pools) >= _POOLS_KEPT:
                self._pools.clear()
            self._pools[key] = mask
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
        owner = self.window_position[chosen]
        first = np.maximum(self.window_first[chosen], first_day)
        last = np.minimum(self.window_last[chosen], last_day)
        per_owner = np.bincount(owner, minlength=self.size)
        days = np.zeros(self.size, dtype=np.int64)
        alone = per_owner[owner] == 1
        days[owner[alone]] = last[alone] - first[alone] + 1
        for position in np.flatnonzero(per_owner > 1).tolist():
            mine = owner == position
            total, reached = 0, None
            for a, b in sorted(zip(first[mine].tolist(), last[mine].tolist(), strict=True)):
                if reached is not None and a <= reached:
                    a = reached + 1
                if b >= a:
                    total += b - a + 1
                reached = b if reached is None else max(reached, b)
            days[position] = total
        return days[positions]

    def engine_arrays(self, entry: EditionMatcher) -> tuple[sp.csr_matrix, np.ndarray]:
        """The people × skills matrix and the ISCO code of each expert's first known occupation, for the
        skills engine's edition ``entry`` (built once per revision and edition)."""
        key = (entry.edition_id, entry.revision)
        found = self._engine.get(key)
        if found is None:
            skills = skills_matching.people_matrix(
                [entry.indices(list(uris))[0] for uris in self.skill_uris], entry.matcher.n_skills
            )
            isco = isco_codes(entry.edition_id, {u for uris in self.occupation_uris for u in uris})
            codes = np.array(
                [
                    next((isco[u] for u in uris if u in isco), skills_matching.UNKNOWN)
                    for uris in self.occupation_uris
                ],
                dtype=np.int64,
            )
            found = (skills, codes)
            self._engine[key] = found
        return found


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


def _stamp() -> tuple[int, int]:
    """The roster's revision and the highest expert id, in one statement (one snapshot)."""
    revision_table = connection.ops.quote_name(RosterRevision._meta.db_table)
    expert_table = connection.ops.quote_name(Expert._meta.db_table)
    # Both names are the models' own table names, quoted; nothing from a user.
    statement = (
        f"SELECT (SELECT value FROM {revision_table} WHERE id = 1), "  # noqa: S608
        f"(SELECT max(id) FROM {expert_table})"
    )
    with connection.cursor() as cursor:
        cursor.execute(statement)
        revision, top_pk = cursor.fetchone()
    return int(revision or 0), int(top_pk or 0)


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
    global _current
    revision, top_pk = _stamp()
    found = _current
    if found is not None and (found.revision, found.top_pk) == (revision, top_pk):
        return found
    with _lock:
        found = _current
        if found is not None and (found.revision, found.top_pk) == (revision, top_pk):
            return found
        # Fewer rows or an older revision (a restored backup): nothing to build on, reload whole.
        if found is None or top_pk < found.top_pk or revision < found.revision:
            _rows.clear()
            _load(Expert.objects.all(), _rows)
        else:
            changed = Expert.objects.filter(Q(match_revision__gt=found.revision) | Q(pk__gt=found.top_pk))
            _load(changed, _rows)
        _current = Roster(revision, top_pk, _rows)
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
    current().engine_arrays(matcher_for(edition))
