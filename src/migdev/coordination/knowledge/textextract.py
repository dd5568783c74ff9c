"""The words inside an uploaded document, for full-text search.

PDF through pypdf (pure Python, no external program); Word and OpenDocument files by reading their XML
with entity resolution and network access off; plain text as UTF-8. The text is capped, so a very long
book still indexes (its beginning) and a hostile file cannot exhaust memory.
"""

from __future__ import annotations

import logging
import re
import unicodedata
import zipfile
from typing import IO

from django.utils.translation import gettext as _
from lxml import etree

from migdev.coordination.uploads import UploadRejected

logger = logging.getLogger(__name__)

MAX_TEXT_CHARS = 2_000_000
MAX_PDF_PAGES = 3_000
# The XML part of an office document, uncompressed; a larger one is a compression bomb, not a report.
MAX_XML_BYTES = 64 * 1024 * 1024

WORD_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
ODF_TEXT_NS = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"

_SPACES = re.compile(r"[ \t\f\v\u00a0]+")
_BLANK_LINES = re.compile(r"\n{3,}")


def normalise_text(text: str) -> str:
    """NFC, no control characters, runs of spaces collapsed, at most one blank line in a row."""
    text = unicodedata.normalize("NFC", text)
    text = "".join(ch if ch in "\n\t" or unicodedata.category(ch)[0] != "C" else " " for ch in text)
    lines = (_SPACES.sub(" ", line).strip() for line in text.replace("\r", "\n").split("\n"))
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()[:MAX_TEXT_CHARS]


def extract_text(handle: IO[bytes], kind: str) -> str:
    """The document's text; raises UploadRejected when the file cannot be read as the kind it claims."""
    handle.seek(0)
    if kind == "pdf":
        text = _pdf_text(handle)
    elif kind == "docx":
        text = _office_xml_text(handle, "word/document.xml", f"{{{WORD_NS}}}p", f"{{{WORD_NS}}}t")
    elif kind == "odt":
        text = _office_xml_text(handle, "content.xml", f"{{{ODF_TEXT_NS}}}p", None)
    elif kind in ("txt", "csv"):
        raw = handle.read(MAX_TEXT_CHARS * 4)
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise UploadRejected(
                _("The text file is not UTF-8 (byte %(offset)d). Save it as UTF-8 and upload it again.")
                % {"offset": error.start}
            ) from None
    else:
        text = ""
    handle.seek(0)
    return normalise_text(text)


def _pdf_text(handle: IO[bytes]) -> str:
    from pypdf import PdfReader
    from pypdf.errors import FileNotDecryptedError, PdfReadError

    try:
        reader = PdfReader(handle, strict=False)
        if reader.is_encrypted and not reader.decrypt(""):
            raise UploadRejected(_("The PDF is protected by a password; upload an unprotected copy."))
        parts: list[str] = []
        length = 0
        for number, page in enumerate(reader.pages):
            if number >= MAX_PDF_PAGES or length >= MAX_TEXT_CHARS:
                break
            try:
                page_text = page.extract_text() or ""
            except Exception:  # one damaged page should not lose the rest of the document
                logger.warning("could not extract text from PDF page %s", number + 1, exc_info=True)
                continue
            parts.append(page_text)
            length += len(page_text)
    except UploadRejected:
        raise
    except FileNotDecryptedError:
        raise UploadRejected(_("The PDF is protected by a password; upload an unprotected copy.")) from None
    except (PdfReadError, ValueError, KeyError, TypeError, OSError) as error:
        raise UploadRejected(
            _("The PDF could not be read (%(error)s); it may be damaged.") % {"error": error}
        ) from None
    return "\n\n".join(parts)


def _office_xml_text(handle: IO[bytes], member: str, paragraph_tag: str, text_tag: str | None) -> str:
    try:
        with zipfile.ZipFile(handle) as archive:
            info = archive.getinfo(member)
            if info.file_size > MAX_XML_BYTES:
                raise UploadRejected(_("The document is too large to index."))
            data = archive.read(member)
    except KeyError:
        raise UploadRejected(_("The document has no text part; it may be damaged.")) from None
    except zipfile.BadZipFile:
        raise UploadRejected(_("The document is damaged.")) from None
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as error:
        raise UploadRejected(
            _("The document's text could not be read (%(error)s).") % {"error": error}
        ) from None
    paragraphs = []
    for paragraph in root.iter(paragraph_tag):
        if text_tag is None:
            paragraphs.append("".join(paragraph.itertext()))
        else:
            paragraphs.append("".join(node.text or "" for node in paragraph.iter(text_tag)))
    return "\n".join(paragraphs)
