"""Every write to counter-trafficking records.

Callers pass records they obtained through the access functions in :mod:`migdev.trafficking.selectors`;
each service checks again that the actor reaches the case with the permission the write needs, runs in
one transaction and writes the audit row. Audit details carry references, field names and counts, never
case content.
"""

import csv
import hashlib
import io
import json
import re
import secrets
import tempfile
import uuid
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any, cast

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import validate_email
from django.db import IntegrityError, connection, models, transaction
from django.db.models import Count, F, Q, QuerySet, Value
from django.db.models.functions import Cast
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_variables

from migdev.accounts.access import has_permission, scoped_queryset
from migdev.accounts.models import Organisation, User, UserGroup
from migdev.audit.models import AuditAction
from migdev.audit.services import audit_log
from migdev.core.versioning import StaleEdit, claim_version
from migdev.dataio.registry import ImportResult
from migdev.dataio.services import import_file
from migdev.protection.crypto import blind_index, blind_index_key, blind_index_key_id, field_cipher
from migdev.protection.fields import EncryptedDateField, encrypted_fields
from migdev.trafficking import aggregates, ctdc, dpsynth, htcds, ledger, releases
from migdev.trafficking.countries import country_index
from migdev.trafficking.harmonise import analytic_values
from migdev.trafficking.models import (
    AnalyticCount,
    AnalyticRecord,
    AnalyticSource,
    Case,
    CaseAttachment,
    CaseComment,
    CaseRequest,
    CaseTask,
    Consent,
    DataTransfer,
    NotSamePerson,
    Perpetrator,
    PersonToken,
    PublicationLedgerEntry,
    Referral,
    Release,
    ServiceDelivery,
    SupportPlan,
    TraffickingEvent,
)
from migdev.trafficking.selectors import (
    CASE_ADD,
    CASE_APPROVE,
    CASE_CHANGE,
    CASE_MERGE,
    CASE_VIEW,
    CONSENT_OVERRIDE,
    RELEASE_ADD,
    RELEASE_APPROVE,
    active_users_holding,
    analytic_counts_visible_to,
    analytic_records_visible_to,
)

DEFAULT_RETENTION_YEARS = 10
REFERENCE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
MIN_JUSTIFICATION_LENGTH = 20
_PHONE = re.compile(r"^\+?[1-9]\d{1,14}$")
_LANGUAGE = re.compile(r"^[a-z]{2,3}$")

# Case fields a form or import may set, in HTCDS order.
PERSON_FIELDS = (
    "salutation",
    "first_name",
    "middle_name",
    "second_name",
    "birth_date",
    "gender",
    "deceased",
    "marital_status",
    "number_of_children",
    "primary_language",
    "secondary_language",
    "education_level",
    "citizenship",
    "identity_number",
    "title",
    "email",
    "home_phone",
    "mobile_phone",
    "mailing_street",
    "mailing_city",
    "mailing_state",
    "mailing_postal_code",
    "mailing_country",
    "mailing_latitude",
    "mailing_longitude",
)
VICTIM_FIELDS = (
    "trafficking_status",
    "status_decision_organisation",
    "relationship_to_trafficker",
    "age_when_trafficked",
    "recruitment_websites",
    "recruitment_methods",
    "recruitment_country",
    "recruitment_location",
    "control_methods",
    "exploitation_types",
    "labour_industries",
    "sex_exploitation_types",
    "exploitation_country",
    "exploitation_location",
    "exploitation_websites",
    "vulnerabilities",
    "vulnerability_details",
)
CASE_FIELDS = ("registered_on",)
EDITABLE_FIELDS: tuple[str, ...] = PERSON_FIELDS + VICTIM_FIELDS + CASE_FIELDS
IDENTITY_FIELDS = frozenset({"first_name", "middle_name", "second_name", "birth_date", "citizenship"})
# Fields the person-search tokens are made of (see migdev.trafficking.tokens).
SEARCH_FIELDS = IDENTITY_FIELDS | {"mobile_phone", "home_phone", "identity_number"}
# What a comparison of two cases reads (see migdev.trafficking.linkage.Person).
PERSON_KEY_FIELDS = (*sorted(SEARCH_FIELDS), "gender", "email", "merged_into", "anonymised_at")

LIST_CHOICES: dict[str, type[models.TextChoices]] = {
    "recruitment_websites": htcds.OnlinePlatform,
    "recruitment_methods": htcds.RecruitmentMethod,
    "control_methods": htcds.ControlMethod,
    "exploitation_types": htcds.ExploitationType,
    "labour_industries": htcds.LabourIndustry,
    "sex_exploitation_types": htcds.SexExploitationType,
    "exploitation_websites": htcds.OnlinePlatform,
    "vulnerabilities": htcds.Vulnerability,
}
COUNTRY_FIELDS = ("mailing_country", "recruitment_country", "exploitation_country")
PHONE_FIELDS = ("home_phone", "mobile_phone")


class ConsentRequired(Exception):
    """No active consent covers sharing with this partner, and no justified override was given."""


@dataclass
class CaseSaved:
    case: Case
    possible_duplicates: list[Case] = field(default_factory=list)


def retention_years() -> int:
    return int(getattr(settings, "TRAFFICKING_RETENTION_YEARS", DEFAULT_RETENTION_YEARS))


def retention_date(registered_on: date) -> date:
    try:
        return registered_on.replace(year=registered_on.year + retention_years())
    except ValueError:  # 29 February
        return registered_on.replace(year=registered_on.year + retention_years(), day=28)


def _reaches(actor: User, perm: str, case: Case) -> bool:
    return scoped_queryset(
        actor,
        perm,
        Case.objects.filter(pk=case.pk),
        owner_field="owner",
        group_field="group",
        organisation_field="organisation",
    ).exists()


def _require(actor: User, perm: str, case: Case) -> None:
    if not _reaches(actor, perm, case):
        raise PermissionDenied(_("You may not do this to this case."))


def _new_reference() -> str:
    def block() -> str:
        return "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(4))

    return f"CT-{block()}-{block()}"


# --- validation ----------------------------------------------------------------------------------------


@sensitive_variables()
def clean_case_values(values: Mapping[str, Any]) -> dict[str, Any]:
    """Check and normalise values for case fields; raises ``ValidationError`` naming each bad field."""
    unknown = set(values) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValidationError(
            _("These are not case fields: %(fields)s") % {"fields": ", ".join(sorted(unknown))}
        )
    errors: dict[str, list[str]] = {}
    cleaned: dict[str, Any] = {}
    index = None
    for name, raw in values.items():
        value = raw.strip() if isinstance(raw, str) else raw
        try:
            if name in LIST_CHOICES:
                items = list(value or [])
                allowed = set(LIST_CHOICES[name].values)
                wrong = [item for item in items if item not in allowed]
                if wrong:
                    raise ValidationError(
                        _("Not on the HTCDS list: %(values)s") % {"values": ", ".join(wrong)}
                    )
                value = list(dict.fromkeys(items))
            elif name == "citizenship":
                index = index or country_index()
                value = [str(code).strip().upper() for code in (value or []) if str(code).strip()]
                wrong = [code for code in value if len(code) != 2 or not index.is_country(code)]
                if wrong:
                    raise ValidationError(
                        _("Not ISO alpha-2 country codes: %(codes)s") % {"codes": ", ".join(wrong)}
                    )
                value = list(dict.fromkeys(value))
            elif name in COUNTRY_FIELDS:
                value = (value or "").upper()
                if value:
                    index = index or country_index()
                    if len(value) != 2 or not index.is_country(value):
                        raise ValidationError(_("Not an ISO alpha-2 country code."))
            elif name in PHONE_FIELDS:
                value = re.sub(r"[\s().-]", "", value or "")
                if value and not _PHONE.match(value):
                    raise ValidationError(_("Enter the number in E.164 form, for example +41221234567."))
            elif name == "email":
                value = value or ""
                if value:
                    validate_email(value)
            elif name in ("primary_language", "secondary_language"):
                value = (value or "").lower()
                if value and not _LANGUAGE.match(value):
                    raise ValidationError(_("Use an ISO 639 language code."))
            else:
                model_field = cast("models.Field[Any, Any]", Case._meta.get_field(name))
                if value is None and not model_field.null:
                    value = "" if isinstance(model_field, models.CharField | models.TextField) else value
                if value is not None and value != "":
                    value = model_field.to_python(value)
                    if model_field.choices and value not in {
                        choice for choice, _label in model_field.choices
                    }:
                        raise ValidationError(_("Not on the HTCDS list."))
                if name == "birth_date" and isinstance(value, date) and value > timezone.localdate():
                    raise ValidationError(_("The birth date is in the future."))
            cleaned[name] = value
        except ValidationError as error:
            errors[name] = list(error.messages)
    if errors:
        raise ValidationError(errors)
    return cleaned


@sensitive_variables()
def _case_blind_index(case: Case) -> str:
    return blind_index(
        names=[case.first_name or "", case.middle_name or "", case.second_name or ""],
        birth_date=case.birth_date,
        citizenship=case.citizenship or [],
    )


