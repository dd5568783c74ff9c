"""Every write of the diaspora module. Each step of the flow is dated on its record and audited.

Flow: a host institution drafts a request and submits it; a programme officer approves it, reads the
shortlist and invites experts; each expert answers; the host selects among those who accepted; the
officer drafts the agreement; expert and host sign it (only then do names and contact details cross);
the signed agreement opens the assignment: preparation → delivery (online: hours logged) → end reports
from both sides → follow-up → closed.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from migdev.accounts.access import has_permission, reaches
from migdev.accounts.models import User
from migdev.audit.models import AuditAction
from migdev.audit.services import audit_log
from migdev.core.validation import required_text
from migdev.core.versioning import claim_version
from migdev.diaspora import access
from migdev.diaspora.models import (
    LEVEL_RANK,
    PREPARATION_ITEMS,
    Agreement,
    Assignment,
    AvailabilityWindow,
    DiasporaOffice,
    EducationLevel,
    EndReport,
    Expert,
    ExpertLanguage,
    HostInstitution,
    HoursLog,
    Invitation,
    Modality,
    PrioritySector,
    ReintegrationFollowUp,
    ReintegrationPlan,
    ReintegrationSupport,
    Request,
    RosterRevision,
    Sector,
    Sex,
)
from migdev.reference.models import Country

EXPERT_FIELDS = (
    "given_name",
    "family_name",
    "email",
    "phone",
    "biography",
    "sex",
    "country_of_origin",
    "origin_basis",
    "country_of_residence",
    "languages",
    "education",
    "occupation_uris",
    "skill_uris",
    "sectors",
    "years_experience",
    "days_on_site_per_year",
    "hours_online_per_week",
    "modalities",
)
REQUEST_FIELDS = (
    "title",
    "objectives",
    "tasks",
    "skill_uris",
    "occupation_uri",
    "sector",
    "modality",
    "duration_days",
    "place",
    "starts_on",
    "ends_on",
    "language",
    "language_level",
    "years_experience_wanted",
    "host_provides",
)
LANGUAGE_CODES = frozenset(
    "ar bn de el en es fa fr ha hi it ja ko nl pl ps pt ro ru so sq sr sw ta tr uk ur vi yo zh am ti ig".split()
)


def _audit(action: str, *, actor: Any, record: Any, request: HttpRequest | None, step: str) -> None:
    audit_log(action=action, request=request, actor=actor, record=record, detail={"step": step})


def _country(value: Any, field: str, errors: dict[str, list[str]]) -> str:
    code = str(value or "").strip().upper()
    if not Country.objects.filter(iso3=code).exists():
        errors.setdefault(field, []).append(_("Choose a country (ISO alpha-3 code)."))
    return code


def _checked_expert_values(values: dict[str, Any]) -> dict[str, Any]:
    """The expert fields of ``values``, validated as pages, the API and imports must all validate them."""
    errors: dict[str, list[str]] = {}
    clean: dict[str, Any] = {}
    for name in EXPERT_FIELDS:
        if name not in values:
            continue
        value = values[name]
        if name in ("country_of_origin", "country_of_residence"):
            value = _country(value, name, errors)
        elif name in ("given_name", "family_name", "email", "phone", "biography"):
            value = str(value or "").strip()
            limit = {"given_name": 150, "family_name": 150, "email": 254, "phone": 40}.get(name, 5000)
            if len(value) > limit:
                errors.setdefault(name, []).append(_("At most %(n)d characters.") % {"n": limit})
        elif name == "sex":
            value = str(value or "")
            if value not in Sex.values:
                errors.setdefault(name, []).append(_("Not a valid choice."))
        elif name == "origin_basis":
            if value not in Expert.OriginBasis.values:
                errors.setdefault(name, []).append(_("Not a valid choice."))
        elif name == "languages":
            value = [
                {"code": str(item.get("code", "")).lower(), "level": str(item.get("level", ""))}
                for item in (value or [])
                if isinstance(item, dict)
            ]
            if any(item["code"] not in LANGUAGE_CODES or item["level"] not in LEVEL_RANK for item in value):
                errors.setdefault(name, []).append(
                    _("Each language needs a language code and a level A1 to C2.")
                )
            codes = [item["code"] for item in value]
            repeated = sorted({code for code in codes if codes.count(code) > 1})
            if repeated:
                errors.setdefault(name, []).append(
                    _("List each language once, with one level: %(codes)s is listed more than once.")
                    % {"codes": ", ".join(repeated)}
                )
        elif name == "education":
            value = [
                {"level": str(item.get("level", "")), "field": str(item.get("field", "")).strip()[:120]}
                for item in (value or [])
                if isinstance(item, dict)
            ]
            if any(item["level"] not in EducationLevel.values for item in value):
                errors.setdefault(name, []).append(_("Not a valid education level."))
        elif name in ("occupation_uris", "skill_uris"):
            value = list(dict.fromkeys(str(uri) for uri in (value or [])))
            if any(not uri.startswith("http://data.europa.eu/esco/") for uri in value) or len(value) > 60:
                errors.setdefault(name, []).append(_("ESCO concept URIs only (at most 60)."))
        elif name == "sectors":
            value = list(dict.fromkeys(str(code) for code in (value or [])))
            if any(code not in Sector.values for code in value):
                errors.setdefault(name, []).append(_("Not a valid sector."))
        elif name == "modalities":
            value = list(dict.fromkeys(str(code) for code in (value or [])))
            if any(code not in Modality.values for code in value):
                errors.setdefault(name, []).append(_("Not a valid modality."))
        elif name in ("years_experience", "days_on_site_per_year", "hours_online_per_week"):
            limit = {"years_experience": 70, "days_on_site_per_year": 366, "hours_online_per_week": 80}[name]
            try:
                value = int(value)
            except (TypeError, ValueError):
                value = -1
            if not 0 <= value <= limit:
                errors.setdefault(name, []).append(_("A whole number from 0 to %(n)d.") % {"n": limit})
        clean[name] = value
    if errors:
        raise ValidationError(errors)
    return clean


def roster_changed(expert_ids: Iterable[int]) -> int:
    """Raise the roster's revision and stamp these experts with it, so every process's cached roster
    (``migdev.diaspora.roster``) reloads them before its next shortlist. Called in the writing transaction:
    the revision row stays locked until it commits, so revisions commit in order and a process that has
    read revision N sees every change stamped up to N."""
    ids = list(expert_ids)
    with transaction.atomic():
        if not RosterRevision.objects.filter(pk=1).update(value=F("value") + 1):
            RosterRevision.objects.get_or_create(pk=1, defaults={"value": 1})
        revision = RosterRevision.objects.values_list("value", flat=True).get(pk=1)
        for start in range(0, len(ids), 2000):
            Expert.objects.filter(pk__in=ids[start : start + 2000]).update(match_revision=revision)
    return revision


def refresh_match_columns(expert_ids: Iterable[int]) -> None:
    """Write the columns the shortlist filters on (``Expert.accepts_*``, ``ExpertLanguage``) from the
    experts' ``modalities`` and ``languages``, and raise the roster's revision (``roster_changed``). Every
    write of an expert that a shortlist reads (profile, languages, modalities, availability, consent,
    status) calls it, in the same transaction; bulk loaders (the benchmark) call it once for all they
    wrote."""
    ids = list(expert_ids)
    by_modalities: dict[tuple[bool, bool, bool], list[int]] = {}
    rows: list[ExpertLanguage] = []
    for start in range(0, len(ids), 2000):
        for pk, languages, modalities in Expert.objects.filter(pk__in=ids[start : start + 2000]).values_list(
            "pk", "languages", "modalities"
        ):
            accepted = set(modalities or [])
            key = (Modality.ON_SITE in accepted, Modality.ONLINE in accepted, Modality.PERMANENT in accepted)
            by_modalities.setdefault(key, []).append(pk)
            ranks: dict[str, int] = {}
            for item in languages or []:
                code = str(item.get("code", "")).lower()
                rank = LEVEL_RANK.get(str(item.get("level", "")), 0)
                if rank and len(code) <= 12:
                    ranks[code] = max(ranks.get(code, 0), rank)
            rows.extend(ExpertLanguage(expert_id=pk, code=code, rank=rank) for code, rank in ranks.items())
    with transaction.atomic():
        for start in range(0, len(ids), 2000):
            ExpertLanguage.objects.filter(expert_id__in=ids[start : start + 2000]).delete()
        for (on_site, online, permanent), pks in by_modalities.items():
            for start in range(0, len(pks), 2000):
                Expert.objects.filter(pk__in=pks[start : start + 2000]).update(
                    accepts_on_site=on_site, accepts_online=online, accepts_permanent_return=permanent
                )
        ExpertLanguage.objects.bulk_create(rows, batch_size=5000)
        roster_changed(ids)


def _checked_windows(windows: list[dict[str, Any]] | list[tuple[date, date]]) -> list[tuple[date, date]]:
    checked = []
    for item in windows:
        first, last = (item["from"], item["to"]) if isinstance(item, dict) else item
        if isinstance(first, str):
            try:
                first, last = date.fromisoformat(first), date.fromisoformat(str(last))
            except ValueError:
                raise ValidationError({"windows": [_("Dates as YYYY-MM-DD.")]}) from None
        if last < first:
            raise ValidationError({"windows": [_("A window cannot end before it starts.")]})
        if first.year < 2000 or last.year > 2100:
            raise ValidationError({"windows": [_("Dates between 2000 and 2100.")]})
        checked.append((first, last))
    return checked


def expert_create(
    *,
    actor: User | None,
    values: dict[str, Any],
    user: User | None = None,
    group: Any = None,
    windows: list[Any] | None = None,
    consent_processing: bool = True,
    is_sample: bool = False,
    request: HttpRequest | None = None,
) -> Expert:
    """A roster profile, by a programme officer (for their programme) or by the expert's own account.
    Processing consent is required to be on the roster at all."""
    if actor is not None and not (
        (user is not None and actor.pk == user.pk)
        or reaches(actor, "diaspora.add_expert", group_ids={group.pk} if group else set())
    ):
        raise PermissionDenied
    for needed in ("country_of_origin", "country_of_residence"):
        if not values.get(needed):
            raise ValidationError({needed: [_("This field is required.")]})
    if not consent_processing:
        raise ValidationError({"consent_processing": [_("The roster keeps no one without their consent.")]})
    clean = _checked_expert_values(values)
    checked_windows = _checked_windows(windows or [])
    with transaction.atomic():
        expert = Expert.objects.create(
            **clean,
            user=user,
            group=group,
            consent_processing_at=timezone.now(),
            is_sample=is_sample,
            host_fields=[
                "country_of_origin",
                "country_of_residence",
                "languages",
                "education",
                "occupation_uris",
                "skill_uris",
                "sectors",
                "years_experience",
                "availability",
                "modalities",
            ],
        )
        AvailabilityWindow.objects.bulk_create(
            AvailabilityWindow(expert=expert, starts_on=a, ends_on=b) for a, b in checked_windows
        )
        refresh_match_columns([expert.pk])
        _audit(AuditAction.CREATE, actor=actor, record=expert, request=request, step="expert_registered")
    return expert


def expert_update(
    *,
    actor: User,
    expert: Expert,
    expected_version: int | None,
    values: dict[str, Any],
    windows: list[Any] | None = None,
    request: HttpRequest | None = None,
) -> Expert:
    if not access.experts_visible_to(actor).filter(pk=expert.pk).exists() or not has_permission(
        actor, access.CHANGE_EXPERT
    ):
        raise PermissionDenied
    clean = _checked_expert_values(values)
    checked_windows = _checked_windows(windows) if windows is not None else None
    with transaction.atomic():
        claim_version(expert, expected_version)
        for name, value in clean.items():
            setattr(expert, name, value)
        expert.updated_at = timezone.now()
        expert.save()
        refresh_match_columns([expert.pk])
        if checked_windows is not None:
            expert.windows.all().delete()
            AvailabilityWindow.objects.bulk_create(
                AvailabilityWindow(expert=expert, starts_on=a, ends_on=b) for a, b in checked_windows
            )
        audit_log(
            action=AuditAction.UPDATE,
            request=request,
            actor=actor,
            record=expert,
            detail={"step": "profile_updated", "fields": sorted(clean)},
        )
    return expert


def expert_set_sharing(
    *,
    actor: User,
    expert: Expert,
    expected_version: int | None,
    public_entry: bool,
    public_fields: list[str],
    host_fields: list[str],
    request: HttpRequest | None = None,
) -> Expert:
    """The expert's own choice: a public roster entry (dated; withdrawable) showing only ``public_fields``,
    and what inviting institutions see before an agreement. Only the expert decides this."""
    if expert.user_id is None or expert.user_id != actor.pk:
        raise PermissionDenied
    unknown = (set(public_fields) | set(host_fields)) - set(Expert.SHAREABLE_FIELDS)
    if unknown:
        raise ValidationError({"public_fields": [_("Not a field that can be shared.")]})
    with transaction.atomic():
        claim_version(expert, expected_version)
        now = timezone.now()
        if public_entry and not expert.on_public_roster:
            expert.public_consent_at, expert.public_withdrawn_at = now, None
        elif not public_entry and expert.public_consent_at and expert.public_withdrawn_at is None:
            expert.public_withdrawn_at = now
        expert.public_fields = [f for f in Expert.SHAREABLE_FIELDS if f in set(public_fields)]
        expert.host_fields = [f for f in Expert.SHAREABLE_FIELDS if f in set(host_fields)]
        expert.updated_at = now
        expert.save()
        audit_log(
            action=AuditAction.UPDATE,
            request=request,
            actor=actor,
            record=expert,
            detail={"step": "sharing", "public": public_entry, "public_fields": expert.public_fields},
        )
    return expert


def expert_withdraw_processing_consent(
    *, actor: User, expert: Expert, request: HttpRequest | None = None
) -> Expert:
    """Withdrawing consent to processing takes the expert off every shortlist and the public roster."""
    if expert.user_id != actor.pk:
        raise PermissionDenied
    with transaction.atomic():
        claim_version(expert, None)
        now = timezone.now()
        expert.consent_processing_withdrawn_at = now
        if expert.public_consent_at and expert.public_withdrawn_at is None:
            expert.public_withdrawn_at = now
        expert.save()
        refresh_match_columns([expert.pk])
        _audit(AuditAction.UPDATE, actor=actor, record=expert, request=request, step="consent_withdrawn")
    return expert


def expert_delete_account(*, actor: User, expert: Expert, request: HttpRequest | None = None) -> None:
    """The expert deletes their account: every identifying value is erased (names, contacts, biography,
    free text they wrote in reports and follow-up), the sign-in account is closed and scrubbed. What
    remains is anonymous: country of origin and residence, sex, sectors, modalities, and the assignments'
    dates and counted outputs, so the programme's statistics stay right."""
    if (
        expert.user_id is None
        or expert.user_id != actor.pk
        or not has_permission(actor, access.DELETE_OWN_EXPERT)
    ):
        raise PermissionDenied
    with transaction.atomic():
        claim_version(expert, None)
        now = timezone.now()
        for name in ("given_name", "family_name", "email", "phone", "biography"):
            setattr(expert, name, "")
        expert.languages, expert.education = [], []
        expert.occupation_uris, expert.skill_uris = [], []
        expert.public_fields, expert.host_fields = [], []
        expert.years_experience = 0
        expert.status = Expert.Status.DELETED
        expert.deleted_at = now
        if expert.consent_processing_withdrawn_at is None:
            expert.consent_processing_withdrawn_at = now
        if expert.public_consent_at and expert.public_withdrawn_at is None:
            expert.public_withdrawn_at = now
        expert.user = None
        expert.save()
        refresh_match_columns([expert.pk])
        expert.windows.all().delete()
        EndReport.objects.filter(
            assignment__agreement__invitation__expert=expert, author=EndReport.Author.EXPERT
        ).update(summary="")
        for assignment in Assignment.objects.filter(agreement__invitation__expert=expert):
            assignment.follow_up = ""
            assignment.save(update_fields=["follow_up"])
        # A reintegration plan is about the person (housing, family, money received): its free text goes;
        # the kinds of support, their dates and amounts and the follow-ups' situations stay as statistics.
        plans = ReintegrationPlan.objects.filter(assignment__agreement__invitation__expert=expert)
        for plan in plans:
            plan.goals = ""
            plan.save(update_fields=["goals"])
        for support in ReintegrationSupport.objects.filter(plan__in=plans):
            support.description = support.provider = ""
            support.save(update_fields=["description", "provider"])
        for follow_up in ReintegrationFollowUp.objects.filter(plan__in=plans):
            follow_up.note = ""
            follow_up.save(update_fields=["note"])
        user = User.objects.get(pk=actor.pk)
        user.username = f"deleted-expert-{expert.pk}"
        user.first_name = user.last_name = user.email = ""
        user.is_active = False
        user.set_unusable_password()
        user.save()
        user.roles.clear()
        audit_log(
            action=AuditAction.DELETE,
            request=request,
            actor=actor,
            record=expert,
            detail={"step": "account_deleted"},
        )


