"""Pre-departure orientation: curricula of a scheme, dated sessions, attendance per module, certificates.

Writes take the acting user, check the reach (scheme officers of the scheme's managing organisation), run
in one transaction and write an audit row, as in ``services``. A worker completes the orientation when they
attended every module of one curriculum, over one or more sessions; the certificate records it, and the
safeguards gate (``gate._orientation``) holds only with a certificate, unless a scheme officer waived it
with a reason.
"""

from __future__ import annotations

import datetime
import secrets
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from migdev.accounts.access import UserLike
from migdev.audit.models import AuditAction
from migdev.core.validation import required_text
from migdev.core.versioning import claim_version
from migdev.labour import selectors
from migdev.labour.models import (
    Application,
    OrientationAttendance,
    OrientationCertificate,
    OrientationCurriculum,
    OrientationModule,
    OrientationSession,
    OrientationTopic,
)
from migdev.labour.services import PSEUDONYM_ALPHABET as CODE_ALPHABET
from migdev.labour.services import _audit, _require, _user, language_code

MAX_MODULES = 30
ENROLLABLE_STAGES = frozenset(
    {Application.Stage.SELECTED, Application.Stage.OFFER, Application.Stage.ACCEPTED}
)


def _require_officer(actor: UserLike | None, application: Application) -> None:
    _require("officer" in selectors.application_capacities(actor, application))


def curriculum_create(
    *,
    actor: UserLike | None,
    scheme: Any,
    title: str,
    languages: list[str],
    modules: list[dict[str, Any]],
    is_sample: bool = False,
) -> OrientationCurriculum:
    """A curriculum with its modules in order; ``modules`` is ``[{"topic", "title", "minutes"}]``."""
    _require(selectors.scheme_manageable_by(actor, scheme))
    codes = list(dict.fromkeys(language_code(code, "languages") for code in languages))
    if not codes:
        raise ValidationError({"languages": _("Give at least one language of the course.")})
    if not modules or len(modules) > MAX_MODULES:
        raise ValidationError(
            {"modules": _("A course has between 1 and %(n)d modules.") % {"n": MAX_MODULES}}
        )
    cleaned = []
    for item in modules:
        topic = str(item.get("topic", ""))
        if topic not in OrientationTopic.values:
            raise ValidationError({"modules": _("Unknown topic “%(topic)s”.") % {"topic": topic[:40]}})
        try:
            minutes = int(item.get("minutes", 0))
        except (TypeError, ValueError):
            minutes = 0
        if not 1 <= minutes <= 24 * 60:
            raise ValidationError({"modules": _("A module lasts between 1 minute and one day.")})
        module_title = str(item.get("title") or "").strip() or str(OrientationTopic(topic).label)
        cleaned.append((topic, module_title[:200], minutes))
    with transaction.atomic():
        title = required_text(title, "title")[:200]
        if OrientationCurriculum.objects.filter(scheme=scheme, title=title).exists():
            raise ValidationError({"title": _("This scheme already has a course with this title.")})
        curriculum = OrientationCurriculum.objects.create(
            scheme=scheme, title=title, languages=codes, is_sample=is_sample
        )
        OrientationModule.objects.bulk_create(
            OrientationModule(curriculum=curriculum, position=n, topic=topic, title=text, minutes=minutes)
            for n, (topic, text, minutes) in enumerate(cleaned, start=1)
        )
        _audit(AuditAction.CREATE, actor, curriculum, modules=len(cleaned))
    return curriculum


def session_create(
    *,
    actor: UserLike | None,
    curriculum: OrientationCurriculum,
    language: str,
    starts_at: datetime.datetime,
    ends_at: datetime.datetime,
    place: str = "",
    online_url: str = "",
    capacity: int = 30,
) -> OrientationSession:
    _require(selectors.scheme_manageable_by(actor, curriculum.scheme))
    code = language_code(language, "language")
    if code not in curriculum.languages:
        raise ValidationError({"language": _("The course is not given in this language.")})
    if ends_at <= starts_at:
        raise ValidationError({"ends_at": _("A session ends after it starts.")})
    place, online_url = (place or "").strip()[:200], (online_url or "").strip()[:500]
    if not place and not online_url:
        raise ValidationError({"place": _("Give a place, an online link, or both.")})
    if not 1 <= capacity <= 10_000:
        raise ValidationError({"capacity": _("Out of range.")})
    with transaction.atomic():
        session = OrientationSession.objects.create(
            curriculum=curriculum,
            language=code,
            starts_at=starts_at,
            ends_at=ends_at,
            place=place,
            online_url=online_url,
            capacity=capacity,
        )
        _audit(AuditAction.CREATE, actor, session)
    return session


