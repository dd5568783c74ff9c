"""Fixtures for the coordination tests. Reference data (processes, topics, objectives) comes from the
migrations; each test builds the meetings and activities it needs."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from migdev.accounts.models import Organisation, RoleDefinition, User
from migdev.coordination.models import Activity, AgendaItem, Meeting, Process, Topic


@pytest.fixture(autouse=True)
def in_memory_storage(settings: Any) -> None:
    """Uploads go to Django's in-memory storage: nothing may depend on files having a local path."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    }


def _user(username: str, *roles: str) -> User:
    user = User.objects.create_user(username=username, password="a long test password 1")
    for role in roles:
        user.roles.add(RoleDefinition.objects.get(code=role))
    return user


@pytest.fixture
def editor(db: Any) -> User:
    return _user("editor-user", "editor")


@pytest.fixture
def second_editor(db: Any) -> User:
    return _user("second-editor", "editor")


@pytest.fixture
def analyst(db: Any) -> User:
    return _user("analyst-user", "analyst")


@pytest.fixture
def editor_client(editor: User) -> Client:
    client = Client()
    client.force_login(editor)
    return client


@pytest.fixture
def analyst_client(analyst: User) -> Client:
    client = Client()
    client.force_login(analyst)
    return client


@pytest.fixture
def iom(db: Any) -> Organisation:
    return Organisation.objects.get(acronym="IOM")


MeetingFactory = Callable[..., Meeting]


@pytest.fixture
def make_meeting(db: Any) -> MeetingFactory:
    counter = {"n": 0}

    def make(
        process: str | None,
        start: datetime.date,
        topics: list[str] = (),  # type: ignore[assignment]
        *,
        title: str = "",
        days: int = 1,
        precision: str = "day",
        published: bool = True,
        status: str = Meeting.Status.PLANNED,
    ) -> Meeting:
        counter["n"] += 1
        meeting = Meeting.objects.create(
            slug=f"test-meeting-{counter['n']}",
            title=title or f"Test meeting {counter['n']}",
            process=Process.objects.get(code=process) if process else None,
            kind=Meeting.Kind.PLENARY,
            status=status,
            start_date=start,
            end_date=start + datetime.timedelta(days=days - 1),
            date_precision=precision,
            city="Geneva",
            country_iso3="CHE",
            source="test",
            is_published=published,
        )
        if topics:
            item = AgendaItem.objects.create(meeting=meeting, position=1, title="Item")
            item.topics.set(Topic.objects.filter(code__in=topics))
        return meeting

    return make


@pytest.fixture
def make_activity(db: Any) -> Callable[..., Activity]:
    counter = {"n": 0}

    def make(
        organisation: str = "IOM",
        *,
        field: str = "policy_research",
        start: datetime.date | None = datetime.date(2006, 1, 1),
        end: datetime.date | None = None,
        published: bool = True,
        title: str = "",
    ) -> Activity:
        counter["n"] += 1
        return Activity.objects.create(
            iati_identifier=f"XM-TEST-{counter['n']}",
            reporting_organisation=Organisation.objects.get(acronym=organisation),
            title=title or f"Activity {counter['n']}",
            area="understanding_impact",
            information_field=field,
            status="2",
            actual_start=start,
            planned_end=end,
            source="test",
            is_published=published,
        )

    return make
