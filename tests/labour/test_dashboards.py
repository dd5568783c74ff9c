"""The scheme dashboard and the brain-drain view: figures from the scheme's records, small cells by sex
suppressed, scope, sample marking, and no stock figure invented."""

from __future__ import annotations

import datetime
import re
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone

from migdev.labour import dashboards
from migdev.labour.models import Application, Complaint, Contract, JobOrder, Passage, Worker
from tests.factories import login_verified, make_organisation, make_user
from tests.labour.conftest import World, make_worker

APPROVED = datetime.date(2026, 6, 1)


def _deploy(
    world: World, worker: Worker, *, arrived_after_days: int | None = None, job_order: JobOrder | None = None
) -> Application:
    application = Application.objects.create(
        job_order=job_order or world.job_order,
        worker=worker,
        stage=Application.Stage.DEPLOYED,
        deployed_at=timezone.now(),
    )
    if arrived_after_days is not None:
        arrived = APPROVED + datetime.timedelta(days=arrived_after_days)
        Passage.objects.create(application=application, departed_on=arrived, arrived_on=arrived)
    return application


def _contract(application: Application, revision: int, *, substitution: bool = False) -> None:
    Contract.objects.create(
        application=application,
        revision=revision,
        language="fra",
        wage_amount=Decimal("1200"),
        wage_currency="EUR",
        wage_period="month",
        hours_per_week=Decimal("38"),
        signed_on=APPROVED,
        is_substitution=substitution,
    )


@pytest.fixture
def placed(world: World) -> list[Application]:
    JobOrder.objects.filter(pk=world.job_order.pk).update(
        approved_at=datetime.datetime.combine(APPROVED, datetime.time(9), tzinfo=datetime.UTC)
    )
    world.job_order.refresh_from_db()
    applications = []
    for number, (sex, days) in enumerate(
        [
            ("female", 30),
            ("female", 40),
            ("female", 50),
            ("female", 60),
            ("female", 70),
            ("female", 80),
            ("male", 90),
            ("male", None),
            ("male", None),
        ]
    ):
        worker = make_worker(world, f"W{number}", sex=sex)
        applications.append(_deploy(world, worker, arrived_after_days=days))
    _contract(applications[0], 1)
    _contract(applications[0], 2, substitution=True)
    _contract(applications[1], 1)
    Complaint.objects.create(application=applications[2], received_on=APPROVED, summary="Wage withheld")
    Complaint.objects.create(application=applications[2], received_on=APPROVED, summary="Housing")
    return applications


def test_suppression_hides_small_counts_and_what_would_give_them_away() -> None:
    assert dashboards.suppress_small({"female": 12, "male": 9}) == {"female": 12, "male": 9}
    # one small cell alone could be worked out from the total: the next smallest goes too
    assert dashboards.suppress_small({"female": 12, "male": 3, "not_stated": 9}) == {
        "female": 12,
        "male": None,
        "not_stated": None,
    }
    # two small cells adding up to less than the threshold: not enough either
    assert dashboards.suppress_small({"female": 12, "male": 2, "not_stated": 1, "other": 7}) == {
        "female": 12,
        "male": None,
        "not_stated": None,
        "other": None,
    }
    assert dashboards.suppress_small({"female": 0, "male": 7}) == {"female": 0, "male": 7}


def test_dashboard_figures_from_the_records(world: World, placed: list[Application]) -> None:
    board = dashboards.scheme_dashboard(world.officer)
    assert board.placements == 9
    by = {item.key: dict(item.rows) for item in board.breakdowns}
    assert by["scheme"] == {"Care partnership": 9}
    assert by["corridor"] == {"SEN → BEL": 9}
    assert by["isco"] == {"22": 9}
    # 6 women and 3 men: 3 is under 5, and alone it would be the total minus 6, so both are hidden, in one
    # row that names neither
    assert by["sex"] == {"Other values (suppressed)": None}
    assert board.days_to_arrival == {"n": 7, "q1": 45.0, "median": 60, "q3": 75.0, "inconsistent": 0}
    assert (board.substitution.numerator, board.substitution.denominator) == (1, 2)
    assert (board.complaints.numerator, board.complaints.denominator, board.complaints_logged) == (1, 9, 2)
    assert (board.orientation.numerator, board.orientation.denominator) == (0, 9)
    assert not board.includes_sample


def test_dashboard_page_shows_no_small_count_by_sex(
    client: Client, world: World, placed: list[Application]
) -> None:
    for number in range(3):  # 9 women, 3 men: the men's 3 is hidden with the next smallest cell
        _deploy(world, make_worker(world, f"Extra{number}", sex="female"))
    login_verified(client, world.officer)
    page = client.get("/en/labour/dashboard/").content.decode()
    sex_table = page[page.index('id="table-sex"') :]
    sex_table = sex_table[: sex_table.index("</table>")]
    assert re.search(r"Other values \(suppressed\)</th><td><abbr", sex_table)
    assert "Male" not in sex_table and "Female" not in sex_table
    assert ">3<" not in sex_table and ">9<" not in sex_table
    assert "<svg" in page and "Computed by migdev" in page
    specs = client.get("/en/labour/dashboard/?format=vega-lite").json()
    assert specs["sex"]["data"]["values"] == []
    assert specs["corridor"]["data"]["values"] == [{"group": "SEN → BEL", "count": 12}]


def test_dashboard_is_scoped_to_the_officers_schemes(
    client: Client, world: World, placed: list[Application]
) -> None:
    other = make_user("scheme_officer", organisation=make_organisation("Other authority"))
    assert dashboards.scheme_dashboard(other).placements == 0
    login_verified(client, other)
    assert client.get(f"/en/labour/dashboard/?scheme={world.scheme.pk}").status_code == 404
    client.logout()
    login_verified(client, world.employer_user)
    assert client.get("/en/labour/dashboard/").status_code == 404


