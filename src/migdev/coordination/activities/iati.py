"""IATI activity XML (version 2.03): import into the activity registry and export from it.

Import is all-or-nothing: the file is parsed without DTDs or network access, validated against the
official IATI 2.03 activity schema (``data/iati/official-2.03/``, shipped unchanged), then every activity
goes through migdev's own checks, stricter than the schema (codelist values, percentages, currency codes,
lengths, reporting organisation, countries, area, topics), and only a file without a single error is
written, in one transaction. Exports are built to pass the same official schema.

migdev's own classification travels in IATI ``tag`` elements with vocabulary 99 (reporting organisation)
and these vocabulary URIs: ``urn:migdev:area``, ``urn:migdev:information-field``, ``urn:migdev:topic``,
``urn:migdev:sample`` (code ``sample``: a fictional activity, kept marked as a sample).
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from lxml import etree

from migdev.accounts.models import Organisation, User
from migdev.coordination import audit
from migdev.coordination.activities import codelists
from migdev.coordination.activities.models import (
    DAC_VOCABULARY,
    ActivityTransaction,
    BudgetStatus,
    BudgetType,
    TransactionType,
)
from migdev.coordination.activities.services import (
    ActivityInput,
    BudgetInput,
    ParticipantInput,
    PlannedDisbursementInput,
    ShareInput,
    TransactionInput,
    activities_save,
)
from migdev.coordination.countries import UnknownCountry, iso2_for, normalise_country_code
from migdev.coordination.models import (
    Activity,
    ActivityParticipant,
    ActivityStatus,
    Area,
    InformationField,
    OrganisationCode,
    Topic,
)
from migdev.dataio.errors import ImportRejected, RowError
from migdev.dataio.progress import Progress
from migdev.dataio.registry import ImportResult
from migdev.reference.models import Currency

IATI_VERSION = "2.03"
# The official schema files, unchanged (see SOURCE.md there); the activity schema includes the others.
SCHEMA_DIR = Path(__file__).resolve().parent / "data" / "iati" / "official-2.03"
SCHEMA_FILE = SCHEMA_DIR / "iati-activities-schema.xsd"
AREA_URI = "urn:migdev:area"
FIELD_URI = "urn:migdev:information-field"
TOPIC_URI = "urn:migdev:topic"
# A fictional activity made up to show the platform (the demo's sample file): kept marked as a sample.
SAMPLE_URI = "urn:migdev:sample"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"

# Checks of migdev's own, on values the official schema leaves as free strings or unbounded decimals.
# Codelists: ActivityStatus, OrganisationRole, ActivityDateType (IATI 2.03).
ACTIVITY_STATUSES = frozenset(ActivityStatus.values)
ORGANISATION_ROLES = frozenset(ActivityParticipant.Role.values)
ACTIVITY_DATE_TYPES = frozenset({"1", "2", "3", "4"})
CURRENCY = re.compile(r"[A-Za-z]{3}")  # ISO 4217 alphabetic code
MAX_IDENTIFIER = Activity._meta.get_field("iati_identifier").max_length or 200
MAX_REFERENCE = ActivityParticipant._meta.get_field("reference").max_length or 100
MAX_PARTICIPANT_NAME = ActivityParticipant._meta.get_field("name").max_length or 300
MAX_AMOUNT = Decimal(10) ** 14  # ActivityBudget.amount: 16 digits, 2 of them decimals
MAX_TRANSACTION_REF = ActivityTransaction._meta.get_field("reference").max_length or 200
MAX_ACTIVITY_REF = ActivityTransaction._meta.get_field("provider_activity").max_length or 200
HUNDRED = Decimal(100)

# OECD DAC 5 purpose codes that map onto one of the twelve areas when a file carries no area tag.
SECTOR_AREAS = {
    "15160": Area.MIGRATION_LAW,  # Human rights
    "15190": Area.CAPACITY_BUILDING,  # Facilitation of orderly, safe, regular and responsible migration
    "16020": Area.LABOUR_MIGRATION,  # Employment creation
    "24050": Area.REMITTANCES,  # Remittance facilitation, promotion and optimisation
}

# IATI OrganisationType codes for the platform's organisation kinds.
ORGANISATION_TYPES = {
    Organisation.Kind.GOVERNMENT: "10",
    Organisation.Kind.UN_AGENCY: "40",
    Organisation.Kind.NGO: "21",
    Organisation.Kind.PRIVATE: "70",
    Organisation.Kind.RESEARCH: "80",
    Organisation.Kind.DIASPORA: "22",
    Organisation.Kind.SECRETARIAT: "40",
}


@dataclass(frozen=True)
class IatiError:
    file: str
    row: int  # position of the iati-activity in the file (1-based); 0 for the whole file
    column: str  # the element or attribute at fault
    reason: str
    line: int | None = None

    def __str__(self) -> str:
        where = f"activity {self.row}" if self.row else "file"
        line = f", line {self.line}" if self.line else ""
        return f"{self.file}: {where}{line}, {self.column}: {self.reason}"


class IatiRejected(Exception):
    def __init__(self, errors: list[IatiError]) -> None:
        super().__init__("; ".join(str(error) for error in errors[:5]))
        self.errors = errors


@dataclass
class IatiImportSummary:
    read: int = 0
    created: int = 0
    updated: int = 0
    rejected: int = 0
    identifiers: list[str] = field(default_factory=list)


@lru_cache(maxsize=1)
def activity_schema() -> etree.XMLSchema:
    """The official IATI 2.03 activity schema; its include and import resolve to files beside it."""
    parser = etree.XMLParser(no_network=True, resolve_entities=False)
    return etree.XMLSchema(etree.parse(str(SCHEMA_FILE), parser))


def _safe_parser() -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, dtd_validation=False, huge_tree=False
    )


def parse_document(content: bytes, *, file_name: str) -> etree._ElementTree:
    """Parse and schema-validate; raise IatiRejected naming the file, line and reason."""
    try:
        tree = etree.ElementTree(etree.fromstring(content, _safe_parser()))
    except etree.XMLSyntaxError as error:
        raise IatiRejected(
            [IatiError(file_name, 0, "(document)", f"not well-formed XML: {error.msg}", error.lineno)]
        ) from error
    if tree.docinfo.doctype or tree.docinfo.internalDTD is not None:
        raise IatiRejected([IatiError(file_name, 0, "(document)", "a DOCTYPE is not allowed in IATI files")])
    root = tree.getroot()
    if root.tag != "iati-activities":
        raise IatiRejected(
            [
                IatiError(
                    file_name,
                    0,
                    str(root.tag),
                    "the root element must be iati-activities (IATI activity file)",
                )
            ]
        )
    if root.get("version") != IATI_VERSION:
        raise IatiRejected(
            [
                IatiError(
                    file_name,
                    0,
                    "iati-activities/@version",
                    f"version must be {IATI_VERSION}, not {root.get('version')!r}",
                )
            ]
        )
    schema = activity_schema()
    if not schema.validate(tree):
        raise IatiRejected([_schema_error(file_name, tree, entry) for entry in list(schema.error_log)[:50]])
    return tree


def _schema_error(file_name: str, tree: etree._ElementTree, entry: Any) -> IatiError:
    row = 0
    column = entry.path or "(document)"
    for index, activity in enumerate(tree.getroot().iterfind("iati-activity"), start=1):
        if activity.sourceline and entry.line and activity.sourceline <= entry.line:
            row = index
    return IatiError(file_name, row, column, f"schema: {entry.message}", entry.line)


def _narrative(element: etree._Element | None, language: str) -> str:
    if element is None:
        return ""
    narratives = element.findall("narrative")
    for narrative in narratives:
        if narrative.get(XML_LANG, language) == language and narrative.text:
            return narrative.text.strip()
    return (narratives[0].text or "").strip() if narratives else ""


def _date(value: str | None) -> datetime.date | None:
    return datetime.date.fromisoformat(value[:10]) if value else None


class _ActivityReader:
    """Turns one iati-activity element into ActivityInput, collecting every problem it finds."""

    def __init__(
        self,
        *,
        file_name: str,
        row: int,
        element: etree._Element,
        edition: str,
        codes: dict[str, Organisation],
        currencies: frozenset[str] = frozenset(),
    ):
        self.file_name, self.row, self.element = file_name, row, element
        self.edition, self.codes = edition, codes
        self.currencies = currencies
        self.errors: list[IatiError] = []

    def error(self, column: str, reason: str, element: etree._Element | None = None) -> None:
        line = (element if element is not None else self.element).sourceline
        self.errors.append(IatiError(self.file_name, self.row, column, reason, line))

    def read(self, topics: set[str]) -> ActivityInput | None:
        element = self.element
        language = element.get(XML_LANG, "en")
        identifier = (element.findtext("iati-identifier") or "").strip()
        if not identifier:
            self.error("iati-identifier", "the identifier is empty", element.find("iati-identifier"))
        elif len(identifier) > MAX_IDENTIFIER:
            self.error(
                "iati-identifier",
                f"longer than {MAX_IDENTIFIER} characters",
                element.find("iati-identifier"),
            )
        reporting = element.find("reporting-org")
        assert reporting is not None  # the schema requires it
        reporting_ref = reporting.get("ref", "")
        reporting_org = self.codes.get(reporting_ref)
        if reporting_org is None:
            self.error("reporting-org/@ref", f"unknown organisation identifier {reporting_ref!r}", reporting)

        countries: list[tuple[str, Decimal | None]] = []
        places: list[tuple[etree._Element, Decimal | None]] = []
        for country in element.findall("recipient-country"):
            code = country.get("code", "")
            percentage = self._percentage(country, "recipient-country/@percentage")
            places.append((country, percentage))
            try:
                iso3 = normalise_country_code(code)
            except UnknownCountry:
                self.error("recipient-country/@code", f"unknown country code {code!r}", country)
                continue
            if iso3 in {c for c, _p in countries}:
                self.error("recipient-country/@code", f"country {code!r} is given twice", country)
            countries.append((iso3, percentage))
        regions: list[ShareInput] = []
        for region in element.findall("recipient-region"):
            code, vocabulary = region.get("code", "").strip(), region.get("vocabulary", DAC_VOCABULARY)
            percentage = self._percentage(region, "recipient-region/@percentage")
            places.append((region, percentage))
            if vocabulary == DAC_VOCABULARY and code not in codelists.dac_regions():
                self.error(
                    "recipient-region/@code", f"unknown OECD DAC region {code!r} (Region codelist)", region
                )
                continue
            regions.append(ShareInput(code=code, percentage=percentage, vocabulary=vocabulary))
        self._check_percentages(places, "recipient-country/@percentage", "recipient countries and regions")
        sectors = self._sectors(element.findall("sector"))

        participants = []
        for org in element.findall("participating-org"):
            ref = org.get("ref", "").strip()
            role = org.get("role", "")
            if role not in ORGANISATION_ROLES:
                self.error(
                    "participating-org/@role",
                    f"unknown role {role!r} (OrganisationRole codelist: 1, 2, 3, 4)",
                    org,
                )
            if len(ref) > MAX_REFERENCE:
                self.error("participating-org/@ref", f"longer than {MAX_REFERENCE} characters", org)
            if len(_narrative(org, language)) > MAX_PARTICIPANT_NAME:
                self.error(
                    "participating-org/narrative", f"longer than {MAX_PARTICIPANT_NAME} characters", org
                )
            participants.append(
                ParticipantInput(
                    role=role,
                    organisation=self.codes.get(ref),
                    reference=ref,
                    name=_narrative(org, language),
                )
            )

        area, information_field, topic_codes = self._classification(topics)

        budgets = []
        currency = element.get("default-currency", "")
        if currency and not self._known_currency(currency):
            self.error("iati-activity/@default-currency", f"not an ISO 4217 currency code: {currency!r}")
            currency = ""
        for budget in element.findall("budget"):
            budget_type = budget.get("type", BudgetType.ORIGINAL.value)
            budget_status = budget.get("status", BudgetStatus.INDICATIVE.value)
            if budget_type not in BudgetType.values:
                self.error("budget/@type", f"unknown budget type {budget_type!r} (BudgetType: 1, 2)", budget)
            if budget_status not in BudgetStatus.values:
                self.error(
                    "budget/@status", f"unknown budget status {budget_status!r} (BudgetStatus: 1, 2)", budget
                )
            money = self._value(budget.find("value"), currency, "budget/value", negative=False)
            start = _date(budget.find("period-start").get("iso-date"))  # type: ignore[union-attr]
            end = _date(budget.find("period-end").get("iso-date"))  # type: ignore[union-attr]
            assert start is not None and end is not None
            if end < start:
                self.error("budget/period-end/@iso-date", "the period ends before it starts", budget)
                continue
            if money is None:
                continue
            amount, budget_currency, value_date = money
            budgets.append(
                BudgetInput(
                    period_start=start,
                    period_end=end,
                    amount=amount,
                    currency=budget_currency,
                    value_date=value_date,
                    budget_type=budget_type,
                    status=budget_status,
                )
            )
        planned = self._planned_disbursements(currency, language)
        transactions = self._transactions(currency, language)

        dates: dict[str, datetime.date | None] = {}
        for activity_date in element.findall("activity-date"):
            date_type = activity_date.get("type", "")
            if date_type not in ACTIVITY_DATE_TYPES:
                self.error(
                    "activity-date/@type",
                    f"unknown date type {date_type!r} (ActivityDateType codelist: 1, 2, 3, 4)",
                    activity_date,
                )
                continue
            dates[date_type] = _date(activity_date.get("iso-date"))
        planned_start, planned_end = dates.get("1"), dates.get("3")
        if planned_start and planned_end and planned_end < planned_start:
            self.error("activity-date[@type='3']/@iso-date", "the planned end comes before the planned start")

        result_descriptions = [
            _narrative(result.find("description"), language) or _narrative(result.find("title"), language)
            for result in element.findall("result")
        ]
        descriptions = {d.get("type", "1"): _narrative(d, language) for d in element.findall("description")}
        status = element.find("activity-status")
        assert status is not None  # the schema requires it
        if status.get("code", "") not in ACTIVITY_STATUSES:
            self.error(
                "activity-status/@code",
                f"unknown status {status.get('code')!r} (ActivityStatus codelist: 1 to 6)",
                status,
            )
        if self.errors or reporting_org is None or area is None:
            return None
        return ActivityInput(
            iati_identifier=identifier,
            reporting_organisation=reporting_org,
            title=_narrative(element.find("title"), language)[:500],
            description=descriptions.get("1", ""),
            language=language[:8],
            area=area,
            information_field=information_field,
            status=status.get("code", ""),
            planned_start=planned_start,
            actual_start=dates.get("2"),
            planned_end=planned_end,
            actual_end=dates.get("4"),
            default_currency=currency.upper(),
            results="\n\n".join(text for text in result_descriptions if text),
            countries=countries,
            participants=participants,
            budgets=budgets,
            planned_disbursements=planned,
            transactions=transactions,
            sectors=sectors,
            regions=regions,
            topic_codes=topic_codes,
            is_sample=any(tag.get("vocabulary-uri") == SAMPLE_URI for tag in self.element.findall("tag")),
            source=self.file_name,
            source_edition=self.edition,
        )

    def _known_currency(self, code: str) -> bool:
        if not CURRENCY.fullmatch(code):
            return False
        return not self.currencies or code.upper() in self.currencies

    def _value(
        self, value: etree._Element | None, default_currency: str, column: str, *, negative: bool = True
    ) -> tuple[Decimal, str, datetime.date] | None:
        """Amount, currency and value date of a value element, or None after recording the problem."""
        assert value is not None  # the schema requires it
        currency = value.get("currency") or default_currency
        problems = len(self.errors)
        if not currency:
            self.error(f"{column}/@currency", "no currency on the value and no default-currency", value)
        elif not self._known_currency(currency):
            self.error(f"{column}/@currency", f"not an ISO 4217 currency code: {currency!r}", value)
        try:
            amount = Decimal((value.text or "").strip())
        except InvalidOperation:
            self.error(column, "not a number", value)
            return None
        if not amount.is_finite():
            self.error(column, "not a number", value)
        elif amount < 0 and not negative:
            self.error(column, "cannot be negative", value)
        elif abs(amount) >= MAX_AMOUNT:
            self.error(column, f"larger than {MAX_AMOUNT:,}", value)
        elif amount != amount.quantize(Decimal("0.01")):
            self.error(column, f"{amount} has more than two decimals", value)
        value_date = _date(value.get("value-date"))
        if len(self.errors) > problems or value_date is None:
            return None
        return amount, currency.upper(), value_date

    def _check_percentages(
        self, items: list[tuple[etree._Element, Decimal | None]], column: str, what: str
    ) -> None:
        """IATI: one item may omit its percentage (it is then 100); several need one each, adding up to
        100 exactly."""
        if len(items) == 1:
            element, percentage = items[0]
            if percentage is not None and percentage != HUNDRED:
                self.error(column, f"{what}: the only one must be 100 %, not {percentage}", element)
        elif len(items) > 1:
            missing = [element for element, percentage in items if percentage is None]
            if missing:
                self.error(column, f"{what}: with more than one, each needs a percentage", missing[0])
                return
            total = sum((percentage or Decimal(0) for _e, percentage in items), Decimal(0))
            if total != HUNDRED:
                self.error(column, f"{what}: the percentages add up to {total}, not 100", items[0][0])

    def _sectors(self, elements: list[etree._Element]) -> list[ShareInput]:
        sectors: list[ShareInput] = []
        by_vocabulary: dict[str, list[tuple[etree._Element, Decimal | None]]] = {}
        for sector in elements:
            vocabulary = sector.get("vocabulary", DAC_VOCABULARY)
            code = sector.get("code", "").strip()
            percentage = self._percentage(sector, "sector/@percentage")
            by_vocabulary.setdefault(vocabulary, []).append((sector, percentage))
            if vocabulary == DAC_VOCABULARY and code not in codelists.dac_sectors():
                self.error(
                    "sector/@code", f"unknown DAC 5-digit purpose code {code!r} (vocabulary 1)", sector
                )
                continue
            if vocabulary == "2" and code not in codelists.dac_sector_groups():
                self.error("sector/@code", f"unknown DAC 3-digit sector {code!r} (vocabulary 2)", sector)
                continue
            if any(s.code == code and s.vocabulary == vocabulary for s in sectors):
                self.error(
                    "sector/@code", f"sector {code!r} is given twice in vocabulary {vocabulary}", sector
                )
                continue
            sectors.append(ShareInput(code=code, percentage=percentage, vocabulary=vocabulary))
        for vocabulary, items in by_vocabulary.items():
            self._check_percentages(items, "sector/@percentage", f"sectors of vocabulary {vocabulary}")
        return sectors

    def _organisation(self, element: etree._Element | None, tag: str, language: str) -> tuple[str, str, str]:
        """(ref, activity identifier, name) of a provider-org or receiver-org."""
        if element is None:
            return "", "", ""
        ref = element.get("ref", "").strip()
        activity = element.get(f"{tag.split('-')[0]}-activity-id", "").strip()
        name = _narrative(element, language)
        if len(ref) > MAX_REFERENCE:
            self.error(f"{tag}/@ref", f"longer than {MAX_REFERENCE} characters", element)
        if len(activity) > MAX_ACTIVITY_REF:
            self.error(
                f"{tag}/@{tag.split('-')[0]}-activity-id",
                f"longer than {MAX_ACTIVITY_REF} characters",
                element,
            )
        if len(name) > MAX_PARTICIPANT_NAME:
            self.error(f"{tag}/narrative", f"longer than {MAX_PARTICIPANT_NAME} characters", element)
        return ref, activity, name

    def _planned_disbursements(self, currency: str, language: str) -> list[PlannedDisbursementInput]:
        planned = []
        for node in self.element.findall("planned-disbursement"):
            kind = node.get("type", "")
            if kind and kind not in BudgetType.values:
                self.error("planned-disbursement/@type", f"unknown type {kind!r} (BudgetType: 1, 2)", node)
            start = _date(node.find("period-start").get("iso-date"))  # type: ignore[union-attr]
            end_element = node.find("period-end")
            end = _date(end_element.get("iso-date")) if end_element is not None else None
            assert start is not None
            if end is not None and end < start:
                self.error(
                    "planned-disbursement/period-end/@iso-date", "the period ends before it starts", node
                )
            money = self._value(node.find("value"), currency, "planned-disbursement/value", negative=False)
            provider = self._organisation(node.find("provider-org"), "provider-org", language)
            receiver = self._organisation(node.find("receiver-org"), "receiver-org", language)
            if money is None:
                continue
            planned.append(
                PlannedDisbursementInput(
                    period_start=start,
                    period_end=end,
                    amount=money[0],
                    currency=money[1],
                    value_date=money[2],
                    budget_type=kind,
                    provider_ref=provider[0],
                    provider_name=provider[2],
                    receiver_ref=receiver[0],
                    receiver_name=receiver[2],
                )
            )
        return planned

    def _transactions(self, currency: str, language: str) -> list[TransactionInput]:
        transactions = []
        for node in self.element.findall("transaction"):
            problems = len(self.errors)
            kind_element = node.find("transaction-type")
            assert kind_element is not None  # the schema requires it
            kind = kind_element.get("code", "")
            if kind not in TransactionType.values:
                self.error(
                    "transaction/transaction-type/@code",
                    f"unknown transaction type {kind!r} (TransactionType codelist: 1 to 13)",
                    kind_element,
                )
            reference = node.get("ref", "").strip()
            if len(reference) > MAX_TRANSACTION_REF:
                self.error("transaction/@ref", f"longer than {MAX_TRANSACTION_REF} characters", node)
            date = _date(node.find("transaction-date").get("iso-date"))  # type: ignore[union-attr]
            money = self._value(node.find("value"), currency, "transaction/value")
            provider = self._organisation(node.find("provider-org"), "provider-org", language)
            receiver = self._organisation(node.find("receiver-org"), "receiver-org", language)
            sector_vocabulary, sector_code = "", ""
            for sector in node.findall("sector"):
                vocabulary = sector.get("vocabulary", DAC_VOCABULARY)
                code = sector.get("code", "").strip()
                if vocabulary == DAC_VOCABULARY and code not in codelists.dac_sectors():
                    self.error(
                        "transaction/sector/@code",
                        f"unknown DAC 5-digit purpose code {code!r} (vocabulary 1)",
                        sector,
                    )
                elif vocabulary == DAC_VOCABULARY or not sector_code:
                    if sector_vocabulary == DAC_VOCABULARY and vocabulary == DAC_VOCABULARY:
                        self.error(
                            "transaction/sector", "a transaction names one sector per vocabulary", sector
                        )
                    sector_vocabulary, sector_code = vocabulary, code
            country_iso3 = ""
            country = node.find("recipient-country")
            if country is not None:
                try:
                    country_iso3 = normalise_country_code(country.get("code", ""))
                except UnknownCountry:
                    self.error(
                        "transaction/recipient-country/@code",
                        f"unknown country code {country.get('code')!r}",
                        country,
                    )
            region_code = ""
            region = node.find("recipient-region")
            if region is not None:
                region_code = region.get("code", "").strip()
                if (
                    region.get("vocabulary", DAC_VOCABULARY) == DAC_VOCABULARY
                    and region_code not in codelists.dac_regions()
                ):
                    self.error(
                        "transaction/recipient-region/@code",
                        f"unknown OECD DAC region {region_code!r} (Region codelist)",
                        region,
                    )
            if money is None or date is None or len(self.errors) > problems:
                continue
            transactions.append(
                TransactionInput(
                    transaction_type=kind,
                    date=date,
                    amount=money[0],
                    currency=money[1],
                    value_date=money[2],
                    reference=reference,
                    description=_narrative(node.find("description"), language),
                    provider_ref=provider[0],
                    provider_activity=provider[1],
                    provider_name=provider[2],
                    receiver_ref=receiver[0],
                    receiver_activity=receiver[1],
                    receiver_name=receiver[2],
                    sector_vocabulary=sector_vocabulary,
                    sector_code=sector_code,
                    country_iso3=country_iso3,
                    region_code=region_code,
                )
            )
        return transactions

    def _percentage(self, element: etree._Element, column: str) -> Decimal | None:
        """The percentage attribute (a decimal, as the schema checked), which must lie within 0–100."""
        value = element.get("percentage")
        if not value:
            return None
        percentage = Decimal(value)
        if not 0 <= percentage <= 100:
            self.error(column, f"{value} is not a percentage between 0 and 100", element)
            return None
        return percentage

    def _classification(self, known_topics: set[str]) -> tuple[str | None, str, list[str]]:
        area: str | None = None
        information_field = InformationField.PROGRAMMES.value
        topic_codes: list[str] = []
        for tag in self.element.findall("tag"):
            uri, code = tag.get("vocabulary-uri", ""), tag.get("code", "")
            if uri == AREA_URI:
                if code in Area.values:
                    area = code
                else:
                    self.error("tag[@vocabulary-uri='urn:migdev:area']/@code", f"unknown area {code!r}", tag)
            elif uri == FIELD_URI:
                if code in InformationField.values:
                    information_field = code
                else:
                    self.error(
                        "tag[@vocabulary-uri='urn:migdev:information-field']/@code",
                        f"unknown field {code!r}",
                        tag,
                    )
            elif uri == TOPIC_URI:
                if code in known_topics:
                    topic_codes.append(code)
                else:
                    self.error(
                        "tag[@vocabulary-uri='urn:migdev:topic']/@code", f"unknown topic {code!r}", tag
                    )
        if area is None:
            for sector in self.element.findall("sector"):
                if sector.get("vocabulary", "1") == "1" and sector.get("code", "") in SECTOR_AREAS:
                    area = SECTOR_AREAS[sector.get("code", "")].value
                    break
        if area is None and not self.errors:
            self.error(
                "tag",
                'no area: add <tag vocabulary="99" vocabulary-uri="urn:migdev:area" code="..."/> or a DAC '
                f"sector among {', '.join(sorted(SECTOR_AREAS))}",
            )
        return area, information_field, topic_codes


def read_activities(content: bytes, *, file_name: str) -> tuple[list[ActivityInput], int]:
    """Validated activity inputs and the number of activities read; raises IatiRejected with every error."""
    tree = parse_document(content, file_name=file_name)
    root = tree.getroot()
    edition = f"IATI {root.get('version')}"
    if root.get("generated-datetime"):
        edition += f", generated {root.get('generated-datetime')}"
    codes = {
        code.code: code.organisation
        for code in OrganisationCode.objects.filter(scheme=OrganisationCode.Scheme.IATI).select_related(
            "organisation"
        )
    }
    topics = set(Topic.objects.values_list("code", flat=True))
    currencies = frozenset(Currency.objects.values_list("code", flat=True))
    activities: list[ActivityInput] = []
    errors: list[IatiError] = []
    seen: dict[str, int] = {}
    elements = root.findall("iati-activity")
    for row, element in enumerate(elements, start=1):
        reader = _ActivityReader(
            file_name=file_name, row=row, element=element, edition=edition, codes=codes, currencies=currencies
        )
        data = reader.read(topics)
        identifier = (element.findtext("iati-identifier") or "").strip()
        if identifier in seen:
            reader.error("iati-identifier", f"repeats activity {seen[identifier]}")
            data = None
        seen.setdefault(identifier, row)
        errors += reader.errors
        if data is not None:
            activities.append(data)
    if errors:
        raise IatiRejected(errors)
    return activities, len(elements)


def import_iati_file(path: Path, *, actor: Any = None, max_bytes: int | None = None) -> IatiImportSummary:
    """Import a file of IATI activities; nothing is written unless every activity is valid."""
    limit = (
        max_bytes if max_bytes is not None else int(getattr(settings, "IMPORT_MAX_BYTES", 200 * 1024 * 1024))
    )
    size = path.stat().st_size
    if size > limit:
        raise IatiRejected(
            [IatiError(path.name, 0, "(file)", f"the file is {size} bytes; the limit is {limit}")]
        )
    return import_iati_bytes(path.read_bytes(), file_name=path.name, actor=actor)


def import_iati_bytes(content: bytes, *, file_name: str, actor: Any = None) -> IatiImportSummary:
    activities, read = read_activities(content, file_name=file_name)
    summary = IatiImportSummary(read=read)
    with transaction.atomic():
        summary.created, summary.updated = activities_save(actor=actor, items=activities)
        summary.identifiers = [data.iati_identifier for data in activities]
        audit.record(
            action="import",
            actor=actor,
            detail={
                "format": "iati",
                "file": file_name,
                "created": summary.created,
                "updated": summary.updated,
            },
        )
    return summary


def load_iati_for_dataio(path: Path, *, progress: Progress, user: User | None) -> ImportResult:
    """The `migdev load iati PATH` loader, in the platform's load-format contract."""
    progress.start(None)
    try:
        summary = import_iati_file(path, actor=user)
    except IatiRejected as rejected:
        raise ImportRejected(
            [
                RowError(file=e.file, row=e.row or None, column=e.column, reason=e.reason)
                for e in rejected.errors
            ],
            rejected_rows=len({e.row for e in rejected.errors if e.row}),
        ) from rejected
    progress.advance(summary.read)
    progress.finish()
    return ImportResult(read=summary.read, created=summary.created, updated=summary.updated, rejected=0)


