import pytest
from cryptography.fernet import Fernet
from django.conf import LazySettings

TEST_FIELD_KEY = Fernet.generate_key().decode()
TEST_BLIND_KEY = "test-blind-index-key-0123456789-abcdefghijklmnop"


@pytest.fixture(autouse=True)
def _field_keys(settings: LazySettings) -> None:
    # Keys of this test run only, never the development keys of the checkout.
    settings.MIGDEV_FIELD_KEYS = [TEST_FIELD_KEY]
    settings.MIGDEV_BLIND_INDEX_KEY = TEST_BLIND_KEY
