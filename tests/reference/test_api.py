import pytest
from django.test import Client

from migdev.reference import selectors
from migdev.reference.models import Country

pytestmark = pytest.mark.django_db

BASE = "/api/v1/reference"


@pytest.fixture
def client() -> Client:
    return Client()


def test_countries_are_public_and_paginated(client: Client) -> None:
    response = client.get(f"{BASE}/countries", {"page_size": 20})
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == Country.objects.count() == 249
    assert len(body["items"]) == 20
    first = body["items"][0]
    assert {"iso2", "iso3", "m49", "name", "name_fr", "m49_region", "is_ldc", "source", "edition"} <= set(
        first
    )


def test_countries_page_two(client: Client) -> None:
    first = client.get(f"{BASE}/countries", {"page_size": 100}).json()["items"]
    second = client.get(f"{BASE}/countries", {"page_size": 100, "page": 2}).json()["items"]
    assert not {item["iso3"] for item in first} & {item["iso3"] for item in second}


def test_filter_by_region_and_flags(client: Client) -> None:
    africa = client.get(f"{BASE}/countries", {"region": "002", "page_size": 500}).json()
    assert africa["count"] == len(selectors.aggregate_members("002")) == 60
    ldc_africa = client.get(f"{BASE}/countries", {"region": "002", "ldc": "true", "page_size": 500}).json()
    assert ldc_africa["count"] == Country.objects.filter(m49_region_id="002", is_ldc=True).count()
    assert all(item["is_ldc"] for item in ldc_africa["items"])
    sids = client.get(f"{BASE}/countries", {"sids": "true", "page_size": 500}).json()
    assert sids["count"] == Country.objects.filter(is_sids=True).count()
    ssf = client.get(f"{BASE}/countries", {"wb_region": "ssf", "page_size": 500}).json()
    assert {item["iso3"] for item in ssf["items"]} == selectors.aggregate_members("SSF")


def test_filter_by_income_group_and_year(client: Client) -> None:
    upper_2022 = client.get(
        f"{BASE}/countries", {"income_group": "UM", "year": 2022, "page_size": 500}
    ).json()
    codes = {item["iso3"] for item in upper_2022["items"]}
    assert "IDN" in codes
    assert codes == selectors.aggregate_members("UMC", 2022) & set(
        Country.objects.values_list("iso3", flat=True)
    )
    upper_2021 = client.get(
        f"{BASE}/countries", {"income_group": "UM", "year": 2021, "page_size": 500}
    ).json()
    assert "IDN" not in {item["iso3"] for item in upper_2021["items"]}


@pytest.mark.parametrize(
    "params",
    [{"income_group": "XX"}, {"year": 2022}, {"region": "777"}, {"income_group": "L", "year": 2099}],
)
def test_bad_filters_are_problems(client: Client, params: dict[str, object]) -> None:
    response = client.get(f"{BASE}/countries", params)
    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"


def test_country_detail(client: Client) -> None:
    response = client.get(f"{BASE}/countries/id")
    assert response.status_code == 200
    body = response.json()
    assert body["iso3"] == "IDN"
    assert [currency["code"] for currency in body["currencies"]] == ["IDR"]
    history = {row["data_year"]: row["income_group"] for row in body["world_bank"]["income_history"]}
    assert (history[2021], history[2022]) == ("LM", "UM")
    assert body["world_bank"]["region"] == "EAS"
    assert body["world_bank"]["edition"] == "FY23"


def test_country_detail_without_world_bank_data(client: Client) -> None:
    body = client.get(f"{BASE}/countries/010").json()
    assert body["iso3"] == "ATA"
    assert body["world_bank"] is None
    assert body["m49_region"] is None


def test_unknown_country_is_a_404_problem(client: Client) -> None:
    response = client.get(f"{BASE}/countries/ZZZ")
    assert response.status_code == 404
    assert response.json()["status"] == 404


def test_names_follow_accept_language(client: Client) -> None:
    body = client.get(f"{BASE}/countries/NGA", HTTP_ACCEPT_LANGUAGE="fr").json()
    assert body["name"] == "Nigéria"
    aggregates = client.get(f"{BASE}/aggregates", HTTP_ACCEPT_LANGUAGE="es").json()
    assert {"code": "002", "name": "África", "kind": "m49"} in aggregates


def test_aggregates(client: Client) -> None:
    body = client.get(f"{BASE}/aggregates").json()
    assert len(body) == len(selectors.aggregates())
    assert {"code": "LMY", "name": "Low & middle income", "kind": "income"} in body


def test_aggregate_members(client: Client) -> None:
    body = client.get(f"{BASE}/aggregates/lmy/members").json()
    assert (body["code"], body["count"], body["data_year"]) == ("LMY", 136, None)
    assert body["members"] == sorted(body["members"])
    dated = client.get(f"{BASE}/aggregates/LMY/members", {"year": 2012}).json()
    assert set(dated["members"]) == selectors.aggregate_members("LMY", 2012)
    assert dated["data_year"] == 2012
    africa = client.get(f"{BASE}/aggregates/002/members").json()
    assert "NGA" in africa["members"]


@pytest.mark.parametrize("path", ["aggregates/NOPE/members", "aggregates/LIC/members?year=2099"])
def test_aggregate_errors_are_404_problems(client: Client, path: str) -> None:
    response = client.get(f"{BASE}/{path}")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"
