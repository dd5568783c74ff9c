from __future__ import annotations

import datetime

from django import template
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from migdev.accounts.models import Organisation
from migdev.coordination.common.selectors import organisation_names_in, shown_organisation_name
from migdev.coordination.countries import country_label
from migdev.coordination.models import DatePrecision, Meeting
from migdev.reference.models import name_language

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


def _names_for_page(context: template.Context, language: str) -> dict[int, tuple[str, str]]:
    """The page's names in ``language``, read once per request (one query however many organisations it lists)."""
    request = context.get("request")
    if request is None:
        return organisation_names_in(language)
    cache: dict[str, dict[int, tuple[str, str]]] = getattr(request, "_organisation_names", {})
    if language not in cache:
        cache[language] = organisation_names_in(language)
        request._organisation_names = cache
    return cache[language]


@register.simple_tag(takes_context=True)
def org_name(context: template.Context, organisation: Organisation | None, short: bool = False) -> str:
    """An organisation's name in the page's language where it publishes one (OIM, HCR, ACNUR…); otherwise its English
    name inside ``<span lang="en">`` on French and Spanish pages. ``short=True`` prefers the acronym."""
    if organisation is None:
        return ""
    language = name_language()
    names = {} if language == "en" else _names_for_page(context, language)
    shown = shown_organisation_name(organisation, language, names, short=short)
    if shown.lang:
        return format_html('<span lang="{}">{}</span>', shown.lang, shown.text)
    return shown.text
