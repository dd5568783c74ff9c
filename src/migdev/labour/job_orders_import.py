"""Load format ``labour-job-orders``: employers' job orders from CSV or XLSX, with free-text job titles
mapped to ESCO occupations through the skills search, and the confirmation of the titles it could not map.

Columns (required): scheme (the scheme's number or its reference), employer (the organisation's name; an
employer verified for work in the scheme's destination), occupation (an ESCO occupation URI, or a free-text
job title), positions, place, start_date (YYYY-MM-DD), contract_months, wage_amount, wage_currency (ISO
4217), wage_period (hour, day, week, month, year), hours_per_week. Optional: title (the title shown;
default the occupation cell), title_language (en, fr, es; default en), essential_skills and
optional_skills (ESCO skill URIs or exact labels, separated by ";"), languages ("fra:B2; eng:A2", ISO 639
codes with CEFR levels), housing_terms, travel_terms, recruiter (the agency's name on the licence roster).

A free-text occupation is applied only when the search's best occupation clearly leads
(``title_import.match_title``); otherwise the job order is stored without an occupation and a
``TitleMapping`` waits with its candidates for a scheme officer to pick it. Imported job orders are
*submitted*: a scheme officer approves them, and approval is refused while a title waits.

All or nothing: any bad row refuses the whole file, each problem naming its row and column. A row that
repeats a job order already stored (same scheme, employer, title, place and start date), or another row of
the file, is refused, so loading the same file twice adds nothing.
"""

from __future__ import annotations

import datetime
import re
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils.translation import gettext as _

from migdev.accounts import access
from migdev.audit.models import AuditAction
from migdev.dataio.errors import ErrorCollector
from migdev.dataio.progress import Progress
from migdev.dataio.readers import estimate_data_rows, read_table
from migdev.dataio.registry import ImportResult
from migdev.labour.loaders import cell_date
from migdev.labour.models import CefrLevel, Employer, JobOrder, Recruiter, Scheme, TitleMapping, WagePeriod
from migdev.labour.services import MAX_URIS, _audit, language_code
from migdev.labour.title_import import TITLE_LANGUAGES, TitleMatch, match_title
from migdev.reference.models import Currency

if TYPE_CHECKING:
    from migdev.accounts.models import User

FORMAT_NAME = "labour-job-orders"
REQUIRED = frozenset(
    {
        "scheme",
        "employer",
        "occupation",
        "positions",
        "place",
        "start_date",
        "contract_months",
        "wage_amount",
        "wage_currency",
        "wage_period",
        "hours_per_week",
    }
)
OPTIONAL = frozenset(
    {
        "title",
        "title_language",
        "essential_skills",
        "optional_skills",
        "languages",
        "housing_terms",
        "travel_terms",
        "recruiter",
    }
)
LIST_SEPARATOR = ";"
# Plain decimals only: "1,200" could be a thousand and two hundred or one point two, so it is refused.
PLAIN_DECIMAL = re.compile(r"^\d{1,10}(\.\d{1,2})?$")
PLAIN_INTEGER = re.compile(r"^\d{1,6}$")
LANGUAGE_ITEM = re.compile(r"^([A-Za-z]{2,3})\s*[:\s]\s*([ABCabc][12])$")
MAX_HOURS = Decimal(84)
MAX_TEXT = 2000


def _text(value: Any) -> str:
    return " ".join(str(value or "").split())


def _is_uri(value: str) -> bool:
    return value.startswith(("http://", "https://"))


class _Row:
    """One file row's cleaned values; ``bad`` once any cell was refused."""

    def __init__(self, number: int, errors: ErrorCollector) -> None:
        self.number = number
        self.errors = errors
        self.bad = False

    def refuse(self, column: str, reason: str) -> None:
        self.errors.add(self.number, column, reason)
        self.bad = True


def _integer(row: _Row, cells: dict[str, Any], column: str) -> int | None:
    value = _text(cells[column])
    if not PLAIN_INTEGER.match(value) or int(value) < 1:
        row.refuse(column, _("Give a whole number of 1 or more."))
        return None
    return int(value)


