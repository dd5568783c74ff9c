import pytest
from cryptography.fernet import Fernet
from django.conf import LazySettings

from migdev.audit.testing import audit_guards_allow_test_flush  # noqa: F401  (autouse fixture)

TEST_FIELD_KEY = Fernet.generate_key().decode()
TEST_BLIND_KEY = "test-blind-index-key-0123456789-abcdefghijklmnop"


@pytest.fixture(autouse=True)
def _private_media(settings: LazySettings, tmp_path_factory: pytest.TempPathFactory) -> None:
    # Case attachments written by a test land in a folder of that test, never in the checkout's var/.
    settings.MEDIA_ROOT = str(tmp_path_factory.mktemp("media"))


@pytest.fixture(autouse=True)
def _field_keys(settings: LazySettings) -> None:
    # Keys of this test run only: nothing a test writes can be read with the development keys.
    settings.MIGDEV_FIELD_KEYS = [TEST_FIELD_KEY]
    settings.MIGDEV_BLIND_INDEX_KEY = TEST_BLIND_KEY
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    settings.OTP_STATIC_THROTTLE_FACTOR = 0
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def seeded_roles(transactional_db: None) -> None:
    """The role grants the data migrations seed. A transactional test's database may have been emptied
    by an earlier one (pytest-django flushes after each), so such tests put them back themselves."""
    import importlib

    from django.apps import apps

    from migdev.accounts.migration_helpers import grant_role_permissions

    for module in (
        "migdev.accounts.migrations.0004_seed_roles",
        "migdev.trafficking.migrations.0002_grant_roles",
    ):
        grant_role_permissions(apps, importlib.import_module(module).GRANTS)
