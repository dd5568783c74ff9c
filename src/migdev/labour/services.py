"""Every write of the labour module: registration, consent, job orders, shortlists, the selection steps,
contracts, costs, documents, grievances, waivers and deployment behind the safeguards gate.

Services take the acting user, check the access layer, open one transaction, claim the record's version
and write an audit row. Computation that writes nothing (the shortlist, the gate, SDG 10.7.1) lives in
``matching``, ``gate`` and ``indicators`` of this package.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from migdev.accounts import access
from migdev.accounts.access import UserLike
from migdev.accounts.models import Organisation, User
from migdev.audit.models import AuditAction
from migdev.audit.services import audit_log
from migdev.core.validation import checked_date_range, required_text
from migdev.core.versioning import claim_version
from migdev.labour import selectors
from migdev.labour.models import (
    Application,
    Complaint,
    ConsentMethod,
    Contract,
    CostLine,
    Employer,
    GateWaiver,
    IdentityDocumentCustody,
    JobOrder,
    RegistryVersion,
    Scheme,
    SchemeConsent,
    SchemeVisibility,
    Sex,
    WagePeriod,
    Worker,
    WorkerEligibility,
)
from migdev.reference.models import Country, Currency, Language

PSEUDONYM_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read over the phone
LEGAL_AGE = 18
MAX_URIS = 200


# --- shared checks -----------------------------------------------------------------------------------


def _country(code: str, field: str) -> Country:
    country = Country.objects.filter(iso3=(code or "").strip().upper()).first()
    if country is None:
        raise ValidationError(
            {field: _("Unknown country code “%(code)s” (ISO 3166 alpha-3).") % {"code": code}}
        )
    return country


def _countries(codes: list[str], field: str) -> list[str]:
    return sorted({_country(code, field).iso3 for code in codes})


def _currency(code: str, field: str) -> str:
    code = (code or "").strip().upper()
    if not Currency.objects.filter(code=code).exists():
        raise ValidationError({field: _("Unknown currency code “%(code)s” (ISO 4217).") % {"code": code}})
    return code


def language_code(code: str, field: str = "languages") -> str:
    """An ISO 639-3 code of the reference app (an ISO 639-1 code is accepted and turned into it)."""
    code = (code or "").strip().lower()
    language = (
        Language.objects.filter(alpha_3=code).first()
        if len(code) == 3
        else Language.objects.filter(alpha_2=code).first()
        if len(code) == 2
        else None
    )
    if language is None:
        raise ValidationError({field: _("Unknown language code “%(code)s”.") % {"code": code}})
    return language.alpha_3


def language_levels(items: list[dict[str, Any]], field: str = "languages") -> list[dict[str, Any]]:
    """``[{"code": "eng", "level": 3}]`` with ISO 639-3 codes and CEFR levels 1 (A1) to 6 (C2)."""
    cleaned: dict[str, int] = {}
    for item in items:
        try:
            level = int(item.get("level", 0))
        except (TypeError, ValueError):
            level = 0
        if not 1 <= level <= 6:
            raise ValidationError({field: _("A language level is a CEFR level from A1 to C2.")})
        code = language_code(str(item.get("code", "")), field)
        cleaned[code] = max(level, cleaned.get(code, 0))
    return [{"code": code, "level": level} for code, level in sorted(cleaned.items())]


def esco_uris(uris: list[str], kind: str, field: str) -> list[str]:
    """URIs of the current ESCO edition's occupations or skills, deduplicated, in the order given."""
    from migdev.skills.models import Occupation, Skill
    from migdev.skills.selectors import current_edition

    wanted = list(dict.fromkeys(uri.strip() for uri in uris if uri and uri.strip()))
    if len(wanted) > MAX_URIS:
        raise ValidationError({field: _("At most %(n)d concepts.") % {"n": MAX_URIS}})
    if not wanted:
        return []
    edition = current_edition("esco")
    if edition is None:
        raise ValidationError({field: _("No ESCO edition is loaded.")})
    model = Occupation if kind == "occupation" else Skill
    known = set(model.objects.filter(edition=edition, uri__in=wanted).values_list("uri", flat=True))
    unknown = [uri for uri in wanted if uri not in known]
    if unknown:
        raise ValidationError(
            {
                field: _("Not a concept of the current ESCO edition: %(uris)s")
                % {"uris": ", ".join(unknown[:5])}
            }
        )
    return wanted


def isco_code_of(occupation_uri: str) -> str:
    from migdev.skills.models import Occupation
    from migdev.skills.selectors import current_edition

    edition = current_edition("esco")
    if edition is None or not occupation_uri:
        return ""
    return (
        Occupation.objects.filter(edition=edition, uri=occupation_uri)
        .values_list("isco_code", flat=True)
        .first()
        or ""
    )


def _audit(action: str, actor: UserLike | None, record: Any, **detail: Any) -> None:
    audit_log(action=action, actor=_user(actor), record=record, detail=detail)


def _user(actor: UserLike | None) -> User | None:
    return actor if isinstance(actor, User) and actor.is_authenticated else None


