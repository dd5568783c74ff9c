"""Read the publishers' files: the ESCO CSV download (a folder) and ISCO-08 as ESCO publishes it.

Everything is read through the shared reader (:func:`migdev.dataio.readers.read_table`) and validated in
full before anything is written; every problem names the file, row and column. The result is a plain
:class:`EscoData` / :class:`IscoData` that :mod:`migdev.skills.services` writes, and that the shipped compact
form (:mod:`migdev.skills.compact`) serialises.

Layout of an ESCO folder (the CSV download, English, plus optional French and Spanish files):

- ``occupations_en.csv``, ``skillGroups_en.csv``, ``broaderRelationsSkillPillar_en.csv``,
  ``broaderRelationsOccPillar_en.csv``, ``skillSkillRelations_en.csv`` (required);
- ``skills_en.csv`` (the official file) or ``skills_en_min.derived.csv`` (see data/SOURCE.md);
- ``occupationSkillRelations_en.csv`` or ``occupationSkillRelations_en.derived.csv``;
- ``{transversal,language,digital,green}SkillsCollection_en.csv`` (optional: collection membership, and
  English alternative labels and descriptions the minimal skills file lacks);
- ``occupations_{fr,es}.csv``, ``skills_{fr,es}.csv``, ``ISCOGroups_{fr,es}.csv`` either in the folder or in a
  sub-folder ``multilingual_vX.Y`` (labels of that older release; URIs are stable across releases).

The edition is read from the folder's name (``esco-v1.2.0``) or, failing that, from a ``SOURCE.md`` or
``README`` in it ("ESCO v1.2.0").
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _

from migdev.dataio.errors import ErrorCollector, ImportRejected, RowError
from migdev.dataio.progress import NullProgress, Progress
from migdev.dataio.readers import Row, read_table

LANGUAGES = ("en", "fr", "es")
TRANSLATED = ("fr", "es")
RELATION_TYPES = ("essential", "optional")
COLLECTIONS = ("transversal", "language", "digital", "green")
ESCO_URI = re.compile(r"^http://data\.europa\.eu/esco/[A-Za-z0-9_./:-]+$")
ISCO_CODE = re.compile(r"^\d{1,4}$")
VERSION_IN_NAME = re.compile(r"v(\d+\.\d+(?:\.\d+)?)", re.IGNORECASE)
VERSION_IN_TEXT = re.compile(r"ESCO\s+v(\d+\.\d+(?:\.\d+)?)", re.IGNORECASE)
ESCO_PUBLISHER = "European Commission (ESCO)"
ESCO_SOURCE_URL = "https://esco.ec.europa.eu/en/use-esco/download"
ESCO_ATTRIBUTION = (
    "Contains ESCO classification data, © European Union, https://esco.ec.europa.eu "
    "(v{version}; {translations}). Reused under the Commission's reuse policy (Decision 2011/833/EU): "
    "source acknowledged, meaning not distorted; migdev's changes are listed in its SOURCE notes."
)
ISCO_ATTRIBUTION = (
    "ISCO-08, International Labour Organization, as published in ESCO (© European Union, "
    "https://esco.ec.europa.eu; {translations}). Reused under the Commission's reuse policy "
    "(Decision 2011/833/EU) with acknowledgement of the ILO and the European Commission."
)


@dataclass
class EscoData:
    version: str
    label_sources: dict[str, str]
    source_files: dict[str, str]
    skills: list[dict[str, Any]] = field(default_factory=list)
    occupations: list[dict[str, Any]] = field(default_factory=list)
    occupation_broader: dict[str, str] = field(default_factory=dict)  # narrower URI -> broader URI
    skill_broader: list[tuple[str, str]] = field(default_factory=list)  # (narrower URI, broader URI)
    skill_relations: list[tuple[str, str, str]] = field(default_factory=list)  # (skill, related, type)
    occupation_skills: list[tuple[str, str, str]] = field(default_factory=list)  # (occupation, skill, type)
    # ISCO-08 group code -> {"fr": label, "es": label}, from ISCOGroups_{fr,es}.csv in the translations
    notes: list[str] = field(default_factory=list)
    isco_labels: dict[str, dict[str, str]] = field(default_factory=dict)

    @property
    def rows(self) -> int:
        return (
            len(self.skills)
            + len(self.occupations)
            + len(self.skill_broader)
            + len(self.skill_relations)
            + len(self.occupation_skills)
        )


@dataclass
class IscoData:
    version: str
    label_sources: dict[str, str]
    source_files: dict[str, str]
    groups: list[dict[str, Any]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def _refuse(file: str, reason: str, row: int | None = None, column: str | None = None) -> ImportRejected:
    return ImportRejected([RowError(file, row, column, reason)])


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1024 * 1024), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _lines(value: str | None) -> list[str]:
    """ESCO puts several labels in one cell, one a line; keep each once, in order, whitespace tidied."""
    if not value:
        return []
    seen: dict[str, None] = {}
    for line in value.splitlines():
        text = " ".join(line.replace("\u00a0", " ").split())
        if text:
            seen.setdefault(text, None)
    return list(seen)


def _label(value: str | None) -> str:
    return " ".join((value or "").replace("\u00a0", " ").split())


def _table(
    path: Path, *, required: AbstractSet[str], optional: AbstractSet[str] = frozenset(), progress: Progress
) -> Iterator[tuple[int, Row]]:
    for number, row in read_table(path, required=required, optional=optional):
        progress.advance()
        yield number, row


class _Folder:
    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.files: dict[str, str] = {}

    def find(self, *names: str) -> Path | None:
        for name in names:
            path = self.folder / name
            if path.is_file():
                return path
        return None

    def require(self, *names: str) -> Path:
        path = self.find(*names)
        if path is None:
            raise _refuse(
                names[0],
                _("The ESCO folder lacks this file (expected one of: %(names)s).")
                % {"names": ", ".join(names)},
            )
        return path

    def record(self, path: Path) -> Path:
        self.files[str(path.relative_to(self.folder))] = _sha256(path)
        return path

    def translations(self) -> tuple[Path | None, str | None]:
        """The folder holding the fr/es files and the edition their labels come from (None: this one)."""
        for candidate in sorted(self.folder.glob("multilingual_v*")):
            if candidate.is_dir():
                match = VERSION_IN_NAME.search(candidate.name)
                return candidate, match.group(1) if match else None
        if (self.folder / "occupations_fr.csv").is_file() or (self.folder / "occupations_es.csv").is_file():
            return self.folder, None
        return None, None


def esco_version_of(folder: Path) -> str:
    match = VERSION_IN_NAME.search(folder.name)
    if match and re.search(r"esco|^v?\d", folder.name, re.IGNORECASE):
        return match.group(1)
    for name in ("SOURCE.md", "README.md", "README.txt", "README"):
        note = folder / name
        if note.is_file():
            found = VERSION_IN_TEXT.search(note.read_text(encoding="utf-8", errors="replace")[:20000])
            if found:
                return found.group(1)
    raise _refuse(
        folder.name,
        _(
            "Cannot tell which ESCO edition this folder holds: name the folder after it (for example "
            "“esco-v1.2.0”) or keep the download's README saying “ESCO v1.2.0” in it."
        ),
    )


def read_esco_folder(folder: Path, *, progress: Progress | None = None) -> EscoData:
    """Read and check a whole ESCO folder; raise :class:`ImportRejected` listing every problem, each naming
    the file as ``FOLDER/FILE`` (with its row and column where there is one)."""
    try:
        return _read_esco_folder(folder, progress or NullProgress())
    except ImportRejected as rejection:
        relative = (
            {path.name: str(path.relative_to(folder)) for path in folder.rglob("*.csv") if path.is_file()}
            if folder.is_dir()
            else {}
        )
        prefix = f"{folder.name}/"
        rejection.errors = [
            error
            if error.file == folder.name or error.file.startswith(prefix)
            else RowError(
                f"{prefix}{relative.get(error.file, error.file)}", error.row, error.column, error.reason
            )
            for error in rejection.errors
        ]
        raise


def _read_esco_folder(folder: Path, progress: Progress) -> EscoData:
    if not folder.is_dir():
        raise _refuse(folder.name, _("This is not a folder; give the folder of the ESCO CSV files."))
    version = esco_version_of(folder)
    files = _Folder(folder)
    required_paths = {
        "occupations": files.require("occupations_en.csv"),
        "skills": files.require("skills_en.csv", "skills_en_min.derived.csv"),
        "relations": files.require(
            "occupationSkillRelations_en.csv", "occupationSkillRelations_en.derived.csv"
        ),
        "groups": files.require("skillGroups_en.csv"),
        "skill_broader": files.require("broaderRelationsSkillPillar_en.csv"),
        "occupation_broader": files.require("broaderRelationsOccPillar_en.csv"),
        "skill_relations": files.require("skillSkillRelations_en.csv"),
    }
    for path in required_paths.values():
        files.record(path)
    translation_folder, translation_version = files.translations()
    label_sources = {"en": version}
    data = EscoData(version=version, label_sources=label_sources, source_files=files.files)
    progress.start(None)

    collection_info = _read_collections(files, progress)
    _read_skills(data, required_paths["skills"], required_paths["groups"], collection_info, progress)
    _read_occupations(data, required_paths["occupations"], progress)
    if translation_folder is not None:
        for lang in TRANSLATED:
            found = _read_translations(data, files, translation_folder, lang, progress)
            if found:
                label_sources[lang] = translation_version or version
    known_skills = {skill["uri"] for skill in data.skills}
    known_occupations = {occupation["uri"] for occupation in data.occupations}
    _read_occupation_skills(data, required_paths["relations"], known_occupations, known_skills, progress)
    _read_skill_broader(data, required_paths["skill_broader"], known_skills, progress)
    _read_occupation_broader(data, required_paths["occupation_broader"], known_occupations, progress)
    _read_skill_relations(data, required_paths["skill_relations"], known_skills, progress)
    return data


def _check_uri(errors: ErrorCollector, number: int, column: str, value: str | None) -> str | None:
    if not value or not ESCO_URI.match(value):
        errors.add(number, column, _("Not an ESCO URI: “%(value)s”.") % {"value": (value or "")[:80]})
        return None
    return value


def _labelled_concept(
    errors: ErrorCollector, number: int, row: Any, seen: set[str], *, unlabelled: str, repeated: str
) -> tuple[str, str] | None:
    """The URI and English label of one skill-pillar row, each URI once across the pillar's files; None
    (the reason recorded for the row) when either is missing or the URI was read before."""
    uri = _check_uri(errors, number, "conceptUri", row["conceptUri"])
    label = _label(row["preferredLabel"])
    if not label:
        errors.add(number, "preferredLabel", unlabelled)
    if uri is None or not label:
        return None
    if uri in seen:
        errors.add(number, "conceptUri", repeated)
        return None
    seen.add(uri)
    return uri, label


def _read_collections(files: _Folder, progress: Progress) -> dict[str, dict[str, Any]]:
    """URI -> {collections, skill_type, reuse_level, alt_labels, description} from the collection files."""
    info: dict[str, dict[str, Any]] = {}
    for collection in COLLECTIONS:
        path = files.find(f"{collection}SkillsCollection_en.csv")
        if path is None:
            continue
        files.record(path)
        errors = ErrorCollector(path.name)
        for number, row in _table(
            path,
            required={"conceptUri", "preferredLabel"},
            optional={
                "conceptType",
                "skillType",
                "reuseLevel",
                "status",
                "altLabels",
                "description",
                "broaderConceptUri",
                "broaderConceptPT",
            },
            progress=progress,
        ):
            uri = _check_uri(errors, number, "conceptUri", row["conceptUri"])
            if uri is None:
                continue
            entry = info.setdefault(uri, {"collections": []})
            entry["collections"].append(collection)
            entry.setdefault("skill_type", row["skillType"] or "")
            entry.setdefault("reuse_level", row["reuseLevel"] or "")
            entry.setdefault("alt_labels", _lines(row["altLabels"]))
            entry.setdefault("description", (row["description"] or "").strip())
        errors.raise_if_any()
    return info


SKILL_TYPES = {"skill/competence", "knowledge", ""}


def _skill_type_from_pillar(pillar: str) -> str:
    parts = set(pillar.split("|")) if pillar else set()
    if parts == {"K"} or parts == {"K", "T"}:
        return "knowledge"
    if "S" in parts:
        return "skill/competence"
    return ""


def _read_skills(
    data: EscoData,
    skills_path: Path,
    groups_path: Path,
    collections: dict[str, dict[str, Any]],
    progress: Progress,
) -> None:
    errors = ErrorCollector(skills_path.name)
    seen: set[str] = set()
    for number, row in _table(
        skills_path,
        required={"conceptUri", "preferredLabel"},
        optional={
            # the official skills_en.csv
            "conceptType",
            "skillType",
            "reuseLevel",
            "altLabels",
            "hiddenLabels",
            "status",
            "modifiedDate",
            "scopeNote",
            "definition",
            "inScheme",
            "description",
            # skills_en_min.derived.csv
            "pillar",
            "collections",
            "skillType_v1_0",
            "reuseLevel_v1_0",
        },
        progress=progress,
    ):
        concept = _labelled_concept(
            errors,
            number,
            row,
            seen,
            unlabelled=_("The skill has no label."),
            repeated=_("This URI appears twice in the file."),
        )
        if concept is None:
            continue
        uri, label = concept
        extra = collections.get(uri, {})
        skill_type = (
            row["skillType"]
            or extra.get("skill_type")
            or row["skillType_v1_0"]
            or _skill_type_from_pillar(row["pillar"] or "")
        )
        if skill_type not in SKILL_TYPES:
            errors.add(number, "skillType", _("Unknown skill type “%(value)s”.") % {"value": skill_type[:40]})
            continue
        listed = [c for c in (row["collections"] or "").replace(";", "|").split("|") if c in COLLECTIONS]
        data.skills.append(
            {
                "uri": uri,
                "kind": "skill",
                "skill_type": skill_type,
                "reuse_level": row["reuseLevel"] or extra.get("reuse_level") or row["reuseLevel_v1_0"] or "",
                "code": "",
                "label_en": label,
                "label_fr": "",
                "label_es": "",
                "alt_labels": {
                    "en": _lines(row["altLabels"]) or list(extra.get("alt_labels", [])),
                    "fr": [],
                    "es": [],
                },
                "description_en": (row["description"] or "").strip() or extra.get("description", ""),
                "collections": sorted(set(listed) | set(extra.get("collections", [])), key=COLLECTIONS.index),
            }
        )
    errors.raise_if_any()
    errors = ErrorCollector(groups_path.name)
    for number, row in _table(
        groups_path,
        required={"conceptUri", "preferredLabel"},
        optional={
            "conceptType",
            "altLabels",
            "hiddenLabels",
            "status",
            "modifiedDate",
            "scopeNote",
            "inScheme",
            "description",
            "code",
        },
        progress=progress,
    ):
        concept = _labelled_concept(
            errors,
            number,
            row,
            seen,
            unlabelled=_("The skill group has no label."),
            repeated=_("This URI is already a skill or another group."),
        )
        if concept is None:
            continue
        uri, label = concept
        data.skills.append(
            {
                "uri": uri,
                "kind": "group",
                "skill_type": "",
                "reuse_level": "",
                "code": (row["code"] or "")[:40],
                "label_en": label,
                "label_fr": "",
                "label_es": "",
                "alt_labels": {"en": _lines(row["altLabels"]), "fr": [], "es": []},
                "description_en": (row["description"] or "").strip(),
                "collections": [],
            }
        )
    errors.raise_if_any()


def _read_occupations(data: EscoData, path: Path, progress: Progress) -> None:
    errors = ErrorCollector(path.name)
    seen: set[str] = set()
    for number, row in _table(
        path,
        required={"conceptUri", "iscoGroup", "preferredLabel"},
        optional={
            "conceptType",
            "altLabels",
            "hiddenLabels",
            "status",
            "modifiedDate",
            "regulatedProfessionNote",
            "scopeNote",
            "definition",
            "inScheme",
            "description",
            "code",
        },
        progress=progress,
    ):
        uri = _check_uri(errors, number, "conceptUri", row["conceptUri"])
        label = _label(row["preferredLabel"])
        isco = (row["iscoGroup"] or "").strip()
        if not label:
            errors.add(number, "preferredLabel", _("The occupation has no label."))
        if not re.fullmatch(r"\d{4}", isco):
            errors.add(
                number,
                "iscoGroup",
                _("Not a 4-digit ISCO-08 unit group: “%(value)s”.") % {"value": isco[:20]},
            )
        if uri is None or not label or errors.row_has_errors(number):
            continue
        if uri in seen:
            errors.add(number, "conceptUri", _("This URI appears twice in the file."))
            continue
        seen.add(uri)
        data.occupations.append(
            {
                "uri": uri,
                "code": (row["code"] or "")[:40],
                "isco_code": isco,
                "label_en": label,
                "label_fr": "",
                "label_es": "",
                "alt_labels": {"en": _lines(row["altLabels"]), "fr": [], "es": []},
                "hidden_labels": {"en": _lines(row["hiddenLabels"]), "fr": [], "es": []},
                "description_en": (row["description"] or "").strip(),
                "regulated_note": (row["regulatedProfessionNote"] or "").strip()[:255],
            }
        )
    errors.raise_if_any()


def _read_translations(data: EscoData, files: _Folder, folder: Path, lang: str, progress: Progress) -> bool:
    """Fill ``label_<lang>`` and alternative labels from the language's files; False when there are none."""
    found = False
    isco_path = folder / f"ISCOGroups_{lang}.csv"
    if isco_path.is_file():
        files.record(isco_path)
        isco_errors = ErrorCollector(isco_path.name)
        for number, row in _table(
            isco_path,
            required={"code", "preferredLabel"},
            optional={"conceptType", "conceptUri", "status", "altLabels", "inScheme", "description"},
            progress=progress,
        ):
            code = (row["code"] or "").strip()
            if not ISCO_CODE.match(code):
                isco_errors.add(
                    number,
                    "code",
                    _("Not an ISCO-08 code (1 to 4 digits): “%(value)s”.") % {"value": code[:20]},
                )
                continue
            data.isco_labels.setdefault(code, {})[lang] = _label(row["preferredLabel"])
        isco_errors.raise_if_any()
    targets = (
        (f"occupations_{lang}.csv", {item["uri"]: item for item in data.occupations}),
        (f"skills_{lang}.csv", {item["uri"]: item for item in data.skills}),
    )
    for name, by_uri in targets:
        path = folder / name
        if not path.is_file():
            continue
        found = True
        files.record(path)
        errors = ErrorCollector(path.name)
        for number, row in _table(
            path,
            required={"conceptUri", "preferredLabel"},
            optional={
                "conceptType",
                "iscoGroup",
                "skillType",
                "reuseLevel",
                "altLabels",
                "hiddenLabels",
                "status",
                "modifiedDate",
                "regulatedProfessionNote",
                "scopeNote",
                "definition",
                "inScheme",
                "description",
                "code",
            },
            progress=progress,
        ):
            uri = _check_uri(errors, number, "conceptUri", row["conceptUri"])
            item = by_uri.get(uri or "")
            if item is None:
                continue  # a concept of the older release that this edition no longer has
            item[f"label_{lang}"] = _label(row["preferredLabel"])
            item["alt_labels"][lang] = _lines(row["altLabels"])
            if "hidden_labels" in item:
                item["hidden_labels"][lang] = _lines(row["hiddenLabels"])
        errors.raise_if_any()
    return found


