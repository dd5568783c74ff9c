"""Issue 15, finding 4: bad input to the API is a 4xx problem, never a 500; an unexpected error is a 500
problem without the server's insides, even with DEBUG on. Finding 7 (part): HEAD answers where GET does."""

import logging

import pytest
from django.conf import LazySettings
from django.test import Client

from migdev.accounts.models import User
from migdev.accounts.roles import Role
from migdev.core.api_params import PAGE_MAX, PAGE_SIZE_MAX
from tests.factories import make_organisation, make_user

pytestmark = pytest.mark.django_db

HUGE = "9223372036854775807"
BEYOND_64_BITS = "9223372036854775808"


@pytest.fixture
def token(db: None) -> str:
    from migdev.accounts.services import api_token_create

    user: User = make_user(*Role.values, organisation=make_organisation())
    _token, raw = api_token_create(user=user, name="tests")
    return raw


def _assert_problem(response: object, status: int, field: str | None = None) -> dict[str, object]:
    assert response.status_code == status, response.content  # type: ignore[attr-defined]
    assert response["Content-Type"] == "application/problem+json"  # type: ignore[index]
    body: dict[str, object] = response.json()  # type: ignore[attr-defined]
    assert body["status"] == status
    if field is not None:
        assert field in {error["field"] for error in body["errors"]}, body  # type: ignore[attr-defined]
    return body


PAGINATED = [
    "/api/v1/reference/countries",
    "/api/v1/coordination/processes",
    "/api/v1/coordination/meetings",
    "/api/v1/coordination/activities",
    "/api/v1/coordination/policies",
    "/api/v1/coordination/publications",
    "/api/v1/indicators/plans",
    "/api/v1/remittances/corridors",
    "/api/v1/audit/events",
    "/api/v1/trafficking/cases",
]


@pytest.mark.parametrize("path", PAGINATED)
@pytest.mark.parametrize("page", ["0", "-1", HUGE, str(PAGE_MAX + 1), "two"])
def test_a_bad_page_number_is_a_422_problem_on_every_list(
    client: Client, token: str, path: str, page: str
) -> None:
    response = client.get(path, {"page": page}, HTTP_AUTHORIZATION=f"Bearer {token}")
    _assert_problem(response, 422, field="page")


@pytest.mark.parametrize("path", PAGINATED)
@pytest.mark.parametrize("page_size", ["0", "-5", str(PAGE_SIZE_MAX + 1), HUGE])
def test_a_bad_page_size_is_a_422_problem_on_every_list(
    client: Client, token: str, path: str, page_size: str
) -> None:
    response = client.get(path, {"page_size": page_size}, HTTP_AUTHORIZATION=f"Bearer {token}")
    _assert_problem(response, 422, field="page_size")