# --- requests -------------------------------------------------------------------------------------------


def _checked_request_values(values: dict[str, Any]) -> dict[str, Any]:
    errors: dict[str, list[str]] = {}
    clean = {name: values[name] for name in REQUEST_FIELDS if name in values}
    try:
        clean["title"] = required_text(clean.get("title", ""), field="title")[:200]
    except ValidationError as error:
        errors["title"] = error.messages
    clean["objectives"] = str(clean.get("objectives") or "").strip()
    if not clean["objectives"]:
        errors["objectives"] = [_("Say what the assignment should achieve.")]
    if clean.get("sector") not in Sector.values:
        errors["sector"] = [_("Not a valid sector.")]
    if clean.get("modality") not in Modality.values:
        errors["modality"] = [_("Not a valid modality.")]
    if clean.get("language_level", "B2") not in LEVEL_RANK:
        errors["language_level"] = [_("A level from A1 to C2.")]
    if str(clean.get("language", "")).lower() not in LANGUAGE_CODES:
        errors["language"] = [_("A language code such as en, fr, ar.")]
    clean["language"] = str(clean.get("language", "")).lower()
    try:
        clean["duration_days"] = int(clean.get("duration_days", 0))
        if not 1 <= clean["duration_days"] <= 366:
            raise ValueError
    except (TypeError, ValueError):
        errors["duration_days"] = [_("From 1 to 366 days.")]
    starts, ends = clean.get("starts_on"), clean.get("ends_on")
    if isinstance(starts, date) and isinstance(ends, date):
        if ends < starts:
            errors["ends_on"] = [_("The end cannot be before the start.")]
    else:
        errors["starts_on"] = [_("Give the start and end dates.")]
    uris = list(dict.fromkeys(str(u) for u in clean.get("skill_uris") or []))
    if any(not u.startswith("http://data.europa.eu/esco/") for u in uris) or len(uris) > 30:
        errors["skill_uris"] = [_("ESCO skill URIs only (at most 30).")]
    clean["skill_uris"] = uris
    if errors:
        raise ValidationError(errors)
    return clean


