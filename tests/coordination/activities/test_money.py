"""Money views: which transactions count, how they are split and converted, what is left out, and that
every total is the sum of what is shown. Expected figures are worked out here from the World Bank rates as
published (PA.NUS.FCRF, last updated 2026-07-13) and the ECB's annual means (which round to the annual
averages the ECB itself publishes: JPY 2025 169.04, USD 2025 1.1300), not from migdev's own code."""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from migdev.accounts.models import User
from migdev.coordination.activities import money
from migdev.coordination.activities.iati import import_iati_bytes
from migdev.coordination.models import Activity, ActivityTransaction

pytestmark = pytest.mark.django_db

FIXTURE = Path(__file__).parent / "fixtures" / "iati-money-2.03.xml"
# LCU per US$, period average, from the World Bank rows (EUR: the France row).
EUR_2023 = Decimal("0.924839558470698")
EUR_2024 = Decimal("0.923889546117607")
CHF_2024 = Decimal("0.880440833333333")
XOF_2024 = Decimal("606.345297609063")
GBP_2023 = Decimal("0.804538906734353")
GBP_2024 = Decimal("0.782414580986262")
CENT = Decimal("0.01")

COMMIT_1 = Decimal(1100000) / EUR_2023  # activity 1, type 2, EUR 2023, split NPL 70 / BGD 20 / Asia 10
SPEND_1 = Decimal(300000) / EUR_2023  # type 3, same split
SPEND_CHF = Decimal("150000.75") / CHF_2024  # type 4, names Nepal and sector 15190 itself
REFUND = Decimal(-12000) / EUR_2024  # type 4, negative correction, split
COMMIT_2 = Decimal(480000)  # activity 2, type 2, USD 2024, split SEN 50 / CIV 50
SPEND_XOF = Decimal(60000000) / XOF_2024  # type 3, names Senegal itself
# ECB annual means (units per euro) for 2025: no World Bank row is shipped for the yen.
JPY_PER_USD_2025 = Decimal("169.043451") / Decimal("1.129983")
SPEND_JPY = Decimal(5000000) / JPY_PER_USD_2025  # activity 2, type 4, split SEN 50 / CIV 50


@pytest.fixture
def loaded(editor: User) -> None:
    import_iati_bytes(FIXTURE.read_bytes(), file_name=FIXTURE.name, actor=editor)


def rows(view: money.MoneyView) -> dict[str, tuple[Decimal, Decimal]]:
    return {row.key: (row.commitments, row.spending) for row in view.rows}


def cents(value: Decimal) -> Decimal:
    return value.quantize(CENT)


def test_only_commitments_and_spending_count(loaded: None) -> None:
    view = money.money_view(None, by="year")
    assert rows(view) == {
        "2023": (cents(COMMIT_1), cents(SPEND_1)),
        "2024": (cents(COMMIT_2), cents(SPEND_CHF + REFUND + SPEND_XOF)),
        "2025": (Decimal("0.00"), cents(SPEND_JPY)),
        "2026": (Decimal("0.00"), Decimal("0.00")),  # only a budget's second half
    }
    # Incoming funds (1) and incoming commitments (11) are not counted.
    assert {c.transaction.transaction_type for c in view.counted} == {"2", "3", "4"}
    assert sorted(c.kind for c in view.counted) == ["commitment"] * 2 + ["spending"] * 5


def test_a_missing_rate_leaves_the_transaction_out_and_says_so(loaded: None) -> None:
    view = money.money_view(None, by="year")
    [left] = view.left_out
    assert left.transaction.currency == "NPR"
    assert "NPR" in left.reason and "2025" in left.reason
    assert rows(view)["2025"][1] == cents(SPEND_JPY)  # the yen counted, the rupee not


def test_a_target_currency_without_a_rate_leaves_everything_else_out(loaded: None) -> None:
    view = money.money_view(None, by="year", currency="XOF", year_from=2023, year_to=2023)
    # XOF has rates; a 2023 EUR commitment goes EUR -> USD -> XOF at 2023 rates.
    xof_2023 = Decimal("606.569750165917")
    assert rows(view)["2023"][0] == cents(COMMIT_1 * xof_2023)


