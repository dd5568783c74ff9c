"""Public pages: the instruments, one instrument (parties on a map, in a table, year by year), a country's
instruments beside its national laws and policies, countries compared, and the party list as a download.

Every status on these pages is "as of" the date of the party list it comes from, with its age: the shipped
snapshot stops in 2013–2015 (ICRMW partly 2022) and must never read as today's status.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from migdev.dataio.exports import ExportFormat, export_response
from migdev.law import access as law_access
from migdev.law import selectors
from migdev.law.models import EU_CODE, Instrument, PartyList
from migdev.reference.collation import collation_key
from migdev.reference.models import Country

MAX_COMPARED = 6


def _names() -> dict[str, str]:
    names = {country.iso3: country.name for country in Country.objects.all()}
    names[EU_CODE] = _("European Union")
    return names


def _day(value: str | None) -> date | None:
    try:
        return date.fromisoformat((value or "").strip()[:10]) if value else None
    except ValueError:
        return None


def _age(as_of: date) -> int:
    return selectors.age_in_years(as_of, timezone.localdate())


def _source_lines(instrument: Instrument, party_list: PartyList | None) -> list[str]:
    lines = []
    if party_list is not None:
        lines.append(
            _("Party list: %(sources)s — status as of %(date)s, file %(file)s.")
            % {
                "sources": "; ".join(party_list.sources.splitlines()),
                "date": date_format(party_list.as_of),
                "file": party_list.file_name,
            }
        )
        lines.append(
            _("Counts of parties on a date: computed by migdev from the dated actions of that list.")
        )
    if instrument.title_source:
        lines.append(_("Titles: %(source)s") % {"source": instrument.title_source})
    if instrument.adoption_source:
        lines.append(_("Adoption: %(source)s") % {"source": instrument.adoption_source})
    if instrument.entry_into_force_source:
        lines.append(_("Entry into force: %(source)s") % {"source": instrument.entry_into_force_source})
    if instrument.depositary_source:
        lines.append(_("Depositary: %(source)s") % {"source": instrument.depositary_source})
    lines.append(
        _("Topics and Global Compact objectives: tagged by migdev's editors (%(file)s).")
        % {"file": instrument.source}
    )
    return lines


def home(request: HttpRequest) -> HttpResponse:
    rows = []
    for instrument in selectors.instruments():
        lists = list(instrument.party_lists.all())
        found = selectors.status(instrument, party_list=lists[0]) if lists else None
        rows.append(
            {
                "instrument": instrument,
                "status": found,
                "age": _age(found.known_until) if found else None,
                "editions": len(lists),
            }
        )
    return render(
        request,
        "law/home.html",
        {
            "section": "home",
            "rows": rows,
            "countries": sorted(_names().items(), key=lambda item: collation_key(item[1])),
        },
    )


def instrument_detail(request: HttpRequest, code: str) -> HttpResponse:
    instrument = selectors.instrument(code)
    if instrument is None:
        raise Http404
    editions = selectors.editions(instrument)
    chosen_edition = _day(request.GET.get("edition"))
    party_list = next((e for e in editions if e.as_of == chosen_edition), editions[0] if editions else None)
    on = _day(request.GET.get("on"))
    context: dict[str, Any] = {
        "section": "instruments",
        "instrument": instrument,
        "editions": editions,
        "party_list": party_list,
        "provisions": selectors.provisions(instrument),
        "sources": _source_lines(instrument, party_list),
        "can_edit": law_access.can_edit(request.user),
    }
    if party_list is not None:
        found = selectors.status(instrument, on, party_list=party_list)
        assert found is not None
        names = _names()
        counts = selectors.counts_by_year(instrument, party_list=party_list)
        context.update(
            {
                "status": found,
                "on": on,
                "age": _age(party_list.as_of),
                "rows": sorted(
                    (
                        {"name": names.get(p.code, p.name_as_printed), "participant": p}
                        for p in found.participants
                    ),
                    key=lambda row: collation_key(str(row["name"])),
                ),
                "counts": counts,
                "chart": _count_chart(instrument, counts, party_list),
                "map": _party_map(found, names),
            }
        )
    return render(request, "law/instrument.html", context)


def _count_chart(instrument: Instrument, counts: list[selectors.YearCount], party_list: PartyList) -> Any:
    from migdev.indicators import charts

    if not counts:
        return None
    line = charts.Line(
        _("Parties"),
        [charts.Point(float(c.year), float(c.parties), f"{c.year}: {c.parties}") for c in counts],
    )
    return charts.line_chart(
        [line],
        title=_("Parties to %(code)s at the end of each year") % {"code": instrument.code},
        description=_(
            "Number of parties at the end of each year, computed from the dated actions of the party list as of "
            "%(date)s; the last point is on that date. The table below gives every value."
        )
        % {"date": date_format(party_list.as_of)},
        format_value=lambda value: str(int(value)),
        key=f"law-{instrument.code.lower()}",
    )


def _party_map(found: selectors.Status, names: dict[str, str]) -> Any:
    from migdev.indicators import charts, worldmap

    shapes = worldmap.world_shapes()
    by_code = {p.code: p for p in found.participants}
    areas = []
    for country in Country.objects.all():
        path = shapes.paths.get(country.iso2.upper())
        if path is None:
            continue
        participant = by_code.get(country.iso3)
        if participant is not None and participant.is_party:
            css, label = "law-party", _("party")
        elif participant is not None and participant.is_signatory:
            css, label = "law-signatory", _("signatory, not a party")
        else:
            css, label = "law-none", _("not listed as party or signatory")
        href = reverse("law:country", args=[country.iso3])
        areas.append(charts.MapArea(country.iso3, names[country.iso3], None, label, path, href, css))
    return charts.world_map(
        areas,
        [],
        width=shapes.width,
        height=shapes.height,
        title=_("Parties to %(code)s on %(date)s")
        % {"code": found.instrument.code, "date": date_format(found.day)},
        description=_("World map: parties, signatories and others; the table below lists every participant."),
        key="law-map",
    )


def instrument_download(request: HttpRequest, code: str) -> HttpResponseBase:
    instrument = selectors.instrument(code)
    if instrument is None:
        raise Http404
    party_list = selectors.edition(instrument, _day(request.GET.get("edition")))
    if party_list is None:
        raise Http404
    fmt: ExportFormat = "json" if request.GET.get("format") == "json" else "csv"
    columns = [
        ("instrument", "instrument"),
        ("participant_code", "participant_code"),
        ("name_as_printed", "name_as_printed"),
        ("action", "action"),
        ("date", "date"),
        ("year", "year"),
        ("precision", "precision"),
        ("raw", "raw"),
        ("source", "source"),
        ("as_of", "as_of"),
    ]
    rows = (
        {
            "instrument": instrument.code,
            "participant_code": action.participant_code,
            "name_as_printed": action.name_as_printed,
            "action": action.kind,
            "date": action.date.isoformat() if action.date else "",
            "year": action.year or "",
            "precision": action.precision,
            "raw": action.raw,
            "source": action.source,
            "as_of": action.as_of.isoformat(),
        }
        for action in party_list.actions.order_by("participant_code", "date")
    )
    return export_response(
        rows, columns, fmt, f"{instrument.code}_parties_as_of_{party_list.as_of.isoformat()}"
    )


def _policies(request: HttpRequest, iso3: str) -> list[Any]:
    from migdev.coordination.policies.selectors import PolicyFilters, policies_list
    from migdev.law.models import Implementation

    policies = list(policies_list(request.user, PolicyFilters(country_iso3=iso3))[:200])
    links: dict[int, list[Implementation]] = {}
    implemented = Implementation.objects.filter(policy__in=[p.pk for p in policies]).select_related(
        "instrument"
    )
    for link in implemented.prefetch_related("gcm_objectives").order_by("instrument__code"):
        links.setdefault(link.policy_id, []).append(link)
    return [{"policy": policy, "links": links.get(policy.pk, [])} for policy in policies]


def country(request: HttpRequest, iso3: str) -> HttpResponse:
    iso3 = iso3.upper()[:3]
    found = Country.objects.filter(iso3=iso3).first()
    if found is None:
        raise Http404
    rows = [
        {"item": item, "age": _age(item.party_list.as_of) if item.party_list else None}
        for item in selectors.country_instruments(iso3)
    ]
    try:
        profile_url = (
            reverse("indicators:country", args=[iso3])
            if "migdev.indicators" in settings.INSTALLED_APPS
            else ""
        )
    except NoReverseMatch:
        profile_url = ""
    return render(
        request,
        "law/country.html",
        {
            "section": "countries",
            "country": found,
            "rows": rows,
            "policies": _policies(request, iso3),
            "profile_url": profile_url,
            "assistance": law_access.assistance_visible_to(request.user)
            .filter(country_iso3=iso3)
            .prefetch_related("instruments"),
            "can_edit": law_access.can_edit(request.user),
        },
    )


def compare(request: HttpRequest) -> HttpResponse:
    names = _names()
    codes = []
    for value in request.GET.getlist("c"):
        code = value.upper()[:3]
        if code in names and code != EU_CODE and code not in codes:
            codes.append(code)
    codes = codes[:MAX_COMPARED]
    matrix = []
    if codes:
        per_country = {
            code: {row.instrument.code: row for row in selectors.country_instruments(code)} for code in codes
        }
        for instrument in selectors.instruments():
            matrix.append(
                {
                    "instrument": instrument,
                    "cells": [per_country[code][instrument.code] for code in codes],
                }
            )
    return render(
        request,
        "law/compare.html",
        {
            "section": "compare",
            "codes": codes,
            "compared": [(code, names[code]) for code in codes],
            "matrix": matrix,
            "countries": sorted(
                ((c, n) for c, n in names.items() if c != EU_CODE), key=lambda item: collation_key(item[1])
            ),
            "slots": [
                codes[i] if i < len(codes) else "" for i in range(min(max(3, len(codes) + 1), MAX_COMPARED))
            ],
        },
    )


def country_redirect(request: HttpRequest) -> HttpResponse:
    code = (request.GET.get("country") or "").upper()[:3]
    if not Country.objects.filter(iso3=code).exists():
        return redirect("law:home")
    return redirect("law:country", iso3=code)


def trainings(request: HttpRequest) -> HttpResponse:
    from migdev.coordination.models import Topic
    from migdev.indicators import charts
    from migdev.law import trainings as capacity

    names = _names()
    topics = {topic.code: topic.name for topic in Topic.objects.all()}
    country = (request.GET.get("country") or "").upper()[:3]
    country = country if country in names else ""
    topic = (request.GET.get("topic") or "")[:60]
    topic = topic if topic in topics else ""
    year_text = (request.GET.get("year") or "").strip()
    year = int(year_text) if year_text.isdigit() and 1900 <= int(year_text) <= 2100 else None
    samples = request.GET.get("samples") == "1"
    report = capacity.training_report(country=country, topic=topic, year=year, samples=samples)

    def rows(breakdown: dict[Any, capacity.Breakdown], label: Any) -> list[dict[str, Any]]:
        return [
            {"key": key, "label": label(key), "b": value}
            for key, value in sorted(breakdown.items(), key=lambda item: collation_key(str(label(item[0]))))
        ]

    by_country = rows(report.by_country, lambda code: names.get(code, code))
    chart = (
        charts.bar_chart(
            [
                (row["label"], float(row["b"].total))
                for row in sorted(by_country, key=lambda r: -r["b"].total)
            ],
            title=_("People trained by country"),
            description=_(
                "People trained in the trainings listed below, by country; the table gives every value."
            ),
            format_value=lambda value: str(int(value)),
            key="law-trainings",
        )
        if by_country
        else None
    )
    hidden_samples = (
        0
        if samples
        else capacity.trainings(country=country, topic=topic, year=year, samples=True)
        .filter(is_sample=True)
        .count()
    )
    return render(
        request,
        "law/trainings.html",
        {
            "section": "trainings",
            "report": report,
            "by_country": by_country,
            "by_topic": rows(report.by_topic, lambda code: topics.get(code, code)),
            "by_year": rows(report.by_year, lambda value: value),
            "chart": chart,
            "country": country,
            "topic": topic,
            "year": year,
            "samples": samples,
            "hidden_samples": hidden_samples,
            "countries": sorted(
                ((c, n) for c, n in names.items() if c != EU_CODE), key=lambda item: collation_key(item[1])
            ),
            "topics": sorted(topics.items(), key=lambda item: collation_key(item[1])),
            "listed": [
                {"training": t, "country_name": names.get(t.country_iso3, t.country_iso3)}
                for t in report.trainings
            ],
        },
    )


@never_cache  # holds named participants for those who may read them
def training_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One training: its facts and counts, its materials in the research library (only those the viewer may
    see there) and, for holders of the permission, the participants named with their consent (read through
    ``law_access.participants_read``, audited)."""
    from django.shortcuts import get_object_or_404

    from migdev.coordination.access import publications_visible_to
    from migdev.law.models import Training

    training = get_object_or_404(
        Training.objects.select_related("topic", "activity", "organisation").prefetch_related("instruments"),
        pk=pk,
    )
    materials = (
        publications_visible_to(request.user)
        .filter(law_trainings=training)
        .select_related("organisation")
        .order_by("title", "slug")
    )
    may_read = law_access.may_read_participants(request.user)
    participants = (
        law_access.participants_read(request.user, training, request=request, purpose="training_page")
        if may_read
        else []
    )
    changeable = {p.pk for p in participants if law_access.may_change_participant(request.user, p)}
    return render(
        request,
        "law/training.html",
        {
            "section": "trainings",
            "training": training,
            "country_name": _names().get(training.country_iso3, training.country_iso3),
            "materials": materials,
            "may_read": may_read,
            "may_add": law_access.may_name_participants_of(request.user, training),
            "names_elsewhere": law_access.may_add_participants(request.user),
            "participants": [{"p": p, "can_withdraw": p.pk in changeable} for p in participants],
            "named": selectors.named_counts(training) if may_read else None,
            "can_edit": law_access.can_edit(request.user),
        },
    )
