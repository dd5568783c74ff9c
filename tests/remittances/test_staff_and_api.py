"""Researchers' form, provider tokens and quotes, the REST API and the downloads."""

from __future__ import annotations

import datetime
import json
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from migdev.accounts.services import api_token_create
from migdev.audit.models import AuditEvent
from migdev.jobs.models import Job
from migdev.remittances import services
from migdev.remittances.aggregates import Measure
from migdev.remittances.models import AggregateValue, Provider, ProviderToken, Quote, Service
from migdev.remittances.quarters import Quarter
from migdev.remittances.vocabulary import FirmType, Origin
from tests.factories import login_verified, make_user
from tests.remittances.conftest import AddService

pytestmark = pytest.mark.django_db


def collection_data(**changes: str) -> dict[str, str]:
    data = {
        "provider_name": "Acme Remit",
        "firm_type": "mto",
        "sending_country": "GBR",
        "receiving_country": "IND",
        "quarter": str(Quarter.containing(timezone.localdate())),
        "collected_on": timezone.localdate().isoformat(),
        "product": "Online",
        "payment_instrument": "Card",
        "access_point": "Website",
        "pickup_method": "Bank account",
        "speed": "same_day",
        "transparent": "yes",
        "network_coverage": "high",
        "send_currency": "GBP",
        "receive_currency": "INR",
        "interbank_rate": "105",
        "amount_200": "160",
        "fee_200": "3.2",
        "rate_200": "103.95",
        "amount_500": "",
        "fee_500": "",
        "rate_500": "",
        "note": "",
    }
    data.update(changes)
    return data


# The researcher's form ---------------------------------------------------------------------------


def test_researcher_records_a_price_with_collector_and_date(
    client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    researcher = make_user("editor", first_name="Ana", last_name="Researcher")
    client.force_login(researcher)
    assert client.get("/en/remittances/collect/").status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/en/remittances/collect/", collection_data())
    assert response.status_code == 302
    service = Service.objects.get()
    assert service.collected_by == researcher and service.collector_name == "Ana Researcher"
    assert service.origin == Origin.RESEARCHER and service.collected_on == timezone.localdate()
    quote = service.quotes.get()
    assert quote.total_cost_pct == Decimal("3.000000")  # 3.2/160 = 2 %, (105 − 103.95)/105 = 1 %
    assert AuditEvent.objects.filter(action="create", record_type="remittances.service").exists()
    assert Job.objects.filter(kind=services.RECOMPUTE_JOB_KIND).count() == 1


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"fee_200": "-1"}, "the fee cannot be negative"),
        ({"rate_200": "0"}, "the exchange rate offered must be greater than zero"),
        ({"interbank_rate": "0"}, "the interbank exchange rate must be greater than zero"),
        ({"receiving_country": "GBR"}, "The sending and receiving countries must differ."),
        ({"amount_500": "400"}, "Give the amount, fee and rate of the second price, or none of them."),
        ({"send_currency": "ABC"}, "Select a valid choice."),
        ({"quarter": "2016-Q2"}, "Select a valid choice."),
    ],
)
def test_researcher_form_refuses_bad_prices(client: Client, changes: dict[str, str], message: str) -> None:
    client.force_login(make_user("editor"))
    response = client.post("/en/remittances/collect/", collection_data(**changes))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Service.objects.exists()


def test_researcher_form_refuses_a_duplicate(client: Client) -> None:
    client.force_login(make_user("editor"))
    assert client.post("/en/remittances/collect/", collection_data()).status_code == 302
    response = client.post("/en/remittances/collect/", collection_data(fee_200="2"))
    assert "already has this product" in response.content.decode()
    assert Service.objects.count() == 1


def test_users_without_the_permission_get_404(client: Client) -> None:
    client.force_login(make_user("analyst"))
    assert client.get("/en/remittances/collect/").status_code == 404
    assert client.get("/en/remittances/provider-tokens/").status_code == 404
    assert AuditEvent.objects.filter(action="permission_denied").count() == 2


