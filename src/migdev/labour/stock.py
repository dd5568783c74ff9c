"""Load format ``labour-occupation-stock``: how many workers of an ISCO-08 group a country of origin has, as
a source published it (CSV or XLSX), for the brain-drain view.

Columns: country_iso3, isco_code (ISCO-08, 1 to 4 digits), year, count (a whole number, no separator),
source, edition; optional ``sample`` (yes/no: a fixture, never a headline). One figure per country, group,
year, source and edition; loading the same key again updates its count, so the load can run again. All
or nothing: any bad row refuses the whole file, naming the row and column.

No public stock file is shipped with the platform (WHO NHWA and ILOSTAT tables are not in the project's
data); the tests' fixture is marked sample.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.utils import timezone
from django.utils.translation import gettext as _

from migdev.dataio.errors import ErrorCollector
from migdev.dataio.progress import Progress
from migdev.dataio.readers import estimate_data_rows, read_table
from migdev.dataio.registry import ImportResult
from migdev.labour.models import OccupationStock
from migdev.reference.models import Country

if TYPE_CHECKING:
    from migdev.accounts.models import User

FORMAT_NAME = "labour-occupation-stock"
REQUIRED = frozenset({"country_iso3", "isco_code", "year", "count", "source", "edition"})
OPTIONAL = frozenset({"sample"})
ISCO_CODE = re.compile(r"^\d{1,4}$")
YEAR = re.compile(r"^\d{4}$")
# Digits only: "1,200" or "1.200" could be a thousand and two hundred or one point two; both are refused.
COUNT = re.compile(r"^\d{1,9}$")
YES = {"yes", "y", "true", "1", "oui", "sí", "si"}
NO = {"", "no", "n", "false", "0", "non"}
FIRST_YEAR = 1950


def _text(value: Any) -> str:
    return " ".join(str(value or "").split())


def _known_isco_codes() -> set[str] | None:
    """The current ISCO-08 edition's codes; None when no edition is loaded (the pattern alone is checked)."""
    from migdev.skills.models import IscoGroup
    from migdev.skills.selectors import current_edition

    edition = current_edition("isco")
    if edition is None:
        return None
    return set(IscoGroup.objects.filter(edition=edition).values_list("code", flat=True))


def load_occupation_stock(path: Path, *, progress: Progress, user: User | None) -> ImportResult:
    errors = ErrorCollector(path.name)
    countries = set(Country.objects.values_list("iso3", flat=True))
    isco_codes = _known_isco_codes()
    last_year = timezone.localdate().year
    rows: list[dict[str, Any]] = []
    seen: dict[tuple[str, str, int, str, str], int] = {}
    read = 0
    progress.start(estimate_data_rows(path))
    for number, row in read_table(path, required=REQUIRED, optional=OPTIONAL):
        read += 1
        progress.advance()
        bad = False

        def refuse(column: str, reason: str, number: int = number) -> None:
            nonlocal bad
            errors.add(number, column, reason)
            bad = True

        country = _text(row["country_iso3"]).upper()
        if country not in countries:
            refuse(
                "country_iso3",
                _("Unknown country code “%(code)s” (ISO 3166 alpha-3).") % {"code": country[:10]},
            )
        isco = _text(row["isco_code"])
        if not ISCO_CODE.match(isco):
            refuse("isco_code", _("Give an ISCO-08 group code of 1 to 4 digits."))
        elif isco_codes is not None and isco not in isco_codes:
            refuse("isco_code", _("“%(code)s” is not an ISCO-08 group.") % {"code": isco})
        year_text = _text(row["year"])
        year = int(year_text) if YEAR.match(year_text) else 0
        if not FIRST_YEAR <= year <= last_year:
            refuse(
                "year",
                _("Give a year from %(first)d to %(last)d.") % {"first": FIRST_YEAR, "last": last_year},
            )
        count_text = _text(row["count"])
        if not COUNT.match(count_text):
            refuse(
                "count",
                _("Give a whole number of workers, digits only (no thousands separator, no decimals)."),
            )
        source = _text(row["source"])
        if not source or len(source) > 300:
            refuse("source", _("Name the source (at most 300 characters)."))
        edition = _text(row["edition"])
        if not edition or len(edition) > 100:
            refuse("edition", _("Name the source's edition (at most 100 characters)."))
        sample_text = _text(row["sample"]).casefold()
        if sample_text not in YES | NO:
            refuse("sample", _("Write yes or no."))
        if bad:
            continue
        key = (country, isco, year, source, edition)
        if key in seen:
            refuse("isco_code", _("The same figure is also on row %(row)d.") % {"row": seen[key]})
            continue
        seen[key] = number
        rows.append(
            {
                "country_id": country,
                "isco_code": isco,
                "year": year,
                "source": source,
                "edition": edition,
                "count": int(count_text),
                "is_sample": sample_text in YES,
            }
        )
    errors.raise_if_any(read=read)
    created = updated = 0
    # The dataio runner wraps this in one transaction and writes the audit entry for the import.
    for item in rows:
        _figure, was_created = OccupationStock.objects.update_or_create(
            country_id=item["country_id"],
            isco_code=item["isco_code"],
            year=item["year"],
            source=item["source"],
            edition=item["edition"],
            defaults={"count": item["count"], "is_sample": item["is_sample"]},
        )
        created += was_created
        updated += not was_created
    progress.finish()
    return ImportResult(read=read, created=created, updated=updated, rejected=0)


@dataclass(frozen=True)
class StockFigure:
    count: int
    year: int
    source: str
    edition: str
    is_sample: bool


def stock_figures(keys: set[tuple[str, str]]) -> dict[tuple[str, str], StockFigure]:
    """For each (country, ISCO code) the figure to set placements against: the latest year of a figure not
    marked sample, or, only where none exists, the latest sample figure (shown as sample). Only the exact
    group counts: a major group's figure is not the stock of one of its sub-major groups, and unit groups
    are not added up (a file may list only some of them)."""
    if not keys:
        return {}
    countries = {country for country, _isco in keys}
    codes = {isco for _country, isco in keys}
    chosen: dict[tuple[str, str], StockFigure] = {}
    figures = OccupationStock.objects.filter(country_id__in=countries, isco_code__in=codes).order_by(
        "is_sample", "-year", "-loaded_at", "-pk"
    )
    for figure in figures:
        key = (figure.country_id, figure.isco_code)
        if key in keys and key not in chosen:
            chosen[key] = StockFigure(
                figure.count, figure.year, figure.source, figure.edition, figure.is_sample
            )
    return chosen
