"""The fast shortlist (cached profiles, hard filters in SQL, only skill holders ranked, top N explained) gives
exactly what the plain one gives, on random pools, and sees every committed change."""

from __future__ import annotations

import datetime
import random
from decimal import Decimal

import pytest

from migdev.labour import matching, pool, services
from migdev.labour.models import JobOrder, Worker
from tests.labour.conftest import (
    CARE,
    COOK,
    COOKING,
    HYGIENE,
    INJECTIONS,
    KNIVES,
    MEDICATION,
    NURSE,
    RECORDS,
    START,
    WOUNDS,
    World,
    make_worker,
)

SKILLS = [CARE, MEDICATION, HYGIENE, RECORDS, COOKING, KNIVES]


@pytest.fixture(autouse=True)
def _fresh_profiles() -> None:
    pool.clear()


def _random_pool(world: World, rng: random.Random, size: int) -> list[Worker]:
    workers = []
    border = START.replace(year=START.year - 18)
    for number in range(size):
        born = rng.choice(
            [
                datetime.date(1990, 1, 1) + datetime.timedelta(days=rng.randrange(8000)),
                border + datetime.timedelta(days=rng.randrange(-3, 4)),  # the border month, both sides
                datetime.date(2010, 6, 1),
            ]
        )
        fields = {
            "date_of_birth": born,
            "country_of_residence": rng.choice(["SEN", "SEN", "SEN", "MLI"]),
            "languages": [{"code": "fra", "level": rng.randint(3, 6)}]
            + ([{"code": "eng", "level": rng.randint(1, 6)}] if rng.random() < 0.5 else []),
            "occupation_uris": [rng.choice([NURSE, COOK])],
            "skill_uris": rng.sample(SKILLS, rng.randint(0, 4)),
            "experience_years": rng.randint(0, 12),
            "available_from": datetime.date(2027, 1, 1) + datetime.timedelta(days=rng.randrange(75)),
            "preferred_destinations": rng.choice([[], [], ["BEL"], ["CAN"], ["BEL", "FRA"]]),
        }
        worker = make_worker(world, f"W{number}", **fields)
        if rng.random() < 0.15:
            services.scheme_consent_withdraw(actor=world.pes, worker=worker, scheme=world.scheme)
        if rng.random() < 0.05:
            services.worker_withdraw_consent(actor=world.pes, worker=worker)
        workers.append(worker)
    return workers


def _second_job_order(world: World) -> JobOrder:
    return services.job_order_create(
        actor=world.officer,
        scheme=world.scheme,
        employer=world.employer,
        recruiter=world.recruiter,
        title="Cook",
        occupation_uri=COOK,
        essential_skill_uris=[COOKING, KNIVES],
        optional_skill_uris=[HYGIENE],
        languages=[],
        positions=1,
        place="Liège",
        start_date=START,
        contract_months=6,
        wage_amount=Decimal("1100"),
        wage_currency="EUR",
        wage_period="month",
        hours_per_week=Decimal("38"),
    )


@pytest.mark.parametrize("seed", [1, 2])
def test_fast_shortlist_equals_the_plain_one_on_a_random_pool(world: World, seed: int) -> None:
    rng = random.Random(seed)
    _random_pool(world, rng, 30)
    cook = _second_job_order(world)
    offered = matching.shortlist(world.job_order).candidates
    plain_first = matching.shortlist_unoptimised(world.job_order)
    assert offered == plain_first.candidates, plain_first
    assert offered, "the random pool must put someone on the list"
    services.shortlist_save(actor=world.officer, job_order=world.job_order, worker_ids=[offered[0].worker_id])
    for job_order in (world.job_order, cook):
        for limit in (1, 5, 20):
            fast = matching.shortlist(job_order, limit=limit)
            plain = matching.shortlist_unoptimised(job_order, limit=limit)
            assert fast == plain
    assert matching.shortlist(world.job_order).excluded_before_ranking["already_applicant"] == 1


def test_every_committed_change_reaches_the_cached_profiles(world: World) -> None:
    amina = make_worker(world, "Amina", skill_uris=[CARE])
    binta = make_worker(world, "Binta", skill_uris=[COOKING])
    assert [c.worker_id for c in matching.shortlist(world.job_order).candidates] == [amina.pk]
    services.worker_update(
        actor=world.pes, worker=binta, expected_version=None, skill_uris=[CARE, MEDICATION]
    )
    assert [c.worker_id for c in matching.shortlist(world.job_order).candidates] == [binta.pk, amina.pk]
    newcomer = make_worker(world, "Chloé", skill_uris=[CARE, MEDICATION, RECORDS])
    assert matching.shortlist(world.job_order).candidates[0].worker_id == newcomer.pk
    # what decides whether a worker may be shown is asked of the database, never of the cache
    services.worker_withdraw_consent(actor=world.pes, worker=newcomer)
    services.scheme_consent_withdraw(actor=world.pes, worker=binta, scheme=world.scheme)
    result = matching.shortlist(world.job_order)
    assert [c.worker_id for c in result.candidates] == [amina.pk]
    assert result == matching.shortlist_unoptimised(world.job_order)


