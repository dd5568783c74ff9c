"""User administration: who reaches which accounts, the set-password link, escalation and the last-admin guard."""

import re
from datetime import datetime, timedelta

import pytest
from django.conf import LazySettings
from django.contrib.auth.tokens import default_token_generator
from django.core import mail
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from migdev.accounts import selectors, services
from migdev.accounts.access import Role, Scope
from migdev.accounts.models import User
from migdev.accounts.tokens import set_password_path, set_password_tokens
from migdev.audit.models import AuditAction, AuditEvent
from tests.accounts.scenarios import REACH, World, set_scope
from tests.factories import PASSWORD, confirmed_totp_device, login_verified, make_group, make_user

MANAGE = "accounts.manage_users"
NEW_PASSWORD = "a long and unusual passphrase 93"


def _targets(world: World, subject: User) -> dict[str, User]:
    """The owners of the world's notes stand at the four positions relative to ``subject``."""
    return {
        "own": subject,
        "group": world.notes["group"].owner,
        "organisation": world.notes["organisation"].owner,
        "other": world.notes["other"].owner,
    }


def _link_path(response_text: str) -> str:
    match = re.search(r'id="set-password-link"[^>]*value="http://testserver([^"]+)"', response_text)
    assert match, "the page shows no set-password link"
    return match.group(1)


def _create(client: Client, **fields: object):  # type: ignore[no-untyped-def]
    data = {
        "username": "new.person",
        "first_name": "Nadia",
        "last_name": "Haddad",
        "email": "nadia@example.org",
    }
    data.update(fields)  # type: ignore[arg-type]
    return client.post(reverse("accounts:user_create"), data)


# Who reaches which account ------------------------------------------------------------------------

MATRIX = [(role, None) for role in Role] + [(Role.ADMINISTRATOR, scope) for scope in Scope]


@pytest.mark.parametrize(("role", "scope"), MATRIX, ids=[f"{r.value}-{s or 'seeded'}" for r, s in MATRIX])
def test_pages_by_role_and_scope(client: Client, world: World, role: Role, scope: Scope | None) -> None:
    if scope is not None:
        set_scope(Role.ADMINISTRATOR, MANAGE, scope)
    effective = scope if scope is not None else (Scope.ALL if role == Role.ADMINISTRATOR else None)
    subject = world.subject(role)
    login_verified(client, subject)
    listing = client.get(reverse("accounts:user_list"))
    assert listing.status_code == (404 if effective is None else 200)
    assert client.get(reverse("accounts:user_create")).status_code == (404 if effective is None else 200)
    for position, target in _targets(world, subject).items():
        reached = position in REACH[effective]
        expected = 200 if reached else 404
        assert client.get(reverse("accounts:user_detail", args=[target.pk])).status_code == expected, position
        assert client.get(reverse("accounts:user_edit", args=[target.pk])).status_code in (
            (200, 302) if reached else (404,)
        ), position
        if position != "own":  # resetting one's own second factor would end this verified session
            posted = client.post(reverse("accounts:user_two_factor_reset", args=[target.pk]))
            assert posted.status_code == (302 if reached else 404), position
        if effective is not None:
            shown = f">{target.username}</a>" in listing.content.decode()
            assert shown is reached, position


def test_outside_scope_looks_like_missing_and_is_audited(client: Client, world: World) -> None:
    set_scope(Role.ADMINISTRATOR, MANAGE, Scope.ORGANISATION)
    admin = world.subject(Role.ADMINISTRATOR)
    login_verified(client, admin)
    outsider = world.notes["other"].owner
    hidden = client.get(reverse("accounts:user_detail", args=[outsider.pk]))
    missing = client.get(reverse("accounts:user_detail", args=[outsider.pk + 10_000]))
    assert hidden.status_code == missing.status_code == 404
    assert hidden.content == missing.content
    denial = AuditEvent.objects.filter(action=AuditAction.PERMISSION_DENIED, record_id=str(outsider.pk)).get()
    assert denial.detail == {"permission": MANAGE, "reason": "not_in_scope"}


def test_navigation_links_only_for_managers(client: Client, world: World) -> None:
    login_verified(client, world.subject(Role.ADMINISTRATOR))
    assert reverse("accounts:user_list") in client.get(reverse("accounts:profile")).content.decode()
    analyst_client = Client()
    analyst_client.force_login(world.subject(Role.ANALYST))
    assert (
        reverse("accounts:user_list") not in analyst_client.get(reverse("accounts:profile")).content.decode()
    )