def _require(condition: bool) -> None:
    """Outside the caller's reach: the same 404 as a missing record, so nothing leaks."""
    if not condition:
        raise Http404


# --- schemes -----------------------------------------------------------------------------------------


def scheme_create(*, actor: UserLike | None, organisation: Organisation | None, **fields: Any) -> Scheme:
    _require(
        access.reaches(actor, "labour.add_scheme", organisation_id=organisation.pk if organisation else None)
    )
    with transaction.atomic():
        scheme = Scheme(organisation=organisation)
        _scheme_apply(scheme, fields)
        scheme.save()
        scheme.origin_countries.set(Country.objects.filter(iso3__in=fields.get("origin_countries", [])))
        _audit(AuditAction.CREATE, actor, scheme)
    return scheme


def scheme_update(
    *, actor: UserLike | None, scheme: Scheme, expected_version: int | None, **fields: Any
) -> Scheme:
    _require(selectors.scheme_manageable_by(actor, scheme))
    with transaction.atomic():
        claim_version(scheme, expected_version)
        _scheme_apply(scheme, fields)
        scheme.updated_at = timezone.now()
        scheme.save()
        if "origin_countries" in fields:
            scheme.origin_countries.set(Country.objects.filter(iso3__in=fields["origin_countries"]))
        _audit(AuditAction.UPDATE, actor, scheme, fields=sorted(fields))
    return scheme


def _scheme_apply(scheme: Scheme, fields: dict[str, Any]) -> None:
    if "title" in fields or not scheme.pk:
        scheme.title = required_text(fields.get("title", scheme.title), "title")
    if "kind" in fields:
        if fields["kind"] not in Scheme.Kind.values:
            raise ValidationError({"kind": _("Unknown kind of scheme.")})
        scheme.kind = fields["kind"]
    if "destination_country" in fields:
        scheme.destination_country = _country(fields["destination_country"], "destination_country")
    if "origin_countries" in fields:
        fields["origin_countries"] = _countries(fields["origin_countries"], "origin_countries")
    if "occupation_uris" in fields:
        scheme.occupation_uris = esco_uris(fields["occupation_uris"], "occupation", "occupation_uris")
    for name in ("reference", "partners", "conditions"):
        if name in fields:
            setattr(scheme, name, (fields[name] or "").strip())
    for name in ("start_date", "end_date", "health_g2g_agreement", "is_sample"):
        if name in fields:
            setattr(scheme, name, fields[name])
    if scheme.start_date is None:
        raise ValidationError({"start_date": _("Give the date the scheme starts.")})
    checked_date_range(scheme.start_date, scheme.end_date)


# --- employers and job orders ------------------------------------------------------------------------


def employer_verify(*, actor: UserLike | None, employer: Employer, note: str) -> Employer:
    _require(access.has_permission(actor, "labour.change_joborder"))
    with transaction.atomic():
        claim_version(employer, None)
        employer.verified_by = actor  # type: ignore[assignment]
        employer.verified_at = timezone.now()
        employer.verification_note = required_text(note, "verification_note")
        employer.save()
        _audit(AuditAction.UPDATE, actor, employer, step="verified")
    return employer


def employer_update(
    *,
    actor: UserLike | None,
    employer: Employer,
    expected_version: int | None,
    country: str,
    verified: bool,
    verification_note: str,
) -> Employer:
    """A scheme officer corrects an employer of their schemes' destination, or verifies or un-verifies it.

    Only employers in the destination country of a scheme the officer runs are within reach, before and
    after the change; a stale version raises ``StaleEdit``."""
    destinations = set(
        Scheme.objects.filter(
            pk__in=[
                scheme.pk
                for scheme in selectors.schemes_visible_to(actor)
                if selectors.scheme_manageable_by(actor, scheme)
            ]
        ).values_list("destination_country_id", flat=True)
    )
    _require(access.has_permission(actor, "labour.change_joborder") and employer.country_id in destinations)
    new_country = _country(country, "country")
    if new_country.iso3 not in destinations:
        raise ValidationError({"country": _("None of your schemes has this destination.")})
    note = (verification_note or "").strip()[:300]
    if verified and not note:
        raise ValidationError({"verification_note": _("Say how the employer was verified.")})
    with transaction.atomic():
        claim_version(employer, expected_version)
        changed = []
        if employer.country_id != new_country.iso3:
            employer.country = new_country
            changed.append("country")
        if verified and employer.verified_at is None:
            employer.verified_by = _user(actor)
            employer.verified_at = timezone.now()
            changed.append("verified")
        elif not verified and employer.verified_at is not None:
            employer.verified_by, employer.verified_at = None, None
            changed.append("unverified")
        if note != employer.verification_note:
            employer.verification_note = note
            changed.append("verification_note")
        employer.save()
        _audit(AuditAction.UPDATE, actor, employer, fields=changed)
    return employer


JOB_ORDER_FIELDS = (
    "title",
    "occupation_uri",
    "essential_skill_uris",
    "optional_skill_uris",
    "languages",
    "positions",
    "place",
    "destination_country",
    "start_date",
    "contract_months",
    "wage_amount",
    "wage_currency",
    "wage_period",
    "hours_per_week",
    "housing_terms",
    "travel_terms",
)


