"""The compact form of ESCO + ISCO-08 shipped in ``data/`` (built by ``data/build_compact.py``).

One gzipped JSON document: concepts as lists of values, relations as pairs of integer positions into those
lists (URIs are long and random, so repeating them 129,004 times would take most of the size). Reading it
gives back exactly the :class:`EscoData` and :class:`IscoData` the CSV readers produce, so the shipped
taxonomy and one loaded with ``migdev load esco`` are written by the same code.
"""

from __future__ import annotations

import gzip
import json
from pathlib import Path
from typing import Any

from migdev.skills.taxonomy_files import EscoData, IscoData

FORMAT_NAME = "migdev-esco-isco-compact"
FORMAT_VERSION = 1
DATA_DIR = Path(__file__).resolve().parent / "data"
SHIPPED_FILE = DATA_DIR / "esco-v1.2.0-isco-08.json.gz"

SKILL_FIELDS = (
    "uri",
    "kind",
    "skill_type",
    "reuse_level",
    "code",
    "label_en",
    "label_fr",
    "label_es",
    "alt_labels",
    "description_en",
    "collections",
)
OCCUPATION_FIELDS = (
    "uri",
    "code",
    "isco_code",
    "label_en",
    "label_fr",
    "label_es",
    "alt_labels",
    "hidden_labels",
    "description_en",
    "regulated_note",
)
ISCO_FIELDS = ("code", "uri", "label_en", "label_fr", "label_es", "description_en")
RELATION_CODES = {"essential": 0, "optional": 1}
RELATION_NAMES = {code: name for name, code in RELATION_CODES.items()}


class CompactFormatError(ValueError):
    pass


def _languages(labels: dict[str, list[str]]) -> list[list[str]]:
    return [labels.get(lang, []) for lang in ("en", "fr", "es")]


def _from_languages(value: list[list[str]]) -> dict[str, list[str]]:
    return {lang: list(labels) for lang, labels in zip(("en", "fr", "es"), value, strict=True)}


def to_document(esco: EscoData, isco: IscoData) -> dict[str, Any]:
    skill_index = {skill["uri"]: position for position, skill in enumerate(esco.skills)}
    occupation_index = {item["uri"]: position for position, item in enumerate(esco.occupations)}

    def skill_row(skill: dict[str, Any]) -> list[Any]:
        return [_languages(skill[f]) if f == "alt_labels" else skill[f] for f in SKILL_FIELDS]

    def occupation_row(item: dict[str, Any]) -> list[Any]:
        return [
            _languages(item[f]) if f in ("alt_labels", "hidden_labels") else item[f]
            for f in OCCUPATION_FIELDS
        ]

    return {
        "format": FORMAT_NAME,
        "format_version": FORMAT_VERSION,
        "esco": {
            "version": esco.version,
            "label_sources": esco.label_sources,
            "source_files": esco.source_files,
            "notes": esco.notes,
            "skill_fields": list(SKILL_FIELDS),
            "skills": [skill_row(skill) for skill in esco.skills],
            "occupation_fields": list(OCCUPATION_FIELDS),
            "occupations": [occupation_row(item) for item in esco.occupations],
            "occupation_broader": [
                [occupation_index[narrower], occupation_index[broader]]
                for narrower, broader in esco.occupation_broader.items()
            ],
            "skill_broader": [[skill_index[a], skill_index[b]] for a, b in esco.skill_broader],
            "skill_relations": [
                [skill_index[a], skill_index[b], RELATION_CODES[kind]] for a, b, kind in esco.skill_relations
            ],
            "occupation_skills": [
                [occupation_index[a], skill_index[b], RELATION_CODES[kind]]
                for a, b, kind in esco.occupation_skills
            ],
            "isco_labels": esco.isco_labels,
        },
        "isco": {
            "version": isco.version,
            "label_sources": isco.label_sources,
            "source_files": isco.source_files,
            "fields": list(ISCO_FIELDS),
            "groups": [[group[f] for f in ISCO_FIELDS] for group in isco.groups],
        },
    }


def write(path: Path, esco: EscoData, isco: IscoData) -> None:
    text = json.dumps(to_document(esco, isco), ensure_ascii=False, separators=(",", ":"))
    # mtime=0: the same data gives the same bytes, so the file only changes in git when the data does.
    with path.open("wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", compresslevel=9, mtime=0) as handle:
        handle.write(text.encode("utf-8"))


def read(path: Path = SHIPPED_FILE) -> tuple[EscoData, IscoData]:
    content = path.read_bytes()
    try:
        document = json.loads(gzip.decompress(content))
    except (OSError, ValueError) as error:
        raise CompactFormatError(f"{path.name}: not a compact taxonomy file ({error})") from error
    if document.get("format") != FORMAT_NAME or document.get("format_version") != FORMAT_VERSION:
        raise CompactFormatError(f"{path.name}: not a compact taxonomy file of version {FORMAT_VERSION}")
    esco_part, isco_part = document["esco"], document["isco"]
    if tuple(esco_part["skill_fields"]) != SKILL_FIELDS:
        raise CompactFormatError(f"{path.name}: unexpected skill fields")
    if tuple(esco_part["occupation_fields"]) != OCCUPATION_FIELDS:
        raise CompactFormatError(f"{path.name}: unexpected occupation fields")
    skills = []
    for row in esco_part["skills"]:
        skill = dict(zip(SKILL_FIELDS, row, strict=True))
        skill["alt_labels"] = _from_languages(skill["alt_labels"])
        skills.append(skill)
    occupations = []
    for row in esco_part["occupations"]:
        item = dict(zip(OCCUPATION_FIELDS, row, strict=True))
        item["alt_labels"] = _from_languages(item["alt_labels"])
        item["hidden_labels"] = _from_languages(item["hidden_labels"])
        occupations.append(item)
    skill_uris = [skill["uri"] for skill in skills]
    occupation_uris = [item["uri"] for item in occupations]
    esco = EscoData(
        version=esco_part["version"],
        label_sources=esco_part["label_sources"],
        source_files=dict(esco_part["source_files"]),
        skills=skills,
        occupations=occupations,
        occupation_broader={
            occupation_uris[a]: occupation_uris[b] for a, b in esco_part["occupation_broader"]
        },
        skill_broader=[(skill_uris[a], skill_uris[b]) for a, b in esco_part["skill_broader"]],
        skill_relations=[
            (skill_uris[a], skill_uris[b], RELATION_NAMES[kind])
            for a, b, kind in esco_part["skill_relations"]
        ],
        occupation_skills=[
            (occupation_uris[a], skill_uris[b], RELATION_NAMES[kind])
            for a, b, kind in esco_part["occupation_skills"]
        ],
        notes=list(esco_part["notes"]),
        isco_labels=esco_part["isco_labels"],
    )
    if tuple(isco_part["fields"]) != ISCO_FIELDS:
        raise CompactFormatError(f"{path.name}: unexpected ISCO fields")
    isco = IscoData(
        version=isco_part["version"],
        label_sources=isco_part["label_sources"],
        source_files=isco_part["source_files"],
        groups=[dict(zip(ISCO_FIELDS, row, strict=True)) for row in isco_part["groups"]],
    )
    return esco, isco
