"""The capacities in which a user reaches a job order, decided on the loaded row, agree with the query per
path (``selectors.capacities``) for every role and every scope."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser, Permission
from django.http import Http404

from migdev.accounts.models import RoleDefinition, RolePermission, User
from migdev.labour import selectors
from migdev.labour.models import JobOrder
from tests.factories import make_user
from tests.labour.conftest import World


def _job_orders(world: World) -> list[JobOrder]:
    without_recruiter = JobOrder.objects.get(pk=world.job_order.pk)
    without_recruiter.pk = None
    without_recruiter.recruiter = None
    without_recruiter.save()
    return [world.job_order, without_recruiter]


def _agree(users: list[object], job_orders: list[JobOrder]) -> set[str]:
    seen: set[str] = set()
    for user in users:
        for job_order in job_orders:
            loaded = JobOrder.objects.select_related(
                "scheme", "employer__organisation", "recruiter__organisation"
            ).get(pk=job_order.pk)
            by_row = selectors.job_order_capacities(user, loaded)  # type: ignore[arg-type]
            by_query = selectors.capacities(user, loaded, selectors.JOB_ORDER_PATHS)  # type: ignore[arg-type]
            assert by_row == by_query, (user, job_order.pk)
            # One query by primary key, decided on the row: found exactly when the paths' query finds it.
            visible = selectors.job_orders_visible_to(user).filter(pk=job_order.pk).exists()  # type: ignore[arg-type]
            try:
                selectors.job_order_get_for_user(user, job_order.pk)  # type: ignore[arg-type]
                found = True
            except Http404:
                found = False
            assert found == visible == bool(by_query), (user, job_order.pk)
            seen |= by_row
    return seen


def test_each_role_reaches_a_job_order_in_the_same_capacities(world: World) -> None:
    users = [
        world.officer,
        world.employer_user,
        world.recruiter_user,
        world.pes,
        make_user("scheme_officer"),  # no organisation
        User.objects.create_superuser(username="root-test", password=None),
        make_user("scheme_officer", organisation=world.scheme_org, is_active=False),
        AnonymousUser(),
    ]
    assert _agree(users, _job_orders(world)) == {"officer", "employer", "recruiter"}


@pytest.mark.parametrize("path", selectors.JOB_ORDER_PATHS, ids=lambda path: path.capacity)
@pytest.mark.parametrize("scope", ["own", "group", "organisation", "all"])
def test_every_scope_of_every_path_agrees(world: World, path: selectors.Path, scope: str) -> None:
    app_label, codename = path.perm.split(".")
    role = RoleDefinition.objects.get(code="editor")
    role.grants.all().delete()
    RolePermission.objects.create(
        role=role,
        permission=Permission.objects.get(content_type__app_label=app_label, codename=codename),
        scope=scope,
    )
    users = [
        make_user("editor", organisation=organisation)
        for organisation in (
            None,
            world.scheme_org,
            world.employer_org,
            world.recruiter_org,
            world.pes_org,
        )
    ]
    _agree(users, _job_orders(world))
