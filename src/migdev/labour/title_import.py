"""Load format ``shortage-list``: a destination's shortage-occupation list, with free-text job titles mapped
to ESCO occupations through the skills search, and the confirmation of the titles it could not map alone.

Columns: destination_iso3, title, listed_on (YYYY-MM-DD), source; optional: source_url, isco_code, esco_uri,
language (en, fr or es: the language of the title, default en). A row with ``esco_uri`` uses that occupation
(it must be in the current ESCO edition). Otherwise the title is searched: when the best occupation is a
full match that clearly leads the next one, it is applied with its score as confidence; when several
occupations come close, or none matches, the title waits as a ``TitleMapping`` for a person to pick the
occupation, and nothing is added to the list for it until then. Never silently picked.

All or nothing: any bad row refuses the whole file with its row and column.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from migdev.accounts import access
from migdev.accounts.access import UserLike
from migdev.audit.models import AuditAction
from migdev.core.versioning import claim_version
from migdev.dataio.errors import ErrorCollector
from migdev.dataio.progress import Progress
from migdev.dataio.readers import estimate_data_rows, read_table
from migdev.dataio.registry import ImportResult
from migdev.labour.loaders import cell_date
from migdev.labour.models import ShortageOccupation, TitleMapping
from migdev.labour.services import _audit, _require, _user
from migdev.reference.models import Country

if TYPE_CHECKING:
    from migdev.accounts.models import User

REQUIRED = frozenset({"destination_iso3", "title", "listed_on", "source"})
OPTIONAL = frozenset({"source_url", "isco_code", "esco_uri", "language"})
TITLE_LANGUAGES = ("en", "fr", "es")
CANDIDATES = 5
# A title maps alone only when its best occupation covers it fully (a score near an exact preferred label)
# and the runner-up scores clearly lower; anything closer is for a person to decide.
CONFIDENT_SCORE = 0.9
LEAD_RATIO = 0.8


@dataclass(frozen=True)
class TitleMatch:
    status: str
    occupation_uri: str
    isco_code: str
    confidence: float | None
    candidates: list[dict[str, Any]]


def match_title(title: str, *, lang: str) -> TitleMatch:
    """The occupation a job title means, or the candidates a person must choose from."""
    from migdev.skills.selectors import search_occupations

    hits = search_occupations(title, lang=lang, limit=CANDIDATES)
    candidates = [
        {"uri": hit.uri, "label": hit.label, "isco_code": hit.isco_code, "score": hit.score} for hit in hits
    ]
    if not hits:
        return TitleMatch(TitleMapping.Status.UNMATCHED, "", "", None, [])
    best = hits[0]
    runner_up = hits[1].score if len(hits) > 1 else 0.0
    if best.score >= CONFIDENT_SCORE and runner_up < LEAD_RATIO * best.score:
        return TitleMatch(TitleMapping.Status.MAPPED, best.uri, best.isco_code[:4], best.score, candidates)
    return TitleMatch(TitleMapping.Status.AMBIGUOUS, "", "", None, candidates)


def load_shortage_list(path: Path, *, progress: Progress, user: User | None) -> ImportResult:
    from migdev.skills.models import Occupation
    from migdev.skills.selectors import current_edition

    errors = ErrorCollector(path.name)
    countries = set(Country.objects.values_list("iso3", flat=True))
    rows: list[dict[str, Any]] = []
    seen: dict[tuple[str, str, datetime.date], int] = {}
    read = 0
    progress.start(estimate_data_rows(path))
    for number, row in read_table(path, required=REQUIRED, optional=OPTIONAL):
        read += 1
        progress.advance()
        country = str(row["destination_iso3"] or "").strip().upper()
        if country not in countries:
            errors.add(
                number,
                "destination_iso3",
                _("Unknown country code “%(code)s” (ISO 3166 alpha-3).") % {"code": country[:10]},
            )
            continue
        title = " ".join(str(row["title"] or "").split())[:300]
        if not title:
            errors.add(number, "title", _("The job title is empty."))
            continue
        try:
            listed_on = cell_date(row["listed_on"])
            if listed_on is None:
                raise ValueError
        except ValueError:
            errors.add(number, "listed_on", _("Not a date as YYYY-MM-DD."))
            continue
        source = str(row["source"] or "").strip()[:300]
        if not source:
            errors.add(number, "source", _("Name the list."))
            continue
        language = str(row["language"] or "en").strip().lower()
        if language not in TITLE_LANGUAGES:
            errors.add(number, "language", _("The language of a title is en, fr or es."))
            continue
        isco = str(row["isco_code"] or "").strip()
        if isco and not (isco.isdigit() and 1 <= len(isco) <= 4):
            errors.add(number, "isco_code", _("An ISCO-08 code has one to four digits."))
            continue
        url = str(row["source_url"] or "").strip()[:500]
        if url and not url.startswith(("https://", "http://")):
            errors.add(number, "source_url", _("A web address starts with https:// or http://."))
            continue
        key = (country, title.casefold(), listed_on)
        if key in seen:
            errors.add(number, "title", _("The same title is also on row %(row)d.") % {"row": seen[key]})
            continue
        seen[key] = number
        rows.append(
            {
                "row": number,
                "country": country,
                "title": title,
                "language": language,
                "esco_uri": str(row["esco_uri"] or "").strip(),
                "payload": {
                    "listed_on": listed_on.isoformat(),
                    "source": source,
                    "source_url": url,
                    "isco_code": isco,
                },
            }
        )
    errors.raise_if_any(read=read)
    # Mapping comes once every row is sound: the search is the costly part.
    edition = current_edition("esco")
    if edition is None:
        errors.add(None, None, _("No ESCO edition is loaded: job titles cannot be mapped."))
        errors.raise_if_any(read=read)
    for item in rows:
        if item["esco_uri"]:
            occupation = Occupation.objects.filter(edition=edition, uri=item["esco_uri"]).first()
            if occupation is None:
                errors.add(item["row"], "esco_uri", _("Not an occupation of the current ESCO edition."))
                continue
            item["match"] = TitleMatch(
                TitleMapping.Status.MAPPED, occupation.uri, occupation.isco_code[:4], 1.0, []
            )
        else:
            item["match"] = match_title(item["title"], lang=item["language"])
    errors.raise_if_any(read=read)
    created = 0
    # The dataio runner wraps this in one transaction and writes the audit entry for the import.
    for item in rows:
        match: TitleMatch = item["match"]
        mapping = TitleMapping(
            kind=TitleMapping.Kind.SHORTAGE,
            source_file=path.name[:255],
            row=item["row"],
            title=item["title"],
            language=item["language"],
            destination_country_id=item["country"],
            candidates=match.candidates,
            confidence=match.confidence,
            status=match.status,
            occupation_uri=match.occupation_uri,
            payload=item["payload"],
        )
        if match.status == TitleMapping.Status.MAPPED:
            mapping.shortage, was_created = _shortage(mapping, match.occupation_uri, match.isco_code)
            created += was_created
        mapping.save()
    progress.finish()
    return ImportResult(read=read, created=created, updated=0, rejected=0)


def _shortage(mapping: TitleMapping, uri: str, isco: str) -> tuple[ShortageOccupation, bool]:
    payload = mapping.payload
    listed_on = datetime.date.fromisoformat(payload["listed_on"])
    return ShortageOccupation.objects.get_or_create(
        destination_country_id=mapping.destination_country_id,
        isco_code=(payload.get("isco_code") or isco)[:4],
        occupation_uri=uri,
        listed_on=listed_on,
        defaults={"source": payload["source"], "source_url": payload.get("source_url", "")},
    )


def mappings_to_confirm(user: UserLike | None) -> Any:
    """Titles waiting for ``user``: every shortage-list title, and the job-order titles of the schemes
    they run (a job order of another scheme is outside their reach)."""
    from migdev.labour.selectors import job_orders_officer_changes

    if not access.has_permission(user, "labour.confirm_titlemapping"):
        return TitleMapping.objects.none()
    reach = Q(kind=TitleMapping.Kind.SHORTAGE) | Q(
        kind=TitleMapping.Kind.JOB_ORDER, job_order__in=job_orders_officer_changes(user)
    )
    return (
        TitleMapping.objects.filter(status__in=(TitleMapping.Status.AMBIGUOUS, TitleMapping.Status.UNMATCHED))
        .filter(reach)
        .select_related("destination_country", "job_order__scheme", "job_order__employer__organisation")
    )


def mapping_confirm(
    *, actor: UserLike | None, mapping: TitleMapping, occupation_uri: str, expected_version: int | None
) -> TitleMapping:
    """A person picks the occupation of an ambiguous or unmatched title; the list entry is created then."""
    from migdev.skills.models import Occupation
    from migdev.skills.selectors import current_edition

    _require(access.has_permission(actor, "labour.confirm_titlemapping"))
    if mapping.status not in (TitleMapping.Status.AMBIGUOUS, TitleMapping.Status.UNMATCHED):
        raise ValidationError({"occupation_uri": _("This title is already mapped.")})
    occupation = Occupation.objects.filter(edition=current_edition("esco"), uri=occupation_uri).first()
    if occupation is None:
        raise ValidationError({"occupation_uri": _("Not an occupation of the current ESCO edition.")})
    with transaction.atomic():
        claim_version(mapping, expected_version)
        if mapping.kind == TitleMapping.Kind.JOB_ORDER:
            _job_order_occupation(actor, mapping, occupation.uri, occupation.isco_code[:4])
        else:
            mapping.shortage, _created = _shortage(mapping, occupation.uri, occupation.isco_code[:4])
        mapping.occupation_uri = occupation.uri
        mapping.status = TitleMapping.Status.CONFIRMED
        mapping.confirmed_by = _user(actor)
        mapping.confirmed_at = timezone.now()
        mapping.save()
        _audit(AuditAction.UPDATE, actor, mapping, occupation=occupation.uri)
    return mapping


def _job_order_occupation(actor: UserLike | None, mapping: TitleMapping, uri: str, isco: str) -> None:
    from migdev.labour.models import JobOrder
    from migdev.labour.selectors import job_orders_officer_changes

    job_order = (
        job_orders_officer_changes(actor).filter(pk=mapping.job_order_id).first()
        if mapping.job_order_id is not None
        else None
    )
    _require(job_order is not None)
    assert isinstance(job_order, JobOrder)
    claim_version(job_order, None)  # a job-order form opened before this cannot overwrite the occupation
    job_order.occupation_uri, job_order.isco_code = uri, isco
    job_order.updated_at = timezone.now()
    job_order.save(update_fields=["occupation_uri", "isco_code", "updated_at"])
    _audit(AuditAction.UPDATE, actor, job_order, occupation=uri, step="title_confirmed")
