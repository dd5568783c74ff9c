"""HTCDS 2.0 value lists as Django choices, with labels marked for translation.

The authoritative copy is ``data/htcds_value_lists.json`` (extracted from the IOM standard, CC BY 4.0,
"Human Trafficking Case Data Standard (HTCDS), IOM, CC BY 4.0"); a test keeps these classes equal to it.
The classes exist so the labels are literal strings that ``makemessages`` can collect.
"""

import json
from functools import cache
from importlib import resources
from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _


class OrganisationType(models.TextChoices):
    """HTCDS ``org_Type``."""

    NGO = "NGO", _("NGO")
    LAW_ENFORCEMENT = "LawEnforcement", _("Law Enforcement")
    HEALTH_SERVICE_ORGANISATION = "HealthServiceOrganisation", _("Health Service Organisation")
    CENTRAL_GOVERNMENT_ORGANISATION = "CentralGovernmentOrganisation", _("Central Government Organisation")
    LOCAL_GOVERNMENT_ORGANISATION = "LocalGovernmentOrganisation", _("Local Government Organisation")
    IMMIGRATION_SERVICE = "ImmigrationService", _("Immigration Service")
    LEGAL_SERVICE = "LegalService", _("Legal Service")
    CORPORATE_BUSINESS = "CorporateBusiness", _("Corporate Business")
    SCHOOL_OR_COLLEGE = "SchoolOrCollege", _("School or College")


class Gender(models.TextChoices):
    """HTCDS ``prs_Gender``."""

    FEMININE = "Feminine", _("Feminine")
    MASCULINE = "Masculine", _("Masculine")
    TRANSGENDER_FEMININE = "TransgenderFeminine", _("Transgender Feminine")
    TRANSGENDER_MASCULINE = "TransgenderMasculine", _("Transgender Masculine")
    NON_CONFORMING = "NonConforming", _("Non-Conforming")
    NON_SPECIFIED_UNKNOWN = "NonSpecifiedUnknown", _("Not Specified/Unknown")


class MaritalStatus(models.TextChoices):
    """HTCDS ``prs_MaritalStatus``."""

    SINGLE = "Single", _("Single")
    MARRIED = "Married", _("Married")
    WIDOWED = "Widowed", _("Widowed")
    DIVORCED = "Divorced", _("Divorced")
    SEPARATED = "Separated", _("Separated")
    REGISTERED_PARTNERSHIP = "RegisteredPartnership", _("Registered Partnership")


class EducationLevel(models.TextChoices):
    """HTCDS ``prs_HighestLevelOfEducation``."""

    EARLY_CHILDHOOD_EDUCATION = "EarlyChildhoodEducation", _("Early Childhood Education")
    PRIMARY_EDUCATION = "PrimaryEducation", _("Primary Education")
    LOWER_SECONDARY_EDUCATION = "LowerSecondaryEducation", _("Lower Secondary Education")
    UPPER_SECONDARY_EDUCATION = "UpperSecondaryEducation", _("Upper Secondary Education")
    POST_SECONDARY_NON_TERTIARY_EDUCATION = (
        "PostSecondaryNonTertiaryEducation",
        _("Post-secondary Non-tertiary Education"),
    )
    SHORT_CYCLE_TERTIARY_EDUCATION = "ShortCycleTertiaryEducation", _("Short-cycle Tertiary Education")
    BACHELORS_OR_EQUIVALENT_LEVEL = "BachelorsOrEquivalentLevel", _("Bachelor’s or Equivalent Level")
    MASTERS_OR_EQUIVALENT_LEVEL = "MastersOrEquivalentLevel", _("Master’s or Equivalent Level")
    DOCTORAL_OR_EQUIVALENT_LEVEL = "DoctoralOrEquivalentLevel", _("Doctoral or Equivalent Level")


class TraffickingStatus(models.TextChoices):
    """HTCDS ``vic_TraffickingStatus``."""

    POSSIBLE_VICTIM_OF_TRAFFICKING = "PossibleVictimOfTrafficking", _("Possible victim of trafficking")
    ACTUAL_VICTIM_OF_TRAFFICKING = "ActualVictimOfTrafficking", _("Actual victim of trafficking")
    NOT_A_VICTIM_OF_TRAFFICKING = "NotAVictimOfTrafficking", _("Not a victim of trafficking")


