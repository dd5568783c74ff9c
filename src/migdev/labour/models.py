"""Labour mobility (IMDI): schemes, employers' demand, workers, selection, contracts, costs and safeguards.

Tables and constraints only; writes are in ``services``, reads and access in ``selectors``.
Occupations and skills are ESCO URIs (``migdev.skills``); countries are ISO 3166 alpha-3 codes of the
reference app; languages are ISO 639-3 codes of the reference app with a CEFR level.
"""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from migdev.accounts.models import Organisation
from migdev.core.versioning import VersionedModel
from migdev.protection.fields import EncryptedCharField, EncryptedDateField, EncryptedTextField
from migdev.reference.models import Country

URI_MAX = 255

# Text columns kept in clear, and why (ADR 0007/0010; tests/protection/test_storage.py). Everything else that
# is free text about a person is an Encrypted*Field.
CLEAR_TEXT_FIELDS = {
    "Scheme.*": "A scheme is an agreement between governments or partners; it describes no person.",
    "ShortageOccupation.*": "A destination's published shortage list: occupations, codes and sources.",
    "Employer.verification_note": "How the organisation was verified (register, authority); about a company.",
    "Recruiter.*": "A public licence roster of recruitment agencies: organisations, not people.",
    "OccupationStock.*": "A published count of a country's workers in an occupation group; no person.",
    "Sdg1071Basis.*": "Codes of cells and a publication's edition; its basis names workers only by number.",
    "JobOrder.*": "An employer's vacancy: job, skills, place, wage and terms; it names no worker.",
    "Worker.pseudonym": "A random code made to stand for the worker without identifying them.",
    "Worker.isco_code": "An ISCO-08 code derived from the ESCO occupation.",
    "Application.grievance_channel": "The contact of the grievance channel (a hotline, an attaché), not the worker.",
    "Contract.language": "An ISO 639-3 code.",
    "Contract.wage_currency": "An ISO 4217 code.",
    "CostLine.currency": "An ISO 4217 code.",
    "GateWaiver.check_code": "The code of a safeguards check.",
    "OrientationCurriculum.*": "A pre-departure course: title, destination, languages; it names no worker.",
    "OrientationModule.*": "A module of a course: topic, title, length.",
    "OrientationSession.*": "A dated session of a course: place or link; it names no worker.",
    "OrientationCertificate.number": "A random certificate code made to be checked, not to identify.",
    "OrientationCertificate.language": "An ISO 639-3 code.",
    "Passage.visa_status": "A status code.",
    "Passage.work_permit_status": "A status code.",
    "CheckIn.channel": "A channel code (phone, visit, online).",
    "RegistryVersion.*": "The name and random epoch of a counter; about no one.",
    "TitleMapping.*": "A job title from an employer's or a destination's list and the ESCO occupations it "
    "may mean; it names no worker.",
}


class CefrLevel(models.IntegerChoices):
    """Common European Framework of Reference levels, stored 1..6 so "at least B1" is a comparison."""

    A1 = 1, "A1"
    A2 = 2, "A2"
    B1 = 3, "B1"
    B2 = 4, "B2"
    C1 = 5, "C1"
    C2 = 6, "C2"


class WagePeriod(models.TextChoices):
    HOUR = "hour", _("per hour")
    DAY = "day", _("per day")
    WEEK = "week", _("per week")
    MONTH = "month", _("per month")
    YEAR = "year", _("per year")


class Scheme(VersionedModel):
    """A labour-mobility scheme: a bilateral agreement, a seasonal scheme or a skills partnership."""

    class Kind(models.TextChoices):
        BILATERAL_AGREEMENT = "bilateral_agreement", _("Bilateral labour agreement")
        SEASONAL_SCHEME = "seasonal_scheme", _("Seasonal worker scheme")
        SKILLS_PARTNERSHIP = "skills_partnership", _("Skills partnership")

    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    reference = models.CharField(_("reference"), max_length=100, blank=True)
    origin_countries = models.ManyToManyField(
        Country, related_name="+", verbose_name=_("countries of origin"), blank=True
    )
    destination_country = models.ForeignKey(
        Country, to_field="iso3", on_delete=models.PROTECT, related_name="+", verbose_name=_("destination")
    )
    occupation_uris = models.JSONField(_("occupations (ESCO URIs)"), default=list, blank=True)
    partners = models.TextField(_("partners"), blank=True)
    conditions = models.TextField(_("conditions"), blank=True)
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"), null=True, blank=True)
    health_g2g_agreement = models.BooleanField(
        _("government-to-government agreement covering health workers"), default=False
    )
    is_sample = models.BooleanField(_("sample data"), default=False)
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="labour_schemes",
        verbose_name=_("managing organisation"),
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)

    class Meta:
        ordering = ["title", "pk"]
        verbose_name = _("labour-mobility scheme")
        verbose_name_plural = _("labour-mobility schemes")
        permissions = [("waive_gate_check", _("Can waive a safeguards check with a reason"))]
        constraints = [
            models.CheckConstraint(condition=~Q(title=""), name="labour_scheme_title_not_empty"),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=F("start_date")),
                name="labour_scheme_dates_in_order",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class SchemeQuota(VersionedModel):
    scheme = models.ForeignKey(Scheme, on_delete=models.CASCADE, related_name="quotas")
    year = models.PositiveSmallIntegerField(_("year"))
    positions = models.PositiveIntegerField(_("positions"))

    class Meta:
        ordering = ["scheme", "year"]
        verbose_name = _("yearly quota")
        verbose_name_plural = _("yearly quotas")
        constraints = [models.UniqueConstraint(fields=["scheme", "year"], name="labour_quota_unique_year")]


