"""The SAMPLE demo data and the organisation directory import."""

from __future__ import annotations

from pathlib import Path

import pytest

from migdev.accounts.demo import demo_users_create
from migdev.dataio.errors import ImportRejected
from migdev.dataio.services import import_file
from migdev.diaspora import demo, selectors
from migdev.diaspora.models import DiasporaOrganisation, Expert, HostInstitution, Request
from tests.diaspora.conftest import signed_in

pytestmark = pytest.mark.django_db


def test_demo_is_marked_sample_idempotent_and_shows_content(client) -> None:
    demo_users_create()
    first = demo.seed()
    assert "SAMPLE" in first
    counts = (Expert.objects.count(), Request.objects.count())
    demo.seed()
    assert (Expert.objects.count(), Request.objects.count()) == counts
    assert not Expert.objects.filter(is_sample=False).exists()
    assert not HostInstitution.objects.filter(is_sample=False).exists()
    assert all("SAMPLE" in str(h) for h in HostInstitution.objects.all())
    figures = selectors.report()
    assert figures.includes_sample and figures.assignments_total > 0
    home = client.get("/en/diaspora/").content.decode()
    assert "SAMPLE" in home
    roster = client.get("/en/diaspora/roster/").content.decode()
    assert "SAMPLE" in roster and "sample.expert" not in roster
    from migdev.accounts.models import User

    expert_user = User.objects.get(username="demo_expert")
    assert signed_in(expert_user).get("/en/diaspora/profile/").status_code == 200
    officer = User.objects.get(username="demo_programme_officer")
    listing = signed_in(officer).get("/en/diaspora/requests/").content.decode()
    assert "SAMPLE: strengthen epidemic surveillance" in listing


def _csv(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "organisations.csv"
    path.write_text(text, encoding="utf-8")
    return path


def test_directory_import_is_all_or_nothing_and_rerunnable(tmp_path: Path) -> None:
    good = _csv(
        tmp_path,
        "name,countries_of_origin,countries_of_residence,sectors,activities,website\n"
        "Senegalese Doctors Network,SEN,FRA;ITA,health,Mentoring,https://example.org\n"
        "Malian Engineers,MLI,FRA,infrastructure;digital,,\n",
    )
    import_file(format_name="diaspora-organisations", path=good)
    assert DiasporaOrganisation.objects.count() == 2
    assert DiasporaOrganisation.objects.get(name="Senegalese Doctors Network").countries_of_residence == [
        "FRA",
        "ITA",
    ]
    import_file(format_name="diaspora-organisations", path=good)
    assert DiasporaOrganisation.objects.count() == 2
    bad = _csv(
        tmp_path,
        "name,countries_of_origin,sectors\nNew one,SEN,health\nBad country,Senegal,health\nBad sector,SEN,mining\n",
    )
    with pytest.raises(ImportRejected) as refused:
        import_file(format_name="diaspora-organisations", path=bad)
    found = {(e.row, e.column) for e in refused.value.errors}
    assert (3, "countries_of_origin") in found and (4, "sectors") in found
    assert DiasporaOrganisation.objects.count() == 2


@pytest.mark.parametrize("lang", ["en", "fr", "es"])
def test_pages_in_three_languages(lang: str, client) -> None:
    demo_users_create()
    demo.seed()
    from migdev.accounts.models import User

    words = {"en": "Expert roster", "fr": "Fichier d'experts", "es": "Registro de expertos"}
    for path in ("", "roster/", "reports/", "map/?origin=SEN", "organisations/"):
        page = client.get(f"/{lang}/diaspora/{path}")
        assert page.status_code == 200, path
        html = page.content.decode()
        assert f'lang="{lang}"' in html
        assert words[lang] in html.replace("&#x27;", "'")
    expert = signed_in(User.objects.get(username="demo_expert")).get(f"/{lang}/diaspora/profile/")
    assert expert.status_code == 200
    assert 'name="viewport"' in expert.content.decode()
    officer = signed_in(User.objects.get(username="demo_programme_officer"))
    row = Request.objects.filter(status="approved").first()
    assert officer.get(f"/{lang}/diaspora/requests/{row.pk}/").status_code == 200
    assert officer.get(f"/{lang}/diaspora/assignments/").status_code == 200


@pytest.mark.parametrize(
    ("lang", "heading"),
    [("en", "Reintegration plan"), ("fr", "Plan de réintégration"), ("es", "Plan de reintegración")],
)
def test_demo_permanent_return_and_repeat_pages(lang: str, heading: str) -> None:
    demo_users_create()
    demo.seed()
    from migdev.accounts.models import User
    from migdev.diaspora.models import Assignment

    officer = signed_in(User.objects.get(username="demo_programme_officer"))
    permanent = Assignment.objects.get(modality="permanent_return", reintegration__isnull=False)
    html = officer.get(f"/{lang}/diaspora/assignments/{permanent.pk}/").content.decode()
    assert heading in html and "SAMPLE housing support" in html
    repeat = Assignment.objects.get(agreement__invitation__repeat_of__isnull=False)
    page = officer.get(f"/{lang}/diaspora/assignments/{repeat.pk}/")
    assert page.status_code == 200 and f'lang="{lang}"' in page.content.decode()
    assert selectors.report().repeat_assignments == 1


def test_demo_requests_belong_to_their_institution_and_one_awaits_approval() -> None:
    """Each SAMPLE request is written by a user of its own institution or by the programme officer, the
    demo host sees only its hospital's requests, and a submitted request waits for the officer."""
    from migdev.accounts.models import User
    from migdev.diaspora import services

    demo_users_create()
    demo.seed()
    officer = User.objects.get(username="demo_programme_officer")
    host_user = User.objects.get(username="demo_host_institution")
    for row in Request.objects.select_related("host", "created_by"):
        assert (
            row.created_by is None
            or row.created_by == officer
            or (row.created_by.organisation_id == row.host.organisation_id)
        ), row.title
    listing = signed_in(host_user).get("/en/diaspora/requests/").content.decode()
    thies = Request.objects.filter(host__organisation=host_user.organisation)
    others = Request.objects.exclude(host__organisation=host_user.organisation)
    assert thies.exists() and others.exists()
    for row in others:
        assert f'/requests/{row.pk}/"' not in listing, row.title
    for row in thies.exclude(status=Request.Status.FILLED):
        assert f'/requests/{row.pk}/"' in listing, row.title
    submitted = Request.objects.get(status=Request.Status.SUBMITTED)
    assert signed_in(officer).get(f"/en/diaspora/requests/{submitted.pk}/").status_code == 200
    services.request_approve(actor=officer, row=submitted)
    assert Request.objects.get(pk=submitted.pk).status == Request.Status.APPROVED


def test_demo_experts_list_each_language_once(client) -> None:
    demo_users_create()
    demo.seed()
    somali = 0
    for expert in Expert.objects.all():
        codes = [item["code"] for item in expert.languages]
        assert len(codes) == len(set(codes)), (expert.pk, codes)
        somali += expert.country_of_origin == "SOM"
    assert somali > 0