class StatusDecisionOrganisation(models.TextChoices):
    """HTCDS ``vic_TraffickingStatusDecisionMakingOrg``."""

    POLICE = "Police", _("Police")
    NGO = "NGO", _("NGO")
    COURT_OR_PROSECUTION = "CourtOrProsecution", _("Court or prosecution")
    NON_POLICE_GOVERNMENTAL_ORGANIZATION = (
        "NonPoliceGovernmentalOrganization",
        _("Non-police governmental organization"),
    )
    OTHER = "Other", _("Other")


class RelationshipToTrafficker(models.TextChoices):
    """HTCDS ``vic_RelationshipToTrafficker``."""

    FAMILIAL = "Familial", _("Familial")
    ACQUAINTED = "Acquainted", _("Acquainted")
    UNAQUAINTED = "Unaquainted", _("Unaquainted")


class OnlinePlatform(models.TextChoices):
    """HTCDS ``vic_RecruitmentWebsitesAndApps``."""

    FACEBOOK = "Facebook", _("Facebook")
    INSTAGRAM = "Instagram", _("Instagram")
    WHATS_APP = "WhatsApp", _("WhatsApp")
    TELEGRAM = "Telegram", _("Telegram")
    FACEBOOK_MESSENGER = "FacebookMessenger", _("Facebook Messenger")
    VIBER = "Viber", _("Viber")
    SNAP_CHAT = "SnapChat", _("SnapChat")
    LINE = "Line", _("Line")
    FOUR_SALE = "4Sale", _("4Sale")
    WE_CHAT = "WeChat", _("WeChat")
    QQ = "QQ", _("QQ")
    Q_ZONE = "QZone", _("QZone")
    TIK_TOK = "TikTok", _("TikTok")
    TWITTER = "Twitter", _("Twitter")
    OTHER = "Other", _("Other")


class RecruitmentMethod(models.TextChoices):
    """HTCDS ``vic_MethodOfRecruitment``."""

    AT_A_PLACE_OF_BUSINESS = "AtAPlaceOfBusiness", _("At a place of business")
    AT_AN_EDUCATIONAL_INSTITUTION = "AtAnEducationalInstitution", _("At an educational institution")
    AT_WORK = "AtWork", _("At work")
    THROUGH_ONLINE_SOCIAL_NETWORKS = "ThroughOnlineSocialNetworks", _("Through online social networks")
    THROUGH_AN_ONLINE_ADVERTISEMENT = "ThroughAnOnlineAdvertisement", _("Through an online advertisement")
    THROUGH_A_TELEVISION_ADVERT = "ThroughATelevisionAdvert", _("Through a television advert")
    THROUGH_A_NEWSPAPER_ADVERT = "ThroughANewspaperAdvert", _("Through a newspaper advert")
    THROUGH_FAMILY_OR_FAMILY_EVENTS = "ThroughFamilyOrFamilyEvents", _("Through family or family events")
    THROUGH_FRIENDS_OR_SOCIAL_EVENTS = "ThroughFriendsOrSocialEvents", _("Through friends or social events")
    OTHER = "Other", _("Other")


