"""Inter-governmental processes (GMG, RCPs, IDM, GFMD): who takes part and chairs, their meetings,
agendas, documents and participants.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from migdev.accounts.models import Organisation
from migdev.coordination.common.models import ISO3_HELP, DatePrecision, StoredFileMixin, Topic
from migdev.core.versioning import VersionedModel


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
    open_to_all_un_states = models.BooleanField(
        _("open to all UN Member States and observers"),
        default=False,
        help_text=_("True for a forum any UN Member or Observer State may join, which keeps no member list."),
    )
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
