import datetime
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import pytest
from django.test import Client
from lxml import etree

from migdev.accounts.models import Organisation, User
from migdev.coordination.iati import (
    IatiRejected,
    activity_schema,
    export_iati,
    import_iati_bytes,
    import_iati_file,
)
from migdev.coordination.models import Activity, ActivityBudget, ActivityCountry, ActivityParticipant

pytestmark = pytest.mark.django_db


def activity_xml(
    identifier: str = "XM-DAC-47066-P1",
    *,
    country: str = "NP",
    reporting: str = "XM-DAC-47066",
    area: str = "labour_migration",
    extra: str = "",
    before_status: str = "",
) -> str:
    return f"""
  <iati-activity xml:lang="en" default-currency="USD">
    <iati-identifier>{identifier}</iati-identifier>
    <reporting-org ref="{reporting}" type="40"><narrative>IOM</narrative></reporting-org>
    <title><narrative>Labour mobility &amp; development</narrative><narrative xml:lang="fr">Mobilité</narrative></title>
    <description type="1"><narrative>Pre-departure orientation.</narrative></description>
    <participating-org ref="XM-DAC-41302" role="4"><narrative>ILO</narrative></participating-org>
    <participating-org ref="GB-GOV-1" role="1"><narrative>A donor not in the registry</narrative></participating-org>
    {before_status}
    <activity-status code="2"/>
    <activity-date iso-date="2024-01-01" type="2"/>
    <activity-date iso-date="2026-12-31" type="3"/>
    <recipient-country code="{country}" percentage="100"/>
    <sector vocabulary="1" code="15190"/>
    <tag vocabulary="99" vocabulary-uri="urn:migdev:area" code="{area}"><narrative>Area</narrative></tag>
    <tag vocabulary="99" vocabulary-uri="urn:migdev:topic" code="labour-mobility"/>
    <budget type="1" status="1">
      <period-start iso-date="2024-01-01"/><period-end iso-date="2024-12-31"/>
      <value currency="EUR" value-date="2024-01-01">125000.50</value>
    </budget>
    <transaction><anything-goes/></transaction>
    {extra}
  </iati-activity>"""


def document(*activities: str, version: str = "2.03") -> bytes:
    body = "".join(activities)
    return f'<?xml version="1.0" encoding="UTF-8"?>\n<iati-activities version="{version}" generated-datetime="2025-02-01T10:00:00Z">{body}\n</iati-activities>'.encode()


def test_import_reads_every_part(editor: User) -> None:
    summary = import_iati_bytes(document(activity_xml()), file_name="iom.xml", actor=editor)
    assert (summary.read, summary.created, summary.updated) == (1, 1, 0)
    activity = Activity.objects.get(iati_identifier="XM-DAC-47066-P1")
    assert activity.reporting_organisation.acronym == "IOM"
    assert activity.title == "Labour mobility & development"
    assert activity.area == "labour_migration"
    assert activity.actual_start == datetime.date(2024, 1, 1)
    assert activity.planned_end == datetime.date(2026, 12, 31)
    assert list(activity.countries.values_list("country_iso3", flat=True)) == ["NPL"]
    assert [t.code for t in activity.topics.all()] == ["labour-mobility"]
    budget = activity.budgets.get()
    assert (budget.amount, budget.currency) == (Decimal("125000.50"), "EUR")
    ilo, donor = activity.participants.order_by("role").reverse()
    assert ilo.organisation is not None and ilo.organisation.acronym == "ILO"
    assert donor.organisation is None and donor.reference == "GB-GOV-1"
    assert activity.source == "iom.xml"
    assert activity.source_edition == "IATI 2.03, generated 2025-02-01T10:00:00Z"


def test_reimport_updates_instead_of_duplicating(editor: User) -> None:
    import_iati_bytes(document(activity_xml()), file_name="a.xml", actor=editor)
    summary = import_iati_bytes(document(activity_xml(country="PH")), file_name="b.xml", actor=editor)
    assert (summary.created, summary.updated) == (0, 1)
    assert list(ActivityCountry.objects.values_list("country_iso3", flat=True)) == ["PHL"]
    assert ActivityBudget.objects.count() == 1


def _rejected(content: bytes) -> IatiRejected:
    with pytest.raises(IatiRejected) as caught:
        import_iati_bytes(content, file_name="bad.xml")
    assert Activity.objects.count() == 0
    return caught.value


def test_malformed_xml_is_rejected_with_its_line() -> None:
    error = _rejected(b"<iati-activities version='2.03'>\n<iati-activity>\n</iati-activities>").errors[0]
    assert error.file == "bad.xml" and error.line is not None and "well-formed" in error.reason


def test_schema_invalid_file_names_the_activity() -> None:
    broken = activity_xml("XM-DAC-47066-P2").replace('<activity-status code="2"/>', "")
    errors = _rejected(document(activity_xml(), broken)).errors
    assert errors[0].row == 2
    assert "schema" in errors[0].reason