def _merged_lineage(case: Case) -> list[Case]:
    """The case and every case merged into it, directly or through another merged case."""
    lineage, frontier = [case], [case.pk]
    while frontier:
        merged = list(Case.objects.filter(merged_into_id__in=frontier, anonymised_at__isnull=True))
        lineage.extend(merged)
        frontier = [other.pk for other in merged]
    return lineage


@sensitive_variables()
def person_tokens_refresh(case: Case) -> int:
    """Rewrite the search tokens of ``case`` from its values and those of the cases merged into it
    (so the survivor is found by every spelling it was recorded under). A merged or anonymised case has
    none. Returns how many tokens it now has."""
    from migdev.trafficking.linkage import Person
    from migdev.trafficking.tokens import stored_tokens

    PersonToken.objects.filter(case_id=case.pk).delete()
    if case.merged_into_id is not None or case.anonymised_at is not None:
        return 0
    key = blind_index_key()
    pairs: set[tuple[int, int]] = set()
    for member in _merged_lineage(case):
        pairs |= stored_tokens(Person.of_case(member).keys, key)
    PersonToken.objects.bulk_create(
        PersonToken(case_id=case.pk, kind=kind, token=token) for kind, token in pairs
    )
    return len(pairs)


@sensitive_variables()
def person_tokens_rebuild(cases: "models.QuerySet[Case] | None" = None, *, batch_size: int = 2000) -> int:
    """Rebuild the search tokens of many cases (a backfill, or after ``MIGDEV_BLIND_INDEX_KEY`` changed):
    one delete and one bulk insert per batch. Returns how many cases were done."""
    from migdev.trafficking.linkage import Person
    from migdev.trafficking.tokens import stored_tokens

    queryset = (Case.objects.all() if cases is None else cases).filter(
        merged_into__isnull=True, anonymised_at__isnull=True
    )
    key = blind_index_key()
    ids = list(queryset.order_by("pk").values_list("pk", flat=True))
    with_merged = set(
        Case.objects.filter(merged_into_id__in=ids, anonymised_at__isnull=True).values_list(
            "merged_into_id", flat=True
        )
    )
    table = connection.ops.quote_name(PersonToken._meta.db_table)
    for start in range(0, len(ids), batch_size):
        chunk = ids[start : start + batch_size]
        rows: list[tuple[int, int, int]] = []
        for case in Case.objects.filter(pk__in=chunk).only(*PERSON_KEY_FIELDS):
            members = _merged_lineage(case) if case.pk in with_merged else [case]
            pairs: set[tuple[int, int]] = set()
            for member in members:
                pairs |= stored_tokens(Person.of_case(member).keys, key)
            rows.extend((case.pk, kind, token) for kind, token in pairs)
        with transaction.atomic():
            PersonToken.objects.filter(case_id__in=chunk).delete()
            # Plain executemany: a rebuild writes ~30 rows per case, too many for model instances.
            with connection.cursor() as cursor:
                cursor.executemany(
                    f"INSERT INTO {table} (case_id, kind, token) VALUES (%s, %s, %s)",  # noqa: S608 - fixed table name
                    rows,
                )
    return len(ids)


# --- analytic record -----------------------------------------------------------------------------------


def cases_source() -> AnalyticSource:
    source, _created = AnalyticSource.objects.get_or_create(
        data_format=AnalyticSource.Format.CASES, defaults={"name": "Cases", "edition": "live"}
    )
    return source


# What the summary (AnalyticCount) counts per record: every published one-way dimension and the bit mask
# of every published multi-valued group.
SUMMARY_FIELDS: tuple[str, ...] = (
    *releases.ONE_WAY_DIMENSIONS,
    *(ctdc.MASK_FIELDS[name] for name in releases.GROUP_DIMENSIONS),
)
_SUMMARY_SCOPE = ("source_id", "organisation_id", "group_id")


def _summary_tally(records: Iterable[Mapping[str, Any]], sign: int) -> Counter[tuple[Any, ...]]:
    tally: Counter[tuple[Any, ...]] = Counter()
    for record in records:
        scope = tuple(record[name] for name in _SUMMARY_SCOPE)
        for name in SUMMARY_FIELDS:
            tally[(*scope, name, json.dumps(record[name]))] += sign
    return tally


def analytic_counts_apply(tally: Mapping[tuple[Any, ...], int], *, fresh: bool = False) -> None:
    """Add ``tally`` ((source, organisation, group, dimension, value) -> records added, negative for
    records taken away) to the summary. Call it inside the transaction that writes the records.
    ``fresh``: the summary holds nothing for these sources yet (a new load), so every row is inserted."""
    missing = []
    for key, delta in tally.items():
        if not delta:
            continue
        source_id, organisation_id, group_id, dimension, value = key
        if not fresh:
            # One atomic increment per key: concurrent writers never lose each other's counts.
            matched = AnalyticCount.objects.filter(
                source_id=source_id,
                organisation_id=organisation_id,
                group_id=group_id,
                dimension=dimension,
                value=value,
            )
            if matched.update(count=F("count") + delta):
                if delta < 0:
                    matched.filter(count=0).delete()
                continue
        missing.append(
            AnalyticCount(
                source_id=source_id,
                organisation_id=organisation_id,
                group_id=group_id,
                dimension=dimension,
                value=value,
                count=delta,
            )
        )
    AnalyticCount.objects.bulk_create(missing, batch_size=1000)


def analytic_records_create(source: AnalyticSource, records: list[AnalyticRecord]) -> None:
    """Store new analytic records of ``source`` (a load) and count them in the summary."""
    with transaction.atomic():
        for record in records:
            record.source = source
        AnalyticRecord.objects.bulk_create(records, batch_size=2000)
        fresh = not AnalyticCount.objects.filter(source=source).exists()
        values = (
            {**{n: getattr(r, n) for n in _SUMMARY_SCOPE}, **{n: getattr(r, n) for n in SUMMARY_FIELDS}}
            for r in records
        )
        analytic_counts_apply(_summary_tally(values, 1), fresh=fresh)


def analytic_source_clear(source: AnalyticSource) -> int:
    """Delete every record of ``source`` (before a reload) with its summary rows."""
    with transaction.atomic():
        AnalyticCount.objects.filter(source=source).delete()
        deleted, _by_model = AnalyticRecord.objects.filter(source=source).delete()
    return deleted


def analytic_records_delete(records: QuerySet[AnalyticRecord]) -> int:
    """Delete analytic records and take them out of the summary."""
    with transaction.atomic():
        gone = list(records.order_by().values(*_SUMMARY_SCOPE, *SUMMARY_FIELDS))
        deleted, _by_model = records.delete()
        analytic_counts_apply(_summary_tally(gone, -1))
    return deleted


def analytic_counts_rebuild() -> int:
    """Recount the whole summary from the records (after a bulk change made outside the services, or
    to repair it): one GROUP BY per counted field. Returns the rows written."""
    with transaction.atomic():
        AnalyticCount.objects.all().delete()
        rows = []
        for name in SUMMARY_FIELDS:
            grouped = (
                AnalyticRecord.objects.order_by().values_list(*_SUMMARY_SCOPE, name).annotate(n=Count("*"))
            )
            for source_id, organisation_id, group_id, value, n in grouped:
                rows.append(
                    AnalyticCount(
                        source_id=source_id,
                        organisation_id=organisation_id,
                        group_id=group_id,
                        dimension=name,
                        value=json.dumps(value),
                        count=n,
                    )
                )
        AnalyticCount.objects.bulk_create(rows, batch_size=1000)
    return len(rows)


def analytic_record_refresh(*, case: Case) -> AnalyticRecord | None:
    """Recompute the harmonised record of a case (none for a case merged into another), and the summary."""
    with transaction.atomic():
        before = AnalyticRecord.objects.select_for_update().filter(case=case)
        tally = _summary_tally(before.values(*_SUMMARY_SCOPE, *SUMMARY_FIELDS), -1)
        if case.merged_into_id is not None:
            AnalyticRecord.objects.filter(case=case).delete()
            analytic_counts_apply(tally)
            return None
        values = analytic_values(case, case.perpetrators.all(), country_index().resolve)
        record, _created = AnalyticRecord.objects.update_or_create(
            case=case,
            defaults={
                **values,
                "source": cases_source(),
                "organisation": case.organisation,
                "group": case.group,
            },
        )
        after = {name: getattr(record, name) for name in (*_SUMMARY_SCOPE, *SUMMARY_FIELDS)}
        tally.update(_summary_tally([after], 1))
        analytic_counts_apply(tally)
    AnalyticSource.objects.filter(pk=record.source_id).update(
        record_count=AnalyticRecord.objects.filter(source_id=record.source_id).count()
    )
    return record


# --- cases ---------------------------------------------------------------------------------------------


