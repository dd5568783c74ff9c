"""SDG 10.7.1 editions audited against earlier ones: no withheld mean and no worker added since an earlier
edition can be worked out by subtracting editions (the ledger's linear programming)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.utils import timezone

from migdev.indicators.models import Observation
from migdev.labour import services
from migdev.labour.models import Application, Sdg1071Basis
from migdev.labour.sdg1071_ledger import audit, make_basis
from migdev.labour.sdg1071_publish import ALL, sdg1071_publish
from tests.labour.conftest import World, make_worker

QUARTER, HALF = Decimal("0.25"), Decimal("0.5")


def _basis(cells: dict[str, tuple[list[tuple[int, Decimal]], bool]]) -> dict:
    return make_basis(cells, 5)


WOMEN = [(number, QUARTER) for number in range(1, 7)]


def test_one_worker_added_to_a_published_total_is_caught() -> None:
    earlier = _basis({"T": (WOMEN, True), "F": (WOMEN, True)})
    # One man more: the new total minus the old one is his ratio, although his own cell is withheld.
    later = _basis({"T": ([*WOMEN, (7, HALF)], True), "F": (WOMEN, False), "M": ([(7, HALF)], False)})
    result = audit(later, [("ed1", earlier)], 5)
    [failure] = result.failures  # the man: his own withheld cell, and the workers added to T since ed1
    assert failure.members == {"7:0.5"} and failure.kind in {"withheld", "added since"}
    assert result.failures[0].low == result.failures[0].high == pytest.approx(0.5)
    # The same edition alone is protected: the man is hidden inside the total of seven.
    assert audit(later, [], 5).failures == []


def test_an_unchanged_edition_and_a_large_enough_addition_pass() -> None:
    earlier = _basis({"T": (WOMEN, True)})
    assert audit(_basis({"T": (WOMEN, True)}), [("ed1", earlier)], 5).failures == []
    # Five new workers: their sum is known, but five is the threshold.
    more = [*WOMEN, *((number, HALF) for number in range(10, 15))]
    assert audit(_basis({"T": (more, True)}), [("ed1", earlier)], 5).failures == []


def test_an_earlier_withheld_cell_is_protected_too() -> None:
    # Edition 1 hid the three men inside a published total of six.
    men = [(number, HALF) for number in range(1, 4)]
    women = [(number, QUARTER) for number in range(4, 7)]
    earlier = _basis({"T": ([*men, *women], True), "M": (men, False), "F": (women, False)})
    # Edition 2 publishes the women alone (two more of them, five in all) but not the total: the men of
    # edition 1 are then the old total minus the three women, who are in the new women's cell...
    women_later = [*women, (8, QUARTER), (9, QUARTER)]
    later = _basis({"F": (women_later, True)})
    result = audit(later, [("ed1", earlier)], 5)
    assert result.failures == []  # ...with two unknown newcomers: not pinned.
    # Without newcomers the three women of edition 1 would be pinned, and the men with them.
    pinned = _basis({"F": (women, True)})
    kinds = {(f.kind, f.cell) for f in audit(pinned, [("ed1", earlier)], 5).failures}
    assert ("earlier withheld", "M") in kinds


def _deploy(world: World, name: str, sex: str, paid: str) -> Application:
    application = Application.objects.create(
        job_order=world.job_order,
        worker=make_worker(world, name, sex=sex),
        stage="deployed",
        deployed_at=timezone.now(),
    )
    services.cost_line_add(
        actor=world.officer,
        application=application,
        category="visa",
        amount=Decimal(paid),
        currency="EUR",
        paid_by="worker",
    )
    return application


def _published() -> dict[tuple[str, str], float | None]:
    rows = Observation.objects.filter(area="SEN", counterpart="BEL")
    return {(row.series.code, row.sex): row.value for row in rows.select_related("series")}


def test_a_new_edition_adding_one_worker_does_not_give_him_away(world: World) -> None:
    for number in range(6):
        _deploy(world, f"Awa{number}", "female", "300")  # 25 % each
    sdg1071_publish(actor=world.officer, scheme=world.scheme)
    first = _published()
    assert first[("migdev-sdg1071", ALL)] == 25.0 and first[("migdev-sdg1071", "F")] == 25.0
    _deploy(world, "Moussa", "male", "600")  # 50 %
    publication = sdg1071_publish(actor=world.officer, scheme=world.scheme)
    second = _published()
    # With both totals published, 7 x total2 - 6 x total1 would be Moussa's 50 %.
    for series in ("migdev-sdg1071", "migdev-sdg1071-isco2"):
        assert first[(series, ALL)] is not None
        assert second[(series, ALL)] is None, series
    assert publication.cells_published == 0
    bases = list(Sdg1071Basis.objects.filter(scheme=world.scheme).order_by("pk"))
    assert len(bases) == 2 and bases[1].audit["additionally_withheld"]
    assert "audited against 1 earlier edition" in Observation.objects.first().edition.notes  # type: ignore[union-attr]


def test_without_an_earlier_edition_the_same_records_publish_their_total(world: World) -> None:
    for number in range(6):
        _deploy(world, f"Awa{number}", "female", "300")
    _deploy(world, "Moussa", "male", "600")
    sdg1071_publish(actor=world.officer, scheme=world.scheme)
    assert _published()[("migdev-sdg1071", ALL)] == pytest.approx(28.57)
