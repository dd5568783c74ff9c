"""Reads of the skills module: the current edition, labels in a language, search."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from typing import Any

from django.conf import settings

from migdev.core.kept import StampPart, column, table
from migdev.skills import search
from migdev.skills.models import (
    IscoGroup,
    Occupation,
    OccupationSkill,
    Skill,
    SkillBroader,
    SkillRelation,
    TaxonomyEdition,
)

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


def current_edition_stamp(taxonomy: str = "esco") -> list[StampPart]:
    """The current edition's id and revision (what ``current_edition`` and ``engine.matcher_for`` key on), as
    parts of a kept answer's stamp (``migdev.core.kept``)."""
    edition = table(TaxonomyEdition)
    current = (
        f"FROM {edition} WHERE {column(TaxonomyEdition, 'taxonomy')} = %s "  # noqa: S608
        f"AND {column(TaxonomyEdition, 'is_current')} ORDER BY {column(TaxonomyEdition, 'loaded_at')} DESC LIMIT 1"
    )
    return [
        StampPart(f"SELECT {column(TaxonomyEdition, 'id')} {current}", (taxonomy,)),
        StampPart(f"SELECT {column(TaxonomyEdition, 'revision')} {current}", (taxonomy,)),
    ]


def label_in(concept: Occupation | Skill | IscoGroup, lang: str) -> LabelInLanguage:
    if lang in LANGUAGES:
        text = getattr(concept, f"label_{lang}", "") or ""
        if text:
            return LabelInLanguage(text, lang)
    return LabelInLanguage(concept.label_en, "en")


@dataclass(frozen=True)
class CurrentEditions:
    """What a search needs to know about the current editions: the search indexes' key and the attribution
    every answer carries."""

    stamps: dict[str, tuple[int, int]]  # taxonomy -> (id, revision)
    attribution: tuple[dict[str, Any], ...]  # taxonomy, version, label_sources, attribution; by taxonomy

    @property
    def key(self) -> tuple[Any, ...]:
        return tuple(sorted(self.stamps.items()))


# The current editions are read at most once per REVALIDATE seconds per process (setting
# SKILLS_EDITIONS_REVALIDATE_SECONDS, default 2): a search then touches no database at all. A load in this
# process is seen at once (services call forget_current_editions, also on commit); a load in another
# process within those seconds. Every load bumps the edition's ``revision``, which is part of the key.
DEFAULT_REVALIDATE_SECONDS = 2.0
_current: tuple[float, CurrentEditions] | None = None
_current_lock = threading.Lock()


def forget_current_editions() -> None:
    global _current
    with _current_lock:
        _current = None


def current_editions() -> CurrentEditions:
    global _current
    seconds = float(getattr(settings, "SKILLS_EDITIONS_REVALIDATE_SECONDS", DEFAULT_REVALIDATE_SECONDS))
    cached = _current
    if cached is not None and time.monotonic() - cached[0] < seconds:
        return cached[1]
    rows = list(
        TaxonomyEdition.objects.filter(is_current=True)
        .order_by("taxonomy")
        .values_list("pk", "taxonomy", "revision", "version", "label_sources", "licence")
    )
    found = CurrentEditions(
        stamps={taxonomy: (pk, revision) for pk, taxonomy, revision, *_ in rows},
        attribution=tuple(
            {"taxonomy": taxonomy, "version": version, "label_sources": sources, "attribution": licence}
            for _, taxonomy, _, version, sources, licence in rows
        ),
    )
    if seconds > 0:
        with _current_lock:
            _current = (time.monotonic(), found)
    return found


def _search(kind: str, q: str, lang: str, limit: int, edition: TaxonomyEdition | None) -> list[SearchHit]:
    lang = lang if lang in LANGUAGES else "en"
    limit = max(1, min(int(limit), MAX_SEARCH_LIMIT))
    stamps = current_editions().stamps
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


def warm_search_indexes() -> None:
    """Build the occupation and skill indexes of the current editions now (a server does it before forking
    its workers: see migdev.gunicorn_conf). Nothing happens when no ESCO edition is loaded."""
    search_occupations("warm", lang="en", limit=1)
    search_skills("warm", lang="en", limit=1)


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


