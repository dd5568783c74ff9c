import io
import shutil
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from migdev.accounts.models import Organisation

pytestmark = pytest.mark.django_db(transaction=True)


def snapshot() -> list[tuple[str, str, str]]:
    return sorted(Organisation.objects.values_list("name", "acronym", "kind"))


@pytest.fixture
def backup_tools() -> None:
    if connection.vendor == "postgresql" and not (shutil.which("pg_dump") and shutil.which("pg_restore")):
        pytest.skip("pg_dump/pg_restore are not installed")


def test_backup_then_restore_gives_back_the_same_data(tmp_path: Path, backup_tools: None) -> None:
    Organisation.objects.create(name="Alpha", acronym="A", kind="ngo")
    Organisation.objects.create(name="Beta", acronym="", kind="research")
    before = snapshot()
    target = tmp_path / "migdev.backup"
    out = io.StringIO()
    call_command("backup", str(target), stdout=out)
    assert target.stat().st_size > 0
    assert "Backed up the database" in out.getvalue()

    Organisation.objects.filter(name="Alpha").update(acronym="CHANGED")
    Organisation.objects.filter(name="Beta").delete()
    Organisation.objects.create(name="Gamma", kind="ngo")
    assert snapshot() != before

    call_command("restore", str(target), "--yes", stdout=io.StringIO())
    assert snapshot() == before
    Organisation.objects.create(name="Delta", kind="ngo")  # the restored database is writable
    assert snapshot() == sorted([*before, ("Delta", "", "ngo")])


def test_backup_refuses_to_overwrite_without_force(tmp_path: Path, backup_tools: None) -> None:
    target = tmp_path / "existing.backup"
    target.write_bytes(b"keep me")
    with pytest.raises(CommandError, match="--force"):
        call_command("backup", str(target), stdout=io.StringIO())
    assert target.read_bytes() == b"keep me"
    call_command("backup", str(target), "--force", stdout=io.StringIO())
    assert target.read_bytes() != b"keep me"


def test_restore_needs_confirmation_when_not_interactive(
    tmp_path: Path, backup_tools: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "db.backup"
    call_command("backup", str(target), stdout=io.StringIO())
    Organisation.objects.create(name="Written after the backup", kind="ngo")
    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    with pytest.raises(CommandError, match="--yes"):
        call_command("restore", str(target), stdout=io.StringIO())
    assert Organisation.objects.filter(name="Written after the backup").exists()


def test_restore_refuses_a_file_that_is_not_a_backup(tmp_path: Path, backup_tools: None) -> None:
    Organisation.objects.create(name="Alpha", kind="ngo")
    bogus = tmp_path / "notes.txt"
    bogus.write_text("not a database")
    with pytest.raises(CommandError, match="not a"):
        call_command("restore", str(bogus), "--yes", stdout=io.StringIO())
    with pytest.raises(CommandError, match="does not exist"):
        call_command("restore", str(tmp_path / "missing"), "--yes", stdout=io.StringIO())
    assert snapshot() == [("Alpha", "", "ngo")]