@sensitive_variables()
def case_create(
    *,
    actor: User,
    values: Mapping[str, Any],
    group: UserGroup | None = None,
    request: HttpRequest | None = None,
) -> CaseSaved:
    """Open a case owned by ``actor``; reports visible cases that may be the same person."""
    if not has_permission(actor, CASE_ADD):
        raise PermissionDenied(_("You may not open cases."))
    if actor.organisation_id is None:
        raise ValidationError(_("Your account belongs to no organisation, so it cannot own cases."))
    if group is not None and not actor.user_groups.filter(pk=group.pk).exists():
        raise PermissionDenied(_("You are not a member of that team."))
    if group is None:
        groups = list(actor.user_groups.all()[:2])
        group = groups[0] if len(groups) == 1 else None
    cleaned = clean_case_values(values)
    case = case_insert(owner=actor, group=group, values=cleaned, created_by=actor, request=request)
    from migdev.trafficking.selectors import case_possible_duplicates

    return CaseSaved(case, list(case_possible_duplicates(actor, case)))


@sensitive_variables()
def case_insert(
    *,
    owner: User,
    group: UserGroup | None,
    values: Mapping[str, Any],
    created_by: User | None,
    status: str = htcds.CaseStatus.ACTIVE,
    closure_reason: str = "",
    request: HttpRequest | None = None,
    audit_detail: Mapping[str, Any] | None = None,
) -> Case:
    """Write a new case from values already checked by :func:`clean_case_values` (intake and imports)."""
    if owner.organisation_id is None:
        raise ValidationError(_("The case owner belongs to no organisation."))
    with transaction.atomic():
        case = Case(
            owner=owner,
            group=group,
            organisation_id=owner.organisation_id,
            created_by=created_by,
            status=status,
            closure_reason=closure_reason,
            **values,
        )
        case.retention_until = retention_date(case.registered_on)
        case.blind_index = _case_blind_index(case)
        case.blind_index_key_id = blind_index_key_id() if case.blind_index else ""
        for _attempt in range(5):
            case.reference = _new_reference()
            try:
                with transaction.atomic():
                    case.save(force_insert=True)
                break
            except IntegrityError:
                if Case.objects.filter(reference=case.reference).exists():
                    continue
                raise
        audit_log(
            action=AuditAction.CREATE,
            request=request,
            actor=created_by,
            record=case,
            detail={
                "reference": case.reference,
                "fields": sorted(k for k, v in values.items() if v not in ("", None, [])),
                **(audit_detail or {}),
            },
        )
        analytic_record_refresh(case=case)
        person_tokens_refresh(case)
    return case


@sensitive_variables()
def case_update(
    *,
    actor: User,
    case: Case,
    expected_version: int,
    values: Mapping[str, Any],
    request: HttpRequest | None = None,
) -> CaseSaved:
    """Save edits made on version ``expected_version``; raises :class:`~migdev.core.versioning.StaleEdit`
    if someone saved first.

    The version is claimed (one conditional UPDATE) before anything is written, in the same transaction,
    so two editors can never both win.
    """
    _require(actor, CASE_CHANGE, case)
    if case.anonymised_at is not None or case.merged_into_id is not None:
        raise ValidationError(_("This case is closed to edits (anonymised or merged)."))
    cleaned = clean_case_values(values)
    # Compare with what is stored, not with the caller's copy (a form may have changed it in memory).
    stored = Case.objects.get(pk=case.pk)
    changed = sorted(name for name, value in cleaned.items() if getattr(stored, name) != value)
    with transaction.atomic():
        for name, value in cleaned.items():
            setattr(case, name, value)
        updates: dict[str, Any] = {name: cleaned[name] for name in changed}
        if IDENTITY_FIELDS & set(changed):
            case.blind_index = _case_blind_index(case)
            case.blind_index_key_id = blind_index_key_id() if case.blind_index else ""
            updates["blind_index"] = case.blind_index
            updates["blind_index_key_id"] = case.blind_index_key_id
        if "registered_on" in changed:
            case.retention_until = retention_date(case.registered_on)
            updates["retention_until"] = case.retention_until
        now = timezone.now()
        claim_version(case, expected_version)
        Case.objects.filter(pk=case.pk).update(**updates, updated_at=now)
        case.updated_at = now
        if changed:
            audit_log(
                action=AuditAction.UPDATE,
                request=request,
                actor=actor,
                record=case,
                detail={"fields": changed, "version": case.version},
            )
        analytic_record_refresh(case=case)
        if SEARCH_FIELDS & set(changed):
            person_tokens_refresh(case)
    from migdev.trafficking.selectors import case_possible_duplicates

    duplicates = list(case_possible_duplicates(actor, case)) if IDENTITY_FIELDS & set(changed) else []
    return CaseSaved(case, duplicates)


def _add_case_record(
    *, actor: User, case: Case, model: type[models.Model], request: HttpRequest | None, **values: Any
) -> Any:
    _require(actor, CASE_CHANGE, case)
    if case.anonymised_at is not None:
        raise ValidationError(_("This case is anonymised."))
    with transaction.atomic():
        record = model._default_manager.create(case=case, created_by=actor, **values)
        audit_log(
            action=AuditAction.CREATE,
            request=request,
            actor=actor,
            record=record,
            detail={"case": case.reference},
        )
    return record


@sensitive_variables()
def case_comment_add(
    *, actor: User, case: Case, body: str, request: HttpRequest | None = None
) -> CaseComment:
    if not body.strip():
        raise ValidationError({"body": [_("Write a comment.")]})
    comment: CaseComment = _add_case_record(
        actor=actor, case=case, model=CaseComment, request=request, body=body.strip()
    )
    return comment


@sensitive_variables()
def perpetrator_add(
    *, actor: User, case: Case, values: Mapping[str, Any], request: HttpRequest | None = None
) -> Perpetrator:
    roles = list(values.get("roles") or [])
    wrong = [role for role in roles if role not in htcds.PerpetratorRole.values]
    if wrong:
        raise ValidationError(
            {"roles": [_("Not on the HTCDS list: %(values)s") % {"values": ", ".join(wrong)}]}
        )
    citizenship = str(values.get("citizenship") or "").upper()
    if citizenship and not country_index().is_country(citizenship):
        raise ValidationError({"citizenship": [_("Not an ISO alpha-2 country code.")]})
    perpetrator: Perpetrator = _add_case_record(
        actor=actor,
        case=case,
        model=Perpetrator,
        request=request,
        name=values.get("name") or "",
        gender=values.get("gender") or "",
        age=values.get("age"),
        citizenship=citizenship,
        relationship=values.get("relationship") or "",
        roles=roles,
        role_details=values.get("role_details") or "",
    )
    analytic_record_refresh(case=case)
    return perpetrator


def trafficking_event_add(
    *, actor: User, case: Case, values: Mapping[str, Any], request: HttpRequest | None = None
) -> TraffickingEvent:
    if values.get("event_type") not in htcds.EventType.values:
        raise ValidationError({"event_type": [_("Choose recruitment, transit or exploitation.")]})
    country = str(values.get("country") or "").upper()
    if country and not country_index().is_country(country):
        raise ValidationError({"country": [_("Not an ISO alpha-2 country code.")]})
    allowed = {
        "event_type",
        "date",
        "state",
        "city",
        "street",
        "postal_code",
        "latitude",
        "longitude",
        "description",
    }
    event: TraffickingEvent = _add_case_record(
        actor=actor,
        case=case,
        model=TraffickingEvent,
        request=request,
        country=country,
        **{k: v for k, v in values.items() if k in allowed and v is not None},
    )
    return event


def support_plan_add(
    *, actor: User, case: Case, values: Mapping[str, Any], request: HttpRequest | None = None
) -> SupportPlan:
    if values.get("plan_type") not in htcds.SupportPlanType.values:
        raise ValidationError({"plan_type": [_("Choose a type of support plan.")]})
    allowed = {"plan_type", "objectives", "action_plan", "planned_end_date", "actual_end_date"}
    plan: SupportPlan = _add_case_record(
        actor=actor,
        case=case,
        model=SupportPlan,
        request=request,
        **{k: v for k, v in values.items() if k in allowed and v is not None},
    )
    return plan


def service_record(
    *, actor: User, case: Case, values: Mapping[str, Any], request: HttpRequest | None = None
) -> ServiceDelivery:
    if values.get("service_type") not in htcds.SupportPlanType.values:
        raise ValidationError({"service_type": [_("Choose a type of service.")]})
    plan = values.get("plan")
    if plan is not None and plan.case_id != case.pk:
        raise ValidationError({"plan": [_("That plan belongs to another case.")]})
    allowed = {"service_type", "delivered_on", "provider", "notes", "plan"}
    service: ServiceDelivery = _add_case_record(
        actor=actor,
        case=case,
        model=ServiceDelivery,
        request=request,
        **{k: v for k, v in values.items() if k in allowed and v is not None},
    )
    return service


# --- consent and referrals -----------------------------------------------------------------------------


