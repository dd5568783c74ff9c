"""The note pages: scope decides between the page and a 404 that says nothing; every action is audited."""

import pytest
from django.test import Client
from django.urls import reverse

from migdev.accounts.access import Role
from migdev.accounts.models import Note
from migdev.audit.models import AuditAction, AuditEvent
from tests.accounts.scenarios import EXPECTED_SCOPES, POSITIONS, REACH, World
from tests.factories import login_verified, make_note, make_user


def _status(client: Client, url: str) -> int:
    return client.get(url).status_code


@pytest.mark.parametrize("position", POSITIONS)
@pytest.mark.parametrize("role", list(Role))
def test_note_page_by_role_and_position(client: Client, world: World, role: Role, position: str) -> None:
    user = world.subject(role)
    world.notes["own"] = make_note(user)
    login_verified(client, user)
    note = world.notes[position]
    can_view = position in REACH[EXPECTED_SCOPES["accounts.view_note"][role]]
    can_change = position in REACH[EXPECTED_SCOPES["accounts.change_note"][role]]
    can_delete = position in REACH[EXPECTED_SCOPES["accounts.delete_note"][role]]

    assert _status(client, reverse("accounts:note_detail", args=[note.pk])) == (200 if can_view else 404)
    assert _status(client, reverse("accounts:note_edit", args=[note.pk])) == (200 if can_change else 404)
    assert _status(client, reverse("accounts:note_delete", args=[note.pk])) == (200 if can_delete else 404)
    listing = client.get(reverse("accounts:note_list"))
    if EXPECTED_SCOPES["accounts.view_note"][role] is None:
        assert listing.status_code == 404
    else:
        assert (note.title in listing.content.decode()) is can_view


def test_refusal_does_not_reveal_existence(client: Client, world: World) -> None:
    user = world.subject(Role.CASE_WORKER)
    login_verified(client, user)
    hidden = client.get(reverse("accounts:note_detail", args=[world.notes["other"].pk]))
    missing = client.get(reverse("accounts:note_detail", args=[world.notes["other"].pk + 10_000]))
    assert hidden.status_code == missing.status_code == 404
    assert hidden.content == missing.content
    assert hidden.headers.get("Content-Length") == missing.headers.get("Content-Length")


def test_anonymous_visitors_are_sent_to_sign_in(client: Client, world: World) -> None:
    response = client.get(reverse("accounts:note_detail", args=[world.notes["group"].pk]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_create_read_update_delete_are_audited(client: Client, world: World) -> None:
    user = world.subject(Role.CASE_WORKER)
    login_verified(client, user)

    response = client.post(
        reverse("accounts:note_create"),
        {"title": "Handover", "body": "Call the shelter", "group": world.my_group.pk},
    )
    note = Note.objects.get(title="Handover")
    assert response.status_code == 302
    assert (note.owner, note.organisation, note.group) == (user, world.home, world.my_group)

    client.get(reverse("accounts:note_detail", args=[note.pk]))
    client.post(
        reverse("accounts:note_edit", args=[note.pk]),
        {"title": "Handover", "body": "Changed", "group": "", "version": note.version},
    )
    client.post(reverse("accounts:note_delete", args=[note.pk]))
    assert not Note.objects.filter(pk=note.pk).exists()

    events = AuditEvent.objects.filter(actor=user, record_type="accounts.note", record_id=str(note.pk))
    actions = list(events.order_by("pk").values_list("action", flat=True))
    assert actions == [AuditAction.CREATE, AuditAction.READ, AuditAction.UPDATE, AuditAction.DELETE]
    update = events.get(action=AuditAction.UPDATE)
    assert update.detail == {"fields": ["body", "group_id"]}
    assert "Changed" not in str(update.detail)  # values never reach the audit log


def test_a_note_cannot_be_shared_with_someone_elses_group(client: Client, world: World) -> None:
    user = world.subject(Role.CASE_WORKER)
    login_verified(client, user)
    response = client.post(
        reverse("accounts:note_create"), {"title": "Leak", "body": "", "group": world.other_group.pk}
    )
    assert response.status_code == 200
    assert not Note.objects.filter(title="Leak").exists()


def test_denied_pages_are_audited(client: Client, world: World) -> None:
    analyst = make_user(Role.ANALYST, organisation=world.home)
    login_verified(client, analyst)
    assert client.get(reverse("accounts:note_list")).status_code == 404
    event = AuditEvent.objects.get(actor=analyst, action=AuditAction.PERMISSION_DENIED)
    assert event.detail["permission"] == "accounts.view_note"
    assert event.path == reverse("accounts:note_list")
