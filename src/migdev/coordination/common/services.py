"""The hub's shared write helpers: country and topic codes, unique slugs, stored files on records."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.utils.text import slugify
from django.utils.translation import gettext as _

from migdev.coordination.countries import UnknownCountry, normalise_country_code
from migdev.coordination.models import Topic
from migdev.coordination.uploads import StoredFile, delete_after_commit


def checked_country(code: str, field_name: str) -> str:
    try:
        return normalise_country_code(code)
    except UnknownCountry as error:
        raise ValidationError({field_name: _("Unknown country code: %(code)s") % {"code": code}}) from error


def topics_for_codes(codes: list[str]) -> list[Topic]:
    topics = list(Topic.objects.filter(code__in=codes))
    missing = sorted(set(codes) - {topic.code for topic in topics})
    if missing:
        raise ValidationError({"topics": _("Unknown topics: %(codes)s") % {"codes": ", ".join(missing)}})
    return topics


def unique_slug(model: Any, text: str, *, exclude_pk: int | None = None) -> str:
    base = slugify(text)[:100].strip("-") or model._meta.model_name
    candidate, counter = base, 2
    existing = model.objects.exclude(pk=exclude_pk) if exclude_pk else model.objects.all()
    while existing.filter(slug=candidate).exists():
        candidate = f"{base}-{counter}"
        counter += 1
    return candidate


def attach_file(record: Any, stored: StoredFile) -> None:
    record.file.name = stored.name
    record.file_name = stored.original_name
    record.file_kind = stored.kind.code
    record.file_size = stored.size
    record.file_sha256 = stored.sha256


def detach_file(record: Any) -> None:
    delete_after_commit(record.file.name)
    record.file.name = ""
    record.file_name = record.file_kind = record.file_sha256 = ""
    record.file_size = None
