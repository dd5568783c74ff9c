"""Law fixtures: the reference data shipped with the module, loaded through the registered formats."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from migdev.accounts.models import RoleDefinition, User
from migdev.accounts.roles import Role
from migdev.law.services import load_reference

PARTY_COLUMNS = [
    "instrument_code",
    "iso3",
    "country_name_source",
    "entity_type",
    "action",
    "signature_date",
    "ratification_accession_date",
    "ratification_accession_year",
    "status",
    "consent_raw",
    "signature_raw",
    "source",
    "note",
    "denunciation_date",
    "as_of",
]


@pytest.fixture
def shipped(db: None) -> None:
    load_reference()


def write_parties(path: Path, rows: list[dict[str, str]], extra_columns: tuple[str, ...] = ()) -> Path:
    """A party file in the law-parties layout (plus optional ``extra_columns``); missing cells are blank."""
    columns = PARTY_COLUMNS + list(extra_columns)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, columns, lineterminator="\n")
        writer.writeheader()
        for row in rows:
            writer.writerow({column: row.get(column, "") for column in columns})
    return path


def party_row(**values: str) -> dict[str, str]:
    row = {
        "instrument_code": "TIP2000",
        "entity_type": "state",
        "status": "party",
        "action": "accession",
        "source": "test file",
        "as_of": "2014-09-30",
    }
    row.update(values)
    return row


def user_with_roles(*roles: str, name: str) -> User:
    user = User.objects.create_user(username=name)
    user.roles.set(RoleDefinition.objects.filter(code__in=roles))
    return user


@pytest.fixture
def editor(db: None) -> User:
    return user_with_roles(Role.EDITOR, name="law-editor")


@pytest.fixture
def reader(db: None) -> User:
    return user_with_roles(name="law-reader")
