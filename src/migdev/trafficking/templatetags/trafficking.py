"""Template helpers: HTCDS value names shown as their (translated) labels."""

from collections.abc import Iterable

from django import template

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
