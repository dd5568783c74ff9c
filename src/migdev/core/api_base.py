"""Shared API machinery: token auth, problem+json errors, pagination, rate limits, router discovery.

Every error leaves the API as RFC 9457 ``application/problem+json``; validation errors carry a list of
``{"field": ..., "message": ...}`` so clients can show them next to their inputs.
"""

import importlib
import json
import logging
from http import HTTPStatus
from typing import Any

from django.conf import settings
from django.core.exceptions import BadRequest, PermissionDenied, RequestDataTooBig, SuspiciousOperation
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.http.multipartparser import MultiPartParserError
from ninja import NinjaAPI, Router, Schema
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.errors import AuthorizationError as NinjaAuthorizationError
from ninja.openapi.schema import OpenAPISchema
from ninja.operation import Operation
from ninja.pagination import PageNumberPagination
from ninja.security import HttpBearer, SessionAuth

from migdev.core.api_params import PAGE_SIZE_DEFAULT, PageNumber, PageSize
from migdev.core.throttling import SharedRateThrottle
from migdev.core.versioning import StaleEdit

PROBLEM_CONTENT_TYPE = "application/problem+json"
PROBLEM_SCHEMA_NAME = "Problem"

logger = logging.getLogger("migdev.api")


class Throttled(Exception):
    pass


def problem(
    request: HttpRequest,
    status: int,
    detail: str = "",
    *,
    errors: list[dict[str, str]] | None = None,
    headers: dict[str, str] | None = None,
) -> HttpResponse:
    body: dict[str, Any] = {
        "type": "about:blank",
        "title": HTTPStatus(status).phrase,
        "status": status,
        "detail": detail or HTTPStatus(status).description,
        "instance": request.path,
    }
    if errors is not None:
        body["errors"] = errors
    response = JsonResponse(body, status=status, content_type=PROBLEM_CONTENT_TYPE)
    for name, value in (headers or {}).items():
        response[name] = value
    return response


def stale_edit_problem(request: HttpRequest, stale: StaleEdit) -> HttpResponse:
    """409 for an edit that started from an older version of the record than the one stored now."""
    return problem(
        request,
        409,
        f"The record changed since version {stale.expected_version}; it is now at "
        f"version {stale.current_version}.",
    )


def _field_errors(error: ValidationError) -> list[dict[str, str]]:
    fields = []
    for item in error.errors:
        location = [str(part) for part in item.get("loc", ())]
        # Drop ninja's parameter-source prefix ("body", "query", "path") and the payload argument name.
        if location and location[0] in {"body", "query", "path", "header", "cookie", "form"}:
            location = location[1:]
            if len(location) > 1 and item.get("type") != "json_invalid":
                location = location[1:]
        fields.append({"field": ".".join(location) or "(body)", "message": str(item.get("msg", ""))})
    return fields


def _body_parse_error(request: HttpRequest) -> dict[str, str]:
    try:
        json.loads(request.body)
    except json.JSONDecodeError as error:
        return {
            "field": "(body)",
            "message": f"Invalid JSON at line {error.lineno}, column {error.colno}: {error.msg}",
        }
    except UnicodeDecodeError:
        return {"field": "(body)", "message": "The body is not UTF-8 text."}
    return {"field": "(body)", "message": "The body does not match the declared content type."}


