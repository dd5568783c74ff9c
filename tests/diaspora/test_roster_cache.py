"""The roster each process keeps for shortlists (``migdev.diaspora.roster``) follows every write a shortlist
reads, whichever process wrote it: each write path raises the roster's revision and stamps the expert, and
the next shortlist (cache warm before the write) equals the earlier all-in-Python shortlist computed from
the database (``old_matching``). A write path that forgets ``refresh_match_columns`` leaves the revision
where it was (first assertion) and the cached roster stale (second)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import numpy as np
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from migdev.diaspora import access, matching, roster, services
from migdev.diaspora.models import Expert, Request, RosterRevision
from tests.diaspora.conftest import PUBLIC_HEALTH, World
from tests.diaspora.test_shortlist_equivalence import _new, _old

pytestmark = pytest.mark.django_db


def _revision() -> int:
    return RosterRevision.objects.get(pk=1).value


def _same_as_the_database(world: World, row: Request) -> None:
    for pool in (
        lambda: access.experts_visible_to(world.officer),
        lambda: Expert.objects.filter(group=world.programme, status=Expert.Status.ACTIVE),
    ):
        for limit in (1, 20):
            assert _new(row, pool(), limit) == _old(row, pool(), limit)


def _same_as_a_full_build() -> None:
    """The roster this process patched equals one built whole from the database: every array, the cached
    language ranks and pools, and the skills engine's matrix and ISCO codes."""
    patched = roster.current()
    rows: dict[int, Any] = {}
    roster._load(Expert.objects.all(), rows)
    whole = roster.Roster(patched.revision, patched.top_pk, rows)
    for name in (
        "pks",
        "eligible",
        "days_on_site",
        "hours_online",
        "years",
        "window_position",
        "window_first",
        "window_last",
    ):
        assert np.array_equal(getattr(patched, name), getattr(whole, name)), name
    for name in roster.MODALITY_COLUMNS:
        assert np.array_equal(patched.accepts[name], whole.accepts[name]), name
    assert patched.skill_uris == whole.skill_uris and patched.occupation_uris == whole.occupation_uris
    assert patched._ranks, "the language ranks were derived before the write"
    for code, ranks in patched._ranks.items():
        assert np.array_equal(ranks, whole.ranks(code)), code
    assert patched._pools, "the pools were cached before the write"
    for mask, query in patched._pools.values():
        assert np.array_equal(mask, whole.pool_mask(query)), query
    assert patched._engine, "the engine's matrix was built before the write"
    for entry, skills, codes in patched._engine.values():
        full_skills, full_codes = whole.engine_arrays(entry)
        assert np.array_equal(codes, full_codes)
        assert skills.shape == full_skills.shape
        assert np.array_equal(skills.indptr, full_skills.indptr)
        assert np.array_equal(skills.indices, full_skills.indices)
        assert np.array_equal(skills.data, full_skills.data)


