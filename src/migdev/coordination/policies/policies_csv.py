"""``migration-policies``: migration policies from a CSV or XLSX table into the policy database, keyed on the
policy's identifier (a row with a known identifier updates that policy, never adds a second one).

Columns (any order, case ignored). The names below, or the headers of the policy export
(``policies/export/?format=csv|xlsx``) in English, French or Spanish, so an export loads back as it is:

- required: ``identifier``, ``country_iso3``, ``title``, ``year``, ``kind``, ``direction``, ``domain``
  (one SDG 10.7.2 domain code), ``source_name``;
- optional: ``original_title``, ``adopted_on`` and ``ended_on`` (YYYY-MM-DD), ``adopted_precision``
  (day, month, year; default day), ``area``, ``status`` (default in_force), ``partners`` (ISO codes of the
  other parties, separated by spaces, commas or semicolons), ``topics`` (topic codes), ``summary``,
  ``development_relevance``, ``source_url``, ``source_edition``, ``published`` (yes/no; a new policy is
  unpublished and an updated one keeps its state when the column is absent or empty).

All or nothing: every problem is reported with its file, row and column, and one problem anywhere keeps the
whole file out. Country codes must be ISO 3166 codes the platform knows (names are refused).
"""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import gettext as _

from migdev.coordination.countries import UnknownCountry, normalise_country_code
from migdev.coordination.models import MigrationPolicy
from migdev.coordination.policies.exports import POLICY_COLUMNS
from migdev.coordination.policies.services import (
    PolicyInput,
    PreparedPolicy,
    policies_save_prepared,
    policy_prepare,
)
from migdev.dataio.errors import ErrorCollector
from migdev.dataio.exports import FORMULA_TRIGGERS, FORMULA_TRIGGERS_AFTER_SPACE
from migdev.dataio.progress import Progress
from migdev.dataio.readers import Row, estimate_data_rows, read_table
from migdev.dataio.registry import ImportResult

if TYPE_CHECKING:
    from migdev.accounts.models import User

REQUIRED = {"identifier", "country_iso3", "title", "year", "kind", "direction", "domain", "source_name"}
OPTIONAL = {
    "original_title",
    "adopted_on",
    "adopted_precision",
    "ended_on",
    "area",
    "status",
    "partners",
    "topics",
    "summary",
    "development_relevance",
    "source_url",
    "source_edition",
    "published",
}
EXPORT_LANGUAGES = ("en", "fr", "es")
YES = {"yes", "y", "true", "1", "oui", "sí", "si"}
NO = {"no", "n", "false", "0", "non"}


def export_header_aliases() -> dict[str, str]:
    """The policy export's column headers in every language the platform writes them in → column names."""
    aliases: dict[str, str] = {}
    for language in EXPORT_LANGUAGES:
        with translation.override(language):
            for key, header in POLICY_COLUMNS:
                aliases[str(header)] = key
    return aliases


def _text(value: str | None) -> str:
    """A cell as text, without the quote the export puts before text that a spreadsheet could run."""
    text = (value or "").strip()
    if text.startswith("'"):
        rest = text[1:]
        if rest.startswith(FORMULA_TRIGGERS) or rest.lstrip().startswith(FORMULA_TRIGGERS_AFTER_SPACE):
            return rest
    return text


def _split(value: str | None) -> list[str]:
    return _text(value).replace(";", " ").replace(",", " ").split()


def _date(number: int, row: Row, column: str, errors: ErrorCollector) -> datetime.date | None:
    value = _text(row[column])
    if not value:
        return None
    try:
        return datetime.date.fromisoformat(value[:10])
    except ValueError:
        errors.add(number, column, _("“%(value)s” is not a date (YYYY-MM-DD).") % {"value": value})
        return None


