from django.conf import LazySettings
from django.core.checks import run_checks

from migdev.protection.checks import field_keys_configured


def test_missing_keys_fail_the_system_check(settings: LazySettings) -> None:
    assert field_keys_configured() == []
    settings.MIGDEV_FIELD_KEYS = []
    settings.MIGDEV_BLIND_INDEX_KEY = ""
    assert {problem.id for problem in field_keys_configured()} == {"protection.E001", "protection.E002"}


def test_the_check_is_registered_with_the_platform(settings: LazySettings) -> None:
    # Registered by the protection app itself, so it runs whichever modules are installed.
    settings.MIGDEV_FIELD_KEYS = ["not a key"]
    assert "protection.E001" in {problem.id for problem in run_checks(tags=["security"])}
