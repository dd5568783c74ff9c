"""International instruments relevant to migration, and the dated actions of their parties.

A party list is an *edition*: the depositary's status table as someone copied it on a given date (``as_of``).
Editions of the same instrument load side by side; pages use the newest and say its date, because every
status is a status *as of* that date, never today's. Each action keeps the name the source printed, the
ISO 3166-1 alpha-3 code it was matched to (through the reviewed name table, never by guessing), its source
and the date of the snapshot it comes from.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from migdev.core.versioning import VersionedModel
from migdev.protection.fields import EncryptedCharField, EncryptedTextField
from migdev.reference.models import name_language

EU_CODE = "EU"  # the European Union: party to the Palermo protocols by approval, no ISO 3166 code

# Text columns kept in clear, and why they describe no one (ADR 0007; tests/protection/test_storage.py).
# Only the participants of trainings named with their consent are people: their name, email, institution,
# position and any note about them are encrypted (``TrainingParticipant``).
CLEAR_TEXT_FIELDS = {
    "Instrument.*": "a treaty or framework and the facts its sources give; public reference data",
    "Provision.*": "a provision of an instrument, its summary and sources; public reference data",
    "PartyList.*": "an edition of a depositary's status table: file name, format, sources",
    "PartyAction.*": "a State's (or the EU's) dated treaty action as the depositary printed it; no person",
    "Statement.*": "a State's reservation or declaration as the depositary printed it; no person",
    "Training.*": "a training's public record: title, organisers, counts, follow-up of the training; it names "
    "no participant (named participants with consent are TrainingParticipant rows, encrypted)",
    "Implementation.*": "a link from a national law to an instrument, an editor's note and source",
    "AssistanceRequest.*": "a government's request for assistance on legislation and the agencies involved",
    "TrainingParticipant.name_index": "a keyed hash (blind index) of the normalised name, to refuse the same "
    "person twice in one training; names no one without the separate index key, and is erased with the name",
}


class Instrument(VersionedModel):
    """A convention, protocol or non-binding framework, with the facts its source gives (blank otherwise)."""

    code = models.CharField(_("code"), max_length=20, unique=True)
    body = models.CharField(_("body"), max_length=20)
    kind = models.CharField(_("type"), max_length=120)
    binding = models.BooleanField(_("legally binding"))
    title_en = models.CharField(_("title (English)"), max_length=400)
    title_fr = models.CharField(_("title (French)"), max_length=400, blank=True)
    title_es = models.CharField(_("title (Spanish)"), max_length=400, blank=True)
    title_source = models.TextField(_("source of the titles"), blank=True)
    adopted_on = models.DateField(_("adopted on"), null=True, blank=True)
    adopted_year = models.PositiveSmallIntegerField(_("year of adoption"), null=True, blank=True)
    adoption_place = models.TextField(_("place or body of adoption"), blank=True)
    adoption_source = models.TextField(_("source of the adoption"), blank=True)
    entry_into_force = models.DateField(_("entry into force"), null=True, blank=True)
    entry_into_force_source = models.TextField(_("source of the entry into force"), blank=True)
    depositary = models.CharField(_("depositary"), max_length=200, blank=True)
    depositary_source = models.TextField(_("source of the depositary"), blank=True)
    reference_url = models.CharField(_("depositary's page"), max_length=300, blank=True)
    independent_count = models.PositiveIntegerField(_("parties stated by an independent source"), null=True)
    independent_count_as_of = models.CharField(_("date of that statement"), max_length=200, blank=True)
    independent_count_source = models.TextField(_("source of that statement"), blank=True)
    later_count = models.PositiveIntegerField(_("later count of parties"), null=True)
    later_count_as_of = models.CharField(_("date of the later count"), max_length=200, blank=True)
    later_count_source = models.TextField(_("source of the later count"), blank=True)
    notes = models.TextField(_("notes"), blank=True)
    topics = models.ManyToManyField("coordination.Topic", blank=True, verbose_name=_("topics"))
    gcm_objectives = models.ManyToManyField(
        "coordination.GcmObjective", blank=True, verbose_name=_("Global Compact objectives")
    )
    source = models.CharField(_("source file"), max_length=200)

    class Meta:
        ordering = ["code"]
        verbose_name = _("instrument")
        verbose_name_plural = _("instruments")

    def __str__(self) -> str:
        return self.code

    @property
    def title(self) -> str:
        """The title in the active language; English where the source gives no translation."""
        localised: str = getattr(self, f"title_{name_language()}")
        return localised or self.title_en

    @property
    def title_is_translated(self) -> bool:
        return bool(getattr(self, f"title_{name_language()}"))


class ProvisionTextKind(models.TextChoices):
    """What the text of a provision is: never a summary shown as the instrument's own words."""

    SUMMARY = "summary", _("Summary by migdev, not the official text")
    OFFICIAL = "official", _("Quotation of the official text")


