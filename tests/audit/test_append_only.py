"""Audit events cannot be changed or removed: not through the ORM, not through raw SQL."""

from io import StringIO

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction

from migdev.audit.checks import audit_guards_check
from migdev.audit.guards import TABLE, guards_present, guards_suspended, remove_guards
from migdev.audit.models import AuditAction, AuditAppendOnlyError, AuditEvent
from migdev.audit.services import audit_log

pytestmark = pytest.mark.django_db
on_postgres = pytest.mark.skipif(
    settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql", reason="needs PostgreSQL"
)


@pytest.fixture
def event() -> AuditEvent:
    return audit_log(action=AuditAction.READ, record_type="accounts.note", record_id="1", username="someone")


def test_manager_refuses_update_and_delete(event: AuditEvent) -> None:
    with pytest.raises(AuditAppendOnlyError):
        AuditEvent.objects.update(action=AuditAction.CREATE)
    with pytest.raises(AuditAppendOnlyError):
        AuditEvent.objects.filter(pk=event.pk).delete()
    with pytest.raises(AuditAppendOnlyError), transaction.atomic():
        AuditEvent.objects.bulk_update([event], ["action"])
    event.action = AuditAction.CREATE
    with pytest.raises(AuditAppendOnlyError), transaction.atomic():
        event.save()
    assert AuditEvent.objects.get(pk=event.pk).action == AuditAction.READ


def test_instance_delete_is_refused_by_the_database(event: AuditEvent) -> None:
    with pytest.raises((AuditAppendOnlyError, DatabaseError)), transaction.atomic():
        event.delete()
    assert AuditEvent.objects.filter(pk=event.pk).exists()


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE audit_auditevent SET action = 'create' WHERE id = %s",
        "UPDATE audit_auditevent SET actor_username = 'nobody'",
        "DELETE FROM audit_auditevent WHERE id = %s",
        "DELETE FROM audit_auditevent",
    ],
)
def test_raw_sql_update_and_delete_fail(event: AuditEvent, statement: str) -> None:
    params = [event.pk] if "%s" in statement else []
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(statement, params)
    stored = AuditEvent.objects.get(pk=event.pk)
    assert (stored.action, stored.actor_username) == (AuditAction.READ, "someone")


def test_inserts_still_work(event: AuditEvent) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO audit_auditevent (occurred_at, actor_username, action, record_type, record_id,"
            " user_agent, path, detail) VALUES (CURRENT_TIMESTAMP, 'raw', 'read', '', '', '', '', '{}')"
        )
    assert AuditEvent.objects.filter(actor_username="raw").exists()


@on_postgres
@pytest.mark.django_db(transaction=True)
def test_truncate_fails_on_postgres(event: AuditEvent) -> None:
    # Committed rows: in the same transaction PostgreSQL would refuse TRUNCATE for pending FK checks.
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("TRUNCATE audit_auditevent")
    assert AuditEvent.objects.filter(pk=event.pk).exists()


@on_postgres
def test_application_role_may_only_read_and_append_on_postgres(event: AuditEvent) -> None:
    role = "migdev_audit_probe"
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(f"CREATE ROLE {role} NOLOGIN")
            # As if default privileges had granted everything, which the command must take back.
            cursor.execute(f"GRANT ALL ON audit_auditevent TO {role}")
        call_command("audit_protect", "--role", role, stdout=StringIO())
        with connection.cursor() as cursor:
            for privilege, expected in (
                ("SELECT", True),
                ("INSERT", True),
                ("UPDATE", False),
                ("DELETE", False),
                ("TRUNCATE", False),
            ):
                cursor.execute("SELECT has_table_privilege(%s, %s, %s)", [role, TABLE, privilege])
                assert cursor.fetchone()[0] is expected, privilege
            cursor.execute(f"SET LOCAL ROLE {role}")
            cursor.execute("SELECT count(*) FROM audit_auditevent")
            cursor.execute(
                "INSERT INTO audit_auditevent (occurred_at, actor_username, action, record_type, record_id,"
                " user_agent, path, detail) VALUES (now(), 'app', 'read', '', '', '', '', '{}')"
            )
            with pytest.raises(DatabaseError, match="permission denied"), transaction.atomic():
                cursor.execute("DELETE FROM audit_auditevent")
            cursor.execute("RESET ROLE")
        transaction.set_rollback(True)


def test_guards_are_installed_and_checked() -> None:
    assert guards_present(connection)
    assert audit_guards_check(databases=["default"]) == []
    with transaction.atomic():
        remove_guards(connection)
        assert not guards_present(connection)
        assert [error.id for error in audit_guards_check(databases=["default"])] == ["audit.E001"]
        transaction.set_rollback(True)
    assert guards_present(connection)


def test_maintenance_can_lift_the_guards_deliberately(event: AuditEvent) -> None:
    with transaction.atomic():
        with guards_suspended(connection), connection.cursor() as cursor:
            cursor.execute("DELETE FROM audit_auditevent WHERE id = %s", [event.pk])
        assert guards_present(connection)
        transaction.set_rollback(True)


@pytest.mark.django_db(transaction=True)
def test_test_database_flush_still_works_after_transactional_tests() -> None:
    # Leaves rows behind; pytest-django's flush afterwards must succeed (migdev.audit.testing).
    audit_log(action=AuditAction.LOGIN, username="flush-check")
    assert AuditEvent.objects.filter(actor_username="flush-check").exists()


def test_previous_flush_left_guards_in_place() -> None:
    assert guards_present(connection)
    assert not AuditEvent.objects.filter(actor_username="flush-check").exists()
