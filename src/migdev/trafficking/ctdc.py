"""Harmonised analytic records in CTDC terms, and the three CTDC file codings.

CTDC (the Counter Trafficking Data Collaborative) has published three schemas:

* ``ctdc-global``: the k-anonymised Global Dataset (2017-2021), 63 columns, ``-99`` (or ``Unknown`` for
  hotline rows) for missing, flags ``0/1/-99``, ISO 3166-1 alpha-2 countries;
* ``ctdc-synthetic``: the Global Synthetic Dataset (2021-2025), 27 columns, blank for missing, flags ``1``
  or blank, ISO alpha-3 countries, merged means of control;
* ``ctdc-vp``: the Global Victim-Perpetrator Synthetic Dataset (Dec 2022), 16 columns, year periods and
  UN regions instead of years and countries, ``;``-joined multi-values.

A harmonised record is a ``dict`` keyed by the field names below (which are also the columns of
:class:`migdev.trafficking.models.AnalyticRecord`). ``None`` always means "not recorded"; an explicit
"Unknown" answer is kept as ``"Unknown"`` where CTDC has one.

The ``*Concatenated`` columns of the Global Dataset are not read: they are derived from the flags, and
are written back from them.
"""

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

Record = dict[str, Any]

AGE_BANDS: tuple[str, ...] = (
    "0--8",
    "9--17",
    "18--20",
    "21--23",
    "24--26",
    "27--29",
    "30--38",
    "39--47",
    "48+",
)
MINOR_AGE_BANDS = frozenset({"0--8", "9--17"})
PERPETRATOR_AGE_BANDS: tuple[str, ...] = ("0--29", "30--38", "39--47", "48+")
YEAR_PERIODS: tuple[tuple[str, int, int], ...] = (
    ("2005-2013", 2005, 2013),
    ("2014-2018", 2014, 2018),
    ("2019", 2019, 2019),
    ("2020", 2020, 2020),
    ("2021-2022", 2021, 2022),
)
GENDERS: tuple[str, ...] = ("Female", "Male", "TransgenderNonConforming", "Unknown")
MAJORITY: tuple[str, ...] = ("Adult", "Minor", "Unknown")
DATA_SOURCES: tuple[str, ...] = ("Case management", "Hotline")
TRAFFICK_MONTHS: tuple[str, ...] = ("0--12", "13--24", "25+")
# UN M49 regions; the VP data set merges the two smallest ones.
REGIONS: tuple[str, ...] = ("Africa", "Americas", "Asia", "Europe", "Oceania", "Americas/Oceania")
VP_REGION_MERGE = {"Americas": "Americas/Oceania", "Oceania": "Americas/Oceania"}

# CTDC country codes that mean "unknown", and retired codes CTDC still carries, mapped to today's.
UNKNOWN_COUNTRY_CODES = frozenset({"", "ZZ", "ZZZ", "00", "0", "-99", "UNKNOWN"})
RETIRED_COUNTRY_CODES = {
    "YU": "SRB",
    "CS": "SRB",
    "SCG": "SRB",
    "ZR": "COD",
    "ZAR": "COD",
    "TP": "TLS",
    "AN": "CUW",
}


@dataclass(frozen=True)
class Flag:
    field: str  # harmonised field / model column
    term: str  # CTDC column name
    label: Promise
    concat_label: str  # the spelling CTDC uses in ``*Concatenated`` columns


@dataclass(frozen=True)
class FlagGroup:
    """A multi-valued variable coded as one 0/1 column per value."""

    name: str
    label: Promise
    flags: tuple[Flag, ...]
    concatenated_term: str = ""

    @property
    def fields(self) -> tuple[str, ...]:
        return tuple(flag.field for flag in self.flags)


def _flags(prefix: str, field_prefix: str, items: Iterable[tuple[str, Promise, str]]) -> tuple[Flag, ...]:
    result = []
    for suffix, label, concat in items:
        snake = "".join(f"_{c.lower()}" if c.isupper() else c for c in suffix).lstrip("_")
        result.append(Flag(f"{field_prefix}{snake}", f"{prefix}{suffix}", label, concat))
    return tuple(result)