# Provider tokens and provider quotes --------------------------------------------------------------


@pytest.fixture
def provider(db: None) -> Provider:
    return services.provider_get_or_create(name="FastSend", firm_type=FirmType.MTO)


def test_administrator_issues_and_revokes_a_provider_token(client: Client, provider: Provider) -> None:
    admin = make_user("administrator")
    login_verified(client, admin)
    response = client.post(
        "/en/remittances/provider-tokens/",
        {"provider": provider.pk, "label": "pricing feed", "lifetime_days": "30"},
    )
    html = response.content.decode()
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    token = ProviderToken.objects.get()
    raw = html.split('<code class="token">')[1].split("</code>")[0]
    assert raw.startswith("rpt_") and raw not in token.token_hash and token.token_prefix == raw[:12]
    assert services.provider_token_authenticate(raw) == token
    assert AuditEvent.objects.filter(action="token_create", record_type="remittances.providertoken").exists()
    assert client.post(f"/en/remittances/provider-tokens/{token.pk}/revoke/").status_code == 302
    assert services.provider_token_authenticate(raw) is None
    assert AuditEvent.objects.filter(action="token_revoke").exists()
    assert raw not in client.get("/en/remittances/provider-tokens/").content.decode()


def offer(**changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "sending_country": "GBR",
        "receiving_country": "IND",
        "send_currency": "GBP",
        "receive_currency": "INR",
        "product": "App transfer",
        "pickup_method": "Bank account",
        "speed": "under_1h",
        "quotes": [
            {"send_amount": "100", "fee": "0", "offered_rate": "104", "interbank_rate": "105"},
            {"send_amount": "500", "fee": "0", "offered_rate": "104.5", "interbank_rate": "105"},
        ],
    }
    body.update(changes)
    return body


def post_quotes(client: Client, raw: str, offers: list[dict[str, Any]]) -> Any:
    return client.post(
        "/api/v1/remittances/provider/quotes",
        data=json.dumps({"offers": offers}),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {raw}",
    )


def test_provider_quotes_show_on_the_comparison_until_they_expire(
    client: Client, provider: Provider, add_service: AddService, monkeypatch: pytest.MonkeyPatch
) -> None:
    add_service("GBR", "IND", "Survey Bank", fee="10", rate="100", interbank="105", amount="150")
    _token, raw = services.provider_token_create(provider=provider, user=None)
    response = post_quotes(client, raw, [offer()])
    assert response.status_code == 200, response.content
    assert response.json()["stored"] == 1
    stored = Service.objects.get(origin=Origin.PROVIDER_API)
    assert stored.expires_at is not None and stored.expires_at > timezone.now() + datetime.timedelta(days=6)
    body = client.get(
        "/api/v1/remittances/compare", {"sending": "GBR", "receiving": "IND", "amount": "150"}
    ).json()
    assert [o["provider"] for o in body["offers"]] == ["FastSend", "Survey Bank"]
    assert body["offers"][0]["origin"] == "provider_api"
    # Sending the same product again replaces the earlier quote rather than adding one.
    assert post_quotes(client, raw, [offer()]).status_code == 200
    assert Service.objects.filter(origin=Origin.PROVIDER_API).count() == 1
    # Provider quotes never move the statistics.
    services.aggregates_recompute()
    average = AggregateValue.objects.get(measure=Measure.CORRIDOR_AVERAGE, subject="GBRIND", tier="usd200")
    assert average.observations == 1
    # A second after the quote expires (time passes; nothing is written): the precomputed comparison that
    # the API and the page read drops it at read time.
    after_expiry = Service.objects.get(origin=Origin.PROVIDER_API).expires_at + datetime.timedelta(seconds=1)
    monkeypatch.setattr(timezone, "now", lambda: after_expiry)
    body = client.get(
        "/api/v1/remittances/compare", {"sending": "GBR", "receiving": "IND", "amount": "150"}
    ).json()
    assert [o["provider"] for o in body["offers"]] == ["Survey Bank"]


