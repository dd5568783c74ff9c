"""The coordination hub's models, re-exported from its sub-domain packages.

Django finds an app's models through this module, and every caller imports them from here
(`from migdev.coordination.models import Meeting`); the packages below are where they are defined. All of
them keep the app label ``coordination``, so tables (``coordination_*``), content types, permissions and
the ``coordination.<model>`` labels stored in the audit log are the same as before the split (ADR 0009).
A package's models import only from ``common`` and, for the activity registry, ``processes``.

States are stored as ISO 3166-1 alpha-3 codes (never names) so that records survive renamed countries and
join with every other module on the same key; `migdev.coordination.countries` checks and labels them.
"""

from migdev.coordination.activities.models import (
    Activity,
    ActivityBudget,
    ActivityCountry,
    ActivityParticipant,
    ActivityPlannedDisbursement,
    ActivityRegion,
    ActivitySector,
    ActivityStatus,
    ActivityTransaction,
    BudgetStatus,
    BudgetType,
    ConsultationPosition,
    HldPriority,
    InformationField,
    Initiative,
    InitiativeStatus,
    InitiativeStatusChange,
    OrganisationCode,
    TransactionType,
)
from migdev.coordination.common.models import (
    ISO3_HELP,
    Area,
    DatePrecision,
    FileAccess,
    GcmObjective,
    StoredFileMixin,
    Topic,
)
from migdev.coordination.information.models import (
    Hotline,
    MigrantInfoPage,
    MigrantInfoSubject,
    MigrantInfoTranslation,
)
from migdev.coordination.knowledge.models import (
    DocumentLanguage,
    Licence,
    PartnershipCall,
    Practice,
    PracticeCountry,
    PracticeReview,
    Publication,
    PublicationCountry,
    PublicationKind,
    Researcher,
    ResearcherCountry,
    ResearchProject,
    ResearchProjectCountry,
)
from migdev.coordination.policies.models import MigrationPolicy, PolicyDomain, PolicyPartner
from migdev.coordination.processes.models import (
    AgendaItem,
    Chair,
    Meeting,
    MeetingDocument,
    MeetingParticipant,
    MembershipStatus,
    OrganisationMembership,
    Process,
    StateMembership,
)

__all__ = [
    "Activity",
    "ActivityBudget",
    "ActivityPlannedDisbursement",
    "ActivityRegion",
    "ActivitySector",
    "ActivityTransaction",
    "BudgetStatus",
    "BudgetType",
    "TransactionType",
    "ActivityCountry",
    "ActivityParticipant",
    "ActivityStatus",
    "AgendaItem",
    "Area",
    "Chair",
    "ConsultationPosition",
    "DatePrecision",
    "DocumentLanguage",
    "FileAccess",
    "GcmObjective",
    "HldPriority",
    "Hotline",
    "ISO3_HELP",
    "InformationField",
    "Initiative",
    "InitiativeStatus",
    "InitiativeStatusChange",
    "Licence",
    "Meeting",
    "MeetingDocument",
    "MeetingParticipant",
    "MembershipStatus",
    "MigrantInfoPage",
    "MigrantInfoSubject",
    "MigrantInfoTranslation",
    "MigrationPolicy",
    "OrganisationCode",
    "OrganisationMembership",
    "PartnershipCall",
    "PolicyDomain",
    "PolicyPartner",
    "Practice",
    "PracticeCountry",
    "PracticeReview",
    "Process",
    "Publication",
    "PublicationCountry",
    "PublicationKind",
    "ResearchProject",
    "ResearchProjectCountry",
    "Researcher",
    "ResearcherCountry",
    "StateMembership",
    "StoredFileMixin",
    "Topic",
]
