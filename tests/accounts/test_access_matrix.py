"""Every role and every scope against records at every distance from the user.

Positions: the user's own note; a note of one of the user's groups; a note of the user's organisation
outside their groups; a note of another organisation.
"""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import Http404
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from migdev.accounts import access
from migdev.accounts.access import Role, Scope
from migdev.accounts.models import Note, RoleDefinition, User
from migdev.audit.models import AuditAction, AuditEvent
from tests.accounts.scenarios import EXPECTED_SCOPES, POSITIONS, REACH, World, set_scope
from tests.factories import make_note, make_user


def reachable_positions(user: User, perm: str, world: World) -> set[str]:
    ids = set(access.scoped_queryset(user, perm, Note.objects.all()).values_list("pk", flat=True))
    return {position for position, note in world.notes.items() if note.pk in ids}


@pytest.mark.parametrize("perm", sorted(EXPECTED_SCOPES))
@pytest.mark.parametrize("role", list(Role))
def test_seeded_role_scope(world: World, role: Role, perm: str) -> None:
    user = world.subject(role)
    assert access.scope_for(user, perm) == EXPECTED_SCOPES[perm][role]


@pytest.mark.parametrize("position", POSITIONS)
@pytest.mark.parametrize("perm", sorted(EXPECTED_SCOPES))
@pytest.mark.parametrize("role", list(Role))
def test_role_reaches_exactly_its_scope(world: World, role: Role, perm: str, position: str) -> None:
    user = world.subject(role)
    world.notes["own"] = make_note(user)
    allowed = position in REACH[EXPECTED_SCOPES[perm][role]]
    note = world.notes[position]

    assert (position in reachable_positions(user, perm, world)) is allowed
    if allowed:
        assert access.get_for_user(user, perm, Note.objects.all(), note.pk) == note
    else:
        with pytest.raises(Http404):
            access.get_for_user(user, perm, Note.objects.all(), note.pk)


@pytest.mark.parametrize("position", POSITIONS)
@pytest.mark.parametrize("scope", [*Scope, None])
def test_each_scope_reaches_exactly_its_records(world: World, scope: Scope | None, position: str) -> None:
    set_scope(Role.ANALYST, "accounts.view_note", scope)
    user = world.subject(Role.ANALYST)
    world.notes["own"] = make_note(user)
    allowed = position in REACH[scope]
    assert (position in reachable_positions(user, "accounts.view_note", world)) is allowed
    if allowed:
        access.get_for_user(user, "accounts.view_note", Note.objects.all(), world.notes[position].pk)
    else:
        with pytest.raises(Http404):
            access.get_for_user(user, "accounts.view_note", Note.objects.all(), world.notes[position].pk)


def test_widest_scope_wins_across_roles(world: World) -> None:
    user = world.subject(Role.CASE_WORKER, Role.PARTNER)
    assert access.scope_for(user, "accounts.view_note") == Scope.ORGANISATION
    assert access.scope_for(user, "accounts.delete_note") == Scope.OWN


def test_user_without_organisation_gets_no_organisation_records(world: World) -> None:
    user = make_user(Role.PARTNER, organisation=None)
    world.notes["own"] = make_note(user)
    assert reachable_positions(user, "accounts.view_note", world) == {"own"}


def test_anonymous_and_inactive_users_hold_nothing(world: World) -> None:
    inactive = world.subject(Role.ADMINISTRATOR)
    inactive.is_active = False
    inactive.save()
    for user in (AnonymousUser(), inactive, None):
        assert access.scope_for(user, "accounts.view_note") is None
        assert not access.has_permission(user, "accounts.view_note")
        assert not access.scoped_queryset(user, "accounts.view_note", Note.objects.all()).exists()
        assert not access.require_two_factor(user)


def test_superuser_reaches_everything(world: World) -> None:
    root = make_user(organisation=None, is_superuser=True)
    assert access.scope_for(root, "accounts.view_note") == Scope.ALL
    assert reachable_positions(root, "accounts.view_note", world) == {"group", "organisation", "other"}
    assert access.require_two_factor(root)


