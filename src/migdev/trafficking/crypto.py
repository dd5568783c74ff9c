# Moved to migdev.protection.crypto (ADR 0010). This path stays only for tokens.py, search.py and their
# tests, which another branch is rewriting; new code imports migdev.protection.crypto. Delete it once
# nothing imports it.
from migdev.protection.crypto import (  # noqa: F401
    KEY_ID_LENGTH,
    MIN_BLIND_INDEX_KEY_LENGTH,
    FieldCipher,
    FieldDecryptionError,
    blind_index,
    blind_index_key,
    blind_index_key_id,
    field_cipher,
    key_id_for,
    looks_encrypted,
    normalise_name,
)
