"""Two-factor authentication: required for every role that can see personal data, and only for those."""

import base64
import re

import pytest
from django.conf import LazySettings
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from migdev.accounts import access
from migdev.accounts.access import Role
from migdev.accounts.roles import TWO_FACTOR_ROLES
from migdev.audit.models import AuditAction, AuditEvent
from tests.factories import (
    PASSWORD,
    confirmed_totp_device,
    current_code,
    make_organisation,
    make_user,
)

pytestmark = pytest.mark.django_db

NEEDS_TWO_FACTOR = [
    Role.ADMINISTRATOR,
    Role.DATA_PROTECTION_OFFICER,
    Role.CASE_WORKER,
    Role.SUPERVISOR,
    Role.PARTNER,
    # Labour mobility: they see workers' identifying data (employers only after an interview is accepted).
    Role.SCHEME_OFFICER,
    Role.PES_OFFICER,
    Role.EMPLOYER,
    Role.RECRUITER,
    # Diaspora: they see experts' identifying data. The expert sees only their own (password only).
    Role.PROGRAMME_OFFICER,
    Role.DIASPORA_OFFICE,
    Role.HOST_INSTITUTION,
]
NO_TWO_FACTOR = [Role.ANALYST, Role.EDITOR, Role.WORKER, Role.EXPERT]
AUDIT_API = "/api/v1/audit/events"


def password_sign_in(client: Client, role: Role, **extra: object):  # type: ignore[no-untyped-def]
    user = make_user(role, organisation=make_organisation(), password=PASSWORD, **extra)
    response = client.post(reverse("accounts:login"), {"username": user.username, "password": PASSWORD})
    return user, response


def test_the_promised_roles_require_two_factor() -> None:
    assert set(NEEDS_TWO_FACTOR) == TWO_FACTOR_ROLES
    for role in Role:
        assert access.require_two_factor(make_user(role)) is (role in NEEDS_TWO_FACTOR)


@pytest.mark.parametrize("role", NEEDS_TWO_FACTOR)
def test_pages_wait_for_enrolment(client: Client, role: Role) -> None:
    _user, response = password_sign_in(client, role)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:two_factor_setup"))
    for url in (reverse("accounts:profile"), reverse("core:home"), reverse("audit:list")):
        page = client.get(url)
        assert page.status_code == 302, url
        assert page["Location"].startswith(reverse("accounts:two_factor_setup"))
    assert client.get(reverse("accounts:two_factor_setup")).status_code == 200


@pytest.mark.parametrize("role", NEEDS_TWO_FACTOR)
def test_enrolled_users_must_verify(client: Client, role: Role) -> None:
    user = make_user(role, password=PASSWORD)
    device = confirmed_totp_device(user)
    response = client.post(reverse("accounts:login"), {"username": user.username, "password": PASSWORD})
    assert response["Location"].startswith(reverse("accounts:two_factor_verify"))
    assert client.get(reverse("accounts:profile"))["Location"].startswith(
        reverse("accounts:two_factor_verify")
    )
    # Holding only the password must not allow enrolling another authenticator.
    assert client.get(reverse("accounts:two_factor_setup"))["Location"].startswith(
        reverse("accounts:two_factor_verify")
    )

    verified = client.post(
        reverse("accounts:two_factor_verify"),
        {"code": current_code(device), "next": reverse("accounts:profile")},
    )
    assert verified.status_code == 302
    assert verified["Location"] == reverse("accounts:profile")
    assert client.get(reverse("accounts:profile")).status_code == 200
    assert AuditEvent.objects.filter(
        action=AuditAction.LOGIN, actor=user, detail__stage="two_factor"
    ).exists()


@pytest.mark.parametrize("role", NEEDS_TWO_FACTOR)
def test_api_refuses_a_session_without_second_factor(client: Client, role: Role) -> None:
    user = make_user(role, password=PASSWORD)
    device = confirmed_totp_device(user)
    client.post(reverse("accounts:login"), {"username": user.username, "password": PASSWORD})
    assert client.get(AUDIT_API).status_code == 401
    client.post(reverse("accounts:two_factor_verify"), {"code": current_code(device)})
    expected = 200 if role in (Role.ADMINISTRATOR, Role.DATA_PROTECTION_OFFICER) else 403
    assert client.get(AUDIT_API).status_code == expected


@pytest.mark.parametrize("role", NO_TWO_FACTOR)
def test_roles_without_personal_data_skip_two_factor(client: Client, role: Role) -> None:
    _user, response = password_sign_in(client, role)
    assert response.status_code == 302
    assert response["Location"] == reverse("core:home")
    assert client.get(reverse("accounts:profile")).status_code == 200
    # The API accepts the session (and then refuses the audit log for lack of permission, not of a factor).
    assert client.get(AUDIT_API).status_code == 403


def test_optional_enrolment_is_then_enforced(client: Client) -> None:
    user = make_user(Role.ANALYST, password=PASSWORD)
    confirmed_totp_device(user)
    response = client.post(reverse("accounts:login"), {"username": user.username, "password": PASSWORD})
    assert response["Location"].startswith(reverse("accounts:two_factor_verify"))


