"""Opening and editing cases: encryption at rest, duplicates, optimistic locking, audit."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection

from migdev.audit.models import AuditAction, AuditEvent
from migdev.core.versioning import StaleEdit
from migdev.trafficking import services
from migdev.trafficking.models import AnalyticRecord, Case
from migdev.trafficking.selectors import case_get_for_user
from tests.trafficking.factories import make_case, make_group, make_organisation, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def team() -> dict:
    organisation = make_organisation()
    group = make_group(organisation)
    worker = make_user("case_worker", organisation=organisation, groups=(group,))
    colleague = make_user("case_worker", organisation=organisation, groups=(group,))
    supervisor = make_user("supervisor", organisation=organisation, groups=(group,))
    return {
        "organisation": organisation,
        "group": group,
        "worker": worker,
        "colleague": colleague,
        "supervisor": supervisor,
    }


def raw_row(case: Case) -> tuple:
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM trafficking_case WHERE id = %s", [case.pk])
        return cursor.fetchone()


def test_identifying_values_are_encrypted_in_the_table(team: dict) -> None:
    case = make_case(
        team["worker"],
        first_name="Zainabou",
        second_name="Quetzalli",
        mobile_phone="+221771234567",
        birth_date=date(1999, 12, 31),
        identity_number="P1234567",
    )
    row = " ".join(str(value) for value in raw_row(case))
    for secret in ("Zainabou", "Quetzalli", "771234567", "1999-12-31", "P1234567"):
        assert secret not in row
    fresh = Case.objects.get(pk=case.pk)
    assert (fresh.first_name, fresh.second_name, fresh.birth_date) == (
        "Zainabou",
        "Quetzalli",
        date(1999, 12, 31),
    )
    assert str(fresh) == fresh.reference and "Zainabou" not in repr(fresh)


def test_encrypted_fields_cannot_be_searched() -> None:
    from django.core.exceptions import FieldError

    with pytest.raises(FieldError):
        list(Case.objects.filter(first_name="Zainabou"))
    assert list(Case.objects.filter(birth_date__isnull=True)) == []


def test_case_belongs_to_its_creator_team_and_organisation(team: dict) -> None:
    case = make_case(team["worker"])
    assert case.owner == team["worker"]
    assert case.group == team["group"]
    assert case.organisation == team["organisation"]
    assert case.reference.startswith("CT-") and len(case.reference) == 12
    assert case.retention_until.year == case.registered_on.year + services.retention_years()
    event = AuditEvent.objects.get(action=AuditAction.CREATE, record_id=str(case.pk))
    assert "first_name" in event.detail["fields"]
    assert all(case.first_name not in str(value) for value in event.detail.values())


def test_values_outside_the_htcds_lists_are_refused(team: dict) -> None:
    with pytest.raises(ValidationError) as raised:
        make_case(
            team["worker"],
            control_methods=["Hypnosis"],
            citizenship=["XX"],
            mobile_phone="call me",
            gender="Robot",
        )
    assert set(raised.value.message_dict) == {"control_methods", "citizenship", "mobile_phone", "gender"}


def test_roles_without_add_permission_cannot_open_cases(team: dict) -> None:
    for role in ("analyst", "data_protection_officer", "partner", "editor", "administrator"):
        user = make_user(role, organisation=team["organisation"])
        with pytest.raises(PermissionDenied):
            make_case(user)


def test_intake_flags_possible_duplicates_in_scope_only(team: dict) -> None:
    first = make_case(
        team["worker"],
        first_name="José María",
        second_name="López",
        birth_date=date(1990, 5, 1),
        citizenship=["MX"],
    )
    same_person = services.case_create(
        actor=team["worker"],
        values={
            "first_name": "jose",
            "second_name": "MARIA LOPEZ",
            "birth_date": date(1990, 5, 1),
            "citizenship": ["MX"],
        },
    )
    assert [c.pk for c in same_person.possible_duplicates] == [first.pk]
    # a colleague sees no duplicate: the first case is outside a case worker's own scope
    colleague = services.case_create(
        actor=team["colleague"],
        values={
            "first_name": "José María",
            "second_name": "López",
            "birth_date": date(1990, 5, 1),
            "citizenship": ["MX"],
        },
    )
    assert colleague.possible_duplicates == []
    assert first.blind_index == colleague.case.blind_index
    other = services.case_create(
        actor=team["worker"],
        values={
            "first_name": "José María",
            "second_name": "López",
            "birth_date": date(1971, 11, 23),
            "citizenship": ["MX"],
        },
    )
    # same name, born twenty years apart: another person
    assert other.possible_duplicates == []


def test_second_stale_save_gets_a_conflict_and_nothing_is_lost(team: dict) -> None:
    case = make_case(team["worker"], first_name="Original")
    supervisor = team["supervisor"]
    mine = case_get_for_user(team["worker"], case.pk)
    theirs = case_get_for_user(supervisor, case.pk)
    assert mine.version == theirs.version == 1
    services.case_update(actor=supervisor, case=theirs, expected_version=1, values={"mailing_city": "Dakar"})
    with pytest.raises(StaleEdit) as raised:
        services.case_update(
            actor=team["worker"],
            case=mine,
            expected_version=1,
            values={"first_name": "Changed", "mailing_city": "Thiès"},
        )
    assert raised.value.current_version == 2
    stored = Case.objects.get(pk=case.pk)
    assert (stored.first_name, stored.mailing_city, stored.version) == ("Original", "Dakar", 2)
    # the editor retries on the current version: their change goes in
    fresh = case_get_for_user(team["worker"], case.pk)
    services.case_update(
        actor=team["worker"], case=fresh, expected_version=fresh.version, values={"first_name": "Changed"}
    )
    stored.refresh_from_db()
    assert (stored.first_name, stored.mailing_city, stored.version) == ("Changed", "Dakar", 3)
    updates = AuditEvent.objects.filter(action=AuditAction.UPDATE, record_id=str(case.pk)).order_by("pk")
    assert [e.detail["fields"] for e in updates] == [["mailing_city"], ["first_name"]]


def test_editing_identity_recomputes_the_blind_index(team: dict) -> None:
    case = make_case(team["worker"], first_name="Ana")
    before = case.blind_index
    services.case_update(
        actor=team["worker"], case=case, expected_version=case.version, values={"first_name": "Anna"}
    )
    case.refresh_from_db()
    assert case.blind_index and case.blind_index != before


def test_case_feeds_its_analytic_record(team: dict) -> None:
    case = make_case(
        team["worker"],
        birth_date=date(2008, 1, 1),
        registered_on=date(2020, 6, 1),
        gender="Masculine",
        citizenship=["NG", "GH"],
        exploitation_types=["ForcedLabour", "SexualExploitation"],
        labour_industries=["F_Construction"],
        control_methods=["DebtBondage", "PhysicalThreats"],
        exploitation_country="IT",
    )
    record = AnalyticRecord.objects.get(case=case)
    assert record.gender == "Male"
    assert record.majority_status == "Minor"
    assert record.citizenship == "NGA" and record.citizenship_region == "Africa"
    assert record.country_of_exploitation == "ITA" and record.exploitation_region == "Europe"
    assert record.is_forced_labour and record.is_sexual_exploit and record.is_sex_and_labour
    assert record.labour_construction is True and record.labour_agriculture is False
    assert record.control_debt_bondage and record.control_threats and record.means_threats
    assert record.control_physical_abuse is False
    assert record.sex_prostitution is None  # no type of sexual exploitation recorded
    assert record.group == team["group"] and record.organisation == team["organisation"]
