from typing import Any

from django import template

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
    text = f"{abs(number):.2f}"
    return f"+{text}" if number > 0 else (f"\u2212{text}" if number < 0 else text)


@register.filter
def whole(value: Any) -> int:
    """A count stored as a float (figures' observations) as an int, for plural forms."""
    try:
        return round(float(value))
    except (TypeError, ValueError):
        return 0
