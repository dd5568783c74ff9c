"""Reads of the vocabulary the parts share (Global Compact objectives) for the pages, API and exports. Every function takes the viewing user
and starts from the access functions, so unpublished records never leak.
"""

from __future__ import annotations

from dataclasses import dataclass

from migdev.coordination.models import GcmObjective


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
