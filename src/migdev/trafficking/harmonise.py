"""From an HTCDS case to a CTDC harmonised record (no identifying value survives the mapping).

The mapping follows the CTDC codebook's concepts: HTCDS ``MethodsOfControl`` are CTDC's
``meansOfControl*``; exploitation types map to ``is*`` flags; the ISIC forced-labour industries map to
CTDC's ``typeOfLabour*`` where a counterpart exists and to ``Other`` otherwise. Where a case records
some values of a multi-valued group, the others are recorded as "no" (0); where it records none, the
whole group is "not recorded", so the CTDC denominator rule counts the person only when it should.
"""

from collections.abc import Iterable
from datetime import date

from migdev.trafficking import ctdc, htcds
from migdev.trafficking.ctdc import Record
from migdev.trafficking.models import Case, Perpetrator

GENDER: dict[str, str] = {
    htcds.Gender.FEMININE: "Female",
    htcds.Gender.MASCULINE: "Male",
    htcds.Gender.TRANSGENDER_FEMININE: "TransgenderNonConforming",
    htcds.Gender.TRANSGENDER_MASCULINE: "TransgenderNonConforming",
    htcds.Gender.NON_CONFORMING: "TransgenderNonConforming",
    htcds.Gender.NON_SPECIFIED_UNKNOWN: "Unknown",
}

CONTROL: dict[str, str] = {
    htcds.ControlMethod.PHYSICAL_THREATS: "control_threats",
    htcds.ControlMethod.THREATS_LAW_ENFORCEMENT: "control_threat_of_law_enforcement",
    htcds.ControlMethod.THREATENS_CHILDREN_FAMILY: "control_uses_children",
    htcds.ControlMethod.DEBT_BONDAGE: "control_debt_bondage",
    htcds.ControlMethod.FALSE_PROMISES: "control_false_promises",
    htcds.ControlMethod.PHYSICAL_ABUSE: "control_physical_abuse",
    htcds.ControlMethod.SEXUAL_ABUSE: "control_sexual_abuse",
    htcds.ControlMethod.TAKES_EARNINGS: "control_takes_earnings",
    htcds.ControlMethod.RESTRICTS_FINANCIAL_ACCESS: "control_restricts_financial_access",
    htcds.ControlMethod.RESTRICTS_MEDICAL_CARE: "control_restricts_medical_care",
    htcds.ControlMethod.WITHHOLDS_NECESSITIES: "control_withholds_necessities",
    htcds.ControlMethod.PSYCHOLOGICAL_ABUSE: "control_psychological_abuse",
    htcds.ControlMethod.PSYCHOACTIVE_SUBSTANCE: "control_psychoactive_substances",
    htcds.ControlMethod.EXCESSIVE_WORKING_HOURS: "control_excessive_working_hours",
    htcds.ControlMethod.WITHHOLDS_DOCUMENTS: "control_withholds_documents",
    htcds.ControlMethod.OTHER: "control_other",
}

EXPLOITATION: dict[str, str] = {
    htcds.ExploitationType.FORCED_LABOUR: "is_forced_labour",
    htcds.ExploitationType.SEXUAL_EXPLOITATION: "is_sexual_exploit",
    htcds.ExploitationType.CHILD_LABOUR: "is_forced_labour",
    htcds.ExploitationType.FORCED_BEGGING: "is_forced_labour",
    htcds.ExploitationType.FORCED_MARRIAGE: "is_forced_marriage",
    htcds.ExploitationType.SERVITUDE: "is_slavery_and_practices",
    htcds.ExploitationType.FORCED_MILITARY_BY_NON_STATE_ACTORS: "is_forced_military",
    htcds.ExploitationType.ORGAN_REMOVAL: "is_organ_removal",
    htcds.ExploitationType.FORCED_ADOPTION: "is_other_exploit",
    htcds.ExploitationType.SURROGACY: "is_other_exploit",
    htcds.ExploitationType.OTHER: "is_other_exploit",
}

LABOUR: dict[str, str] = {
    htcds.LabourIndustry.AGRICULTURE_FORESTRY_AND_FISHING: "labour_agriculture",
    htcds.LabourIndustry.MINING_AND_QUARRYING: "labour_mining_or_drilling",
    htcds.LabourIndustry.MANUFACTURING: "labour_manufacturing",
    htcds.LabourIndustry.CONSTRUCTION: "labour_construction",
    htcds.LabourIndustry.TRANSPORTATION_AND_STORAGE: "labour_transportation",
    htcds.LabourIndustry.ACCOMMODATION_AND_FOOD_SERVICE_ACTIVITIES: "labour_hospitality",
    htcds.LabourIndustry.ACTIVITIES_OF_HOUSEHOLDS_AS_EMPLOYERS: "labour_domestic_work",
}

SEX: dict[str, str] = {
    htcds.SexExploitationType.PROSTITUTION: "sex_prostitution",
    htcds.SexExploitationType.PORNOGRAPHY: "sex_pornography",
    htcds.SexExploitationType.REMOTE_INTERACTIVE_SERVICES: "sex_remote_interactive_services",
    htcds.SexExploitationType.PRIVATE_SEXUAL_SERVICES: "sex_private_sexual_services",
}

