"""pytest support: flushing a test database whose audit table refuses DELETE.

pytest-django empties the database after each ``transactional_db`` / ``live_server`` test with
``flush``, which the append-only triggers refuse (SQLite runs ``DELETE FROM``; PostgreSQL's TRUNCATE
hits the truncate trigger). Load this module as a plugin from the root ``tests/conftest.py``::

    pytest_plugins = ["migdev.audit.testing"]

It lifts the triggers around that flush only, and puts them back right after.
"""

from collections.abc import Iterator
from typing import Any

import pytest
from django.db import connections
from django.test import TransactionTestCase

from migdev.audit.guards import guards_suspended

_PATCHED = "_migdev_audit_flush_patched"


def _patch_transaction_test_case() -> None:
    if getattr(TransactionTestCase, _PATCHED, False):
        return
    original = TransactionTestCase._fixture_teardown  # type: ignore[attr-defined]

    def fixture_teardown(self: TransactionTestCase) -> Any:
        aliases = self._databases_names(include_mirrors=False)  # type: ignore[attr-defined]
        suspended = [guards_suspended(connections[alias]) for alias in aliases]
        for context in suspended:
            context.__enter__()
        try:
            return original(self)
        finally:
            for context in reversed(suspended):
                context.__exit__(None, None, None)

    TransactionTestCase._fixture_teardown = fixture_teardown  # type: ignore[attr-defined]
    setattr(TransactionTestCase, _PATCHED, True)  # noqa: B010


@pytest.fixture(scope="session", autouse=True)
def audit_guards_allow_test_flush() -> Iterator[None]:
    _patch_transaction_test_case()
    yield
