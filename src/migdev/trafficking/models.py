"""Counter-trafficking records: HTCDS 2.0 cases and what hangs off them, and the CTDC analytic layer.

Identifying values (names, birth date, identity numbers, contacts, addresses, precise places and every
free-text field, which in practice holds names) are encrypted at rest with the field keys; see
:mod:`migdev.protection.fields`. Coded values (gender, citizenship, exploitation types…) stay in clear
so statistics can be computed in SQL, and are protected by the access layer like the rest of the case.

Models hold tables and constraints only; every write is in ``services.py``.
"""

from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from migdev.accounts.models import Organisation, UserGroup
from migdev.core.versioning import VersionedModel
from migdev.protection.fields import EncryptedCharField, EncryptedDateField, EncryptedTextField
from migdev.trafficking import htcds


def _list() -> list[Any]:
    return []


class Case(VersionedModel):
    """A person assisted by a counter-trafficking programme, with the HTCDS person, victim-context and case
    fields. ``version`` grows by one with every saved edit (optimistic locking)."""

    reference = models.CharField(_("case reference"), max_length=20, unique=True, editable=False)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="trafficking_cases",
        verbose_name=_("case owner"),
    )
    group = models.ForeignKey(
        UserGroup,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="trafficking_cases",
        verbose_name=_("team"),
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="trafficking_cases",
        verbose_name=_("organisation"),
    )

    # Person (prs_) — identifying values encrypted.
    salutation = EncryptedCharField(_("salutation"), max_length=40, blank=True)
    first_name = EncryptedCharField(_("first name"), max_length=150, blank=True)
    middle_name = EncryptedCharField(_("middle name"), max_length=150, blank=True)
    second_name = EncryptedCharField(_("second name"), max_length=150, blank=True)
    birth_date = EncryptedDateField(_("birth date"))
    gender = models.CharField(_("gender"), max_length=30, choices=htcds.Gender.choices, blank=True)
    deceased = models.BooleanField(_("deceased"), default=False)
    marital_status = models.CharField(
        _("marital status"), max_length=30, choices=htcds.MaritalStatus.choices, blank=True
    )
    number_of_children = models.PositiveSmallIntegerField(_("number of children"), null=True, blank=True)
    primary_language = models.CharField(_("primary language"), max_length=3, blank=True)
    secondary_language = models.CharField(_("secondary language"), max_length=3, blank=True)
    education_level = models.CharField(
        _("highest level of education"), max_length=40, choices=htcds.EducationLevel.choices, blank=True
    )
    citizenship = models.JSONField(
        _("citizenship"), default=_list, blank=True, help_text=_("ISO alpha-2 codes")
    )
    identity_number = EncryptedCharField(_("identity number"), max_length=100, blank=True)
    title = EncryptedCharField(_("title"), max_length=150, blank=True)
    email = EncryptedCharField(_("email"), max_length=254, blank=True)
    home_phone = EncryptedCharField(_("home phone"), max_length=20, blank=True)
    mobile_phone = EncryptedCharField(_("mobile phone"), max_length=20, blank=True)
    mailing_street = EncryptedCharField(_("mailing street"), max_length=255, blank=True)
    mailing_city = EncryptedCharField(_("mailing city"), max_length=150, blank=True)
    mailing_state = EncryptedCharField(_("mailing state or province"), max_length=150, blank=True)
    mailing_postal_code = EncryptedCharField(_("mailing postal code"), max_length=20, blank=True)
    mailing_country = models.CharField(_("mailing country"), max_length=2, blank=True)
    mailing_latitude = EncryptedCharField(_("latitude"), max_length=20, blank=True)
    mailing_longitude = EncryptedCharField(_("longitude"), max_length=20, blank=True)

    # Victim context (vic_)
    trafficking_status = models.CharField(
        _("trafficking status"), max_length=40, choices=htcds.TraffickingStatus.choices, blank=True
    )
    status_decision_organisation = models.CharField(
        _("trafficking status decided by"),
        max_length=40,
        choices=htcds.StatusDecisionOrganisation.choices,
        blank=True,
    )
    relationship_to_trafficker = models.CharField(
        _("relationship to trafficker"),
        max_length=20,
        choices=htcds.RelationshipToTrafficker.choices,
        blank=True,
    )
    age_when_trafficked = models.PositiveSmallIntegerField(_("age when trafficked"), null=True, blank=True)
    recruitment_websites = models.JSONField(_("recruitment websites and apps"), default=_list, blank=True)
    recruitment_methods = models.JSONField(_("methods of recruitment"), default=_list, blank=True)
    recruitment_country = models.CharField(_("country of recruitment"), max_length=2, blank=True)
    recruitment_location = EncryptedTextField(_("place of recruitment"), blank=True)
    control_methods = models.JSONField(_("methods of control"), default=_list, blank=True)
    exploitation_types = models.JSONField(_("types of exploitation"), default=_list, blank=True)
    labour_industries = models.JSONField(_("forced labour industries"), default=_list, blank=True)
    sex_exploitation_types = models.JSONField(_("types of sexual exploitation"), default=_list, blank=True)
    exploitation_country = models.CharField(_("country of exploitation"), max_length=2, blank=True)
    exploitation_location = EncryptedTextField(_("place of exploitation"), blank=True)
    exploitation_websites = models.JSONField(_("exploitation websites and apps"), default=_list, blank=True)
    vulnerabilities = models.JSONField(_("vulnerabilities"), default=_list, blank=True)
    vulnerability_details = EncryptedTextField(_("details of vulnerabilities"), blank=True)

    # Case (cas_)
    status = models.CharField(
        _("status"), max_length=20, choices=htcds.CaseStatus.choices, default=htcds.CaseStatus.ACTIVE
    )
    closure_reason = EncryptedTextField(_("reason for case closure"), blank=True)
    registered_on = models.DateField(_("registered on"), default=timezone.localdate)
    retention_until = models.DateField(_("keep identifying data until"))
    anonymised_at = models.DateTimeField(_("anonymised"), null=True, blank=True, editable=False)
    merged_into = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="merged_cases",
        verbose_name=_("merged into"),
        editable=False,
    )

    # Keyed hash of normalised name + birth date + citizenship (see crypto.blind_index).
    blind_index = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    blind_index_key_id = models.CharField(max_length=8, blank=True, editable=False)

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, editable=False
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["-registered_on", "-pk"]
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        permissions = [
            ("approve_case", _("Can approve closure and transfer of cases")),
            ("merge_case", _("Can merge duplicate cases")),
            ("override_consent", _("Can refer a case out without consent, with a justification")),
            ("export_case", _("Can export case lists")),
        ]
        indexes = [
            models.Index(fields=["retention_until", "anonymised_at"], name="trafficking_case_retention"),
            # The scope columns beside the id: a person search checks the scope of every case its tokens
            # point to, and reads this small index instead of the wide encrypted row.
            models.Index(fields=["id", "owner", "group", "organisation"], name="trafficking_case_scope"),
        ]

    def __str__(self) -> str:
        # Never the person's name: this string ends up in logs, audit rows and error reports.
        return self.reference


