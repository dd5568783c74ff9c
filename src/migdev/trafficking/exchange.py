"""Case data under the HTCDS 2.0 field names, for exchange with other case-management systems.

Every case field a form or an import may set has one column here, named as the standard names it
(``prs_FirstName``, ``vic_TypeOfExploitation``, …). Three fields the platform keeps beyond the standard
are exported under an ``mdv_`` prefix, so that no column claims a meaning the standard does not give it.
An XLSX written in this layout is the HTCDS Excel toolkit's "Case Sheet" (field names in the first row,
labels in the second), so the same file loads back with ``migdev load htcds-xlsx`` or the case import page.
"""

from collections.abc import Iterable, Iterator
from datetime import date
from typing import Any

from migdev.trafficking import htcds
from migdev.trafficking.models import Case

# Case field -> HTCDS 2.0 field name (``fields`` of data/htcds_value_lists.json), in HTCDS order.
HTCDS_CASE_COLUMNS: dict[str, str] = {
    "salutation": "prs_Salutation",
    "first_name": "prs_FirstName",
    "middle_name": "prs_MiddleName",
    "second_name": "prs_SecondName",
    "birth_date": "prs_Birthdate",
    "gender": "prs_Gender",
    "deceased": "prs_Deceased",
    "marital_status": "prs_MaritalStatus",
    "number_of_children": "prs_NumberOfChildren",
    "primary_language": "prs_PrimaryLanguage",
    "secondary_language": "prs_SecondaryLanguage",
    "education_level": "prs_HighestLevelOfEducation",
    "citizenship": "prs_Citizenship",
    "identity_number": "prs_IdentityNumber",
    "title": "prs_Title",
    "email": "prs_Email",
    "home_phone": "prs_HomePhone",
    "mobile_phone": "prs_MobilePhone",
    "mailing_street": "prs_MailingStreet",
    "mailing_city": "prs_MailingCity",
    "mailing_state": "prs_MailingState",
    "mailing_postal_code": "prs_MailingPostalCode",
    "mailing_country": "prs_MailingCountry",
    "mailing_latitude": "prs_MailingLatitude",
    "mailing_longitude": "prs_MailingLongitude",
    "trafficking_status": "vic_TraffickingStatus",
    "status_decision_organisation": "vic_TraffickingStatusDecisionMakingOrg",
    "relationship_to_trafficker": "vic_RelationshipToTrafficker",
    "age_when_trafficked": "vic_AgeWhenTrafficked",
    "recruitment_websites": "vic_RecruitmentWebsitesAndApps",
    "recruitment_methods": "vic_MethodOfRecruitment",
    "recruitment_location": "vic_LocationOfRecruitment",
    "control_methods": "vic_MethodsOfControl",
    "exploitation_types": "vic_TypeOfExploitation",
    "labour_industries": "vic_ForcedLabourIndustry",
    "sex_exploitation_types": "vic_TypeOfSexExploitation",
    "exploitation_location": "vic_LocationOfExploitation",
    "exploitation_websites": "vic_ExploitationWebsitesAndApps",
    "vulnerabilities": "vic_Vulnerabilities",
    "vulnerability_details": "vic_DetailsOfVulnerabilities",
}
# Fields the platform adds to the standard (countries as ISO codes beside HTCDS's free-text locations,
# and the date the case was registered); exported under the platform's own prefix.
EXTENSION_COLUMNS: dict[str, str] = {
    "recruitment_country": "mdv_RecruitmentCountry",
    "exploitation_country": "mdv_ExploitationCountry",
    "registered_on": "mdv_RegisteredOn",
}
CASE_COLUMNS = ("cas_CaseOwner", "cas_Status", "cas_ReasonForCaseClosure")
LIST_SEPARATOR = "; "


def column_for(field: str) -> str:
    return HTCDS_CASE_COLUMNS.get(field) or EXTENSION_COLUMNS[field]


def field_for_column() -> dict[str, str]:
    """HTCDS (or extension) column name -> case field."""
    return {column: field for field, column in (HTCDS_CASE_COLUMNS | EXTENSION_COLUMNS).items()}


def column_labels() -> dict[str, str]:
    """The standard's label of each column (the toolkit's second header row)."""
    labels = {entry["name"]: entry["label"] for entry in htcds.standard()["fields"]}
    labels.update(
        {
            "mdv_RecruitmentCountry": "Country of Recruitment (ISO 3166 alpha-2)",
            "mdv_ExploitationCountry": "Country of Exploitation (ISO 3166 alpha-2)",
            "mdv_RegisteredOn": "Registered On",
        }
    )
    return labels


def exchange_cell(value: Any) -> Any:
    """A case value as the toolkit writes it: lists joined by semicolons, dates in ISO form."""
    if isinstance(value, list):
        return LIST_SEPARATOR.join(str(item) for item in value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    return value


def htcds_rows(cases: Iterable[Case], fields: Iterable[str]) -> Iterator[dict[str, Any]]:
    """One row per case keyed by HTCDS column names; anonymised cases carry no identifying values."""
    names = list(fields)
    for case in cases:
        row = {column_for(name): exchange_cell(getattr(case, name)) for name in names}
        row.update(
            cas_CaseOwner=case.owner.get_username(),
            cas_Status=case.status,
            cas_ReasonForCaseClosure=case.closure_reason,
        )
        yield row
