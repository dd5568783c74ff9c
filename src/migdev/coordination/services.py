"""Every write to the coordination records. Each function checks the actor's permission, validates, writes
in one transaction and leaves an audit row."""

from __future__ import annotations

import datetime
import secrets
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from migdev.accounts.models import Organisation
from migdev.coordination import access, audit, search
from migdev.coordination.countries import UnknownCountry, normalise_country_code
from migdev.coordination.models import (
    Activity,
    ActivityBudget,
    ActivityCountry,
    ActivityParticipant,
    AgendaItem,
    Area,
    Chair,
    ConsultationPosition,
    DatePrecision,
    DocumentLanguage,
    FileAccess,
    GcmObjective,
    Hotline,
    Initiative,
    InitiativeStatus,
    InitiativeStatusChange,
    Licence,
    Meeting,
    MeetingDocument,
    MeetingParticipant,
    MigrantInfoPage,
    MigrantInfoSubject,
    MigrantInfoTranslation,
    MigrationPolicy,
    PartnershipCall,
    PolicyDomain,
    PolicyPartner,
    Practice,
    PracticeCountry,
    PracticeReview,
    Process,
    Publication,
    PublicationCountry,
    PublicationKind,
    Researcher,
    ResearcherCountry,
    ResearchProject,
    ResearchProjectCountry,
    StateMembership,
    Topic,
)
from migdev.coordination.textextract import extract_text
from migdev.coordination.uploads import (
    StoredFile,
    UploadRejected,
    check_upload,
    delete_after_commit,
    removed_unless_recorded,
    store_upload,
)
from migdev.core.validation import checked_date_range, required_text
from migdev.core.versioning import claim_version


def _require_editor(actor: Any) -> None:
    if not access.can_edit(actor):
        audit.record(action="permission_denied", actor=actor, detail={"permission": access.EDIT_PERMISSION})
        raise PermissionDenied(_("Editing coordination records needs the editor role."))


def _country(code: str, field_name: str) -> str:
    try:
        return normalise_country_code(code)
    except UnknownCountry as error:
        raise ValidationError({field_name: _("Unknown country code: %(code)s") % {"code": code}}) from error


def _topics(codes: list[str]) -> list[Topic]:
    topics = list(Topic.objects.filter(code__in=codes))
    missing = sorted(set(codes) - {topic.code for topic in topics})
    if missing:
        raise ValidationError({"topics": _("Unknown topics: %(codes)s") % {"codes": ", ".join(missing)}})
    return topics


# --- Processes ----------------------------------------------------------------------------------------


def state_membership_add(
    *,
    actor: Any,
    process: Process,
    country_code: str,
    status: str,
    start_year: int | None = None,
    note: str = "",
) -> StateMembership:
    _require_editor(actor)
    with transaction.atomic():
        membership = StateMembership.objects.create(
            process=process,
            country_iso3=_country(country_code, "country_iso3"),
            status=status,
            start_year=start_year,
            note=note,
        )
        audit.record(action="create", actor=actor, record=membership)
    return membership


def state_membership_end(
    *, actor: Any, membership: StateMembership, end_date: datetime.date, note: str = ""
) -> None:
    _require_editor(actor)
    if membership.start_year is not None and end_date.year < membership.start_year:
        raise ValidationError({"end_date": _("A membership cannot end before it starts.")})
    with transaction.atomic():
        membership.end_date = end_date
        if note:
            membership.note = note
        membership.save(update_fields=["end_date", "note"])
        audit.record(
            action="update", actor=actor, record=membership, detail={"end_date": end_date.isoformat()}
        )


def chair_add(
    *,
    actor: Any,
    process: Process,
    start_date: datetime.date,
    source: str,
    country_code: str = "",
    organisation: Organisation | None = None,
    role: str = Chair.Role.CHAIR,
    end_date: datetime.date | None = None,
) -> Chair:
    _require_editor(actor)
    if bool(country_code) == (organisation is not None):
        raise ValidationError(_("A chair is either a state or an organisation."))
    if end_date is not None and end_date < start_date:
        raise ValidationError({"end_date": _("The end comes before the start.")})
    with transaction.atomic():
        chair = Chair.objects.create(
            process=process,
            role=role,
            country_iso3=_country(country_code, "country_iso3") if country_code else "",
            organisation=organisation,
            start_date=start_date,
            end_date=end_date,
            source=source,
        )
        audit.record(action="create", actor=actor, record=chair)
    return chair


# --- Meetings -----------------------------------------------------------------------------------------


@dataclass
class MeetingInput:
    title: str
    kind: str
    start_date: datetime.date
    end_date: datetime.date
    source: str
    process: Process | None = None
    part_of: Meeting | None = None
    status: str = Meeting.Status.PLANNED
    date_precision: str = DatePrecision.DAY
    city: str = ""
    country_code: str = ""
    host_country_code: str = ""
    host_organisation: Organisation | None = None
    is_virtual: bool = False
    theme: str = ""
    summary: str = ""
    is_published: bool = True
    slug: str = ""


def _unique_meeting_slug(title: str, start: datetime.date) -> str:
    base = slugify(f"{start.isoformat()} {title}")[:110] or f"meeting-{start.isoformat()}"
    candidate, counter = base, 2
    while Meeting.objects.filter(slug=candidate).exists():
        candidate = f"{base}-{counter}"
        counter += 1
    return candidate


# A meeting, even a long session, lasts weeks, not years: a longer span is a typing mistake.
MEETING_LONGEST = datetime.timedelta(days=366)


def _meeting_values(data: MeetingInput) -> dict[str, Any]:
    title = required_text(data.title, "title")
    if data.end_date < data.start_date:
        raise ValidationError({"end_date": _("The meeting ends before it starts.")})
    checked_date_range(data.start_date, data.end_date, longest=MEETING_LONGEST)
    if data.date_precision not in DatePrecision.values:
        raise ValidationError({"date_precision": _("Unknown date precision.")})
    return {
        "title": title,
        "kind": data.kind,
        "process": data.process,
        "part_of": data.part_of,
        "status": data.status,
        "start_date": data.start_date,
        "end_date": data.end_date,
        "date_precision": data.date_precision,
        "city": data.city.strip(),
        "country_iso3": _country(data.country_code, "country_iso3") if data.country_code else "",
        "host_country_iso3": _country(data.host_country_code, "host_country_iso3")
        if data.host_country_code
        else "",
        "host_organisation": data.host_organisation,
        "is_virtual": data.is_virtual,
        "theme": data.theme,
        "summary": data.summary,
        "source": data.source,
        "is_published": data.is_published,
    }


