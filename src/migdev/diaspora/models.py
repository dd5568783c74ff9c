"""Diaspora engagement: the expert roster, institutions' requests, invitations, agreements, assignments.

Identifying data about an expert (names, contact details, every free text about them) is encrypted at rest
(:mod:`migdev.protection.fields`). Countries are ISO alpha-3 codes, skills and occupations ESCO URIs.
Logic lives in services (writes) and selectors (reads); these are tables and constraints only.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from migdev.core.versioning import VersionedModel
from migdev.protection.fields import EncryptedCharField, EncryptedTextField

# Text columns kept in clear, and why they describe no one (ADR 0007; tests/protection/test_storage.py).
# Everything an expert writes or that describes them (names, contacts, biography, reports, follow-up, the
# agreement's terms) is encrypted.
CLEAR_TEXT_FIELDS = {
    "Expert.country_of_origin": "ISO alpha-3 code, published in aggregates",
    "Expert.country_of_residence": "ISO alpha-3 code, published in aggregates",
    "DiasporaOrganisation.*": "a public directory of organisations, not of people",
    "DiasporaOffice.*": "a government office and its country code",
    "HostInstitution.*": "an institution's country and city",
    "PrioritySector.note": "a government's note on a sector, public policy",
    "Request.*": "terms of reference an institution writes about its needs, shown to experts; no person",
    "Agreement.currency": "ISO 4217 code",
    "ExpertLanguage.code": "an ISO 639 code copied by services from the expert's validated languages, for the "
    "shortlist's indexed filter; no free text",
    "ReintegrationSupport.currency": "ISO 4217 code",
}


class Modality(models.TextChoices):
    ON_SITE = "on_site", _("Temporary assignment on site")
    ONLINE = "online", _("Online assignment")
    PERMANENT = "permanent_return", _("Permanent return")


class Sector(models.TextChoices):
    """EUDiF's five sectors and the others MIDA and CD4D requests name most often."""

    HEALTH = "health", _("Health")
    EDUCATION = "education", _("Education")
    DIGITAL = "digital", _("Digital")
    ENTREPRENEURSHIP = "entrepreneurship", _("Entrepreneurship and private sector")
    ENVIRONMENT = "environment", _("Environment and climate")
    AGRICULTURE = "agriculture", _("Agriculture and food")
    GOVERNANCE = "governance", _("Governance and public administration")
    INFRASTRUCTURE = "infrastructure", _("Infrastructure and energy")
    FINANCE = "finance", _("Finance")
    JUSTICE = "justice", _("Justice and rule of law")


class LanguageLevel(models.TextChoices):
    A1 = "A1", "A1"
    A2 = "A2", "A2"
    B1 = "B1", "B1"
    B2 = "B2", "B2"
    C1 = "C1", "C1"
    C2 = "C2", _("C2 or mother tongue")


LEVEL_RANK = {level: rank for rank, level in enumerate(LanguageLevel.values, start=1)}


class EducationLevel(models.TextChoices):
    SECONDARY = "secondary", _("Secondary")
    VOCATIONAL = "vocational", _("Vocational")
    BACHELOR = "bachelor", _("Bachelor's degree")
    MASTER = "master", _("Master's degree")
    DOCTORATE = "doctorate", _("Doctorate")


class Sex(models.TextChoices):
    FEMALE = "F", pgettext_lazy("one person's sex", "Female")
    MALE = "M", pgettext_lazy("one person's sex", "Male")
    OTHER = "X", _("Other")
    UNKNOWN = "", _("Not stated")