def _may_write_job_order(actor: UserLike | None, scheme: Scheme, employer: Employer) -> bool:
    return access.reaches(actor, "labour.add_joborder", organisation_id=scheme.organisation_id) or (
        access.reaches(actor, "labour.view_own_joborder", organisation_id=employer.organisation_id)
        and access.has_permission(actor, "labour.add_joborder")
    )


def job_order_create(
    *, actor: UserLike | None, scheme: Scheme, employer: Employer, recruiter: Any = None, **fields: Any
) -> JobOrder:
    _require(_may_write_job_order(actor, scheme, employer))
    with transaction.atomic():
        job_order = JobOrder(
            scheme=scheme, employer=employer, recruiter=recruiter, is_sample=scheme.is_sample
        )
        _job_order_apply(job_order, fields, creating=True)
        job_order.save()
        _audit(AuditAction.CREATE, actor, job_order)
    return job_order


def job_order_update(
    *, actor: UserLike | None, job_order: JobOrder, expected_version: int | None, **fields: Any
) -> JobOrder:
    _require(_may_write_job_order(actor, job_order.scheme, job_order.employer))
    if job_order.approval_status == JobOrder.Approval.APPROVED and not access.reaches(
        actor, "labour.change_joborder", organisation_id=job_order.scheme.organisation_id
    ):
        raise PermissionDenied(_("An approved job order is changed by the scheme only."))
    with transaction.atomic():
        claim_version(job_order, expected_version)
        _job_order_apply(job_order, fields, creating=False)
        job_order.updated_at = timezone.now()
        job_order.save()
        _audit(AuditAction.UPDATE, actor, job_order, fields=sorted(fields))
    return job_order


def _job_order_apply(job_order: JobOrder, fields: dict[str, Any], *, creating: bool) -> None:
    unknown = set(fields) - set(JOB_ORDER_FIELDS)
    if unknown:
        raise ValidationError({sorted(unknown)[0]: _("Not a field of a job order.")})
    if creating:
        missing = [
            name
            for name in ("title", "occupation_uri", "positions", "place", "start_date", "contract_months")
            + ("wage_amount", "wage_currency", "wage_period", "hours_per_week")
            if fields.get(name) in (None, "")
        ]
        if missing:
            raise ValidationError({name: _("This is required.") for name in missing})
    if "title" in fields:
        job_order.title = required_text(fields["title"], "title")
    if "place" in fields:
        job_order.place = required_text(fields["place"], "place")
    if "occupation_uri" in fields:
        job_order.occupation_uri = esco_uris([fields["occupation_uri"]], "occupation", "occupation_uri")[0]
        job_order.isco_code = isco_code_of(job_order.occupation_uri)
    for name in ("essential_skill_uris", "optional_skill_uris"):
        if name in fields:
            setattr(job_order, name, esco_uris(list(fields[name] or []), "skill", name))
    if "languages" in fields:
        job_order.languages = language_levels(list(fields["languages"] or []))
    if "destination_country" in fields or creating:
        code = fields.get("destination_country") or job_order.scheme.destination_country_id
        job_order.destination_country = _country(code, "destination_country")
    if "wage_currency" in fields:
        job_order.wage_currency = _currency(fields["wage_currency"], "wage_currency")
    if "wage_period" in fields:
        if fields["wage_period"] not in WagePeriod.values:
            raise ValidationError({"wage_period": _("Unknown wage period.")})
        job_order.wage_period = fields["wage_period"]
    for name, low in (("positions", 1), ("contract_months", 1)):
        if name in fields:
            value = int(fields[name])
            if value < low or value > 100_000:
                raise ValidationError({name: _("Out of range.")})
            setattr(job_order, name, value)
    for name in ("wage_amount", "hours_per_week"):
        if name in fields:
            amount = Decimal(str(fields[name]))
            if amount <= 0 or (name == "hours_per_week" and amount > 84):
                raise ValidationError({name: _("Out of range.")})
            setattr(job_order, name, amount)
    for name in ("start_date", "housing_terms", "travel_terms"):
        if name in fields:
            setattr(job_order, name, fields[name])
    scheme = job_order.scheme
    if job_order.start_date and job_order.start_date < scheme.start_date:
        raise ValidationError({"start_date": _("The job starts before the scheme does.")})


def job_order_set_approval(*, actor: UserLike | None, job_order: JobOrder, status: str) -> JobOrder:
    _require(
        access.reaches(actor, "labour.change_joborder", organisation_id=job_order.scheme.organisation_id)
    )
    if status not in JobOrder.Approval.values:
        raise ValidationError({"approval_status": _("Unknown approval status.")})
    if status == JobOrder.Approval.APPROVED:
        from migdev.labour.job_orders_import import title_pending

        if title_pending(job_order):
            raise ValidationError(
                {
                    "approval_status": _(
                        "Confirm the occupation of the job title before approving the job order."
                    )
                }
            )
    with transaction.atomic():
        claim_version(job_order, None)
        job_order.approval_status = status
        if status == JobOrder.Approval.APPROVED:
            job_order.approved_by = actor  # type: ignore[assignment]
            job_order.approved_at = timezone.now()
        job_order.save()
        _audit(AuditAction.UPDATE, actor, job_order, step="approval", status=status)
    return job_order


