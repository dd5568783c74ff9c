"""Every write to processes, memberships, chairs, meetings, agendas, participants and meeting documents. Each function checks the actor's permission, validates, writes in one
transaction and leaves an audit row.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from migdev.accounts.models import Organisation
from migdev.coordination import access, audit
from migdev.coordination.common.services import attach_file, checked_country, topics_for_codes
from migdev.coordination.models import (
    AgendaItem,
    Chair,
    DatePrecision,
    FileAccess,
    Meeting,
    MeetingDocument,
    MeetingParticipant,
    Process,
    StateMembership,
)
from migdev.coordination.uploads import (
    UploadRejected,
    delete_after_commit,
    removed_unless_recorded,
    store_upload,
)
from migdev.core.validation import checked_date_range, required_text
from migdev.core.versioning import claim_version

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
    access.require_editor(actor)
    with transaction.atomic():
        membership = StateMembership.objects.create(
            process=process,
            country_iso3=checked_country(country_code, "country_iso3"),
            status=status,
            start_year=start_year,
            note=note,
        )
        audit.record(action="create", actor=actor, record=membership)
    return membership


def state_membership_end(
    *, actor: Any, membership: StateMembership, end_date: datetime.date, note: str = ""
) -> None:
    access.require_editor(actor)
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
    access.require_editor(actor)
    if bool(country_code) == (organisation is not None):
        raise ValidationError(_("A chair is either a state or an organisation."))
    if end_date is not None and end_date < start_date:
        raise ValidationError({"end_date": _("The end comes before the start.")})
    with transaction.atomic():
        chair = Chair.objects.create(
            process=process,
            role=role,
            country_iso3=checked_country(country_code, "country_iso3") if country_code else "",
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
        "country_iso3": checked_country(data.country_code, "country_iso3") if data.country_code else "",
        "host_country_iso3": checked_country(data.host_country_code, "host_country_iso3")
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
    access.require_editor(actor)
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
    access.require_editor(actor)
    values = _meeting_values(data)
    with transaction.atomic():
        claim_version(meeting, expected_version)
        for name, value in values.items():
            setattr(meeting, name, value)
        meeting.save()
        audit.record(action="update", actor=actor, record=meeting)
    return meeting


def agenda_item_add(*, actor: Any, meeting: Meeting, title: str, topic_codes: list[str]) -> AgendaItem:
    access.require_editor(actor)
    topics = topics_for_codes(topic_codes)
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
    access.require_editor(actor)
    if bool(country_code) == (organisation is not None):
        raise ValidationError(_("A participant is either a state or an organisation."))
    with transaction.atomic():
        participant = MeetingParticipant.objects.create(
            meeting=meeting,
            role=role,
            country_iso3=checked_country(country_code, "country_iso3") if country_code else "",
            organisation=organisation,
        )
        audit.record(action="create", actor=actor, record=participant)
    return participant


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
    access.require_editor(actor)
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
            attach_file(document, stored)
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
    access.require_editor(actor)
    with transaction.atomic():
        audit.record(action="delete", actor=actor, record=document, detail={"title": document.title})
        if document.file:
            delete_after_commit(document.file.name)
        document.delete()
