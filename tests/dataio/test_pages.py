import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from migdev.accounts.access import Role, has_permission
from migdev.accounts.models import Organisation, User
from migdev.dataio.models import ImportRun
from migdev.dataio.progress import Progress
from migdev.dataio.readers import read_table
from migdev.dataio.registry import ImportResult
from migdev.dataio.selectors import can_import
from migdev.jobs.models import Job
from tests.dataio.helpers import stored_files
from tests.factories import make_user

pytestmark = pytest.mark.django_db

LoginAs = Callable[..., User]
# The organisation list is the administrators' to change, so only they may import it.
IMPORTER = Role.ADMINISTRATOR
GOOD_CSV = b"name,kind,acronym\nMekong Migration Network,ngo,MMN\nAlpha,ngo,\n"
BAD_CSV = b"name,kind\nAlpha,ngo\nBeta,ngo\nAlpha,ngo\nGamma,starship\n"


GOOD_NAMES = ["Alpha", "Mekong Migration Network"]
# Who may import, written out from the roles' descriptions rather than read from the database.
IMPORT_ROLES = {Role.ADMINISTRATOR, Role.EDITOR}


def upload(
    client: Client, content: bytes, name: str = "orgs.csv", format_name: str = "organisations-csv"
) -> Any:
    return client.post(
        reverse("dataio:import"),
        {"format": format_name, "file": SimpleUploadedFile(name, content, content_type="text/csv")},
    )


def count_names(path: Path, *, progress: Progress, user: Any) -> ImportResult:
    """A loader for public data that needs no permission beyond importing; it writes nothing."""
    read = sum(1 for _row in read_table(path, required={"name"}, optional={"kind", "acronym"}))
    return ImportResult(read=read, created=0, updated=0, rejected=0)


def job_id_from(response: Any) -> int:
    assert response.status_code == 302, response.content.decode()[:2000]
    match = re.search(r"/jobs/(\d+)/$", response["Location"])
    assert match, response["Location"]
    return int(match.group(1))


@pytest.mark.parametrize("role", list(Role))
def test_administrators_and_editors_import_only_administrators_see_all_jobs(role: Role) -> None:
    user = make_user(role)
    assert can_import(user) is (role in IMPORT_ROLES)
    assert has_permission(user, "dataio.view_importrun") is (role in IMPORT_ROLES)
    assert has_permission(user, "jobs.view_all_jobs") is (role == Role.ADMINISTRATOR)


def test_import_page_needs_login_and_permission(client: Client, login_as: LoginAs) -> None:
    url = reverse("dataio:import")
    assert client.get(url).status_code == 302
    login_as(Role.ANALYST)
    assert client.get(url).status_code == 403
    assert upload(client, GOOD_CSV).status_code == 403
    assert not Job.objects.exists()


def test_import_form_lists_formats_accessibly(client: Client, login_as: LoginAs) -> None:
    login_as(IMPORTER)
    page = client.get(reverse("dataio:import")).content.decode()
    assert 'enctype="multipart/form-data"' in page
    assert re.search(r'<label for="id_format"', page) and re.search(r'<label for="id_file"', page)
    assert '<option value="organisations-csv"' in page
    assert "<script>" not in page and 'style="' not in page


def test_editors_import_public_data_but_not_the_organisation_list(
    client: Client,
    login_as: LoginAs,
    media_root: Path,
    settings: Any,
    django_capture_on_commit_callbacks: Any,
    temporary_format: Callable[[str, Any], None],
) -> None:
    settings.JOBS_RUN_IMMEDIATELY = True
    temporary_format("public-list", count_names)
    editor = login_as(Role.EDITOR)
    page = client.get(reverse("dataio:import")).content.decode()
    assert '<option value="public-list"' in page
    assert '<option value="organisations-csv"' not in page

    refused = upload(client, GOOD_CSV)
    assert refused.status_code == 200
    assert "Select a valid choice" in refused.content.decode()
    api_refused = client.post(
        "/api/v1/dataio/imports",
        {"format": "organisations-csv", "file": SimpleUploadedFile("orgs.csv", GOOD_CSV)},
    )
    assert api_refused.status_code == 403
    assert not Job.objects.exists()
    assert not Organisation.objects.filter(name__in=GOOD_NAMES).exists()
    assert stored_files(media_root) == []

    with django_capture_on_commit_callbacks(execute=True):
        response = upload(client, GOOD_CSV, name="list.csv", format_name="public-list")
    job = Job.objects.get(pk=job_id_from(response))
    assert (job.created_by, job.status) == (editor, Job.Status.SUCCEEDED), (job.error, job.result)
    assert job.result["read"] == 2


