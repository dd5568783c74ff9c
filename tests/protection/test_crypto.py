from datetime import date

import pytest
from cryptography.fernet import Fernet
from django.conf import LazySettings
from django.core.exceptions import ImproperlyConfigured
from hypothesis import given
from hypothesis import strategies as st

from migdev.protection.crypto import (
    FieldDecryptionError,
    blind_index,
    field_cipher,
    key_id_for,
    looks_encrypted,
    normalise_name,
)


def test_values_round_trip_and_never_appear_in_the_stored_form() -> None:
    cipher = field_cipher()
    stored = cipher.encrypt("Amina Diallo")
    assert "Amina" not in stored and "Diallo" not in stored
    assert looks_encrypted(stored)
    assert cipher.decrypt(stored) == "Amina Diallo"


def test_the_same_value_encrypts_differently_each_time() -> None:
    cipher = field_cipher()
    assert cipher.encrypt("same") != cipher.encrypt("same")


@given(st.text(max_size=200))
def test_any_text_round_trips(text: str) -> None:
    cipher = field_cipher()
    assert cipher.decrypt(cipher.encrypt(text)) == text


def test_rotation_keeps_old_values_readable_and_rewrites_them_under_the_new_key(
    settings: LazySettings,
) -> None:
    old = field_cipher()
    stored = old.encrypt("Old secret")
    new_key = Fernet.generate_key().decode()
    settings.MIGDEV_FIELD_KEYS = [new_key, *settings.MIGDEV_FIELD_KEYS]
    both = field_cipher()
    assert both.decrypt(stored) == "Old secret"
    assert not both.is_current(stored)
    rotated = both.rotate(stored)
    assert both.is_current(rotated)
    assert rotated.startswith(key_id_for(new_key) + ":")
    settings.MIGDEV_FIELD_KEYS = [new_key]
    assert field_cipher().decrypt(rotated) == "Old secret"
    with pytest.raises(FieldDecryptionError) as raised:
        field_cipher().decrypt(stored)
    assert "Old secret" not in str(raised.value)


def test_missing_or_bad_keys_are_configuration_errors(settings: LazySettings) -> None:
    settings.MIGDEV_FIELD_KEYS = []
    with pytest.raises(ImproperlyConfigured):
        field_cipher()
    settings.MIGDEV_FIELD_KEYS = ["not a key"]
    with pytest.raises(ImproperlyConfigured):
        field_cipher()
    settings.MIGDEV_BLIND_INDEX_KEY = "short"
    with pytest.raises(ImproperlyConfigured):
        blind_index(names=["A"], birth_date=None, citizenship=[])


def test_names_normalise_across_accents_case_punctuation_and_order() -> None:
    assert normalise_name("José  MARÍA-López") == normalise_name("lopez", "jose maria")
    assert normalise_name("Zoë O'Brien") == "brien o zoe"
    assert normalise_name("  ") == ""


def test_blind_index_matches_the_same_person_and_separates_others() -> None:
    one = blind_index(names=["José", "López"], birth_date=date(1990, 5, 1), citizenship=["mx"])
    same = blind_index(names=["LOPEZ jose"], birth_date=date(1990, 5, 1), citizenship=["MX"])
    other_birth = blind_index(names=["José", "López"], birth_date=date(1990, 5, 2), citizenship=["MX"])
    other_country = blind_index(names=["José", "López"], birth_date=date(1990, 5, 1), citizenship=["GT"])
    assert one == same
    assert len({one, other_birth, other_country}) == 3
    assert "jose" not in one
    assert blind_index(names=["", " "], birth_date=None, citizenship=["MX"]) == ""


def test_blind_index_depends_on_its_own_key(settings: LazySettings) -> None:
    before = blind_index(names=["Ana"], birth_date=None, citizenship=[])
    settings.MIGDEV_BLIND_INDEX_KEY = "another-blind-index-key-0123456789-abcdefghij"
    assert blind_index(names=["Ana"], birth_date=None, citizenship=[]) != before
