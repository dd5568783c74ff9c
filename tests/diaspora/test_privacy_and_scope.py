"""What each role sees, through the real pages: non-public fields never reach the public roster or the
host before both signed; records outside a scope are 404; identifying reads are audited; an expert can
delete their account and the statistics stay."""

from __future__ import annotations

from datetime import date

import pytest

from migdev.accounts.models import User
from migdev.audit.models import AuditEvent
from migdev.diaspora import selectors, services
from migdev.diaspora.models import Assignment, Expert
from tests.diaspora.conftest import World, signed_in

pytestmark = pytest.mark.django_db

SECRETS = (
    "Aminata",
    "Diallo",
    "aminata.diallo@example.org",
    "+33 6 12 34 56 78",
    "cholera surveillance in 2019",
)


def _entries(html: str) -> str:
    """The roster entries (the page's filters list every country)."""
    return html[html.index('<ul class="roster">') :]


def _public(expert: Expert, fields: list[str]) -> None:
    services.expert_set_sharing(
        actor=expert.user,
        expert=expert,
        expected_version=expert.version,
        public_entry=True,
        public_fields=fields,
        host_fields=expert.host_fields,
    )


def test_public_roster_shows_only_the_fields_the_expert_picked(world: World, esco: object, client) -> None:
    shown = world.expert()
    _public(shown, ["country_of_residence", "sectors"])
    hidden = world.expert(given_name="Moussa", family_name="Ndiaye", email="m.ndiaye@example.org")
    page = client.get("/en/diaspora/roster/")
    assert page.status_code == 200
    html = _entries(page.content.decode())
    assert shown.reference in html and "France" in html and "Health" in html
    assert hidden.reference not in html and "Ndiaye" not in html
    for secret in SECRETS:
        assert secret not in html
    assert "epidemiology" not in html  # skills were not picked
    assert "Senegal" not in html  # the country of origin was not picked
    # Filtering on a field the expert kept private finds nothing (the filter would reveal it).
    assert shown.reference not in client.get("/en/diaspora/roster/?origin=SEN").content.decode()
    assert shown.reference in client.get("/en/diaspora/roster/?sector=health").content.decode()


def test_withdrawn_public_entry_and_withdrawn_processing_consent_leave_the_roster(
    world: World, client
) -> None:
    expert = world.expert()
    _public(expert, ["sectors"])
    expert.refresh_from_db()
    services.expert_set_sharing(
        actor=expert.user,
        expert=expert,
        expected_version=expert.version,
        public_entry=False,
        public_fields=["sectors"],
        host_fields=[],
    )
    assert expert.reference not in client.get("/en/diaspora/roster/").content.decode()
    expert.refresh_from_db()
    assert expert.public_withdrawn_at is not None and expert.public_consent_at is not None
    _public(expert, ["sectors"])
    services.expert_withdraw_processing_consent(actor=expert.user, expert=expert)
    assert expert.reference not in client.get("/en/diaspora/roster/").content.decode()


def _through_selection(world: World, expert: Expert):
    row = world.request_row()
    invitation = services.invitation_send(actor=world.officer, row=row, expert=expert)
    services.invitation_answer(actor=expert.user, invitation=invitation, accept=True)
    services.invitation_select(actor=world.host_user, invitation=invitation)
    agreement = services.agreement_draft(
        actor=world.officer,
        invitation=invitation,
        values={
            "starts_on": date(2027, 3, 10),
            "ends_on": date(2027, 3, 30),
            "deliverables": "Workshops",
            "compensation": "per_diem",
            "amount": "90",
        },
    )
    return row, invitation, agreement


def test_host_sees_only_what_the_expert_shares_until_both_signed(world: World, esco: object) -> None:
    expert = world.expert()
    row, invitation, agreement = _through_selection(world, expert)
    host = signed_in(world.host_user)
    html = host.get(f"/en/diaspora/requests/{row.pk}/").content.decode()
    assert expert.reference in html
    for secret in SECRETS:
        assert secret not in html
    services.agreement_sign(actor=expert.user, agreement=agreement)
    html = host.get(f"/en/diaspora/requests/{row.pk}/").content.decode()
    assert "aminata.diallo@example.org" not in html
    host.post(f"/en/diaspora/requests/{row.pk}/", {"action": "sign", "invitation": invitation.pk})
    assert Assignment.objects.filter(agreement=agreement).exists()
    html = host.get(f"/en/diaspora/requests/{row.pk}/").content.decode()
    assert "aminata.diallo@example.org" in html and "Diallo" in html
    # The biography was never among the fields shared with hosts.
    assert "cholera surveillance in 2019" not in html


