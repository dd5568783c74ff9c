"""The platform's CSP middleware keeps the policy built from the settings; every header must still be the one
django-csp's own middleware writes, whatever a view asked for."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from csp.constants import HEADER, HEADER_REPORT_ONLY, NONCE, SELF
from csp.middleware import CSPMiddleware
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.test import Client, RequestFactory, override_settings

from migdev.core.middleware import ContentSecurityPolicyMiddleware


def _plain(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok")


def _updated(request: HttpRequest) -> HttpResponse:
    response = HttpResponse("ok")
    response._csp_update = {"img-src": ["https://tiles.example.org"]}  # type: ignore[attr-defined]
    return response


def _replaced(request: HttpRequest) -> HttpResponse:
    response = HttpResponse("ok")
    response._csp_replace = {"script-src": ["'self'", "https://cdn.example.org"]}  # type: ignore[attr-defined]
    return response


def _configured(request: HttpRequest) -> HttpResponse:
    response = HttpResponse("ok")
    response._csp_config = {"default-src": ["'none'"]}  # type: ignore[attr-defined]
    return response


def _report_only_updated(request: HttpRequest) -> HttpResponse:
    response = HttpResponse("ok")
    response._csp_update_ro = {"img-src": ["https://tiles.example.org"]}  # type: ignore[attr-defined]
    return response


def _exempt(request: HttpRequest) -> HttpResponse:
    response = HttpResponse("ok")
    response._csp_exempt = True  # type: ignore[attr-defined]
    response._csp_exempt_ro = True  # type: ignore[attr-defined]
    return response


def _with_nonce(request: HttpRequest) -> HttpResponse:
    return HttpResponse(f"<script nonce='{request.csp_nonce}'></script>")  # type: ignore[attr-defined]


def _own_header(request: HttpRequest) -> HttpResponse:
    response = HttpResponse("ok")
    response[HEADER] = "default-src 'none'"
    return response


def _not_found(request: HttpRequest) -> HttpResponse:
    return HttpResponse("gone", status=404)


VIEWS: list[Callable[[HttpRequest], HttpResponse]] = [
    _plain,
    _updated,
    _replaced,
    _configured,
    _report_only_updated,
    _exempt,
    _with_nonce,
    _own_header,
    _not_found,
]


def _headers(
    middleware_class: type[CSPMiddleware], view: Callable[[HttpRequest], HttpResponse], path: str
) -> dict:
    request = RequestFactory().get(path)
    middleware = middleware_class(view)
    response = middleware(request)
    assert isinstance(response, HttpResponseBase)
    nonce = getattr(request, "_csp_nonce", None)
    found = {name: response.get(name) for name in (HEADER, HEADER_REPORT_ONLY)}
    if nonce:  # each request draws its own nonce: compare the policies with it taken out
        found = {name: value and value.replace(nonce, "NONCE") for name, value in found.items()}
    return found


POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "img-src": [SELF, "data:"],
        "frame-ancestors": ["'none'"],
    }
}
REPORT_ONLY = {"DIRECTIVES": {"default-src": [SELF], "img-src": [SELF], "report-uri": "/csp-report/"}}


@pytest.mark.parametrize("view", VIEWS, ids=lambda view: view.__name__)
@pytest.mark.parametrize(
    "policies",
    [
        {},
        {"CONTENT_SECURITY_POLICY": POLICY},
        {"CONTENT_SECURITY_POLICY": POLICY, "CONTENT_SECURITY_POLICY_REPORT_ONLY": REPORT_ONLY},
        {
            "CONTENT_SECURITY_POLICY": {**POLICY, "EXCLUDE_URL_PREFIXES": ["/excluded/"]},
            "CONTENT_SECURITY_POLICY_REPORT_ONLY": REPORT_ONLY,
        },
    ],
    ids=["platform", "nonce-policy", "with-report-only", "with-excluded-prefix"],
)
@pytest.mark.parametrize("path", ["/en/", "/excluded/page/"])
@pytest.mark.parametrize("debug", [False, True])
def test_every_header_is_the_one_django_csp_writes(
    view: Callable[[HttpRequest], HttpResponse], policies: dict, path: str, debug: bool
) -> None:
    with override_settings(DEBUG=debug, **policies):
        ours = _headers(ContentSecurityPolicyMiddleware, view, path)
        stock = _headers(CSPMiddleware, view, path)
    assert ours == stock


def test_a_changed_policy_is_used_at_once() -> None:
    first = _headers(ContentSecurityPolicyMiddleware, _plain, "/en/")[HEADER]
    with override_settings(
        CONTENT_SECURITY_POLICY={"DIRECTIVES": {"default-src": ["https://other.example.org"]}}
    ):
        changed = _headers(ContentSecurityPolicyMiddleware, _plain, "/en/")[HEADER]
    assert changed == "default-src https://other.example.org"
    assert _headers(ContentSecurityPolicyMiddleware, _plain, "/en/")[HEADER] == first


def test_a_nonce_asked_for_after_the_header_is_written_is_an_error() -> None:
    from csp.exceptions import CSPNonceError

    request = RequestFactory().get("/en/")
    ContentSecurityPolicyMiddleware(_plain)(request)
    with pytest.raises(CSPNonceError):
        str(request.csp_nonce)  # type: ignore[attr-defined]


def test_the_platform_serves_pages_and_the_api_through_it(client: Client) -> None:
    """The settings name this middleware (not django-csp's), and its header is the settings' policy."""
    from django.conf import settings

    assert "migdev.core.middleware.ContentSecurityPolicyMiddleware" in settings.MIDDLEWARE
    assert "csp.middleware.CSPMiddleware" not in settings.MIDDLEWARE
    stock = _headers(CSPMiddleware, _plain, "/healthz")[HEADER]
    assert client.get("/healthz")[HEADER] == stock