def _relation_type(errors: ErrorCollector, number: int, value: str | None) -> str | None:
    if value not in RELATION_TYPES:
        errors.add(
            number,
            "relationType",
            _("The relation type must be “essential” or “optional”, not “%(value)s”.")
            % {"value": (value or "")[:40]},
        )
        return None
    return value


def _read_occupation_skills(
    data: EscoData, path: Path, occupations: set[str], skills: set[str], progress: Progress
) -> None:
    errors = ErrorCollector(path.name)
    seen: set[tuple[str, str, str]] = set()
    for number, row in _table(
        path,
        required={"occupationUri", "relationType", "skillUri"},
        optional={"occupationLabel", "skillType", "skillLabel"},
        progress=progress,
    ):
        occupation = _check_uri(errors, number, "occupationUri", row["occupationUri"])
        skill = _check_uri(errors, number, "skillUri", row["skillUri"])
        relation = _relation_type(errors, number, row["relationType"])
        if occupation is None or skill is None or relation is None:
            continue
        if occupation not in occupations:
            errors.add(number, "occupationUri", _("No occupation of this edition has this URI."))
            continue
        if skill not in skills:
            errors.add(number, "skillUri", _("No skill of this edition has this URI."))
            continue
        key = (occupation, skill, relation)
        if key in seen:
            errors.add(number, None, _("This relation appears twice in the file."))
            continue
        seen.add(key)
        data.occupation_skills.append(key)
    errors.raise_if_any()


