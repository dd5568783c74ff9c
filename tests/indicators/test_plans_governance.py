"""Development plans with targets (progress computed from indicators) and migration governance records."""

import csv
from pathlib import Path

import pytest
from django.urls import reverse

from migdev.indicators import selectors
from migdev.indicators.loaders import load_file
from migdev.indicators.models import DevelopmentPlan, GovernanceAssessment, PlanTarget, PolicyDomainScore
from migdev.indicators.services import ObservationsRejected

pytestmark = pytest.mark.django_db

PLAN_HEADER = [
    "country",
    "plan_title",
    "plan_kind",
    "start_year",
    "end_year",
    "plan_url",
    "goal_reference",
    "goal_title",
    "indicator",
    "baseline_year",
    "baseline_value",
    "target_year",
    "target_value",
    "notes",
]


def _write(path: Path, header: list[str], rows: list[list[object]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def _example_plan(tmp_path: Path, *, ambitious: float, modest: float) -> Path:
    return _write(
        tmp_path / "plan.csv",
        PLAN_HEADER,
        [
            [
                "DEU",
                "Example strategy (test data)",
                "nds",
                2010,
                2025,
                "",
                "G1",
                "Attract skilled migrants",
                "migrant-share-of-population",
                2010,
                "",
                2025,
                modest,
                "",
            ],
            [
                "DEU",
                "Example strategy (test data)",
                "nds",
                2010,
                2025,
                "",
                "G1",
                "Attract skilled migrants",
                "international-migrant-stock",
                2010,
                "",
                2025,
                ambitious,
                "",
            ],
        ],
    )


def test_plan_targets_progress_computed_from_indicators(ims_2020, tmp_path):
    share = selectors.indicator_values(
        selectors.indicator_by_code("migrant-share-of-population"), areas=["DEU"]
    )
    baseline, latest = share.values[("DEU", "2010")].value, share.values[("DEU", "2020")].value
    assert latest > baseline
    stock = selectors.indicator_values(
        selectors.indicator_by_code("international-migrant-stock"), areas=["DEU"]
    )
    stock_2010 = stock.values[("DEU", "2010")].value
    load_file(
        "indicators-plan-targets", _example_plan(tmp_path, ambitious=stock_2010 * 10, modest=latest + 0.5)
    )
    plan = DevelopmentPlan.objects.get()
    progress = selectors.plan_progress(plan)
    by_indicator = {item.target.indicator.code: item for item in progress.targets}
    modest = by_indicator["migrant-share-of-population"]
    assert modest.baseline == pytest.approx(baseline)
    assert modest.progress.latest_year == 2020
    assert modest.progress.status == "on_track"
    assert by_indicator["international-migrant-stock"].progress.status == "off_track"


def test_reloading_a_plan_replaces_its_targets(ims_2020, tmp_path):
    path = _example_plan(tmp_path, ambitious=1, modest=2)
    load_file("indicators-plan-targets", path)
    load_file("indicators-plan-targets", path)
    assert DevelopmentPlan.objects.count() == 1
    assert PlanTarget.objects.count() == 2


def test_plan_file_errors_name_row_and_column(db, tmp_path):
    bad = _write(
        tmp_path / "bad.csv",
        PLAN_HEADER,
        [
            ["XXX", "P", "nds", 2020, 2030, "", "", "G", "no-such-indicator", 2020, "", 2019, "ten", ""],
        ],
    )
    with pytest.raises(ObservationsRejected) as caught:
        load_file("indicators-plan-targets", bad)
    reasons = " | ".join(issue.reason for issue in caught.value.issues)
    assert "unknown indicator" in reasons and "unknown country" in reasons
    assert "must come after baseline_year" in reasons and "not a number" in reasons
    assert all(issue.row == 2 for issue in caught.value.issues)
    assert not DevelopmentPlan.objects.exists()


def test_plan_page_and_profile_show_status(client, ims_2020, tmp_path):
    load_file("indicators-plan-targets", _example_plan(tmp_path, ambitious=1e12, modest=1))
    plan = DevelopmentPlan.objects.get()
    body = client.get(reverse("indicators:plan", args=[plan.id])).content.decode()
    assert "Off track" in body or "On track" in body or "Achieved" in body
    profile = client.get(reverse("indicators:country", args=["DEU"])).content.decode()
    assert "Example strategy (test data)" in profile


def test_governance_profile_six_domains(client, db, tmp_path):
    assessments = _write(
        tmp_path / "mgi.csv",
        ["country", "domain", "year", "finding", "text", "source", "source_url"],
        [
            ["GHA", "PD_1", 2019, "well_developed", "Example finding (test data)", "Test source", ""],
            ["GHA", "PD_2", 2019, "further_development", "Another example (test data)", "Test source", ""],
        ],
    )
    scores = _write(
        tmp_path / "scores.csv",
        ["country", "domain", "year", "score", "source"],
        [
            ["GHA", "PD_1", 2021, 3, "Test source"],
        ],
    )
    load_file("mgi-assessments", assessments)
    load_file("sdg-1072-domain-scores", scores)
    rows = selectors.governance_for("GHA")
    assert [row.domain for row in rows] == ["PD_1", "PD_2", "PD_3", "PD_4", "PD_5", "PD_6"]
    assert rows[0].well_developed[0].text == "Example finding (test data)"
    assert rows[0].score.score == 3
    body = client.get(reverse("indicators:country", args=["GHA"])).content.decode()
    assert "Example finding (test data)" in body and "Partially meets" not in body and "Meets" in body


def test_governance_score_out_of_range_is_refused(db, tmp_path):
    scores = _write(
        tmp_path / "scores.csv",
        ["country", "domain", "year", "score", "source"],
        [
            ["GHA", "PD_7", 2021, 5, "Test source"],
        ],
    )
    with pytest.raises(ObservationsRejected) as caught:
        load_file("sdg-1072-domain-scores", scores)
    assert {issue.column for issue in caught.value.issues} == {"B", "D"}
    assert not PolicyDomainScore.objects.exists()
    assert not GovernanceAssessment.objects.exists()
