"""Every write to the migration policy database. Each function checks the actor's permission, validates, writes in one
transaction and leaves an audit row.
"""

from __future__ import annotations

import datetime
import secrets
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from migdev.coordination import access, audit
from migdev.coordination.common.services import checked_country, topics_for_codes
from migdev.coordination.models import (
    Area,
    DatePrecision,
    MigrationPolicy,
    PolicyDomain,
    PolicyPartner,
    Topic,
)
from migdev.core.validation import checked_date_range
from migdev.core.versioning import claim_version


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
    topics = topics_for_codes(data.topic_codes)
    country = checked_country(data.country_code, "country_iso3")
    if identifier:
        policy.identifier = identifier
    elif not policy.identifier:
        # Readable and unique: country, year and a random part (the unique constraint is the final check).
        policy.identifier = f"{country}-{data.year}-{secrets.token_hex(4)}"
    partners = sorted({checked_country(code, "partners") for code in data.partner_codes} - {country})
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
    access.require_editor(actor)
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
    access.require_editor(actor)
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
    access.require_editor(actor)
    with transaction.atomic():
        # Publishing changes a field the edit form shows: a form opened before must not undo it.
        claim_version(policy, None)
        policy.is_published = published
        policy.save(update_fields=["is_published", "updated_at"])
        audit.record(action="update", actor=actor, record=policy, detail={"published": published})
    return policy