MEANS_OF_CONTROL = FlagGroup(
    "means_of_control",
    _("Means of control"),
    _flags(
        "meansOfControl",
        "control_",
        [
            ("DebtBondage", _("Debt bondage"), "Debt bondage"),
            ("TakesEarnings", _("Takes earnings"), "Takes earnings"),
            ("RestrictsFinancialAccess", _("Restricts financial access"), "Restricts financial access"),
            ("Threats", _("Threats"), "Threats"),
            ("PsychologicalAbuse", _("Psychological abuse"), "Psychological abuse"),
            ("PhysicalAbuse", _("Physical abuse"), "Physical abuse"),
            ("SexualAbuse", _("Sexual abuse"), "Sexual abuse"),
            ("FalsePromises", _("False promises"), "False promises"),
            ("PsychoactiveSubstances", _("Psychoactive substances"), "Psychoactive substances"),
            ("RestrictsMovement", _("Restricts movement"), "Restricts movement"),
            ("RestrictsMedicalCare", _("Restricts medical care"), "Restricts medical care"),
            ("ExcessiveWorkingHours", _("Excessive working hours"), "Excessive working hours"),
            ("UsesChildren", _("Uses children"), "Uses children"),
            ("ThreatOfLawEnforcement", _("Threat of law enforcement"), "Threat of law enforcement"),
            ("WithholdsNecessities", _("Withholds necessities"), "Withholds necessities"),
            ("WithholdsDocuments", _("Withholds documents"), "Withholds documents"),
            ("Other", _("Other"), "Other"),
            ("NotSpecified", _("Not specified"), "Not specified"),
        ],
    ),
    "meansOfControlConcatenated",
)

# The synthetic data sets merge the means of control (codebook v2024, appendix II).
MEANS_MERGED = FlagGroup(
    "means_merged",
    _("Means of control (merged)"),
    _flags(
        "means",
        "means_",
        [
            ("DebtBondageEarnings", _("Debt bondage or takes earnings"), "Debt bondage or earnings"),
            ("Threats", _("Threats"), "Threats"),
            ("AbusePsyPhySex", _("Psychological, physical or sexual abuse"), "Abuse"),
            ("FalsePromises", _("False promises"), "False promises"),
            ("DrugsAlcohol", _("Drugs or alcohol"), "Drugs or alcohol"),
            ("DenyBasicNeeds", _("Denies basic needs"), "Denies basic needs"),
            ("ExcessiveWorkHours", _("Excessive working hours"), "Excessive working hours"),
            ("WithholdDocs", _("Withholds documents"), "Withholds documents"),
        ],
    ),
)
MEANS_MERGE_RULES: dict[str, tuple[str, ...]] = {
    "means_debt_bondage_earnings": ("control_debt_bondage", "control_takes_earnings"),
    "means_threats": ("control_threats", "control_uses_children", "control_threat_of_law_enforcement"),
    "means_abuse_psy_phy_sex": (
        "control_psychological_abuse",
        "control_physical_abuse",
        "control_sexual_abuse",
    ),
    "means_false_promises": ("control_false_promises",),
    "means_drugs_alcohol": ("control_psychoactive_substances",),
    "means_deny_basic_needs": (
        "control_restricts_financial_access",
        "control_restricts_movement",
        "control_restricts_medical_care",
        "control_withholds_necessities",
    ),
    "means_excessive_work_hours": ("control_excessive_working_hours",),
    "means_withhold_docs": ("control_withholds_documents",),
}

TYPE_OF_EXPLOIT = FlagGroup(
    "type_of_exploit",
    _("Type of exploitation"),
    (
        Flag("is_forced_labour", "isForcedLabour", _("Forced labour"), "Forced labour"),
        Flag("is_sexual_exploit", "isSexualExploit", _("Sexual exploitation"), "Sexual exploitation"),
        Flag("is_other_exploit", "isOtherExploit", _("Other exploitation"), "Other"),
        Flag(
            "is_sex_and_labour",
            "isSexAndLabour",
            _("Combined sexual and labour exploitation"),
            "Combined sexual and labour exploitation",
        ),
        Flag("is_forced_marriage", "isForcedMarriage", _("Forced marriage"), "Forced marriage"),
        Flag("is_forced_military", "isForcedMilitary", _("Forced military"), "Forced military"),
        Flag("is_organ_removal", "isOrganRemoval", _("Organ removal"), "Organ removal"),
        Flag(
            "is_slavery_and_practices",
            "isSlaveryAndPractices",
            _("Slavery and similar practices"),
            "Slavery and similar practices",
        ),
    ),
    "typeOfExploitConcatenated",
)

