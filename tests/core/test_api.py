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