def _decimal(row: _Row, cells: dict[str, Any], column: str) -> Decimal | None:
    value = _text(cells[column])
    if not PLAIN_DECIMAL.match(value):
        row.refuse(column, _("Give a number written with a point for decimals and no thousands separator."))
        return None
    try:
        amount = Decimal(value)
    except InvalidOperation:  # pragma: no cover - the pattern admits only valid decimals
        row.refuse(column, _("Not a number."))
        return None
    if amount <= 0:
        row.refuse(column, _("Give a number above zero."))
        return None
    return amount


def _languages(row: _Row, value: Any) -> list[dict[str, Any]]:
    levels: dict[str, int] = {}
    for item in (part.strip() for part in str(value or "").split(LIST_SEPARATOR)):
        if not item:
            continue
        found = LANGUAGE_ITEM.match(item)
        if found is None:
            row.refuse("languages", _("Write each language as a code and a CEFR level, e.g. fra:B2."))
            return []
        try:
            code = language_code(found.group(1))
        except ValidationError:
            row.refuse("languages", _("Unknown language code “%(code)s”.") % {"code": found.group(1)[:10]})
            return []
        level = CefrLevel[found.group(2).upper()].value
        levels[code] = max(level, levels.get(code, 0))
    return [{"code": code, "level": level} for code, level in sorted(levels.items())]


class _Skills:
    """ESCO skills of the current edition by URI, or by an exact label in English, French or Spanish."""

    def __init__(self, edition: Any) -> None:
        self.edition = edition

    def resolve(self, row: _Row, column: str, value: Any) -> list[str]:
        from migdev.skills.models import Skill

        items = [_text(part) for part in str(value or "").split(LIST_SEPARATOR)]
        items = [item for item in items if item]
        if len(items) > MAX_URIS:
            row.refuse(column, _("At most %(n)d concepts.") % {"n": MAX_URIS})
            return []
        uris: list[str] = []
        skills = Skill.objects.filter(edition=self.edition)
        for item in items:
            if _is_uri(item):
                found = list(skills.filter(uri=item).values_list("uri", flat=True)[:1])
            else:
                label = item.casefold()
                found = list(
                    skills.annotate(en=Lower("label_en"), fr=Lower("label_fr"), es=Lower("label_es"))
                    .filter(Q(en=label) | Q(fr=label) | Q(es=label))
                    .values_list("uri", flat=True)[:2]
                )
            if not found:
                row.refuse(
                    column, _("Not a skill of the current ESCO edition: “%(skill)s”.") % {"skill": item[:80]}
                )
                return []
            if len(found) > 1:
                row.refuse(
                    column,
                    _("Several ESCO skills have the label “%(skill)s”: give its URI.") % {"skill": item[:80]},
                )
                return []
            uris.append(found[0])
        return list(dict.fromkeys(uris))


def _scheme(row: _Row, value: Any, reachable: dict[str, Scheme]) -> Scheme | None:
    key = _text(value)
    scheme = reachable.get(key) or reachable.get(key.casefold())
    if scheme is None:
        # The same answer for a scheme that does not exist and one the importer does not run.
        row.refuse(
            "scheme", _("No scheme you run has the number or reference “%(scheme)s”.") % {"scheme": key[:60]}
        )
    return scheme


def _schemes_reachable(user: User | None) -> dict[str, Scheme]:
    schemes = list(Scheme.objects.select_related("destination_country"))
    if user is not None:
        schemes = [
            scheme
            for scheme in schemes
            if access.reaches(user, "labour.add_joborder", organisation_id=scheme.organisation_id)
        ]
    found: dict[str, Scheme] = {}
    references: dict[str, int] = {}
    for scheme in schemes:
        found[str(scheme.pk)] = scheme
        if scheme.reference:
            references[scheme.reference.casefold()] = references.get(scheme.reference.casefold(), 0) + 1
            found.setdefault(scheme.reference.casefold(), scheme)
    for reference, count in references.items():
        if count > 1:  # a reference two schemes share names neither
            found.pop(reference, None)
    return found


