"""Coordination hub: processes and who takes part, meetings and their topics, the activity registry,
initiatives with their consultations, and the practices repository.

States are stored as ISO 3166-1 alpha-3 codes (never names) so that records survive renamed countries and
join with every other module on the same key; `migdev.coordination.countries` checks and labels them.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from migdev.accounts.models import Organisation
from migdev.core.versioning import VersionedModel
from migdev.reference.models import name_language

ISO3_HELP = _("ISO 3166-1 alpha-3 code, for example MEX.")


class DatePrecision(models.TextChoices):
    """How much of a stored date is known: sources often give only the month or the year of a meeting."""

    DAY = "day", _("Exact day")
    MONTH = "month", _("Month only")
    YEAR = "year", _("Year only")


class Area(models.TextChoices):
    """The twelve areas in which IOM reported its migration-and-development work (IOM, November 2006)."""

    UNDERSTANDING_IMPACT = "understanding_impact", _("Understanding migration's impact on development")
    MIGRATION_LAW = "migration_law", _("International migration law and migrants' rights")
    COUNTER_TRAFFICKING = "counter_trafficking", _("Counter-trafficking and counter-smuggling")
    LABOUR_MIGRATION = "labour_migration", _("Labour migration")
    REMITTANCES = "remittances", _("Remittances")
    SKILLS_RETURN = "skills_return", _("Skill and knowledge retention, circulation and return")
    DIASPORA = "diaspora", _("Migrants and diasporas for development")
    HIGH_PRESSURE_AREAS = "high_pressure_areas", _("Areas of high migration pressure")
    CAPACITY_BUILDING = "capacity_building", _("Capacity building")
    INTER_STATE = "inter_state", _("Inter-state consultation and cooperation")
    MULTI_STAKEHOLDER = "multi_stakeholder", _("Multi-stakeholder dialogue")
    INTER_AGENCY = "inter_agency", _("Inter-agency consultation and cooperation")


class Topic(models.Model):
    """One shared vocabulary for agenda items, activities and practices, so topics can be compared across
    processes."""

    code = models.SlugField(_("code"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=150)
    description = models.TextField(_("description"), blank=True)
    area = models.CharField(_("area"), max_length=30, choices=Area.choices, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("topic")
        verbose_name_plural = _("topics")

    def __str__(self) -> str:
        return self.name


class GcmObjective(models.Model):
    """The 23 objectives of the Global Compact for Safe, Orderly and Regular Migration (A/RES/73/195).

    ``title`` is the English title; the French and Spanish ones are the resolution's official texts. The
    short labels are the UN Network on Migration hub's ("Eradicate trafficking"), for filters and tags.
    Pages read ``localised_title`` and ``short_label``, which follow the active language and fall back to
    English where a column is blank.
    """

    number = models.PositiveSmallIntegerField(_("number"), unique=True)
    title = models.CharField(_("title"), max_length=250)
    title_fr = models.CharField(_("title (French)"), max_length=250, blank=True)
    title_es = models.CharField(_("title (Spanish)"), max_length=250, blank=True)
    short_title = models.CharField(_("short title"), max_length=80, blank=True)
    short_title_fr = models.CharField(_("short title (French)"), max_length=80, blank=True)
    short_title_es = models.CharField(_("short title (Spanish)"), max_length=80, blank=True)

    class Meta:
        ordering = ["number"]
        verbose_name = _("Global Compact objective")
        verbose_name_plural = _("Global Compact objectives")
        constraints = [
            models.CheckConstraint(condition=Q(number__gte=1, number__lte=23), name="gcm_objective_1_to_23")
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.localised_title}"

    def _translated(self, field: str, language: str) -> str:
        """``field``'s French or Spanish column for ``language``; blank for English or a blank column."""
        return str(getattr(self, f"{field}_{language}", "")) if language in ("fr", "es") else ""

    def title_in(self, language: str) -> str:
        """The full title in ``language`` (en, fr or es), in English where that column is blank."""
        return self._translated("title", language) or self.title

    def short_title_in(self, language: str) -> str:
        """The hub's short label in ``language``; the English one, else the full title, where blank."""
        return self._translated("short_title", language) or self.short_title or self.title_in(language)

    @property
    def localised_title(self) -> str:
        return self.title_in(name_language())

    @property
    def short_label(self) -> str:
        """ "10 – Eradicate trafficking": number and short title, where space is tight (filters, tags)."""
        return f"{self.number} – {self.short_title_in(name_language())}"


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


