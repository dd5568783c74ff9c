"""Synthetic-data releases built from the web run as a background job."""

import re
from pathlib import Path

import pytest
from django.test import Client

from migdev.dataio.services import import_file
from migdev.jobs.models import Job
from migdev.jobs.services import job_run_now
from migdev.trafficking.jobs import RELEASE_BUILD_JOB
from migdev.trafficking.models import Release
from tests.trafficking.factories import login_verified, make_organisation, make_user

pytestmark = pytest.mark.django_db
SAMPLE = Path(__file__).parent / "data" / "ctdc_vp_sample.csv"
FORM = {"title": "DP sample", "k": 11, "max_suppression": 1, "epsilon": 6, "reporting_length": 2}


def test_synthetic_release_from_the_web_runs_as_a_job() -> None:
    import_file(format_name="ctdc-vp", path=SAMPLE)
    analyst = make_user("analyst", organisation=make_organisation())
    client = login_verified(Client(), analyst)
    response = client.post("/en/trafficking/releases/new/", {**FORM, "kind": "synthetic"})
    assert response.status_code == 302
    match = re.fullmatch(r"/en/jobs/(\d+)/", response["Location"])
    assert match, response["Location"]
    job = Job.objects.get(pk=int(match.group(1)))
    assert job.kind == RELEASE_BUILD_JOB and job.created_by == analyst
    assert not Release.objects.exists(), "the release is built by the job, not by the request"

    finished = job_run_now(job_id=job.pk)
    assert finished is not None and finished.status == Job.Status.SUCCEEDED, finished and finished.error
    release = Release.objects.get()
    assert finished.result["release"] == release.pk
    assert release.kind == Release.Kind.SYNTHETIC and release.epsilon == 6.0
    assert release.created_by == analyst and release.state == Release.State.DRAFT
    assert release.report["synthetic_records"] > 0
    page = client.get(response["Location"]).content.decode()
    assert "DP sample" in page
    assert f'href="/en/trafficking/releases/{release.pk}/"' in page and "Open the release" in page


def test_aggregates_are_still_built_in_the_request() -> None:
    import_file(format_name="ctdc-vp", path=SAMPLE)
    client = login_verified(Client(), make_user("analyst", organisation=make_organisation()))
    response = client.post("/en/trafficking/releases/new/", {**FORM, "kind": "aggregates"})
    assert response.status_code == 302
    assert response["Location"] == f"/en/trafficking/releases/{Release.objects.get().pk}/"
    assert not Job.objects.filter(kind=RELEASE_BUILD_JOB).exists()


def test_the_job_fails_if_the_user_lost_the_right_to_build_releases() -> None:
    import_file(format_name="ctdc-vp", path=SAMPLE)
    analyst = make_user("analyst", organisation=make_organisation())
    client = login_verified(Client(), analyst)
    response = client.post("/en/trafficking/releases/new/", {**FORM, "kind": "synthetic"})
    job_id = int(response["Location"].rstrip("/").rsplit("/", 1)[1])
    analyst.roles.clear()
    from migdev.accounts import access

    access.forget_cached_access(analyst)
    finished = job_run_now(job_id=job_id)
    assert finished is not None and finished.status == Job.Status.FAILED
    assert "build releases" in finished.error
    assert not Release.objects.exists()