@sensitive_variables()
def consent_record(
    *,
    actor: User,
    case: Case,
    purpose: str,
    given_by: str = Consent.GivenBy.PERSON,
    given_by_name: str = "",
    partners: Iterable[Organisation] = (),
    given_at: Any = None,
    method: str = Consent.Method.NOT_RECORDED,
    expires_on: date | None = None,
    request: HttpRequest | None = None,
) -> Consent:
    if purpose not in Consent.Purpose.values:
        raise ValidationError({"purpose": [_("Choose what the consent is for.")]})
    if given_by not in Consent.GivenBy.values:
        raise ValidationError({"given_by": [_("Choose who gave the consent.")]})
    if method not in Consent.Method.values:
        raise ValidationError({"method": [_("Choose how the consent was given.")]})
    given_at = given_at or timezone.now()
    given_on = timezone.localdate(given_at) if isinstance(given_at, datetime) else given_at
    if expires_on is not None and expires_on < given_on:
        raise ValidationError({"expires_on": [_("A consent cannot end before it was given.")]})
    partner_list = list(partners)
    if purpose == Consent.Purpose.SHARING and not partner_list:
        raise ValidationError({"partners": [_("Name the partners the person agreed to share with.")]})
    if given_by != Consent.GivenBy.PERSON and not given_by_name.strip():
        raise ValidationError({"given_by_name": [_("Give the name of the guardian or representative.")]})
    with transaction.atomic():
        consent: Consent = _add_case_record(
            actor=actor,
            case=case,
            model=Consent,
            request=request,
            purpose=purpose,
            given_by=given_by,
            given_by_name=given_by_name.strip(),
            given_at=given_at,
            method=method,
            expires_on=expires_on,
        )
        consent.partners.set(partner_list)
    return consent


def consent_withdraw(*, actor: User, consent: Consent, request: HttpRequest | None = None) -> Consent:
    _require(actor, CASE_CHANGE, consent.case)
    if consent.withdrawn_at is not None:
        return consent
    with transaction.atomic():
        consent.withdrawn_at = timezone.now()
        consent.withdrawal_recorded_by = actor
        consent.save(update_fields=["withdrawn_at", "withdrawal_recorded_by"])
        audit_log(
            action=AuditAction.UPDATE,
            request=request,
            actor=actor,
            record=consent,
            detail={"case": consent.case.reference, "withdrawn": True, "purpose": consent.purpose},
        )
    return consent


def sharing_consent_for(case: Case, organisation: Organisation) -> Consent | None:
    """The active consent to share this case with ``organisation``, if there is one: not withdrawn and
    not expired (a consent valid until a day still counts on that day)."""
    return _sharing_consents(case).filter(partners=organisation).order_by("-given_at").first()


def _sharing_consents(case: Case) -> QuerySet[Consent]:
    return Consent.objects.filter(
        Q(expires_on__isnull=True) | Q(expires_on__gte=timezone.localdate()),
        case=case,
        purpose=Consent.Purpose.SHARING,
        withdrawn_at__isnull=True,
    )


def referral_recipients(actor: User, case: Case) -> QuerySet[Organisation]:
    """The organisations a referral form offers: those the person consented to share with, and every
    organisation only for someone who may refer without consent (a supervisor, who must justify it)."""
    if _reaches(actor, CONSENT_OVERRIDE, case):
        return Organisation.objects.order_by("name")
    return Organisation.objects.filter(
        pk__in=_sharing_consents(case).values_list("partners", flat=True)
    ).order_by("name")


def transfer_candidates(case: Case) -> QuerySet[User]:
    """Who may receive this case: active case holders of the case's own organisation, or of an
    organisation the person has an active (unexpired) consent to share with. Nobody else is offered,
    and :func:`case_transfer_request` refuses anybody else."""
    allowed_organisations = {case.organisation_id} | set(
        _sharing_consents(case).values_list("partners", flat=True)
    )
    return active_users_holding(CASE_VIEW, allowed_organisations)


@sensitive_variables()
def referral_record_incoming(
    *, actor: User, case: Case, values: Mapping[str, Any], request: HttpRequest | None = None
) -> Referral:
    if values.get("reason") not in htcds.ReferralReason.values:
        raise ValidationError({"reason": [_("Choose a reason.")]})
    if not values.get("organisation") and not str(values.get("organisation_name") or "").strip():
        raise ValidationError({"organisation": [_("Name the referring organisation.")]})
    allowed = {"organisation", "organisation_name", "case_worker_name", "referral_date", "reason", "details"}
    referral: Referral = _add_case_record(
        actor=actor,
        case=case,
        model=Referral,
        request=request,
        direction=Referral.Direction.INCOMING,
        **{k: v for k, v in values.items() if k in allowed and v is not None},
    )
    return referral


@sensitive_variables()
def referral_make_outgoing(
    *,
    actor: User,
    case: Case,
    organisation: Organisation,
    reason: str,
    purpose: str,
    safeguards: str,
    fields_shared: Iterable[str] = (),
    details: str = "",
    case_worker_name: str = "",
    referral_date: date | None = None,
    override_justification: str = "",
    request: HttpRequest | None = None,
) -> Referral:
    """Refer a case to a partner. Needs the person's active consent to share with that partner, or a
    supervisor's override with a written justification. Logs the transfer: recipient, purpose, safeguards."""
    _require(actor, CASE_CHANGE, case)
    if reason not in htcds.ReferralReason.values:
        raise ValidationError({"reason": [_("Choose a reason.")]})
    if not purpose.strip():
        raise ValidationError({"purpose": [_("Say what the partner will use the data for.")]})
    if not safeguards.strip():
        raise ValidationError(
            {"safeguards": [_("Say how the data is protected in transit and at the partner.")]}
        )
    shared = list(fields_shared)
    unknown = [name for name in shared if name not in EDITABLE_FIELDS]
    if unknown:
        raise ValidationError(
            {"fields_shared": [_("Not case fields: %(fields)s") % {"fields": ", ".join(unknown)}]}
        )
    consent = sharing_consent_for(case, organisation)
    override = False
    if consent is None:
        if not override_justification.strip():
            raise ConsentRequired(
                _("The person has not consented to sharing with %(partner)s.") % {"partner": organisation}
            )
        if not _reaches(actor, CONSENT_OVERRIDE, case):
            raise PermissionDenied(_("Only a supervisor may refer a case without consent."))
        if len(override_justification.strip()) < MIN_JUSTIFICATION_LENGTH:
            raise ValidationError(
                {
                    "override_justification": [
                        _("Explain in at least %(n)d characters why consent cannot be obtained.")
                        % {"n": MIN_JUSTIFICATION_LENGTH}
                    ]
                }
            )
        override = True
    with transaction.atomic():
        referral = Referral.objects.create(
            case=case,
            created_by=actor,
            direction=Referral.Direction.OUTGOING,
            organisation=organisation,
            case_worker_name=case_worker_name,
            referral_date=referral_date or timezone.localdate(),
            reason=reason,
            details=details,
            consent=consent,
            override_by=actor if override else None,
            override_justification=override_justification.strip() if override else "",
        )
        transfer = DataTransfer.objects.create(
            case=case,
            created_by=actor,
            referral=referral,
            recipient=str(organisation)[:200],
            purpose=purpose.strip()[:300],
            safeguards=safeguards.strip()[:500],
            fields_shared=shared,
        )
        audit_log(
            action=AuditAction.EXPORT,
            request=request,
            actor=actor,
            record=referral,
            # References and field names only: purpose and safeguards are free text about the person.
            detail={
                "case": case.reference,
                "transfer": transfer.pk,
                "recipient_organisation": organisation.pk,
                "fields_shared": shared,
                "consent": consent.pk if consent else None,
                "consent_overridden": override,
            },
        )
    return referral


# --- approvals: closure and transfer -------------------------------------------------------------------


def case_closure_request(
    *, actor: User, case: Case, closure_status: str, reason: str, request: HttpRequest | None = None
) -> CaseRequest:
    if closure_status not in (htcds.CaseStatus.CLOSED, htcds.CaseStatus.CLOSED_REFERRED):
        raise ValidationError({"closure_status": [_("Choose how the case is closed.")]})
    if not reason.strip():
        raise ValidationError({"reason": [_("Give the reason for closing the case.")]})
    return _open_request(
        actor=actor,
        case=case,
        request=request,
        kind=CaseRequest.Kind.CLOSURE,
        closure_status=closure_status,
        reason=reason.strip(),
    )


def case_transfer_request(
    *,
    actor: User,
    case: Case,
    new_owner: User,
    reason: str,
    new_group: UserGroup | None = None,
    safeguards: str = "",
    request: HttpRequest | None = None,
) -> CaseRequest:
    if new_owner.pk == case.owner_id:
        raise ValidationError({"new_owner": [_("The case already belongs to this person.")]})
    if not new_owner.is_active or not has_permission(new_owner, CASE_VIEW):
        raise ValidationError({"new_owner": [_("This person cannot hold cases.")]})
    if not transfer_candidates(case).filter(pk=new_owner.pk).exists():
        raise ValidationError(
            {
                "new_owner": [
                    _("The person has not consented to sharing with this case worker's organisation.")
                ]
            }
        )
    if new_group is not None and not new_owner.user_groups.filter(pk=new_group.pk).exists():
        raise ValidationError({"new_group": [_("The new case worker is not in that team.")]})
    if new_owner.organisation_id != case.organisation_id and not safeguards.strip():
        raise ValidationError({"safeguards": [_("A transfer to another organisation needs its safeguards.")]})
    if not reason.strip():
        raise ValidationError({"reason": [_("Give the reason for the transfer.")]})
    return _open_request(
        actor=actor,
        case=case,
        request=request,
        kind=CaseRequest.Kind.TRANSFER,
        new_owner=new_owner,
        new_group=new_group,
        reason=reason.strip(),
        safeguards=safeguards.strip(),
    )