class ShortageOccupation(VersionedModel):
    """An occupation on a destination's shortage list, as of a date, with the list it came from."""

    destination_country = models.ForeignKey(
        Country, to_field="iso3", on_delete=models.PROTECT, related_name="+", verbose_name=_("destination")
    )
    occupation_uri = models.CharField(_("occupation (ESCO URI)"), max_length=URI_MAX, blank=True)
    isco_code = models.CharField(_("ISCO-08 code"), max_length=4)
    listed_on = models.DateField(_("list date"))
    source = models.CharField(_("source"), max_length=300)
    source_url = models.URLField(_("source URL"), max_length=500, blank=True)

    class Meta:
        ordering = ["destination_country", "-listed_on", "isco_code"]
        verbose_name = _("shortage occupation")
        verbose_name_plural = _("shortage occupations")
        constraints = [
            models.UniqueConstraint(
                fields=["destination_country", "isco_code", "occupation_uri", "listed_on"],
                name="labour_shortage_unique",
            )
        ]


class Employer(VersionedModel):
    """An employing organisation, verified by the destination authority or the scheme."""

    organisation = models.OneToOneField(
        Organisation, on_delete=models.PROTECT, related_name="labour_employer", verbose_name=_("organisation")
    )
    country = models.ForeignKey(
        Country, to_field="iso3", on_delete=models.PROTECT, related_name="+", verbose_name=_("country")
    )
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    verified_at = models.DateTimeField(_("verified"), null=True, blank=True)
    verification_note = models.CharField(_("verification"), max_length=300, blank=True)

    class Meta:
        ordering = ["organisation__name"]
        verbose_name = _("employer")
        verbose_name_plural = _("employers")

    def __str__(self) -> str:
        return self.organisation.name


class IrisStatus(models.TextChoices):
    CERTIFIED = "certified", _("IRIS certified")
    IN_PROCESS = "in_process", _("IRIS certification in process")
    NOT_CERTIFIED = "not_certified", _("Not IRIS certified")
    SUSPENDED = "suspended", _("IRIS certification suspended")


class Recruiter(VersionedModel):
    """A private recruitment agency as a dated licence roster lists it."""

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="labour_recruiters",
        verbose_name=_("organisation"),
    )
    country = models.ForeignKey(
        Country, to_field="iso3", on_delete=models.PROTECT, related_name="+", verbose_name=_("country")
    )
    licence_number = models.CharField(_("licence number"), max_length=100, blank=True)
    licence_valid_from = models.DateField(_("licence valid from"), null=True, blank=True)
    licence_valid_to = models.DateField(_("licence valid to"), null=True, blank=True)
    iris_status = models.CharField(
        _("IRIS status"), max_length=20, choices=IrisStatus.choices, default=IrisStatus.NOT_CERTIFIED
    )
    roster_source = models.CharField(_("roster"), max_length=300)
    roster_date = models.DateField(_("roster date"))

    class Meta:
        ordering = ["organisation__name", "-roster_date"]
        verbose_name = _("recruiter")
        verbose_name_plural = _("recruiters")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "licence_number", "roster_date"], name="labour_recruiter_roster_entry"
            )
        ]

    def __str__(self) -> str:
        return self.organisation.name