# --- Export --------------------------------------------------------------------------------------------


class IatiExportError(ValueError):
    pass


def _sub(parent: etree._Element, tag: str, text: str | None = None, **attributes: str) -> etree._Element:
    element = etree.SubElement(
        parent, tag, {k.replace("_", "-"): v for k, v in attributes.items() if v != ""}
    )
    if text is not None:
        element.text = text
    return element


def _narrative_element(parent: etree._Element, tag: str, text: str, **attributes: str) -> etree._Element:
    element = _sub(parent, tag, **attributes)
    _sub(element, "narrative", text)
    return element


def _iso2(iso3: str) -> str:
    try:
        return iso2_for(iso3)
    except UnknownCountry as error:
        raise IatiExportError(_("Unknown country code %(code)r.") % {"code": iso3}) from error


def _percent(value: Decimal | None) -> str:
    return "" if value is None else f"{value.normalize():f}"


def _value_element(parent: etree._Element, amount: Decimal, currency: str, value_date: datetime.date) -> None:
    _sub(parent, "value", f"{amount:f}", currency=currency, value_date=value_date.isoformat())


def _party(parent: etree._Element, tag: str, ref: str, activity: str, name: str) -> None:
    """A provider-org or receiver-org, written only when something is known of it."""
    if not (ref or activity or name):
        return
    attributes = {"ref": ref, f"{tag.split('-')[0]}_activity_id": activity}
    node = _sub(parent, tag, **attributes)
    if name:
        _sub(node, "narrative", name)