def _open_request(*, actor: User, case: Case, request: HttpRequest | None, **values: Any) -> CaseRequest:
    _require(actor, CASE_CHANGE, case)
    if case.anonymised_at is not None or case.merged_into_id is not None:
        raise ValidationError(_("This case is closed to changes."))
    if CaseRequest.objects.filter(case=case, state=CaseRequest.State.PENDING).exists():
        raise ValidationError(_("A request for this case is already waiting for a decision."))
    with transaction.atomic():
        item = CaseRequest.objects.create(case=case, created_by=actor, **values)
        audit_log(
            action=AuditAction.CREATE,
            request=request,
            actor=actor,
            record=item,
            detail={"case": case.reference, "kind": item.kind},
        )
    return item


def case_request_decide(
    *, actor: User, item: CaseRequest, approve: bool, note: str = "", request: HttpRequest | None = None
) -> CaseRequest:
    """A supervisor approves or rejects a closure or transfer. Nobody approves their own request."""
    case = item.case
    _require(actor, CASE_APPROVE, case)
    if item.state != CaseRequest.State.PENDING:
        raise ValidationError(_("This request has already been decided."))
    if item.created_by_id == actor.pk:
        raise PermissionDenied(_("Another supervisor must decide on your own request."))
    with transaction.atomic():
        item.state = CaseRequest.State.APPROVED if approve else CaseRequest.State.REJECTED
        item.decided_by = actor
        item.decided_at = timezone.now()
        item.decision_note = note.strip()
        item.save(update_fields=["state", "decided_by", "decided_at", "decision_note"])
        detail: dict[str, Any] = {"case": case.reference, "kind": item.kind, "approved": approve}
        if approve and item.kind == CaseRequest.Kind.CLOSURE:
            Case.objects.filter(pk=case.pk).update(
                status=item.closure_status,
                closure_reason=item.reason,
                version=F("version") + 1,
                updated_at=timezone.now(),
            )
        elif approve and item.kind == CaseRequest.Kind.TRANSFER:
            assert item.new_owner is not None
            new_owner = item.new_owner
            if new_owner.organisation_id != case.organisation_id:
                DataTransfer.objects.create(
                    case=case,
                    created_by=actor,
                    recipient=str(new_owner.organisation)[:200],
                    purpose=_("Transfer of the case")[:300],
                    safeguards=item.safeguards[:500],
                    fields_shared=list(EDITABLE_FIELDS),
                )
                detail.update(recipient_organisation=new_owner.organisation_id)
            Case.objects.filter(pk=case.pk).update(
                owner=new_owner,
                group=item.new_group,
                organisation_id=new_owner.organisation_id,
                version=F("version") + 1,
                updated_at=timezone.now(),
            )
            detail.update(from_owner=case.owner_id, to_owner=new_owner.pk)
        audit_log(
            action=AuditAction.EXPORT if "recipient_organisation" in detail else AuditAction.UPDATE,
            request=request,
            actor=actor,
            record=item,
            detail=detail,
        )
        case.refresh_from_db()
        analytic_record_refresh(case=case)
    return item


# --- duplicates ----------------------------------------------------------------------------------------

_MOVABLE = (
    Perpetrator,
    TraffickingEvent,
    SupportPlan,
    ServiceDelivery,
    CaseComment,
    Consent,
    Referral,
    DataTransfer,
    CaseTask,
    CaseAttachment,
)


MERGE_CHOICES = ("keep", "duplicate", "both")


@sensitive_variables()
def case_merge(
    *,
    actor: User,
    keep: Case,
    duplicate: Case,
    choices: Mapping[str, str] | None = None,
    expected_versions: tuple[int, int] | None = None,
    request: HttpRequest | None = None,
) -> Case:
    """Fold ``duplicate`` into ``keep``: its records move over and it stays behind closed and pointing at
    ``keep``. Both cases get an audit row (field names only).

    ``choices`` says, per field, which value survives: ``"keep"``, ``"duplicate"`` or, for a list such as
    citizenship, ``"both"``. A field without a choice keeps ``keep``'s value, or takes the duplicate's
    when ``keep`` has none. ``expected_versions`` (of keep and duplicate, as the reviewer saw them)
    refuses the merge with :class:`~migdev.core.versioning.StaleEdit` if either case was edited meanwhile.
    """
    if keep.pk == duplicate.pk:
        raise ValidationError(_("A case cannot be merged with itself."))
    _require(actor, CASE_MERGE, keep)
    _require(actor, CASE_MERGE, duplicate)
    for case in (keep, duplicate):
        if case.merged_into_id is not None or case.anonymised_at is not None:
            raise ValidationError(
                _("Case %(ref)s is already merged or anonymised.") % {"ref": case.reference}
            )
    if CaseRequest.objects.filter(case=duplicate, state=CaseRequest.State.PENDING).exists():
        raise ValidationError(_("Decide the pending request of the duplicate first."))
    choices = dict(choices or {})
    wrong = sorted(
        name
        for name, choice in choices.items()
        if name not in EDITABLE_FIELDS
        or choice not in MERGE_CHOICES
        or (choice == "both" and not isinstance(getattr(keep, name), list))
    )
    if wrong:
        raise ValidationError(
            _("These fields cannot be merged that way: %(fields)s") % {"fields": ", ".join(wrong)}
        )
    with transaction.atomic():
        if expected_versions is not None:
            for case, expected in zip((keep, duplicate), expected_versions, strict=True):
                current = (
                    Case.objects.select_for_update().filter(pk=case.pk).values_list("version", flat=True)
                )
                version = current.first() or 0
                if version != expected:
                    raise StaleEdit(case, version, expected)
        filled = []
        taken = []
        for name in EDITABLE_FIELDS:
            mine, theirs = getattr(keep, name), getattr(duplicate, name)
            choice = choices.get(name)
            if choice == "duplicate" and theirs != mine:
                setattr(keep, name, theirs)
                taken.append(name)
            elif choice == "both" and theirs != mine:
                setattr(keep, name, list(dict.fromkeys([*mine, *theirs])))
                taken.append(name)
            elif choice is None and mine in ("", None, []) and theirs not in ("", None, []):
                setattr(keep, name, theirs)
                filled.append(name)
        moved = {}
        for model in _MOVABLE:
            moved[model._meta.model_name] = model.objects.filter(case=duplicate).update(case=keep)
        CaseRequest.objects.filter(case=duplicate).update(case=keep)
        keep.blind_index = _case_blind_index(keep)
        keep.blind_index_key_id = blind_index_key_id() if keep.blind_index else ""
        keep.version += 1
        keep.updated_at = timezone.now()
        keep.save(
            update_fields=[*filled, *taken, "blind_index", "blind_index_key_id", "version", "updated_at"]
        )
        Case.objects.filter(pk=duplicate.pk).update(
            merged_into=keep,
            status=htcds.CaseStatus.CLOSED,
            version=F("version") + 1,
            updated_at=timezone.now(),
        )
        duplicate.refresh_from_db()
        analytic_record_refresh(case=duplicate)
        analytic_record_refresh(case=keep)
        person_tokens_refresh(duplicate)
        person_tokens_refresh(keep)
        audit_log(
            action=AuditAction.UPDATE,
            request=request,
            actor=actor,
            record=keep,
            detail={
                "merged_from": duplicate.reference,
                "fields_filled": filled,
                "fields_taken": taken,
                "moved": moved,
            },
        )
        audit_log(
            action=AuditAction.UPDATE,
            request=request,
            actor=actor,
            record=duplicate,
            detail={"merged_into": keep.reference},
        )
    return keep


def cases_not_same_person(
    *, actor: User, first: Case, second: Case, request: HttpRequest | None = None
) -> NotSamePerson:
    """Record that two cases are different people, so the pair is never proposed again. Audited."""
    if first.pk == second.pk:
        raise ValidationError(_("A case cannot be compared with itself."))
    _require(actor, CASE_MERGE, first)
    _require(actor, CASE_MERGE, second)
    low, high = sorted((first, second), key=lambda case: case.pk)
    with transaction.atomic():
        decision, created = NotSamePerson.objects.get_or_create(
            first=low, second=high, defaults={"decided_by": actor}
        )
        if created:
            for case, other in ((low, high), (high, low)):
                audit_log(
                    action=AuditAction.UPDATE,
                    request=request,
                    actor=actor,
                    record=case,
                    detail={"not_same_person_as": other.reference},
                )
    return decision


# --- retention -----------------------------------------------------------------------------------------

