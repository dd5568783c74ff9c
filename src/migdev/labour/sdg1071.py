"""SDG indicator 10.7.1: recruitment cost borne by the employee as a proportion of monthly income earned in
the country of destination (ILO/World Bank KNOMAD methodology).

Per worker: the recruitment fees and related costs (every ILO category) the worker paid, net of what was
refunded, divided by the monthly wage of their contract (the job order's when no contract is recorded).
Wages per hour, day, week or year are made monthly with the contract's weekly hours: hour x hours x 52/12,
day x 5 x 52/12 (five working days), week x 52/12, year / 12. A worker whose costs and wage are in
different currencies is left out and counted as such (no exchange rate is applied).

Aggregates: the mean of the workers' ratios per cell (corridor = residence -> destination, sex, ISCO-08
major group), with cells of fewer than ``SMALL_CELL`` workers suppressed.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from migdev.labour.models import Application, CostLine, WagePeriod

SMALL_CELL = 5
WEEKS_PER_MONTH = Decimal(52) / Decimal(12)
METHOD = (
    "Computed by migdev: recruitment costs paid by the worker (ILO definition, net of refunds) / monthly "
    "contract wage in the destination, per worker; aggregates are means of the workers' ratios, cells "
    f"under {SMALL_CELL} workers suppressed. SDG 10.7.1 (ILO/World Bank KNOMAD methodology)."
)


def monthly_wage(amount: Decimal, period: str, hours_per_week: Decimal) -> Decimal:
    amount = Decimal(amount)
    if period == WagePeriod.MONTH:
        return amount
    if period == WagePeriod.YEAR:
        return amount / 12
    if period == WagePeriod.WEEK:
        return amount * WEEKS_PER_MONTH
    if period == WagePeriod.DAY:
        return amount * 5 * WEEKS_PER_MONTH
    if period == WagePeriod.HOUR:
        return amount * Decimal(hours_per_week) * WEEKS_PER_MONTH
    raise ValueError(f"unknown wage period {period!r}")


@dataclass(frozen=True)
class WorkerCost:
    application_id: int
    corridor: str
    sex: str
    isco_major: str
    costs_paid: Decimal
    monthly_income: Decimal
    currency: str
    ratio: Decimal | None  # None: not computable (currencies differ)

    @property
    def percent(self) -> Decimal | None:
        return None if self.ratio is None else (self.ratio * 100).quantize(Decimal("0.01"))


def worker_cost(application: Application) -> WorkerCost:
    contract = application.contracts.order_by("-revision").first()
    source = contract or application.job_order
    income = monthly_wage(source.wage_amount, source.wage_period, source.hours_per_week)
    currency = source.wage_currency
    paid = Decimal(0)
    comparable = True
    for line in application.cost_lines.filter(paid_by=CostLine.Payer.WORKER):
        if line.currency != currency:
            comparable = False
        paid += line.amount - line.refunded_amount
    job_order = application.job_order
    ratio = (paid / income) if comparable and income > 0 else None
    return WorkerCost(
        application.pk,
        f"{application.worker.country_of_residence_id}-{job_order.destination_country_id}",
        application.worker.sex,
        (job_order.isco_code or "?")[:1],
        paid,
        income.quantize(Decimal("0.01")),
        currency,
        ratio,
    )


@dataclass(frozen=True)
class Cell:
    key: tuple[str, ...]
    workers: int | None  # None when suppressed: a count under the threshold is not shown either
    mean_percent: Decimal | None  # None when suppressed
    suppressed: bool


def aggregate(costs: list[WorkerCost], by: tuple[str, ...] = ("corridor", "sex", "isco_major")) -> list[Cell]:
    groups: dict[tuple[str, ...], list[Decimal]] = defaultdict(list)
    for cost in costs:
        if cost.ratio is None:
            continue
        groups[tuple(getattr(cost, name) for name in by)].append(cost.ratio)
    cells = []
    for key in sorted(groups):
        ratios = groups[key]
        if len(ratios) < SMALL_CELL:
            cells.append(Cell(key, None, None, True))
        else:
            mean = sum(ratios, Decimal(0)) / len(ratios) * 100
            cells.append(Cell(key, len(ratios), mean.quantize(Decimal("0.01")), False))
    return cells


def deployed_costs(applications: list[Application]) -> list[WorkerCost]:
    return [worker_cost(application) for application in applications]
