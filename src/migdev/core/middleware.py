"""Middleware of the platform as a whole."""

from collections.abc import Callable

from csp.constants import HEADER as CSP_HEADER
from csp.constants import HEADER_REPORT_ONLY as CSP_HEADER_REPORT_ONLY
from csp.middleware import CheckableLazyObject, CSPMiddleware
from csp.utils import build_policy as build_csp_policy
from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse, HttpResponseBase, StreamingHttpResponse


class HeadAsGetMiddleware:
    """Answers HEAD wherever GET answers (RFC 9110 section 9.3.2), with GET's status and headers and no body.

    Views decorated ``require_GET`` and API operations declared with ``@router.get`` otherwise answer 405
    to ``curl -I``, monitors and link checkers. The view runs as for GET, so a HEAD is exactly as
    permitted, rate-limited and audited as the GET it stands for.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method != "HEAD":
            return self.get_response(request)
        request.method = "GET"
        try:
            response = self.get_response(request)
        finally:
            request.method = "HEAD"
        if isinstance(response, StreamingHttpResponse):
            response.streaming_content = []
        else:
            length = len(response.content)
            response.content = b""
            response["Content-Length"] = str(length)
        return response


class RejectNulInApiInputMiddleware:
    """Refuses API requests whose path, query or JSON body carries a NUL character, with a 422 problem.

    PostgreSQL cannot store or even compare a NUL in text ("A string literal cannot contain NUL"), so
    such a value reached the database as a server error there while SQLite answered normally. No field
    of this API can meaningfully hold a NUL, so it is refused before any view runs, on both databases.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path.startswith("/api/"):
            field = self._field_with_nul(request)
            if field is not None:
                from migdev.core.api_base import problem

                return problem(
                    request,
                    422,
                    "The request did not validate.",
                    errors=[{"field": field, "message": "The NUL character is not allowed."}],
                )
        return self.get_response(request)

    @staticmethod
    def _field_with_nul(request: HttpRequest) -> str | None:
        if "\x00" in request.path:
            return "(path)"
        for name, values in request.GET.lists():
            if "\x00" in name or any("\x00" in value for value in values):
                return name.replace("\x00", "")
        if request.content_type == "application/json" and request.method in {"POST", "PUT", "PATCH"}:
            try:
                body = request.body
            except RequestDataTooBig:
                return None  # the view reads it again and answers 413 with its problem document
            if b"\x00" in body or b"\\u0000" in body.lower():
                return "(body)"
        return None


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp's middleware, with the policy built once per process instead of on every response.

    django-csp builds the header from the settings on each response (twice: the policy and the report-only
    policy), which cost a public API request about as much as its view. The header depends only on the
    settings unless a view asked for its own policy (``csp_update``, ``csp_replace``, ``csp_override``,
    ``csp_exempt``) or a template used the request's nonce: those responses still take django-csp's own
    path, every other one gets the same header django-csp would build, kept until a CSP setting changes.
    """

    def process_response(self, request: HttpRequest, response: HttpResponseBase) -> HttpResponseBase:
        if getattr(request, "_csp_nonce", None) is not None or any(
            getattr(response, name, None) is not None for name in _CSP_RESPONSE_OVERRIDES
        ):
            return super().process_response(request, response)
        if response.status_code in (500, 404) and settings.DEBUG:
            return response  # django-csp leaves the debug pages alone
        for header, report_only, exempt in (
            (CSP_HEADER, False, "_csp_exempt"),
            (CSP_HEADER_REPORT_ONLY, True, "_csp_exempt_ro"),
        ):
            policy, excluded_prefixes = _settings_policy(report_only)
            if (
                policy
                and header not in response
                and getattr(response, exempt, False) is False
                and not request.path_info.startswith(excluded_prefixes)
            ):
                response[header] = policy
        # As django-csp: a nonce asked for after the header is written is an error, not a silent no-op.
        request.csp_nonce = CheckableLazyObject(self._csp_nonce_post_response)  # type: ignore[attr-defined]
        return response


_CSP_RESPONSE_OVERRIDES = (
    "_csp_config",
    "_csp_update",
    "_csp_replace",
    "_csp_config_ro",
    "_csp_update_ro",
    "_csp_replace_ro",
)
_settings_policies: dict[bool, tuple[str, tuple[str, ...]]] = {}


def _settings_policy(report_only: bool) -> tuple[str, tuple[str, ...]]:
    """The header django-csp builds from the settings alone, and the path prefixes it leaves out."""
    found = _settings_policies.get(report_only)
    if found is None:
        name = "CONTENT_SECURITY_POLICY_REPORT_ONLY" if report_only else "CONTENT_SECURITY_POLICY"
        configured = getattr(settings, name, None) or {}
        found = (
            build_csp_policy(report_only=report_only),
            tuple(configured.get("EXCLUDE_URL_PREFIXES", None) or ()),
        )
        _settings_policies[report_only] = found
    return found


@receiver(setting_changed)
def _forget_settings_policies(*, setting: str, **kwargs: object) -> None:
    if setting.startswith("CONTENT_SECURITY_POLICY"):
        _settings_policies.clear()
