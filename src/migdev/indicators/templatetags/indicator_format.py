from django import template

from migdev.indicators.formatting import catalogue_text, format_value
from migdev.indicators.models import Indicator

register = template.Library()


@register.filter
def in_units(value: float | None, indicator: Indicator) -> str:
    """A true-unit value shown in the indicator's display unit (e.g. US$ million) and decimals."""
    return format_value(value, indicator)


@register.filter
def localised(text: str) -> str:
    """A stored catalogue text (indicator name, unit label, SDG title …) in the active language.

    Used instead of ``{% translate variable %}``, which doubles every "%" before looking the text up,
    so that "% of population" would never be found in the catalogue.
    """
    return catalogue_text(text)