def test_search_and_filters(client: Client, world: World) -> None:
    login_verified(client, world.subject(Role.ADMINISTRATOR))
    make_user(
        Role.EDITOR, organisation=world.other, username="zora.editor", first_name="Zora", email="z@x.org"
    )
    make_user(Role.EDITOR, organisation=world.home, username="old.editor", is_active=False)

    def names(**query: str) -> set[str]:
        response = client.get(reverse("accounts:user_list"), query)
        return set(re.findall(r'/users/\d+/">([^<]+)</a>', response.content.decode()))

    assert names(q="zora") == {"zora.editor"}
    assert names(q="Z@X.ORG") == {"zora.editor"}
    assert names(role="editor") == {"zora.editor", "old.editor"}
    assert names(role="editor", active="no") == {"old.editor"}
    assert names(role="editor", organisation=str(world.other.pk)) == {"zora.editor"}


# Creating an account and its set-password link ---------------------------------------------------


def test_create_then_link_then_sign_in(client: Client, world: World) -> None:
    admin = world.subject(Role.ADMINISTRATOR)
    login_verified(client, admin)
    response = _create(client, organisation=world.home.pk, roles=[Role.ANALYST], groups=[world.home_group.pk])
    assert response.status_code == 200
    user = User.objects.get(username="new.person")
    assert not user.has_usable_password()
    assert (user.organisation, list(user.user_groups.all())) == (world.home, [world.home_group])
    assert list(user.roles.values_list("code", flat=True)) == [Role.ANALYST]
    path = _link_path(response.content.decode())

    newcomer = Client()
    step = newcomer.get(path)
    assert step.status_code == 302 and step["Location"].endswith("/choose/")  # the token leaves the address
    form_page = newcomer.get(step["Location"])
    assert "new_password1" in form_page.content.decode()
    done = newcomer.post(step["Location"], {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert done.status_code == 302 and done["Location"] == reverse("accounts:login")
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)

    signed_in = newcomer.post(reverse("accounts:login"), {"username": "new.person", "password": NEW_PASSWORD})
    assert signed_in.status_code == 302
    assert newcomer.get(reverse("accounts:profile")).status_code == 200

    created = AuditEvent.objects.get(
        action=AuditAction.CREATE, record_type="accounts.user", record_id=str(user.pk)
    )
    assert created.actor == admin
    assert created.detail == {
        "username": "new.person",
        "organisation": world.home.pk,
        "roles": [Role.ANALYST],
        "user_groups": [world.home_group.pk],
        "set_password_link": "issued",
    }
    chosen = AuditEvent.objects.get(detail__password="set_from_link")
    assert (chosen.actor, chosen.record_id) == (user, str(user.pk))


def test_new_user_with_a_two_factor_role_enrols_after_choosing_a_password(
    client: Client, world: World
) -> None:
    login_verified(client, world.subject(Role.ADMINISTRATOR))
    path = _link_path(_create(client, organisation=world.home.pk, roles=[Role.CASE_WORKER]).content.decode())
    newcomer = Client()
    choose = newcomer.get(path)["Location"]
    newcomer.post(choose, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    signed_in = newcomer.post(reverse("accounts:login"), {"username": "new.person", "password": NEW_PASSWORD})
    assert signed_in["Location"].startswith(reverse("accounts:two_factor_setup"))


def test_link_works_once(client: Client, world: World) -> None:
    login_verified(client, world.subject(Role.ADMINISTRATOR))
    path = _link_path(_create(client, organisation=world.home.pk).content.decode())
    first = Client()
    choose = first.get(path)["Location"]
    first.post(choose, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})

    again = Client().get(path)
    assert again.status_code == 200
    assert "new_password1" not in again.content.decode()
    assert "does not work" in again.content.decode()
    assert (
        AuditEvent.objects.filter(action=AuditAction.FAILED_LOGIN, detail__stage="set_password_link").count()
        == 1
    )
    user = User.objects.get(username="new.person")
    assert user.check_password(NEW_PASSWORD)


def test_link_expires(
    client: Client, world: World, settings: LazySettings, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings.PASSWORD_RESET_TIMEOUT = 3600
    login_verified(client, world.subject(Role.ADMINISTRATOR))
    path = _link_path(_create(client, organisation=world.home.pk).content.decode())
    # Django's token clock is naive local time.
    later = datetime.now() + timedelta(seconds=3500)  # noqa: DTZ005
    monkeypatch.setattr(set_password_tokens, "_now", lambda: later)
    assert Client().get(path).status_code == 302  # still valid just before the hour
    too_late = later + timedelta(seconds=200)
    monkeypatch.setattr(set_password_tokens, "_now", lambda: too_late)
    expired = Client().get(path)
    assert expired.status_code == 200 and "new_password1" not in expired.content.decode()


def test_a_new_link_replaces_the_old_one_and_the_password(client: Client, world: World) -> None:
    admin = world.subject(Role.ADMINISTRATOR)
    login_verified(client, admin)
    user = make_user(Role.ANALYST, organisation=world.home, password=PASSWORD)
    first = _link_path(client.post(reverse("accounts:user_link", args=[user.pk])).content.decode())
    second = _link_path(client.post(reverse("accounts:user_link", args=[user.pk])).content.decode())
    user.refresh_from_db()
    assert not user.has_usable_password()  # a stolen password stops working at once
    assert Client().get(first).status_code == 200  # the invalid-link page
    assert Client().get(second).status_code == 302
    issued = AuditEvent.objects.filter(
        actor=admin, record_id=str(user.pk), detail__set_password_link="issued"
    )
    assert issued.count() == 2


def test_other_tokens_and_inactive_accounts_are_refused(client: Client, world: World) -> None:
    user = make_user(Role.ANALYST, organisation=world.home)
    uidb64 = urlsafe_base64_encode(force_bytes(user.pk))
    django_reset = reverse("accounts:set_password", args=[uidb64, default_token_generator.make_token(user)])
    assert Client().get(django_reset).status_code == 200  # refused: another salt
    good = reverse("accounts:set_password", args=[uidb64, set_password_tokens.make_token(user)])
    user.is_active = False
    user.save(update_fields=["is_active"])
    assert Client().get(good).status_code == 200  # refused: deactivated


def test_password_validators_apply_and_errors_are_linked(client: Client, world: World) -> None:
    user = make_user(Role.ANALYST, organisation=world.home)
    newcomer = Client()
    choose = newcomer.get(set_password_path(user))["Location"]
    response = newcomer.post(choose, {"new_password1": "short", "new_password2": "short"})
    assert response.status_code == 200
    page = response.content.decode()
    assert 'id="id_new_password2_error"' in page
    assert re.search(
        r'<input[^>]*name="new_password2"[^>]*aria-describedby="[^"]*id_new_password2_error', page
    )
    user.refresh_from_db()
    assert not user.has_usable_password()


def test_email_is_offered_only_with_an_email_server(
    client: Client, world: World, settings: LazySettings
) -> None:
    login_verified(client, world.subject(Role.ADMINISTRATOR))
    settings.EMAIL_HOST = ""
    assert 'name="send_email"' not in client.get(reverse("accounts:user_create")).content.decode()
    settings.EMAIL_HOST = "smtp.example.org"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert 'name="send_email"' in client.get(reverse("accounts:user_create")).content.decode()
    response = _create(client, organisation=world.home.pk, send_email="on")
    path = _link_path(response.content.decode())
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["nadia@example.org"]
    assert f"http://testserver{path}" in mail.outbox[0].body
    assert AuditEvent.objects.filter(detail__set_password_link="emailed").count() == 1


# Escalation ----------------------------------------------------------------------------------------


@pytest.fixture
def org_admin(client: Client, world: World) -> User:
    set_scope(Role.ADMINISTRATOR, MANAGE, Scope.ORGANISATION)
    admin = world.subject(Role.ADMINISTRATOR)
    login_verified(client, admin)
    return admin


def test_an_organisation_admin_grants_only_what_stays_within_reach(org_admin: User) -> None:
    grantable = selectors.roles_grantable_by(org_admin)
    # Analysts and data protection officers read every organisation's releases; the admin cannot. Nor
    # can they make programme officers (every host institution) or diaspora offices (every country's
    # priority sectors); host institution staff and experts reach only their organisation or themselves.
    assert grantable == {
        Role.ADMINISTRATOR,
        Role.CASE_WORKER,
        Role.SUPERVISOR,
        Role.EDITOR,
        Role.PARTNER,
        Role.HOST_INSTITUTION,
        Role.EXPERT,
    }
    assert selectors.roles_grantable_by(make_user(is_superuser=True)) == set(Role)  # all scope


def test_escalation_is_refused_by_the_service(org_admin: User, world: World) -> None:
    for kwargs in (
        {"roles": [Role.ANALYST], "organisation": world.home},
        {"roles": [Role.CASE_WORKER], "organisation": world.other},
        {"roles": [Role.CASE_WORKER], "organisation": None},
        {"roles": [Role.CASE_WORKER], "organisation": world.home, "groups": [world.other_group]},
    ):
        with pytest.raises(ValidationError):
            services.user_create(actor=org_admin, username="escalated", **kwargs)  # type: ignore[arg-type]
    assert not User.objects.filter(username="escalated").exists()
    denials = AuditEvent.objects.filter(action=AuditAction.PERMISSION_DENIED, detail__reason="escalation")
    assert denials.count() == 4


def test_escalation_is_refused_through_the_pages(client: Client, org_admin: User, world: World) -> None:
    response = _create(client, organisation=world.other.pk, roles=[Role.DATA_PROTECTION_OFFICER])
    assert response.status_code == 200
    assert not User.objects.filter(username="new.person").exists()
    page = response.content.decode()
    assert 'id="id_roles_error"' in page and 'id="id_organisation_error"' in page

    colleague = world.notes["organisation"].owner
    moved = client.post(
        reverse("accounts:user_edit", args=[colleague.pk]),
        {"organisation": world.other.pk, "roles": [Role.CASE_WORKER]},
    )
    assert moved.status_code == 200
    colleague.refresh_from_db()
    assert colleague.organisation == world.home


def test_an_organisation_admin_cannot_take_over_a_wider_account(
    client: Client, org_admin: User, world: World
) -> None:
    dpo = make_user(Role.DATA_PROTECTION_OFFICER, organisation=world.home, password=PASSWORD)
    root = make_user(organisation=world.home, password=PASSWORD, is_superuser=True)
    for target in (dpo, root):
        assert client.get(reverse("accounts:user_detail", args=[target.pk])).status_code == 200
        response = client.post(reverse("accounts:user_link", args=[target.pk]), follow=True)
        assert "set-password-link" not in response.content.decode()
        client.post(reverse("accounts:user_active", args=[target.pk]), {"active": "0"})
        assert client.get(reverse("accounts:user_edit", args=[target.pk])).status_code == 302
        target.refresh_from_db()
        assert target.check_password(PASSWORD) and target.is_active
    assert AuditEvent.objects.filter(detail__reason="holds_more_than_actor").count() == 4


def test_an_organisation_admin_manages_their_own_staff(client: Client, org_admin: User, world: World) -> None:
    response = _create(
        client,
        organisation=world.home.pk,
        roles=[Role.SUPERVISOR],
        groups=[world.home_group.pk, world.my_group.pk],
    )
    assert response.status_code == 200, response.content.decode()[:2000]
    user = User.objects.get(username="new.person")
    assert user.organisation == world.home


# Last administrator and self-deactivation ---------------------------------------------------------


def test_nobody_deactivates_themselves(client: Client, world: World) -> None:
    admin = world.subject(Role.ADMINISTRATOR)
    make_user(Role.ADMINISTRATOR, organisation=world.home)  # not the last one
    login_verified(client, admin)
    client.post(reverse("accounts:user_active", args=[admin.pk]), {"active": "0"})
    admin.refresh_from_db()
    assert admin.is_active
    assert AuditEvent.objects.filter(detail__reason="self_deactivation").count() == 1


def test_the_last_administrator_keeps_their_role(client: Client, world: World) -> None:
    admin = world.subject(Role.ADMINISTRATOR)
    login_verified(client, admin)
    response = client.post(
        reverse("accounts:user_edit", args=[admin.pk]),
        {"organisation": world.home.pk, "roles": [Role.ANALYST], "groups": [world.my_group.pk]},
    )
    assert response.status_code == 200
    assert "last active administrator" in response.content.decode()
    assert set(admin.roles.values_list("code", flat=True)) == {Role.ADMINISTRATOR}

    second = make_user(Role.ADMINISTRATOR, organisation=world.other)
    response = client.post(
        reverse("accounts:user_edit", args=[admin.pk]),
        {
            "organisation": world.home.pk,
            "roles": [Role.ANALYST],
            "groups": [world.my_group.pk],
            "version": admin.version,
        },
    )
    assert response.status_code == 302
    assert set(admin.roles.values_list("code", flat=True)) == {Role.ANALYST}
    assert second.is_active


def test_an_administrator_can_deactivate_another_but_then_is_the_last(world: World) -> None:
    first = make_user(Role.ADMINISTRATOR, organisation=world.home)
    second = make_user(Role.ADMINISTRATOR, organisation=world.home)
    services.user_active_set(actor=first, user=second, active=False)
    second.refresh_from_db()
    assert not second.is_active
    with pytest.raises(ValidationError, match="last active administrator"):
        services.user_update(
            actor=first,
            user=first,
            expected_version=first.version,
            first_name="",
            last_name="",
            email="",
            organisation=world.home,
            groups=[],
            roles=[],
        )
    assert set(first.roles.values_list("code", flat=True)) == {Role.ADMINISTRATOR}


def test_an_organisation_keeps_an_administrator(world: World) -> None:
    set_scope(Role.ADMINISTRATOR, MANAGE, Scope.ORGANISATION)
    home_admin = make_user(Role.ADMINISTRATOR, organisation=world.home)
    make_user(Role.ADMINISTRATOR, organisation=world.other)  # does not reach the home organisation
    with pytest.raises(ValidationError):
        services.user_update(
            actor=home_admin,
            user=home_admin,
            expected_version=home_admin.version,
            first_name="",
            last_name="",
            email="",
            organisation=world.home,
            groups=[],
            roles=[Role.CASE_WORKER],
        )


# Changes and their audit trail ---------------------------------------------------------------------


def test_every_change_is_audited_with_before_and_after(client: Client, world: World) -> None:
    admin = world.subject(Role.ADMINISTRATOR)
    login_verified(client, admin)
    user = make_user(
        Role.CASE_WORKER, organisation=world.home, groups=(world.my_group,), email="a@example.org"
    )
    confirmed_totp_device(user)
    new_group = make_group(world.other)

    response = client.post(
        reverse("accounts:user_edit", args=[user.pk]),
        {
            "version": user.version,
            "first_name": "Amal",
            "last_name": "",
            "email": "b@example.org",
            "organisation": world.other.pk,
            "roles": [Role.SUPERVISOR],
            "groups": [new_group.pk],
        },
    )
    assert response.status_code == 302
    client.post(reverse("accounts:user_active", args=[user.pk]), {"active": "0"})
    client.post(reverse("accounts:user_active", args=[user.pk]), {"active": "1"})
    client.post(reverse("accounts:user_two_factor_reset", args=[user.pk]))

    details = list(
        AuditEvent.objects.filter(
            action=AuditAction.UPDATE, record_type="accounts.user", record_id=str(user.pk)
        )
        .order_by("pk")
        .values_list("detail", flat=True)
    )
    assert details == [
        {
            "first_name": {"before": "", "after": "Amal"},
            "email": {"before": "a@example.org", "after": "b@example.org"},
            "organisation": {"before": world.home.pk, "after": world.other.pk},
        },
        {"user_groups": {"before": [world.my_group.pk], "after": [new_group.pk]}},
        {"roles": {"before": [Role.CASE_WORKER], "after": [Role.SUPERVISOR]}},
        {"is_active": {"before": True, "after": False}},
        {"is_active": {"before": False, "after": True}},
        {"two_factor": "reset"},
    ]
    assert (
        AuditEvent.objects.filter(record_id=str(user.pk), actor=admin)
        .exclude(action=AuditAction.READ)
        .count()
        == 6
    )
    user.refresh_from_db()
    assert user.is_active and not selectors.user_has_confirmed_device(user)


def test_a_failing_mail_server_still_shows_the_link(
    client: Client, world: World, settings: LazySettings, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings.EMAIL_HOST = "smtp.example.org"
    login_verified(client, world.subject(Role.ADMINISTRATOR))

    def refuse(*args: object, **kwargs: object) -> None:
        raise ConnectionRefusedError("no mail server")

    monkeypatch.setattr(services, "send_mail", refuse)
    response = _create(client, organisation=world.home.pk, send_email="on")
    page = response.content.decode()
    assert _link_path(page)
    assert "could not be sent" in page
    assert not AuditEvent.objects.filter(detail__set_password_link="emailed").exists()
