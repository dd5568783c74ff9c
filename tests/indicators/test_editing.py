"""Editors create and edit plans, goals, targets and governance records through web forms."""

import pytest
from django.test import Client
from django.urls import reverse

from migdev.accounts.models import RoleDefinition, User
from migdev.audit.models import AuditEvent
from migdev.indicators.models import (
    DevelopmentPlan,
    GovernanceAssessment,
    Indicator,
    PlanGoal,
    PlanTarget,
    PolicyDomainScore,
)

pytestmark = pytest.mark.django_db


def _client(username: str, *roles: str) -> Client:
    user = User.objects.create_user(username=username, password="a long test password 1")
    for role in roles:
        user.roles.add(RoleDefinition.objects.get(code=role))
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def editor_client() -> Client:
    return _client("indicator-editor", "editor")


@pytest.fixture
def analyst_client() -> Client:
    return _client("indicator-analyst", "analyst")


PLAN = {
    "country": "SEN",
    "title": "Stratégie nationale (test data)",
    "kind": "nds",
    "start_year": "2019",
    "end_year": "2030",
    "adopted_on": "",
    "url": "",
    "summary": "",
}


def _plan() -> DevelopmentPlan:
    return DevelopmentPlan.objects.create(
        country="SEN", title="Plan", kind="nds", start_year=2019, end_year=2030
    )


def test_editor_creates_plan_goal_and_target_audited(editor_client, ims_2020):
    response = editor_client.post(reverse("indicators:plan_new"), PLAN)
    plan = DevelopmentPlan.objects.get()
    assert response.status_code == 302 and plan.country == "SEN"
    assert plan.created_by is not None
    editor_client.post(
        reverse("indicators:goal_new", args=[plan.id]), {"title": "Diaspora", "reference": "G1"}
    )
    goal = PlanGoal.objects.get()
    indicator = Indicator.objects.get(code="migrant-share-of-population")
    response = editor_client.post(
        reverse("indicators:target_new", args=[plan.id, goal.id]),
        {
            "indicator": indicator.id,
            "baseline_year": "2010",
            "baseline_value": "",
            "target_year": "2025",
            "target_value": "3.5",
            "edition": "",
            "notes": "",
        },
    )
    assert response.status_code == 302
    target = PlanTarget.objects.get()
    assert target.target_value == 3.5 and target.baseline_value is None
    actions = list(AuditEvent.objects.values_list("action", flat=True))
    assert actions.count("create") >= 3
    page = editor_client.get(reverse("indicators:plan", args=[plan.id])).content.decode()
    assert reverse("indicators:target_edit", args=[plan.id, target.id]) in page


def test_editor_edits_plan_and_target_with_audited_changes(editor_client, ims_2020):
    plan = _plan()
    goal = PlanGoal.objects.create(plan=plan, title="Goal")
    indicator = Indicator.objects.get(code="migrant-share-of-population")
    target = PlanTarget.objects.create(
        goal=goal, indicator=indicator, baseline_year=2010, target_year=2025, target_value=2
    )
    response = editor_client.post(
        reverse("indicators:plan_edit", args=[plan.id]),
        {**PLAN, "title": "Renamed plan", "version": plan.version},
    )
    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.title == "Renamed plan"
    event = AuditEvent.objects.filter(action="update").latest("id")
    assert event.detail["changed"]["title"] == ["Plan", "Renamed plan"]
    editor_client.post(
        reverse("indicators:target_edit", args=[plan.id, target.id]),
        {
            "indicator": indicator.id,
            "baseline_year": "2010",
            "target_year": "2028",
            "target_value": "4",
            "version": target.version,
        },
    )
    target.refresh_from_db()
    assert (target.target_year, target.target_value) == (2028, 4)
    editor_client.post(
        reverse("indicators:goal_edit", args=[plan.id, goal.id]),
        {"title": "Better goal", "version": goal.version},
    )
    goal.refresh_from_db()
    assert goal.title == "Better goal"


def test_target_year_must_follow_baseline(editor_client, ims_2020):
    plan = _plan()
    goal = PlanGoal.objects.create(plan=plan, title="Goal")
    indicator = Indicator.objects.get(code="migrant-share-of-population")
    response = editor_client.post(
        reverse("indicators:target_new", args=[plan.id, goal.id]),
        {"indicator": indicator.id, "baseline_year": "2020", "target_year": "2015", "target_value": "1"},
    )
    assert response.status_code == 200
    assert "must come after the baseline year" in response.content.decode()
    assert not PlanTarget.objects.exists()


