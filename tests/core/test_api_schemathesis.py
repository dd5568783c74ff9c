"""Schemathesis against the generated OpenAPI document (issue 15, findings 4 and 5).

Every operation gets a bounded number of generated requests, valid and invalid, anonymously and with a
token of a user holding every role. A 5xx, an undeclared status, a wrong content type or a body that does
not match the documented schema fails the test. The document is read from the API object the site
serves and the requests go through Django's WSGI application, so this is the path clients get.
"""

import json
from collections.abc import Iterator

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from migdev.accounts.models import User
from migdev.accounts.roles import Role
from migdev.api import api
from migdev.core.models import ApiRateCounter
from tests.factories import make_organisation, make_user

# Not `browser`: it runs with the normal suite, on SQLite and on PostgreSQL.
pytestmark = [pytest.mark.django_db, pytest.mark.schemathesis]

# Small on purpose: CI runs every operation twice (anonymous, with a token) on two shared cores.
MAX_EXAMPLES = 12

WSGI_APP = get_wsgi_application()
schema = schemathesis.openapi.from_dict(json.loads(json.dumps(api.get_openapi_schema())))

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


@pytest.fixture(autouse=True)
def _requests_keep_the_test_connection() -> Iterator[None]:
    """Requests go to the WSGI application itself, whose end-of-request signal closes the database
    connection; on PostgreSQL that is the connection holding the test's transaction. Django's test client
    detaches the same handler while it makes a request."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.fixture
def all_roles_token(db: None) -> Iterator[str]:
    from migdev.accounts.services import api_token_create

    user: User = make_user(*Role.values, organisation=make_organisation())
    _token, raw = api_token_create(user=user, name="schemathesis")
    yield raw


def _call(case: schemathesis.Case, headers: dict[str, str] | None = None) -> None:
    # The rate limit would answer 429 after a few dozen calls and hide everything after it.
    ApiRateCounter.objects.all().delete()
    case.call_and_validate(app=WSGI_APP, headers=headers, checks=CHECKS)


@schema.parametrize()
@settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
def test_anonymous_clients_never_get_a_server_error_or_an_undocumented_answer(
    case: schemathesis.Case, db: None
) -> None:
    _call(case)


@schema.parametrize()
@settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
def test_token_holders_never_get_a_server_error_or_an_undocumented_answer(
    case: schemathesis.Case, all_roles_token: str
) -> None:
    _call(case, headers={"Authorization": f"Bearer {all_roles_token}"})
