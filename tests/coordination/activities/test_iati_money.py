"""IATI money in the activity registry: import, export and re-import of budgets, planned disbursements,
transactions, sectors and recipient regions, and the rules that protect published figures."""

from __future__ import annotations

import datetime
import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from lxml import etree

from migdev.accounts.models import User
from migdev.coordination.activities.iati import IatiRejected, export_iati, import_iati_bytes
from migdev.coordination.models import Activity

from .test_iati import activity_xml, document, official_schema_errors

pytestmark = pytest.mark.django_db

FIXTURE = Path(__file__).parent / "fixtures" / "iati-money-2.03.xml"


def snapshot(activity: Activity) -> dict[str, Any]:
    """Every value the registry keeps of an activity's money, geography and sectors."""

    def rows(manager: Any, *fields: str) -> list[tuple[Any, ...]]:
        return sorted(tuple(getattr(row, name) for name in fields) for row in manager.all())

    return {
        "identifier": activity.iati_identifier,
        "reporting": activity.reporting_organisation_id,
        "default_currency": activity.default_currency,
        "countries": rows(activity.countries, "country_iso3", "percentage"),
        "regions": rows(activity.regions, "vocabulary", "code", "percentage"),
        "sectors": rows(activity.sectors, "vocabulary", "code", "percentage"),
        "budgets": rows(
            activity.budgets,
            "budget_type",
            "status",
            "period_start",
            "period_end",
            "amount",
            "currency",
            "value_date",
        ),
        "planned": rows(
            activity.planned_disbursements,
            "budget_type",
            "period_start",
            "period_end",
            "amount",
            "currency",
            "value_date",
            "provider_ref",
            "provider_name",
            "receiver_ref",
            "receiver_name",
        ),
        "transactions": rows(
            activity.transactions,
            "reference",
            "transaction_type",
            "date",
            "amount",
            "currency",
            "value_date",
            "description",
            "provider_ref",
            "provider_activity",
            "provider_name",
            "receiver_ref",
            "receiver_activity",
            "receiver_name",
            "sector_vocabulary",
            "sector_code",
            "country_iso3",
            "region_code",
        ),
    }


def all_snapshots() -> dict[str, dict[str, Any]]:
    return {a.iati_identifier: snapshot(a) for a in Activity.objects.order_by("iati_identifier")}


def test_fixture_is_valid_iati_2_03() -> None:
    assert official_schema_errors(FIXTURE.read_bytes()) == []


def test_import_reads_every_money_value(editor: User) -> None:
    import_iati_bytes(FIXTURE.read_bytes(), file_name=FIXTURE.name, actor=editor)
    first = Activity.objects.get(iati_identifier="XM-DAC-47066-MIGDEV-ROUNDTRIP-1")
    values = snapshot(first)
    assert values["countries"] == [("BGD", Decimal("20")), ("NPL", Decimal("70"))]
    assert values["regions"] == [("1", "798", Decimal("10"))]
    assert values["sectors"] == [
        ("1", "15190", Decimal("60")),
        ("1", "16020", Decimal("15")),
        ("1", "24050", Decimal("25")),
        ("2", "151", Decimal("100")),
    ]
    day = datetime.date.fromisoformat
    assert values["budgets"] == [
        # A value without a currency takes the activity's default currency.
        ("1", "1", day("2024-01-01"), day("2024-12-31"), Decimal("900000"), "EUR", day("2024-01-01")),
        ("1", "2", day("2023-01-01"), day("2023-12-31"), Decimal("1200000"), "EUR", day("2023-01-01")),
        ("2", "1", day("2023-01-01"), day("2023-12-31"), Decimal("1350000.50"), "EUR", day("2023-07-01")),
    ]
    transactions = {t.reference: t for t in first.transactions.all()}
    assert transactions["IN-2023-001"].transaction_type == "1"
    assert transactions["IN-2023-001"].currency == "GBP"
    assert transactions["IN-2023-001"].provider_activity == "GB-GOV-1-300123"
    assert transactions["C-2023-001"].currency == "EUR"
    assert transactions["C-2023-001"].receiver_activity == "XM-DAC-41302-NPL-2023-01"
    assert transactions["E-2024-001"].sector_code == "15190"
    assert transactions["E-2024-001"].country_iso3 == "NPL"
    assert transactions["E-2024-002"].amount == Decimal("-12000.00")
    assert transactions["E-2024-002"].description == "Correction: refund of unspent advance"
    planned = list(first.planned_disbursements.order_by("period_start"))
    assert [p.amount for p in planned] == [Decimal("400000"), Decimal("250000.25")]
    assert planned[1].period_end is None and planned[0].receiver_ref == "XM-DAC-41302"


def test_round_trip_keeps_every_value(editor: User) -> None:
    """Import → export (valid against the official schema) → wipe → re-import → the same values."""
    import_iati_bytes(FIXTURE.read_bytes(), file_name=FIXTURE.name, actor=editor)
    before = all_snapshots()
    exported = export_iati(Activity.objects.order_by("iati_identifier"))
    assert official_schema_errors(exported) == []
    Activity.objects.all().delete()
    import_iati_bytes(exported, file_name="exported.xml", actor=editor)
    after = all_snapshots()
    assert after == before
    assert sum(len(v["transactions"]) for v in after.values()) == 10
    assert sum(len(v["budgets"]) for v in after.values()) == 4
    # A second export of the re-imported data is the same document, apart from generation times.
    again = export_iati(Activity.objects.order_by("iati_identifier"))

    def without_times(body: bytes) -> bytes:
        return re.sub(rb'(generated|last-updated)-datetime="[^"]+"', b"", body)

    assert without_times(again) == without_times(exported)