def test_conversion_goes_through_the_dollar_at_the_value_date_year(loaded: None) -> None:
    view = money.money_view(None, by="year", currency="GBP")
    commitments_2023, _spending = rows(view)["2023"]
    assert commitments_2023 == cents(COMMIT_1 * GBP_2023)
    assert rows(view)["2024"][0] == cents(COMMIT_2 * GBP_2024)
    used = {(r.currency, r.year): r.per_usd for r in view.rates_used}
    assert used[("EUR", 2023)] == EUR_2023 and used[("GBP", 2024)] == GBP_2024


def near(actual: Decimal, exact: Decimal, parts: int) -> bool:
    """Each transaction is rounded to the cent and cut into whole cents (``money.split_cents``), so a cell
    made of ``parts`` transactions' shares is within 1.5 cents a part of the exact sum."""
    return actual == actual.quantize(CENT) and abs(actual - exact) < Decimal("0.015") * parts


def test_countries_are_split_by_percentage(loaded: None) -> None:
    view = money.money_view(None, by="country")
    by_key = rows(view)
    assert near(by_key["NPL"][0], COMMIT_1 * Decimal("0.7"), 1)
    assert near(by_key["NPL"][1], (SPEND_1 + REFUND) * Decimal("0.7") + SPEND_CHF, 3)
    assert near(by_key["BGD"][0], COMMIT_1 * Decimal("0.2"), 1)
    assert near(by_key["BGD"][1], (SPEND_1 + REFUND) * Decimal("0.2"), 2)
    assert near(by_key["region:798"][0], COMMIT_1 * Decimal("0.1"), 1)
    assert near(by_key["SEN"][0], COMMIT_2 / 2, 1) and near(by_key["SEN"][1], SPEND_XOF + SPEND_JPY / 2, 2)
    assert near(by_key["CIV"][0], COMMIT_2 / 2, 1) and near(by_key["CIV"][1], SPEND_JPY / 2, 1)
    # The shares of one transaction add up to it, rounded to the cent: nothing is lost or made by splitting.
    assert by_key["NPL"][0] + by_key["BGD"][0] + by_key["region:798"][0] == cents(COMMIT_1)
    labels = {row.key: row.label for row in view.rows}
    assert labels["region:798"] == "Asia, regional"


def test_sectors_are_split_by_percentage_and_grouped(loaded: None) -> None:
    by_sector = rows(money.money_view(None, by="sector"))
    assert near(by_sector["15190"][0], COMMIT_1 * Decimal("0.6"), 1)
    assert near(by_sector["15190"][1], (SPEND_1 + REFUND) * Decimal("0.6") + SPEND_CHF, 3)
    assert near(by_sector["16020"][0], COMMIT_1 * Decimal("0.15") + COMMIT_2, 2)
    by_group = rows(money.money_view(None, by="sector_group"))
    assert near(by_group["151"][0], COMMIT_1 * Decimal("0.6"), 1)
    assert near(by_group["160"][0], COMMIT_1 * Decimal("0.15") + COMMIT_2, 2)
    assert near(by_group["240"][0], COMMIT_1 * Decimal("0.25"), 1)


@pytest.mark.parametrize("by", money.DIMENSIONS)
def test_totals_equal_the_rows_and_the_transactions_counted(loaded: None, by: str) -> None:
    view = money.money_view(None, by=by)
    assert view.total_commitments == sum(r.commitments for r in view.rows)
    assert view.total_spending == sum(r.spending for r in view.rows)
    # The same money whichever way it is cut: to the cent, the sum of the transactions listed (each shown
    # rounded to the cent), however many rows a transaction is split into.
    for kind, total in (("commitment", view.total_commitments), ("spending", view.total_spending)):
        shown = sum((c.conversion.value.quantize(CENT) for c in view.counted if c.kind == kind), Decimal(0))
        assert total == shown, (by, kind)
    assert view.total_commitments == cents(COMMIT_1) + cents(COMMIT_2)


@pytest.mark.parametrize(
    ("value", "percentages"),
    [
        ("100", [33.3, 33.3, 33.4]),
        ("0.05", [50, 50]),
        ("-12988.54", [70, 20, 10]),
        ("1189404.33", [60, 25, 15]),
    ],
)
def test_a_split_adds_up_to_the_cent(value: str, percentages: list[float]) -> None:
    shares = [(str(i), Decimal(str(p)) / 100) for i, p in enumerate(percentages)]
    parts = money.split_cents(Decimal(value), shares)
    assert sum(part for _key, part in parts) == Decimal(value)
    for (_key, part), (_k, share) in zip(parts, shares, strict=True):
        assert abs(part - Decimal(value) * share) < CENT and part == part.quantize(CENT)