TYPE_OF_LABOUR = FlagGroup(
    "type_of_labour",
    _("Type of forced labour"),
    _flags(
        "typeOfLabour",
        "labour_",
        [
            ("Agriculture", _("Agriculture"), "Agriculture"),
            ("Aquafarming", _("Aquafarming"), "Aquafarming"),
            ("Begging", _("Begging"), "Begging"),
            ("Construction", _("Construction"), "Construction"),
            ("DomesticWork", _("Domestic work"), "Domestic work"),
            ("Hospitality", _("Hospitality"), "Hospitality"),
            ("IllicitActivities", _("Illicit activities"), "Illicit activities"),
            ("Manufacturing", _("Manufacturing"), "Manufacturing"),
            ("MiningOrDrilling", _("Mining or drilling"), "Mining or drilling"),
            ("Peddling", _("Peddling"), "Peddling"),
            ("Transportation", _("Transportation"), "Transportation"),
            ("Other", _("Other"), "Other"),
            ("NotSpecified", _("Not specified"), "Not specified"),
        ],
    ),
    "typeOfLabourConcatenated",
)

TYPE_OF_SEX = FlagGroup(
    "type_of_sex",
    _("Type of sexual exploitation"),
    _flags(
        "typeOfSex",
        "sex_",
        [
            ("Prostitution", _("Prostitution"), "Prostitution"),
            ("Pornography", _("Pornography"), "Pornography"),
            ("RemoteInteractiveServices", _("Remote interactive services"), "Remote interactive services"),
            ("PrivateSexualServices", _("Private sexual services"), "Private sexual services"),
        ],
    ),
    "typeOfSexConcatenated",
)

RECRUITER_RELATION = FlagGroup(
    "recruiter_relation",
    _("Relation to the recruiter"),
    _flags(
        "recruiterRelation",
        "recruiter_",
        [
            ("IntimatePartner", _("Intimate partner"), "Intimate partner"),
            ("Friend", _("Friend"), "Friend"),
            ("Family", _("Family"), "Family"),
            ("Other", _("Other"), "Other"),
            ("Unknown", _("Unknown"), "Unknown"),
        ],
    ),
)

PERPETRATOR_ROLE = FlagGroup(
    "perpetrator_role",
    _("Role of the perpetrators"),
    (
        Flag("ip_exploiter", "IP_Exploiter", _("Exploiter"), "Exploiter"),
        Flag("ip_recruiter_broker", "IP_RecruiterBroker", _("Recruiter or broker"), "Recruiter or broker"),
        Flag(
            "ip_transaction_process",
            "IP_TransactionProcess",
            _("Transaction (sale, transfer, harbouring)"),
            "Transaction",
        ),
        Flag(
            "ip_control_abuse_kidnap",
            "IP_ControlAbuseKidnap",
            _("Control, abuse or kidnapping"),
            "Control, abuse or kidnapping",
        ),
    ),
)

FLAG_GROUPS: tuple[FlagGroup, ...] = (
    MEANS_OF_CONTROL,
    MEANS_MERGED,
    TYPE_OF_EXPLOIT,
    TYPE_OF_LABOUR,
    TYPE_OF_SEX,
    RECRUITER_RELATION,
    PERPETRATOR_ROLE,
)
FLAG_GROUP_BY_NAME = {group.name: group for group in FLAG_GROUPS}
ALL_FLAGS: tuple[Flag, ...] = tuple(flag for group in FLAG_GROUPS for flag in group.flags)
OTHER_FLAGS: tuple[Flag, ...] = (Flag("is_abduction", "isAbduction", _("Abduction"), "Abduction"),)

