"""The scheme dashboard and the brain-drain view: figures computed by migdev from the scheme's records.

Every figure carries its method and inputs; figures that count sample records say so. Counts by sex under
``SMALL_CELL`` workers are suppressed with the platform's one-way table suppression
(``migdev.trafficking.aggregates.suppress_one_way``): more cells are hidden until the hidden ones add up to
``SMALL_CELL`` or more (secondary suppression), the table's total goes when it is itself small, and the
hidden cells are shown as one row naming none of them, so no hidden count can be worked out from the total
or from the placements counted elsewhere on the page. Charts are Vega-Lite specifications; the page draws the
same data as server-side SVG (``migdev.indicators.charts``, no script) with a table beside each chart.
"""

from __future__ import annotations

import statistics
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Exists, OuterRef, QuerySet
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from migdev.indicators import charts
from migdev.labour import selectors
from migdev.labour.models import Application, Complaint, Contract, Scheme, Sex
from migdev.labour.sdg1071 import SMALL_CELL
from migdev.labour.stock import StockFigure, stock_figures
from migdev.labour.who_ssl import is_health_occupation, is_listed
from migdev.trafficking.aggregates import suppress_one_way

SUPPRESSED = None
SUPPRESSED_ROW = gettext_lazy("Other values (suppressed)")
METHOD_PLACEMENTS = gettext_lazy(
    "Computed by migdev from this platform's applications: a placement is an application deployed (the "
    "safeguards gate passed). Corridor: the worker's country of residence to the job order's country. ISCO-08 "
    "sub-major group of the job order's occupation. Counts by sex under %(threshold)s are suppressed, with "
    "more cells until the hidden counts add up to at least %(threshold)s, and the total when it is under "
    "%(threshold)s."
)
METHOD_TIME = gettext_lazy(
    "Computed by migdev: days from the job order's approval (its creation when it was never approved) to the "
    "arrival confirmed in the passage record, over deployed workers whose arrival is confirmed; quartiles by "
    "the inclusive method. An arrival dated before the job order is left out as inconsistent records, and "
    "counted."
)
METHOD_RATES = gettext_lazy(
    "Computed by migdev. Orientation coverage: deployed workers with an orientation certificate, over deployed "
    "workers. Contract substitution: applications with a contract revision made after signature, over "
    "applications with a contract. Complaints: deployed workers with at least one complaint logged, over "
    "deployed workers."
)


@dataclass
class Breakdown:
    key: str
    title: str
    rows: list[tuple[str, int | None]]
    total: int | None  # None: withheld (a small table's total would give its hidden cells away)
    chart: SafeString
    spec: dict[str, Any]
    suppressed: int = 0


@dataclass
class Rate:
    numerator: int
    denominator: int

    @property
    def percent(self) -> float | None:
        return round(100 * self.numerator / self.denominator, 1) if self.denominator else None


@dataclass
class Dashboard:
    schemes: list[Scheme]
    placements: int
    includes_sample: bool
    sample_placements: int
    breakdowns: list[Breakdown]
    days_to_arrival: dict[str, float | int | None]
    orientation: Rate
    substitution: Rate
    complaints: Rate
    complaints_logged: int
    threshold: int = SMALL_CELL
    methods: dict[str, str] = field(default_factory=dict)


def suppress_small(counts: dict[str, int], threshold: int = SMALL_CELL) -> dict[str, int | None]:
    """Which counts are published: the platform's one-way table suppression
    (:func:`migdev.trafficking.aggregates.suppress_one_way`): counts from 1 to ``threshold - 1`` hidden,
    then the smallest other counts until the hidden ones add up to ``threshold`` or more, and every cell
    when the table's own total is under ``threshold`` (None: hidden)."""
    table = suppress_one_way(counts, dimension="sex", threshold=threshold)
    return {str(cell.value): cell.count for cell in table.cells}