def _employer(row: _Row, value: Any, scheme: Scheme) -> Employer | None:
    name = _text(value)
    if not name:
        row.refuse("employer", _("Name the employer."))
        return None
    employer = (
        Employer.objects.select_related("organisation")
        .annotate(lname=Lower("organisation__name"))
        .filter(lname=name.casefold())
        .first()
    )
    if employer is None:
        row.refuse(
            "employer", _("No employer is registered under the name “%(name)s”.") % {"name": name[:80]}
        )
        return None
    if employer.verified_at is None:
        row.refuse(
            "employer",
            _("The employer “%(name)s” has not been verified: verify it first.") % {"name": name[:80]},
        )
        return None
    if employer.country_id != scheme.destination_country_id:
        row.refuse(
            "employer",
            _("The employer “%(name)s” is verified for %(country)s, not for the scheme's destination.")
            % {"name": name[:80], "country": employer.country_id},
        )
        return None
    return employer


def _recruiter(row: _Row, value: Any) -> Recruiter | None:
    name = _text(value)
    if not name:
        return None
    recruiter = (
        Recruiter.objects.annotate(lname=Lower("organisation__name"))
        .filter(lname=name.casefold())
        .order_by("-roster_date", "-pk")
        .first()
    )
    if recruiter is None:
        row.refuse(
            "recruiter",
            _("No recruiter of that name is on a licence roster: “%(name)s”.") % {"name": name[:80]},
        )
    return recruiter


def _parse_row(
    number: int, cells: dict[str, Any], errors: ErrorCollector, context: dict[str, Any]
) -> dict[str, Any] | None:
    row = _Row(number, errors)
    scheme = _scheme(row, cells["scheme"], context["schemes"])
    employer = _employer(row, cells["employer"], scheme) if scheme else None
    occupation = _text(cells["occupation"])[:300]
    if not occupation:
        row.refuse("occupation", _("Give an ESCO occupation URI or a job title."))
    title = (_text(cells["title"]) or occupation)[:200]
    language = (_text(cells["title_language"]) or "en").lower()
    if language not in TITLE_LANGUAGES:
        row.refuse("title_language", _("The language of a title is en, fr or es."))
    positions = _integer(row, cells, "positions")
    months = _integer(row, cells, "contract_months")
    place = _text(cells["place"])[:200]
    if not place:
        row.refuse("place", _("Give the place of work."))
    try:
        start = cell_date(cells["start_date"])
        if start is None:
            raise ValueError
    except ValueError:
        start = None
        row.refuse("start_date", _("Not a date as YYYY-MM-DD."))
    if scheme and start:
        if start < scheme.start_date:
            row.refuse("start_date", _("The job starts before the scheme does."))
        elif scheme.end_date and start > scheme.end_date:
            row.refuse("start_date", _("The job starts after the scheme ends."))
    wage = _decimal(row, cells, "wage_amount")
    currency = _text(cells["wage_currency"]).upper()
    if currency not in context["currencies"]:
        row.refuse(
            "wage_currency", _("Unknown currency code “%(code)s” (ISO 4217).") % {"code": currency[:10]}
        )
    period = _text(cells["wage_period"]).lower()
    if period not in WagePeriod.values:
        row.refuse(
            "wage_period",
            _("Unknown wage period; use one of: %(values)s") % {"values": ", ".join(WagePeriod.values)},
        )
    hours = _decimal(row, cells, "hours_per_week")
    if hours is not None and hours > MAX_HOURS:
        row.refuse("hours_per_week", _("More than %(hours)d hours a week.") % {"hours": MAX_HOURS})
    essential = context["skills"].resolve(row, "essential_skills", cells["essential_skills"])
    optional = context["skills"].resolve(row, "optional_skills", cells["optional_skills"])
    languages = _languages(row, cells["languages"])
    recruiter = _recruiter(row, cells["recruiter"])
    housing = str(cells["housing_terms"] or "").strip()
    travel = str(cells["travel_terms"] or "").strip()
    for column, text in (("housing_terms", housing), ("travel_terms", travel)):
        if len(text) > MAX_TEXT:
            row.refuse(column, _("At most %(n)d characters.") % {"n": MAX_TEXT})
    if row.bad:
        return None
    assert scheme is not None and employer is not None and start is not None
    assert positions is not None and months is not None and wage is not None and hours is not None
    return {
        "row": number,
        "occupation": occupation,
        "language": language,
        "key": (scheme.pk, employer.pk, title.casefold(), place.casefold(), start),
        "job_order": JobOrder(
            scheme=scheme,
            employer=employer,
            recruiter=recruiter,
            title=title,
            essential_skill_uris=essential,
            optional_skill_uris=[uri for uri in optional if uri not in essential],
            languages=languages,
            positions=positions,
            place=place,
            destination_country_id=scheme.destination_country_id,
            start_date=start,
            contract_months=months,
            wage_amount=wage,
            wage_currency=currency,
            wage_period=period,
            hours_per_week=hours,
            housing_terms=housing,
            travel_terms=travel,
            approval_status=JobOrder.Approval.SUBMITTED,
            is_sample=scheme.is_sample,
        ),
    }


