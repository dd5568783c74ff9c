"""Database-level append-only guards for the audit table, on SQLite and PostgreSQL.

The triggers refuse UPDATE and DELETE (and TRUNCATE on PostgreSQL) whoever runs them, the table owner
included. On PostgreSQL the application should moreover connect as a role that is not the table owner
and holds only SELECT and INSERT on the table (see ``migdev audit_protect --role``): privileges stop an
attacker who controls the application's SQL, triggers stop mistakes by anyone.

SQLite rebuilds a table (and silently drops its triggers) when a migration alters it. Any future
migration that alters ``AuditEvent`` must end with ``RunPython(install_guards_migration)``; the
``audit.E001`` system check and a test catch a forgotten one.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.db.backends.base.base import BaseDatabaseWrapper

TABLE = "audit_auditevent"
GUARD_MESSAGE = "audit events are append-only"
SQLITE_TRIGGERS = ("audit_auditevent_no_update", "audit_auditevent_no_delete")
POSTGRES_FUNCTION = "audit_auditevent_append_only"
POSTGRES_TRIGGERS = ("audit_auditevent_no_update_delete", "audit_auditevent_no_truncate")


def _sqlite_install(cursor: Any) -> None:
    for trigger, operation in zip(SQLITE_TRIGGERS, ("UPDATE", "DELETE"), strict=True):
        cursor.execute(
            f'CREATE TRIGGER IF NOT EXISTS "{trigger}" BEFORE {operation} ON "{TABLE}" '
            f"BEGIN SELECT RAISE(ABORT, '{GUARD_MESSAGE}'); END"
        )


def _postgres_install(cursor: Any) -> None:
    cursor.execute(
        f"""
        CREATE OR REPLACE FUNCTION {POSTGRES_FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $guard$
        BEGIN
            RAISE EXCEPTION '{GUARD_MESSAGE}: % refused on %', TG_OP, TG_TABLE_NAME
                USING ERRCODE = 'insufficient_privilege';
        END;
        $guard$
        """
    )
    row_trigger, truncate_trigger = POSTGRES_TRIGGERS
    cursor.execute(f'DROP TRIGGER IF EXISTS "{row_trigger}" ON "{TABLE}"')
    cursor.execute(
        f'CREATE TRIGGER "{row_trigger}" BEFORE UPDATE OR DELETE ON "{TABLE}" '
        f"FOR EACH ROW EXECUTE FUNCTION {POSTGRES_FUNCTION}()"
    )
    cursor.execute(f'DROP TRIGGER IF EXISTS "{truncate_trigger}" ON "{TABLE}"')
    cursor.execute(
        f'CREATE TRIGGER "{truncate_trigger}" BEFORE TRUNCATE ON "{TABLE}" '
        f"FOR EACH STATEMENT EXECUTE FUNCTION {POSTGRES_FUNCTION}()"
    )
    cursor.execute(f'REVOKE UPDATE, DELETE, TRUNCATE ON "{TABLE}" FROM PUBLIC')
    cursor.execute(
        "SELECT tableowner FROM pg_tables WHERE tablename = %s AND schemaname = current_schema()", [TABLE]
    )
    owner_row = cursor.fetchone()
    cursor.execute("SELECT current_user")
    current_user = cursor.fetchone()[0]
    if owner_row is not None and owner_row[0] != current_user:
        # Only effective for privileges this role (or a superuser acting as the owner) granted.
        cursor.execute(f'REVOKE UPDATE, DELETE, TRUNCATE ON "{TABLE}" FROM CURRENT_USER')


def install_guards(connection: BaseDatabaseWrapper) -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            _sqlite_install(cursor)
        elif connection.vendor == "postgresql":
            _postgres_install(cursor)


def remove_guards(connection: BaseDatabaseWrapper) -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            for trigger in SQLITE_TRIGGERS:
                cursor.execute(f'DROP TRIGGER IF EXISTS "{trigger}"')
        elif connection.vendor == "postgresql":
            for trigger in POSTGRES_TRIGGERS:
                cursor.execute(f'DROP TRIGGER IF EXISTS "{trigger}" ON "{TABLE}"')


def guards_present(connection: BaseDatabaseWrapper) -> bool:
    """True when every trigger is in place (always True on databases without guards)."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = %s", [TABLE])
            expected = set(SQLITE_TRIGGERS)
        elif connection.vendor == "postgresql":
            cursor.execute(
                "SELECT tgname FROM pg_trigger WHERE tgrelid = to_regclass(%s) AND NOT tgisinternal "
                "AND tgenabled <> 'D'",
                [TABLE],
            )
            expected = set(POSTGRES_TRIGGERS)
        else:
            return True
        return expected <= {row[0] for row in cursor.fetchall()}


@contextmanager
def guards_suspended(connection: BaseDatabaseWrapper) -> Iterator[None]:
    """Lift the triggers for a deliberate maintenance step (a retention purge, a test-database flush).

    On PostgreSQL only the table owner or a superuser can do this, which the application role is not.
    """
    remove_guards(connection)
    try:
        yield
    finally:
        install_guards(connection)


def install_guards_migration(apps: Any, schema_editor: Any) -> None:
    install_guards(schema_editor.connection)


def remove_guards_migration(apps: Any, schema_editor: Any) -> None:
    remove_guards(schema_editor.connection)
