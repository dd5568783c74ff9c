import datetime
from decimal import Decimal

import pytest

from migdev.labour import gate, services
from migdev.labour.matching import shortlist
from migdev.labour.models import Application
from tests.labour.conftest import CARE, COOKING, MEDICATION, TODAY, World, complete_orientation, make_worker


def test_shortlist_ranks_and_explains(world: World) -> None:
    best = make_worker(world, "Amina")
    partial = make_worker(world, "Binta", skill_uris=[CARE])
    result = shortlist(world.job_order)
    ids = [c.worker_id for c in result.candidates]
    assert ids == [best.pk, partial.pk]
    top = result.candidates[0]
    assert set(top.sub_scores) == {"skills", "occupation", "languages", "experience"}
    assert top.essential_missing == [] and result.candidates[1].essential_missing == [MEDICATION]
    assert top.score > result.candidates[1].score


@pytest.mark.parametrize(
    "fields, reason",
    [
        ({"date_of_birth": datetime.date(2010, 1, 1)}, "minor"),
        ({"date_of_birth": datetime.date(2009, 3, 2)}, "minor by one day"),
        ({"languages": [{"code": "fra", "level": 3}]}, "French below B2"),
        ({"available_from": datetime.date(2027, 6, 1)}, "available after the start"),
        ({"preferred_destinations": ["CAN"]}, "prefers another destination"),
    ],
)
def test_hard_filters_exclude(world: World, fields: dict, reason: str) -> None:
    make_worker(world, "Amina", **fields)
    assert shortlist(world.job_order).candidates == [], reason


def test_border_month_adult_is_kept(world: World) -> None:
    worker = make_worker(world, "Amina", date_of_birth=datetime.date(2009, 3, 1))  # 18 on the start date
    assert [c.worker_id for c in shortlist(world.job_order).candidates] == [worker.pk]


def test_no_scheme_consent_or_withdrawn_consent_excludes(world: World) -> None:
    worker = make_worker(world, "Amina")
    services.scheme_consent_withdraw(actor=world.pes, worker=worker, scheme=world.scheme)
    result = shortlist(world.job_order)
    assert result.candidates == [] and result.excluded_before_ranking["no_consent_to_this_scheme"] == 1
    services.scheme_consent_give(actor=world.pes, worker=worker, scheme=world.scheme, method="signed_form")
    assert len(shortlist(world.job_order).candidates) == 1
    services.worker_withdraw_consent(actor=world.pes, worker=worker)
    assert shortlist(world.job_order).candidates == []


def _ready(world: World, *, oriented: bool = True) -> Application:
    """An application that passes every check (all but orientation when ``oriented`` is false)."""
    worker = make_worker(world, "Amina")
    [application] = services.shortlist_save(
        actor=world.officer, job_order=world.job_order, worker_ids=[worker.pk]
    )
    for step, actor in [
        ("propose_interview", world.employer_user),
        ("accept_interview", world.pes),
        ("select", world.employer_user),
        ("offer", world.officer),
        ("accept_offer", world.pes),
    ]:
        application = services.application_step(actor=actor, application=application, step=step)
    contract = services.contract_add(
        actor=world.officer,
        application=application,
        language="fra",
        wage_amount=Decimal("1200"),
        wage_currency="EUR",
        wage_period="month",
        hours_per_week=Decimal("38"),
        given_to_worker_on=datetime.date(2026, 11, 20),
    )
    services.contract_record(actor=world.officer, contract=contract, signed_on=datetime.date(2026, 11, 25))
    services.document_custody_record(
        actor=world.officer,
        application=application,
        document="passport",
        held_by="worker",
        since=datetime.date(2026, 1, 1),
    )
    services.grievance_channel_give(
        actor=world.officer,
        application=application,
        channel="Labour attaché, +32 2 000 00 00",
        given_on=datetime.date(2026, 11, 20),
    )
    services.cost_line_add(
        actor=world.officer,
        application=application,
        category="travel",
        amount=Decimal("450"),
        currency="EUR",
        paid_by="employer",
    )
    if oriented:
        complete_orientation(world, application)
    return application


