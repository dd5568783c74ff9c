import datetime

import pytest
from django.test import Client
from django.utils import timezone

from migdev.coordination.demo import seed_demo
from tests.coordination.conftest import MeetingFactory

pytestmark = pytest.mark.django_db

PUBLIC = [
    "/{lang}/coordination/",
    "/{lang}/coordination/processes/",
    "/{lang}/coordination/processes/?kind=rcp&country=MX",
    "/{lang}/coordination/processes/bali-process/",
    "/{lang}/coordination/processes/gmg/?as_of=2006-11-20",
    "/{lang}/coordination/meetings/?past=1",
    "/{lang}/coordination/meetings/2007-07-09-gfmd-brussels/",
    "/{lang}/coordination/topics/?shared=1",
    "/{lang}/coordination/activities/",
    "/{lang}/coordination/information-note/?period_start=2006-01-01&period_end=2006-12-31",
    "/{lang}/coordination/hld-follow-up/",
    "/{lang}/coordination/initiatives/imdi/",
    "/{lang}/coordination/practices/",
    "/{lang}/coordination/calls/",
    "/{lang}/coordination/library/",
    "/{lang}/coordination/library/?q=diaspora&kind=study&year_from=2000",
    "/{lang}/coordination/library/engaging-diasporas-as-development-partners-2006/",
    "/{lang}/coordination/library/network/?topic=diaspora-engagement",
    "/{lang}/coordination/library/network/researchers/dina-ionescu/",
    "/{lang}/coordination/policies/",
    "/{lang}/coordination/policies/?domain=cooperation&direction=immigration",
    "/{lang}/coordination/policies/compare/?countries=PHL+MEX+NPL",
    "/{lang}/coordination/information/",
    "/{lang}/coordination/information/?country=PHL&subject=pre_departure",
    "/{lang}/coordination/information/rights-and-duties/",
    "/{lang}/coordination/information/phl-pre-departure/",
]


@pytest.mark.parametrize("lang", ["en", "fr", "es"])
def test_public_pages_render(client: Client, lang: str) -> None:
    seed_demo()
    for path in PUBLIC:
        response = client.get(path.format(lang=lang))
        assert response.status_code == 200, path
        assert 'style="' not in response.content.decode(), path


def test_country_filter_finds_processes_by_member_code(client: Client) -> None:
    html = client.get("/en/coordination/processes/?country=MEX").content.decode()
    assert "Puebla" in html and "Bali Process" not in html
    assert "Unknown country code" in client.get("/en/coordination/processes/?country=ZZZ").content.decode()


@pytest.mark.parametrize(
    "path",
    [
        "/en/coordination/meetings/new/",
        "/en/coordination/activities/import/",
        "/en/coordination/practices/submit/",
        "/en/coordination/library/new/",
        "/en/coordination/policies/new/",
        "/en/coordination/information/new/",
        "/en/coordination/information/approval/",
        "/en/coordination/information/hotlines/new/",
    ],
)
def test_editing_pages_need_sign_in(client: Client, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_process_page_shows_next_meeting_and_shared_topics(
    client: Client, make_meeting: MeetingFactory
) -> None:
    next_meeting = make_meeting(
        "colombo-process",
        timezone.localdate() + datetime.timedelta(days=30),
        ["labour-mobility"],
        title="Colombo SOM",
    )
    make_meeting("gfmd", datetime.date(2020, 1, 1), ["labour-mobility"], title="GFMD summit")
    html = client.get("/en/coordination/processes/colombo-process/").content.decode()
    assert next_meeting.title in html
    assert "Labour migration and mobility" in html and "GFMD" in html
    assert "Sri Lanka" in html


def test_meetings_of_one_month_have_links_named_by_their_titles(client: Client) -> None:
    seed_demo()
    html = client.get("/en/coordination/processes/apc/?as_of=2006-11-20").content.decode()
    # Three IDM sessions of November 2006 share the date text; each link also carries its meeting's title.
    assert html.count('November 2006<span class="visually-hidden">: ') >= 3
    assert "Participating states on 20 Nov 2006" in html
