"""Pages: landing, country migration profile, indicator page (chart, map, table), downloads, SDG
catalogue, editions, development plans. Views only parse the request and hand over to selectors."""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass
from functools import partial
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBadRequest,
    HttpResponseRedirect,
    StreamingHttpResponse,
)
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.formats import number_format
from django.utils.html import format_html_join
from django.utils.safestring import SafeString
from django.utils.text import slugify
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from migdev.accounts.access import has_permission, permission_required_or_404
from migdev.core.layout import page_with_layout
from migdev.core.versioning import EditConflict, StaleEdit, edit_conflict
from migdev.dataio.exports import export_response
from migdev.indicators import charts, exports, forms, regions, selectors, services, worldmap
from migdev.indicators.areas import (
    EXTRA_COUNTRIES,
    FORMER_AREAS,
    INCOME_GROUPS,
    WORLD,
    is_aggregate_code,
    is_country,
    normalise_code,
)
from migdev.indicators.cache import SHARED, cached, data_version, pinned_version
from migdev.indicators.computation import ComputedValue
from migdev.indicators.formatting import catalogue_text, format_value, tick_formatter
from migdev.indicators.models import (
    TOTAL,
    DevelopmentPlan,
    Edition,
    Indicator,
    PlanGoal,
    PlanTarget,
    Source,
)
from migdev.reference import selectors as reference
from migdev.reference.models import IncomeGroup

VIEWS = ("chart", "map", "table")
MAP_LAYOUTS = ("world", "tiles")
MAX_COMPARED = 12
DEFAULT_AGGREGATES = (WORLD,)
AGGREGATE_CHOICES = (WORLD, "002", "019", "142", "150", "009", *INCOME_GROUPS[:4])
CODE_PATTERN = re.compile(r"^[A-Za-z0-9]{2,5}$")


def _codes(request: HttpRequest, name: str) -> list[str]:
    """Codes from ``?name=A,B`` or repeated ``?name=A&name=B``, normalised, unique, in order."""
    found: list[str] = []
    for raw in request.GET.getlist(name):
        for part in raw.split(","):
            part = part.strip()
            if part and CODE_PATTERN.match(part):
                code = normalise_code(part)
                if code not in found:
                    found.append(code)
    return found


def _cached_page(
    request: HttpRequest, template: str, context: dict[str, Any], *, name: str, version: str
) -> HttpResponse:
    """A page around its cached body (``context["body"]``), in the layout shared by anonymous visitors
    (``migdev.core.layout``): rendered once per data version and language, with the visitor's CSRF token,
    path and the body filled in per request."""
    rest = {key: value for key, value in context.items() if key != "body"}
    return page_with_layout(
        request, template, rest, holes={"body": context["body"]}, shared=SHARED, name=name, version=version
    )


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    version = data_version()
    name = f"home:{get_language()}"
    body = cached(
        name, lambda: render_to_string("indicators/_home_body.html", _home_context()), version=version
    )
    return _cached_page(request, "indicators/home.html", {"body": body}, name=name, version=version)


def _home_context() -> dict[str, Any]:
    stock = None
    world_editions: list[selectors.EditionValue] = []
    try:
        indicator = selectors.indicator_by_code("international-migrant-stock")
    except Indicator.DoesNotExist:
        indicator = None
    if indicator is not None:
        result = selectors.indicator_values(indicator, aggregate_codes=[WORLD], periods=None)
        stock = result.latest_for(WORLD)
        if stock is not None:
            world_editions = selectors.values_by_edition(indicator, area=WORLD, period=stock.period)
    return {
        "themes": selectors.indicators_by_theme(),
        "countries": _profile_countries(),
        "stock_indicator": indicator,
        "world_stock": stock,
        "world_editions": world_editions,
        "plans": DevelopmentPlan.objects.order_by("country", "-start_year")[:20],
    }


@require_GET
def country_redirect(request: HttpRequest) -> HttpResponse:
    code = request.GET.get("code", "")
    country = _country_or_none(normalise_code(code)) if CODE_PATTERN.match(code.strip()) else None
    if country is None:
        raise Http404
    return HttpResponseRedirect(reverse("indicators:country", args=[country.iso3]))


@dataclass(frozen=True)
class CardView:
    figure: selectors.KeyFigure
    display: str
    url: str


def _country_or_404(iso3: str) -> Any:
    try:
        return reference.country_by_code(iso3)
    except reference.Country.DoesNotExist as error:
        raise Http404 from error


def _profile_context(country: Any) -> dict[str, Any]:
    profile = selectors.country_profile(country.iso3)
    names = regions.area_names()
    cards = [
        CardView(
            figure,
            format_value(figure.value.value if figure.value else None, figure.indicator),
            reverse("indicators:indicator", args=[figure.indicator.code])
            + "?"
            + urlencode({"areas": country.iso3}),
        )
        for figure in profile.cards
    ]
    chart_blocks = []
    for index, series in enumerate(profile.charts):
        if not series.points:
            continue
        values = [p.value for p in series.points if p.value is not None]
        fmt = tick_formatter(series.indicator, values)
        line = charts.Line(
            country.name,
            [
                charts.Point(
                    float(p.period[:4]), p.value, f"{p.period}: {format_value(p.value, series.indicator)}"
                )
                for p in series.points
                if p.value is not None
            ],
        )
        first, last = series.points[0], series.points[-1]
        description = _(
            "%(name)s, %(first_period)s to %(last_period)s: from %(first)s to %(last)s %(unit)s."
        ) % {
            "name": catalogue_text(series.indicator.name),
            "first_period": first.period,
            "last_period": last.period,
            "first": format_value(first.value, series.indicator),
            "last": format_value(last.value, series.indicator),
            "unit": catalogue_text(series.indicator.unit_label),
        }
        chart_blocks.append(
            {
                "indicator": series.indicator,
                "edition": series.edition,
                "svg": charts.line_chart(
                    [line],
                    title=catalogue_text(series.indicator.name),
                    description=description,
                    format_value=fmt,
                    key=f"profile-{index}",
                ),
                "points": [(p.period, format_value(p.value, series.indicator)) for p in series.points],
                "description": description,
            }
        )
    stock_indicator = next(
        (
            card.figure.indicator
            for card in cards
            if card.figure.indicator.code == "international-migrant-stock"
        ),
        None,
    )
    partner_charts = {}
    if stock_indicator is not None:
        for kind, partners in (("origins", profile.top_origins), ("destinations", profile.top_destinations)):
            if partners:
                bars = [(names.get(p.code, p.code), p.value) for p in partners]
                title = (
                    _("Top countries of origin of immigrants in %(country)s")
                    if kind == "origins"
                    else _("Top destinations of emigrants from %(country)s")
                ) % {"country": country.name}
                partner_charts[kind] = {
                    "title": title,
                    "svg": charts.bar_chart(
                        bars,
                        title=title,
                        description=", ".join(
                            f"{label}: {format_value(value, stock_indicator)}" for label, value in bars
                        ),
                        format_value=partial(format_value, indicator=stock_indicator),
                        key=f"partners-{kind}",
                    ),
                    "rows": [(label, format_value(value, stock_indicator)) for label, value in bars],
                }
    latest_year = None
    for card in cards:
        if card.figure.value is not None:
            year = int(card.figure.value.period[:4])
            latest_year = max(latest_year or year, year)
    stock_total = sum(item.value.value or 0.0 for item in profile.by_sex)
    by_sex = [
        {
            "label": _("Men") if item.sex == "M" else _("Women"),
            "value": _people(item.value.value),
            "share": number_format(item.value.value / stock_total * 100, 1)
            if item.value.value is not None and stock_total
            else "–",
        }
        for item in profile.by_sex
    ]
    income_code = reference.income_group_for(country.iso3, latest_year) if latest_year else None
    income = IncomeGroup(income_code).label if income_code in IncomeGroup.values else income_code
    return {
        "country": country,
        "profile": profile,
        "cards": cards,
        "chart_blocks": chart_blocks,
        "partner_charts": partner_charts,
        "by_sex": by_sex,
        "by_sex_period": profile.by_sex[0].value.period if profile.by_sex else "",
        "income_group": income,
        "income_year": latest_year,
        "names": names,
        "law_card": None if isinstance(country, ProfileArea) else _law_card(country.iso3),
    }