class BearerTokenAuth(HttpBearer):
    """``Authorization: Bearer <token>`` with a token a user made in their profile."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        from migdev.accounts.selectors import user_for_api_token

        user = user_for_api_token(token)
        if user is not None:
            request.user = user
        return user


class VerifiedSessionAuth(SessionAuth):
    """A browser session counts only once any two-factor step it owes is done."""

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        from migdev.accounts.selectors import session_is_fully_authenticated

        user = super().authenticate(request, key)
        if user is not None and session_is_fully_authenticated(request):
            return user
        return None


AUTH = [BearerTokenAuth(), VerifiedSessionAuth()]


class Pagination(PageNumberPagination):
    """The one pagination of list operations: ``page`` from 1 and ``page_size`` up to the maximum are
    validated (422 outside), never clamped or passed to the database as a negative or huge offset."""

    class Input(Schema):
        page: PageNumber = 1
        page_size: PageSize = PAGE_SIZE_DEFAULT

    def _get_page_size(self, requested_page_size: int | None) -> int:
        return requested_page_size or PAGE_SIZE_DEFAULT


class FieldProblem(Schema):
    field: str
    message: str


class Problem(Schema):
    """RFC 9457 problem details, as every error of this API is answered."""

    type: str
    title: str
    status: int
    detail: str
    instance: str
    errors: list[FieldProblem] | None = None


class SchemaNameCollision(Exception):
    """Two different schemas would share one name in the OpenAPI document; the later would replace the
    earlier for every operation using it (the remittances ``CountryOut`` once replaced the reference one)."""


class _CheckedOpenAPISchema(OpenAPISchema):
    def add_schema_definitions(self, definitions: dict[str, Any]) -> None:
        for name, definition in definitions.items():
            known = self.schemas.get(name)
            if known is not None and known != definition:
                raise SchemaNameCollision(
                    f"Two different schemas are named {name!r} in the OpenAPI document; rename one."
                )
        super().add_schema_definitions(definitions)


def _statuses_for(operation: Operation, details: dict[str, Any]) -> set[int]:
    """Error statuses an operation can answer, from its shape and its ``answers(...)`` declaration."""
    statuses = {422, 429}
    if details.get("requestBody"):
        statuses.add(400)
    if details.get("security"):
        statuses |= {401, 403}
    if any(parameter.get("in") == "path" for parameter in details.get("parameters", [])):
        statuses.add(404)
    statuses.update(getattr(operation.view_func, "problem_statuses", ()))
    return statuses


class MigdevNinjaAPI(NinjaAPI):
    """NinjaAPI whose OpenAPI document names each schema once and declares every error status."""

    def get_openapi_schema(
        self, *, path_prefix: str | None = None, path_params: dict[str, Any] | None = None
    ) -> OpenAPISchema:
        if path_prefix is None:
            path_prefix = self.get_root_path(path_params or {})
        document = _CheckedOpenAPISchema(api=self, path_prefix=path_prefix)
        self._document_problems(document)
        return document

    def _document_problems(self, document: OpenAPISchema) -> None:
        problem_definition = Problem.model_json_schema(ref_template="#/components/schemas/{model}")
        nested = problem_definition.pop("$defs", {})
        document.add_schema_definitions({**nested, PROBLEM_SCHEMA_NAME: problem_definition})
        operations = {
            operation.operation_id or self.get_openapi_operation_id(operation): operation
            for _prefix, router in self._routers
            for path_view in router.path_operations.values()
            for operation in path_view.operations
        }
        for methods in document["paths"].values():
            for details in methods.values():
                operation = operations[details["operationId"]]
                responses = details.setdefault("responses", {})
                for status in sorted(_statuses_for(operation, details)):
                    responses.setdefault(
                        status,
                        {
                            "description": HTTPStatus(status).phrase,
                            "content": {
                                PROBLEM_CONTENT_TYPE: {
                                    "schema": {"$ref": f"#/components/schemas/{PROBLEM_SCHEMA_NAME}"}
                                }
                            },
                        },
                    )


# The platform's API limit: API_RATE_LIMIT_PER_MINUTE per client, counted across every server process by one
# statement a request (migdev.core.throttling, ADR 0013). One instance: it keeps no state of a request.
API_THROTTLE = SharedRateThrottle()


def build_api() -> NinjaAPI:
    api = MigdevNinjaAPI(
        title="migdev API",
        version="1",
        description=(
            "Migration and development information systems. Authenticate with `Authorization: Bearer "
            "<token>` (create a token in your profile or with `migdev token create USERNAME`). "
            "Errors are RFC 9457 problem+json."
        ),
        urls_namespace="api",
        docs_url="/docs",
        openapi_url="/openapi.json",
        throttle=[API_THROTTLE],
    )

    @api.exception_handler(ValidationError)
    def on_validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
        return problem(request, 422, "The request did not validate.", errors=_field_errors(exc))

    @api.exception_handler(AuthenticationError)
    def on_authentication_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        return problem(request, 401, "Authentication required.", headers={"WWW-Authenticate": "Bearer"})

    @api.exception_handler(NinjaAuthorizationError)
    def on_authorization_error(request: HttpRequest, exc: NinjaAuthorizationError) -> HttpResponse:
        return problem(request, 403, "You do not have permission to do this.")

    @api.exception_handler(PermissionDenied)
    def on_permission_denied(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
        return problem(request, 403, str(exc) or "You do not have permission to do this.")

    @api.exception_handler(Http404)
    def on_not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
        return problem(request, 404, "Not found.")

    @api.exception_handler(MultiPartParserError)
    def on_bad_multipart(request: HttpRequest, exc: MultiPartParserError) -> HttpResponse:
        return problem(
            request,
            400,
            "The request body could not be parsed.",
            errors=[{"field": "(body)", "message": f"Malformed multipart body: {exc}"}],
        )

    @api.exception_handler(RequestDataTooBig)
    def on_too_big(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
        return problem(request, 413, "The request body is larger than this server accepts.")

    @api.exception_handler(SuspiciousOperation)
    def on_suspicious(request: HttpRequest, exc: SuspiciousOperation) -> HttpResponse:
        return problem(request, 400, "The request was refused as malformed.")

    @api.exception_handler(BadRequest)
    def on_bad_request(request: HttpRequest, exc: BadRequest) -> HttpResponse:
        return problem(request, 400, str(exc) or "The request was malformed.")

    @api.exception_handler(DjangoValidationError)
    def on_record_validation_error(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
        # A service refused the record and the operation did not translate it: still the client's input.
        errors = [
            {"field": field, "message": message}
            for field, messages in (
                exc.message_dict if hasattr(exc, "error_dict") else {"(body)": exc.messages}
            ).items()
            for message in messages
        ]
        return problem(request, 422, "The request did not validate.", errors=errors)

    @api.exception_handler(Exception)
    def on_unexpected_error(request: HttpRequest, exc: Exception) -> HttpResponse:
        # Even with DEBUG on, a client never sees a traceback (ninja would send one as text/plain):
        # it goes to the log, the client gets a problem with nothing of the server's insides.
        logger.exception("Unhandled error in %s %s", request.method, request.path)
        return problem(request, 500, "An unexpected error occurred. It has been logged.")

    @api.exception_handler(HttpError)
    def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        if exc.status_code == 400 and str(exc).startswith("Cannot parse request body"):
            return problem(
                request, 400, "The request body could not be parsed.", errors=[_body_parse_error(request)]
            )
        headers = {"Retry-After": "60"} if exc.status_code == 429 else None
        return problem(request, exc.status_code, str(exc), headers=headers)

    _add_module_routers(api)
    return api


def _add_module_routers(api: NinjaAPI) -> None:
    """Each installed migdev app may have ``api.py`` with ``router`` (and ``api_prefix``)."""
    for app in settings.INSTALLED_APPS:
        if not app.startswith("migdev."):
            continue
        try:
            module = importlib.import_module(f"{app}.api")
        except ModuleNotFoundError as error:
            if error.name == f"{app}.api":
                continue
            raise
        router = getattr(module, "router", None)
        if isinstance(router, Router):
            prefix = getattr(module, "api_prefix", app.removeprefix("migdev.") + "/")
            api.add_router(prefix, router)