class JobOrder(VersionedModel):
    class Approval(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")
        CLOSED = "closed", _("Closed")

    scheme = models.ForeignKey(Scheme, on_delete=models.PROTECT, related_name="job_orders")
    employer = models.ForeignKey(Employer, on_delete=models.PROTECT, related_name="job_orders")
    title = models.CharField(_("job title"), max_length=200)
    occupation_uri = models.CharField(_("occupation (ESCO URI)"), max_length=URI_MAX)
    isco_code = models.CharField(_("ISCO-08 code"), max_length=4, blank=True)
    essential_skill_uris = models.JSONField(_("essential skills"), default=list, blank=True)
    optional_skill_uris = models.JSONField(_("optional skills"), default=list, blank=True)
    languages = models.JSONField(
        _("languages"),
        default=list,
        blank=True,
        help_text=_('[{"code": "eng", "level": 3}] (CEFR 1=A1 … 6=C2)'),
    )
    positions = models.PositiveIntegerField(_("positions"))
    place = models.CharField(_("place of work"), max_length=200)
    destination_country = models.ForeignKey(
        Country, to_field="iso3", on_delete=models.PROTECT, related_name="+", verbose_name=_("country")
    )
    start_date = models.DateField(_("start date"))
    contract_months = models.PositiveSmallIntegerField(_("contract length (months)"))
    wage_amount = models.DecimalField(_("wage"), max_digits=12, decimal_places=2)
    wage_currency = models.CharField(_("currency"), max_length=3)
    wage_period = models.CharField(_("wage period"), max_length=10, choices=WagePeriod.choices)
    hours_per_week = models.DecimalField(_("hours per week"), max_digits=4, decimal_places=1)
    housing_terms = models.TextField(_("housing"), blank=True)
    travel_terms = models.TextField(_("travel"), blank=True)
    recruiter = models.ForeignKey(
        Recruiter, on_delete=models.PROTECT, null=True, blank=True, related_name="job_orders"
    )
    approval_status = models.CharField(
        _("approval"), max_length=12, choices=Approval.choices, default=Approval.DRAFT
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    approved_at = models.DateTimeField(_("approved"), null=True, blank=True)
    is_sample = models.BooleanField(_("sample data"), default=False)
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)

    class Meta:
        ordering = ["start_date", "pk"]
        verbose_name = _("job order")
        verbose_name_plural = _("job orders")
        # Employers and recruiters reach job orders through their organisation on a different path than
        # scheme officers, so each reach is a permission of its own (see migdev.labour.selectors).
        permissions = [
            ("view_own_joborder", _("Can see the job orders of their own organisation as employer")),
            (
                "view_assigned_joborder",
                _("Can see the job orders assigned to their organisation as recruiter"),
            ),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(positions__gte=1), name="labour_joborder_positions"),
            models.CheckConstraint(condition=Q(wage_amount__gt=0), name="labour_joborder_wage_positive"),
            models.CheckConstraint(condition=Q(contract_months__gte=1), name="labour_joborder_months"),
        ]

    def __str__(self) -> str:
        return self.title


class Sex(models.TextChoices):
    FEMALE = "female", pgettext_lazy("one person's sex", "Female")
    MALE = "male", pgettext_lazy("one person's sex", "Male")
    OTHER = "other", _("Other")
    NOT_STATED = "not_stated", _("Not stated")


class ConsentMethod(models.TextChoices):
    SIGNED_FORM = "signed_form", _("Signed form")
    ONLINE = "online", _("Online, by the worker")
    ORAL_WITNESSED = "oral_witnessed", _("Orally, witnessed by an officer")


class Worker(VersionedModel):
    """A job seeker in a country of origin. Everything that names or reaches the person is encrypted.

    ``birth_month`` (first day of the birth month) is kept in clear so the legal-age filter runs in SQL;
    only a worker in the border month has the encrypted date read. ``pseudonym`` is what employers see.
    """

    pseudonym = models.CharField(_("pseudonym"), max_length=12, unique=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="labour_worker",
        verbose_name=_("account"),
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="labour_workers",
        verbose_name=_("public employment service or migrant resource centre"),
    )
    country_of_residence = models.ForeignKey(
        Country,
        to_field="iso3",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("country of residence"),
    )
    given_name = EncryptedCharField(_("given name"), max_length=150)
    family_name = EncryptedCharField(_("family name"), max_length=150, blank=True)
    phone = EncryptedCharField(_("phone"), max_length=50, blank=True)
    email = EncryptedCharField(_("email"), max_length=254, blank=True)
    identity_document_number = EncryptedCharField(_("identity document number"), max_length=50, blank=True)
    notes = EncryptedTextField(_("notes"), blank=True)
    date_of_birth = EncryptedDateField(_("date of birth"))
    birth_month = models.DateField(_("birth month"))
    sex = models.CharField(_("sex"), max_length=12, choices=Sex.choices, default=Sex.NOT_STATED)
    languages = models.JSONField(_("languages"), default=list, blank=True)
    isced_level = models.PositiveSmallIntegerField(_("education (ISCED 2011 level)"), null=True, blank=True)
    occupation_uris = models.JSONField(_("occupations"), default=list, blank=True)
    isco_code = models.CharField(_("ISCO-08 code"), max_length=4, blank=True)
    skill_uris = models.JSONField(_("skills"), default=list, blank=True)
    experience_years = models.DecimalField(
        _("years of experience"), max_digits=4, decimal_places=1, default=0
    )
    available_from = models.DateField(_("available from"), null=True, blank=True)
    preferred_destinations = models.JSONField(_("preferred destinations"), default=list, blank=True)
    consent_processing_at = models.DateTimeField(_("consent to processing given"), null=True, blank=True)
    consent_processing_method = models.CharField(
        _("consent method"), max_length=20, choices=ConsentMethod.choices, blank=True
    )
    consent_processing_withdrawn_at = models.DateTimeField(_("consent withdrawn"), null=True, blank=True)
    is_sample = models.BooleanField(_("sample data"), default=False)
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)

    class Meta:
        ordering = ["pseudonym"]
        verbose_name = _("worker")
        verbose_name_plural = _("workers")
        permissions = [("view_own_worker", _("Can see and change their own worker profile"))]
        constraints = [
            models.CheckConstraint(
                condition=Q(isced_level__isnull=True) | Q(isced_level__lte=8), name="labour_worker_isced"
            ),
            models.CheckConstraint(condition=Q(experience_years__gte=0), name="labour_worker_experience"),
        ]

    def __str__(self) -> str:
        return self.pseudonym

    @property
    def consents_to_processing(self) -> bool:
        return self.consent_processing_at is not None and self.consent_processing_withdrawn_at is None