def _law_card(iso3: str) -> Any:
    """The migration-law module's card of instruments, where that module is installed (None otherwise)."""
    from django.apps import apps

    if not apps.is_installed("migdev.law"):
        return None
    from migdev.law.selectors import profile_card

    return profile_card(iso3)


def _profile_countries() -> list[Any]:
    """The country picker: the reference list plus Kosovo and the Channel Islands, by name."""
    listed = list(reference.countries())
    extra = [ProfileArea(code, name) for code, name in EXTRA_COUNTRIES.items() if code not in FORMER_AREAS]
    return sorted(listed + extra, key=lambda country: _sort_key(str(country.name)))


def _sort_key(name: str) -> str:
    # Accents do not move a name to the end ("Égypte" sorts with the E's).
    decomposed = unicodedata.normalize("NFKD", name)
    return "".join(char for char in decomposed if not unicodedata.combining(char)).casefold()


@dataclass(frozen=True)
class ProfileArea:
    """A country the sources publish under a code of its own that is not in the ISO list (Kosovo, XKX;
    the Channel Islands, CHI): it has data, so it has a profile."""

    iso3: str
    name: str
    m49_region: None = None
    m49_sub_region: None = None


def _country_or_none(code: str) -> Any:
    try:
        return reference.country_by_code(code)
    except reference.Country.DoesNotExist:
        if code in EXTRA_COUNTRIES and code not in FORMER_AREAS:
            return ProfileArea(code, EXTRA_COUNTRIES[code])
        return None


def _profile_page(request: HttpRequest, iso3: str, *, printable: bool) -> HttpResponse:
    if not CODE_PATTERN.match(iso3):
        raise Http404
    version = data_version()
    country = cached(f"country:{iso3}", lambda: _country_or_none(iso3) or "", version=version)
    if isinstance(country, str) or country.iso3 != iso3:
        raise Http404

    def build() -> str:
        with pinned_version(version):
            context = _profile_context(country)
            context["printable"] = printable
            return render_to_string("indicators/_country_body.html", context)

    name = f"profile:{country.iso3}:{get_language()}:{int(printable)}"
    body = cached(name, build, version=version)
    return _cached_page(
        request, "indicators/country.html", {"country": country, "body": body}, name=name, version=version
    )


@require_GET
def country_profile(request: HttpRequest, iso3: str) -> HttpResponse:
    return _profile_page(request, iso3, printable=False)


@require_GET
def country_profile_print(request: HttpRequest, iso3: str) -> HttpResponse:
    return _profile_page(request, iso3, printable=True)


PARTNER_DIRECTIONS = ("origins", "destinations")
PARTNER_SEXES = (TOTAL, "F", "M")
PARTNER_DOWNLOADS = ("csv", "xlsx")
MAP_TOP_PARTNERS = 5


@require_GET
def country_partners(request: HttpRequest, iso3: str) -> HttpResponseBase:
    """A country's partners both ways in one bilateral series: every row, as a map, a table or a file."""
    if not CODE_PATTERN.match(iso3):
        raise Http404
    country = _country_or_none(iso3)
    if country is None or country.iso3 != iso3:
        raise Http404
    series_code = request.GET.get("series", "migrant-stock")
    direction = request.GET.get("direction", "origins")
    if direction not in PARTNER_DIRECTIONS:
        direction = "origins"
    try:
        table = selectors.partner_table(
            iso3,
            series_code=series_code,
            direction=direction,
            period=request.GET.get("period") or None,
            edition_code=request.GET.get("edition") or None,
        )
    except selectors.Series.DoesNotExist as error:
        raise Http404 from error
    names = regions.area_names()
    download = request.GET.get("format")
    if download in PARTNER_DOWNLOADS:
        return _partners_download(country, table, names, download)
    sex = request.GET.get("sex", TOTAL).upper()
    if sex not in PARTNER_SEXES or not table.has_sex:
        sex = TOTAL
    total = table.total
    rows = [
        {
            "code": row.code,
            "name": names.get(row.code, row.code),
            "total": _people(row.total),
            "male": _people(row.male),
            "female": _people(row.female),
            "share": number_format(row.total / total * 100, 1) if row.total and total else "–",
            "estimate": row.status == "E",
        }
        for row in table.rows
    ]
    base = reverse("indicators:country_partners", args=[iso3])
    state = {"series": series_code, "direction": direction, "period": table.period or ""}
    if table.edition:
        state["edition"] = table.edition.code
    if sex != TOTAL:
        state["sex"] = sex
    direction_labels = {
        "origins": _("Where people in %(country)s come from") % {"country": country.name},
        "destinations": _("Where people from %(country)s live") % {"country": country.name},
    }
    sex_labels = {TOTAL: _("Both sexes"), "M": _("Men"), "F": _("Women")}
    choices = {
        "series": [
            (code, _series_label(code), f"{base}?{urlencode({'series': code, 'direction': direction})}")
            for code in selectors.PARTNER_SERIES
        ],
        "directions": [
            (key, label, f"{base}?{urlencode({**state, 'direction': key})}")
            for key, label in direction_labels.items()
        ],
        "sexes": [
            (key, sex_labels[key], f"{base}?{urlencode({**state, 'sex': key})}") for key in (TOTAL, "M", "F")
        ]
        if table.has_sex
        else [],
    }
    download_state = {key: value for key, value in state.items() if key != "sex"}
    return render(
        request,
        "indicators/partners.html",
        {
            "country": country,
            "table": table,
            "rows": rows,
            "total": _people(total) if table.rows else "–",
            "series_code": series_code,
            "series_label": _series_label(series_code),
            "direction": direction,
            "direction_label": direction_labels[direction],
            "sex": sex,
            "sex_label": sex_labels[sex],
            "choices": choices,
            "period_links": [(p, f"{base}?{urlencode({**state, 'period': p})}") for p in table.periods],
            # Another edition has other periods: its link leaves the period out, so its latest is shown.
            "edition_links": [
                (
                    edition,
                    f"{base}?{urlencode({**{k: v for k, v in state.items() if k != 'period'}, 'edition': edition.code})}",
                )
                for edition in table.editions
            ],
            "csv_url": f"{base}?{urlencode({**download_state, 'format': 'csv'})}",
            "xlsx_url": f"{base}?{urlencode({**download_state, 'format': 'xlsx'})}",
            "world_map": _partners_map(
                country,
                table,
                sex,
                names,
                title=f"{direction_labels[direction]} — {_series_label(series_code)}, {table.period}, "
                f"{sex_labels[sex].lower()}",
            )
            if table.rows
            else None,
        },
    )


