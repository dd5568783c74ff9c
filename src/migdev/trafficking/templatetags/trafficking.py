"""Template helpers: HTCDS value names shown as their (translated) labels, and release settings as text."""

from collections.abc import Iterable, Mapping
from typing import Any

from django import template
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from migdev.trafficking.services import LIST_CHOICES

register = template.Library()


@register.filter
def choice_labels(values: Iterable[str] | None, field: str) -> str:
    """``case.control_methods|choice_labels:"control_methods"`` → "Debt bondage, Physical abuse"."""
    choices = LIST_CHOICES.get(field)
    labels = dict(choices.choices) if choices is not None else {}
    return ", ".join(str(labels.get(value, value)) for value in values or [])


@register.filter
def country_names(codes: Iterable[str] | str | None) -> str:
    """``case.citizenship|country_names`` → "Nigeria, Spain" (names of the page's language, sorted in it)."""
    from migdev.trafficking.countries import country_names as names

    if not codes:
        return ""
    return names([codes] if isinstance(codes, str) else codes)


@register.filter
def plain_value(value: Any) -> str:
    """A release's parameter or report value as a reader sees it, not as Python prints it:
    ``["gender", "age"]`` → "gender, age"; ``{"gender": 3}`` → "gender: 3"; ``False`` → "No"."""
    if value is None or value == "" or value == [] or value == {}:
        return "—"
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, float):
        return number_format(round(value, 4), use_l10n=True)
    if isinstance(value, int):
        return number_format(value, use_l10n=True, force_grouping=True)
    if isinstance(value, Mapping):
        return "; ".join(f"{key}: {plain_value(item)}" for key, item in value.items())
    if isinstance(value, list | tuple):
        return ", ".join(plain_value(item) for item in value)
    return str(value)
