"""Release builder: k-anonymised and DP synthetic microdata, aggregates, review by a DPO, budgets."""

import csv
import io
import statistics
from collections import Counter
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from migdev.audit.models import AuditAction, AuditEvent
from migdev.dataio.services import import_file
from migdev.trafficking import aggregates, dpsynth, services
from migdev.trafficking.models import Release
from tests.trafficking.factories import make_case, make_group, make_organisation, make_user

pytestmark = pytest.mark.django_db
SAMPLE = Path(__file__).parent / "data" / "ctdc_vp_sample.csv"


@pytest.fixture
def people() -> dict:
    organisation = make_organisation()
    return {
        "analyst": make_user("analyst", organisation=organisation),
        "dpo": make_user("data_protection_officer", organisation=organisation),
        "second_dpo": make_user("data_protection_officer", organisation=organisation),
        "worker": make_user("case_worker", organisation=organisation, groups=(make_group(organisation),)),
    }


def test_k_anonymised_release_of_loaded_records(people: dict) -> None:
    import_file(format_name="ctdc-vp", path=SAMPLE)
    release = services.release_build(
        actor=people["analyst"], kind=Release.Kind.K_ANONYMISED, title="k", parameters={"k": 5}
    )
    rows = list(csv.DictReader(io.StringIO(release.content)))
    qis = ("yearRegister", "gender", "majorityStatus", "UN_COO_Region", "UN_COE_Region")
    assert min(Counter(tuple(r[q] for q in qis) for r in rows).values()) >= 5
    assert release.report["records_in"] == 524 and release.report["records_out"] == len(rows)
    assert release.parameters["k"] == 5 and release.state == Release.State.DRAFT
    assert AuditEvent.objects.filter(action=AuditAction.CREATE, record_id=str(release.pk)).exists()


def test_case_derived_records_release_without_identifying_values(people: dict) -> None:
    for _ in range(3):
        make_case(people["worker"], first_name="Secretname", citizenship=["NG"])
    release = services.release_build(
        actor=people["analyst"], kind=Release.Kind.K_ANONYMISED, title="cases", parameters={"k": 2}
    )
    assert "Secretname" not in release.content
    header = release.content.splitlines()[0]
    assert header.startswith("yearOfRegistration,Datasource,gender")  # Global Dataset coding for cases
    assert ",NG," in release.content  # ISO alpha-2 as in the Global Dataset


def test_synthetic_release_reports_fidelity(people: dict) -> None:
    import_file(format_name="ctdc-vp", path=SAMPLE)
    release = services.release_build(
        actor=people["analyst"],
        kind=Release.Kind.SYNTHETIC,
        title="dp",
        parameters={"epsilon": 6.0, "reporting_length": 2},
    )
    assert release.epsilon == 6.0
    report = release.report
    assert report["sensitive_records"] == 524 and report["synthetic_records"] > 0
    first = report["by_length"][0]
    assert first["length"] == 1
    assert first["preserved"] + first["suppressed"] == first["sensitive_combinations"]
    assert first["mean_proportional_error"] is not None
    header = release.content.splitlines()[0].split(",")
    assert header[:3] == ["yearRegister", "gender", "majorityStatus"]


def test_migdev_synthesis_is_more_faithful_than_pac_synths_defaults() -> None:
    """migdev's own sampling of the released counts (post-processing only) must earn its place: on seeded
    CTDC-like data at the same epsilon, the mean proportional error over combination lengths is lower than
    with pac-synth's defaults (about a third at 50,000 records in bench/ctdc.py; pac-synth's own noise is not seeded, so the
    margin asked for here is below the two sides' spread)."""
    import random

    rng = random.Random(2006)
    columns = ["gender", "age", "region", "period", "labour", "sexual", "threats", "debt"]
    weights = {"gender": 3, "age": 6, "region": 8, "period": 5}
    table = [columns] + [
        [
            f"{column}{min(int(rng.expovariate(1 / 2)), weights[column] - 1)}"
            if column in weights
            else ("1" if rng.random() < 0.3 else "")
            for column in columns
        ]
        for _ in range(4000)
    ]

    def error(defaults: bool, seed: int) -> float:
        synthetic = dpsynth.synthesise(table, epsilon=4.0, reporting_length=3, defaults=defaults, seed=seed)
        report = dpsynth.fidelity_report(synthetic.header, table[1:], synthetic.rows, 3)
        errors = [row["mean_proportional_error"] for row in report["by_length"]]
        return sum(errors) / len(errors)

    # pac-synth's noise takes no seed, so one run each is a coin with a bias: over 40 runs each of this table
    # (2026-12-08) migdev gave 0.184-0.262 (median 0.214), the defaults 0.283-0.327 (median 0.297), and one
    # run of each failed a 0.85 margin about one time in twenty. The median of five runs each never came near
    # 0.9 there, while migdev without its fitting rounds gives 0.29-0.34, which fails it.
    runs = range(5)
    ours = statistics.median(error(defaults=False, seed=seed) for seed in runs)
    theirs = statistics.median(error(defaults=True, seed=seed) for seed in runs)
    assert ours < 0.9 * theirs


