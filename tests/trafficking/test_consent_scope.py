"""Consent has a method and an expiry that the gate honours; referral and transfer forms offer only the
organisations and people the person consented to (issue 13, finding 7)."""

from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone

from migdev.trafficking import services
from migdev.trafficking.models import Consent
from tests.trafficking.factories import login_verified, make_case, make_group, make_organisation, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def team() -> dict[str, Any]:
    organisation = make_organisation()
    group = make_group(organisation)
    partner = make_organisation()
    stranger_org = make_organisation()
    return {
        "organisation": organisation,
        "partner": partner,
        "stranger_org": stranger_org,
        "worker": make_user("case_worker", organisation=organisation, groups=(group,)),
        "colleague": make_user("case_worker", organisation=organisation, groups=(group,)),
        "supervisor": make_user("supervisor", organisation=organisation, groups=(group,)),
        "partner_worker": make_user("case_worker", organisation=partner),
        "stranger": make_user("case_worker", organisation=stranger_org),
    }


def refer(team: dict[str, Any], case: Any) -> Any:
    return services.referral_make_outgoing(
        actor=team["worker"],
        case=case,
        organisation=team["partner"],
        reason="Other",
        purpose="p",
        safeguards="s",
    )


def test_consent_records_its_method_and_expiry_on_the_web(team: dict[str, Any]) -> None:
    case = make_case(team["worker"])
    client = login_verified(Client(), team["worker"])
    until = timezone.localdate() + timedelta(days=30)
    response = client.post(
        f"/en/trafficking/cases/{case.pk}/consent/",
        {
            "purpose": "sharing",
            "given_by": "person",
            "method": "oral_recorded",
            "expires_on": until.isoformat(),
            "partners": [team["partner"].pk],
        },
    )
    assert response.status_code == 302
    consent = Consent.objects.get(case=case)
    assert (consent.method, consent.expires_on) == (Consent.Method.ORAL_RECORDED, until)
    page = client.get(f"/en/trafficking/cases/{case.pk}/").content.decode()
    assert "Oral, recorded" in page and f"valid until {until.isoformat()}" in page
    # The method must be said; "not recorded" is for old and imported consents only.
    missing = client.post(
        f"/en/trafficking/cases/{case.pk}/consent/", {"purpose": "assistance", "given_by": "person"}
    )
    assert missing.status_code == 200 and Consent.objects.filter(case=case).count() == 1
    not_recorded = client.post(
        f"/en/trafficking/cases/{case.pk}/consent/",
        {"purpose": "assistance", "given_by": "person", "method": "not_recorded"},
    )
    assert not_recorded.status_code == 200 and Consent.objects.filter(case=case).count() == 1


def test_an_expired_consent_closes_the_gate_on_the_day_after(team: dict[str, Any]) -> None:
    case = make_case(team["worker"])
    today = timezone.localdate()
    consent = services.consent_record(
        actor=team["worker"],
        case=case,
        purpose=Consent.Purpose.SHARING,
        partners=[team["partner"]],
        method=Consent.Method.WRITTEN,
        given_at=timezone.now() - timedelta(days=400),
        expires_on=today - timedelta(days=1),
    )
    assert not consent.is_active and consent.is_expired
    with pytest.raises(services.ConsentRequired):
        refer(team, case)
    assert services.referral_recipients(team["worker"], case).count() == 0
    # Valid until today still counts today.
    Consent.objects.filter(pk=consent.pk).update(expires_on=today)
    assert refer(team, case).consent_id == consent.pk
    assert list(services.referral_recipients(team["worker"], case)) == [team["partner"]]


def test_a_consent_cannot_end_before_it_was_given(team: dict[str, Any]) -> None:
    case = make_case(team["worker"])
    with pytest.raises(ValidationError):
        services.consent_record(
            actor=team["worker"],
            case=case,
            purpose=Consent.Purpose.ASSISTANCE,
            expires_on=timezone.localdate() - timedelta(days=1),
        )


def test_referral_form_offers_consented_partners_to_a_worker_and_all_to_a_supervisor(
    team: dict[str, Any],
) -> None:
    case = make_case(team["worker"])
    services.consent_record(
        actor=team["worker"], case=case, purpose=Consent.Purpose.SHARING, partners=[team["partner"]]
    )
    worker_page = login_verified(Client(), team["worker"]).get(f"/en/trafficking/cases/{case.pk}/refer/")
    html = worker_page.content.decode()
    assert f'value="{team["partner"].pk}"' in html
    assert f'value="{team["stranger_org"].pk}"' not in html
    supervisor_page = login_verified(Client(), team["supervisor"]).get(
        f"/en/trafficking/cases/{case.pk}/refer/"
    )
    assert f'value="{team["stranger_org"].pk}"' in supervisor_page.content.decode()


def test_transfer_form_lists_only_people_the_case_may_go_to(team: dict[str, Any]) -> None:
    case = make_case(team["worker"])
    client = login_verified(Client(), team["worker"])
    url = f"/en/trafficking/cases/{case.pk}/transfer/"
    html = client.get(url).content.decode()
    assert f'value="{team["colleague"].pk}"' in html
    assert f'value="{team["partner_worker"].pk}"' not in html
    assert f'value="{team["stranger"].pk}"' not in html
    consent = services.consent_record(
        actor=team["worker"], case=case, purpose=Consent.Purpose.SHARING, partners=[team["partner"]]
    )
    html = client.get(url).content.decode()
    assert f'value="{team["partner_worker"].pk}"' in html
    assert f'value="{team["stranger"].pk}"' not in html
    # Posting someone not offered fails, and so does the service when called directly.
    response = client.post(url, {"new_owner": team["stranger"].pk, "reason": "Moved", "safeguards": "Sealed"})
    assert response.status_code == 200 and not case.requests.exists()
    with pytest.raises(ValidationError):
        services.case_transfer_request(
            actor=team["worker"], case=case, new_owner=team["stranger"], reason="Moved", safeguards="Sealed"
        )
    # Once the consent is withdrawn, the partner's case worker is no longer offered either.
    services.consent_withdraw(actor=team["worker"], consent=consent)
    assert f'value="{team["partner_worker"].pk}"' not in client.get(url).content.decode()
