"""Middleware of the platform as a whole."""

from collections.abc import Callable

from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse


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
