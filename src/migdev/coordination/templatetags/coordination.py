from __future__ import annotations

import datetime

from django import template
from django.utils.formats import date_format
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from migdev.coordination.countries import country_label
from migdev.coordination.models import DatePrecision, Meeting

register = template.Library()


@register.filter
def country(iso3: str) -> str:
    return country_label(iso3) if iso3 else ""


@register.simple_tag
def dated(value: datetime.date | None, precision: str = DatePrecision.DAY) -> str:
    """A date shown only as precisely as it is known."""
    if value is None:
        return ""
    if precision == DatePrecision.YEAR:
        return str(value.year)
    if precision == DatePrecision.MONTH:
        return date_format(value, "F Y")
    # Django's "M" has no French or Spanish form ("Jul" on a French page); those pages name the month.
    return date_format(value, "j M Y" if (get_language() or "en").startswith("en") else "j F Y")


@register.simple_tag
def meeting_dates(meeting: Meeting) -> str:
    if meeting.date_precision != DatePrecision.DAY or meeting.start_date == meeting.end_date:
        return dated(meeting.start_date, meeting.date_precision)
    return _("%(start)s to %(end)s") % {
        "start": dated(meeting.start_date),
        "end": dated(meeting.end_date),
    }


@register.simple_tag
def meeting_place(meeting: Meeting) -> str:
    if meeting.is_virtual:
        return _("Online")
    return ", ".join(
        part
        for part in (meeting.city, country_label(meeting.country_iso3) if meeting.country_iso3 else "")
        if part
    )
