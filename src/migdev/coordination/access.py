"""Who may see and change coordination records: the one place each record type's access is decided.

Published content is public. Drafts and unpublished records are visible only to editors; a submitted
practice is also visible to its submitter. Anything outside a caller's view answers 404, never 403.

The decisions are the platform's (`migdev.accounts.access`): each ``*_visible_to`` is the published records
plus what ``scoped_queryset`` reaches with the permission that opens drafts (editing; reviewing for
practices; approving for pages for migrants), and ``can_edit`` & co. are ``reaches`` for the same
permissions. Hub records belong to no owner, group or organisation, so only a grant at ``all`` scope
reaches them; every role that holds these permissions holds them at ``all`` (migrations 0003 and 0006).
``require_editor`` is the one editor check of services, pages and the API.
"""

from __future__ import annotations

from typing import Any, TypeVar

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, Model, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from migdev.accounts.access import reaches, scoped_queryset
from migdev.coordination import audit
from migdev.coordination.models import (
    Activity,
    FileAccess,
    Hotline,
    Initiative,
    Meeting,
    MeetingDocument,
    MigrantInfoPage,
    MigrantInfoTranslation,
    MigrationPolicy,
    PartnershipCall,
    Practice,
    Process,
    Publication,
    Researcher,
    ResearchProject,
)

EDIT_PERMISSION = "coordination.edit_content"
REVIEW_PERMISSION = "coordination.review_practice"
APPROVE_INFORMATION_PERMISSION = "coordination.approve_information"


# Hub records have no owner, group or organisation: what a grant reaches is all of them or nothing.
_UNOWNED: dict[str, str | None] = {"owner_field": None, "group_field": None, "organisation_field": None}

ModelT = TypeVar("ModelT", bound=Model)


def can_edit(user: Any) -> bool:
    return reaches(user, EDIT_PERMISSION)


def can_review(user: Any) -> bool:
    return reaches(user, REVIEW_PERMISSION)


def can_approve_information(user: Any) -> bool:
    return reaches(user, APPROVE_INFORMATION_PERMISSION)


def require_editor(user: Any) -> None:
    """Refuse (``PermissionDenied``, audited) a user who may not edit coordination records."""
    if not can_edit(user):
        audit.record(action="permission_denied", actor=user, detail={"permission": EDIT_PERMISSION})
        raise PermissionDenied(_("Editing coordination records needs the editor role."))


def _published_or_reached(
    user: Any, queryset: QuerySet[ModelT], published: Q, perms: tuple[str, ...] = (EDIT_PERMISSION,)
) -> QuerySet[ModelT]:
    """The published records of ``queryset``, and every record ``user`` reaches with one of ``perms``."""
    visible = queryset.filter(published)
    for perm in perms:
        visible = visible | scoped_queryset(user, perm, queryset, **_UNOWNED)
    return visible


def processes_visible_to(user: Any) -> QuerySet[Process]:
    return _published_or_reached(user, Process.objects.all(), Q(is_published=True))


def meetings_visible_to(user: Any) -> QuerySet[Meeting]:
    published = Q(is_published=True) & (Q(process__isnull=True) | Q(process__is_published=True))
    return _published_or_reached(user, Meeting.objects.all(), published)


def activities_visible_to(user: Any) -> QuerySet[Activity]:
    return _published_or_reached(user, Activity.objects.all(), Q(is_published=True))


def initiatives_visible_to(user: Any) -> QuerySet[Initiative]:
    return _published_or_reached(user, Initiative.objects.all(), Q(is_published=True))


def practices_visible_to(user: Any) -> QuerySet[Practice]:
    published = Q(status=Practice.Status.PUBLISHED)
    if user is not None and getattr(user, "is_authenticated", False):
        published |= Q(submitted_by=user)
    return _published_or_reached(
        user, Practice.objects.all(), published, perms=(EDIT_PERMISSION, REVIEW_PERMISSION)
    )


