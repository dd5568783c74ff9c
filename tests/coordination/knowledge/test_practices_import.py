"""The ``practices-csv`` and ``partnership-calls-csv`` load formats (all or nothing, errors naming file, row
and column) and the demo's sample records, labelled as samples on the pages."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.test import Client

from migdev.accounts.models import User
from migdev.coordination.demo import SAMPLES_DIR, seed_sample_practices_and_calls
from migdev.coordination.models import PartnershipCall, Practice
from migdev.dataio.errors import ImportRejected
from migdev.dataio.progress import NullProgress
from migdev.dataio.services import import_file

pytestmark = pytest.mark.django_db

HEADER = "title,what,who,results,lessons,area,gcm_objectives,countries,topics,sample\n"
GOOD = '"Pre-departure desk",Desk,Ministry,Fewer complaints,Start small,labour_migration,6,PHL,labour-mobility,no\n'


def _write(tmp_path: Path, text: str, name: str = "practices.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_a_good_file_enters_review(tmp_path: Path, editor: User) -> None:
    result = import_file(
        format_name="practices-csv",
        path=_write(tmp_path, HEADER + GOOD),
        user=editor,
        progress=NullProgress(),
    )
    assert result.created == 1
    practice = Practice.objects.get(title="Pre-departure desk")
    assert practice.status == Practice.Status.SUBMITTED and not practice.is_sample
    assert list(practice.countries.values_list("country_iso3", flat=True)) == ["PHL"]


def test_a_bad_row_refuses_the_file_naming_row_and_column(tmp_path: Path, editor: User) -> None:
    bad = '"Second",Desk,Ministry,Results,Lessons,labour_migration,24,PHL,labour-mobility,no\n'
    path = _write(tmp_path, HEADER + GOOD + bad)
    with pytest.raises(ImportRejected) as rejected:
        import_file(format_name="practices-csv", path=path, user=editor, progress=NullProgress())
    assert [(e.file, e.row, e.column) for e in rejected.value.errors] == [
        ("practices.csv", 3, "gcm_objectives")
    ]
    assert not Practice.objects.exists()


def test_a_bad_call_refuses_the_file(tmp_path: Path, editor: User) -> None:
    text = (
        "title,description,organisation,contact_email,open_until,gcm_objectives\n"
        "Call,Sought,International Organization for Migration,a@example.org,2099-01-01,6\n"
        "Call two,Sought,International Organization for Migration,not-an-email,31/12/2099,6\n"
    )
    with pytest.raises(ImportRejected) as rejected:
        import_file(
            format_name="partnership-calls-csv",
            path=_write(tmp_path, text, "calls.csv"),
            user=editor,
            progress=NullProgress(),
        )
    assert {(e.row, e.column) for e in rejected.value.errors} == {(3, "contact_email"), (3, "open_until")}
    assert not PartnershipCall.objects.exists()


def test_samples_are_loaded_again_without_duplicates_and_labelled(client: Client) -> None:
    seed_sample_practices_and_calls()
    seed_sample_practices_and_calls()
    practices = Practice.objects.filter(is_sample=True, status=Practice.Status.PUBLISHED)
    assert practices.count() == (SAMPLES_DIR / "practices.csv").read_text().count("\n") - 1
    assert PartnershipCall.objects.filter(is_sample=True, is_published=True).count() == 2
    listing = client.get("/en/coordination/practices/").content.decode()
    assert listing.count("Sample record") >= practices.count()
    detail = client.get(f"/en/coordination/practices/{practices.first().pk}/").content.decode()
    assert 'id="sample-notice"' in detail
    calls = client.get("/en/coordination/calls/").content.decode()
    assert calls.count("Sample record") == 2


def test_a_file_loaded_with_nobody_named_is_refused_with_the_reason(tmp_path: Path) -> None:
    """`migdev load practices-csv FILE` without --user: a clear refusal, not a crash, and nothing written."""
    with pytest.raises(ImportRejected) as caught:
        import_file(
            format_name="practices-csv", path=_write(tmp_path, HEADER + GOOD), progress=NullProgress()
        )
    assert any("--user" in error.reason for error in caught.value.errors)
    assert not Practice.objects.exists()
