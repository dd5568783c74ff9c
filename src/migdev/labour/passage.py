"""Passage: visa and work permit, departure (deployment through the safeguards gate), arrival, check-ins
after arrival, end of contract and return; missed check-ins raise alerts for the scheme officer.

Alerts are raised by the job ``labour.missed_checkins`` (``migdev labour_checkins --enqueue`` daily). Each
check-in has at most one alert (a one-to-one column), and the job inserts with ON CONFLICT DO NOTHING, so
two workers running the job at once, or one running it twice, raise each alert once.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from migdev.accounts.access import UserLike
from migdev.audit.models import AuditAction
from migdev.core.versioning import claim_version
from migdev.labour import selectors
from migdev.labour.models import Application, CheckIn, CheckInAlert, Passage, PermitStatus
from migdev.labour.services import _audit, _require, _user

CHECK_IN_DAYS = (7, 30, 90)
GRACE_DAYS = 3  # a check-in is missed once it is this many days past due and still not done
PASSAGE_FIELDS = (
    "visa_status",
    "work_permit_status",
    "planned_departure_on",
    "contract_end_on",
    "returned_on",
)


def _require_reach(actor: UserLike | None, application: Application, allowed: set[str]) -> None:
    _require(bool(selectors.application_capacities(actor, application) & allowed))


def passage_of(application: Application) -> Passage:
    """The stored passage, created on first write."""
    passage, _created = Passage.objects.get_or_create(application=application)
    return passage


def passage_read(application: Application) -> Passage:
    """The passage for reading: an unsaved blank one (version 1) while nothing was recorded."""
    return Passage.objects.filter(application=application).first() or Passage(application=application)


def passage_update(
    *, actor: UserLike | None, application: Application, expected_version: int | None, **fields: Any
) -> Passage:
    """Change the visa and permit status and the planned, end and return dates (officer or recruiter)."""
    _require_reach(actor, application, {"officer", "recruiter"})
    unknown = set(fields) - set(PASSAGE_FIELDS)
    if unknown:
        raise ValidationError({sorted(unknown)[0]: _("This cannot be changed here.")})
    for name in ("visa_status", "work_permit_status"):
        if name in fields and fields[name] not in PermitStatus.values:
            raise ValidationError({name: _("Unknown status.")})
    with transaction.atomic():
        passage = passage_of(application)
        claim_version(passage, expected_version)
        passage.refresh_from_db()
        for name, value in fields.items():
            setattr(passage, name, value)
        if passage.returned_on is not None and (
            passage.arrived_on is None or passage.returned_on < passage.arrived_on
        ):
            raise ValidationError({"returned_on": _("A return is recorded after the arrival.")})
        passage.updated_at = timezone.now()
        passage.save()
        _audit(AuditAction.UPDATE, actor, passage, fields=sorted(fields))
    return passage


def record_departure(application: Application, departed_on: datetime.date) -> Passage:
    """Called by ``services.application_deploy`` once the gate let the worker go."""
    passage = passage_of(application)
    claim_version(passage, None)
    passage.departed_on = departed_on
    passage.updated_at = timezone.now()
    passage.save(update_fields=["departed_on", "updated_at", "version"])
    return passage


def record_arrival(
    *,
    actor: UserLike | None,
    application: Application,
    arrived_on: datetime.date,
    days: tuple[int, ...] = CHECK_IN_DAYS,
) -> Passage:
    """Confirm arrival and schedule the check-ins ``days`` after it."""
    _require_reach(actor, application, {"officer", "recruiter"})
    if application.stage != Application.Stage.DEPLOYED:
        raise ValidationError({"arrived_on": _("Only a worker who departed can arrive.")})
    if arrived_on > timezone.localdate():
        raise ValidationError({"arrived_on": _("An arrival is confirmed once it happened.")})
    with transaction.atomic():
        passage = passage_of(application)
        claim_version(passage, None)
        passage.refresh_from_db()
        if passage.departed_on is None or arrived_on < passage.departed_on:
            raise ValidationError({"arrived_on": _("The arrival cannot come before the departure.")})
        if passage.arrived_on is not None:
            raise ValidationError({"arrived_on": _("The arrival is already confirmed.")})
        passage.arrived_on = arrived_on
        passage.updated_at = timezone.now()
        passage.save()
        CheckIn.objects.bulk_create(
            CheckIn(
                application=application,
                days_after_arrival=day,
                due_on=arrived_on + datetime.timedelta(days=day),
            )
            for day in sorted(set(days))
        )
        _audit(AuditAction.UPDATE, actor, passage, step="arrival", check_ins=sorted(set(days)))
    return passage


def check_in_record(
    *,
    actor: UserLike | None,
    check_in: CheckIn,
    done_on: datetime.date,
    channel: str,
    note: str = "",
    expected_version: int | None,
) -> CheckIn:
    """The check-in happened (by phone, visit or online). A missed one's alert stays on record."""
    _require_reach(actor, check_in.application, {"officer", "recruiter", "pes"})
    if channel not in CheckIn.Channel.values:
        raise ValidationError({"channel": _("Unknown channel.")})
    passage = passage_read(check_in.application)
    if passage.arrived_on is None or done_on < passage.arrived_on or done_on > timezone.localdate():
        raise ValidationError({"done_on": _("A check-in happens between the arrival and today.")})
    with transaction.atomic():
        claim_version(check_in, expected_version)
        check_in.done_on, check_in.channel = done_on, channel
        check_in.note = (note or "").strip()[:5000]
        check_in.done_by = _user(actor)
        check_in.save()
        _audit(AuditAction.UPDATE, actor, check_in, step="check_in", channel=channel)
    return check_in


