"""Public API: development plans with computed progress, governance assessments and 10.7.2 scores."""

import pytest

from migdev.indicators import selectors
from migdev.indicators.models import (
    DevelopmentPlan,
    GovernanceAssessment,
    Indicator,
    PlanGoal,
    PlanTarget,
    PolicyDomainScore,
)

pytestmark = pytest.mark.django_db


def _items(payload: object) -> list[dict]:
    return payload["items"] if isinstance(payload, dict) else payload  # type: ignore[index,return-value]


@pytest.fixture
def plan_with_targets(ims_2020) -> DevelopmentPlan:
    indicator = Indicator.objects.get(code="migrant-share-of-population")
    values = selectors.indicator_values(indicator, areas=["DEU"]).values
    baseline, latest = values[("DEU", "2010")].value, values[("DEU", "2020")].value
    plan = DevelopmentPlan.objects.create(
        country="DEU", title="Strategy (test data)", kind="nds", start_year=2010, end_year=2025
    )
    goal = PlanGoal.objects.create(plan=plan, title="Skilled migration", reference="G1")
    # Reachable from the 2020 value: on track. Far beyond it: off track.
    PlanTarget.objects.create(
        goal=goal, indicator=indicator, baseline_year=2010, target_year=2025, target_value=latest + 0.5
    )
    PlanTarget.objects.create(
        goal=goal,
        indicator=indicator,
        baseline_year=2010,
        target_year=2025,
        target_value=baseline + 100 * (latest - baseline),
    )
    return plan


def test_plans_list_with_progress(client, plan_with_targets):
    response = client.get("/api/v1/indicators/plans")
    assert response.status_code == 200
    (plan,) = _items(response.json())
    assert plan["country"] == "DEU" and plan["title"] == "Strategy (test data)"
    statuses = sorted(target["status"] for target in plan["targets"])
    assert statuses == ["off_track", "on_track"]
    assert plan["status_counts"] == {"off_track": 1, "on_track": 1}
    first = plan["targets"][0]
    assert first["baseline_value"] is not None and first["latest_year"] == 2020
    assert first["indicator"] == "migrant-share-of-population" and first["goal_reference"] == "G1"


def test_plans_filtered_by_country_and_detail(client, plan_with_targets):
    assert _items(client.get("/api/v1/indicators/plans", {"country": "FRA"}).json()) == []
    assert len(_items(client.get("/api/v1/indicators/plans", {"country": "deu"}).json())) == 1
    assert client.get("/api/v1/indicators/plans", {"country": "QQQ"}).status_code == 404
    detail = client.get(f"/api/v1/indicators/plans/{plan_with_targets.id}")
    assert detail.status_code == 200 and len(detail.json()["targets"]) == 2
    assert client.get("/api/v1/indicators/plans/999999").status_code == 404


def test_governance_per_country(client, db):
    GovernanceAssessment.objects.create(
        country="SEN",
        domain="PD_1",
        year=2018,
        finding="well_developed",
        text="Equal access to health care (test data).",
        source="MGI (test data)",
    )
    PolicyDomainScore.objects.create(country="SEN", domain="PD_2", year=2021, score=3, source="SDG DB")
    PolicyDomainScore.objects.create(country="MLI", domain="PD_2", year=2021, score=1, source="SDG DB")
    body = client.get("/api/v1/indicators/countries/SEN/governance").json()
    assert body["country"] == "SEN"
    assert [a["finding"] for a in body["assessments"]] == ["well_developed"]
    assert [(s["domain"], s["score"]) for s in body["scores"]] == [("PD_2", 3)]
    assert body["scores"][0]["score_label"] == "Meets"
    empty = client.get("/api/v1/indicators/countries/FRA/governance").json()
    assert empty["assessments"] == [] and empty["scores"] == []
    assert client.get("/api/v1/indicators/countries/QQQ/governance").status_code == 404