class SchemeConsent(VersionedModel):
    """The worker's consent to show their (pseudonymised) profile to the employers of one scheme."""

    worker = models.ForeignKey(Worker, on_delete=models.CASCADE, related_name="scheme_consents")
    scheme = models.ForeignKey(Scheme, on_delete=models.CASCADE, related_name="worker_consents")
    given_at = models.DateTimeField(_("given"))
    method = models.CharField(_("method"), max_length=20, choices=ConsentMethod.choices)
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)

    class Meta:
        verbose_name = _("consent to be shown to a scheme's employers")
        verbose_name_plural = _("consents to be shown to a scheme's employers")
        constraints = [
            models.UniqueConstraint(fields=["worker", "scheme"], name="labour_scheme_consent_unique")
        ]


class Application(VersionedModel):
    """One worker for one job order, from the shortlist to acceptance or refusal; every step dated."""

    class Stage(models.TextChoices):
        SHORTLISTED = "shortlisted", _("Shortlisted")
        INTERVIEW_PROPOSED = "interview_proposed", _("Interview proposed")
        INTERVIEW = "interview", _("Interview accepted")
        SELECTED = "selected", _("Selected")
        OFFER = "offer", _("Offer made")
        ACCEPTED = "accepted", _("Offer accepted")
        REFUSED = "refused", _("Refused")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        DEPLOYED = "deployed", _("Deployed")

    job_order = models.ForeignKey(JobOrder, on_delete=models.PROTECT, related_name="applications")
    worker = models.ForeignKey(Worker, on_delete=models.PROTECT, related_name="applications")
    stage = models.CharField(_("stage"), max_length=20, choices=Stage.choices, default=Stage.SHORTLISTED)
    score = models.FloatField(_("match score"), null=True, blank=True)
    sub_scores = models.JSONField(_("sub-scores"), default=dict, blank=True)
    explanation = models.JSONField(_("explanation"), default=dict, blank=True)
    shortlisted_at = models.DateTimeField(_("shortlisted"), default=timezone.now)
    shortlisted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    interview_proposed_at = models.DateTimeField(_("interview proposed"), null=True, blank=True)
    interview_accepted_at = models.DateTimeField(_("interview accepted by the worker"), null=True, blank=True)
    selected_at = models.DateTimeField(_("selected"), null=True, blank=True)
    offer_at = models.DateTimeField(_("offer made"), null=True, blank=True)
    accepted_at = models.DateTimeField(_("offer accepted"), null=True, blank=True)
    refused_at = models.DateTimeField(_("refused"), null=True, blank=True)
    refused_by_worker = models.BooleanField(_("refused by the worker"), default=False)
    deployed_at = models.DateTimeField(_("deployed"), null=True, blank=True)
    grievance_channel = models.CharField(_("grievance channel"), max_length=300, blank=True)
    grievance_channel_given_on = models.DateField(_("grievance channel given"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)

    class Meta:
        ordering = ["job_order", "-score", "pk"]
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        constraints = [
            models.UniqueConstraint(fields=["job_order", "worker"], name="labour_application_unique")
        ]

    def __str__(self) -> str:
        return f"{self.job_order} · {self.worker}"

    @property
    def identity_released(self) -> bool:
        """Whether the employer may see who the worker is: only once the worker accepted an interview."""
        return self.interview_accepted_at is not None


def new_epoch() -> str:
    return secrets.token_hex(8)


class RegistryVersion(models.Model):
    """A counter moved by every write that changes who may be shown or how a worker ranks, in the same
    transaction (``services.eligibility_refresh``). Each process keeps its shortlist columns for one value
    and re-reads only the workers whose ``WorkerEligibility.changed`` is above it: the database, not a
    process, says what is current. The row lock taken to move it orders the writers as they commit."""

    name = models.CharField(_("name"), max_length=20, primary_key=True)
    value = models.BigIntegerField(_("value"), default=0)
    # Set when the row is made: a database emptied or replaced (a restore, a test flush) starts a new epoch,
    # and a process holding columns of another epoch reads everything again.
    epoch = models.CharField(_("epoch"), max_length=32, default=new_epoch)

    class Meta:
        verbose_name = _("registry version")
        verbose_name_plural = _("registry versions")

    def __str__(self) -> str:
        return f"{self.name} {self.value}"


class WorkerEligibility(models.Model):
    """The columns deciding whether a worker may be shown, one narrow row a worker, kept by the services
    from the worker's record in the same transaction. ``changed`` is the ``RegistryVersion`` of the last
    write touching the worker (profile or consent). The exact birth date stays encrypted on the worker."""

    worker = models.OneToOneField(
        Worker, on_delete=models.CASCADE, primary_key=True, related_name="eligibility"
    )
    consenting = models.BooleanField(_("consents to processing"))
    country_of_residence = models.ForeignKey(
        Country, to_field="iso3", on_delete=models.PROTECT, related_name="+", db_index=False
    )
    birth_month = models.DateField(_("birth month"))
    changed = models.BigIntegerField(_("registry version of the last change"), db_index=True)

    class Meta:
        verbose_name = _("worker eligibility")
        verbose_name_plural = _("worker eligibilities")
        indexes = [
            models.Index(
                fields=["consenting", "country_of_residence", "birth_month"], name="labour_elig_filter"
            )
        ]

    def __str__(self) -> str:
        return str(self.worker_id)


class SchemeVisibility(models.Model):
    """A worker who may be shown to the employers of a scheme: consent to processing and to the scheme, both
    standing. Kept on write with the eligibility row; its composite index answers a scheme's shortlist
    filters (residence, birth month) from the index alone."""

    scheme = models.ForeignKey(Scheme, on_delete=models.CASCADE, related_name="+")
    worker = models.ForeignKey(Worker, on_delete=models.CASCADE, related_name="scheme_visibility")
    country_of_residence = models.ForeignKey(
        Country, to_field="iso3", on_delete=models.PROTECT, related_name="+", db_index=False
    )
    birth_month = models.DateField(_("birth month"))

    class Meta:
        verbose_name = _("worker shown to a scheme")
        verbose_name_plural = _("workers shown to a scheme")
        constraints = [
            models.UniqueConstraint(fields=["scheme", "worker"], name="labour_scheme_visibility_unique")
        ]
        indexes = [
            models.Index(
                fields=["scheme", "country_of_residence", "birth_month", "worker"],
                name="labour_visibility_filter",
            )
        ]

    def __str__(self) -> str:
        return f"{self.scheme_id} · {self.worker_id}"


class Contract(VersionedModel):
    """One revision of the employment contract of an application. A revision made after an earlier one
    was signed is a substitution: it blocks deployment until the worker agrees to it."""

    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="contracts")
    revision = models.PositiveSmallIntegerField(_("revision"))
    language = models.CharField(_("language (ISO 639-3)"), max_length=3)
    terms = EncryptedTextField(_("terms"), blank=True)
    wage_amount = models.DecimalField(_("wage"), max_digits=12, decimal_places=2)
    wage_currency = models.CharField(_("currency"), max_length=3)
    wage_period = models.CharField(_("wage period"), max_length=10, choices=WagePeriod.choices)
    hours_per_week = models.DecimalField(_("hours per week"), max_digits=4, decimal_places=1)
    given_to_worker_on = models.DateField(_("given to the worker"), null=True, blank=True)
    signed_on = models.DateField(_("signed by the worker"), null=True, blank=True)
    is_substitution = models.BooleanField(_("substitution after signature"), default=False)
    substitution_agreed_on = models.DateField(_("substitution agreed by the worker"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)

    class Meta:
        ordering = ["application", "revision"]
        verbose_name = _("contract")
        verbose_name_plural = _("contracts")
        constraints = [
            models.UniqueConstraint(fields=["application", "revision"], name="labour_contract_revision"),
            models.CheckConstraint(condition=Q(wage_amount__gt=0), name="labour_contract_wage_positive"),
        ]


class CostLine(VersionedModel):
    """A recruitment fee or related cost (ILO definition, 2019), with who paid it and any refund."""

    class Category(models.TextChoices):
        RECRUITMENT_FEE = "recruitment_fee", _("Recruitment fee")
        VISA = "visa", _("Visa and permits")
        TRAVEL = "travel", _("Travel")
        MEDICAL = "medical", _("Medical examination")
        TRAINING = "training", _("Training and orientation")
        DOCUMENTS = "documents", _("Documents")
        OTHER = "other", _("Other related cost")

    class Payer(models.TextChoices):
        EMPLOYER = "employer", _("Employer")
        WORKER = "worker", _("Worker")
        RECRUITER = "recruiter", _("Recruiter")
        GOVERNMENT = "government", _("Government")

    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="cost_lines")
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    description = EncryptedCharField(_("description"), max_length=200, blank=True)
    amount = models.DecimalField(_("amount"), max_digits=12, decimal_places=2)
    currency = models.CharField(_("currency"), max_length=3)
    paid_by = models.CharField(_("paid by"), max_length=12, choices=Payer.choices)
    paid_on = models.DateField(_("paid on"), null=True, blank=True)
    refunded_amount = models.DecimalField(_("refunded"), max_digits=12, decimal_places=2, default=0)
    refunded_on = models.DateField(_("refunded on"), null=True, blank=True)

    class Meta:
        ordering = ["application", "pk"]
        verbose_name = _("cost line")
        verbose_name_plural = _("cost lines")
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="labour_cost_amount_positive"),
            models.CheckConstraint(
                condition=Q(refunded_amount__gte=0) & Q(refunded_amount__lte=F("amount")),
                name="labour_cost_refund_within_amount",
            ),
        ]