def attendance_enrol(
    *, actor: UserLike | None, session: OrientationSession, application: Application
) -> OrientationAttendance:
    """Enrol a selected worker in a session of their scheme's course, within the session's places."""
    _require_officer(actor, application)
    if application.job_order.scheme_id != session.curriculum.scheme_id:
        raise ValidationError({"session": _("This session belongs to another scheme's course.")})
    if application.stage not in ENROLLABLE_STAGES:
        raise ValidationError({"application": _("Only a selected worker is enrolled in orientation.")})
    with transaction.atomic():
        # Claiming the session's version holds its row: two officers filling the last place are serialised.
        claim_version(session, None)
        if session.attendances.filter(application=application).exists():
            raise ValidationError({"application": _("This worker is already enrolled in this session.")})
        if session.attendances.count() >= session.capacity:
            raise ValidationError({"session": _("The session is full.")})
        attendance = OrientationAttendance.objects.create(session=session, application=application)
        _audit(AuditAction.CREATE, actor, attendance)
    return attendance


def attendance_record(
    *,
    actor: UserLike | None,
    attendance: OrientationAttendance,
    module_ids: list[int],
    expected_version: int | None,
    now: datetime.datetime | None = None,
) -> OrientationAttendance:
    """Record which of the course's modules the worker attended in this session (replacing the last record)."""
    _require_officer(actor, attendance.application)
    session = attendance.session
    if (now or timezone.now()) < session.starts_at:
        raise ValidationError({"modules": _("Attendance is recorded once the session has started.")})
    wanted = set(module_ids)
    modules = list(OrientationModule.objects.filter(curriculum_id=session.curriculum_id, pk__in=wanted))
    if len(modules) != len(wanted):
        raise ValidationError({"modules": _("A module is not part of this session's course.")})
    with transaction.atomic():
        claim_version(attendance, expected_version)
        attendance.recorded_at = timezone.now()
        attendance.save()
        attendance.modules_attended.set(modules)
        _audit(AuditAction.UPDATE, actor, attendance, modules=sorted(wanted))
    return attendance


@dataclass(frozen=True)
class Progress:
    """How far a worker is through one curriculum: modules attended (over all sessions) and missing."""

    curriculum: OrientationCurriculum
    modules: list[OrientationModule]
    attended: frozenset[int]
    language: str  # the language of the last session attended ("" when none)

    @property
    def missing(self) -> list[OrientationModule]:
        return [module for module in self.modules if module.pk not in self.attended]

    @property
    def complete(self) -> bool:
        return bool(self.modules) and not self.missing


def orientation_progress(application: Application) -> list[Progress]:
    """Progress in each course of the application's scheme, most advanced first."""
    curricula = OrientationCurriculum.objects.filter(
        scheme_id=application.job_order.scheme_id
    ).prefetch_related("modules")
    attendances = (
        OrientationAttendance.objects.filter(application=application, recorded_at__isnull=False)
        .select_related("session")
        .prefetch_related("modules_attended")
        .order_by("session__starts_at")
    )
    attended: dict[int, set[int]] = {}
    language: dict[int, str] = {}
    for attendance in attendances:
        modules = {module.pk for module in attendance.modules_attended.all()}
        attended.setdefault(attendance.session.curriculum_id, set()).update(modules)
        if modules:
            language[attendance.session.curriculum_id] = attendance.session.language
    progress = [
        Progress(
            curriculum,
            list(curriculum.modules.all()),
            frozenset(attended.get(curriculum.pk, set())),
            language.get(curriculum.pk, ""),
        )
        for curriculum in curricula
    ]
    return sorted(progress, key=lambda item: (len(item.missing), item.curriculum.pk))


def new_certificate_number() -> str:
    return "OR-" + "".join(secrets.choice(CODE_ALPHABET) for _ in range(10))


def certificate_issue(
    *, actor: UserLike | None, application: Application, on: datetime.date | None = None
) -> OrientationCertificate:
    """The certificate, once every module of one of the scheme's courses was attended; refused before."""
    _require_officer(actor, application)
    officer = _user(actor)
    done = [item for item in orientation_progress(application) if item.complete]
    if officer is None or not done:
        raise ValidationError({"orientation": _("The worker has not attended every module of a course.")})
    progress = done[0]
    try:
        with transaction.atomic():
            certificate = OrientationCertificate.objects.create(
                application=application,
                curriculum=progress.curriculum,
                number=new_certificate_number(),
                language=progress.language,
                issued_on=on or timezone.localdate(),
                issued_by=officer,
            )
            _audit(AuditAction.CREATE, actor, certificate, curriculum=progress.curriculum.pk)
    except IntegrityError:
        raise ValidationError({"orientation": _("A certificate was already issued.")}) from None
    return certificate
