"""Exchange rates beyond the World Bank's four (ECB reference rates, legal parities) and budgets and planned
disbursements in the money views. Expected figures come from the publishers' numbers, worked out here."""

from __future__ import annotations

import csv
import datetime
import io
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from migdev.accounts.models import User
from migdev.coordination.activities import ecb_rates, money
from migdev.coordination.activities.iati import import_iati_bytes
from tests.coordination.activities.test_money import near

FIXTURES = Path(__file__).parent / "fixtures"
MONEY_FILE = FIXTURES / "iati-money-2.03.xml"
# Every ECB rate of 2019 for USD, JPY and GBP, cut unchanged from the ECB's eurofxref-hist.csv.
ECB_2019 = FIXTURES / "eurofxref-hist-2019-usd-jpy-gbp.csv"
CENT = Decimal("0.01")

# World Bank PA.NUS.FCRF (LCU per US$), as published.
WB_EUR_2023 = Decimal("0.924839558470698")
WB_EUR_2024 = Decimal("0.923889546117607")
WB_GBP_2023 = Decimal("0.804538906734353")


def cents(value: Decimal) -> Decimal:
    return value.quantize(CENT)


# --- The ECB table -----------------------------------------------------------------------------------


def test_annual_means_match_the_annual_averages_the_ecb_publishes() -> None:
    rows = ecb_rates.annual_means(ECB_2019.read_text(encoding="utf-8"), file_name=ECB_2019.name)
    by_currency = {row["currency"]: row for row in rows}
    assert {row["year"] for row in rows} == {"2019"}
    # The ECB's own 2019 annual averages: USD 1.1195, JPY 122.01, GBP 0.87777; 255 working days.
    assert round(Decimal(by_currency["USD"]["per_eur"]), 4) == Decimal("1.1195")
    assert round(Decimal(by_currency["JPY"]["per_eur"]), 2) == Decimal("122.01")
    assert round(Decimal(by_currency["GBP"]["per_eur"]), 5) == Decimal("0.87777")
    assert by_currency["USD"]["days"] == "255"
    assert (by_currency["USD"]["first_date"], by_currency["USD"]["last_date"]) == ("2019-01-02", "2019-12-31")


def test_the_shipped_table_is_the_one_the_script_builds() -> None:
    built = ecb_rates.annual_means(ECB_2019.read_text(encoding="utf-8"), file_name=ECB_2019.name)
    with ecb_rates.TABLE.open(encoding="utf-8", newline="") as handle:
        shipped = {(row["currency"], row["year"]): row for row in csv.DictReader(handle)}
    for row in built:
        assert shipped[(row["currency"], row["year"])] == row
    assert money.ecb_table().last_date == datetime.date(2026, 10, 30)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "row 1 column 1"),
        ("Date,USD\n2019-13-01,1.1\n", "row 2 column Date"),
        ("Date,USD\n2019-01-02,1,1\n2019-01-03,abc\n", "row 3 column USD"),
        ("Date,USD\n2019-01-02,-1\n", "row 2 column USD"),
        ("Date,USD\n", "no rates"),
    ],
)
def test_a_bad_ecb_file_is_refused_naming_row_and_column(text: str, message: str) -> None:
    with pytest.raises(ecb_rates.EcbFileError) as error:
        ecb_rates.annual_means(text, file_name="eurofxref-hist.csv")
    assert "eurofxref-hist.csv" in str(error.value) and message in str(error.value)


# --- Which rate, from where ------------------------------------------------------------------------


def test_an_ecb_rate_is_crossed_via_the_euro_in_the_right_direction_and_year() -> None:
    rate = money.rate_per_usd("JPY", 2019)
    assert rate is not None and rate.source == money.SOURCE_ECB
    # 122.005765 yen per euro / 1.119475 dollars per euro = yen per dollar (about 109, not 0.009).
    assert rate.per_usd == Decimal("122.005765") / Decimal("1.119475")
    assert money.rate_per_usd("JPY", 2020) != rate
    assert "255 daily rates" in rate.note


def test_the_world_bank_rate_is_kept_where_it_exists() -> None:
    rate = money.rate_per_usd("GBP", 2023)
    assert rate is not None
    assert (rate.per_usd, rate.source) == (WB_GBP_2023, money.SOURCE_WORLD_BANK)


def test_the_euro_after_the_world_bank_years_comes_from_the_ecb_and_says_part_of_the_year() -> None:
    rate = money.rate_per_usd("EUR", 2026)
    assert rate is not None and rate.source == money.SOURCE_ECB
    assert rate.per_usd == Decimal(1) / Decimal("1.156824")
    assert "2026-10-30" in rate.note


def test_the_central_african_cfa_franc_is_derived_from_its_legal_parity() -> None:
    rate = money.rate_per_usd("XAF", 2024)
    assert rate is not None and rate.source == money.SOURCE_PARITY
    assert rate.per_usd == Decimal("655.957") * WB_EUR_2024
    assert "655.957" in rate.note
    assert money.rate_per_usd("XAF", 1998) is None  # the parity to the euro starts with the euro


def test_a_currency_without_any_rate_has_none() -> None:
    assert money.rate_per_usd("NPR", 2025) is None
    assert money.rate_per_usd("JPY", 1998) is None  # before the ECB's first rate
    conversion = money.convert(Decimal(100), "NPR", datetime.date(2025, 2, 20), "USD")
    assert conversion.value is None and "NPR" in conversion.missing


