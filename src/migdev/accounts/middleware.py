"""Session hygiene: idle sign-out, and the second factor before anything else works."""

import time
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse

from migdev.audit.models import AuditAction
from migdev.audit.services import audit_log

LAST_ACTIVITY_SESSION_KEY = "migdev_last_activity"
IDLE_SIGNED_OUT_SESSION_KEY = "migdev_idle_signed_out"
# Refreshing the timestamp on every request would write the session on every request.
_ACTIVITY_RESOLUTION_SECONDS = 30

# Views that stay reachable while a second factor is still owed.
TWO_FACTOR_EXEMPT_VIEWS = frozenset(
    {
        "accounts:login",
        "accounts:logout",
        "accounts:two_factor_setup",
        "accounts:two_factor_verify",
        "set_language",
        "healthz",
        "readyz",
    }
)


def _is_api(request: HttpRequest) -> bool:
    return request.path_info.startswith("/api/")


class IdleTimeoutMiddleware:
    """Sign out a session left idle for ``settings.SESSION_IDLE_TIMEOUT`` seconds."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = int(time.time())
            last_activity = request.session.get(LAST_ACTIVITY_SESSION_KEY)
            if isinstance(last_activity, int) and now - last_activity > settings.SESSION_IDLE_TIMEOUT:
                audit_log(
                    action=AuditAction.LOGOUT,
                    request=request,
                    actor=user,
                    detail={"reason": "idle_timeout", "idle_seconds": now - last_activity},
                )
                logout(request)
                # The messages middleware has not run yet; the sign-in page reads this flag instead.
                request.session[IDLE_SIGNED_OUT_SESSION_KEY] = True
                if not _is_api(request):
                    query = urlencode({"next": request.get_full_path()})
                    return HttpResponseRedirect(f"{reverse('accounts:login')}?{query}")
            elif not isinstance(last_activity, int) or now - last_activity >= _ACTIVITY_RESOLUTION_SECONDS:
                request.session[LAST_ACTIVITY_SESSION_KEY] = now
        return self.get_response(request)


class RequireTwoFactorMiddleware:
    """Until a second factor is verified, users who owe one reach only the sign-in and two-factor pages.

    API requests pass through: the API's own authentication refuses such sessions
    (``session_is_fully_authenticated``) and answers 401 rather than a redirect.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view_func: Callable[..., Any], view_args: Any, view_kwargs: Any
    ) -> HttpResponse | None:
        from migdev.accounts.selectors import session_is_fully_authenticated, user_has_confirmed_device

        user = request.user
        if not user.is_authenticated or _is_api(request):
            return None
        match = request.resolver_match
        if match is not None and match.view_name in TWO_FACTOR_EXEMPT_VIEWS:
            return None
        if session_is_fully_authenticated(request):
            return None
        target = (
            "accounts:two_factor_verify" if user_has_confirmed_device(user) else "accounts:two_factor_setup"
        )
        query = urlencode({"next": request.get_full_path()})
        return HttpResponseRedirect(f"{reverse(target)}?{query}")