def meeting_create(*, actor: Any, data: MeetingInput) -> Meeting:
    _require_editor(actor)
    values = _meeting_values(data)
    with transaction.atomic():
        meeting = Meeting.objects.create(
            slug=data.slug or _unique_meeting_slug(data.title, data.start_date), **values
        )
        audit.record(action="create", actor=actor, record=meeting)
    return meeting


def meeting_update(
    *, actor: Any, meeting: Meeting, data: MeetingInput, expected_version: int | None
) -> Meeting:
    _require_editor(actor)
    values = _meeting_values(data)
    with transaction.atomic():
        claim_version(meeting, expected_version)
        for name, value in values.items():
            setattr(meeting, name, value)
        meeting.save()
        audit.record(action="update", actor=actor, record=meeting)
    return meeting


def agenda_item_add(*, actor: Any, meeting: Meeting, title: str, topic_codes: list[str]) -> AgendaItem:
    _require_editor(actor)
    topics = _topics(topic_codes)
    with transaction.atomic():
        last = meeting.agenda_items.order_by("-position").values_list("position", flat=True).first() or 0
        item = AgendaItem.objects.create(meeting=meeting, position=last + 1, title=title.strip())
        item.topics.set(topics)
        audit.record(action="create", actor=actor, record=item, detail={"topics": topic_codes})
    return item


def meeting_participant_add(
    *,
    actor: Any,
    meeting: Meeting,
    role: str,
    country_code: str = "",
    organisation: Organisation | None = None,
) -> MeetingParticipant:
    _require_editor(actor)
    if bool(country_code) == (organisation is not None):
        raise ValidationError(_("A participant is either a state or an organisation."))
    with transaction.atomic():
        participant = MeetingParticipant.objects.create(
            meeting=meeting,
            role=role,
            country_iso3=_country(country_code, "country_iso3") if country_code else "",
            organisation=organisation,
        )
        audit.record(action="create", actor=actor, record=participant)
    return participant


# --- Activities ---------------------------------------------------------------------------------------


@dataclass
class ParticipantInput:
    role: str
    organisation: Organisation | None = None
    reference: str = ""
    name: str = ""


@dataclass
class BudgetInput:
    period_start: datetime.date
    period_end: datetime.date
    amount: Decimal
    currency: str
    value_date: datetime.date


@dataclass
class ActivityInput:
    iati_identifier: str
    reporting_organisation: Organisation
    title: str
    area: str
    status: str
    source: str
    source_edition: str = ""
    description: str = ""
    language: str = "en"
    information_field: str = "programmes"
    planned_start: datetime.date | None = None
    actual_start: datetime.date | None = None
    planned_end: datetime.date | None = None
    actual_end: datetime.date | None = None
    default_currency: str = ""
    results: str = ""
    countries: list[tuple[str, Decimal | None]] = field(default_factory=list)  # ISO3, percentage
    participants: list[ParticipantInput] = field(default_factory=list)
    budgets: list[BudgetInput] = field(default_factory=list)
    topic_codes: list[str] = field(default_factory=list)
    is_published: bool = True


def _activity_values(data: ActivityInput) -> dict[str, Any]:
    if data.area not in Area.values:
        raise ValidationError({"area": _("Unknown area: %(area)s") % {"area": data.area}})
    title = required_text(data.title, "title")
    checked_date_range(
        data.planned_start, data.planned_end, start_field="planned_start", end_field="planned_end"
    )
    checked_date_range(data.actual_start, data.actual_end, start_field="actual_start", end_field="actual_end")
    return {
        "reporting_organisation": data.reporting_organisation,
        "title": title,
        "description": data.description,
        "language": data.language,
        "area": data.area,
        "information_field": data.information_field,
        "status": data.status,
        "planned_start": data.planned_start,
        "actual_start": data.actual_start,
        "planned_end": data.planned_end,
        "actual_end": data.actual_end,
        "default_currency": data.default_currency,
        "results": data.results,
        "source": data.source,
        "source_edition": data.source_edition,
        "is_published": data.is_published,
    }


def activity_save(*, actor: Any, data: ActivityInput) -> tuple[Activity, bool]:
    """Create the activity or replace the one with the same IATI identifier. Returns (activity, created)."""
    created, _updated = activities_save(actor=actor, items=[data])
    activity = Activity.objects.get(iati_identifier=data.iati_identifier)
    audit.record(action="create" if created else "update", actor=actor, record=activity)
    return activity, bool(created)


