"""The NORMLEX ratification-table format: an ILO party list loads beside nothing (or beside an older one),
the pages and the API show it with its date, exclusions and declarations travel with the ratification, and
a bad file is refused naming file, row and column with nothing written."""

from __future__ import annotations

import re
import shutil
from datetime import date
from pathlib import Path

import pytest
from django.test import Client

from migdev.dataio.errors import ImportRejected
from migdev.dataio.services import import_file
from migdev.law import selectors
from migdev.law.models import PartyAction, PartyList, Statement

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "C097_2024-05-01.csv"
HEADER = "Country,Date,Status,Note,Declarations\n"


def _load(path: Path) -> None:
    import_file(format_name="law-normlex", path=path)


def _rejection(path: Path) -> ImportRejected:
    before = (PartyList.objects.count(), PartyAction.objects.count(), Statement.objects.count())
    with pytest.raises(ImportRejected) as caught:
        _load(path)
    assert (PartyList.objects.count(), PartyAction.objects.count(), Statement.objects.count()) == before
    return caught.value


def _write(tmp_path: Path, name: str, body: str) -> Path:
    path = tmp_path / name
    path.write_text(HEADER + body, encoding="utf-8")
    return path


@pytest.mark.usefixtures("shipped")
@pytest.mark.parametrize("language", ["en", "fr", "es"])
def test_a_loaded_normlex_table_is_shown_with_its_date_and_other_ilo_lists_stay_not_loaded(
    client: Client, language: str
) -> None:
    _load(FIXTURE)
    page = client.get(f"/{language}/law/instruments/C097/").content.decode()
    count = re.search(r'data-testid="party-count">\s*(\d+)', page)
    # Congo's ratification counts although it is not yet in force for Congo; the note says so.
    assert count is not None and count.group(1) == "9"
    assert "2024" in page and 'class="law-as-of"' in page
    assert "NORMLEX: “Not in force”. The Convention will enter into force for Congo on 26 Oct 2024." in page
    assert "Has excluded the provisions of Annex II" in page
    still_missing = client.get(f"/{language}/law/instruments/C143/").content.decode()
    assert 'data-testid="party-count"' not in still_missing
    on_an_earlier_day = client.get(f"/{language}/law/instruments/C097/?on=1960-01-01").content.decode()
    earlier = re.search(r'data-testid="party-count">\s*(\d+)', on_an_earlier_day)
    assert earlier is not None and earlier.group(1) == "3"  # Cuba 1952, Belgium 1953, Germany 1959


@pytest.mark.usefixtures("shipped")
def test_the_api_and_the_country_page_carry_the_list_and_the_declarations(client: Client) -> None:
    _load(FIXTURE)
    status = client.get("/api/v1/law/instruments/C097/status").json()
    assert (status["party_list_loaded"], status["parties"], status["status_as_of"]) == (True, 9, "2024-05-01")
    actions = {a["participant"]: a for a in client.get("/api/v1/law/instruments/C097/actions").json()}
    [exclusion] = actions["DZA"]["reservations_declarations"]
    assert exclusion["kind"] == "declaration" and exclusion["made_on"] == "1962-10-19"
    assert exclusion["text"] == "Has excluded the provisions of Annex II"
    assert "NORMLEX" in exclusion["source"] and actions["ALB"]["reservations_declarations"] == []
    country = {row["instrument"]: row for row in client.get("/api/v1/law/countries/DZA").json()}
    assert country["C097"]["status"] == "party" and country["C097"]["since"] == "1962-10-19"
    assert country["C097"]["reservations_declarations"][0]["text"].startswith("Has excluded")
    assert country["C143"]["status"] is None
    page = client.get("/fr/law/countries/DZA/").content.decode()
    row = page[page.index('data-code="C097"') :]
    row = row[: row.index("</tr>")]
    assert "Has excluded the provisions of Annex II" in row and "1962" in row


@pytest.mark.usefixtures("shipped")
def test_a_newer_table_loads_beside_the_older_and_the_page_shows_the_newer(
    client: Client, tmp_path: Path
) -> None:
    _load(FIXTURE)
    newer = shutil.copy(FIXTURE, tmp_path / "C097_2025-01-15.csv")
    with Path(newer).open("a", encoding="utf-8") as handle:
        handle.write("France,29 Mar 1954,In Force,,Has excluded the provisions of Annex II\n")
    _load(Path(newer))
    instrument = selectors.instrument("C097")
    assert instrument is not None
    assert [e.as_of.isoformat() for e in selectors.editions(instrument)] == ["2025-01-15", "2024-05-01"]
    page = client.get("/en/law/instruments/C097/").content.decode()
    assert re.search(r'data-testid="party-count">\s*10\b', page)
    older = client.get("/en/law/instruments/C097/?edition=2024-05-01").content.decode()
    assert re.search(r'data-testid="party-count">\s*9\b', older)
    _load(FIXTURE)  # loaded again: replaces its own edition, no copies
    assert PartyList.objects.filter(instrument__code="C097").count() == 2
    assert Statement.objects.filter(action__party_list__instrument__code="C097").count() == 2 + 3


@pytest.mark.usefixtures("shipped")
def test_a_denunciation_ends_the_party_on_its_date(tmp_path: Path) -> None:
    path = _write(tmp_path, "C143_2024-05-01.csv", "Albania,12 Sep 2006,Denounced on 03 Feb 2020,,\n")
    _load(path)
    instrument = selectors.instrument("C143")
    assert instrument is not None
    before = selectors.status(instrument, date(2020, 2, 2))
    after = selectors.status(instrument, date(2020, 2, 3))
    assert before is not None and after is not None
    assert (before.party_count, after.party_count) == (1, 0)


@pytest.mark.usefixtures("shipped")
@pytest.mark.parametrize(
    ("name", "body", "where"),
    [
        ("C097_2024-05-01.csv", "Albania,02 Mar 2005,Ratified,,\n", (2, "Status")),
        ("C097_2024-05-01.csv", "Albania,2005-03-02,In Force,,\n", (2, "Date")),
        ("C097_2024-05-01.csv", "Albania,31 Feb 2005,In Force,,\n", (2, "Date")),
        ("C097_2024-05-01.csv", "Albania,,In Force,,\n", (2, "Date")),
        ("C097_2024-05-01.csv", "Albania,02 Mar 2025,In Force,,\n", (2, "Date")),
        ("C097_2024-05-01.csv", "Albania,02 Mar 2005,Denounced on 01 Jan 2004,,\n", (2, "Status")),
        ("C097_2024-05-01.csv", "Narnia,02 Mar 2005,In Force,,\n", (2, "Country")),
        ("C097_2024-05-01.csv", "Cuba,29 Apr 1952,In Force,,\nCuba,29 Apr 1952,In Force,,\n", (3, "Country")),
        ("TIP2000_2024-05-01.csv", "Albania,02 Mar 2005,In Force,,\n", (None, None)),
        ("C097.csv", "Albania,02 Mar 2005,In Force,,\n", (None, None)),
    ],
)
def test_a_bad_table_is_refused_naming_file_row_and_column(
    tmp_path: Path, name: str, body: str, where: tuple[int | None, str | None]
) -> None:
    # A good row first: one bad row must leave nothing written.
    path = _write(tmp_path, name, "Belgium,27 Jul 1953,In Force,,\n" + body)
    rejection = _rejection(path)
    row, column = where
    expected_row = row + 1 if row is not None else None
    assert (name, expected_row, column) in {(e.file, e.row, e.column) for e in rejection.errors}