# --- workers -----------------------------------------------------------------------------------------


def new_pseudonym() -> str:
    while True:
        candidate = "W-" + "".join(secrets.choice(PSEUDONYM_ALPHABET) for _ in range(7))
        if not Worker.objects.filter(pseudonym=candidate).exists():
            return candidate


def _birth_month(born: date) -> date:
    return born.replace(day=1)


def age_on(born: date, on: date) -> int:
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


WORKER_FIELDS = (
    "given_name",
    "family_name",
    "phone",
    "email",
    "identity_document_number",
    "notes",
    "date_of_birth",
    "sex",
    "languages",
    "isced_level",
    "occupation_uris",
    "skill_uris",
    "experience_years",
    "available_from",
    "preferred_destinations",
    "country_of_residence",
)


def _worker_apply(worker: Worker, fields: dict[str, Any]) -> None:
    unknown = set(fields) - set(WORKER_FIELDS)
    if unknown:
        raise ValidationError({sorted(unknown)[0]: _("Not a field of a worker's profile.")})
    if "given_name" in fields or not worker.pk:
        worker.given_name = required_text(fields.get("given_name", worker.given_name), "given_name")
    for name in ("family_name", "phone", "email", "identity_document_number", "notes"):
        if name in fields:
            setattr(worker, name, (fields[name] or "").strip())
    if "date_of_birth" in fields or not worker.pk:
        born = fields.get("date_of_birth", worker.date_of_birth)
        if not isinstance(born, date):
            raise ValidationError({"date_of_birth": _("Give the date of birth.")})
        if born > timezone.localdate() or born.year < 1900:
            raise ValidationError({"date_of_birth": _("This date of birth is not possible.")})
        worker.date_of_birth = born
        worker.birth_month = _birth_month(born)
    if "sex" in fields:
        if fields["sex"] not in Sex.values:
            raise ValidationError({"sex": _("Unknown value.")})
        worker.sex = fields["sex"]
    if "country_of_residence" in fields:
        worker.country_of_residence = _country(fields["country_of_residence"], "country_of_residence")
    if "languages" in fields:
        worker.languages = language_levels(list(fields["languages"] or []))
    if "isced_level" in fields:
        level = fields["isced_level"]
        if level is not None and not 0 <= int(level) <= 8:
            raise ValidationError({"isced_level": _("ISCED 2011 levels go from 0 to 8.")})
        worker.isced_level = level
    if "occupation_uris" in fields:
        worker.occupation_uris = esco_uris(
            list(fields["occupation_uris"] or []), "occupation", "occupation_uris"
        )
        worker.isco_code = isco_code_of(worker.occupation_uris[0]) if worker.occupation_uris else ""
    if "skill_uris" in fields:
        worker.skill_uris = esco_uris(list(fields["skill_uris"] or []), "skill", "skill_uris")
    if "experience_years" in fields:
        years = Decimal(str(fields["experience_years"] or 0))
        if not 0 <= years <= 70:
            raise ValidationError({"experience_years": _("Out of range.")})
        worker.experience_years = years
    if "available_from" in fields:
        worker.available_from = fields["available_from"]
    if "preferred_destinations" in fields:
        worker.preferred_destinations = _countries(
            list(fields["preferred_destinations"] or []), "preferred_destinations"
        )


def worker_register(
    *,
    actor: UserLike | None,
    organisation: Organisation,
    consent_method: str,
    user: User | None = None,
    is_sample: bool = False,
    **fields: Any,
) -> Worker:
    """Register a job seeker: by a PES officer of ``organisation`` or by the worker (``user`` = actor).

    Registration records consent to processing (date and method); without it nothing is stored."""
    self_service = user is not None and actor is not None and getattr(actor, "pk", None) == user.pk
    if not self_service:
        _require(access.reaches(actor, "labour.add_worker", organisation_id=organisation.pk))
    if consent_method not in ConsentMethod.values:
        raise ValidationError(
            {"consent_method": _("Say how the worker consented to the processing of their data.")}
        )
    if "country_of_residence" not in fields:
        raise ValidationError({"country_of_residence": _("This is required.")})
    with transaction.atomic():
        worker = Worker(
            pseudonym=new_pseudonym(),
            organisation=organisation,
            user=user,
            is_sample=is_sample,
            consent_processing_at=timezone.now(),
            consent_processing_method=consent_method,
        )
        _worker_apply(worker, fields)
        worker.save()
        eligibility_refresh([worker.pk])
        _audit(AuditAction.CREATE, actor, worker, consent_method=consent_method)
    return worker


REGISTRY = "workers"


