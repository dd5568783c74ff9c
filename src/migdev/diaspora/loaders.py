"""The directory of diaspora organisations, loaded from CSV or XLSX through the shared reader.

Columns: ``name`` (required), ``countries_of_origin`` and ``countries_of_residence`` (ISO alpha-3 codes
separated by ``;``), ``sectors`` (codes of :class:`~migdev.diaspora.models.Sector`, ``;``-separated),
``activities``, ``website``, ``source``. All or nothing; a name already in the directory (whatever its
case) is updated, so the load can be run again.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from migdev.core.versioning import claim_version
from migdev.dataio.errors import ErrorCollector
from migdev.dataio.progress import Progress
from migdev.dataio.readers import estimate_data_rows, read_table
from migdev.dataio.registry import ImportResult, LoadFormat
from migdev.diaspora.models import DiasporaOrganisation, Sector
from migdev.reference.models import Country

if TYPE_CHECKING:
    from migdev.accounts.models import User

REQUIRED = frozenset({"name"})
OPTIONAL = frozenset(
    {"countries_of_origin", "countries_of_residence", "sectors", "activities", "website", "source"}
)


def _codes(text: str | None) -> list[str]:
    return [part.strip().upper() for part in (text or "").split(";") if part.strip()]


def load_organisations(path: Path, *, progress: Progress, user: User | None) -> ImportResult:
    problems = ErrorCollector(path.name)
    known_countries = set(Country.objects.values_list("iso3", flat=True))
    sectors = set(Sector.values)
    rows: dict[str, dict[str, object]] = {}
    first_row: dict[str, int] = {}
    read = 0
    progress.start(estimate_data_rows(path))
    for number, row in read_table(path, required=REQUIRED, optional=OPTIONAL):
        read += 1
        name = " ".join((row["name"] or "").split())
        if not name:
            problems.add(number, "name", _("a name is required"))
            continue
        if len(name) > 200:
            problems.add(number, "name", _("longer than 200 characters"))
            continue
        key = name.casefold()
        if key in first_row:
            problems.add(
                number, "name", _("this organisation is also on row %(row)d") % {"row": first_row[key]}
            )
            continue
        first_row[key] = number
        record: dict[str, object] = {"name": name}
        for column in ("countries_of_origin", "countries_of_residence"):
            codes = _codes(row[column])
            unknown = [code for code in codes if code not in known_countries]
            if unknown:
                problems.add(
                    number,
                    column,
                    _("not ISO alpha-3 country codes: %(codes)s") % {"codes": ", ".join(unknown)},
                )
            record[column] = codes
        codes = [code.lower() for code in _codes(row["sectors"])]
        unknown = [code for code in codes if code not in sectors]
        if unknown:
            problems.add(
                number,
                "sectors",
                _("unknown sectors %(codes)s (known: %(known)s)")
                % {"codes": ", ".join(unknown), "known": ", ".join(sorted(sectors))},
            )
        record["sectors"] = codes
        website = (row["website"] or "").strip()
        if website:
            try:
                URLValidator(schemes=["http", "https"])(website)
            except ValidationError:
                problems.add(number, "website", _("not a web address"))
        record["website"] = website
        record["activities"] = (row["activities"] or "").strip()
        record["source"] = (row["source"] or "").strip()[:200] or path.name
        rows[key] = record
        progress.advance(1)
    if read == 0:
        problems.add(None, None, _("the file has no data rows"))
    problems.raise_if_any(read=read)
    existing = {
        organisation.name.casefold(): organisation for organisation in DiasporaOrganisation.objects.all()
    }
    created = updated = 0
    now = timezone.now()
    for key, record in rows.items():
        organisation = existing.get(key)
        if organisation is None:
            DiasporaOrganisation.objects.create(**record, updated_at=now)
            created += 1
            continue
        claim_version(organisation, None)
        for field, value in record.items():
            setattr(organisation, field, value)
        organisation.updated_at = now
        organisation.save()
        updated += 1
    return ImportResult(read=read, created=created, updated=updated, rejected=0)


FORMATS = (
    LoadFormat(
        name="diaspora-organisations",
        description=gettext_lazy(
            "Directory of diaspora organisations: name, countries_of_origin, countries_of_residence (ISO3, "
            "';'-separated), sectors, activities, website, source."
        ),
        loader=load_organisations,
        permissions=("diaspora.add_diasporaorganisation",),
    ),
)
