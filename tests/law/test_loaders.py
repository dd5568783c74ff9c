"""Loading party lists: countries matched on codes through the reviewed name table, all or nothing, errors
naming file, row and column, re-runnable, and a newer status table stored beside the older one."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from migdev.dataio.errors import ImportRejected
from migdev.dataio.services import import_file
from migdev.law import selectors
from migdev.law.models import Instrument, PartyAction, PartyList
from tests.law.conftest import party_row, write_parties


def _rejection(format_name: str, path: Path) -> ImportRejected:
    with pytest.raises(ImportRejected) as caught:
        import_file(format_name=format_name, path=path)
    return caught.value


@pytest.mark.usefixtures("shipped")
def test_a_name_is_matched_through_the_reviewed_table_and_must_agree_with_the_code(tmp_path: Path) -> None:
    path = write_parties(
        tmp_path / "update.csv",
        [
            # Niger printed, Nigeria's code: a name-based or code-trusting loader would take either.
            party_row(iso3="NGA", country_name_source="Niger", ratification_accession_date="2004-09-30"),
            party_row(
                iso3="XKX",
                country_name_source="Republic of Nowhere",
                ratification_accession_date="2010-01-01",
            ),
            party_row(iso3="SWZ", country_name_source="Swaziland", ratification_accession_date="2012-09-24"),
        ],
    )
    before = PartyAction.objects.count()
    rejection = _rejection("law-parties", path)
    where = {(error.file, error.row, error.column) for error in rejection.errors}
    assert where == {("update.csv", 2, "iso3"), ("update.csv", 3, "country_name_source")}
    assert "NER" in str(rejection.errors[0]) and "Republic of Nowhere" in " ".join(map(str, rejection.errors))
    assert PartyAction.objects.count() == before
    assert not PartyList.objects.filter(as_of=date(2014, 9, 30)).exists()


@pytest.mark.usefixtures("shipped")
def test_one_bad_row_leaves_nothing_written(tmp_path: Path) -> None:
    path = write_parties(
        tmp_path / "TIP2000-update.csv",
        [
            party_row(
                iso3="AFG", country_name_source="Afghanistan", ratification_accession_date="2014-08-14"
            ),
            party_row(iso3="AGO", country_name_source="Angola", ratification_accession_date="2014-09-31"),
        ],
    )
    counts = (PartyList.objects.count(), PartyAction.objects.count())
    rejection = _rejection("law-parties", path)
    assert [(e.file, e.row, e.column) for e in rejection.errors] == [
        ("TIP2000-update.csv", 3, "ratification_accession_date")
    ]
    assert (PartyList.objects.count(), PartyAction.objects.count()) == counts


@pytest.mark.usefixtures("shipped")
def test_status_rules_in_a_file_are_checked(tmp_path: Path) -> None:
    path = write_parties(
        tmp_path / "rules.csv",
        [
            party_row(iso3="AFG", country_name_source="Afghanistan"),  # a party without a consent date
            party_row(iso3="AGO", country_name_source="Angola", ratification_accession_date="2015-01-01"),
            party_row(
                iso3="ALB",
                country_name_source="Albania",
                status="denounced",
                ratification_accession_date="2002-08-25",
            ),
            party_row(iso3="ALB", country_name_source="Albania", ratification_accession_date="2002-08-25"),
            party_row(
                iso3="BEN",
                country_name_source="Benin",
                action="joined",
                ratification_accession_date="2004-08-30",
            ),
        ],
    )
    where = {(e.row, e.column) for e in _rejection("law-parties", path).errors}
    assert where == {
        (2, "ratification_accession_date"),
        (3, "ratification_accession_date"),  # after the date of the status table
        (4, "denunciation_date"),
        (5, "country_name_source"),  # Albania twice
        (6, "action"),
    }


@pytest.mark.usefixtures("shipped")
def test_a_newer_status_table_loads_beside_the_snapshot_and_again_without_duplicates(tmp_path: Path) -> None:
    snapshot = (
        Path(__file__).resolve().parents[2] / "src/migdev/law/data/parties_trafficking_protocol_2000.csv"
    )
    lines = snapshot.read_text(encoding="utf-8").splitlines()
    # The snapshot's rows re-dated, plus Afghanistan's accession of 14 Aug 2014 (whatconvention.org, SOURCE.md).
    update = [lines[0]] + [line.rsplit(",", 1)[0] + ",2014-09-30" for line in lines[1:]]
    path = tmp_path / "tip-2014-09.csv"
    path.write_text("\n".join(update) + "\n", encoding="utf-8")
    write_parties(
        tmp_path / "afg.csv",
        [party_row(iso3="AFG", country_name_source="Afghanistan", ratification_accession_date="2014-08-14")],
    )
    path.write_text(
        path.read_text(encoding="utf-8")
        + (tmp_path / "afg.csv").read_text(encoding="utf-8").splitlines()[1]
        + "\n",
        encoding="utf-8",
    )
    import_file(format_name="law-parties", path=path)
    protocol = Instrument.objects.get(code="TIP2000")
    assert [e.as_of for e in selectors.editions(protocol)] == [date(2014, 9, 30), date(2014, 1, 27)]
    newest = selectors.status(protocol)
    assert newest is not None and (newest.known_until, newest.party_count) == (date(2014, 9, 30), 160)
    older = selectors.status(protocol, party_list=selectors.edition(protocol, date(2014, 1, 27)))
    assert older is not None and older.party_count == 159
    actions = PartyAction.objects.count()
    again = import_file(format_name="law-parties", path=path)
    assert (again.created, again.updated) == (0, 168)
    assert PartyAction.objects.count() == actions
    assert PartyList.objects.filter(instrument=protocol).count() == 2


@pytest.mark.usefixtures("shipped")
def test_a_untc_status_table_loads_with_its_marks_and_footnotes(tmp_path: Path) -> None:
    path = tmp_path / "ICRMW_2024-05-01.csv"
    path.write_text(
        'Participant,Signature,"Ratification, Accession(a), Succession(d)"\n'
        "Albania 2,,5 Jun 2007 a\n"
        "Argentina,10 Aug 2004,23 Feb 2007\n"
        "Armenia,26 Sep 2013,\n"
        "Bosnia and Herzegovina,,13 Dec 1996 d\n",
        encoding="utf-8",
    )
    import_file(format_name="law-untc-status", path=path)
    convention = Instrument.objects.get(code="ICRMW")
    party_list = selectors.edition(convention)
    assert party_list is not None and party_list.as_of == date(2024, 5, 1)
    kinds = {(a.participant_code, a.kind, a.date) for a in party_list.actions.all()}
    assert kinds == {
        ("ALB", "accession", date(2007, 6, 5)),
        ("ARG", "signature", date(2004, 8, 10)),
        ("ARG", "ratification", date(2007, 2, 23)),
        ("ARM", "signature", date(2013, 9, 26)),
        ("BIH", "succession", date(1996, 12, 13)),
    }
    found = selectors.status(convention)
    assert found is not None and (found.party_count, found.signatory_count) == (3, 1)


@pytest.mark.usefixtures("shipped")
def test_a_untc_table_needs_its_instrument_and_date_in_its_name_and_dates_as_untc_prints_them(
    tmp_path: Path,
) -> None:
    path = tmp_path / "status.csv"
    path.write_text(
        'Participant,Signature,"Ratification, Accession(a)"\nAlbania,,2007-06-05\n', encoding="utf-8"
    )
    where = {(e.row, e.column) for e in _rejection("law-untc-status", path).errors}
    assert where == {(None, None), (2, "consent")}