def registry_next_version() -> int:
    """Move the registry's version and return it. Inside the caller's transaction: the row stays locked
    until it commits, so versions are handed out in the order writers commit."""
    if not RegistryVersion.objects.filter(name=REGISTRY).update(value=F("value") + 1):
        RegistryVersion.objects.get_or_create(name=REGISTRY, defaults={"value": 1})
        RegistryVersion.objects.filter(name=REGISTRY).update(value=F("value") + 1)
    return int(RegistryVersion.objects.filter(name=REGISTRY).values_list("value", flat=True).get())


def eligibility_refresh(worker_ids: Iterable[int]) -> int:
    """Rewrite the shortlist's narrow rows (``WorkerEligibility``, ``SchemeVisibility``) of these workers
    from their records, and move the registry version: every service changing a worker's profile, consent,
    scheme consents or existence calls it in its transaction (and the bulk seeders after their inserts).
    A worker no longer in the database loses its rows. Returns the new version."""
    ids = sorted({int(pk) for pk in worker_ids})
    with transaction.atomic():
        version = registry_next_version()
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            WorkerEligibility.objects.filter(worker_id__in=chunk).delete()
            SchemeVisibility.objects.filter(worker_id__in=chunk).delete()
            rows = list(
                Worker.objects.filter(pk__in=chunk).values_list(
                    "pk",
                    "consent_processing_at",
                    "consent_processing_withdrawn_at",
                    "country_of_residence_id",
                    "birth_month",
                )
            )
            WorkerEligibility.objects.bulk_create(
                WorkerEligibility(
                    worker_id=pk,
                    consenting=given is not None and withdrawn is None,
                    country_of_residence_id=country,
                    birth_month=month,
                    changed=version,
                )
                for pk, given, withdrawn, country, month in rows
            )
            consenting = {
                pk: (country, month)
                for pk, given, withdrawn, country, month in rows
                if given and not withdrawn
            }
            SchemeVisibility.objects.bulk_create(
                SchemeVisibility(
                    scheme_id=scheme_id,
                    worker_id=worker_id,
                    country_of_residence_id=consenting[worker_id][0],
                    birth_month=consenting[worker_id][1],
                )
                for worker_id, scheme_id in SchemeConsent.objects.filter(
                    worker_id__in=list(consenting), withdrawn_at__isnull=True
                ).values_list("worker_id", "scheme_id")
            )
    return version


def _may_change_worker(actor: UserLike | None, worker: Worker) -> bool:
    own = worker.user_id is not None and getattr(actor, "pk", None) == worker.user_id
    return (own and access.has_permission(actor, "labour.view_own_worker")) or access.reaches(
        actor, "labour.change_worker", organisation_id=worker.organisation_id
    )


def worker_update(
    *, actor: UserLike | None, worker: Worker, expected_version: int | None, **fields: Any
) -> Worker:
    _require(_may_change_worker(actor, worker))
    with transaction.atomic():
        claim_version(worker, expected_version)
        _worker_apply(worker, fields)
        worker.updated_at = timezone.now()
        worker.save()
        eligibility_refresh([worker.pk])
        _audit(AuditAction.UPDATE, actor, worker, fields=sorted(fields))
    return worker


def worker_withdraw_consent(*, actor: UserLike | None, worker: Worker) -> Worker:
    """Withdraw consent to processing: the worker leaves every shortlist and every scheme's view."""
    _require(_may_change_worker(actor, worker))
    with transaction.atomic():
        claim_version(worker, None)
        now = timezone.now()
        worker.consent_processing_withdrawn_at = now
        worker.save()
        SchemeConsent.objects.filter(worker=worker, withdrawn_at__isnull=True).update(withdrawn_at=now)
        eligibility_refresh([worker.pk])
        _audit(AuditAction.UPDATE, actor, worker, step="consent_withdrawn")
    return worker


def worker_delete(*, actor: UserLike | None, worker: Worker) -> None:
    """Erase a worker's record at their request (consent withdrawn and nothing kept): only a worker who never
    applied, since contracts, costs and the safeguards gate's history hang on an application."""
    _require(_may_change_worker(actor, worker))
    if worker.applications.exists():
        raise ValidationError(
            {"worker": _("A worker with applications keeps their record; withdraw the consent instead.")}
        )
    with transaction.atomic():
        pk = worker.pk
        _audit(AuditAction.DELETE, actor, worker)
        worker.delete()
        eligibility_refresh([pk])


def scheme_consent_give(
    *, actor: UserLike | None, worker: Worker, scheme: Scheme, method: str
) -> SchemeConsent:
    _require(_may_change_worker(actor, worker))
    if method not in ConsentMethod.values:
        raise ValidationError({"method": _("Say how the worker consented.")})
    if not worker.consents_to_processing:
        raise ValidationError({"method": _("The worker has not consented to the processing of their data.")})
    with transaction.atomic():
        consent, created = SchemeConsent.objects.get_or_create(
            worker=worker, scheme=scheme, defaults={"given_at": timezone.now(), "method": method}
        )
        if not created:
            claim_version(consent, None)
            consent.given_at, consent.method, consent.withdrawn_at = timezone.now(), method, None
            consent.save()
        eligibility_refresh([worker.pk])
        _audit(AuditAction.UPDATE, actor, worker, step="scheme_consent_given", scheme=scheme.pk)
    return consent


