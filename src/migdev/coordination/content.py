"""Loads the hub's reference content shipped in ``data/``: the processes' meetings (``meetings.toml``) and the
research library (``library.toml``).

This is real, sourced content, not demo data: every record names the page it was read from and when. Both
files are keyed on slugs, so loading again updates the same rows and adds nothing twice. Run by the
``load_hub_content`` command and by the demo seeder (so ``python3 run.py start`` loads it). A file that
breaks a rule (unknown process, bad ISO code, an ISBN or ISSN whose check digit is wrong, a malformed DOI, an
identifier without the address of the page it was read on or the date it was read) is refused whole, naming the
file, the record (its number and slug) and the field.
"""

from __future__ import annotations

import datetime
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone

from migdev.accounts.models import Organisation
from migdev.coordination.countries import iso_lookup
from migdev.coordination.models import (
    DocumentLanguage,
    Licence,
    Meeting,
    OrganisationName,
    Process,
    Publication,
    PublicationKind,
)

DATA_DIR = Path(__file__).resolve().parent / "data"
MEETINGS_FILE = DATA_DIR / "meetings.toml"
LIBRARY_FILE = DATA_DIR / "library.toml"
ORGANISATION_NAMES_FILE = DATA_DIR / "organisation_names.toml"
SOURCE_MAX_LENGTH = 400

_DOI = re.compile(r"^10\.\d{4,9}/\S+$")
# A United Nations document symbol: an organ's letters, then parts separated by "/" (A/RES/73/195, A/60/871,
# ST/ESA/SER.A/404, LC/G.2303(SES.31/11)). One symbol names a document in all six official languages.
_UN_SYMBOL = re.compile(r"^[A-Z]{1,4}(/[A-Za-z0-9][A-Za-z0-9.()\-]*){1,6}$")
_WEB_ADDRESS = re.compile(r"https?://[^\s/]+\.[^\s]+")


class ContentFileError(ValueError):
    pass


def _compact(identifier: str) -> str:
    return re.sub(r"[\s-]", "", identifier).upper()


def isbn13_is_valid(isbn: str) -> bool:
    """An ISBN-13 (hyphens and spaces allowed) whose check digit is right: weights 1 and 3, sum mod 10."""
    digits = _compact(isbn)
    if not re.fullmatch(r"97[89]\d{10}", digits):
        return False
    total = sum(int(d) * (1 if i % 2 == 0 else 3) for i, d in enumerate(digits[:12]))
    return (10 - total % 10) % 10 == int(digits[12])


def isbn10_is_valid(isbn: str) -> bool:
    """An ISBN-10 (hyphens and spaces allowed) whose check digit is right: weights 10 to 1, sum mod 11, X for 10."""
    digits = _compact(isbn)
    if not re.fullmatch(r"\d{9}[\dX]", digits):
        return False
    total = sum(int(d) * (10 - i) for i, d in enumerate(digits[:9]))
    check = 10 if digits[9] == "X" else int(digits[9])
    return (total + check) % 11 == 0


def issn_is_valid(issn: str) -> bool:
    """An ISSN written NNNN-NNNC whose check character is right: weights 8 to 2, sum mod 11, X for 10."""
    if not re.fullmatch(r"\d{4}-\d{3}[\dXx]", issn):
        return False
    digits = issn.replace("-", "").upper()
    total = sum(int(d) * (8 - i) for i, d in enumerate(digits[:7]))
    check = 10 if digits[7] == "X" else int(digits[7])
    return (total + check) % 11 == 0


def doi_is_valid(doi: str) -> bool:
    """A DOI name as Crossref defines its syntax: ``10.<registrant>/<suffix>``."""
    return bool(_DOI.fullmatch(doi))


def un_symbol_is_valid(symbol: str) -> bool:
    """A United Nations document symbol's form (A/RES/73/195, ST/ESA/SER.A/404); it has no check digit."""
    return bool(_UN_SYMBOL.fullmatch(symbol))


def identifier_kind(identifier: str) -> str:
    """What an identifier is by its form ("DOI", "ISSN", "ISBN-13", "ISBN-10", "UN symbol"), whether or not its
    check digit is right; "" for none of these."""
    if identifier.startswith("10."):
        return "DOI"
    if identifier[:1].isalpha() and "/" in identifier:
        return "UN symbol"
    if re.fullmatch(r"\d{4}-\d{3}[\dXx]", identifier):
        return "ISSN"
    compact = _compact(identifier)
    if re.fullmatch(r"\d{13}", compact):
        return "ISBN-13"
    if re.fullmatch(r"\d{9}[\dX]", compact):
        return "ISBN-10"
    return ""