def activities_save(*, actor: Any, items: list[ActivityInput]) -> tuple[int, int]:
    """Create or replace many activities, keyed by IATI identifier, in a handful of queries per batch
    rather than a dozen per activity. The caller validated codes; the file is the source of truth, so an
    existing activity's countries, organisations, budgets and topics are replaced, not merged.
    Returns (created, updated)."""
    topic_codes = {code for data in items for code in data.topic_codes}
    topics = {topic.code: topic for topic in _topics(sorted(topic_codes))} if topic_codes else {}
    values = [_activity_values(data) for data in items]
    now = timezone.now()
    with transaction.atomic():
        existing = {
            activity.iati_identifier: activity
            for activity in Activity.objects.filter(iati_identifier__in=[d.iati_identifier for d in items])
        }
        new: list[Activity] = []
        changed: list[Activity] = []
        for data, row in zip(items, values, strict=True):
            activity = existing.get(data.iati_identifier)
            if activity is None:
                new.append(Activity(iati_identifier=data.iati_identifier, **row))
            else:
                for name, value in row.items():
                    setattr(activity, name, value)
                activity.updated_at = now
                changed.append(activity)
        Activity.objects.bulk_create(new, batch_size=500)
        if changed:
            Activity.objects.bulk_update(changed, [*values[0].keys(), "updated_at"], batch_size=500)
            # The file replaced these activities: a form or client holding an older version must not win.
            Activity.objects.filter(pk__in=[activity.pk for activity in changed]).update(
                version=F("version") + 1
            )
            ActivityCountry.objects.filter(activity__in=changed).delete()
            ActivityParticipant.objects.filter(activity__in=changed).delete()
            ActivityBudget.objects.filter(activity__in=changed).delete()
            Activity.topics.through.objects.filter(activity__in=changed).delete()
        by_identifier = {activity.iati_identifier: activity for activity in [*new, *changed]}
        countries, participants, budgets, topic_links = [], [], [], []
        for data in items:
            activity = by_identifier[data.iati_identifier]
            countries += [
                ActivityCountry(activity=activity, country_iso3=c, percentage=p) for c, p in data.countries
            ]
            participants += [
                ActivityParticipant(
                    activity=activity,
                    organisation=p.organisation,
                    reference=p.reference,
                    name=p.name,
                    role=p.role,
                )
                for p in data.participants
            ]
            budgets += [
                ActivityBudget(
                    activity=activity,
                    period_start=b.period_start,
                    period_end=b.period_end,
                    amount=b.amount,
                    currency=b.currency,
                    value_date=b.value_date,
                )
                for b in data.budgets
            ]
            topic_links += [
                Activity.topics.through(activity=activity, topic=topics[code])
                for code in dict.fromkeys(data.topic_codes)
            ]
        ActivityCountry.objects.bulk_create(countries, batch_size=1000)
        ActivityParticipant.objects.bulk_create(participants, batch_size=1000)
        ActivityBudget.objects.bulk_create(budgets, batch_size=1000)
        Activity.topics.through.objects.bulk_create(topic_links, batch_size=1000)
    return len(new), len(changed)


# --- Initiatives --------------------------------------------------------------------------------------