# Single-valued (categorical) harmonised fields, with their labels.
CATEGORY_FIELDS: dict[str, Promise] = {
    "year_of_registration": _("Year of registration"),
    "registration_period": _("Period of registration"),
    "data_source": _("Data source"),
    "gender": _("Gender"),
    "age_broad": _("Age band"),
    "majority_status": _("Majority status"),
    "majority_status_at_exploit": _("Majority status at exploitation"),
    "majority_entry": _("Majority status at entry"),
    "citizenship": _("Citizenship"),
    "citizenship_region": _("Region of citizenship"),
    "country_of_exploitation": _("Country of exploitation"),
    "exploitation_region": _("Region of exploitation"),
    "traffick_months": _("Months in trafficking"),
    # ``;``-joined value sets, as in the VP data set.
    "ip_gender": _("Gender of perpetrators"),
    "ip_age_broad": _("Age of perpetrators"),
    "ip_citizen_region": _("Region of citizenship of perpetrators"),
    "ip_relation": _("Relation to perpetrators"),
    "ip_pay_money": _("Perpetrators paid money"),
}
FIELDS: tuple[str, ...] = (
    *CATEGORY_FIELDS,
    *(flag.field for flag in ALL_FLAGS),
    *(flag.field for flag in OTHER_FLAGS),
)
# Per multi-valued group, the values recorded "yes" as bits (bit i = the group's i-th flag). Derived by
# :func:`complete`; it lets the database count a whole group with one small GROUP BY.
MASK_FIELDS: dict[str, str] = {group.name: f"mask_{group.name}" for group in FLAG_GROUPS}


def empty_record() -> Record:
    record: Record = dict.fromkeys(FIELDS)
    record.update(dict.fromkeys(MASK_FIELDS.values(), 0))
    return record


def group_mask(record: Mapping[str, Any], group: FlagGroup) -> int:
    return sum(1 << position for position, flag in enumerate(group.flags) if record.get(flag.field) is True)


def mask_flags(group: FlagGroup, mask: int) -> list[str]:
    return [flag.field for position, flag in enumerate(group.flags) if mask >> position & 1]


# --- derived values ------------------------------------------------------------------------------------


def age_band(age: int | None) -> str | None:
    if age is None or age < 0:
        return None
    for band, upper in zip(AGE_BANDS, (8, 17, 20, 23, 26, 29, 38, 47), strict=False):
        if age <= upper:
            return band
    return "48+"


def perpetrator_age_band(age: int | None) -> str | None:
    if age is None or age < 0:
        return None
    for band, upper in zip(PERPETRATOR_AGE_BANDS, (29, 38, 47), strict=False):
        if age <= upper:
            return band
    return "48+"


def majority_for_band(band: str | None) -> str | None:
    if band is None:
        return None
    return "Minor" if band in MINOR_AGE_BANDS else "Adult"


def majority_for_age(age: int | None) -> str | None:
    if age is None or age < 0:
        return None
    return "Minor" if age < 18 else "Adult"


def period_for_year(year: int | None) -> str | None:
    """CTDC's registration periods (VP data set); years outside them get periods of the same style."""
    if year is None:
        return None
    for label, first, last in YEAR_PERIODS:
        if first <= year <= last:
            return label
    if year < YEAR_PERIODS[0][1]:
        return f"-{YEAR_PERIODS[0][1] - 1}"
    start = year - (year - 2023) % 2
    return f"{start}-{start + 1}"


def merge_flags(values: Iterable[bool | None]) -> bool | None:
    """True if any is True, False if some are False and none True, None if none is recorded."""
    seen_false = False
    for value in values:
        if value is True:
            return True
        if value is False:
            seen_false = True
    return False if seen_false else None


def complete(record: Record) -> Record:
    """Fill the fields that follow from others (merged means, majority, period) where they are empty."""
    for merged, parts in MEANS_MERGE_RULES.items():
        if any(record.get(part) is not None for part in parts):
            record[merged] = merge_flags(record.get(part) for part in parts)
    if record.get("majority_status") is None and record.get("age_broad"):
        record["majority_status"] = majority_for_band(record["age_broad"])
    if record.get("registration_period") is None and record.get("year_of_registration") is not None:
        record["registration_period"] = period_for_year(record["year_of_registration"])
    for group in FLAG_GROUPS:
        record[MASK_FIELDS[group.name]] = group_mask(record, group)
    return record


def concatenated(record: Mapping[str, Any], group: FlagGroup) -> str | None:
    labels = sorted(flag.concat_label for flag in group.flags if record.get(flag.field) is True)
    if labels:
        return ";".join(labels)
    if any(record.get(flag.field) is False for flag in group.flags):
        return ""
    return None