def test_conversion_between_two_non_dollar_currencies_names_both_sources() -> None:
    conversion = money.convert(Decimal(1000), "JPY", datetime.date(2023, 5, 1), "GBP")
    jpy = Decimal("151.990275") / Decimal("1.081269")
    # Rounded to the cent once, at conversion (the value the transaction lists show).
    assert conversion.value == (Decimal(1000) / jpy * WB_GBP_2023).quantize(Decimal("0.01"), ROUND_HALF_UP)
    assert conversion.rate_from is not None and conversion.rate_from.source == money.SOURCE_ECB
    assert conversion.rate_to is not None and conversion.rate_to.source == money.SOURCE_WORLD_BANK


# --- Budgets and planned disbursements ------------------------------------------------------------


@pytest.fixture
def loaded(editor: User) -> None:
    import_iati_bytes(MONEY_FILE.read_bytes(), file_name=MONEY_FILE.name, actor=editor)


# Activity 1 (EUR): the revised 2023 budget (value date 2023-07-01) replaces the original; 2024 original.
BUDGET_2023 = Decimal("1350000.50") / WB_EUR_2023
BUDGET_2024 = Decimal(900000) / WB_EUR_2024
PLANNED_2024 = (Decimal(400000) + Decimal("250000.25")) / WB_EUR_2024
# Activity 2 (USD, SEN 50 / CIV 50): 2025-07-01 to 2026-06-30, 365 days: 184 in 2025, 181 in 2026.
BUDGET_2025 = Decimal(184000)
BUDGET_2026 = Decimal(181000)


def budget_rows(view: money.MoneyView) -> dict[str, tuple[Decimal, Decimal]]:
    return {row.key: (row.budget, row.planned) for row in view.rows}


@pytest.mark.django_db
def test_budgets_by_year_split_by_days_with_revised_replacing_original(loaded: None) -> None:
    view = money.money_view(None, by="year")
    assert budget_rows(view) == {
        "2023": (cents(BUDGET_2023), Decimal("0.00")),
        "2024": (cents(BUDGET_2024), cents(PLANNED_2024)),
        "2025": (cents(BUDGET_2025), Decimal("0.00")),
        "2026": (cents(BUDGET_2026), Decimal("0.00")),
    }
    spread = next(item for item in view.budgets if item.record.period_end == datetime.date(2026, 6, 30))
    assert spread.years == [(2025, Decimal(184) / Decimal(365)), (2026, Decimal(181) / Decimal(365))]


@pytest.mark.django_db
def test_budgets_are_split_by_country_and_sector_percentages(loaded: None) -> None:
    by_country = budget_rows(money.money_view(None, by="country"))
    assert near(by_country["NPL"][0], (BUDGET_2023 + BUDGET_2024) * Decimal("0.7"), 2)
    assert near(by_country["NPL"][1], PLANNED_2024 * Decimal("0.7"), 1)
    assert by_country["SEN"] == (cents((BUDGET_2025 + BUDGET_2026) / 2), Decimal("0.00"))
    by_sector = budget_rows(money.money_view(None, by="sector"))
    assert near(
        by_sector["16020"][0], (BUDGET_2023 + BUDGET_2024) * Decimal("0.15") + BUDGET_2025 + BUDGET_2026, 4
    )


@pytest.mark.django_db
def test_a_year_filter_keeps_only_the_budget_days_in_those_years(loaded: None) -> None:
    view = money.money_view(None, by="country", year_from=2026)
    assert view.total_budget == cents(BUDGET_2026 / 2) * 2
    assert view.total_commitments == view.total_spending == view.total_planned == 0


@pytest.mark.django_db
def test_a_budget_without_a_rate_is_left_out_and_listed(loaded: None) -> None:
    from migdev.coordination.models import ActivityBudget

    ActivityBudget.objects.filter(period_start=datetime.date(2024, 1, 1)).update(currency="NPR")
    view = money.money_view(None, by="year")
    assert budget_rows(view)["2024"][0] == Decimal("0.00")
    [budget] = [item for item in view.left_out if item.kind == money.KIND_BUDGET]
    assert budget.record.currency == "NPR" and "NPR" in budget.reason


@pytest.mark.django_db
@pytest.mark.parametrize("by", money.DIMENSIONS)
def test_budget_totals_equal_the_rows_shown(loaded: None, by: str) -> None:
    view = money.money_view(None, by=by)
    assert view.total_budget == sum(r.budget for r in view.rows)
    assert view.total_planned == sum(r.planned for r in view.rows)
    assert abs(view.total_budget - (BUDGET_2023 + BUDGET_2024 + BUDGET_2025 + BUDGET_2026)) <= CENT * len(
        view.rows
    )
    assert abs(view.total_planned - PLANNED_2024) <= CENT * len(view.rows)


@pytest.mark.django_db
def test_api_page_and_download_show_budgets_that_add_up(loaded: None, client: Client) -> None:
    body: dict[str, Any] = client.get("/api/v1/coordination/activities/money?by=year").json()
    assert Decimal(body["total_budget"]) == sum(Decimal(r["budget"]) for r in body["rows"])
    assert Decimal(body["total_planned"]) == cents(PLANNED_2024)
    assert {r["key"]: Decimal(r["budget"]) for r in body["rows"]}["2026"] == BUDGET_2026

    response = client.get("/en/coordination/activities/money/export/?by=year&format=csv")
    text = b"".join(response.streaming_content).decode()  # type: ignore[attr-defined]
    table = list(csv.DictReader(io.StringIO(text)))
    assert sum(Decimal(row["budget"]) for row in table) == Decimal(body["total_budget"])
    assert sum(Decimal(row["planned_disbursements"]) for row in table) == Decimal(body["total_planned"])

    page = client.get("/fr/coordination/activities/money/?by=year").content.decode()
    assert "181" in page and "2025-07-01" in page