_SCRUBBED_RECORDS = (
    DataTransfer,
    Perpetrator,
    TraffickingEvent,
    SupportPlan,
    ServiceDelivery,
    Consent,
    Referral,
    CaseRequest,
    CaseTask,
)


def case_anonymise(
    *, case: Case, reason: str, actor: User | None = None, request: HttpRequest | None = None
) -> Case:
    """Erase every identifying value of a case and its records; keep its statistical record.

    The analytic record is refreshed first and then cut loose from the case, so statistics and releases
    still count the person after the case is anonymised.
    """
    if case.anonymised_at is not None:
        return case
    with transaction.atomic():
        record = analytic_record_refresh(case=case)
        if record is not None:
            AnalyticRecord.objects.filter(pk=record.pk).update(case=None)
        blank = {f.name: (None if isinstance(f, EncryptedDateField) else "") for f in encrypted_fields(Case)}
        Case.objects.filter(pk=case.pk).update(
            **blank,
            blind_index="",
            blind_index_key_id="",
            anonymised_at=timezone.now(),
            version=F("version") + 1,
            updated_at=timezone.now(),
        )
        for model in _SCRUBBED_RECORDS:
            fields = {
                f.name: (None if isinstance(f, EncryptedDateField) else "") for f in encrypted_fields(model)
            }
            model.objects.filter(case=case).update(**fields)
        CaseComment.objects.filter(case=case).delete()
        PersonToken.objects.filter(case=case).delete()
        if case.merged_into_id is not None:
            # The survivor was findable under this case's spellings; not any more.
            person_tokens_refresh(Case.objects.get(pk=case.merged_into_id))
        attachments_removed = _attachments_delete(CaseAttachment.objects.filter(case=case))
        audit_log(
            action=AuditAction.DELETE,
            request=request,
            actor=actor,
            record=case,
            detail={
                "anonymised": True,
                "reason": reason,
                "attachments_deleted": attachments_removed,
                "statistical_record": record.pk if record else None,
            },
        )
        case.refresh_from_db()
    return case


def cases_anonymise_expired(*, today: date | None = None, progress: Any = None) -> int:
    """Anonymise every case whose retention date has passed. Returns how many were anonymised."""
    today = today or timezone.localdate()
    due = list(
        Case.objects.filter(retention_until__lt=today, anonymised_at__isnull=True).values_list(
            "pk", flat=True
        )
    )
    for done, pk in enumerate(due, start=1):
        case = Case.objects.get(pk=pk)
        case_anonymise(case=case, reason="retention period ended")
        if progress is not None:
            progress(done, len(due))
    return len(due)


# --- keys ----------------------------------------------------------------------------------------------


@dataclass
class RotationResult:
    rotated: dict[str, int]
    already_current: dict[str, int]

    @property
    def total_rotated(self) -> int:
        return sum(self.rotated.values())


def _encrypted_models() -> list[type[models.Model]]:
    # Every installed app's, not only this module's: the keys are the platform's (migdev.protection), and a
    # value left under an old key becomes unreadable the day that key is removed.
    from django.apps import apps

    return [model for model in apps.get_models() if encrypted_fields(model)]


@sensitive_variables()
def field_keys_rotate(*, batch_size: int = 500, dry_run: bool = False) -> RotationResult:
    """Re-encrypt, under the first key of ``MIGDEV_FIELD_KEYS``, every value written with an older key.

    Safe to run again and to interrupt: each row is rewritten in its own short transaction, and rows
    already under the current key are left alone. Run it after putting a new key first in the list;
    remove the old key once ``dry_run=True`` reports nothing left to rotate.
    """
    cipher = field_cipher()
    rotated: dict[str, int] = {}
    current: dict[str, int] = {}
    for model in _encrypted_models():
        label = model._meta.label_lower
        rotated[label] = 0
        current[label] = 0
        names = [f.name for f in encrypted_fields(model)]
        raw = {f"raw_{name}": Cast(name, output_field=models.TextField()) for name in names}
        last_pk = 0
        while True:
            rows = list(
                model._default_manager.filter(pk__gt=last_pk)
                .order_by("pk")
                .annotate(**raw)
                .values("pk", *raw.keys())[:batch_size]
            )
            if not rows:
                break
            for row in rows:
                last_pk = row["pk"]
                updates = {}
                for name in names:
                    stored = row[f"raw_{name}"]
                    if not stored:
                        continue
                    if cipher.is_current(stored):
                        current[label] += 1
                    else:
                        updates[name] = Value(cipher.rotate(stored), output_field=models.TextField())
                if updates:
                    rotated[label] += len(updates)
                    if not dry_run:
                        model._default_manager.filter(pk=row["pk"]).update(**updates)
    return RotationResult(rotated, current)


@sensitive_variables()
def blind_indexes_rebuild() -> int:
    """Recompute every case's blind index (after ``MIGDEV_BLIND_INDEX_KEY`` changed)."""
    key_id = blind_index_key_id()
    count = 0
    for case in Case.objects.exclude(blind_index_key_id=key_id).filter(anonymised_at__isnull=True).iterator():
        index = _case_blind_index(case)
        Case.objects.filter(pk=case.pk).update(blind_index=index, blind_index_key_id=key_id if index else "")
        count += 1
    if count:
        # The search tokens are keyed with the same secret: rebuild them all.
        person_tokens_rebuild(Case.objects.filter(merged_into__isnull=True, anonymised_at__isnull=True))
    return count


def retention_extend(
    *, actor: User, case: Case, until: date, reason: str, request: HttpRequest | None = None
) -> Case:
    """Keep a case's identifying data longer (for example during proceedings), with a reason on record."""
    _require(actor, CASE_APPROVE, case)
    if until <= case.retention_until:
        raise ValidationError({"until": [_("Choose a later date than the current one.")]})
    if until > case.retention_until + timedelta(days=366 * retention_years()):
        raise ValidationError({"until": [_("That is too far ahead.")]})
    if not reason.strip():
        raise ValidationError({"reason": [_("Give the reason.")]})
    with transaction.atomic():
        before = case.retention_until
        Case.objects.filter(pk=case.pk).update(retention_until=until, version=F("version") + 1)
        case.refresh_from_db()
        audit_log(
            action=AuditAction.UPDATE,
            request=request,
            actor=actor,
            record=case,
            detail={"retention_until": {"before": before.isoformat(), "after": until.isoformat()}},
        )
    return case


# --- releases ------------------------------------------------------------------------------------------


def release_build(
    *,
    actor: User,
    kind: str,
    title: str,
    parameters: Mapping[str, Any] | None = None,
    request: HttpRequest | None = None,
) -> Release:
    """Build a candidate release from the analytic records ``actor`` may use, as a draft for review.

    ``parameters``: ``sources`` (analytic source ids, default all), ``format``; for k-anonymised microdata
    ``k`` (default 11), ``quasi_identifiers``, ``search``, ``max_suppression``; for synthetic data
    ``epsilon`` and ``reporting_length``; for aggregates ``threshold``.
    """
    if not has_permission(actor, RELEASE_ADD):
        raise PermissionDenied(_("You may not build releases."))
    options = dict(parameters or {})
    visible = analytic_records_visible_to(actor).select_related(None)
    summary = analytic_counts_visible_to(actor)
    try:
        records, sources = releases.choose_sources(visible, options.get("sources") or None, summary)
    except releases.SourceChoiceNeeded as error:
        raise ValidationError(_("Choose the sources: %(problem)s.") % {"problem": error}) from None
    if not records.exists():
        raise ValidationError(_("There are no records to release."))
    non_public_ids = [source.pk for source in sources if not source.is_public]
    audit_basis: dict[str, Any] = {}
    if kind == Release.Kind.AGGREGATES:
        threshold = int(options.get("threshold", aggregates.DEFAULT_THRESHOLD))
        if non_public_ids and threshold < aggregates.MINIMUM_THRESHOLD:
            raise ValidationError(
                _("Tables of non-public records need a threshold of at least %(minimum)s.")
                % {"minimum": aggregates.MINIMUM_THRESHOLD}
            )
        public_ids = [source.pk for source in sources if source.is_public]
        try:
            chosen = summary.filter(source_id__in=[source.pk for source in sources])
            built = releases.build_aggregates(
                chosen,
                threshold=threshold,
                public_records=chosen.filter(source_id__in=public_ids) if non_public_ids else chosen,
                known=ledger_known(non_public_ids),
            )
            if non_public_ids:
                audit_basis = _audit_aggregates(
                    built, records.filter(source_id__in=non_public_ids), non_public_ids
                )
        except aggregates.Unprotectable as error:
            raise ValidationError(
                _("These tables cannot be published safely: %(problem)s.") % {"problem": error}
            ) from None
    else:
        data_format = releases.release_format(records, str(options.get("format") or ""))
        rows = releases.record_dicts(records)
        countries = country_index()
        if kind == Release.Kind.K_ANONYMISED:
            built = releases.build_k_anonymised(
                rows,
                data_format=data_format,
                countries=countries,
                k=int(options.get("k", 11)),
                quasi_identifiers=options.get("quasi_identifiers") or None,
                search=bool(options.get("search", False)),
                max_suppression=float(options.get("max_suppression", 1.0)),
            )
            if non_public_ids:
                audit_basis = _microdata_basis(built, data_format, set(non_public_ids))
        elif kind == Release.Kind.SYNTHETIC:
            try:
                built = releases.build_synthetic(
                    rows,
                    data_format=data_format,
                    countries=countries,
                    epsilon=float(options.get("epsilon", 4.0)),
                    reporting_length=int(options.get("reporting_length", 3)),
                )
            except dpsynth.SynthesisFailed as error:
                raise ValidationError(
                    _(
                        "The synthetic data could not be built (%(problem)s). With few records, a larger "
                        "epsilon or more records is needed."
                    )
                    % {"problem": error}
                ) from None
        else:
            raise ValidationError(_("Unknown kind of release."))
    recorded = {
        **built.parameters,
        "sources": [source.pk for source in sources],
        "source_details": [source.summary() for source in sources],
        # Several sources only ever by an explicit choice, and the release says so.
        "source_choice": "explicit" if options.get("sources") else "only source loaded",
        "combined": len(sources) > 1,
        "non_public_sources": non_public_ids,
    }
    with transaction.atomic():
        release = Release.objects.create(
            title=title.strip() or str(Release.Kind(kind).label),
            kind=kind,
            data_format=built.data_format,
            parameters=recorded,
            report=built.report,
            epsilon=built.epsilon,
            record_count=built.record_count,
            content=built.content,
            created_by=actor,
            audit_basis=audit_basis,
        )
        audit_log(
            action=AuditAction.CREATE,
            request=request,
            actor=actor,
            record=release,
            detail={"kind": kind, "parameters": release.parameters, "records": built.record_count},
        )
    return release


