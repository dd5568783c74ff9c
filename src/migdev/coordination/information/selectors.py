"""Reads of information for migrants for the pages, API and exports. Every function takes the viewing user
and starts from the access functions, so unpublished records never leak.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import Q, QuerySet

from migdev.coordination import access
from migdev.coordination.models import Hotline, MigrantInfoPage, MigrantInfoTranslation


@dataclass
class LocalisedPage:
    """A page as one reader sees it: the published text in their language, or in another one (and then
    ``is_fallback`` is true, so the page can say so)."""

    page: MigrantInfoPage
    language: str  # the language of the text shown
    requested_language: str
    title: str
    summary: str
    body: str
    published_at: datetime.datetime | None
    available_languages: list[str]

    @property
    def is_fallback(self) -> bool:
        return self.language != self.requested_language


def _fallback_order(requested: str) -> list[str]:
    languages = [code for code, _name in settings.LANGUAGES]
    return [requested, *(code for code in [settings.LANGUAGE_CODE, *languages] if code != requested)]


def migrant_page_localised(page: MigrantInfoPage, language: str) -> LocalisedPage | None:
    """The page's published text in ``language``, else in the site's default language, else in the first
    other language that has one; None when no language is published yet."""
    published = {t.language: t for t in page.translations.all() if t.is_public}
    for code in dict.fromkeys(_fallback_order(language)):
        translation = published.get(code)
        if translation is not None:
            return LocalisedPage(
                page=page,
                language=code,
                requested_language=language,
                title=translation.published_title,
                summary=translation.published_summary,
                body=translation.published_body,
                published_at=translation.published_at,
                available_languages=sorted(published),
            )
    return None


def migrant_pages(
    user: Any, language: str, *, country_iso3: str = "", subject: str = ""
) -> list[LocalisedPage]:
    """Published pages for a country (with the pages for everyone) and subject, in the reader's language."""
    pages = access.migrant_pages_visible_to(user).prefetch_related("translations")
    if country_iso3:
        pages = pages.filter(Q(country_iso3=country_iso3.upper()) | Q(country_iso3=""))
    if subject:
        pages = pages.filter(subject=subject)
    localised = [migrant_page_localised(page, language) for page in pages.order_by("country_iso3", "subject")]
    return [entry for entry in localised if entry is not None]


def hotlines_for(user: Any, country_iso3: str) -> QuerySet[Hotline]:
    return (
        access.hotlines_visible_to(user)
        .filter(country_iso3=country_iso3.upper())
        .select_related("organisation")
    )


def translations_awaiting_approval(user: Any) -> QuerySet[MigrantInfoTranslation]:
    """Texts another person wrote, waiting for this approver."""
    if not access.can_approve_information(user):
        return MigrantInfoTranslation.objects.none()
    return (
        MigrantInfoTranslation.objects.filter(status=MigrantInfoTranslation.Status.SUBMITTED)
        .exclude(written_by=user)
        .select_related("page", "written_by")
        .order_by("updated_at")
    )


def information_countries(user: Any) -> list[str]:
    """Countries with a page or a hotline a migrant can see, by ISO3 code."""
    pages = (
        access.migrant_pages_visible_to(user).exclude(country_iso3="").values_list("country_iso3", flat=True)
    )
    lines = access.hotlines_visible_to(user).values_list("country_iso3", flat=True)
    return sorted(set(pages) | set(lines))
