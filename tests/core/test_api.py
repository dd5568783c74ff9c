import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def test_openapi_document_describes_the_api(client: Client) -> None:
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    document = response.json()
    assert document["openapi"].startswith("3.")
    assert document["info"]["title"] == "migdev API"
    assert "/api/v1/platform/" in document["paths"]
    assert "BearerTokenAuth" in document["components"]["securitySchemes"]


def test_interactive_docs_use_local_assets_only(client: Client) -> None:
    html = client.get("/api/v1/docs").content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in html
    assert "cdn" not in html.lower()


def test_platform_lists_modules(client: Client) -> None:
    body = client.get("/api/v1/platform/").json()
    slugs = [module["slug"] for module in body["modules"]]
    assert slugs[:3] == ["trafficking", "indicators", "remittances"]


def test_unauthenticated_call_gets_problem_json_401(client: Client) -> None:
    response = client.get("/api/v1/platform/whoami")
    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"
    assert response["WWW-Authenticate"] == "Bearer"
    body = response.json()
    assert body["status"] == 401
    assert body["title"] == "Unauthorized"
    assert body["instance"] == "/api/v1/platform/whoami"


def test_bad_bearer_token_is_refused(client: Client) -> None:
    response = client.get("/api/v1/platform/whoami", HTTP_AUTHORIZATION="Bearer mdv_not-a-real-token")
    assert response.status_code == 401


def test_unknown_route_is_problem_json_404(client: Client) -> None:
    response = client.get("/api/v1/platform/nothing-here")
    assert response.status_code == 404


def test_rate_limit_answers_429_with_retry_after(client: Client) -> None:
    from django.conf import settings as django_settings

    limit = django_settings.API_RATE_LIMIT_PER_MINUTE
    statuses = [client.get("/api/v1/platform/").status_code for _ in range(limit + 1)]
    assert statuses[:limit] == [200] * limit
    assert statuses[limit] == 429
    response = client.get("/api/v1/platform/")
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["status"] == 429
    assert "Retry-After" in response


def _editor_token() -> str:
    from migdev.accounts.services import api_token_create
    from tests.factories import make_user

    editor = make_user("editor")
    _token, raw = api_token_create(user=editor, name="tests")
    return raw


def test_malformed_json_is_a_problem_and_writes_nothing(client: Client) -> None:
    from migdev.coordination.models import Meeting

    before = Meeting.objects.count()
    response = client.post(
        "/api/v1/coordination/meetings",
        data='{"title": "Unclosed',
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {_editor_token()}",
    )
    assert response.status_code in {400, 422}
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["errors"], "the problem names what was wrong with the body"
    assert Meeting.objects.count() == before


def test_invalid_fields_are_named_in_the_problem(client: Client) -> None:
    response = client.post(
        "/api/v1/coordination/meetings",
        data={"title": 12},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {_editor_token()}",
    )
    assert response.status_code == 422
    body = response.json()
    assert body["type"] == "about:blank" and body["status"] == 422
    fields = {error["field"] for error in body["errors"]}
    assert fields, body
    assert all(error["message"] for error in body["errors"])


def test_bearer_token_authenticates(client: Client) -> None:
    response = client.get("/api/v1/platform/whoami", HTTP_AUTHORIZATION=f"Bearer {_editor_token()}")
    assert response.status_code == 200
    assert response.json()["roles"] == ["editor"]


def test_list_endpoints_are_paginated(client: Client) -> None:
    response = client.get("/api/v1/reference/countries?page=2&page_size=10")
    assert response.status_code == 200
    body = response.json()
    assert body["count"] >= 249
    assert len(body["items"]) == 10
    first_page = client.get("/api/v1/reference/countries?page=1&page_size=10").json()["items"]
    assert {c["iso3"] for c in first_page}.isdisjoint({c["iso3"] for c in body["items"]})
