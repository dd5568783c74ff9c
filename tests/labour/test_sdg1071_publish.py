"""SDG 10.7.1 published into the indicators module: computed by migdev with its method and inputs, small
cells suppressed with their complements, and a sample scheme's series never a headline or a status."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from migdev.indicators.models import Edition, Observation, Series, Source
from migdev.indicators.selectors import editions_with
from migdev.jobs.models import Job
from migdev.jobs.services import job_run_now
from migdev.labour import services
from migdev.labour.models import Application, Scheme
from migdev.labour.sdg1071 import METHOD, SMALL_CELL
from migdev.labour.sdg1071_publish import ALL, _Cell, suppress
from tests.factories import login_verified, make_organisation, make_user
from tests.labour.conftest import World, make_worker


def _deployed(world: World, name: str, sex: str, paid: dict[str, str]) -> Application:
    worker = make_worker(world, name, sex=sex)
    application = Application.objects.create(
        job_order=world.job_order, worker=worker, stage="deployed", deployed_at=timezone.now()
    )
    for category, amount in paid.items():
        services.cost_line_add(
            actor=world.officer,
            application=application,
            category=category,
            amount=Decimal(amount),
            currency="EUR",
            paid_by="worker",
        )
    return application


WORKED = {"visa": "200", "medical": "100"}  # 300 paid by the worker; the job order pays 1,200 EUR a month


def _publish_with_the_button(world: World) -> Job:
    officer = Client()
    login_verified(officer, world.officer)
    answer = officer.post(f"/en/labour/schemes/{world.scheme.pk}/sdg1071/publish/")
    assert answer.status_code == 302
    job = Job.objects.get(kind="labour.publish_sdg1071")
    job_run_now(job_id=job.pk)
    job.refresh_from_db()
    return job


def _values(series: str = "migdev-sdg1071-isco2") -> dict[str, float | None]:
    rows = Observation.objects.filter(series__code=series, area="SEN", counterpart="BEL")
    return {row.sex: row.value for row in rows}


def test_worked_example_is_published_computed_by_migdev(world: World) -> None:
    for index in range(SMALL_CELL):
        _deployed(world, f"Awa{index}", "female", WORKED)
    job = _publish_with_the_button(world)
    assert job.status == "succeeded", job.error
    assert _values() == {"F": 25.0, ALL: 25.0}
    assert _values("migdev-sdg1071") == {"F": 25.0, ALL: 25.0}
    observation = Observation.objects.filter(series__code="migdev-sdg1071-isco2", sex="F").get()
    assert observation.period == str(timezone.now().year)
    assert observation.footnote.startswith("Computed by migdev")
    edition = observation.edition
    assert edition.kind == Edition.Kind.COMPUTED and edition.source.publisher == "migdev"
    assert METHOD in edition.notes and "5 deployed workers" in edition.notes
    assert Series.objects.get(code="migdev-sdg1071").description == METHOD
    assert Source.objects.get(code="migdev-labour").editions.count() == 1
    # Not a sample: the indicators module may choose it.
    assert edition in editions_with(observation.series_id, bilateral=True)


def test_a_suppressed_cell_cannot_be_recovered_from_its_total(world: World) -> None:
    for index in range(SMALL_CELL):
        _deployed(world, f"Awa{index}", "female", WORKED)
    _deployed(world, "Moussa", "male", {"visa": "600"})  # 50 %: alone in his cell
    assert _publish_with_the_button(world).status == "succeeded"
    values = _values()
    # Publishing women (25 %) beside both sexes (29.17 %) would give the man's 50 % by subtraction.
    assert values == {ALL: 29.17, "F": None, "M": None}
    assert _values("migdev-sdg1071") == {ALL: 29.17, "F": None, "M": None}
    withheld = Observation.objects.filter(value__isnull=True)
    assert withheld.count() == 4 and set(withheld.values_list("status", flat=True)) == {"C"}
    assert all(row.footnote.startswith("Suppressed") for row in withheld)


def _cells(counts: dict[tuple[str, str], int]) -> dict[tuple[str, str], _Cell]:
    return {key: _Cell([Decimal("0.1")] * count) for key, count in counts.items()}


def _recoverable(table: dict[tuple[str, str], _Cell]) -> list[tuple[str, str]]:
    """Totals published with exactly one withheld or unpublished part."""
    found = []
    groups = {group for group, _sex in table}
    lines = [((group, ALL), [(group, "F"), (group, "M")]) for group in groups]
    lines += [((ALL, sex), [(g, sex) for g in groups if g != ALL]) for sex in (ALL, "F", "M")]
    for total_key, part_keys in lines:
        total = table.get(total_key)
        if total is None or total.withheld:
            continue
        parts = [table[key] for key in part_keys if key in table]
        hidden = sum(part.withheld for part in parts) + (total.workers > sum(p.workers for p in parts))
        if hidden == 1:
            found.append(total_key)
    return found


@pytest.mark.parametrize(
    "counts",
    [
        # A worker of another or unstated sex is in both sexes only: women and men cannot both show.
        {(ALL, ALL): 11, (ALL, "F"): 5, (ALL, "M"): 5, ("2", ALL): 11, ("2", "F"): 5, ("2", "M"): 5},
        # Two occupation groups: a small one is withheld, so is the next smallest.
        {
            (ALL, ALL): 20,
            (ALL, "F"): 10,
            (ALL, "M"): 10,
            ("2", ALL): 13,
            ("2", "F"): 6,
            ("2", "M"): 7,
            ("5", ALL): 7,
            ("5", "F"): 4,
            ("5", "M"): 3,
        },
        {(ALL, ALL): 6, (ALL, "F"): 6, ("2", ALL): 6, ("2", "F"): 6},
        {(ALL, ALL): 9, (ALL, "F"): 8, (ALL, "M"): 1, ("3", ALL): 9, ("3", "F"): 8, ("3", "M"): 1},
    ],
)
def test_complementary_suppression_leaves_no_total_with_one_hidden_part(counts: dict) -> None:
    table = _cells(counts)
    suppress(table)
    assert _recoverable(table) == []
    assert all(cell.withheld for cell in table.values() if cell.workers < SMALL_CELL)
    assert not table[(ALL, ALL)].withheld


def test_a_sample_scheme_publishes_sample_data_only(world: World) -> None:
    Scheme.objects.filter(pk=world.scheme.pk).update(is_sample=True)
    for index in range(SMALL_CELL):
        _deployed(world, f"Awa{index}", "female", WORKED)
    out = io.StringIO()
    call_command("labour_sdg1071", str(world.scheme.pk), stdout=out)
    assert "(sample data)" in out.getvalue()
    edition = Edition.objects.get(source__code="migdev-labour")
    assert edition.kind == Edition.Kind.SAMPLE and edition.title.startswith("Sample data")
    assert edition.notes.startswith("Sample data, not for publication.")
    series = Series.objects.get(code="migdev-sdg1071")
    assert Observation.objects.filter(series=series, edition=edition).exists()
    # Never a default, a headline or an SDG status.
    assert editions_with(series.pk, bilateral=True) == []


def test_only_the_schemes_officers_publish(world: World) -> None:
    _deployed(world, "Awa", "female", WORKED)
    outsider = make_user("scheme_officer", organisation=make_organisation("Other scheme authority"))
    for user in (world.employer_user, world.pes, outsider):
        client = Client()
        login_verified(client, user)
        assert client.post(f"/en/labour/schemes/{world.scheme.pk}/sdg1071/publish/").status_code == 404
    assert not Job.objects.exists()


def test_nothing_to_publish_fails_the_job_clearly(world: World) -> None:
    job = _publish_with_the_button(world)
    assert job.status == "failed" and "No deployed worker" in job.error
    assert not Observation.objects.exists()