# --- reading CTDC files --------------------------------------------------------------------------------


class CellError(ValueError):
    """A cell that does not fit its column's coding; ``column`` names the CTDC column."""

    def __init__(self, column: str, reason: str) -> None:
        super().__init__(f"{column}: {reason}")
        self.column = column
        self.reason = reason


@dataclass(frozen=True)
class CountryInfo:
    iso3: str
    region: str | None  # UN M49 region name (Africa, Americas, Asia, Europe, Oceania)


CountryResolver = Callable[[str], CountryInfo | None]


def resolve_country(code: str, resolver: CountryResolver, column: str) -> CountryInfo | None:
    cleaned = code.strip().upper()
    if cleaned in UNKNOWN_COUNTRY_CODES:
        return None
    cleaned = RETIRED_COUNTRY_CODES.get(cleaned, cleaned)
    info = resolver(cleaned)
    if info is None:
        raise CellError(column, f"{code!r} is not an ISO 3166 country code")
    return info


def _choice(value: str, allowed: Iterable[str], column: str, missing: Iterable[str]) -> str | None:
    value = value.strip()
    if value in missing:
        return None
    if value not in allowed:
        raise CellError(column, f"{value!r} is not one of {', '.join(allowed)}")
    return value


def _flag(value: str, column: str, missing: Iterable[str]) -> bool | None:
    value = value.strip()
    if value in missing:
        return None
    if value in {"1", "1.0", "True", "true"}:
        return True
    if value in {"0", "0.0", "False", "false"}:
        return False
    raise CellError(column, f"{value!r} is not 1, 0 or missing")


def _year(value: str, column: str, missing: Iterable[str]) -> int | None:
    value = value.strip()
    if value in missing:
        return None
    try:
        year = int(float(value))
    except ValueError as error:
        raise CellError(column, f"{value!r} is not a year") from error
    if not 1900 <= year <= 2100:
        raise CellError(column, f"{value!r} is not a plausible year")
    return year


def _multi(value: str, allowed: Iterable[str], column: str) -> str | None:
    parts = [part.strip() for part in value.split(";") if part.strip()]
    if not parts:
        return None
    allowed_set = set(allowed)
    for part in parts:
        if part not in allowed_set:
            raise CellError(column, f"{part!r} is not one of {', '.join(sorted(allowed_set))}")
    return ";".join(sorted(set(parts)))


@dataclass(frozen=True)
class CtdcFormat:
    name: str
    title: Promise
    columns: tuple[str, ...]
    reader: Callable[[Mapping[str, str], CountryResolver], Record]
    # writer(record, iso2_for): iso2_for maps an ISO alpha-3 code to alpha-2 (the Global Dataset's coding)
    # and returns anything else (a region after generalisation) unchanged.
    writer: Callable[[Mapping[str, Any], Callable[[str], str]], dict[str, str]]


# Global k-anonymised data set ----------------------------------------------------------------------------

GLOBAL_MISSING = frozenset({"-99", "", "NA", "nan"})
GLOBAL_COLUMNS: tuple[str, ...] = (
    "yearOfRegistration",
    "Datasource",
    "gender",
    "ageBroad",
    "majorityStatus",
    "majorityStatusAtExploit",
    "majorityEntry",
    "citizenship",
    *(flag.term for flag in MEANS_OF_CONTROL.flags),
    "meansOfControlConcatenated",
    *(flag.term for flag in TYPE_OF_EXPLOIT.flags),
    "typeOfExploitConcatenated",
    *(flag.term for flag in TYPE_OF_LABOUR.flags),
    "typeOfLabourConcatenated",
    *(flag.term for flag in TYPE_OF_SEX.flags),
    "typeOfSexConcatenated",
    "isAbduction",
    "RecruiterRelationship",
    "CountryOfExploitation",
    *(flag.term for flag in RECRUITER_RELATION.flags),
)
GLOBAL_GENDER = {"Female": "Female", "Male": "Male", "Transgender/NonConforming": "TransgenderNonConforming"}


def _global_category(value: str, allowed: Iterable[str], column: str) -> str | None:
    # Hotline rows say "Unknown" where case-management rows say -99; both are "not recorded" except
    # where CTDC lists "Unknown" as an answer (gender, majority status).
    return _choice(value, allowed, column, GLOBAL_MISSING)


