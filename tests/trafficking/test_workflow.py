"""Consent gate, approvals, merging duplicates, retention and key rotation."""

from datetime import date, timedelta

import pytest
from cryptography.fernet import Fernet
from django.conf import LazySettings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.utils import timezone

from migdev.audit.models import AuditAction, AuditEvent
from migdev.protection.crypto import field_cipher, key_id_for
from migdev.trafficking import services
from migdev.trafficking.models import (
    AnalyticRecord,
    Case,
    CaseComment,
    CaseRequest,
    Consent,
    DataTransfer,
    Perpetrator,
    Referral,
    TraffickingEvent,
)
from tests.trafficking.factories import make_case, make_group, make_organisation, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def team() -> dict:
    organisation = make_organisation()
    group = make_group(organisation)
    return {
        "organisation": organisation,
        "group": group,
        "worker": make_user("case_worker", organisation=organisation, groups=(group,)),
        "supervisor": make_user("supervisor", organisation=organisation, groups=(group,)),
        "second_supervisor": make_user("supervisor", organisation=organisation, groups=(group,)),
        "partner_org": make_organisation("Shelter partner"),
    }


def refer(team: dict, case: Case, actor_key: str = "worker", **extra: object) -> Referral:
    return services.referral_make_outgoing(
        actor=team[actor_key],
        case=case,
        organisation=team["partner_org"],
        reason="AdditionalServicesRequired",
        purpose="Shelter and medical care",
        safeguards="Encrypted email; partner data-sharing agreement of 2025",
        fields_shared=["first_name", "second_name", "birth_date"],
        **extra,  # type: ignore[arg-type]
    )


# --- consent --------------------------------------------------------------------------------------------


def test_referral_out_without_consent_is_refused(team: dict) -> None:
    case = make_case(team["worker"])
    with pytest.raises(services.ConsentRequired):
        refer(team, case)
    assert not Referral.objects.filter(case=case).exists()
    assert not DataTransfer.objects.filter(case=case).exists()


def test_consent_for_another_purpose_or_partner_does_not_count(team: dict) -> None:
    case = make_case(team["worker"])
    services.consent_record(actor=team["worker"], case=case, purpose=Consent.Purpose.ASSISTANCE)
    services.consent_record(
        actor=team["worker"], case=case, purpose=Consent.Purpose.SHARING, partners=[make_organisation()]
    )
    with pytest.raises(services.ConsentRequired):
        refer(team, case)


def test_referral_with_consent_logs_the_transfer(team: dict) -> None:
    case = make_case(team["worker"])
    consent = services.consent_record(
        actor=team["worker"], case=case, purpose=Consent.Purpose.SHARING, partners=[team["partner_org"]]
    )
    referral = refer(team, case)
    assert referral.consent == consent and referral.override_by is None
    transfer = DataTransfer.objects.get(referral=referral)
    assert (transfer.recipient, transfer.purpose) == (str(team["partner_org"]), "Shelter and medical care")
    assert transfer.fields_shared == ["first_name", "second_name", "birth_date"]
    event = AuditEvent.objects.get(action=AuditAction.EXPORT, record_id=str(referral.pk))
    assert event.detail["consent"] == consent.pk and event.detail["consent_overridden"] is False
    # References and field names only: the purpose and safeguards are free text about the person.
    assert event.detail["recipient_organisation"] == team["partner_org"].pk
    assert event.detail["transfer"] == transfer.pk
    assert not {"purpose", "safeguards", "recipient"} & set(event.detail)


def test_withdrawn_consent_closes_the_gate(team: dict) -> None:
    case = make_case(team["worker"])
    consent = services.consent_record(
        actor=team["worker"], case=case, purpose=Consent.Purpose.SHARING, partners=[team["partner_org"]]
    )
    services.consent_withdraw(actor=team["worker"], consent=consent)
    consent.refresh_from_db()
    assert consent.withdrawn_at is not None and consent.withdrawal_recorded_by == team["worker"]
    with pytest.raises(services.ConsentRequired):
        refer(team, case)