class Provision(VersionedModel):
    """A provision of an instrument relevant to migration, tagged by migdev's editors with the platform's
    topics and the Global Compact objectives it serves.

    ``text`` is either a plain-language summary written by migdev (``text_kind`` "summary", labelled so on
    every page and in the API) or the official wording (``text_kind`` "official"). ``quotation`` may add a
    short quotation of the official wording, read on the page ``source`` names. ``official_url`` is the
    address of the instrument's official text."""

    instrument = models.ForeignKey(
        Instrument, on_delete=models.CASCADE, related_name="provisions", verbose_name=_("instrument")
    )
    reference = models.CharField(
        _("provision"), max_length=60, help_text=_("As the instrument numbers it: Article 11(2).")
    )
    title = models.CharField(
        _("heading"),
        max_length=200,
        blank=True,
        help_text=_(
            "The article's official heading, as read on the page named below; empty where the article has none "
            "or where no page read showed it."
        ),
    )
    text = models.TextField(_("text"))
    text_kind = models.CharField(
        _("kind of text"),
        max_length=8,
        choices=ProvisionTextKind.choices,
        default=ProvisionTextKind.SUMMARY,
    )
    quotation = models.TextField(
        _("quotation of the official text"),
        blank=True,
        help_text=_("A short quotation of the official wording, exactly as read on the page named below."),
    )
    official_url = models.URLField(_("address of the official text"), max_length=300, blank=True)
    source = models.TextField(
        _("page read"),
        help_text=_("The page on which the article number, heading (and quotation) were read."),
    )
    topics = models.ManyToManyField("coordination.Topic", blank=True, verbose_name=_("topics"))
    gcm_objectives = models.ManyToManyField(
        "coordination.GcmObjective", blank=True, verbose_name=_("Global Compact objectives")
    )
    loaded_from = models.CharField(_("file"), max_length=200)

    class Meta:
        ordering = ["instrument__code", "pk"]
        verbose_name = _("provision")
        verbose_name_plural = _("provisions")
        constraints = [
            models.UniqueConstraint(
                fields=["instrument", "reference"], name="law_one_provision_per_reference"
            )
        ]

    def __str__(self) -> str:
        return f"{self.instrument.code} {self.reference}"


class PartyList(models.Model):
    """One edition of an instrument's party list: the status table as copied on ``as_of``."""

    instrument = models.ForeignKey(
        Instrument, on_delete=models.CASCADE, related_name="party_lists", verbose_name=_("instrument")
    )
    as_of = models.DateField(_("status as of"))
    format_name = models.CharField(_("format"), max_length=60)
    file_name = models.CharField(_("file"), max_length=255)
    sources = models.TextField(_("sources"))
    loaded_at = models.DateTimeField(_("loaded at"))

    class Meta:
        ordering = ["instrument__code", "-as_of"]
        verbose_name = _("party list")
        verbose_name_plural = _("party lists")
        constraints = [
            models.UniqueConstraint(fields=["instrument", "as_of"], name="law_one_party_list_per_date")
        ]

    def __str__(self) -> str:
        return f"{self.instrument.code} {self.as_of.isoformat()}"