def test_elements_out_of_order_are_schema_errors() -> None:
    swapped = activity_xml(before_status='<activity-date iso-date="2024-01-01" type="1"/>')
    assert _rejected(document(swapped)).errors[0].reason.startswith("schema")


def test_wrong_version_is_rejected() -> None:
    assert "2.03" in _rejected(document(activity_xml(), version="1.05")).errors[0].reason


def test_unknown_country_rejects_the_whole_file() -> None:
    errors = _rejected(document(activity_xml(), activity_xml("XM-DAC-47066-P2", country="QQ"))).errors
    assert [(e.row, e.column) for e in errors] == [(2, "recipient-country/@code")]


def test_unknown_reporting_organisation_and_area() -> None:
    errors = _rejected(document(activity_xml(reporting="XM-DAC-99999", area="weather"))).errors
    columns = {e.column for e in errors}
    assert "reporting-org/@ref" in columns
    assert any("urn:migdev:area" in column for column in columns)


def test_duplicate_identifiers_in_one_file() -> None:
    errors = _rejected(document(activity_xml(), activity_xml())).errors
    assert errors[0].row == 2 and "repeats activity 1" in errors[0].reason


def test_entities_and_doctype_are_refused() -> None:
    bomb = (
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;">]>'
        b'<iati-activities version="2.03">&lol2;</iati-activities>'
    )
    assert _rejected(bomb).errors[0].row == 0


def test_not_an_iati_file() -> None:
    assert "iati-activities" in _rejected(b"<html><body>hello</body></html>").errors[0].reason


def test_oversized_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "big.xml"
    path.write_bytes(document(activity_xml()))
    with pytest.raises(IatiRejected, match="limit"):
        import_iati_file(path, max_bytes=100)
    assert Activity.objects.count() == 0


def test_round_trip_validates_and_preserves_the_activity(
    editor: User, make_activity: Callable[..., Activity]
) -> None:
    import_iati_bytes(document(activity_xml()), file_name="iom.xml", actor=editor)
    original = Activity.objects.get()
    exported = export_iati(Activity.objects.all())
    assert activity_schema().validate(etree.ElementTree(etree.fromstring(exported)))

    Activity.objects.all().delete()
    summary = import_iati_bytes(exported, file_name="round-trip.xml", actor=editor)
    assert summary.created == 1
    again = Activity.objects.get()
    for name in (
        "iati_identifier",
        "title",
        "description",
        "area",
        "information_field",
        "status",
        "actual_start",
        "planned_end",
        "default_currency",
    ):
        assert getattr(again, name) == getattr(original, name), name
    assert list(again.countries.values_list("country_iso3", "percentage")) == [("NPL", Decimal("100.00"))]
    assert [(b.amount, b.currency) for b in again.budgets.all()] == [(Decimal("125000.50"), "EUR")]
    assert sorted(p.role for p in again.participants.all()) == sorted(
        p.role for p in ActivityParticipant.objects.filter(activity=again)
    )
    assert [t.code for t in again.topics.all()] == ["labour-mobility"]


def test_export_needs_iati_identifiers(make_activity: Callable[..., Activity]) -> None:
    activity = make_activity("UNCTAD")
    from migdev.coordination.iati import IatiExportError

    with pytest.raises(IatiExportError, match="UNCTAD"):
        export_iati([activity])


def test_upload_page_shows_every_problem_and_saves_nothing(editor_client: Client) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("bad.xml", document(activity_xml(country="QQ")), content_type="text/xml")
    response = editor_client.post("/en/coordination/activities/import/", {"file": upload})
    assert response.status_code == 200
    html = response.content.decode()
    assert "recipient-country/@code" in html and "QQ" in html
    assert Activity.objects.count() == 0


def test_upload_needs_the_editor_role(analyst_client: Client) -> None:
    assert analyst_client.get("/en/coordination/activities/import/").status_code == 403


def test_csv_export_neutralises_formulas(client: Client, make_activity: Callable[..., Activity]) -> None:
    make_activity(title='=HYPERLINK("http://evil")')
    response = client.get("/en/coordination/activities/export/?format=csv")
    body = b"".join(response.streaming_content).decode()
    assert "'=HYPERLINK" in body
    assert "\n=HYPERLINK" not in body and ",=HYPERLINK" not in body


def test_unpublished_activities_stay_out_of_exports(
    client: Client, make_activity: Callable[..., Activity]
) -> None:
    make_activity(title="Secret draft", published=False)
    assert (
        "Secret draft"
        not in b"".join(
            client.get("/en/coordination/activities/export/?format=csv").streaming_content
        ).decode()
    )
    assert b"Secret draft" not in client.get("/en/coordination/activities/export.xml").content


def test_organisation_lookup_is_by_identifier_not_name() -> None:
    Organisation.objects.create(name="XM-DAC-47066", acronym="fake", kind="ngo")
    summary = import_iati_bytes(document(activity_xml()), file_name="x.xml")
    assert Activity.objects.get().reporting_organisation.acronym == "IOM"
    assert summary.created == 1
