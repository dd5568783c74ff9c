"""The shipped snapshot reproduces the counts its SOURCE.md cross-checks, on their dates, and the status rules
(year-only consents, denunciations, dateless rows, days after the list's date) hold."""

from __future__ import annotations

from datetime import date

import pytest

from migdev.law import selectors
from migdev.law.models import Instrument, PartyList


def _count(code: str, on: str | None) -> int:
    found = selectors.status(Instrument.objects.get(code=code), date.fromisoformat(on) if on else None)
    assert found is not None
    return found.party_count


# (instrument, day, parties stated by the independent source on that day) — SOURCE.md's cross-checks.
CROSS_CHECKS = [
    ("TIP2000", "2014-05-21", 159),
    ("TIP2000", "2008-09-26", 124),
    ("CRS1961", "2011-09-23", 40),
    ("CRS1961", "2011-08-30", 38),
    ("CRS1961", "2013-12-31", 55),
    ("CSSP1954", "2014-11-04", 83),
    ("CSSP1954", "2011-09-23", 68),
    ("SOM2000", "2003-11-04", 40),
    ("ICRMW", "2019-12-31", 55),
    ("CSR1951", None, 145),
    ("PSR1967", None, 146),
]


@pytest.mark.usefixtures("shipped")
def test_the_snapshot_reproduces_the_independent_counts_on_their_dates() -> None:
    found = {(code, on): _count(code, on) for code, on, _expected in CROSS_CHECKS}
    assert found == {(code, on): expected for code, on, expected in CROSS_CHECKS}


@pytest.mark.usefixtures("shipped")
def test_the_smuggling_protocol_s_first_forty_are_the_named_ones_and_the_eu_counts_apart() -> None:
    protocol = Instrument.objects.get(code="SOM2000")
    at_entry = selectors.status(protocol, date(2003, 11, 4))
    assert at_entry is not None and at_entry.party_count == 40
    whole = selectors.status(protocol)
    assert whole is not None
    assert (whole.party_count, whole.state_party_count) == (138, 137)
    assert "EU" in {p.code for p in whole.parties}
    # Serbia and Montenegro's 2001 signature is matched to Serbia's code, never to a name.
    assert "SRB" in {p.code for p in whole.participants}


@pytest.mark.usefixtures("shipped")
def test_a_consent_known_by_its_year_counts_from_the_end_of_that_year_and_is_uncertain_before() -> None:
    convention = Instrument.objects.get(code="ICRMW")
    at_list_date = selectors.status(convention)
    assert at_list_date is not None
    assert at_list_date.known_until == date(2022, 5, 29)
    # Chad's 2022 consent has no day: on 29 May 2022 it may or may not have happened yet.
    assert (at_list_date.party_count, at_list_date.uncertain_count) == (56, 1)
    end_2018 = selectors.status(convention, date(2018, 12, 31))
    mid_2018 = selectors.status(convention, date(2018, 6, 30))
    assert end_2018 is not None and mid_2018 is not None
    # Benin, Gambia and Guinea-Bissau: 2018, year only.
    assert end_2018.party_count - mid_2018.party_count == 3 == mid_2018.uncertain_count


@pytest.mark.usefixtures("shipped")
def test_a_denounced_convention_counts_only_between_consent_and_denunciation() -> None:
    convention = Instrument.objects.get(code="CSSP1954")

    def madagascar(day: date) -> bool:
        found = selectors.status(convention, day)
        assert found is not None
        return "MDG" in {p.code for p in found.parties}

    assert [madagascar(date(1962, 2, 19)), madagascar(date(1962, 2, 20)), madagascar(date(1966, 4, 1))] == [
        False,
        True,
        True,
    ]
    assert not madagascar(date(1966, 4, 2))
    whole = selectors.status(convention)
    assert whole is not None
    china = next(p for p in whole.participants if p.code == "CHN")
    assert china.listed_without_date and not china.is_party and not china.is_signatory


@pytest.mark.usefixtures("shipped")
def test_a_day_after_the_list_s_date_is_answered_with_the_list_s_date() -> None:
    found = selectors.status(Instrument.objects.get(code="TIP2000"), date(2030, 1, 1))
    assert found is not None
    assert found.after_source_date and found.known_until == date(2014, 1, 27)
    assert found.party_count == 159