def request_create(
    *,
    actor: User,
    host: HostInstitution,
    values: dict[str, Any],
    group: Any = None,
    is_sample: bool = False,
    request: HttpRequest | None = None,
) -> Request:
    """A draft request by the host institution's staff (or a programme officer for the host)."""
    if not (
        reaches(actor, access.ADD_REQUEST, organisation_id=host.organisation_id)
        or reaches(actor, access.APPROVE_REQUEST, group_ids={group.pk} if group else set())
    ):
        raise PermissionDenied
    clean = _checked_request_values(values)
    with transaction.atomic():
        row = Request.objects.create(
            **clean,
            host=host,
            group=group,
            country_office=DiasporaOffice.objects.filter(country=host.country).first(),
            created_by=actor,
            is_sample=is_sample,
        )
        _audit(AuditAction.CREATE, actor=actor, record=row, request=request, step="request_drafted")
    return row


def request_update(
    *,
    actor: User,
    row: Request,
    expected_version: int | None,
    values: dict[str, Any],
    request: HttpRequest | None = None,
) -> Request:
    if row.status not in (Request.Status.DRAFT, Request.Status.SUBMITTED):
        raise ValidationError({"status": [_("An approved request can no longer be edited.")]})
    if not reaches(actor, access.CHANGE_REQUEST, organisation_id=row.host.organisation_id):
        raise PermissionDenied
    merged = {name: getattr(row, name) for name in REQUEST_FIELDS}
    merged.update(values)
    clean = _checked_request_values(merged)
    with transaction.atomic():
        claim_version(row, expected_version)
        for name, value in clean.items():
            setattr(row, name, value)
        row.updated_at = timezone.now()
        row.save()
        _audit(AuditAction.UPDATE, actor=actor, record=row, request=request, step="request_edited")
    return row