def missing_for_iati(activity: Activity, organisation_codes: dict[int, str] | None = None) -> list[str]:
    """What the official 2.03 schema requires of an activity that this one lacks; empty when the activity
    is publishable. With ``organisation_codes`` (organisation id to IATI identifier) the reporting
    organisation's identifier is checked too."""
    missing = []
    if organisation_codes is not None and activity.reporting_organisation_id not in organisation_codes:
        missing.append("reporting organisation identifier")
    if not activity.description.strip():
        missing.append("description")
    if not any((activity.planned_start, activity.actual_start, activity.planned_end, activity.actual_end)):
        missing.append("activity date")
    return missing


def export_iati(
    activities: Iterable[Activity], *, generated: datetime.datetime | None = None, note: str = ""
) -> bytes:
    """IATI 2.03 activity XML for the given activities, valid against the official schema; raises
    IatiExportError naming every activity that cannot be published as it stands."""
    activities = list(activities)
    if not activities:
        raise IatiExportError(
            _("No activities to export: an IATI 2.03 file holds at least one. Widen the filters.")
        )
    org_ids = {a.reporting_organisation_id for a in activities} | {
        p.organisation_id for a in activities for p in a.participants.all() if p.organisation_id
    }
    codes = dict(
        OrganisationCode.objects.filter(
            scheme=OrganisationCode.Scheme.IATI, organisation_id__in=org_ids
        ).values_list("organisation_id", "code")
    )
    missing = sorted(
        {str(a.reporting_organisation) for a in activities if a.reporting_organisation_id not in codes}
    )
    if missing:
        raise IatiExportError(
            _("These reporting organisations have no IATI organisation identifier: %(names)s.")
            % {"names": ", ".join(missing)}
        )
    incomplete = [
        f"{activity.iati_identifier} ({', '.join(lacking)})"
        for activity in activities
        if (lacking := missing_for_iati(activity))
    ]
    if incomplete:
        shown = "; ".join(incomplete[:20])
        if len(incomplete) > 20:
            shown += "; " + _("and %(count)d more") % {"count": len(incomplete) - 20}
        raise IatiExportError(
            _("IATI 2.03 requires a description and an activity date; missing for: %(activities)s.")
            % {"activities": shown}
        )
    root = etree.Element("iati-activities", {"version": IATI_VERSION})
    if note:
        root.append(etree.Comment(" " + note.replace("--", "- -") + " "))
    root.set(
        "generated-datetime",
        (generated or timezone.now()).astimezone(datetime.UTC).isoformat(timespec="seconds"),
    )
    area_labels = dict(Area.choices)
    field_labels = dict(InformationField.choices)
    for activity in activities:
        attributes = {XML_LANG: activity.language or "en"}
        if activity.default_currency:
            attributes["default-currency"] = activity.default_currency
        attributes["last-updated-datetime"] = activity.updated_at.astimezone(datetime.UTC).isoformat(
            timespec="seconds"
        )
        element = etree.SubElement(root, "iati-activity", attributes)
        _sub(element, "iati-identifier", activity.iati_identifier)
        reporting = activity.reporting_organisation
        _narrative_element(
            element,
            "reporting-org",
            reporting.name,
            ref=codes[reporting.pk],
            type=ORGANISATION_TYPES.get(Organisation.Kind(reporting.kind), "40"),
        )
        _narrative_element(element, "title", activity.title)
        _narrative_element(element, "description", activity.description, type="1")
        participants = list(activity.participants.all())
        if not participants:
            participants = [
                ActivityParticipant(organisation=reporting, role=ActivityParticipant.Role.ACCOUNTABLE)
            ]
        for participant in participants:
            ref = (
                codes.get(participant.organisation_id, "")
                if participant.organisation_id
                else participant.reference
            )
            org = _sub(element, "participating-org", ref=ref, role=participant.role)
            _sub(org, "narrative", participant.display_name)
        _sub(element, "activity-status", code=activity.status)
        for date_type, value in (
            ("1", activity.planned_start),
            ("2", activity.actual_start),
            ("3", activity.planned_end),
            ("4", activity.actual_end),
        ):
            if value is not None:
                _sub(element, "activity-date", iso_date=value.isoformat(), type=date_type)
        for country in activity.countries.all():
            _sub(
                element,
                "recipient-country",
                code=_iso2(country.country_iso3),
                percentage=_percent(country.percentage),
            )
        for region in activity.regions.all():
            _sub(
                element,
                "recipient-region",
                code=region.code,
                vocabulary=region.vocabulary,
                percentage=_percent(region.percentage),
            )
        for sector in activity.sectors.all():
            _sub(
                element,
                "sector",
                vocabulary=sector.vocabulary,
                code=sector.code,
                percentage=_percent(sector.percentage),
            )
        _narrative_element(
            element,
            "tag",
            str(area_labels[activity.area]),
            vocabulary="99",
            vocabulary_uri=AREA_URI,
            code=activity.area,
        )
        _narrative_element(
            element,
            "tag",
            str(field_labels[activity.information_field]),
            vocabulary="99",
            vocabulary_uri=FIELD_URI,
            code=activity.information_field,
        )
        for topic in activity.topics.all():
            _narrative_element(
                element, "tag", topic.name, vocabulary="99", vocabulary_uri=TOPIC_URI, code=topic.code
            )
        if activity.is_sample:
            _narrative_element(
                element,
                "tag",
                "Sample record (fictional, made up by migdev)",
                vocabulary="99",
                vocabulary_uri=SAMPLE_URI,
                code="sample",
            )
        for budget in activity.budgets.all():
            node = _sub(element, "budget", type=budget.budget_type, status=budget.status)
            _sub(node, "period-start", iso_date=budget.period_start.isoformat())
            _sub(node, "period-end", iso_date=budget.period_end.isoformat())
            _value_element(node, budget.amount, budget.currency, budget.value_date)
        for planned in activity.planned_disbursements.all():
            node = _sub(element, "planned-disbursement", type=planned.budget_type)
            _sub(node, "period-start", iso_date=planned.period_start.isoformat())
            if planned.period_end:
                _sub(node, "period-end", iso_date=planned.period_end.isoformat())
            _value_element(node, planned.amount, planned.currency, planned.value_date)
            _party(node, "provider-org", planned.provider_ref, "", planned.provider_name)
            _party(node, "receiver-org", planned.receiver_ref, "", planned.receiver_name)
        for flow in activity.transactions.all():
            node = _sub(element, "transaction", ref=flow.reference)
            _sub(node, "transaction-type", code=flow.transaction_type)
            _sub(node, "transaction-date", iso_date=flow.date.isoformat())
            _value_element(node, flow.amount, flow.currency, flow.value_date)
            if flow.description:
                _narrative_element(node, "description", flow.description)
            _party(
                node,
                "provider-org",
                flow.provider_ref,
                flow.provider_activity,
                flow.provider_name,
            )
            _party(
                node,
                "receiver-org",
                flow.receiver_ref,
                flow.receiver_activity,
                flow.receiver_name,
            )
            if flow.sector_code:
                _sub(
                    node,
                    "sector",
                    vocabulary=flow.sector_vocabulary or DAC_VOCABULARY,
                    code=flow.sector_code,
                )
            if flow.country_iso3:
                _sub(node, "recipient-country", code=_iso2(flow.country_iso3))
            if flow.region_code:
                _sub(node, "recipient-region", code=flow.region_code)
        if activity.results:
            result = _sub(element, "result", type="2")
            _narrative_element(result, "title", "Results")
            _narrative_element(result, "description", activity.results)
            indicator = _sub(result, "indicator", measure="5")
            _narrative_element(indicator, "title", "Results reported by the organisation")
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


