"""Seeded organisations and roles, demo users, management commands, the role-based auth backend."""

from io import StringIO

import pytest
from django.conf import LazySettings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.urls import reverse

from migdev.accounts import access
from migdev.accounts.access import Role
from migdev.accounts.demo import DEMO_TOTP_SECRET, demo_password, demo_totp_code, demo_username
from migdev.accounts.models import Organisation, RoleDefinition, User
from migdev.accounts.roles import TWO_FACTOR_ROLES
from tests.factories import make_user

pytestmark = pytest.mark.django_db

GMG = {
    "ILO": "International Labour Organization",
    "IOM": "International Organization for Migration",
    "OHCHR": "Office of the United Nations High Commissioner for Human Rights",
    "UNCTAD": "United Nations Conference on Trade and Development",
    "UN-DESA": "United Nations Department of Economic and Social Affairs",
    "UNDP": "United Nations Development Programme",
    "UNFPA": "United Nations Population Fund",
    "UNHCR": "Office of the United Nations High Commissioner for Refugees",
    "UNODC": "United Nations Office on Drugs and Crime",
    "World Bank": "The World Bank",
}


def test_agencies_are_seeded() -> None:
    seeded = dict(Organisation.objects.filter(acronym__in=GMG).values_list("acronym", "name"))
    assert seeded == GMG
    assert set(Organisation.objects.filter(acronym__in=GMG).values_list("kind", flat=True)) == {"un_agency"}


def test_every_role_is_seeded() -> None:
    assert set(RoleDefinition.objects.values_list("code", flat=True)) == {role.value for role in Role}


def test_only_dpo_and_administrator_read_or_export_the_audit_log() -> None:
    for role in Role:
        user = make_user(role)
        allowed = role in (Role.ADMINISTRATOR, Role.DATA_PROTECTION_OFFICER)
        assert access.has_permission(user, "audit.view_auditevent") is allowed
        assert access.has_permission(user, "audit.export_auditevent") is allowed
        # Django's own checks agree with the access module.
        assert user.has_perm("audit.view_auditevent") is allowed


def test_no_role_can_change_or_delete_audit_events() -> None:
    for role in Role:
        granted = access.granted_permissions(make_user(role))
        assert not any(
            perm.startswith("audit.") and not perm.endswith(("view_auditevent", "export_auditevent"))
            for perm in granted
        )


def test_direct_user_permissions_are_ignored() -> None:
    from django.contrib.auth.models import Permission

    user = make_user(Role.ANALYST)
    user.user_permissions.add(Permission.objects.get(codename="view_auditevent"))
    user = User.objects.get(pk=user.pk)
    assert not user.has_perm("audit.view_auditevent")
    assert not access.has_permission(user, "audit.view_auditevent")


def test_demo_users_are_idempotent_and_usable(client: Client, settings: LazySettings) -> None:
    settings.DEBUG = True
    call_command("seed_demo_users", stdout=StringIO())
    out = StringIO()
    call_command("seed_demo_users", stdout=out)
    assert User.objects.filter(username__startswith="demo_").count() == len(Role)
    assert DEMO_TOTP_SECRET in out.getvalue()
    for role in Role:
        user = User.objects.get(username=demo_username(role))
        assert list(user.roles.values_list("code", flat=True)) == [role.value]
        assert user.check_password(demo_password(role))
        assert user.totpdevice_set.filter(confirmed=True).exists() is (role in TWO_FACTOR_ROLES)

    response = client.post(
        reverse("accounts:login"),
        {"username": demo_username(Role.ADMINISTRATOR), "password": demo_password(Role.ADMINISTRATOR)},
    )
    assert response["Location"].startswith(reverse("accounts:two_factor_verify"))
    client.post(reverse("accounts:two_factor_verify"), {"code": demo_totp_code()})
    assert client.get(reverse("audit:list")).status_code == 200


def test_demo_users_refused_without_debug(settings: LazySettings) -> None:
    settings.DEBUG = False
    with pytest.raises(CommandError):
        call_command("seed_demo_users", stdout=StringIO())
    assert not User.objects.filter(username__startswith="demo_").exists()


def test_roles_command() -> None:
    user = make_user(username="ops")
    out = StringIO()
    call_command("roles", "grant", "ops", "supervisor", "analyst", stdout=out)
    assert set(user.roles.values_list("code", flat=True)) == {"supervisor", "analyst"}
    assert "Two-factor authentication is required" in out.getvalue()
    call_command("roles", "revoke", "ops", "supervisor", stdout=StringIO())
    assert list(user.roles.values_list("code", flat=True)) == ["analyst"]
    with pytest.raises(CommandError):
        call_command("roles", "show", "nobody", stdout=StringIO())


def test_role_changes_are_audited() -> None:
    from migdev.accounts.services import user_roles_set
    from migdev.audit.models import AuditAction, AuditEvent

    admin, user = make_user(Role.ADMINISTRATOR), make_user(Role.ANALYST)
    user_roles_set(user=user, roles=["analyst", "editor"], actor=admin)
    event = AuditEvent.objects.get(
        action=AuditAction.UPDATE, record_type="accounts.user", record_id=str(user.pk)
    )
    assert event.actor == admin
    assert event.detail == {"roles": {"before": ["analyst"], "after": ["analyst", "editor"]}}


def test_migration_helper_refuses_unknown_permissions() -> None:
    from django.apps import apps

    from migdev.accounts.migration_helpers import ensure_permission

    assert ensure_permission(apps, "audit.export_auditevent").codename == "export_auditevent"
    with pytest.raises(LookupError):
        ensure_permission(apps, "audit.delete_auditevent")


def test_users_with_a_permission() -> None:
    dpo, _analyst = make_user(Role.DATA_PROTECTION_OFFICER), make_user(Role.ANALYST)
    root = make_user(is_superuser=True)
    holders = User.objects.with_perm("audit.view_auditevent", backend="migdev.accounts.backends.RoleBackend")
    assert set(holders) == {dpo, root}


def test_the_demo_data_names_every_demo_login_a_new_user_can_try():
    from migdev.core.demo import demo_seeders

    (seeder,) = [seeder for seeder in demo_seeders() if seeder.name == "accounts"]
    message = seeder.seed()
    for role in Role:
        assert demo_username(role) in message, role
    assert "demo_administrator (two-factor)" in message
