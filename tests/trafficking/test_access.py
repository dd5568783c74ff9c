"""Role × scope on every counter-trafficking record type, through the one access function of each.

Positions of a record relative to the user: their own; owned by a colleague in one of their teams; owned
by someone of their organisation outside their teams; owned by another organisation.
"""

from dataclasses import dataclass

import pytest
from django.http import Http404

from migdev.accounts.access import Role
from migdev.accounts.models import User
from migdev.audit.models import AuditAction, AuditEvent
from migdev.trafficking import selectors, services
from migdev.trafficking.models import Case, CaseComment, Consent, Referral
from tests.trafficking.factories import make_case, make_group, make_organisation, make_user

pytestmark = pytest.mark.django_db

POSITIONS = ("own", "group", "organisation", "other")
CASE_REACH = {
    Role.CASE_WORKER: {"own"},
    Role.SUPERVISOR: {"own", "group"},
    Role.ANALYST: set(),
    Role.DATA_PROTECTION_OFFICER: set(),
    Role.PARTNER: set(),
    Role.EDITOR: set(),
    Role.ADMINISTRATOR: set(),
}
# Only case workers and supervisors write, over the same reach as they read.
CHANGE_REACH = CASE_REACH


@dataclass
class World:
    user: User
    cases: dict[str, Case]
    referrals: dict[str, Referral]
    comments: dict[str, CaseComment]


def build_world(role: str) -> World:
    organisation = make_organisation()
    team = make_group(organisation)
    other_team = make_group(organisation)
    elsewhere = make_organisation()
    # The user holds case-opening rights through an extra role only where their own role lacks them, so
    # every role has an "own" case to test against.
    user = make_user(role, organisation=organisation, groups=(team,))
    creator_for_own = user if role in (Role.CASE_WORKER, Role.SUPERVISOR) else None
    colleague = make_user("case_worker", organisation=organisation, groups=(team,))
    outsider = make_user("case_worker", organisation=organisation, groups=(other_team,))
    foreign = make_user("case_worker", organisation=elsewhere, groups=(make_group(elsewhere),))
    cases = {
        "group": make_case(colleague),
        "organisation": make_case(outsider),
        "other": make_case(foreign),
    }
    if creator_for_own is not None:
        cases["own"] = make_case(creator_for_own)
    else:
        case = make_case(colleague)
        Case.objects.filter(pk=case.pk).update(owner=user, group=None)
        cases["own"] = Case.objects.get(pk=case.pk)
    referrals = {}
    comments = {}
    for position, case in cases.items():
        owner = case.owner if position != "own" or creator_for_own else colleague
        referrals[position] = Referral.objects.create(
            case=case,
            created_by=owner,
            direction=Referral.Direction.INCOMING,
            organisation_name="Hotline",
            reason="Other",
        )
        comments[position] = CaseComment.objects.create(case=case, created_by=owner, body="note")
    return World(user, cases, referrals, comments)


@pytest.mark.parametrize("role", list(CASE_REACH))
def test_cases_visible_to(role: str) -> None:
    world = build_world(role)
    visible = set(selectors.cases_visible_to(world.user).values_list("pk", flat=True))
    expected = {world.cases[p].pk for p in CASE_REACH[role]}
    assert visible & {c.pk for c in world.cases.values()} == expected


@pytest.mark.parametrize("role", list(CASE_REACH))
@pytest.mark.parametrize("position", POSITIONS)
def test_case_get_for_user_returns_audits_or_404s(role: str, position: str) -> None:
    world = build_world(role)
    case = world.cases[position]
    before = AuditEvent.objects.count()
    if position in CASE_REACH[role]:
        assert selectors.case_get_for_user(world.user, case.pk) == case
        read = AuditEvent.objects.filter(action=AuditAction.READ).latest("pk")
        assert (read.actor_id, read.record_type, read.record_id) == (
            world.user.pk,
            "trafficking.case",
            str(case.pk),
        )
    else:
        with pytest.raises(Http404):
            selectors.case_get_for_user(world.user, case.pk)
        denied = AuditEvent.objects.latest("pk")
        assert denied.action == AuditAction.PERMISSION_DENIED
        assert not AuditEvent.objects.filter(pk__gt=before, action=AuditAction.READ).exists()


@pytest.mark.parametrize("role", list(CASE_REACH))
def test_missing_and_out_of_scope_cases_look_the_same(role: str) -> None:
    world = build_world(role)
    with pytest.raises(Http404) as missing:
        selectors.case_get_for_user(world.user, 10**9)
    with pytest.raises(Http404) as hidden:
        selectors.case_get_for_user(world.user, world.cases["other"].pk)
    assert str(missing.value) == str(hidden.value)


@pytest.mark.parametrize("role", list(CASE_REACH))
@pytest.mark.parametrize("position", POSITIONS)
def test_referrals_and_case_records_follow_the_case(role: str, position: str) -> None:
    world = build_world(role)
    reachable = position in CASE_REACH[role]
    referral = world.referrals[position]
    comment = world.comments[position]
    assert selectors.referrals_visible_to(world.user).filter(pk=referral.pk).exists() == reachable
    if reachable:
        assert selectors.referral_get_for_user(world.user, referral.pk) == referral
        assert selectors.case_record_get_for_user(world.user, CaseComment, comment.pk) == comment
    else:
        with pytest.raises(Http404):
            selectors.referral_get_for_user(world.user, referral.pk)
        with pytest.raises(Http404):
            selectors.case_record_get_for_user(world.user, CaseComment, comment.pk)


@pytest.mark.parametrize("role", list(CASE_REACH))
@pytest.mark.parametrize("position", POSITIONS)
def test_writes_need_the_change_scope(role: str, position: str) -> None:
    from django.core.exceptions import PermissionDenied

    world = build_world(role)
    case = world.cases[position]
    if position in CHANGE_REACH[role]:
        services.case_comment_add(actor=world.user, case=case, body="visit done")
        services.consent_record(actor=world.user, case=case, purpose=Consent.Purpose.ASSISTANCE)
    else:
        with pytest.raises(PermissionDenied):
            services.case_comment_add(actor=world.user, case=case, body="visit done")
        with pytest.raises(PermissionDenied):
            services.case_update(
                actor=world.user, case=case, expected_version=case.version, values={"mailing_city": "X"}
            )


@pytest.mark.parametrize("role", list(CASE_REACH))
def test_exports_are_scoped_like_reads(role: str) -> None:
    world = build_world(role)
    exportable = set(
        selectors.cases_visible_to(world.user, selectors.CASE_EXPORT).values_list("pk", flat=True)
    )
    assert exportable & {c.pk for c in world.cases.values()} == {world.cases[p].pk for p in CASE_REACH[role]}


@pytest.mark.parametrize("role", list(CASE_REACH))
def test_statistics_and_releases(role: str) -> None:
    world = build_world(role)
    sees_statistics = selectors.analytic_records_visible_to(world.user).exists()
    assert sees_statistics == (role == Role.ANALYST)
    from migdev.accounts.access import has_permission

    assert has_permission(world.user, selectors.RELEASE_APPROVE) == (role == Role.DATA_PROTECTION_OFFICER)
    assert has_permission(world.user, selectors.RELEASE_ADD) == (role == Role.ANALYST)
    assert has_permission(world.user, selectors.RELEASE_VIEW) == (
        role in (Role.ANALYST, Role.DATA_PROTECTION_OFFICER)
    )