def scheme_consent_withdraw(*, actor: UserLike | None, worker: Worker, scheme: Scheme) -> None:
    _require(_may_change_worker(actor, worker))
    with transaction.atomic():
        consent = SchemeConsent.objects.filter(
            worker=worker, scheme=scheme, withdrawn_at__isnull=True
        ).first()
        if consent is None:
            return
        claim_version(consent, None)
        consent.withdrawn_at = timezone.now()
        consent.save()
        eligibility_refresh([worker.pk])
        _audit(AuditAction.UPDATE, actor, worker, step="scheme_consent_withdrawn", scheme=scheme.pk)


# --- the shortlist and the selection steps -----------------------------------------------------------


def shortlist_save(
    *, actor: UserLike | None, job_order: JobOrder, worker_ids: list[int], limit: int = 50
) -> list[Application]:
    """Keep the workers a person chose from the computed shortlist as applications (stage "shortlisted")
    with their score and explanation. Only workers the shortlist itself offers can be kept."""
    from migdev.labour.matching import shortlist

    _require(
        access.reaches(actor, "labour.change_joborder", organisation_id=job_order.scheme.organisation_id)
    )
    offered = {candidate.worker_id: candidate for candidate in shortlist(job_order, limit=limit).candidates}
    refused = [pk for pk in worker_ids if pk not in offered]
    if refused:
        raise ValidationError({"workers": _("Only workers on the computed shortlist can be kept.")})
    kept = []
    with transaction.atomic():
        for pk in dict.fromkeys(worker_ids):
            candidate = offered[pk]
            application, created = Application.objects.get_or_create(
                job_order=job_order,
                worker_id=pk,
                defaults={
                    "score": candidate.score,
                    "sub_scores": candidate.sub_scores,
                    "explanation": candidate.explanation_json(),
                    "shortlisted_by": actor if getattr(actor, "is_authenticated", False) else None,
                },
            )
            if created:
                _audit(AuditAction.CREATE, actor, application, stage=application.stage)
            kept.append(application)
    return kept


def round_keep(*, actor: UserLike | None, scheme: Scheme, pairs: list[tuple[int, int]]) -> list[Application]:
    """Keep placements a person reviewed from the scheme round's proposal, as shortlisted applications.
    Only pairs the proposal itself makes can be kept."""
    from migdev.labour.matching import scheme_round

    _require(access.reaches(actor, "labour.change_joborder", organisation_id=scheme.organisation_id))
    proposal = {(p.job_order_id, p.worker_id): p for p in scheme_round(scheme).placements}
    if any(pair not in proposal for pair in pairs):
        raise ValidationError({"placements": _("Only placements of the computed proposal can be kept.")})
    kept = []
    with transaction.atomic():
        for pair in dict.fromkeys(pairs):
            placed = proposal[pair]
            application, created = Application.objects.get_or_create(
                job_order_id=placed.job_order_id,
                worker_id=placed.worker_id,
                defaults={
                    "score": placed.score,
                    "explanation": {"round": placed.reason, "choice": placed.choice},
                    "shortlisted_by": _user(actor),
                },
            )
            if created:
                _audit(AuditAction.CREATE, actor, application, stage=application.stage, round=True)
            kept.append(application)
    return kept


# step -> (stages it may follow, capacities allowed to take it, timestamp field, new stage)
STEPS: dict[str, tuple[tuple[str, ...], frozenset[str], str, str]] = {
    "propose_interview": (
        (Application.Stage.SHORTLISTED,),
        frozenset({"officer", "employer"}),
        "interview_proposed_at",
        Application.Stage.INTERVIEW_PROPOSED,
    ),
    "accept_interview": (
        (Application.Stage.INTERVIEW_PROPOSED,),
        frozenset({"worker", "pes"}),
        "interview_accepted_at",
        Application.Stage.INTERVIEW,
    ),
    "select": (
        (Application.Stage.INTERVIEW,),
        frozenset({"officer", "employer"}),
        "selected_at",
        Application.Stage.SELECTED,
    ),
    "offer": (
        (Application.Stage.SELECTED,),
        frozenset({"officer", "employer"}),
        "offer_at",
        Application.Stage.OFFER,
    ),
    "accept_offer": (
        (Application.Stage.OFFER,),
        frozenset({"worker", "pes"}),
        "accepted_at",
        Application.Stage.ACCEPTED,
    ),
}
REFUSABLE = (
    Application.Stage.SHORTLISTED,
    Application.Stage.INTERVIEW_PROPOSED,
    Application.Stage.INTERVIEW,
    Application.Stage.SELECTED,
    Application.Stage.OFFER,
)