def _secret_from_page(html: str) -> str:
    match = re.search(r"<code>([A-Z2-7 ]{16,})</code>", html)
    assert match, "secret not shown as text"
    return match.group(1).replace(" ", "")


def test_enrolment_shows_qr_and_secret_then_backup_codes_once(client: Client) -> None:
    user, _ = password_sign_in(client, Role.CASE_WORKER)
    page = client.get(reverse("accounts:two_factor_setup"))
    html = page.content.decode()
    assert "<svg" in html and 'class="qr-code"' in html
    assert "style=" not in html and "<script>" not in html and "http://" not in html.split("<svg", 1)[1][:200]
    secret = _secret_from_page(html)
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    assert secret == base64.b32encode(device.bin_key).decode().rstrip("=")

    wrong_code = "000000" if current_code(device) != "000000" else "111111"
    wrong = client.post(reverse("accounts:two_factor_setup"), {"code": wrong_code})
    assert wrong.status_code == 200
    assert not TOTPDevice.objects.get(pk=device.pk).confirmed

    done = client.post(reverse("accounts:two_factor_setup"), {"code": current_code(device)})
    assert done.status_code == 200
    codes = re.findall(r"<li><code>([a-z2-7]{8})</code></li>", done.content.decode())
    assert len(codes) == 10
    assert TOTPDevice.objects.get(pk=device.pk).confirmed
    assert client.get(reverse("accounts:profile")).status_code == 200

    # A backup code signs in once, then never again.
    second = Client()
    second.post(reverse("accounts:login"), {"username": user.username, "password": PASSWORD})
    assert second.post(reverse("accounts:two_factor_verify"), {"code": codes[0]}).status_code == 302
    third = Client()
    third.post(reverse("accounts:login"), {"username": user.username, "password": PASSWORD})
    reused = third.post(reverse("accounts:two_factor_verify"), {"code": codes[0]})
    assert reused.status_code == 200
    assert third.get(reverse("accounts:profile")).status_code == 302


def test_a_secret_seen_in_another_session_cannot_be_confirmed(client: Client) -> None:
    user, _ = password_sign_in(client, Role.SUPERVISOR)
    client.get(reverse("accounts:two_factor_setup"))
    first = TOTPDevice.objects.get(user=user, confirmed=False)
    intruder = Client()
    intruder.force_login(user)
    intruder.get(reverse("accounts:two_factor_setup"))  # replaces the pending secret
    response = client.post(reverse("accounts:two_factor_setup"), {"code": current_code(first)})
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def test_wrong_codes_are_audited_and_end_the_session(client: Client, settings: LazySettings) -> None:
    user = make_user(Role.CASE_WORKER, password=PASSWORD)
    device = confirmed_totp_device(user)
    client.post(reverse("accounts:login"), {"username": user.username, "password": PASSWORD})
    wrong = "000000" if current_code(device) != "000000" else "111111"
    for _attempt in range(settings.AXES_FAILURE_LIMIT - 1):
        assert client.post(reverse("accounts:two_factor_verify"), {"code": wrong}).status_code == 200
    last = client.post(reverse("accounts:two_factor_verify"), {"code": wrong})
    assert last.status_code == 302
    assert last["Location"] == reverse("accounts:login")
    assert "_auth_user_id" not in client.session
    failures = AuditEvent.objects.filter(
        action=AuditAction.FAILED_LOGIN, actor=user, detail__stage="two_factor"
    )
    assert failures.count() == settings.AXES_FAILURE_LIMIT


def test_superuser_needs_two_factor(client: Client) -> None:
    _user, response = password_sign_in(client, Role.ANALYST, is_superuser=True)
    assert response["Location"].startswith(reverse("accounts:two_factor_setup"))


def test_wrong_codes_slow_down_further_attempts(client: Client, settings: LazySettings) -> None:
    settings.OTP_TOTP_THROTTLE_FACTOR = 1  # the production default
    user = make_user(Role.CASE_WORKER, password=PASSWORD)
    device = confirmed_totp_device(user)
    client.post(reverse("accounts:login"), {"username": user.username, "password": PASSWORD})
    wrong = "000000" if current_code(device) != "000000" else "111111"
    client.post(reverse("accounts:two_factor_verify"), {"code": wrong})
    # Right away, even the right code is refused: guessing is throttled per device, across sessions.
    assert (
        client.post(reverse("accounts:two_factor_verify"), {"code": current_code(device)}).status_code == 200
    )
    assert TOTPDevice.objects.get(pk=device.pk).throttling_failure_count == 1
    assert client.get(reverse("accounts:profile"))["Location"].startswith(
        reverse("accounts:two_factor_verify")
    )


def test_verification_renews_the_session_identifier(client: Client) -> None:
    user = make_user(Role.CASE_WORKER, password=PASSWORD)
    device = confirmed_totp_device(user)
    client.post(reverse("accounts:login"), {"username": user.username, "password": PASSWORD})
    before = client.session.session_key
    client.post(reverse("accounts:two_factor_verify"), {"code": current_code(device)})
    assert client.session.session_key != before
    assert client.get(reverse("accounts:profile")).status_code == 200
