from typing import Any

from django import template
from django.utils.formats import number_format

from migdev.remittances.vocabulary import service_label as _service_label

register = template.Library()


@register.filter
def lookup(mapping: Any, key: Any) -> Any:
    """``{{ labels|lookup:code }}``: a dictionary value in a template, empty when absent."""
    if isinstance(mapping, dict):
        return mapping.get(key, "")
    return ""


@register.filter
def points(value: Any) -> str:
    """A signed number of percentage points: "+1.25" or "−0.40" (typographic minus)."""
    if value is None:
        return ""
    number = float(value)
    text = number_format(abs(number), decimal_pos=2)  # "1,25" in French and Spanish
    return f"+{text}" if number > 0 else (f"\u2212{text}" if number < 0 else text)


@register.filter
def whole(value: Any) -> int:
    """A count stored as a float (figures' observations) as an int, for plural forms."""
    try:
        return round(float(value))
    except (TypeError, ValueError):
        return 0


@register.filter
def service_label(value: Any) -> str:
    """A published pick-up method, payment instrument, access point or product in the reader's language
    when it is RPW's recurring wording, otherwise as published."""
    return _service_label(value)
