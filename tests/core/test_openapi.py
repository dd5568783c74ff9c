"""Issue 15, finding 5: the OpenAPI document describes what the API really answers."""

from typing import Any

import pytest
from django.http import HttpRequest
from django.test import Client
from ninja import Router, Schema

from migdev.core.api_base import MigdevNinjaAPI, SchemaNameCollision

pytestmark = pytest.mark.django_db

METHODS = {"get", "post", "put", "patch", "delete"}


@pytest.fixture(scope="module")
def document(django_db_blocker: Any) -> dict[str, Any]:
    with django_db_blocker.unblock():
        response = Client().get("/api/v1/openapi.json")
    assert response.status_code == 200
    return response.json()  # type: ignore[no-any-return]


def _operations(document: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (path, method, details)
        for path, methods in document["paths"].items()
        for method, details in methods.items()
        if method in METHODS
    ]


def _resolve(document: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        schema = document["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    return schema


def test_reference_countries_are_described_by_the_reference_schema(document: dict[str, Any]) -> None:
    listing = document["paths"]["/api/v1/reference/countries"]["get"]["responses"]["200"]
    page = _resolve(document, listing["content"]["application/json"]["schema"])
    country = _resolve(document, page["properties"]["items"]["items"])
    assert "iso2" in country["properties"] and "m49" in country["properties"]
    assert "history" not in country.get("required", [])
    remittances = document["paths"]["/api/v1/remittances/countries/{iso3}"]["get"]["responses"]["200"]
    cost = _resolve(document, remittances["content"]["application/json"]["schema"])
    assert "history" in cost["required"]


def test_two_different_schemas_with_one_name_are_refused() -> None:
    class Twin(Schema):
        name: str

    first = Twin

    class Twin(Schema):  # type: ignore[no-redef]  # the collision under test
        amount: int

    second = Twin
    api = MigdevNinjaAPI(urls_namespace="collision-test")
    one, two = Router(), Router()

    @one.get("/a", response=first)
    def a(request: HttpRequest) -> Any:
        return {"name": "x"}

    @two.get("/b", response=second)
    def b(request: HttpRequest) -> Any:
        return {"amount": 1}

    api.add_router("one/", one)
    api.add_router("two/", two)
    with pytest.raises(SchemaNameCollision, match="Twin"):
        api.get_openapi_schema(path_prefix="/collision/")


def test_every_operation_declares_its_error_statuses_as_problems(document: dict[str, Any]) -> None:
    operations = _operations(document)
    assert len(operations) >= 50
    for path, method, details in operations:
        statuses = set(details["responses"])
        label = f"{method.upper()} {path}"
        assert {"422", "429"} <= statuses, label
        if details.get("security"):
            assert {"401", "403"} <= statuses, label
        if "{" in path:
            assert "404" in statuses, label
        if details.get("requestBody"):
            assert "400" in statuses, label
        for status, response in details["responses"].items():
            if int(status) >= 400:
                schema = response["content"]["application/problem+json"]["schema"]
                assert schema == {"$ref": "#/components/schemas/Problem"}, label
    problem = document["components"]["schemas"]["Problem"]
    assert set(problem["required"]) == {"type", "title", "status", "detail", "instance"}


def test_operations_that_refuse_in_other_ways_declare_it(document: dict[str, Any]) -> None:
    def statuses(path: str, method: str = "get") -> set[str]:
        return set(document["paths"][path][method]["responses"])

    assert "409" in statuses("/api/v1/trafficking/cases/{case_id}", "patch")
    assert "413" in statuses("/api/v1/dataio/imports", "post")
    assert "404" in statuses("/api/v1/indicators/plans")
    assert "404" in statuses("/api/v1/trafficking/cases")


def _parameter(document: dict[str, Any], path: str, name: str) -> dict[str, Any]:
    for parameter in document["paths"][path]["get"]["parameters"]:
        if parameter["name"] == name:
            return parameter["schema"]  # type: ignore[no-any-return]
    raise AssertionError(f"{path} has no parameter {name}")


def _enum(schema: dict[str, Any]) -> list[str]:
    if "enum" in schema:
        return schema["enum"]  # type: ignore[no-any-return]
    for option in [*schema.get("anyOf", []), *schema.get("allOf", [])]:
        if option.get("type") != "null":
            return _enum(option)
    raise AssertionError(f"not an enumeration: {schema}")


@pytest.mark.parametrize(
    ("path", "name", "expected"),
    [
        ("/api/v1/indicators/", "lang", {"en", "fr", "es"}),
        ("/api/v1/coordination/gcm-objectives", "lang", {"en", "fr", "es"}),
        ("/api/v1/coordination/migrant-information", "lang", {"en", "fr", "es"}),
        ("/api/v1/coordination/processes", "kind", {"rcp", "global_forum"}),
        ("/api/v1/coordination/policies", "domain", {"migrant_rights"}),
        ("/api/v1/coordination/activities", "area", {"remittances"}),
        ("/api/v1/trafficking/cases", "status", {"Active", "Closed"}),
        ("/api/v1/remittances/quarters", "tier", set()),
        ("/api/v1/reference/countries", "income_group", {"L", "LM", "UM", "H"}),
    ],
)
def test_fixed_vocabularies_are_enumerations(
    document: dict[str, Any], path: str, name: str, expected: set[str]
) -> None:
    schema = _parameter(document, path, name)
    values = _enum(schema)
    assert expected <= set(values)


def test_page_parameters_carry_their_bounds(document: dict[str, Any]) -> None:
    page = _parameter(document, "/api/v1/reference/countries", "page")
    size = _parameter(document, "/api/v1/reference/countries", "page_size")
    assert page["minimum"] == 1 and page["maximum"] >= 1000
    assert size["minimum"] == 1 and size["maximum"] == 500


def test_the_language_enumeration_is_the_languages_of_the_site() -> None:
    from typing import get_args

    from django.conf import settings

    from migdev.core.api_params import LanguageCode

    assert set(get_args(LanguageCode)) == {code for code, _name in settings.LANGUAGES}