def read_global(row: Mapping[str, str], countries: CountryResolver) -> Record:
    record = empty_record()
    record["year_of_registration"] = _year(row["yearOfRegistration"], "yearOfRegistration", GLOBAL_MISSING)
    record["data_source"] = _global_category(row["Datasource"], DATA_SOURCES, "Datasource")
    gender = row["gender"].strip()
    if gender not in GLOBAL_MISSING:
        if gender == "Unknown":
            record["gender"] = "Unknown"
        elif gender in GLOBAL_GENDER:
            record["gender"] = GLOBAL_GENDER[gender]
        else:
            raise CellError("gender", f"{gender!r} is not Female, Male, Transgender/NonConforming or Unknown")
    record["age_broad"] = _choice(row["ageBroad"], AGE_BANDS, "ageBroad", {*GLOBAL_MISSING, "Unknown"})
    for term, field in (
        ("majorityStatus", "majority_status"),
        ("majorityStatusAtExploit", "majority_status_at_exploit"),
        ("majorityEntry", "majority_entry"),
    ):
        record[field] = _global_category(row[term], MAJORITY, term)
    for term, field, region_field in (
        ("citizenship", "citizenship", "citizenship_region"),
        ("CountryOfExploitation", "country_of_exploitation", "exploitation_region"),
    ):
        info = resolve_country(row[term], countries, term)
        record[field] = info.iso3 if info else None
        record[region_field] = info.region if info else None
    flag_missing = {*GLOBAL_MISSING, "Unknown"}
    for group in (MEANS_OF_CONTROL, TYPE_OF_EXPLOIT, TYPE_OF_LABOUR, TYPE_OF_SEX, RECRUITER_RELATION):
        for flag in group.flags:
            record[flag.field] = _flag(row[flag.term], flag.term, flag_missing)
    record["is_abduction"] = _flag(row["isAbduction"], "isAbduction", flag_missing)
    return complete(record)


def _code(value: bool | None, missing: str = "-99") -> str:
    if value is None:
        return missing
    return "1" if value else "0"


def _same(code: str) -> str:
    return code


def write_global(record: Mapping[str, Any], iso2_for: Callable[[str], str] = _same) -> dict[str, str]:
    out: dict[str, str] = {}
    year = record.get("year_of_registration")
    out["yearOfRegistration"] = (
        str(year) if year is not None else (record.get("registration_period") or "-99")
    )
    out["Datasource"] = record.get("data_source") or "-99"
    gender = record.get("gender")
    out["gender"] = {"TransgenderNonConforming": "Transgender/NonConforming"}.get(
        gender or "", gender or "-99"
    )
    out["ageBroad"] = record.get("age_broad") or "-99"
    out["majorityStatus"] = record.get("majority_status") or "-99"
    out["majorityStatusAtExploit"] = record.get("majority_status_at_exploit") or "-99"
    out["majorityEntry"] = record.get("majority_entry") or "-99"
    citizenship = record.get("citizenship")
    out["citizenship"] = iso2_for(citizenship) if citizenship else "-99"
    for group in (MEANS_OF_CONTROL, TYPE_OF_EXPLOIT, TYPE_OF_LABOUR, TYPE_OF_SEX, RECRUITER_RELATION):
        for flag in group.flags:
            out[flag.term] = _code(record.get(flag.field))
        if group.concatenated_term:
            joined = concatenated(record, group)
            out[group.concatenated_term] = "-99" if joined is None else joined
    out["isAbduction"] = _code(record.get("is_abduction"))
    relation = concatenated(record, RECRUITER_RELATION)
    out["RecruiterRelationship"] = "-99" if relation is None else relation
    exploitation = record.get("country_of_exploitation")
    out["CountryOfExploitation"] = iso2_for(exploitation) if exploitation else "-99"
    return {column: out.get(column, "-99") for column in GLOBAL_COLUMNS}


# Global synthetic data set -------------------------------------------------------------------------------