def request_submit(*, actor: User, row: Request, request: HttpRequest | None = None) -> Request:
    if not reaches(actor, access.CHANGE_REQUEST, organisation_id=row.host.organisation_id):
        raise PermissionDenied
    if row.status != Request.Status.DRAFT:
        raise ValidationError({"status": [_("Only a draft can be submitted.")]})
    with transaction.atomic():
        claim_version(row, None)
        row.status, row.submitted_at = Request.Status.SUBMITTED, timezone.now()
        row.save()
        _audit(AuditAction.UPDATE, actor=actor, record=row, request=request, step="request_submitted")
    return row


def request_approve(*, actor: User, row: Request, request: HttpRequest | None = None) -> Request:
    """A programme officer of the request's programme approves it for matching."""
    if not reaches(actor, access.APPROVE_REQUEST, group_ids={row.group_id} if row.group_id else set()):
        raise PermissionDenied
    if row.status != Request.Status.SUBMITTED:
        raise ValidationError({"status": [_("Only a submitted request can be approved.")]})
    with transaction.atomic():
        claim_version(row, None)
        row.status, row.approved_at, row.approved_by = Request.Status.APPROVED, timezone.now(), actor
        row.save()
        _audit(AuditAction.UPDATE, actor=actor, record=row, request=request, step="request_approved")
    return row


