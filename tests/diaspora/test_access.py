"""The scope check of one request, decided on the loaded row, agrees with ``requests_visible_to``'s query."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser, Permission
from django.http import Http404

from migdev.accounts import access as platform_access
from migdev.accounts.models import RoleDefinition, RolePermission, User
from migdev.audit.models import AuditEvent
from migdev.diaspora import access
from migdev.diaspora.models import Request
from tests.diaspora.conftest import World
from tests.factories import make_user

PERMISSIONS = (access.VIEW_REQUEST, access.VIEW_HOST_REQUEST, access.VIEW_COUNTRY_REQUEST)


def _rows(world: World) -> list[Request]:
    return [
        world.request_row(),
        world.request_row(host=world.other_host),
        world.request_row(approve=False),
    ]


def _agree(users: list[object], rows: list[Request]) -> int:
    """Every (user, request): the row check, the query and the access function give one answer."""
    reached = 0
    for user in users:
        visible = set(access.requests_visible_to(user).values_list("pk", flat=True))  # type: ignore[arg-type]
        for row in rows:
            loaded = Request.objects.select_related("host__organisation", "country_office").get(pk=row.pk)
            by_row = access.request_reached_by(user, loaded)  # type: ignore[arg-type]
            assert by_row == (row.pk in visible), (user, row.pk)
            try:
                access.request_get_for_user(user, row.pk)  # type: ignore[arg-type]
                found = True
            except Http404:
                found = False
            assert found == by_row
            reached += by_row
    return reached


def test_the_roles_reach_the_same_requests_by_row_and_by_query(world: World, esco: object) -> None:
    rows = _rows(world)
    superuser = User.objects.create_superuser(username="root-test", password=None)
    inactive = make_user("programme_officer", groups=(world.programme,), is_active=False)
    users = [
        world.officer,
        world.other_officer,
        world.host_user,
        world.other_host_user,
        world.office_user,
        make_user("expert"),
        superuser,
        inactive,
        AnonymousUser(),
    ]
    assert _agree(users, rows) > 0


@pytest.mark.parametrize("permission", PERMISSIONS)
@pytest.mark.parametrize("scope", ["own", "group", "organisation", "all"])
def test_every_scope_of_every_path_agrees(world: World, esco: object, permission: str, scope: str) -> None:
    rows = _rows(world)
    app_label, codename = permission.split(".")
    role = RoleDefinition.objects.get(code="editor")
    role.grants.all().delete()
    RolePermission.objects.create(
        role=role,
        permission=Permission.objects.get(content_type__app_label=app_label, codename=codename),
        scope=scope,
    )
    users = [
        make_user("editor", organisation=organisation, groups=groups)
        for organisation in (None, world.host.organisation, world.office.organisation)
        for groups in ((), (world.programme,))
    ]
    users.append(world.host_user)  # the creator of the requests, with this role too
    world.host_user.roles.add(role)
    platform_access.forget_cached_access(world.host_user)
    _agree(users, rows)


def test_a_request_outside_scope_is_404_and_audited(world: World, esco: object) -> None:
    row = world.request_row()
    with pytest.raises(Http404):
        access.request_get_for_user(world.other_officer, row.pk)
    with pytest.raises(Http404):
        access.request_get_for_user(world.officer, 10**12)
    denied = AuditEvent.objects.filter(action="permission_denied", record_type="diaspora.request")
    assert set(denied.values_list("record_id", flat=True)) >= {str(row.pk), str(10**12)}
    assert access.request_get_for_user(world.officer, row.pk).host.organisation_id is not None
