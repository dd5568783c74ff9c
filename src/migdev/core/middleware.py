"""Middleware of the platform as a whole."""

from collections.abc import Callable

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