def test_expired_revoked_or_unknown_provider_tokens_are_refused(client: Client, provider: Provider) -> None:
    token, raw = services.provider_token_create(provider=provider, user=None, lifetime_days=1)
    ProviderToken.objects.filter(pk=token.pk).update(
        expires_at=timezone.now() - datetime.timedelta(minutes=1)
    )
    assert post_quotes(client, raw, [offer()]).status_code == 401
    assert post_quotes(client, "rpt_not-a-token", [offer()]).status_code == 401
    user_token = api_token_create(user=make_user("editor"), name="personal")[1]
    assert post_quotes(client, user_token, [offer()]).status_code == 401
    assert not Service.objects.exists()


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        (
            {"quotes": [{"send_amount": "100", "fee": "-1", "offered_rate": "104", "interbank_rate": "105"}]},
            "offers.1.quotes.0",
        ),
        (
            {"quotes": [{"send_amount": "100", "fee": "1", "offered_rate": "0", "interbank_rate": "105"}]},
            "offers.1.quotes.0",
        ),
        ({"receiving_country": "ZZZ"}, "offers.1.receiving_country"),
        ({"send_currency": "ABC"}, "offers.1.send_currency"),
        (
            {"quotes": [{"send_amount": "100", "fee": "1", "offered_rate": "1", "interbank_rate": "1"}] * 2},
            "offers.1.quotes.1",
        ),
    ],
)
def test_bad_provider_quotes_are_refused_whole(
    client: Client, provider: Provider, changes: dict[str, Any], field: str
) -> None:
    _token, raw = services.provider_token_create(provider=provider, user=None)
    response = post_quotes(client, raw, [offer(), offer(product="Other", **changes)])
    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["errors"][0]["field"] == field
    assert not Service.objects.exists()


# Public API --------------------------------------------------------------------------------------


def test_compare_api_ranks_and_flags(client: Client, add_service: AddService) -> None:
    add_service("GBR", "IND", "Zero Fee Co", fee="0", rate="95")
    add_service("GBR", "IND", "Honest", fee="3", rate="99.5")
    body = client.get(
        "/api/v1/remittances/compare", {"sending": "gbr", "receiving": "IND", "amount": "200"}
    ).json()
    assert [(o["rank"], o["provider"]) for o in body["offers"]] == [(1, "Honest"), (2, "Zero Fee Co")]
    assert body["offers"][1]["flags"] == ["no_fee_costs_more"]
    assert body["offers"][0]["amount_received"] == "19601.50"
    missing = client.get(
        "/api/v1/remittances/compare", {"sending": "GBR", "receiving": "FRA", "amount": "200"}
    )
    assert missing.status_code == 404 and missing["Content-Type"] == "application/problem+json"
    invalid = client.get(
        "/api/v1/remittances/compare", {"sending": "GBR", "receiving": "IND", "amount": "-1"}
    )
    assert invalid.status_code == 422


def test_corridor_country_and_quarter_endpoints(client: Client, add_service: AddService) -> None:
    add_service("GBR", "IND", "A", fee="2", rate="99")
    add_service("GBR", "IND", "B", fee="4", rate="99")
    services.aggregates_recompute()
    listing = client.get("/api/v1/remittances/corridors").json()
    assert listing["count"] == 1 and listing["items"][0]["average_pct"] == pytest.approx(2.5)
    detail = client.get("/api/v1/remittances/corridors/GBR-IND").json()
    assert detail["history"][0]["quarter"] == "2024Q1" and detail["history"][0]["smart_pct"] == pytest.approx(
        2.5
    )
    assert client.get("/api/v1/remittances/countries/IND").json()["history"][0][
        "receiving_average_pct"
    ] == pytest.approx(2.5)
    assert client.get("/api/v1/remittances/quarters").json() == ["2024Q1"]
    quarter = client.get("/api/v1/remittances/quarters/2024_1Q").json()
    measures = {(f["measure"], f["subject"]) for f in quarter["figures"]}
    assert (Measure.GLOBAL_AVERAGE, "") in measures and (Measure.SENDING_COUNTRY_AVERAGE, "GBR") in measures
    assert client.get("/api/v1/remittances/quarters/2031Q1").status_code == 404
    assert client.get("/api/v1/remittances/corridors/XXX-YYY").status_code == 404