_VALID = {
    "DOI": doi_is_valid,
    "ISSN": issn_is_valid,
    "ISBN-13": isbn13_is_valid,
    "ISBN-10": isbn10_is_valid,
    "UN symbol": un_symbol_is_valid,
}


def identifier_is_valid(identifier: str) -> bool:
    """A DOI or a UN document symbol of the right form, or an ISBN-13, ISBN-10 or ISSN whose check digit is right."""
    kind = identifier_kind(identifier)
    return bool(kind) and _VALID[kind](identifier)


def identifier_problem(identifier: str) -> str:
    """Why an identifier is refused, in words for the error message; "" when it is valid."""
    kind = identifier_kind(identifier)
    if not kind:
        return (
            f"{identifier!r} is not a DOI (10.NNNN/...), an ISBN-13, an ISBN-10, an ISSN (NNNN-NNNC) "
            "or a UN document symbol (A/RES/73/195)"
        )
    if not _VALID[kind](identifier):
        if kind == "DOI":
            return f"{identifier!r} is not a DOI of the form 10.NNNN/suffix"
        if kind == "UN symbol":
            return f"{identifier!r} is not a UN document symbol of the form A/RES/73/195"
        if kind == "ISBN-13" and not _compact(identifier).startswith(("978", "979")):
            return f"{identifier!r} has 13 digits but an ISBN-13 begins with 978 or 979"
        return f"{identifier!r} looks like an {kind} but its check digit is wrong"
    return ""


def _iso3(code: str, where: str) -> str:
    found = iso_lookup(code.strip().upper())
    if found is None or found[0] != code:
        raise ContentFileError(f"{where}: {code!r} is not an ISO 3166-1 alpha-3 code")
    return code


def _source(entry: dict[str, Any], where: str) -> str:
    source, accessed = entry.get("source", "").strip(), entry.get("accessed", "")
    if not source or not accessed:
        raise ContentFileError(f"{where}: every record needs a source and an accessed date")
    datetime.date.fromisoformat(str(accessed))
    text = f"{source} (accessed {accessed})"
    if len(text) > SOURCE_MAX_LENGTH:
        raise ContentFileError(f"{where}: source is longer than {SOURCE_MAX_LENGTH} characters")
    return text


def _organisation(acronym: str, where: str) -> Organisation:
    found = Organisation.objects.filter(acronym=acronym).order_by("pk").first()
    if found is None:
        raise ContentFileError(f"{where}: organisation {acronym!r} is not in the platform")
    return found


@transaction.atomic
def load_meetings(path: Path = MEETINGS_FILE) -> int:
    entries = tomllib.loads(path.read_text(encoding="utf-8"))["meetings"]
    processes = {p.code: p for p in Process.objects.all()}
    for entry in entries:
        where = f"{path.name}: meeting {entry.get('slug', '?')}"
        if entry["process"] not in processes:
            raise ContentFileError(f"{where}: unknown process {entry['process']!r}")
        Meeting.objects.update_or_create(
            slug=entry["slug"],
            defaults={
                "title": entry["title"],
                "process": processes[entry["process"]],
                "kind": entry["kind"],
                "status": Meeting.Status.HELD
                if datetime.date.fromisoformat(entry["end"]) < timezone.localdate()
                else Meeting.Status.PLANNED,
                "start_date": datetime.date.fromisoformat(entry["start"]),
                "end_date": datetime.date.fromisoformat(entry["end"]),
                "date_precision": entry.get("precision", "day"),
                "city": entry.get("city", ""),
                "country_iso3": _iso3(entry["country"], where) if entry.get("country") else "",
                "is_virtual": entry.get("is_virtual", False),
                "host_country_iso3": _iso3(entry["host_state"], where) if entry.get("host_state") else "",
                "host_organisation": _organisation(entry["host_organisation"], where)
                if entry.get("host_organisation")
                else None,
                "theme": entry.get("theme", ""),
                "summary": entry.get("summary", ""),
                "source": _source(entry, where),
                "is_published": True,
            },
        )
    return len(entries)


