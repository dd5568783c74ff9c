"""Loads the reference data file (processes, memberships, chairs, topics, Global Compact objectives).

It takes an app registry so the data migration can run it against historical models; it is idempotent
(keyed on codes and names) so it can also refresh an existing database.
"""

from __future__ import annotations

import datetime
import tomllib
from pathlib import Path
from typing import Any

from migdev.coordination.countries import iso_lookup

DATA_FILE = Path(__file__).resolve().parent / "data" / "processes.toml"


class ReferenceDataError(ValueError):
    pass


def _iso3(code: str, where: str) -> str:
    found = iso_lookup(code.strip().upper())
    if found is None or found[0] != code:
        raise ReferenceDataError(f"{DATA_FILE.name}: {where}: {code!r} is not an ISO 3166-1 alpha-3 code")
    return found[0]


def _date(value: str | None) -> datetime.date | None:
    return datetime.date.fromisoformat(value) if value else None


SOURCE_MAX_LENGTH = 400


def _delete_retired(apps: Any, entries: list[dict[str, Any]], path: Path, organisation: Any) -> int:
    """Delete exactly the rows an earlier version of the file loaded and a later check withdrew.

    Each entry names one kind of row by its full natural key, so nothing an editor added is touched and
    running it again deletes nothing.
    """
    process_model = apps.get_model("coordination", "Process")
    state_model = apps.get_model("coordination", "StateMembership")
    org_membership_model = apps.get_model("coordination", "OrganisationMembership")
    chair_model = apps.get_model("coordination", "Chair")
    deleted = 0
    for entry in entries:
        where = f"retired row of process {entry['process']}"
        process = process_model.objects.filter(code=entry["process"]).first()
        if process is None:
            raise ReferenceDataError(f"{path.name}: {where}: unknown process")
        if "state" in entry or "states" in entry:
            codes = [entry["state"]] if "state" in entry else entry["states"]
            for code in codes:
                deleted += state_model.objects.filter(
                    process=process,
                    country_iso3=_iso3(code, where),
                    status=entry["status"],
                    start_year=entry.get("start_year"),
                ).delete()[0]
        elif "organisation" in entry:
            deleted += org_membership_model.objects.filter(
                process=process,
                organisation=organisation(entry["organisation"], where),
                role=entry["role"],
                start_year=entry.get("start_year"),
            ).delete()[0]
        elif "chair_country" in entry or "chair_organisation" in entry:
            deleted += chair_model.objects.filter(
                process=process,
                role=entry.get("role", "chair"),
                country_iso3=_iso3(entry["chair_country"], where) if "chair_country" in entry else "",
                organisation=organisation(entry["chair_organisation"], where)
                if "chair_organisation" in entry
                else None,
                start_date=_date(entry["start"]),
            ).delete()[0]
        else:
            raise ReferenceDataError(
                f"{path.name}: {where}: says neither which state, organisation nor chair"
            )
    return deleted


