from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DEFAULT_DB_ALIAS, connections

from migdev.audit.guards import TABLE, guards_present, install_guards


class Command(BaseCommand):
    help = (
        "Make the audit table append-only for the application's database role (PostgreSQL): revoke "
        "UPDATE, DELETE and TRUNCATE from it, keep SELECT and INSERT, and re-install the triggers. "
        "Run as the table owner after granting the application role its privileges."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--role", action="append", default=[], help="Application role (repeatable).")
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS)

    def handle(self, *args: Any, **options: Any) -> None:
        connection = connections[options["database"]]
        install_guards(connection)
        if connection.vendor == "postgresql":
            quote = connection.ops.quote_name
            with connection.cursor() as cursor:
                for role in options["role"]:
                    cursor.execute(f"REVOKE UPDATE, DELETE, TRUNCATE ON {quote(TABLE)} FROM {quote(role)}")
                    cursor.execute(f"GRANT SELECT, INSERT ON {quote(TABLE)} TO {quote(role)}")
                    cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [TABLE])
                    sequence = cursor.fetchone()[0]
                    if sequence:
                        # pg_get_serial_sequence returns an already quoted, schema-qualified name.
                        cursor.execute(f"GRANT USAGE, SELECT ON SEQUENCE {sequence} TO {quote(role)}")
                    cursor.execute(
                        "SELECT has_table_privilege(%s, %s, 'UPDATE') "
                        "OR has_table_privilege(%s, %s, 'DELETE') "
                        "OR has_table_privilege(%s, %s, 'TRUNCATE')",
                        [role, TABLE] * 3,
                    )
                    if cursor.fetchone()[0]:
                        raise CommandError(
                            f"{role} can still change audit events (it may own the table or inherit a role "
                            "that does). Run the application as a role that does not own the table."
                        )
                    self.stdout.write(f"{role}: may read and append audit events only.")
        elif options["role"]:
            self.stdout.write("Database roles exist only on PostgreSQL; the triggers are installed.")
        if not guards_present(connection):
            raise CommandError("The append-only triggers are missing after installation.")
        self.stdout.write("Append-only triggers are in place.")
