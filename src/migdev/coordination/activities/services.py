"""Every write to the activity registry (saved one by one or from IATI and CSV imports) and HLD follow-up initiatives. Each function checks the actor's permission, validates, writes in one
transaction and leaves an audit row.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from migdev.accounts.models import Organisation
from migdev.coordination import access, audit
from migdev.coordination.common.services import topics_for_codes
from migdev.coordination.models import (
    Activity,
    ActivityBudget,
    ActivityCountry,
    ActivityParticipant,
    ActivityPlannedDisbursement,
    ActivityRegion,
    ActivitySector,
    ActivityTransaction,
    Area,
    ConsultationPosition,
    DatePrecision,
    Initiative,
    InitiativeStatus,
    InitiativeStatusChange,
)
from migdev.core.validation import checked_date_range, required_text

# --- Activities ---------------------------------------------------------------------------------------


@dataclass
class ParticipantInput:
    role: str
    organisation: Organisation | None = None
    reference: str = ""
    name: str = ""


@dataclass
class BudgetInput:
    period_start: datetime.date
    period_end: datetime.date
    amount: Decimal
    currency: str
    value_date: datetime.date
    budget_type: str = "1"
    status: str = "1"


@dataclass
class PlannedDisbursementInput:
    period_start: datetime.date
    period_end: datetime.date | None
    amount: Decimal
    currency: str
    value_date: datetime.date
    budget_type: str = ""
    provider_ref: str = ""
    provider_name: str = ""
    receiver_ref: str = ""
    receiver_name: str = ""


@dataclass
class TransactionInput:
    transaction_type: str
    date: datetime.date
    amount: Decimal
    currency: str
    value_date: datetime.date
    reference: str = ""
    description: str = ""
    provider_ref: str = ""
    provider_activity: str = ""
    provider_name: str = ""
    receiver_ref: str = ""
    receiver_activity: str = ""
    receiver_name: str = ""
    sector_vocabulary: str = ""
    sector_code: str = ""
    country_iso3: str = ""
    region_code: str = ""


@dataclass
class ShareInput:
    """A sector or recipient region with its vocabulary and percentage."""

    code: str
    percentage: Decimal | None = None
    vocabulary: str = "1"


@dataclass
class ActivityInput:
    iati_identifier: str
    reporting_organisation: Organisation
    title: str
    area: str
    status: str
    source: str
    source_edition: str = ""
    description: str = ""
    language: str = "en"
    information_field: str = "programmes"
    planned_start: datetime.date | None = None
    actual_start: datetime.date | None = None
    planned_end: datetime.date | None = None
    actual_end: datetime.date | None = None
    default_currency: str = ""
    results: str = ""
    countries: list[tuple[str, Decimal | None]] = field(default_factory=list)  # ISO3, percentage
    participants: list[ParticipantInput] = field(default_factory=list)
    budgets: list[BudgetInput] = field(default_factory=list)
    planned_disbursements: list[PlannedDisbursementInput] = field(default_factory=list)
    transactions: list[TransactionInput] = field(default_factory=list)
    sectors: list[ShareInput] = field(default_factory=list)
    regions: list[ShareInput] = field(default_factory=list)
    topic_codes: list[str] = field(default_factory=list)
    is_published: bool = True
    is_sample: bool = False


def _activity_values(data: ActivityInput) -> dict[str, Any]:
    if data.area not in Area.values:
        raise ValidationError({"area": _("Unknown area: %(area)s") % {"area": data.area}})
    title = required_text(data.title, "title")
    checked_date_range(
        data.planned_start, data.planned_end, start_field="planned_start", end_field="planned_end"
    )
    checked_date_range(data.actual_start, data.actual_end, start_field="actual_start", end_field="actual_end")
    return {
        "reporting_organisation": data.reporting_organisation,
        "title": title,
        "description": data.description,
        "language": data.language,
        "area": data.area,
        "information_field": data.information_field,
        "status": data.status,
        "planned_start": data.planned_start,
        "actual_start": data.actual_start,
        "planned_end": data.planned_end,
        "actual_end": data.actual_end,
        "default_currency": data.default_currency,
        "results": data.results,
        "source": data.source,
        "source_edition": data.source_edition,
        "is_published": data.is_published,
        "is_sample": data.is_sample,
    }


def activity_save(*, actor: Any, data: ActivityInput) -> tuple[Activity, bool]:
    """Create the activity or replace the one with the same IATI identifier. Returns (activity, created)."""
    created, _updated = activities_save(actor=actor, items=[data])
    activity = Activity.objects.get(iati_identifier=data.iati_identifier)
    audit.record(action="create" if created else "update", actor=actor, record=activity)
    return activity, bool(created)


def activities_save(*, actor: Any, items: list[ActivityInput]) -> tuple[int, int]:
    """Create or replace many activities, keyed by IATI identifier, in a handful of queries per batch
    rather than a dozen per activity. The caller validated codes; the file is the source of truth, so an
    existing activity's countries, organisations, budgets and topics are replaced, not merged.
    Returns (created, updated)."""
    topic_codes = {code for data in items for code in data.topic_codes}
    topics = {topic.code: topic for topic in topics_for_codes(sorted(topic_codes))} if topic_codes else {}
    values = [_activity_values(data) for data in items]
    now = timezone.now()
    with transaction.atomic():
        existing = {
            activity.iati_identifier: activity
            for activity in Activity.objects.filter(iati_identifier__in=[d.iati_identifier for d in items])
        }
        new: list[Activity] = []
        changed: list[Activity] = []
        for data, row in zip(items, values, strict=True):
            activity = existing.get(data.iati_identifier)
            if activity is None:
                new.append(Activity(iati_identifier=data.iati_identifier, **row))
            else:
                for name, value in row.items():
                    setattr(activity, name, value)
                activity.updated_at = now
                changed.append(activity)
        Activity.objects.bulk_create(new, batch_size=500)
        if changed:
            Activity.objects.bulk_update(changed, [*values[0].keys(), "updated_at"], batch_size=500)
            # The file replaced these activities: a form or client holding an older version must not win.
            Activity.objects.filter(pk__in=[activity.pk for activity in changed]).update(
                version=F("version") + 1
            )
            ActivityCountry.objects.filter(activity__in=changed).delete()
            ActivityParticipant.objects.filter(activity__in=changed).delete()
            ActivityBudget.objects.filter(activity__in=changed).delete()
            for model in (ActivityPlannedDisbursement, ActivityTransaction, ActivitySector, ActivityRegion):
                model.objects.filter(activity__in=changed).delete()
            Activity.topics.through.objects.filter(activity__in=changed).delete()
        by_identifier = {activity.iati_identifier: activity for activity in [*new, *changed]}
        countries, participants, budgets, topic_links = [], [], [], []
        money: list[Any] = []
        for data in items:
            activity = by_identifier[data.iati_identifier]
            countries += [
                ActivityCountry(activity=activity, country_iso3=c, percentage=p) for c, p in data.countries
            ]
            participants += [
                ActivityParticipant(
                    activity=activity,
                    organisation=p.organisation,
                    reference=p.reference,
                    name=p.name,
                    role=p.role,
                )
                for p in data.participants
            ]
            budgets += [
                ActivityBudget(
                    activity=activity,
                    period_start=b.period_start,
                    period_end=b.period_end,
                    amount=b.amount,
                    currency=b.currency,
                    value_date=b.value_date,
                    budget_type=b.budget_type,
                    status=b.status,
                )
                for b in data.budgets
            ]
            money += [
                ActivityPlannedDisbursement(activity=activity, **vars(p)) for p in data.planned_disbursements
            ]
            money += [ActivityTransaction(activity=activity, **vars(t)) for t in data.transactions]
            money += [ActivitySector(activity=activity, **vars(sector)) for sector in data.sectors]
            money += [ActivityRegion(activity=activity, **vars(region)) for region in data.regions]
            topic_links += [
                Activity.topics.through(activity=activity, topic=topics[code])
                for code in dict.fromkeys(data.topic_codes)
            ]
        ActivityCountry.objects.bulk_create(countries, batch_size=1000)
        ActivityParticipant.objects.bulk_create(participants, batch_size=1000)
        ActivityBudget.objects.bulk_create(budgets, batch_size=1000)
        for model in (ActivityPlannedDisbursement, ActivityTransaction, ActivitySector, ActivityRegion):
            model.objects.bulk_create([row for row in money if type(row) is model], batch_size=1000)
        Activity.topics.through.objects.bulk_create(topic_links, batch_size=1000)
    return len(new), len(changed)


# --- Initiatives --------------------------------------------------------------------------------------


def initiative_status_record(
    *,
    actor: Any,
    initiative: Initiative,
    status: str,
    as_of: datetime.date,
    note: str = "",
    as_of_precision: str = DatePrecision.DAY,
) -> InitiativeStatusChange:
    access.require_editor(actor)
    if status not in InitiativeStatus.values:
        raise ValidationError({"status": _("Unknown status.")})
    with transaction.atomic():
        change = InitiativeStatusChange.objects.create(
            initiative=initiative,
            status=status,
            as_of=as_of,
            as_of_precision=as_of_precision,
            note=note,
            recorded_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        audit.record(action="create", actor=actor, record=change, detail={"status": status})
    return change


def consultation_position_record(
    *,
    actor: Any,
    initiative: Initiative,
    organisation: Organisation,
    part: str,
    position: str,
    as_of: datetime.date,
    note: str = "",
    as_of_precision: str = DatePrecision.DAY,
) -> ConsultationPosition:
    access.require_editor(actor)
    with transaction.atomic():
        record = ConsultationPosition.objects.create(
            initiative=initiative,
            organisation=organisation,
            part=part,
            position=position,
            as_of=as_of,
            as_of_precision=as_of_precision,
            note=note,
        )
        audit.record(action="create", actor=actor, record=record, detail={"position": position})
    return record
