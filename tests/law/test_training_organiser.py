"""A partner names participants only on the trainings its own organisation organised; a user whose scope is
every organisation names them on any. The organising organisation is a reference to the platform's
organisations, set by the edit form, the import and the API, beside the organisers as text."""

from __future__ import annotations

import datetime
import importlib
from pathlib import Path

import pytest
from django.apps import apps
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse

from migdev.accounts.access import Role
from migdev.accounts.models import Organisation, User
from migdev.audit.models import AuditAction, AuditEvent
from migdev.dataio.errors import ImportRejected
from migdev.dataio.services import import_file
from migdev.law import access, services
from migdev.law.models import Training, TrainingParticipant
from tests.factories import login_verified, make_organisation, make_user
from tests.law.factories import make_training


def _input(name: str = "Fatou Organiser-Test") -> services.ParticipantInput:
    return services.ParticipantInput(
        name=name,
        sex="woman",
        institution_kind="ministry",
        consent_given_on=datetime.date(2024, 3, 4),
        consent_purpose="record",
    )


PAYLOAD = {
    "name": "Fatou Organiser-Test",
    "sex": "woman",
    "institution_kind": "ministry",
    "consent_given_on": "2024-03-04",
    "consent_purpose": "record",
}


@pytest.fixture
def organiser(db: None) -> Organisation:
    return make_organisation()


@pytest.fixture
def other(db: None) -> Organisation:
    return make_organisation()


@pytest.fixture
def training(organiser: Organisation) -> Training:
    return make_training(organisation=organiser)


def _denials(reason: str) -> int:
    return AuditEvent.objects.filter(
        action=AuditAction.PERMISSION_DENIED,
        record_type="law.trainingparticipant",
        detail__reason=reason,
    ).count()


# --- the service, by role ----------------------------------------------------------------------------------


def test_a_partner_of_the_organising_organisation_names_participants(
    training: Training, organiser: Organisation
) -> None:
    partner = make_user(Role.PARTNER, organisation=organiser)
    assert access.may_name_participants_of(partner, training)
    participant = services.participant_add(actor=partner, training=training, data=_input())
    assert participant.organisation == organiser


def test_a_partner_of_another_organisation_is_refused(training: Training, other: Organisation) -> None:
    outsider = make_user(Role.PARTNER, organisation=other)
    assert access.may_add_participants(outsider)  # holds the permission, but not for this training
    assert not access.may_name_participants_of(outsider, training)
    with pytest.raises(PermissionDenied) as refused:
        services.participant_add(actor=outsider, training=training, data=_input())
    assert "organised this training" in str(refused.value)
    assert not TrainingParticipant.objects.exists()
    assert _denials("not_the_organiser") == 1


def test_a_training_without_an_organising_organisation_is_named_by_every_organisation_scope_only(
    organiser: Organisation,
) -> None:
    training = make_training()  # the organisers as text only
    partner = make_user(Role.PARTNER, organisation=organiser)
    unattached = make_user(Role.PARTNER)  # a partner with no organisation either
    for user in (partner, unattached):
        with pytest.raises(PermissionDenied):
            services.participant_add(actor=user, training=training, data=_input())
    admin = make_user(Role.ADMINISTRATOR)
    services.participant_add(actor=admin, training=training, data=_input())
    assert TrainingParticipant.objects.filter(training=training).count() == 1


def test_an_administrator_names_participants_on_any_training(training: Training, other: Organisation) -> None:
    admin = make_user(Role.ADMINISTRATOR, organisation=other)  # scope every organisation
    assert access.may_name_participants_of(admin, training)
    services.participant_add(actor=admin, training=training, data=_input())
    assert TrainingParticipant.objects.filter(training=training).count() == 1


def test_editors_readers_and_anonymous_users_are_refused(
    training: Training, organiser: Organisation, editor: User, reader: User
) -> None:
    editor.organisation = organiser
    editor.save()
    for user in (editor, reader, None):
        assert not access.may_name_participants_of(user, training)
        with pytest.raises(PermissionDenied):
            services.participant_add(actor=user, training=training, data=_input())
    assert not TrainingParticipant.objects.exists()


