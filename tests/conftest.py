"""Shared fixtures. Module fixtures live in tests/<module>/conftest.py."""

# The audit table's triggers refuse DELETE; this plugin lifts them only while pytest-django flushes a test database.
pytest_plugins = ["migdev.audit.testing"]