# Pages and the API: one concept with what surrounds it -----------------------------------------------


@dataclass(frozen=True)
class ConceptRef:
    """A concept as a link: its URI, its label in the page's language and the language actually shown."""

    uri: str
    label: LabelInLanguage
    code: str = ""
    relation: str = ""  # "essential" / "optional" where it applies


@dataclass(frozen=True)
class OccupationDetail:
    occupation: Occupation
    label: LabelInLanguage
    alternative_labels: list[str]
    alternative_labels_language: str
    isco_path: list[ConceptRef]  # major group first, down to the unit group
    broader: ConceptRef | None
    narrower: list[ConceptRef]
    same_group: list[ConceptRef]
    essential_skills: list[ConceptRef]
    optional_skills: list[ConceptRef]
    regulated: bool | None  # ESCO's regulated-profession note: True, False, or None when it says neither


@dataclass(frozen=True)
class SkillDetail:
    skill: Skill
    label: LabelInLanguage
    alternative_labels: list[str]
    alternative_labels_language: str
    hierarchy: list[list[ConceptRef]]  # each path from the top of the pillar down to the direct parent
    narrower: list[ConceptRef]
    related: list[ConceptRef]
    essential_for: list[ConceptRef]
    optional_for: list[ConceptRef]


RELATED_LIMIT = 60
HIERARCHY_DEPTH_LIMIT = 12


def edition_named(version: str | None, taxonomy: str = "esco") -> TaxonomyEdition | None:
    """The edition with this version, or the current one when ``version`` is empty."""
    if not version:
        return current_edition(taxonomy)
    return TaxonomyEdition.objects.filter(taxonomy=taxonomy, version=version).first()


def _ref(concept: Occupation | Skill | IscoGroup, lang: str, *, relation: str = "") -> ConceptRef:
    code = getattr(concept, "code", "") or ""
    return ConceptRef(uri=concept.uri, label=label_in(concept, lang), code=code, relation=relation)


def _alternatives(concept: Occupation | Skill, lang: str) -> tuple[list[str], str]:
    labels = concept.alt_labels or {}
    if labels.get(lang):
        return list(labels[lang]), lang
    return list(labels.get("en", [])), "en"


def _by_label(refs: list[ConceptRef]) -> list[ConceptRef]:
    return sorted(refs, key=lambda ref: ref.label.text.casefold())


def occupation_detail(
    uri: str, *, lang: str, edition: TaxonomyEdition | None = None
) -> OccupationDetail | None:
    edition = edition or current_edition()
    if edition is None:
        return None
    occupation = (
        Occupation.objects.filter(edition=edition, uri=uri).select_related("isco_group", "broader").first()
    )
    if occupation is None:
        return None
    isco_path: list[ConceptRef] = []
    group = occupation.isco_group
    while group is not None and len(isco_path) < 4:
        isco_path.insert(0, _ref(group, lang))
        group = group.parent if group.parent_id else None
    links = (
        OccupationSkill.objects.filter(occupation=occupation)
        .select_related("skill")
        .order_by("skill__label_en")
    )
    essential = [
        _ref(link.skill, lang, relation=link.relation_type)
        for link in links
        if link.relation_type == "essential"
    ]
    essential_uris = {ref.uri for ref in essential}
    optional = [
        _ref(link.skill, lang, relation=link.relation_type)
        for link in links
        if link.relation_type == "optional" and link.skill.uri not in essential_uris
    ]
    same_group = Occupation.objects.filter(edition=edition, isco_code=occupation.isco_code).exclude(
        pk=occupation.pk
    )
    alternatives, alternatives_language = _alternatives(occupation, lang)
    return OccupationDetail(
        occupation=occupation,
        label=label_in(occupation, lang),
        alternative_labels=alternatives,
        alternative_labels_language=alternatives_language,
        isco_path=isco_path,
        broader=_ref(occupation.broader, lang) if occupation.broader else None,
        narrower=_by_label([_ref(item, lang) for item in occupation.narrower.all()[:RELATED_LIMIT]]),
        same_group=_by_label([_ref(item, lang) for item in same_group[:RELATED_LIMIT]]),
        essential_skills=_by_label(essential),
        optional_skills=_by_label(optional),
        regulated=_regulated(occupation.regulated_note),
    )