def ledger_bases(
    non_public_sources: Iterable[int], *, exclude: int | None = None
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The audit bases of every publication (approved, or approved then withdrawn: what was public once
    stays known) that drew on any of these non-public sources, oldest first, and what each one was."""
    wanted = set(non_public_sources)
    bases: list[dict[str, Any]] = []
    considered: list[dict[str, Any]] = []
    seen: set[int] = set()
    entries = PublicationLedgerEntry.objects.select_related("release").order_by("published_at", "pk")
    for entry in entries:
        release = entry.release
        if release.pk in seen or release.pk == exclude or not wanted & set(entry.non_public_sources):
            continue
        seen.add(release.pk)
        described = {
            "release": release.pk,
            "title": release.title,
            "kind": release.kind,
            "published": entry.published_at.date().isoformat(),
            "audited": bool(release.audit_basis),
        }
        if release.audit_basis:
            bases.append(release.audit_basis)
            considered.append(described)
        elif release.kind != Release.Kind.AGGREGATES:
            described["audited"] = False
            considered.append(described)  # from before the audit: listed, not modelled
    considered = [c for c in considered if c["audited"]] + [c for c in considered if not c["audited"]]
    return bases, considered


def _non_public_keys(records: QuerySet[AnalyticRecord]) -> dict[int, list[str]]:
    return {
        row[0]: [ledger.key_of(value) for value in row[1:]]
        for row in records.order_by("pk").values_list("pk", *ledger.AUDIT_DIMENSIONS)
    }


def _audit_aggregates(
    built: releases.BuiltRelease, non_public: QuerySet[AnalyticRecord], non_public_ids: list[int]
) -> dict[str, Any]:
    """Audit the candidate tables against the ledger and hide cells until it passes (changes ``built``);
    the candidate's audit basis."""
    content = json.loads(built.content)
    records = _non_public_keys(non_public)
    earlier, considered = ledger_bases(non_public_ids)
    result = ledger.protect(content, records, earlier, considered)
    built.content = json.dumps(content)
    built.report["audit"] = result.as_dict()
    built.report["suppressed_cells"] += sum(1 for s in result.suppressed if s["cell"] != "total")
    built.report["secondary_suppressed"] += sum(1 for s in result.suppressed if s["cell"] != "total")
    return ledger.aggregates_basis(content, records)


def _microdata_basis(
    built: releases.BuiltRelease, data_format: str, non_public_ids: set[int]
) -> dict[str, Any]:
    written: dict[str, dict[str, str]] = {}
    columns = {d: c for d in ledger.AUDIT_DIMENSIONS if (c := releases.column_of(data_format, d))}
    released: dict[int, dict[str, str]] = {}
    records: dict[int, list[str]] = {}
    for record, row in built.released or []:
        for dimension, column in columns.items():
            written.setdefault(dimension, {})[ledger.key_of(record.get(dimension))] = row[column]
        if record.get("source_id") in non_public_ids:
            released[int(record["pk"])] = {d: row[c] for d, c in columns.items()}
            records[int(record["pk"])] = ledger.record_keys(record)
    threshold = int(built.parameters.get("k", aggregates.DEFAULT_THRESHOLD))
    return ledger.microdata_basis(released, records, written, threshold)


def release_audit(release: Release) -> ledger.AuditResult | None:
    """The disclosure audit of a draft aggregates release against the ledger as it is now (None: it
    draws on no non-public record, or predates the audit)."""
    if release.kind != Release.Kind.AGGREGATES or release.audit_basis.get("kind") != "aggregates":
        return None
    content = json.loads(release.content)
    earlier, considered = ledger_bases(release.parameters.get("non_public_sources", []), exclude=release.pk)
    return ledger.audit(release.audit_basis, earlier, ledger.audit_tables(content), considered=considered)


def ledger_known(non_public_sources: Iterable[int]) -> dict[str, list[aggregates.Derived]]:
    """Per table, what every earlier publication over exactly these non-public sources gave away."""
    wanted = sorted(set(non_public_sources))
    known: dict[str, list[aggregates.Derived]] = {}
    if not wanted:
        return known
    seen: set[int] = set()
    for entry in PublicationLedgerEntry.objects.filter(kind=Release.Kind.AGGREGATES).order_by("pk"):
        if entry.release_id in seen or sorted(entry.non_public_sources) != wanted:
            continue
        seen.add(entry.release_id)
        for dimension, derived in entry.derived.items():
            known.setdefault(dimension, []).append(derived)
    return known


def release_disclosure_problems(release: Release) -> list[str]:
    """The check before approval: the candidate against the public sources it combines with and
    against the ledger of everything already published from its non-public sources."""
    content = json.loads(release.content)
    source_ids = [int(pk) for pk in release.parameters.get("sources", [])]
    sources = list(AnalyticSource.objects.filter(pk__in=source_ids))
    non_public = [source.pk for source in sources if not source.is_public]
    if not non_public:
        return aggregates.check_no_small_cells(content["tables"], int(content["threshold"]))
    public_ids = [source.pk for source in sources if source.is_public]
    public = releases.public_counts(AnalyticCount.objects.filter(source_id__in=public_ids))
    non_public_records = AnalyticRecord.objects.filter(source_id__in=non_public).count()
    return releases.disclosure_problems(
        content, public, ledger_known(non_public), non_public_records=non_public_records
    )


def _ledger_write(release: Release) -> None:
    content = json.loads(release.content) if release.kind == Release.Kind.AGGREGATES else None
    source_ids = [int(pk) for pk in release.parameters.get("sources", [])]
    sources = list(AnalyticSource.objects.filter(pk__in=source_ids).order_by("pk"))
    non_public = [source.pk for source in sources if not source.is_public]
    derived: dict[str, Any] = {}
    if content is not None and non_public:
        public_ids = [source.pk for source in sources if source.is_public]
        public = releases.public_counts(AnalyticCount.objects.filter(source_id__in=public_ids))
        derived = releases.derived_of(content, public)
    digest = hashlib.sha256(release.content.encode()).hexdigest()
    for source in sources:
        PublicationLedgerEntry.objects.create(
            release=release,
            source=source,
            source_label=f"{source.pk}: {source} ({source.data_format})",
            source_public=source.is_public,
            kind=release.kind,
            sources=[s.pk for s in sources],
            non_public_sources=non_public,
            derived=derived,
            content_sha256=digest,
        )


def release_review(
    *, actor: User, release: Release, approve: bool, note: str = "", request: HttpRequest | None = None
) -> Release:
    """A data protection officer approves (publishes) or rejects a draft release. Not their own."""
    if not has_permission(actor, RELEASE_APPROVE):
        raise PermissionDenied(_("Only a data protection officer reviews releases."))
    if release.state != Release.State.DRAFT:
        raise ValidationError(_("This release has already been reviewed."))
    if release.created_by_id == actor.pk:
        raise PermissionDenied(_("Someone else must review a release you built."))
    if approve and release.kind == Release.Kind.AGGREGATES:
        problems = release_disclosure_problems(release)
        if problems:
            raise ValidationError(
                _("Small cells would be published: %(cells)s") % {"cells": "; ".join(problems[:20])}
            )
        # Every publication since the build counts too: audited again against the ledger as it is now.
        audited = release_audit(release)
        if audited is not None and audited.failures:
            raise ValidationError(
                _(
                    "Counts of non-public records could be recovered from this and earlier publications: %(cells)s"
                )
                % {"cells": "; ".join(audited.as_dict()["failures"][:20])}
            )
    if approve and release.kind == Release.Kind.K_ANONYMISED:
        # Counted again on the file itself, over the columns the release declared.
        rows = list(csv.DictReader(io.StringIO(release.content)))
        columns = release.report.get("quasi_identifier_columns") or []
        smallest = releases.smallest_class_in_file(rows, columns)
        if rows and (not columns or smallest < int(release.parameters.get("k", 11))):
            raise ValidationError(_("The release is not k-anonymous."))
    if not approve and not note.strip():
        raise ValidationError({"note": [_("Say why the release is rejected.")]})
    with transaction.atomic():
        release.state = Release.State.APPROVED if approve else Release.State.REJECTED
        release.reviewed_by = actor
        release.reviewed_at = timezone.now()
        release.review_note = note.strip()
        release.save(update_fields=["state", "reviewed_by", "reviewed_at", "review_note"])
        if approve:
            _ledger_write(release)
        audit_log(
            action=AuditAction.UPDATE,
            request=request,
            actor=actor,
            record=release,
            detail={"state": release.state, "epsilon": release.epsilon, "kind": release.kind},
        )
    return release


def release_withdraw(
    *, actor: User, release: Release, note: str, request: HttpRequest | None = None
) -> Release:
    if not has_permission(actor, RELEASE_APPROVE):
        raise PermissionDenied(_("Only a data protection officer withdraws releases."))
    if release.state != Release.State.APPROVED:
        raise ValidationError(_("Only a published release can be withdrawn."))
    with transaction.atomic():
        release.state = Release.State.WITHDRAWN
        release.review_note = note.strip()
        release.save(update_fields=["state", "review_note"])
        audit_log(
            action=AuditAction.UPDATE,
            request=request,
            actor=actor,
            record=release,
            detail={"state": release.state},
        )
    return release


def privacy_budget_spent(source_ids: Iterable[int]) -> float:
    """Epsilon spent so far on approved synthetic releases drawn from these sources (budgets add up)."""

    wanted = set(source_ids)
    total = 0.0
    for release in Release.objects.filter(kind=Release.Kind.SYNTHETIC, state=Release.State.APPROVED):
        if wanted & set(release.parameters.get("sources", [])):
            total += release.epsilon or 0.0
    return total


# --- case import from the page ---------------------------------------------------------------------------

CASE_IMPORT_FORMAT = "htcds-xlsx"
# The name recorded for an uploaded workbook: a file name can itself name a person.
CASE_IMPORT_RECORDED_NAME = "htcds-case-sheet.xlsx"


def cases_import_htcds(*, upload: UploadedFile, user: User) -> ImportResult:
    """Load an uploaded HTCDS toolkit workbook into cases, all or nothing; raises ``ImportRejected``.

    The workbook goes to a private temporary directory that is removed before this returns, whatever
    happens, and the import history records a fixed file name rather than the one uploaded.
    """
    if not has_permission(user, CASE_ADD):
        raise PermissionDenied
    with tempfile.TemporaryDirectory(prefix="migdev-case-import-") as directory:
        path = Path(directory) / CASE_IMPORT_RECORDED_NAME
        with path.open("wb") as handle:
            for chunk in upload.chunks():
                handle.write(chunk)
        path.chmod(0o600)
        return import_file(format_name=CASE_IMPORT_FORMAT, path=path, user=user)


# --- follow-up tasks -------------------------------------------------------------------------------------


@sensitive_variables()
def case_task_add(
    *,
    actor: User,
    case: Case,
    title: str,
    due_on: date | None = None,
    assigned_to: User | None = None,
    request: HttpRequest | None = None,
) -> CaseTask:
    """A follow-up on ``case``; it may be given to someone who can work on the case, or to nobody (then
    it is the case owner's)."""
    if not title.strip():
        raise ValidationError({"title": [_("Say what is to be done.")]})
    if assigned_to is not None and not _reaches(assigned_to, CASE_CHANGE, case):
        raise ValidationError({"assigned_to": [_("This person cannot work on this case.")]})
    task: CaseTask = _add_case_record(
        actor=actor,
        case=case,
        model=CaseTask,
        request=request,
        title=title.strip(),
        due_on=due_on,
        assigned_to=assigned_to,
    )
    return task


def case_task_done(
    *, actor: User, task: CaseTask, version: int, request: HttpRequest | None = None
) -> CaseTask:
    """Mark a task done; ``version`` is the one the user saw, so two people closing it do not collide."""
    _require(actor, CASE_CHANGE, task.case)
    with transaction.atomic():
        updated = CaseTask.objects.filter(pk=task.pk, version=version, done_at__isnull=True).update(
            done_at=timezone.now(), done_by=actor, version=F("version") + 1
        )
        if not updated:
            raise ValidationError(_("Someone else changed this task; reload the case to see it."))
        audit_log(
            action=AuditAction.UPDATE,
            request=request,
            actor=actor,
            record=task,
            detail={"case": task.case.reference, "done": True},
        )
    task.refresh_from_db()
    return task


# --- attachments -----------------------------------------------------------------------------------------

ATTACHMENT_PREFIX = "case-attachments"
# What a case file holds in practice; the type is taken from the extension, never from the browser.
ATTACHMENT_TYPES = {
    ".pdf": "application/pdf",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
    ".txt": "text/plain",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".odt": "application/vnd.oasis.opendocument.text",
}
# First bytes of each kind, so a renamed executable is not kept as a "PDF".
ATTACHMENT_SIGNATURES = {
    "application/pdf": (b"%PDF-",),
    "image/jpeg": (b"\xff\xd8\xff",),
    "image/png": (b"\x89PNG\r\n\x1a\n",),
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": (b"PK\x03\x04",),
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": (b"PK\x03\x04",),
    "application/vnd.oasis.opendocument.text": (b"PK\x03\x04",),
}


@sensitive_variables()
def case_attachment_add(
    *,
    actor: User,
    case: Case,
    upload: UploadedFile,
    description: str = "",
    request: HttpRequest | None = None,
) -> CaseAttachment:
    """Keep ``upload`` with ``case``: checked, encrypted, stored under a random name, audited."""
    _require(actor, CASE_CHANGE, case)
    name = Path(upload.name or "").name.strip()
    content_type = ATTACHMENT_TYPES.get(Path(name).suffix.lower())
    if not name or content_type is None:
        raise ValidationError(
            {"file": [_("Attach a PDF, an image (JPEG, PNG), a text file or an office document.")]}
        )
    limit = settings.CASE_ATTACHMENT_MAX_BYTES
    if (upload.size or 0) > limit:
        raise ValidationError(
            {"file": [_("The file is larger than %(limit)s MB.") % {"limit": limit // 1_000_000}]}
        )
    content = upload.read(limit + 1)
    if len(content) > limit:
        raise ValidationError(
            {"file": [_("The file is larger than %(limit)s MB.") % {"limit": limit // 1_000_000}]}
        )
    if not content:
        raise ValidationError({"file": [_("The file is empty.")]})
    signatures = ATTACHMENT_SIGNATURES.get(content_type)
    if signatures and not content.startswith(signatures):
        raise ValidationError({"file": [_("The file's content does not match its type.")]})
    storage_name = default_storage.save(
        f"{ATTACHMENT_PREFIX}/{uuid.uuid4().hex}", ContentFile(field_cipher().encrypt_bytes(content))
    )
    try:
        attachment: CaseAttachment = _add_case_record(
            actor=actor,
            case=case,
            model=CaseAttachment,
            request=request,
            original_name=name[:255],
            description=description.strip()[:200],
            content_type=content_type,
            size=len(content),
            storage_name=storage_name,
        )
    except Exception:
        default_storage.delete(storage_name)
        raise
    return attachment


def case_attachment_content(attachment: CaseAttachment) -> bytes:
    """The decrypted content. Callers get ``attachment`` from the access function, which audits the read."""
    with default_storage.open(attachment.storage_name, "rb") as handle:
        return field_cipher().decrypt_bytes(handle.read())


def case_attachment_delete(
    *, actor: User, attachment: CaseAttachment, request: HttpRequest | None = None
) -> None:
    _require(actor, CASE_CHANGE, attachment.case)
    with transaction.atomic():
        audit_log(
            action=AuditAction.DELETE,
            request=request,
            actor=actor,
            record=attachment,
            detail={"case": attachment.case.reference},
        )
        _attachments_delete(CaseAttachment.objects.filter(pk=attachment.pk))


def _attachments_delete(attachments: models.QuerySet[CaseAttachment]) -> int:
    """Remove the records, and their files once the transaction has committed (a rollback keeps both)."""
    names = list(attachments.values_list("storage_name", flat=True))
    attachments.delete()
    for name in names:
        transaction.on_commit(lambda name=name: default_storage.delete(name))  # type: ignore[misc]
    return len(names)