def test_only_a_supervisor_overrides_and_must_justify(team: dict) -> None:
    case = make_case(team["worker"])
    with pytest.raises(PermissionDenied):
        refer(team, case, override_justification="The person is unconscious in hospital and needs care")
    with pytest.raises(ValidationError):
        refer(team, case, actor_key="supervisor", override_justification="urgent")
    referral = refer(
        team,
        case,
        actor_key="supervisor",
        override_justification="The person is unconscious in hospital and needs care",
    )
    assert referral.consent is None and referral.override_by == team["supervisor"]
    assert referral.override_justification.startswith("The person is unconscious")
    event = AuditEvent.objects.get(action=AuditAction.EXPORT, record_id=str(referral.pk))
    assert event.detail["consent_overridden"] is True
    assert "unconscious" not in str(event.detail)  # the justification is case content


def test_the_database_refuses_an_outgoing_referral_without_consent_or_override(team: dict) -> None:
    from django.db import IntegrityError, transaction

    case = make_case(team["worker"])
    with pytest.raises(IntegrityError), transaction.atomic():
        Referral.objects.create(
            case=case, direction=Referral.Direction.OUTGOING, organisation=team["partner_org"], reason="Other"
        )


def test_guardian_consent_names_the_guardian(team: dict) -> None:
    case = make_case(team["worker"])
    with pytest.raises(ValidationError):
        services.consent_record(
            actor=team["worker"],
            case=case,
            purpose=Consent.Purpose.RESEARCH,
            given_by=Consent.GivenBy.GUARDIAN,
        )
    consent = services.consent_record(
        actor=team["worker"],
        case=case,
        purpose=Consent.Purpose.RESEARCH,
        given_by=Consent.GivenBy.GUARDIAN,
        given_by_name="Mother",
    )
    assert consent.given_by_name == "Mother"


# --- approvals --------------------------------------------------------------------------------------------


def test_closure_waits_for_a_supervisor(team: dict) -> None:
    case = make_case(team["worker"])
    item = services.case_closure_request(
        actor=team["worker"], case=case, closure_status="Closed", reason="Returned home safely"
    )
    case.refresh_from_db()
    assert case.status == "Active"
    with pytest.raises(PermissionDenied):
        services.case_request_decide(actor=team["worker"], item=item, approve=True)
    with pytest.raises(ValidationError):
        services.case_closure_request(
            actor=team["worker"], case=case, closure_status="Closed", reason="again"
        )
    services.case_request_decide(actor=team["supervisor"], item=item, approve=True, note="ok")
    case.refresh_from_db()
    assert (case.status, case.closure_reason) == ("Closed", "Returned home safely")
    assert case.version == 2


def test_nobody_approves_their_own_request(team: dict) -> None:
    case = make_case(team["supervisor"])
    item = services.case_closure_request(
        actor=team["supervisor"], case=case, closure_status="Closed", reason="Done"
    )
    with pytest.raises(PermissionDenied):
        services.case_request_decide(actor=team["supervisor"], item=item, approve=True)
    services.case_request_decide(actor=team["second_supervisor"], item=item, approve=False, note="Not yet")
    item.refresh_from_db()
    case.refresh_from_db()
    assert item.state == CaseRequest.State.REJECTED and case.status == "Active"


def test_supervisor_of_another_team_cannot_approve(team: dict) -> None:
    case = make_case(team["worker"])
    item = services.case_closure_request(
        actor=team["worker"], case=case, closure_status="Closed", reason="Done"
    )
    stranger = make_user(
        "supervisor", organisation=team["organisation"], groups=(make_group(team["organisation"]),)
    )
    with pytest.raises(PermissionDenied):
        services.case_request_decide(actor=stranger, item=item, approve=True)


def test_transfer_to_another_organisation_is_approved_and_logged(team: dict) -> None:
    case = make_case(team["worker"])
    other_org = make_organisation()
    receiver = make_user("case_worker", organisation=other_org)
    safeguards = "Handover in person; signed agreement"
    with pytest.raises(ValidationError, match="not consented"):
        services.case_transfer_request(
            actor=team["worker"], case=case, new_owner=receiver, reason="Moved city", safeguards=safeguards
        )
    services.consent_record(
        actor=team["worker"], case=case, purpose=Consent.Purpose.SHARING, partners=[other_org]
    )
    with pytest.raises(ValidationError, match="safeguards"):
        services.case_transfer_request(
            actor=team["worker"], case=case, new_owner=receiver, reason="Moved city"
        )
    item = services.case_transfer_request(
        actor=team["worker"],
        case=case,
        new_owner=receiver,
        reason="Moved city",
        safeguards=safeguards,
    )
    services.case_request_decide(actor=team["supervisor"], item=item, approve=True)
    case.refresh_from_db()
    assert (case.owner, case.group, case.organisation) == (receiver, None, other_org)
    transfer = DataTransfer.objects.get(case=case)
    assert transfer.recipient == str(other_org) and transfer.safeguards.startswith("Handover")
    assert AnalyticRecord.objects.get(case=case).organisation == other_org
    from migdev.trafficking.selectors import cases_visible_to

    assert not cases_visible_to(team["worker"]).filter(pk=case.pk).exists()
    assert cases_visible_to(receiver).filter(pk=case.pk).exists()


