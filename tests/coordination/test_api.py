import datetime

import pytest
from django.test import Client

from migdev.coordination.models import Meeting
from tests.coordination.conftest import MeetingFactory

pytestmark = pytest.mark.django_db


def test_process_detail_lists_members_and_chairs(client: Client) -> None:
    body = client.get("/api/v1/coordination/processes/gmg?as_of=2006-11-20").json()
    assert body["acronym"] == "GMG"
    # Chairs over time, oldest first (UNSCEB: UNHCR July-December 2006, then IOM January-June 2007).
    assert [c["organisation"] for c in body["chairs"]][:2] == [
        "Office of the United Nations High Commissioner for Refugees",
        "International Organization for Migration",
    ]
    colombo = client.get("/api/v1/coordination/processes/colombo-process").json()
    assert {m["country_iso3"] for m in colombo["members"]} >= {"LKA", "PHL", "BGD"}


def test_unknown_process_is_problem_json_404(client: Client) -> None:
    response = client.get("/api/v1/coordination/processes/nope")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"


def test_meetings_and_topics(client: Client, make_meeting: MeetingFactory) -> None:
    make_meeting("bali-process", datetime.date(2030, 3, 1), ["smuggling"])
    make_meeting("puebla-process", datetime.date(2030, 6, 1), ["smuggling"])
    make_meeting("puebla-process", datetime.date(2030, 7, 1), ["smuggling"], published=False)
    meetings = client.get("/api/v1/coordination/meetings?topic=smuggling&start=2030-01-01").json()["items"]
    assert len(meetings) == 2 and meetings[0]["agenda"][0]["topics"] == ["smuggling"]
    rows = client.get("/api/v1/coordination/topics-across-processes?start=2030-01-01&shared_only=true").json()
    assert rows == [
        {
            "topic": "smuggling",
            "processes": {"bali-process": ["2030-03-01"], "puebla-process": ["2030-06-01"]},
        }
    ]


def test_creating_a_meeting_needs_the_editor_role(
    client: Client, analyst_client: Client, editor_client: Client
) -> None:
    payload = {
        "title": "Ministerial",
        "kind": "ministerial",
        "start_date": "2031-01-10",
        "end_date": "2031-01-11",
        "source": "test",
        "process": "midsa",
        "country": "ZA",
    }
    assert (
        client.post("/api/v1/coordination/meetings", payload, content_type="application/json").status_code
        == 401
    )
    assert (
        analyst_client.post(
            "/api/v1/coordination/meetings", payload, content_type="application/json"
        ).status_code
        == 403
    )
    response = editor_client.post("/api/v1/coordination/meetings", payload, content_type="application/json")
    assert response.status_code == 201, response.content
    assert Meeting.objects.get(title="Ministerial").country_iso3 == "ZAF"
    bad = editor_client.post(
        "/api/v1/coordination/meetings", {**payload, "country": "Narnia"}, content_type="application/json"
    )
    assert bad.status_code == 422
