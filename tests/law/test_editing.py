"""Editing the law records (editors only, audited, versioned) and the requests for technical assistance on
legislation, which are activities of the registry seen by exactly the people who may see that activity.

The lost-update scenarios (stale save → 409 keeping the typed values) for every law edit page are in
tests/core/test_versioning.py with the other modules'."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client
from django.urls import reverse

from migdev.accounts.models import User
from migdev.audit.models import AuditEvent
from migdev.coordination.models import Activity, ActivityStatus, Area
from migdev.law import selectors
from migdev.law.models import AssistanceRequest, Instrument
from tests.law.factories import make_action, make_assistance, make_provision, make_statement, make_training

pytestmark = pytest.mark.django_db


def _logged_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_only_editors_may_open_or_save_the_edit_pages(reader: User, editor: User) -> None:
    action = make_action()
    statement = make_statement(action)
    provision = make_provision(action.party_list.instrument)
    training = make_training()
    assistance = make_assistance(editor)
    urls = [
        reverse("law:instrument_edit", args=[action.party_list.instrument.code]),
        reverse("law:action_edit", args=[action.pk]),
        reverse("law:statement_edit", args=[statement.pk]),
        reverse("law:provision_edit", args=[provision.pk]),
        reverse("law:training_edit", args=[training.pk]),
        reverse("law:assistance_edit", args=[assistance.pk]),
        reverse("law:assistance_new"),
    ]
    client = _logged_in(reader)
    for url in urls:
        assert client.get(url).status_code == 403, url
        assert client.post(url, {"version": "1", "note": "x", "text": "x"}).status_code == 403, url
    assert AuditEvent.objects.filter(action="permission_denied", actor=reader).count() == 2 * len(urls)
    anonymous = Client().get(urls[0])
    assert anonymous.status_code == 302 and "login" in anonymous["Location"]
    editor_client = _logged_in(editor)
    assert all(editor_client.get(url).status_code == 200 for url in urls)


def test_correcting_an_action_date_changes_the_count_on_that_day_and_is_audited(editor: User) -> None:
    action = make_action(date=datetime.date(2003, 10, 27), year=2003)
    instrument = action.party_list.instrument
    assert selectors.status(instrument, datetime.date(2003, 12, 31)).party_count == 1  # type: ignore[union-attr]
    client = _logged_in(editor)
    url = reverse("law:action_edit", args=[action.pk])
    response = client.post(
        url,
        {
            "version": "1",
            "kind": "ratification",
            "date": "2005-02-01",
            "year": "",
            "raw": "1 Feb 2005",
            "note": "Corrected from the depositary notification",
            "source": "test",
        },
    )
    assert response.status_code == 302, response.content.decode()[-2000:]
    action.refresh_from_db()
    assert (action.date, action.year, action.precision, action.version) == (
        datetime.date(2005, 2, 1),
        2005,
        "day",
        2,
    )
    assert selectors.status(instrument, datetime.date(2003, 12, 31)).party_count == 0  # type: ignore[union-attr]
    assert selectors.status(instrument, datetime.date(2005, 2, 1)).party_count == 1  # type: ignore[union-attr]
    event = AuditEvent.objects.get(action="update", record_type="law.partyaction", record_id=str(action.pk))
    assert event.actor == editor and "date" in event.detail["changed"]


def test_an_action_date_after_its_list_or_a_year_that_contradicts_it_is_refused(editor: User) -> None:
    action = make_action()
    client = _logged_in(editor)
    url = reverse("law:action_edit", args=[action.pk])
    base = {"version": "1", "kind": "ratification", "raw": "", "note": "", "source": "test"}
    later = client.post(url, {**base, "date": "2020-01-01", "year": ""})
    contradicting = client.post(url, {**base, "date": "2003-10-27", "year": "2004"})
    assert later.status_code == contradicting.status_code == 200
    action.refresh_from_db()
    assert action.date == datetime.date(2003, 10, 27) and action.version == 1


def test_a_training_whose_counts_do_not_add_up_is_refused(editor: User) -> None:
    training = make_training()
    client = _logged_in(editor)
    url = reverse("law:training_edit", args=[training.pk])
    from tests.core.test_versioning import _post_data

    data = _post_data(client.get(url).context["form"])
    response = client.post(url, {**data, "women": "9"})  # by sex 14, by institution 10
    assert response.status_code == 200
    assert "must add up to the same total" in response.content.decode()
    training.refresh_from_db()
    assert training.women == 5 and training.version == 1


def test_two_provisions_of_one_instrument_cannot_share_a_reference(editor: User) -> None:
    from migdev.law.models import Provision

    first = make_provision()

    second = Provision.objects.create(
        instrument=first.instrument, reference="Article 23", text="t", source="s", loaded_from="f"
    )
    client = _logged_in(editor)
    url = reverse("law:provision_edit", args=[second.pk])
    response = client.post(url, {"version": "1", "reference": "Article 22", "text": "t", "source": "s"})
    assert response.status_code == 200
    second.refresh_from_db()
    assert second.reference == "Article 23"


def test_a_request_for_assistance_is_a_registry_activity_kept_in_step(editor: User) -> None:
    assistance = make_assistance(editor)
    activity = Activity.objects.get(pk=assistance.activity_id)
    assert activity.area == Area.MIGRATION_LAW
    assert activity.status == ActivityStatus.IMPLEMENTATION  # drafting
    assert activity.actual_start == datetime.date(2025, 3, 1)
    assert list(activity.countries.values_list("country_iso3", flat=True)) == ["SEN"]
    assert "Draft law on labour migration" in activity.title
    client = _logged_in(editor)
    from tests.core.test_versioning import _post_data

    url = reverse("law:assistance_edit", args=[assistance.pk])
    data = _post_data(client.get(url).context["form"])
    data.update({"stage": "adopted", "support_ended": "2025-11-30", "country_iso3": "MLI"})
    assert client.post(url, data).status_code == 302
    activity.refresh_from_db()
    assert activity.status == ActivityStatus.CLOSED
    assert activity.actual_end == datetime.date(2025, 11, 30)
    assert activity.version == 2  # an activity form opened before this save cannot undo it
    assert list(activity.countries.values_list("country_iso3", flat=True)) == ["MLI"]
    assert AuditEvent.objects.filter(record_type="law.assistancerequest", action="update").exists()


def test_support_cannot_end_before_it_starts_or_start_before_the_request(editor: User) -> None:
    assistance = make_assistance(editor)
    client = _logged_in(editor)
    from tests.core.test_versioning import _post_data

    url = reverse("law:assistance_edit", args=[assistance.pk])
    data = _post_data(client.get(url).context["form"])
    ends_early = client.post(url, {**data, "support_ended": "2025-02-01"})
    starts_early = client.post(url, {**data, "support_started": "2024-01-01"})
    assert ends_early.status_code == starts_early.status_code == 200
    assistance.refresh_from_db()
    assert assistance.version == 1 and assistance.support_ended is None


def test_the_request_shows_on_the_country_page_and_on_the_activity_page(editor: User) -> None:
    assistance = make_assistance(editor)
    public = Client()
    country = public.get(reverse("law:country", args=["SEN"])).content.decode()
    assert f'data-assistance="{assistance.pk}"' in country
    assert assistance.activity.iati_identifier in country
    activity_page = public.get(reverse("coordination:activity_detail", args=[assistance.activity_id]))
    assert reverse("law:assistance", args=[assistance.pk]) in activity_page.content.decode()
    detail = public.get(reverse("law:assistance", args=[assistance.pk]))
    assert detail.status_code == 200 and "Ministry of labour" in detail.content.decode()


def test_an_unpublished_request_is_seen_only_by_those_who_may_see_its_activity(
    editor: User, reader: User
) -> None:
    hidden = make_assistance(editor, published=False)
    for client in (Client(), _logged_in(reader)):
        country = client.get(reverse("law:country", args=["SEN"])).content.decode()
        assert f'data-assistance="{hidden.pk}"' not in country
        assert client.get(reverse("law:assistance", args=[hidden.pk])).status_code == 404
        assert (
            client.get(reverse("coordination:activity_detail", args=[hidden.activity_id])).status_code == 404
        )
        assert client.get(f"/api/v1/law/assistance/{hidden.pk}").status_code == 404
        assert hidden.pk not in [item["id"] for item in client.get("/api/v1/law/assistance").json()]
    editor_client = _logged_in(editor)
    assert (
        f'data-assistance="{hidden.pk}"'
        in editor_client.get(reverse("law:country", args=["SEN"])).content.decode()
    )
    assert editor_client.get(f"/api/v1/law/assistance/{hidden.pk}").status_code == 200


def _api_body(assistance: AssistanceRequest, **changes: object) -> dict[str, object]:
    body: dict[str, object] = {
        "country": assistance.country_iso3,
        "law_title": assistance.law_title,
        "stage": assistance.stage,
        "requested_on": assistance.requested_on.isoformat(),
        "requesting_agency": assistance.requesting_agency,
        "reporting_organisation_id": assistance.activity.reporting_organisation_id,
        "source": assistance.source,
        "instruments": ["ICRMW"] if Instrument.objects.filter(code="ICRMW").exists() else [],
    }
    body.update(changes)
    return body


def test_the_api_refuses_a_stale_change_with_409_and_keeps_the_first(editor: User) -> None:
    from tests.factories import login_verified

    assistance = make_assistance(editor)
    client = Client()
    login_verified(client, editor)
    url = f"/api/v1/law/assistance/{assistance.pk}"
    first = client.put(
        url, _api_body(assistance, version=1, law_title="Bill (first)"), content_type="application/json"
    )
    assert first.status_code == 200, first.content
    assert first.json()["version"] == 2
    stale = client.put(
        url, _api_body(assistance, version=1, law_title="Bill (second)"), content_type="application/json"
    )
    assert stale.status_code == 409
    assistance.refresh_from_db()
    assert assistance.law_title == "Bill (first)"
    blind = _api_body(assistance, law_title="Bill (blind)")
    assert client.put(url, blind, content_type="application/json").status_code == 422


def test_the_api_creates_a_request_only_for_editors(editor: User, reader: User) -> None:
    from tests.factories import login_verified

    assistance = make_assistance(editor)
    body = _api_body(assistance, law_title="Another bill")
    reader_client = Client()
    login_verified(reader_client, reader)
    assert (
        reader_client.post("/api/v1/law/assistance", body, content_type="application/json").status_code == 403
    )
    editor_client = Client()
    login_verified(editor_client, editor)
    created = editor_client.post("/api/v1/law/assistance", body, content_type="application/json")
    assert created.status_code == 201, created.content
    made = AssistanceRequest.objects.get(pk=created.json()["id"])
    assert made.activity.area == Area.MIGRATION_LAW and made.law_title == "Another bill"
