import datetime
from pathlib import Path

import pytest

from migdev.coordination.countries import is_country_code
from migdev.coordination.models import GcmObjective, OrganisationCode, Process, StateMembership, Topic
from migdev.coordination.processes.selectors import chairs_on, memberships_on
from migdev.coordination.seed import DATA_FILE, ReferenceDataError, load_reference_data

pytestmark = pytest.mark.django_db


def _codes(process: Process, on: datetime.date, status: str = "member") -> set[str]:
    return {m.country_iso3 for m in memberships_on(process, on) if m.status == status}


def test_gmg_grew_from_six_agencies_to_ten_in_2006() -> None:
    gmg = Process.objects.get(code="gmg")
    founders = {m.organisation.acronym for m in gmg.organisation_memberships.filter(start_year=2003)}
    assert founders == {"ILO", "IOM", "OHCHR", "UNCTAD", "UNHCR", "UNODC"}
    assert gmg.organisation_memberships.filter(role="member").count() == 10


def test_unhcr_chaired_the_gmg_in_november_2006() -> None:
    gmg = Process.objects.get(code="gmg")
    chairs = chairs_on(gmg, datetime.date(2006, 11, 20))
    assert [chair.organisation.acronym for chair in chairs if chair.organisation] == ["UNHCR"]


def test_memberships_follow_dates() -> None:
    midwa = Process.objects.get(code="midwa")
    assert {"BFA", "MLI", "NER"} <= _codes(midwa, datetime.date(2024, 12, 31))
    assert not {"BFA", "MLI", "NER"} & _codes(midwa, datetime.date(2025, 2, 1))
    midsa = Process.objects.get(code="midsa")
    assert "COM" not in _codes(midsa, datetime.date(2010, 1, 1))
    assert "COM" in _codes(midsa, datetime.date(2020, 1, 1))


def test_every_state_is_a_reference_country() -> None:
    codes = set(StateMembership.objects.values_list("country_iso3", flat=True))
    assert len(codes) > 100
    assert [code for code in codes if not is_country_code(code)] == []


def test_vocabularies_are_loaded() -> None:
    assert list(GcmObjective.objects.values_list("number", flat=True)) == list(range(1, 24))
    assert Topic.objects.filter(code="hld-follow-up").exists()
    assert OrganisationCode.objects.get(code="XM-DAC-47066").organisation.acronym == "IOM"


def test_loading_twice_changes_nothing() -> None:
    from django.apps import apps

    before = StateMembership.objects.count()
    load_reference_data(apps)
    assert StateMembership.objects.count() == before


def test_a_name_instead_of_a_code_is_refused(tmp_path: Path) -> None:
    from django.apps import apps

    text = DATA_FILE.read_text(encoding="utf-8").replace('"BLZ"', '"Belize"', 1)
    broken = tmp_path / "processes.toml"
    broken.write_text(text, encoding="utf-8")
    with pytest.raises(ReferenceDataError, match="Belize"):
        load_reference_data(apps, broken)


# --- Counts checked against published sources (November 2026); each test names the page it pins ---------


def _count(code: str, on: datetime.date, status: str = "member") -> int:
    return len(_codes(Process.objects.get(code=code), on, status))


def test_puebla_process_has_11_members_and_5_observers() -> None:
    # RCM, "About Us" (portal.crmsv.org/en/about-us); IOM, "Puebla Process": Member States (11), Observer
    # Countries (5).
    puebla = Process.objects.get(code="puebla-process")
    assert (_count("puebla-process", datetime.date(2024, 6, 1)), puebla.membership_complete) == (11, True)
    assert _count("puebla-process", datetime.date(2024, 6, 1), "observer") == 5
    roles = {(m.organisation.acronym, m.role) for m in puebla.organisation_memberships.all()}
    assert ("IOM", "observer") in roles and ("IOM", "secretariat") not in roles


def test_colombo_process_has_12_members_and_8_observers() -> None:
    # IOM, "Colombo Process": Member States (12); The Tribune (India), 29 June 2024: the 12 and the 8
    # destination countries by name.
    on = datetime.date(2024, 7, 1)
    assert _count("colombo-process", on) == 12
    assert _codes(Process.objects.get(code="colombo-process"), on, "observer") == {
        "BHR", "ITA", "KWT", "MYS", "QAT", "KOR", "SAU", "ARE"
    }  # fmt: skip


def test_midsa_has_16_members_with_comoros_from_2017() -> None:
    # IOM, "Migration Dialogue for Southern Africa (MIDSA)": Member States (16); Comoros admitted to SADC
    # at the 37th Summit, August 2017 (Seychelles MFA, 22 August 2017).
    assert _count("midsa", datetime.date(2025, 6, 1)) == 16
    assert _count("midsa", datetime.date(2016, 6, 1)) == 15
    midsa = Process.objects.get(code="midsa")
    assert midsa.secretariat is not None and midsa.secretariat.acronym == "IOM"


def test_midwa_had_15_members_until_the_sahel_withdrawal() -> None:
    # IOM, "MIDWA": Member States (15); withdrawal of Burkina Faso, Mali and Niger from ECOWAS effective
    # 29 January 2025 (Premium Times, 29 January 2025).
    assert _count("midwa", datetime.date(2025, 1, 28)) == 15
    assert _count("midwa", datetime.date(2025, 1, 29)) == 12