class ControlMethod(models.TextChoices):
    """HTCDS ``vic_MethodsOfControl``."""

    PHYSICAL_THREATS = "PhysicalThreats", _("Physical threats")
    THREATS_LAW_ENFORCEMENT = "ThreatsLawEnforcement", _("Threats of law enforcement")
    THREATENS_CHILDREN_FAMILY = "ThreatensChildrenFamily", _("Threatens children/family")
    DEBT_BONDAGE = "DebtBondage", _("Debt bondage")
    FALSE_PROMISES = "FalsePromises", _("False promises")
    PHYSICAL_ABUSE = "PhysicalAbuse", _("Physical abuse")
    SEXUAL_ABUSE = "SexualAbuse", _("Sexual abuse")
    TAKES_EARNINGS = "TakesEarnings", _("Takes earnings")
    RESTRICTS_FINANCIAL_ACCESS = "RestrictsFinancialAccess", _("Restricts financial access")
    RESTRICTS_MEDICAL_CARE = "RestrictsMedicalCare", _("Restricts medical care")
    WITHHOLDS_NECESSITIES = "WithholdsNecessities", _("Withholds necessities")
    PSYCHOLOGICAL_ABUSE = "PsychologicalAbuse", _("Psychological abuse")
    PSYCHOACTIVE_SUBSTANCE = "PsychoactiveSubstance", _("Psychoactive substance")
    EXCESSIVE_WORKING_HOURS = "ExcessiveWorkingHours", _("Excessive working hours")
    WITHHOLDS_DOCUMENTS = "WithholdsDocuments", _("Withholds documents")
    OTHER = "Other", _("Other")


class ExploitationType(models.TextChoices):
    """HTCDS ``vic_TypeOfExploitation``."""

    FORCED_LABOUR = "ForcedLabour", _("Forced labour")
    SEXUAL_EXPLOITATION = "SexualExploitation", _("Sexual exploitation")
    CHILD_LABOUR = "ChildLabour", _("Child labour")
    FORCED_MARRIAGE = "ForcedMarriage", _("Forced marriage")
    SERVITUDE = "Servitude", _("Servitude")
    FORCED_MILITARY_BY_NON_STATE_ACTORS = (
        "ForcedMilitaryByNonStateActors",
        _("Forced military (by non-state actors)"),
    )
    ORGAN_REMOVAL = "OrganRemoval", _("Organ removal")
    FORCED_BEGGING = "ForcedBegging", _("Forced begging")
    FORCED_ADOPTION = "ForcedAdoption", _("Forced adoption")
    SURROGACY = "Surrogacy", _("Surrogacy")
    OTHER = "Other", _("Other")


class LabourIndustry(models.TextChoices):
    """HTCDS ``vic_ForcedLabourIndustry``."""

    AGRICULTURE_FORESTRY_AND_FISHING = (
        "A_AgricultureForestryAndFishing",
        _("Agriculture, forestry and fishing"),
    )
    MINING_AND_QUARRYING = "B_MiningAndQuarrying", _("Mining and quarrying")
    MANUFACTURING = "C_Manufacturing", _("Manufacturing")
    ELECTRICITY_GAS_STEAM_AND_AIR_CONDITIONING_SUPPLY = (
        "D_ElectricityGasSteamAndAirConditioningSupply",
        _("Electricity, gas, steam and air conditioning supply"),
    )
    WATER_SUPPLY_SEWERAGE_WASTE_MANAGEMENT = (
        "E_WaterSupplySewerageWasteManagement",
        _("Water supply; sewerage, waste management and remediation"),
    )
    CONSTRUCTION = "F_Construction", _("Construction")
    WHOLESALE_AND_RETAIL_TRADE_REPAIR_OF_MOTOR_VEHICLES = (
        "G_WholesaleAndRetailTradeRepairOfMotorVehicles",
        _("Wholesale and retail trade; repair of motor vehicles and motorcycles"),
    )
    TRANSPORTATION_AND_STORAGE = "H_TransportationAndStorage", _("Transportation and storage")
    ACCOMMODATION_AND_FOOD_SERVICE_ACTIVITIES = (
        "I_AccommodationAndFoodServiceActivities",
        _("Accommodation and food service activities"),
    )
    INFORMATION_AND_COMMUNICATION = "J_InformationAndCommunication", _("Information and communication")
    FINANCIAL_AND_INSURANCE_ACTIVITIES = (
        "K_FinancialAndInsuranceActivities",
        _("Financial and insurance activities"),
    )
    REAL_ESTATE_ACTIVITIES = "L_RealEstateActivities", _("Real estate activities")
    PROFESSIONAL_SCIENTIFIC_AND_TECHNICAL_ACTIVITIES = (
        "M_ProfessionalScientificAndTechnicalActivities",
        _("Professional, scientific and technical activities"),
    )
    ADMINISTRATIVE_AND_SUPPORT_SERVICE_ACTIVITIES = (
        "N_AdministrativeAndSupportServiceActivities",
        _("Administrative and support service activities"),
    )
    PUBLIC_ADMINISTRATION_AND_DEFENCE = (
        "O_PublicAdministrationAndDefence",
        _("Public administration and defence; compulsory social security"),
    )
    EDUCATION = "P_Education", _("Education")
    HUMAN_HEALTH_AND_SOCIAL_WORK_ACTIVITIES = (
        "Q_HumanHealthAndSocialWorkActivities",
        _("Human health and social work activities"),
    )
    ARTS_ENTERTAINMENT_AND_RECREATION = (
        "R_ArtsEntertainmentAndRecreation",
        _("Arts, entertainment and recreation"),
    )
    OTHER_SERVICE_ACTIVITIES = "S_OtherServiceActivities", _("Other service activities")
    ACTIVITIES_OF_HOUSEHOLDS_AS_EMPLOYERS = (
        "T_ActivitiesOfHouseholdsAsEmployers",
        _(
            "Activities of households as employers; undifferentiated goods- and services- producing activities of households for own use"
        ),
    )
    ACTIVITIES_OF_EXTRATERRITORIAL_ORGANIZATIONS = (
        "U_ActivitiesOfExtraterritorialOrganizations",
        _("Activities of extraterritorial organizations and bodies"),
    )


