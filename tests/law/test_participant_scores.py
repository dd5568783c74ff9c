"""A named participant's own pre- and post-test scores are data about that person: encrypted at rest, read
only through the audited access function, erased on a withdrawal; the training's means and the report's
figures stay the training's own."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client

from migdev.accounts.access import Role
from migdev.accounts.models import Organisation, User
from migdev.audit.models import AuditAction, AuditEvent
from migdev.law import access, services
from migdev.law.models import Training, TrainingParticipant
from migdev.law.trainings import training_report
from migdev.protection.crypto import looks_encrypted
from tests.factories import login_verified, make_organisation, make_user
from tests.law.factories import make_training


def _input(
    name: str = "Mariama Score-Test",
    *,
    pre_test_score: Decimal | None = None,
    post_test_score: Decimal | None = None,
) -> services.ParticipantInput:
    return services.ParticipantInput(
        name=name,
        sex="woman",
        institution_kind="ministry",
        consent_given_on=datetime.date(2024, 3, 4),
        consent_purpose="record",
        pre_test_score=pre_test_score,
        post_test_score=post_test_score,
    )


@pytest.fixture
def home(db: None) -> Organisation:
    return make_organisation()


@pytest.fixture
def partner(home: Organisation) -> User:
    return make_user(Role.PARTNER, organisation=home)


@pytest.fixture
def training(home: Organisation) -> Training:
    return make_training(organisation=home, pre_test_mean=Decimal("50.00"), post_test_mean=Decimal("70.00"))


def _raw_scores(participant: TrainingParticipant) -> tuple[object, object]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pre_test_score, post_test_score FROM law_trainingparticipant WHERE id = %s",
            [participant.pk],
        )
        return cursor.fetchone()


def test_scores_are_encrypted_and_read_through_the_audited_access_function(
    training: Training, partner: User
) -> None:
    participant = services.participant_add(
        actor=partner,
        training=training,
        data=_input(pre_test_score=Decimal("41.5"), post_test_score=Decimal("88")),
    )
    pre, post = _raw_scores(participant)
    assert looks_encrypted(str(pre)) and looks_encrypted(str(post))
    assert (pre, post) != ("41.5", "88")  # a ciphertext, whose key id or token may contain any digits
    before = AuditEvent.objects.filter(action=AuditAction.READ).count()
    (row,) = access.participants_read(partner, training, purpose="test")
    assert (row.pre_test_score, row.post_test_score) == ("41.5", "88")
    event = AuditEvent.objects.filter(action=AuditAction.READ).latest("pk")
    assert AuditEvent.objects.filter(action=AuditAction.READ).count() == before + 1
    assert {"pre_test_score", "post_test_score"} <= set(event.detail["fields"])
    assert "41.5" not in str(event.detail)
    outsider = make_user(Role.PARTNER, organisation=make_organisation())
    assert access.participants_read(outsider, training, purpose="test") == []


def test_scores_outside_0_to_100_or_with_three_decimals_are_refused(
    training: Training, partner: User
) -> None:
    bad: dict[str, Decimal]
    for bad in (
        {"pre_test_score": Decimal("100.5")},
        {"post_test_score": Decimal("-1")},
        {"pre_test_score": Decimal("50.125")},
    ):
        with pytest.raises(ValidationError) as refused:
            services.participant_add(actor=partner, training=training, data=_input(**bad))  # type: ignore[arg-type]
        assert set(refused.value.message_dict) == set(bad)
    assert not TrainingParticipant.objects.exists()
    services.participant_add(
        actor=partner,
        training=training,
        data=_input(pre_test_score=Decimal("0"), post_test_score=Decimal("100")),
    )


def test_the_training_means_and_the_report_stay_the_trainings_own(training: Training, partner: User) -> None:
    report_before = training_report()
    services.participant_add(
        actor=partner,
        training=training,
        data=_input(pre_test_score=Decimal("10"), post_test_score=Decimal("95")),
    )
    training.refresh_from_db()
    assert (training.pre_test_mean, training.post_test_mean) == (Decimal("50.00"), Decimal("70.00"))
    report = training_report()
    assert report.mean_gain == report_before.mean_gain == Decimal("20.0")
    assert report.total.total == report_before.total.total == training.participants


def test_a_withdrawal_erases_the_scores(training: Training, partner: User) -> None:
    participant = services.participant_add(
        actor=partner,
        training=training,
        data=_input(pre_test_score=Decimal("41.5"), post_test_score=Decimal("88")),
    )
    services.participant_withdraw(
        actor=partner, participant=participant, expected_version=participant.version
    )
    assert _raw_scores(participant) == (None, None)
    withdrawn = AuditEvent.objects.filter(record_type="law.trainingparticipant", action="update").latest("pk")
    assert {"pre_test_score", "post_test_score"} <= set(withdrawn.detail["erased"])


def test_the_api_takes_and_shows_scores_only_to_those_in_scope(training: Training, partner: User) -> None:
    url = f"/api/v1/law/trainings/{training.pk}/participants"
    own = login_verified(Client(), partner)
    payload = {
        "name": "Mariama Score-Test",
        "sex": "woman",
        "institution_kind": "ministry",
        "consent_given_on": "2024-03-04",
        "consent_purpose": "record",
        "pre_test_score": 41.5,
        "post_test_score": "88",
    }
    assert (
        own.post(url, {**payload, "post_test_score": 101}, content_type="application/json").status_code == 422
    )
    created = own.post(url, payload, content_type="application/json")
    assert created.status_code == 201 and "post_test_score" not in created.json()
    listed = own.get(url).json()
    assert (listed[0]["pre_test_score"], listed[0]["post_test_score"]) == (41.5, 88.0)
    outsider = login_verified(Client(), make_user(Role.PARTNER, organisation=make_organisation()))
    assert outsider.get(url).json() == []
    public = Client().get(f"/api/v1/law/trainings/{training.pk}").json()
    assert "41.5" not in str(public) and public["pre_test_mean"] == 50.0
