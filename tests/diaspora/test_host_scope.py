"""A host institution reaches its own institution's requests, decided by the request's host and never by
who created the row (issue 12: "host institution = own requests and their shortlists, 404 outside scope").

The demo once seeded every open request with ``created_by=demo_host_institution``, and the creator's "own
records" scope let the Thiès hospital's user read the Ségou draft. These tests rebuild that situation and
follow the paths users take: the pages, the API and the services behind the edit form."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied

from migdev.diaspora import access, services
from migdev.diaspora.models import Request
from tests.diaspora.conftest import World, signed_in

pytestmark = pytest.mark.django_db


def _foreign_rows_created_by_the_host(world: World) -> tuple[Request, Request, Request]:
    own = world.request_row(title="OWN hospital request")
    foreign = world.request_row(host=world.other_host, title="FOREIGN approved request")
    draft = world.request_row(host=world.other_host, approve=False, title="FOREIGN draft request")
    # Rows of another institution written by this host's user (as the demo seeded them).
    Request.objects.filter(pk__in=[foreign.pk, draft.pk]).update(created_by=world.host_user)
    return own, foreign, draft


def test_host_pages_show_only_their_institutions_requests(world: World, esco: object) -> None:
    own, foreign, draft = _foreign_rows_created_by_the_host(world)
    page = signed_in(world.host_user)
    listing = page.get("/en/diaspora/requests/")
    assert listing.status_code == 200
    html = listing.content.decode()
    assert "OWN hospital request" in html
    assert "FOREIGN approved request" not in html
    assert "FOREIGN draft request" not in html
    assert page.get(f"/en/diaspora/requests/{own.pk}/").status_code == 200
    for row in (foreign, draft):
        assert page.get(f"/en/diaspora/requests/{row.pk}/").status_code == 404
        assert page.get(f"/en/diaspora/requests/{row.pk}/edit/").status_code == 404


def test_host_api_shows_only_their_institutions_requests_and_shortlists(world: World, esco: object) -> None:
    own, foreign, draft = _foreign_rows_created_by_the_host(world)
    api = signed_in(world.host_user)
    listed = api.get("/api/v1/diaspora/requests")
    assert listed.status_code == 200
    assert [item["id"] for item in listed.json()] == [own.pk]
    assert api.get(f"/api/v1/diaspora/requests/{own.pk}").status_code == 200
    assert api.get(f"/api/v1/diaspora/requests/{own.pk}/shortlist").status_code == 200
    for row in (foreign, draft):
        assert api.get(f"/api/v1/diaspora/requests/{row.pk}").status_code == 404
        assert api.get(f"/api/v1/diaspora/requests/{row.pk}/shortlist").status_code == 404


def test_the_access_function_ignores_the_creator(world: World, esco: object) -> None:
    own, foreign, draft = _foreign_rows_created_by_the_host(world)
    assert set(access.requests_visible_to(world.host_user).values_list("pk", flat=True)) == {own.pk}
    assert not access.request_reached_by(world.host_user, foreign)
    # The other institution's user reaches its rows though this user created them.
    assert set(access.requests_visible_to(world.other_host_user).values_list("pk", flat=True)) == {
        foreign.pk,
        draft.pk,
    }


def test_a_host_cannot_edit_or_submit_another_institutions_draft(world: World, esco: object) -> None:
    _own, _foreign, draft = _foreign_rows_created_by_the_host(world)
    draft.refresh_from_db()
    with pytest.raises(PermissionDenied):
        services.request_update(
            actor=world.host_user, row=draft, expected_version=draft.version, values={"title": "taken over"}
        )
    with pytest.raises(PermissionDenied):
        services.request_submit(actor=world.host_user, row=draft)
    # Its own institution's staff still can.
    services.request_submit(actor=world.other_host_user, row=draft)