def _read_skill_broader(data: EscoData, path: Path, skills: set[str], progress: Progress) -> None:
    errors = ErrorCollector(path.name)
    skipped = 0
    seen: set[tuple[str, str]] = set()
    for number, row in _table(
        path,
        required={"conceptUri", "broaderUri"},
        optional={"conceptType", "broaderType", "conceptLabel", "broaderLabel"},
        progress=progress,
    ):
        narrower = _check_uri(errors, number, "conceptUri", row["conceptUri"])
        broader = _check_uri(errors, number, "broaderUri", row["broaderUri"])
        if narrower is None or broader is None:
            continue
        if narrower not in skills or broader not in skills:
            skipped += 1  # a concept the skills file does not carry (see SOURCE.md)
            continue
        if (narrower, broader) not in seen:
            seen.add((narrower, broader))
            data.skill_broader.append((narrower, broader))
    errors.raise_if_any()
    if skipped:
        data.notes.append(f"{path.name}: {skipped} links name a skill the skills file lacks; skipped.")


def _read_occupation_broader(data: EscoData, path: Path, occupations: set[str], progress: Progress) -> None:
    errors = ErrorCollector(path.name)
    for number, row in _table(
        path,
        required={"conceptUri", "broaderUri"},
        optional={"conceptType", "broaderType", "conceptLabel", "broaderLabel"},
        progress=progress,
    ):
        narrower = _check_uri(errors, number, "conceptUri", row["conceptUri"])
        broader = _check_uri(errors, number, "broaderUri", row["broaderUri"])
        if narrower is None or broader is None:
            continue
        if narrower in occupations and broader in occupations:
            data.occupation_broader[narrower] = broader
        elif narrower in occupations and "/occupation/" in broader:
            errors.add(number, "broaderUri", _("No occupation of this edition has this URI."))
    errors.raise_if_any()