def test_unpublished_activities_are_not_counted(loaded: None) -> None:
    Activity.objects.filter(iati_identifier__endswith="-2").update(is_published=False)
    assert set(rows(money.money_view(None, by="country"))) == {"NPL", "BGD", "region:798"}


def test_filters_by_country_sector_and_organisation(loaded: None) -> None:
    assert set(rows(money.money_view(None, by="year", country_iso3="SEN"))) == {"2024", "2025", "2026"}
    assert set(rows(money.money_view(None, by="year", country_iso3="BGD"))) == {"2023", "2024"}
    view = money.money_view(None, by="organisation", sector="151")
    assert [row.label for row in view.rows] == ["International Organization for Migration"]


def test_api_gives_rows_rates_publishers_and_left_out(loaded: None, client: Client) -> None:
    response = client.get("/api/v1/coordination/activities/money?by=country&currency=usd")
    assert response.status_code == 200
    body: dict[str, Any] = response.json()
    by_key = {row["key"]: row for row in body["rows"]}
    assert Decimal(by_key["SEN"]["spending"]) == cents(SPEND_XOF + SPEND_JPY / 2)
    assert Decimal(body["total_commitments"]) == sum(Decimal(r["commitments"]) for r in body["rows"])
    assert body["left_out"][0]["currency"] == "NPR"
    assert {p["name"] for p in body["publishers"]} == {
        "International Organization for Migration",
        "International Labour Organization",
    }
    assert "PA.NUS.FCRF" in body["rate_source"] and "2026-07-13" in body["rate_source"]
    assert "European Central Bank" in body["rate_source"]
    sources = {(r["currency"], r["year"]): r["source"] for r in body["rates_used"]}
    assert "PA.NUS.FCRF" in sources[("EUR", 2023)] and "European Central Bank" in sources[("JPY", 2025)]
    assert client.get("/api/v1/coordination/activities/money?currency=NPR").status_code == 422
    assert client.get("/api/v1/coordination/activities/money?by=planet").status_code == 422
    assert client.get("/api/v1/coordination/activities/money?country=XX").status_code == 422


@pytest.mark.parametrize("language", ["en", "fr", "es"])
def test_money_page_shows_totals_sources_and_what_was_left_out(
    loaded: None, client: Client, language: str
) -> None:
    response = client.get(f"/{language}/coordination/activities/money/?by=country&currency=USD")
    assert response.status_code == 200
    page = response.content.decode()
    assert f'lang="{language}"' in page
    assert "<svg" in page
    assert "PA.NUS.FCRF" in page and "NPR" in page and "European Central Bank" in page
    assert "International Labour Organization" in page


def test_money_export_is_safe_against_formula_injection(loaded: None, client: Client) -> None:
    ActivityTransaction.objects.filter(reference="C-2023-001").update(provider_ref='=HYPERLINK("x")')
    response = client.get("/en/coordination/activities/money/export/?by=provider&format=csv")
    assert response.status_code == 200
    body = b"".join(response.streaming_content).decode()  # type: ignore[attr-defined]
    cells = [cell for row in csv.reader(io.StringIO(body)) for cell in row]
    assert any("HYPERLINK" in cell for cell in cells)
    assert not any(cell.startswith(("=", "+", "-", "@")) for cell in cells if "HYPERLINK" in cell)


def test_bad_filters_answer_400_not_500(client: Client) -> None:
    response = client.get("/en/coordination/activities/money/?year_from=2025&year_to=2020&sector=12")
    assert response.status_code == 400


def test_countries_without_percentages_go_to_not_specified(loaded: None) -> None:
    """Records from the CSV import may name several countries without percentages: no split is invented,
    and the rows still add up to the total."""
    activity = Activity.objects.get(iati_identifier__endswith="-2")
    activity.countries.update(percentage=None)
    by_key = rows(money.money_view(None, by="country"))
    assert "CIV" not in by_key
    assert by_key[""][0] == cents(COMMIT_2)
    view = money.money_view(None, by="country")
    assert abs(view.total_commitments - (COMMIT_1 + COMMIT_2)) <= CENT * len(view.rows)