@dataclass
class IatiExport:
    body: bytes
    left_out: list[str]  # "identifier (what it lacks)" for each activity IATI 2.03 cannot publish yet


def export_iati_publishable(
    activities: Iterable[Activity], *, generated: datetime.datetime | None = None
) -> IatiExport:
    """The IATI file of every activity that can be published, leaving out (and naming, in a comment at the
    top of the file) those that lack what IATI 2.03 requires. One incomplete record, say from a CSV
    import without dates, must not refuse the export to everybody; it raises IatiExportError only when
    nothing at all can be published."""
    activities = list(activities)
    codes = dict(
        OrganisationCode.objects.filter(
            scheme=OrganisationCode.Scheme.IATI,
            organisation_id__in={a.reporting_organisation_id for a in activities},
        ).values_list("organisation_id", "code")
    )
    publishable, left_out = [], []
    for activity in activities:
        lacking = missing_for_iati(activity, codes)
        if lacking:
            left_out.append(f"{activity.iati_identifier} ({', '.join(lacking)})")
        else:
            publishable.append(activity)
    if not publishable:
        # Nothing to publish: the strict export raises the error that names what each activity lacks.
        export_iati(activities, generated=generated)
    note = ""
    if left_out:
        note = f"Left out {len(left_out)} activities that IATI 2.03 cannot publish yet: " + "; ".join(
            left_out
        )
    return IatiExport(body=export_iati(publishable, generated=generated, note=note), left_out=left_out)
