"""``practices-csv`` and ``partnership-calls-csv``: practices and calls for partnership from a CSV or XLSX
table, through the shared reader.

Practices — required columns ``title``, ``what``, ``who``, ``results``, ``lessons``, ``area`` (an area
code), ``gcm_objectives`` (numbers 1-23 separated by spaces, commas or semicolons); optional
``pitfalls``, ``countries`` (ISO codes), ``topics`` (topic codes), ``sample`` (yes/no). An imported practice
enters the peer review as *awaiting review*, submitted by whoever loads the file; a practice with the same
title already loaded by that user is updated while it has not been published.

Calls — required ``title``, ``description``, ``organisation`` (the organisation's name as the platform
holds it), ``contact_email``, ``open_until`` (YYYY-MM-DD), ``gcm_objectives``; optional ``sample``. Calls
are created unpublished (an editor publishes them); a call with the same title is updated.

All or nothing: every problem is reported with its file, row and column, and one problem anywhere keeps the
whole file out. ``sample = yes`` marks made-up records, shown as samples on pages and in the API.
"""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from migdev.accounts.models import Organisation
from migdev.coordination import audit
from migdev.coordination.common.models import Area
from migdev.coordination.countries import UnknownCountry, normalise_country_code
from migdev.coordination.models import GcmObjective, PartnershipCall, Practice, PracticeCountry, Topic
from migdev.dataio.errors import ErrorCollector
from migdev.dataio.progress import Progress
from migdev.dataio.readers import Row, estimate_data_rows, read_table
from migdev.dataio.registry import ImportResult

if TYPE_CHECKING:
    from migdev.accounts.models import User

PRACTICE_REQUIRED = {"title", "what", "who", "results", "lessons", "area", "gcm_objectives"}
PRACTICE_OPTIONAL = {"pitfalls", "countries", "topics", "sample"}
CALL_REQUIRED = {"title", "description", "organisation", "contact_email", "open_until", "gcm_objectives"}
CALL_OPTIONAL = {"sample"}
YES = {"yes", "y", "true", "1", "oui", "sí", "si"}
NO = {"no", "n", "false", "0", "non", ""}


def _text(value: Any) -> str:
    return str(value).strip() if value is not None else ""


def _split(value: Any) -> list[str]:
    return _text(value).replace(";", " ").replace(",", " ").split()


def _required(number: int, row: Row, columns: set[str], errors: ErrorCollector) -> None:
    for column in sorted(columns):
        if not _text(row[column]):
            errors.add(number, column, _("This column is required and the cell is empty."))


def _sample(number: int, row: Row, errors: ErrorCollector) -> bool:
    text = _text(row["sample"]).casefold()
    if text in YES:
        return True
    if text not in NO:
        errors.add(number, "sample", _("Write yes or no."))
    return False


def _objectives(number: int, row: Row, errors: ErrorCollector) -> list[GcmObjective]:
    numbers: list[int] = []
    for item in _split(row["gcm_objectives"]):
        if not item.isdigit() or not 1 <= int(item) <= 23:
            errors.add(
                number,
                "gcm_objectives",
                _("Global Compact objectives are numbered 1 to 23, not “%(v)s”.") % {"v": item},
            )
        else:
            numbers.append(int(item))
    return list(GcmObjective.objects.filter(number__in=numbers))


def _require_user(user: User | None, errors: ErrorCollector) -> User | None:
    """A practice is submitted, and a call created, by someone: a file loaded with nobody named (the
    command line without ``--user``) is refused with the reason, after its rows were checked."""
    if user is None or not user.is_authenticated:
        errors.add(
            None,
            None,
            str(
                _("Practices and calls are loaded on behalf of a user: name one (migdev load … --user NAME).")
            ),
        )
        return None
    return user