_KINDS = {choice.value for choice in PublicationKind}
_LICENCES = {choice.value for choice in Licence}
_LANGUAGES = {choice.value for choice in DocumentLanguage}


SERIES_ISSN = "series_issn"


@dataclass(frozen=True)
class ReadIdentifier:
    """A record's identifier as the library file gives it, checked; or, where the page read prints none, what
    that page shows instead."""

    identifier: str = ""
    source: str = ""
    accessed: datetime.date | None = None
    is_series_issn: bool = False
    no_identifier_note: str = ""


NO_IDENTIFIER_NOTE_MAX_LENGTH = 300


def _page_read(source: str, accessed: Any, what: str, where: str) -> tuple[str, datetime.date]:
    """The address of the page a fact was read on and the date it was read, both required."""
    if not _WEB_ADDRESS.fullmatch(source):
        raise ContentFileError(
            f"{where}: field identifier_source: {what} needs identifier_source, the address of the page it was "
            "read on"
        )
    try:
        return source, datetime.date.fromisoformat(str(accessed))
    except ValueError as error:
        raise ContentFileError(
            f"{where}: field identifier_accessed: {what} needs the date its page was read (YYYY-MM-DD)"
        ) from error


def _identifier(entry: dict[str, Any], where: str) -> ReadIdentifier:
    """The record's identifier, the page it was read on and the date it was read, checked: a DOI's syntax, an
    ISBN's or ISSN's check digit, an address for the page and a date. An ISSN names a series, not one report in
    it, so it is taken only with ``identifier_kind = "series_issn"``, and that kind only for an ISSN. A record
    whose imprint prints no identifier says so in ``no_identifier``, with the page and date like an identifier.
    Each refusal names the field."""
    identifier = str(entry.get("identifier", "")).strip()
    source = str(entry.get("identifier_source", "")).strip()
    accessed = entry.get("identifier_accessed", "")
    declared_kind = str(entry.get("identifier_kind", "")).strip()
    no_identifier = str(entry.get("no_identifier", "")).strip()
    if not identifier:
        if declared_kind:
            raise ContentFileError(f"{where}: field identifier_kind: given without an identifier")
        if no_identifier:
            if len(no_identifier) > NO_IDENTIFIER_NOTE_MAX_LENGTH:
                raise ContentFileError(
                    f"{where}: field no_identifier: longer than {NO_IDENTIFIER_NOTE_MAX_LENGTH} characters"
                )
            page, read_on = _page_read(source, accessed, "the note no_identifier", where)
            return ReadIdentifier(source=page, accessed=read_on, no_identifier_note=no_identifier)
        if source or accessed:
            field = "identifier_source" if source else "identifier_accessed"
            raise ContentFileError(
                f"{where}: field {field}: given without an identifier or a no_identifier note"
            )
        return ReadIdentifier()
    if no_identifier:
        raise ContentFileError(f"{where}: field no_identifier: given with an identifier, {identifier!r}")
    problem = identifier_problem(identifier)
    if problem:
        raise ContentFileError(f"{where}: field identifier: {problem}")
    is_issn = identifier_kind(identifier) == "ISSN"
    if declared_kind not in ("", SERIES_ISSN):
        raise ContentFileError(
            f"{where}: field identifier_kind: {declared_kind!r} is not known (only {SERIES_ISSN!r} is)"
        )
    if is_issn and declared_kind != SERIES_ISSN:
        raise ContentFileError(
            f"{where}: field identifier_kind: {identifier!r} is an ISSN, which names a series, not one "
            f"publication; say identifier_kind = {SERIES_ISSN!r}"
        )
    if declared_kind == SERIES_ISSN and not is_issn:
        raise ContentFileError(
            f"{where}: field identifier_kind: {SERIES_ISSN!r} is said of {identifier!r}, which is not an ISSN"
        )
    page, read_on = _page_read(source, accessed, f"identifier {identifier!r}", where)
    return ReadIdentifier(identifier, page, read_on, is_series_issn=is_issn)


