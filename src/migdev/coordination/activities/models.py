"""The activity registry (IATI in and out, the information note) and the HLD follow-up initiatives with
their consultations.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from migdev.accounts.models import Organisation
from migdev.coordination.common.models import ISO3_HELP, Area, DatePrecision, Topic
from migdev.coordination.processes.models import Meeting, Process
from migdev.core.versioning import VersionedModel


class OrganisationCode(models.Model):
    """An external identifier of an organisation, such as its IATI organisation identifier."""

    class Scheme(models.TextChoices):
        IATI = "iati", _("IATI organisation identifier")

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="coordination_codes"
    )
    scheme = models.CharField(_("scheme"), max_length=20, choices=Scheme.choices)
    code = models.CharField(_("code"), max_length=100)

    class Meta:
        verbose_name = _("organisation code")
        verbose_name_plural = _("organisation codes")
        constraints = [
            models.UniqueConstraint(fields=["scheme", "code"], name="organisation_code_unique"),
            models.UniqueConstraint(
                fields=["organisation", "scheme"], name="organisation_one_code_per_scheme"
            ),
        ]

    def __str__(self) -> str:
        return self.code


# --- Activity registry -------------------------------------------------------------------------------


class InformationField(models.TextChoices):
    """The fields of the GMG information note compiled by its chair in 2006."""

    POLICY_RESEARCH = "policy_research", _("Policy research")
    DATA_COLLECTION = "data_collection", _("Data collection")
    PUBLICATIONS = "publications", _("Publications")
    PROGRAMMES = "programmes", _("Programmes and projects")


class ActivityStatus(models.TextChoices):
    """IATI ActivityStatus codelist."""

    PIPELINE = "1", _("Pipeline or identification")
    IMPLEMENTATION = "2", _("Implementation")
    FINALISATION = "3", _("Finalisation")
    CLOSED = "4", _("Closed")
    CANCELLED = "5", _("Cancelled")
    SUSPENDED = "6", _("Suspended")


class Activity(VersionedModel):
    iati_identifier = models.CharField(_("IATI identifier"), max_length=200, unique=True)
    reporting_organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="reported_activities",
        verbose_name=_("reported by"),
    )
    title = models.CharField(_("title"), max_length=500)
    description = models.TextField(_("description"), blank=True)
    language = models.CharField(_("language"), max_length=8, default="en")
    area = models.CharField(_("area"), max_length=30, choices=Area.choices)
    information_field = models.CharField(
        _("field"), max_length=20, choices=InformationField.choices, default=InformationField.PROGRAMMES
    )
    status = models.CharField(_("status"), max_length=1, choices=ActivityStatus.choices)
    planned_start = models.DateField(_("planned start"), null=True, blank=True)
    actual_start = models.DateField(_("actual start"), null=True, blank=True)
    planned_end = models.DateField(_("planned end"), null=True, blank=True)
    actual_end = models.DateField(_("actual end"), null=True, blank=True)
    default_currency = models.CharField(_("currency"), max_length=3, blank=True)
    results = models.TextField(_("results"), blank=True)
    topics = models.ManyToManyField(Topic, related_name="activities", blank=True, verbose_name=_("topics"))
    source = models.CharField(_("source"), max_length=400)
    source_edition = models.CharField(_("source edition"), max_length=200, blank=True)
    is_published = models.BooleanField(_("published"), default=True)
    is_sample = models.BooleanField(
        _("sample record"), default=False, help_text=_("Made up to show the registry; not a real activity.")
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-actual_start", "title"]
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        constraints = [
            models.CheckConstraint(
                condition=Q(planned_end__isnull=True)
                | Q(planned_start__isnull=True)
                | Q(planned_end__gte=models.F("planned_start")),
                name="activity_planned_end_after_start",
            ),
            models.CheckConstraint(condition=~Q(title=""), name="activity_has_a_title"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def start(self) -> datetime.date | None:
        return self.actual_start or self.planned_start

    @property
    def end(self) -> datetime.date | None:
        return self.actual_end or self.planned_end


class ActivityCountry(models.Model):
    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="countries")
    country_iso3 = models.CharField(_("country"), max_length=3, help_text=ISO3_HELP)
    percentage = models.DecimalField(_("percentage"), max_digits=5, decimal_places=2, null=True, blank=True)

    class Meta:
        ordering = ["activity", "country_iso3"]
        constraints = [
            models.UniqueConstraint(fields=["activity", "country_iso3"], name="activity_country_unique")
        ]
        indexes = [models.Index(fields=["country_iso3"])]

    def __str__(self) -> str:
        return self.country_iso3


class ActivityParticipant(models.Model):
    """IATI participating-org: an organisation's role in an activity. Organisations that are not in the
    registry keep their IATI reference and name as text."""

    class Role(models.TextChoices):
        FUNDING = "1", _("Funding (donor)")
        ACCOUNTABLE = "2", _("Accountable")
        EXTENDING = "3", _("Extending")
        IMPLEMENTING = "4", _("Implementing")

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="participants")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, null=True, blank=True, related_name="activity_participations"
    )
    reference = models.CharField(_("IATI organisation identifier"), max_length=100, blank=True)
    name = models.CharField(_("name"), max_length=300, blank=True)
    role = models.CharField(_("role"), max_length=1, choices=Role.choices)

    class Meta:
        ordering = ["activity", "role", "id"]

    def __str__(self) -> str:
        return self.name or self.reference

    @property
    def display_name(self) -> str:
        if self.organisation is not None:
            return str(self.organisation.name)
        return self.name or self.reference


class BudgetType(models.TextChoices):
    """IATI BudgetType codelist (2.03)."""

    ORIGINAL = "1", _("Original")
    REVISED = "2", _("Revised")


class BudgetStatus(models.TextChoices):
    """IATI BudgetStatus codelist (2.03)."""

    INDICATIVE = "1", _("Indicative")
    COMMITTED = "2", _("Committed")


class TransactionType(models.TextChoices):
    """IATI TransactionType codelist (2.03). `money.py` says which count as commitments and which as
    spending."""

    INCOMING_FUNDS = "1", _("Incoming funds")
    OUTGOING_COMMITMENT = "2", _("Outgoing commitment")
    DISBURSEMENT = "3", _("Disbursement")
    EXPENDITURE = "4", _("Expenditure")
    INTEREST_PAYMENT = "5", _("Interest payment")
    LOAN_REPAYMENT = "6", _("Loan repayment")
    REIMBURSEMENT = "7", _("Reimbursement")
    PURCHASE_OF_EQUITY = "8", _("Purchase of equity")
    SALE_OF_EQUITY = "9", _("Sale of equity")
    CREDIT_GUARANTEE = "10", _("Credit guarantee")
    INCOMING_COMMITMENT = "11", _("Incoming commitment")
    OUTGOING_PLEDGE = "12", _("Outgoing pledge")
    INCOMING_PLEDGE = "13", _("Incoming pledge")


# DAC 5-digit purpose codes (OECD DAC CRS), IATI SectorVocabulary 1; RegionVocabulary 1 (OECD DAC).
DAC_VOCABULARY = "1"


class ActivityBudget(models.Model):
    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="budgets")
    budget_type = models.CharField(
        _("budget type"), max_length=1, choices=BudgetType.choices, default=BudgetType.ORIGINAL
    )
    status = models.CharField(
        _("budget status"), max_length=1, choices=BudgetStatus.choices, default=BudgetStatus.INDICATIVE
    )
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"))
    amount = models.DecimalField(_("amount"), max_digits=16, decimal_places=2)
    currency = models.CharField(_("currency"), max_length=3)
    value_date = models.DateField(_("value date"))

    class Meta:
        ordering = ["activity", "period_start", "budget_type"]
        constraints = [
            models.CheckConstraint(
                condition=Q(period_end__gte=models.F("period_start")), name="budget_period_order"
            ),
            models.CheckConstraint(condition=Q(amount__gte=0), name="budget_amount_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.amount} {self.currency}"


class ActivityPlannedDisbursement(models.Model):
    """IATI planned-disbursement: money the reporting organisation expects to pay out in a period."""

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="planned_disbursements")
    budget_type = models.CharField(_("type"), max_length=1, choices=BudgetType.choices, blank=True)
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"), null=True, blank=True)
    amount = models.DecimalField(_("amount"), max_digits=16, decimal_places=2)
    currency = models.CharField(_("currency"), max_length=3)
    value_date = models.DateField(_("value date"))
    provider_ref = models.CharField(_("provider identifier"), max_length=100, blank=True)
    provider_name = models.CharField(_("provider"), max_length=300, blank=True)
    receiver_ref = models.CharField(_("receiver identifier"), max_length=100, blank=True)
    receiver_name = models.CharField(_("receiver"), max_length=300, blank=True)

    class Meta:
        ordering = ["activity", "period_start", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(period_end__isnull=True) | Q(period_end__gte=models.F("period_start")),
                name="planned_disbursement_period_order",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.amount} {self.currency}"


class ActivityTransaction(models.Model):
    """IATI transaction. Amounts may be negative (IATI reports corrections that way)."""

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="transactions")
    reference = models.CharField(_("reference"), max_length=200, blank=True)
    transaction_type = models.CharField(_("type"), max_length=2, choices=TransactionType.choices)
    date = models.DateField(_("date"))
    amount = models.DecimalField(_("amount"), max_digits=16, decimal_places=2)
    currency = models.CharField(_("currency"), max_length=3)
    value_date = models.DateField(_("value date"))
    description = models.TextField(_("description"), blank=True)
    provider_ref = models.CharField(_("provider identifier"), max_length=100, blank=True)
    provider_activity = models.CharField(_("provider activity"), max_length=200, blank=True)
    provider_name = models.CharField(_("provider"), max_length=300, blank=True)
    receiver_ref = models.CharField(_("receiver identifier"), max_length=100, blank=True)
    receiver_activity = models.CharField(_("receiver activity"), max_length=200, blank=True)
    receiver_name = models.CharField(_("receiver"), max_length=300, blank=True)
    sector_vocabulary = models.CharField(_("sector vocabulary"), max_length=3, blank=True)
    sector_code = models.CharField(_("sector"), max_length=20, blank=True)
    country_iso3 = models.CharField(_("recipient country"), max_length=3, blank=True, help_text=ISO3_HELP)
    region_code = models.CharField(_("recipient region"), max_length=10, blank=True)

    class Meta:
        ordering = ["activity", "date", "id"]
        indexes = [models.Index(fields=["transaction_type", "date"])]

    def __str__(self) -> str:
        return f"{self.get_transaction_type_display()} {self.amount} {self.currency}"


class ActivitySector(models.Model):
    """A sector of the activity in a vocabulary (1 = DAC 5-digit purpose codes); within a vocabulary the
    percentages add up to 100."""

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="sectors")
    vocabulary = models.CharField(_("vocabulary"), max_length=3, default=DAC_VOCABULARY)
    code = models.CharField(_("code"), max_length=20)
    percentage = models.DecimalField(_("percentage"), max_digits=5, decimal_places=2, null=True, blank=True)

    class Meta:
        ordering = ["activity", "vocabulary", "-percentage", "code"]
        constraints = [
            models.UniqueConstraint(fields=["activity", "vocabulary", "code"], name="activity_sector_unique")
        ]
        indexes = [models.Index(fields=["vocabulary", "code"])]

    def __str__(self) -> str:
        return self.code


class ActivityRegion(models.Model):
    """A recipient region (vocabulary 1 = OECD DAC regions); with the recipient countries its percentages
    add up to 100."""

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="regions")
    vocabulary = models.CharField(_("vocabulary"), max_length=3, default=DAC_VOCABULARY)
    code = models.CharField(_("code"), max_length=10)
    percentage = models.DecimalField(_("percentage"), max_digits=5, decimal_places=2, null=True, blank=True)

    class Meta:
        ordering = ["activity", "code"]
        constraints = [
            models.UniqueConstraint(fields=["activity", "vocabulary", "code"], name="activity_region_unique")
        ]

    def __str__(self) -> str:
        return self.code


# --- Initiatives and the HLD follow-up tracker ---------------------------------------------------------


class HldPriority(models.TextChoices):
    """IOM's three priority categories for follow-up to the 2006 High-Level Dialogue."""

    PRACTICAL_MEASURES = "1", _("Practical measures to make migration work for development")
    INTER_AGENCY = "2", _("Enhanced inter-agency coordination")
    INTER_GOVERNMENTAL = "3", _("Enhanced inter-governmental cooperation")


class InitiativeStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    IN_CONSULTATION = "in_consultation", _("In consultation")
    AGREED = "agreed", _("Agreed")
    UNDER_WAY = "under_way", _("Under way")
    COMPLETED = "completed", _("Completed")
    SHELVED = "shelved", _("Shelved")


class Initiative(VersionedModel):
    class Kind(models.TextChoices):
        PROPOSAL = "proposal", _("Proposal")
        JOINT_PROGRAMME = "joint_programme", _("Joint programme")
        STUDY = "study", _("Study or publication")
        PILOT = "pilot", _("Pilot")
        SUPPORT = "support", _("Support to a process")

    code = models.SlugField(_("code"), max_length=60, unique=True)
    acronym = models.CharField(_("acronym"), max_length=30, blank=True)
    name = models.CharField(_("name"), max_length=300)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    hld_priority = models.CharField(_("HLD follow-up priority"), max_length=1, choices=HldPriority.choices)
    proposer = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="initiatives_proposed",
        verbose_name=_("proposed by"),
    )
    description = models.TextField(_("description"), blank=True)
    processes = models.ManyToManyField(Process, related_name="initiatives", blank=True)
    meetings = models.ManyToManyField(Meeting, related_name="initiatives", blank=True)
    activities = models.ManyToManyField(Activity, related_name="initiatives", blank=True)
    source = models.CharField(_("source"), max_length=400)
    is_published = models.BooleanField(_("published"), default=True)

    class Meta:
        ordering = ["hld_priority", "name"]
        verbose_name = _("initiative")
        verbose_name_plural = _("initiatives")

    def __str__(self) -> str:
        return self.acronym or self.name