def request_close(*, actor: User, row: Request, request: HttpRequest | None = None) -> Request:
    if not (
        reaches(actor, access.APPROVE_REQUEST, group_ids={row.group_id} if row.group_id else set())
        or reaches(actor, access.CHANGE_REQUEST, organisation_id=row.host.organisation_id)
    ):
        raise PermissionDenied
    with transaction.atomic():
        claim_version(row, None)
        row.status, row.closed_at = Request.Status.CLOSED, timezone.now()
        row.save()
        _audit(AuditAction.UPDATE, actor=actor, record=row, request=request, step="request_closed")
    return row


def priority_sector_set(
    *, actor: User, office: DiasporaOffice, sectors: list[str], request: HttpRequest | None = None
) -> list[PrioritySector]:
    """The government's priority sectors for its country (its diaspora office only)."""
    if not reaches(actor, access.CHANGE_PRIORITY, organisation_id=office.organisation_id):
        raise PermissionDenied
    if any(code not in Sector.values for code in sectors):
        raise ValidationError({"sectors": [_("Not a valid sector.")]})
    with transaction.atomic():
        office.priorities.exclude(sector__in=sectors).delete()
        for code in sectors:
            PrioritySector.objects.get_or_create(office=office, sector=code)
        audit_log(
            action=AuditAction.UPDATE,
            request=request,
            actor=actor,
            record=office,
            detail={"step": "priority_sectors", "sectors": sorted(sectors)},
        )
    return list(office.priorities.all())


# --- invitation → answer → selection → agreement → assignment --------------------------------------------


def invitation_send(
    *, actor: User, row: Request, expert: Expert, score: float = 0.0, request: HttpRequest | None = None
) -> Invitation:
    if not reaches(actor, access.ADD_INVITATION, group_ids={row.group_id} if row.group_id else set()):
        raise PermissionDenied
    if row.status != Request.Status.APPROVED:
        raise ValidationError({"status": [_("Experts are invited to approved requests only.")]})
    if not expert.active_processing_consent or expert.status != Expert.Status.ACTIVE:
        raise ValidationError({"expert": [_("This expert cannot be invited.")]})
    if Invitation.objects.filter(request=row, expert=expert).exists():
        raise ValidationError({"expert": [_("This expert is already invited.")]})
    with transaction.atomic():
        invitation = Invitation.objects.create(request=row, expert=expert, invited_by=actor, score=score)
        _audit(AuditAction.CREATE, actor=actor, record=invitation, request=request, step="invited")
    return invitation


def invitation_answer(
    *, actor: User, invitation: Invitation, accept: bool, request: HttpRequest | None = None
) -> Invitation:
    if not access.viewer_is_expert_of(actor, invitation):
        raise PermissionDenied
    if invitation.answer:
        raise ValidationError({"answer": [_("This invitation was already answered.")]})
    with transaction.atomic():
        claim_version(invitation, None)
        invitation.answer = Invitation.Answer.ACCEPTED if accept else Invitation.Answer.DECLINED
        invitation.answered_at = timezone.now()
        invitation.save()
        _audit(
            AuditAction.UPDATE,
            actor=actor,
            record=invitation,
            request=request,
            step=f"answer_{invitation.answer}",
        )
    return invitation


