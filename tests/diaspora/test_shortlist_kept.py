"""The shortlist kept in the database (ADR 0014): served again while nothing it was computed from changed, and
computed again after any change a service makes to an expert (skills, consent, availability), a new expert,
the request, or the country's priority sectors. Every answer is compared with the shortlist computed on the
spot. What a host sees of an expert is read when the shortlist is read, never kept."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.test import Client, override_settings

from migdev.accounts.services import api_token_create
from migdev.core.models import KeptAnswer
from migdev.diaspora import access, matching, roster, services
from migdev.diaspora.models import Expert, Request
from tests.diaspora.conftest import EPIDEMIOLOGY, PUBLIC_HEALTH, World

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_roster() -> None:
    roster.forget()


class Counting:
    """``matching.shortlist`` counted: how often the kept answer was not used."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.calls = 0
        self.real = matching.shortlist

        def counted(*args: Any, **kwargs: Any) -> matching.Shortlist:
            self.calls += 1
            return self.real(*args, **kwargs)

        monkeypatch.setattr(matching, "shortlist", counted)


@pytest.fixture
def counting(monkeypatch: pytest.MonkeyPatch) -> Counting:
    return Counting(monkeypatch)


def _pool(world: World) -> Any:
    return access.experts_visible_to(world.officer)


def _seen(candidates: list[Any]) -> list[tuple[Any, ...]]:
    return [
        (c.expert.pk, c.score, c.parts, c.matched_skills, c.missing_skills, c.overlap_days)
        for c in candidates
    ]


def _kept(world: World, row: Request) -> dict[str, Any]:
    row = Request.objects.select_related("host").get(pk=row.pk)
    return matching.shortlist_kept(row, _pool(world))


def _same_as_computed(world: World, row: Request, counting: Counting) -> dict[str, Any]:
    kept = _kept(world, row)
    row = Request.objects.select_related("host").get(pk=row.pk)
    fresh = counting.real(row, _pool(world))
    assert [
        (
            c["expert_id"],
            c["score"],
            c["parts"],
            c["matched_skills"],
            c["missing_skills"],
            c["overlap_days"],
        )
        for c in kept["candidates"]
    ] == _seen(fresh.candidates)
    assert (kept["considered"], kept["excluded"], kept["priority_sector"]) == (
        fresh.considered,
        fresh.excluded,
        fresh.priority_sector,
    )
    return kept


def _ids(body: dict[str, Any]) -> list[int]:
    return [c["expert_id"] for c in body["candidates"]]


@pytest.fixture
def experts(world: World, esco: object) -> list[Expert]:
    return [
        world.expert(),
        world.expert(given_name="Moussa", email="moussa@example.org", skill_uris=[PUBLIC_HEALTH]),
    ]


def test_kept_until_an_input_changes(world: World, experts: list[Expert], counting: Counting) -> None:
    row = world.request_row()
    first = _same_as_computed(world, row, counting)
    assert set(_ids(first)) == {e.pk for e in experts}
    calls = counting.calls
    assert _kept(world, row) == first
    assert counting.calls == calls
    assert KeptAnswer.objects.filter(kind=matching.KEPT_KIND, subject_id=row.pk).count() == 1


def test_a_skill_change_is_seen(world: World, experts: list[Expert], counting: Counting) -> None:
    row = world.request_row()
    before = _kept(world, row)
    moussa = Expert.objects.get(pk=experts[1].pk)
    services.expert_update(
        actor=world.officer,
        expert=moussa,
        expected_version=moussa.version,
        values={"skill_uris": [EPIDEMIOLOGY, PUBLIC_HEALTH]},
    )
    after = _same_as_computed(world, row, counting)
    assert after != before


def test_a_withdrawn_consent_is_seen(world: World, experts: list[Expert], counting: Counting) -> None:
    row = world.request_row()
    _kept(world, row)
    assert experts[0].user is not None
    services.expert_withdraw_processing_consent(actor=experts[0].user, expert=experts[0])
    after = _same_as_computed(world, row, counting)
    assert experts[0].pk not in _ids(after)


def test_a_change_of_availability_is_seen(world: World, experts: list[Expert], counting: Counting) -> None:
    row = world.request_row()
    _kept(world, row)
    aminata = Expert.objects.get(pk=experts[0].pk)
    services.expert_update(
        actor=world.officer,
        expert=aminata,
        expected_version=aminata.version,
        values={},
        windows=[(date(2028, 1, 1), date(2028, 2, 1))],
    )
    after = _same_as_computed(world, row, counting)
    assert aminata.pk not in _ids(after)


def test_a_new_expert_is_seen(world: World, experts: list[Expert], counting: Counting) -> None:
    row = world.request_row()
    _kept(world, row)
    newcomer = world.expert(given_name="Fatou", email="fatou@example.org")
    assert newcomer.pk in _ids(_same_as_computed(world, row, counting))


def test_a_change_of_the_request_is_seen(world: World, experts: list[Expert], counting: Counting) -> None:
    row = world.request_row(approve=False)
    before = _kept(world, row)
    services.request_update(
        actor=world.host_user, row=row, expected_version=row.version, values={"skill_uris": [PUBLIC_HEALTH]}
    )
    assert _same_as_computed(world, row, counting) != before


def test_a_new_priority_sector_is_seen(world: World, experts: list[Expert], counting: Counting) -> None:
    row = world.request_row()
    assert _kept(world, row)["priority_sector"] is False
    services.priority_sector_set(actor=world.office_user, office=world.office, sectors=["health"])
    assert _same_as_computed(world, row, counting)["priority_sector"] is True


def test_what_a_host_sees_is_read_with_the_shortlist(world: World, experts: list[Expert]) -> None:
    """A kept shortlist holds no shared field: the host sees each expert's sharing as it is now, the officer
    none of it."""
    row = world.request_row()
    aminata = experts[0]
    tokens = {}
    for name, user in (("officer", world.officer), ("host", world.host_user)):
        tokens[name] = api_token_create(user=user, name="kept")[1]

    def shortlist(name: str) -> dict[str, Any]:
        response = Client().get(
            f"/api/v1/diaspora/requests/{row.pk}/shortlist", HTTP_AUTHORIZATION=f"Bearer {tokens[name]}"
        )
        assert response.status_code == 200
        return {c["reference"]: c["shared"] for c in response.json()["candidates"]}

    assert shortlist("officer")[aminata.reference] == {}
    assert aminata.user is not None
    services.expert_set_sharing(
        actor=aminata.user,
        expert=Expert.objects.get(pk=aminata.pk),
        expected_version=Expert.objects.get(pk=aminata.pk).version,
        public_entry=False,
        public_fields=[],
        host_fields=["years_experience"],
    )
    assert shortlist("host")[aminata.reference] == {"years_experience": 12}
    assert shortlist("officer")[aminata.reference] == {}
    assert "Aminata" not in str(shortlist("host"))
    kept = KeptAnswer.objects.filter(kind=matching.KEPT_KIND, subject_id=row.pk)
    assert kept.count() == 2  # the officer's pool and the host's
    assert all("years_experience" not in k.body and "Aminata" not in k.body for k in kept)


@override_settings(KEPT_ANSWERS=False)
def test_switched_off_nothing_is_kept(world: World, experts: list[Expert], counting: Counting) -> None:
    row = world.request_row()
    assert _kept(world, row) == _kept(world, row)
    assert counting.calls == 2
    assert not KeptAnswer.objects.exists()
