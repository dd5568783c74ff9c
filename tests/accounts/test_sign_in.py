"""Sign-in, sign-out, failed sign-in, lock-out and idle sign-out."""

import time

import pytest
from django.conf import LazySettings
from django.test import Client
from django.urls import reverse

from migdev.accounts.access import Role
from migdev.accounts.middleware import LAST_ACTIVITY_SESSION_KEY
from migdev.audit.models import AuditAction, AuditEvent
from tests.factories import PASSWORD, login_verified, make_organisation, make_user

pytestmark = pytest.mark.django_db


def sign_in(client: Client, username: str, password: str = PASSWORD, **extra: str):  # type: ignore[no-untyped-def]
    return client.post(
        reverse("accounts:login"),
        {"username": username, "password": password, **extra},
        HTTP_USER_AGENT="pytest-browser/1.0",
        REMOTE_ADDR="198.51.100.7",
    )


def test_password_hashing_uses_argon2() -> None:
    user = make_user(Role.ANALYST, password=PASSWORD)
    assert user.password.startswith("argon2$")


def test_sign_in_is_audited_with_origin(client: Client) -> None:
    user = make_user(Role.ANALYST, organisation=make_organisation(), password=PASSWORD)
    response = sign_in(client, user.username)
    assert response.status_code == 302
    event = AuditEvent.objects.get(action=AuditAction.LOGIN)
    assert (event.actor, event.actor_username) == (user, user.username)
    assert (event.ip_address, event.user_agent) == ("198.51.100.7", "pytest-browser/1.0")
    assert event.detail == {"stage": "password"}


def test_failed_sign_in_is_audited_without_the_password(client: Client) -> None:
    user = make_user(Role.ANALYST, password=PASSWORD)
    response = sign_in(client, user.username, "wrong password 1")
    assert response.status_code == 200
    event = AuditEvent.objects.get(action=AuditAction.FAILED_LOGIN)
    assert event.actor is None
    assert event.actor_username == user.username
    assert "wrong password" not in str(event.detail)


def test_sign_out_is_audited(client: Client) -> None:
    user = make_user(Role.ANALYST)
    login_verified(client, user)
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    assert AuditEvent.objects.filter(action=AuditAction.LOGOUT, actor=user, detail__reason="user").exists()
    assert client.get(reverse("accounts:profile")).status_code == 302


def test_lockout_after_the_failure_limit(client: Client, settings: LazySettings) -> None:
    user = make_user(Role.ANALYST, password=PASSWORD)
    limit = settings.AXES_FAILURE_LIMIT
    statuses = [sign_in(client, user.username, f"wrong {attempt}").status_code for attempt in range(limit)]
    assert statuses[:-1] == [200] * (limit - 1)
    assert statuses[-1] == 429

    locked = sign_in(client, user.username)  # even the right password is refused now
    assert locked.status_code == 429
    assert b"Too many failed sign-ins" in locked.content
    assert "_auth_user_id" not in client.session
    events = AuditEvent.objects.filter(action=AuditAction.FAILED_LOGIN, actor_username=user.username)
    assert events.count() == limit + 1
    assert events.order_by("pk").last().detail["locked_out"] is True  # type: ignore[union-attr]


def test_lockout_is_per_address(client: Client, settings: LazySettings) -> None:
    user = make_user(Role.ANALYST, password=PASSWORD)
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, user.username, f"wrong {attempt}")
    other_client = Client()
    response = other_client.post(
        reverse("accounts:login"),
        {"username": user.username, "password": PASSWORD},
        REMOTE_ADDR="203.0.113.9",
    )
    assert response.status_code == 302


def test_idle_session_is_signed_out(client: Client, settings: LazySettings) -> None:
    user = make_user(Role.ANALYST)
    login_verified(client, user)
    session = client.session
    session[LAST_ACTIVITY_SESSION_KEY] = int(time.time()) - settings.SESSION_IDLE_TIMEOUT - 5
    session.save()

    response = client.get(reverse("accounts:profile"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
    assert "next=" in response["Location"]
    event = AuditEvent.objects.get(action=AuditAction.LOGOUT, actor=user)
    assert event.detail["reason"] == "idle_timeout"

    login_page = client.get(response["Location"])
    assert "period of inactivity" in login_page.content.decode()
    assert client.get(reverse("accounts:profile")).status_code == 302


def test_active_session_stays_signed_in(client: Client, settings: LazySettings) -> None:
    user = make_user(Role.ANALYST)
    login_verified(client, user)
    session = client.session
    session[LAST_ACTIVITY_SESSION_KEY] = int(time.time()) - settings.SESSION_IDLE_TIMEOUT + 60
    session.save()
    assert client.get(reverse("accounts:profile")).status_code == 200
    assert client.session[LAST_ACTIVITY_SESSION_KEY] >= int(time.time()) - 5


def test_sign_in_rejects_open_redirects(client: Client) -> None:
    user = make_user(Role.ANALYST, password=PASSWORD)
    response = sign_in(client, user.username, next="https://evil.example/")
    assert response.status_code == 302
    assert "evil.example" not in response["Location"]


def test_production_hasher_is_argon2_first() -> None:
    from migdev import settings as project_settings

    assert project_settings.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"