def rejected(extra: str = "", **kwargs: Any) -> IatiRejected:
    with pytest.raises(IatiRejected) as caught:
        import_iati_bytes(document(activity_xml(extra=extra, **kwargs)), file_name="money.xml")
    assert Activity.objects.count() == 0
    return caught.value


def test_several_sectors_each_need_a_percentage() -> None:
    with pytest.raises(IatiRejected) as caught:
        import_iati_bytes(
            _with_sectors('<sector code="15190"/><sector vocabulary="1" code="24050" percentage="30"/>'),
            file_name="money.xml",
        )
    assert any(
        e.column == "sector/@percentage" and "each needs a percentage" in e.reason
        for e in caught.value.errors
    )
    assert Activity.objects.count() == 0


def _with_sectors(sectors: str) -> bytes:
    xml = activity_xml().replace('<sector vocabulary="1" code="15190"/>', sectors)
    return document(xml)


def test_sector_percentages_that_do_not_add_up_are_refused_naming_file_activity_and_line() -> None:
    content = _with_sectors(
        '<sector vocabulary="1" code="15190" percentage="60"/>\n'
        '    <sector vocabulary="1" code="24050" percentage="30"/>'
    )
    with pytest.raises(IatiRejected) as caught:
        import_iati_bytes(content, file_name="money.xml")
    [error] = [e for e in caught.value.errors if e.column == "sector/@percentage"]
    assert error.file == "money.xml" and error.row == 1
    assert "add up to 90" in error.reason
    line = next(n for n, text in enumerate(content.decode().splitlines(), 1) if 'code="15190"' in text)
    assert error.line == line
    assert Activity.objects.count() == 0


def test_sectors_of_another_vocabulary_are_summed_apart(editor: User) -> None:
    content = _with_sectors(
        '<sector vocabulary="1" code="15190" percentage="60"/>\n'
        '    <sector vocabulary="1" code="24050" percentage="40"/>\n'
        '    <sector vocabulary="2" code="151" percentage="100"/>'
    )
    import_iati_bytes(content, file_name="money.xml", actor=editor)
    assert Activity.objects.get().sectors.count() == 3


def test_unknown_dac_code_is_refused() -> None:
    with pytest.raises(IatiRejected) as caught:
        import_iati_bytes(_with_sectors('<sector vocabulary="1" code="15199"/>'), file_name="money.xml")
    assert any("unknown DAC 5-digit purpose code '15199'" in e.reason for e in caught.value.errors)


def test_country_and_region_percentages_add_up_together() -> None:
    xml = activity_xml().replace(
        '<recipient-country code="NP" percentage="100"/>',
        '<recipient-country code="NP" percentage="70"/><recipient-region code="798" percentage="20"/>',
    )
    with pytest.raises(IatiRejected) as caught:
        import_iati_bytes(document(xml), file_name="money.xml")
    assert any(
        e.column == "recipient-country/@percentage" and "add up to 90" in e.reason
        for e in caught.value.errors
    )


def test_unknown_transaction_type_and_currency_are_refused() -> None:
    error = rejected(
        '<transaction><transaction-type code="14"/><transaction-date iso-date="2024-03-01"/>'
        '<value currency="EUX" value-date="2024-03-01">10</value></transaction>'
    )
    columns = {e.column: e.reason for e in error.errors}
    assert "TransactionType codelist" in columns["transaction/transaction-type/@code"]
    assert "EUX" in columns["transaction/value/@currency"]


def test_budget_type_and_status_are_checked() -> None:
    xml = activity_xml().replace('<budget type="1" status="1">', '<budget type="3" status="1">')
    with pytest.raises(IatiRejected) as caught:
        import_iati_bytes(document(xml), file_name="money.xml")
    assert [e.column for e in caught.value.errors] == ["budget/@type"]


def test_export_writes_money_in_schema_order(editor: User) -> None:
    import_iati_bytes(FIXTURE.read_bytes(), file_name=FIXTURE.name, actor=editor)
    exported = export_iati(Activity.objects.filter(iati_identifier__endswith="-1"))
    activity = etree.fromstring(exported).find("iati-activity")
    assert activity is not None
    tags = [child.tag for child in activity if isinstance(child.tag, str)]
    assert tags.index("sector") < tags.index("tag") < tags.index("budget")
    assert tags.index("budget") < tags.index("planned-disbursement") < tags.index("transaction")
    transaction = activity.find("transaction[@ref='E-2024-001']")
    assert transaction is not None
    assert transaction.find("value").text == "150000.75"  # type: ignore[union-attr]
    assert transaction.find("value").get("value-date") == "2024-05-15"  # type: ignore[union-attr]
    assert transaction.find("recipient-country").get("code") == "NP"  # type: ignore[union-attr]
