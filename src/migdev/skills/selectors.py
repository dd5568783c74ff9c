"""Reads of the skills module: the current edition, labels in a language, search."""

from __future__ import annotations

from dataclasses import dataclass

from migdev.skills import search
from migdev.skills.models import IscoGroup, Occupation, Skill, TaxonomyEdition

LANGUAGES = ("en", "fr", "es")
MAX_SEARCH_LIMIT = 100


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
    # Added beyond the contract: the label that matched (maybe an alternative one) and its language.
    matched: str = ""
    matched_language: str = ""


def current_edition(taxonomy: str = "esco") -> TaxonomyEdition | None:
    return TaxonomyEdition.objects.filter(taxonomy=taxonomy, is_current=True).order_by("-loaded_at").first()


def label_in(concept: Occupation | Skill | IscoGroup, lang: str) -> LabelInLanguage:
    if lang in LANGUAGES:
        text = getattr(concept, f"label_{lang}", "") or ""
        if text:
            return LabelInLanguage(text, lang)
    return LabelInLanguage(concept.label_en, "en")


def _stamps() -> dict[str, tuple[int, int]]:
    """taxonomy -> (id, revision) of the current editions: one small query, the search indexes' key."""
    return {
        taxonomy: (pk, revision)
        for pk, taxonomy, revision in TaxonomyEdition.objects.filter(is_current=True).values_list(
            "pk", "taxonomy", "revision"
        )
    }


def _search(kind: str, q: str, lang: str, limit: int, edition: TaxonomyEdition | None) -> list[SearchHit]:
    lang = lang if lang in LANGUAGES else "en"
    limit = max(1, min(int(limit), MAX_SEARCH_LIMIT))
    stamps = _stamps()
    if edition is None:
        if "esco" not in stamps:
            return []
        esco_key = stamps["esco"]
    else:
        esco_key = (edition.pk, edition.revision)
    isco_key = stamps.get("isco", (None, 0))
    key = (kind, *esco_key, *isco_key)
    if kind == "occupation":
        index = search.CACHE.index(key, lambda: search.build_occupation_index(esco_key[0], isco_key[0]))
    else:
        index = search.CACHE.index(key, lambda: search.build_skill_index(esco_key[0]))
    query = " ".join(search.tokens(q[: search.MAX_QUERY_CHARS]))
    result_key = (*key, lang, query, limit)
    raw = search.CACHE.cached(result_key)
    if raw is None:
        raw = search.search_index(index, q, lang=lang, limit=limit)
        search.CACHE.remember(result_key, raw)
    hits = []
    for item in raw:
        labels = index.labels[item.position]
        shown = lang if labels.get(lang) else "en"
        hits.append(
            SearchHit(
                uri=index.uris[item.position],
                label=labels[shown],
                language=shown,
                score=round(item.score, 4),
                isco_code=index.isco_codes[item.position],
                kind=index.kinds[item.position],
                matched=item.matched,
                matched_language=item.matched_language,
            )
        )
    return hits


def search_occupations(
    q: str, *, lang: str, limit: int = 10, edition: TaxonomyEdition | None = None
) -> list[SearchHit]:
    """Occupations whose labels (preferred, alternative, hidden; en/fr/es) match ``q``, best first."""
    return _search("occupation", q, lang, limit, edition)


def search_skills(
    q: str, *, lang: str, limit: int = 10, edition: TaxonomyEdition | None = None
) -> list[SearchHit]:
    """Skills, knowledge concepts and skill groups whose labels match ``q``, best first."""
    return _search("skill", q, lang, limit, edition)
