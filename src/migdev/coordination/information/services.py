"""Every write to information for migrants: pages, translations and their approval, hotlines. Each function checks the actor's permission, validates, writes in one
transaction and leaves an audit row.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from migdev.accounts.models import Organisation
from migdev.coordination import access, audit
from migdev.coordination.common.services import checked_country, topics_for_codes, unique_slug
from migdev.coordination.models import Hotline, MigrantInfoPage, MigrantInfoSubject, MigrantInfoTranslation
from migdev.core.versioning import claim_version


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
    access.require_editor(actor)
    if subject not in MigrantInfoSubject.values:
        raise ValidationError({"subject": _("Unknown subject.")})
    country = checked_country(country_code, "country_iso3") if country_code else ""
    topics = topics_for_codes(topic_codes or [])
    with transaction.atomic():
        page = MigrantInfoPage.objects.create(
            slug=slug or unique_slug(MigrantInfoPage, f"{country or 'all'} {subject}"),
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
    access.require_editor(actor)
    if subject not in MigrantInfoSubject.values:
        raise ValidationError({"subject": _("Unknown subject.")})
    page.subject = subject
    page.country_iso3 = checked_country(country_code, "country_iso3") if country_code else ""
    topics = topics_for_codes(topic_codes or [])
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
    access.require_editor(actor)
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
    access.require_editor(actor)
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
    access.require_editor(actor)
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
    access.require_editor(actor)
    if data.kind not in Hotline.Kind.values:
        raise ValidationError({"kind": _("Unknown kind of hotline.")})
    if not any(ch.isdigit() for ch in data.phone):
        raise ValidationError({"phone": _("A telephone number needs digits.")})
    record = hotline or Hotline()
    record.country_iso3 = checked_country(data.country_code, "country_iso3")
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
