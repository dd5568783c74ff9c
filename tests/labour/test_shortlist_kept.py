"""The shortlist kept in the database (ADR 0014): served again while nothing it was computed from changed, and
computed again after any change a service makes to a worker, a consent, the job order, its scheme or its
applicants. Every answer is compared with the shortlist computed on the spot."""

from __future__ import annotations

import datetime
from dataclasses import asdict
from typing import Any

import pytest
from django.test import Client, override_settings

from migdev.accounts.services import api_token_create
from migdev.core.models import KeptAnswer
from migdev.labour import matching, pool, services
from migdev.labour.models import JobOrder, Worker
from tests.labour.conftest import CARE, HYGIENE, MEDICATION, RECORDS, World, make_worker


@pytest.fixture(autouse=True)
def _fresh_profiles() -> None:
    pool.clear()


class Counting:
    """``matching.shortlist`` counted: how often the kept answer was not used."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.calls = 0
        real = matching.shortlist

        def counted(job_order: JobOrder, *, limit: int = 20) -> matching.Shortlist:
            self.calls += 1
            return real(job_order, limit=limit)

        monkeypatch.setattr(matching, "shortlist", counted)
        self.real = real


def _fresh(job_order: JobOrder, counting: Counting, limit: int = 20) -> list[dict[str, Any]]:
    job_order = JobOrder.objects.select_related("scheme").get(pk=job_order.pk)
    return [asdict(c) for c in counting.real(job_order, limit=limit).candidates]


def _kept(job_order: JobOrder, limit: int = 20) -> list[dict[str, Any]]:
    job_order = JobOrder.objects.select_related("scheme").get(pk=job_order.pk)
    candidates: list[dict[str, Any]] = matching.shortlist_kept(job_order, limit=limit)["candidates"]
    return candidates


@pytest.fixture
def counting(monkeypatch: pytest.MonkeyPatch) -> Counting:
    return Counting(monkeypatch)


@pytest.fixture
def workers(world: World) -> list[Worker]:
    return [
        make_worker(world, "Amina"),
        make_worker(world, "Binta", skill_uris=[CARE]),
        make_worker(world, "Coumba", skill_uris=[MEDICATION, HYGIENE]),
    ]


def test_kept_until_an_input_changes(world: World, workers: list[Worker], counting: Counting) -> None:
    first = _kept(world.job_order)
    assert counting.calls == 1
    assert first == _fresh(world.job_order, counting)
    assert {c["pseudonym"] for c in first} == {w.pseudonym for w in workers}
    assert _kept(world.job_order) == first
    assert counting.calls == 1
    assert KeptAnswer.objects.filter(kind=matching.KEPT_KIND, subject_id=world.job_order.pk).count() == 1
    # Another limit is another answer.
    assert _kept(world.job_order, limit=1) == _fresh(world.job_order, counting, limit=1)
    assert counting.calls == 2


def _names(candidates: list[dict[str, Any]]) -> list[str]:
    return [c["pseudonym"] for c in candidates]


def test_a_skill_change_is_seen(world: World, workers: list[Worker], counting: Counting) -> None:
    before = _kept(world.job_order)
    binta = workers[1]
    services.worker_update(
        actor=world.pes, worker=binta, expected_version=binta.version, skill_uris=[RECORDS]
    )
    after = _kept(world.job_order)
    assert after != before
    assert after == _fresh(world.job_order, counting)


def test_a_withdrawn_scheme_consent_is_seen(world: World, workers: list[Worker], counting: Counting) -> None:
    _kept(world.job_order)
    services.scheme_consent_withdraw(actor=world.pes, worker=workers[0], scheme=world.scheme)
    after = _kept(world.job_order)
    assert workers[0].pseudonym not in _names(after)
    assert after == _fresh(world.job_order, counting)


def test_a_later_availability_is_seen(world: World, workers: list[Worker], counting: Counting) -> None:
    _kept(world.job_order)
    amina = workers[0]
    services.worker_update(
        actor=world.pes,
        worker=amina,
        expected_version=amina.version,
        available_from=datetime.date(2031, 1, 1),
    )
    after = _kept(world.job_order)
    assert amina.pseudonym not in _names(after)
    assert after == _fresh(world.job_order, counting)


def test_a_new_worker_is_seen(world: World, workers: list[Worker], counting: Counting) -> None:
    _kept(world.job_order)
    newcomer = make_worker(world, "Dieynaba")
    after = _kept(world.job_order)
    assert newcomer.pseudonym in _names(after)
    assert after == _fresh(world.job_order, counting)


def test_a_job_order_change_is_seen(world: World, workers: list[Worker], counting: Counting) -> None:
    before = _kept(world.job_order)
    job_order = JobOrder.objects.get(pk=world.job_order.pk)
    services.job_order_update(
        actor=world.officer,
        job_order=job_order,
        expected_version=job_order.version,
        essential_skill_uris=[HYGIENE],
    )
    after = _kept(world.job_order)
    assert after != before
    assert after == _fresh(world.job_order, counting)


def test_a_scheme_change_is_seen(world: World, workers: list[Worker], counting: Counting) -> None:
    assert _kept(world.job_order)
    services.scheme_update(
        actor=world.officer,
        scheme=world.scheme,
        expected_version=world.scheme.version,
        origin_countries=["MLI"],
    )
    assert _kept(world.job_order) == [] == _fresh(world.job_order, counting)


def test_a_new_applicant_is_seen(world: World, workers: list[Worker], counting: Counting) -> None:
    _kept(world.job_order)
    job_order = JobOrder.objects.select_related("scheme").get(pk=world.job_order.pk)
    services.shortlist_save(actor=world.officer, job_order=job_order, worker_ids=[workers[0].pk])
    after = _kept(world.job_order)
    assert workers[0].pseudonym not in _names(after)
    assert after == _fresh(world.job_order, counting)


def test_worker_ids_reach_the_officer_only(world: World, workers: list[Worker]) -> None:
    """The kept answer holds every worker id; the API gives them to those who keep the shortlist only."""
    answers = {}
    for name, user in (("officer", world.officer), ("employer", world.employer_user)):
        _token, raw = api_token_create(user=user, name="kept")
        for _ in range(2):  # computed, then kept
            response = Client().get(
                f"/api/v1/labour/job-orders/{world.job_order.pk}/shortlist",
                HTTP_AUTHORIZATION=f"Bearer {raw}",
            )
            assert response.status_code == 200
            answers[name] = response.json()["candidates"]
    assert answers["officer"] and all(c["worker_id"] for c in answers["officer"])
    assert answers["employer"] and all(c["worker_id"] is None for c in answers["employer"])
    assert "Amina" not in str(answers["employer"])


@override_settings(KEPT_ANSWERS=False)
def test_switched_off_nothing_is_kept(world: World, workers: list[Worker], counting: Counting) -> None:
    assert _kept(world.job_order) == _kept(world.job_order)
    assert counting.calls == 2
    assert not KeptAnswer.objects.exists()
