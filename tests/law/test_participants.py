"""Participants named only with their consent, encrypted at rest, read through one scoped and audited access
function; a withdrawal erases the name; named participants never exceed the training's counts. And the
training's materials as records of the research library."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.test import Client
from django.urls import reverse

from migdev.accounts.access import Role
from migdev.accounts.models import Organisation, User
from migdev.audit.models import AuditAction, AuditEvent
from migdev.coordination.models import Publication
from migdev.dataio.errors import ImportRejected
from migdev.dataio.services import import_file
from migdev.law import access, demo, services
from migdev.law.models import Training, TrainingParticipant
from migdev.law.trainings import training_report
from migdev.protection.crypto import looks_encrypted
from tests.factories import login_verified, make_organisation, make_user
from tests.law.factories import make_training

NAME = "Aminata Participant-Test"


def _input(name: str = NAME, **changes: object) -> services.ParticipantInput:
    values: dict[str, object] = {
        "name": name,
        "sex": "woman",
        "institution_kind": "ministry",
        "consent_given_on": datetime.date(2024, 3, 4),
        "consent_purpose": "record",
        "email": "aminata@example.org",
        "institution": "Ministry of labour (test)",
        "position": "Legal adviser",
        "note": "Asked for the follow-up in French",
    }
    values.update(changes)
    return services.ParticipantInput(**values)  # type: ignore[arg-type]


@pytest.fixture
def home(db: None) -> Organisation:
    return make_organisation()


@pytest.fixture
def partner(home: Organisation) -> User:
    return make_user(Role.PARTNER, organisation=home)


@pytest.fixture
def admin(db: None) -> User:
    return make_user(Role.ADMINISTRATOR)


@pytest.fixture
def training(home: Organisation) -> Training:
    # women 5, men 5; ministries 4, agencies 4, civil society 2, other 0; organised by the partner's organisation
    return make_training(organisation=home)


def _raw(participant: TrainingParticipant) -> dict[str, object]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT name, email, institution, position, note, name_index FROM law_trainingparticipant WHERE id = %s",
            [participant.pk],
        )
        row = cursor.fetchone()
    return dict(zip(("name", "email", "institution", "position", "note", "name_index"), row, strict=True))


# --- consent ----------------------------------------------------------------------------------------------


def test_a_name_without_consent_is_refused(training: Training, partner: User) -> None:
    with pytest.raises(ValidationError) as refused:
        services.participant_add(actor=partner, training=training, data=_input(consent_given_on=None))
    assert "consent_given_on" in refused.value.message_dict
    with pytest.raises(ValidationError):
        services.participant_add(actor=partner, training=training, data=_input(consent_purpose=""))
    assert not TrainingParticipant.objects.exists()


def test_the_database_refuses_a_name_without_consent_or_after_withdrawal(training: Training) -> None:
    base = {"training": training, "sex": "woman", "institution_kind": "ministry", "consent_purpose": "record"}
    with pytest.raises(IntegrityError), transaction.atomic():
        TrainingParticipant.objects.create(name="X", **base)
    with pytest.raises(IntegrityError), transaction.atomic():
        TrainingParticipant.objects.create(
            name="X",
            consent_given_on=datetime.date(2024, 1, 1),
            consent_withdrawn_at=datetime.datetime(2024, 2, 1, tzinfo=datetime.UTC),
            **base,
        )


def test_recording_names_needs_the_permission(training: Training, editor: User, reader: User) -> None:
    for user in (editor, reader, None):
        with pytest.raises(PermissionDenied):
            services.participant_add(actor=user, training=training, data=_input())
    assert not TrainingParticipant.objects.exists()
    assert AuditEvent.objects.filter(
        action=AuditAction.PERMISSION_DENIED, record_type="law.trainingparticipant"
    ).exists()


# --- encryption -------------------------------------------------------------------------------------------


def test_names_are_encrypted_in_the_database(training: Training, partner: User) -> None:
    participant = services.participant_add(actor=partner, training=training, data=_input())
    raw = _raw(participant)
    for column in ("name", "email", "institution", "position", "note"):
        stored = str(raw[column])
        assert looks_encrypted(stored), column
        assert "Aminata" not in stored and "example.org" not in stored and "Ministry" not in stored
    assert raw["name_index"] and NAME not in str(raw["name_index"])
    assert TrainingParticipant.objects.get(pk=participant.pk).name == NAME


# --- reads: one access function, scoped and audited ---------------------------------------------------------


def test_a_read_of_names_writes_an_audit_row(training: Training, partner: User) -> None:
    participant = services.participant_add(actor=partner, training=training, data=_input())
    before = AuditEvent.objects.filter(action=AuditAction.READ).count()
    rows = access.participants_read(partner, training, purpose="test")
    assert [row.name for row in rows] == [NAME]
    event = AuditEvent.objects.filter(action=AuditAction.READ).latest("pk")
    assert AuditEvent.objects.filter(action=AuditAction.READ).count() == before + 1
    assert event.record_type == "law.trainingparticipant" and event.actor_id == partner.pk
    assert event.detail["participants"] == [participant.pk] and event.detail["training"] == training.pk
    assert "Aminata" not in str(event.detail)


def test_a_user_without_scope_gets_nothing(
    training: Training, partner: User, admin: User, editor: User, reader: User
) -> None:
    services.participant_add(actor=partner, training=training, data=_input())
    outsider = make_user(Role.PARTNER, organisation=make_organisation())
    colleague = make_user(Role.PARTNER, organisation=partner.organisation)
    assert access.participants_read(editor, training, purpose="test") == []
    assert access.participants_read(reader, training, purpose="test") == []
    assert access.participants_read(None, training, purpose="test") == []
    assert access.participants_read(outsider, training, purpose="test") == []
    assert [p.name for p in access.participants_read(colleague, training, purpose="test")] == [NAME]
    assert [p.name for p in access.participants_read(admin, training, purpose="test")] == [NAME]
    denied = AuditEvent.objects.filter(action=AuditAction.PERMISSION_DENIED, actor_id=editor.pk).latest("pk")
    assert denied.detail["permission"] == "law.view_trainingparticipant"


def test_the_page_and_the_api_show_names_only_in_scope(
    training: Training, partner: User, editor: User
) -> None:
    participant = services.participant_add(actor=partner, training=training, data=_input())
    url = reverse("law:training", args=[training.pk])
    anonymous = Client().get(url)
    assert anonymous.status_code == 200 and NAME not in anonymous.content.decode()
    editor_client = Client()
    editor_client.force_login(editor)
    assert NAME not in editor_client.get(url).content.decode()
    api = f"/api/v1/law/trainings/{training.pk}/participants"
    assert editor_client.get(api).status_code == 404
    assert Client().get(api).status_code == 401
    outsider = login_verified(Client(), make_user(Role.PARTNER, organisation=make_organisation()))
    assert outsider.get(api).json() == [] and NAME not in outsider.get(url).content.decode()
    reads = AuditEvent.objects.filter(action=AuditAction.READ, record_type="law.trainingparticipant").count()
    own = login_verified(Client(), partner)
    page = own.get(url)
    assert NAME in page.content.decode() and page["Cache-Control"].startswith("max-age=0")
    listed = own.get(api).json()
    assert [row["name"] for row in listed] == [NAME] and listed[0]["id"] == participant.pk
    assert AuditEvent.objects.filter(
        action=AuditAction.READ, record_type="law.trainingparticipant"
    ).count() == (reads + 2)


# --- withdrawal -------------------------------------------------------------------------------------------


def test_withdrawal_erases_the_name_and_the_counts_stay(training: Training, partner: User) -> None:
    participant = services.participant_add(actor=partner, training=training, data=_input())
    report_before = training_report().total.total
    services.participant_withdraw(
        actor=partner, participant=participant, expected_version=participant.version
    )
    raw = _raw(participant)
    assert raw == {
        "name": None,
        "email": None,
        "institution": None,
        "position": None,
        "note": None,
        "name_index": "",
    }
    stored = TrainingParticipant.objects.get(pk=participant.pk)
    assert stored.consent_withdrawn_at is not None and stored.consent_given_on == datetime.date(2024, 3, 4)
    assert access.participants_read(partner, training, purpose="test") == []
    training.refresh_from_db()
    assert (training.women, training.participants) == (5, 10)
    assert training_report().total.total == report_before
    # The same person may be named again later, with a new consent.
    services.participant_add(actor=partner, training=training, data=_input())


def test_withdrawal_through_the_page_and_the_api(training: Training, partner: User) -> None:
    first = services.participant_add(actor=partner, training=training, data=_input())
    second = services.participant_add(actor=partner, training=training, data=_input("Second Person"))
    client = login_verified(Client(), partner)
    url = reverse("law:participant_withdraw", args=[first.pk])
    assert client.post(url, {"version": "1"}).status_code == 302
    assert _raw(first)["name"] is None
    api = f"/api/v1/law/participants/{second.pk}/withdraw"
    assert client.post(api, {"version": 7}, content_type="application/json").status_code == 409
    assert _raw(second)["name"] is not None
    assert client.post(api, {"version": 1}, content_type="application/json").status_code == 204
    assert _raw(second)["name"] is None
    outsider = login_verified(Client(), make_user(Role.PARTNER, organisation=make_organisation()))
    third = services.participant_add(actor=partner, training=training, data=_input("Third Person"))
    assert (
        outsider.post(reverse("law:participant_withdraw", args=[third.pk]), {"version": "1"}).status_code
        == 404
    )
    assert _raw(third)["name"] is not None


# --- the counts rule --------------------------------------------------------------------------------------


def test_named_participants_never_exceed_the_counts(training: Training, partner: User) -> None:
    services.participant_add(
        actor=partner, training=training, data=_input("A One", institution_kind="civil_society")
    )
    services.participant_add(
        actor=partner, training=training, data=_input("B Two", institution_kind="civil_society")
    )
    with pytest.raises(ValidationError) as full:
        services.participant_add(
            actor=partner, training=training, data=_input("C Three", institution_kind="civil_society")
        )
    assert "institution_kind" in full.value.message_dict  # civil society counts 2
    with pytest.raises(ValidationError):
        services.participant_add(
            actor=partner, training=training, data=_input("D Four", institution_kind="other")
        )
    with pytest.raises(ValidationError) as twice:
        services.participant_add(actor=partner, training=training, data=_input("a one"))
    assert "name" in twice.value.message_dict  # the same person twice (blind index)
    assert TrainingParticipant.objects.count() == 2


def test_a_count_cannot_be_lowered_below_the_named(training: Training, partner: User, editor: User) -> None:
    for name in ("A One", "B Two"):
        services.participant_add(
            actor=partner, training=training, data=_input(name, institution_kind="civil_society")
        )
    values = {
        "women": 5,
        "men": 5,
        "sex_not_recorded": 0,
        "ministries": 5,
        "agencies": 4,
        "civil_society": 1,
        "other_institutions": 0,
    }
    with pytest.raises(ValidationError) as lowered:
        services.training_update(actor=editor, training=training, values=dict(values), expected_version=1)
    assert "civil_society" in lowered.value.message_dict
    training.refresh_from_db()
    assert (training.civil_society, training.version) == (2, 1)
    withdrawn = TrainingParticipant.objects.order_by("pk").first()
    assert withdrawn is not None
    services.participant_withdraw(actor=partner, participant=withdrawn, expected_version=1)
    services.training_update(actor=editor, training=training, values=dict(values), expected_version=1)
    training.refresh_from_db()
    assert training.civil_society == 1


def test_a_reimport_cannot_lower_a_count_below_the_named(tmp_path: Path, partner: User) -> None:
    header = (
        "reference,title,topic,country,starts_on,ends_on,organisers,women,men,sex_not_recorded,"
        "ministries,agencies,civil_society,other_institutions\n"
    )
    path = tmp_path / "t.csv"
    organiser = partner.organisation.name  # type: ignore[union-attr]
    path.write_text(
        header + f"T-9,Course,labour-mobility,SEN,2024-01-01,2024-01-02,{organiser},2,0,0,2,0,0,0\n"
    )
    import_file(format_name="law-trainings", path=path)
    training = Training.objects.get(reference="T-9")
    assert training.organisation == partner.organisation  # the organisers' text is a known organisation
    services.participant_add(actor=partner, training=training, data=_input())
    services.participant_add(actor=partner, training=training, data=_input("Other Woman"))
    path.write_text(
        header + f"T-9,Course,labour-mobility,SEN,2024-01-01,2024-01-02,{organiser},1,0,0,1,0,0,0\n"
    )
    with pytest.raises(ImportRejected) as refused:
        import_file(format_name="law-trainings", path=path)
    assert {(e.row, e.column) for e in refused.value.errors} == {(2, "women"), (2, "ministries")}
    assert all("named with their consent" in e.reason for e in refused.value.errors)
    training.refresh_from_db()
    assert training.women == 2


def test_no_name_comes_through_the_trainings_import(tmp_path: Path, db: None) -> None:
    path = tmp_path / "t.csv"
    path.write_text(
        "reference,title,topic,country,starts_on,ends_on,organisers,women,men,sex_not_recorded,"
        "ministries,agencies,civil_society,other_institutions,name\n"
        "T-8,Course,labour-mobility,SEN,2024-01-01,2024-01-02,Org,1,0,0,1,0,0,0,Some Person\n"
    )
    with pytest.raises(ImportRejected):
        import_file(format_name="law-trainings", path=path)
    assert not Training.objects.filter(reference="T-8").exists()
    assert not TrainingParticipant.objects.exists()


# --- materials: records of the research library -------------------------------------------------------------


def _publication(slug: str, *, published: bool = True) -> Publication:
    return Publication.objects.create(
        slug=slug, title=f"Handbook {slug}", year=2019, kind="handbook", source="test", is_published=published
    )


def test_materials_are_library_records_on_the_page_import_and_api(tmp_path: Path, editor: User) -> None:
    _publication("glossary-test")
    _publication("draft-test", published=False)
    header = (
        "reference,title,topic,country,starts_on,ends_on,organisers,women,men,sex_not_recorded,"
        "ministries,agencies,civil_society,other_institutions,materials\n"
    )
    path = tmp_path / "t.csv"
    path.write_text(
        header + "T-7,Course,labour-mobility,SEN,2024-01-01,2024-01-02,Org,1,0,0,1,0,0,0,nowhere-slug\n"
    )
    with pytest.raises(ImportRejected) as refused:
        import_file(format_name="law-trainings", path=path)
    assert [e.column for e in refused.value.errors] == ["materials"]
    assert "not in the research library" in refused.value.errors[0].reason
    path.write_text(
        header
        + "T-7,Course,labour-mobility,SEN,2024-01-01,2024-01-02,Org,1,0,0,1,0,0,0,glossary-test;draft-test\n"
    )
    import_file(format_name="law-trainings", path=path)
    training = Training.objects.get(reference="T-7")
    assert set(training.materials.values_list("slug", flat=True)) == {"glossary-test", "draft-test"}
    page = Client().get(f"/fr/law/trainings/{training.pk}/").content.decode()
    assert reverse("coordination:publication_detail", args=["glossary-test"]) in page
    assert "draft-test" not in page  # unpublished: not shown to the public
    api = Client().get(f"/api/v1/law/trainings/{training.pk}").json()
    assert [m["slug"] for m in api["materials"]] == ["glossary-test"]
    client = Client()
    client.force_login(editor)
    put = f"/api/v1/law/trainings/{training.pk}/materials"
    assert (
        client.put(put, {"version": 9, "materials": []}, content_type="application/json").status_code == 409
    )
    assert (
        client.put(
            put, {"version": api["version"], "materials": ["nope"]}, content_type="application/json"
        ).status_code
        == 422
    )
    answer = client.put(put, {"version": api["version"], "materials": []}, content_type="application/json")
    assert answer.status_code == 200 and answer.json()["materials"] == []
    assert not training.materials.exists()


def test_the_edit_form_sets_materials(editor: User, training: Training) -> None:
    from tests.core.test_versioning import _post_data

    glossary = _publication("glossary-form")
    client = Client()
    client.force_login(editor)
    url = reverse("law:training_edit", args=[training.pk])
    data = _post_data(client.get(url).context["form"])
    assert client.post(url, {**data, "materials": [str(glossary.pk)]}).status_code == 302
    assert list(training.materials.all()) == [glossary]


# --- API ----------------------------------------------------------------------------------------------------


def test_the_api_names_a_participant_only_with_consent(training: Training, partner: User) -> None:
    client = login_verified(Client(), partner)
    url = f"/api/v1/law/trainings/{training.pk}/participants"
    body = {"name": NAME, "sex": "woman", "institution_kind": "ministry", "consent_purpose": "record"}
    assert client.post(url, body, content_type="application/json").status_code == 422
    assert not TrainingParticipant.objects.exists()
    created = client.post(url, {**body, "consent_given_on": "2024-03-04"}, content_type="application/json")
    assert created.status_code == 201 and "name" not in created.json()  # names are read through one door
    stored = TrainingParticipant.objects.get()
    assert created.json()["id"] == stored.pk and looks_encrypted(str(_raw(stored)["name"]))
    assert stored.consent_recorded_by == partner and stored.organisation == partner.organisation


# --- demo ---------------------------------------------------------------------------------------------------


@pytest.mark.usefixtures("shipped")
def test_demo_trainings_get_library_materials_and_sample_participants() -> None:
    assert "SAMPLE participants named" in demo.seed()
    samples = Training.objects.filter(is_sample=True)
    assert samples.count() == 6 and all(t.materials.exists() for t in samples)
    named = TrainingParticipant.objects.all()
    assert named.count() == 3 and all(p.is_sample and p.name.startswith("SAMPLE") for p in named)
    assert demo.seed().endswith("already there")