def test_rabat_process_has_55_partners_and_2_observers() -> None:
    # Rabat Process, "Our partners": 28 African countries (Algeria and Libya observers) and 29 European.
    on = datetime.date(2024, 1, 1)
    assert (_count("rabat-process", on), _count("rabat-process", on, "observer")) == (55, 2)


def test_complete_lists_of_ten_and_twelve() -> None:
    # 5+5: westmediterraneanforum.org, the ten states; CSM: IOM innovamigracion, the twelve states;
    # IGAD-RCP: migration.igad.int/about, the eight IGAD member states.
    on = datetime.date(2024, 6, 1)
    assert [_count(code, on) for code in ("five-plus-five", "south-american-conference", "igad-rcp")] == [
        10,
        12,
        8,
    ]


def test_soderkoping_states_joined_in_stages_and_sweden_is_not_one() -> None:
    # Wikipedia, "Söderköping Process": Belarus, Lithuania, Poland, Ukraine (2001), Latvia, Moldova (2002),
    # Hungary, Romania, Slovakia (2003); Estonia observer as of 2007.
    soderkoping = Process.objects.get(code="soderkoping-process")
    assert _codes(soderkoping, datetime.date(2001, 6, 1)) == {"BLR", "LTU", "POL", "UKR"}
    assert len(_codes(soderkoping, datetime.date(2007, 6, 1))) == 9
    assert _codes(soderkoping, datetime.date(2007, 6, 1), "observer") == {"EST"}
    assert not soderkoping.state_memberships.filter(country_iso3="SWE").exists()


def test_partial_lists_stay_marked_partial() -> None:
    # Bali Process: 45 member states counted on its "About" page, names not checked; IGC: IOM counts 19,
    # 18 are named in the pages read; Budapest, APC, IDM, GFMD: no member list read.
    partial = set(Process.objects.filter(membership_complete=False).values_list("code", flat=True))
    assert partial == {"bali-process", "igc", "budapest-process", "apc", "idm", "gfmd"}
    assert _count("igc", datetime.date(2024, 6, 1)) == 18


def test_gfmd_chairs_follow_the_published_order() -> None:
    # Swiss press release of 18 February 2011: "Following on from Belgium, the Philippines, Greece and
    # Mexico, Switzerland took over the presidency ... in December last year"; GFMD, 22 February 2024:
    # Colombia Chair from 1 April 2024.
    gfmd = Process.objects.get(code="gfmd")
    chairs = [chairs_on(gfmd, datetime.date(year, 6, 1))[0].country_iso3 for year in (2007, 2008, 2009, 2010)]
    assert chairs == ["BEL", "PHL", "GRC", "MEX"]
    assert [c.country_iso3 for c in chairs_on(gfmd, datetime.date(2010, 12, 15))] == ["CHE"]
    assert [c.country_iso3 for c in chairs_on(gfmd, datetime.date(2024, 3, 31))] == ["FRA"]
    assert [c.country_iso3 for c in chairs_on(gfmd, datetime.date(2024, 4, 1))] == ["COL"]


def test_gmg_chairs_rotate_every_six_months() -> None:
    # UNSCEB, "Global Migration Group (GMG)": UNHCR July-December 2006, IOM January-June 2007.
    gmg = Process.objects.get(code="gmg")
    assert [c.organisation.acronym for c in chairs_on(gmg, datetime.date(2007, 3, 1)) if c.organisation] == [
        "IOM"
    ]


def test_every_process_names_a_source_that_fits() -> None:
    assert all(0 < len(p.source) <= 400 for p in Process.objects.all())


def test_the_correction_removes_withdrawn_rows_and_keeps_an_editors(tmp_path: Path) -> None:
    """An old database: rows the earlier file loaded are deleted, a row an editor added survives."""
    import importlib

    from django.apps import apps

    from migdev.accounts.models import Organisation
    from migdev.coordination.models import Chair, OrganisationMembership

    soderkoping = Process.objects.get(code="soderkoping-process")
    puebla = Process.objects.get(code="puebla-process")
    gfmd = Process.objects.get(code="gfmd")
    iom = Organisation.objects.get(name="International Organization for Migration")
    StateMembership.objects.create(process=soderkoping, country_iso3="SWE", status="member")
    StateMembership.objects.create(process=soderkoping, country_iso3="POL", status="member")
    OrganisationMembership.objects.create(process=puebla, organisation=iom, role="secretariat")
    Chair.objects.create(
        process=gfmd,
        country_iso3="CHE",
        start_date=datetime.date(2011, 1, 1),
        start_precision="year",
        source="x",
    )
    editors = StateMembership.objects.create(process=soderkoping, country_iso3="SWE", status="observer")

    migration = importlib.import_module("migdev.coordination.migrations.0008_verified_memberships")
    migration.load(apps, None)
    after_once = sorted(
        StateMembership.objects.values_list("process__code", "country_iso3", "status", "start_year")
    )
    migration.load(apps, None)

    assert not soderkoping.state_memberships.filter(country_iso3="SWE", status="member").exists()
    assert list(
        soderkoping.state_memberships.filter(country_iso3="POL").values_list("start_year", flat=True)
    ) == [2001]
    assert not puebla.organisation_memberships.filter(organisation=iom, role="secretariat").exists()
    assert not gfmd.chairs.filter(start_date=datetime.date(2011, 1, 1)).exists()
    assert StateMembership.objects.filter(pk=editors.pk).exists()
    assert sorted(
        StateMembership.objects.values_list("process__code", "country_iso3", "status", "start_year")
    ) == (after_once)