class IdentityDocumentCustody(VersionedModel):
    """Who holds one of the worker's identity documents, from a date."""

    class Holder(models.TextChoices):
        WORKER = "worker", _("The worker")
        EMPLOYER = "employer", _("The employer")
        RECRUITER = "recruiter", _("The recruiter")

    class Document(models.TextChoices):
        PASSPORT = "passport", _("Passport")
        NATIONAL_ID = "national_id", _("National identity card")
        WORK_PERMIT = "work_permit", _("Work permit")

    worker = models.ForeignKey(Worker, on_delete=models.PROTECT, related_name="document_custody")
    document = models.CharField(_("document"), max_length=20, choices=Document.choices)
    held_by = models.CharField(_("held by"), max_length=12, choices=Holder.choices)
    since = models.DateField(_("since"))
    recorded_at = models.DateTimeField(_("recorded"), default=timezone.now)

    class Meta:
        ordering = ["worker", "document", "-since", "-pk"]
        verbose_name = _("identity document custody")
        verbose_name_plural = _("identity document custody")


class Complaint(VersionedModel):
    """A grievance the worker raised, logged to an outcome. Its text is about a person: encrypted."""

    class Outcome(models.TextChoices):
        OPEN = "open", _("Open")
        RESOLVED = "resolved", _("Resolved")
        REFERRED = "referred", _("Referred")
        DISMISSED = "dismissed", _("Dismissed")

    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="complaints")
    received_on = models.DateField(_("received"))
    summary = EncryptedTextField(_("summary"))
    outcome = models.CharField(_("outcome"), max_length=12, choices=Outcome.choices, default=Outcome.OPEN)
    outcome_on = models.DateField(_("outcome date"), null=True, blank=True)

    class Meta:
        ordering = ["application", "-received_on"]
        verbose_name = _("complaint")
        verbose_name_plural = _("complaints")


