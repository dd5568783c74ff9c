"""Read-only API of practices and calls for partnership: only what the pages show, with their filters."""

import datetime

import pytest
from django.test import Client

from migdev.accounts.models import Organisation, User
from migdev.coordination.common.views import current_date
from migdev.coordination.knowledge import services
from migdev.coordination.models import Practice

from .test_practices import _data

pytestmark = pytest.mark.django_db


@pytest.fixture
def submitter(db: object) -> User:
    return User.objects.create_user(username="api-focal-point", password="a long test password 1")


def _published(submitter: User, editor: User, **overrides: object) -> Practice:
    practice = services.practice_create(actor=submitter, data=_data(**overrides))
    services.practice_submit(actor=submitter, practice=practice)
    services.practice_review(actor=editor, practice=practice, decision="approve", comments="Good.")
    return practice


def test_practices_list_only_published_with_filters(client: Client, submitter: User, editor: User) -> None:
    published = _published(submitter, editor)
    other = _published(submitter, editor, title="Diaspora bonds", area="diaspora", country_codes=["SEN"])
    draft = services.practice_create(actor=submitter, data=_data(title="A draft nobody else sees"))

    body = client.get("/api/v1/coordination/practices").json()
    titles = {item["title"] for item in body["items"]}
    assert titles == {published.title, other.title}
    item = next(i for i in body["items"] if i["id"] == published.pk)
    assert item["gcm_objectives"] == [3, 6] and item["countries"] == ["PHL"]
    assert item["is_sample"] is False

    def ids(query: str) -> set[int]:
        return {i["id"] for i in client.get(f"/api/v1/coordination/practices?{query}").json()["items"]}

    assert ids("objective=6") == {published.pk, other.pk}
    assert ids("country=SN") == {other.pk}
    assert ids("area=diaspora") == {other.pk}
    assert ids("q=bonds") == {other.pk}
    assert client.get(f"/api/v1/coordination/practices/{published.pk}").status_code == 200
    assert client.get(f"/api/v1/coordination/practices/{draft.pk}").status_code == 404
    assert client.get("/api/v1/coordination/practices?country=XX").status_code == 422
    assert client.get("/api/v1/coordination/practices?objective=24").status_code == 422


def test_calls_list_published_and_open(client: Client, submitter: User, editor: User) -> None:
    organisation = Organisation.objects.get(acronym="IOM")
    today = current_date()

    def call(title: str, days: int, publish: bool = True) -> int:
        created = services.partnership_call_create(
            actor=submitter,
            title=title,
            description="Partners sought for a reintegration programme.",
            organisation=organisation,
            contact_email="partnerships@example.org",
            open_until=today + datetime.timedelta(days=days),
            gcm_objective_numbers=[21],
        )
        if publish:
            services.partnership_call_publish(actor=editor, call=created)
        return created.pk

    open_call, closed_call = call("Open call", 30), call("Closed call", -30)
    unpublished = call("Unpublished call", 30, publish=False)
    items = client.get("/api/v1/coordination/partnership-calls").json()["items"]
    assert [i["id"] for i in items] == [closed_call, open_call]
    assert items[1]["is_open"] is True and items[0]["is_open"] is False
    assert items[1]["organisation"] == organisation.name and items[1]["gcm_objectives"] == [21]
    open_items = client.get("/api/v1/coordination/partnership-calls?open_only=true").json()["items"]
    assert [i["id"] for i in open_items] == [open_call]
    assert client.get(f"/api/v1/coordination/partnership-calls/{open_call}").status_code == 200
    assert client.get(f"/api/v1/coordination/partnership-calls/{unpublished}").status_code == 404