def test_transfer_target_must_be_able_to_hold_cases(team: dict) -> None:
    case = make_case(team["worker"])
    analyst = make_user("analyst", organisation=team["organisation"])
    with pytest.raises(ValidationError):
        services.case_transfer_request(actor=team["worker"], case=case, new_owner=analyst, reason="x")


# --- merging duplicates ---------------------------------------------------------------------------------


def test_merge_moves_records_fills_gaps_and_is_audited(team: dict) -> None:
    keep = make_case(
        team["worker"], first_name="Awa", second_name="Ba", birth_date=date(1990, 1, 1), mobile_phone=""
    )
    duplicate = make_case(
        team["worker"],
        first_name="Awa",
        second_name="Ba",
        birth_date=date(1990, 1, 1),
        mobile_phone="+221770000000",
    )
    assert keep.blind_index == duplicate.blind_index
    services.case_comment_add(actor=team["worker"], case=duplicate, body="first visit")
    with pytest.raises(PermissionDenied):
        services.case_merge(actor=team["worker"], keep=keep, duplicate=duplicate)
    services.case_merge(actor=team["supervisor"], keep=keep, duplicate=duplicate)
    keep.refresh_from_db()
    duplicate.refresh_from_db()
    assert keep.mobile_phone == "+221770000000"
    assert duplicate.merged_into == keep and duplicate.status == "Closed"
    assert CaseComment.objects.filter(case=keep).count() == 1
    assert AnalyticRecord.objects.filter(case__in=[keep, duplicate]).count() == 1  # no double counting
    merged = AuditEvent.objects.filter(action=AuditAction.UPDATE, record_id=str(keep.pk)).latest("pk")
    assert (
        merged.detail["merged_from"] == duplicate.reference
        and "mobile_phone" in merged.detail["fields_filled"]
    )
    assert AuditEvent.objects.filter(record_id=str(duplicate.pk), detail__merged_into=keep.reference).exists()
    with pytest.raises(ValidationError):
        services.case_merge(actor=team["supervisor"], keep=keep, duplicate=duplicate)


# --- retention ----------------------------------------------------------------------------------------------


def test_retention_job_anonymises_expired_cases_and_keeps_statistics(team: dict) -> None:
    expired = make_case(
        team["worker"], first_name="Expired", mobile_phone="+221771111111", registered_on=date(2010, 1, 1)
    )
    current = make_case(team["worker"], first_name="Current")
    services.case_comment_add(actor=team["worker"], case=expired, body="talked about her family")
    services.consent_record(
        actor=team["worker"],
        case=expired,
        purpose=Consent.Purpose.RESEARCH,
        given_by=Consent.GivenBy.GUARDIAN,
        given_by_name="Guardian Name",
    )
    Perpetrator.objects.create(case=expired, name="Trafficker Name", roles=["Exploiter"])
    TraffickingEvent.objects.create(case=expired, event_type="Exploitation", city="Secret city")
    record_pk = AnalyticRecord.objects.get(case=expired).pk

    assert services.cases_anonymise_expired() == 1
    expired.refresh_from_db()
    current.refresh_from_db()
    assert expired.anonymised_at is not None and expired.first_name == "" and expired.mobile_phone == ""
    assert expired.birth_date is None and expired.blind_index == ""
    assert current.anonymised_at is None and current.first_name == "Current"
    assert not CaseComment.objects.filter(case=expired).exists()
    assert Consent.objects.get(case=expired).given_by_name == ""
    assert Perpetrator.objects.get(case=expired).name == ""
    assert TraffickingEvent.objects.get(case=expired).city == ""
    statistical = AnalyticRecord.objects.get(pk=record_pk)
    assert statistical.case is None and statistical.year_of_registration == 2010
    assert statistical.is_sexual_exploit is True
    event = AuditEvent.objects.get(action=AuditAction.DELETE, record_id=str(expired.pk))
    assert event.detail["anonymised"] is True and event.detail["statistical_record"] == record_pk
    assert services.cases_anonymise_expired() == 0  # idempotent
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM trafficking_case WHERE id = %s", [expired.pk])
        assert "Expired" not in str(cursor.fetchone())


