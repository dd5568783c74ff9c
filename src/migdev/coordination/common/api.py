"""API pieces the parts share (record topics and countries as codes, the requested language) and
the Global Compact objectives; mounted by `migdev.coordination.api` under /api/v1/coordination/.
"""

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from ninja import Router, Schema

from migdev.coordination.common import selectors
from migdev.core.api_params import Language

router = Router()


class TopicCodes(Schema):
    """Serialises a record's ``topics`` as their vocabulary codes."""

    @staticmethod
    def resolve_topics(record: Any) -> list[str]:
        return [topic.code for topic in record.topics.all()]


class CountryCodes(Schema):
    """Serialises a record's ``countries`` as ISO3 codes."""

    @staticmethod
    def resolve_countries(record: Any) -> list[str]:
        return [country.country_iso3 for country in record.countries.all()]


def requested_language(lang: str | None) -> str:
    return lang or settings.LANGUAGE_CODE


# --- Global Compact objectives -------------------------------------------------------------------------------


class GcmObjectiveOut(Schema):
    number: int
    title: str
    short_title: str
    language: str
    is_fallback: bool


@router.get("/gcm-objectives", response=list[GcmObjectiveOut], auth=None)
def list_gcm_objectives(request: HttpRequest, lang: Language = None) -> Any:
    """The 23 objectives of A/RES/73/195 with their official title and the UN Network on Migration hub's
    short label in ``lang`` (en, fr, es; English by default, like ``migrant-information``). A title not
    recorded in that language is given in English with ``is_fallback``. Records elsewhere in this API
    name objectives by ``number``."""
    return selectors.gcm_objectives_localised(requested_language(lang))