def test_out_of_scope_and_missing_records_look_the_same_and_are_audited(world: World) -> None:
    user = world.subject(Role.CASE_WORKER)
    missing_pk = Note.objects.order_by("-pk").first().pk + 1000  # type: ignore[union-attr]
    for pk in (world.notes["other"].pk, missing_pk, "not-a-number"):
        with pytest.raises(Http404) as raised:
            access.get_for_user(user, "accounts.view_note", Note.objects.all(), pk)
        assert str(raised.value) == ""
    events = AuditEvent.objects.filter(action=AuditAction.PERMISSION_DENIED, actor=user)
    assert [event.detail["reason"] for event in events] == ["not_in_scope"] * 3
    assert {event.record_id for event in events} == {
        str(world.notes["other"].pk),
        str(missing_pk),
        "not-a-number",
    }


def test_lacking_the_permission_is_audited_as_such(world: World) -> None:
    user = world.subject(Role.ANALYST)
    with pytest.raises(Http404):
        access.get_for_user(user, "accounts.view_note", Note.objects.all(), world.notes["group"].pk)
    event = AuditEvent.objects.get(action=AuditAction.PERMISSION_DENIED, actor=user)
    assert event.detail == {"permission": "accounts.view_note", "reason": "no_permission"}
    assert (event.record_type, event.record_id) == ("accounts.note", str(world.notes["group"].pk))


def test_audit_read_records_the_read(world: World) -> None:
    user = world.subject(Role.SUPERVISOR)
    note = world.notes["group"]
    access.get_for_user(user, "accounts.view_note", Note.objects.all(), note.pk, audit_read=True)
    assert AuditEvent.objects.filter(
        action=AuditAction.READ, actor=user, record_type="accounts.note", record_id=str(note.pk)
    ).exists()


def test_cached_access_is_refreshed_on_request(world: World) -> None:
    user = world.subject(Role.ANALYST)
    assert not access.has_permission(user, "accounts.view_note")
    user.roles.add(RoleDefinition.objects.get(code=Role.CASE_WORKER))
    assert not access.has_permission(user, "accounts.view_note")  # memo for this request
    access.forget_cached_access(user)
    assert access.has_permission(user, "accounts.view_note")


OWNERS = st.sampled_from(["subject", "teammate", "outsider"])
GROUPS = st.sampled_from(["mine", "home", "other", None])
ORGANISATIONS = st.sampled_from(["home", "other", None])


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(placements=st.lists(st.tuples(OWNERS, GROUPS, ORGANISATIONS), min_size=1, max_size=8))
def test_scopes_match_their_definition_and_nest(
    world: World, placements: list[tuple[str, str | None, str | None]]
) -> None:
    subject = User.objects.filter(username="scope-subject").first() or make_user(
        organisation=world.home, groups=(world.my_group,), username="scope-subject"
    )
    people = {
        "subject": subject,
        "teammate": world.notes["group"].owner,
        "outsider": world.notes["other"].owner,
    }
    groups = {"mine": world.my_group, "home": world.home_group, "other": world.other_group, None: None}
    organisations = {"home": world.home, "other": world.other, None: None}
    created = {
        make_note(people[owner], group=groups[group]).pk: (owner, group, organisation)
        for owner, group, organisation in placements
    }
    Note.objects.filter(pk__in=list(created)).update(organisation=None)
    for pk, (_owner, _group, organisation) in created.items():
        Note.objects.filter(pk=pk).update(organisation=organisations[organisation])

    def expected(scope: Scope, placement: tuple[str, str | None, str | None]) -> bool:
        owner, group, organisation = placement
        return (
            scope == Scope.ALL
            or owner == "subject"
            or (scope in (Scope.GROUP, Scope.ORGANISATION) and group == "mine")
            or (scope == Scope.ORGANISATION and organisation == "home")
        )

    previous: set[int] = set()
    for scope in (Scope.OWN, Scope.GROUP, Scope.ORGANISATION, Scope.ALL):
        set_scope(Role.ANALYST, "accounts.view_note", scope)
        subject.roles.set(RoleDefinition.objects.filter(code=Role.ANALYST))
        access.forget_cached_access(subject)
        reached = set(
            access.scoped_queryset(
                subject, "accounts.view_note", Note.objects.filter(pk__in=list(created))
            ).values_list("pk", flat=True)
        )
        assert reached == {pk for pk, placement in created.items() if expected(scope, placement)}
        assert previous <= reached
        previous = reached