def test_the_organiser_checked_is_the_stored_one_not_the_callers_copy(
    training: Training, organiser: Organisation, other: Organisation
) -> None:
    partner = make_user(Role.PARTNER, organisation=organiser)
    stale_copy = Training.objects.get(pk=training.pk)
    Training.objects.filter(pk=training.pk).update(organisation=other)  # an editor moved it meanwhile
    with pytest.raises(PermissionDenied):
        services.participant_add(actor=partner, training=stale_copy, data=_input())
    assert not TrainingParticipant.objects.exists()


# --- the API and the pages -----------------------------------------------------------------------------------


def test_the_api_answers_201_to_the_organiser_403_to_others_404_to_no_training(
    training: Training, organiser: Organisation, other: Organisation, editor: User
) -> None:
    url = f"/api/v1/law/trainings/{training.pk}/participants"
    own = login_verified(Client(), make_user(Role.PARTNER, organisation=organiser))
    outsider = login_verified(Client(), make_user(Role.PARTNER, organisation=other))
    editor_client = Client()
    editor_client.force_login(editor)
    refused = outsider.post(url, PAYLOAD, content_type="application/json")
    assert refused.status_code == 403
    assert "organised this training" in refused.json()["detail"]
    assert editor_client.post(url, PAYLOAD, content_type="application/json").status_code == 403
    assert Client().post(url, PAYLOAD, content_type="application/json").status_code == 401
    assert not TrainingParticipant.objects.exists()
    assert own.post(url, PAYLOAD, content_type="application/json").status_code == 201
    missing = "/api/v1/law/trainings/999999/participants"
    assert outsider.post(missing, PAYLOAD, content_type="application/json").status_code == 404
    assert TrainingParticipant.objects.count() == 1


def test_the_page_offers_naming_to_the_organiser_only(
    training: Training, organiser: Organisation, other: Organisation
) -> None:
    page = reverse("law:training", args=[training.pk])
    form = reverse("law:participant_new", args=[training.pk])
    own = login_verified(Client(), make_user(Role.PARTNER, organisation=organiser))
    outsider = login_verified(Client(), make_user(Role.PARTNER, organisation=other))
    own_page = own.get(page).content.decode()
    assert form in own_page and organiser.name in own_page
    outsider_page = outsider.get(page).content.decode()
    assert form not in outsider_page and "organised this training may name" in outsider_page
    assert own.get(form).status_code == 200
    assert outsider.get(form).status_code == 403
    posted = outsider.post(
        form,
        {**PAYLOAD, "consent_confirmed": "on", "email": "", "institution": "", "position": "", "note": ""},
    )
    assert posted.status_code == 403 and not TrainingParticipant.objects.exists()


# --- setting the organising organisation: form, import, API, migration --------------------------------------


def test_the_edit_form_sets_the_organising_organisation(
    training: Training, other: Organisation, editor: User
) -> None:
    from tests.core.test_versioning import _post_data

    client = Client()
    client.force_login(editor)
    url = reverse("law:training_edit", args=[training.pk])
    data = _post_data(client.get(url).context["form"])
    assert client.post(url, {**data, "organisation": str(other.pk)}).status_code == 302
    training.refresh_from_db()
    assert (training.organisation, training.organisers, training.version) == (other, "Ministry", 2)


def test_the_api_sets_the_organising_organisation(
    training: Training, other: Organisation, editor: User, reader: User
) -> None:
    url = f"/api/v1/law/trainings/{training.pk}/organisation"
    client = Client()
    client.force_login(editor)
    answer = client.put(url, {"version": 1, "organisation_id": other.pk}, content_type="application/json")
    assert answer.status_code == 200
    assert answer.json()["organisation"] == {"id": other.pk, "name": other.name, "acronym": other.acronym}
    stale = client.put(url, {"version": 1, "organisation_id": None}, content_type="application/json")
    assert stale.status_code == 409
    unknown = client.put(url, {"version": 2, "organisation_id": 987654}, content_type="application/json")
    assert unknown.status_code in (400, 422)
    reader_client = Client()
    reader_client.force_login(reader)
    refused = reader_client.put(url, {"version": 2, "organisation_id": None}, content_type="application/json")
    assert refused.status_code in (403, 404)
    training.refresh_from_db()
    assert (training.organisation, training.version) == (other, 2)
    listed = Client().get(f"/api/v1/law/trainings/{training.pk}").json()
    assert listed["organisation"]["id"] == other.pk and listed["organisers"] == "Ministry"


HEADER = (
    "reference,title,topic,country,starts_on,ends_on,organisers,organisation,women,men,sex_not_recorded,"
    "ministries,agencies,civil_society,other_institutions\n"
)


