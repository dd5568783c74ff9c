"""API tokens: shown once, stored as a digest, revocable, audited; the profile page."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from migdev.accounts.access import Role
from migdev.accounts.models import ApiToken
from migdev.accounts.selectors import api_token_digest, user_for_api_token
from migdev.accounts.services import api_token_create, api_token_revoke
from migdev.audit.models import AuditAction, AuditEvent
from tests.factories import login_verified, make_group, make_organisation, make_user

pytestmark = pytest.mark.django_db


def test_profile_shows_identity_roles_and_two_factor(client: Client) -> None:
    organisation = make_organisation("Ministry of Labour")
    user = make_user(Role.SUPERVISOR, organisation=organisation, groups=(make_group(organisation, "Team A"),))
    login_verified(client, user)
    html = client.get(reverse("accounts:profile")).content.decode()
    for expected in (user.username, "Ministry of Labour", "Supervisor", "Team A", "This session is verified"):
        assert expected in html


def test_token_created_in_profile_is_shown_once_and_stored_hashed(client: Client) -> None:
    user = make_user(Role.PARTNER)
    login_verified(client, user)
    response = client.post(
        reverse("accounts:token_create"), {"name": "nightly sync", "expires_in_days": "30"}
    )
    assert response.status_code == 200
    raw = response.context["raw_token"]
    assert raw.startswith("mdv_") and len(raw) > 40
    assert raw in response.content.decode()

    token = ApiToken.objects.get(user=user)
    assert token.token_hash == api_token_digest(raw)
    stored = " ".join(str(value) for value in ApiToken.objects.values().get(pk=token.pk).values())
    assert raw not in stored
    assert token.expires_at is not None and token.expires_at > timezone.now() + timedelta(days=29)
    assert raw not in client.get(reverse("accounts:profile")).content.decode()

    event = AuditEvent.objects.get(action=AuditAction.TOKEN_CREATE)
    assert (event.actor, event.record_type, event.record_id) == (user, "accounts.apitoken", str(token.pk))
    assert raw not in str(event.detail)


def test_token_revoked_in_profile(client: Client) -> None:
    user = make_user(Role.PARTNER)
    token, raw = api_token_create(user=user, name="script")
    login_verified(client, user)
    assert user_for_api_token(raw) == user
    response = client.post(reverse("accounts:token_revoke", args=[token.pk]))
    assert response.status_code == 302
    assert user_for_api_token(raw) is None
    assert AuditEvent.objects.filter(
        action=AuditAction.TOKEN_REVOKE, record_id=str(token.pk), actor=user
    ).exists()


def test_someone_elses_token_cannot_be_revoked(client: Client) -> None:
    owner, other = make_user(Role.PARTNER), make_user(Role.PARTNER)
    token, raw = api_token_create(user=owner, name="script")
    login_verified(client, other)
    assert client.post(reverse("accounts:token_revoke", args=[token.pk])).status_code == 404
    assert user_for_api_token(raw) == owner


def test_token_pages_need_post(client: Client) -> None:
    login_verified(client, make_user(Role.PARTNER))
    assert client.get(reverse("accounts:token_create")).status_code == 405


def test_tokens_stop_working_when_expired_revoked_or_user_inactive() -> None:
    user = make_user(Role.PARTNER)
    _expired, expired_raw = api_token_create(
        user=user, name="old", expires_at=timezone.now() - timedelta(seconds=1)
    )
    assert user_for_api_token(expired_raw) is None

    token, raw = api_token_create(user=user, name="live", expires_at=timezone.now() + timedelta(days=1))
    assert user_for_api_token(raw) == user
    assert ApiToken.objects.get(pk=token.pk).last_used_at is not None

    user.is_active = False
    user.save()
    assert user_for_api_token(raw) is None
    user.is_active = True
    user.save()
    api_token_revoke(token=token)
    assert user_for_api_token(raw) is None


@pytest.mark.parametrize("raw", ["", "mdv_", "mdv_" + "x" * 43, "Bearer mdv_abc", "x" * 500])
def test_unknown_tokens_are_refused(raw: str) -> None:
    assert user_for_api_token(raw) is None


def test_token_command_prints_a_working_token() -> None:
    user = make_user(Role.PARTNER, username="partner-bot")
    out = StringIO()
    call_command("token", "create", "partner-bot", "--name", "cli", stdout=out)
    raw = out.getvalue().strip()
    assert user_for_api_token(raw) == user
    assert ApiToken.objects.get(user=user).name == "cli"
    assert AuditEvent.objects.filter(action=AuditAction.TOKEN_CREATE, actor=user).exists()

    listing = StringIO()
    call_command("token", "list", "partner-bot", stdout=listing)
    assert "active" in listing.getvalue() and raw not in listing.getvalue()
    call_command("token", "revoke", str(ApiToken.objects.get(user=user).pk), stdout=StringIO())
    assert user_for_api_token(raw) is None


def test_bearer_token_authenticates_the_api(client: Client) -> None:
    organisation = make_organisation("Partner NGO")
    user = make_user(Role.PARTNER, organisation=organisation)
    _token, raw = api_token_create(user=user, name="sync")
    response = client.get("/api/v1/accounts/me", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert response.status_code == 200
    body = response.json()
    assert body["username"] == user.username
    assert body["organisation"]["name"] == "Partner NGO"
    assert body["roles"] == ["partner"]
    assert body["permissions"]["accounts.view_note"] == "organisation"
    assert client.get("/api/v1/accounts/me").status_code == 401
    assert client.get("/api/v1/accounts/me", HTTP_AUTHORIZATION="Bearer mdv_nope").status_code == 401
