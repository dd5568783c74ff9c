"""Series other modules of migdev compute from their own records, published as editions of their own.

A computing module never writes the indicators' tables: it calls :func:`computed_edition_publish` with its
series, the observations and the method. The edition is of kind *computed by migdev* (or *sample data*
when the records are a sample: such an edition is never chosen as a default, a headline or an SDG status,
see ``selectors.editions_with``), its notes carry the method and the inputs, and every value carries a
footnote saying it was computed by migdev.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db import transaction

from migdev.indicators.models import Edition, Series, Source
from migdev.indicators.parsers.base import EditionInfo, ParsedFile, ParsedObservation
from migdev.indicators.services import LoadOutcome, observations_import

COMPUTED_PUBLISHER = "migdev"
FOOTNOTE_PREFIX = "Computed by migdev"


@dataclass(frozen=True)
class ComputedSeries:
    code: str
    name: str
    description: str  # the method
    unit: str = Series.Unit.PERCENT
    additive: bool = False
    counterpart_role: str = ""


@dataclass(frozen=True)
class ComputedSource:
    code: str
    name: str
    citation: str = ""


def computed_edition_publish(
    *,
    source: ComputedSource,
    edition_code: str,
    title: str,
    published: date,
    method: str,
    inputs: str,
    sample: bool,
    series: list[ComputedSeries],
    observations: list[ParsedObservation],
) -> LoadOutcome:
    """Store one computed edition, all or nothing; publishing the same edition again replaces its values."""
    if not method.strip() or not inputs.strip():
        raise ValueError("a computed edition states its method and its inputs")
    kind = Edition.Kind.SAMPLE if sample else Edition.Kind.COMPUTED
    notes = f"{FOOTNOTE_PREFIX}. Method: {method.strip()} Inputs: {inputs.strip()}"
    if sample:
        notes = "Sample data, not for publication. " + notes
    with transaction.atomic():
        Source.objects.update_or_create(
            code=source.code,
            defaults={"name": source.name, "publisher": COMPUTED_PUBLISHER, "citation": source.citation},
        )
        for item in series:
            Series.objects.update_or_create(
                code=item.code,
                defaults={
                    "name": item.name,
                    "description": item.description,
                    "unit": item.unit,
                    "additive": item.additive,
                    "counterpart_role": item.counterpart_role,
                },
            )
        existing = Edition.objects.filter(code=edition_code).first()
        if existing is not None and existing.kind != kind:
            raise ValueError(f"edition {edition_code!r} is already stored as {existing.kind}")
        parsed = ParsedFile(
            edition=EditionInfo(
                source=source.code,
                code=edition_code,
                title=title,
                published=published,
                kind=kind,
                notes=notes,
            ),
            observations=observations,
            rows_read=len(observations),
        )
        outcome = observations_import(parsed=parsed, file_name=edition_code, replace=True)
        Edition.objects.filter(code=edition_code).update(title=title, notes=notes)
    return outcome