class CaseRecord(models.Model):
    """Base for the records that belong to one case; access to them is access to the case."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="+", verbose_name=_("case"))
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+", editable=False
    )

    class Meta:
        abstract = True


class Perpetrator(CaseRecord):
    """A person who took part in trafficking this case's person (HTCDS per_)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="perpetrators")
    name = EncryptedCharField(_("name or alias"), max_length=200, blank=True)
    gender = models.CharField(_("gender"), max_length=30, choices=htcds.Gender.choices, blank=True)
    age = models.PositiveSmallIntegerField(_("approximate age"), null=True, blank=True)
    citizenship = models.CharField(_("citizenship"), max_length=2, blank=True)
    relationship = models.CharField(
        _("relationship to the person"),
        max_length=20,
        choices=htcds.RelationshipToTrafficker.choices,
        blank=True,
    )
    roles = models.JSONField(_("roles in the process"), default=_list, blank=True)
    role_details = EncryptedTextField(_("role details"), blank=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("perpetrator")
        verbose_name_plural = _("perpetrators")

    def __str__(self) -> str:
        return f"{self.case_id}/perpetrator/{self.pk}"


class TraffickingEvent(CaseRecord):
    """A historic trafficking event: recruitment, transit or exploitation (HTCDS hte_)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    event_type = models.CharField(_("type"), max_length=20, choices=htcds.EventType.choices)
    date = models.DateField(_("date"), null=True, blank=True)
    country = models.CharField(_("country"), max_length=2, blank=True)
    state = EncryptedCharField(_("state or province"), max_length=150, blank=True)
    city = EncryptedCharField(_("city"), max_length=150, blank=True)
    street = EncryptedCharField(_("street"), max_length=255, blank=True)
    postal_code = EncryptedCharField(_("postal code"), max_length=20, blank=True)
    latitude = EncryptedCharField(_("latitude"), max_length=20, blank=True)
    longitude = EncryptedCharField(_("longitude"), max_length=20, blank=True)
    description = EncryptedTextField(_("description"), blank=True)

    class Meta:
        ordering = ["date", "pk"]
        verbose_name = _("trafficking event")
        verbose_name_plural = _("trafficking events")

    def __str__(self) -> str:
        return f"{self.case_id}/event/{self.pk}"


class SupportPlan(CaseRecord):
    """A support plan (HTCDS spl_)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="support_plans")
    plan_type = models.CharField(_("type"), max_length=40, choices=htcds.SupportPlanType.choices)
    objectives = EncryptedTextField(_("objectives"), blank=True)
    action_plan = EncryptedTextField(_("action plan"), blank=True)
    planned_end_date = models.DateField(_("planned end date"), null=True, blank=True)
    actual_end_date = models.DateField(_("actual end date"), null=True, blank=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("support plan")
        verbose_name_plural = _("support plans")

    def __str__(self) -> str:
        return f"{self.case_id}/plan/{self.pk}"


class ServiceDelivery(CaseRecord):
    """A service delivered to the person, under a support plan or not."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="services")
    plan = models.ForeignKey(
        SupportPlan, on_delete=models.SET_NULL, null=True, blank=True, related_name="services"
    )
    service_type = models.CharField(_("service"), max_length=40, choices=htcds.SupportPlanType.choices)
    delivered_on = models.DateField(_("delivered on"), default=timezone.localdate)
    provider = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("provider"),
    )
    notes = EncryptedTextField(_("notes"), blank=True)

    class Meta:
        ordering = ["-delivered_on", "-pk"]
        verbose_name = _("service delivered")
        verbose_name_plural = _("services delivered")

    def __str__(self) -> str:
        return f"{self.case_id}/service/{self.pk}"


class CaseComment(CaseRecord):
    """A formal update from a case worker (HTCDS cco_CaseComment)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="comments")
    body = EncryptedTextField(_("comment"))

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("case comment")
        verbose_name_plural = _("case comments")

    def __str__(self) -> str:
        return f"{self.case_id}/comment/{self.pk}"


