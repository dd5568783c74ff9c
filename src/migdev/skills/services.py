"""Writes of the skills module: an ESCO or ISCO-08 edition, all at once.

Callers run these inside one transaction (the dataio runner does), so a failure leaves nothing behind.
Loading an edition whose content is already stored changes nothing; a different content for the same
edition replaces it (after the user confirmed, see :func:`esco_changes`); a newer edition is written beside
the older one and becomes the current one.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Sequence
from typing import Any, TypeVar

from django.db import models, transaction
from django.db.models import F
from django.utils import timezone

from migdev.dataio.progress import NullProgress, Progress
from migdev.dataio.registry import Changes, ImportResult
from migdev.skills import selectors
from migdev.skills.models import (
    IscoGroup,
    Occupation,
    OccupationSkill,
    Skill,
    SkillBroader,
    SkillRelation,
    TaxonomyEdition,
)
from migdev.skills.taxonomy_files import (
    ESCO_ATTRIBUTION,
    ESCO_PUBLISHER,
    ESCO_SOURCE_URL,
    ISCO_ATTRIBUTION,
    EscoData,
    IscoData,
)

BATCH_SIZE = 2000
CONTENT_KEY = "content_sha256"
ISCO_PUBLISHER = (
    "International Labour Organization (ISCO-08), as published in ESCO by the European Commission"
)
ISCO_SOURCE_URL = "https://esco.ec.europa.eu/en/use-esco/download"

ModelT = TypeVar("ModelT", bound=models.Model)


def _fingerprint(payload: Any) -> str:
    text = json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def esco_fingerprint(data: EscoData) -> str:
    """What the edition holds, whatever files it came from (the CSV folder or the shipped compact form)."""
    return _fingerprint(
        [
            data.version,
            data.label_sources,
            data.skills,
            data.occupations,
            sorted(data.occupation_broader.items()),
            sorted(data.skill_broader),
            sorted(data.skill_relations),
            sorted(data.occupation_skills),
            data.isco_labels,
        ]
    )


def isco_fingerprint(data: IscoData) -> str:
    return _fingerprint([data.version, data.label_sources, data.groups])


def _version_key(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in re.findall(r"\d+", version))


def _make_current(edition: TaxonomyEdition) -> None:
    """The newest edition of a taxonomy is the current one (loading an older one keeps the newer current)."""
    editions = list(TaxonomyEdition.objects.filter(taxonomy=edition.taxonomy))
    newest = max(editions, key=lambda item: (_version_key(item.version), item.loaded_at))
    for item in editions:
        wanted = item.pk == newest.pk
        if item.is_current != wanted:
            TaxonomyEdition.objects.filter(pk=item.pk).update(is_current=wanted)


def _batches(items: Sequence[ModelT], size: int = BATCH_SIZE) -> Iterable[Sequence[ModelT]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _bulk_create(model: type[ModelT], objects: Sequence[ModelT], progress: Progress) -> None:
    for batch in _batches(objects):
        model.objects.bulk_create(batch)  # type: ignore[attr-defined]
        progress.advance(len(batch))


def _uri_map(model: type[Skill] | type[Occupation], edition: TaxonomyEdition) -> dict[str, int]:
    return dict(model.objects.filter(edition=edition).values_list("uri", "pk"))


def _translations_note(label_sources: dict[str, str]) -> str:
    parts = [f"{lang} v{version}" for lang, version in sorted(label_sources.items()) if lang != "en"]
    return "; ".join(parts) if parts else "English only"


def esco_changes(data: EscoData) -> Changes | None:
    """What loading ``data`` would change in the same edition already stored (None: nothing stored, or the
    very same content, which is then left as it is)."""
    edition = TaxonomyEdition.objects.filter(taxonomy="esco", version=data.version).first()
    if edition is None or edition.source_files.get(CONTENT_KEY) == esco_fingerprint(data):
        return None
    stored = dict(Occupation.objects.filter(edition=edition).values_list("uri", "label_en")) | dict(
        Skill.objects.filter(edition=edition).values_list("uri", "label_en")
    )
    incoming = {item["uri"]: item["label_en"] for item in [*data.occupations, *data.skills]}
    changed = sum(1 for uri, label in incoming.items() if uri in stored and stored[uri] != label)
    examples = tuple(
        f"{uri}: “{stored[uri]}” → “{label}”"
        for uri, label in list(incoming.items())
        if uri in stored and stored[uri] != label
    )[:5]
    return Changes(
        target=f"ESCO v{data.version}",
        existing=len(stored),
        added=sum(1 for uri in incoming if uri not in stored),
        # Relations and texts may differ too: the edition is replaced as a whole, so count it as changed.
        changed=max(changed, 1),
        removed=sum(1 for uri in stored if uri not in incoming),
        examples=examples,
    )


def _clear_esco_edition(edition: TaxonomyEdition) -> None:
    OccupationSkill.objects.filter(edition=edition).delete()
    SkillRelation.objects.filter(edition=edition).delete()
    SkillBroader.objects.filter(edition=edition).delete()
    Occupation.objects.filter(edition=edition).update(broader=None)
    Occupation.objects.filter(edition=edition).delete()
    Skill.objects.filter(edition=edition).delete()


def _editions_changed() -> None:
    """Searches in this process see the write at once, and again once it is committed (see selectors)."""
    selectors.forget_current_editions()
    transaction.on_commit(selectors.forget_current_editions)


def esco_edition_write(data: EscoData, *, progress: Progress | None = None) -> ImportResult:
    _editions_changed()
    progress = progress or NullProgress()
    fingerprint = esco_fingerprint(data)
    edition = TaxonomyEdition.objects.filter(taxonomy="esco", version=data.version).first()
    if edition is not None and edition.source_files.get(CONTENT_KEY) == fingerprint:
        return ImportResult(read=data.rows, created=0, updated=0, rejected=0)
    replacing = edition is not None
    fields = {
        "publisher": ESCO_PUBLISHER,
        "source_url": ESCO_SOURCE_URL,
        "licence": ESCO_ATTRIBUTION.format(
            version=data.version, translations=_translations_note(data.label_sources)
        ),
        "label_sources": data.label_sources,
        "source_files": {**data.source_files, CONTENT_KEY: fingerprint},
        "loaded_at": timezone.now(),
    }
    if edition is None:
        edition = TaxonomyEdition.objects.create(taxonomy="esco", version=data.version, **fields)
    else:
        _clear_esco_edition(edition)
        TaxonomyEdition.objects.filter(pk=edition.pk).update(**fields, revision=F("revision") + 1)
        edition.refresh_from_db()
    progress.start(data.rows)

    _bulk_create(Skill, [Skill(edition=edition, **skill) for skill in data.skills], progress)
    skill_ids = _uri_map(Skill, edition)

    isco = TaxonomyEdition.objects.filter(taxonomy="isco", is_current=True).first()
    isco_ids = dict(IscoGroup.objects.filter(edition=isco).values_list("code", "pk")) if isco else {}
    _bulk_create(
        Occupation,
        [
            Occupation(edition=edition, isco_group_id=isco_ids.get(item["isco_code"]), **item)
            for item in data.occupations
        ],
        progress,
    )
    occupation_ids = _uri_map(Occupation, edition)
    linked = [
        Occupation(pk=occupation_ids[narrower], broader_id=occupation_ids[broader])
        for narrower, broader in data.occupation_broader.items()
    ]
    Occupation.objects.bulk_update(linked, ["broader"], batch_size=BATCH_SIZE)

    _bulk_create(
        SkillBroader,
        [
            SkillBroader(edition=edition, narrower_id=skill_ids[narrower], broader_id=skill_ids[broader])
            for narrower, broader in data.skill_broader
        ],
        progress,
    )
    _bulk_create(
        SkillRelation,
        [
            SkillRelation(
                edition=edition, skill_id=skill_ids[skill], related_id=skill_ids[related], relation_type=kind
            )
            for skill, related, kind in data.skill_relations
        ],
        progress,
    )
    _bulk_create(
        OccupationSkill,
        [
            OccupationSkill(
                edition=edition,
                occupation_id=occupation_ids[occupation],
                skill_id=skill_ids[skill],
                relation_type=kind,
            )
            for occupation, skill, kind in data.occupation_skills
        ],
        progress,
    )
    if isco is not None and data.isco_labels:
        _fill_isco_labels(isco, data.isco_labels, data.label_sources)
    _make_current(edition)
    created = 0 if replacing else data.rows
    return ImportResult(read=data.rows, created=created, updated=data.rows if replacing else 0, rejected=0)


def _fill_isco_labels(
    isco: TaxonomyEdition, labels: dict[str, dict[str, str]], label_sources: dict[str, str]
) -> None:
    """French and Spanish ISCO-08 labels that come with an ESCO download fill those the ISCO file lacked."""
    changed = []
    for group in IscoGroup.objects.filter(edition=isco):
        for lang in ("fr", "es"):
            text = labels.get(group.code, {}).get(lang, "")
            if text and not getattr(group, f"label_{lang}"):
                setattr(group, f"label_{lang}", text)
                changed.append(group)
    if changed:
        IscoGroup.objects.bulk_update(set(changed), ["label_fr", "label_es"], batch_size=BATCH_SIZE)
        sources = dict(isco.label_sources)
        for lang in ("fr", "es"):
            if lang in label_sources:
                sources.setdefault(lang, label_sources[lang])
        TaxonomyEdition.objects.filter(pk=isco.pk).update(
            label_sources=sources,
            licence=ISCO_ATTRIBUTION.format(translations=_translations_note(sources)),
            revision=F("revision") + 1,
        )


def isco_changes(data: IscoData) -> Changes | None:
    edition = TaxonomyEdition.objects.filter(taxonomy="isco", version=data.version).first()
    if edition is None or edition.source_files.get(CONTENT_KEY) == isco_fingerprint(data):
        return None
    stored = dict(IscoGroup.objects.filter(edition=edition).values_list("code", "label_en"))
    incoming = {group["code"]: group["label_en"] for group in data.groups}
    changed = sum(1 for code, label in incoming.items() if code in stored and stored[code] != label)
    return Changes(
        target=data.version,
        existing=len(stored),
        added=sum(1 for code in incoming if code not in stored),
        changed=max(changed, 1),
        removed=sum(1 for code in stored if code not in incoming),
    )


def isco_edition_write(data: IscoData, *, progress: Progress | None = None) -> ImportResult:
    _editions_changed()
    progress = progress or NullProgress()
    fingerprint = isco_fingerprint(data)
    read = len(data.groups)
    edition = TaxonomyEdition.objects.filter(taxonomy="isco", version=data.version).first()
    if edition is not None and edition.source_files.get(CONTENT_KEY) == fingerprint:
        return ImportResult(read=read, created=0, updated=0, rejected=0)
    replacing = edition is not None
    fields = {
        "publisher": ISCO_PUBLISHER,
        "source_url": ISCO_SOURCE_URL,
        "licence": ISCO_ATTRIBUTION.format(translations=_translations_note(data.label_sources)),
        "label_sources": data.label_sources,
        "source_files": {**data.source_files, CONTENT_KEY: fingerprint},
        "loaded_at": timezone.now(),
    }
    if edition is None:
        edition = TaxonomyEdition.objects.create(taxonomy="isco", version=data.version, **fields)
    else:
        Occupation.objects.filter(isco_group__edition=edition).update(isco_group=None)
        IscoGroup.objects.filter(edition=edition).update(parent=None)
        IscoGroup.objects.filter(edition=edition).delete()
        TaxonomyEdition.objects.filter(pk=edition.pk).update(**fields, revision=F("revision") + 1)
        edition.refresh_from_db()
    progress.start(read)
    groups = [IscoGroup(edition=edition, level=len(group["code"]), **group) for group in data.groups]
    _bulk_create(IscoGroup, groups, progress)
    ids = dict(IscoGroup.objects.filter(edition=edition).values_list("code", "pk"))
    IscoGroup.objects.bulk_update(
        [IscoGroup(pk=ids[code], parent_id=ids[code[:-1]]) for code in ids if len(code) > 1],
        ["parent"],
        batch_size=BATCH_SIZE,
    )
    _make_current(edition)
    edition.refresh_from_db()
    if edition.is_current:
        _link_occupations(edition, ids)
    return ImportResult(
        read=read, created=0 if replacing else read, updated=read if replacing else 0, rejected=0
    )


def _link_occupations(isco: TaxonomyEdition, ids: dict[str, int]) -> None:
    """Occupations of every ESCO edition point at the current ISCO-08 edition's unit groups."""
    for code, group_id in ids.items():
        if len(code) == 4:
            Occupation.objects.filter(isco_code=code).exclude(isco_group_id=group_id).update(
                isco_group_id=group_id
            )
    TaxonomyEdition.objects.filter(taxonomy="esco").update(revision=F("revision") + 1)
