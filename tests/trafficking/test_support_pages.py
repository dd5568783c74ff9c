"""Support plans and services delivered on the web: scoped, audited, shown on the case."""

import pytest
from django.test import Client

from migdev.audit.models import AuditAction, AuditEvent
from migdev.trafficking import services
from migdev.trafficking.models import ServiceDelivery, SupportPlan
from tests.trafficking.factories import login_verified, make_case, make_group, make_organisation, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def team() -> dict:
    organisation = make_organisation()
    group = make_group(organisation)
    return {
        "organisation": organisation,
        "worker": make_user("case_worker", organisation=organisation, groups=(group,)),
        "other_worker": make_user(
            "case_worker", organisation=organisation, groups=(make_group(organisation),)
        ),
        "analyst": make_user("analyst", organisation=organisation),
    }


def client_for(user: object) -> Client:
    return login_verified(Client(), user)  # type: ignore[arg-type]


def test_case_worker_adds_a_support_plan_and_a_service_under_it(team: dict) -> None:
    case = make_case(team["worker"])
    client = client_for(team["worker"])
    form = client.get(f"/en/trafficking/cases/{case.pk}/support-plan/")
    assert form.status_code == 200
    assert 'for="id_plan_type"' in form.content.decode()

    response = client.post(
        f"/en/trafficking/cases/{case.pk}/support-plan/",
        {"plan_type": "Health", "objectives": "See a doctor", "planned_end_date": "2026-12-31"},
    )
    assert response.status_code == 302
    plan = SupportPlan.objects.get(case=case)
    assert plan.objectives == "See a doctor" and plan.created_by == team["worker"]
    assert AuditEvent.objects.filter(action=AuditAction.CREATE, record_id=str(plan.pk)).exists()

    response = client.post(
        f"/en/trafficking/cases/{case.pk}/service/",
        {
            "service_type": "Health",
            "delivered_on": "2026-05-04",
            "plan": str(plan.pk),
            "provider": str(team["organisation"].pk),
            "notes": "First visit",
        },
    )
    assert response.status_code == 302
    service = ServiceDelivery.objects.get(case=case)
    assert service.plan == plan and service.notes == "First visit"
    assert AuditEvent.objects.filter(action=AuditAction.CREATE, record_id=str(service.pk)).exists()

    detail = client.get(f"/en/trafficking/cases/{case.pk}/").content.decode()
    assert "See a doctor" in detail and "First visit" in detail and "2026-05-04" in detail


def test_invalid_plan_keeps_the_input_and_saves_nothing(team: dict) -> None:
    case = make_case(team["worker"])
    response = client_for(team["worker"]).post(
        f"/en/trafficking/cases/{case.pk}/support-plan/", {"plan_type": "", "objectives": "Keep me"}
    )
    assert response.status_code == 200
    assert "Keep me" in response.content.decode()
    assert 'role="alert"' in response.content.decode() or "errorlist" in response.content.decode()
    assert not SupportPlan.objects.exists()


def test_a_service_cannot_hang_under_another_cases_plan(team: dict) -> None:
    case = make_case(team["worker"])
    other_case = make_case(team["worker"])
    foreign_plan = services.support_plan_add(
        actor=team["worker"], case=other_case, values={"plan_type": "Health"}
    )
    response = client_for(team["worker"]).post(
        f"/en/trafficking/cases/{case.pk}/service/",
        {"service_type": "Health", "delivered_on": "2026-05-04", "plan": str(foreign_plan.pk)},
    )
    assert response.status_code == 200
    assert not ServiceDelivery.objects.exists()


@pytest.mark.parametrize("who", ["other_worker", "analyst"])
@pytest.mark.parametrize("page", ["support-plan", "service"])
def test_out_of_scope_users_get_404_and_write_nothing(team: dict, who: str, page: str) -> None:
    case = make_case(team["worker"])
    client = client_for(team[who])
    assert client.get(f"/en/trafficking/cases/{case.pk}/{page}/").status_code == 404
    data = {"plan_type": "Health", "service_type": "Health", "delivered_on": "2026-05-04"}
    assert client.post(f"/en/trafficking/cases/{case.pk}/{page}/", data).status_code == 404
    assert not SupportPlan.objects.exists() and not ServiceDelivery.objects.exists()


def test_date_inputs_carry_iso_dates_in_every_language(team: dict) -> None:
    # A type=date input shows nothing for "26/11/2026", and the form would then be refused as empty.
    from django.utils import timezone

    case = make_case(team["worker"])
    page = client_for(team["worker"]).get(f"/fr/trafficking/cases/{case.pk}/service/").content.decode()
    assert f'value="{timezone.localdate().isoformat()}"' in page
