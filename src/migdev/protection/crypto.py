"""Encryption of identifying fields at rest, and the blind index used to spot duplicate persons.

One implementation for every module that holds data about people (ADR 0010); the model fields built on it
are in :mod:`migdev.protection.fields`. Keys live outside the database, in settings read from the
environment:

* ``MIGDEV_FIELD_KEYS``: Fernet keys, newest first. The first encrypts; all of them decrypt, so a new key
  can be put in front, rows re-encrypted with ``migdev rotate_field_keys``
  (:func:`migdev.trafficking.services.field_keys_rotate`), and the old key removed afterwards.
* ``MIGDEV_BLIND_INDEX_KEY``: a separate HMAC key for the blind index, so a leaked index table cannot be
  checked against guessed names without it, and the index key can be changed without re-encrypting.

A stored value is ``<key id>:<Fernet token>``. The key id (a hash of the key, not the key) tells which key
wrote a row, so rotation can count and skip rows that are already current.
"""

import hashlib
import hmac
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

KEY_ID_LENGTH = 8
MIN_BLIND_INDEX_KEY_LENGTH = 32


class FieldDecryptionError(Exception):
    """A stored value could not be decrypted with any configured key (the message never holds the value)."""


def key_id_for(key: str) -> str:
    digest = hashlib.sha256(b"migdev-field-key:" + key.encode("ascii")).hexdigest()
    return digest[:KEY_ID_LENGTH]


def looks_encrypted(value: str) -> bool:
    """Whether a stored string has the ``<key id>:<token>`` shape this module writes."""
    key_id, separator, token = value.partition(":")
    return (
        bool(separator)
        and len(key_id) == KEY_ID_LENGTH
        and all(c in "0123456789abcdef" for c in key_id)
        and token.startswith("gAAAAA")
    )


@dataclass(frozen=True)
class FieldCipher:
    """Encrypts with the first key; decrypts with whichever key wrote the value."""

    keys: tuple[tuple[str, Fernet], ...]

    @property
    def primary_key_id(self) -> str:
        return self.keys[0][0]

    @property
    def key_ids(self) -> tuple[str, ...]:
        return tuple(key_id for key_id, _ in self.keys)

    def encrypt(self, plaintext: str) -> str:
        key_id, fernet = self.keys[0]
        return f"{key_id}:{fernet.encrypt(plaintext.encode('utf-8')).decode('ascii')}"

    def decrypt(self, stored: str) -> str:
        key_id, _, token = stored.partition(":")
        candidates = [fernet for kid, fernet in self.keys if kid == key_id] or [f for _, f in self.keys]
        for fernet in candidates:
            try:
                return fernet.decrypt(token.encode("ascii")).decode("utf-8")
            except (InvalidToken, UnicodeError, ValueError):
                continue
        raise FieldDecryptionError(f"no configured field key decrypts a value written with key id {key_id!r}")

    def encrypt_bytes(self, plaintext: bytes) -> bytes:
        """A file's content: the key id, a colon, then the Fernet token."""
        key_id, fernet = self.keys[0]
        return key_id.encode("ascii") + b":" + fernet.encrypt(plaintext)

    def decrypt_bytes(self, stored: bytes) -> bytes:
        key_id, _, token = stored.partition(b":")
        wanted = key_id.decode("ascii", "replace")
        candidates = [fernet for kid, fernet in self.keys if kid == wanted] or [f for _, f in self.keys]
        for fernet in candidates:
            try:
                return fernet.decrypt(token)
            except (InvalidToken, ValueError):
                continue
        raise FieldDecryptionError(f"no configured field key decrypts a file written with key id {wanted!r}")

    def is_current(self, stored: str) -> bool:
        return stored.partition(":")[0] == self.primary_key_id

    def rotate(self, stored: str) -> str:
        """The value re-encrypted under the primary key (unchanged text, new token)."""
        return self.encrypt(self.decrypt(stored))


@lru_cache(maxsize=8)
def _cipher_for(keys: tuple[str, ...]) -> FieldCipher:
    if not keys:
        raise ImproperlyConfigured(
            "MIGDEV_FIELD_KEYS (or MIGDEV_FIELD_KEYS_FILE) must name at least one Fernet key; "
            "make one with: python -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())'"
        )
    built = []
    for key in keys:
        try:
            built.append((key_id_for(key), Fernet(key.encode("ascii"))))
        except (ValueError, UnicodeError) as error:
            raise ImproperlyConfigured("MIGDEV_FIELD_KEYS holds a value that is not a Fernet key.") from error
    return FieldCipher(tuple(built))


def field_cipher() -> FieldCipher:
    return _cipher_for(tuple(getattr(settings, "MIGDEV_FIELD_KEYS", ()) or ()))


# --- blind index ---------------------------------------------------------------------------------------


def blind_index_key() -> bytes:
    key = getattr(settings, "MIGDEV_BLIND_INDEX_KEY", "") or ""
    if len(key) < MIN_BLIND_INDEX_KEY_LENGTH:
        raise ImproperlyConfigured(
            f"MIGDEV_BLIND_INDEX_KEY must be a secret of at least {MIN_BLIND_INDEX_KEY_LENGTH} characters."
        )
    return key.encode("utf-8")


def blind_index_key_id() -> str:
    return hashlib.sha256(b"migdev-blind-index-key:" + blind_index_key()).hexdigest()[:KEY_ID_LENGTH]


def normalise_name(*parts: str) -> str:
    """Name tokens without accents, case or punctuation, sorted so that given and family names may swap.

    "José  MARÍA-López" and "lopez jose maria" normalise alike.
    """
    decomposed = unicodedata.normalize("NFKD", " ".join(parts))
    letters = "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
    cleaned = "".join(c if c.isalnum() else " " for c in letters)
    return " ".join(sorted(cleaned.split()))


def blind_index(*, names: Sequence[str], birth_date: date | None, citizenship: Iterable[str]) -> str:
    """Keyed hash of normalised name, birth date and citizenships; "" when there is no name to match on."""
    name = normalise_name(*names)
    if not name:
        return ""
    countries = ",".join(sorted({code.strip().upper() for code in citizenship if code.strip()}))
    message = "\x1f".join([name, birth_date.isoformat() if birth_date else "", countries])
    return hmac.new(blind_index_key(), message.encode("utf-8"), hashlib.sha256).hexdigest()
