"""Uploaded files: what they are (judged by their bytes, not their names), how large they may be, and
how they are kept.

Files go through Django's default storage: a folder in development, object storage in production.
Nothing here asks the storage for a local path; files are written with ``storage.save`` and read back
with ``storage.open``. Stored names are random, so an uploader cannot choose or guess another file's name.
"""

from __future__ import annotations

import hashlib
import uuid
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import PurePath
from typing import IO, Any

from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

SNIFF_BYTES = 8192
# A ZIP whose central directory alone is larger than this is not an office document.
ZIP_MEMBERS_LIMIT = 10_000


@dataclass(frozen=True)
class FileKind:
    code: str
    label: Any
    extensions: tuple[str, ...]
    content_type: str


KINDS: dict[str, FileKind] = {
    kind.code: kind
    for kind in (
        FileKind("pdf", gettext_lazy("PDF document"), (".pdf",), "application/pdf"),
        FileKind(
            "docx",
            gettext_lazy("Word document"),
            (".docx",),
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        FileKind(
            "xlsx",
            gettext_lazy("Excel workbook"),
            (".xlsx",),
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ),
        FileKind(
            "pptx",
            gettext_lazy("PowerPoint presentation"),
            (".pptx",),
            "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        ),
        FileKind(
            "odt", gettext_lazy("OpenDocument text"), (".odt",), "application/vnd.oasis.opendocument.text"
        ),
        FileKind("txt", gettext_lazy("plain text"), (".txt",), "text/plain; charset=utf-8"),
        FileKind("csv", gettext_lazy("CSV table"), (".csv",), "text/csv; charset=utf-8"),
    )
}

# What a refused file appears to be, for a message that helps.
FOREIGN_SIGNATURES: tuple[tuple[bytes, Any], ...] = (
    (b"\x89PNG\r\n\x1a\n", gettext_lazy("a PNG image")),
    (b"\xff\xd8\xff", gettext_lazy("a JPEG image")),
    (b"GIF8", gettext_lazy("a GIF image")),
    (b"MZ", gettext_lazy("a Windows program")),
    (b"\x7fELF", gettext_lazy("a program")),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", gettext_lazy("an old-format (97–2003) Office file")),
    (b"\x1f\x8b", gettext_lazy("a gzip archive")),
    (b"Rar!", gettext_lazy("a RAR archive")),
    (b"7z\xbc\xaf\x27\x1c", gettext_lazy("a 7-Zip archive")),
    (b"<?xml", gettext_lazy("an XML file")),
)


class UploadRejected(ValidationError):
    """The file is refused before anything is stored."""


@dataclass(frozen=True)
class StoredFile:
    name: str  # the name in the default storage
    original_name: str
    kind: FileKind
    size: int
    sha256: str


def _display_name(name: str) -> str:
    """The uploader's file name without any directory part, for display and downloads only."""
    base = PurePath(name.replace("\\", "/")).name
    cleaned = "".join(ch for ch in base if ch.isprintable() and ch not in '"<>|')
    return cleaned[:255] or "file"


def _zip_kind(handle: IO[bytes]) -> str:
    try:
        with zipfile.ZipFile(handle) as archive:
            infos = archive.infolist()
            if len(infos) > ZIP_MEMBERS_LIMIT:
                return "zip"
            names = {info.filename for info in infos}
            mimetype = ""
            if "mimetype" in names:
                mimetype = archive.read("mimetype")[:100].decode("ascii", "replace")
    except zipfile.BadZipFile:
        return "damaged-zip"
    if "[Content_Types].xml" in names:
        for prefix, kind in (("word/", "docx"), ("xl/", "xlsx"), ("ppt/", "pptx")):
            if any(name.startswith(prefix) for name in names):
                return kind
    if mimetype == "application/vnd.oasis.opendocument.text":
        return "odt"
    return "zip"


def detect_kind(handle: IO[bytes]) -> str:
    """The kind code the content shows ("pdf", "docx", …, "text"), or a description of a foreign file."""
    handle.seek(0)
    head = handle.read(SNIFF_BYTES)
    handle.seek(0)
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        kind = _zip_kind(handle)
        handle.seek(0)
        return kind
    for signature, _description in FOREIGN_SIGNATURES:
        if head.startswith(signature):
            return "foreign"
    if b"\x00" in head:
        return "binary"
    try:
        # A multi-byte character may be cut at the end of the sniffed block.
        head.decode("utf-8") if len(head) < SNIFF_BYTES else head[:-4].decode("utf-8")
    except UnicodeDecodeError:
        return "not-utf8"
    return "text"


def _what_it_is(handle: IO[bytes], detected: str) -> str:
    if detected in KINDS:
        return str(KINDS[detected].label)
    handle.seek(0)
    head = handle.read(16)
    handle.seek(0)
    for signature, description in FOREIGN_SIGNATURES:
        if head.startswith(signature):
            return str(description)
    return {
        "zip": _("a ZIP archive"),
        "damaged-zip": _("a damaged ZIP archive"),
        "binary": _("a binary file"),
        "not-utf8": _("text that is not UTF-8"),
        "text": _("plain text"),
    }.get(detected, _("an unknown kind of file"))


def check_upload(upload: File, *, allowed: set[str], max_bytes: int) -> FileKind:
    """The file's kind, when its name's extension, its content and its size are all acceptable."""
    name = _display_name(upload.name or "")
    extension = PurePath(name).suffix.lower()
    expected = next(
        (kind for code, kind in KINDS.items() if code in allowed and extension in kind.extensions), None
    )
    if expected is None:
        accepted = ", ".join(sorted(ext for code in allowed for ext in KINDS[code].extensions))
        raise UploadRejected(
            _("Files named %(extension)s are not accepted here; accepted: %(accepted)s.")
            % {"extension": extension or _("(no extension)"), "accepted": accepted}
        )
    size = upload.size or 0
    if size == 0:
        raise UploadRejected(_("The file is empty."))
    if size > max_bytes:
        raise UploadRejected(
            _("The file is %(size)s MB; the limit is %(limit)s MB.")
            % {"size": f"{size / 2**20:.1f}", "limit": f"{max_bytes / 2**20:.0f}"}
        )
    handle: IO[bytes] = upload.file  # type: ignore[assignment]
    detected = detect_kind(handle)
    text_kinds = {"txt", "csv"}
    matches = detected == expected.code or (detected == "text" and expected.code in text_kinds)
    if not matches:
        raise UploadRejected(
            _("The file is named %(extension)s but is %(what)s.")
            % {"extension": extension, "what": _what_it_is(handle, detected)}
        )
    return expected


def store_upload(upload: File, *, folder: str, allowed: set[str], max_bytes: int) -> StoredFile:
    """Check the file and save it under a random name in the default storage. Wrap the write that records
    it in :func:`removed_unless_recorded`, so a failed write leaves no orphan file behind."""
    kind = check_upload(upload, allowed=allowed, max_bytes=max_bytes)
    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    stored_name = default_storage.save(f"{folder}/{uuid.uuid4().hex}{kind.extensions[0]}", upload)
    return StoredFile(
        name=stored_name,
        original_name=_display_name(upload.name or ""),
        kind=kind,
        size=upload.size or 0,
        sha256=digest.hexdigest(),
    )


@contextmanager
def removed_unless_recorded(stored: StoredFile | None) -> Iterator[None]:
    """Delete the stored file again when the block that records it fails."""
    try:
        yield
    except BaseException:
        if stored is not None:
            default_storage.delete(stored.name)
        raise


def delete_after_commit(stored_name: str) -> None:
    """Remove a replaced or deleted record's file once the change is committed."""
    if stored_name:
        transaction.on_commit(lambda: default_storage.delete(stored_name))


def open_stored(stored_name: str) -> File:
    return default_storage.open(stored_name, "rb")
