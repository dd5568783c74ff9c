"""The shortlist (hard requirements over the roster cached per revision, the skills engine over those who
meet them, the top N explained, exclusions counted per requirement) gives exactly what the earlier all-in-Python shortlist gave:
same experts, order, scores, sub-scores, skills, days of overlap, and the same counts of experts left out
per requirement. The earlier algorithm is kept here, in ``old_matching``, as the oracle.

Pools are drawn with fixed seeds so that boundaries are hit often: levels on both sides of the required
one, windows ending the day a request starts, days on site equal to the duration, no hours online,
withdrawn consent, deleted accounts, profiles edited after registration."""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import Any

import pytest
from django.utils import timezone

from migdev.diaspora import access, matching, services
from migdev.diaspora.models import LEVEL_RANK, Expert, ExpertLanguage, Request
from tests.diaspora import old_matching
from tests.diaspora.conftest import (
    EPIDEMIOLOGIST,
    SKILLS,
    SOFTWARE_DEVELOPER,
    World,
)

pytestmark = pytest.mark.django_db

DAY0 = date(2027, 3, 1)
LEVELS = list(LEVEL_RANK)
LANGUAGES = ["fr", "en", "ar"]
MODALITIES = ["on_site", "online", "permanent_return"]


def _day(rng: random.Random) -> date:
    return DAY0 + timedelta(days=rng.randint(0, 40))


def _windows(rng: random.Random) -> list[tuple[date, date]]:
    windows = []
    for _ in range(rng.choice([0, 1, 1, 2, 3])):
        first = _day(rng)
        windows.append((first, first + timedelta(days=rng.choice([0, 3, 10, 25]))))
    return windows


def _expert_values(rng: random.Random) -> dict[str, Any]:
    return {
        "given_name": "Sample",
        "country_of_origin": "SEN",
        "country_of_residence": rng.choice(["FRA", "ITA"]),
        # Each language once (the profile service refuses a language listed twice).
        "languages": [
            {"code": code, "level": rng.choice(LEVELS)} for code in rng.sample(LANGUAGES, rng.randint(0, 3))
        ],
        "occupation_uris": rng.sample([EPIDEMIOLOGIST, SOFTWARE_DEVELOPER], rng.randint(0, 1)),
        "skill_uris": rng.sample(sorted(SKILLS), rng.randint(0, 4)),
        "years_experience": rng.randint(0, 20),
        "days_on_site_per_year": rng.choice([0, 10, 20, 21, 30, 366]),
        "hours_online_per_week": rng.choice([0, 0, 1, 5]),
        "modalities": rng.sample(MODALITIES, rng.randint(0, 3)),
    }