def _partners_map(
    country: Any, table: selectors.PartnerTable, sex: str, names: dict[str, str], *, title: str
) -> dict[str, Any]:
    """The partners of one country on the world map, one sex: coloured by fifths of the partners with
    people there, white where the edition reports none (a zero it prints or leaves out), hatched where
    it has no data, the country itself marked. Every shape links to that partner's own page, the same
    selection as here, as the table's names do."""
    shapes = worldmap.world_shapes()
    link_query = urlencode({"series": table.series.code, "direction": table.direction})
    areas = []
    not_drawn = []
    values = []  # every partner country's figure above zero, drawn or not: the fifths and the key
    zero_count = no_data_count = 0
    places = list(reference.countries())
    listed = {place.iso3 for place in places}
    for row in table.rows:  # Kosovo, the Channel Islands: countries of the data without a reference entry
        value = table.figure(row.code, sex)[0]
        if row.code not in listed and row.code != country.iso3 and is_country(row.code) and value:
            values.append(value)
            not_drawn.append(names.get(row.code, row.code))
    for place in places:
        code = place.iso3
        path = shapes.paths.get(place.iso2.upper())
        if code == country.iso3:
            if path is not None:
                areas.append(
                    charts.MapArea(code, place.name, None, _("this country"), path, css_class="self")
                )
            continue
        value, origin = table.figure(code, sex)
        if value:
            values.append(value)
            if path is None:
                not_drawn.append(place.name)
        if path is None:
            continue
        if value is None:
            display, css_class = _("no data"), charts.NO_DATA_CLASS
            no_data_count += 1
        elif value == 0:
            display = _people(0) if origin == "cell" else _("%(zero)s (none reported)") % {"zero": _people(0)}
            css_class = "zero"
            zero_count += 1
        else:
            display, css_class = _people(value), ""
        href = f"{reverse('indicators:country_partners', args=[code])}?{link_query}"
        areas.append(charts.MapArea(code, place.name, value, display, path, href=href, css_class=css_class))
    breaks = charts.quantile_breaks(values)
    figures = sorted(
        ((table.figure(row.code, sex)[0] or 0.0, row.code) for row in table.rows if is_country(row.code)),
        reverse=True,
    )
    top = [
        f"{names.get(code, code)} {_people(value)}" for value, code in figures[:MAP_TOP_PARTNERS] if value > 0
    ]
    description = " ".join(
        part
        for part in (
            _("Largest: %(partners)s.") % {"partners": "; ".join(top)} if top else "",
            _(
                "%(count)s countries have people here, %(zero)s report none, %(missing)s are hatched "
                "for no data. The table below lists every figure."
            )
            % {"count": len(values), "zero": zero_count, "missing": no_data_count},
        )
        if part
    )
    key = charts.choropleth_key(
        values, breaks, legend_format=_people, no_data=_("No data"), no_data_count=no_data_count
    )
    if zero_count:
        key.insert(
            -1, charts.KeyEntry("zero", _("%(zero)s (none reported)") % {"zero": _people(0)}, zero_count)
        )
    if any(area.css_class == "self" for area in areas):
        key.append(charts.KeyEntry("self", country.name, 1))
    return {
        "svg": charts.world_map(
            areas,
            breaks,
            width=shapes.width,
            height=shapes.height,
            title=title,
            description=description,
            key="partners",
        ),
        "key": key,
        "not_drawn": sorted(not_drawn),
        "package": worldmap.PACKAGE,
        "author": worldmap.AUTHOR,
        "licence": worldmap.LICENCE,
    }


def _people(value: float | None) -> str:
    return "–" if value is None else number_format(round(value), 0, force_grouping=True)


def _series_label(code: str) -> str:
    labels = {
        "migrant-stock": _("International migrants"),
        "refugees": _("Refugees"),
        "asylum-seekers": _("Asylum-seekers"),
    }
    return str(labels.get(code, code))


PARTNER_COLUMNS = (
    "series",
    "residence",
    "residence_name",
    "origin",
    "origin_name",
    "period",
    "total",
    "male",
    "female",
    "unit",
    "unit_mult",
    "obs_status",
    "source",
    "edition",
    "edition_title",
)


