"""The audit log page and its exports: DPO and administrator only, filtered, paginated, safe, audited."""

import csv
import io
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from migdev.accounts.access import Role
from migdev.audit.models import AuditAction, AuditEvent
from migdev.audit.services import audit_log
from tests.factories import login_verified, make_user

pytestmark = pytest.mark.django_db
READERS = [Role.DATA_PROTECTION_OFFICER, Role.ADMINISTRATOR]
OTHERS = [Role.CASE_WORKER, Role.SUPERVISOR, Role.ANALYST, Role.EDITOR, Role.PARTNER]


@pytest.mark.parametrize("role", READERS)
def test_readers_see_the_log(client: Client, role: Role) -> None:
    login_verified(client, make_user(role))
    audit_log(action=AuditAction.FAILED_LOGIN, username="mallory")
    response = client.get(reverse("audit:list"))
    assert response.status_code == 200
    assert "mallory" in response.content.decode()


@pytest.mark.parametrize("role", OTHERS)
def test_everyone_else_gets_404_and_is_audited(client: Client, role: Role) -> None:
    user = make_user(role)
    login_verified(client, user)
    for url in (reverse("audit:list"), reverse("audit:export", args=["csv"])):
        assert client.get(url).status_code == 404
    assert AuditEvent.objects.filter(actor=user, action=AuditAction.PERMISSION_DENIED).count() == 2
    assert not AuditEvent.objects.filter(actor=user, action=AuditAction.EXPORT).exists()


def test_audit_page_needs_sign_in(client: Client) -> None:
    response = client.get(reverse("audit:list"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_filters(client: Client) -> None:
    dpo = make_user(Role.DATA_PROTECTION_OFFICER)
    login_verified(client, dpo)
    audit_log(action=AuditAction.READ, username="alice", record_type="accounts.note", record_id="7")
    audit_log(action=AuditAction.READ, username="alice", record_type="accounts.note", record_id="8")
    audit_log(action=AuditAction.DELETE, username="bob", record_type="accounts.note", record_id="7")

    def listed(**params: str) -> list[AuditEvent]:
        response = client.get(reverse("audit:list"), params)
        assert response.status_code == 200
        return list(response.context["page"].object_list)

    assert {e.record_id for e in listed(username="ALICE")} == {"7", "8"}
    assert [e.actor_username for e in listed(action="delete")] == ["bob"]
    assert {e.actor_username for e in listed(record_type="accounts.note", record_id="7")} == {"alice", "bob"}
    today = timezone.now().date()
    assert len(listed(username="alice", date_from=str(today), date_to=str(today))) == 2
    assert listed(username="alice", date_to=str(today - timedelta(days=1))) == []
    assert listed(username="alice", date_from=str(today + timedelta(days=1))) == []


def test_pagination(client: Client) -> None:
    login_verified(client, make_user(Role.DATA_PROTECTION_OFFICER))
    AuditEvent.objects.bulk_create(
        AuditEvent(action=AuditAction.READ, actor_username=f"bulk{index}") for index in range(120)
    )
    first = client.get(reverse("audit:list"), {"action": "read"})
    page = first.context["page"]
    assert (page.paginator.count, page.paginator.num_pages, len(page.object_list)) == (120, 3, 50)
    third = client.get(reverse("audit:list"), {"action": "read", "page": "3"})
    assert len(third.context["page"].object_list) == 20
    assert 'rel="next"' in first.content.decode()


def test_csv_export_is_formula_safe_and_audited(client: Client) -> None:
    dpo = make_user(Role.DATA_PROTECTION_OFFICER)
    login_verified(client, dpo)
    audit_log(action=AuditAction.FAILED_LOGIN, username='=HYPERLINK("http://evil","x")')
    audit_log(action=AuditAction.READ, username="plain")
    response = client.get(reverse("audit:export", args=["csv"]), {"action": "failed_login"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert rows[0][:4] == ["id", "occurred_at", "actor_username", "action"]
    assert [row[2] for row in rows[1:]] == ['\'=HYPERLINK("http://evil","x")']

    export = AuditEvent.objects.get(action=AuditAction.EXPORT)
    assert export.actor == dpo
    assert export.detail == {"format": "csv", "filters": {"action": "failed_login"}, "rows": 1}


def test_xlsx_export(client: Client) -> None:
    login_verified(client, make_user(Role.ADMINISTRATOR))
    audit_log(action=AuditAction.FAILED_LOGIN, username="+cmd|' /C calc'!A0")
    response = client.get(reverse("audit:export", args=["xlsx"]), {"action": "failed_login"})
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    sheet = workbook.active
    assert sheet is not None
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert values[0][2] == "actor_username"
    assert values[1][2] == "'+cmd|' /C calc'!A0"
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)
    assert AuditEvent.objects.filter(action=AuditAction.EXPORT, detail__format="xlsx").exists()


def test_unknown_export_format_is_404(client: Client) -> None:
    login_verified(client, make_user(Role.DATA_PROTECTION_OFFICER))
    assert client.get("/en/audit/export.pdf").status_code == 404