def _patched_only(monkeypatch: pytest.MonkeyPatch) -> roster.Roster:
    """The next roster, which must be patched from the one before: building one whole is refused."""

    def whole(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("the roster was built whole again after a write of one expert")

    with monkeypatch.context() as scope:
        scope.setattr(roster.Roster, "__init__", whole)
        return roster.current()


def _reads(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """How many expert rows each roster read loads from now on."""
    loaded: list[int] = []
    read = roster._load

    def counted(experts: Any, into: dict[int, Any]) -> None:
        fresh: dict[int, Any] = {}
        read(experts, fresh)
        loaded.append(len(fresh))
        into.update(fresh)

    monkeypatch.setattr(roster, "_load", counted)
    return loaded


def _update(world: World, **values: Any) -> Callable[[Expert], Any]:
    windows = values.pop("windows", None)

    def write(expert: Expert) -> Any:
        return services.expert_update(
            actor=world.officer,
            expert=expert,
            expected_version=Expert.objects.get(pk=expert.pk).version,
            values=values,
            windows=windows,
        )

    return write


def _withdraw(expert: Expert) -> Any:
    return services.expert_withdraw_processing_consent(actor=expert.user, expert=expert)


def _delete(expert: Expert) -> Any:
    return services.expert_delete_account(actor=expert.user, expert=Expert.objects.get(pk=expert.pk))


WRITES: dict[str, Callable[[World], Callable[[Expert], Any]]] = {
    "edit (skills, experience)": lambda world: _update(world, skill_uris=[PUBLIC_HEALTH], years_experience=1),
    "language change": lambda world: _update(world, languages=[{"code": "fr", "level": "A2"}]),
    "modality change": lambda world: _update(world, modalities=["online"]),
    "availability change": lambda world: _update(world, windows=[(date(2028, 1, 1), date(2028, 2, 1))]),
    "days on site": lambda world: _update(world, days_on_site_per_year=5),
    "consent withdrawn": lambda world: _withdraw,
    "account deleted": lambda world: _delete,
}


@pytest.mark.parametrize("path", list(WRITES))
def test_every_write_path_raises_the_revision_and_the_cached_roster_follows(
    world: World, esco: object, path: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    row = world.request_row()
    world.expert(given_name="First", languages=[{"code": "en", "level": "C2"}])
    changed = world.expert()
    world.expert(given_name="Other", skill_uris=[PUBLIC_HEALTH])
    _same_as_the_database(world, row)  # the cache is warm, and right
    before = matching.shortlist(row, access.experts_visible_to(world.officer))
    assert changed.pk in [c.expert.pk for c in before.candidates]
    revision = _revision()

    WRITES[path](world)(changed)

    assert _revision() > revision, f"{path} did not raise the roster's revision"
    assert Expert.objects.get(pk=changed.pk).match_revision == _revision()
    loaded = _reads(monkeypatch)
    _patched_only(monkeypatch)
    assert loaded == [1], f"{path}: the roster read {loaded} rows (only the changed expert is read again)"
    _same_as_a_full_build()
    _same_as_the_database(world, row)
    after = matching.shortlist(row, access.experts_visible_to(world.officer))
    assert after != before  # each write changes what the shortlist shows, so a stale cache shows


def test_a_new_expert_raises_the_revision_and_joins_the_cached_roster(
    world: World, esco: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    row = world.request_row()
    world.expert()
    world.expert(given_name="Second", windows=[(date(2027, 3, 5), date(2027, 3, 20))])
    _same_as_the_database(world, row)
    revision = _revision()
    added = world.expert(given_name="New", windows=[(date(2027, 4, 1), date(2027, 4, 9))])
    assert _revision() > revision
    assert Expert.objects.get(pk=added.pk).match_revision == _revision()
    loaded = _reads(monkeypatch)
    assert _patched_only(monkeypatch).size == 3
    assert loaded == [1], loaded
    _same_as_a_full_build()
    _same_as_the_database(world, row)
    assert added.pk in [
        c.expert.pk for c in matching.shortlist(row, access.experts_visible_to(world.officer)).candidates
    ]


def test_an_unchanged_roster_is_read_once_per_process(world: World, esco: object) -> None:
    row = world.request_row()
    world.expert()
    pool = access.experts_visible_to(world.officer)
    matching.shortlist(row, pool)
    with CaptureQueriesContext(connection) as queries:
        matching.shortlist(row, access.experts_visible_to(world.officer))
    expert_reads = [
        q["sql"]
        for q in queries.captured_queries
        if 'FROM "diaspora_expert"' in q["sql"] and "skill_uris" in q["sql"]
    ]
    # Only the top candidates are loaded (one query), never the pool's profiles, and never an encrypted field.
    assert len(expert_reads) == 1, expert_reads
    assert "given_name" not in expert_reads[0] and "email" not in expert_reads[0]
    assert len(queries.captured_queries) <= 8


@pytest.mark.parametrize("load_experts", [True, False], ids=["rows loaded", "ids only (kept answers)"])
def test_a_row_removed_outright_is_dropped_from_the_cached_roster(
    world: World, esco: object, load_experts: bool
) -> None:
    row = world.request_row()
    gone = world.expert()
    kept = world.expert(given_name="Kept")
    matching.shortlist(row, Expert.objects.all())
    # A removal no service makes (no revision raised): the shortlist notices the row is missing and reloads.
    Expert.objects.filter(pk=gone.pk).update(user=None)
    gone.delete()
    found = matching.shortlist(row, Expert.objects.all(), load_experts=load_experts)
    assert [c.expert.pk for c in found.candidates] == [kept.pk]
    assert roster.current().size == 1


def test_a_server_warms_the_roster_before_its_workers_fork(
    world: World, esco: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    """migdev.gunicorn_conf reads the roster and builds the edition's matrix in the master: a worker's first
    shortlist then reads no expert profile (3 s of CPU at 50,000 experts otherwise)."""
    from migdev import gunicorn_conf

    row = world.request_row()
    world.expert()
    roster.forget()
    monkeypatch.setattr("django.db.connections.close_all", lambda: None)  # the test's own connection
    gunicorn_conf.when_ready(server=None)

    def no_reload(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("the warmed roster was read again")

    monkeypatch.setattr(roster, "_load", no_reload)
    warmed = roster.current()
    assert warmed.top_pk > 0 and warmed._engine, "the edition's matrix is built before the fork"
    matching.shortlist(row, access.experts_visible_to(world.officer))