def invitation_select(
    *, actor: User, invitation: Invitation, request: HttpRequest | None = None
) -> Invitation:
    """The host institution selects an expert who accepted."""
    if not access.viewer_is_host_of(actor, invitation.request):
        raise PermissionDenied
    if invitation.answer != Invitation.Answer.ACCEPTED or invitation.selected_at is not None:
        raise ValidationError({"answer": [_("Only an expert who accepted can be selected, once.")]})
    with transaction.atomic():
        claim_version(invitation, None)
        invitation.selected_at, invitation.selected_by = timezone.now(), actor
        invitation.save()
        _audit(AuditAction.UPDATE, actor=actor, record=invitation, request=request, step="selected")
    return invitation


def agreement_draft(
    *, actor: User, invitation: Invitation, values: dict[str, Any], request: HttpRequest | None = None
) -> Agreement:
    row = invitation.request
    if not reaches(actor, access.ADD_AGREEMENT, group_ids={row.group_id} if row.group_id else set()):
        raise PermissionDenied
    if invitation.selected_at is None:
        raise ValidationError({"invitation": [_("The host has not selected this expert.")]})
    errors: dict[str, list[str]] = {}
    starts, ends = values.get("starts_on"), values.get("ends_on")
    if not (isinstance(starts, date) and isinstance(ends, date)) or ends < starts:
        errors["ends_on"] = [_("Give a start and an end that is not before it.")]
    deliverables = str(values.get("deliverables") or "").strip()
    if not deliverables:
        errors["deliverables"] = [_("List the deliverables.")]
    compensation = values.get("compensation", Agreement.Compensation.PER_DIEM)
    if compensation not in Agreement.Compensation.values:
        errors["compensation"] = [_("Not a valid choice.")]
    try:
        amount = Decimal(str(values.get("amount", "0")))
        if amount < 0 or amount >= Decimal("1e8"):
            raise InvalidOperation
    except InvalidOperation:
        errors["amount"] = [_("A positive amount.")]
        amount = Decimal(0)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        agreement, _created = Agreement.objects.update_or_create(
            invitation=invitation,
            defaults={
                "starts_on": starts,
                "ends_on": ends,
                "deliverables": deliverables,
                "travel": str(values.get("travel") or ""),
                "compensation": compensation,
                "amount": amount,
                "currency": str(values.get("currency") or "EUR")[:3].upper(),
                "insurance": str(values.get("insurance") or "")[:200],
                "expert_signed_at": None,
                "host_signed_at": None,
            },
        )
        _audit(AuditAction.CREATE, actor=actor, record=agreement, request=request, step="agreement_drafted")
    return agreement


def agreement_sign(*, actor: User, agreement: Agreement, request: HttpRequest | None = None) -> Agreement:
    """The expert or the host signs. Once both did, the assignment opens (preparation) and the request is
    filled."""
    invitation = agreement.invitation
    with transaction.atomic():
        claim_version(agreement, None)
        now = timezone.now()
        if access.viewer_is_expert_of(actor, invitation):
            agreement.expert_signed_at = agreement.expert_signed_at or now
            side = "expert"
        elif access.viewer_is_host_of(actor, invitation.request):
            agreement.host_signed_at = agreement.host_signed_at or now
            side = "host"
        else:
            raise PermissionDenied
        agreement.save()
        _audit(AuditAction.UPDATE, actor=actor, record=agreement, request=request, step=f"signed_by_{side}")
        if agreement.signed_by_both and not Assignment.objects.filter(agreement=agreement).exists():
            assignment = Assignment.objects.create(
                agreement=agreement,
                modality=invitation.request.modality,
                is_sample=invitation.request.is_sample,
            )
            row = invitation.request
            claim_version(row, None)
            row.status = Request.Status.FILLED
            row.save()
            _audit(
                AuditAction.CREATE, actor=actor, record=assignment, request=request, step="assignment_opened"
            )
    return agreement


STAGE_ORDER = [stage.value for stage in Assignment.Stage]


def assignment_advance(
    *,
    actor: User,
    assignment: Assignment,
    stage: str,
    on: date | None = None,
    follow_up: str | None = None,
    request: HttpRequest | None = None,
) -> Assignment:
    """Move the assignment one stage on (delivery starts it, reporting ends it)."""
    if not access.assignments_visible_to(actor).filter(pk=assignment.pk).exists() or not has_permission(
        actor, access.CHANGE_ASSIGNMENT
    ):
        raise PermissionDenied
    if stage not in STAGE_ORDER or STAGE_ORDER.index(stage) != STAGE_ORDER.index(assignment.stage) + 1:
        raise ValidationError({"stage": [_("An assignment moves one stage at a time.")]})
    if stage == Assignment.Stage.DELIVERY and preparation_missing(assignment):
        raise ValidationError(
            {"stage": [_("Delivery starts once every preparation item is done or marked not needed.")]}
        )
    if stage == Assignment.Stage.FOLLOW_UP and assignment.reports.count() < 2:
        raise ValidationError({"stage": [_("Follow-up starts once the expert and the host both reported.")]})
    with transaction.atomic():
        claim_version(assignment, None)
        assignment.stage = stage
        day = on or timezone.localdate()
        if stage == Assignment.Stage.DELIVERY:
            assignment.started_on = day
        elif stage == Assignment.Stage.REPORTING:
            assignment.ended_on = day
        if follow_up is not None:
            assignment.follow_up = follow_up.strip()
        assignment.updated_at = timezone.now()
        assignment.save()
        _audit(AuditAction.UPDATE, actor=actor, record=assignment, request=request, step=f"stage_{stage}")
    return assignment