@pytest.mark.parametrize("path", PAGINATED)
def test_the_last_page_allowed_is_an_empty_page_not_an_error(client: Client, token: str, path: str) -> None:
    response = client.get(path, {"page": PAGE_MAX}, HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 200, response.content
    assert response.json()["items"] == []


@pytest.mark.parametrize("as_of", ["0", "1e9", "2006-13-01", "yesterday", "-1"])
def test_a_date_that_is_not_an_iso_date_is_a_422_problem(client: Client, as_of: str) -> None:
    response = client.get("/api/v1/coordination/processes/gmg", {"as_of": as_of})
    _assert_problem(response, 422, field="as_of")


def test_an_iso_date_still_selects_the_membership(client: Client) -> None:
    response = client.get("/api/v1/coordination/processes/gmg", {"as_of": "2006-11-20"})
    assert response.status_code == 200
    assert response.json()["members"] is not None


@pytest.mark.parametrize(
    ("path", "field"),
    [
        (f"/api/v1/coordination/policies/{BEYOND_64_BITS}", "policy_id"),
        ("/api/v1/coordination/policies/0", "policy_id"),
        (f"/api/v1/jobs/{BEYOND_64_BITS}", "job_id"),
        (f"/api/v1/indicators/plans/{BEYOND_64_BITS}", "plan_id"),
        (f"/api/v1/trafficking/cases/{BEYOND_64_BITS}", "case_id"),
        (f"/api/v1/trafficking/releases/{BEYOND_64_BITS}/content", "release_id"),
        (f"/api/v1/reference/countries?income_group=H&year={BEYOND_64_BITS}", "year"),
        ("/api/v1/reference/aggregates/WLD/members?year=99999", "year"),
        (f"/api/v1/coordination/publications?year_from={BEYOND_64_BITS}", "year_from"),
        ("/api/v1/coordination/publications?objective=24", "objective"),
        ("/api/v1/trafficking/statistics?threshold=0", "threshold"),  # below 11 but sane: 400 (test_api)
    ],
)
def test_numbers_out_of_range_are_a_422_problem(client: Client, token: str, path: str, field: str) -> None:
    response = client.get(path, HTTP_AUTHORIZATION=f"Bearer {token}")
    _assert_problem(response, 422, field=field)


@pytest.mark.parametrize(
    ("path", "field"),
    [
        ("/api/v1/indicators/?lang=de", "lang"),
        ("/api/v1/coordination/gcm-objectives?lang=xx", "lang"),
        ("/api/v1/coordination/processes?kind=nonsense", "kind"),
        ("/api/v1/coordination/policies?domain=nonsense", "domain"),
        ("/api/v1/coordination/publications?language=zz", "language"),
        ("/api/v1/trafficking/cases?status=Nonsense", "status"),
    ],
)
def test_values_outside_an_enumeration_are_a_422_problem(
    client: Client, token: str, path: str, field: str
) -> None:
    response = client.get(path, HTTP_AUTHORIZATION=f"Bearer {token}")
    _assert_problem(response, 422, field=field)


def test_an_empty_enumeration_value_still_means_any(client: Client) -> None:
    assert client.get("/api/v1/coordination/processes?kind=").status_code == 200
    assert client.get("/api/v1/coordination/gcm-objectives?lang=").status_code == 200


def test_a_multipart_upload_without_a_boundary_is_a_400_problem(client: Client, token: str) -> None:
    response = client.post(
        "/api/v1/dataio/imports",
        data=b"--x\r\nContent-Disposition: form-data; name=format\r\n\r\nunhcr-refugees\r\n--x--\r\n",
        content_type="multipart/form-data",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert response.status_code == 400, response.content
    assert response["Content-Type"] == "application/problem+json"


def test_an_unexpected_error_is_a_generic_problem_and_its_traceback_goes_to_the_log(
    client: Client, settings: LazySettings, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    from migdev.reference import selectors

    def broken() -> list[object]:
        raise RuntimeError("secret-internal-detail")

    settings.DEBUG = True  # as with `python3 run.py start`
    monkeypatch.setattr(selectors, "aggregates", broken)
    with caplog.at_level(logging.ERROR, logger="migdev.api"):
        response = client.get("/api/v1/reference/aggregates")
    body = _assert_problem(response, 500)
    text = response.content.decode()
    assert "secret-internal-detail" not in text and "Traceback" not in text
    assert body["detail"] == "An unexpected error occurred. It has been logged."
    logged = [record for record in caplog.records if record.name == "migdev.api"]
    assert logged and logged[0].exc_info is not None
    assert "secret-internal-detail" in str(logged[0].exc_info[1])


@pytest.mark.parametrize(
    "path", ["/healthz", "/readyz", "/en/", "/api/v1/platform/", "/api/v1/reference/countries?page_size=5"]
)
def test_head_answers_wherever_get_does(client: Client, path: str) -> None:
    got = client.get(path)
    head = client.head(path)
    assert head.status_code == got.status_code == 200
    assert head.content == b""
    assert head["Content-Type"] == got["Content-Type"]
    assert int(head["Content-Length"]) > 0


def test_head_is_refused_where_get_is(client: Client) -> None:
    response = client.head("/api/v1/platform/whoami")
    assert response.status_code == 401


def test_a_body_over_the_upload_limit_is_a_413_problem(
    client: Client, token: str, settings: LazySettings
) -> None:
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 100
    response = client.post(
        "/api/v1/coordination/meetings",
        data='{"title": "' + "x" * 500 + '"}',
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    _assert_problem(response, 413)


def test_a_record_refused_by_a_service_is_a_422_problem_even_when_the_operation_forgot_to_catch_it(
    client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    from django.core.exceptions import ValidationError

    from migdev.reference import selectors

    def refusing() -> list[object]:
        raise ValidationError({"title": ["This field cannot be blank."]})

    monkeypatch.setattr(selectors, "aggregates", refusing)
    body = _assert_problem(client.get("/api/v1/reference/aggregates"), 422, field="title")
    assert body["errors"] == [{"field": "title", "message": "This field cannot be blank."}]


@pytest.mark.parametrize(
    "quote",
    [
        {"send_amount": "1e20", "fee": "1", "offered_rate": "1", "interbank_rate": "1"},
        {"send_amount": "200", "fee": "1e30", "offered_rate": "1", "interbank_rate": "1"},
        {"send_amount": "200", "fee": "1", "offered_rate": "1e11", "interbank_rate": "1e-10"},
    ],
)
def test_a_price_too_large_to_store_is_a_422_problem(
    client: Client, token: str, quote: dict[str, str]
) -> None:
    from migdev.remittances.models import Service

    body = {
        "provider": "Probe",
        "firm_type": "bank",
        "sending_country": "USA",
        "receiving_country": "MEX",
        "quarter": "2025Q3",
        "collected_on": "2025-08-01",
        "send_currency": "USD",
        "receive_currency": "MXN",
        "transparent": True,
        "quote_usd200": quote,
    }
    response = client.post(
        "/api/v1/remittances/services",
        data=body,
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    _assert_problem(response, 422)
    assert not Service.objects.filter(provider__name="Probe").exists()


@pytest.mark.parametrize(
    ("method", "path", "body", "field"),
    [
        ("get", "/api/v1/coordination/publications?q=a%00b", None, "q"),
        ("get", "/api/v1/reference/countries/F%00R", None, "(path)"),
        ("post", "/api/v1/coordination/meetings", '{"title": "a\\u0000b"}', "(body)"),
    ],
)
def test_a_nul_character_is_a_422_problem_on_every_database(
    client: Client, token: str, method: str, path: str, body: str | None, field: str
) -> None:
    # PostgreSQL refuses NUL in text with a server error; the API refuses it first, the same on SQLite.
    if method == "get":
        response = client.get(path, HTTP_AUTHORIZATION=f"Bearer {token}")
    else:
        response = client.post(
            path, data=body, content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {token}"
        )
    _assert_problem(response, 422, field=field)
