"""Reads of the vocabulary the parts share (Global Compact objectives) for the pages, API and exports. Every function takes the viewing user
and starts from the access functions, so unpublished records never leak.
"""

from __future__ import annotations

from dataclasses import dataclass

from migdev.accounts.models import Organisation
from migdev.coordination.models import GcmObjective, OrganisationName


@dataclass(frozen=True)
class LocalisedObjective:
    number: int
    title: str
    short_title: str
    language: str
    is_fallback: bool


def gcm_objectives_localised(language: str) -> list[LocalisedObjective]:
    """The 23 Global Compact objectives with their titles in ``language`` (English where not translated)."""
    return [
        LocalisedObjective(
            number=objective.number,
            title=objective.title_in(language),
            short_title=objective.short_title_in(language),
            language=language,
            is_fallback=language != "en" and not getattr(objective, f"title_{language}", ""),
        )
        for objective in GcmObjective.objects.order_by("number")
    ]


@dataclass(frozen=True)
class ShownName:
    """An organisation's name as a page shows it; ``lang`` is "en" when the English name stands in for a name the
    organisation has not been recorded as publishing in the page's language, "" otherwise."""

    text: str
    lang: str


def organisation_names_in(language: str) -> dict[int, tuple[str, str]]:
    """Every recorded name in ``language`` (fr or es), by organisation id: (name, acronym). One query."""
    rows = OrganisationName.objects.filter(language=language).values_list(
        "organisation_id", "name", "acronym"
    )
    return {organisation_id: (name, acronym) for organisation_id, name, acronym in rows}


def shown_organisation_name(
    organisation: Organisation, language: str, names: dict[int, tuple[str, str]], *, short: bool = False
) -> ShownName:
    """The organisation's own name in ``language`` where one was recorded, else its English name marked as English.
    ``short`` prefers the acronym (as ``str(organisation)`` does)."""
    english = (organisation.acronym or organisation.name) if short else organisation.name
    if language == "en":
        return ShownName(english, "")
    found = names.get(organisation.pk)
    if found is None:
        return ShownName(english, "en")
    name, acronym = found
    return ShownName((acronym or name) if short else name, "")