def preparation_missing(assignment: Assignment) -> list[str]:
    """The preparation items of the assignment's modality neither done nor marked not needed."""
    done = assignment.preparation or {}
    return [item for item in PREPARATION_ITEMS.get(assignment.modality, ()) if not done.get(item)]


def assignment_prepare(
    *,
    actor: User,
    assignment: Assignment,
    item: str,
    done_on: date | None,
    request: HttpRequest | None = None,
) -> Assignment:
    """Tick one preparation item (travel, visa, insurance, briefing; online: tools, briefing) with the
    day it was done, or ``done_on=None`` for "not needed". The programme's officers do this."""
    if not access.viewer_runs_programme_of(actor, assignment):
        raise PermissionDenied
    if item not in PREPARATION_ITEMS.get(assignment.modality, ()):
        raise ValidationError({"item": [_("Not a preparation item of this modality.")]})
    if assignment.stage != Assignment.Stage.PREPARATION:
        raise ValidationError({"stage": [_("Preparation is over for this assignment.")]})
    with transaction.atomic():
        claim_version(assignment, None)
        assignment.preparation = {
            **(assignment.preparation or {}),
            item: done_on.isoformat() if done_on else "not_needed",
        }
        assignment.updated_at = timezone.now()
        assignment.save()
        audit_log(
            action=AuditAction.UPDATE,
            request=request,
            actor=actor,
            record=assignment,
            detail={"step": "preparation", "item": item, "value": assignment.preparation[item]},
        )
    return assignment


def hours_log(
    *,
    actor: User,
    assignment: Assignment,
    worked_on: date,
    hours: Decimal,
    request: HttpRequest | None = None,
) -> HoursLog:
    """Hours of online delivery, logged by the expert."""
    if assignment.agreement.invitation.expert.user_id != actor.pk:
        raise PermissionDenied
    if assignment.modality != Modality.ONLINE or assignment.stage != Assignment.Stage.DELIVERY:
        raise ValidationError({"hours": [_("Hours are logged for online assignments during delivery.")]})
    if not Decimal(0) < hours <= Decimal(24):
        raise ValidationError({"hours": [_("Between 0 and 24 hours a day.")]})
    with transaction.atomic():
        log = HoursLog.objects.create(assignment=assignment, worked_on=worked_on, hours=hours)
        _audit(AuditAction.CREATE, actor=actor, record=log, request=request, step="hours_logged")
    return log


def end_report_submit(
    *, actor: User, assignment: Assignment, values: dict[str, Any], request: HttpRequest | None = None
) -> EndReport:
    invitation = assignment.agreement.invitation
    if access.viewer_is_expert_of(actor, invitation):
        author = EndReport.Author.EXPERT
    elif access.viewer_is_host_of(actor, invitation.request):
        author = EndReport.Author.HOST
    else:
        raise PermissionDenied
    if assignment.stage != Assignment.Stage.REPORTING:
        raise ValidationError({"stage": [_("End reports are written once delivery has ended.")]})
    errors: dict[str, list[str]] = {}
    numbers = {}
    for name in ("people_trained", "documents_produced", "services_delivered", "rating"):
        try:
            numbers[name] = int(values.get(name, 0))
            if numbers[name] < 0 or numbers[name] > 1_000_000:
                raise ValueError
        except (TypeError, ValueError):
            errors[name] = [_("A whole number.")]
    if not errors and not 1 <= numbers["rating"] <= 5:
        errors["rating"] = [_("A rating from 1 to 5.")]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        report, _created = EndReport.objects.update_or_create(
            assignment=assignment,
            author=author,
            defaults={
                **numbers,
                "summary": str(values.get("summary") or "").strip(),
                "submitted_at": timezone.now(),
            },
        )
        _audit(AuditAction.CREATE, actor=actor, record=report, request=request, step=f"end_report_{author}")
    return report


def actor_of(user: AbstractBaseUser | Any) -> User:
    if not isinstance(user, User):
        raise PermissionDenied
    return user


# --- repeat assignments and permanent return ----------------------------------------------------------------


def assignment_invite_again(
    *, actor: User, assignment: Assignment, row: Request, request: HttpRequest | None = None
) -> Invitation:
    """Invite the expert of a finished assignment to another approved request, of the same institution or
    another: a repeat assignment. It then runs the usual flow (answer, selection, agreement) and the
    assignment it opens names the one it repeats."""
    if not access.viewer_runs_programme_of(actor, assignment):
        raise PermissionDenied
    if assignment.stage not in (Assignment.Stage.FOLLOW_UP, Assignment.Stage.CLOSED):
        raise ValidationError({"stage": [_("A repeat assignment follows one that reached follow-up.")]})
    if row.pk == assignment.agreement.invitation.request_id:
        raise ValidationError({"request": [_("Choose another request than the one already served.")]})
    invitation = invitation_send(
        actor=actor, row=row, expert=assignment.agreement.invitation.expert, request=request
    )
    invitation.repeat_of = assignment
    invitation.save(update_fields=["repeat_of"])
    return invitation


