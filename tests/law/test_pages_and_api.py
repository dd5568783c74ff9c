"""The pages in three languages and the API: every status says its date and age; no party list is never zero."""

from __future__ import annotations

import re

import pytest
from django.test import Client


@pytest.mark.usefixtures("shipped")
@pytest.mark.parametrize("language", ["en", "fr", "es"])
def test_the_instrument_page_shows_the_status_as_of_its_list_in_each_language(
    client: Client, language: str
) -> None:
    page = client.get(f"/{language}/law/instruments/TIP2000/?on=2014-05-21").content.decode()
    assert f'<html lang="{language}"' in page
    count = re.search(r'data-testid="party-count">\s*(\d+)', page)
    assert count is not None and count.group(1) == "159"
    assert "2014" in page and 'class="law-as-of"' in page
    assert 'data-code="AFG"' not in page or "Afghanistan" in page
    assert "<svg" in page and 'class="country law-party"' in page


@pytest.mark.usefixtures("shipped")
def test_the_page_counts_on_the_day_asked_not_on_the_list_s_date(client: Client) -> None:
    page = client.get("/en/law/instruments/TIP2000/?on=2008-09-26").content.decode()
    count = re.search(r'data-testid="party-count">\s*(\d+)', page)
    assert count is not None and count.group(1) == "124"


@pytest.mark.usefixtures("shipped")
def test_an_ilo_convention_says_its_party_list_is_not_loaded(client: Client) -> None:
    page = client.get("/en/law/instruments/C097/").content.decode()
    assert "Party list not loaded." in page
    assert 'data-testid="party-count"' not in page
    home = client.get("/en/law/").content.decode()
    row = home[home.index('data-code="C097"') :]
    assert "party list not loaded" in row[: row.index("</tr>")]


@pytest.mark.usefixtures("shipped")
def test_a_title_not_known_from_a_source_is_left_blank_not_guessed(client: Client) -> None:
    page = client.get("/fr/law/instruments/ICRMW/").content.decode()
    assert "connu d’une source" in page or "connu d'une source" in page
    page = client.get("/fr/law/instruments/CSR1951/").content.decode()
    assert "Convention relative au statut des réfugiés" in page


@pytest.mark.usefixtures("shipped")
def test_the_country_page_lists_instruments_with_dates_and_the_lists_age(client: Client) -> None:
    page = client.get("/en/law/countries/MEX/").content.decode()
    row = page[page.index('data-code="ICRMW"') :]
    row = row[: row.index("</tr>")]
    assert "party" in row and "1999" in row and "years old" in row
    assert "National laws and policies" in page
    assert client.get("/en/law/countries/ZZZ/").status_code == 404


@pytest.mark.usefixtures("shipped")
def test_compare_and_download(client: Client) -> None:
    page = client.get("/en/law/compare/?c=MEX&c=SEN&c=xx").content.decode()
    assert page.count('<th scope="col"><a href="/en/law/countries/') == 2
    download = client.get("/en/law/instruments/TIP2000/download/")
    body = b"".join(download.streaming_content).decode()  # type: ignore[attr-defined]
    assert body.lstrip("\ufeff").splitlines()[0].startswith("instrument,participant_code")
    assert sum(1 for line in body.splitlines() if ",EU," in line) == 2  # signature and approval


@pytest.mark.usefixtures("shipped")
def test_the_api_gives_the_status_with_its_date_and_null_without_a_list(client: Client) -> None:
    status = client.get("/api/v1/law/instruments/CRS1961/status?on=2011-09-23").json()
    assert (status["parties"], status["status_as_of"], status["after_source_date"]) == (
        40,
        "2015-01-27",
        False,
    )
    later = client.get("/api/v1/law/instruments/CRS1961/status?on=2020-01-01").json()
    assert (later["parties"], later["after_source_date"]) == (63, True)
    ilo = client.get("/api/v1/law/instruments/C181/status").json()
    assert (ilo["party_list_loaded"], ilo["parties"]) == (False, None)
    assert client.get("/api/v1/law/instruments/C181/status?edition=2014-01-01").status_code == 404
    assert client.get("/api/v1/law/instruments/TIP2000/status?on=0").status_code == 422
    assert client.get("/api/v1/law/instruments/NOPE/status").status_code == 404
    counts = client.get("/api/v1/law/instruments/ICRMW/counts").json()["counts"]
    assert {c["year"]: c["parties"] for c in counts}[2019] == 55
    country = {row["instrument"]: row for row in client.get("/api/v1/law/countries/mex").json()}
    assert country["ICRMW"]["status"] == "party" and country["C097"]["status"] is None
    instruments = {row["code"]: row for row in client.get("/api/v1/law/instruments").json()}
    assert instruments["TIP2000"]["title_fr"] == "" and 10 in instruments["TIP2000"]["gcm_objectives"]


@pytest.mark.usefixtures("shipped")
@pytest.mark.parametrize(
    ("language", "before", "after"),
    [("en", "Côte d’Ivoire", "Czechia"), ("en", "Åland Islands", "Albania"), ("en", "Réunion", "Romania")],
)
def test_country_choices_follow_the_page_language_s_alphabet(
    client: Client, language: str, before: str, after: str
) -> None:
    page = client.get(f"/{language}/law/trainings/").content.decode()
    assert before in page and after in page
    assert page.index(before) < page.index(after)