def _partners_download(
    country: Any, table: selectors.PartnerTable, names: dict[str, str], fmt: str
) -> HttpResponse | StreamingHttpResponse | FileResponse:
    """Every row of the table, not only those shown first: where people live, where they come from, in
    base units (persons), with the source and edition of each. Written by the shared export, which keeps
    text from being read as a spreadsheet formula."""
    edition = table.edition
    rows = []
    for row in table.rows:
        residence, origin = (
            (country.iso3, row.code) if table.direction == "origins" else (row.code, country.iso3)
        )
        rows.append(
            {
                "series": table.series.code,
                "residence": residence,
                "residence_name": names.get(residence, residence),
                "origin": origin,
                "origin_name": names.get(origin, origin),
                "period": table.period or "",
                "total": _whole(row.total),
                "male": _whole(row.male),
                "female": _whole(row.female),
                "unit": table.series.unit,
                "unit_mult": 0,
                "obs_status": row.status or "A",
                "source": f"{edition.source.publisher}, {edition.source.name}" if edition else "",
                "edition": edition.code if edition else "",
                "edition_title": edition.title if edition else "",
            }
        )
    stem = slugify(f"{country.iso3}-{table.series.code}-{table.direction}-{table.period or 'none'}")
    return export_response(
        rows, [(column, column) for column in PARTNER_COLUMNS], "xlsx" if fmt == "xlsx" else "csv", stem
    )


def _whole(value: float | None) -> float | int | None:
    """Persons as a whole number when the value is one (the files print people, never fractions)."""
    if value is None:
        return None
    return int(value) if float(value).is_integer() else value


@dataclass
class Selection:
    view: str
    areas: list[str]
    aggregates: list[str]
    edition: str | None
    period: str | None
    layout: str = "world"
    sex: str | None = None  # F or M; None for both sexes
    age: str | None = None  # an age group the series holds; None for all ages

    def query(self, **changes: Any) -> str:
        state = {
            "view": self.view,
            "areas": ",".join(self.areas),
            "agg": ",".join(self.aggregates),
            "edition": self.edition or "",
            "period": self.period or "",
            "map": self.layout if self.layout != "world" else "",
            "sex": self.sex or "",
            "age": self.age or "",
        }
        state.update(changes)
        return urlencode({key: value for key, value in state.items() if value})


def _selection(request: HttpRequest) -> Selection:
    view = request.GET.get("view", "chart")
    if view not in VIEWS:
        view = "chart"
    areas = [code for code in _codes(request, "areas") if is_country(code)][:MAX_COMPARED]
    aggregates = [code for code in _codes(request, "agg") if is_aggregate_code(code)]
    if "agg" not in request.GET:
        aggregates = list(DEFAULT_AGGREGATES)
    edition = request.GET.get("edition") or None
    if edition is not None and not re.fullmatch(r"[a-z0-9-]{1,60}", edition):
        edition = None
    period = request.GET.get("period") or None
    if period is not None and not re.fullmatch(r"\d{4}(-Q[1-4])?", period):
        period = None
    layout = request.GET.get("map", "world")
    if layout not in MAP_LAYOUTS:
        layout = "world"
    sex = request.GET.get("sex", "").strip().upper()
    age = request.GET.get("age", "").strip()
    return Selection(
        view,
        areas,
        aggregates,
        edition,
        period,
        layout,
        sex=sex if sex in {"F", "M"} else None,
        age=age if re.fullmatch(r"[A-Za-z0-9_]{1,20}", age) and age != TOTAL else None,
    )


def _indicator_or_404(code: str, *, version: str | None = None) -> Indicator:
    def lookup() -> Indicator | str:
        try:
            return selectors.indicator_by_code(code)
        except Indicator.DoesNotExist:
            return ""  # cached as "no such indicator" until the data change

    indicator = cached(f"indicator-object:{code}", lookup, version=version)
    if not isinstance(indicator, Indicator):
        raise Http404
    return indicator


@require_GET
def indicator_page(request: HttpRequest, code: str) -> HttpResponse:
    version = data_version()
    indicator = _indicator_or_404(code, version=version)
    selection = _selection(request)
    added = [code for code in _codes(request, "add") if is_country(code)]
    removed = set(_codes(request, "remove"))
    if added or removed:
        # The compare form posts nothing: it rewrites the URL, so the selection stays bookmarkable.
        selection.areas = [a for a in selection.areas + added if a not in removed][:MAX_COMPARED]
        return HttpResponseRedirect(f"{request.path}?{selection.query()}")
    language = get_language()
    name = f"indicator:{indicator.code}:{language}:{selection.query()}"
    body = cached(
        name,
        lambda: _indicator_body(indicator, selection, version=version),
        version=version,
    )
    # The layout around the body shows the indicator's name only: one per indicator and language, so a
    # selection nobody asked for before renders its body alone.
    return _cached_page(
        request,
        "indicators/indicator.html",
        {"indicator": indicator, "body": body},
        name=f"indicator:{indicator.code}:{language}",
        version=version,
    )


def _indicator_body(indicator: Indicator, selection: Selection, *, version: str) -> str:
    with pinned_version(version):
        context = _indicator_context(indicator, selection, version=version)
        return render_to_string("indicators/_indicator_body.html", context)


def _shared_indicator_values(
    indicator: Indicator, selection: Selection, breakdown: selectors.Breakdown, *, version: str
) -> selectors.IndicatorResult:
    """Every country's values and the asked aggregates, computed once per data version and shared by all
    the pages that differ only in the countries compared, the view or the period (read-only: never
    changed by a page)."""
    key = ":".join(
        [
            "indicator-values",
            indicator.code,
            selection.edition or "",
            ",".join(selection.aggregates),
            breakdown.sex or "",
            breakdown.age or "",
        ]
    )
    return cached(
        key,
        lambda: selectors.indicator_values(
            indicator,
            edition_code=selection.edition,
            aggregate_codes=selection.aggregates,
            with_published_aggregates=True,
            breakdown=breakdown if breakdown.asked else None,
        ),
        version=version,
        single_flight=True,
    )