def test_host_shortlist_shows_references_and_shared_fields_only(world: World, esco: object) -> None:
    expert = world.expert()
    row = world.request_row()
    html = signed_in(world.host_user).get(f"/en/diaspora/requests/{row.pk}/").content.decode()
    assert expert.reference in html
    for secret in SECRETS:
        assert secret not in html


def test_requests_outside_scope_are_404_and_denials_audited(world: World, esco: object) -> None:
    row = world.request_row()
    other = world.request_row(host=world.other_host)
    assert signed_in(world.other_host_user).get(f"/en/diaspora/requests/{row.pk}/").status_code == 404
    assert signed_in(world.other_officer).get(f"/en/diaspora/requests/{row.pk}/").status_code == 404
    office = signed_in(world.office_user)
    assert (
        office.get(f"/en/diaspora/requests/{row.pk}/").status_code == 200
    )  # Senegal's office, Senegal's host
    assert office.get(f"/en/diaspora/requests/{other.pk}/").status_code == 404  # a Malian host
    assert signed_in(world.host_user).get("/en/diaspora/requests/999999/").status_code == 404
    denied = AuditEvent.objects.filter(action="permission_denied", record_type="diaspora.request")
    assert denied.filter(record_id=str(row.pk)).count() >= 2


def test_expert_sees_only_their_own_profile_and_invitations(world: World, esco: object) -> None:
    mine = world.expert()
    theirs = world.expert(given_name="Moussa")
    row = world.request_row()
    invitation = services.invitation_send(actor=world.officer, row=row, expert=theirs)
    me = signed_in(mine.user)
    html = me.get("/en/diaspora/profile/").content.decode()
    assert "Aminata" in html and "Moussa" not in html
    assert (
        me.post(f"/en/diaspora/invitations/{invitation.pk}/answer/", {"answer": "accept"}).status_code == 404
    )
    invitation.refresh_from_db()
    assert invitation.answer == ""
    assert signed_in(world.host_user).get("/en/diaspora/profile/").status_code == 404
    assert me.get(f"/en/diaspora/requests/{row.pk}/").status_code == 404


def test_reading_a_profile_is_audited(world: World) -> None:
    expert = world.expert()
    before = AuditEvent.objects.filter(
        action="read", record_type="diaspora.expert", record_id=str(expert.pk)
    ).count()
    signed_in(expert.user).get("/en/diaspora/profile/")
    after = AuditEvent.objects.filter(
        action="read", record_type="diaspora.expert", record_id=str(expert.pk)
    ).count()
    assert after == before + 1


def test_profile_edit_keeps_the_other_editors_change(world: World, esco: object) -> None:
    expert = world.expert()
    page = signed_in(expert.user)
    data = {
        "action": "profile",
        "version": expert.version,
        "given_name": "Aminata",
        "family_name": "Diallo",
        "email": "new@example.org",
        "phone": "",
        "sex": "F",
        "country_of_origin": "SEN",
        "origin_basis": "born",
        "country_of_residence": "ITA",
        "years_experience": 13,
        "days_on_site_per_year": 30,
        "hours_online_per_week": 5,
        "modalities": ["online"],
        "language_1": "fr",
        "level_1": "C2",
    }
    assert page.post("/en/diaspora/profile/", data).status_code == 302
    expert.refresh_from_db()
    assert expert.email == "new@example.org" and expert.country_of_residence == "ITA"
    stale = page.post("/en/diaspora/profile/", {**data, "email": "stale@example.org"})
    assert stale.status_code == 409
    expert.refresh_from_db()
    assert expert.email == "new@example.org"


