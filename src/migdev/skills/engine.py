"""The occupation matcher of an ESCO edition, built from its rows and cached per process.

Building reads every OccupationSkill, SkillRelation and SkillBroader row of the edition (about 160,000 for
ESCO v1.2.0) and takes about a second; the result is immutable and kept in this process, keyed by the
edition's id and ``revision``. Every call checks that key against the database (one indexed read), so a
re-load in another process (which bumps ``revision``) is picked up here on the next request: no process
ever serves a stale edition.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

import numpy as np

from migdev.skills.matching import OccupationMatcher, SkillGraph
from migdev.skills.models import (
    Occupation,
    OccupationSkill,
    Skill,
    SkillBroader,
    SkillRelation,
    TaxonomyEdition,
)
from migdev.skills.selectors import current_edition, label_in


@dataclass(frozen=True)
class EditionMatcher:
    """A matcher plus the row ids and URIs behind its indices."""

    edition_id: int
    revision: int
    matcher: OccupationMatcher
    occupation_ids: np.ndarray  # index -> Occupation.pk
    occupation_uris: list[str]
    skill_ids: np.ndarray  # index -> Skill.pk (skills only; groups have no index)
    skill_index: dict[str, int]  # skill URI -> index

    def indices(self, uris: list[str]) -> tuple[list[int], list[str]]:
        """Indices of the known skill URIs, and the URIs that are not skills of this edition."""
        known, unknown = [], []
        for uri in uris:
            index = self.skill_index.get(uri)
            if index is None:
                unknown.append(uri)
            else:
                known.append(index)
        return known, unknown


_cache: dict[tuple[int, int], EditionMatcher] = {}
_lock = threading.Lock()


def build(edition: TaxonomyEdition, revision: int | None = None) -> EditionMatcher:
    skills = list(
        Skill.objects.filter(edition=edition, kind=Skill.Kind.SKILL).order_by("pk").values_list("pk", "uri")
    )
    groups = list(
        Skill.objects.filter(edition=edition)
        .exclude(kind=Skill.Kind.SKILL)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    skill_ids = np.array([pk for pk, _ in skills], dtype=np.int64)
    position = {pk: i for i, (pk, _) in enumerate(skills)}
    for offset, pk in enumerate(groups):
        position[pk] = len(skills) + offset
    occupations = list(Occupation.objects.filter(edition=edition).order_by("pk").values_list("pk", "uri"))
    occ_position = {pk: i for i, (pk, _) in enumerate(occupations)}

    links = OccupationSkill.objects.filter(edition=edition).values_list(
        "occupation_id", "skill_id", "relation_type"
    )
    occ_index, skill_index, essential = [], [], []
    for occupation_id, skill_id, relation_type in links.iterator(chunk_size=20_000):
        index = position.get(skill_id)
        if index is None or index >= len(skills):
            continue  # a link to a skill group (not expected in ESCO) cannot be held by a person
        occ_index.append(occ_position[occupation_id])
        skill_index.append(index)
        essential.append(relation_type == OccupationSkill.RelationType.ESSENTIAL)

    relation_rows = [
        (position[a], position[b])
        for a, b in SkillRelation.objects.filter(edition=edition).values_list("skill_id", "related_id")
        if position.get(a, len(skills)) < len(skills) and position.get(b, len(skills)) < len(skills)
    ]
    broader_rows = [
        (position[n], position[b])
        for n, b in SkillBroader.objects.filter(edition=edition).values_list("narrower_id", "broader_id")
        if n in position and b in position and position[n] < len(skills)
    ]
    graph = SkillGraph.build(
        len(skills),
        relation_pairs=(
            np.array([a for a, _ in relation_rows], dtype=np.int64),
            np.array([b for _, b in relation_rows], dtype=np.int64),
        ),
        broader_pairs=(
            np.array([a for a, _ in broader_rows], dtype=np.int64),
            np.array([b for _, b in broader_rows], dtype=np.int64),
        ),
        n_concepts=len(position),
    )
    matcher = OccupationMatcher(
        len(occupations),
        len(skills),
        occupation_index=np.array(occ_index, dtype=np.int64),
        skill_index=np.array(skill_index, dtype=np.int64),
        essential=np.array(essential, dtype=bool),
        graph=graph,
    )
    return EditionMatcher(
        edition.pk,
        edition.revision if revision is None else revision,
        matcher,
        np.array([pk for pk, _ in occupations], dtype=np.int64),
        [uri for _, uri in occupations],
        skill_ids,
        {uri: i for i, (_, uri) in enumerate(skills)},
    )


def matcher_for(edition: TaxonomyEdition) -> EditionMatcher:
    """The cached matcher of this edition at its current revision (built on first use)."""
    revision = TaxonomyEdition.objects.filter(pk=edition.pk).values_list("revision", flat=True).first()
    key = (edition.pk, revision if revision is not None else edition.revision)
    cached = _cache.get(key)
    if cached is not None:
        return cached
    with _lock:
        cached = _cache.get(key)
        if cached is None:
            cached = build(edition, key[1])
            for stale in [k for k in _cache if k[0] == edition.pk]:
                del _cache[stale]
            _cache[key] = cached
    return cached


def clear_cache() -> None:
    with _lock:
        _cache.clear()


class NoTaxonomy(LookupError):
    """No current ESCO edition is loaded."""


class UnknownSkills(ValueError):
    def __init__(self, uris: list[str]) -> None:
        super().__init__(f"not skills of the ESCO edition: {', '.join(uris)}")
        self.uris = uris


@dataclass(frozen=True)
class Labelled:
    uri: str
    label: str
    language: str


@dataclass(frozen=True)
class CreditGiven:
    uri: str
    label: str
    language: str
    essential: bool
    kind: str
    credit: float
    via: Labelled


@dataclass(frozen=True)
class ExplainedOccupation:
    uri: str
    isco_code: str
    label: str
    language: str
    score: float
    coverage: float
    precision: float
    essential_matched: list[Labelled]
    essential_missing: list[Labelled]
    optional_matched: list[Labelled]
    credited: list[CreditGiven]


@dataclass(frozen=True)
class OccupationMatchAnswer:
    edition: TaxonomyEdition
    items: list[ExplainedOccupation]


def match_occupations(
    skill_uris: list[str], *, lang: str, limit: int = 10, edition: TaxonomyEdition | None = None
) -> OccupationMatchAnswer:
    """Occupations ranked for a set of ESCO skill URIs, each explained with labels in ``lang``
    ("en" where the edition has no label in that language; ``language`` says which)."""
    edition = edition or current_edition("esco")
    if edition is None:
        raise NoTaxonomy("no ESCO edition is loaded")
    entry = matcher_for(edition)
    wanted = list(dict.fromkeys(skill_uris))
    known, unknown = entry.indices(wanted)
    if unknown:
        raise UnknownSkills(unknown)
    matches = entry.matcher.match(known, limit=limit)
    skill_index_needed: set[int] = set()
    for m in matches:
        e = m.explanation
        skill_index_needed.update(e.essential_matched, e.essential_missing, e.optional_matched)
        skill_index_needed.update(c.required for c in e.credited)
        skill_index_needed.update(c.via for c in e.credited)
    skills = Skill.objects.in_bulk([int(entry.skill_ids[i]) for i in skill_index_needed])
    occupations = Occupation.objects.in_bulk([int(entry.occupation_ids[m.occupation]) for m in matches])

    def labelled(index: int) -> Labelled:
        skill = skills[int(entry.skill_ids[index])]
        text = label_in(skill, lang)
        return Labelled(skill.uri, text.text, text.language)

    def by_label(indices: list[int]) -> list[Labelled]:
        return sorted((labelled(i) for i in indices), key=lambda item: (item.label.casefold(), item.uri))

    items = []
    for m in matches:
        occupation = occupations[int(entry.occupation_ids[m.occupation])]
        e = m.explanation
        text = label_in(occupation, lang)
        credited = []
        for c in e.credited:
            target = labelled(c.required)
            credited.append(
                CreditGiven(
                    target.uri, target.label, target.language, c.essential, c.kind, c.credit, labelled(c.via)
                )
            )
        items.append(
            ExplainedOccupation(
                occupation.uri,
                occupation.isco_code,
                text.text,
                text.language,
                m.score,
                e.coverage,
                e.precision,
                by_label(e.essential_matched),
                by_label(e.essential_missing),
                by_label(e.optional_matched),
                credited,
            )
        )
    return OccupationMatchAnswer(edition, items)
