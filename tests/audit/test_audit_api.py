"""GET /api/v1/audit/events with a bearer token or a verified session."""

import pytest
from django.test import Client

from migdev.accounts.access import Role
from migdev.accounts.services import api_token_create, api_token_revoke
from migdev.audit.models import AuditAction, AuditEvent
from migdev.audit.services import audit_log
from tests.factories import login_verified, make_user

pytestmark = pytest.mark.django_db
URL = "/api/v1/audit/events"


def bearer(raw: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def test_dpo_token_lists_events_with_filters_and_pages(client: Client) -> None:
    dpo = make_user(Role.DATA_PROTECTION_OFFICER)
    _token, raw = api_token_create(user=dpo, name="siem")
    for index in range(5):
        audit_log(action=AuditAction.FAILED_LOGIN, username=f"guess{index}", detail={"stage": "password"})
    response = client.get(URL, {"action": "failed_login", "page_size": 2}, **bearer(raw))
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 5
    assert len(body["items"]) == 2
    assert body["items"][0]["actor_username"] == "guess4"
    assert set(body["items"][0]) >= {
        "occurred_at",
        "action",
        "record_type",
        "record_id",
        "ip_address",
        "detail",
    }

    page3 = client.get(URL, {"action": "failed_login", "page_size": 2, "page": 3}, **bearer(raw)).json()
    assert [item["actor_username"] for item in page3["items"]] == ["guess0"]
    assert client.get(URL, {"user": "guess2"}, **bearer(raw)).json()["count"] == 1
    assert AuditEvent.objects.filter(action=AuditAction.READ, actor=dpo, detail__via="api").count() == 3


@pytest.mark.parametrize("role", [Role.CASE_WORKER, Role.SUPERVISOR, Role.ANALYST, Role.EDITOR, Role.PARTNER])
def test_other_roles_are_refused_and_audited(client: Client, role: Role) -> None:
    user = make_user(role)
    _token, raw = api_token_create(user=user, name="script")
    response = client.get(URL, **bearer(raw))
    assert response.status_code == 403
    assert response["Content-Type"] == "application/problem+json"
    assert AuditEvent.objects.filter(actor=user, action=AuditAction.PERMISSION_DENIED).exists()


def test_missing_wrong_or_revoked_tokens_get_401(client: Client) -> None:
    dpo = make_user(Role.DATA_PROTECTION_OFFICER)
    token, raw = api_token_create(user=dpo, name="siem")
    assert client.get(URL).status_code == 401
    assert client.get(URL, **bearer(raw[:-2] + "xx")).status_code == 401
    api_token_revoke(token=token)
    assert client.get(URL, **bearer(raw)).status_code == 401


def test_verified_session_works(client: Client) -> None:
    login_verified(client, make_user(Role.ADMINISTRATOR))
    assert client.get(URL).status_code == 200


def test_invalid_filter_is_a_problem_response(client: Client) -> None:
    _token, raw = api_token_create(user=make_user(Role.DATA_PROTECTION_OFFICER), name="siem")
    response = client.get(URL, {"action": "explode"}, **bearer(raw))
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "action"