def missed_check_ins(today: datetime.date) -> QuerySet[CheckIn]:
    """Check-ins past due by more than the grace days, not done, of workers abroad, without an alert."""
    return CheckIn.objects.filter(
        done_on__isnull=True,
        due_on__lt=today - datetime.timedelta(days=GRACE_DAYS),
        alert__isnull=True,
        application__stage=Application.Stage.DEPLOYED,
        application__passage__returned_on__isnull=True,
    )


def raise_missed_check_in_alerts(*, today: datetime.date | None = None, job_id: int | None = None) -> int:
    """Raise one alert per missed check-in; returns how many this call raised. Safe to run concurrently."""
    today = today or timezone.localdate()
    ids = list(missed_check_ins(today).values_list("pk", flat=True))
    if not ids:
        return 0
    raised_at = timezone.now()
    CheckInAlert.objects.bulk_create(
        [CheckInAlert(check_in_id=pk, raised_at=raised_at, raised_by_job=job_id) for pk in ids],
        ignore_conflicts=True,
    )
    # ON CONFLICT DO NOTHING reports nothing back; the rows stamped with this call's time are ours.
    return CheckInAlert.objects.filter(check_in_id__in=ids, raised_at=raised_at).count()


def alerts_visible_to(user: UserLike | None) -> QuerySet[CheckInAlert]:
    """Alerts of the applications the user reaches as scheme officer."""
    applications = selectors.applications_officer_reaches(user)
    return CheckInAlert.objects.filter(check_in__application__in=applications).select_related(
        "check_in__application__worker", "check_in__application__job_order__scheme", "acknowledged_by"
    )


def alert_acknowledge(*, actor: UserLike | None, alert: CheckInAlert) -> CheckInAlert:
    _require_reach(actor, alert.check_in.application, {"officer"})
    with transaction.atomic():
        updated = CheckInAlert.objects.filter(pk=alert.pk, acknowledged_at__isnull=True).update(
            acknowledged_at=timezone.now(), acknowledged_by=_user(actor)
        )
        if updated:
            _audit(AuditAction.UPDATE, actor, alert, step="acknowledged")
    alert.refresh_from_db()
    return alert