def _regulated(note: str) -> bool | None:
    if note.endswith("/unregulated"):
        return False
    if note.endswith("/regulated"):
        return True
    return None


def _skill_paths(skill: Skill) -> list[list[Skill]]:
    """Every path from the top of the skills pillar down to ``skill``'s direct parents (a skill may sit
    under several groups)."""
    parents: dict[int, list[Skill]] = {}
    frontier = [skill.pk]
    seen = {skill.pk}
    for _depth in range(HIERARCHY_DEPTH_LIMIT):
        if not frontier:
            break
        links = SkillBroader.objects.filter(narrower_id__in=frontier).select_related("broader")
        frontier = []
        for link in links:
            parents.setdefault(link.narrower_id, []).append(link.broader)
            if link.broader_id not in seen:
                seen.add(link.broader_id)
                frontier.append(link.broader_id)

    def walk(node_id: int, depth: int) -> list[list[Skill]]:
        above = parents.get(node_id, [])
        if not above or depth > HIERARCHY_DEPTH_LIMIT:
            return [[]]
        paths = []
        for parent in above:
            for path in walk(parent.pk, depth + 1):
                paths.append([*path, parent])
        return paths

    return [path for path in walk(skill.pk, 0) if path][:8]


def skill_detail(uri: str, *, lang: str, edition: TaxonomyEdition | None = None) -> SkillDetail | None:
    edition = edition or current_edition()
    if edition is None:
        return None
    skill = Skill.objects.filter(edition=edition, uri=uri).first()
    if skill is None:
        return None
    narrower = Skill.objects.filter(broader_links__broader=skill).order_by("label_en")[:RELATED_LIMIT]
    related_out = SkillRelation.objects.filter(skill=skill).select_related("related")
    related_in = SkillRelation.objects.filter(related=skill).select_related("skill")
    related = {
        **{link.skill.uri: _ref(link.skill, lang, relation=link.relation_type) for link in related_in},
        **{link.related.uri: _ref(link.related, lang, relation=link.relation_type) for link in related_out},
    }
    links = OccupationSkill.objects.filter(skill=skill).select_related("occupation")
    essential = {
        link.occupation.uri: _ref(link.occupation, lang)
        for link in links
        if link.relation_type == "essential"
    }
    optional = {
        link.occupation.uri: _ref(link.occupation, lang)
        for link in links
        if link.relation_type == "optional" and link.occupation.uri not in essential
    }
    alternatives, alternatives_language = _alternatives(skill, lang)
    return SkillDetail(
        skill=skill,
        label=label_in(skill, lang),
        alternative_labels=alternatives,
        alternative_labels_language=alternatives_language,
        hierarchy=[[_ref(item, lang) for item in path] for path in _skill_paths(skill)],
        narrower=_by_label([_ref(item, lang) for item in narrower]),
        related=_by_label(list(related.values())),
        essential_for=_by_label(list(essential.values())),
        optional_for=_by_label(list(optional.values())),
    )


def taxonomy_counts(edition: TaxonomyEdition) -> dict[str, int]:
    return {
        "occupations": Occupation.objects.filter(edition=edition).count(),
        "skills": Skill.objects.filter(edition=edition, kind=Skill.Kind.SKILL).count(),
        "skill_groups": Skill.objects.filter(edition=edition, kind=Skill.Kind.GROUP).count(),
        "relations": OccupationSkill.objects.filter(edition=edition).count(),
    }


def attribution() -> list[TaxonomyEdition]:
    """The current editions, whose ``licence`` text every skills page and answer carries."""
    return list(TaxonomyEdition.objects.filter(is_current=True).order_by("taxonomy"))