def load_practices(path: Path, *, progress: Progress, user: User | None) -> ImportResult:
    errors = ErrorCollector(path.name)
    topics = {topic.code: topic for topic in Topic.objects.all()}
    cleaned: list[tuple[dict[str, Any], list[GcmObjective], list[str], list[Topic]]] = []
    titles: dict[str, int] = {}
    read = 0
    progress.start(estimate_data_rows(path))
    for number, row in read_table(path, required=PRACTICE_REQUIRED, optional=PRACTICE_OPTIONAL):
        read += 1
        before = errors.total
        _required(number, row, PRACTICE_REQUIRED, errors)
        title = _text(row["title"])
        if title in titles:
            errors.add(number, "title", _("This title is also on row %(first)d.") % {"first": titles[title]})
        titles.setdefault(title, number)
        area = _text(row["area"])
        if area and area not in Area.values:
            errors.add(number, "area", _("Unknown area: %(code)s") % {"code": area})
        objectives = _objectives(number, row, errors)
        countries = []
        for code in _split(row["countries"]):
            try:
                countries.append(normalise_country_code(code))
            except UnknownCountry:
                errors.add(number, "countries", _("Unknown country code: %(code)s") % {"code": code})
        unknown_topics = [code for code in _split(row["topics"]) if code not in topics]
        for code in unknown_topics:
            errors.add(number, "topics", _("Unknown topic: %(code)s") % {"code": code})
        sample = _sample(number, row, errors)
        if errors.total == before:
            fields = {
                "title": title,
                "what": _text(row["what"]),
                "who": _text(row["who"]),
                "results": _text(row["results"]),
                "lessons": _text(row["lessons"]),
                "pitfalls": _text(row["pitfalls"]),
                "area": area,
                "is_sample": sample,
            }
            cleaned.append((fields, objectives, countries, [topics[c] for c in _split(row["topics"])]))
        progress.advance()
    actor = _require_user(user, errors)
    errors.raise_if_any(read=read)
    assert actor is not None  # refused above otherwise
    created = updated = 0
    with transaction.atomic():
        for fields, objectives, countries, row_topics in cleaned:
            practice = Practice.objects.filter(title=fields["title"], submitted_by=actor).first()
            if practice is not None and practice.status == Practice.Status.PUBLISHED:
                continue  # a published practice changes through its page, not by reloading a file
            is_new = practice is None
            practice = practice or Practice(submitted_by=actor)
            for name, value in fields.items():
                setattr(practice, name, value)
            practice.status = Practice.Status.SUBMITTED
            practice.submitted_at = timezone.now()
            practice.save()
            practice.gcm_objectives.set(objectives)
            practice.topics.set(row_topics)
            practice.countries.all().delete()
            PracticeCountry.objects.bulk_create(
                PracticeCountry(practice=practice, country_iso3=iso3) for iso3 in sorted(set(countries))
            )
            audit.record(action="create" if is_new else "update", actor=actor, record=practice)
            created += is_new
            updated += not is_new
    progress.finish()
    return ImportResult(read=read, created=created, updated=updated, rejected=0)


def load_partnership_calls(path: Path, *, progress: Progress, user: User | None) -> ImportResult:
    errors = ErrorCollector(path.name)
    cleaned: list[tuple[dict[str, Any], list[GcmObjective]]] = []
    titles: dict[str, int] = {}
    read = 0
    progress.start(estimate_data_rows(path))
    for number, row in read_table(path, required=CALL_REQUIRED, optional=CALL_OPTIONAL):
        read += 1
        before = errors.total
        _required(number, row, CALL_REQUIRED, errors)
        title = _text(row["title"])
        if title in titles:
            errors.add(number, "title", _("This title is also on row %(first)d.") % {"first": titles[title]})
        titles.setdefault(title, number)
        organisation = None
        if _text(row["organisation"]):
            organisation = Organisation.objects.filter(name__iexact=_text(row["organisation"])).first()
            if organisation is None:
                errors.add(
                    number,
                    "organisation",
                    _("No organisation of this name: %(name)s") % {"name": _text(row["organisation"])},
                )
        email = _text(row["contact_email"])
        if email:
            try:
                validate_email(email)
            except ValidationError:
                errors.add(
                    number, "contact_email", _("“%(value)s” is not an email address.") % {"value": email}
                )
        open_until = None
        if _text(row["open_until"]):
            try:
                open_until = datetime.date.fromisoformat(_text(row["open_until"])[:10])
            except ValueError:
                errors.add(
                    number,
                    "open_until",
                    _("“%(value)s” is not a date (YYYY-MM-DD).") % {"value": _text(row["open_until"])},
                )
        objectives = _objectives(number, row, errors)
        sample = _sample(number, row, errors)
        if errors.total == before:
            fields = {
                "description": _text(row["description"]),
                "organisation": organisation,
                "contact_email": email,
                "open_until": open_until,
                "is_sample": sample,
            }
            cleaned.append(({"title": title, **fields}, objectives))
        progress.advance()
    actor = _require_user(user, errors)
    errors.raise_if_any(read=read)
    assert actor is not None  # refused above otherwise
    created = updated = 0
    with transaction.atomic():
        for fields, objectives in cleaned:
            call = PartnershipCall.objects.filter(title=fields["title"]).first()
            is_new = call is None
            call = call or PartnershipCall(created_by=actor)
            for name, value in fields.items():
                setattr(call, name, value)
            call.save()
            call.gcm_objectives.set(objectives)
            audit.record(action="create" if is_new else "update", actor=actor, record=call)
            created += is_new
            updated += not is_new
    progress.finish()
    return ImportResult(read=read, created=created, updated=updated, rejected=0)