RECRUITER: dict[str, str] = {
    htcds.RelationshipToTrafficker.FAMILIAL: "recruiter_family",
    htcds.RelationshipToTrafficker.ACQUAINTED: "recruiter_friend",
    htcds.RelationshipToTrafficker.UNAQUAINTED: "recruiter_other",
}
VP_RELATION: dict[str, str] = {
    htcds.RelationshipToTrafficker.FAMILIAL: "FamilyIntimatePartner",
    htcds.RelationshipToTrafficker.ACQUAINTED: "FriendAcquaintance",
    htcds.RelationshipToTrafficker.UNAQUAINTED: "StrangerUnknownOther",
}

ROLE_FLAGS: dict[str, set[str]] = {
    "ip_exploiter": {htcds.PerpetratorRole.EXPLOITER},
    "ip_recruiter_broker": {
        htcds.PerpetratorRole.RECRUITER_OR_INTERMEDIARY,
        htcds.PerpetratorRole.BROKER_TRAVEL_AGENT,
    },
    "ip_transaction_process": {
        htcds.PerpetratorRole.TRANSFERRED_INDIVIDUAL,
        htcds.PerpetratorRole.HARBOURED_INDIVIDUAL,
        htcds.PerpetratorRole.SOLD_INDIVIDUAL,
        htcds.PerpetratorRole.BOUGHT_INDIVIDUAL,
        htcds.PerpetratorRole.RECEIVED_INDIVIDUAL,
    },
    "ip_control_abuse_kidnap": {
        htcds.PerpetratorRole.CONTROLLED_INDIVIDUAL,
        htcds.PerpetratorRole.ABUSER,
        htcds.PerpetratorRole.KIDNAPPER,
    },
}


def age_on(birth_date: date | None, day: date) -> int | None:
    if birth_date is None or birth_date > day:
        return None
    return day.year - birth_date.year - ((day.month, day.day) < (birth_date.month, birth_date.day))


def _set_group(record: Record, fields: Iterable[str], mapping: dict[str, str], values: Iterable[str]) -> None:
    values = list(values)
    chosen = {mapping[value] for value in values if value in mapping}
    recorded = bool(values)
    for field in fields:
        record[field] = (field in chosen) if recorded else None


def _joined(values: Iterable[str | None]) -> str | None:
    cleaned = sorted({value for value in values if value})
    return ";".join(cleaned) or None


def analytic_values(
    case: Case, perpetrators: Iterable[Perpetrator], countries: ctdc.CountryResolver
) -> Record:
    """The harmonised record of a case. ``countries`` resolves ISO alpha-2 codes."""
    record = ctdc.empty_record()
    record["year_of_registration"] = case.registered_on.year
    record["data_source"] = "Case management"
    record["gender"] = GENDER.get(case.gender)
    age = age_on(case.birth_date, case.registered_on)
    record["age_broad"] = ctdc.age_band(age)
    record["majority_status"] = ctdc.majority_for_age(age)
    record["majority_entry"] = ctdc.majority_for_age(case.age_when_trafficked)

    citizenship = countries(case.citizenship[0]) if case.citizenship else None
    record["citizenship"] = citizenship.iso3 if citizenship else None
    record["citizenship_region"] = citizenship.region if citizenship else None
    exploitation = countries(case.exploitation_country) if case.exploitation_country else None
    record["country_of_exploitation"] = exploitation.iso3 if exploitation else None
    record["exploitation_region"] = exploitation.region if exploitation else None

    _set_group(record, ctdc.MEANS_OF_CONTROL.fields, CONTROL, case.control_methods)
    if case.control_methods:
        record["control_restricts_movement"] = None  # HTCDS has no such value: unknown, not "no"
        record["control_not_specified"] = False
    _set_group(record, ctdc.TYPE_OF_EXPLOIT.fields, EXPLOITATION, case.exploitation_types)
    if case.exploitation_types:
        record["is_sex_and_labour"] = bool(record["is_forced_labour"] and record["is_sexual_exploit"])
    labour_values = list(case.labour_industries)
    if labour_values or record["is_forced_labour"]:
        for field in ctdc.TYPE_OF_LABOUR.fields:
            record[field] = False
        for value in labour_values:
            record[LABOUR.get(value, "labour_other")] = True
        if htcds.ExploitationType.FORCED_BEGGING in case.exploitation_types:
            record["labour_begging"] = True
        if not labour_values and not record["labour_begging"]:
            record["labour_not_specified"] = True
    _set_group(record, ctdc.TYPE_OF_SEX.fields, SEX, case.sex_exploitation_types)

    relations = [case.relationship_to_trafficker] if case.relationship_to_trafficker else []
    perpetrator_list = list(perpetrators)
    relations += [p.relationship for p in perpetrator_list if p.relationship]
    _set_group(record, ctdc.RECRUITER_RELATION.fields, RECRUITER, relations)

    if perpetrator_list:
        roles = {role for p in perpetrator_list for role in p.roles}
        for field, wanted in ROLE_FLAGS.items():
            record[field] = bool(roles & wanted) if roles else None
        record["is_abduction"] = htcds.PerpetratorRole.KIDNAPPER in roles if roles else None
        record["ip_gender"] = _joined(
            GENDER.get(p.gender) if GENDER.get(p.gender) in ("Female", "Male") else None
            for p in perpetrator_list
        )
        record["ip_age_broad"] = _joined(ctdc.perpetrator_age_band(p.age) for p in perpetrator_list)
        regions = []
        for perpetrator in perpetrator_list:
            info = countries(perpetrator.citizenship) if perpetrator.citizenship else None
            regions.append(ctdc.vp_region(info.region) if info else None)
        record["ip_citizen_region"] = _joined(regions)
    record["ip_relation"] = _joined(VP_RELATION.get(value) for value in relations)
    return ctdc.complete(record)