def test_a_worker_with_none_of_the_skills_is_left_out_but_counted(world: World) -> None:
    make_worker(world, "Amina", skill_uris=[COOKING])
    result = matching.shortlist(world.job_order)
    assert result.candidates == [] and result.considered == 1
    assert result == matching.shortlist_unoptimised(world.job_order)


def _narrow_rows_from_the_records() -> tuple[set[tuple[object, ...]], set[tuple[object, ...]]]:
    """What ``WorkerEligibility`` and ``SchemeVisibility`` must hold, worked out from the workers' records and
    scheme consents alone."""
    from migdev.labour.models import SchemeConsent

    workers = {
        pk: (given is not None and withdrawn is None, country, month)
        for pk, given, withdrawn, country, month in Worker.objects.values_list(
            "pk",
            "consent_processing_at",
            "consent_processing_withdrawn_at",
            "country_of_residence_id",
            "birth_month",
        )
    }
    eligibility = {(pk, *values) for pk, values in workers.items()}
    visibility = {
        (scheme_id, worker_id, workers[worker_id][1], workers[worker_id][2])
        for worker_id, scheme_id in SchemeConsent.objects.filter(withdrawn_at__isnull=True).values_list(
            "worker_id", "scheme_id"
        )
        if workers[worker_id][0]
    }
    return eligibility, visibility


def _narrow_rows_kept() -> tuple[set[tuple[object, ...]], set[tuple[object, ...]]]:
    from migdev.labour.models import SchemeVisibility, WorkerEligibility

    return (
        set(
            WorkerEligibility.objects.values_list(
                "worker_id", "consenting", "country_of_residence_id", "birth_month"
            )
        ),
        set(
            SchemeVisibility.objects.values_list(
                "scheme_id", "worker_id", "country_of_residence_id", "birth_month"
            )
        ),
    )


def _columns_by_worker(profiles: pool.Profiles) -> dict[int, tuple[object, ...]]:
    """Each worker's cached columns, by worker id and codes (independent of row order and vocabularies)."""
    schemes: dict[int, list[int]] = {}
    for scheme_id, rows in profiles.shown_rows.items():
        for row in rows:
            schemes.setdefault(int(profiles.ids[row]), []).append(scheme_id)
    out = {}
    for row, worker_id in enumerate(profiles.ids.tolist()):
        levels = {
            code: int(profiles.levels[row, column])
            for column, code in enumerate(profiles.languages)
            if profiles.levels[row, column]
        }
        willing = profiles.willing[row]
        out[worker_id] = (
            tuple(profiles.skills[row].indices.tolist()),
            tuple(profiles.skills_by_column[[row], :].nonzero()[1].tolist()),
            int(profiles.isco[row]),
            float(profiles.experience[row]),
            int(profiles.available_from[row]),
            levels,
            sorted(profiles.countries[c] for c in willing.indices[willing.data > 0]),
            bool(profiles.consenting[row]),
            profiles.residences[profiles.residence[row]],
            int(profiles.birth_month[row]),
            sorted(schemes.get(worker_id, [])),
        )
    assert list(profiles.ids) == sorted(out), "rows in ascending worker id"
    return out


def _assert_patched_columns_equal_a_full_read() -> None:
    from migdev.skills.engine import matcher_for
    from migdev.skills.selectors import current_edition

    entry = matcher_for(current_edition("esco"))
    index = entry.skill_index
    patched = pool.profiles(index, len(index), (entry.edition_id, entry.revision, id(index)))
    epoch, version = pool.registry_version()
    full = pool._refreshed(None, epoch, version, index, len(index), "default")
    assert patched.version == full.version
    assert _columns_by_worker(patched) == _columns_by_worker(full)


