"""Numbers as people read them: in the indicator's display unit, grouped for the active language."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

from django.utils.formats import number_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from migdev.indicators.models import Indicator


def display_value(value: float, indicator: Indicator) -> float:
    return value / 10**indicator.display_mult


def served_value(value: float | None, indicator: Indicator) -> float | None:
    """The one representation served everywhere (API, downloads, pages): the value in the indicator's
    unit (e.g. US$ million), with ``indicator.display_mult`` as its SDMX UNIT_MULT."""
    return None if value is None else display_value(value, indicator)


def shown_decimals(value: float, places: int) -> int:
    """Enough decimals that a non-zero value never reads as zero: 0.03 with one decimal shows 0.03."""
    if value == 0 or round(abs(value), places) >= 10**-places:
        return places
    first_digit = -math.floor(math.log10(abs(value)))  # 0.03 → 2, 0.0004 → 4
    return max(places, first_digit)


def format_value(value: float | None, indicator: Indicator, *, decimals: int | None = None) -> str:
    if value is None:
        return "–"
    places = indicator.decimals if decimals is None else decimals
    shown = display_value(value, indicator)
    places = shown_decimals(shown, places)
    return number_format(round(shown, places), places, force_grouping=True)


COMPACT_STEPS = ((10**9, _("%(number)s bn")), (10**6, _("%(number)s M")), (10**3, _("%(number)s k")))


def tick_formatter(indicator: Indicator, values: Sequence[float]) -> Callable[[float], str]:
    """A formatter for chart axes: short labels ("300 M") with as few decimals as the spacing needs."""
    shown = [value / 10**indicator.display_mult for value in values] or [0.0]
    magnitude = max(abs(value) for value in shown)
    span = max(shown) - min(shown) or magnitude
    scale, template = next(
        ((step, text) for step, text in COMPACT_STEPS if magnitude >= 10 * step), (1, None)
    )
    decimals = 0 if span / scale >= 10 else (1 if span / scale >= 1 else 2)

    def format_tick(value: float) -> str:
        number = number_format(
            round(value / 10**indicator.display_mult / scale, decimals), decimals, force_grouping=True
        )
        return str(template) % {"number": number} if template else number

    return format_tick


def catalogue_text(text: str) -> str:
    """A stored catalogue text (indicator name, definition, unit label …) in the active language.

    The seeded texts are in the module's catalogues (see ``catalogue``); a text nobody translated, or
    one an editor changed, stays as stored. The empty text stays empty (gettext("") is the PO header).
    """
    return gettext(text) if text else text