class ActionKind(models.TextChoices):
    SIGNATURE = "signature", _("Signature")
    RATIFICATION = "ratification", _("Ratification")
    ACCESSION = "accession", _("Accession")
    SUCCESSION = "succession", _("Succession")
    ACCEPTANCE = "acceptance", _("Acceptance")
    APPROVAL = "approval", _("Approval")
    CONSENT = "consent", _("Ratification or accession (type not given by the source)")
    DENUNCIATION = "denunciation", _("Denunciation")
    LISTED = "listed", _("Listed without a date")


CONSENT_KINDS = frozenset(
    {
        ActionKind.RATIFICATION,
        ActionKind.ACCESSION,
        ActionKind.SUCCESSION,
        ActionKind.ACCEPTANCE,
        ActionKind.APPROVAL,
        ActionKind.CONSENT,
    }
)


class Precision(models.TextChoices):
    DAY = "day", _("Exact day")
    YEAR = "year", _("Year only")
    NONE = "none", _("No date")


class PartyAction(VersionedModel):
    """A dated action of one participant in one edition: signature, consent to be bound, denunciation."""

    party_list = models.ForeignKey(
        PartyList, on_delete=models.CASCADE, related_name="actions", verbose_name=_("party list")
    )
    participant_code = models.CharField(
        _("participant"), max_length=3, db_index=True, help_text=_("ISO 3166-1 alpha-3, or EU")
    )
    name_as_printed = models.CharField(_("name as the source printed it"), max_length=200)
    entity_type = models.CharField(_("type of participant"), max_length=80)
    kind = models.CharField(_("action"), max_length=20, choices=ActionKind.choices)
    date = models.DateField(_("date"), null=True, blank=True)
    year = models.PositiveSmallIntegerField(_("year"), null=True, blank=True)
    precision = models.CharField(_("precision"), max_length=4, choices=Precision.choices)
    raw = models.CharField(_("cell as printed"), max_length=200, blank=True)
    source = models.TextField(_("source"))
    note = models.TextField(_("note"), blank=True)
    as_of = models.DateField(_("snapshot date"))
    row = models.PositiveIntegerField(_("row in the file"))

    class Meta:
        ordering = ["participant_code", "date", "year"]
        verbose_name = _("party action")
        verbose_name_plural = _("party actions")
        indexes = [models.Index(fields=["party_list", "participant_code"])]

    def __str__(self) -> str:
        return f"{self.participant_code} {self.kind} {self.date or self.year or ''}"


class StatementKind(models.TextChoices):
    RESERVATION = "reservation", _("Reservation")
    DECLARATION = "declaration", _("Declaration")
    OBJECTION = "objection", _("Objection")
    UNSPECIFIED = "unspecified", _("Reservation or declaration (type not given by the source)")


class Statement(VersionedModel):
    """A reservation, declaration or objection made with one party action (usually the consent to be bound),
    as the source printed it: the text is the depositary's, never paraphrased."""

    action = models.ForeignKey(
        PartyAction, on_delete=models.CASCADE, related_name="statements", verbose_name=_("party action")
    )
    kind = models.CharField(_("kind"), max_length=12, choices=StatementKind.choices)
    made_on = models.DateField(_("made on"), null=True, blank=True)
    text = models.TextField(_("text"))
    source = models.TextField(_("source"))
    row = models.PositiveIntegerField(_("row in the file"))

    class Meta:
        ordering = ["action__participant_code", "made_on", "pk"]
        verbose_name = _("reservation or declaration")
        verbose_name_plural = _("reservations and declarations")

    def __str__(self) -> str:
        return f"{self.action.participant_code} {self.kind}"


