"""Provisions tagged with the platform's topics and the Global Compact objectives: loaded all or nothing from
a file that quotes each text with its source, shown on the instrument page and in the API. The shipped ones
(data/provisions.csv) quote only what a stored page printed, each with that page's address."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from django.test import Client

from migdev.dataio.errors import ImportRejected
from migdev.dataio.services import import_file
from migdev.law.models import Provision

COLUMNS = ["instrument_code", "provision", "text", "source", "topics", "gcm_objectives"]
TEXT = "Test text standing for a quoted article."


def _write(path: Path, rows: list[dict[str, str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, COLUMNS, lineterminator="\n")
        writer.writeheader()
        for row in rows:
            writer.writerow({column: row.get(column, "") for column in COLUMNS})
    return path


def _row(**values: str) -> dict[str, str]:
    row = {
        "instrument_code": "TIP2000",
        "provision": "Article 6",
        "text": TEXT,
        "source": "test source",
        "topics": "trafficking",
        "gcm_objectives": "10",
    }
    row.update(values)
    return row


SHIPPED = {"ICRMW": 3, "CSR1951": 1, "TIP2000": 1, "SOM2000": 3, "C097": 1, "C181": 1}


@pytest.mark.usefixtures("shipped")
def test_the_shipped_provisions_each_quote_a_source_and_carry_their_tags(client: Client) -> None:
    counted = {code: Provision.objects.filter(instrument__code=code).count() for code in SHIPPED}
    assert counted == SHIPPED and Provision.objects.count() == sum(SHIPPED.values())
    assert not Provision.objects.filter(source="").exists()
    assert not Provision.objects.filter(topics=None).exists()
    article5 = Provision.objects.get(instrument__code="SOM2000", reference="Article 5")
    assert article5.title == "Criminal liability of migrants"
    assert "sherloc.unodc.org" in article5.source
    assert [o.number for o in article5.gcm_objectives.order_by("number")] == [7, 9]
    page = client.get("/es/law/instruments/SOM2000/").content.decode()
    row = page[page.index('data-provision="Article 5"') :]
    row = row[: row.index("</tr>")]
    assert "Migrants shall not become liable to criminal prosecution" in row and "sherloc.unodc.org" in row
    # An instrument without a citable text still says so instead of showing an empty table.
    page = client.get("/fr/law/instruments/C143/").content.decode()
    assert 'data-provision="' not in page and "law-provisions" in page


@pytest.mark.usefixtures("shipped")
def test_starting_again_does_not_overwrite_an_editor_s_correction() -> None:
    from migdev.law.services import load_reference

    provision = Provision.objects.get(instrument__code="CSR1951", reference="Article 33")
    Provision.objects.filter(pk=provision.pk).update(title="Non-refoulement (corrected)")
    load_reference()
    provision.refresh_from_db()
    assert provision.title == "Non-refoulement (corrected)"
    assert Provision.objects.count() == sum(SHIPPED.values())


@pytest.mark.usefixtures("shipped")
@pytest.mark.parametrize("language", ["en", "fr", "es"])
def test_a_tagged_provision_shows_with_its_source_and_tags(
    client: Client, tmp_path: Path, language: str
) -> None:
    path = _write(tmp_path / "tagged.csv", [_row(), _row(provision="Article 7", gcm_objectives="")])
    import_file(format_name="law-provisions", path=path)
    import_file(format_name="law-provisions", path=path)  # again: updated, not copied
    assert Provision.objects.filter(loaded_from="tagged.csv").count() == 2
    page = client.get(f"/{language}/law/instruments/TIP2000/").content.decode()
    row = page[page.index('data-provision="Article 6"') :]
    row = row[: row.index("</tr>")]
    assert TEXT in row and "test source" in row
    api = [
        item
        for item in client.get("/api/v1/law/instruments/TIP2000/provisions").json()
        if item["provision"] in ("Article 6", "Article 7")
    ]
    assert api[0] == {
        "provision": "Article 6",
        "title": "",
        "text": TEXT,
        "source": "test source",
        "topics": ["trafficking"],
        "gcm_objectives": [10],
    }
    assert api[1]["gcm_objectives"] == []
    assert client.get("/api/v1/law/instruments/C143/provisions").json() == []


@pytest.mark.usefixtures("shipped")
def test_a_bad_provision_file_is_refused_whole(tmp_path: Path) -> None:
    path = _write(
        tmp_path / "bad.csv",
        [
            _row(),
            _row(provision="Article 9", gcm_objectives="24"),
            _row(provision="Article 10", topics="no-such-topic"),
            _row(provision="Article 11", instrument_code="NOPE"),
            _row(provision="Article 12", text=""),
            _row(provision="Article 13", source=""),
            _row(),
        ],
    )
    with pytest.raises(ImportRejected) as caught:
        import_file(format_name="law-provisions", path=path)
    assert {(e.row, e.column) for e in caught.value.errors} == {
        (3, "gcm_objectives"),
        (4, "topics"),
        (5, "instrument_code"),
        (6, "text"),
        (7, "source"),
        (8, "provision"),
    }
    assert Provision.objects.count() == sum(SHIPPED.values())  # only the shipped ones
