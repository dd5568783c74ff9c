"""Publishing SDG 10.7.1 of a scheme into the indicators module as series computed by migdev.

Workers: the scheme's deployed applications, by the year of deployment. Each worker's ratio is
``sdg1071.worker_cost`` (costs paid by the worker net of refunds / monthly wage). Cells: area = the
worker's country of residence, counterpart = the destination, sex (female, male, both sexes; workers of
another or unstated sex count only in both sexes), and one series per ISCO-08 major group beside the series
of all occupations. A cell's value is the mean of its workers' ratios, in per cent.

Disclosure control:
- primary: a cell of fewer than ``SMALL_CELL`` workers is suppressed (value withheld, status C);
- complementary: in every group of cells that add up to a total (the sexes of one occupation group, the
  occupation groups of one sex), a suppressed cell is never alone: if exactly one part is withheld
  (a withheld cell, or the workers of another or unknown sex or occupation, who are in the total only),
  the smallest published part is suppressed too, or the total when no part is left, until every group
  has none or at least two withheld parts. So no withheld mean can be recovered as a total minus the
  published parts. Counts are not published.
- across editions: a new edition is audited against every earlier edition of the scheme
  (``labour.sdg1071_ledger``, the counter-trafficking ledger's linear programming): cells are withheld
  until no withheld mean, and no worker added or gone since an earlier edition, can be worked out by
  subtracting editions; the publication is refused when withholding cannot protect them.
Limits: within one edition, groups are checked one table at a time (one corridor and year).

The demo scheme is sample data: its edition is of kind *sample* and is never a default, a headline or an
SDG status in the indicators module.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils import timezone

from migdev.accounts.access import UserLike
from migdev.audit.models import AuditAction
from migdev.labour.models import Application, Scheme, Sex
from migdev.labour.sdg1071 import METHOD, SMALL_CELL, WorkerCost, worker_cost

ALL = "_T"
SEXES = {Sex.FEMALE: "F", Sex.MALE: "M"}
ISCO_MAJOR_GROUPS = tuple(str(digit) for digit in range(10))
SERIES_ALL = "migdev-sdg1071"
SOURCE_CODE = "migdev-labour"
PUBLISH_JOB = "labour.publish_sdg1071"
FOOTNOTE = "Computed by migdev: SDG 10.7.1, mean of workers' ratios (method in the edition notes)"
SUPPRESSED_FOOTNOTE = (
    f"Suppressed: fewer than {SMALL_CELL} workers, or withheld so that such a cell cannot be recovered"
)


def series_code(isco_major: str) -> str:
    return SERIES_ALL if isco_major == ALL else f"{SERIES_ALL}-isco{isco_major}"


@dataclass
class _Cell:
    ratios: list[Decimal]
    withheld: bool = False
    application_ids: list[int] = field(default_factory=list)

    @property
    def workers(self) -> int:
        return len(self.ratios)

    @property
    def percent(self) -> Decimal:
        return (sum(self.ratios, Decimal(0)) / len(self.ratios) * 100).quantize(Decimal("0.01"))


# A table is one corridor and year: cells keyed by (ISCO major group or ALL, sex code or ALL).
Table = dict[tuple[str, str], _Cell]


def _table(costs: list[WorkerCost]) -> Table:
    table: Table = defaultdict(lambda: _Cell([]))
    for cost in costs:
        assert cost.ratio is not None
        sexes = [ALL] + ([SEXES[cost.sex]] if cost.sex in SEXES else [])  # type: ignore[index]
        groups = [ALL] + ([cost.isco_major] if cost.isco_major in ISCO_MAJOR_GROUPS else [])
        for group in groups:
            for sex in sexes:
                table[(group, sex)].ratios.append(cost.ratio)
                table[(group, sex)].application_ids.append(cost.application_id)
    return dict(table)


def suppress(table: Table) -> None:
    """Primary and complementary suppression, in place (see the module's docstring)."""
    for cell in table.values():
        cell.withheld = cell.workers < SMALL_CELL
    complement(table)


def complement(table: Table) -> None:
    """Complementary suppression, in place: no total has exactly one withheld part."""
    groups = sorted({group for group, _sex in table})
    lines: list[tuple[tuple[str, str], list[tuple[str, str]]]] = []
    for group in groups:  # the sexes of one occupation group add up to its both-sexes cell
        lines.append(((group, ALL), [(group, sex) for sex in SEXES.values()]))
    for sex in [ALL, *SEXES.values()]:  # the occupation groups of one sex add up to all occupations
        lines.append(((ALL, sex), [(group, sex) for group in groups if group != ALL]))
    changed = True
    while changed:
        changed = False
        for total_key, part_keys in lines:
            total = table.get(total_key)
            if total is None or total.withheld:
                continue
            parts = [table[key] for key in part_keys if key in table]
            # Workers in the total but in no part (another sex, no occupation group) are a hidden part.
            residual = total.workers - sum(part.workers for part in parts)
            withheld = sum(1 for part in parts if part.withheld) + (1 if residual > 0 else 0)
            if withheld != 1:
                continue
            published = [part for part in parts if not part.withheld]
            if published:
                min(published, key=lambda part: (part.workers, part.percent)).withheld = True
            else:
                total.withheld = True
            changed = True


@dataclass(frozen=True)
class Publication:
    edition: str
    sample: bool
    workers: int
    not_computable: int
    cells_published: int
    cells_suppressed: int


def _deployed(scheme: Scheme) -> list[Application]:
    return list(
        Application.objects.filter(job_order__scheme=scheme, stage=Application.Stage.DEPLOYED)
        .select_related("job_order", "worker")
        .prefetch_related("contracts", "cost_lines")
        .order_by("pk")
    )


def cell_key(origin: str, destination: str, year: str, group: str, sex: str) -> str:
    return "|".join((series_code(group), origin, destination, year, sex))


def _tables(scheme: Scheme) -> tuple[dict[tuple[str, str, str], Table], dict[str, int]]:
    by_corridor: dict[tuple[str, str, str], list[WorkerCost]] = defaultdict(list)
    counts = {"workers": 0, "not_computable": 0}
    for application in _deployed(scheme):
        cost = worker_cost(application)
        if cost.ratio is None:
            counts["not_computable"] += 1
            continue
        counts["workers"] += 1
        origin, destination = cost.corridor.split("-", 1)
        year = str((application.deployed_at or timezone.now()).year)
        by_corridor[(origin, destination, year)].append(cost)
    tables = {}
    for where, costs in by_corridor.items():
        table = _table(costs)
        suppress(table)
        tables[where] = table
    return tables, counts


def _basis(tables: dict[tuple[str, str, str], Table]) -> dict[str, Any]:
    from migdev.labour.sdg1071_ledger import make_basis

    return make_basis(
        {
            cell_key(*where, group, sex): (
                list(zip(cell.application_ids, cell.ratios, strict=True)),
                not cell.withheld,
            )
            for where, table in tables.items()
            for (group, sex), cell in table.items()
        },
        SMALL_CELL,
    )


def _earlier_bases(scheme: Scheme) -> list[tuple[str, dict[str, Any]]]:
    from migdev.labour.models import Sdg1071Basis

    return [
        (b.edition, b.basis)
        for b in Sdg1071Basis.objects.filter(scheme=scheme).order_by("published_at", "pk")
    ]


def audit_against_earlier(
    tables: dict[tuple[str, str, str], Table], earlier: list[tuple[str, dict[str, Any]]]
) -> Any:
    """Withhold cells of ``tables`` (in place) until no sensitive set fails the ledger's audit against the
    ``earlier`` editions; the audit's record. Raises ValidationError when withholding cannot protect one."""
    from django.core.exceptions import ValidationError
    from django.utils.translation import gettext as _

    from migdev.labour.sdg1071_ledger import audit

    withheld: list[dict[str, str]] = []
    checked = programs = 0
    while True:
        result = audit(_basis(tables), earlier, SMALL_CELL)
        checked += result.checked
        programs += result.linear_programs
        if not result.failures:
            break
        failure = result.failures[0]
        containing = [
            (cell.workers, cell_key(*where, group, sex), where, (group, sex))
            for where, table in tables.items()
            for (group, sex), cell in table.items()
            if not cell.withheld
            and set(cell.application_ids) & {int(v.split(":")[0]) for v in failure.members}
        ]
        if not containing:
            raise ValidationError(
                _(
                    "This edition cannot be published: combined with an earlier edition of the scheme it "
                    "would let a withheld figure be worked out (%(detail)s)."
                )
                % {"detail": failure.describe()}
            )
        _workers, key, where, cell_at = min(containing)
        tables[where][cell_at].withheld = True
        complement(tables[where])
        withheld.append({"cell": key, "reason": failure.describe()})
    result.checked, result.linear_programs, result.withheld = checked, programs, withheld
    return result


def observations_for(
    scheme: Scheme, *, earlier: list[tuple[str, dict[str, Any]]] | None = None
) -> tuple[list[Any], dict[str, int], dict[str, Any], Any]:
    """The edition's observations, counts, basis (to keep) and its audit against the ``earlier`` editions
    (the scheme's stored bases when None)."""
    from migdev.indicators.parsers.base import ParsedObservation

    tables, counts = _tables(scheme)
    ledger = audit_against_earlier(tables, _earlier_bases(scheme) if earlier is None else earlier)
    observations = []
    for (origin, destination, year), table in sorted(tables.items()):
        for (group, sex), cell in sorted(table.items()):
            observations.append(
                ParsedObservation(
                    series=series_code(group),
                    area=origin,
                    counterpart=destination,
                    period=year,
                    sex=sex,
                    value=None if cell.withheld else float(cell.percent),
                    status="C" if cell.withheld else "",
                    footnote=SUPPRESSED_FOOTNOTE if cell.withheld else FOOTNOTE,
                    row=0,
                    column="",
                )
            )
    return observations, counts, _basis(tables), ledger


def sdg1071_publish(*, actor: UserLike | None, scheme: Scheme, trusted: bool = False) -> Publication:
    """Compute and publish the scheme's SDG 10.7.1 series; refused when no deployed worker has a ratio.

    ``trusted``: an operator's command, which checks no user's reach. The scheme's row is held while
    publishing, so two editions published at once are audited one against the other."""
    from django.db import transaction

    with transaction.atomic():
        Scheme.objects.select_for_update().filter(pk=scheme.pk).exists()
        return _publish(actor=actor, scheme=scheme, trusted=trusted)


def _publish(*, actor: UserLike | None, scheme: Scheme, trusted: bool) -> Publication:
    from django.core.exceptions import ValidationError
    from django.utils.translation import gettext as _

    from migdev.indicators.computed import ComputedSeries, ComputedSource, computed_edition_publish
    from migdev.labour.models import Sdg1071Basis
    from migdev.labour.selectors import scheme_manageable_by
    from migdev.labour.services import _audit, _require

    _require(trusted or scheme_manageable_by(actor, scheme))
    observations, counts, basis, ledger = observations_for(scheme)
    if not observations:
        raise ValidationError(_("No deployed worker of this scheme has a recruitment cost ratio to publish."))
    groups = sorted({obs.series for obs in observations})
    series = [
        ComputedSeries(
            code=code,
            name=(
                "Recruitment cost borne by the worker as a share of monthly income (SDG 10.7.1), "
                + ("all occupations" if code == SERIES_ALL else f"ISCO-08 major group {code[-1]}")
                + ", computed by migdev"
            ),
            description=METHOD,
            counterpart_role="country of destination",
        )
        for code in groups
    ]
    today = timezone.localdate()
    edition = f"migdev-sdg1071-scheme{scheme.pk}-{today:%Y%m%d}"
    inputs = (
        f"scheme “{scheme.title}” (no. {scheme.pk}), {counts['workers']} deployed workers with a ratio, "
        f"{counts['not_computable']} left out (costs and wage in different currencies); cost lines paid by "
        f"workers and the wages of their latest contracts, as recorded on {today.isoformat()}. Cells under "
        f"{SMALL_CELL} workers suppressed, with complementary suppression so that no withheld cell can be "
        "recovered by subtraction from a total"
        + (
            f"; audited against {len(ledger.earlier)} earlier edition(s) of the scheme, "
            f"{len(ledger.withheld)} more cell(s) withheld so that no withheld figure can be worked out by "
            "subtracting editions."
            if ledger.earlier
            else "."
        )
    )
    title = f"SDG 10.7.1 of the scheme “{scheme.title}”, {today.isoformat()}"
    if scheme.is_sample:
        title = "Sample data — " + title
    computed_edition_publish(
        source=ComputedSource(SOURCE_CODE, "migdev labour-mobility records"),
        edition_code=edition,
        title=title[:200],
        published=today,
        method=METHOD,
        inputs=inputs,
        sample=scheme.is_sample,
        series=series,
        observations=observations,
    )
    Sdg1071Basis.objects.create(scheme=scheme, edition=edition, basis=basis, audit=ledger.as_dict())
    suppressed = sum(1 for obs in observations if obs.value is None)
    _audit(AuditAction.CREATE, actor, scheme, step="sdg1071_published", edition=edition)
    return Publication(
        edition=edition,
        sample=scheme.is_sample,
        workers=counts["workers"],
        not_computable=counts["not_computable"],
        cells_published=len(observations) - suppressed,
        cells_suppressed=suppressed,
    )


def publish_enqueue(*, actor: UserLike | None, scheme: Scheme) -> Any:
    """Queue the publication (a scheme officer's button); the job runs it as that officer."""
    from migdev.jobs.services import job_enqueue
    from migdev.labour.selectors import scheme_manageable_by
    from migdev.labour.services import _require, _user

    _require(scheme_manageable_by(actor, scheme))
    return job_enqueue(kind=PUBLISH_JOB, payload={"scheme_id": scheme.pk}, user=_user(actor))
