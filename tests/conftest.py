"""Shared fixtures. Module fixtures live in tests/<module>/conftest.py."""