@transaction.atomic
def load_library(path: Path = LIBRARY_FILE) -> int:
    from migdev.coordination.knowledge import search

    data = tomllib.loads(path.read_text(encoding="utf-8"))
    entries = data["publications"]
    publishers: dict[str, Organisation] = {}
    for item in data.get("organisations", []):
        found = Organisation.objects.filter(name__iexact=item["name"]).first()
        if found is None:
            found = Organisation.objects.create(name=item["name"], acronym=item["acronym"], kind=item["kind"])
        publishers[item["acronym"]] = found
    seen: set[str] = set()
    saved = []
    for number, entry in enumerate(entries, start=1):
        where = f"{path.name}: publication {number} ({entry.get('slug', '?')})"
        if entry["slug"] in seen:
            raise ContentFileError(f"{where}: slug used twice")
        seen.add(entry["slug"])
        read = _identifier(entry, where)
        for key, allowed in (("kind", _KINDS), ("licence", _LICENCES), ("language", _LANGUAGES)):
            if entry[key] not in allowed:
                raise ContentFileError(f"{where}: {key} {entry[key]!r} is not one of {sorted(allowed)}")
        publication, _ = Publication.objects.update_or_create(
            slug=entry["slug"],
            defaults={
                "title": entry["title"],
                "authors": "\n".join(entry.get("authors", [])),
                "organisation": publishers.get(entry["organisation"])
                or _organisation(entry["organisation"], where),
                "year": entry["year"],
                "language": entry["language"],
                "kind": entry["kind"],
                "abstract": entry.get("abstract", ""),
                "licence": entry["licence"],
                "url": entry["url"],
                "identifier": read.identifier,
                "identifier_source": read.source,
                "identifier_accessed": read.accessed,
                "identifier_is_series_issn": read.is_series_issn,
                "no_identifier_note": read.no_identifier_note,
                "source": _source(entry, where),
                "is_published": True,
            },
        )
        saved.append(publication)
    search.index_publications(
        Publication.objects.filter(pk__in=[p.pk for p in saved]).select_related("organisation")
    )
    return len(saved)


_NAME_LANGUAGES = {choice.value for choice in OrganisationName.Language}


@transaction.atomic
def load_organisation_names(path: Path = ORGANISATION_NAMES_FILE) -> int:
    """Organisations' own French and Spanish names, each with the page it was read on. A file with a broken entry
    (unknown language, no name, no page address, a name twice for one language) is refused whole. Names of
    organisations the platform does not hold are skipped; names no longer in the file are removed."""
    entries = tomllib.loads(path.read_text(encoding="utf-8"))["names"]
    seen: set[tuple[str, str]] = set()
    checked = []
    for entry in entries:
        where = f"{path.name}: {entry.get('organisation', '?')} ({entry.get('language', '?')})"
        acronym, language = str(entry.get("organisation", "")).strip(), str(entry.get("language", ""))
        name, short = str(entry.get("name", "")).strip(), str(entry.get("acronym", "")).strip()
        source = str(entry.get("source", "")).strip()
        if not acronym or language not in _NAME_LANGUAGES:
            raise ContentFileError(
                f"{where}: needs an organisation and a language among {sorted(_NAME_LANGUAGES)}"
            )
        if not name or len(name) > 200 or len(short) > 30:
            raise ContentFileError(f"{where}: needs a name (at most 200 characters; acronym at most 30)")
        if not _WEB_ADDRESS.fullmatch(source) or len(source) > 400:
            raise ContentFileError(f"{where}: needs source, the address of the page the name was read on")
        try:
            accessed = datetime.date.fromisoformat(str(entry.get("accessed", "")))
        except ValueError as error:
            raise ContentFileError(f"{where}: accessed must be a date (YYYY-MM-DD)") from error
        if (acronym, language) in seen:
            raise ContentFileError(f"{where}: given twice")
        seen.add((acronym, language))
        checked.append((acronym, language, name, short, source, accessed))
    kept: list[int] = []
    for acronym, language, name, short, source, accessed in checked:
        organisation = Organisation.objects.filter(acronym=acronym).order_by("pk").first()
        if organisation is None:
            continue
        row, _created = OrganisationName.objects.update_or_create(
            organisation=organisation,
            language=language,
            defaults={"name": name, "acronym": short, "source_url": source, "accessed": accessed},
        )
        kept.append(row.pk)
    OrganisationName.objects.exclude(pk__in=kept).delete()
    return len(kept)


def load_hub_content() -> str:
    return (
        f"{load_meetings()} meetings, {load_library()} library records, "
        f"{load_organisation_names()} organisation names in French and Spanish (reference content)"
    )