def _indicator_context(indicator: Indicator, selection: Selection, *, version: str) -> dict[str, Any]:
    has_sex, ages = cached(
        f"breakdown-choices:{indicator.code}",
        lambda: selectors.breakdown_choices(indicator),
        version=version,
    )
    # A sex or age the indicator cannot be cut by is dropped, not refused: the page shows the totals.
    if not has_sex:
        selection.sex = None
    if selection.age not in ages:
        selection.age = None
    breakdown = selectors.Breakdown(sex=selection.sex, age=selection.age)
    if breakdown.asked and selectors.breakdown_problem(indicator, breakdown):
        selection.sex = selection.age = None
        breakdown = selectors.Breakdown()
    result = _shared_indicator_values(indicator, selection, breakdown, version=version)
    names = regions.area_names()
    country_periods = sorted({period for _, period in result.values})
    period = (
        selection.period
        if selection.period in country_periods
        else (country_periods[-1] if country_periods else None)
    )
    context: dict[str, Any] = {
        "indicator": indicator,
        "result": result,
        "selection": selection,
        "period": period,
        "periods": list(reversed(country_periods)),
        "names": names,
        "country_options": cached(
            f"country-options:{get_language()}",
            lambda: format_html_join(
                "", '<option value="{}">{}</option>', ((c.iso3, c.name) for c in reference.countries())
            ),
            version=version,
        ),
        "aggregate_choices": [(code, names.get(code, code)) for code in AGGREGATE_CHOICES],
        "compared": [
            (
                code,
                names.get(code, code),
                selection.query(areas=",".join(a for a in selection.areas if a != code)),
            )
            for code in selection.areas
        ],
        "tabs": [(view, _label_for_view(view), selection.query(view=view)) for view in VIEWS],
        "downloads": _download_links(indicator, selection, period),
        "metadata": exports.metadata(
            indicator, result.edition, result.denominator_edition, scope="shown", selection={}
        ),
        "editions": result.available_editions,
        "sex_choices": [("", _("Both sexes")), ("M", _("Men")), ("F", _("Women"))] if has_sex else [],
        "age_choices": [(age, age_label(age)) for age in ages],
        "breakdown_label": ", ".join(
            label
            for label in (
                {"M": _("men"), "F": _("women")}.get(selection.sex or "", ""),
                _("aged %(ages)s") % {"ages": age_label(selection.age)} if selection.age else "",
            )
            if label
        ),
    }
    shown = _shown_lines(result, selection)
    context["shown_table"] = _series_table(shown, indicator, names)
    heading = catalogue_text(indicator.name)
    if context["breakdown_label"]:
        heading = f"{heading} — {context['breakdown_label']}"
    if selection.view == "chart":
        context["chart"], context["chart_legend"] = _chart(indicator, shown, names, heading=heading)
    elif selection.view == "map" and period is not None:
        context["map_layouts"] = [
            (layout, label, selection.query(map=layout if layout != "world" else ""))
            for layout, label in (
                ("world", _("World map")),
                ("tiles", _("Tile map: every country the same size")),
            )
        ]
        if selection.layout == "tiles":
            context["map"] = _map(indicator, result, period, names, heading=heading)
        else:
            context["world_map"] = _world_map(indicator, result, period, heading=heading)
    if period is not None and selection.view != "chart":  # the chart view shows no ranking table
        context["period_rows"] = _period_rows(indicator, result, period, names, selection)
    if result.edition is not None and period is not None and not breakdown.asked:
        side_area = selection.areas[0] if selection.areas else WORLD
        context["side_by_side"] = cached(
            f"values-by-edition:{indicator.code}:{side_area}:{period}",
            partial(selectors.values_by_edition, indicator, area=side_area, period=period),
            version=version,
        )
        context["side_by_side_area"] = (
            names.get(selection.areas[0], selection.areas[0]) if selection.areas else names.get(WORLD, WORLD)
        )
    return context


def age_label(code: str) -> str:
    """An SDMX age code as people read it: ``Y15T19`` → 15–19, ``Y_GE75`` → 75+, ``Y_LT5`` → under 5."""
    if match := re.fullmatch(r"Y(\d+)T(\d+)", code):
        return f"{match[1]}–{match[2]}"
    if match := re.fullmatch(r"Y_?GE(\d+)|Y(\d+)T_?", code):
        return f"{match[1] or match[2]}+"
    if match := re.fullmatch(r"Y_?LT(\d+)", code):
        return _("under %(age)s") % {"age": match[1]}
    return code


def _label_for_view(view: str) -> str:
    return {"chart": _("Chart"), "map": _("Map"), "table": _("Table")}[view]


def _shown_lines(
    result: selectors.IndicatorResult, selection: Selection
) -> list[tuple[str, list[ComputedValue]]]:
    lines = []
    for code in selection.areas:
        points = sorted((v for (area, _), v in result.values.items() if area == code), key=lambda v: v.period)
        lines.append((code, points))
    for code in selection.aggregates:
        points = sorted(
            (v for (area, _), v in result.aggregates.items() if area == code), key=lambda v: v.period
        )
        lines.append((code, points))
    return lines


def _cell(value: ComputedValue, indicator: Indicator) -> str:
    shown = format_value(value.value, indicator)
    return f"{shown} {_('(estimate)')}" if value.status == "E" else shown


def _series_table(
    lines: list[tuple[str, list[ComputedValue]]], indicator: Indicator, names: dict[str, str]
) -> dict[str, Any]:
    periods = sorted({v.period for _, points in lines for v in points}, reverse=True)
    rows = []
    for code, points in lines:
        by_period = {v.period: v for v in points}
        rows.append(
            (
                names.get(code, code),
                [_cell(by_period[p], indicator) if p in by_period else "–" for p in periods],
            )
        )
    return {"periods": periods, "rows": rows}


def _chart(
    indicator: Indicator,
    lines: list[tuple[str, list[ComputedValue]]],
    names: dict[str, str],
    *,
    heading: str,
) -> tuple[SafeString, list[charts.LegendEntry]]:
    drawable = [
        charts.Line(
            names.get(code, code),
            [
                charts.Point(
                    _period_position(v.period),
                    v.value,
                    f"{names.get(code, code)} {v.period}: {format_value(v.value, indicator)}",
                )
                for v in points
                if v.value is not None
            ],
        )
        for code, points in lines
    ]
    values = [p.y for line in drawable for p in line.points]
    summary = "; ".join(
        f"{line.name}: {line.points[0].label.split(': ')[-1]} ({int(line.points[0].x)}) – "
        f"{line.points[-1].label.split(': ')[-1]} ({int(line.points[-1].x)})"
        for line in drawable
        if line.points
    )
    svg = charts.line_chart(
        drawable,
        title=heading,
        description=summary or _("No data for this selection."),
        format_value=tick_formatter(indicator, values),
        key="indicator",
    )
    return svg, charts.legend(drawable)


def _period_position(period: str) -> float:
    if "-Q" in period:
        return int(period[:4]) + (int(period[-1]) - 1) / 4
    return float(period[:4])