def test_sample_records_are_marked(client: Client, world: World, placed: list[Application]) -> None:
    JobOrder.objects.filter(pk=world.job_order.pk).update(is_sample=True)
    board = dashboards.scheme_dashboard(world.officer)
    assert board.includes_sample and board.sample_placements == 9
    login_verified(client, world.officer)
    assert "SAMPLE" in client.get("/en/labour/dashboard/").content.decode()


@pytest.mark.parametrize("lang", ["en", "fr", "es"])
def test_pages_render_in_each_language(
    client: Client, world: World, placed: list[Application], lang: str
) -> None:
    login_verified(client, world.officer)
    for url in ("/labour/dashboard/", "/labour/dashboard/brain-drain/"):
        response = client.get(f"/{lang}{url}")
        assert response.status_code == 200
        assert f'lang="{lang}"' in response.content.decode()


def test_brain_drain_flags_health_workers_from_listed_countries_and_invents_no_stock(
    client: Client, world: World, placed: list[Application]
) -> None:
    rows = dashboards.brain_drain(world.officer)
    [nurses] = rows
    assert (nurses.country, nurses.isco, nurses.placements, nurses.health_ssl) == ("SEN", "22", 9, True)
    assert nurses.stock is None
    login_verified(client, world.officer)
    page = client.get("/en/labour/dashboard/brain-drain/").content.decode()
    assert "No stock figure is loaded" in page and "Health worker from a WHO-listed country" in page


def test_brain_drain_does_not_flag_other_countries_or_occupations(world: World) -> None:
    JobOrder.objects.filter(pk=world.job_order.pk).update(isco_code="5120")
    _deploy(world, make_worker(world, "Cook"))
    [row] = dashboards.brain_drain(world.officer)
    assert row.isco == "51" and not row.health_ssl


def _sex_table(page: str) -> str:
    table = page[page.index('id="table-sex"') :]
    return table[: table.index("</table>")]


def test_a_lone_small_cell_by_sex_cannot_be_recovered_from_the_total(client: Client, world: World) -> None:
    """One placement: the browser tour saw "Male *" above "Total 1". Neither the total, nor a row naming
    the hidden value, nor the chart or its Vega-Lite data may give the one worker's sex away."""
    _deploy(world, make_worker(world, "Lone", sex="male"))
    login_verified(client, world.officer)
    page = client.get("/en/labour/dashboard/").content.decode()
    sex_table = _sex_table(page)
    assert "Male" not in sex_table and ">1<" not in sex_table
    assert re.search(r"Total</th><td><abbr", sex_table)
    section = page[page.index('id="breakdown-sex"') : page.index('id="table-sex"')]
    assert (
        "Male" not in section
        and "<svg" not in section
        and "every count in this table is suppressed" in section
    )
    specs = client.get("/en/labour/dashboard/?format=vega-lite").json()
    assert specs["sex"]["data"]["values"] == []


@pytest.mark.parametrize(
    "sexes",
    [
        ["male"],
        ["male"] * 4,
        ["female"] * 9 + ["male"],
        ["female"] * 5 + ["male"] * 2 + ["other"] * 2,
        ["female"] * 7 + ["male"] * 6 + ["other"],
    ],
)
def test_no_hidden_count_by_sex_is_a_total_minus_the_shown_counts(world: World, sexes: list[str]) -> None:
    for number, sex in enumerate(sexes):
        _deploy(world, make_worker(world, f"S{number}", sex=sex))
    board = dashboards.scheme_dashboard(world.officer)
    [table] = [item for item in board.breakdowns if item.key == "sex"]
    shown = [count for _label, count in table.rows if count is not None]
    assert all(count >= dashboards.SMALL_CELL for count in shown)
    if any(count is None for _label, count in table.rows):
        # the total anyone knows (the page's count of placements) minus the shown cells: never small
        rest = board.placements - sum(shown)
        assert rest >= dashboards.SMALL_CELL or table.total is None and not shown
        labels = {label for label, _count in table.rows}
        assert labels <= {"Female", "Male", "Other", "Other values (suppressed)"}
        hidden_values = {str(s).capitalize() for s in sexes} - {lbl for lbl, c in table.rows if c is not None}
        assert not hidden_values & labels


def test_long_labels_are_cut_to_fit_the_chart() -> None:
    from migdev.indicators import charts

    label = "Sample: Atlantic care and harvest partnership (fictional)"
    svg = charts.bar_chart(
        [(label, 1.0)], title="t", description="d", format_value=str, width=760, label_space=400
    )
    shown = re.search(r'class="tick">([^<]*)</text><rect', svg)
    assert shown is not None and shown.group(1).startswith("Sample: Atlantic")
    assert charts.label_width(shown.group(1)) <= 400 - 8


def test_an_arrival_before_the_job_order_is_never_a_negative_time(
    client: Client, world: World, placed: list[Application]
) -> None:
    """The demo showed a median of -49 days: an arrival dated before the job order's approval is left out
    and counted as inconsistent, never averaged in."""
    _deploy(world, make_worker(world, "Early", sex="female"), arrived_after_days=-49)
    board = dashboards.scheme_dashboard(world.officer)
    assert board.days_to_arrival == {"n": 7, "q1": 45.0, "median": 60, "q3": 75.0, "inconsistent": 1}
    login_verified(client, world.officer)
    page = client.get("/en/labour/dashboard/").content.decode()
    assert "-49" not in page and "1 worker left out: the arrival is dated before the job order" in page
