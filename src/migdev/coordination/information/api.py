"""API of information for migrants: pages and hotlines; mounted by `migdev.coordination.api` under /api/v1/coordination/."""

import datetime
from typing import Annotated, Any

from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest
from ninja import Router, Schema
from ninja.errors import HttpError

from migdev.coordination import access
from migdev.coordination.common.api import requested_language
from migdev.coordination.countries import UnknownCountry, normalise_country_code
from migdev.coordination.information import selectors
from migdev.coordination.models import MigrantInfoSubject
from migdev.core.api_params import Language, OneOf

router = Router()


class HotlineOut(Schema):
    country_iso3: str
    name: str
    kind: str
    phone: str
    hours: str
    languages: str
    url: str
    source: str
    verified_on: datetime.date | None


class MigrantPageOut(Schema):
    slug: str
    subject: str
    country_iso3: str
    language: str
    requested_language: str
    is_fallback: bool
    available_languages: list[str]
    title: str
    summary: str
    published_at: datetime.datetime | None


class MigrantPageDetailOut(MigrantPageOut):
    body: str
    hotlines: list[HotlineOut]


def _migrant_page_out(entry: selectors.LocalisedPage) -> dict[str, Any]:
    return {
        "slug": entry.page.slug,
        "subject": entry.page.subject,
        "country_iso3": entry.page.country_iso3,
        "language": entry.language,
        "requested_language": entry.requested_language,
        "is_fallback": entry.is_fallback,
        "available_languages": entry.available_languages,
        "title": entry.title,
        "summary": entry.summary,
        "published_at": entry.published_at,
    }


@router.get("/migrant-information", response=list[MigrantPageOut], auth=None)
def list_migrant_information(
    request: HttpRequest,
    country: str = "",
    subject: Annotated[str | None, OneOf(MigrantInfoSubject)] = None,
    lang: Language = None,
) -> Any:
    """Published pages for migrants, in ``lang`` where written, otherwise in another language
    (``is_fallback``). With a country, pages for that country and pages for everyone."""
    language = requested_language(lang)
    iso3 = ""
    if country:
        try:
            iso3 = normalise_country_code(country)
        except UnknownCountry as error:
            raise HttpError(422, f"unknown country code {country!r}") from error
    return [
        _migrant_page_out(entry)
        for entry in selectors.migrant_pages(
            AnonymousUser(), language, country_iso3=iso3, subject=subject or ""
        )
    ]


@router.get("/migrant-information/{slug}", response=MigrantPageDetailOut, auth=None)
def get_migrant_information(request: HttpRequest, slug: str, lang: Language = None) -> Any:
    language = requested_language(lang)
    page = access.migrant_page_get_for_user(AnonymousUser(), slug)
    entry = selectors.migrant_page_localised(page, language)
    if entry is None:
        raise HttpError(404, "Not Found")
    hotlines = list(selectors.hotlines_for(AnonymousUser(), page.country_iso3)) if page.country_iso3 else []
    return {**_migrant_page_out(entry), "body": entry.body, "hotlines": hotlines}


@router.get("/hotlines", response=list[HotlineOut], auth=None)
def list_hotlines(request: HttpRequest, country: str) -> Any:
    try:
        iso3 = normalise_country_code(country)
    except UnknownCountry as error:
        raise HttpError(422, f"unknown country code {country!r}") from error
    return list(selectors.hotlines_for(AnonymousUser(), iso3))