class Expert(VersionedModel):
    """A diaspora professional on the roster. ``user`` is their own account (self-service)."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        DELETED = "deleted", _("Account deleted")

    class OriginBasis(models.TextChoices):
        BORN = "born", _("Born there")
        PARENTS = "parents", _("Parents born there")

    # Fields an expert may show on the public roster or to host institutions before an agreement. Names,
    # contact details and the biography are identifying; they reach a host only once both signed.
    SHAREABLE_FIELDS = (
        "display_name",
        "country_of_origin",
        "country_of_residence",
        "languages",
        "education",
        "occupation_uris",
        "skill_uris",
        "sectors",
        "years_experience",
        "availability",
        "modalities",
        "biography",
    )
    IDENTIFYING_FIELDS = ("given_name", "family_name", "email", "phone", "biography")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="diaspora_expert",
        verbose_name=_("account"),
    )
    group = models.ForeignKey(
        "accounts.UserGroup",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("programme"),
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.ACTIVE)
    given_name = EncryptedCharField(_("given name"), max_length=150, blank=True)
    family_name = EncryptedCharField(_("family name"), max_length=150, blank=True)
    email = EncryptedCharField(_("email"), max_length=254, blank=True)
    phone = EncryptedCharField(_("phone"), max_length=40, blank=True)
    biography = EncryptedTextField(_("biography"), blank=True)
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices, blank=True)
    country_of_origin = models.CharField(_("country of origin"), max_length=3)
    origin_basis = models.CharField(
        _("tie to the country of origin"),
        max_length=10,
        choices=OriginBasis.choices,
        default=OriginBasis.BORN,
    )
    country_of_residence = models.CharField(_("country of residence"), max_length=3)
    languages = models.JSONField(_("languages"), default=list, blank=True)  # [{"code": "fr", "level": "C2"}]
    education = models.JSONField(_("education"), default=list, blank=True)  # [{"level": ..., "field": ...}]
    occupation_uris = models.JSONField(_("occupations (ESCO)"), default=list, blank=True)
    skill_uris = models.JSONField(_("skills (ESCO)"), default=list, blank=True)
    sectors = models.JSONField(_("sectors"), default=list, blank=True)
    years_experience = models.PositiveSmallIntegerField(_("years of experience"), default=0)
    days_on_site_per_year = models.PositiveSmallIntegerField(_("days a year on site"), default=0)
    hours_online_per_week = models.PositiveSmallIntegerField(_("hours a week online"), default=0)
    modalities = models.JSONField(_("modalities accepted"), default=list, blank=True)
    # ``modalities`` as columns, so the shortlist's hard filters run in SQL (written by services only).
    accepts_on_site = models.BooleanField(default=False, editable=False)
    accepts_online = models.BooleanField(default=False, editable=False)
    accepts_permanent_return = models.BooleanField(default=False, editable=False)
    # The ``RosterRevision`` value of this expert's last change that a shortlist reads (written by services
    # only), so each process's cache of the roster reloads just the experts changed since its revision.
    match_revision = models.BigIntegerField(default=0, editable=False, db_index=True)
    consent_processing_at = models.DateTimeField(_("consent to processing given"), null=True, blank=True)
    consent_processing_withdrawn_at = models.DateTimeField(
        _("consent to processing withdrawn"), null=True, blank=True
    )
    public_consent_at = models.DateTimeField(_("public roster entry agreed"), null=True, blank=True)
    public_withdrawn_at = models.DateTimeField(_("public roster entry withdrawn"), null=True, blank=True)
    public_fields = models.JSONField(_("fields shown on the public roster"), default=list, blank=True)
    host_fields = models.JSONField(_("fields shared with inviting institutions"), default=list, blank=True)
    is_sample = models.BooleanField(_("sample data"), default=False)
    created_at = models.DateTimeField(_("registered"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)
    deleted_at = models.DateTimeField(_("deleted"), null=True, blank=True)

    class Meta:
        verbose_name = _("expert")
        verbose_name_plural = _("experts")
        ordering = ["pk"]
        indexes = [
            models.Index(fields=["country_of_origin", "status"]),
            # Covers every hard requirement a shortlist checks on the expert's own row, so counting a
            # programme's pool reads this narrow index instead of the wide rows (encrypted identity, JSON).
            models.Index(
                fields=[
                    "status",
                    "group",
                    "user",
                    "consent_processing_at",
                    "consent_processing_withdrawn_at",
                    "accepts_on_site",
                    "accepts_online",
                    "accepts_permanent_return",
                    "days_on_site_per_year",
                    "hours_online_per_week",
                ],
                name="diaspora_expert_pool",
            ),
        ]
        permissions = [("delete_own_expert", "Can delete their own expert account")]

    def __str__(self) -> str:
        return self.reference

    @property
    def reference(self) -> str:
        """A pseudonymous handle that names no one (shortlists, public roster, reports)."""
        return Expert.reference_of(self.pk) if self.pk else "EXP-new"

    @staticmethod
    def reference_of(pk: int) -> str:
        """The reference of the expert ``pk``, without making an instance (a shortlist names 20)."""
        return f"EXP-{pk:05d}"

    @property
    def active_processing_consent(self) -> bool:
        return self.consent_processing_at is not None and self.consent_processing_withdrawn_at is None

    @property
    def on_public_roster(self) -> bool:
        return (
            self.status == self.Status.ACTIVE
            and self.active_processing_consent
            and self.public_consent_at is not None
            and self.public_withdrawn_at is None
        )


class ExpertLanguage(models.Model):
    """``Expert.languages`` as rows (the highest level per language, as a CEFR rank 1–6), so the shortlist
    checks "this language at this level at least" in SQL with an index. Written by services only."""

    expert = models.ForeignKey(Expert, on_delete=models.CASCADE, related_name="language_ranks")
    code = models.CharField(max_length=12)
    rank = models.PositiveSmallIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["expert", "code"], name="diaspora_expert_language_once")
        ]
        indexes = [models.Index(fields=["code", "rank", "expert"], name="diaspora_language_rank")]

    def __str__(self) -> str:
        return f"{self.code} {self.rank}"


class RosterRevision(models.Model):
    """One row: a counter raised (in the writing transaction) by every change to what a shortlist reads of
    the roster: an expert created, edited, their languages, modalities, availability, consent or status.
    Each process checks it before a shortlist and refreshes its cached roster when it moved, so no process
    serves a stale roster (``migdev.diaspora.roster``)."""

    value = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return str(self.value)


class AvailabilityWindow(models.Model):
    expert = models.ForeignKey(Expert, on_delete=models.CASCADE, related_name="windows")
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("to"))

    class Meta:
        ordering = ["starts_on"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gte=F("starts_on")), name="diaspora_window_order")
        ]
        # Covers the shortlist's "a window overlapping the request's dates" without reading the table.
        indexes = [models.Index(fields=["expert", "starts_on", "ends_on"], name="diaspora_window_span")]

    def __str__(self) -> str:
        return f"{self.starts_on} – {self.ends_on}"


class DiasporaOrganisation(VersionedModel):
    """The directory of diaspora organisations (importable: format ``diaspora-organisations``)."""

    name = models.CharField(_("name"), max_length=200)
    countries_of_origin = models.JSONField(_("countries of origin"), default=list, blank=True)
    countries_of_residence = models.JSONField(_("countries of residence"), default=list, blank=True)
    sectors = models.JSONField(_("sectors"), default=list, blank=True)
    activities = models.TextField(_("activities and events"), blank=True)
    website = models.URLField(_("website"), blank=True)
    source = models.CharField(_("source"), max_length=200, blank=True)
    is_sample = models.BooleanField(_("sample data"), default=False)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)

    class Meta:
        verbose_name = _("diaspora organisation")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(models.functions.Lower("name"), name="diaspora_organisation_name_unique")
        ]

    def __str__(self) -> str:
        return self.name


class DiasporaOffice(VersionedModel):
    """A government's diaspora office: its account organisation and the country it speaks for."""

    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+")
    country = models.CharField(_("country"), max_length=3, unique=True)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)

    class Meta:
        verbose_name = _("diaspora office")
        ordering = ["country"]

    def __str__(self) -> str:
        return f"{self.organisation} ({self.country})"