class CaseTask(CaseRecord):
    """A follow-up a case worker must not forget: a call back, a hearing, a document to renew.

    The title says something about the person, so it is encrypted like every free text of a case.
    """

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="tasks")
    title = EncryptedCharField(_("what to do"), max_length=200)
    due_on = models.DateField(_("due on"), null=True, blank=True)
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="trafficking_tasks",
        verbose_name=_("assigned to"),
    )
    done_at = models.DateTimeField(_("done"), null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = [models.F("done_at").asc(nulls_first=True), models.F("due_on").asc(nulls_last=True), "pk"]
        verbose_name = _("follow-up task")
        verbose_name_plural = _("follow-up tasks")

    def __str__(self) -> str:
        return f"{self.case_id}/task/{self.pk}"


class CaseAttachment(CaseRecord):
    """A document kept with a case (a scan of a statement, a medical note, a decision).

    The file's content is encrypted with the field keys before it reaches storage, under a random name; its
    original name and description are encrypted fields. Reading it goes through the case's access function
    and is audited.
    """

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="attachments")
    original_name = EncryptedCharField(_("file name"), max_length=255)
    description = EncryptedCharField(_("description"), max_length=200, blank=True)
    content_type = models.CharField(_("type"), max_length=100, editable=False)
    size = models.PositiveIntegerField(_("size in bytes"), editable=False)
    storage_name = models.CharField(max_length=255, unique=True, editable=False)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        return f"{self.case_id}/attachment/{self.pk}"