def application_step(
    *, actor: UserLike | None, application: Application, step: str, expected_version: int | None = None
) -> Application:
    """Move an application one step on (dated and audited). ``refuse`` ends it: by the worker (or their
    PES officer on their behalf) at any open stage, or by the employer or scheme before the offer is accepted."""
    held = selectors.application_capacities(actor, application)
    _require(bool(held))
    with transaction.atomic():
        claim_version(application, expected_version)
        now = timezone.now()
        if step == "refuse":
            if application.stage not in REFUSABLE:
                raise ValidationError({"step": _("This application can no longer be refused.")})
            if not held & {"worker", "pes", "officer", "employer"}:
                raise PermissionDenied
            application.stage = Application.Stage.REFUSED
            application.refused_at = now
            application.refused_by_worker = bool(held & {"worker", "pes"}) and not held & {
                "officer",
                "employer",
            }
        elif step in STEPS:
            after, allowed, stamp, stage = STEPS[step]
            if not held & allowed:
                raise PermissionDenied(_("This step is not yours to take."))
            if application.stage not in after:
                raise ValidationError(
                    {"step": _("This step does not follow the application's current stage.")}
                )
            setattr(application, stamp, now)
            application.stage = stage
        else:
            raise ValidationError({"step": _("Unknown step.")})
        application.updated_at = now
        application.save()
        _audit(AuditAction.UPDATE, actor, application, step=step, stage=application.stage)
    return application


# --- contract, costs, documents, grievance, waivers ---------------------------------------------------


def _require_officer_or_recruiter(actor: UserLike | None, application: Application) -> None:
    _require(bool(selectors.application_capacities(actor, application) & {"officer", "recruiter"}))


def contract_add(
    *,
    actor: UserLike | None,
    application: Application,
    language: str,
    wage_amount: Decimal,
    wage_currency: str,
    wage_period: str,
    hours_per_week: Decimal,
    terms: str = "",
    given_to_worker_on: date | None = None,
) -> Contract:
    """A new contract revision. After a signed revision, the new one is a substitution and blocks
    deployment until the worker agrees to it."""
    _require_officer_or_recruiter(actor, application)
    if wage_period not in WagePeriod.values:
        raise ValidationError({"wage_period": _("Unknown wage period.")})
    if Decimal(str(wage_amount)) <= 0:
        raise ValidationError({"wage_amount": _("Out of range.")})
    with transaction.atomic():
        claim_version(application, None)
        previous = application.contracts.order_by("-revision").first()
        contract = Contract.objects.create(
            application=application,
            revision=(previous.revision + 1) if previous else 1,
            language=language_code(language, "language"),
            terms=terms,
            wage_amount=wage_amount,
            wage_currency=_currency(wage_currency, "wage_currency"),
            wage_period=wage_period,
            hours_per_week=hours_per_week,
            given_to_worker_on=given_to_worker_on,
            is_substitution=bool(
                previous is not None and application.contracts.filter(signed_on__isnull=False).exists()
            ),
        )
        _audit(
            AuditAction.CREATE,
            actor,
            contract,
            revision=contract.revision,
            substitution=contract.is_substitution,
        )
    return contract


def contract_record(
    *,
    actor: UserLike | None,
    contract: Contract,
    given_to_worker_on: date | None = None,
    signed_on: date | None = None,
    substitution_agreed_on: date | None = None,
) -> Contract:
    """Record that the worker received, signed, or (for a substitution) agreed to a contract revision."""
    held = selectors.application_capacities(actor, contract.application)
    _require(bool(held & {"officer", "recruiter", "pes"}))
    with transaction.atomic():
        claim_version(contract, None)
        if given_to_worker_on is not None:
            contract.given_to_worker_on = given_to_worker_on
        if signed_on is not None:
            contract.signed_on = signed_on
        if substitution_agreed_on is not None:
            if not contract.is_substitution:
                raise ValidationError({"substitution_agreed_on": _("This revision is not a substitution.")})
            contract.substitution_agreed_on = substitution_agreed_on
        contract.save()
        _audit(AuditAction.UPDATE, actor, contract, step="recorded")
    return contract


def cost_line_add(
    *,
    actor: UserLike | None,
    application: Application,
    category: str,
    amount: Decimal,
    currency: str,
    paid_by: str,
    paid_on: date | None = None,
    description: str = "",
) -> CostLine:
    _require_officer_or_recruiter(actor, application)
    if category not in CostLine.Category.values:
        raise ValidationError({"category": _("Unknown cost category.")})
    if paid_by not in CostLine.Payer.values:
        raise ValidationError({"paid_by": _("Unknown payer.")})
    if Decimal(str(amount)) <= 0:
        raise ValidationError({"amount": _("Out of range.")})
    with transaction.atomic():
        line = CostLine.objects.create(
            application=application,
            category=category,
            amount=amount,
            currency=_currency(currency, "currency"),
            paid_by=paid_by,
            paid_on=paid_on,
            description=description.strip(),
        )
        _audit(AuditAction.CREATE, actor, line, category=category, paid_by=paid_by)
    return line


def cost_line_refund(
    *,
    actor: UserLike | None,
    line: CostLine,
    refunded_amount: Decimal,
    refunded_on: date,
    expected_version: int | None,
) -> CostLine:
    _require_officer_or_recruiter(actor, line.application)
    refunded_amount = Decimal(str(refunded_amount))
    if not 0 <= refunded_amount <= line.amount:
        raise ValidationError({"refunded_amount": _("A refund lies between nothing and the amount paid.")})
    with transaction.atomic():
        claim_version(line, expected_version)
        line.refunded_amount, line.refunded_on = refunded_amount, refunded_on
        line.save()
        _audit(AuditAction.UPDATE, actor, line, step="refund")
    return line