def test_fidelity_report_counts_combinations() -> None:
    header = ["a", "b"]
    sensitive = [["x", "1"], ["x", ""], ["y", "1"]]
    synthetic = [["x", "1"], ["z", "1"]]
    report = dpsynth.fidelity_report(header, sensitive, synthetic, 2)
    one, two = report["by_length"]
    # length 1: sensitive a=x(2), a=y(1), b=1(2); synthetic a=x(1), a=z(1), b=1(2)
    assert (one["sensitive_combinations"], one["preserved"], one["suppressed"], one["fabricated"]) == (
        3,
        2,
        1,
        1,
    )
    assert one["mean_proportional_error"] == round((0.5 + 1.0 + 0.0) / 3, 4)
    # length 2: sensitive (x,1), (y,1); synthetic (x,1), (z,1)
    assert (two["preserved"], two["suppressed"], two["fabricated"]) == (1, 1, 1)


def test_review_rules(people: dict) -> None:
    import_file(format_name="ctdc-vp", path=SAMPLE)
    release = services.release_build(actor=people["analyst"], kind=Release.Kind.AGGREGATES, title="a")
    with pytest.raises(PermissionDenied):
        services.release_review(actor=people["analyst"], release=release, approve=True)
    with pytest.raises(ValidationError):
        services.release_review(
            actor=people["dpo"], release=release, approve=False
        )  # a rejection needs a note
    services.release_review(actor=people["dpo"], release=release, approve=True)
    with pytest.raises(ValidationError):
        services.release_review(actor=people["second_dpo"], release=release, approve=True)
    services.release_withdraw(actor=people["dpo"], release=release, note="superseded")
    release.refresh_from_db()
    assert release.state == Release.State.WITHDRAWN


def test_dpo_cannot_approve_own_release_and_nobody_else_builds(people: dict) -> None:
    for role in ("worker", "dpo"):
        with pytest.raises(PermissionDenied):
            services.release_build(actor=people[role], kind=Release.Kind.AGGREGATES, title="x")


def test_privacy_budget_adds_up(people: dict) -> None:
    import_file(format_name="ctdc-vp", path=SAMPLE)
    builds = [
        services.release_build(
            actor=people["analyst"],
            kind=Release.Kind.SYNTHETIC,
            title=f"dp{e}",
            parameters={"epsilon": e, "reporting_length": 1},
        )
        # Large enough that pac-synth's noisy record count (0.5 % of epsilon) cannot come out negative for
        # the sample's 524 records (at epsilon 1 it did, about once in 28 runs).
        for e in (4.0, 6.5)
    ]
    for release in builds:
        services.release_review(actor=people["dpo"], release=release, approve=True)
    assert services.privacy_budget_spent(builds[0].parameters["sources"]) == 10.5


def test_a_synthesis_the_engine_refuses_is_a_clear_error_and_builds_nothing(
    people: dict, monkeypatch: pytest.MonkeyPatch
) -> None:
    """pac-synth panics (a BaseException from Rust) when its noisy record count is negative."""
    import pacsynth

    import_file(format_name="ctdc-vp", path=SAMPLE)

    class PanicException(BaseException):
        pass

    class Refusing:
        def __init__(self, parameters: object) -> None:
            pass

        def fit(self, dataset: object) -> None:
            raise PanicException("adding noise to number of records resulted in a negative number")

    monkeypatch.setattr(pacsynth, "DpAggregateSeededSynthesizer", Refusing)
    with pytest.raises(ValidationError, match="negative number.*larger epsilon"):
        services.release_build(
            actor=people["analyst"],
            kind=Release.Kind.SYNTHETIC,
            title="too small",
            parameters={"epsilon": 0.01, "reporting_length": 1},
        )
    assert not Release.objects.filter(title="too small").exists()


def test_one_way_suppression_protects_against_subtraction() -> None:
    table = aggregates.suppress_one_way({"A": 40, "B": 30, "C": 3}, dimension="x", threshold=11)
    hidden = {cell.value: cell.suppressed for cell in table.cells if cell.suppressed}
    assert hidden == {"C": "primary", "B": "secondary"}
    assert table.total == 73
    assert aggregates.check_no_small_cells([table.as_dict()], 11) == []
    lone = aggregates.suppress_one_way({"A": 3}, dimension="x", threshold=11)
    assert lone.total is None and lone.cells[0].count is None
    group = aggregates.suppress_group(
        {"f": 12, "g": 2}, dimension="y", denominator=13, persons=20, threshold=11
    )
    assert [c.count for c in group.cells] == [12, None] and group.cells[0].share == 92.3