def _read_skill_relations(data: EscoData, path: Path, skills: set[str], progress: Progress) -> None:
    errors = ErrorCollector(path.name)
    skipped = 0
    seen: set[tuple[str, str, str]] = set()
    for number, row in _table(
        path,
        required={"originalSkillUri", "relationType", "relatedSkillUri"},
        optional={"originalSkillType", "relatedSkillType", "originalSkillLabel", "relatedSkillLabel"},
        progress=progress,
    ):
        skill = _check_uri(errors, number, "originalSkillUri", row["originalSkillUri"])
        related = _check_uri(errors, number, "relatedSkillUri", row["relatedSkillUri"])
        relation = _relation_type(errors, number, row["relationType"])
        if skill is None or related is None or relation is None:
            continue
        if skill not in skills or related not in skills:
            skipped += 1
            continue
        key = (skill, related, relation)
        if key not in seen:
            seen.add(key)
            data.skill_relations.append(key)
    errors.raise_if_any()
    if skipped:
        data.notes.append(f"{path.name}: {skipped} relations name a skill the skills file lacks; skipped.")


# ISCO ---------------------------------------------------------------------------------------------------


def read_isco_file(path: Path, *, progress: Progress | None = None) -> IscoData:
    """ISCO-08 groups as ESCO publishes them (``ISCOGroups_en.csv``), with French and Spanish labels from
    ``ISCOGroups_{fr,es}.csv`` beside it or in a ``multilingual_vX.Y`` folder beside it, when present."""
    progress = progress or NullProgress()
    progress.start(None)
    files = {path.name: _sha256(path)}
    groups: dict[str, dict[str, Any]] = {}
    errors = ErrorCollector(path.name)
    for number, row in _table(
        path,
        required={"conceptUri", "code", "preferredLabel"},
        optional={"conceptType", "status", "altLabels", "inScheme", "description"},
        progress=progress,
    ):
        code = (row["code"] or "").strip()
        label = _label(row["preferredLabel"])
        uri = _check_uri(errors, number, "conceptUri", row["conceptUri"])
        if not ISCO_CODE.match(code):
            errors.add(
                number, "code", _("Not an ISCO-08 code (1 to 4 digits): “%(value)s”.") % {"value": code[:20]}
            )
        if not label:
            errors.add(number, "preferredLabel", _("The group has no label."))
        if uri is None or errors.row_has_errors(number):
            continue
        if code in groups:
            errors.add(number, "code", _("This code appears twice in the file."))
            continue
        groups[code] = {
            "code": code,
            "uri": uri,
            "label_en": label,
            "label_fr": "",
            "label_es": "",
            "description_en": (row["description"] or "").strip(),
            "_row": number,
        }
    for group in groups.values():
        code = group["code"]
        if len(code) > 1 and code[:-1] not in groups:
            errors.add(
                group["_row"],
                "code",
                _("The parent group %(parent)s is not in the file.") % {"parent": code[:-1]},
            )
    errors.raise_if_any()
    label_sources = {"en": _isco_edition_note(path)}
    for lang in TRANSLATED:
        translated = _isco_translation_file(path, lang)
        if translated is None:
            continue
        language_file, edition = translated
        files[str(language_file.relative_to(path.parent))] = _sha256(language_file)
        label_sources[lang] = f"ESCO v{edition}" if edition else "ESCO"
        language_errors = ErrorCollector(language_file.name)
        for number, row in _table(
            language_file,
            required={"code", "preferredLabel"},
            optional={"conceptType", "conceptUri", "status", "altLabels", "inScheme", "description"},
            progress=progress,
        ):
            code = (row["code"] or "").strip()
            if code not in groups:
                language_errors.add(number, "code", _("No ISCO-08 group has this code."))
                continue
            groups[code][f"label_{lang}"] = _label(row["preferredLabel"])
        language_errors.raise_if_any()
    for group in groups.values():
        group.pop("_row")
    return IscoData(
        version="ISCO-08",
        label_sources=label_sources,
        source_files=files,
        groups=sorted(groups.values(), key=lambda group: group["code"]),
    )


def _isco_edition_note(path: Path) -> str:
    """The ESCO release the English ISCO labels come with, as far as the folder tells ("" if it does not)."""
    try:
        return esco_version_of(path.parent)
    except ImportRejected:
        return ""


def _isco_translation_file(path: Path, lang: str) -> tuple[Path, str | None] | None:
    name = f"ISCOGroups_{lang}.csv"
    if (path.parent / name).is_file():
        return path.parent / name, None
    for folder in sorted(path.parent.glob("multilingual_v*")):
        if (folder / name).is_file():
            match = VERSION_IN_NAME.search(folder.name)
            return folder / name, match.group(1) if match else None
    return None