def _import(tmp_path: Path, *rows: str) -> None:
    path = tmp_path / "trainings.csv"
    path.write_text(HEADER + "".join(row + "\n" for row in rows), encoding="utf-8")
    import_file(format_name="law-trainings", path=path)


def test_the_import_sets_it_by_name_or_acronym_or_from_the_organisers(
    tmp_path: Path, organiser: Organisation, other: Organisation
) -> None:
    row = "{ref},Course,labour-mobility,SEN,2024-01-01,2024-01-02,{text},{org},1,0,0,1,0,0,0"
    _import(
        tmp_path,
        row.format(ref="O-1", text="Ministry and partners", org=other.acronym.lower()),
        row.format(ref="O-2", text=f" {organiser.name.upper()} ", org=""),
        row.format(ref="O-3", text="Ministry and partners", org=""),
    )
    found = {t.reference: t.organisation for t in Training.objects.filter(reference__startswith="O-")}
    assert found == {"O-1": other, "O-2": organiser, "O-3": None}
    assert Training.objects.get(reference="O-1").organisers == "Ministry and partners"


def test_the_import_refuses_an_unknown_or_ambiguous_organisation(tmp_path: Path, db: None) -> None:
    Organisation.objects.create(name="Agency one", acronym="SAME", kind=Organisation.Kind.NGO)
    Organisation.objects.create(name="Agency two", acronym="SAME", kind=Organisation.Kind.NGO)
    row = "{ref},Course,labour-mobility,SEN,2024-01-01,2024-01-02,Org,{org},1,0,0,1,0,0,0"
    with pytest.raises(ImportRejected) as refused:
        _import(tmp_path, row.format(ref="U-1", org="No such body"), row.format(ref="U-2", org="same"))
    assert {(e.row, e.column) for e in refused.value.errors} == {(2, "organisation"), (3, "organisation")}
    assert not Training.objects.filter(reference__startswith="U-").exists()
    ambiguous_organisers = "U-4,Course,labour-mobility,SEN,2024-01-01,2024-01-02,Same,,1,0,0,1,0,0,0"
    _import(tmp_path, row.format(ref="U-3", org="Agency two"), ambiguous_organisers)
    assert Training.objects.get(reference="U-3").organisation.name == "Agency two"  # type: ignore[union-attr]
    assert Training.objects.get(reference="U-4").organisation is None  # the text names either agency


def test_the_migration_links_only_organisers_that_are_exactly_one_known_organisation(
    organiser: Organisation,
) -> None:
    migration = importlib.import_module("migdev.law.migrations.0006_law6_training_organisation")
    Organisation.objects.create(name="Twin one", acronym="TWIN", kind=Organisation.Kind.NGO)
    Organisation.objects.create(name="Twin two", acronym="TWIN", kind=Organisation.Kind.NGO)
    named = make_training(organisers=organiser.acronym.lower())
    ambiguous = make_training(organisers="TWIN")
    text_only = make_training(organisers="Ministry of labour and IOM")
    migration.link_known_organisers(apps, None)
    for training in (named, ambiguous, text_only):
        training.refresh_from_db()
    assert named.organisation == organiser and named.version == 2
    assert ambiguous.organisation is None and text_only.organisation is None
    assert text_only.organisers == "Ministry of labour and IOM" and text_only.version == 1


@pytest.mark.usefixtures("shipped")
def test_the_demo_partner_names_participants_on_the_sample_trainings_and_no_other_partner_does() -> None:
    from migdev.accounts import demo as accounts_demo
    from migdev.law import demo

    home = Organisation.objects.create(
        name=accounts_demo.DEMO_ORGANISATION_NAME, acronym="DEMO", kind=Organisation.Kind.NGO
    )
    demo.seed()
    samples = Training.objects.filter(is_sample=True)
    assert samples.count() == 6 and all(t.organisation == home for t in samples)
    assert all(t.organisers == "SAMPLE organiser (demo)" for t in samples)  # the text stays
    demo_partner = make_user(Role.PARTNER, organisation=home)
    stranger = make_user(Role.PARTNER, organisation=make_organisation())
    sample = samples.get(reference="SAMPLE-IML-003")
    assert access.may_name_participants_of(demo_partner, sample)
    assert not access.may_name_participants_of(stranger, sample)
