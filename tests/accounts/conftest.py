import pytest
from django.conf import LazySettings

from migdev.audit.testing import audit_guards_allow_test_flush  # noqa: F401  (autouse fixture)
from tests.accounts.scenarios import World, build_world


@pytest.fixture(autouse=True)
def _no_otp_throttling(settings: LazySettings) -> None:
    # django-otp delays retries after a wrong code; tests that need that behaviour turn it back on.
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    settings.OTP_STATIC_THROTTLE_FACTOR = 0


@pytest.fixture(autouse=True)
def _cheap_argon2(settings: LazySettings) -> None:
    settings.PASSWORD_HASHERS = [
        "tests.accounts.hashers.CheapArgon2PasswordHasher",
        *settings.PASSWORD_HASHERS,
    ]


@pytest.fixture
def world(db: None) -> World:
    return build_world()
