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