def _already_stored(key: tuple[int, int, str, str, datetime.date]) -> bool:
    scheme_id, employer_id, title, place, start = key
    return (
        JobOrder.objects.annotate(ltitle=Lower("title"), lplace=Lower("place"))
        .filter(scheme_id=scheme_id, employer_id=employer_id, ltitle=title, lplace=place, start_date=start)
        .exists()
    )


def load_job_orders(path: Path, *, progress: Progress, user: User | None) -> ImportResult:
    from migdev.skills.models import Occupation
    from migdev.skills.selectors import current_edition

    errors = ErrorCollector(path.name)
    edition = current_edition("esco")
    context = {
        "schemes": _schemes_reachable(user),
        "currencies": set(Currency.objects.values_list("code", flat=True)),
        "skills": _Skills(edition),
    }
    rows: list[dict[str, Any]] = []
    seen: dict[tuple[Any, ...], int] = {}
    read = 0
    progress.start(estimate_data_rows(path))
    for number, cells in read_table(path, required=REQUIRED, optional=OPTIONAL):
        read += 1
        progress.advance()
        item = _parse_row(number, cells, errors, context)
        if item is None:
            continue
        if item["key"] in seen:
            errors.add(
                number, "title", _("The same job order is also on row %(row)d.") % {"row": seen[item["key"]]}
            )
            continue
        seen[item["key"]] = number
        if _already_stored(item["key"]):
            errors.add(
                number,
                "title",
                _("This job order is already stored (same scheme, employer, title, place and start)."),
            )
            continue
        rows.append(item)
    errors.raise_if_any(read=read)
    if edition is None:
        errors.add(None, None, _("No ESCO edition is loaded: job titles cannot be mapped."))
        errors.raise_if_any(read=read)
    # Mapping comes once every row is sound: the search is the costly part.
    for item in rows:
        if _is_uri(item["occupation"]):
            occupation = Occupation.objects.filter(edition=edition, uri=item["occupation"]).first()
            if occupation is None:
                errors.add(item["row"], "occupation", _("Not an occupation of the current ESCO edition."))
                continue
            item["match"] = TitleMatch(
                TitleMapping.Status.MAPPED, occupation.uri, occupation.isco_code[:4], 1.0, []
            )
        else:
            item["match"] = match_title(item["occupation"], lang=item["language"])
    errors.raise_if_any(read=read)
    # The dataio runner wraps this in one transaction and writes the audit entry for the import.
    for item in rows:
        match: TitleMatch = item["match"]
        job_order: JobOrder = item["job_order"]
        job_order.occupation_uri = match.occupation_uri
        job_order.isco_code = match.isco_code
        job_order.save()
        TitleMapping.objects.create(
            kind=TitleMapping.Kind.JOB_ORDER,
            source_file=path.name[:255],
            row=item["row"],
            title=item["occupation"],
            language=item["language"],
            destination_country_id=job_order.destination_country_id,
            candidates=match.candidates,
            confidence=match.confidence,
            status=match.status,
            occupation_uri=match.occupation_uri,
            job_order=job_order,
        )
        _audit(AuditAction.CREATE, user, job_order, source_file=path.name[:255], row=item["row"])
    progress.finish()
    return ImportResult(read=read, created=len(rows), updated=0, rejected=0)


def title_pending(job_order: JobOrder) -> bool:
    """Whether the job order's title still waits for a person to pick its occupation."""
    return (
        not job_order.occupation_uri
        or TitleMapping.objects.filter(
            job_order=job_order, status__in=(TitleMapping.Status.AMBIGUOUS, TitleMapping.Status.UNMATCHED)
        ).exists()
    )
