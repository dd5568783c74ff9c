"""Provisions tagged with the platform's topics and the Global Compact objectives: loaded all or nothing, shown
on the instrument page and in the API. The shipped ones (data/provisions_2026-12.csv) cover every instrument;
each text is a plain-language summary by migdev, labelled so on the page and in the API, never presented as
the official text; a short quotation of the official wording is kept apart, with the page it was read on."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from django.test import Client

from migdev.dataio.errors import ImportRejected
from migdev.dataio.services import import_file
from migdev.law.models import Instrument, Provision, ProvisionTextKind

COLUMNS = [
    "instrument_code",
    "provision",
    "text",
    "text_kind",
    "official_url",
    "source",
    "topics",
    "gcm_objectives",
]
TEXT = "Test text standing for a summary of an article."
SUMMARY_LABEL = "Summary by migdev, not the official text"


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
        "provision": "Article 66",
        "text": TEXT,
        "source": "test source",
        "topics": "trafficking",
        "gcm_objectives": "10",
    }
    row.update(values)
    return row


def _shipped_count() -> int:
    from migdev.law.services import PROVISIONS_FILE

    with PROVISIONS_FILE.open(encoding="utf-8", newline="") as handle:
        return sum(1 for _row in csv.DictReader(handle))


@pytest.mark.usefixtures("shipped")
def test_every_instrument_has_provisions_each_a_labelled_summary_with_its_addresses() -> None:
    instruments = list(Instrument.objects.all())
    assert len(instruments) == 15
    for instrument in instruments:
        assert instrument.provisions.count() >= 2, instrument.code
    provisions = Provision.objects.all()
    assert provisions.count() == _shipped_count() >= 60
    assert set(provisions.values_list("text_kind", flat=True)) == {ProvisionTextKind.SUMMARY}
    for provision in provisions:
        assert provision.text and provision.source, provision
        assert provision.official_url.startswith("https://"), provision
        assert provision.topics.exists() or provision.instrument.code == "GCM", provision
        assert provision.text not in provision.quotation, f"{provision}: a summary must not be the quotation"
    article33 = Provision.objects.get(instrument__code="CSR1951", reference="Article 33")
    assert article33.quotation.startswith("1. No Contracting State shall expel or return (refouler)")
    assert "scribd.com" in article33.source
    # Articles of the ILO conventions, the 1990 and 1961 Conventions have no headings: none is invented.
    assert not Provision.objects.filter(instrument__code__in=["C097", "ICRMW", "CRS1961"]).exclude(title="")


@pytest.mark.usefixtures("shipped")
@pytest.mark.parametrize("code", ["ICRMW", "C143", "GCM", "WHO_CODE"])
def test_the_page_and_the_api_say_each_summary_is_not_the_official_text(client: Client, code: str) -> None:
    provisions = list(Provision.objects.filter(instrument__code=code))
    page = client.get(f"/en/law/instruments/{code}/").content.decode()
    for provision in provisions:
        row = page[page.index(f'data-provision="{provision.reference}"') :]
        row = row[: row.index("</tr>")]
        label = row.index(SUMMARY_LABEL)
        assert 'data-text-kind="summary"' in row
        assert label < row.index(provision.text[:40].replace("'", "&#x27;")), (
            "the label comes before the summary"
        )
        assert provision.official_url.replace("&", "&amp;") in row
        if provision.quotation:
            assert "Official text, quoted:" in row
    answer = client.get(f"/api/v1/law/instruments/{code}/provisions").json()
    assert len(answer) == len(provisions)
    for item in answer:
        assert item["text_kind"] == "summary" and item["text_label"] == SUMMARY_LABEL
        assert item["official_url"].startswith("https://") and item["source"]
    for language in ("fr", "es"):
        page = client.get(f"/{language}/law/instruments/{code}/").content.decode()
        assert page.count('data-text-kind="summary"') == len(provisions)


@pytest.mark.usefixtures("shipped")
def test_starting_again_does_not_overwrite_an_editor_s_correction() -> None:
    from migdev.law.services import load_reference

    provision = Provision.objects.get(instrument__code="CSR1951", reference="Article 33")
    Provision.objects.filter(pk=provision.pk).update(title="Non-refoulement (corrected)")
    load_reference()
    provision.refresh_from_db()
    assert provision.title == "Non-refoulement (corrected)"
    assert Provision.objects.count() == _shipped_count()


@pytest.mark.django_db
def test_the_first_shipped_quotations_give_way_to_the_new_file_unless_an_editor_changed_them() -> None:
    from migdev.law.services import OLD_PROVISIONS_FILE_NAME, load_reference

    load_reference()
    Provision.objects.all().delete()
    icrmw = Instrument.objects.get(code="ICRMW")
    common = {
        "text_kind": ProvisionTextKind.OFFICIAL,
        "source": "a copy",
        "loaded_from": OLD_PROVISIONS_FILE_NAME,
    }
    untouched = Provision.objects.create(
        instrument=icrmw, reference="Article 22(1)-(3)", text="Quoted.", **common
    )
    edited = Provision.objects.create(
        instrument=icrmw, reference="Article 99", text="Corrected.", version=2, **common
    )
    load_reference()
    assert not Provision.objects.filter(pk=untouched.pk).exists()
    assert Provision.objects.get(pk=edited.pk).text == "Corrected."
    assert Provision.objects.filter(instrument=icrmw, reference="Article 22").exists()
    assert Provision.objects.count() == _shipped_count() + 1


@pytest.mark.usefixtures("shipped")
@pytest.mark.parametrize("language", ["en", "fr", "es"])
def test_a_tagged_provision_shows_with_its_source_and_tags(
    client: Client, tmp_path: Path, language: str
) -> None:
    path = _write(tmp_path / "tagged.csv", [_row(), _row(provision="Article 67", gcm_objectives="")])
    import_file(format_name="law-provisions", path=path)
    import_file(format_name="law-provisions", path=path)  # again: updated, not copied
    assert Provision.objects.filter(loaded_from="tagged.csv").count() == 2
    page = client.get(f"/{language}/law/instruments/TIP2000/").content.decode()
    row = page[page.index('data-provision="Article 66"') :]
    row = row[: row.index("</tr>")]
    assert TEXT in row and "test source" in row
    api = [
        item
        for item in client.get("/api/v1/law/instruments/TIP2000/provisions").json()
        if item["provision"] in ("Article 66", "Article 67")
    ]
    assert api[0] == {
        "provision": "Article 66",
        "title": "",
        "text": TEXT,
        "text_kind": "summary",
        "text_label": SUMMARY_LABEL,
        "quotation": "",
        "official_url": "",
        "source": "test source",
        "topics": ["trafficking"],
        "gcm_objectives": [10],
    }
    assert api[1]["gcm_objectives"] == []


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
            _row(provision="Article 14", text_kind="guess"),
            _row(provision="Article 15", official_url="http://example.org/plain"),
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
        (9, "text_kind"),
        (10, "official_url"),
    }
    assert Provision.objects.count() == _shipped_count()  # only the shipped ones
