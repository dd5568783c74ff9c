"""Links from national laws (the policy database) to the instruments they implement and the Global Compact
objectives they serve: created, changed and removed by editors only, audited, versioned (a stale removal
answers 409 and removes nothing), reachable from the law country page and the policy's page.

The lost-update scenario of the link's edit page is in tests/core/test_versioning.py."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse

from migdev.accounts.models import User
from migdev.audit.models import AuditEvent
from migdev.coordination.models import GcmObjective
from migdev.law import services
from migdev.law.models import Implementation
from tests.law.factories import make_implementation, make_instrument, make_policy

pytestmark = pytest.mark.django_db


def _client(user: User | None = None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def _objective(number: int) -> GcmObjective:
    return GcmObjective.objects.get(number=number)


def test_only_editors_may_create_change_or_remove_a_link(editor: User, reader: User) -> None:
    link = make_implementation()
    urls = [
        reverse("law:implementation_new", args=[link.policy_id]),
        reverse("law:implementation_edit", args=[link.pk]),
        reverse("law:implementation_delete", args=[link.pk]),
    ]
    for url in urls:
        anonymous = _client().get(url)
        assert anonymous.status_code == 302 and "login" in anonymous["Location"], url
        assert _client(reader).get(url).status_code == 403, url
        assert _client(reader).post(url, {"version": "1", "note": "x"}).status_code == 403, url
        assert _client(editor).get(url).status_code == 200, url
    assert Implementation.objects.filter(pk=link.pk, note="").exists()
    assert AuditEvent.objects.filter(action="permission_denied", actor=reader).count() >= 2 * len(urls)
    with pytest.raises(PermissionDenied):
        services.implementation_delete(actor=reader, link=link, expected_version=link.version)
    assert Implementation.objects.filter(pk=link.pk).exists()
    # A link to a law outside the policy database's view answers 404, and so does an unknown one.
    assert _client(editor).get(reverse("law:implementation_new", args=[999999])).status_code == 404
    assert _client(editor).get(reverse("law:implementation_edit", args=[999999])).status_code == 404


def test_an_editor_links_a_law_from_the_country_page_and_both_pages_show_it(
    editor: User, reader: User
) -> None:
    policy = make_policy(country="MEX", title="Ley de Migración (test record)")
    instrument = make_instrument("ICRMW")
    country_page = _client(editor).get(reverse("law:country", args=["MEX"])).content.decode()
    new_url = reverse("law:implementation_new", args=[policy.pk]) + "?from=country"
    assert f'href="{new_url}"' in country_page.replace("&amp;", "&")
    response = _client(editor).post(
        new_url,
        {
            "instrument": instrument.pk,
            "gcm_objectives": [_objective(6).pk, _objective(7).pk],
            "source": "Diario Oficial",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("law:country", args=["MEX"]) + "#policies"
    link = Implementation.objects.get(policy=policy, instrument=instrument)
    assert sorted(o.number for o in link.gcm_objectives.all()) == [6, 7]
    assert link.version == 1
    created = AuditEvent.objects.get(
        action="create", record_type="law.implementation", record_id=str(link.pk)
    )
    assert created.actor == editor

    for client, may_edit in ((_client(editor), True), (_client(reader), False), (_client(), False)):
        for url in (
            reverse("law:country", args=["MEX"]),
            reverse("coordination:policy_detail", args=[policy.pk]),
        ):
            page = client.get(url).content.decode()
            item = page[page.index('data-link="ICRMW"') :]
            item = item[: item.index("</li>")]
            assert ">ICRMW</a>" in item and ">6</abbr>" in item and ">7</abbr>" in item, url
            assert (reverse("law:implementation_edit", args=[link.pk]) in item) is may_edit, url
            assert (reverse("law:implementation_delete", args=[link.pk]) in item) is may_edit, url


def test_the_same_link_twice_is_a_form_error_that_keeps_the_typed_values(editor: User) -> None:
    link = make_implementation()
    response = _client(editor).post(
        reverse("law:implementation_new", args=[link.policy_id]),
        {"instrument": link.instrument_id, "note": "Typed note kept", "source": "Typed source"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors
    page = response.content.decode()
    assert 'value="Typed source"' in page and "Typed note kept" in page
    assert Implementation.objects.filter(policy=link.policy).count() == 1


def test_changing_a_link_is_versioned_and_audited(editor: User) -> None:
    link = make_implementation()
    other = make_instrument()
    url = reverse("law:implementation_edit", args=[link.pk])
    response = _client(editor).post(
        url,
        {"version": "1", "instrument": other.pk, "gcm_objectives": [_objective(23).pk], "source": "Gazette"},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("coordination:policy_detail", args=[link.policy_id])
    link.refresh_from_db()
    assert (link.instrument, link.version, link.source) == (other, 2, "Gazette")
    assert [o.number for o in link.gcm_objectives.all()] == [23]
    event = AuditEvent.objects.get(action="update", record_type="law.implementation", record_id=str(link.pk))
    assert "instrument" in event.detail["changed"]


def test_a_stale_removal_answers_409_and_removes_nothing(editor: User) -> None:
    link = make_implementation()
    url = reverse("law:implementation_delete", args=[link.pk])
    seen = _client(editor).get(url).context["form"].initial["version"]
    services.implementation_save(
        actor=editor, link=link, values={"note": "Changed meanwhile"}, expected_version=1
    )
    stale = _client(editor).post(url, {"version": str(seen)})
    assert stale.status_code == 409
    assert "nothing was removed" in stale.content.decode()
    assert Implementation.objects.filter(pk=link.pk).exists()
    assert not AuditEvent.objects.filter(action="delete", record_type="law.implementation").exists()
    # A removal that does not say its version is stale too.
    assert _client(editor).post(url, {}).status_code == 409
    assert Implementation.objects.filter(pk=link.pk).exists()

    removed = _client(editor).post(url + "?from=country", stale.context["form"].initial)
    assert removed.status_code == 302
    assert removed["Location"].endswith("#policies")
    assert not Implementation.objects.filter(pk=link.pk).exists()
    event = AuditEvent.objects.get(action="delete", record_type="law.implementation", record_id=str(link.pk))
    assert event.actor == editor and event.detail["instrument"] == link.instrument.code
