"""Who may see and change coordination records: the one place each record type's access is decided.

Published content is public. Drafts and unpublished records are visible only to editors; a submitted
practice is also visible to its submitter. Anything outside a caller's view answers 404, never 403.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404

from migdev.accounts.access import has_permission
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


def _has_permission(user: Any, perm: str) -> bool:
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    return has_permission(user, perm)


def can_edit(user: Any) -> bool:
    return _has_permission(user, EDIT_PERMISSION)


def can_review(user: Any) -> bool:
    return _has_permission(user, REVIEW_PERMISSION)


def can_approve_information(user: Any) -> bool:
    return _has_permission(user, APPROVE_INFORMATION_PERMISSION)


def processes_visible_to(user: Any) -> QuerySet[Process]:
    queryset = Process.objects.all()
    return queryset if can_edit(user) else queryset.filter(is_published=True)


def meetings_visible_to(user: Any) -> QuerySet[Meeting]:
    queryset = Meeting.objects.all()
    if can_edit(user):
        return queryset
    return queryset.filter(is_published=True).filter(Q(process__isnull=True) | Q(process__is_published=True))


def activities_visible_to(user: Any) -> QuerySet[Activity]:
    queryset = Activity.objects.all()
    return queryset if can_edit(user) else queryset.filter(is_published=True)


def initiatives_visible_to(user: Any) -> QuerySet[Initiative]:
    queryset = Initiative.objects.all()
    return queryset if can_edit(user) else queryset.filter(is_published=True)


def practices_visible_to(user: Any) -> QuerySet[Practice]:
    queryset = Practice.objects.all()
    if can_edit(user) or can_review(user):
        return queryset
    published = Q(status=Practice.Status.PUBLISHED)
    if user is not None and getattr(user, "is_authenticated", False):
        return queryset.filter(published | Q(submitted_by=user))
    return queryset.filter(published)


def partnership_calls_visible_to(user: Any) -> QuerySet[PartnershipCall]:
    queryset = PartnershipCall.objects.all()
    return queryset if can_edit(user) else queryset.filter(is_published=True)


def publications_visible_to(user: Any) -> QuerySet[Publication]:
    queryset = Publication.objects.all()
    return queryset if can_edit(user) else queryset.filter(is_published=True)


def policies_visible_to(user: Any) -> QuerySet[MigrationPolicy]:
    queryset = MigrationPolicy.objects.all()
    return queryset if can_edit(user) else queryset.filter(is_published=True)


def migrant_pages_visible_to(user: Any) -> QuerySet[MigrantInfoPage]:
    """Pages with at least one approved translation; editors and approvers also see pages in the works."""
    queryset = MigrantInfoPage.objects.all()
    if can_edit(user) or can_approve_information(user):
        return queryset
    return queryset.filter(translations__published_at__isnull=False).distinct()


def hotlines_visible_to(user: Any) -> QuerySet[Hotline]:
    queryset = Hotline.objects.all()
    return queryset if can_edit(user) else queryset.filter(is_published=True)


def researchers_visible_to(user: Any) -> QuerySet[Researcher]:
    queryset = Researcher.objects.all()
    return queryset if can_edit(user) else queryset.filter(is_published=True)


def research_projects_visible_to(user: Any) -> QuerySet[ResearchProject]:
    queryset = ResearchProject.objects.all()
    return queryset if can_edit(user) else queryset.filter(is_published=True)


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