class Training(VersionedModel):
    """A training or workshop on migration law (capacity building): who took part, as counts only.

    The figures are counts by sex and by kind of institution, which must add up to the same total; they are
    the training's figures whoever is named. A participant is named only with their consent, in a
    ``TrainingParticipant`` row (encrypted), and the named ones never exceed the counts (see there).
    Only the organising organisation (``organisation``, the platform's organisation, beside the organisers as
    text) names participants, unless the user has rights over every organisation (``law.access``).
    Materials are records of the hub's research library. ``is_sample`` marks demonstration records; reports
    leave them out unless asked.
    """

    reference = models.CharField(
        _("reference"),
        max_length=60,
        unique=True,
        help_text=_("Stable key: an import with it updates the record."),
    )
    title = models.CharField(_("title"), max_length=300)
    topic = models.ForeignKey(
        "coordination.Topic", on_delete=models.PROTECT, related_name="law_trainings", verbose_name=_("topic")
    )
    country_iso3 = models.CharField(_("country"), max_length=3, help_text=_("ISO 3166-1 alpha-3"))
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    organisers = models.CharField(_("organisers"), max_length=300)
    # The organisers as text say who organised it, as the source printed it; this reference says which
    # organisation of the platform did, and decides who may name the training's participants.
    organisation = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="law_trainings",
        verbose_name=_("organising organisation"),
        help_text=_(
            "The platform's organisation that organised the training: its partners may name participants. "
            "Empty: only users with rights over every organisation may name them."
        ),
    )
    instruments = models.ManyToManyField(
        Instrument, blank=True, related_name="trainings", verbose_name=_("instruments")
    )
    women = models.PositiveIntegerField(_("women"))
    men = models.PositiveIntegerField(_("men"))
    sex_not_recorded = models.PositiveIntegerField(_("sex not recorded"))
    ministries = models.PositiveIntegerField(_("from ministries"))
    agencies = models.PositiveIntegerField(_("from government agencies"))
    civil_society = models.PositiveIntegerField(_("from civil society"))
    other_institutions = models.PositiveIntegerField(_("from other institutions"))
    pre_test_mean = models.DecimalField(
        _("pre-test mean score (%)"), max_digits=5, decimal_places=2, null=True
    )
    post_test_mean = models.DecimalField(
        _("post-test mean score (%)"), max_digits=5, decimal_places=2, null=True
    )
    follow_up = models.TextField(_("follow-up"), blank=True)
    activity = models.ForeignKey(
        "coordination.Activity",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="law_trainings",
        verbose_name=_("funding activity"),
    )
    source = models.CharField(_("source"), max_length=200)
    is_sample = models.BooleanField(_("sample data"), default=False)
    materials = models.ManyToManyField(
        "coordination.Publication",
        blank=True,
        related_name="law_trainings",
        verbose_name=_("materials (research library)"),
    )

    class Meta:
        ordering = ["-starts_on", "reference"]
        verbose_name = _("training")
        verbose_name_plural = _("trainings")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")), name="law_training_dates"
            )
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def participants(self) -> int:
        return self.women + self.men + self.sex_not_recorded


class ParticipantSex(models.TextChoices):
    """The columns of the training's counts by sex."""

    WOMAN = "woman", _("Woman")
    MAN = "man", _("Man")
    NOT_RECORDED = "not_recorded", _("Sex not recorded")


class InstitutionKind(models.TextChoices):
    """The columns of the training's counts by kind of institution."""

    MINISTRY = "ministry", _("Ministry")
    AGENCY = "agency", _("Government agency")
    CIVIL_SOCIETY = "civil_society", _("Civil society")
    OTHER = "other", _("Other institution")


class ConsentPurpose(models.TextChoices):
    """What the participant agreed to, as the organiser asked it."""

    RECORD = "record", _("To be named in the training's record of participants")
    FOLLOW_UP = "follow_up", _("To be named in the record and contacted for the training's follow-up")