def _clean_row(number: int, row: Row, errors: ErrorCollector) -> tuple[PolicyInput, bool | None] | None:
    """The row as a policy and its ``published`` value (None: not given), or None after adding errors."""
    before = errors.total
    for column in sorted(REQUIRED):
        if not _text(row[column]):
            errors.add(number, column, _("This column is required and the cell is empty."))
    year_text = _text(row["year"])
    year = 0
    if year_text:
        try:
            year = int(year_text)
        except ValueError:
            errors.add(number, "year", _("“%(value)s” is not a year.") % {"value": year_text})
        else:
            if not 1800 <= year <= 2200:
                errors.add(number, "year", _("The year must be between 1800 and 2200."))
    country = _text(row["country_iso3"])
    if country:
        try:
            country = normalise_country_code(country)
        except UnknownCountry:
            errors.add(number, "country_iso3", _("Unknown country code: %(code)s") % {"code": country})
    partners = []
    for code in _split(row["partners"]):
        try:
            partners.append(normalise_country_code(code))
        except UnknownCountry:
            errors.add(number, "partners", _("Unknown country code: %(code)s") % {"code": code})
    adopted_on = _date(number, row, "adopted_on", errors)
    ended_on = _date(number, row, "ended_on", errors)
    published_text = _text(row["published"]).casefold()
    published: bool | None = None
    if published_text in YES:
        published = True
    elif published_text in NO:
        published = False
    elif published_text:
        errors.add(number, "published", _("Write yes or no."))
    if errors.total > before:
        return None
    data = PolicyInput(
        identifier=_text(row["identifier"]),
        country_code=country,
        title=_text(row["title"]),
        original_title=_text(row["original_title"]),
        year=year,
        adopted_on=adopted_on,
        adopted_precision=_text(row["adopted_precision"]) or "day",
        ended_on=ended_on,
        kind=_text(row["kind"]),
        direction=_text(row["direction"]),
        domain=_text(row["domain"]),
        area=_text(row["area"]),
        status=_text(row["status"]) or MigrationPolicy.Status.IN_FORCE,
        summary=_text(row["summary"]),
        development_relevance=_text(row["development_relevance"]),
        topic_codes=_split(row["topics"]),
        partner_codes=partners,
        source_name=_text(row["source_name"]),
        source_url=_text(row["source_url"]),
        source_edition=_text(row["source_edition"]),
    )
    data.is_published = bool(published)
    return data, published


def _column(field_name: str) -> str:
    """The file column a validation error of the model or service is about."""
    if field_name in REQUIRED | OPTIONAL:
        return field_name
    # The model's one check across fields: a policy cannot end before it was adopted.
    return "ended_on" if field_name == "__all__" else field_name


def load_migration_policies(path: Path, *, progress: Progress, user: User | None) -> ImportResult:
    errors = ErrorCollector(path.name)
    rows: list[tuple[int, PolicyInput, bool | None]] = []
    first_row: dict[str, int] = {}
    read = 0
    progress.start(estimate_data_rows(path))
    for number, row in read_table(
        path, required=REQUIRED, optional=OPTIONAL, aliases=export_header_aliases()
    ):
        read += 1
        identifier = _text(row["identifier"])
        if identifier in first_row:
            errors.add(
                number,
                "identifier",
                _("“%(id)s” is also on row %(first)d; an identifier may appear once per file.")
                % {"id": identifier, "first": first_row[identifier]},
            )
        elif identifier:
            first_row[identifier] = number
        cleaned = _clean_row(number, row, errors)
        if cleaned is not None:
            rows.append((number, *cleaned))
        progress.advance()
    existing = {
        policy.identifier: policy
        for policy in MigrationPolicy.objects.filter(identifier__in=[row[1].identifier for row in rows])
    }
    prepared: list[PreparedPolicy] = []
    for number, data, published in rows:
        policy = existing.get(data.identifier)
        if policy is not None and published is None:
            data.is_published = policy.is_published
        try:
            prepared.append(policy_prepare(data, policy))
        except ValidationError as error:
            for field_name, messages in error.message_dict.items():
                for message in messages:
                    errors.add(number, _column(field_name), message)
    errors.raise_if_any(read=read)
    # The dataio runner wraps this in one transaction and writes the audit entry for the import.
    created, updated = policies_save_prepared(actor=user, prepared=prepared) if prepared else (0, 0)
    progress.finish()
    return ImportResult(read=read, created=created, updated=updated, rejected=0)