class GateWaiver(models.Model):
    """A safeguards check waived for one application: by whom, when and why. Never edited; a new waiver
    replaces nothing, and the gate shows the latest."""

    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="waivers")
    check_code = models.CharField(_("check"), max_length=30)
    reason = EncryptedTextField(_("reason"))
    waived_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    waived_at = models.DateTimeField(_("waived"), default=timezone.now)

    class Meta:
        ordering = ["application", "check_code", "-waived_at"]
        verbose_name = _("waived safeguards check")
        verbose_name_plural = _("waived safeguards checks")

    def __str__(self) -> str:
        return f"{self.application_id} · {self.check_code}"


# --- pre-departure orientation -------------------------------------------------------------------------


class OrientationTopic(models.TextChoices):
    """The modules of the Philippine pre-departure orientation seminar, as the issue lists them."""

    REALITIES = "realities", _("Realities of migration")
    DESTINATION = "destination", _("The destination country and its culture")
    CONTRACT_RIGHTS = "contract_rights", _("The contract and the worker's rights")
    FEES = "fees", _("Recruitment fees: what the worker never pays")
    HEALTH_SAFETY = "health_safety", _("Health and safety")
    MONEY = "money", _("Money and sending it home")
    GRIEVANCE = "grievance", _("Services and how to complain")
    TRAVEL = "travel", _("Travel")
    RETURN = "return", _("Return and reintegration")


class OrientationCurriculum(VersionedModel):
    """A pre-departure orientation course of one scheme, for its destination, in one or more languages."""

    scheme = models.ForeignKey(Scheme, on_delete=models.PROTECT, related_name="curricula")
    title = models.CharField(_("title"), max_length=200)
    languages = models.JSONField(_("languages (ISO 639-3)"), default=list, blank=True)
    is_sample = models.BooleanField(_("sample data"), default=False)
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)

    class Meta:
        ordering = ["scheme", "title", "pk"]
        verbose_name = _("orientation curriculum")
        verbose_name_plural = _("orientation curricula")
        constraints = [
            models.CheckConstraint(condition=~Q(title=""), name="labour_curriculum_title_not_empty"),
            models.UniqueConstraint(fields=["scheme", "title"], name="labour_curriculum_unique_title"),
        ]

    def __str__(self) -> str:
        return self.title


class OrientationModule(VersionedModel):
    curriculum = models.ForeignKey(OrientationCurriculum, on_delete=models.CASCADE, related_name="modules")
    position = models.PositiveSmallIntegerField(_("order"))
    topic = models.CharField(_("topic"), max_length=20, choices=OrientationTopic.choices)
    title = models.CharField(_("title"), max_length=200)
    minutes = models.PositiveSmallIntegerField(_("length (minutes)"))

    class Meta:
        ordering = ["curriculum", "position"]
        verbose_name = _("orientation module")
        verbose_name_plural = _("orientation modules")
        constraints = [
            models.UniqueConstraint(fields=["curriculum", "position"], name="labour_module_position"),
            models.CheckConstraint(condition=Q(minutes__gte=1), name="labour_module_minutes"),
        ]

    def __str__(self) -> str:
        return self.title


