"""Rows written in clear before free text was encrypted are migrated, and their audit copies redacted by
the documented, audited procedure (issue 13, finding 3)."""

import importlib
from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction

from migdev.audit.guards import TABLE, guards_present
from migdev.audit.models import AuditAction, AuditEvent
from migdev.audit.services import REDACTED, audit_log
from migdev.protection.crypto import looks_encrypted
from migdev.trafficking import services
from migdev.trafficking.models import Consent, DataTransfer, Referral
from tests.trafficking.factories import make_case, make_group, make_organisation, make_user

pytestmark = pytest.mark.django_db
MIGRATION = importlib.import_module("migdev.trafficking.migrations.0003_free_text_encrypted_consent_expiry")
# Built from pieces so that tracebacks of this file never show it whole.
OLD_PURPOSE = "Shelter and psychosocial " + "support for José"


class Schema:
    """What a RunPython function reads from its schema editor."""

    connection = connection


def raw(table: str, column: str, pk: int) -> str:
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {quote(column)} FROM {quote(table)} WHERE id = %s", [pk])  # noqa: S608
        return str(cursor.fetchone()[0])


def legacy_referral() -> tuple[Referral, DataTransfer, AuditEvent]:
    """A referral as the previous version left it: clear text in the table and in the audit row."""
    organisation = make_organisation()
    worker = make_user("case_worker", organisation=organisation, groups=(make_group(organisation),))
    partner = make_organisation()
    case = make_case(worker)
    services.consent_record(actor=worker, case=case, purpose=Consent.Purpose.SHARING, partners=[partner])
    referral = services.referral_make_outgoing(
        actor=worker, case=case, organisation=partner, reason="Other", purpose="x", safeguards="y"
    )
    transfer = DataTransfer.objects.get(referral=referral)
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {quote('trafficking_datatransfer')} SET {quote('purpose')} = %s, "  # noqa: S608
            f"{quote('safeguards')} = %s, {quote('recipient')} = %s WHERE id = %s",
            [OLD_PURPOSE, "Sealed envelope", "Safe house", transfer.pk],
        )
    old_event = audit_log(
        action=AuditAction.EXPORT,
        actor=worker,
        record=referral,
        detail={
            "case": case.reference,
            "recipient": "Safe house",
            "purpose": OLD_PURPOSE,
            "safeguards": "Sealed",
        },
    )
    return referral, transfer, old_event


def test_the_data_migration_encrypts_clear_rows_and_reverses() -> None:
    _referral, transfer, _event = legacy_referral()
    assert raw("trafficking_datatransfer", "purpose", transfer.pk) == OLD_PURPOSE
    MIGRATION.encrypt_clear_rows(None, Schema())
    for column in ("purpose", "safeguards", "recipient"):
        assert looks_encrypted(raw("trafficking_datatransfer", column, transfer.pk)), column
    transfer.refresh_from_db()
    assert (transfer.purpose, transfer.safeguards, transfer.recipient) == (
        OLD_PURPOSE,
        "Sealed envelope",
        "Safe house",
    )
    # Running it again changes nothing; the reverse brings the clear text back for the old schema.
    before = raw("trafficking_datatransfer", "purpose", transfer.pk)
    MIGRATION.encrypt_clear_rows(None, Schema())
    assert raw("trafficking_datatransfer", "purpose", transfer.pk) == before
    MIGRATION.decrypt_rows(None, Schema())
    assert raw("trafficking_datatransfer", "purpose", transfer.pk) == OLD_PURPOSE


def redact(*extra: str) -> str:
    out = StringIO()
    call_command(
        "audit_redact",
        "--preset",
        "trafficking-free-text",
        "--reason",
        "issue 13: free text copied into audit details",
        "--operator",
        "dpo-on-duty",
        *extra,
        stdout=out,
    )
    return out.getvalue()


def test_audit_copies_are_redacted_by_an_audited_step() -> None:
    referral, _transfer, old_event = legacy_referral()
    untouched = audit_log(
        action=AuditAction.READ, record_type="coordination.note", detail={"purpose": "keep"}
    )
    assert "1 audit events" in redact("--dry-run")
    assert AuditEvent.objects.get(pk=old_event.pk).detail["purpose"] == OLD_PURPOSE

    output = redact()
    assert "Redacted" in output
    redaction = AuditEvent.objects.get(action=AuditAction.REDACT)
    assert redaction.actor_username == "dpo-on-duty"
    assert redaction.detail["events"] == [old_event.pk] and redaction.detail["count"] == 1
    assert redaction.detail["keys"] == ["purpose", "recipient", "safeguards"]
    after = AuditEvent.objects.get(pk=old_event.pk)
    assert after.detail == {
        "case": referral.case.reference,
        "recipient": REDACTED,
        "purpose": REDACTED,
        "safeguards": REDACTED,
        "redacted_by": redaction.pk,
    }
    # Who, when and what stay; other record types are left alone; the text is gone from the table.
    assert (after.actor_id, after.occurred_at, after.action) == (
        old_event.actor_id,
        old_event.occurred_at,
        old_event.action,
    )
    assert AuditEvent.objects.get(pk=untouched.pk).detail == {"purpose": "keep"}
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {connection.ops.quote_name(TABLE)}")  # noqa: S608
        assert "psychosocial" not in str(cursor.fetchall())
    # The guards are back: the table is append-only again.
    assert guards_present(connection)
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {connection.ops.quote_name(TABLE)}")  # noqa: S608
    # Nothing left to redact, and the command says so without writing another event.
    assert "0 audit events" in redact("--dry-run")
    assert "nothing to redact" in redact()
    assert AuditEvent.objects.filter(action=AuditAction.REDACT).count() == 1


def test_redaction_needs_a_reason_and_names(capsys: Any) -> None:
    with pytest.raises(CommandError):
        call_command("audit_redact", "--reason", "  ", "--preset", "trafficking-free-text")
    with pytest.raises(CommandError):
        call_command("audit_redact", "--reason", "why")