SYNTHETIC_COLUMNS: tuple[str, ...] = (
    "yearOfRegistration",
    "gender",
    "ageBroad",
    "citizenship",
    "CountryOfExploitation",
    "traffickMonths",
    *(flag.term for flag in MEANS_MERGED.flags),
    "isForcedLabour",
    "isSexualExploit",
    "isOtherExploit",
    "typeOfLabourAgriculture",
    "typeOfLabourConstruction",
    "typeOfLabourDomesticWork",
    "typeOfLabourHospitality",
    "typeOfSexProstitution",
    "typeOfSexPornography",
    "recruiterRelationIntimatePartner",
    "recruiterRelationFriend",
    "recruiterRelationFamily",
    "recruiterRelationOther",
)
SYNTHETIC_GENDER = {
    "Woman": "Female",
    "Man": "Male",
    "Trans/Transgender/NonConforming": "TransgenderNonConforming",
}
SYNTHETIC_MISSING = frozenset({"", "NULL", "NA", "nan"})
_FLAG_BY_TERM = {flag.term: flag for flag in ALL_FLAGS}


def read_synthetic(row: Mapping[str, str], countries: CountryResolver) -> Record:
    record = empty_record()
    record["year_of_registration"] = _year(row["yearOfRegistration"], "yearOfRegistration", SYNTHETIC_MISSING)
    gender = row["gender"].strip()
    if gender not in SYNTHETIC_MISSING:
        if gender not in SYNTHETIC_GENDER:
            raise CellError("gender", f"{gender!r} is not Woman, Man or Trans/Transgender/NonConforming")
        record["gender"] = SYNTHETIC_GENDER[gender]
    record["age_broad"] = _choice(row["ageBroad"], AGE_BANDS, "ageBroad", SYNTHETIC_MISSING)
    for term, field, region_field in (
        ("citizenship", "citizenship", "citizenship_region"),
        ("CountryOfExploitation", "country_of_exploitation", "exploitation_region"),
    ):
        info = resolve_country(row[term], countries, term)
        record[field] = info.iso3 if info else None
        record[region_field] = info.region if info else None
    record["traffick_months"] = _choice(
        row["traffickMonths"], TRAFFICK_MONTHS, "traffickMonths", SYNTHETIC_MISSING
    )
    for term in SYNTHETIC_COLUMNS[6:]:
        record[_FLAG_BY_TERM[term].field] = _flag(row[term], term, SYNTHETIC_MISSING)
    record["majority_status"] = majority_for_band(record["age_broad"])
    return complete(record)


def _blank_flag(value: bool | None) -> str:
    return "1" if value is True else ""


def write_synthetic(record: Mapping[str, Any], iso2_for: Callable[[str], str] = _same) -> dict[str, str]:
    record = complete(dict(record))
    out: dict[str, str] = {}
    year = record.get("year_of_registration")
    out["yearOfRegistration"] = str(year) if year is not None else (record.get("registration_period") or "")
    gender = record.get("gender")
    out["gender"] = {value: key for key, value in SYNTHETIC_GENDER.items()}.get(gender or "", "")
    out["ageBroad"] = record.get("age_broad") or ""
    out["citizenship"] = record.get("citizenship") or ""
    out["CountryOfExploitation"] = record.get("country_of_exploitation") or ""
    out["traffickMonths"] = record.get("traffick_months") or ""
    for term in SYNTHETIC_COLUMNS[6:]:
        out[term] = _blank_flag(record.get(_FLAG_BY_TERM[term].field))
    return out


# Victim-perpetrator synthetic data set -------------------------------------------------------------------

VP_COLUMNS: tuple[str, ...] = (
    "yearRegister",
    "gender",
    "majorityStatus",
    "isForcedLabour",
    "isSexualExploit",
    "UN_COO_Region",
    "UN_COE_Region",
    "IP_Exploiter",
    "IP_Gender",
    "IP_ageBroad",
    "IP_citizen_UNRegion",
    "IP_Relation",
    "IP_PayMoney",
    "IP_RecruiterBroker",
    "IP_TransactionProcess",
    "IP_ControlAbuseKidnap",
)
VP_REGIONS = ("Africa", "Asia", "Europe", "Americas/Oceania")
VP_RELATIONS = ("FamilyIntimatePartner", "FriendAcquaintance", "StrangerUnknownOther")
VP_MISSING = frozenset({""})