def test_every_write_path_keeps_the_narrow_rows_and_the_columns_current(world: World) -> None:
    """After each write path, the narrow rows equal what the records say and the shortlist (its columns read
    before the write, so a path that forgets to move the registry version leaves them stale) equals the
    plain one. Removing ``eligibility_refresh`` from any one service makes this fail."""
    rng = random.Random(3)
    workers = _random_pool(world, rng, 12)
    cook = _second_job_order(world)
    young_border = START.replace(year=START.year - 18)
    steps = {
        "register": lambda: make_worker(world, "Newcomer", skill_uris=[CARE, MEDICATION, RECORDS]),
        "edit skills": lambda: services.worker_update(
            actor=world.pes, worker=workers[0], expected_version=None, skill_uris=[CARE, MEDICATION, HYGIENE]
        ),
        "edit residence": lambda: services.worker_update(
            actor=world.pes, worker=workers[1], expected_version=None, country_of_residence="MLI"
        ),
        "edit birth date": lambda: services.worker_update(
            actor=world.pes, worker=workers[2], expected_version=None, date_of_birth=young_border
        ),
        "withdraw consent": lambda: services.worker_withdraw_consent(actor=world.pes, worker=workers[3]),
        "withdraw scheme consent": lambda: services.scheme_consent_withdraw(
            actor=world.pes, worker=workers[4], scheme=world.scheme
        ),
        "give scheme consent again": lambda: services.scheme_consent_give(
            actor=world.pes, worker=workers[4], scheme=world.scheme, method="signed_form"
        ),
        "apply": lambda: services.shortlist_save(
            actor=world.officer,
            job_order=world.job_order,
            worker_ids=[matching.shortlist(world.job_order).candidates[0].worker_id],
        ),
        "delete": lambda: services.worker_delete(
            actor=world.pes, worker=Worker.objects.exclude(applications__isnull=False).order_by("-pk")[0]
        ),
    }
    for name, step in steps.items():
        for job_order in (world.job_order, cook):
            matching.shortlist(job_order)  # the columns as they stand before the write
        before = pool.registry_version()
        step()
        if name != "apply":  # applications are read on every shortlist, never kept in the columns
            assert pool.registry_version() > before, name
        assert _narrow_rows_kept() == _narrow_rows_from_the_records(), name
        # the columns were patched (only the changed workers read again), and equal a full read
        _assert_patched_columns_equal_a_full_read()
        for job_order in (world.job_order, cook):
            assert matching.shortlist(job_order) == matching.shortlist_unoptimised(job_order), name


def test_the_columns_are_read_again_when_another_epoch_starts(world: World) -> None:
    """A database replaced under a running process (a restore, a flush) starts a new epoch: the columns are
    read again even when the version number comes back to the same value."""
    from migdev.labour.models import RegistryVersion

    amina = make_worker(world, "Amina", skill_uris=[CARE])
    assert [c.worker_id for c in matching.shortlist(world.job_order).candidates] == [amina.pk]
    Worker.objects.filter(pk=amina.pk).update(skill_uris=[COOKING])  # behind the services' back...
    RegistryVersion.objects.update(epoch="restored")  # ...as a restore would be
    assert matching.shortlist(world.job_order).candidates == []
    assert matching.shortlist(world.job_order) == matching.shortlist_unoptimised(world.job_order)


def test_a_write_reads_again_only_the_changed_workers(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    """With the columns warm, one worker's edit reads one profile (not the registry) and patches the arrays;
    a deletion reads the ids to find who is gone."""
    rng = random.Random(5)
    workers = _random_pool(world, rng, 10)
    matching.shortlist(world.job_order)
    built: list[int] = []
    real_build = pool._build

    def counting_build(*args: object, **kwargs: object) -> pool.Profiles:
        built.append(len(args[2]))  # type: ignore[arg-type]
        return real_build(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(pool, "_build", counting_build)
    services.worker_update(actor=world.pes, worker=workers[0], expected_version=None, skill_uris=[CARE])
    assert matching.shortlist(world.job_order) == matching.shortlist_unoptimised(world.job_order)
    assert built == [1]
    services.worker_delete(actor=world.pes, worker=workers[1])
    assert matching.shortlist(world.job_order) == matching.shortlist_unoptimised(world.job_order)
    assert built == [1, 0]
    _assert_patched_columns_equal_a_full_read()


@pytest.mark.parametrize("seed", [11, 12, 13])
def test_the_prerank_in_the_jobs_skill_space_gives_the_plain_shortlist(
    skill_links: object, world: World, seed: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Small limits, so the pre-ranking in the job's own skill space (then the engine on the near ones only)
    is what answers; it must give exactly the plain shortlist, and it must have answered. Some workers hold
    only a related or a narrower skill (credited through the graph)."""
    rng = random.Random(seed)
    _random_pool(world, rng, 30)
    for number in range(6):
        make_worker(
            world,
            f"Linked{number}",
            skill_uris=rng.sample([WOUNDS, INJECTIONS, CARE, COOKING], rng.randint(1, 2)),
            experience_years=rng.randint(0, 9),
        )
    cook = _second_job_order(world)
    answered: list[bool] = []
    real = matching._ranked_in_job_space

    def spy(*args: object, **kwargs: object) -> object:
        found = real(*args, **kwargs)  # type: ignore[arg-type]
        answered.append(found is not None)
        return found

    monkeypatch.setattr(matching, "_ranked_in_job_space", spy)
    for job_order in (world.job_order, cook):
        for limit in (1, 2, 3, 5):
            assert matching.shortlist(job_order, limit=limit) == matching.shortlist_unoptimised(
                job_order, limit=limit
            ), (job_order.title, limit)
    assert any(answered), "the pre-ranking never answered: the test no longer covers it"
