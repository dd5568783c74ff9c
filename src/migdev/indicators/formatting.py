"""Numbers as people read them: in the indicator's display unit, grouped for the active language."""

from __future__ import annotations

from collections.abc import Callable

from django.utils.formats import number_format

from migdev.indicators.models import Indicator


def display_value(value: float, indicator: Indicator) -> float:
    return value / 10**indicator.display_mult


def format_value(value: float | None, indicator: Indicator, *, decimals: int | None = None) -> str:
    if value is None:
        return "–"
    places = indicator.decimals if decimals is None else decimals
    return number_format(round(display_value(value, indicator), places), places, force_grouping=True)


def tick_formatter(indicator: Indicator, span: float) -> Callable[[float], str]:
    """A formatter for chart axes: as few decimals as the tick spacing needs."""
    shown_span = abs(span) / 10**indicator.display_mult
    decimals = 0 if shown_span >= 10 else (1 if shown_span >= 1 else 2)

    def format_tick(value: float) -> str:
        return number_format(
            round(value / 10**indicator.display_mult, decimals), decimals, force_grouping=True
        )

    return format_tick
