"""``activities-csv``: activities from a CSV or XLSX table into the activity registry, keyed on the IATI
identifier (a row with a known identifier replaces that activity, as an IATI import does).

Columns (header names as written here, any order, case ignored):

- required: ``iati_identifier``, ``title``, ``area`` (one of the twelve area codes), ``status`` (IATI
  ActivityStatus code 1–6);
- the reporting organisation, one of: ``reporting_org_ref`` (IATI organisation identifier) or
  ``reporting_organisation`` (the organisation's registered name, as the CSV export writes it);
- optional: ``description``, ``information_field``, ``language``, ``planned_start``, ``actual_start``,
  ``planned_end``, ``actual_end`` (YYYY-MM-DD), ``countries`` (ISO codes separated by spaces or
  semicolons), ``topics`` (topic codes), ``donors`` and ``partners`` (IATI identifiers or registered
  names, separated by semicolons), ``budget_total`` with ``currency`` (ISO 4217; the budget covers the
  planned period), ``results``, ``source``, ``source_edition``.

All or nothing: every problem is reported with its row and column, and one problem anywhere keeps the
whole file out. Without a ``source`` column each activity records the file name as its source.
"""

from __future__ import annotations

import datetime
import re
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import TYPE_CHECKING

from django.utils import timezone
from django.utils.translation import gettext as _

from migdev.accounts.models import Organisation
from migdev.coordination.activities.services import (
    ActivityInput,
    BudgetInput,
    ParticipantInput,
    activities_save,
)
from migdev.coordination.countries import UnknownCountry, normalise_country_code
from migdev.coordination.models import (
    Activity,
    ActivityParticipant,
    ActivityStatus,
    Area,
    InformationField,
    OrganisationCode,
    Topic,
)
from migdev.dataio.errors import ErrorCollector
from migdev.dataio.progress import Progress
from migdev.dataio.readers import Row, estimate_data_rows, read_table
from migdev.dataio.registry import ImportResult

if TYPE_CHECKING:
    from migdev.accounts.models import User

REQUIRED = {"iati_identifier", "title", "area", "status"}
OPTIONAL = {
    "reporting_org_ref",
    "reporting_organisation",
    "description",
    "information_field",
    "language",
    "planned_start",
    "actual_start",
    "planned_end",
    "actual_end",
    "countries",
    "topics",
    "donors",
    "partners",
    "budget_total",
    "currency",
    "results",
    "source",
    "source_edition",
}
DATE_COLUMNS = ("planned_start", "actual_start", "planned_end", "actual_end")
IATI_ORGANISATION_ID = re.compile(r"^[A-Z0-9]{2,}-[A-Za-z0-9._-]+$")
TITLE_MAX = Activity._meta.get_field("title").max_length or 500
IDENTIFIER_MAX = Activity._meta.get_field("iati_identifier").max_length or 200


class _Organisations:
    """Organisations by IATI identifier and by registered name, read once per file."""

    def __init__(self) -> None:
        self.by_ref = {
            code.code: code.organisation
            for code in OrganisationCode.objects.filter(scheme=OrganisationCode.Scheme.IATI).select_related(
                "organisation"
            )
        }
        self.by_name = {organisation.name: organisation for organisation in Organisation.objects.all()}

    def find(self, value: str) -> Organisation | None:
        return self.by_ref.get(value) or self.by_name.get(value)


def _split(value: str | None, separators: str = " ;,") -> list[str]:
    text = value or ""
    for separator in separators[1:]:
        text = text.replace(separator, separators[0])
    return [part for part in text.split(separators[0]) if part]


