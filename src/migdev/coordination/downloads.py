"""Serving uploaded files: only through views that have checked the record and the file's access level."""

from __future__ import annotations

from django.contrib.auth.views import redirect_to_login
from django.http import FileResponse, Http404, HttpRequest, HttpResponseBase

from migdev.coordination import access, audit
from migdev.coordination.models import FileAccess, StoredFileMixin
from migdev.coordination.uploads import KINDS, open_stored


def file_response(request: HttpRequest, record: StoredFileMixin) -> HttpResponseBase:
    """The record's file as an attachment, or a sign-in redirect / 404 when the user may not have it.
    The caller has already established that the user may see the record itself."""
    if not record.file:
        raise Http404
    if not access.may_download(request.user, record.file_access):
        if record.file_access == FileAccess.SIGNED_IN and not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        raise Http404
    try:
        handle = open_stored(record.file.name)
    except FileNotFoundError:
        raise Http404 from None
    if record.file_access != FileAccess.PUBLIC:
        audit.record(action="read", actor=request.user, record=record, detail={"file": record.file_name})
    kind = KINDS.get(record.file_kind)
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=record.file_name or "download",
        content_type=kind.content_type if kind else "application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    # Even if a browser were to render it, the file gets no script and no access to the site's origin.
    response["Content-Security-Policy"] = "sandbox; default-src 'none'"
    response["Cache-Control"] = (
        "public, max-age=3600" if record.file_access == FileAccess.PUBLIC else "private, no-store"
    )
    return response
