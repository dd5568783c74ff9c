"""Every registered format against the bad-file collection: each file gets a clear error naming the file
(and the row and column where there is one), never a traceback, and leaves the database as it was."""

from datetime import date
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from migdev.dataio.errors import ImportRejected
from migdev.dataio.registry import LoadOptions, formats
from migdev.dataio.services import import_file
from tests.dataio.badfiles import GENERIC, INDICATORS, SAMPLES, _csv_bytes, _fixture_rows, database_state

pytestmark = pytest.mark.django_db

FORMAT_NAMES = sorted(SAMPLES)


def refused(format_name: str, path: Path, **options: bool) -> ImportRejected:
    before = database_state()
    with pytest.raises(ImportRejected) as caught:
        import_file(format_name=format_name, path=path, options=LoadOptions(**options))
    assert database_state() == before, f"{format_name}: a refused {path.name} changed the database"
    rejection = caught.value
    for error in rejection.errors:
        # a folder format names the file inside the folder: "FOLDER/FILE"
        assert error.file == path.name or (path.is_dir() and error.file.startswith(f"{path.name}/"))
        assert error.reason.strip()
        assert "Traceback" not in error.reason
    return rejection


@pytest.fixture
def long_csv_edition() -> None:
    """The edition the long-CSV samples name (that format only loads into an existing edition)."""
    from migdev.indicators.models import Edition, Source

    Edition.objects.create(
        source=Source.objects.get(code="undesa-ims"),
        code="bad-files-edition",
        title="t",
        published=date(2020, 1, 1),
    )


def test_the_collection_covers_every_registered_format() -> None:
    assert set(SAMPLES) == {item.name for item in formats()}


@pytest.mark.parametrize("case", sorted(GENERIC))
@pytest.mark.parametrize("format_name", FORMAT_NAMES)
def test_a_bad_file_is_refused_clearly_and_changes_nothing(
    format_name: str, case: str, tmp_path: Path
) -> None:
    refused(format_name, GENERIC[case](tmp_path, SAMPLES[format_name]))


@pytest.mark.parametrize("format_name", FORMAT_NAMES)
def test_a_file_with_no_data_rows_is_refused(
    format_name: str, tmp_path: Path, long_csv_edition: None
) -> None:
    refused(format_name, SAMPLES[format_name].header_only(tmp_path))


@pytest.mark.parametrize("format_name", FORMAT_NAMES)
def test_a_decimal_comma_is_refused_naming_its_row(
    format_name: str, tmp_path: Path, long_csv_edition: None
) -> None:
    rejection = refused(format_name, SAMPLES[format_name].decimal_comma(tmp_path))
    assert any(error.row is not None for error in rejection.errors), rejection.errors


def test_a_decimal_comma_names_file_row_and_column(tmp_path: Path) -> None:
    path = SAMPLES["national-net-migration"].decimal_comma(tmp_path)
    rejection = refused("national-net-migration", path)
    [error] = rejection.errors
    header = _fixture_rows(path)[0]
    value_column = "ABCDEFGH"[header.index("Net Number of Migrants")]
    assert (error.file, error.row, error.column) == (path.name, 2, value_column)
    assert "'1,5' is not a number" in error.reason


@pytest.mark.parametrize("format_name", ["national-net-migration", "activities-csv", "remittance-flows"])
def test_a_comma_is_never_read_as_a_thousands_separator(format_name: str, tmp_path: Path) -> None:
    """ "1,5" was stored as 15 by these loaders."""
    refused(format_name, SAMPLES[format_name].decimal_comma(tmp_path))


# Existing editions ---------------------------------------------------------------------------------

WHOLE_FILE_EDITIONS = {
    "undesa-wpp-net-migration": INDICATORS / "cut_UN_WPP_2024_net_migration.csv",
    "national-net-migration": INDICATORS / "cut_Net_migration_national_statistics.csv",
    "unhcr-refugees": INDICATORS / "cut_unhcr_2020.csv",
    "worldbank-rpw-corridors": INDICATORS / "cut_rpw_corridors.csv",
}


def _short_copy(fixture: Path, directory: Path, *, header_lines: int = 1, data_rows: int = 1) -> Path:
    rows = _fixture_rows(fixture)
    path = directory / fixture.name
    path.write_bytes(_csv_bytes(rows[: header_lines + data_rows]))
    return path


