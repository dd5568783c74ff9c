"""Who sees and changes hub records, now that the access functions are built on ``scoped_queryset`` and
there is one editor check (``access.require_editor``): the same people as under the rule they replace.

The rule before the split, written out here on purpose: a user holding (``has_permission``) the permission
that opens drafts sees every record of the type; everyone else sees the published ones (and a submitter
their own practices). Every role, a superuser, an inactive editor, a user without roles and an anonymous
visitor are checked against it for every record type with drafts.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db.models import Model, QuerySet
from django.test import Client
from django.urls import reverse

from migdev.accounts.access import forget_cached_access, has_permission
from migdev.accounts.models import Organisation, RoleDefinition, RolePermission, User
from migdev.accounts.roles import Role, Scope
from migdev.audit.models import AuditEvent
from migdev.coordination import access
from migdev.coordination.models import (
    Activity,
    Hotline,
    Initiative,
    Meeting,
    MigrantInfoPage,
    MigrantInfoTranslation,
    MigrationPolicy,
    PartnershipCall,
    Practice,
    Process,
    Publication,
    Researcher,
    ResearchProject,
)

EDIT = access.EDIT_PERMISSION
REVIEW = access.REVIEW_PERMISSION
APPROVE = access.APPROVE_INFORMATION_PERMISSION


def _organisation() -> Organisation:
    return Organisation.objects.get(acronym="IOM")


def _author() -> User:
    return User.objects.get_or_create(username="access-author")[0]


# Each builder makes one published and one unpublished record and returns them (public, hidden).
def _processes() -> tuple[Model, Model]:
    public = Process.objects.create(code="open-rcp", name="Open RCP", kind="rcp", source="test")
    hidden = Process.objects.create(
        code="draft-rcp", name="Draft RCP", kind="rcp", source="test", is_published=False
    )
    return public, hidden


def _meetings() -> tuple[Model, Model]:
    day = datetime.date(2030, 5, 1)
    draft_process = Process.objects.create(
        code="hidden-process", name="Hidden", kind="rcp", source="test", is_published=False
    )
    public = Meeting.objects.create(
        slug="open-meeting", title="Open", kind="plenary", start_date=day, end_date=day, source="test"
    )
    # Published itself, but part of an unpublished process: hidden like before.
    hidden = Meeting.objects.create(
        slug="meeting-of-hidden-process",
        title="Hidden",
        kind="plenary",
        start_date=day,
        end_date=day,
        source="test",
        process=draft_process,
    )
    return public, hidden


def _activities() -> tuple[Model, Model]:
    common = {"reporting_organisation": _organisation(), "area": "remittances", "status": "2", "source": "t"}
    public = Activity.objects.create(iati_identifier="XM-OPEN", title="Open", **common)
    hidden = Activity.objects.create(iati_identifier="XM-DRAFT", title="Draft", is_published=False, **common)
    return public, hidden


def _initiatives() -> tuple[Model, Model]:
    common = {"kind": "proposal", "hld_priority": "1", "proposer": _organisation(), "source": "t"}
    public = Initiative.objects.create(code="open-initiative", name="Open", **common)
    hidden = Initiative.objects.create(code="draft-initiative", name="Draft", is_published=False, **common)
    return public, hidden


def _calls() -> tuple[Model, Model]:
    common = {
        "description": "Partners sought",
        "organisation": _organisation(),
        "contact_email": "calls@example.org",
        "open_until": datetime.date(2031, 1, 1),
        "created_by": _author(),
    }
    public = PartnershipCall.objects.create(title="Open", is_published=True, **common)
    hidden = PartnershipCall.objects.create(title="Draft", **common)
    return public, hidden


def _publications() -> tuple[Model, Model]:
    common = {"year": 2020, "kind": "report", "source": "t"}
    public = Publication.objects.create(slug="open-publication", title="Open", is_published=True, **common)
    hidden = Publication.objects.create(slug="draft-publication", title="Draft", **common)
    return public, hidden


def _policies() -> tuple[Model, Model]:
    common = {"country_iso3": "MEX", "year": 2020, "kind": "law", "direction": "both"}
    common |= {"domain": "cooperation", "source_name": "t"}
    public = MigrationPolicy.objects.create(identifier="open", title="Open", is_published=True, **common)
    hidden = MigrationPolicy.objects.create(identifier="draft", title="Draft", **common)
    return public, hidden


def _hotlines() -> tuple[Model, Model]:
    common = {"country_iso3": "NPL", "kind": "emergency", "phone": "100", "source": "t"}
    public = Hotline.objects.create(name="Open", **common)
    hidden = Hotline.objects.create(name="Draft", is_published=False, **common)
    return public, hidden


def _researchers() -> tuple[Model, Model]:
    public = Researcher.objects.create(slug="open-researcher", name="Open", is_published=True)
    hidden = Researcher.objects.create(slug="draft-researcher", name="Draft")
    return public, hidden


def _research_projects() -> tuple[Model, Model]:
    common = {"lead_organisation": _organisation(), "source": "t"}
    public = ResearchProject.objects.create(slug="open-project", title="Open", is_published=True, **common)
    hidden = ResearchProject.objects.create(slug="draft-project", title="Draft", **common)
    return public, hidden


def _practices() -> tuple[Model, Model]:
    common = {"what": "w", "who": "w", "results": "r", "lessons": "l", "area": "remittances"}
    public = Practice.objects.create(
        title="Open",
        status=Practice.Status.PUBLISHED,
        published_at=datetime.datetime(2030, 1, 1, tzinfo=datetime.UTC),
        submitted_by=_author(),
        **common,
    )
    hidden = Practice.objects.create(
        title="Draft", status=Practice.Status.SUBMITTED, submitted_by=_author(), **common
    )
    return public, hidden


def _migrant_pages() -> tuple[Model, Model]:
    public = MigrantInfoPage.objects.create(slug="open-page", subject="safe_migration", country_iso3="NPL")
    hidden = MigrantInfoPage.objects.create(slug="draft-page", subject="return", country_iso3="NPL")
    for page, approved in ((public, True), (hidden, False)):
        for language in ("en", "fr"):  # two translations: a join would list the page twice
            MigrantInfoTranslation.objects.create(
                page=page,
                language=language,
                title="t",
                body="b",
                published_body="b" if approved else "",
                published_at=datetime.datetime(2030, 1, 1, tzinfo=datetime.UTC) if approved else None,
            )
    return public, hidden


RECORD_TYPES: list[
    tuple[str, Callable[[], tuple[Model, Model]], Callable[[Any], QuerySet[Any]], tuple[str, ...]]
] = [
    ("processes", _processes, access.processes_visible_to, (EDIT,)),
    ("meetings", _meetings, access.meetings_visible_to, (EDIT,)),
    ("activities", _activities, access.activities_visible_to, (EDIT,)),
    ("initiatives", _initiatives, access.initiatives_visible_to, (EDIT,)),
    ("calls", _calls, access.partnership_calls_visible_to, (EDIT,)),
    ("publications", _publications, access.publications_visible_to, (EDIT,)),
    ("policies", _policies, access.policies_visible_to, (EDIT,)),
    ("hotlines", _hotlines, access.hotlines_visible_to, (EDIT,)),
    ("researchers", _researchers, access.researchers_visible_to, (EDIT,)),
    ("research_projects", _research_projects, access.research_projects_visible_to, (EDIT,)),
    ("practices", _practices, access.practices_visible_to, (EDIT, REVIEW)),
    ("migrant_pages", _migrant_pages, access.migrant_pages_visible_to, (EDIT, APPROVE)),
]


def _people() -> dict[str, Any]:
    people: dict[str, Any] = {"anonymous": AnonymousUser()}
    for role in Role.values:
        user = User.objects.create_user(username=f"role-{role}")
        user.roles.set(RoleDefinition.objects.filter(code=role))
        people[role] = user
    people["no role"] = User.objects.create_user(username="no-role")
    people["superuser"] = User.objects.create_superuser(username="root", password="a long test password 1")
    inactive = User.objects.create_user(username="inactive-editor", is_active=False)
    inactive.roles.set(RoleDefinition.objects.filter(code=Role.EDITOR))
    people["inactive editor"] = inactive
    return people


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "build", "visible_to", "perms"), RECORD_TYPES, ids=[r[0] for r in RECORD_TYPES]
)
def test_everyone_sees_what_they_saw_before(
    name: str,
    build: Callable[[], tuple[Model, Model]],
    visible_to: Callable[[Any], QuerySet[Any]],
    perms: tuple[str, ...],
) -> None:
    public, hidden = build()
    people = _people()
    seen_all = []
    for who, user in people.items():
        sees_drafts = any(has_permission(user, perm) for perm in perms)
        visible = list(visible_to(user).filter(pk__in=[public.pk, hidden.pk]).values_list("pk", flat=True))
        expected = [public.pk, hidden.pk] if sees_drafts else [public.pk]
        assert sorted(visible) == sorted(expected), (name, who)
        if sees_drafts:
            seen_all.append(who)
    # The rule is not vacuous: editors, administrators and the superuser open drafts, analysts do not.
    assert {"editor", "administrator", "superuser"} <= set(seen_all)
    assert "analyst" not in seen_all and "anonymous" not in seen_all


@pytest.mark.django_db
def test_permission_checks_match_the_roles() -> None:
    for who, user in _people().items():
        assert access.can_edit(user) == has_permission(user, EDIT), who
        assert access.can_review(user) == has_permission(user, REVIEW), who
        assert access.can_approve_information(user) == has_permission(user, APPROVE), who


@pytest.mark.django_db
def test_a_submitter_still_sees_their_own_practice() -> None:
    _public, hidden = _practices()
    assert access.practices_visible_to(_author()).filter(pk=hidden.pk).exists()
    assert not access.practices_visible_to(AnonymousUser()).filter(pk=hidden.pk).exists()


@pytest.mark.django_db
def test_a_grant_narrower_than_all_reaches_no_hub_record() -> None:
    """Hub records have no owner, group or organisation, so ``scoped_queryset`` gives an
    organisation-wide edit grant nothing to reach: such a user neither edits nor sees drafts (pages, API
    and services agree). No role is granted the hub's permissions below ``all`` scope."""
    assert (
        not RolePermission.objects.filter(permission__content_type__app_label="coordination")
        .exclude(scope=Scope.ALL)
        .exists()
    )
    RolePermission.objects.filter(role__code=Role.EDITOR, permission__codename="edit_content").update(
        scope=Scope.ORGANISATION
    )
    user = User.objects.create_user(username="org-editor", organisation=_organisation())
    user.roles.set(RoleDefinition.objects.filter(code=Role.EDITOR))
    forget_cached_access(user)
    _public, hidden = _activities()
    assert has_permission(user, EDIT)
    assert not access.can_edit(user)
    assert not access.activities_visible_to(user).filter(pk=hidden.pk).exists()
    with pytest.raises(PermissionDenied):
        access.require_editor(user)


