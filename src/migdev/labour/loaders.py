"""Load format ``recruiter-roster``: a dated licence roster of recruitment agencies (CSV or XLSX).

Columns: organisation, country_iso3, licence_number, licence_valid_from, licence_valid_to, iris_status,
roster_source, roster_date (dates as YYYY-MM-DD). One row per agency; a row repeating an agency's licence
number and roster date updates it, so the load can run again. An organisation is matched on its name
(whatever the case) and created as a private-sector organisation when missing. All or nothing: any bad row
refuses the whole file with its row and column.
"""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db.models.functions import Lower
from django.utils.translation import gettext as _

from migdev.accounts.models import Organisation
from migdev.core.validation import normalised_name
from migdev.dataio.errors import ErrorCollector
from migdev.dataio.progress import Progress
from migdev.dataio.readers import estimate_data_rows, read_table
from migdev.dataio.registry import ImportResult
from migdev.labour.models import IrisStatus, Recruiter
from migdev.reference.models import Country

if TYPE_CHECKING:
    from migdev.accounts.models import User

REQUIRED = frozenset({"organisation", "country_iso3", "licence_number", "roster_source", "roster_date"})
OPTIONAL = frozenset({"licence_valid_from", "licence_valid_to", "iris_status"})


def cell_date(value: Any) -> datetime.date | None:
    """A spreadsheet or CSV cell as a date: a date cell, or text as YYYY-MM-DD; empty gives None."""
    if value in (None, ""):
        return None
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    return datetime.date.fromisoformat(str(value).strip())


def load_recruiter_roster(path: Path, *, progress: Progress, user: User | None) -> ImportResult:
    errors = ErrorCollector(path.name)
    countries = set(Country.objects.values_list("iso3", flat=True))
    rows: list[dict[str, Any]] = []
    seen: dict[tuple[str, str, datetime.date], int] = {}
    read = 0
    progress.start(estimate_data_rows(path))
    for number, row in read_table(path, required=REQUIRED, optional=OPTIONAL):
        read += 1
        progress.advance()
        try:
            name = normalised_name(str(row["organisation"] or ""), "organisation")
        except ValidationError:
            errors.add(number, "organisation", _("The organisation is empty."))
            continue
        country = str(row["country_iso3"] or "").strip().upper()
        if country not in countries:
            errors.add(
                number,
                "country_iso3",
                _("Unknown country code “%(code)s” (ISO 3166 alpha-3).") % {"code": country},
            )
            continue
        dates: dict[str, datetime.date | None] = {}
        bad = False
        for column in ("licence_valid_from", "licence_valid_to", "roster_date"):
            try:
                dates[column] = cell_date(row[column])
            except ValueError:
                errors.add(number, column, _("Not a date as YYYY-MM-DD."))
                bad = True
        if bad:
            continue
        if dates["roster_date"] is None:
            errors.add(number, "roster_date", _("Give the date of the roster."))
            continue
        start, end = dates["licence_valid_from"], dates["licence_valid_to"]
        if start and end and end < start:
            errors.add(number, "licence_valid_to", _("The licence ends before it starts."))
            continue
        status = str(row["iris_status"] or IrisStatus.NOT_CERTIFIED).strip().lower()
        if status not in IrisStatus.values:
            errors.add(
                number,
                "iris_status",
                _("Unknown IRIS status; use one of: %(values)s") % {"values": ", ".join(IrisStatus.values)},
            )
            continue
        licence = str(row["licence_number"] or "").strip()[:100]
        key = (name.casefold(), licence, dates["roster_date"])
        if key in seen:
            errors.add(
                number,
                "licence_number",
                _("The same agency and licence are also on row %(row)d.") % {"row": seen[key]},
            )
            continue
        seen[key] = number
        source = str(row["roster_source"] or "").strip()[:300]
        if not source:
            errors.add(number, "roster_source", _("Name the roster."))
            continue
        rows.append(
            {
                "name": name,
                "country": country,
                "licence": licence,
                "status": status,
                "source": source,
                **dates,
            }
        )
    errors.raise_if_any(read=read)
    created = updated = 0
    # The dataio runner wraps this in one transaction and writes the audit entry for the import.
    for item in rows:
        organisation_id = (
            Organisation.objects.annotate(lname=Lower("name"))
            .filter(lname=item["name"].casefold())
            .values_list("pk", flat=True)
            .first()
        )
        if organisation_id is None:
            new_organisation = Organisation.objects.create(name=item["name"], kind=Organisation.Kind.PRIVATE)
            organisation_id = new_organisation.pk
        _recruiter, was_created = Recruiter.objects.update_or_create(
            organisation_id=organisation_id,
            licence_number=item["licence"],
            roster_date=item["roster_date"],
            defaults={
                "country_id": item["country"],
                "licence_valid_from": item["licence_valid_from"],
                "licence_valid_to": item["licence_valid_to"],
                "iris_status": item["status"],
                "roster_source": item["source"],
            },
        )
        created += was_created
        updated += not was_created
    progress.finish()
    return ImportResult(read=read, created=created, updated=updated, rejected=0)