def _map(
    indicator: Indicator,
    result: selectors.IndicatorResult,
    period: str,
    names: dict[str, str],
    *,
    heading: str,
) -> Any:
    grouped: dict[str, list[charts.Tile]] = defaultdict(list)
    for country in reference.countries().select_related("m49_sub_region"):
        value = result.values.get((country.iso3, period))
        region = country.m49_sub_region.name if country.m49_sub_region else _("Other areas")
        grouped[region].append(
            charts.Tile(
                country.iso3,
                country.name,
                value.value if value else None,
                format_value(value.value if value else None, indicator),
            )
        )
    groups = [
        charts.TileGroup(name, sorted(tiles, key=lambda t: t.code)) for name, tiles in sorted(grouped.items())
    ]
    with_data = sum(1 for g in groups for t in g.tiles if t.value is not None)
    return charts.tile_map(
        groups,
        title=_("%(indicator)s, %(period)s") % {"indicator": heading, "period": period},
        description=_(
            "Countries grouped by UN sub-region and coloured by quintile; %(count)s countries have data. "
            "The table below lists every value."
        )
        % {"count": with_data},
        legend_format=lambda v: format_value(v, indicator),
        no_data=_("No data"),
        key="map",
    )


def _world_map(
    indicator: Indicator, result: selectors.IndicatorResult, period: str, *, heading: str
) -> dict[str, Any]:
    """The geographic choropleth: reference countries joined to the package's shapes on ISO alpha-2,
    values on ISO alpha-3 — never on names."""
    shapes = worldmap.world_shapes()
    areas = []
    not_drawn = []
    values = []  # every country's, drawn or not: the same fifths as the tile map and the key
    for country in reference.countries():
        computed = result.values.get((country.iso3, period))
        value = computed.value if computed else None
        if value is not None:
            values.append(value)
        path = shapes.paths.get(country.iso2.upper())
        if path is None:
            if value is not None:
                not_drawn.append(country.name)
            continue
        areas.append(charts.MapArea(country.iso3, country.name, value, format_value(value, indicator), path))
    breaks = charts.quantile_breaks(values)
    legend_format = partial(format_value, indicator=indicator)
    no_data_count = sum(1 for area in areas if area.value is None)
    title = _("%(indicator)s, %(period)s") % {"indicator": heading, "period": period}
    description = _(
        "World map of countries coloured by fifths of their values; %(count)s countries have data, "
        "%(missing)s are hatched for no data. The table below lists every value."
    ) % {"count": len(values), "missing": no_data_count}
    return {
        "svg": charts.world_map(
            areas,
            breaks,
            width=shapes.width,
            height=shapes.height,
            title=title,
            description=description,
            key="world",
        ),
        "key": charts.choropleth_key(
            values,
            breaks,
            legend_format=legend_format,
            no_data=_("No data"),
            no_data_count=no_data_count,
        ),
        "not_drawn": sorted(not_drawn),
        "package": worldmap.PACKAGE,
        "author": worldmap.AUTHOR,
        "licence": worldmap.LICENCE,
    }


def _period_rows(
    indicator: Indicator,
    result: selectors.IndicatorResult,
    period: str,
    names: dict[str, str],
    selection: Selection,
) -> list[dict[str, Any]]:
    rows = []
    for (code, row_period), value in result.aggregates.items():
        if row_period == period:
            year = int(period[:4])
            rows.append(
                {
                    "name": names.get(code, code),
                    "code": code,
                    "value": format_value(value.value, indicator),
                    "raw": value.value,
                    "aggregate": True,
                    "estimate": value.status == "E",
                    "coverage": f"{value.covered}/{value.members}" if value.members else "",
                    "classification_year": regions.classification_year(code, year),
                }
            )
    countries = sorted(
        (
            (names.get(code, code), code, value)
            for (code, row_period), value in result.values.items()
            if row_period == period
        ),
        key=lambda item: -(item[2].value or 0),
    )
    for rank, (name, code, value) in enumerate(countries, start=1):
        rows.append(
            {
                "name": name,
                "code": code,
                "value": format_value(value.value, indicator),
                "raw": value.value,
                "aggregate": False,
                "estimate": value.status == "E",
                "rank": rank,
                "selected": code in selection.areas,
            }
        )
    return rows


def _download_links(indicator: Indicator, selection: Selection, period: str | None) -> list[dict[str, str]]:
    base = reverse("indicators:download", args=[indicator.code])
    links = []
    for scope, scope_label in (("shown", _("Data as shown")), ("full", _("Full series"))):
        for fmt, label in (
            ("csv", "CSV"),
            ("xlsx", "XLSX"),
            ("sdmx-csv", "SDMX-CSV"),
            ("metadata", _("metadata (JSON)")),
        ):
            query = selection.query(format=fmt, scope=scope, period=period or "")
            links.append({"scope": scope_label, "label": label, "url": f"{base}?{query}"})
    return links


