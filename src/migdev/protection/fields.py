"""Model fields whose values are encrypted at rest (see :mod:`migdev.protection.crypto`).

The database only ever holds ``<key id>:<Fernet token>``; Python code sees plain values. Serialisation
(``dumpdata``, backups built on it) writes the encrypted form too, and loading accepts it back.

Ciphertexts differ on every write, so these fields cannot be searched or compared in SQL: only
``isnull`` is allowed, and any other lookup raises instead of silently matching nothing. Duplicate
detection goes through the blind index instead.
"""

from datetime import date
from typing import Any

from django.core.exceptions import FieldError, ValidationError
from django.db import models
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Lookup
from django.utils.dateparse import parse_date
from django.utils.translation import gettext_lazy as _

from migdev.protection.crypto import field_cipher, looks_encrypted


class EncryptedTextField(models.TextField):
    """Free text, encrypted at rest. Empty strings are stored as "" so a blank form stays blank."""

    description = _("Text encrypted at rest")

    def get_lookup(self, lookup_name: str) -> "type[Lookup[Any]] | None":
        if lookup_name != "isnull":
            raise FieldError(f"'{self.name}' is encrypted; it cannot be filtered with '{lookup_name}'.")
        return super().get_lookup(lookup_name)

    def _to_plain(self, value: str) -> Any:
        return value

    def _from_plain(self, value: Any) -> str:
        return str(value)

    def from_db_value(self, value: str | None, expression: Any, connection: BaseDatabaseWrapper) -> Any:
        if value is None or value == "":
            return value if value is None else self._empty()
        return self._to_plain(field_cipher().decrypt(value))

    def _empty(self) -> Any:
        return ""

    def to_python(self, value: Any) -> Any:
        if isinstance(value, str) and looks_encrypted(value):
            return self._to_plain(field_cipher().decrypt(value))
        return value

    def get_prep_value(self, value: Any) -> Any:
        if value is None or value == "":
            return value
        plain = self._from_plain(value)
        if looks_encrypted(plain):
            # Never double-encrypt, and never store something that would be mistaken for a ciphertext.
            raise ValidationError(_("This value has the form of an encrypted value and cannot be stored."))
        return field_cipher().encrypt(plain)

    def value_to_string(self, obj: models.Model) -> str:
        value = self.value_from_object(obj)
        prepared = self.get_prep_value(value)
        return "" if prepared is None else str(prepared)


class EncryptedCharField(EncryptedTextField):
    """Short text (names, phone numbers) encrypted at rest; ``max_length`` limits the plain value."""

    def formfield(self, form_class: Any = None, choices_form_class: Any = None, **kwargs: Any) -> Any:
        from django import forms

        defaults: dict[str, Any] = {"max_length": self.max_length}
        defaults.update(kwargs)
        return models.Field.formfield(self, form_class=form_class or forms.CharField, **defaults)


class EncryptedDateField(EncryptedTextField):
    """A date (birth date) encrypted at rest as ISO text."""

    description = _("Date encrypted at rest")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("null", True)
        kwargs.setdefault("blank", True)
        super().__init__(*args, **kwargs)

    def _empty(self) -> Any:
        return None

    def _to_plain(self, value: str) -> date | None:
        return parse_date(value)

    def _from_plain(self, value: Any) -> str:
        if isinstance(value, date):
            return value.isoformat()
        parsed = parse_date(str(value))
        if parsed is None:
            raise ValidationError(_("Enter a valid date."))
        return parsed.isoformat()

    def to_python(self, value: Any) -> Any:
        value = super().to_python(value)
        if value is None or value == "" or isinstance(value, date):
            return value or None
        parsed = parse_date(str(value))
        if parsed is None:
            raise ValidationError(_("Enter a valid date."))
        return parsed

    def formfield(self, form_class: Any = None, choices_form_class: Any = None, **kwargs: Any) -> Any:
        from django import forms

        return models.Field.formfield(self, form_class=form_class or forms.DateField, **kwargs)

    def value_from_object(self, obj: models.Model) -> Any:
        # Serialisers pass dates through untouched (they are "protected types"), so without this
        # ``dumpdata`` and JSON backups would write the birth date in clear. Generic readers get the
        # stored, encrypted form; code reads the attribute, and loading decrypts it back (to_python).
        value = super().value_from_object(obj)
        return None if value is None else self.get_prep_value(value)

    def value_to_string(self, obj: models.Model) -> str:
        stored = self.value_from_object(obj)
        return "" if stored is None else str(stored)


def encrypted_fields(model: type[models.Model]) -> list[EncryptedTextField]:
    return [field for field in model._meta.concrete_fields if isinstance(field, EncryptedTextField)]
