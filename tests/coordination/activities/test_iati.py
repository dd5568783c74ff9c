import datetime
import hashlib
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import pytest
from django.test import Client
from lxml import etree

from migdev.accounts.models import Organisation, User
from migdev.coordination.activities.iati import (
    SCHEMA_DIR,
    IatiExportError,
    IatiRejected,
    activity_schema,
    export_iati,
    import_iati_bytes,
    import_iati_file,
)
from migdev.coordination.demo import seed_demo
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
    <transaction>
      <transaction-type code="2"/>
      <transaction-date iso-date="2024-02-01"/>
      <value currency="EUR" value-date="2024-02-01">50000</value>
    </transaction>
    {extra}
  </iati-activity>"""


def document(*activities: str, version: str = "2.03") -> bytes:
    body = "".join(activities)
    return f'<?xml version="1.0" encoding="UTF-8"?>\n<iati-activities version="{version}" generated-datetime="2025-02-01T10:00:00Z">{body}\n</iati-activities>'.encode()


def official_schema_errors(content: bytes) -> list[str]:
    """Validation with the official IATI 2.03 schema files as shipped, loaded here independently of
    migdev's cached schema object."""
    schema = etree.XMLSchema(etree.parse(str(SCHEMA_DIR / "iati-activities-schema.xsd")))
    valid = schema.validate(etree.ElementTree(etree.fromstring(content)))
    errors = [f"line {entry.line}: {entry.message}" for entry in schema.error_log]
    assert valid == (not errors)
    return errors


def test_the_official_schema_files_are_shipped_unchanged() -> None:
    # The digests of iati/resources/standard/2-03/schemas/ in the pyIATI 0.4.1 sdist (see SOURCE.md).
    expected = {
        "iati-activities-schema.xsd": "0bf6d822f71fb44e607a7ad0b9894d283a01f761657e6c0b4d0269ac77bff724",
        "iati-common.xsd": "150426c82d52eec4458a48b0a7e824f067fd5a45ae8ecf228286d7daea48b767",
        "xml.xsd": "61960fb3131e38022caad5360e2f33a3382578ab3c80cd58bd74320ede61b20c",
    }
    for name, digest in expected.items():
        assert hashlib.sha256((SCHEMA_DIR / name).read_bytes()).hexdigest() == digest, name
        assert digest in (SCHEMA_DIR / "SOURCE.md").read_text(encoding="utf-8")
    assert "Release 2.03, 2018-02-19" in (SCHEMA_DIR / "iati-activities-schema.xsd").read_text(
        encoding="utf-8"
    )


def test_the_test_file_is_valid_iati_2_03() -> None:
    assert official_schema_errors(document(activity_xml(), activity_xml("XM-DAC-47066-P2"))) == []


def test_the_official_schema_catches_what_it_should() -> None:
    # A description is required by IATI 2.03: the official schema says so, migdev's reader does not.
    without_description = activity_xml().replace(
        '<description type="1"><narrative>Pre-departure orientation.</narrative></description>', ""
    )
    assert any("description" in error for error in official_schema_errors(document(without_description)))
    errors = _rejected(document(without_description)).errors
    assert errors[0].reason.startswith("schema") and "description" in errors[0].reason
    assert errors[0].line is not None and errors[0].row == 1 and errors[0].file == "bad.xml"


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
    assert official_schema_errors(exported) == []
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
    with pytest.raises(IatiExportError, match="UNCTAD"):
        export_iati([activity])


def test_export_refuses_what_iati_2_03_requires_and_the_activity_lacks(
    make_activity: Callable[..., Activity],
) -> None:
    no_description = make_activity()
    no_date = make_activity(start=None)
    Activity.objects.filter(pk=no_date.pk).update(description="Has one.")
    with pytest.raises(IatiExportError) as caught:
        export_iati(Activity.objects.order_by("pk"))
    message = str(caught.value)
    assert f"{no_description.iati_identifier} (description)" in message
    assert f"{no_date.iati_identifier} (activity date)" in message
    with pytest.raises(IatiExportError, match="No activities to export"):
        export_iati([])