class OrientationSession(VersionedModel):
    """A dated session of a curriculum, in one language, at a place or online (or both)."""

    curriculum = models.ForeignKey(OrientationCurriculum, on_delete=models.PROTECT, related_name="sessions")
    language = models.CharField(_("language (ISO 639-3)"), max_length=3)
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    place = models.CharField(_("place"), max_length=200, blank=True)
    online_url = models.URLField(_("online link"), max_length=500, blank=True)
    capacity = models.PositiveIntegerField(_("places"), default=30)

    class Meta:
        ordering = ["starts_at", "pk"]
        verbose_name = _("orientation session")
        verbose_name_plural = _("orientation sessions")
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="labour_session_times"),
            models.CheckConstraint(
                condition=~Q(place="") | ~Q(online_url=""), name="labour_session_place_or_online"
            ),
            models.CheckConstraint(condition=Q(capacity__gte=1), name="labour_session_capacity"),
        ]

    def __str__(self) -> str:
        return f"{self.curriculum} · {self.starts_at:%Y-%m-%d}"


class OrientationAttendance(VersionedModel):
    """One worker (through their application) at one session: enrolled, then the modules they attended."""

    session = models.ForeignKey(OrientationSession, on_delete=models.PROTECT, related_name="attendances")
    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="orientation")
    modules_attended = models.ManyToManyField(OrientationModule, related_name="+", blank=True)
    enrolled_at = models.DateTimeField(_("enrolled"), default=timezone.now)
    recorded_at = models.DateTimeField(_("attendance recorded"), null=True, blank=True)

    class Meta:
        ordering = ["session", "pk"]
        verbose_name = _("orientation attendance")
        verbose_name_plural = _("orientation attendance")
        constraints = [
            models.UniqueConstraint(fields=["session", "application"], name="labour_attendance_unique")
        ]


class OrientationCertificate(models.Model):
    """Issued once every module of the curriculum was attended; never edited."""

    application = models.OneToOneField(
        Application, on_delete=models.PROTECT, related_name="orientation_certificate"
    )
    curriculum = models.ForeignKey(OrientationCurriculum, on_delete=models.PROTECT, related_name="+")
    number = models.CharField(_("certificate number"), max_length=20, unique=True)
    language = models.CharField(_("language (ISO 639-3)"), max_length=3)
    issued_on = models.DateField(_("issued"))
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("orientation certificate")
        verbose_name_plural = _("orientation certificates")

    def __str__(self) -> str:
        return self.number


# --- passage -------------------------------------------------------------------------------------------


class PermitStatus(models.TextChoices):
    NOT_STARTED = "not_started", _("Not applied for")
    APPLIED = "applied", _("Applied for")
    GRANTED = "granted", _("Granted")
    REFUSED = "refused", _("Refused")
    NOT_REQUIRED = "not_required", _("Not required")


