"""Issue 15, finding 7: "dupcase" and "DUPCASE " are one organisation, in the database, in model
validation and in the organisations import."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from migdev.accounts.models import Organisation
from migdev.dataio.errors import ImportRejected
from migdev.dataio.services import import_file

pytestmark = pytest.mark.django_db


def test_the_database_refuses_a_name_that_differs_only_in_case() -> None:
    Organisation.objects.create(name="dupcase", kind=Organisation.Kind.NGO)
    with pytest.raises(IntegrityError), transaction.atomic():
        Organisation.objects.create(name="DUPCASE", kind=Organisation.Kind.NGO)


def test_model_validation_trims_the_name_and_compares_it_without_case() -> None:
    Organisation.objects.create(name="dupcase", kind=Organisation.Kind.NGO)
    candidate = Organisation(name="  DUPCASE  ", kind=Organisation.Kind.NGO)
    with pytest.raises(ValidationError):
        candidate.full_clean()
    assert candidate.name == "DUPCASE"
    blank = Organisation(name="   ", kind=Organisation.Kind.NGO)
    with pytest.raises(ValidationError):
        blank.full_clean()


def test_an_import_with_both_spellings_is_refused(tmp_path: Path) -> None:
    before = Organisation.objects.count()
    path = tmp_path / "orgs.csv"
    path.write_text("name,kind\ndupcase,ngo\nDUPCASE ,ngo\n", encoding="utf-8")
    with pytest.raises(ImportRejected) as caught:
        import_file(format_name="organisations-csv", path=path)
    (error,) = caught.value.errors
    assert (error.row, error.column) == (3, "name")
    assert Organisation.objects.count() == before


def test_an_import_updates_the_organisation_spelled_differently(tmp_path: Path) -> None:
    existing = Organisation.objects.create(name="dupcase", kind=Organisation.Kind.NGO)
    before = Organisation.objects.count()
    path = tmp_path / "orgs.csv"
    path.write_text("name,kind,acronym\nDUPCASE ,research,DC\n", encoding="utf-8")
    result = import_file(format_name="organisations-csv", path=path)
    assert (result.created, result.updated) == (0, 1)
    assert Organisation.objects.count() == before
    existing.refresh_from_db()
    assert (existing.name, existing.kind, existing.acronym) == ("dupcase", "research", "DC")
    assert existing.version == 2  # an edit opened before the import cannot overwrite it