class SexExploitationType(models.TextChoices):
    """HTCDS ``vic_TypeOfSexExploitation``."""

    PROSTITUTION = "Prostitution", _("Prostitution")
    PORNOGRAPHY = "Pornography", _("Pornography")
    REMOTE_INTERACTIVE_SERVICES = "RemoteInteractiveServices", _("Remote Interactive Services")
    PRIVATE_SEXUAL_SERVICES = "PrivateSexualServices", _("Private Sexual Services")


class Vulnerability(models.TextChoices):
    """HTCDS ``vic_Vulnerabilities``."""

    ADDICTION = "Addiction", _("Addiction")
    SOCIAL_GROUP = "SocialGroup", _("Social Group")
    DISCRIMINATION = "Discrimination", _("Discrimination")
    POVERTY = "Poverty", _("Poverty")
    DISABILITY_AND_PHYSICAL_HEALTH = "DisabilityAndPhysicalHealth", _("Disability and physical health")
    MENTAL_HEALTH = "MentalHealth", _("Mental health")
    MIGRATION = "Migration", _("Migration")
    HOMELESSNESS = "Homelessness", _("Homelessness")
    ABUSE_SOCIAL_MEDIA = "AbuseSocialMedia", _("Abuse - social media")
    ABUSE_PHYSICAL = "AbusePhysical", _("Abuse - physical")
    EDUCATION = "Education", _("Education")
    WORK_ENVIRONMENT = "WorkEnvironment", _("Work environment")


class PerpetratorRole(models.TextChoices):
    """HTCDS ``per_RoleInProcess``."""

    TRAVELLING_PARTNER = "TravellingPartner", _("Travelling Partner")
    TRANSPORTER = "Transporter", _("Transporter")
    RECRUITER_OR_INTERMEDIARY = "RecruiterOrIntermediary", _("Recruiter Or Intermediary")
    BROKER_TRAVEL_AGENT = "BrokerTravelAgent", _("Broker Travel Agent")
    TRANSFERRED_INDIVIDUAL = "TransferredIndividual", _("Transferred Individual")
    HARBOURED_INDIVIDUAL = "HarbouredIndividual", _("Harboured Individual")
    SOLD_INDIVIDUAL = "SoldIndividual", _("Sold Individual")
    BOUGHT_INDIVIDUAL = "BoughtIndividual", _("Bought Individual")
    RECEIVED_INDIVIDUAL = "ReceivedIndividual", _("Received Individual")
    CONTROLLED_INDIVIDUAL = "ControlledIndividual", _("Controlled Individual")
    SMUGGLER = "Smuggler", _("Smuggler")
    ABUSER = "Abuser", _("Abuser")
    KIDNAPPER = "Kidnapper", _("Kidnapper")
    EXPLOITER = "Exploiter", _("Exploiter")
    OTHER = "Other", _("Other")