def _observations() -> int:
    from migdev.indicators.models import Observation

    return Observation.objects.count()


@pytest.mark.parametrize("format_name", sorted(WHOLE_FILE_EDITIONS))
def test_a_short_file_for_an_existing_edition_shows_what_it_would_remove(
    format_name: str, tmp_path: Path
) -> None:
    fixture = WHOLE_FILE_EDITIONS[format_name]
    import_file(format_name=format_name, path=fixture)
    stored = _observations()
    short = _short_copy(fixture, tmp_path)
    rejection = refused(format_name, short)
    assert rejection.changes is not None
    # The file's series are replaced (the edition's other series kept): most of their values would go.
    assert 0 < rejection.changes.existing <= stored
    assert rejection.changes.removed > rejection.changes.existing / 2
    assert (rejection.changes.added, rejection.changes.changed) == (0, 0)
    assert "--replace" in rejection.errors[0].reason
    assert _observations() == stored
    # Asked for, the replacement happens.
    import_file(format_name=format_name, path=short, options=LoadOptions(replace=True))
    assert 0 < _observations() < stored


def test_a_changed_value_needs_confirmation_and_the_report_shows_it(tmp_path: Path) -> None:
    fixture = INDICATORS / "cut_Net_migration_national_statistics.csv"
    import_file(format_name="national-net-migration", path=fixture)
    rows = _fixture_rows(fixture)
    value_at = rows[0].index("Net Number of Migrants")
    rows[1][value_at] = str(float(rows[1][value_at]) + 1000)
    changed = tmp_path / fixture.name
    changed.write_bytes(_csv_bytes(rows))
    rejection = refused("national-net-migration", changed)
    assert rejection.changes is not None
    assert (rejection.changes.changed, rejection.changes.removed, rejection.changes.added) == (1, 0, 0)
    assert any(example.startswith("changed:") for example in rejection.changes.examples)


def test_the_same_file_again_changes_nothing_and_needs_no_confirmation() -> None:
    fixture = WHOLE_FILE_EDITIONS["undesa-wpp-net-migration"]
    import_file(format_name="undesa-wpp-net-migration", path=fixture)
    stored = _observations()
    import_file(format_name="undesa-wpp-net-migration", path=fixture)
    assert _observations() == stored


def test_a_partial_file_for_an_existing_edition_keeps_its_checksum(tmp_path: Path) -> None:
    """The IMS 2019 checksum named an empty file while the edition held the real file's values."""
    from migdev.indicators.models import Edition

    fixture = INDICATORS / "ims2019_matrix_cut.csv"
    import_file(format_name="undesa-ims-2019", path=fixture)
    edition = Edition.objects.get(code__startswith="undesa-ims-2019")
    stored = _observations()
    # Its first data row is a region the format skips; the second, Germany, has values.
    import_file(format_name="undesa-ims-2019", path=_short_copy(fixture, tmp_path, data_rows=2))
    edition.refresh_from_db()
    assert _observations() == stored
    assert edition.file_sha256 != "" and edition.file_sha256 == _sha256(fixture)


def _sha256(path: Path) -> str:
    import hashlib

    return hashlib.sha256(path.read_bytes()).hexdigest()


# The same errors on the command line ---------------------------------------------------------------


@pytest.mark.parametrize("format_name", ["unhcr-refugees", "htcds-xlsx", "worldbank-wdi"])
def test_the_command_line_shows_the_error_never_a_traceback(
    format_name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = GENERIC["wrong-encoding"](tmp_path, SAMPLES[format_name])
    with pytest.raises(CommandError, match="was refused"):
        call_command("load", format_name, str(path))
    err = capsys.readouterr().err
    assert path.name in err
    assert "Traceback" not in err and "UnicodeDecodeError" not in err


def test_replace_on_the_command_line_confirms(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    fixture = WHOLE_FILE_EDITIONS["undesa-wpp-net-migration"]
    call_command("load", "undesa-wpp-net-migration", str(fixture))
    short = _short_copy(fixture, tmp_path)
    with pytest.raises(CommandError):
        call_command("load", "undesa-wpp-net-migration", str(short))
    assert "would add 0, change 0 and remove" in capsys.readouterr().err
    call_command("load", "undesa-wpp-net-migration", str(short), "--replace")
    assert _observations() == 1