class Process(VersionedModel):
    class Kind(models.TextChoices):
        INTER_AGENCY_GROUP = "inter_agency_group", _("Inter-agency group")
        RCP = "rcp", _("Regional consultative process on migration")
        INTER_REGIONAL = "inter_regional", _("Inter-regional forum")
        GLOBAL_FORUM = "global_forum", _("Global forum")
        GLOBAL_DIALOGUE = "global_dialogue", _("Global dialogue")

    code = models.SlugField(_("code"), max_length=60, unique=True)
    acronym = models.CharField(_("acronym"), max_length=30, blank=True)
    name = models.CharField(_("name"), max_length=250)
    other_names = models.CharField(_("other names"), max_length=400, blank=True)
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    region = models.CharField(_("region"), max_length=120, blank=True)
    established_year = models.PositiveSmallIntegerField(_("established"), null=True, blank=True)
    ended_year = models.PositiveSmallIntegerField(_("ended"), null=True, blank=True)
    description = models.TextField(_("description"), blank=True)
    secretariat = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="secretariat_of",
        verbose_name=_("secretariat"),
    )
    secretariat_note = models.CharField(_("about the secretariat"), max_length=300, blank=True)
    membership_complete = models.BooleanField(
        _("membership list complete"),
        default=False,
        help_text=_("False when only some participating states are recorded."),
    )
    membership_as_of = models.PositiveSmallIntegerField(_("membership as of (year)"), null=True, blank=True)
    source = models.CharField(_("source"), max_length=400)
    is_published = models.BooleanField(_("published"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("process")
        verbose_name_plural = _("processes")
        permissions = [
            ("edit_content", _("Can edit coordination content")),
            ("review_practice", _("Can review submitted practices")),
            ("approve_information", _("Can approve information pages for migrants")),
        ]

    def __str__(self) -> str:
        return self.acronym or self.name


class MembershipStatus(models.TextChoices):
    MEMBER = "member", _("Member")
    OBSERVER = "observer", _("Observer")


class StateMembership(models.Model):
    process = models.ForeignKey(Process, on_delete=models.CASCADE, related_name="state_memberships")
    country_iso3 = models.CharField(_("state"), max_length=3, help_text=ISO3_HELP)
    status = models.CharField(_("status"), max_length=10, choices=MembershipStatus.choices)
    start_year = models.PositiveSmallIntegerField(_("from (year)"), null=True, blank=True)
    end_date = models.DateField(_("until"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        ordering = ["process", "status", "country_iso3"]
        verbose_name = _("state membership")
        verbose_name_plural = _("state memberships")
        constraints = [
            models.UniqueConstraint(
                fields=["process", "country_iso3", "status", "start_year"], name="state_membership_unique"
            )
        ]
        indexes = [models.Index(fields=["country_iso3"])]

    def __str__(self) -> str:
        return f"{self.country_iso3} {self.status} of {self.process_id}"


class OrganisationMembership(models.Model):
    class Role(models.TextChoices):
        MEMBER = "member", _("Member")
        OBSERVER = "observer", _("Observer")
        SECRETARIAT = "secretariat", _("Secretariat or technical support")

    process = models.ForeignKey(Process, on_delete=models.CASCADE, related_name="organisation_memberships")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="process_memberships"
    )
    role = models.CharField(_("role"), max_length=12, choices=Role.choices)
    start_year = models.PositiveSmallIntegerField(_("from (year)"), null=True, blank=True)
    end_year = models.PositiveSmallIntegerField(_("until (year)"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        ordering = ["process", "role", "organisation__name"]
        verbose_name = _("organisation membership")
        verbose_name_plural = _("organisation memberships")
        constraints = [
            models.UniqueConstraint(
                fields=["process", "organisation", "role", "start_year"],
                name="organisation_membership_unique",
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation_id} {self.role} of {self.process_id}"


class Chair(models.Model):
    """Who chaired a process and when; a chair is either a state or an organisation."""

    class Role(models.TextChoices):
        CHAIR = "chair", _("Chair")
        CO_CHAIR = "co_chair", _("Co-chair")

    process = models.ForeignKey(Process, on_delete=models.CASCADE, related_name="chairs")
    role = models.CharField(_("role"), max_length=10, choices=Role.choices, default=Role.CHAIR)
    country_iso3 = models.CharField(_("state"), max_length=3, blank=True, help_text=ISO3_HELP)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, null=True, blank=True, related_name="chairs_held"
    )
    start_date = models.DateField(_("from"))
    start_precision = models.CharField(max_length=5, choices=DatePrecision.choices, default=DatePrecision.DAY)
    end_date = models.DateField(_("until"), null=True, blank=True)
    end_precision = models.CharField(max_length=5, choices=DatePrecision.choices, default=DatePrecision.DAY)
    source = models.CharField(_("source"), max_length=400)

    class Meta:
        ordering = ["process", "start_date"]
        verbose_name = _("chair")
        verbose_name_plural = _("chairs")
        constraints = [
            models.CheckConstraint(
                condition=(Q(country_iso3="") & Q(organisation__isnull=False))
                | (~Q(country_iso3="") & Q(organisation__isnull=True)),
                name="chair_is_state_xor_organisation",
            ),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="chair_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.process_id} {self.role} from {self.start_date}"


class Meeting(VersionedModel):
    class Kind(models.TextChoices):
        PLENARY = "plenary", _("Plenary")
        MINISTERIAL = "ministerial", _("Ministerial conference")
        SENIOR_OFFICIALS = "senior_officials", _("Senior officials' meeting")
        SESSION = "session", _("Session")
        WORKSHOP = "workshop", _("Workshop")
        SIDE_EVENT = "side_event", _("Side event")
        SUMMIT = "summit", _("Summit")
        COORDINATION = "coordination", _("Coordination meeting")

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        HELD = "held", _("Held")
        POSTPONED = "postponed", _("Postponed")
        CANCELLED = "cancelled", _("Cancelled")

    slug = models.SlugField(_("identifier"), max_length=120, unique=True)
    title = models.CharField(_("title"), max_length=300)
    process = models.ForeignKey(
        Process,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="meetings",
        verbose_name=_("process"),
    )
    part_of = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="parts",
        verbose_name=_("part of"),
        help_text=_("The larger meeting this one took place in, such as a session inside a council."),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PLANNED)
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"))
    date_precision = models.CharField(
        _("date precision"), max_length=5, choices=DatePrecision.choices, default=DatePrecision.DAY
    )
    city = models.CharField(_("city"), max_length=120, blank=True)
    country_iso3 = models.CharField(_("country"), max_length=3, blank=True, help_text=ISO3_HELP)
    is_virtual = models.BooleanField(_("online"), default=False)
    host_country_iso3 = models.CharField(_("host state"), max_length=3, blank=True, help_text=ISO3_HELP)
    host_organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="meetings_hosted",
        verbose_name=_("host organisation"),
    )
    theme = models.CharField(_("theme"), max_length=300, blank=True)
    summary = models.TextField(_("summary"), blank=True)
    source = models.CharField(_("source"), max_length=400)
    is_published = models.BooleanField(_("published"), default=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["start_date", "title"]
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=models.F("start_date")), name="meeting_ends_after_start"
            ),
            models.CheckConstraint(condition=~Q(title=""), name="meeting_has_a_title"),
        ]
        indexes = [models.Index(fields=["start_date"])]

    def __str__(self) -> str:
        return self.title


class AgendaItem(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="agenda_items")
    position = models.PositiveSmallIntegerField(_("position"))
    title = models.CharField(_("title"), max_length=300)
    topics = models.ManyToManyField(Topic, related_name="agenda_items", blank=True, verbose_name=_("topics"))

    class Meta:
        ordering = ["meeting", "position"]
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda items")
        constraints = [
            models.UniqueConstraint(fields=["meeting", "position"], name="agenda_item_position_unique")
        ]

    def __str__(self) -> str:
        return self.title


# --- Uploaded files ----------------------------------------------------------------------------------


class FileAccess(models.TextChoices):
    """Who may download an uploaded file; the record itself may be public while its file is not."""

    PUBLIC = "public", _("Everyone")
    SIGNED_IN = "signed_in", _("Signed-in users")
    EDITORS = "editors", _("Editors only")


class StoredFileMixin(models.Model):
    """A file kept in Django's default storage, with what was checked about it on upload. The stored name
    is random; the uploader's file name is kept only for display and downloads."""

    file = models.FileField(_("file"), max_length=300, blank=True)
    file_name = models.CharField(_("file name"), max_length=255, blank=True)
    file_kind = models.CharField(_("file type"), max_length=10, blank=True)
    file_size = models.PositiveBigIntegerField(_("file size (bytes)"), null=True, blank=True)
    file_sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)
    file_access = models.CharField(
        _("who may download the file"), max_length=10, choices=FileAccess.choices, default=FileAccess.PUBLIC
    )

    class Meta:
        abstract = True

    @property
    def has_file(self) -> bool:
        return bool(self.file)


class MeetingDocument(StoredFileMixin):
    class Kind(models.TextChoices):
        AGENDA = "agenda", _("Agenda")
        BACKGROUND = "background", _("Background paper")
        REPORT = "report", _("Report or conclusions")
        STATEMENT = "statement", _("Statement")
        PRESENTATION = "presentation", _("Presentation")

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="documents")
    title = models.CharField(_("title"), max_length=300)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    language = models.CharField(_("language"), max_length=8, default="en")
    url = models.URLField(_("address"), max_length=500, blank=True)
    author_organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, null=True, blank=True, related_name="meeting_documents"
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["meeting", "kind", "title"]
        verbose_name = _("meeting document")
        verbose_name_plural = _("meeting documents")

    def __str__(self) -> str:
        return self.title