# Which count column of ``Training`` a named participant falls under.
SEX_COLUMN = {
    ParticipantSex.WOMAN: "women",
    ParticipantSex.MAN: "men",
    ParticipantSex.NOT_RECORDED: "sex_not_recorded",
}
INSTITUTION_COLUMN = {
    InstitutionKind.MINISTRY: "ministries",
    InstitutionKind.AGENCY: "agencies",
    InstitutionKind.CIVIL_SOCIETY: "civil_society",
    InstitutionKind.OTHER: "other_institutions",
}


class TrainingParticipant(VersionedModel):
    """A participant of a training named with their consent. Everything that identifies them (name, email,
    institution, position, note) and their own pre- and post-test scores are encrypted at rest; sex and kind of institution are coded, and a named
    participant is one of the training's counts, never in addition to them.

    Without consent a participant is only counted (on ``Training``): the row cannot exist with a name and no
    consent (check constraint). A withdrawal erases the identifying fields and the blind index and keeps the
    row as the record that a consent was given and withdrawn; the training's counts do not change (the person
    still took part). Reads of names go through ``law.access.participants_read`` (scoped, audited) only.
    """

    training = models.ForeignKey(
        Training, on_delete=models.CASCADE, related_name="named_participants", verbose_name=_("training")
    )
    name = EncryptedCharField(_("name"), max_length=200, null=True, blank=True)
    email = EncryptedCharField(_("email"), max_length=254, null=True, blank=True)
    institution = EncryptedCharField(_("institution"), max_length=300, null=True, blank=True)
    position = EncryptedCharField(_("position or role"), max_length=200, null=True, blank=True)
    note = EncryptedTextField(_("note"), null=True, blank=True)
    # A person's own results are data about them: encrypted like the name, as a decimal's text ("72.5"),
    # and never summed into the training's means, which stay the training's own figures.
    pre_test_score = EncryptedCharField(_("pre-test score (%)"), max_length=6, null=True, blank=True)
    post_test_score = EncryptedCharField(_("post-test score (%)"), max_length=6, null=True, blank=True)
    name_index = models.CharField(max_length=64, blank=True, editable=False)
    sex = models.CharField(_("sex"), max_length=12, choices=ParticipantSex.choices)
    institution_kind = models.CharField(
        _("kind of institution"), max_length=13, choices=InstitutionKind.choices
    )
    consent_given_on = models.DateField(_("consent given on"), null=True, blank=True)
    consent_purpose = models.CharField(
        _("purpose of the consent"), max_length=10, choices=ConsentPurpose.choices
    )
    consent_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("consent recorded by"),
    )
    consent_recorded_at = models.DateTimeField(_("consent recorded at"), default=timezone.now)
    consent_withdrawn_at = models.DateTimeField(_("consent withdrawn at"), null=True, blank=True)
    organisation = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded for the organisation"),
    )
    is_sample = models.BooleanField(_("sample data"), default=False)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("named participant")
        verbose_name_plural = _("named participants")
        constraints = [
            # Named only with consent; withdrawn means erased.
            models.CheckConstraint(
                condition=(
                    models.Q(
                        name__isnull=False,
                        consent_given_on__isnull=False,
                        consent_withdrawn_at__isnull=True,
                    )
                    | models.Q(
                        name__isnull=True,
                        email__isnull=True,
                        institution__isnull=True,
                        position__isnull=True,
                        note__isnull=True,
                        pre_test_score__isnull=True,
                        post_test_score__isnull=True,
                        name_index="",
                        consent_withdrawn_at__isnull=False,
                    )
                ),
                name="law_participant_named_only_with_consent",
            ),
            models.UniqueConstraint(
                fields=["training", "name_index"],
                condition=~models.Q(name_index=""),
                name="law_participant_once_per_training",
            ),
        ]

    def __str__(self) -> str:
        return f"participant {self.pk} of training {self.training_id}"  # never the name

    @property
    def is_named(self) -> bool:
        return self.consent_withdrawn_at is None


