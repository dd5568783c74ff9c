"""Scheme officers edit their schemes and the employers of their destination: versioned (a stale save answers
409 and keeps what was typed), audited, 404 outside their reach."""

from __future__ import annotations

from typing import Any

from django.test import Client

from migdev.audit.models import AuditEvent
from migdev.labour.models import Employer, Scheme
from tests.factories import login_verified, make_organisation, make_user
from tests.labour.conftest import World


def _scheme_form(world: World, **values: Any) -> dict[str, Any]:
    scheme = Scheme.objects.get(pk=world.scheme.pk)
    form = {
        "version": scheme.version,
        "title": scheme.title,
        "kind": scheme.kind,
        "reference": "BEL-SEN-2026",
        "destination_country": "BEL",
        "origin_countries": "SEN MAR",
        "start_date": "2026-01-01",
        "end_date": "2029-12-31",
        "partners": "Enabel; ANPEJ",
        "conditions": "Two-year contracts",
        "health_g2g_agreement": "on",
    }
    form.update(values)
    return form


def _officer(world: World) -> Client:
    client = Client()
    login_verified(client, world.officer)
    return client


def test_the_officer_edits_the_scheme_and_a_stale_save_keeps_the_typed_values(world: World) -> None:
    officer = _officer(world)
    url = f"/fr/labour/schemes/{world.scheme.pk}/edit/"
    assert officer.get(url).status_code == 200
    opened = _scheme_form(world)
    saved = officer.post(url, _scheme_form(world, title="Care partnership 2026–2029"))
    assert saved.status_code == 302
    scheme = Scheme.objects.get(pk=world.scheme.pk)
    assert scheme.title == "Care partnership 2026–2029" and scheme.reference == "BEL-SEN-2026"
    assert sorted(scheme.origin_countries.values_list("iso3", flat=True)) == ["MAR", "SEN"]
    assert scheme.version == opened["version"] + 1
    assert AuditEvent.objects.filter(
        action="update", record_type="labour.scheme", record_id=str(scheme.pk)
    ).exists()
    # A second editor who opened the page before that save: 409, nothing saved, their values kept.
    stale = officer.post(url, {**opened, "conditions": "Seasonal only, typed by the second editor"})
    assert stale.status_code == 409
    assert "Seasonal only, typed by the second editor" in stale.content.decode()
    scheme.refresh_from_db()
    assert scheme.conditions == "Two-year contracts" and scheme.title == "Care partnership 2026–2029"
    bad = officer.post(url, _scheme_form(world, destination_country="XXX"))
    assert bad.status_code == 400


def test_the_scheme_edit_page_is_404_outside_the_officers_schemes(world: World) -> None:
    outsider = make_user("scheme_officer", organisation=make_organisation("Other scheme authority"))
    for user in (outsider, world.employer_user, world.pes, world.recruiter_user):
        client = Client()
        login_verified(client, user)
        url = f"/en/labour/schemes/{world.scheme.pk}/edit/"
        assert client.get(url).status_code == 404
        assert client.post(url, _scheme_form(world, title="Taken over")).status_code == 404
        employer_url = f"/en/labour/schemes/{world.scheme.pk}/employers/{world.employer.pk}/edit/"
        assert client.get(employer_url).status_code == 404
    assert Scheme.objects.get(pk=world.scheme.pk).title == "Care partnership"


def test_the_officer_verifies_an_employer_with_a_reason(world: World) -> None:
    officer = _officer(world)
    url = f"/es/labour/schemes/{world.scheme.pk}/employers/{world.employer.pk}/edit/"
    page = officer.get(url)
    assert page.status_code == 200 and 'lang="es"' in page.content.decode()
    version = Employer.objects.get(pk=world.employer.pk).version
    missing_reason = officer.post(url, {"version": version, "country": "BEL", "verified": "on"})
    assert missing_reason.status_code == 400
    assert Employer.objects.get(pk=world.employer.pk).verified_at is None
    outside = officer.post(
        url, {"version": version, "country": "FRA", "verified": "on", "verification_note": "x"}
    )
    assert outside.status_code == 400  # no scheme of theirs goes to France
    done = officer.post(
        url,
        {"version": version, "country": "BEL", "verified": "on", "verification_note": "Crossroads Bank"},
    )
    assert done.status_code == 302
    employer = Employer.objects.get(pk=world.employer.pk)
    assert employer.verified_at and employer.verified_by == world.officer
    assert employer.verification_note == "Crossroads Bank"
    stale = officer.post(url, {"version": version, "country": "BEL", "verification_note": "Typed late"})
    assert stale.status_code == 409 and "Typed late" in stale.content.decode()
    assert Employer.objects.get(pk=world.employer.pk).verified_at is not None
    assert AuditEvent.objects.filter(record_type="labour.employer", record_id=str(employer.pk)).exists()
    # An employer of another destination is not reachable through this scheme.
    other = Employer.objects.create(organisation=make_organisation("Paris SARL"), country_id="FRA")
    assert officer.get(f"/en/labour/schemes/{world.scheme.pk}/employers/{other.pk}/edit/").status_code == 404