@require_GET
def indicator_download(request: HttpRequest, code: str) -> HttpResponse:
    indicator = _indicator_or_404(code)
    selection = _selection(request)
    scope = "full" if request.GET.get("scope") == "full" else "shown"
    fmt = request.GET.get("format", "csv")
    if fmt not in {"csv", "xlsx", "sdmx-csv", "metadata"}:
        raise Http404
    breakdown = _download_breakdown(request)
    problem = selectors.breakdown_problem(indicator, breakdown) if breakdown.asked else None
    if problem:
        return HttpResponseBadRequest(problem, content_type="text/plain; charset=utf-8")
    if scope == "full":
        aggregate_codes = [
            code
            for code, _name, kind in regions.available_aggregates()
            if kind in {"world"} or code in INCOME_GROUPS or code in AGGREGATE_CHOICES
        ]
        result = selectors.indicator_values(
            indicator, edition_code=selection.edition, aggregate_codes=aggregate_codes, breakdown=breakdown
        )
        values = list(result.values.values()) + list(result.aggregates.values())
    else:
        result = selectors.indicator_values(
            indicator,
            areas=selection.areas or None,
            edition_code=selection.edition,
            aggregate_codes=selection.aggregates,
            breakdown=breakdown,
        )
        values = [v for (area, _), v in result.values.items() if area in selection.areas] + list(
            result.aggregates.values()
        )
        if selection.view in {"map", "table"} and selection.period:
            values = (
                [v for v in values if v.period == selection.period] if selection.view == "map" else values
            )
    names = regions.area_names()
    rows = exports.export_rows(
        values,
        names=names,
        edition=result.edition,
        indicator=indicator,
        sex=breakdown.sex or indicator.numerator_sex,
        age=breakdown.age or TOTAL,
        counterpart=breakdown.partner or TOTAL,
    )
    meta = exports.metadata(
        indicator,
        result.edition,
        result.denominator_edition,
        scope=scope,
        selection={
            "areas": ",".join(selection.areas),
            "aggregates": ",".join(selection.aggregates),
            "period": selection.period or "",
            "view": selection.view,
            "sex": breakdown.sex or "",
            "age": breakdown.age or "",
            "counterpart": breakdown.partner or "",
        },
    )
    meta["sdmx_structure"] = request.build_absolute_uri(reverse("indicators:sdmx_structure"))
    stem = slugify(f"{indicator.code}-{scope}-{result.edition.code if result.edition else 'none'}")
    if fmt == "csv":
        response = HttpResponse(exports.to_csv(indicator, rows), content_type="text/csv; charset=utf-8")
        filename = f"{stem}.csv"
    elif fmt == "xlsx":
        response = HttpResponse(
            exports.to_xlsx(indicator, rows, meta),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        filename = f"{stem}.xlsx"
    elif fmt == "sdmx-csv":
        response = HttpResponse(
            exports.to_sdmx_csv(indicator, rows, result.edition),
            content_type="application/vnd.sdmx.data+csv; version=2.0.0; charset=utf-8",
        )
        filename = f"{stem}.sdmx.csv"
    else:
        response = HttpResponse(exports.metadata_json(meta), content_type="application/json")
        filename = f"{stem}.metadata.json"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    if fmt == "sdmx-csv":
        structure = request.build_absolute_uri(reverse("indicators:sdmx_structure"))
        response["Link"] = f'<{structure}>; rel="describedby"; type="application/vnd.sdmx.structure+xml"'
    return response


def _download_breakdown(request: HttpRequest) -> selectors.Breakdown:
    partner = normalise_code(request.GET.get("counterpart", "")) or None
    return selectors.Breakdown(
        sex=request.GET.get("sex", "").strip().upper() or None,
        age=request.GET.get("age", "").strip() or None,
        partner=partner,
    )


@require_GET
def sdmx_structure(request: HttpRequest) -> HttpResponse:
    """The SDMX structure (concepts, DSD, dataflow) the SDMX-CSV downloads refer to."""
    return HttpResponse(
        exports.sdmx_structure_xml(), content_type="application/vnd.sdmx.structure+xml; version=2.1"
    )


@require_GET
def sdg_catalogue(request: HttpRequest) -> HttpResponse:
    # Not cached with the indicator pages: the figures may come from the remittances module, whose
    # writes do not change the indicators' data version.
    return render(
        request,
        "indicators/sdg.html",
        {"sdg_indicators": selectors.sdg_catalogue(), "cost_status": selectors.remittance_cost_status()},
    )


@require_GET
def editions(request: HttpRequest) -> HttpResponse:
    sources = Source.objects.prefetch_related("editions__coverage__series").order_by("name")
    return render(request, "indicators/editions.html", {"sources": sources, "edition_kinds": Edition.Kind})


@require_GET
def plan_list(request: HttpRequest) -> HttpResponse:
    names = regions.area_names()
    plans = [(plan, names.get(plan.country, plan.country)) for plan in DevelopmentPlan.objects.all()]
    return render(
        request,
        "indicators/plans.html",
        {
            "plans": plans,
            "can_add_plan": has_permission(request.user, PERM_ADD_PLAN),
            "can_add_assessment": has_permission(request.user, PERM_ADD_ASSESSMENT),
            "can_add_score": has_permission(request.user, PERM_ADD_SCORE),
        },
    )


@require_GET
def plan_detail(request: HttpRequest, plan_id: int) -> HttpResponse:
    try:
        plan = selectors.plan_by_id(plan_id)
    except DevelopmentPlan.DoesNotExist as error:
        raise Http404 from error
    progress = selectors.plan_progress(plan)
    rows = [
        {
            "item": item,
            "baseline": format_value(item.baseline, item.target.indicator),
            "target": format_value(item.target.target_value, item.target.indicator),
            "latest": format_value(item.progress.latest, item.target.indicator),
            "expected": format_value(item.progress.expected, item.target.indicator),
        }
        for item in progress.targets
    ]
    return render(
        request,
        "indicators/plan.html",
        {
            "plan": plan,
            "progress": progress,
            "rows": rows,
            "country_name": regions.area_name(plan.country),
            "can_edit": has_permission(request.user, PERM_CHANGE_PLAN),
        },
    )


# --- Editing (editors and administrators; anyone else gets a 404) ---------------------------------

PERM_ADD_PLAN = "indicators.add_developmentplan"
PERM_CHANGE_PLAN = "indicators.change_developmentplan"
PERM_ADD_ASSESSMENT = "indicators.add_governanceassessment"
PERM_ADD_SCORE = "indicators.add_policydomainscore"


def _edit_page(
    request: HttpRequest,
    form: Any,
    *,
    title: str,
    back: str,
    submit: str,
    plan: DevelopmentPlan | None = None,
    conflict: EditConflict | None = None,
) -> HttpResponse:
    return render(
        request,
        "indicators/edit.html",
        {"form": form, "title": title, "back": back, "submit": submit, "plan": plan, "conflict": conflict},
        status=409 if conflict else 200,
    )


def _stored_initial(form_class: Any, record: Any) -> dict[str, Any]:
    """What the edit form would show for ``record`` as it is now saved (for the conflict page)."""
    stored = type(record).objects.get(pk=record.pk)
    return {**form_class(instance=stored).initial, "version": stored.version}


def _plan_or_404(plan_id: int) -> DevelopmentPlan:
    try:
        return DevelopmentPlan.objects.get(id=plan_id)
    except DevelopmentPlan.DoesNotExist as error:
        raise Http404 from error


def _save_or_error(form: Any, write: Any) -> Any:
    """Run the service; a rule it enforces comes back as a form error instead of a server error.
    A stale save (:class:`StaleEdit`) is left to the caller, which shows the conflict page."""
    try:
        return write()
    except (ValueError, ValidationError) as error:
        messages_ = getattr(error, "messages", None) or [str(error)]
        form.add_error(None, " ".join(str(m) for m in messages_))
        return None


@never_cache
@require_http_methods(["GET", "POST"])
@permission_required_or_404(PERM_ADD_PLAN)
def plan_new(request: HttpRequest) -> HttpResponse:
    form = forms.PlanForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        plan = _save_or_error(
            form,
            lambda: services.plan_record_create(request=request, actor=request.user, **form.cleaned_values()),
        )
        if plan is not None:
            messages.success(request, _("The plan was recorded. Add its goals and targets."))
            return redirect("indicators:plan", plan_id=plan.id)
    return _edit_page(
        request, form, title=_("New development plan"), back=reverse("indicators:plans"), submit=_("Save")
    )


@never_cache
@require_http_methods(["GET", "POST"])
@permission_required_or_404(PERM_CHANGE_PLAN)
def plan_edit(request: HttpRequest, plan_id: int) -> HttpResponse:
    plan = _plan_or_404(plan_id)
    # The form works on its own copy: a model form changes its instance while validating, and the
    # service must see the stored values to audit what changed.
    form = forms.PlanForm(request.POST or None, instance=_plan_or_404(plan_id))
    back = reverse("indicators:plan", args=[plan.id])
    conflict = None
    if request.method == "POST" and form.is_valid():
        data, version = form.cleaned_values(), form.expected_version()
        try:
            saved = _save_or_error(
                form,
                lambda: services.plan_update(
                    plan=plan, request=request, actor=request.user, expected_version=version, **data
                ),
            )
        except StaleEdit as stale:
            conflict = edit_conflict(form, stale, _stored_initial(forms.PlanForm, plan))
        else:
            if saved:
                messages.success(request, _("The plan was saved."))
                return redirect(back)
    return _edit_page(
        request, form, title=_("Edit the plan"), back=back, submit=_("Save"), plan=plan, conflict=conflict
    )


@never_cache
@require_http_methods(["GET", "POST"])
@permission_required_or_404(PERM_CHANGE_PLAN)
def goal_new(request: HttpRequest, plan_id: int) -> HttpResponse:
    plan = _plan_or_404(plan_id)
    form = forms.GoalForm(request.POST or None)
    back = reverse("indicators:plan", args=[plan.id])
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_values()
        if _save_or_error(
            form, lambda: services.plan_goal_record(plan=plan, request=request, actor=request.user, **data)
        ):
            messages.success(request, _("The goal was added."))
            return redirect(back)
    return _edit_page(request, form, title=_("Add a goal"), back=back, submit=_("Save"), plan=plan)


def _goal_or_404(plan: DevelopmentPlan, goal_id: int) -> PlanGoal:
    try:
        return plan.goals.get(id=goal_id)
    except PlanGoal.DoesNotExist as error:
        raise Http404 from error


@never_cache
@require_http_methods(["GET", "POST"])
@permission_required_or_404(PERM_CHANGE_PLAN)
def goal_edit(request: HttpRequest, plan_id: int, goal_id: int) -> HttpResponse:
    plan = _plan_or_404(plan_id)
    goal = _goal_or_404(plan, goal_id)
    form = forms.GoalForm(request.POST or None, instance=_goal_or_404(plan, goal_id))
    back = reverse("indicators:plan", args=[plan.id])
    conflict = None
    if request.method == "POST" and form.is_valid():
        data, version = form.cleaned_values(), form.expected_version()
        try:
            saved = _save_or_error(
                form,
                lambda: services.plan_goal_update(
                    goal=goal, request=request, actor=request.user, expected_version=version, **data
                ),
            )
        except StaleEdit as stale:
            conflict = edit_conflict(form, stale, _stored_initial(forms.GoalForm, goal))
        else:
            if saved:
                messages.success(request, _("The goal was saved."))
                return redirect(back)
    return _edit_page(
        request, form, title=_("Edit the goal"), back=back, submit=_("Save"), plan=plan, conflict=conflict
    )


@never_cache
@require_http_methods(["GET", "POST"])
@permission_required_or_404(PERM_CHANGE_PLAN)
def target_new(request: HttpRequest, plan_id: int, goal_id: int) -> HttpResponse:
    plan = _plan_or_404(plan_id)
    goal = _goal_or_404(plan, goal_id)
    form = forms.TargetForm(request.POST or None)
    back = reverse("indicators:plan", args=[plan.id])
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_values()
        if _save_or_error(
            form, lambda: services.plan_target_record(goal=goal, request=request, actor=request.user, **data)
        ):
            messages.success(request, _("The target was added."))
            return redirect(back)
    title = _("Add a target to “%(goal)s”") % {"goal": goal.title}
    return _edit_page(request, form, title=title, back=back, submit=_("Save"), plan=plan)


@never_cache
@require_http_methods(["GET", "POST"])
@permission_required_or_404(PERM_CHANGE_PLAN)
def target_edit(request: HttpRequest, plan_id: int, target_id: int) -> HttpResponse:
    plan = _plan_or_404(plan_id)
    try:
        target = PlanTarget.objects.get(id=target_id, goal__plan=plan)
    except PlanTarget.DoesNotExist as error:
        raise Http404 from error
    form = forms.TargetForm(request.POST or None, instance=PlanTarget.objects.get(id=target.id))
    back = reverse("indicators:plan", args=[plan.id])
    conflict = None
    if request.method == "POST" and form.is_valid():
        data, version = form.cleaned_values(), form.expected_version()
        try:
            saved = _save_or_error(
                form,
                lambda: services.plan_target_update(
                    target=target, request=request, actor=request.user, expected_version=version, **data
                ),
            )
        except StaleEdit as stale:
            conflict = edit_conflict(form, stale, _stored_initial(forms.TargetForm, target))
        else:
            if saved:
                messages.success(request, _("The target was saved."))
                return redirect(back)
    return _edit_page(
        request, form, title=_("Edit the target"), back=back, submit=_("Save"), plan=plan, conflict=conflict
    )


@never_cache
@require_http_methods(["GET", "POST"])
@permission_required_or_404(PERM_ADD_ASSESSMENT)
def assessment_new(request: HttpRequest) -> HttpResponse:
    form = forms.AssessmentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        record = _save_or_error(
            form, lambda: services.governance_assessment_create(request=request, actor=request.user, **data)
        )
        if record is not None:
            messages.success(request, _("The assessment was recorded."))
            return redirect("indicators:country", iso3=record.country)
    return _edit_page(
        request,
        form,
        title=_("Record an MGI domain assessment"),
        back=reverse("indicators:home"),
        submit=_("Save"),
    )


@never_cache
@require_http_methods(["GET", "POST"])
@permission_required_or_404(PERM_ADD_SCORE)
def score_new(request: HttpRequest) -> HttpResponse:
    form = forms.ScoreForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        record = _save_or_error(
            form, lambda: services.policy_domain_score_save(request=request, actor=request.user, **data)
        )
        if record is not None:
            messages.success(request, _("The SDG 10.7.2 score was recorded."))
            return redirect("indicators:country", iso3=record.country)
    return _edit_page(
        request,
        form,
        title=_("Record an SDG 10.7.2 domain score"),
        back=reverse("indicators:home"),
        submit=_("Save"),
    )