class Implementation(VersionedModel):
    """A link from a national law or policy (the policy database) to an instrument it implements, with the
    Global Compact objectives the law serves, as an editor recorded it.

    A law that serves Global Compact objectives without implementing a binding instrument is linked to the
    Global Compact itself (instrument ``GCM``) with those objectives."""

    policy = models.ForeignKey(
        "coordination.MigrationPolicy",
        on_delete=models.CASCADE,
        related_name="law_implementations",
        verbose_name=_("law or policy"),
    )
    instrument = models.ForeignKey(
        Instrument, on_delete=models.CASCADE, related_name="implementations", verbose_name=_("instrument")
    )
    gcm_objectives = models.ManyToManyField(
        "coordination.GcmObjective",
        blank=True,
        related_name="law_implementations",
        verbose_name=_("Global Compact objectives"),
    )
    note = models.TextField(_("note"), blank=True)
    source = models.CharField(_("source"), max_length=200)

    class Meta:
        ordering = ["instrument__code"]
        verbose_name = _("implementation")
        verbose_name_plural = _("implementations")
        constraints = [
            models.UniqueConstraint(
                fields=["policy", "instrument"], name="law_one_link_per_policy_and_instrument"
            )
        ]

    def __str__(self) -> str:
        return f"{self.policy_id} → {self.instrument_id}"


class AssistanceStage(models.TextChoices):
    REQUESTED = "requested", _("Request received")
    ASSESSMENT = "assessment", _("Assessment of the law")
    DRAFTING = "drafting", _("Drafting support")
    REVIEW = "review", _("Review of a draft")
    ADOPTED = "adopted", _("Law adopted")
    CLOSED = "closed", _("Closed without adoption")
    DECLINED = "declined", _("Request declined")


class AssistanceRequest(VersionedModel):
    """A government's request for technical assistance on its migration legislation, and the support given.

    It *is* an activity of the registry: each request is one ``coordination.Activity`` (area "migration
    law"), created and kept in step by the law services, so it is listed, exported and counted with the other
    activities and seen by exactly the people who may see that activity.
    """

    activity = models.OneToOneField(
        "coordination.Activity",
        on_delete=models.CASCADE,
        related_name="law_assistance",
        verbose_name=_("registry activity"),
    )
    country_iso3 = models.CharField(
        _("country"), max_length=3, db_index=True, help_text=_("ISO 3166-1 alpha-3")
    )
    law = models.ForeignKey(
        "coordination.MigrationPolicy",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="law_assistance_requests",
        verbose_name=_("law in the policy database"),
    )
    law_title = models.CharField(
        _("law or draft"),
        max_length=300,
        help_text=_("As the request names it (a draft may not be in the policy database yet)."),
    )
    stage = models.CharField(_("stage"), max_length=12, choices=AssistanceStage.choices)
    requested_on = models.DateField(_("requested on"))
    requesting_agency = models.CharField(_("requesting agency"), max_length=300)
    supporting_agencies = models.CharField(_("agencies giving support"), max_length=300, blank=True)
    support_given = models.TextField(_("support given"), blank=True)
    support_started = models.DateField(_("support started"), null=True, blank=True)
    support_ended = models.DateField(_("support ended"), null=True, blank=True)
    instruments = models.ManyToManyField(
        Instrument, blank=True, related_name="assistance_requests", verbose_name=_("instruments")
    )
    source = models.CharField(_("source"), max_length=300)

    class Meta:
        ordering = ["-requested_on", "pk"]
        verbose_name = _("technical assistance request")
        verbose_name_plural = _("technical assistance requests")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(support_ended__isnull=True)
                | models.Q(support_started__isnull=True)
                | models.Q(support_ended__gte=models.F("support_started")),
                name="law_assistance_support_dates",
            )
        ]

    def __str__(self) -> str:
        return f"{self.country_iso3}: {self.law_title}"
