"""Reservations, declarations and objections: attached to a participant's consent in one edition, shown on
the instrument and country pages and in the API, loaded all or nothing and re-runnable."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from django.test import Client

from migdev.dataio.errors import ImportRejected
from migdev.dataio.services import import_file
from migdev.law.models import ActionKind, Statement
from tests.law.conftest import party_row, write_parties

COLUMNS = ["instrument_code", "edition", "iso3", "kind", "date", "text", "source"]
TEXT = "Test text: the reservation as a depositary would print it."


def _write(path: Path, rows: list[dict[str, str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, COLUMNS, lineterminator="\n")
        writer.writeheader()
        for row in rows:
            writer.writerow({column: row.get(column, "") for column in COLUMNS})
    return path


def _row(**values: str) -> dict[str, str]:
    row = {"instrument_code": "CSR1951", "iso3": "MEX", "kind": "reservation", "text": TEXT, "source": "test"}
    row.update(values)
    return row


@pytest.mark.usefixtures("shipped")
def test_a_statement_is_attached_to_the_consent_and_shown_everywhere(client: Client, tmp_path: Path) -> None:
    path = _write(
        tmp_path / "statements.csv", [_row(date="2000-06-07"), _row(iso3="SEN", kind="Declaration")]
    )
    import_file(format_name="law-declarations", path=path)
    mexico = Statement.objects.get(action__participant_code="MEX")
    assert mexico.action.kind == ActionKind.ACCESSION and str(mexico.made_on) == "2000-06-07"
    import_file(format_name="law-declarations", path=path)  # again: updated, not copied
    assert Statement.objects.count() == 2
    page = client.get("/es/law/instruments/CSR1951/").content.decode()
    row = page[page.index('data-code="MEX"') :]
    assert TEXT in row[: row.index("</tr>")]
    other = page[page.index('data-code="ARG"') :]
    assert TEXT not in other[: other.index("</tr>")]
    country = client.get("/fr/law/countries/SEN/").content.decode()
    line = country[country.index('data-code="CSR1951"') :]
    assert TEXT in line[: line.index("</tr>")]
    api = {row["instrument"]: row for row in client.get("/api/v1/law/countries/MEX").json()}
    assert api["CSR1951"]["reservations_declarations"] == [
        {"kind": "reservation", "made_on": "2000-06-07", "text": TEXT, "source": "test"}
    ]
    assert api["TIP2000"]["reservations_declarations"] == []


@pytest.mark.usefixtures("shipped")
def test_a_bad_statement_file_is_refused_whole(tmp_path: Path) -> None:
    path = _write(
        tmp_path / "bad.csv",
        [
            _row(),
            _row(iso3="USA"),  # not a participant in the 1951 list
            _row(kind="interpretation"),
            _row(edition="2001-01-01"),  # no such edition
            _row(date="2030-01-01"),  # after the list's date
            _row(instrument_code="C097"),  # no party list loaded
            _row(iso3="SEN", text=""),
        ],
    )
    with pytest.raises(ImportRejected) as caught:
        import_file(format_name="law-declarations", path=path)
    where = {(e.file, e.row, e.column) for e in caught.value.errors}
    assert where == {
        ("bad.csv", 3, "iso3"),
        ("bad.csv", 4, "kind"),
        ("bad.csv", 5, "edition"),
        ("bad.csv", 6, "date"),
        ("bad.csv", 7, "instrument_code"),
        ("bad.csv", 8, "text"),
    }
    assert not Statement.objects.exists()


@pytest.mark.usefixtures("shipped")
def test_the_party_file_s_reservation_column_becomes_a_statement_on_the_consent(tmp_path: Path) -> None:
    path = write_parties(
        tmp_path / "update.csv",
        [
            party_row(
                iso3="AFG",
                country_name_source="Afghanistan",
                ratification_accession_date="2014-08-14",
                reservations_declarations="Test text: a reservation.",
            )
        ],
        extra_columns=("reservations_declarations",),
    )
    import_file(format_name="law-parties", path=path)
    [statement] = Statement.objects.all()
    assert statement.action.kind == ActionKind.ACCESSION and statement.text == "Test text: a reservation."
    assert statement.kind == "unspecified" and str(statement.made_on) == "2014-08-14"
