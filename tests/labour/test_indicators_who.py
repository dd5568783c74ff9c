from collections import Counter
from decimal import Decimal

from migdev.labour import sdg1071, services, who_ssl
from migdev.labour.models import Application
from tests.labour.conftest import TODAY, World, make_worker


def test_who_list_has_55_countries_by_region() -> None:
    countries = who_ssl.listed_countries()
    assert len(countries) == 55
    assert Counter(c.who_region_code for c in countries.values()) == {
        "AFRO": 37,
        "WPRO": 8,
        "EMRO": 6,
        "SEARO": 3,
        "AMRO": 1,
    }
    assert who_ssl.is_listed("SEN") and who_ssl.is_listed("npl") and not who_ssl.is_listed("KEN")
    assert who_ssl.is_health_occupation("2221") and who_ssl.is_health_occupation("3221")
    assert not who_ssl.is_health_occupation("5120")


def _application(world: World, name: str, sex: str = "female") -> Application:
    worker = make_worker(world, name, sex=sex)
    return Application.objects.create(job_order=world.job_order, worker=worker)


def test_sdg_10_7_1_worked_example(world: World) -> None:
    application = _application(world, "Amina")
    for category, amount in (("visa", "200"), ("medical", "100")):
        services.cost_line_add(
            actor=world.officer,
            application=application,
            category=category,
            amount=Decimal(amount),
            currency="EUR",
            paid_by="worker",
        )
    services.cost_line_add(
        actor=world.officer,
        application=application,
        category="travel",
        amount=Decimal("900"),
        currency="EUR",
        paid_by="employer",
    )
    cost = sdg1071.worker_cost(application)  # job order wage: 1,200 EUR a month
    assert cost.costs_paid == Decimal("300") and cost.monthly_income == Decimal("1200.00")
    assert cost.percent == Decimal("25.00")
    assert cost.corridor == "SEN-BEL" and cost.isco_major == "2"


def test_refunds_are_netted_and_hourly_wages_made_monthly(world: World) -> None:
    application = _application(world, "Amina")
    line = services.cost_line_add(
        actor=world.officer,
        application=application,
        category="recruitment_fee",
        amount=Decimal("500"),
        currency="EUR",
        paid_by="worker",
    )
    services.cost_line_refund(
        actor=world.officer, line=line, refunded_amount=Decimal("500"), refunded_on=TODAY, expected_version=1
    )
    assert sdg1071.worker_cost(application).percent == Decimal("0.00")
    assert sdg1071.monthly_wage(Decimal("10"), "hour", Decimal("39")) == Decimal("10") * 39 * 52 / 12


def test_other_currency_is_not_computable(world: World) -> None:
    application = _application(world, "Amina")
    services.cost_line_add(
        actor=world.officer,
        application=application,
        category="visa",
        amount=Decimal("60000"),
        currency="XOF",
        paid_by="worker",
    )
    assert sdg1071.worker_cost(application).ratio is None


def test_small_cells_are_suppressed(world: World) -> None:
    costs = []
    for index in range(6):
        application = _application(world, f"W{index}", sex="female" if index < 5 else "male")
        services.cost_line_add(
            actor=world.officer,
            application=application,
            category="visa",
            amount=Decimal(120 * (index + 1)),
            currency="EUR",
            paid_by="worker",
        )
        costs.append(sdg1071.worker_cost(application))
    cells = {cell.key: cell for cell in sdg1071.aggregate(costs)}
    women = cells[("SEN-BEL", "female", "2")]
    assert not women.suppressed and women.workers == 5 and women.mean_percent == Decimal("30.00")
    men = cells[("SEN-BEL", "male", "2")]
    assert men.suppressed and men.mean_percent is None and men.workers is None
