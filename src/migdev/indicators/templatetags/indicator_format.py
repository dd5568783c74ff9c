from django import template

from migdev.indicators.formatting import format_value
from migdev.indicators.models import Indicator

register = template.Library()


@register.filter
def in_units(value: float | None, indicator: Indicator) -> str:
    """A true-unit value shown in the indicator's display unit (e.g. US$ million) and decimals."""
    return format_value(value, indicator)
