from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile

from migdev.accounts.access import Role
from migdev.accounts.models import Organisation
from migdev.audit.models import AuditAction, AuditEvent
from migdev.dataio import registry
from migdev.dataio.errors import ImportRejected, RowError, report_json, report_text
from migdev.dataio.formats.organisations import BATCH_SIZE
from migdev.dataio.models import ImportRun
from migdev.dataio.progress import Progress, TextProgressBar
from migdev.dataio.registry import ImportResult, UnknownFormat, get_format
from migdev.dataio.services import import_file, import_upload_enqueue
from migdev.jobs.models import Job
from tests.dataio.helpers import stored_files
from tests.factories import make_user

pytestmark = pytest.mark.django_db
WriteFile = Callable[..., Path]


def organisations_csv(count: int, *, start: int = 0, kind: str = "ngo") -> str:
    return "name,kind,acronym\n" + "".join(
        f"Organisation {i},{kind},O{i}\n" for i in range(start, start + count)
    )


def organisation_rows() -> list[tuple[str, str, str]]:
    """Every organisation, including those the migrations seed."""
    return sorted(Organisation.objects.values_list("name", "acronym", "kind"))


def import_events() -> list[tuple[str, int | None, str, str]]:
    return list(
        AuditEvent.objects.filter(action=AuditAction.IMPORT).values_list(
            "action", "actor", "record_type", "record_id"
        )
    )


class RecordingProgress:
    def __init__(self) -> None:
        self.events: list[tuple[str, int | None]] = []

    def start(self, total: int | None) -> None:
        self.events.append(("start", total))

    def advance(self, n: int = 1) -> None:
        self.events.append(("advance", n))

    def finish(self) -> None:
        self.events.append(("finish", None))


def test_organisations_format_is_registered() -> None:
    assert get_format("organisations-csv").name == "organisations-csv"
    assert "organisations-csv" in [item.name for item in registry.formats()]
    with pytest.raises(UnknownFormat):
        get_format("no-such-format")


def test_registering_a_different_format_under_a_taken_name_fails(temporary_format: Any) -> None:
    temporary_format("twice", lambda *a, **k: None)
    with pytest.raises(ValueError, match="already registered"):
        temporary_format("twice", lambda *a, **k: None)


def test_import_creates_then_updates(write_file: WriteFile) -> None:
    user = make_user()
    Organisation.objects.create(name="Organisation 1", acronym="OLD", kind="government")
    Organisation.objects.create(name="Organisation 2", acronym="O2", kind="ngo")
    count_before = Organisation.objects.count()
    progress = RecordingProgress()
    result = import_file(
        format_name="organisations-csv",
        path=write_file("orgs.csv", organisations_csv(4)),
        user=user,
        progress=progress,
    )
    assert (result.read, result.created, result.updated, result.rejected) == (4, 2, 1, 0)
    assert Organisation.objects.get(name="Organisation 1").acronym == "O1"
    assert Organisation.objects.count() == count_before + 2
    run = ImportRun.objects.get(pk=result.run_id)
    assert (run.status, run.user, run.filename, run.rows_read, run.rows_created, run.rows_updated) == (
        ImportRun.Status.SUCCEEDED,
        user,
        "orgs.csv",
        4,
        2,
        1,
    )
    assert progress.events[0] == ("start", 4)
    assert sum(n or 0 for event, n in progress.events if event == "advance") == 4
    assert progress.events[-1] == ("finish", None)
    assert import_events() == [(AuditAction.IMPORT, user.pk, "dataio.importrun", str(run.pk))]


def test_bad_row_at_the_end_of_a_file_leaves_no_rows(write_file: WriteFile) -> None:
    Organisation.objects.create(name="Organisation 0", acronym="KEEP", kind="government")
    before = organisation_rows()
    rows = BATCH_SIZE * 3 + 7  # several batches are written before the bad row is reached
    content = organisations_csv(rows) + "Last one,not-a-kind,\n"
    with pytest.raises(ImportRejected) as caught:
        import_file(format_name="organisations-csv", path=write_file("orgs.csv", content))
    errors = caught.value.errors
    assert [(e.file, e.row, e.column) for e in errors] == [("orgs.csv", rows + 2, "kind")]
    assert organisation_rows() == before  # "Organisation 0" was in the file too, and is unchanged
    run = ImportRun.objects.get(pk=caught.value.run_id)
    assert (run.status, run.rows_rejected, run.rows_read) == (ImportRun.Status.REJECTED, 1, rows + 1)
    assert run.report["errors"][0]["row"] == rows + 2
    assert import_events() == []


def test_duplicate_names_name_both_rows(write_file: WriteFile) -> None:
    before = organisation_rows()
    content = "name,kind\nAlpha,ngo\nBeta,ngo\n  Alpha ,government\n"
    with pytest.raises(ImportRejected) as caught:
        import_file(format_name="organisations-csv", path=write_file("dups.csv", content))
    (error,) = caught.value.errors
    assert (error.row, error.column) == (4, "name")
    assert "row 2" in error.reason
    assert organisation_rows() == before