@pytest.mark.django_db
def test_the_one_editor_check_refuses_and_audits_on_every_path(
    analyst: User, analyst_client: Client, editor_client: Client
) -> None:
    with pytest.raises(PermissionDenied, match="needs the editor role"):
        access.require_editor(analyst)
    with pytest.raises(PermissionDenied):
        access.require_editor(AnonymousUser())
    access.require_editor(User.objects.get(username="editor-user"))  # an editor passes

    def denials() -> int:
        return AuditEvent.objects.filter(action="permission_denied", actor=analyst).count()

    before = denials()
    # A page (each part had its own copy of the check before) ...
    for name in ("meeting_create", "policy_create", "information_page_create", "publication_create"):
        assert analyst_client.get(reverse(f"coordination:{name}")).status_code == 403, name
    # ... and the API, with the message the API gave before.
    response = analyst_client.post(
        "/api/v1/coordination/meetings",
        {
            "title": "x",
            "kind": "plenary",
            "start_date": "2031-01-10",
            "end_date": "2031-01-10",
            "source": "t",
        },
        content_type="application/json",
    )
    assert response.status_code == 403
    assert response.json()["detail"] == "Editing coordination records needs the editor role."
    assert denials() == before + 5
    assert editor_client.get(reverse("coordination:policy_create")).status_code == 200