class Passage(VersionedModel):
    """The worker's journey for one application: visa and work permit, departure, arrival, end, return."""

    application = models.OneToOneField(Application, on_delete=models.PROTECT, related_name="passage")
    visa_status = models.CharField(
        _("visa"), max_length=14, choices=PermitStatus.choices, default=PermitStatus.NOT_STARTED
    )
    work_permit_status = models.CharField(
        _("work permit"), max_length=14, choices=PermitStatus.choices, default=PermitStatus.NOT_STARTED
    )
    planned_departure_on = models.DateField(_("planned departure"), null=True, blank=True)
    departed_on = models.DateField(_("departed"), null=True, blank=True)
    arrived_on = models.DateField(_("arrival confirmed"), null=True, blank=True)
    contract_end_on = models.DateField(_("end of contract"), null=True, blank=True)
    returned_on = models.DateField(_("returned"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)

    class Meta:
        verbose_name = _("passage")
        verbose_name_plural = _("passages")
        constraints = [
            models.CheckConstraint(
                condition=Q(arrived_on__isnull=True) | Q(departed_on__isnull=False),
                name="labour_passage_arrival_after_departure_recorded",
            ),
            models.CheckConstraint(
                condition=Q(arrived_on__isnull=True) | Q(arrived_on__gte=F("departed_on")),
                name="labour_passage_arrival_not_before_departure",
            ),
            models.CheckConstraint(
                condition=Q(returned_on__isnull=True) | Q(returned_on__gte=F("arrived_on")),
                name="labour_passage_return_not_before_arrival",
            ),
        ]


class CheckIn(VersionedModel):
    """A contact scheduled some days after arrival; missed when not done by its due date plus grace."""

    class Channel(models.TextChoices):
        PHONE = "phone", _("Phone")
        VISIT = "visit", _("Visit")
        ONLINE = "online", _("Online")

    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="check_ins")
    days_after_arrival = models.PositiveSmallIntegerField(_("days after arrival"))
    due_on = models.DateField(_("due"))
    done_on = models.DateField(_("done"), null=True, blank=True)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices, blank=True)
    note = EncryptedTextField(_("note"), blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["due_on", "pk"]
        verbose_name = _("check-in")
        verbose_name_plural = _("check-ins")
        constraints = [
            models.UniqueConstraint(
                fields=["application", "days_after_arrival"], name="labour_checkin_unique"
            )
        ]
        indexes = [models.Index(fields=["done_on", "due_on"], name="labour_checkin_open_due")]


class CheckInAlert(models.Model):
    """A missed check-in, raised once (the one-to-one makes a second raise a no-op in any process)."""

    check_in = models.OneToOneField(CheckIn, on_delete=models.PROTECT, related_name="alert")
    raised_at = models.DateTimeField(_("raised"), default=timezone.now)
    raised_by_job = models.BigIntegerField(_("raised by job"), null=True, blank=True)
    acknowledged_at = models.DateTimeField(_("acknowledged"), null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-raised_at", "pk"]
        verbose_name = _("missed check-in alert")
        verbose_name_plural = _("missed check-in alerts")

    def __str__(self) -> str:
        return f"{self.check_in_id} · {self.raised_at:%Y-%m-%d}"


# --- imported job titles mapped to ESCO ----------------------------------------------------------------


class TitleMapping(VersionedModel):
    """A free-text job title from an imported list and the ESCO occupation it was mapped to.

    A title the skills search maps with confidence is applied at import (``mapped``); an ambiguous or
    unmatched one waits for a person to pick the occupation (``confirmed``) and nothing is created for it
    until then. The row's other values wait in ``payload``."""

    class Kind(models.TextChoices):
        SHORTAGE = "shortage", _("Shortage list")
        JOB_ORDER = "job_order", _("Job orders")

    class Status(models.TextChoices):
        MAPPED = "mapped", _("Mapped with confidence")
        AMBIGUOUS = "ambiguous", _("Ambiguous: to confirm")
        UNMATCHED = "unmatched", _("No match: to confirm")
        CONFIRMED = "confirmed", _("Confirmed by a person")

    kind = models.CharField(_("list"), max_length=12, choices=Kind.choices)
    source_file = models.CharField(_("file"), max_length=255)
    row = models.PositiveIntegerField(_("row"))
    title = models.CharField(_("job title"), max_length=300)
    language = models.CharField(_("language of the title"), max_length=2, default="en")
    destination_country = models.ForeignKey(
        Country, to_field="iso3", on_delete=models.PROTECT, related_name="+", verbose_name=_("destination")
    )
    candidates = models.JSONField(_("candidates"), default=list, blank=True)
    confidence = models.FloatField(_("confidence"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices)
    occupation_uri = models.CharField(_("occupation (ESCO URI)"), max_length=URI_MAX, blank=True)
    payload = models.JSONField(_("other values of the row"), default=dict, blank=True)
    shortage = models.ForeignKey(
        ShortageOccupation, on_delete=models.SET_NULL, null=True, blank=True, related_name="mappings"
    )
    # An imported job order is stored at once, without its occupation while the title waits; it cannot be
    # approved until a person confirms the occupation here.
    job_order = models.ForeignKey(
        JobOrder, on_delete=models.CASCADE, null=True, blank=True, related_name="title_mappings"
    )
    imported_at = models.DateTimeField(_("imported"), default=timezone.now)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)

    class Meta:
        ordering = ["status", "-imported_at", "row", "pk"]
        verbose_name = _("job-title mapping")
        verbose_name_plural = _("job-title mappings")
        permissions = [("confirm_titlemapping", _("Can confirm the occupation of an imported job title"))]

    def __str__(self) -> str:
        return self.title


# --- occupational stock (brain drain) and the SDG 10.7.1 publication ledger ------------------------------


class OccupationStock(models.Model):
    """How many workers of an ISCO-08 group a country has, as a source published it (load format
    ``labour-occupation-stock``). The brain-drain view sets placements against it; nothing is estimated
    where no figure is loaded. ``is_sample``: a fixture, never a headline."""

    country = models.ForeignKey(
        Country, to_field="iso3", on_delete=models.PROTECT, related_name="+", verbose_name=_("country")
    )
    isco_code = models.CharField(_("ISCO-08 group"), max_length=4)
    year = models.PositiveSmallIntegerField(_("year"))
    count = models.PositiveIntegerField(_("workers"))
    source = models.CharField(_("source"), max_length=300)
    edition = models.CharField(_("edition"), max_length=100)
    is_sample = models.BooleanField(_("sample data"), default=False)
    loaded_at = models.DateTimeField(_("loaded"), default=timezone.now)

    class Meta:
        ordering = ["country_id", "isco_code", "-year"]
        verbose_name = _("occupational stock figure")
        verbose_name_plural = _("occupational stock figures")
        constraints = [
            models.UniqueConstraint(
                fields=("country", "isco_code", "year", "source", "edition"), name="labour_stock_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.country_id} {self.isco_code} {self.year}: {self.count}"


class Sdg1071Basis(models.Model):
    """What one SDG 10.7.1 publication of a scheme drew on, kept to audit later editions against it
    (never published): each worker's version (application, cell keys, ratio) and the cells published,
    withheld, with the workers in each. See ``labour.sdg1071_ledger``."""

    scheme = models.ForeignKey(Scheme, on_delete=models.CASCADE, related_name="sdg1071_bases")
    edition = models.CharField(_("edition"), max_length=100)
    published_at = models.DateTimeField(_("published"), default=timezone.now)
    basis = models.JSONField(_("audit basis"), default=dict)
    audit = models.JSONField(_("audit against earlier editions"), default=dict, blank=True)

    class Meta:
        ordering = ["scheme_id", "published_at", "pk"]
        verbose_name = _("SDG 10.7.1 publication basis")
        verbose_name_plural = _("SDG 10.7.1 publication bases")

    def __str__(self) -> str:
        return self.edition