def vega_lite_bars(title: str, rows: list[tuple[str, int | None]], unit: str) -> dict[str, Any]:
    """A horizontal bar chart as a Vega-Lite v5 specification (suppressed cells left out of the data)."""
    return {
        "$schema": "https://vega.github.io/schema/vega-lite/v5.json",
        "title": title,
        "data": {"values": [{"group": label, "count": count} for label, count in rows if count is not None]},
        "mark": "bar",
        "encoding": {
            "y": {"field": "group", "type": "nominal", "sort": "-x", "title": None},
            "x": {"field": "count", "type": "quantitative", "title": unit},
        },
    }


def _breakdown(key: str, title: str, counts: Counter[str], *, by_sex: bool = False) -> Breakdown:
    ordered = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    total: int | None = sum(counts.values())
    hidden = 0
    rows: list[tuple[str, int | None]]
    if by_sex:
        # Hidden cells are folded into one row that names none of their values (a row "Male *" would
        # tell that some placement is a man), and the table's total goes when it is itself small.
        table = suppress_one_way(dict(ordered), dimension=key, threshold=SMALL_CELL)
        published = {str(cell.value): cell.count for cell in table.cells if not cell.suppressed}
        hidden = sum(1 for cell in table.cells if cell.suppressed)
        rows = [(label, published[label]) for label, _count in ordered if label in published]
        if hidden:
            rows.append((str(SUPPRESSED_ROW), SUPPRESSED))
        total = table.total
    else:
        rows = [(label, count) for label, count in ordered]
    unit = _("placements")
    bars = [(label, float(count)) for label, count in rows if count is not None]
    chart = (
        charts.bar_chart(
            bars,
            title=title,
            description=_("Bar chart of the table that follows it."),
            format_value=lambda value: f"{value:.0f}",
            key=f"labour-{key}",
            width=760,
            label_space=400,
        )
        if bars
        else SafeString("")
    )
    return Breakdown(key, title, rows, total, chart, vega_lite_bars(title, rows, unit), hidden)


def _isco_labels(codes: set[str], lang: str) -> dict[str, str]:
    from migdev.skills.models import IscoGroup
    from migdev.skills.selectors import current_edition, label_in

    edition = current_edition("isco")
    if edition is None or not codes:
        return {}
    return {
        group.code: label_in(group, lang).text
        for group in IscoGroup.objects.filter(edition=edition, code__in=codes, level=2)
    }


def _sub_major(code: str) -> str:
    return code[:2] if len(code) >= 2 and code[:2].isdigit() else ""


def placements_in_scope(user: Any, scheme: Scheme | None = None) -> QuerySet[Application]:
    """Deployed applications of the schemes the user runs as scheme officer."""
    queryset = selectors.applications_officer_reaches(user).filter(stage=Application.Stage.DEPLOYED)
    if scheme is not None:
        queryset = queryset.filter(job_order__scheme=scheme)
    return queryset.select_related("job_order__scheme", "worker", "passage", "orientation_certificate")