def test_every_problem_is_reported_at_once(write_file: WriteFile) -> None:
    long_acronym = "A" * 31
    content = f"name,kind,acronym\n,ngo,\nGood,NGO,\nBad,spaceship,{long_acronym}\n"
    with pytest.raises(ImportRejected) as caught:
        import_file(format_name="organisations-csv", path=write_file("many.csv", content))
    assert [(e.row, e.column) for e in caught.value.errors] == [(2, "name"), (4, "acronym"), (4, "kind")]
    assert caught.value.rejected_rows == 2


def test_kind_code_is_case_insensitive(write_file: WriteFile) -> None:
    import_file(format_name="organisations-csv", path=write_file("k.csv", "name,kind\nAlpha,UN_Agency\n"))
    assert Organisation.objects.get(name="Alpha").kind == "un_agency"


def test_xlsx_upload_loads_too(tmp_path: Path) -> None:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["Name", "Kind", "Acronym"])
    sheet.append(["Mekong Migration Network", "ngo", "MMN"])
    path = tmp_path / "orgs.xlsx"
    workbook.save(path)
    result = import_file(format_name="organisations-csv", path=path)
    assert result.created == 1
    assert Organisation.objects.get(name="Mekong Migration Network").acronym == "MMN"


def test_file_over_the_size_limit_is_refused(write_file: WriteFile, settings: Any) -> None:
    settings.IMPORT_MAX_BYTES = 20
    before = organisation_rows()
    with pytest.raises(ImportRejected, match="largest accepted"):
        import_file(format_name="organisations-csv", path=write_file("big.csv", organisations_csv(3)))
    assert organisation_rows() == before


def test_wrong_file_type_is_recorded_as_refused(write_file: WriteFile) -> None:
    with pytest.raises(ImportRejected) as caught:
        import_file(format_name="organisations-csv", path=write_file("image.csv", b"\x89PNG\r\n\x1a\nrest"))
    assert (
        ImportRun.objects.get(pk=caught.value.run_id)
        .report["errors"][0]["reason"]
        .startswith("This is a PNG")
    )


def test_a_crashing_loader_leaves_nothing(write_file: WriteFile, temporary_format: Any) -> None:
    def crash(path: Path, *, progress: Progress, user: Any) -> ImportResult:
        Organisation.objects.create(name="Half-way", kind="ngo")
        raise RuntimeError("disk on fire")

    temporary_format("crashing", crash)
    with pytest.raises(RuntimeError):
        import_file(format_name="crashing", path=write_file("x.csv", "a\n1\n"))
    assert not Organisation.objects.filter(name="Half-way").exists()
    run = ImportRun.objects.get()
    assert (run.status, run.error) == (ImportRun.Status.FAILED, "RuntimeError: disk on fire")


def test_unknown_format_raises(write_file: WriteFile) -> None:
    with pytest.raises(UnknownFormat):
        import_file(format_name="nope", path=write_file("x.csv", "a\n"))


def test_report_is_capped_for_display() -> None:
    errors = [RowError("f.csv", row, "kind", "bad") for row in range(2, 252)]
    rejection = ImportRejected(errors)
    text = report_text(rejection)
    assert text.count("\n") == 100  # 100 errors, then the "more" line
    assert "150 more" in text
    assert text.splitlines()[0] == "f.csv, row 2, column “kind”: bad"
    data = report_json(rejection)
    assert (data["total"], data["shown"], len(data["errors"]), data["rejected_rows"]) == (250, 100, 100, 250)
    assert data["errors"][0] == {"file": "f.csv", "row": 2, "column": "kind", "reason": "bad"}


def test_text_progress_bar_renders_on_a_terminal_and_in_logs() -> None:
    written: list[str] = []
    bar = TextProgressBar(written.append, interactive=True, label="f.csv", min_interval=0)
    bar.start(200)
    bar.advance(50)
    bar.finish()
    assert written[1].startswith("\rf.csv: [#######")
    assert "25%" in written[1] and "50 of 200 rows" in written[1]
    assert written[-1] == "\n"
    logged: list[str] = []
    log_bar = TextProgressBar(logged.append, interactive=False, min_interval=3600)
    log_bar.start(None)
    log_bar.advance(5)  # throttled
    log_bar.finish()
    assert logged == ["0 rows\n", "5 rows\n"]


def test_queuing_an_upload_needs_the_permissions_of_its_format(media_root: Path) -> None:
    editor = make_user(Role.EDITOR)  # may import, but may not change the organisation list
    upload = SimpleUploadedFile("orgs.csv", b"name,kind\nAlpha,ngo\n")
    with pytest.raises(PermissionDenied):
        import_upload_enqueue(format_name="organisations-csv", upload=upload, user=editor)
    assert not Job.objects.exists()
    assert stored_files(media_root) == []