def initiative_status_record(
    *,
    actor: Any,
    initiative: Initiative,
    status: str,
    as_of: datetime.date,
    note: str = "",
    as_of_precision: str = DatePrecision.DAY,
) -> InitiativeStatusChange:
    _require_editor(actor)
    if status not in InitiativeStatus.values:
        raise ValidationError({"status": _("Unknown status.")})
    with transaction.atomic():
        change = InitiativeStatusChange.objects.create(
            initiative=initiative,
            status=status,
            as_of=as_of,
            as_of_precision=as_of_precision,
            note=note,
            recorded_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        audit.record(action="create", actor=actor, record=change, detail={"status": status})
    return change


def consultation_position_record(
    *,
    actor: Any,
    initiative: Initiative,
    organisation: Organisation,
    part: str,
    position: str,
    as_of: datetime.date,
    note: str = "",
    as_of_precision: str = DatePrecision.DAY,
) -> ConsultationPosition:
    _require_editor(actor)
    with transaction.atomic():
        record = ConsultationPosition.objects.create(
            initiative=initiative,
            organisation=organisation,
            part=part,
            position=position,
            as_of=as_of,
            as_of_precision=as_of_precision,
            note=note,
        )
        audit.record(action="create", actor=actor, record=record, detail={"position": position})
    return record


# --- Practices: submit, peer review, publish ------------------------------------------------------------


@dataclass
class PracticeInput:
    title: str
    what: str
    who: str
    results: str
    lessons: str
    area: str
    gcm_objective_numbers: list[int]
    country_codes: list[str] = field(default_factory=list)
    pitfalls: str = ""
    topic_codes: list[str] = field(default_factory=list)


def _apply_practice(practice: Practice, data: PracticeInput) -> None:
    if not data.gcm_objective_numbers:
        raise ValidationError(
            {"gcm_objectives": _("Tag the practice with at least one Global Compact objective.")}
        )
    objectives = list(GcmObjective.objects.filter(number__in=data.gcm_objective_numbers))
    if len(objectives) != len(set(data.gcm_objective_numbers)):
        raise ValidationError({"gcm_objectives": _("Global Compact objectives are numbered 1 to 23.")})
    countries = sorted({_country(code, "countries") for code in data.country_codes})
    topics = _topics(data.topic_codes)
    practice.title = required_text(data.title, "title")
    for name in ("what", "who", "results", "lessons", "pitfalls", "area"):
        value = getattr(data, name)
        setattr(practice, name, value.strip() if isinstance(value, str) else value)
    practice.full_clean(exclude=["submitted_by", "gcm_objectives", "topics", "organisations"])
    practice.save()
    practice.gcm_objectives.set(objectives)
    practice.topics.set(topics)
    practice.countries.all().delete()
    PracticeCountry.objects.bulk_create(
        PracticeCountry(practice=practice, country_iso3=iso3) for iso3 in countries
    )


def practice_create(*, actor: Any, data: PracticeInput) -> Practice:
    """Any signed-in user may draft a practice; it stays private until reviewed and published."""
    if not getattr(actor, "is_authenticated", False):
        raise PermissionDenied(_("Sign in to submit a practice."))
    with transaction.atomic():
        practice = Practice(submitted_by=actor, status=Practice.Status.DRAFT)
        _apply_practice(practice, data)
        audit.record(action="create", actor=actor, record=practice)
    return practice


def practice_update(
    *, actor: Any, practice: Practice, data: PracticeInput, expected_version: int | None
) -> Practice:
    if practice.submitted_by_id != getattr(actor, "pk", None):
        raise PermissionDenied(_("Only the submitter may change a practice."))
    if practice.status not in (Practice.Status.DRAFT, Practice.Status.CHANGES_REQUESTED):
        raise ValidationError(_("A practice can be changed only as a draft or when changes were requested."))
    with transaction.atomic():
        claim_version(practice, expected_version)
        _apply_practice(practice, data)
        audit.record(action="update", actor=actor, record=practice)
    return practice


def practice_submit(*, actor: Any, practice: Practice) -> Practice:
    if practice.submitted_by_id != getattr(actor, "pk", None):
        raise PermissionDenied(_("Only the submitter may send a practice for review."))
    if practice.status not in (Practice.Status.DRAFT, Practice.Status.CHANGES_REQUESTED):
        raise ValidationError(_("This practice is not a draft."))
    with transaction.atomic():
        practice.status = Practice.Status.SUBMITTED
        practice.submitted_at = timezone.now()
        practice.save(update_fields=["status", "submitted_at", "updated_at"])
        audit.record(action="update", actor=actor, record=practice, detail={"status": "submitted"})
    return practice


def practice_review(*, actor: Any, practice: Practice, decision: str, comments: str) -> PracticeReview:
    """Peer review: a reviewer other than the submitter approves (which publishes), asks for changes or
    rejects. Reviews are kept, so the editorial history of a practice stays visible to editors."""
    if not access.can_review(actor):
        audit.record(action="permission_denied", actor=actor, record=practice)
        raise PermissionDenied(_("Reviewing practices needs the reviewer permission."))
    if practice.submitted_by_id == actor.pk:
        raise PermissionDenied(_("Reviewers cannot review their own practice."))
    if practice.status != Practice.Status.SUBMITTED:
        raise ValidationError(_("Only a practice awaiting review can be reviewed."))
    if decision not in PracticeReview.Decision.values:
        raise ValidationError({"decision": _("Unknown decision.")})
    if not comments.strip():
        raise ValidationError({"comments": _("Explain the decision to the submitter.")})
    new_status = {
        PracticeReview.Decision.APPROVE: Practice.Status.PUBLISHED,
        PracticeReview.Decision.REQUEST_CHANGES: Practice.Status.CHANGES_REQUESTED,
        PracticeReview.Decision.REJECT: Practice.Status.REJECTED,
    }[PracticeReview.Decision(decision)]
    with transaction.atomic():
        review = PracticeReview.objects.create(
            practice=practice, reviewer=actor, decision=decision, comments=comments.strip()
        )
        practice.status = new_status
        if new_status == Practice.Status.PUBLISHED:
            practice.published_at = timezone.now()
        practice.save(update_fields=["status", "published_at", "updated_at"])
        audit.record(action="update", actor=actor, record=practice, detail={"review": decision})
    return review


def partnership_call_create(
    *,
    actor: Any,
    title: str,
    description: str,
    organisation: Organisation,
    contact_email: str,
    open_until: datetime.date,
    gcm_objective_numbers: list[int],
    practice: Practice | None = None,
) -> PartnershipCall:
    """A signed-in user drafts a call; an editor publishes it."""
    if not getattr(actor, "is_authenticated", False):
        raise PermissionDenied(_("Sign in to post a call for partnership."))
    if practice is not None and practice.status != Practice.Status.PUBLISHED:
        raise ValidationError({"practice": _("A call can refer only to a published practice.")})
    with transaction.atomic():
        call = PartnershipCall(
            title=title,
            description=description,
            organisation=organisation,
            contact_email=contact_email,
            open_until=open_until,
            practice=practice,
            created_by=actor,
        )
        call.full_clean(exclude=["gcm_objectives"])
        call.save()
        call.gcm_objectives.set(GcmObjective.objects.filter(number__in=gcm_objective_numbers))
        audit.record(action="create", actor=actor, record=call)
    return call


def partnership_call_publish(*, actor: Any, call: PartnershipCall) -> PartnershipCall:
    _require_editor(actor)
    with transaction.atomic():
        # Publishing changes a field the edit form shows: a form opened before must not undo it.
        claim_version(call, None)
        call.is_published = True
        call.save(update_fields=["is_published"])
        audit.record(action="update", actor=actor, record=call, detail={"published": True})
    return call


# --- Research library ------------------------------------------------------------------------------------

PUBLICATION_FILE_KINDS = {"pdf", "docx", "odt", "txt"}
PUBLICATION_MAX_BYTES = 50 * 1024 * 1024


@dataclass
class PublicationInput:
    title: str
    year: int
    kind: str
    source: str
    authors: list[str] = field(default_factory=list)
    organisation: Organisation | None = None
    language: str = DocumentLanguage.EN
    abstract: str = ""
    topic_codes: list[str] = field(default_factory=list)
    gcm_objective_numbers: list[int] = field(default_factory=list)
    country_codes: list[str] = field(default_factory=list)
    licence: str = Licence.UNKNOWN
    url: str = ""
    identifier: str = ""
    file_access: str = FileAccess.PUBLIC
    is_published: bool = False
    slug: str = ""


def _unique_slug(model: Any, text: str, *, exclude_pk: int | None = None) -> str:
    base = slugify(text)[:100].strip("-") or model._meta.model_name
    candidate, counter = base, 2
    existing = model.objects.exclude(pk=exclude_pk) if exclude_pk else model.objects.all()
    while existing.filter(slug=candidate).exists():
        candidate = f"{base}-{counter}"
        counter += 1
    return candidate


def _gcm_objectives(numbers: list[int]) -> list[GcmObjective]:
    objectives = list(GcmObjective.objects.filter(number__in=numbers))
    if len(objectives) != len(set(numbers)):
        raise ValidationError({"gcm_objectives": _("Global Compact objectives are numbered 1 to 23.")})
    return objectives


def _apply_publication(
    publication: Publication, data: PublicationInput
) -> tuple[list[Any], list[Any], list[str]]:
    errors: dict[str, Any] = {}
    if not data.title.strip():
        errors["title"] = _("A publication needs a title.")
    this_year = timezone.localdate().year
    if not 1800 <= data.year <= this_year + 1:
        errors["year"] = _("The year must be between 1800 and %(max)s.") % {"max": this_year + 1}
    if data.kind not in PublicationKind.values:
        errors["kind"] = _("Unknown type of publication.")
    if data.language not in DocumentLanguage.values:
        errors["language"] = _("Unknown language.")
    if data.licence not in Licence.values:
        errors["licence"] = _("Unknown licence.")
    if data.file_access not in FileAccess.values:
        errors["file_access"] = _("Unknown access level.")
    if errors:
        raise ValidationError(errors)
    topics = _topics(data.topic_codes)
    objectives = _gcm_objectives(data.gcm_objective_numbers)
    countries = sorted({_country(code, "countries") for code in data.country_codes})
    publication.title = data.title.strip()
    publication.authors = "\n".join(name.strip() for name in data.authors if name.strip())
    publication.organisation = data.organisation
    publication.year = data.year
    publication.language = data.language
    publication.kind = data.kind
    publication.abstract = data.abstract.strip()
    publication.licence = data.licence
    publication.url = data.url.strip()
    publication.identifier = data.identifier.strip()
    publication.source = data.source.strip()
    publication.file_access = data.file_access
    publication.is_published = data.is_published
    publication.full_clean(exclude=["slug", "file", "created_by", "topics", "gcm_objectives", "organisation"])
    return topics, objectives, countries


def _read_publication_file(upload: File) -> tuple[StoredFile, str]:
    """Check and extract the upload, then store it; nothing is stored when the file is refused."""
    try:
        kind = check_upload(upload, allowed=PUBLICATION_FILE_KINDS, max_bytes=PUBLICATION_MAX_BYTES)
        text = extract_text(upload.file, kind.code)  # type: ignore[arg-type]
        stored = store_upload(
            upload,
            folder="coordination/publications",
            allowed=PUBLICATION_FILE_KINDS,
            max_bytes=PUBLICATION_MAX_BYTES,
        )
    except UploadRejected as error:
        raise ValidationError({"file": error.messages}) from error
    return stored, text


def _attach_file(record: Any, stored: StoredFile) -> None:
    record.file.name = stored.name
    record.file_name = stored.original_name
    record.file_kind = stored.kind.code
    record.file_size = stored.size
    record.file_sha256 = stored.sha256


def _detach_file(record: Any) -> None:
    delete_after_commit(record.file.name)
    record.file.name = ""
    record.file_name = record.file_kind = record.file_sha256 = ""
    record.file_size = None


def _save_publication_relations(
    publication: Publication, topics: list[Any], objectives: list[Any], countries: list[str]
) -> None:
    publication.topics.set(topics)
    publication.gcm_objectives.set(objectives)
    publication.countries.all().delete()
    PublicationCountry.objects.bulk_create(
        PublicationCountry(publication=publication, country_iso3=iso3) for iso3 in countries
    )
    search.index_publication(publication)


def publication_create(*, actor: Any, data: PublicationInput, upload: File | None = None) -> Publication:
    _require_editor(actor)
    publication = Publication(created_by=actor if getattr(actor, "is_authenticated", False) else None)
    topics, objectives, countries = _apply_publication(publication, data)
    stored, text = _read_publication_file(upload) if upload is not None else (None, "")
    with removed_unless_recorded(stored), transaction.atomic():
        publication.slug = data.slug or _unique_slug(Publication, f"{data.title} {data.year}")
        if stored is not None:
            _attach_file(publication, stored)
            publication.text = text
        publication.save()
        _save_publication_relations(publication, topics, objectives, countries)
        audit.record(
            action="create",
            actor=actor,
            record=publication,
            detail={"file_sha256": publication.file_sha256} if stored else {},
        )
    return publication


def publication_update(
    *,
    actor: Any,
    publication: Publication,
    data: PublicationInput,
    expected_version: int | None,
    upload: File | None = None,
    remove_file: bool = False,
) -> Publication:
    """Change the record; a new upload replaces the old file, which is deleted once the change commits."""
    _require_editor(actor)
    topics, objectives, countries = _apply_publication(publication, data)
    stored, text = _read_publication_file(upload) if upload is not None else (None, "")
    with removed_unless_recorded(stored), transaction.atomic():
        claim_version(publication, expected_version)
        if (stored is not None or remove_file) and publication.file:
            _detach_file(publication)
            publication.text = ""
        if stored is not None:
            _attach_file(publication, stored)
            publication.text = text
        publication.save()
        _save_publication_relations(publication, topics, objectives, countries)
        audit.record(
            action="update",
            actor=actor,
            record=publication,
            detail={"file_replaced": stored is not None, "file_removed": remove_file and stored is None},
        )
    return publication


def publication_set_published(*, actor: Any, publication: Publication, published: bool) -> Publication:
    _require_editor(actor)
    with transaction.atomic():
        # Publishing changes a field the edit form shows: a form opened before must not undo it.
        claim_version(publication, None)
        publication.is_published = published
        publication.save(update_fields=["is_published", "updated_at"])
        audit.record(action="update", actor=actor, record=publication, detail={"published": published})
    return publication


def publication_delete(*, actor: Any, publication: Publication) -> None:
    _require_editor(actor)
    with transaction.atomic():
        audit.record(action="delete", actor=actor, record=publication, detail={"title": publication.title})
        if publication.file:
            delete_after_commit(publication.file.name)
        publication_id = publication.pk
        publication.delete()
        search.unindex_publication(publication_id)


# --- Migration policy database -----------------------------------------------------------------------------


@dataclass
class PolicyInput:
    country_code: str
    title: str
    year: int
    kind: str
    direction: str
    domain: str
    source_name: str
    original_title: str = ""
    adopted_on: datetime.date | None = None
    adopted_precision: str = DatePrecision.DAY
    ended_on: datetime.date | None = None
    area: str = ""
    status: str = MigrationPolicy.Status.IN_FORCE
    summary: str = ""
    development_relevance: str = ""
    topic_codes: list[str] = field(default_factory=list)
    partner_codes: list[str] = field(default_factory=list)
    source_url: str = ""
    source_edition: str = ""
    is_published: bool = False
    identifier: str = ""


IDENTIFIER_MAX = 100


def _apply_policy(policy: MigrationPolicy, data: PolicyInput) -> tuple[list[Topic], list[str]]:
    errors: dict[str, Any] = {}
    choices = {
        "kind": MigrationPolicy.Kind.values,
        "direction": MigrationPolicy.Direction.values,
        "domain": PolicyDomain.values,
        "status": MigrationPolicy.Status.values,
        "adopted_precision": DatePrecision.values,
    }
    for name, allowed in choices.items():
        if getattr(data, name) not in allowed:
            errors[name] = _("Unknown value: %(value)s") % {"value": getattr(data, name)}
    if data.area and data.area not in Area.values:
        errors["area"] = _("Unknown area: %(area)s") % {"area": data.area}
    if data.adopted_on is not None and data.adopted_on.year != data.year:
        errors["adopted_on"] = _("The adoption date is not in the policy's year.")
    identifier = data.identifier.strip()
    if identifier and (len(identifier) > IDENTIFIER_MAX or any(ch.isspace() for ch in identifier)):
        errors["identifier"] = _("An identifier has no spaces and at most %(max)d characters.") % {
            "max": IDENTIFIER_MAX
        }
    if not data.title.strip():
        errors["title"] = _("This cannot be empty or only spaces.")
    if errors:
        raise ValidationError(errors)
    checked_date_range(data.adopted_on, data.ended_on, start_field="adopted_on", end_field="ended_on")
    topics = _topics(data.topic_codes)
    country = _country(data.country_code, "country_iso3")
    if identifier:
        policy.identifier = identifier
    elif not policy.identifier:
        # Readable and unique: country, year and a random part (the unique constraint is the final check).
        policy.identifier = f"{country}-{data.year}-{secrets.token_hex(4)}"
    partners = sorted({_country(code, "partners") for code in data.partner_codes} - {country})
    for name in (
        "title",
        "original_title",
        "year",
        "adopted_on",
        "adopted_precision",
        "ended_on",
        "kind",
        "direction",
        "domain",
        "area",
        "status",
        "summary",
        "development_relevance",
        "source_name",
        "source_url",
        "source_edition",
        "is_published",
    ):
        value = getattr(data, name)
        setattr(policy, name, value.strip() if isinstance(value, str) else value)
    policy.country_iso3 = country
    policy.full_clean(exclude=["topics"])
    return topics, partners


def _save_policy_relations(policy: MigrationPolicy, topics: list[Topic], partners: list[str]) -> None:
    policy.topics.set(topics)
    policy.partners.all().delete()
    PolicyPartner.objects.bulk_create(PolicyPartner(policy=policy, country_iso3=iso3) for iso3 in partners)


def policy_create(*, actor: Any, data: PolicyInput) -> MigrationPolicy:
    _require_editor(actor)
    policy = MigrationPolicy()
    topics, partners = _apply_policy(policy, data)
    with transaction.atomic():
        policy.save()
        _save_policy_relations(policy, topics, partners)
        audit.record(action="create", actor=actor, record=policy)
    return policy


def policy_update(
    *, actor: Any, policy: MigrationPolicy, data: PolicyInput, expected_version: int | None
) -> MigrationPolicy:
    _require_editor(actor)
    topics, partners = _apply_policy(policy, data)
    with transaction.atomic():
        claim_version(policy, expected_version)
        policy.save()
        _save_policy_relations(policy, topics, partners)
        audit.record(action="update", actor=actor, record=policy)
    return policy


@dataclass
class PreparedPolicy:
    """A policy checked against every rule and ready to save: the file import checks all rows first."""

    policy: MigrationPolicy
    topics: list[Topic]
    partners: list[str]
    created: bool


def policy_prepare(data: PolicyInput, existing: MigrationPolicy | None) -> PreparedPolicy:
    """Apply ``data`` to ``existing`` (or a new policy) without saving; ValidationError names the fields.

    An import row without a ``published`` value leaves an existing policy's publication as it was."""
    policy = existing if existing is not None else MigrationPolicy()
    topics, partners = _apply_policy(policy, data)
    return PreparedPolicy(policy=policy, topics=topics, partners=partners, created=existing is None)


def policies_save_prepared(*, actor: Any, prepared: list[PreparedPolicy]) -> tuple[int, int]:
    """Save prepared policies in one transaction, one audit entry each; returns (created, updated).
    Permission is checked by the caller (the dataio layer checks the format's permissions)."""
    created = updated = 0
    with transaction.atomic():
        for item in prepared:
            # An import rewrites the policy: a form opened before it must not overwrite what it wrote.
            claim_version(item.policy, None)
            item.policy.save()
            _save_policy_relations(item.policy, item.topics, item.partners)
            audit.record(action="create" if item.created else "update", actor=actor, record=item.policy)
            created += item.created
            updated += not item.created
    return created, updated


def policy_set_published(*, actor: Any, policy: MigrationPolicy, published: bool) -> MigrationPolicy:
    _require_editor(actor)
    with transaction.atomic():
        # Publishing changes a field the edit form shows: a form opened before must not undo it.
        claim_version(policy, None)
        policy.is_published = published
        policy.save(update_fields=["is_published", "updated_at"])
        audit.record(action="update", actor=actor, record=policy, detail={"published": published})
    return policy


# --- Information for migrants: editors write, a second person approves ------------------------------------


def _language(code: str) -> str:
    languages = [code for code, _name in settings.LANGUAGES]
    if code not in languages:
        raise ValidationError(
            {"language": _("Pages are written in %(languages)s.") % {"languages": ", ".join(languages)}}
        )
    return code


def migrant_page_create(
    *, actor: Any, subject: str, country_code: str = "", topic_codes: list[str] | None = None, slug: str = ""
) -> MigrantInfoPage:
    _require_editor(actor)
    if subject not in MigrantInfoSubject.values:
        raise ValidationError({"subject": _("Unknown subject.")})
    country = _country(country_code, "country_iso3") if country_code else ""
    topics = _topics(topic_codes or [])
    with transaction.atomic():
        page = MigrantInfoPage.objects.create(
            slug=slug or _unique_slug(MigrantInfoPage, f"{country or 'all'} {subject}"),
            subject=subject,
            country_iso3=country,
            created_by=actor,
        )
        page.topics.set(topics)
        audit.record(action="create", actor=actor, record=page)
    return page


def migrant_page_update(
    *,
    actor: Any,
    page: MigrantInfoPage,
    subject: str,
    country_code: str = "",
    topic_codes: list[str] | None = None,
    expected_version: int | None,
) -> MigrantInfoPage:
    _require_editor(actor)
    if subject not in MigrantInfoSubject.values:
        raise ValidationError({"subject": _("Unknown subject.")})
    page.subject = subject
    page.country_iso3 = _country(country_code, "country_iso3") if country_code else ""
    topics = _topics(topic_codes or [])
    with transaction.atomic():
        claim_version(page, expected_version)
        page.save()
        page.topics.set(topics)
        audit.record(action="update", actor=actor, record=page)
    return page


def translation_save(
    *,
    actor: Any,
    page: MigrantInfoPage,
    language: str,
    title: str,
    body: str,
    summary: str = "",
    expected_version: int | None = None,
) -> MigrantInfoTranslation:
    """Write or rewrite one language's working copy. The published copy, if any, stays online until a
    reviewer approves the new text."""
    _require_editor(actor)
    language = _language(language)
    if not title.strip() or not body.strip():
        raise ValidationError(_("A translation needs a title and a text."))
    with transaction.atomic():
        translation, created = MigrantInfoTranslation.objects.get_or_create(
            page=page, language=language, defaults={"title": title.strip(), "body": body.strip()}
        )
        if not created:
            claim_version(translation, expected_version)
        translation.title = title.strip()
        translation.summary = summary.strip()
        translation.body = body.strip()
        translation.status = MigrantInfoTranslation.Status.DRAFT
        translation.written_by = actor
        translation.full_clean()
        translation.save()
        audit.record(action="create" if created else "update", actor=actor, record=translation)
    return translation


def translation_submit(*, actor: Any, translation: MigrantInfoTranslation) -> MigrantInfoTranslation:
    _require_editor(actor)
    if translation.status not in (
        MigrantInfoTranslation.Status.DRAFT,
        MigrantInfoTranslation.Status.CHANGES_REQUESTED,
    ):
        raise ValidationError(_("Only a draft can be sent for approval."))
    with transaction.atomic():
        translation.status = MigrantInfoTranslation.Status.SUBMITTED
        translation.save(update_fields=["status", "updated_at"])
        audit.record(action="update", actor=actor, record=translation, detail={"status": "submitted"})
    return translation


def translation_review(
    *, actor: Any, translation: MigrantInfoTranslation, approve: bool, comments: str = ""
) -> MigrantInfoTranslation:
    """Approval publishes the working copy; a request for changes sends it back with comments. The person
    who wrote the text cannot approve it."""
    if not access.can_approve_information(actor):
        audit.record(action="permission_denied", actor=actor, record=translation)
        raise PermissionDenied(_("Approving information for migrants needs the approver permission."))
    if translation.written_by_id == getattr(actor, "pk", None):
        raise PermissionDenied(_("The writer of a text cannot approve it; another reviewer must."))
    if translation.status != MigrantInfoTranslation.Status.SUBMITTED:
        raise ValidationError(_("Only a text awaiting approval can be reviewed."))
    if not approve and not comments.strip():
        raise ValidationError({"comments": _("Say what should change.")})
    with transaction.atomic():
        translation.review_comments = comments.strip()
        if approve:
            translation.status = MigrantInfoTranslation.Status.APPROVED
            translation.published_title = translation.title
            translation.published_summary = translation.summary
            translation.published_body = translation.body
            translation.published_at = timezone.now()
            translation.approved_by = actor
        else:
            translation.status = MigrantInfoTranslation.Status.CHANGES_REQUESTED
        translation.save()
        audit.record(
            action="update",
            actor=actor,
            record=translation,
            detail={"review": "approved" if approve else "changes_requested"},
        )
    return translation


def translation_withdraw(*, actor: Any, translation: MigrantInfoTranslation) -> MigrantInfoTranslation:
    """Take a language offline at once (for example when its advice became wrong)."""
    _require_editor(actor)
    with transaction.atomic():
        translation.published_title = translation.published_summary = translation.published_body = ""
        translation.published_at = None
        if translation.status == MigrantInfoTranslation.Status.APPROVED:
            translation.status = MigrantInfoTranslation.Status.DRAFT
        translation.save()
        audit.record(action="update", actor=actor, record=translation, detail={"withdrawn": True})
    return translation


@dataclass
class HotlineInput:
    country_code: str
    name: str
    kind: str
    phone: str
    source: str
    hours: str = ""
    languages: str = ""
    organisation: Organisation | None = None
    url: str = ""
    verified_on: datetime.date | None = None
    is_published: bool = True


def hotline_save(
    *, actor: Any, data: HotlineInput, hotline: Hotline | None = None, expected_version: int | None = None
) -> Hotline:
    _require_editor(actor)
    if data.kind not in Hotline.Kind.values:
        raise ValidationError({"kind": _("Unknown kind of hotline.")})
    if not any(ch.isdigit() for ch in data.phone):
        raise ValidationError({"phone": _("A telephone number needs digits.")})
    record = hotline or Hotline()
    record.country_iso3 = _country(data.country_code, "country_iso3")
    for name in (
        "name",
        "kind",
        "phone",
        "source",
        "hours",
        "languages",
        "organisation",
        "url",
        "verified_on",
        "is_published",
    ):
        value = getattr(data, name)
        setattr(record, name, value.strip() if isinstance(value, str) else value)
    record.full_clean()
    with transaction.atomic():
        created = record.pk is None
        claim_version(record, expected_version)
        record.save()
        audit.record(action="create" if created else "update", actor=actor, record=record)
    return record


# --- Meeting documents ----------------------------------------------------------------------------------------

MEETING_DOCUMENT_FILE_KINDS = {"pdf", "docx", "xlsx", "pptx", "odt", "txt", "csv"}
MEETING_DOCUMENT_MAX_BYTES = 25 * 1024 * 1024


def meeting_document_add(
    *,
    actor: Any,
    meeting: Meeting,
    title: str,
    kind: str,
    language: str = "en",
    url: str = "",
    upload: File | None = None,
    file_access: str = FileAccess.PUBLIC,
    author_organisation: Organisation | None = None,
) -> MeetingDocument:
    """A document of a meeting: a link, an uploaded file (checked, kept in the default storage), or both."""
    _require_editor(actor)
    if not title.strip():
        raise ValidationError({"title": _("A document needs a title.")})
    if kind not in MeetingDocument.Kind.values:
        raise ValidationError({"kind": _("Unknown kind of document.")})
    if file_access not in FileAccess.values:
        raise ValidationError({"file_access": _("Unknown access level.")})
    if not url.strip() and upload is None:
        raise ValidationError(_("Give a link to the document or upload its file."))
    document = MeetingDocument(
        meeting=meeting,
        title=title.strip(),
        kind=kind,
        language=language,
        url=url.strip(),
        file_access=file_access,
        author_organisation=author_organisation,
    )
    document.full_clean(exclude=["file", "meeting", "uploaded_by"])
    stored = None
    if upload is not None:
        try:
            stored = store_upload(
                upload,
                folder="coordination/meeting-documents",
                allowed=MEETING_DOCUMENT_FILE_KINDS,
                max_bytes=MEETING_DOCUMENT_MAX_BYTES,
            )
        except UploadRejected as error:
            raise ValidationError({"file": error.messages}) from error
    with removed_unless_recorded(stored), transaction.atomic():
        if stored is not None:
            _attach_file(document, stored)
            document.uploaded_by = actor
            document.uploaded_at = timezone.now()
        document.save()
        audit.record(
            action="create",
            actor=actor,
            record=document,
            detail={"file_sha256": document.file_sha256} if stored else {},
        )
    return document


def meeting_document_delete(*, actor: Any, document: MeetingDocument) -> None:
    _require_editor(actor)
    with transaction.atomic():
        audit.record(action="delete", actor=actor, record=document, detail={"title": document.title})
        if document.file:
            delete_after_commit(document.file.name)
        document.delete()


# --- Research network -----------------------------------------------------------------------------------------


def orcid_is_valid(orcid: str) -> bool:
    """The ORCID iD format 0000-0000-0000-000X with its ISO 7064 MOD 11-2 check character."""
    digits = orcid.replace("-", "")
    if len(orcid) != 19 or len(digits) != 16 or [orcid[i] for i in (4, 9, 14)] != ["-", "-", "-"]:
        return False
    if not digits[:15].isdigit() or not (digits[15].isdigit() or digits[15] == "X"):
        return False
    total = 0
    for char in digits[:15]:
        total = (total + int(char)) * 2
    check = (12 - total % 11) % 11
    return digits[15] == ("X" if check == 10 else str(check))


@dataclass
class ResearcherInput:
    name: str
    organisation: Organisation | None = None
    position: str = ""
    orcid: str = ""
    url: str = ""
    topic_codes: list[str] = field(default_factory=list)
    country_codes: list[str] = field(default_factory=list)
    publication_slugs: list[str] = field(default_factory=list)
    is_published: bool = False


def _publications(slugs: list[str]) -> list[Publication]:
    publications = list(Publication.objects.filter(slug__in=slugs))
    missing = sorted(set(slugs) - {publication.slug for publication in publications})
    if missing:
        raise ValidationError(
            {"publications": _("Unknown publications: %(slugs)s") % {"slugs": ", ".join(missing)}}
        )
    return publications


def researcher_save(
    *,
    actor: Any,
    data: ResearcherInput,
    researcher: Researcher | None = None,
    expected_version: int | None = None,
) -> Researcher:
    _require_editor(actor)
    if not data.name.strip():
        raise ValidationError({"name": _("A researcher needs a name.")})
    orcid = data.orcid.strip().upper()
    if orcid and not orcid_is_valid(orcid):
        raise ValidationError(
            {"orcid": _("An ORCID iD looks like 0000-0002-1825-0097 (with a valid check digit).")}
        )
    topics = _topics(data.topic_codes)
    countries = sorted({_country(code, "countries") for code in data.country_codes})
    publications = _publications(data.publication_slugs)
    record = researcher or Researcher()
    record.name = data.name.strip()
    record.organisation = data.organisation
    record.position = data.position.strip()
    record.orcid = orcid
    record.url = data.url.strip()
    record.is_published = data.is_published
    with transaction.atomic():
        created = record.pk is None
        if created:
            record.slug = _unique_slug(Researcher, record.name)
        claim_version(record, expected_version)
        record.full_clean(exclude=["topics", "publications"])
        record.save()
        record.topics.set(topics)
        record.publications.set(publications)
        record.countries.all().delete()
        ResearcherCountry.objects.bulk_create(
            ResearcherCountry(researcher=record, country_iso3=c) for c in countries
        )
        audit.record(action="create" if created else "update", actor=actor, record=record)
    return record


@dataclass
class ResearchProjectInput:
    title: str
    lead_organisation: Organisation
    source: str
    summary: str = ""
    partners: list[Organisation] = field(default_factory=list)
    researcher_slugs: list[str] = field(default_factory=list)
    topic_codes: list[str] = field(default_factory=list)
    country_codes: list[str] = field(default_factory=list)
    publication_slugs: list[str] = field(default_factory=list)
    start_year: int | None = None
    end_year: int | None = None
    url: str = ""
    is_published: bool = False


def research_project_save(
    *,
    actor: Any,
    data: ResearchProjectInput,
    project: ResearchProject | None = None,
    expected_version: int | None = None,
) -> ResearchProject:
    _require_editor(actor)
    if not data.title.strip():
        raise ValidationError({"title": _("A project needs a title.")})
    if data.start_year and data.end_year and data.end_year < data.start_year:
        raise ValidationError({"end_year": _("The project ends before it starts.")})
    topics = _topics(data.topic_codes)
    countries = sorted({_country(code, "countries") for code in data.country_codes})
    publications = _publications(data.publication_slugs)
    researchers = list(Researcher.objects.filter(slug__in=data.researcher_slugs))
    if len(researchers) != len(set(data.researcher_slugs)):
        raise ValidationError({"researchers": _("Unknown researchers.")})
    record = project or ResearchProject()
    record.title = data.title.strip()
    record.summary = data.summary.strip()
    record.lead_organisation = data.lead_organisation
    record.start_year, record.end_year = data.start_year, data.end_year
    record.url = data.url.strip()
    record.source = data.source.strip()
    record.is_published = data.is_published
    with transaction.atomic():
        created = record.pk is None
        if created:
            record.slug = _unique_slug(ResearchProject, record.title)
        claim_version(record, expected_version)
        record.full_clean(exclude=["partners", "researchers", "topics", "publications"])
        record.save()
        record.partners.set([org for org in data.partners if org.pk != data.lead_organisation.pk])
        record.researchers.set(researchers)
        record.topics.set(topics)
        record.publications.set(publications)
        record.countries.all().delete()
        ResearchProjectCountry.objects.bulk_create(
            ResearchProjectCountry(project=record, country_iso3=c) for c in countries
        )
        audit.record(action="create" if created else "update", actor=actor, record=record)
    return record
