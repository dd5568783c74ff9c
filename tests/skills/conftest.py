"""The full shipped taxonomy (ESCO v1.2.0 + ISCO-08), loaded once per test session.

Loading takes about half a minute on SQLite, so it happens once, outside the per-test transactions; each
test still runs in its own transaction and leaves the taxonomy as it found it. A transactional test
elsewhere may flush the database: ``esco`` then loads it again for the test that needs it.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from migdev.skills.models import Occupation, TaxonomyEdition
from migdev.skills.reference import load_shipped

NURSE = "http://data.europa.eu/esco/occupation/8d3e8aaa-791b-4c75-a465-f3f827028f50"
COMPUTER_PROGRAMMING = "http://data.europa.eu/esco/skill/21d2f96d-35f7-4e3f-9745-c533d2dd6e97"


@pytest.fixture(scope="session")
def _shipped_taxonomy(django_db_setup: Any, django_db_blocker: Any) -> Iterator[None]:
    with django_db_blocker.unblock():
        if not Occupation.objects.filter(edition__version="1.2.0").exists():
            load_shipped()
    yield


@pytest.fixture
def esco(_shipped_taxonomy: None, db: None) -> TaxonomyEdition:
    edition = TaxonomyEdition.objects.filter(taxonomy="esco", version="1.2.0").first()
    if edition is None or not Occupation.objects.filter(edition=edition).exists():
        load_shipped()
        edition = TaxonomyEdition.objects.get(taxonomy="esco", version="1.2.0")
    return edition


ESCO_HEADERS = {
    "occupations_en.csv": "conceptType,conceptUri,iscoGroup,preferredLabel,altLabels,hiddenLabels,status,"
    "modifiedDate,regulatedProfessionNote,scopeNote,definition,inScheme,description,code",
    "skills_en_min.derived.csv": "conceptUri,preferredLabel,pillar,collections,skillType_v1_0,reuseLevel_v1_0",
    "occupationSkillRelations_en.derived.csv": "occupationUri,relationType,skillUri,skillLabel",
    "skillGroups_en.csv": "conceptType,conceptUri,preferredLabel,altLabels,hiddenLabels,status,modifiedDate,"
    "scopeNote,inScheme,description,code",
    "broaderRelationsSkillPillar_en.csv": "conceptType,conceptUri,broaderType,broaderUri",
    "broaderRelationsOccPillar_en.csv": "conceptType,conceptUri,broaderType,broaderUri",
    "skillSkillRelations_en.csv": "originalSkillUri,originalSkillType,relationType,relatedSkillType,relatedSkillUri",
}
OCC = "http://data.europa.eu/esco/occupation/"
SKILL = "http://data.europa.eu/esco/skill/"


def small_esco_rows() -> dict[str, list[str]]:
    """A tiny but complete ESCO edition: two occupations, two skills, one group, their relations."""
    return {
        "occupations_en.csv": [
            f'Occupation,{OCC}t-cook,5120,test cook,"kitchen cook\nline cook",,released,,,,,,Cooks cook.,5120.9',
            f"Occupation,{OCC}t-chef,3434,test chef,,,released,,,,,,Chefs lead.,3434.9",
        ],
        "skills_en_min.derived.csv": [
            f"{SKILL}t-knife,use knives,S,,skill/competence,sector-specific",
            f"{SKILL}t-hygiene,food hygiene,K,,knowledge,cross-sector",
        ],
        "skillGroups_en.csv": [f"SkillGroup,{SKILL}t-group,kitchen work,,,released,,,,,S9"],
        "occupationSkillRelations_en.derived.csv": [
            f"{OCC}t-cook,essential,{SKILL}t-knife,use knives",
            f"{OCC}t-cook,optional,{SKILL}t-hygiene,food hygiene",
            f"{OCC}t-chef,essential,{SKILL}t-hygiene,food hygiene",
        ],
        "broaderRelationsSkillPillar_en.csv": [
            f"KnowledgeSkillCompetence,{SKILL}t-knife,SkillGroup,{SKILL}t-group"
        ],
        "broaderRelationsOccPillar_en.csv": [f"Occupation,{OCC}t-cook,Occupation,{OCC}t-chef"],
        "skillSkillRelations_en.csv": [
            f"{SKILL}t-knife,skill/competence,optional,knowledge,{SKILL}t-hygiene"
        ],
    }


def write_esco_folder(directory: Path, rows: dict[str, list[str]], name: str = "esco-v9.9.9") -> Path:
    folder = directory / name
    folder.mkdir()
    for file_name, header in ESCO_HEADERS.items():
        (folder / file_name).write_text(
            "\n".join([header, *rows.get(file_name, [])]) + "\n", encoding="utf-8"
        )
    return folder