def load_reference_data(apps: Any, path: Path = DATA_FILE) -> dict[str, int]:
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    organisation_model = apps.get_model("accounts", "Organisation")
    code_model = apps.get_model("coordination", "OrganisationCode")
    process_model = apps.get_model("coordination", "Process")
    state_model = apps.get_model("coordination", "StateMembership")
    org_membership_model = apps.get_model("coordination", "OrganisationMembership")
    chair_model = apps.get_model("coordination", "Chair")
    topic_model = apps.get_model("coordination", "Topic")

    by_acronym: dict[str, Any] = {}
    for entry in data["organisations"]:
        row, _ = organisation_model.objects.get_or_create(
            name=entry["name"], defaults={"acronym": entry["acronym"], "kind": entry["kind"]}
        )
        by_acronym[entry["acronym"]] = row
        if "iati" in entry:
            code_model.objects.update_or_create(
                organisation=row, scheme="iati", defaults={"code": entry["iati"]}
            )

    def organisation(acronym: str, where: str) -> Any:
        if acronym not in by_acronym:
            raise ReferenceDataError(f"{path.name}: {where}: organisation {acronym!r} is not listed")
        return by_acronym[acronym]

    counts = {"processes": 0, "state_memberships": 0, "chairs": 0, "retired": 0}
    for entry in data["processes"]:
        where = f"process {entry['code']}"
        if len(entry["source"]) > SOURCE_MAX_LENGTH:
            raise ReferenceDataError(
                f"{path.name}: {where}: source is longer than {SOURCE_MAX_LENGTH} characters"
            )
        optional = {}
        if "open_to_all_un_states" in {field.name for field in process_model._meta.get_fields()}:
            # Older migrations run this against models without the column.
            optional["open_to_all_un_states"] = entry.get("open_to_all_un_states", False)
        process, _ = process_model.objects.update_or_create(
            code=entry["code"],
            defaults={
                "acronym": entry.get("acronym", ""),
                "name": entry["name"],
                "other_names": entry.get("other_names", ""),
                "kind": entry["kind"],
                "region": entry.get("region", ""),
                "established_year": entry.get("established_year"),
                "ended_year": entry.get("ended_year"),
                "description": entry.get("description", ""),
                "secretariat": organisation(entry["secretariat"], where) if "secretariat" in entry else None,
                "secretariat_note": entry.get("secretariat_note", ""),
                "membership_complete": entry.get("membership_complete", False),
                "membership_as_of": entry.get("membership_as_of"),
                "source": entry["source"],
                "is_published": True,
                **optional,
            },
        )
        counts["processes"] += 1
        states: list[tuple[str, str, dict[str, Any]]] = [
            (code, "member", {}) for code in entry.get("members", [])
        ]
        states += [(code, "observer", {}) for code in entry.get("observers", [])]
        states += [
            (item["country"], item.get("status", "member"), item)
            for item in entry.get("members_with_dates", [])
        ]
        for code, status, extra in states:
            state_model.objects.update_or_create(
                process=process,
                country_iso3=_iso3(code, where),
                status=status,
                start_year=extra.get("start_year"),
                defaults={"end_date": _date(extra.get("end")), "note": extra.get("note", "")},
            )
            counts["state_memberships"] += 1
        for item in entry.get("organisation_members", []):
            org_membership_model.objects.update_or_create(
                process=process,
                organisation=organisation(item["organisation"], where),
                role=item["role"],
                start_year=item.get("start_year"),
                defaults={"end_year": item.get("end_year"), "note": item.get("note", "")},
            )
        for item in entry.get("chairs", []):
            chair_model.objects.update_or_create(
                process=process,
                role=item.get("role", "chair"),
                country_iso3=_iso3(item["country"], where) if "country" in item else "",
                organisation=organisation(item["organisation"], where) if "organisation" in item else None,
                start_date=_date(item["start"]),
                defaults={
                    "start_precision": item.get("start_precision", "day"),
                    "end_date": _date(item.get("end")),
                    "end_precision": item.get("end_precision", "day"),
                    "source": item["source"],
                },
            )
            counts["chairs"] += 1

    counts["retired"] = _delete_retired(apps, data.get("retired", []), path, organisation)

    for entry in data["topics"]:
        topic_model.objects.update_or_create(
            code=entry["code"], defaults={"name": entry["name"], "area": entry.get("area", "")}
        )
    load_gcm_objectives(apps, data, path)
    return counts


GCM_OBJECTIVE_FIELDS = ("title", "title_fr", "title_es", "short_title", "short_title_fr", "short_title_es")


def load_gcm_objectives(apps: Any, data: dict[str, Any] | None = None, path: Path = DATA_FILE) -> int:
    """Writes the 23 objectives' titles and short labels; idempotent, keyed on the number.

    Only the columns the (possibly historical) model has are written, so migration 0002 still loads the
    English titles into the table as it was then, and a later migration fills the translations.
    """
    if data is None:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    objective_model = apps.get_model("coordination", "GcmObjective")
    columns = {field.name for field in objective_model._meta.get_fields()}
    for number, entry in data["gcm_objectives"].items():
        if not isinstance(entry, dict) or not entry.get("title"):
            raise ReferenceDataError(f"{path.name}: gcm_objectives.{number}: a title is required")
        unknown = set(entry) - set(GCM_OBJECTIVE_FIELDS)
        if unknown:
            raise ReferenceDataError(f"{path.name}: gcm_objectives.{number}: unknown keys {sorted(unknown)}")
        values = {name: str(entry.get(name, "")).strip() for name in GCM_OBJECTIVE_FIELDS if name in columns}
        objective_model.objects.update_or_create(number=int(number), defaults=values)
    return len(data["gcm_objectives"])
