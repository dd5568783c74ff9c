import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client

from migdev.accounts.models import User
from migdev.coordination.models import Meeting, Process
from migdev.coordination.processes import selectors, services
from tests.coordination.conftest import MeetingFactory

pytestmark = pytest.mark.django_db

FUTURE = datetime.date(2031, 3, 10)


def _input(**overrides: object) -> services.MeetingInput:
    values: dict[str, object] = {
        "title": "Plenary",
        "kind": Meeting.Kind.PLENARY,
        "start_date": FUTURE,
        "end_date": FUTURE + datetime.timedelta(days=1),
        "source": "secretariat",
        "process": Process.objects.get(code="bali-process"),
        "country_code": "ID",
        "city": "Bali",
    }
    values.update(overrides)
    return services.MeetingInput(**values)  # type: ignore[arg-type]


def test_editor_creates_a_meeting_with_country_codes_normalised(editor: User) -> None:
    meeting = services.meeting_create(actor=editor, data=_input())
    assert meeting.country_iso3 == "IDN"
    assert meeting.slug.startswith("2031-03-10-plenary")


@pytest.mark.parametrize("role_fixture", ["analyst", None])
def test_only_editors_create_meetings(request: pytest.FixtureRequest, role_fixture: str | None) -> None:
    actor = request.getfixturevalue(role_fixture) if role_fixture else None
    with pytest.raises(PermissionDenied):
        services.meeting_create(actor=actor, data=_input())
    assert not Meeting.objects.filter(title="Plenary").exists()


def test_meeting_rules(editor: User) -> None:
    with pytest.raises(ValidationError):
        services.meeting_create(actor=editor, data=_input(end_date=FUTURE - datetime.timedelta(days=1)))
    with pytest.raises(ValidationError):
        services.meeting_create(actor=editor, data=_input(country_code="Indonesia"))


def test_agenda_topics_come_from_the_vocabulary(editor: User, make_meeting: MeetingFactory) -> None:
    meeting = make_meeting("bali-process", FUTURE)
    item = services.agenda_item_add(
        actor=editor, meeting=meeting, title="Smuggling", topic_codes=["smuggling"]
    )
    assert [t.code for t in item.topics.all()] == ["smuggling"]
    with pytest.raises(ValidationError):
        services.agenda_item_add(actor=editor, meeting=meeting, title="x", topic_codes=["not-a-topic"])
    assert meeting.agenda_items.count() == 1


def test_unpublished_meeting_is_hidden_from_the_public(
    client: Client, editor_client: Client, make_meeting: MeetingFactory
) -> None:
    meeting = make_meeting("bali-process", FUTURE, published=False)
    url = f"/en/coordination/meetings/{meeting.slug}/"
    assert client.get(url).status_code == 404
    assert editor_client.get(url).status_code == 200
    assert meeting.title not in client.get("/en/coordination/meetings/").content.decode()


def test_next_meeting_skips_past_and_cancelled(make_meeting: MeetingFactory) -> None:
    today = datetime.date(2030, 1, 1)
    make_meeting("colombo-process", datetime.date(2029, 6, 1))
    make_meeting("colombo-process", datetime.date(2030, 2, 1), status=Meeting.Status.CANCELLED)
    expected = make_meeting("colombo-process", datetime.date(2030, 5, 1))
    make_meeting("colombo-process", datetime.date(2030, 9, 1))
    process = Process.objects.get(code="colombo-process")
    assert selectors.next_meeting(None, process, today) == expected


def test_topics_across_processes_shows_shared_topics(make_meeting: MeetingFactory) -> None:
    bali = make_meeting("bali-process", datetime.date(2030, 3, 1), ["smuggling", "trafficking"])
    puebla = make_meeting("puebla-process", datetime.date(2030, 6, 1), ["smuggling"])
    make_meeting("colombo-process", datetime.date(2030, 4, 1), ["remittances"])
    make_meeting(None, datetime.date(2030, 4, 1), ["smuggling"])  # outside any process: not compared

    matrix = selectors.topics_across_processes(None, start=datetime.date(2030, 1, 1))
    rows = {row.topic.code: row for row in matrix.rows}
    assert rows["smuggling"].process_count == 2
    assert matrix.rows[0].topic.code == "smuggling"
    column = [p.code for p in matrix.processes].index("puebla-process")
    assert rows["smuggling"].cells[column] == [puebla]

    shared = selectors.topics_across_processes(None, start=datetime.date(2030, 1, 1), shared_only=True)
    assert [row.topic.code for row in shared.rows] == ["smuggling"]

    bali_shared = selectors.shared_topics(None, Process.objects.get(code="bali-process"))
    assert [(s.topic.code, s.own_meetings, [p.code for p, _ in s.others]) for s in bali_shared] == [
        ("smuggling", [bali], ["puebla-process"])
    ]


def test_unpublished_meetings_do_not_feed_the_synergies_view(make_meeting: MeetingFactory) -> None:
    make_meeting("bali-process", datetime.date(2030, 3, 1), ["smuggling"])
    make_meeting("puebla-process", datetime.date(2030, 6, 1), ["smuggling"], published=False)
    matrix = selectors.topics_across_processes(None, start=datetime.date(2030, 1, 1), shared_only=True)
    assert matrix.rows == []


def test_meeting_form_page(editor_client: Client, analyst_client: Client) -> None:
    assert analyst_client.get("/en/coordination/meetings/new/").status_code == 403
    response = editor_client.post(
        "/en/coordination/meetings/new/",
        {
            "title": "Senior officials",
            "process": Process.objects.get(code="midwa").pk,
            "kind": "senior_officials",
            "status": "planned",
            "start_date": "2031-05-02",
            "end_date": "2031-05-01",
            "date_precision": "day",
            "source": "ECOWAS",
            "is_published": "on",
        },
    )
    assert response.status_code == 200
    assert "The meeting ends before it starts." in response.content.decode()
    assert not Meeting.objects.filter(title="Senior officials").exists()