class Consent(CaseRecord):
    """Consent for one purpose: who gave it, when, for what, and its withdrawal."""

    class Purpose(models.TextChoices):
        ASSISTANCE = "assistance", _("Assistance")
        SHARING = "sharing", _("Sharing with named partners")
        RESEARCH = "research", _("Research (non-identifying data)")

    class GivenBy(models.TextChoices):
        PERSON = "person", _("The person")
        GUARDIAN = "guardian", _("Parent or legal guardian")
        REPRESENTATIVE = "representative", _("Other legal representative")

    class Method(models.TextChoices):
        WRITTEN = "written", _("Written and signed")
        ORAL_RECORDED = "oral_recorded", _("Oral, recorded")
        ORAL_WITNESSED = "oral_witnessed", _("Oral, before a witness")
        ELECTRONIC = "electronic", _("Electronic")
        # Consents recorded before the method was asked for, or loaded from files that do not say.
        NOT_RECORDED = "not_recorded", _("Not recorded")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="consents")
    purpose = models.CharField(_("purpose"), max_length=20, choices=Purpose.choices)
    given_by = models.CharField(_("given by"), max_length=20, choices=GivenBy.choices, default=GivenBy.PERSON)
    given_by_name = EncryptedCharField(_("name of who gave it"), max_length=200, blank=True)
    method = models.CharField(
        _("how it was given"), max_length=20, choices=Method.choices, default=Method.NOT_RECORDED
    )
    given_at = models.DateTimeField(_("given"), default=timezone.now)
    expires_on = models.DateField(
        _("valid until"),
        null=True,
        blank=True,
        help_text=_("Consent no longer counts after this day; leave empty if it was given without a limit."),
    )
    partners = models.ManyToManyField(
        Organisation, blank=True, related_name="+", verbose_name=_("partners it covers")
    )
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)
    withdrawal_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-given_at", "-pk"]
        verbose_name = _("consent")
        verbose_name_plural = _("consents")

    def __str__(self) -> str:
        return f"{self.case_id}/consent/{self.pk}"

    @property
    def is_active(self) -> bool:
        """Not withdrawn and not expired: only such a consent opens the consent gate."""
        return self.withdrawn_at is None and (
            self.expires_on is None or self.expires_on >= timezone.localdate()
        )

    @property
    def is_expired(self) -> bool:
        return self.expires_on is not None and self.expires_on < timezone.localdate()