def test_account_deletion_erases_identity_and_keeps_statistics(world: World, esco: object) -> None:
    expert = world.expert()
    row, invitation, agreement = _through_selection(world, expert)
    services.agreement_sign(actor=expert.user, agreement=agreement)
    services.agreement_sign(actor=world.host_user, agreement=agreement)
    user_pk = expert.user_id
    page = signed_in(expert.user)
    assert page.post("/en/diaspora/profile/delete/", {"confirm": "nope"}).status_code == 302
    assert Expert.objects.get(pk=expert.pk).status == "active"
    response = page.post("/en/diaspora/profile/delete/", {"confirm": "DELETE"})
    assert response.status_code == 200
    stored = Expert.objects.get(pk=expert.pk)
    assert stored.status == "deleted" and stored.user_id is None
    for name in ("given_name", "family_name", "email", "phone", "biography"):
        assert getattr(stored, name) == ""
    assert stored.skill_uris == [] and stored.languages == []
    assert stored.country_of_origin == "SEN" and stored.sex == "F" and stored.sectors == ["health"]
    user = User.objects.get(pk=user_pk)
    assert not user.is_active and not user.has_usable_password() and "Aminata" not in user.username
    figures = selectors.report()
    assert figures.experts_registered == 1 and figures.experts_active == 0 and figures.assignments_total == 1
    assert AuditEvent.objects.filter(
        action="delete", record_type="diaspora.expert", detail__step="account_deleted"
    ).exists()
    # The host no longer sees the contact details, even after the agreement.
    html = signed_in(world.host_user).get(f"/en/diaspora/requests/{row.pk}/").content.decode()
    assert "aminata.diallo@example.org" not in html
    assert page.get("/en/diaspora/profile/").status_code in (302, 404)


def test_identifying_fields_are_encrypted_at_rest(world: World) -> None:
    from django.db import connection

    expert = world.expert()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT given_name, email, phone, biography FROM diaspora_expert WHERE id = %s", [expert.pk]
        )
        stored = cursor.fetchone()
    for value, secret in zip(stored, ("Aminata", "aminata.diallo", "+33 6", "cholera"), strict=True):
        assert secret not in value


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_roster_export_carries_only_picked_fields(world: World, esco: object, client, fmt: str) -> None:
    shown = world.expert(biography='=HYPERLINK("http://evil")')
    _public(shown, ["country_of_residence", "biography"])
    world.expert(given_name="Moussa", family_name="Ndiaye")
    response = client.get(f"/en/diaspora/roster/?format={fmt}")
    assert response.status_code == 200
    body = b"".join(response.streaming_content) if response.streaming else response.content
    if fmt == "xlsx":
        import io

        from openpyxl import load_workbook

        sheet = load_workbook(io.BytesIO(body), read_only=True).active
        text = "\n".join(
            ",".join(str(c) for c in row if c is not None) for row in sheet.iter_rows(values_only=True)
        )
    else:
        text = body.decode("utf-8-sig")
    assert shown.reference in text and "France" in text
    for secret in (
        "Aminata",
        "Diallo",
        "aminata.diallo@example.org",
        "+33 6 12 34 56 78",
        "Moussa",
        "Ndiaye",
        "Senegal",
    ):
        assert secret not in text
    assert "'=HYPERLINK" in text  # the picked biography, neutralised against formula injection


def test_the_office_sets_its_own_priority_sectors_only(world: World, esco: object) -> None:
    row = world.request_row()
    office = signed_in(world.office_user)
    assert office.post("/en/diaspora/priorities/", {"sectors": ["health", "digital"]}).status_code == 302
    assert sorted(world.office.priorities.values_list("sector", flat=True)) == ["digital", "health"]
    page = office.get("/en/diaspora/priorities/").content.decode()
    assert row.title in page
    assert (
        "a priority sector of the government"
        in signed_in(world.officer).get(f"/en/diaspora/requests/{row.pk}/").content.decode()
    )
    assert signed_in(world.host_user).get("/en/diaspora/priorities/").status_code == 404
    assert AuditEvent.objects.filter(
        record_type="diaspora.diasporaoffice", detail__step="priority_sectors"
    ).exists()