def _clean_row(
    number: int,
    row: Row,
    errors: ErrorCollector,
    organisations: _Organisations,
    topics: set[str],
    file_name: str,
) -> ActivityInput | None:
    before = errors.total
    identifier = (row["iati_identifier"] or "").strip()
    if not identifier:
        errors.add(number, "iati_identifier", _("The IATI identifier is empty."))
    elif len(identifier) > IDENTIFIER_MAX or any(ch.isspace() for ch in identifier):
        errors.add(
            number, "iati_identifier", _("An IATI identifier has no spaces and at most 200 characters.")
        )
    title = (row["title"] or "").strip()
    if not title or len(title) > TITLE_MAX:
        errors.add(
            number, "title", _("The title is empty or longer than %(max)d characters.") % {"max": TITLE_MAX}
        )
    area = (row["area"] or "").strip()
    if area not in Area.values:
        errors.add(
            number,
            "area",
            _("“%(value)s” is not an area; use one of: %(codes)s.")
            % {"value": area, "codes": ", ".join(Area.values)},
        )
    status = (row["status"] or "").strip()
    if status not in ActivityStatus.values:
        errors.add(
            number,
            "status",
            _("“%(value)s” is not an IATI activity status code (1 to 6).") % {"value": status},
        )
    field = (row["information_field"] or InformationField.PROGRAMMES).strip()
    if field not in InformationField.values:
        errors.add(
            number,
            "information_field",
            _("“%(value)s” is not a field; use one of: %(codes)s.")
            % {"value": field, "codes": ", ".join(InformationField.values)},
        )

    reporter: Organisation | None = None
    ref, name = (row["reporting_org_ref"] or "").strip(), (row["reporting_organisation"] or "").strip()
    if not ref and not name:
        errors.add(
            number,
            "reporting_org_ref",
            _("Give the reporting organisation (reporting_org_ref or reporting_organisation)."),
        )
    else:
        reporter = organisations.by_ref.get(ref) if ref else organisations.by_name.get(name)
        if reporter is None:
            column = "reporting_org_ref" if ref else "reporting_organisation"
            errors.add(
                number, column, _("“%(value)s” is not a registered organisation.") % {"value": ref or name}
            )

    dates: dict[str, datetime.date | None] = {}
    for column in DATE_COLUMNS:
        value = (row[column] or "").strip()
        dates[column] = None
        if value:
            try:
                dates[column] = datetime.date.fromisoformat(value[:10])
            except ValueError:
                errors.add(number, column, _("“%(value)s” is not a date (YYYY-MM-DD).") % {"value": value})
    for start, end in (("planned_start", "planned_end"), ("actual_start", "actual_end")):
        if dates[start] and dates[end] and dates[end] < dates[start]:  # type: ignore[operator]
            errors.add(number, end, _("The end comes before the start."))

    countries = []
    for code in _split(row["countries"]):
        try:
            countries.append(normalise_country_code(code))
        except UnknownCountry:
            errors.add(number, "countries", _("Unknown country code: %(code)s") % {"code": code})
    topic_codes = _split(row["topics"])
    for code in topic_codes:
        if code not in topics:
            errors.add(number, "topics", _("Unknown topic: %(code)s") % {"code": code})

    participants: list[ParticipantInput] = []
    for column, role in (
        ("donors", ActivityParticipant.Role.FUNDING),
        ("partners", ActivityParticipant.Role.IMPLEMENTING),
    ):
        for value in _split(row[column], ";"):
            value = value.strip()
            organisation = organisations.find(value)
            if organisation is not None:
                participants.append(ParticipantInput(role=role, organisation=organisation))
            elif IATI_ORGANISATION_ID.match(value):
                # An IATI identifier of an organisation not in the registry: kept as a reference.
                participants.append(ParticipantInput(role=role, reference=value))
            else:
                participants.append(ParticipantInput(role=role, name=value))

    budgets: list[BudgetInput] = []
    amount_text, currency = (row["budget_total"] or "").strip(), (row["currency"] or "").strip().upper()
    if amount_text:
        try:
            # Read strictly: "1,5" is not guessed to be 15 (a decimal comma) or 1,500 (a separator).
            amount = Decimal(amount_text)
            if amount < 0 or not amount.is_finite():
                raise InvalidOperation
        except InvalidOperation:
            errors.add(number, "budget_total", _("“%(value)s” is not an amount.") % {"value": amount_text})
        else:
            if len(currency) != 3 or not currency.isalpha():
                errors.add(number, "currency", _("A budget needs an ISO 4217 currency code."))
            elif not dates["planned_start"] or not dates["planned_end"]:
                errors.add(
                    number, "budget_total", _("A budget needs planned_start and planned_end for its period.")
                )
            else:
                budgets.append(
                    BudgetInput(
                        period_start=dates["planned_start"],
                        period_end=dates["planned_end"],
                        amount=amount,
                        currency=currency,
                        value_date=dates["planned_start"],
                    )
                )
    if errors.total > before or reporter is None:
        return None
    return ActivityInput(
        iati_identifier=identifier,
        reporting_organisation=reporter,
        title=title,
        area=area,
        status=status,
        information_field=field,
        description=(row["description"] or "").strip(),
        language=(row["language"] or "en").strip().lower()[:8],
        planned_start=dates["planned_start"],
        actual_start=dates["actual_start"],
        planned_end=dates["planned_end"],
        actual_end=dates["actual_end"],
        default_currency=currency,
        results=(row["results"] or "").strip(),
        countries=[(code, None) for code in dict.fromkeys(countries)],
        topic_codes=list(dict.fromkeys(topic_codes)),
        participants=[
            ParticipantInput(role=ActivityParticipant.Role.ACCOUNTABLE, organisation=reporter),
            *participants,
        ],
        budgets=budgets,
        source=(row["source"] or "").strip() or _("CSV import: %(file)s") % {"file": file_name},
        source_edition=(row["source_edition"] or "").strip() or timezone.localdate().isoformat(),
    )


def load_activities_csv(path: Path, *, progress: Progress, user: User | None) -> ImportResult:
    errors = ErrorCollector(path.name)
    organisations = _Organisations()
    topics = set(Topic.objects.values_list("code", flat=True))
    first_row: dict[str, int] = {}
    items: list[ActivityInput] = []
    read = 0
    progress.start(estimate_data_rows(path))
    for number, row in read_table(path, required=REQUIRED, optional=OPTIONAL):
        read += 1
        identifier = (row["iati_identifier"] or "").strip()
        if identifier in first_row:
            errors.add(
                number,
                "iati_identifier",
                _("“%(id)s” is also on row %(first)d; an identifier may appear once per file.")
                % {"id": identifier, "first": first_row[identifier]},
            )
            continue
        if identifier:
            first_row[identifier] = number
        item = _clean_row(number, row, errors, organisations, topics, path.name)
        if item is not None:
            items.append(item)
        progress.advance()
    errors.raise_if_any(read=read)
    # The dataio runner wraps this in one transaction and writes the audit entry for the import.
    created, updated = activities_save(actor=user, items=items) if items else (0, 0)
    progress.finish()
    return ImportResult(read=read, created=created, updated=updated, rejected=0)
