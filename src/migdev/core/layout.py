"""A page's surrounding layout (base template, menus, language switcher, footer) rendered once and shared.

For an anonymous visitor with no messages waiting, the layout around a page's own content is the same for
everyone who reads the page in the same language: only the CSRF token, the current path (the language form
returns to it) and the page's own parts (its body, its title) differ. The layout is rendered once per data
version and language with a marker in each of those places, cut at the markers, kept in a shared cache, and
filled per request. Signed-in visitors (whose name, menus and token show in the header) and visitors with
messages waiting get the page rendered for them alone.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import partial
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.html import escape
from django.utils.safestring import SafeString
from django.utils.translation import get_language

from migdev.core.sharedcache import SharedCache

# Markers: letters, digits and dashes, which HTML escaping leaves as they are.
HOLE_PREFIX = "migdev-layout-hole-"
CSRF_HOLE = f"{HOLE_PREFIX}csrf-token"
PATH_HOLE = f"{HOLE_PREFIX}path"


class _LayoutRequest:
    """The request as the layout template sees it while the shared layout is rendered: the current path is
    a marker; everything else is the visitor's, who is anonymous."""

    def __init__(self, request: HttpRequest) -> None:
        self._request = request

    def get_full_path(self) -> str:
        return PATH_HOLE

    def __getattr__(self, name: str) -> Any:
        return getattr(self._request, name)


def _marker(name: str) -> str:
    return f"{HOLE_PREFIX}{name}"


def layout_parts(
    request: HttpRequest, template: str, context: Mapping[str, Any], holes: tuple[str, ...]
) -> tuple[str, ...]:
    """``template`` rendered with a marker for the CSRF token, the path and each of ``holes`` (context
    names), cut at the markers: even items are text, odd items the markers."""
    markers = {name: _marker(name) for name in holes}
    html = render_to_string(
        template,
        {**context, **markers, "csrf_token": CSRF_HOLE, "request": _LayoutRequest(request)},
        request=request,
    )
    for name, marker in markers.items():
        if marker not in html:
            raise ValueError(
                f"{template} does not print {name!r} as it is: it cannot be a hole of its layout"
            )
    every = sorted((*markers.values(), CSRF_HOLE, PATH_HOLE), key=len, reverse=True)
    return tuple(re.split("(" + "|".join(re.escape(marker) for marker in every) + ")", html))


def shares_layout(request: HttpRequest) -> bool:
    """Whether the visitor gets the shared layout: anonymous, with no messages waiting."""
    return not request.user.is_authenticated and not len(messages.get_messages(request))


def page_with_layout(
    request: HttpRequest,
    template: str,
    context: Mapping[str, Any],
    *,
    holes: Mapping[str, SafeString],
    shared: SharedCache,
    name: str,
    version: str | None,
) -> HttpResponse:
    """``template`` rendered with ``context`` and ``holes`` (the page's own parts, already HTML); the layout
    is shared (``name`` names it among ``shared``'s entries at ``version``, in the active language) when the
    visitor allows it. ``version`` None (data whose version is unknown) renders the whole page."""
    if version is None or not shares_layout(request):
        return render(request, template, {**context, **holes})
    parts = shared.cached(
        f"layout:{name}:{get_language()}",
        partial(layout_parts, request, template, context, tuple(holes)),
        version=version,
    )
    fill = {_marker(hole): str(value) for hole, value in holes.items()}
    fill[CSRF_HOLE] = get_token(request)
    fill[PATH_HOLE] = escape(request.get_full_path())
    return HttpResponse("".join(fill[part] if index % 2 else part for index, part in enumerate(parts)))
