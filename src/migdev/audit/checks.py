"""System check: the append-only triggers must exist.

A migration that rebuilds the table on SQLite drops them silently.
"""

from collections.abc import Sequence
from typing import Any

from django.apps import AppConfig
from django.core.checks import CheckMessage, Error, Tags, register
from django.db import DatabaseError, connections
from django.db.migrations.recorder import MigrationRecorder

from migdev.audit.guards import TABLE, guards_present


@register(Tags.database)
def audit_guards_check(
    app_configs: Sequence[AppConfig] | None = None, databases: Sequence[str] | None = None, **kwargs: Any
) -> list[CheckMessage]:
    errors: list[CheckMessage] = []
    for alias in databases or []:
        connection = connections[alias]
        try:
            if TABLE not in connection.introspection.table_names():
                continue  # not migrated yet
            if ("audit", "0002_append_only_guards") not in MigrationRecorder(connection).applied_migrations():
                continue  # the guards arrive with that migration
            present = guards_present(connection)
        except DatabaseError:
            continue
        if not present:
            errors.append(
                Error(
                    f"The append-only triggers on {TABLE} are missing in database {alias!r}.",
                    hint="Run `migdev audit_protect` (and end any migration that alters AuditEvent with "
                    "RunPython(migdev.audit.guards.install_guards_migration)).",
                    id="audit.E001",
                )
            )
    return errors
