"""Every write to practices and their peer review, calls for partnership, the research library and the research network. Each function checks the actor's permission, validates, writes in one
transaction and leaves an audit row.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from migdev.accounts.models import Organisation
from migdev.coordination import access, audit
from migdev.coordination.common.services import (
    attach_file,
    checked_country,
    detach_file,
    topics_for_codes,
    unique_slug,
)
from migdev.coordination.knowledge import search
from migdev.coordination.knowledge.textextract import extract_text
from migdev.coordination.models import (
    DocumentLanguage,
    FileAccess,
    GcmObjective,
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
from migdev.coordination.uploads import (
    StoredFile,
    UploadRejected,
    check_upload,
    delete_after_commit,
    removed_unless_recorded,
    store_upload,
)
from migdev.core.validation import required_text
from migdev.core.versioning import claim_version

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
    countries = sorted({checked_country(code, "countries") for code in data.country_codes})
    topics = topics_for_codes(data.topic_codes)
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
    access.require_editor(actor)
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
    identifier_source: str = ""
    file_access: str = FileAccess.PUBLIC
    is_published: bool = False
    slug: str = ""


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
    topics = topics_for_codes(data.topic_codes)
    objectives = _gcm_objectives(data.gcm_objective_numbers)
    countries = sorted({checked_country(code, "countries") for code in data.country_codes})
    publication.title = data.title.strip()
    publication.authors = "\n".join(name.strip() for name in data.authors if name.strip())
    publication.organisation = data.organisation
    publication.year = data.year
    publication.language = data.language
    publication.kind = data.kind
    publication.abstract = data.abstract.strip()
    publication.licence = data.licence
    publication.url = data.url.strip()
    if data.identifier.strip() != publication.identifier:
        # The date read and the series flag belong to the identifier they were recorded for.
        publication.identifier_accessed = None
        publication.identifier_is_series_issn = False
    publication.identifier = data.identifier.strip()
    if publication.identifier:
        publication.identifier_source = data.identifier_source.strip()
        publication.no_identifier_note = ""
    elif not publication.no_identifier_note:
        # A note that the imprint prints no identifier keeps the page and date it was read on.
        publication.identifier_source = ""
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
    access.require_editor(actor)
    publication = Publication(created_by=actor if getattr(actor, "is_authenticated", False) else None)
    topics, objectives, countries = _apply_publication(publication, data)
    stored, text = _read_publication_file(upload) if upload is not None else (None, "")
    with removed_unless_recorded(stored), transaction.atomic():
        publication.slug = data.slug or unique_slug(Publication, f"{data.title} {data.year}")
        if stored is not None:
            attach_file(publication, stored)
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
    access.require_editor(actor)
    topics, objectives, countries = _apply_publication(publication, data)
    stored, text = _read_publication_file(upload) if upload is not None else (None, "")
    with removed_unless_recorded(stored), transaction.atomic():
        claim_version(publication, expected_version)
        if (stored is not None or remove_file) and publication.file:
            detach_file(publication)
            publication.text = ""
        if stored is not None:
            attach_file(publication, stored)
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
    access.require_editor(actor)
    with transaction.atomic():
        # Publishing changes a field the edit form shows: a form opened before must not undo it.
        claim_version(publication, None)
        publication.is_published = published
        publication.save(update_fields=["is_published", "updated_at"])
        audit.record(action="update", actor=actor, record=publication, detail={"published": published})
    return publication


def publication_delete(*, actor: Any, publication: Publication) -> None:
    access.require_editor(actor)
    with transaction.atomic():
        audit.record(action="delete", actor=actor, record=publication, detail={"title": publication.title})
        if publication.file:
            delete_after_commit(publication.file.name)
        publication_id = publication.pk
        publication.delete()
        search.unindex_publication(publication_id)


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
    access.require_editor(actor)
    if not data.name.strip():
        raise ValidationError({"name": _("A researcher needs a name.")})
    orcid = data.orcid.strip().upper()
    if orcid and not orcid_is_valid(orcid):
        raise ValidationError(
            {"orcid": _("An ORCID iD looks like 0000-0002-1825-0097 (with a valid check digit).")}
        )
    topics = topics_for_codes(data.topic_codes)
    countries = sorted({checked_country(code, "countries") for code in data.country_codes})
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
            record.slug = unique_slug(Researcher, record.name)
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
    access.require_editor(actor)
    if not data.title.strip():
        raise ValidationError({"title": _("A project needs a title.")})
    if data.start_year and data.end_year and data.end_year < data.start_year:
        raise ValidationError({"end_year": _("The project ends before it starts.")})
    topics = topics_for_codes(data.topic_codes)
    countries = sorted({checked_country(code, "countries") for code in data.country_codes})
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
            record.slug = unique_slug(ResearchProject, record.title)
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