class MeetingParticipant(models.Model):
    """A state or organisation taking part in a meeting; exactly one of the two is set."""

    class Role(models.TextChoices):
        PARTICIPANT = "participant", _("Participant")
        OBSERVER = "observer", _("Observer")
        SPEAKER = "speaker", _("Speaker or presenter")
        ORGANISER = "organiser", _("Organiser")

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="participants")
    country_iso3 = models.CharField(_("state"), max_length=3, blank=True, help_text=ISO3_HELP)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, null=True, blank=True, related_name="meeting_participations"
    )
    role = models.CharField(_("role"), max_length=12, choices=Role.choices, default=Role.PARTICIPANT)

    class Meta:
        verbose_name = _("meeting participant")
        verbose_name_plural = _("meeting participants")
        constraints = [
            models.CheckConstraint(
                condition=(Q(country_iso3="") & Q(organisation__isnull=False))
                | (~Q(country_iso3="") & Q(organisation__isnull=True)),
                name="participant_is_state_xor_organisation",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.country_iso3 or self.organisation_id} at {self.meeting_id}"


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


class ActivityBudget(models.Model):
    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="budgets")
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"))
    amount = models.DecimalField(_("amount"), max_digits=16, decimal_places=2)
    currency = models.CharField(_("currency"), max_length=3)
    value_date = models.DateField(_("value date"))

    class Meta:
        ordering = ["activity", "period_start"]
        constraints = [
            models.CheckConstraint(
                condition=Q(period_end__gte=models.F("period_start")), name="budget_period_order"
            ),
            models.CheckConstraint(condition=Q(amount__gte=0), name="budget_amount_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.amount} {self.currency}"


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


# --- Practices repository ----------------------------------------------------------------------------


class Practice(VersionedModel):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Awaiting review")
        CHANGES_REQUESTED = "changes_requested", _("Changes requested")
        PUBLISHED = "published", _("Published")
        REJECTED = "rejected", _("Rejected")

    title = models.CharField(_("title"), max_length=300)
    what = models.TextField(_("what was done"))
    who = models.TextField(_("who did it"))
    results = models.TextField(_("results"))
    lessons = models.TextField(_("lessons learned"))
    pitfalls = models.TextField(_("potential pitfalls"), blank=True)
    area = models.CharField(_("area"), max_length=30, choices=Area.choices)
    gcm_objectives = models.ManyToManyField(
        GcmObjective, related_name="practices", verbose_name=_("Global Compact objectives")
    )
    topics = models.ManyToManyField(Topic, related_name="practices", blank=True, verbose_name=_("topics"))
    organisations = models.ManyToManyField(Organisation, related_name="practices", blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.DRAFT)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="practices_submitted"
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-published_at", "-created_at"]
        verbose_name = _("practice")
        verbose_name_plural = _("practices")
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="published") | Q(published_at__isnull=False),
                name="published_practice_has_date",
            )
        ]

    def __str__(self) -> str:
        return self.title