def document_custody_record(
    *, actor: UserLike | None, application: Application, document: str, held_by: str, since: date
) -> IdentityDocumentCustody:
    _require(
        bool(selectors.application_capacities(actor, application) & {"officer", "recruiter", "pes", "worker"})
    )
    if document not in IdentityDocumentCustody.Document.values:
        raise ValidationError({"document": _("Unknown document.")})
    if held_by not in IdentityDocumentCustody.Holder.values:
        raise ValidationError({"held_by": _("Unknown holder.")})
    with transaction.atomic():
        record = IdentityDocumentCustody.objects.create(
            worker=application.worker, document=document, held_by=held_by, since=since
        )
        _audit(AuditAction.CREATE, actor, record, document=document, held_by=held_by)
    return record


def grievance_channel_give(
    *, actor: UserLike | None, application: Application, channel: str, given_on: date
) -> Application:
    _require_officer_or_recruiter(actor, application)
    with transaction.atomic():
        claim_version(application, None)
        application.grievance_channel = required_text(channel, "grievance_channel")[:300]
        application.grievance_channel_given_on = given_on
        application.save()
        _audit(AuditAction.UPDATE, actor, application, step="grievance_channel_given")
    return application


def complaint_log(
    *, actor: UserLike | None, application: Application, received_on: date, summary: str
) -> Complaint:
    _require(
        bool(selectors.application_capacities(actor, application) & {"officer", "recruiter", "pes", "worker"})
    )
    with transaction.atomic():
        complaint = Complaint.objects.create(
            application=application, received_on=received_on, summary=required_text(summary, "summary")
        )
        _audit(AuditAction.CREATE, actor, complaint)
    return complaint


def complaint_close(
    *,
    actor: UserLike | None,
    complaint: Complaint,
    outcome: str,
    outcome_on: date,
    expected_version: int | None,
) -> Complaint:
    _require(bool(selectors.application_capacities(actor, complaint.application) & {"officer"}))
    if outcome not in Complaint.Outcome.values or outcome == Complaint.Outcome.OPEN:
        raise ValidationError({"outcome": _("Give the outcome.")})
    with transaction.atomic():
        claim_version(complaint, expected_version)
        complaint.outcome, complaint.outcome_on = outcome, outcome_on
        complaint.save()
        _audit(AuditAction.UPDATE, actor, complaint, outcome=outcome)
    return complaint


def gate_waive(
    *, actor: UserLike | None, application: Application, check_code: str, reason: str
) -> GateWaiver:
    from migdev.labour.gate import WAIVABLE

    _require(bool(selectors.application_capacities(actor, application) & {"officer"}))
    if not access.reaches(
        actor, "labour.waive_gate_check", organisation_id=application.job_order.scheme.organisation_id
    ):
        raise PermissionDenied(_("Only a scheme officer may waive a safeguards check."))
    officer = _user(actor)
    if officer is None:
        raise Http404
    if check_code not in WAIVABLE:
        raise ValidationError({"check": _("This safeguard cannot be waived.")})
    with transaction.atomic():
        waiver = GateWaiver.objects.create(
            application=application,
            check_code=check_code,
            reason=required_text(reason, "reason"),
            waived_by=officer,
        )
        _audit(AuditAction.CREATE, actor, waiver, check=check_code)
    return waiver


class GateBlocked(Exception):
    def __init__(self, blocking: list[str]) -> None:
        super().__init__("deployment blocked by: " + ", ".join(blocking))
        self.blocking = blocking


def application_deploy(
    *, actor: UserLike | None, application: Application, on: date | None = None
) -> Application:
    """Record deployment; refused while any safeguards check blocks."""
    from migdev.labour.gate import safeguards_gate
    from migdev.labour.passage import record_departure

    _require(bool(selectors.application_capacities(actor, application) & {"officer"}))
    if application.stage != Application.Stage.ACCEPTED:
        raise ValidationError({"step": _("Only an accepted offer can be deployed.")})
    gate = safeguards_gate(application, on=on)
    if not gate.passes:
        _audit(AuditAction.UPDATE, actor, application, step="deploy_refused", blocking=gate.blocking)
        raise GateBlocked(gate.blocking)
    with transaction.atomic():
        claim_version(application, None)
        application.stage = Application.Stage.DEPLOYED
        application.deployed_at = timezone.now()
        application.save()
        record_departure(application, on or timezone.localdate())
        _audit(AuditAction.UPDATE, actor, application, step="deploy", stage=application.stage)
    return application


def employer_for_organisation(organisation: Organisation, country: str) -> Employer:
    try:
        employer, _created = Employer.objects.get_or_create(
            organisation=organisation, defaults={"country": _country(country, "country")}
        )
    except IntegrityError as error:  # pragma: no cover - a concurrent create of the same employer
        raise ValidationError({"organisation": str(error)}) from error
    return employer