class HostInstitution(VersionedModel):
    """An institution in a country of origin that asks for experts; its staff sign in under ``organisation``."""

    organisation = models.OneToOneField("accounts.Organisation", on_delete=models.PROTECT, related_name="+")
    country = models.CharField(_("country"), max_length=3)
    city = models.CharField(_("city"), max_length=120, blank=True)
    sector = models.CharField(_("sector"), max_length=20, choices=Sector.choices)
    is_sample = models.BooleanField(_("sample data"), default=False)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)

    class Meta:
        verbose_name = _("host institution")
        ordering = ["pk"]

    def __str__(self) -> str:
        return str(self.organisation)


class PrioritySector(VersionedModel):
    office = models.ForeignKey(DiasporaOffice, on_delete=models.CASCADE, related_name="priorities")
    sector = models.CharField(_("sector"), max_length=20, choices=Sector.choices)
    note = models.CharField(_("note"), max_length=300, blank=True)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)

    class Meta:
        verbose_name = _("priority sector")
        ordering = ["office", "sector"]
        constraints = [models.UniqueConstraint(fields=["office", "sector"], name="diaspora_priority_unique")]


class Request(VersionedModel):
    """A host institution's terms of reference."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        APPROVED = "approved", _("Approved for matching")
        FILLED = "filled", _("Filled")
        CLOSED = "closed", _("Closed")

    host = models.ForeignKey(HostInstitution, on_delete=models.PROTECT, related_name="requests")
    group = models.ForeignKey(
        "accounts.UserGroup",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("programme"),
    )
    country_office = models.ForeignKey(
        DiasporaOffice, on_delete=models.SET_NULL, null=True, blank=True, related_name="requests"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    title = models.CharField(_("title"), max_length=200)
    objectives = models.TextField(_("objectives"))
    tasks = models.TextField(_("tasks"), blank=True)
    skill_uris = models.JSONField(_("required skills (ESCO)"), default=list, blank=True)
    occupation_uri = models.CharField(_("occupation (ESCO)"), max_length=200, blank=True)
    sector = models.CharField(_("sector"), max_length=20, choices=Sector.choices)
    modality = models.CharField(_("modality"), max_length=20, choices=Modality.choices)
    duration_days = models.PositiveSmallIntegerField(_("duration in days"))
    place = models.CharField(_("place"), max_length=200, blank=True)
    starts_on = models.DateField(_("start"))
    ends_on = models.DateField(_("end"))
    language = models.CharField(_("working language"), max_length=3)
    language_level = models.CharField(
        _("minimum level"), max_length=2, choices=LanguageLevel.choices, default=LanguageLevel.B2
    )
    years_experience_wanted = models.PositiveSmallIntegerField(_("years of experience wanted"), default=0)
    host_provides = models.TextField(_("what the host provides"), blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    submitted_at = models.DateTimeField(null=True, blank=True)
    approved_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    closed_at = models.DateTimeField(null=True, blank=True)
    is_sample = models.BooleanField(_("sample data"), default=False)
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)

    class Meta:
        verbose_name = _("request")
        ordering = ["-pk"]
        permissions = [
            ("view_host_request", "Can view the requests of their own institution"),
            ("view_country_request", "Can view the requests of their own country"),
            ("approve_request", "Can approve requests for matching"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gte=F("starts_on")), name="diaspora_request_dates"),
            models.CheckConstraint(condition=~Q(title=""), name="diaspora_request_title"),
        ]

    def __str__(self) -> str:
        return self.title


class Invitation(VersionedModel):
    """One expert invited to one request: invitation, the expert's answer, the host's selection."""

    class Answer(models.TextChoices):
        PENDING = "", _("No answer yet")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")

    request = models.ForeignKey(Request, on_delete=models.CASCADE, related_name="invitations")
    expert = models.ForeignKey(Expert, on_delete=models.CASCADE, related_name="invitations")
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    invited_at = models.DateTimeField(default=timezone.now)
    score = models.FloatField(_("match score"), default=0.0)
    # A repeat assignment: the same expert invited again (same or another institution) after an
    # assignment reached follow-up; the new assignment names the one it follows.
    repeat_of = models.ForeignKey(
        "Assignment",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="repeat_invitations",
        verbose_name=_("repeat of"),
    )
    answer = models.CharField(_("answer"), max_length=10, choices=Answer.choices, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    selected_at = models.DateTimeField(null=True, blank=True)
    selected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-score", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["request", "expert"], name="diaspora_invitation_unique")
        ]


class Agreement(VersionedModel):
    """The terms both sides sign. Identifying data crosses to the other side only once both signed."""

    class Compensation(models.TextChoices):
        PER_DIEM = "per_diem", _("Per diem")
        STIPEND = "stipend", _("Stipend")
        NONE = "none", _("None (volunteer)")

    invitation = models.OneToOneField(Invitation, on_delete=models.CASCADE, related_name="agreement")
    starts_on = models.DateField(_("start"))
    ends_on = models.DateField(_("end"))
    deliverables = EncryptedTextField(_("deliverables"))
    travel = EncryptedTextField(_("travel"), blank=True)
    compensation = models.CharField(_("compensation"), max_length=10, choices=Compensation.choices)
    amount = models.DecimalField(_("amount"), max_digits=10, decimal_places=2, default=0)
    currency = models.CharField(_("currency"), max_length=3, default="EUR")
    insurance = EncryptedCharField(_("insurance"), max_length=200, blank=True)
    drafted_at = models.DateTimeField(default=timezone.now)
    expert_signed_at = models.DateTimeField(null=True, blank=True)
    host_signed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gte=F("starts_on")), name="diaspora_agreement_dates"),
            models.CheckConstraint(condition=Q(amount__gte=0), name="diaspora_agreement_amount"),
        ]

    @property
    def signed_by_both(self) -> bool:
        return self.expert_signed_at is not None and self.host_signed_at is not None


class Assignment(VersionedModel):
    class Stage(models.TextChoices):
        PREPARATION = "preparation", _("Preparation")
        DELIVERY = "delivery", _("Delivery")
        REPORTING = "reporting", _("End reports")
        FOLLOW_UP = "follow_up", _("Follow-up")
        CLOSED = "closed", _("Closed")

    agreement = models.OneToOneField(Agreement, on_delete=models.CASCADE, related_name="assignment")
    stage = models.CharField(_("stage"), max_length=12, choices=Stage.choices, default=Stage.PREPARATION)
    modality = models.CharField(_("modality"), max_length=20, choices=Modality.choices)
    started_on = models.DateField(_("started"), null=True, blank=True)
    ended_on = models.DateField(_("ended"), null=True, blank=True)
    follow_up = EncryptedTextField(_("follow-up"), blank=True)
    # Preparation checklist: {item: "YYYY-MM-DD" when done, or "not_needed"}; see PREPARATION_ITEMS.
    preparation = models.JSONField(_("preparation"), default=dict, blank=True)
    is_sample = models.BooleanField(_("sample data"), default=False)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)

    class Meta:
        ordering = ["-pk"]


class PreparationItem(models.TextChoices):
    TRAVEL = "travel", _("Travel booked")
    VISA = "visa", _("Visa or entry permit")
    INSURANCE = "insurance", _("Insurance in force")
    BRIEFING = "briefing", _("Briefing held")
    EQUIPMENT = "equipment", _("Online tools and access ready")


# What each modality prepares before delivery (TRQN and CD4D practice): an item is done (dated) or marked
# not needed (a national needs no visa) before delivery can start.
PREPARATION_ITEMS = {
    "on_site": ("travel", "visa", "insurance", "briefing"),
    "online": ("equipment", "briefing"),
    "permanent_return": ("travel", "visa", "insurance", "briefing"),
}


class HoursLog(models.Model):
    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="hours")
    worked_on = models.DateField(_("date"))
    hours = models.DecimalField(_("hours"), max_digits=4, decimal_places=1)
    logged_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["worked_on", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(hours__gt=0) & Q(hours__lte=24), name="diaspora_hours_range")
        ]

    def __str__(self) -> str:
        return f"{self.worked_on}: {self.hours} h"


class EndReport(VersionedModel):
    class Author(models.TextChoices):
        EXPERT = "expert", _("Expert")
        HOST = "host", _("Host institution")

    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="reports")
    author = models.CharField(_("written by"), max_length=6, choices=Author.choices)
    people_trained = models.PositiveIntegerField(_("people trained"), default=0)
    documents_produced = models.PositiveIntegerField(_("documents produced"), default=0)
    services_delivered = models.PositiveIntegerField(_("services delivered"), default=0)
    rating = models.PositiveSmallIntegerField(_("rating (1-5)"))
    summary = EncryptedTextField(_("summary"), blank=True)
    submitted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["assignment", "author"], name="diaspora_report_unique"),
            models.CheckConstraint(
                condition=Q(rating__gte=1) & Q(rating__lte=5), name="diaspora_rating_range"
            ),
        ]


class ReintegrationPlan(VersionedModel):
    """Permanent return: what the returning expert and the programme agree to settle them (work, housing,
    qualifications, family), the support given step by step, and the follow-ups after arrival."""

    assignment = models.OneToOneField(Assignment, on_delete=models.CASCADE, related_name="reintegration")
    goals = EncryptedTextField(_("goals"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)

    class Meta:
        verbose_name = _("reintegration plan")

    def __str__(self) -> str:
        return f"reintegration plan {self.pk}"


class ReintegrationSupport(VersionedModel):
    """One step of a reintegration plan and the support given for it."""

    class Kind(models.TextChoices):
        JOB = "job_placement", _("Job placement or position at the host")
        BUSINESS = "business", _("Business start-up support")
        QUALIFICATIONS = "qualifications", _("Recognition of qualifications")
        HOUSING = "housing", _("Housing")
        FAMILY = "family", _("Family and schooling")
        DOCUMENTS = "documents", _("Civil documents and administration")
        HEALTH = "health", _("Health and psychosocial support")
        TRAVEL = "travel", _("Travel and moving costs")
        OTHER = "other", _("Other")

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        UNDER_WAY = "under_way", _("Under way")
        DONE = "done", _("Given")
        DROPPED = "dropped", _("Dropped")

    plan = models.ForeignKey(ReintegrationPlan, on_delete=models.CASCADE, related_name="steps")
    kind = models.CharField(_("support"), max_length=20, choices=Kind.choices)
    description = EncryptedTextField(_("description"), blank=True)
    provider = EncryptedCharField(_("given by"), max_length=200, blank=True)
    amount = models.DecimalField(_("amount"), max_digits=10, decimal_places=2, default=0)
    currency = models.CharField(_("currency"), max_length=3, default="EUR")
    due_on = models.DateField(_("due"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PLANNED)
    done_on = models.DateField(_("given on"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)

    class Meta:
        ordering = ["due_on", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gte=0), name="diaspora_support_amount"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} ({self.status})"


class ReintegrationFollowUp(models.Model):
    """A dated follow-up of a permanent return (a call or a visit): how the returnee is settling."""

    class Situation(models.TextChoices):
        SETTLED = "settled", _("Settled")
        PROGRESSING = "progressing", _("Progressing")
        NEEDS_SUPPORT = "needs_support", _("Needs more support")
        LEFT_AGAIN = "left_again", _("Left the country again")

    plan = models.ForeignKey(ReintegrationPlan, on_delete=models.CASCADE, related_name="follow_ups")
    held_on = models.DateField(_("date"))
    situation = models.CharField(_("situation"), max_length=14, choices=Situation.choices)
    note = EncryptedTextField(_("note"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["held_on", "pk"]

    def __str__(self) -> str:
        return f"{self.held_on}: {self.situation}"