def service_payload(**changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "provider": "Acme",
        "firm_type": "bank",
        "sending_country": "USA",
        "receiving_country": "MEX",
        "quarter": "2025Q2",
        "collected_on": "2025-05-02",
        "send_currency": "USD",
        "receive_currency": "MXN",
        "transparent": True,
        "speed": "next_day",
        "quote_usd200": {"send_amount": "200", "fee": "10", "offered_rate": "19", "interbank_rate": "20"},
        "quote_usd500": {"send_amount": "500", "fee": "10", "offered_rate": "19.5", "interbank_rate": "20"},
    }
    body.update(changes)
    return body


def test_researchers_record_prices_through_the_api(client: Client) -> None:
    raw = api_token_create(user=make_user("editor"), name="survey tablet")[1]

    def post(body: dict[str, Any]) -> Any:
        return client.post(
            "/api/v1/remittances/services",
            json.dumps(body),
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {raw}",
        )

    response = post(service_payload())
    assert response.status_code == 201, response.content
    assert response.json()["total_cost_pct"] == {"usd200": "10.000000", "usd500": "4.500000"}
    assert post(service_payload()).json()["errors"][0]["field"] == "product"  # the same service again
    assert post(service_payload(quarter="Q2-2025")).json()["errors"][0]["field"] == "quarter"
    assert post(service_payload(receiving_country="ABC")).json()["errors"][0]["field"] == "receiving_country"
    analyst = api_token_create(user=make_user("analyst"), name="x")[1]
    denied = client.post(
        "/api/v1/remittances/services",
        json.dumps(service_payload(provider="Other")),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {analyst}",
    )
    assert denied.status_code == 403
    assert (
        client.post(
            "/api/v1/remittances/services", json.dumps(service_payload()), content_type="application/json"
        ).status_code
        == 401
    )
    assert Service.objects.count() == 1


# Downloads ---------------------------------------------------------------------------------------


def test_downloads_are_safe_in_a_spreadsheet(client: Client, add_service: AddService) -> None:
    add_service("GBR", "IND", '=HYPERLINK("http://x")', fee="2", rate="99")
    services.aggregates_recompute()
    response = client.get("/en/remittances/downloads/quotes.csv")
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode("utf-8-sig")  # type: ignore[attr-defined]
    assert "'=HYPERLINK" in text and ",=HYPERLINK" not in text
    assert "Test survey" in text or ",t," in text  # source title of the fixture
    for dataset in ("figures", "corridor-series", "quotes"):
        for fmt in ("csv", "xlsx", "json"):
            assert client.get(f"/en/remittances/downloads/{dataset}.{fmt}").status_code == 200
    assert client.get("/en/remittances/downloads/figures.pdf").status_code == 404
    assert client.get("/en/remittances/downloads/secrets.csv").status_code == 404
    assert client.get("/en/remittances/downloads/quotes.csv", {"quarter": "bad"}).status_code == 404
    assert client.get("/en/remittances/downloads/").status_code == 200
    assert Quote.objects.count() == 1


def test_recording_a_price_recomputes_the_figures_through_the_job_queue(
    client: Client, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.JOBS_RUN_IMMEDIATELY = True
    client.force_login(make_user("editor"))
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/en/remittances/collect/", collection_data())
    job = Job.objects.get(kind=services.RECOMPUTE_JOB_KIND)
    assert job.status == Job.Status.SUCCEEDED
    figure = AggregateValue.objects.get(measure=Measure.CORRIDOR_AVERAGE, subject="GBRIND", tier="usd200")
    assert figure.value == pytest.approx(3.0)