def read_vp(row: Mapping[str, str], countries: CountryResolver) -> Record:
    record = empty_record()
    record["registration_period"] = _choice(
        row["yearRegister"], [label for label, _first, _last in YEAR_PERIODS], "yearRegister", VP_MISSING
    )
    record["gender"] = _choice(row["gender"], ("Female", "Male"), "gender", VP_MISSING)
    record["majority_status"] = _choice(
        row["majorityStatus"], ("Adult", "Minor"), "majorityStatus", VP_MISSING
    )
    record["is_forced_labour"] = _flag(row["isForcedLabour"], "isForcedLabour", VP_MISSING)
    record["is_sexual_exploit"] = _flag(row["isSexualExploit"], "isSexualExploit", VP_MISSING)
    record["citizenship_region"] = _choice(row["UN_COO_Region"], VP_REGIONS, "UN_COO_Region", VP_MISSING)
    record["exploitation_region"] = _choice(row["UN_COE_Region"], VP_REGIONS, "UN_COE_Region", VP_MISSING)
    record["ip_gender"] = _multi(row["IP_Gender"], ("Female", "Male"), "IP_Gender")
    record["ip_age_broad"] = _multi(row["IP_ageBroad"], PERPETRATOR_AGE_BANDS, "IP_ageBroad")
    record["ip_citizen_region"] = _multi(row["IP_citizen_UNRegion"], VP_REGIONS, "IP_citizen_UNRegion")
    record["ip_relation"] = _multi(row["IP_Relation"], VP_RELATIONS, "IP_Relation")
    record["ip_pay_money"] = _multi(row["IP_PayMoney"], ("No", "Yes"), "IP_PayMoney")
    for flag in PERPETRATOR_ROLE.flags:
        record[flag.field] = _flag(row[flag.term], flag.term, VP_MISSING)
    return complete(record)


def vp_region(region: str | None) -> str:
    if not region:
        return ""
    return VP_REGION_MERGE.get(region, region)


def write_vp(record: Mapping[str, Any], iso2_for: Callable[[str], str] = _same) -> dict[str, str]:
    period = record.get("registration_period") or period_for_year(record.get("year_of_registration")) or ""
    out = {
        "yearRegister": period,
        "gender": record.get("gender") if record.get("gender") in ("Female", "Male") else "",
        "majorityStatus": record.get("majority_status")
        if record.get("majority_status") in ("Adult", "Minor")
        else "",
        "isForcedLabour": _blank_flag(record.get("is_forced_labour")),
        "isSexualExploit": _blank_flag(record.get("is_sexual_exploit")),
        "UN_COO_Region": vp_region(record.get("citizenship_region")),
        "UN_COE_Region": vp_region(record.get("exploitation_region")),
        "IP_Gender": record.get("ip_gender") or "",
        "IP_ageBroad": record.get("ip_age_broad") or "",
        "IP_citizen_UNRegion": record.get("ip_citizen_region") or "",
        "IP_Relation": record.get("ip_relation") or "",
        "IP_PayMoney": record.get("ip_pay_money") or "",
    }
    for flag in PERPETRATOR_ROLE.flags:
        out[flag.term] = _blank_flag(record.get(flag.field))
    return {column: str(out.get(column) or "") for column in VP_COLUMNS}


FORMATS: dict[str, CtdcFormat] = {
    "ctdc-global": CtdcFormat(
        "ctdc-global", _("CTDC Global Dataset (k-anonymised)"), GLOBAL_COLUMNS, read_global, write_global
    ),
    "ctdc-synthetic": CtdcFormat(
        "ctdc-synthetic",
        _("CTDC Global Synthetic Dataset"),
        SYNTHETIC_COLUMNS,
        read_synthetic,
        write_synthetic,
    ),
    "ctdc-vp": CtdcFormat(
        "ctdc-vp", _("CTDC Global Victim-Perpetrator Synthetic Dataset"), VP_COLUMNS, read_vp, write_vp
    ),
}


def detect_format(header: Iterable[str]) -> CtdcFormat | None:
    """The format whose columns the header has (extra columns allowed), most specific first."""
    names = {column.strip() for column in header}
    for name in ("ctdc-global", "ctdc-synthetic", "ctdc-vp"):
        if set(FORMATS[name].columns) <= names:
            return FORMATS[name]
    return None