def test_upload_job_progress_done(
    client: Client,
    login_as: LoginAs,
    media_root: Path,
    settings: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    settings.JOBS_RUN_IMMEDIATELY = True
    user = login_as(IMPORTER)
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(client, GOOD_CSV)
    job = Job.objects.get(pk=job_id_from(response))
    assert (job.kind, job.created_by, job.status) == ("dataio.import", user, Job.Status.SUCCEEDED)
    assert job.payload["filename"] == "orgs.csv"
    assert (
        sorted(Organisation.objects.filter(name__in=GOOD_NAMES).values_list("name", flat=True)) == GOOD_NAMES
    )
    assert stored_files(media_root) == []  # the upload is deleted once loaded

    page = client.get(response["Location"]).content.decode()
    assert "Succeeded" in page
    assert "Read 2, created 2, updated 0, rejected 0." in page
    assert re.search(r'<progress id="job-progress-\d+" max="2" value="2">', page)
    assert "hx-trigger" not in page  # finished: no more polling
    run = ImportRun.objects.get(pk=job.result["import_run_id"])
    assert (run.user, run.filename, run.rows_created) == (user, "orgs.csv", 2)


def test_queued_job_polls_then_the_worker_finishes_it(
    client: Client, login_as: LoginAs, media_root: Path
) -> None:
    login_as(IMPORTER)
    job_id = job_id_from(upload(client, GOOD_CSV))
    status_url = reverse("jobs:status", args=[job_id])

    page = client.get(reverse("jobs:detail", args=[job_id])).content.decode()
    assert "Queued" in page
    assert f'hx-get="{status_url}"' in page and 'hx-trigger="every 1s"' in page
    assert f'href="{reverse("jobs:detail", args=[job_id])}"' in page  # the no-script refresh link
    assert "<progress" in page
    assert len(stored_files(media_root)) == 1
    assert not Organisation.objects.filter(name__in=GOOD_NAMES).exists()

    call_command("jobs_worker", "--once", stdout=Path("/dev/null").open("w"))  # noqa: SIM115

    partial = client.get(status_url, HTTP_HX_REQUEST="true").content.decode()
    assert partial.lstrip().startswith('<section id="job-status"')
    assert "<html" not in partial
    assert "Succeeded" in partial and "hx-trigger" not in partial
    assert Organisation.objects.filter(name__in=GOOD_NAMES).count() == 2
    assert stored_files(media_root) == []


def test_refused_file_shows_the_validation_report(
    client: Client,
    login_as: LoginAs,
    media_root: Path,
    settings: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    settings.JOBS_RUN_IMMEDIATELY = True
    login_as(IMPORTER)
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(client, BAD_CSV, name="partners.csv")
    job = Job.objects.get(pk=job_id_from(response))
    assert job.status == Job.Status.FAILED
    assert not Organisation.objects.filter(name__in=["Alpha", "Beta", "Gamma"]).exists()
    page = client.get(response["Location"]).content.decode()
    assert "The file was refused. Nothing from it was saved" in page
    assert "<caption>" in page and "2 problems were found in the file." in page
    assert re.search(r"<td>partners\.csv</td>\s*<td class=\"num\">4</td>\s*<td>name</td>", page)
    assert "is also on row 2" in page
    assert re.search(r"<td class=\"num\">5</td>\s*<td>kind</td>\s*<td>“starship”", page)
    assert stored_files(media_root) == []
    history = client.get(reverse("dataio:list")).content.decode()
    assert "partners.csv" in history and "Refused" in history


def test_wrong_file_type_upload_is_refused_with_a_message(
    client: Client,
    login_as: LoginAs,
    media_root: Path,
    settings: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    settings.JOBS_RUN_IMMEDIATELY = True
    login_as(IMPORTER)
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(client, b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", name="photo.csv")
    page = client.get(response["Location"]).content.decode()
    assert "This is a PNG image, not a CSV or XLSX file." in page


def test_upload_over_the_limit_is_refused_by_the_form(
    client: Client, login_as: LoginAs, settings: Any
) -> None:
    settings.IMPORT_MAX_BYTES = 10
    login_as(IMPORTER)
    response = upload(client, GOOD_CSV)
    assert response.status_code == 200
    assert "the largest accepted is" in response.content.decode()
    assert not Job.objects.exists()


def test_other_peoples_jobs_are_not_found(client: Client, login_as: LoginAs, media_root: Path) -> None:
    login_as(IMPORTER)
    job_id = job_id_from(upload(client, GOOD_CSV))
    for url_name in ("jobs:detail", "jobs:status"):
        assert client.get(reverse(url_name, args=[job_id])).status_code == 200

    login_as(Role.EDITOR)  # may import, but sees only their own jobs
    for url_name in ("jobs:detail", "jobs:status"):
        assert client.get(reverse(url_name, args=[job_id])).status_code == 404
    assert f"/jobs/{job_id}/" not in client.get(reverse("jobs:list")).content.decode()

    login_as(Role.ADMINISTRATOR)
    assert client.get(reverse("jobs:detail", args=[job_id])).status_code == 200
    assert f"/jobs/{job_id}/" in client.get(reverse("jobs:list")).content.decode()


def test_job_pages_need_login(client: Client) -> None:
    assert client.get(reverse("jobs:list")).status_code == 302
    assert client.get(reverse("jobs:detail", args=[1])).status_code == 302


def test_import_history_shows_own_runs_only(client: Client, login_as: LoginAs, tmp_path: Path) -> None:
    from migdev.dataio.services import import_file

    mine, theirs = make_user(), make_user()
    for user, name in ((mine, "mine.csv"), (theirs, "theirs.csv")):
        path = tmp_path / name
        path.write_bytes(GOOD_CSV)
        import_file(format_name="organisations-csv", path=path, user=user)
    client.force_login(mine)
    page = client.get(reverse("dataio:list")).content.decode()
    assert "mine.csv" in page and "theirs.csv" not in page
    assert reverse("dataio:import") not in page  # no import permission, no link
    login_as(Role.ANALYST)
    page = client.get(reverse("dataio:list")).content.decode()
    assert "mine.csv" not in page and "theirs.csv" not in page
    login_as(Role.EDITOR)
    page = client.get(reverse("dataio:list")).content.decode()
    assert "mine.csv" in page and "theirs.csv" in page
    assert reverse("dataio:import") in page


# API -------------------------------------------------------------------------------------------------


def test_api_upload_then_poll(
    client: Client,
    login_as: LoginAs,
    media_root: Path,
    settings: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    settings.JOBS_RUN_IMMEDIATELY = True
    login_as(IMPORTER)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/api/v1/dataio/imports",
            {"format": "organisations-csv", "file": SimpleUploadedFile("orgs.csv", GOOD_CSV)},
        )
    assert response.status_code == 202, response.content
    body = response.json()
    assert body["status_url"] == f"/api/v1/jobs/{body['job_id']}"
    job = client.get(body["status_url"]).json()
    assert (job["status"], job["kind"], job["result"]["created"]) == ("succeeded", "dataio.import", 2)
    assert job["progress_percent"] == 100


def test_api_refuses_unknown_format_and_missing_permission(
    client: Client, login_as: LoginAs, media_root: Path
) -> None:
    login_as(Role.ANALYST)
    files = {"format": "organisations-csv", "file": SimpleUploadedFile("orgs.csv", GOOD_CSV)}
    response = client.post("/api/v1/dataio/imports", files)
    assert response.status_code == 403
    assert response["Content-Type"] == "application/problem+json"
    login_as(IMPORTER)
    response = client.post(
        "/api/v1/dataio/imports", {"format": "nope", "file": SimpleUploadedFile("orgs.csv", GOOD_CSV)}
    )
    assert response.status_code == 422
    assert stored_files(media_root) == []
    assert not Job.objects.exists()


def test_api_job_of_someone_else_is_404(client: Client, login_as: LoginAs, media_root: Path) -> None:
    login_as(IMPORTER)
    job_id = client.post(
        "/api/v1/dataio/imports",
        {"format": "organisations-csv", "file": SimpleUploadedFile("o.csv", GOOD_CSV)},
    ).json()["job_id"]
    assert client.get(f"/api/v1/jobs/{job_id}").json()["status"] == "queued"
    login_as(Role.EDITOR)
    response = client.get(f"/api/v1/jobs/{job_id}")
    assert response.status_code == 404
    client.logout()
    assert client.get(f"/api/v1/jobs/{job_id}").status_code == 401


def test_api_lists_the_formats_the_caller_may_import(
    client: Client, login_as: LoginAs, temporary_format: Callable[[str, Any], None]
) -> None:
    temporary_format("public-list", count_names)
    login_as(IMPORTER)
    assert {"organisations-csv", "public-list"} <= set(api_format_names(client))
    login_as(Role.EDITOR)
    names = api_format_names(client)
    assert "public-list" in names and "organisations-csv" not in names
    login_as(Role.ANALYST)
    assert api_format_names(client) == []


def api_format_names(client: Client) -> list[str]:
    response = client.get("/api/v1/dataio/formats")
    assert response.status_code == 200, response.content
    return [item["name"] for item in response.json()]


WPP_FIXTURE = (
    Path(__file__).resolve().parents[1] / "indicators" / "fixtures" / "cut_UN_WPP_2024_net_migration.csv"
)


def test_a_latin1_file_gets_the_readers_error_on_the_job_page_not_a_python_error(
    client: Client,
    login_as: LoginAs,
    media_root: Path,
    settings: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    """Through the page the job once said only "UnicodeDecodeError … position 34"."""
    settings.JOBS_RUN_IMMEDIATELY = True
    login_as(IMPORTER)
    latin1 = "year,orig,dest,refugees,asylum_seekers\n2020,CÔT,FRA,1,2\n".encode("latin-1")
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(client, latin1, name="unhcr.csv", format_name="unhcr-refugees")
    page = client.get(response["Location"]).content.decode()
    assert "The file was refused. Nothing from it was saved" in page
    assert "is not valid UTF-8" in page
    assert "UnicodeDecodeError" not in page and "Traceback" not in page


def test_replacing_an_existing_edition_from_the_page_needs_the_box_ticked(
    client: Client,
    login_as: LoginAs,
    media_root: Path,
    settings: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    from migdev.indicators.models import Observation

    settings.JOBS_RUN_IMMEDIATELY = True
    login_as(IMPORTER)
    full = WPP_FIXTURE.read_bytes()
    short = b"".join(full.splitlines(keepends=True)[:2])
    with django_capture_on_commit_callbacks(execute=True):
        upload(client, full, name="wpp.csv", format_name="undesa-wpp-net-migration")
    stored = Observation.objects.count()
    assert stored > 1
    with django_capture_on_commit_callbacks(execute=True):
        refused = upload(client, short, name="wpp.csv", format_name="undesa-wpp-net-migration")
    page = client.get(refused["Location"]).content.decode()
    assert "What the file would change" in page and "Replace the data already stored" in page
    assert Observation.objects.count() == stored
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("dataio:import"),
            {
                "format": "undesa-wpp-net-migration",
                "file": SimpleUploadedFile("wpp.csv", short, content_type="text/csv"),
                "replace": "on",
            },
        )
    assert Observation.objects.count() == 1
