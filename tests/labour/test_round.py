import datetime
import itertools
import json
from decimal import Decimal

from django.test import Client

from migdev.labour import services
from migdev.labour.matching import scheme_round, shortlist
from migdev.labour.models import JobOrder
from tests.factories import login_verified
from tests.labour.conftest import COOK, COOKING, HYGIENE, KNIVES, START, World, make_worker


def _cook_order(world: World) -> JobOrder:
    job_order = services.job_order_create(
        actor=world.officer,
        scheme=world.scheme,
        employer=world.employer,
        title="Cook",
        occupation_uri=COOK,
        essential_skill_uris=[COOKING, KNIVES, HYGIENE],
        languages=[{"code": "fra", "level": 3}],
        positions=1,
        place="Namur",
        start_date=START,
        contract_months=6,
        wage_amount=Decimal("1500"),
        wage_currency="EUR",
        wage_period="month",
        hours_per_week=Decimal("38"),
    )
    for order in (job_order, world.job_order):
        services.job_order_set_approval(actor=world.officer, job_order=order, status="approved")
    return job_order


def test_round_places_optimally_within_capacities_and_legal_age(world: World) -> None:
    cook_order = _cook_order(world)
    nurses = [make_worker(world, f"N{i}") for i in range(3)]  # nurse order has 2 positions
    cook = make_worker(world, "Chef", skill_uris=[COOKING, KNIVES, HYGIENE], occupation_uris=[COOK])
    minor = make_worker(
        world,
        "Young",
        skill_uris=[COOKING, KNIVES, HYGIENE],
        occupation_uris=[COOK],
        date_of_birth=datetime.date(2010, 1, 1),
    )
    proposal = scheme_round(world.scheme)
    placed = {(p.job_order_id, p.worker_id) for p in proposal.placements}
    assert (cook_order.pk, cook.pk) in placed
    assert all(worker_id != minor.pk for _, worker_id in placed)
    assert sum(1 for job_order_id, _ in placed if job_order_id == world.job_order.pk) == 2
    assert proposal.unplaced.get("outranked", 0) + proposal.unplaced.get("no_eligible_opening", 0) == 2
    # against brute force over who fills the two nurse places (equal skills: the total is the same)
    by_worker = {
        w.pk: c.score for w in nurses for c in shortlist(world.job_order).candidates if c.worker_id == w.pk
    }
    best_pair = max(sum(by_worker[w] for w in pair) for pair in itertools.combinations(by_worker, 2))
    chosen = sum(p.score for p in proposal.placements if p.job_order_id == world.job_order.pk)
    assert abs(chosen - best_pair) < 1e-3


def test_round_is_reviewed_before_anything_is_kept(world: World) -> None:
    _cook_order(world)
    worker = make_worker(world, "Amina")
    officer = Client()
    login_verified(officer, world.officer)
    url = f"/api/v1/labour/schemes/{world.scheme.pk}/round"
    proposal = officer.get(url).json()
    assert [p["worker_id"] for p in proposal["placements"]] == [worker.pk]
    assert worker.applications.count() == 0  # computing the proposal writes nothing
    wrong = officer.post(
        url,
        data=json.dumps({"placements": [[world.job_order.pk + 999, worker.pk]]}),
        content_type="application/json",
    )
    assert wrong.status_code == 422
    kept = officer.post(
        url,
        data=json.dumps({"placements": [[world.job_order.pk, worker.pk]]}),
        content_type="application/json",
    )
    assert kept.status_code == 201 and worker.applications.count() == 1
    employer = Client()
    login_verified(employer, world.employer_user)
    assert employer.get(url).status_code == 404
