import datetime
from pathlib import Path

import pytest

from migdev.coordination.countries import is_country_code
from migdev.coordination.models import GcmObjective, OrganisationCode, Process, StateMembership, Topic
from migdev.coordination.seed import DATA_FILE, ReferenceDataError, load_reference_data
from migdev.coordination.selectors import chairs_on, memberships_on

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


def test_puebla_process_members_and_observers() -> None:
    puebla = Process.objects.get(code="puebla-process")
    today = datetime.date(2024, 6, 1)
    assert _codes(puebla, today) == {
        "BLZ",
        "CAN",
        "CRI",
        "DOM",
        "SLV",
        "GTM",
        "HND",
        "MEX",
        "NIC",
        "PAN",
        "USA",
    }
    assert _codes(puebla, today, "observer") == {"ARG", "COL", "ECU", "JAM", "PER"}


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