def partnership_calls_visible_to(user: Any) -> QuerySet[PartnershipCall]:
    return _published_or_reached(user, PartnershipCall.objects.all(), Q(is_published=True))


def publications_visible_to(user: Any) -> QuerySet[Publication]:
    return _published_or_reached(user, Publication.objects.all(), Q(is_published=True))


def policies_visible_to(user: Any) -> QuerySet[MigrationPolicy]:
    return _published_or_reached(user, MigrationPolicy.objects.all(), Q(is_published=True))


def migrant_pages_visible_to(user: Any) -> QuerySet[MigrantInfoPage]:
    """Pages with at least one approved translation; editors and approvers also see pages in the works."""
    approved = MigrantInfoTranslation.objects.filter(page=OuterRef("pk"), published_at__isnull=False)
    return _published_or_reached(
        user,
        MigrantInfoPage.objects.all(),
        Q(Exists(approved)),
        perms=(EDIT_PERMISSION, APPROVE_INFORMATION_PERMISSION),
    )


def hotlines_visible_to(user: Any) -> QuerySet[Hotline]:
    return _published_or_reached(user, Hotline.objects.all(), Q(is_published=True))


def researchers_visible_to(user: Any) -> QuerySet[Researcher]:
    return _published_or_reached(user, Researcher.objects.all(), Q(is_published=True))


def research_projects_visible_to(user: Any) -> QuerySet[ResearchProject]:
    return _published_or_reached(user, ResearchProject.objects.all(), Q(is_published=True))


def may_download(user: Any, file_access: str) -> bool:
    """Whether the user may download a file at this access level, given they may see its record."""
    if file_access == FileAccess.PUBLIC:
        return True
    if file_access == FileAccess.SIGNED_IN:
        return bool(user is not None and getattr(user, "is_authenticated", False))
    return can_edit(user)


def process_get_for_user(user: Any, code: str) -> Process:
    return _get_or_404(processes_visible_to(user), code=code)


def meeting_get_for_user(user: Any, slug: str) -> Meeting:
    return _get_or_404(meetings_visible_to(user), slug=slug)


def activity_get_for_user(user: Any, pk: int) -> Activity:
    return _get_or_404(activities_visible_to(user), pk=pk)


def initiative_get_for_user(user: Any, code: str) -> Initiative:
    return _get_or_404(initiatives_visible_to(user), code=code)


def practice_get_for_user(user: Any, pk: int) -> Practice:
    return _get_or_404(practices_visible_to(user), pk=pk)


def publication_get_for_user(user: Any, slug: str) -> Publication:
    return _get_or_404(publications_visible_to(user).select_related("organisation"), slug=slug)


def policy_get_for_user(user: Any, pk: int) -> MigrationPolicy:
    return _get_or_404(policies_visible_to(user), pk=pk)


def migrant_page_get_for_user(user: Any, slug: str) -> MigrantInfoPage:
    return _get_or_404(migrant_pages_visible_to(user), slug=slug)


def researcher_get_for_user(user: Any, slug: str) -> Researcher:
    return _get_or_404(researchers_visible_to(user).select_related("organisation"), slug=slug)


def research_project_get_for_user(user: Any, slug: str) -> ResearchProject:
    return _get_or_404(research_projects_visible_to(user).select_related("lead_organisation"), slug=slug)


def translation_visible(user: Any, translation: MigrantInfoTranslation) -> bool:
    """The public reads approved text; editors and approvers also read working copies."""
    return translation.is_public or can_edit(user) or can_approve_information(user)


def meeting_document_get_for_user(user: Any, meeting: Meeting, pk: int) -> MeetingDocument:
    """A document of a meeting the user may see; the caller checks the file with :func:`may_download`."""
    return _get_or_404(meeting.documents.all(), pk=pk)


def _get_or_404(queryset: QuerySet[Any], **lookup: Any) -> Any:
    try:
        return queryset.get(**lookup)
    except queryset.model.DoesNotExist as error:
        raise Http404 from error
