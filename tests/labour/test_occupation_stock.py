"""Occupational stock figures (load format ``labour-occupation-stock``) and the brain-drain view that sets
placements against them: source and edition kept and cited, "no stock figure" where none (never 0), sample
figures marked and never preferred to a published one."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.test import Client
from django.utils import timezone

from migdev.dataio.errors import ImportRejected
from migdev.dataio.services import import_file
from migdev.labour import dashboards
from migdev.labour.models import Application, JobOrder, OccupationStock
from tests.factories import login_verified
from tests.labour.conftest import World, make_worker

FIXTURE = Path(__file__).parent / "data" / "occupation_stock_sample.csv"
HEADER = "country_iso3,isco_code,year,count,source,edition\n"
FORMAT = "labour-occupation-stock"


def _file(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "stock.csv"
    path.write_text(HEADER + body, encoding="utf-8")
    return path


def test_the_sample_fixture_loads_with_source_edition_and_sample_mark(db: None) -> None:
    result = import_file(format_name=FORMAT, path=FIXTURE)
    assert (result.read, result.created) == (3, 3)
    nurses = OccupationStock.objects.get(country_id="SEN", isco_code="22")
    assert (nurses.count, nurses.year, nurses.edition, nurses.is_sample) == (4500, 2024, "sample-1", True)
    assert nurses.source.startswith("Fictional workforce census")
    again = import_file(format_name=FORMAT, path=FIXTURE)
    assert (again.created, again.updated) == (0, 3) and OccupationStock.objects.count() == 3


@pytest.mark.parametrize(
    "row, column",
    [
        ("XXX,22,2024,100,Census,2024\n", "country_iso3"),
        ("SEN,2a,2024,100,Census,2024\n", "isco_code"),
        ("SEN,22,24,100,Census,2024\n", "year"),
        ('SEN,22,2024,"1,200",Census,2024\n', "count"),
        ("SEN,22,2024,1.5,Census,2024\n", "count"),
        ("SEN,22,2024,-3,Census,2024\n", "count"),
        ("SEN,22,2024,100,,2024\n", "source"),
        ("SEN,22,2024,100,Census,\n", "edition"),
        ("SEN,32,2024,100,Census,2024\n", "isco_code"),  # the same figure as row 2
    ],
)
def test_a_bad_row_refuses_the_whole_file(db: None, tmp_path: Path, row: str, column: str) -> None:
    good = "SEN,32,2024,100,Census,2024\n"
    with pytest.raises(ImportRejected) as refused:
        import_file(format_name=FORMAT, path=_file(tmp_path, good + row))
    error = refused.value.errors[0]
    assert (error.file, error.row, error.column) == ("stock.csv", 3, column)
    assert not OccupationStock.objects.exists()


def test_a_code_outside_the_loaded_isco_edition_is_refused(world: World, tmp_path: Path) -> None:
    # The test ISCO edition holds only 2221: a code it does not have is not an ISCO-08 group.
    with pytest.raises(ImportRejected) as refused:
        import_file(format_name=FORMAT, path=_file(tmp_path, "SEN,2299,2024,100,Census,2024\n"))
    assert refused.value.errors[0].column == "isco_code"
    import_file(format_name=FORMAT, path=_file(tmp_path, "SEN,2221,2024,100,Census,2024\n"))


def _deploy(world: World, name: str, *, isco: str | None = None) -> Application:
    job_order = world.job_order
    if isco is not None:
        JobOrder.objects.filter(pk=job_order.pk).update(isco_code=isco)
    worker = make_worker(world, name)
    return Application.objects.create(
        job_order=job_order, worker=worker, stage=Application.Stage.DEPLOYED, deployed_at=timezone.now()
    )


def _stock(
    country: str, isco: str, year: int, count: int, *, sample: bool = False, edition: str = "e1"
) -> None:
    OccupationStock.objects.create(
        country_id=country,
        isco_code=isco,
        year=year,
        count=count,
        source="National workforce account",
        edition=edition,
        is_sample=sample,
    )


def test_brain_drain_sets_placements_against_the_latest_published_stock(client: Client, world: World) -> None:
    for number in range(3):
        _deploy(world, f"Nurse{number}")
    _stock("SEN", "22", 2021, 1000)
    _stock("SEN", "22", 2023, 1500, edition="e2")
    _stock("SEN", "22", 2025, 9999, sample=True)  # later, but a sample never beats a published figure
    [row] = dashboards.brain_drain(world.officer)
    assert row.stock is not None and (row.stock.count, row.stock.year, row.stock.is_sample) == (
        1500,
        2023,
        False,
    )
    assert row.per_thousand == 2.0
    login_verified(client, world.officer)
    page = client.get("/en/labour/dashboard/brain-drain/").content.decode()
    assert "National workforce account" in page and "e2" in page and ">2.0<" in page
    assert "No stock figure is loaded" not in page and "sample data" not in page


def test_no_figure_for_the_exact_group_says_so_and_is_never_zero(client: Client, world: World) -> None:
    _deploy(world, "Nurse")
    _stock("SEN", "2", 2023, 50000)  # the major group is not the stock of sub-major group 22
    _stock("MAR", "22", 2023, 800)  # another country
    [row] = dashboards.brain_drain(world.officer)
    assert row.stock is None and row.per_thousand is None
    login_verified(client, world.officer)
    page = client.get("/en/labour/dashboard/brain-drain/").content.decode()
    table = page[page.index('id="table-drain"') :]
    assert "no stock figure" in table and "50000" not in table and "800" not in table
    assert "No stock figure is loaded" in page


def test_a_sample_figure_is_shown_only_as_sample(client: Client, world: World) -> None:
    _deploy(world, "Nurse")
    _stock("SEN", "22", 2024, 4500, sample=True)
    [row] = dashboards.brain_drain(world.officer)
    assert row.stock is not None and row.stock.is_sample and row.stock.count == 4500
    assert row.per_thousand == 0.222  # 1 of 4,500: small, shown to three significant digits, not 0.0
    login_verified(client, world.officer)
    page = client.get("/en/labour/dashboard/brain-drain/").content.decode()
    assert "Sample data." in page and "<strong>sample data</strong>" in page