class CaseStatus(models.TextChoices):
    """HTCDS ``cas_Status``."""

    ACTIVE = "Active", _("Active")
    FOLLOW_UP = "FollowUp", _("Follow Up")
    CLOSED = "Closed", _("Closed")
    CLOSED_REFERRED = "ClosedReferred", _("Closed Referred")


class ReferralReason(models.TextChoices):
    """HTCDS ``cas_ReasonForIncomingReferral``."""

    ADDITIONAL_SERVICES_REQUIRED = "AdditionalServicesRequired", _("Additional Services Required")
    MIGRATION_OR_CHANGE_OF_LOCATION = "MigrationOrChangeOfLocation", _("Migration or Change of Location")
    OTHER = "Other", _("Other")


class EventType(models.TextChoices):
    """HTCDS ``hte_Type``."""

    RECRUITMENT = "Recruitment", _("Recruitment")
    TRANSIT = "Transit", _("Transit")
    EXPLOITATION = "Exploitation", _("Exploitation")


class SupportPlanType(models.TextChoices):
    """HTCDS ``spl_Type``."""

    EDUCATION = "Education", _("Education")
    FINANCIAL = "Financial", _("Financial")
    HEALTH = "Health", _("Health")
    LABOUR_EXPLOITATION_REHABILITATION = (
        "LabourExploitationRehabilitation",
        _("Labour Exploitation Rehabilitation"),
    )
    LEGAL = "Legal", _("Legal")
    LIVELIHOOD = "Livelihood", _("Livelihood")
    RIGHTS_BASED_TRAINING = "RightsBasedTraining", _("Rights-based Training")
    SEXUAL_EXPLOITATION_REHABILITATION = (
        "SexualExploitationRehabilitation",
        _("Sexual Exploitation Rehabilitation"),
    )
    SOCIAL_CARE = "SocialCare", _("Social Care")


VALUE_LISTS: dict[str, type[models.TextChoices]] = {
    "org_Type": OrganisationType,
    "prs_Gender": Gender,
    "prs_MaritalStatus": MaritalStatus,
    "prs_HighestLevelOfEducation": EducationLevel,
    "vic_TraffickingStatus": TraffickingStatus,
    "vic_TraffickingStatusDecisionMakingOrg": StatusDecisionOrganisation,
    "vic_RelationshipToTrafficker": RelationshipToTrafficker,
    "vic_RecruitmentWebsitesAndApps": OnlinePlatform,
    "vic_MethodOfRecruitment": RecruitmentMethod,
    "vic_MethodsOfControl": ControlMethod,
    "vic_TypeOfExploitation": ExploitationType,
    "vic_ForcedLabourIndustry": LabourIndustry,
    "vic_TypeOfSexExploitation": SexExploitationType,
    "vic_Vulnerabilities": Vulnerability,
    "per_RoleInProcess": PerpetratorRole,
    "cas_Status": CaseStatus,
    "cas_ReasonForIncomingReferral": ReferralReason,
    "hte_Type": EventType,
    "spl_Type": SupportPlanType,
    "vic_ExploitationWebsitesAndApps": OnlinePlatform,
    "cas_ReasonForOutgoingReferral": ReferralReason,
}


@cache
def standard() -> dict[str, Any]:
    """The extracted field standard: ``source`` (attribution), ``fields`` and ``value_lists``."""
    text = resources.files("migdev.trafficking").joinpath("data/htcds_value_lists.json").read_text("utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


def _key(text: str) -> str:
    return " ".join(text.replace("\xa0", " ").split()).casefold()


@cache
def _spellings(list_name: str) -> dict[str, str]:
    spellings: dict[str, str] = {}
    for entry in standard()["value_lists"][list_name]:
        for spelling in (entry["name"], entry["label"], *entry["aliases"]):
            spellings[_key(spelling)] = entry["name"]
    return spellings


def value_for(list_name: str, spelled: str) -> str | None:
    """The HTCDS value name for a name, label or toolkit spelling; None when it is not on the list."""
    return _spellings(list_name).get(_key(spelled))
