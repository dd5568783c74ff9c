"""Migration policy database: records by ISO3 code, filters, comparison of countries, exports, API."""

from __future__ import annotations

import csv
import datetime
import io
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from openpyxl import load_workbook

from migdev.accounts.models import User
from migdev.audit.models import AuditEvent
from migdev.coordination.demo import seed_demo
from migdev.coordination.models import MigrationPolicy
from migdev.coordination.policies import selectors, services

pytestmark = pytest.mark.django_db


def _data(**overrides: Any) -> services.PolicyInput:
    values: dict[str, Any] = {
        "country_code": "PH",
        "title": "Overseas workers act",
        "year": 1995,
        "kind": "law",
        "direction": "emigration",
        "domain": "migrant_rights",
        "source_name": "Official gazette",
        "is_published": True,
    }
    values.update(overrides)
    return services.PolicyInput(**values)


def test_create_normalises_codes_and_keeps_the_source(editor: User) -> None:
    policy = services.policy_create(
        actor=editor,
        data=_data(
            partner_codes=["KR", "PHL", "ecu"],
            adopted_on=datetime.date(1995, 6, 7),
            source_edition="2024 text",
        ),
    )
    assert policy.country_iso3 == "PHL"
    assert [p.country_iso3 for p in policy.partners.all()] == ["ECU", "KOR"]  # itself dropped
    assert policy.source_name == "Official gazette" and policy.source_edition == "2024 text"
    assert AuditEvent.objects.filter(action="create", record_type__icontains="migrationpolicy").exists()


def test_bad_input_is_refused(editor: User, analyst: User) -> None:
    with pytest.raises(ValidationError) as refused:
        services.policy_create(
            actor=editor, data=_data(kind="decree-ish", domain="other", direction="sideways")
        )
    assert {"kind", "domain", "direction"} <= set(refused.value.message_dict)
    with pytest.raises(ValidationError, match="Unknown country"):
        services.policy_create(actor=editor, data=_data(country_code="XX"))
    with pytest.raises(ValidationError):
        services.policy_create(actor=editor, data=_data(adopted_on=datetime.date(1996, 1, 1)))
    with pytest.raises(ValidationError):
        services.policy_create(
            actor=editor, data=_data(adopted_on=datetime.date(1995, 6, 7), ended_on=datetime.date(1990, 1, 1))
        )
    with pytest.raises(PermissionDenied):
        services.policy_create(actor=analyst, data=_data())
    assert MigrationPolicy.objects.count() == 0


def test_filters(editor: User) -> None:
    a = services.policy_create(actor=editor, data=_data(topic_codes=["labour-mobility"]))
    b = services.policy_create(
        actor=editor,
        data=_data(
            country_code="MEX",
            title="Migration law",
            year=2011,
            direction="both",
            domain="safe_orderly_regular",
        ),
    )
    hidden = services.policy_create(actor=editor, data=_data(title="Draft", is_published=False))

    def listed(user: Any = None, **filters: Any) -> list[MigrationPolicy]:
        return list(selectors.policies_list(user, selectors.PolicyFilters(**filters)))

    assert listed() == [b, a]
    assert listed(country_iso3="mex") == [b]
    assert listed(domain="migrant_rights") == [a]
    assert listed(direction="both") == [b]
    assert listed(year_from=2000) == [b]
    assert listed(topic="labour-mobility") == [a]
    assert listed(query="migration") == [b]
    assert hidden in listed(editor)


def test_comparison_by_domain(editor: User) -> None:
    services.policy_create(actor=editor, data=_data())
    services.policy_create(
        actor=editor,
        data=_data(country_code="NPL", title="Foreign employment act", domain="safe_orderly_regular"),
    )
    comparison = selectors.policy_comparison(None, ["PHL", "NPL", "SEN"])
    rows = {row.domain: row for row in comparison.rows}
    assert [len(cell) for cell in rows["migrant_rights"].cells] == [1, 0, 0]
    assert [len(cell) for cell in rows["safe_orderly_regular"].cells] == [0, 1, 0]
    assert comparison.totals == [1, 1, 0] and len(comparison.rows) == 6


def test_pages_and_exports(client: Client, editor: User, editor_client: Client) -> None:
    seed_demo()
    services.policy_create(actor=editor, data=_data(title='=HYPERLINK("http://x")', country_code="SEN"))
    html = client.get("/en/coordination/policies/?country=PHL").content.decode()
    assert "Republic Act No. 8042" in html and "Ley de Migración" not in html
    compare = client.get("/en/coordination/policies/compare/?countries=PHL+MEX+NPL").content.decode()
    assert "Migration Law" in compare and "Foreign Employment Act" in compare
    assert (
        "Unknown country"
        in client.get("/en/coordination/policies/compare/?countries=PHL+ZZZ").content.decode()
    )
    policy = MigrationPolicy.objects.get(title__startswith="Migrant Workers and Overseas")
    assert client.get(f"/en/coordination/policies/{policy.pk}/").status_code == 200

    response = client.get("/en/coordination/policies/export/?format=csv&country=SEN")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))  # type: ignore[attr-defined]
    assert rows[0][:2] == ["Identifier", "Country (ISO3)"] and rows[1][1] == "SEN"
    assert rows[1][2].startswith("'=")  # formula injection neutralised
    xlsx = client.get("/en/coordination/policies/export/?format=xlsx&domain=cooperation")
    sheet = load_workbook(io.BytesIO(b"".join(xlsx.streaming_content))).active  # type: ignore[attr-defined]
    values = list(sheet.iter_rows(values_only=True))
    assert values[1][1] == "ESP" and "ECU" in values[1][13]
    assert AuditEvent.objects.filter(action="export").count() == 2
    assert client.get("/en/coordination/policies/export/?format=exe").status_code == 404
    assert client.get("/en/coordination/policies/new/").status_code == 302
    created = editor_client.post(
        "/en/coordination/policies/new/",
        {
            "country": "SN",
            "title": "National migration policy",
            "year": 2018,
            "adopted_precision": "day",
            "kind": "policy",
            "direction": "both",
            "domain": "whole_of_government",
            "status": "in_force",
            "source_name": "Government of Senegal",
            "is_published": "on",
        },
    )
    assert created.status_code == 302
    assert MigrationPolicy.objects.filter(country_iso3="SEN", title="National migration policy").exists()


def test_api_lists_published_policies(client: Client, editor: User) -> None:
    seed_demo()
    draft = services.policy_create(actor=editor, data=_data(title="Unpublished", is_published=False))
    body = client.get("/api/v1/coordination/policies?country=KR").json()
    assert body["count"] == 1 and body["items"][0]["partners"] == ["IDN", "LKA", "NPL", "PHL", "VNM"]
    assert "Unpublished" not in str(client.get("/api/v1/coordination/policies?page_size=500").json())
    assert client.get(f"/api/v1/coordination/policies/{draft.pk}").status_code == 404
    assert client.get("/api/v1/coordination/policies?country=ZZZ").status_code == 422