@pytest.mark.usefixtures("shipped")
def test_counts_by_year_end_on_the_list_s_date_and_match_the_status_each_year() -> None:
    protocol = Instrument.objects.get(code="TIP2000")
    counts = selectors.counts_by_year(protocol)
    assert counts[-1].on == date(2014, 1, 27) and counts[-1].parties == 159
    assert counts[0].year == 2000 and counts[0].parties == 0
    by_year = {c.year: c.parties for c in counts}
    assert by_year[2008] == _count("TIP2000", "2008-12-31")
    assert all(a.parties <= b.parties for a, b in zip(counts, counts[1:], strict=False))


@pytest.mark.usefixtures("shipped")
def test_ilo_instruments_have_no_party_list_rather_than_zero_parties() -> None:
    for code in ("C097", "C143", "C181", "P029", "C190"):
        assert selectors.status(Instrument.objects.get(code=code)) is None
    assert PartyList.objects.count() == 8  # the seven UN lists and the one complete ILO table (C189)


@pytest.mark.usefixtures("shipped")
def test_the_shipped_c189_table_gives_30_ratifications_on_its_date_with_its_source() -> None:
    """The Swiss treaty series' scope of application of C189 on 5 Oct 2020: 30 ratifying Members, the same
    number a copy of Wikipedia's infobox gives ("Ratifizierer 30"). Mexico's ratification (3 Jul 2020) counts,
    as NORMLEX counts it, though the Convention was in force for Mexico only from 3 Jul 2021."""
    instrument = Instrument.objects.get(code="C189")
    found = selectors.status(instrument, date(2020, 10, 5))
    assert found is not None
    assert found.party_list.as_of == date(2020, 10, 5)
    assert found.party_count == 30
    assert _count("C189", "2013-12-31") == 11  # 4 in 2012 (Germany as printed), 7 in 2013
    assert _count("C189", "2012-06-13") == 0  # Uruguay, the first, registered on 14 Jun 2012
    mexico = next(p for p in found.participants if p.code == "MEX")
    assert "not in force" in mexico.note.lower() and "03 Jul 2021" in mexico.note
    sources = {action.source for action in found.party_list.actions.all()}
    assert len(sources) == 1 and "SR 0.822.728.9" in sources.pop()  # never labelled as NORMLEX's table


def test_age_in_whole_years() -> None:
    assert selectors.age_in_years(date(2014, 1, 27), date(2026, 1, 26)) == 11
    assert selectors.age_in_years(date(2014, 1, 27), date(2026, 1, 27)) == 12


@pytest.mark.usefixtures("shipped")
def test_party_counts_over_many_days_agree_with_the_status_rule() -> None:
    instrument = selectors.instrument("TIP2000")
    assert instrument is not None
    party_list = selectors.edition(instrument)
    assert party_list is not None
    wanted = [date(2008, 9, 26), date(2014, 5, 21), date(2030, 1, 1)]
    assert selectors.party_counts(party_list, wanted) == {wanted[0]: 124, wanted[1]: 159, wanted[2]: 159}
    # Madagascar's 1954 accession (1962) and its denunciation effective 2 Apr 1966: in, then out.
    stateless = selectors.instrument("CSSP1954")
    assert stateless is not None
    stateless_list = selectors.edition(stateless)
    assert stateless_list is not None
    days = [date(1966, 4, 1), date(1966, 4, 2)]
    counts = selectors.party_counts(stateless_list, days)
    expected = [selectors.status(stateless, d) for d in days]
    assert list(counts.values()) == [s.party_count for s in expected if s is not None]
    assert counts[days[0]] == counts[days[1]] + 1


@pytest.mark.usefixtures("shipped")
def test_party_counts_equal_the_status_rule_around_every_kind_of_change() -> None:
    """On the days a consent or a denunciation takes effect and the day before, for every list: the fast
    count (sorted bounds) and the page's per-participant status agree."""
    from datetime import timedelta

    for party_list in PartyList.objects.select_related("instrument"):
        changes = sorted(
            {
                day
                for action in party_list.actions.all()
                if (day := selectors._effective(action)) is not None
                and (action.kind == "denunciation" or action.kind in selectors.CONSENT_KINDS)
            }
        )
        picked = changes[:: max(1, len(changes) // 6)] + [c for c in changes if c.year == 1966]
        days = sorted({d for c in picked for d in (c - timedelta(days=1), c)})
        counts = selectors.party_counts(party_list, days)
        for day in days:
            found = selectors.status(party_list.instrument, day, party_list=party_list)
            assert found is not None
            assert counts[day] == found.party_count, (party_list.instrument.code, day)