def test_plan_cannot_end_before_it_starts(editor_client):
    response = editor_client.post(reverse("indicators:plan_new"), {**PLAN, "end_year": "2010"})
    assert response.status_code == 200 and not DevelopmentPlan.objects.exists()


def test_unknown_country_code_is_rejected(editor_client):
    response = editor_client.post(reverse("indicators:plan_new"), {**PLAN, "country": "Senegal"})
    assert response.status_code == 200 and not DevelopmentPlan.objects.exists()


def test_editor_records_assessment_and_corrects_score(editor_client):
    response = editor_client.post(
        reverse("indicators:assessment_new"),
        {
            "country": "SEN",
            "domain": "PD_1",
            "year": "2018",
            "finding": "well_developed",
            "text": "Migrants have equal access to health care (test data).",
            "source": "MGI profile (test data)",
            "source_url": "",
        },
    )
    assert response.status_code == 302
    assert GovernanceAssessment.objects.get().country == "SEN"
    score = {"country": "SEN", "domain": "PD_2", "year": "2021", "score": "2", "source": "SDG DB"}
    assert editor_client.post(reverse("indicators:score_new"), score).status_code == 302
    assert editor_client.post(reverse("indicators:score_new"), {**score, "score": "3"}).status_code == 302
    assert PolicyDomainScore.objects.get().score == 3
    update = AuditEvent.objects.filter(action="update").latest("id")
    assert update.detail == {"score": [2, 3]}
    bad = editor_client.post(reverse("indicators:score_new"), {**score, "score": "5"})
    assert bad.status_code == 200 and PolicyDomainScore.objects.get().score == 3


@pytest.mark.parametrize(
    "name,args",
    [
        ("plan_new", []),
        ("assessment_new", []),
        ("score_new", []),
    ],
)
def test_others_get_404(analyst_client, name, args):
    assert analyst_client.get(reverse(f"indicators:{name}", args=args)).status_code == 404
    assert analyst_client.post(reverse(f"indicators:{name}", args=args), PLAN).status_code == 404
    assert not DevelopmentPlan.objects.exists()
    assert AuditEvent.objects.filter(action="permission_denied").exists()


def test_editing_existing_plan_is_404_for_others_and_anonymous_redirected(analyst_client, client):
    plan = _plan()
    goal = PlanGoal.objects.create(plan=plan, title="Goal")
    for url in [
        reverse("indicators:plan_edit", args=[plan.id]),
        reverse("indicators:goal_new", args=[plan.id]),
        reverse("indicators:goal_edit", args=[plan.id, goal.id]),
        reverse("indicators:target_new", args=[plan.id, goal.id]),
    ]:
        assert analyst_client.get(url).status_code == 404
        assert client.get(url).status_code == 302
    page = analyst_client.get(reverse("indicators:plan", args=[plan.id])).content.decode()
    assert reverse("indicators:plan_edit", args=[plan.id]) not in page


def test_goal_of_another_plan_is_404(editor_client):
    plan, other = _plan(), _plan()
    goal = PlanGoal.objects.create(plan=other, title="Goal")
    assert editor_client.get(reverse("indicators:goal_edit", args=[plan.id, goal.id])).status_code == 404
    assert editor_client.get(reverse("indicators:plan_edit", args=[999999])).status_code == 404


def test_forms_render_with_labels(editor_client):
    plan = _plan()
    for url in [reverse("indicators:plan_new"), reverse("indicators:plan_edit", args=[plan.id])]:
        body = editor_client.get(url).content.decode()
        assert 'for="id_country"' in body and 'for="id_title"' in body and "style=" not in body


def test_help_text_is_tied_to_its_field(editor_client, ims_2020):
    plan = _plan()
    goal = PlanGoal.objects.create(plan=plan, title="Goal")
    body = editor_client.get(reverse("indicators:target_new", args=[plan.id, goal.id])).content.decode()
    assert 'aria-describedby="id_baseline_value_helptext"' in body
    assert 'id="id_baseline_value_helptext"' in body
