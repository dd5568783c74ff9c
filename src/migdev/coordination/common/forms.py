"""Form pieces every part of the hub uses: date inputs, country codes, Global Compact filters, service errors on forms."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from migdev.coordination.countries import UnknownCountry, normalise_country_code


class DateInput(forms.DateInput):
    input_type = "date"


def clean_country(value: str) -> str:
    if not value:
        return ""
    try:
        return normalise_country_code(value)
    except UnknownCountry as error:
        raise forms.ValidationError(_("Unknown country code: %(code)s"), params={"code": value}) from error


class ObjectiveFilterField(forms.ModelChoiceField):
    """A Global Compact objective in a filter: the hub's short label ("10 – Eradicate trafficking") in the
    reader's language; forms that tag a record list the full titles instead."""

    def label_from_instance(self, obj: Any) -> str:
        return str(obj.short_label)


def add_validation_errors(form: forms.Form, error: ValidationError) -> None:
    """A service's ValidationError shown on the form: on its field when the form has one, else on top."""
    if hasattr(error, "error_dict"):
        for name, messages in error.message_dict.items():
            form.add_error(name if name in form.fields else None, messages)
    else:
        form.add_error(None, error)


def clean_country_list(value: str) -> list[str]:
    return [clean_country(code) for code in value.replace(",", " ").split()]