def _status(application: Application, code: str) -> str:
    [check] = [c for c in gate.safeguards_gate(application, on=TODAY).checks if c.code == code]
    return check.status


def test_every_check_holds_on_a_clean_application(world: World) -> None:
    application = _ready(world)
    result = gate.safeguards_gate(application, on=TODAY)
    assert [c.status for c in result.checks] == ["holds"] * 8 and result.passes


def test_recruiter_check_blocks_expired_unlicensed_suspended(world: World) -> None:
    application = _ready(world)
    recruiter = world.recruiter
    recruiter.licence_valid_to = datetime.date(2027, 1, 31)  # valid today, expired by the start date
    recruiter.save()
    assert _status(application, "recruiter") == "blocks"
    recruiter.licence_valid_to = datetime.date(2028, 1, 1)
    recruiter.iris_status = "suspended"
    recruiter.save()
    assert _status(application, "recruiter") == "blocks"
    recruiter.iris_status = "certified"
    recruiter.licence_number = ""
    recruiter.save()
    assert _status(application, "recruiter") == "blocks"


def test_worker_paid_fee_blocks_until_refunded(world: World) -> None:
    application = _ready(world)
    line = services.cost_line_add(
        actor=world.officer,
        application=application,
        category="visa",
        amount=Decimal("180"),
        currency="EUR",
        paid_by="worker",
    )
    assert _status(application, "fees") == "blocks"
    services.cost_line_refund(
        actor=world.officer, line=line, refunded_amount=Decimal("100"), refunded_on=TODAY, expected_version=1
    )
    assert _status(application, "fees") == "blocks"
    line.refresh_from_db()
    services.cost_line_refund(
        actor=world.officer,
        line=line,
        refunded_amount=Decimal("180"),
        refunded_on=TODAY,
        expected_version=line.version,
    )
    assert _status(application, "fees") == "holds"


def test_contract_language_delivery_and_substitution(world: World) -> None:
    application = _ready(world)
    substitute = services.contract_add(
        actor=world.officer,
        application=application,
        language="fra",
        wage_amount=Decimal("1000"),
        wage_currency="EUR",
        wage_period="month",
        hours_per_week=Decimal("40"),
        given_to_worker_on=TODAY,
    )
    assert substitute.is_substitution
    services.contract_record(actor=world.officer, contract=substitute, signed_on=TODAY)
    assert _status(application, "contract") == "blocks"  # changed after signature, not agreed again
    services.contract_record(actor=world.officer, contract=substitute, substitution_agreed_on=TODAY)
    assert _status(application, "contract") == "holds"
    german = services.contract_add(
        actor=world.officer,
        application=application,
        language="deu",
        wage_amount=Decimal("1000"),
        wage_currency="EUR",
        wage_period="month",
        hours_per_week=Decimal("40"),
        given_to_worker_on=TODAY,
    )
    services.contract_record(
        actor=world.officer, contract=german, signed_on=TODAY, substitution_agreed_on=TODAY
    )
    assert _status(application, "contract") == "blocks"  # the worker does not read German


def test_contract_not_given_blocks(world: World) -> None:
    application = _ready(world)
    application.contracts.update(given_to_worker_on=None)
    assert _status(application, "contract") == "blocks"


def test_documents_held_by_employer_block_and_can_be_waived(world: World) -> None:
    application = _ready(world)
    services.document_custody_record(
        actor=world.officer, application=application, document="passport", held_by="employer", since=TODAY
    )
    assert _status(application, "documents") == "blocks"
    services.gate_waive(
        actor=world.officer,
        application=application,
        check_code="documents",
        reason="Lodged with the consulate for the visa",
    )
    [check] = [c for c in gate.safeguards_gate(application, on=TODAY).checks if c.code == "documents"]
    assert (
        check.status == "waived"
        and check.waived_by == world.officer.username
        and "consulate" in check.waiver_reason
    )


def test_fees_cannot_be_waived(world: World) -> None:
    from django.core.exceptions import ValidationError

    application = _ready(world)
    with pytest.raises(ValidationError):
        services.gate_waive(actor=world.officer, application=application, check_code="fees", reason="x")