class Referral(CaseRecord):
    """A referral into or out of the programme (HTCDS Referral Details)."""

    class Direction(models.TextChoices):
        INCOMING = "in", _("Incoming")
        OUTGOING = "out", _("Outgoing")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="referrals")
    direction = models.CharField(_("direction"), max_length=3, choices=Direction.choices)
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("organisation"),
    )
    organisation_name = EncryptedCharField(_("organisation (if not listed)"), max_length=200, blank=True)
    case_worker_name = EncryptedCharField(_("primary case worker"), max_length=200, blank=True)
    referral_date = models.DateField(_("date"), default=timezone.localdate)
    reason = models.CharField(_("reason"), max_length=40, choices=htcds.ReferralReason.choices)
    details = EncryptedTextField(_("details"), blank=True)
    consent = models.ForeignKey(
        Consent,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="referrals",
        verbose_name=_("consent"),
    )
    override_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    override_justification = EncryptedTextField(_("justification for referring without consent"), blank=True)

    class Meta:
        ordering = ["-referral_date", "-pk"]
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")
        constraints = [
            models.CheckConstraint(
                name="trafficking_referral_out_has_consent_or_override",
                condition=(
                    models.Q(direction="in")
                    | models.Q(consent__isnull=False)
                    | models.Q(override_by__isnull=False)
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case_id}/referral/{self.pk}"

    @property
    def recipient(self) -> str:
        return str(self.organisation) if self.organisation_id else self.organisation_name


class DataTransfer(CaseRecord):
    """A transfer of case data to someone outside the case team: recipient, purpose and safeguards.

    Written for every outgoing referral and every case transfer. Recipient, purpose and safeguards are free
    text about the person's situation and are encrypted; the audit log gets references and field names only
    (case, recipient organisation, fields shared, consent), so the data protection officer sees who received
    what without seeing the case.
    """

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="transfers")
    referral = models.OneToOneField(
        Referral, on_delete=models.PROTECT, null=True, blank=True, related_name="transfer"
    )
    recipient = EncryptedCharField(_("recipient"), max_length=200)
    purpose = EncryptedCharField(_("purpose"), max_length=300)
    safeguards = EncryptedCharField(_("safeguards"), max_length=500)
    fields_shared = models.JSONField(_("fields shared"), default=_list, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("data transfer")
        verbose_name_plural = _("data transfers")

    def __str__(self) -> str:
        return f"{self.case_id}/transfer/{self.pk}"


class CaseRequest(CaseRecord):
    """A closure or transfer waiting for a supervisor's decision."""

    class Kind(models.TextChoices):
        CLOSURE = "closure", _("Closure")
        TRANSFER = "transfer", _("Transfer")

    class State(models.TextChoices):
        PENDING = "pending", _("Waiting for approval")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="requests")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.PENDING)
    closure_status = models.CharField(
        _("closed as"), max_length=20, choices=htcds.CaseStatus.choices, blank=True
    )
    reason = EncryptedTextField(_("reason"), blank=True)
    new_owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("new case worker"),
    )
    new_group = models.ForeignKey(
        UserGroup,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("new team"),
    )
    safeguards = EncryptedCharField(_("safeguards"), max_length=500, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = EncryptedTextField(_("decision note"), blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("case request")
        verbose_name_plural = _("case requests")
        constraints = [
            models.UniqueConstraint(
                fields=["case"],
                condition=models.Q(state="pending"),
                name="trafficking_one_pending_request_per_case",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case_id}/request/{self.pk}"


class PersonToken(models.Model):
    """One blind-index token of a case (see :mod:`migdev.trafficking.tokens`): a keyed hash, never a value.

    Written only by the service layer, from the case's identifying fields and those of the cases merged
    into it, so the surviving case is found under every spelling it was recorded with.
    """

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="+")
    kind = models.PositiveSmallIntegerField()
    token = models.BigIntegerField()

    class Meta:
        default_permissions = ()
        indexes = [models.Index(fields=["token", "kind", "case"], name="trafficking_token_lookup")]
        constraints = [
            models.UniqueConstraint(fields=["case", "kind", "token"], name="trafficking_token_once"),
        ]

    def __str__(self) -> str:
        return f"{self.case_id}/token/{self.pk}"


class NotSamePerson(models.Model):
    """A reviewer's decision that two cases are different people: the pair is never proposed again.

    The pair is stored with the lower case id first so it is found whichever case is looked at.
    """

    first = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="+")
    second = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="+")
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        default_permissions = ()
        constraints = [
            models.UniqueConstraint(fields=["first", "second"], name="trafficking_not_same_once"),
            models.CheckConstraint(
                condition=models.Q(first__lt=models.F("second")), name="trafficking_not_same_ordered"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.first_id}/not-same/{self.second_id}"


# --- data hub ------------------------------------------------------------------------------------------


class AnalyticSource(models.Model):
    """Where analytic records came from: a loaded CTDC file (with its edition) or this system's cases."""

    class Format(models.TextChoices):
        CASES = "cases", _("Cases in this system")
        CTDC_GLOBAL = "ctdc-global", _("CTDC Global Dataset (k-anonymised)")
        CTDC_SYNTHETIC = "ctdc-synthetic", _("CTDC Global Synthetic Dataset")
        CTDC_VP = "ctdc-vp", _("CTDC Global Victim-Perpetrator Synthetic Dataset")

    name = models.CharField(_("name"), max_length=200)
    data_format = models.CharField(_("format"), max_length=20, choices=Format.choices)
    edition = models.CharField(_("edition"), max_length=100, blank=True)
    file_name = models.CharField(_("file"), max_length=255, blank=True)
    sha256 = models.CharField(max_length=64, blank=True)
    record_count = models.PositiveIntegerField(_("records"), default=0)
    loaded_at = models.DateTimeField(_("loaded"), default=timezone.now)
    loaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-loaded_at", "-pk"]
        verbose_name = _("analytic source")
        verbose_name_plural = _("analytic sources")

    def __str__(self) -> str:
        return f"{self.name} {self.edition}".strip()

    @property
    def is_public(self) -> bool:
        """A loaded CTDC file is public (anyone can download it); this system's own cases are not."""
        return self.data_format != self.Format.CASES

    def summary(self) -> dict[str, Any]:
        """How a release or table names this source."""
        return {
            "id": self.pk,
            "name": self.name,
            "edition": self.edition,
            "format": self.data_format,
            "public": self.is_public,
            "sha256": self.sha256,
        }


class AnalyticRecord(models.Model):
    """One person in CTDC's harmonised terms (see :mod:`migdev.trafficking.ctdc`); no identifying value.

    ``case`` links a record derived from a case; it is cut when the case is anonymised, so the statistical
    record outlives the identifying one. Nobody reads these rows one by one: analysts get aggregates and
    releases built from them.
    """

    source = models.ForeignKey(AnalyticSource, on_delete=models.CASCADE, related_name="records")
    case = models.OneToOneField(
        Case, on_delete=models.SET_NULL, null=True, blank=True, related_name="analytic_record"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    group = models.ForeignKey(UserGroup, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    year_of_registration = models.PositiveSmallIntegerField(null=True, blank=True, db_index=True)
    registration_period = models.CharField(max_length=12, blank=True, null=True)
    data_source = models.CharField(max_length=20, blank=True, null=True)
    gender = models.CharField(max_length=30, blank=True, null=True)
    age_broad = models.CharField(max_length=8, blank=True, null=True)
    majority_status = models.CharField(max_length=8, blank=True, null=True)
    majority_status_at_exploit = models.CharField(max_length=8, blank=True, null=True)
    majority_entry = models.CharField(max_length=8, blank=True, null=True)
    citizenship = models.CharField(max_length=3, blank=True, null=True)
    citizenship_region = models.CharField(max_length=20, blank=True, null=True)
    country_of_exploitation = models.CharField(max_length=3, blank=True, null=True)
    exploitation_region = models.CharField(max_length=20, blank=True, null=True)
    traffick_months = models.CharField(max_length=8, blank=True, null=True)
    ip_gender = models.CharField(max_length=20, blank=True, null=True)
    ip_age_broad = models.CharField(max_length=40, blank=True, null=True)
    ip_citizen_region = models.CharField(max_length=60, blank=True, null=True)
    ip_relation = models.CharField(max_length=80, blank=True, null=True)
    ip_pay_money = models.CharField(max_length=8, blank=True, null=True)

    control_debt_bondage = models.BooleanField(null=True)
    control_takes_earnings = models.BooleanField(null=True)
    control_restricts_financial_access = models.BooleanField(null=True)
    control_threats = models.BooleanField(null=True)
    control_psychological_abuse = models.BooleanField(null=True)
    control_physical_abuse = models.BooleanField(null=True)
    control_sexual_abuse = models.BooleanField(null=True)
    control_false_promises = models.BooleanField(null=True)
    control_psychoactive_substances = models.BooleanField(null=True)
    control_restricts_movement = models.BooleanField(null=True)
    control_restricts_medical_care = models.BooleanField(null=True)
    control_excessive_working_hours = models.BooleanField(null=True)
    control_uses_children = models.BooleanField(null=True)
    control_threat_of_law_enforcement = models.BooleanField(null=True)
    control_withholds_necessities = models.BooleanField(null=True)
    control_withholds_documents = models.BooleanField(null=True)
    control_other = models.BooleanField(null=True)
    control_not_specified = models.BooleanField(null=True)
    means_debt_bondage_earnings = models.BooleanField(null=True)
    means_threats = models.BooleanField(null=True)
    means_abuse_psy_phy_sex = models.BooleanField(null=True)
    means_false_promises = models.BooleanField(null=True)
    means_drugs_alcohol = models.BooleanField(null=True)
    means_deny_basic_needs = models.BooleanField(null=True)
    means_excessive_work_hours = models.BooleanField(null=True)
    means_withhold_docs = models.BooleanField(null=True)
    is_forced_labour = models.BooleanField(null=True)
    is_sexual_exploit = models.BooleanField(null=True)
    is_other_exploit = models.BooleanField(null=True)
    is_sex_and_labour = models.BooleanField(null=True)
    is_forced_marriage = models.BooleanField(null=True)
    is_forced_military = models.BooleanField(null=True)
    is_organ_removal = models.BooleanField(null=True)
    is_slavery_and_practices = models.BooleanField(null=True)
    labour_agriculture = models.BooleanField(null=True)
    labour_aquafarming = models.BooleanField(null=True)
    labour_begging = models.BooleanField(null=True)
    labour_construction = models.BooleanField(null=True)
    labour_domestic_work = models.BooleanField(null=True)
    labour_hospitality = models.BooleanField(null=True)
    labour_illicit_activities = models.BooleanField(null=True)
    labour_manufacturing = models.BooleanField(null=True)
    labour_mining_or_drilling = models.BooleanField(null=True)
    labour_peddling = models.BooleanField(null=True)
    labour_transportation = models.BooleanField(null=True)
    labour_other = models.BooleanField(null=True)
    labour_not_specified = models.BooleanField(null=True)
    sex_prostitution = models.BooleanField(null=True)
    sex_pornography = models.BooleanField(null=True)
    sex_remote_interactive_services = models.BooleanField(null=True)
    sex_private_sexual_services = models.BooleanField(null=True)
    recruiter_intimate_partner = models.BooleanField(null=True)
    recruiter_friend = models.BooleanField(null=True)
    recruiter_family = models.BooleanField(null=True)
    recruiter_other = models.BooleanField(null=True)
    recruiter_unknown = models.BooleanField(null=True)
    ip_exploiter = models.BooleanField(null=True)
    ip_recruiter_broker = models.BooleanField(null=True)
    ip_transaction_process = models.BooleanField(null=True)
    ip_control_abuse_kidnap = models.BooleanField(null=True)
    is_abduction = models.BooleanField(null=True)
    # Derived by ctdc.complete(): the "yes" values of each multi-valued group as bits.
    mask_means_of_control = models.PositiveIntegerField(default=0)
    mask_means_merged = models.PositiveIntegerField(default=0)
    mask_type_of_exploit = models.PositiveIntegerField(default=0)
    mask_type_of_labour = models.PositiveIntegerField(default=0)
    mask_type_of_sex = models.PositiveIntegerField(default=0)
    mask_recruiter_relation = models.PositiveIntegerField(default=0)
    mask_perpetrator_role = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("analytic record")
        verbose_name_plural = _("analytic records")
        # The dashboard groups by each of these: an index per column turns each count into an index scan
        # of one narrow column instead of a scan of this wide table.
        indexes = [
            models.Index(fields=[name], name=f"trafficking_ar_{short}")
            for name, short in (
                ("registration_period", "period"),
                ("gender", "gender"),
                ("age_broad", "age"),
                ("majority_status", "majority"),
                ("citizenship", "citizenship"),
                ("citizenship_region", "cit_region"),
                ("country_of_exploitation", "exploitation"),
                ("exploitation_region", "exp_region"),
                ("mask_means_of_control", "m_control"),
                ("mask_means_merged", "m_means"),
                ("mask_type_of_exploit", "m_exploit"),
                ("mask_type_of_labour", "m_labour"),
                ("mask_type_of_sex", "m_sex"),
                ("mask_recruiter_relation", "m_recruiter"),
                ("mask_perpetrator_role", "m_roles"),
            )
        ]
        default_permissions = ("view",)
        permissions = [
            ("view_statistics", _("Can see statistics of analytic records")),
            ("load_analytic_records", _("Can load CTDC files")),
        ]

    def __str__(self) -> str:
        return f"analytic record {self.pk}"


class AnalyticCount(models.Model):
    """Analytic records per value of each published dimension, per source, organisation and group.

    The services that write analytic records keep these rows in step in the same transaction, so the
    published tables and the statistics pages add up a few hundred rows instead of scanning every record
    (scoped exactly like the records: by source, organisation and group). ``value`` is the JSON of the
    field's value (``null``: not recorded; for a multi-valued group, the bit mask of its "yes" values).
    Two rows may hold the same key (two first writes at once, a deleted group): readers add them up.
    """

    source = models.ForeignKey(AnalyticSource, on_delete=models.CASCADE, related_name="+")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    group = models.ForeignKey(UserGroup, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    dimension = models.CharField(max_length=40)
    value = models.CharField(max_length=80)
    count = models.IntegerField(default=0)

    class Meta:
        indexes = [models.Index(fields=["source", "dimension", "value"], name="trafficking_ac_key")]
        default_permissions = ()

    def __str__(self) -> str:
        return f"{self.dimension}={self.value}: {self.count}"


class Release(models.Model):
    """A candidate publication built from analytic records: never case rows.

    It becomes public only when a data protection officer approves it. Parameters and the privacy budget
    are kept with it; ``content`` is the released file (CSV) or tables (JSON).
    """

    class Kind(models.TextChoices):
        K_ANONYMISED = "k_anonymised", _("k-anonymised microdata")
        SYNTHETIC = "synthetic", _("Differentially private synthetic microdata")
        AGGREGATES = "aggregates", _("Aggregate tables")

    class State(models.TextChoices):
        DRAFT = "draft", _("Waiting for review")
        APPROVED = "approved", _("Approved and public")
        REJECTED = "rejected", _("Rejected")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.DRAFT)
    data_format = models.CharField(_("format"), max_length=20, blank=True)
    parameters = models.JSONField(_("parameters"), default=dict)
    report = models.JSONField(_("report"), default=dict)
    epsilon = models.FloatField(_("privacy budget (epsilon)"), null=True, blank=True)
    record_count = models.PositiveIntegerField(_("records or cells"), default=0)
    content = models.TextField(editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_note = models.TextField(_("review note"), blank=True)
    # What the release says about each non-public record it drew on (record id -> coded values) and the
    # counts it publishes, for the disclosure audit of later candidates (trafficking/ledger.py). Never
    # published or shown; no identifying value (coded CTDC categories only).
    audit_basis = models.JSONField(default=dict, blank=True, editable=False)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("release")
        verbose_name_plural = _("releases")
        permissions = [("approve_release", _("Can approve releases for publication"))]

    def __str__(self) -> str:
        return self.title


# Text columns of this module that stay in clear, and why. Every other text column is free text about a
# person, or may become one, and must be encrypted: tests/protection/test_storage.py walks the models (with
# migdev.protection.inventory) and fails on any text column that is neither encrypted, nor coded
# (``choices``), nor listed here.
CLEAR_TEXT_FIELDS: dict[str, str] = {
    "Case.reference": "generated case number, the one thing audit rows and logs may name",
    "Case.primary_language": "ISO 639 code",
    "Case.secondary_language": "ISO 639 code",
    "Case.mailing_country": "ISO 3166 code, checked against the country list",
    "Case.recruitment_country": "ISO 3166 code, checked against the country list",
    "Case.exploitation_country": "ISO 3166 code, checked against the country list",
    "Case.blind_index": "keyed hash (HMAC) of the normalised identity, never the identity",
    "Case.blind_index_key_id": "hash of the blind-index key, not the key",
    "Perpetrator.citizenship": "ISO 3166 code",
    "TraffickingEvent.country": "ISO 3166 code",
    "AnalyticSource.*": "name, edition and checksum of a loaded file; nothing about a person",
    "AnalyticRecord.*": "CTDC coded values only (no identifying value, see the model)",
    "AnalyticCount.*": "counts of CTDC coded values per source, organisation and group",
    "Release.*": "publication metadata and released aggregates or k-anonymised content",
    "PublicationLedgerEntry.*": "what was published: source names, kinds and hashes of released content",
    "CaseAttachment.content_type": "MIME type, chosen from a fixed list by the file's extension",
    "CaseAttachment.storage_name": "random storage name (a UUID), nothing of the original name",
}


class PublicationLedgerEntry(models.Model):
    """Everything ever published from a source: one row per approved release and source it drew on.

    Rows stay when a release is withdrawn (what was public once stays known) and when a source is
    deleted (the label is kept). ``derived`` holds what anyone can work out from the publication about
    the non-public records it drew on (see :func:`migdev.trafficking.aggregates.derive`); the next
    candidate over the same non-public sources is checked against it.
    """

    release = models.ForeignKey(Release, on_delete=models.PROTECT, related_name="ledger_entries")
    source = models.ForeignKey(
        AnalyticSource, on_delete=models.SET_NULL, null=True, blank=True, related_name="ledger_entries"
    )
    source_label = models.CharField(_("source"), max_length=300)
    source_public = models.BooleanField(_("public source"))
    kind = models.CharField(_("kind"), max_length=20, choices=Release.Kind.choices)
    sources = models.JSONField(default=list)  # every source the release drew on
    non_public_sources = models.JSONField(default=list)
    derived = models.JSONField(default=dict)
    content_sha256 = models.CharField(max_length=64)
    published_at = models.DateTimeField(_("published"), default=timezone.now)

    class Meta:
        ordering = ["published_at", "pk"]
        verbose_name = _("publication ledger entry")
        verbose_name_plural = _("publication ledger entries")
        constraints = [
            models.UniqueConstraint(fields=["release", "source_label"], name="trafficking_ledger_once")
        ]

    def __str__(self) -> str:
        return f"{self.source_label}: release {self.release_id}"