def _reintegration_writer(actor: User, assignment: Assignment) -> None:
    if not access.viewer_runs_programme_of(actor, assignment):
        raise PermissionDenied
    if assignment.modality != Modality.PERMANENT:
        raise ValidationError({"modality": [_("Reintegration plans are for permanent return.")]})


def reintegration_plan_save(
    *,
    actor: User,
    assignment: Assignment,
    goals: str,
    expected_version: int | None,
    request: HttpRequest | None = None,
) -> ReintegrationPlan:
    """Create or edit the plan of a permanent return (a programme officer of its programme)."""
    _reintegration_writer(actor, assignment)
    goals = str(goals or "").strip()
    if len(goals) > 5000:
        raise ValidationError({"goals": [_("At most %(n)d characters.") % {"n": 5000}]})
    with transaction.atomic():
        plan = ReintegrationPlan.objects.filter(assignment=assignment).first()
        if plan is None:
            plan = ReintegrationPlan.objects.create(assignment=assignment, goals=goals, created_by=actor)
            step = "reintegration_plan_created"
        else:
            claim_version(plan, expected_version)
            plan.goals, plan.updated_at = goals, timezone.now()
            plan.save()
            step = "reintegration_plan_edited"
        _audit(AuditAction.UPDATE, actor=actor, record=plan, request=request, step=step)
    return plan


def _checked_support(values: dict[str, Any]) -> dict[str, Any]:
    errors: dict[str, list[str]] = {}
    clean: dict[str, Any] = {}
    if values.get("kind") not in ReintegrationSupport.Kind.values:
        errors["kind"] = [_("Not a valid choice.")]
    clean["kind"] = values.get("kind")
    if values.get("status", ReintegrationSupport.Status.PLANNED) not in ReintegrationSupport.Status.values:
        errors["status"] = [_("Not a valid choice.")]
    clean["status"] = values.get("status") or ReintegrationSupport.Status.PLANNED
    clean["description"] = str(values.get("description") or "").strip()[:5000]
    clean["provider"] = str(values.get("provider") or "").strip()[:200]
    try:
        clean["amount"] = Decimal(str(values.get("amount") or "0"))
        if clean["amount"] < 0 or clean["amount"] >= Decimal("1e8"):
            raise InvalidOperation
    except InvalidOperation:
        errors["amount"] = [_("A positive amount.")]
    clean["currency"] = str(values.get("currency") or "EUR").strip().upper()[:3]
    for name in ("due_on", "done_on"):
        value = values.get(name)
        if value is not None and not isinstance(value, date):
            errors[name] = [_("Dates as YYYY-MM-DD.")]
        clean[name] = value
    if clean["status"] == ReintegrationSupport.Status.DONE and clean.get("done_on") is None:
        errors["done_on"] = [_("Say when the support was given.")]
    if errors:
        raise ValidationError(errors)
    return clean


def reintegration_support_add(
    *,
    actor: User,
    plan: ReintegrationPlan,
    values: dict[str, Any],
    request: HttpRequest | None = None,
) -> ReintegrationSupport:
    _reintegration_writer(actor, plan.assignment)
    clean = _checked_support(values)
    with transaction.atomic():
        claim_version(plan, None)
        support = ReintegrationSupport.objects.create(plan=plan, **clean)
        _audit(AuditAction.CREATE, actor=actor, record=support, request=request, step="reintegration_support")
    return support


def reintegration_support_update(
    *,
    actor: User,
    support: ReintegrationSupport,
    expected_version: int | None,
    values: dict[str, Any],
    request: HttpRequest | None = None,
) -> ReintegrationSupport:
    """Change a step (typically: mark it given, with the date). Versioned: no edit is silently lost."""
    _reintegration_writer(actor, support.plan.assignment)
    merged = {
        name: getattr(support, name)
        for name in ("kind", "status", "description", "provider", "amount", "currency", "due_on", "done_on")
    }
    merged.update(values)
    clean = _checked_support(merged)
    with transaction.atomic():
        claim_version(support, expected_version)
        for name, value in clean.items():
            setattr(support, name, value)
        support.updated_at = timezone.now()
        support.save()
        _audit(
            AuditAction.UPDATE,
            actor=actor,
            record=support,
            request=request,
            step=f"reintegration_support_{support.status}",
        )
    return support


def reintegration_follow_up_add(
    *,
    actor: User,
    plan: ReintegrationPlan,
    held_on: date,
    situation: str,
    note: str = "",
    request: HttpRequest | None = None,
) -> ReintegrationFollowUp:
    _reintegration_writer(actor, plan.assignment)
    if situation not in ReintegrationFollowUp.Situation.values:
        raise ValidationError({"situation": [_("Not a valid choice.")]})
    if not isinstance(held_on, date) or held_on > timezone.localdate():
        raise ValidationError({"held_on": [_("A follow-up is recorded once it took place.")]})
    with transaction.atomic():
        follow_up = ReintegrationFollowUp.objects.create(
            plan=plan,
            held_on=held_on,
            situation=situation,
            note=str(note or "").strip()[:5000],
            recorded_by=actor,
        )
        _audit(
            AuditAction.CREATE, actor=actor, record=follow_up, request=request, step="reintegration_follow_up"
        )
    return follow_up