def test_age_and_consent(world: World) -> None:
    application = _ready(world)
    services.worker_withdraw_consent(actor=world.pes, worker=application.worker)
    assert _status(application, "age_consent") == "blocks"


def test_minor_blocks(world: World) -> None:
    application = _ready(world)
    worker = application.worker
    services.worker_update(
        actor=world.pes,
        worker=worker,
        expected_version=worker.version,
        date_of_birth=datetime.date(2009, 6, 1),
    )
    application.refresh_from_db()
    assert _status(application, "age_consent") == "blocks"


def test_grievance_channel(world: World) -> None:
    application = _ready(world)
    Application.objects.filter(pk=application.pk).update(
        grievance_channel="", grievance_channel_given_on=None
    )
    application.refresh_from_db()
    assert _status(application, "grievance") == "blocks"


def test_health_worker_from_who_list_needs_g2g(world: World) -> None:
    application = _ready(world)  # a nurse (ISCO 2221) living in Senegal, on the WHO list
    assert _status(application, "health_workforce") == "holds"
    world.scheme.health_g2g_agreement = False
    world.scheme.save()
    application.refresh_from_db()
    assert _status(application, "health_workforce") == "blocks"


def test_deploy_refused_while_blocked(world: World) -> None:
    application = _ready(world)
    application.contracts.update(signed_on=None)
    with pytest.raises(services.GateBlocked) as blocked:
        services.application_deploy(actor=world.officer, application=application, on=TODAY)
    assert blocked.value.blocking == ["contract"]
    application.contracts.update(signed_on=TODAY)
    application.refresh_from_db()
    deployed = services.application_deploy(actor=world.officer, application=application, on=TODAY)
    assert deployed.stage == "deployed"


def test_steps_follow_their_order_and_actors(world: World) -> None:
    from django.core.exceptions import PermissionDenied, ValidationError

    worker = make_worker(world, "Amina")
    [application] = services.shortlist_save(
        actor=world.officer, job_order=world.job_order, worker_ids=[worker.pk]
    )
    with pytest.raises(ValidationError):
        services.application_step(actor=world.officer, application=application, step="offer")
    application = services.application_step(
        actor=world.employer_user, application=application, step="propose_interview"
    )
    with pytest.raises(PermissionDenied):  # only the worker (or their PES officer) accepts an interview
        services.application_step(actor=world.employer_user, application=application, step="accept_interview")
    assert application.interview_proposed_at is not None


def test_shortlist_save_refuses_workers_not_offered(world: World) -> None:
    from django.core.exceptions import ValidationError

    worker = make_worker(world, "Amina", skill_uris=[COOKING], languages=[{"code": "fra", "level": 1}])
    with pytest.raises(ValidationError):
        services.shortlist_save(actor=world.officer, job_order=world.job_order, worker_ids=[worker.pk])


def test_gate_page_waiver_and_deployment_by_the_officer(world: World) -> None:
    from django.test import Client

    from tests.factories import login_verified

    application = _ready(world)
    services.document_custody_record(
        actor=world.officer, application=application, document="passport", held_by="recruiter", since=TODAY
    )
    officer = Client()
    login_verified(officer, world.officer)
    page = officer.get(f"/fr/labour/applications/{application.pk}/gate/").content.decode()
    assert "Bloque" in page and 'name="check" value="documents"' in page and "deploy" not in page
    recruiter = Client()
    login_verified(recruiter, world.recruiter_user)
    refused = recruiter.post(
        f"/en/labour/applications/{application.pk}/waive/", {"check": "documents", "reason": "x"}
    )
    assert refused.status_code in (400, 404)
    officer.post(
        f"/en/labour/applications/{application.pk}/waive/", {"check": "documents", "reason": "Consulate"}
    )
    page = officer.get(f"/en/labour/applications/{application.pk}/gate/").content.decode()
    assert "Waived by" in page and "/deploy/" in page
    officer.post(f"/en/labour/applications/{application.pk}/deploy/")
    application.refresh_from_db()
    assert application.stage == "deployed"