class InitiativeStatusChange(models.Model):
    initiative = models.ForeignKey(Initiative, on_delete=models.CASCADE, related_name="status_history")
    status = models.CharField(_("status"), max_length=20, choices=InitiativeStatus.choices)
    as_of = models.DateField(_("as of"))
    as_of_precision = models.CharField(max_length=5, choices=DatePrecision.choices, default=DatePrecision.DAY)
    note = models.CharField(_("note"), max_length=500, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True)

    class Meta:
        ordering = ["initiative", "as_of", "id"]
        verbose_name = _("initiative status")
        verbose_name_plural = _("initiative statuses")

    def __str__(self) -> str:
        return f"{self.status} ({self.as_of})"


class ConsultationPosition(models.Model):
    """An agency consulted on an initiative: its part and its position at a date. New rows record changes,
    so the history stays."""

    class Part(models.TextChoices):
        PARTNER = "partner", _("Working partner")
        OBSERVER = "observer", _("Observer")
        INVITED = "invited", _("Invited")

    class Position(models.TextChoices):
        SUPPORTS = "supports", _("Supports")
        INTERESTED = "interested", _("Interested")
        RESERVATIONS = "reservations", _("Has reservations")
        DECLINED = "declined", _("Declined")
        NOT_STATED = "not_stated", _("Not stated")

    initiative = models.ForeignKey(Initiative, on_delete=models.CASCADE, related_name="positions")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="consultation_positions"
    )
    part = models.CharField(_("part"), max_length=10, choices=Part.choices)
    position = models.CharField(_("position"), max_length=15, choices=Position.choices)
    as_of = models.DateField(_("as of"))
    as_of_precision = models.CharField(max_length=5, choices=DatePrecision.choices, default=DatePrecision.DAY)
    note = models.CharField(_("note"), max_length=500, blank=True)

    class Meta:
        ordering = ["initiative", "organisation__name", "as_of"]
        verbose_name = _("consultation position")
        verbose_name_plural = _("consultation positions")

    def __str__(self) -> str:
        return f"{self.organisation_id}: {self.position}"