class PracticeCountry(models.Model):
    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="countries")
    country_iso3 = models.CharField(_("country"), max_length=3, help_text=ISO3_HELP)

    class Meta:
        ordering = ["practice", "country_iso3"]
        constraints = [
            models.UniqueConstraint(fields=["practice", "country_iso3"], name="practice_country_unique")
        ]

    def __str__(self) -> str:
        return self.country_iso3


class PracticeReview(models.Model):
    class Decision(models.TextChoices):
        APPROVE = "approve", _("Approve for publication")
        REQUEST_CHANGES = "request_changes", _("Request changes")
        REJECT = "reject", _("Reject")

    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="reviews")
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="practice_reviews"
    )
    decision = models.CharField(_("decision"), max_length=20, choices=Decision.choices)
    comments = models.TextField(_("comments"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["practice", "created_at"]
        verbose_name = _("practice review")
        verbose_name_plural = _("practice reviews")

    def __str__(self) -> str:
        return f"{self.decision} by {self.reviewer_id}"


class PartnershipCall(VersionedModel):
    """A call for action or partnership, as on the GFMD Platform for Partnerships."""

    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("what is sought"))
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="partnership_calls",
        verbose_name=_("calling organisation"),
    )
    practice = models.ForeignKey(
        Practice, on_delete=models.SET_NULL, null=True, blank=True, related_name="partnership_calls"
    )
    gcm_objectives = models.ManyToManyField(GcmObjective, related_name="partnership_calls", blank=True)
    contact_email = models.EmailField(_("contact email"))
    open_until = models.DateField(_("open until"))
    is_published = models.BooleanField(_("published"), default=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["open_until"]
        verbose_name = _("call for partnership")
        verbose_name_plural = _("calls for partnership")

    def __str__(self) -> str:
        return self.title


# --- Research library --------------------------------------------------------------------------------


class PublicationKind(models.TextChoices):
    BOOK = "book", _("Book")
    REPORT = "report", _("Report")
    STUDY = "study", _("Study")
    WORKING_PAPER = "working_paper", _("Working paper")
    ARTICLE = "article", _("Journal article")
    POLICY_BRIEF = "policy_brief", _("Policy brief")
    INFORMATION_NOTE = "information_note", _("Information note")
    HANDBOOK = "handbook", _("Handbook or guide")
    DATA = "data", _("Data set or statistical report")


class Licence(models.TextChoices):
    """SPDX identifiers where one exists."""

    CC_BY_4 = "CC-BY-4.0", _("Creative Commons Attribution 4.0")
    CC_BY_NC_4 = "CC-BY-NC-4.0", _("Creative Commons Attribution-NonCommercial 4.0")
    CC_BY_NC_ND_4 = "CC-BY-NC-ND-4.0", _("Creative Commons Attribution-NonCommercial-NoDerivatives 4.0")
    CC_BY_3_IGO = "CC-BY-3.0-IGO", _("Creative Commons Attribution 3.0 IGO")
    CC_BY_NC_SA_3_IGO = (
        "CC-BY-NC-SA-3.0-IGO",
        _("Creative Commons Attribution-NonCommercial-ShareAlike 3.0 IGO"),
    )
    CC_BY_NC_ND_3_IGO = (
        "CC-BY-NC-ND-3.0-IGO",
        _("Creative Commons Attribution-NonCommercial-NoDerivs 3.0 IGO"),
    )
    PUBLIC_DOMAIN = "public-domain", _("Public domain")
    ALL_RIGHTS_RESERVED = "all-rights-reserved", _("All rights reserved")
    UNKNOWN = "unknown", _("Not stated")


class DocumentLanguage(models.TextChoices):
    """ISO 639-1 codes of the languages the library holds."""

    EN = "en", _("English")
    FR = "fr", _("French")
    ES = "es", _("Spanish")
    AR = "ar", _("Arabic")
    PT = "pt", _("Portuguese")
    RU = "ru", _("Russian")
    ZH = "zh", _("Chinese")
    DE = "de", _("German")
    IT = "it", _("Italian")


class Publication(VersionedModel, StoredFileMixin):
    """A research item in the library. Its words are indexed for full-text search by the services (see
    `migdev.coordination.search`), not by signals, so every write goes through them."""

    slug = models.SlugField(_("identifier"), max_length=120, unique=True)
    title = models.CharField(_("title"), max_length=500)
    authors = models.TextField(_("authors"), blank=True, help_text=_("One author per line."))
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="publications",
        verbose_name=_("organisation"),
    )
    year = models.PositiveSmallIntegerField(_("year"))
    language = models.CharField(
        _("language"), max_length=2, choices=DocumentLanguage.choices, default=DocumentLanguage.EN
    )
    kind = models.CharField(_("type"), max_length=20, choices=PublicationKind.choices)
    abstract = models.TextField(_("abstract"), blank=True)
    topics = models.ManyToManyField(Topic, related_name="publications", blank=True, verbose_name=_("topics"))
    gcm_objectives = models.ManyToManyField(
        GcmObjective, related_name="publications", blank=True, verbose_name=_("Global Compact objectives")
    )
    licence = models.CharField(_("licence"), max_length=30, choices=Licence.choices, default=Licence.UNKNOWN)
    url = models.URLField(_("link"), max_length=500, blank=True)
    identifier = models.CharField(_("ISBN or DOI"), max_length=100, blank=True)
    text = models.TextField(_("text extracted from the file"), blank=True)
    source = models.CharField(_("source of this record"), max_length=400)
    is_published = models.BooleanField(_("published"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-year", "title"]
        verbose_name = _("publication")
        verbose_name_plural = _("publications")
        indexes = [models.Index(fields=["year"]), models.Index(fields=["is_published", "year"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(year__gte=1800) & Q(year__lte=2200), name="publication_year_plausible"
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def author_list(self) -> list[str]:
        return [line.strip() for line in self.authors.splitlines() if line.strip()]


class PublicationCountry(models.Model):
    publication = models.ForeignKey(Publication, on_delete=models.CASCADE, related_name="countries")
    country_iso3 = models.CharField(_("country"), max_length=3, help_text=ISO3_HELP)

    class Meta:
        ordering = ["publication", "country_iso3"]
        constraints = [
            models.UniqueConstraint(fields=["publication", "country_iso3"], name="publication_country_unique")
        ]
        indexes = [models.Index(fields=["country_iso3"])]

    def __str__(self) -> str:
        return self.country_iso3


# --- Migration policy database ------------------------------------------------------------------------


class PolicyDomain(models.TextChoices):
    """The six domains of SDG indicator 10.7.2 (well-managed migration policies), which are also the
    domains of the Migration Governance Indicators."""

    MIGRANT_RIGHTS = "migrant_rights", _("Migrant rights")
    WHOLE_OF_GOVERNMENT = "whole_of_government", _("Whole-of-government and evidence-based policies")
    COOPERATION = "cooperation", _("Cooperation and partnerships")
    SOCIOECONOMIC_WELLBEING = "socioeconomic_wellbeing", _("Socioeconomic well-being")
    CRISIS_MOBILITY = "crisis_mobility", _("Mobility dimensions of crises")
    SAFE_ORDERLY_REGULAR = "safe_orderly_regular", _("Safe, orderly and regular migration")


class MigrationPolicy(VersionedModel):
    class Kind(models.TextChoices):
        LAW = "law", _("Law")
        REGULATION = "regulation", _("Regulation or decree")
        POLICY = "policy", _("Policy or strategy")
        ACTION_PLAN = "action_plan", _("Action plan or programme")
        BILATERAL_AGREEMENT = "bilateral_agreement", _("Bilateral agreement")
        MULTILATERAL_AGREEMENT = "multilateral_agreement", _("Regional or multilateral agreement")
        MEMORANDUM = "memorandum", _("Memorandum of understanding")
        INSTITUTION = "institution", _("Institution or body")

    class Direction(models.TextChoices):
        IMMIGRATION = "immigration", _("Immigration")
        EMIGRATION = "emigration", _("Emigration and diaspora")
        BOTH = "both", _("Immigration and emigration")
        RETURN = "return", _("Return and reintegration")
        TRANSIT = "transit", _("Transit")

    class Status(models.TextChoices):
        IN_FORCE = "in_force", _("In force")
        ADOPTED = "adopted", _("Adopted, not yet in force")
        PROPOSED = "proposed", _("Proposed or in preparation")
        AMENDED = "amended", _("Replaced by a later amendment")
        ENDED = "ended", _("Repealed or expired")

    identifier = models.CharField(
        _("identifier"),
        max_length=100,
        unique=True,
        help_text=_("Stable key of the record: a file import with the same identifier updates it."),
    )
    country_iso3 = models.CharField(_("country"), max_length=3, help_text=ISO3_HELP)
    title = models.CharField(_("title"), max_length=500)
    original_title = models.CharField(_("title in the original language"), max_length=500, blank=True)
    year = models.PositiveSmallIntegerField(_("year"))
    adopted_on = models.DateField(_("adopted on"), null=True, blank=True)
    adopted_precision = models.CharField(
        max_length=5, choices=DatePrecision.choices, default=DatePrecision.DAY
    )
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    kind = models.CharField(_("type"), max_length=25, choices=Kind.choices)
    direction = models.CharField(_("direction"), max_length=12, choices=Direction.choices)
    domain = models.CharField(_("SDG 10.7.2 domain"), max_length=25, choices=PolicyDomain.choices)
    area = models.CharField(_("area"), max_length=30, choices=Area.choices, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.IN_FORCE)
    summary = models.TextField(_("summary"), blank=True)
    development_relevance = models.TextField(
        _("development relevance"),
        blank=True,
        help_text=_("How the instrument bears on development: remittances, skills, diaspora, return."),
    )
    topics = models.ManyToManyField(
        Topic, related_name="migration_policies", blank=True, verbose_name=_("topics")
    )
    source_name = models.CharField(_("source"), max_length=300)
    source_url = models.URLField(_("source link"), max_length=500, blank=True)
    source_edition = models.CharField(_("source edition"), max_length=200, blank=True)
    is_published = models.BooleanField(_("published"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["country_iso3", "-year", "title"]
        verbose_name = _("migration policy")
        verbose_name_plural = _("migration policies")
        indexes = [models.Index(fields=["country_iso3", "year"]), models.Index(fields=["domain"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(year__gte=1800) & Q(year__lte=2200), name="policy_year_plausible"
            ),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True)
                | Q(adopted_on__isnull=True)
                | Q(ended_on__gte=models.F("adopted_on")),
                name="policy_ends_after_adoption",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class PolicyPartner(models.Model):
    """The other parties to an agreement, by ISO3 code."""

    policy = models.ForeignKey(MigrationPolicy, on_delete=models.CASCADE, related_name="partners")
    country_iso3 = models.CharField(_("partner state"), max_length=3, help_text=ISO3_HELP)

    class Meta:
        ordering = ["policy", "country_iso3"]
        constraints = [
            models.UniqueConstraint(fields=["policy", "country_iso3"], name="policy_partner_unique")
        ]

    def __str__(self) -> str:
        return self.country_iso3


# --- Information for migrants ----------------------------------------------------------------------------


class MigrantInfoSubject(models.TextChoices):
    RIGHTS_DUTIES = "rights_duties", _("Rights and duties")
    PRE_DEPARTURE = "pre_departure", _("Before you leave")
    SAFE_MIGRATION = "safe_migration", _("Migrating safely and regularly")
    TRAFFICKING_RISKS = "trafficking_risks", _("Trafficking and exploitation risks")
    WORK_ABROAD = "work_abroad", _("Working abroad")
    RETURN = "return", _("Returning home")
    REMITTANCES = "remittances", _("Sending money home")


class MigrantInfoPage(VersionedModel):
    """Information for migrants on one subject, for one country (or for everyone when no country is set).
    The words live in one translation per language; each translation is written by an editor and
    published once a reviewer approves it."""

    slug = models.SlugField(_("identifier"), max_length=120, unique=True)
    subject = models.CharField(_("subject"), max_length=20, choices=MigrantInfoSubject.choices)
    country_iso3 = models.CharField(_("country"), max_length=3, blank=True, help_text=ISO3_HELP)
    topics = models.ManyToManyField(Topic, related_name="migrant_pages", blank=True, verbose_name=_("topics"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["country_iso3", "subject"]
        verbose_name = _("information page for migrants")
        verbose_name_plural = _("information pages for migrants")
        indexes = [models.Index(fields=["country_iso3", "subject"])]

    def __str__(self) -> str:
        return self.slug


class MigrantInfoTranslation(VersionedModel):
    """One language of a page. The working copy (title, summary, body) is what editors change; the
    published copy is what the public reads, replaced only when a reviewer approves a new version."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Awaiting approval")
        CHANGES_REQUESTED = "changes_requested", _("Changes requested")
        APPROVED = "approved", _("Approved and published")

    page = models.ForeignKey(MigrantInfoPage, on_delete=models.CASCADE, related_name="translations")
    language = models.CharField(_("language"), max_length=2)
    title = models.CharField(_("title"), max_length=300)
    summary = models.CharField(_("summary"), max_length=500, blank=True)
    body = models.TextField(_("text"))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.DRAFT)
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    review_comments = models.TextField(_("reviewer's comments"), blank=True)
    published_title = models.CharField(max_length=300, blank=True)
    published_summary = models.CharField(max_length=500, blank=True)
    published_body = models.TextField(blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["page", "language"]
        verbose_name = _("translation")
        verbose_name_plural = _("translations")
        constraints = [
            models.UniqueConstraint(fields=["page", "language"], name="migrant_info_one_per_language"),
            models.CheckConstraint(
                condition=Q(published_at__isnull=True) | ~Q(published_body=""),
                name="migrant_info_published_has_text",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.page_id} [{self.language}]"

    @property
    def is_public(self) -> bool:
        return self.published_at is not None


class Hotline(VersionedModel):
    """A telephone line migrants can call, per country."""

    class Kind(models.TextChoices):
        EMERGENCY = "emergency", _("Emergency")
        TRAFFICKING = "trafficking", _("Anti-trafficking")
        MIGRANT_SUPPORT = "migrant_support", _("Migrant support and advice")
        LABOUR = "labour", _("Labour rights")
        CONSULAR = "consular", _("Consular assistance")

    country_iso3 = models.CharField(_("country"), max_length=3, help_text=ISO3_HELP)
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    phone = models.CharField(_("telephone"), max_length=40)
    hours = models.CharField(_("hours"), max_length=120, blank=True)
    languages = models.CharField(_("languages spoken"), max_length=200, blank=True)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, null=True, blank=True, related_name="hotlines"
    )
    url = models.URLField(_("web page"), max_length=500, blank=True)
    source = models.CharField(_("source"), max_length=400)
    verified_on = models.DateField(_("last checked"), null=True, blank=True)
    is_published = models.BooleanField(_("published"), default=True)

    class Meta:
        ordering = ["country_iso3", "kind", "name"]
        verbose_name = _("hotline")
        verbose_name_plural = _("hotlines")
        indexes = [models.Index(fields=["country_iso3"])]

    def __str__(self) -> str:
        return f"{self.name} ({self.phone})"


# --- Research network: institutions (organisations), researchers, projects -----------------------------------


class Researcher(VersionedModel):
    slug = models.SlugField(_("identifier"), max_length=120, unique=True)
    name = models.CharField(_("name"), max_length=200)
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="researchers",
        verbose_name=_("institution"),
    )
    position = models.CharField(_("position"), max_length=200, blank=True)
    orcid = models.CharField(_("ORCID iD"), max_length=19, blank=True)
    url = models.URLField(_("web page"), max_length=500, blank=True)
    topics = models.ManyToManyField(
        Topic, related_name="researchers", blank=True, verbose_name=_("expertise")
    )
    publications = models.ManyToManyField(
        Publication, related_name="researchers", blank=True, verbose_name=_("publications")
    )
    is_published = models.BooleanField(_("published"), default=False)

    class Meta:
        ordering = ["name"]
        verbose_name = _("researcher")
        verbose_name_plural = _("researchers")

    def __str__(self) -> str:
        return self.name


class ResearcherCountry(models.Model):
    researcher = models.ForeignKey(Researcher, on_delete=models.CASCADE, related_name="countries")
    country_iso3 = models.CharField(_("country"), max_length=3, help_text=ISO3_HELP)

    class Meta:
        ordering = ["researcher", "country_iso3"]
        constraints = [
            models.UniqueConstraint(fields=["researcher", "country_iso3"], name="researcher_country_unique")
        ]

    def __str__(self) -> str:
        return self.country_iso3


class ResearchProject(VersionedModel):
    slug = models.SlugField(_("identifier"), max_length=120, unique=True)
    title = models.CharField(_("title"), max_length=300)
    summary = models.TextField(_("summary"), blank=True)
    lead_organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="research_projects_led",
        verbose_name=_("lead institution"),
    )
    partners = models.ManyToManyField(
        Organisation, related_name="research_projects", blank=True, verbose_name=_("partner institutions")
    )
    researchers = models.ManyToManyField(
        Researcher, related_name="projects", blank=True, verbose_name=_("researchers")
    )
    topics = models.ManyToManyField(
        Topic, related_name="research_projects", blank=True, verbose_name=_("topics")
    )
    publications = models.ManyToManyField(
        Publication, related_name="projects", blank=True, verbose_name=_("publications")
    )
    start_year = models.PositiveSmallIntegerField(_("from (year)"), null=True, blank=True)
    end_year = models.PositiveSmallIntegerField(_("until (year)"), null=True, blank=True)
    url = models.URLField(_("web page"), max_length=500, blank=True)
    source = models.CharField(_("source"), max_length=400)
    is_published = models.BooleanField(_("published"), default=False)

    class Meta:
        ordering = ["-start_year", "title"]
        verbose_name = _("research project")
        verbose_name_plural = _("research projects")
        constraints = [
            models.CheckConstraint(
                condition=Q(end_year__isnull=True)
                | Q(start_year__isnull=True)
                | Q(end_year__gte=models.F("start_year")),
                name="research_project_ends_after_start",
            )
        ]

    def __str__(self) -> str:
        return self.title


class ResearchProjectCountry(models.Model):
    project = models.ForeignKey(ResearchProject, on_delete=models.CASCADE, related_name="countries")
    country_iso3 = models.CharField(_("country"), max_length=3, help_text=ISO3_HELP)

    class Meta:
        ordering = ["project", "country_iso3"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "country_iso3"], name="research_project_country_unique"
            )
        ]

    def __str__(self) -> str:
        return self.country_iso3
