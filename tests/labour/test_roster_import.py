from pathlib import Path

import pytest

from migdev.dataio.errors import ImportRejected
from migdev.dataio.services import import_file
from migdev.labour.models import Recruiter

HEADER = "organisation,country_iso3,licence_number,licence_valid_from,licence_valid_to,iris_status,roster_source,roster_date\n"


def _file(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "roster.csv"
    path.write_text(HEADER + body, encoding="utf-8")
    return path


def test_roster_loads_and_reloads(db: None, tmp_path: Path) -> None:
    body = (
        "Fair Recruit SARL,SEN,SN-42,2025-01-01,2027-12-31,certified,Ministry of Labour roster,2026-11-01\n"
        "Agence Sahel,SEN,SN-77,2024-01-01,2026-06-30,not_certified,Ministry of Labour roster,2026-11-01\n"
    )
    result = import_file(format_name="recruiter-roster", path=_file(tmp_path, body))
    assert (result.read, result.created) == (2, 2)
    again = import_file(
        format_name="recruiter-roster", path=_file(tmp_path, body.replace("certified,M", "suspended,M", 1))
    )
    assert (again.created, again.updated) == (0, 2)
    assert Recruiter.objects.get(licence_number="SN-42").iris_status == "suspended"


@pytest.mark.parametrize(
    "row, column",
    [
        ("Agency,XXX,L1,,,certified,Roster,2026-11-01\n", "country_iso3"),
        ("Agency,SEN,L1,2026-02-30,,certified,Roster,2026-11-01\n", "licence_valid_from"),
        ("Agency,SEN,L1,2026-01-01,2025-01-01,certified,Roster,2026-11-01\n", "licence_valid_to"),
        ("Agency,SEN,L1,,,gold,Roster,2026-11-01\n", "iris_status"),
        ("Agency,SEN,L1,,,certified,Roster,\n", "roster_date"),
    ],
)
def test_bad_rows_refuse_the_whole_file(db: None, tmp_path: Path, row: str, column: str) -> None:
    good = "Fine Agency,SEN,L0,,,certified,Roster,2026-11-01\n"
    with pytest.raises(ImportRejected) as refused:
        import_file(format_name="recruiter-roster", path=_file(tmp_path, good + row))
    assert refused.value.errors[0].row == 3 and refused.value.errors[0].column == column
    assert not Recruiter.objects.exists()