def test_retention_can_be_extended_by_a_supervisor_with_a_reason(team: dict) -> None:
    case = make_case(team["worker"], registered_on=date(2010, 1, 1))
    later = timezone.localdate() + timedelta(days=365)
    with pytest.raises(PermissionDenied):
        services.retention_extend(actor=team["worker"], case=case, until=later, reason="Court case")
    services.retention_extend(actor=team["supervisor"], case=case, until=later, reason="Court case pending")
    assert services.cases_anonymise_expired() == 0


# --- keys -----------------------------------------------------------------------------------------------------


def stored_key_ids(table: str, column: str) -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {table} WHERE {column} <> ''")  # noqa: S608 - test constants
        return {row[0].split(":", 1)[0] for row in cursor.fetchall() if row[0]}


def test_key_rotation_re_encrypts_every_row_under_the_new_key(team: dict, settings: LazySettings) -> None:
    old_key = settings.MIGDEV_FIELD_KEYS[0]
    case = make_case(team["worker"], first_name="Rotated", mobile_phone="+221772222222")
    services.case_comment_add(actor=team["worker"], case=case, body="A comment under the old key")
    new_key = Fernet.generate_key().decode()
    settings.MIGDEV_FIELD_KEYS = [new_key, old_key]
    assert field_cipher().primary_key_id == key_id_for(new_key)

    dry = services.field_keys_rotate(dry_run=True)
    assert dry.rotated["trafficking.case"] >= 3  # first name, second name, birth date, phone
    assert stored_key_ids("trafficking_case", "first_name") == {key_id_for(old_key)}

    result = services.field_keys_rotate(batch_size=1)
    assert result.total_rotated == dry.total_rotated
    assert stored_key_ids("trafficking_case", "first_name") == {key_id_for(new_key)}
    assert stored_key_ids("trafficking_casecomment", "body") == {key_id_for(new_key)}
    assert services.field_keys_rotate().total_rotated == 0

    settings.MIGDEV_FIELD_KEYS = [new_key]  # the old key is gone: everything still reads
    fresh = Case.objects.get(pk=case.pk)
    assert (fresh.first_name, fresh.mobile_phone) == ("Rotated", "+221772222222")
    assert CaseComment.objects.get(case=case).body == "A comment under the old key"


def test_blind_index_rebuild_after_a_key_change(team: dict, settings: LazySettings) -> None:
    case = make_case(team["worker"], first_name="Indexed")
    old = case.blind_index
    settings.MIGDEV_BLIND_INDEX_KEY = "a-brand-new-blind-index-key-0123456789-abcdef"
    assert services.blind_indexes_rebuild() >= 1
    case.refresh_from_db()
    assert case.blind_index not in ("", old)
    assert services.blind_indexes_rebuild() == 0


@pytest.mark.django_db(transaction=True)
def test_retention_runs_as_a_queued_job(seeded_roles: None) -> None:
    from django.core.management import call_command

    from migdev.jobs.models import Job
    from migdev.jobs.services import job_run_now

    organisation = make_organisation()
    worker = make_user("case_worker", organisation=organisation, groups=(make_group(organisation),))
    # No country codes: the reference countries may be gone after an earlier transactional test.
    expired = make_case(
        worker, first_name="Queued", registered_on=date(2009, 5, 5), citizenship=[], exploitation_country=""
    )
    call_command("trafficking_retention", "--enqueue", stdout=__import__("io").StringIO())
    job = Job.objects.get(kind="trafficking.retention")
    finished = job_run_now(job_id=job.pk)
    assert finished is not None and finished.status == Job.Status.SUCCEEDED
    assert finished.result == {"anonymised": 1}
    expired.refresh_from_db()
    assert expired.anonymised_at is not None and expired.first_name == ""
