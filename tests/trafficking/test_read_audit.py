"""Every read path of identifying data leaves an audit row naming the cases it showed (issue 13, finding 6).

One test per path, on the path people use (page, API, export), each checking for a row written by that
request: removing the audit call of any one path makes its test fail.
"""

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from migdev.audit.models import AuditAction, AuditEvent
from migdev.trafficking import services
from migdev.trafficking.models import Case, Consent
from tests.trafficking.factories import login_verified, make_case, make_group, make_organisation, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def world() -> dict[str, Any]:
    organisation = make_organisation()
    team = make_group(organisation)
    worker = make_user("case_worker", organisation=organisation, groups=(team,))
    supervisor = make_user("supervisor", organisation=organisation, groups=(team,))
    partner = make_organisation()
    twin = {"first_name": "Amara", "second_name": "Okoye", "citizenship": ["NG"]}
    case = make_case(worker, **twin)
    duplicate = make_case(worker, **twin)
    services.consent_record(actor=worker, case=case, purpose=Consent.Purpose.SHARING, partners=[partner])
    services.referral_make_outgoing(
        actor=worker, case=case, organisation=partner, reason="Other", purpose="Shelter", safeguards="Sealed"
    )
    return {"case": case, "duplicate": duplicate, "supervisor": supervisor}


def shows(event: AuditEvent, case: Case) -> bool:
    return event.record_type == "trafficking.case" and (
        event.record_id == str(case.pk) or case.reference in event.detail.get("cases", [])
    )


READ_PATHS: dict[str, Callable[[Case], str]] = {
    "case page": lambda case: f"/en/trafficking/cases/{case.pk}/",
    "case list page": lambda case: "/en/trafficking/cases/",
    "case export": lambda case: "/en/trafficking/cases/export/?format=csv",
    "duplicates page": lambda case: "/en/trafficking/duplicates/",
    "API case list": lambda case: "/api/v1/trafficking/cases",
    "API case detail": lambda case: f"/api/v1/trafficking/cases/{case.pk}",
    "API referral list": lambda case: "/api/v1/trafficking/referrals",
}


@pytest.mark.parametrize("path", list(READ_PATHS))
def test_each_read_of_a_case_is_audited(world: dict[str, Any], path: str) -> None:
    case = world["case"]
    client = login_verified(Client(), world["supervisor"])
    before = AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    response = client.get(READ_PATHS[path](case))
    assert response.status_code == 200
    # The page really showed the case (so the audit row is owed), then the row for this request.
    body = b"".join(response.streaming_content) if response.streaming else response.content
    assert case.reference in body.decode()
    rows = [
        event
        for event in AuditEvent.objects.filter(pk__gt=before, actor=world["supervisor"])
        if event.action in (AuditAction.READ, AuditAction.EXPORT) and shows(event, case)
    ]
    assert rows, f"{path}: no audit row names {case.reference}"
    # Never the content: references, counts and the purpose of the read only.
    assert "Amara" not in str([row.detail for row in rows])