def scheme_dashboard(user: Any, *, scheme: Scheme | None = None, lang: str = "en") -> Dashboard:
    placed = list(placements_in_scope(user, scheme))
    schemes = list(selectors.schemes_visible_to(user)) if scheme is None else [scheme]
    sexes = dict(Sex.choices)
    isco_codes = {_sub_major(a.job_order.isco_code) for a in placed} - {""}
    isco_names = _isco_labels(isco_codes, lang)

    def isco_label(application: Application) -> str:
        code = _sub_major(application.job_order.isco_code)
        if not code:
            return _("Not known")
        return f"{code} {isco_names[code]}" if code in isco_names else code

    breakdowns = [
        _breakdown("scheme", _("Placements by scheme"), Counter(a.job_order.scheme.title for a in placed)),
        _breakdown(
            "corridor",
            _("Placements by corridor"),
            Counter(
                f"{a.worker.country_of_residence_id} → {a.job_order.destination_country_id}" for a in placed
            ),
        ),
        _breakdown(
            "sex",
            _("Placements by sex"),
            Counter(str(sexes.get(a.worker.sex, a.worker.sex)) for a in placed),
            by_sex=True,
        ),
        _breakdown(
            "isco", _("Placements by ISCO-08 sub-major group"), Counter(isco_label(a) for a in placed)
        ),
    ]
    days = []
    inconsistent = 0
    for application in placed:
        passage = getattr(application, "passage", None)
        if passage is None or passage.arrived_on is None:
            continue
        ordered = application.job_order.approved_at or application.job_order.created_at
        interval = (passage.arrived_on - ordered.date()).days
        if interval < 0:  # arrived before the job order existed: the records disagree, not a duration
            inconsistent += 1
            continue
        days.append(interval)
    if days:
        quartiles = statistics.quantiles(days, n=4, method="inclusive") if len(days) > 1 else [days[0]] * 3
        days_to_arrival: dict[str, float | int | None] = {
            "n": len(days),
            "q1": quartiles[0],
            "median": statistics.median(days),
            "q3": quartiles[2],
        }
    else:
        days_to_arrival = {"n": 0, "q1": None, "median": None, "q3": None}
    days_to_arrival["inconsistent"] = inconsistent
    oriented = sum(1 for a in placed if hasattr(a, "orientation_certificate"))
    in_scope = selectors.applications_officer_reaches(user)
    if scheme is not None:
        in_scope = in_scope.filter(job_order__scheme=scheme)
    with_contract = in_scope.filter(Exists(Contract.objects.filter(application=OuterRef("pk"))))
    substituted = with_contract.filter(
        Exists(Contract.objects.filter(application=OuterRef("pk"), is_substitution=True))
    )
    placed_ids = [a.pk for a in placed]
    complaints = Complaint.objects.filter(application_id__in=placed_ids)
    sample = sum(1 for a in placed if a.job_order.is_sample or a.worker.is_sample)
    return Dashboard(
        schemes=schemes,
        placements=len(placed),
        includes_sample=sample > 0,
        sample_placements=sample,
        breakdowns=breakdowns,
        days_to_arrival=days_to_arrival,
        orientation=Rate(oriented, len(placed)),
        substitution=Rate(substituted.count(), with_contract.count()),
        complaints=Rate(complaints.values("application_id").distinct().count(), len(placed)),
        complaints_logged=complaints.count(),
        methods={
            "placements": str(METHOD_PLACEMENTS) % {"threshold": SMALL_CELL},
            "time": str(METHOD_TIME),
            "rates": str(METHOD_RATES),
        },
    )


# --- brain drain ------------------------------------------------------------------------------------------


@dataclass
class DrainRow:
    country: str
    country_name: str
    isco: str
    isco_label: str
    placements: int
    health_ssl: bool
    # The origin's stock of the group as a source published it; None when no figure is loaded (never 0).
    stock: StockFigure | None = None

    @property
    def per_thousand(self) -> float | None:
        """Placements per 1,000 workers of the group in the country of origin."""
        if self.stock is None or self.stock.count <= 0:
            return None
        rate = 1000 * self.placements / self.stock.count
        # Three significant digits: a handful of placements against a large stock is small, never "0.0".
        return float(f"{rate:.3g}")


def brain_drain(user: Any, *, lang: str = "en") -> list[DrainRow]:
    """Placements per origin country and ISCO-08 sub-major group, with the WHO safeguards-list health
    groups flagged, set against the origin's stock of the group where a figure is loaded
    (``labour.stock``); ``stock`` stays None otherwise (never estimated)."""
    from migdev.reference.collation import collation_key
    from migdev.reference.models import Country

    placed = list(placements_in_scope(user))
    counts = Counter(
        (a.worker.country_of_residence_id, _sub_major(a.job_order.isco_code) or "") for a in placed
    )
    names = {c.iso3: c for c in Country.objects.filter(iso3__in={country for country, _isco in counts})}
    isco_names = _isco_labels({isco for _country, isco in counts} - {""}, lang)
    stocks = stock_figures({key for key in counts if key[1]})
    rows = []
    for (country, isco), count in counts.items():
        record = names.get(country)
        rows.append(
            DrainRow(
                country,
                record.name if record else country,
                isco,
                isco_names.get(isco, ""),
                count,
                is_listed(country) and is_health_occupation(isco),
                stocks.get((country, isco)),
            )
        )
    rows.sort(key=lambda row: (collation_key(row.country_name, lang), row.isco))
    return rows
