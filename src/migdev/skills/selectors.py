"""Reads of the skills module: the current edition, labels in a language, search."""

from __future__ import annotations

from dataclasses import dataclass

from migdev.skills.models import IscoGroup, Occupation, Skill, TaxonomyEdition

LANGUAGES = ("en", "fr", "es")


@dataclass(frozen=True)
class LabelInLanguage:
    """A label and the language it is actually in ("en" when the asked language has none)."""

    text: str
    language: str


@dataclass(frozen=True)
class SearchHit:
    uri: str
    label: str
    language: str
    score: float
    isco_code: str = ""
    kind: str = "occupation"


def current_edition(taxonomy: str = "esco") -> TaxonomyEdition | None:
    return TaxonomyEdition.objects.filter(taxonomy=taxonomy, is_current=True).order_by("-loaded_at").first()


def label_in(concept: Occupation | Skill | IscoGroup, lang: str) -> LabelInLanguage:
    if lang in LANGUAGES:
        text = getattr(concept, f"label_{lang}", "") or ""
        if text:
            return LabelInLanguage(text, lang)
    return LabelInLanguage(concept.label_en, "en")


def search_occupations(
    q: str, *, lang: str, limit: int = 10, edition: TaxonomyEdition | None = None
) -> list[SearchHit]:
    raise NotImplementedError


def search_skills(
    q: str, *, lang: str, limit: int = 10, edition: TaxonomyEdition | None = None
) -> list[SearchHit]:
    raise NotImplementedError