def test_every_part_the_exporter_writes_is_valid_iati_2_03(
    editor: User, make_activity: Callable[..., Activity]
) -> None:
    """An activity with everything migdev can export: several countries with percentages, participants
    in and out of the registry, budgets, results, all four dates, topics."""
    import_iati_bytes(
        document(
            activity_xml(
                extra=(
                    '<result type="2"><title><narrative>Outcome</narrative></title>'
                    '<indicator measure="5"><title><narrative>Workers trained</narrative></title></indicator>'
                    "</result>"
                )
            ).replace(
                '<recipient-country code="NP" percentage="100"/>',
                '<recipient-country code="NP" percentage="60"/><recipient-country code="PH" percentage="40"/>',
            )
        ),
        file_name="full.xml",
        actor=editor,
    )
    Activity.objects.update(
        planned_start=datetime.date(2023, 6, 1), actual_end=datetime.date(2027, 1, 31), description="Full."
    )
    extra = make_activity("ILO")
    Activity.objects.filter(pk=extra.pk).update(description="Second activity, no budget or country.")
    exported = export_iati(Activity.objects.order_by("pk"))
    assert official_schema_errors(exported) == []
    tree = etree.fromstring(exported)
    assert len(tree.findall("iati-activity")) == 2
    assert sorted(d.get("type") for d in tree.find("iati-activity").findall("activity-date")) == [
        "1",
        "2",
        "3",
        "4",
    ]


def test_demo_export_is_valid_iati_2_03() -> None:
    seed_demo()
    activities = Activity.objects.filter(is_published=True)
    assert activities.count() >= 5
    assert official_schema_errors(export_iati(activities)) == []


def test_export_view_answers_409_when_an_activity_cannot_be_published(
    client: Client, make_activity: Callable[..., Activity]
) -> None:
    activity = make_activity("IOM")
    response = client.get("/en/coordination/activities/export.xml")
    assert response.status_code == 409
    assert activity.iati_identifier in response.content.decode()
    french = client.get("/fr/coordination/activities/export.xml?area=understanding_impact").content.decode()
    assert '<html lang="fr"' in french and "exige une description" in french
    assert 'href="/fr/coordination/activities/?area=understanding_impact"' in french
    Activity.objects.filter(pk=activity.pk).update(description="Now complete.")
    response = client.get("/en/coordination/activities/export.xml")
    assert response.status_code == 200
    assert official_schema_errors(response.content) == []


@pytest.mark.parametrize(
    ("change", "column"),
    [
        (('<activity-status code="2"/>', '<activity-status code="9"/>'), "activity-status/@code"),
        (('role="4"', 'role="7"'), "participating-org/@role"),
        (('type="3"/>', 'type="8"/>'), "activity-date/@type"),
        (('percentage="100"', 'percentage="250"'), "recipient-country/@percentage"),
        (('default-currency="USD"', 'default-currency="DOLLARS"'), "iati-activity/@default-currency"),
        (
            ('currency="EUR" value-date="2024-01-01"', 'currency="E1" value-date="2024-01-01"'),
            "budget/value/@currency",
        ),
        (
            ("<iati-identifier>XM-DAC-47066-P1</iati-identifier>", "<iati-identifier> </iati-identifier>"),
            "iati-identifier",
        ),
        ((">125000.50<", ">100000000000000<"), "budget/value"),
    ],
)
def test_migdev_checks_what_the_official_schema_leaves_open(change: tuple[str, str], column: str) -> None:
    """Values the official schema types as free strings or unbounded decimals: valid against it, refused
    by migdev's own checks, with the element named."""
    old, new = change
    content = document(activity_xml().replace(old, new, 1))
    assert official_schema_errors(content) == []
    errors = _rejected(content).errors
    assert [e.column for e in errors] == [column], errors
    assert errors[0].line is not None and errors[0].row == 1


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
