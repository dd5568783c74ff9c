import datetime
from collections.abc import Callable

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client

from migdev.accounts.models import Organisation, User
from migdev.coordination.activities import selectors as activities_selectors
from migdev.coordination.activities import services as activities_services
from migdev.coordination.demo import seed_demo
from migdev.coordination.models import Activity, Initiative, Process
from migdev.coordination.processes import selectors as processes_selectors

pytestmark = pytest.mark.django_db


def test_demo_seed_is_idempotent_and_uses_the_papers_entities() -> None:
    seed_demo()
    seed_demo()
    imdi = Initiative.objects.get(code="imdi")
    assert imdi.proposer.acronym == "IOM"
    assert imdi.status_history.count() == 2
    assert {p.organisation.acronym for p in activities_selectors.latest_positions(imdi)} == {
        "World Bank",
        "UNHCR",
        "ILO",
        "UNCTAD",
        "UNDP",
        "UNFPA",
    }


def test_tracker_has_the_three_priority_categories_and_latest_positions(editor: User) -> None:
    seed_demo()
    imdi = Initiative.objects.get(code="imdi")
    world_bank = Organisation.objects.get(acronym="World Bank")
    activities_services.consultation_position_record(
        actor=editor,
        initiative=imdi,
        organisation=world_bank,
        part="partner",
        position="supports",
        as_of=datetime.date(2007, 3, 1),
    )
    activities_services.initiative_status_record(
        actor=editor, initiative=imdi, status="agreed", as_of=datetime.date(2007, 3, 1)
    )
    categories = activities_selectors.hld_tracker(None)
    assert [c.priority for c in categories] == ["1", "2", "3"]
    entry = next(e for e in categories[0].entries if e.initiative == imdi)
    assert entry.current_status is not None and entry.current_status.status == "agreed"
    positions = {p.organisation.acronym: p.position for p in entry.latest_positions}
    assert positions["World Bank"] == "supports"
    assert imdi.positions.filter(organisation=world_bank).count() == 2  # history kept
    assert {e.initiative.code for e in categories[1].entries} >= {"gmg-information-note-2006"}
    assert {e.initiative.code for e in categories[2].entries} >= {"gfmd-support", "rcp-agenda-review"}


def test_recording_positions_needs_the_editor_role(analyst: User, analyst_client: Client) -> None:
    seed_demo()
    imdi = Initiative.objects.get(code="imdi")
    with pytest.raises(PermissionDenied):
        activities_services.initiative_status_record(
            actor=analyst, initiative=imdi, status="agreed", as_of=datetime.date(2007, 1, 1)
        )
    response = analyst_client.post(
        "/en/coordination/initiatives/imdi/",
        {"record_status": "1", "status-status": "agreed", "status-as_of": "2007-01-01"},
    )
    assert response.status_code == 403


def test_tracker_page(client: Client) -> None:
    seed_demo()
    html = client.get("/en/coordination/hld-follow-up/").content.decode()
    assert "International Migration and Development Initiative" in html
    assert "Enhanced inter-agency coordination" in html


def test_information_note_groups_by_field_and_member(make_activity: Callable[..., Activity]) -> None:
    research = make_activity("IOM", field="policy_research", start=datetime.date(2006, 3, 1))
    data = make_activity(
        "UNHCR", field="data_collection", start=datetime.date(2005, 1, 1), end=datetime.date(2006, 6, 30)
    )
    make_activity("ILO", field="publications", start=datetime.date(2007, 2, 1))  # after the period
    make_activity(
        "UNFPA", field="publications", start=datetime.date(2004, 1, 1), end=datetime.date(2005, 12, 31)
    )  # before
    make_activity("WHO", field="policy_research", start=datetime.date(2006, 1, 1))  # not a GMG member
    make_activity("IOM", field="data_collection", published=False)

    note = activities_selectors.information_note(
        None,
        period_start=datetime.date(2006, 1, 1),
        period_end=datetime.date(2006, 12, 31),
        process=Process.objects.get(code="gmg"),
    )
    sections = {s.field: s for s in note.sections}
    assert [(o.acronym, acts) for o, acts in sections["policy_research"].organisations] == [
        ("IOM", [research])
    ]
    assert [(o.acronym, acts) for o, acts in sections["data_collection"].organisations] == [("UNHCR", [data])]
    assert sections["publications"].organisations == []
    assert note.activity_count == 2
    assert len(note.organisations) == 10


def test_information_note_page(client: Client, make_activity: Callable[..., Activity]) -> None:
    make_activity("IOM", field="publications", title="Engaging Diasporas")
    html = client.get(
        "/en/coordination/information-note/?period_start=2006-01-01&period_end=2006-12-31&process=gmg"
    ).content.decode()
    assert "Engaging Diasporas" in html
    assert "International Organization for Migration" in html


def test_demo_always_has_coming_meetings_marked_as_samples() -> None:
    saturday = datetime.date(2026, 11, 28)
    seed_demo(today=saturday)
    apc = Process.objects.get(code="apc")
    coming = processes_selectors.next_meeting(None, apc, saturday)
    assert coming is not None and coming.title.startswith("Sample record")
    assert coming.start_date > saturday and coming.start_date.weekday() < 5
    assert "not a real meeting" in coming.source
    # Every meeting not marked as a sample is one the paper or a process's records name.
    assert all(m.start_date < saturday for m in apc.meetings.exclude(title__startswith="Sample record"))
    shared = {
        code for item in coming.agenda_items.all() for code in item.topics.values_list("code", flat=True)
    }
    assert {"labour-mobility", "hld-follow-up"} <= shared

    seed_demo(today=saturday + datetime.timedelta(days=365))
    assert apc.meetings.filter(title__startswith="Sample record").count() == 1