def _pool(world: World, rng: random.Random, size: int) -> None:
    experts = [
        services.expert_create(
            actor=None, values=_expert_values(rng), group=world.programme, windows=_windows(rng)
        )
        for _ in range(size)
    ]
    # Profiles edited after registration (the columns the SQL filters read must follow).
    for expert in rng.sample(experts, size // 5):
        values = _expert_values(rng)
        services.expert_update(
            actor=world.officer,
            expert=expert,
            expected_version=expert.version,
            values={"languages": values["languages"], "modalities": values["modalities"]},
            windows=_windows(rng) if rng.random() < 0.5 else None,
        )
    now = timezone.now()
    withdrawn = [e.pk for e in rng.sample(experts, size // 10)]
    Expert.objects.filter(pk__in=withdrawn).update(consent_processing_withdrawn_at=now)
    deleted = [e.pk for e in rng.sample(experts, size // 10)]
    Expert.objects.filter(pk__in=deleted).update(status=Expert.Status.DELETED)
    # These two writes bypass the services (to reach states quickly), so they raise the revision as the
    # services do; tests/diaspora/test_roster_cache.py checks each service does it.
    services.roster_changed(withdrawn + deleted)


def _requests(world: World, rng: random.Random, count: int) -> list[Request]:
    rows = []
    for n in range(count):
        starts = _day(rng)
        duration = rng.choice([10, 20, 21, 30])
        rows.append(
            world.request_row(
                title=f"Request {n}",
                skill_uris=rng.sample(sorted(SKILLS), rng.randint(0, 3)),
                occupation_uri=rng.choice([EPIDEMIOLOGIST, SOFTWARE_DEVELOPER]),
                modality=MODALITIES[n % 3],
                duration_days=duration,
                starts_on=starts,
                ends_on=starts + timedelta(days=rng.choice([0, 5, 20])),
                language=rng.choice(LANGUAGES),
                language_level=rng.choice(LEVELS),
                years_experience_wanted=rng.choice([0, 5, 10]),
            )
        )
    return rows


def _old(row: Request, pool: Any, limit: int) -> tuple[list[tuple[Any, ...]], int, int, dict[str, int]]:
    result = old_matching.shortlist(row, old_matching.load_pool(pool), limit=limit)
    counts: dict[str, int] = {}
    for item in result.excluded:
        for reason in item.reasons:
            counts[reason] = counts.get(reason, 0) + 1
    return [_seen(c) for c in result.candidates], result.considered, len(result.excluded), counts


def _new(row: Request, pool: Any, limit: int) -> tuple[list[tuple[Any, ...]], int, int, dict[str, int]]:
    result = matching.shortlist(row, pool, limit=limit)
    assert all(isinstance(c.expert, Expert) for c in result.candidates)
    return [_seen(c) for c in result.candidates], result.considered, result.excluded_total, result.excluded


def _seen(candidate: Any) -> tuple[Any, ...]:
    return (
        candidate.expert.pk,
        candidate.score,
        candidate.parts,
        candidate.matched_skills,
        candidate.missing_skills,
        candidate.overlap_days,
        candidate.notes,
    )


def _compare(world: World, rows: list[Request]) -> int:
    pools = {
        "officer": lambda: access.experts_visible_to(world.officer),
        "host": lambda: Expert.objects.filter(group=world.programme, status=Expert.Status.ACTIVE),
        "everyone, deleted included": lambda: Expert.objects.all(),
    }
    shortlisted = 0
    for row in rows:
        for name, pool in pools.items():
            for limit in (3, 1000):
                expected = _old(row, pool(), limit)
                assert _new(row, pool(), limit) == expected, (row.pk, name, limit)
                shortlisted += len(expected[0])
    return shortlisted


@pytest.mark.parametrize("seed", [12, 2006])
def test_the_sql_shortlist_equals_the_python_one(world: World, esco: object, seed: int) -> None:
    rng = random.Random(seed)
    _pool(world, rng, 45)
    rows = _requests(world, rng, 12)
    shortlisted = _compare(world, rows)
    # The draw must exercise both sides: experts shortlisted and experts left out for each reason.
    assert shortlisted > 20
    reasons = set()
    for row in rows:
        reasons |= set(matching.shortlist(row, Expert.objects.all()).excluded)
    assert reasons == set(matching.EXCLUSION_REASONS)


def test_without_a_taxonomy_the_sql_shortlist_equals_the_python_one(world: World) -> None:
    rng = random.Random(7)
    _pool(world, rng, 30)
    assert _compare(world, _requests(world, rng, 6)) > 5


def test_the_filter_columns_follow_every_write_of_languages_and_modalities(world: World) -> None:
    user_expert = world.expert(
        languages=[
            {"code": "FR", "level": "C1"},
            {"code": "en", "level": "A2"},
        ],
        modalities=["online"],
    )
    assert set(ExpertLanguage.objects.filter(expert=user_expert).values_list("code", "rank")) == {
        ("fr", 5),
        ("en", 2),
    }
    assert (user_expert.__class__.objects.filter(pk=user_expert.pk, accepts_online=True)).exists()
    services.expert_update(
        actor=world.officer,
        expert=user_expert,
        expected_version=user_expert.version,
        values={"languages": [{"code": "ar", "level": "C2"}], "modalities": ["on_site", "permanent_return"]},
    )
    stored = Expert.objects.get(pk=user_expert.pk)
    assert (stored.accepts_on_site, stored.accepts_online, stored.accepts_permanent_return) == (
        True,
        False,
        True,
    )
    assert set(ExpertLanguage.objects.filter(expert=user_expert).values_list("code", "rank")) == {("ar", 6)}
    services.expert_delete_account(actor=user_expert.user, expert=stored)
    assert not ExpertLanguage.objects.filter(expert=user_expert).exists()
