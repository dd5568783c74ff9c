"""Writes: loading the reference data shipped with the module (instruments and the UN party-list snapshot).

Everything goes through the registered load formats and the shared runner (``migdev.dataio``), so the
shipped files are checked exactly like an operator's, all or nothing, and each load is recorded.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from migdev.accounts.models import Organisation
from migdev.coordination import audit
from migdev.coordination.activities.models import ActivityStatus
from migdev.coordination.models import Activity, ActivityCountry, Area, MigrationPolicy, Topic
from migdev.core.versioning import VersionedModel, claim_version
from migdev.dataio.services import import_file
from migdev.indicators.cache import bump_data_version
from migdev.law import access
from migdev.law.models import (
    INSTITUTION_COLUMN,
    SEX_COLUMN,
    AssistanceRequest,
    AssistanceStage,
    ConsentPurpose,
    Implementation,
    InstitutionKind,
    Instrument,
    ParticipantSex,
    PartyAction,
    PartyList,
    Precision,
    Provision,
    Statement,
    Training,
    TrainingParticipant,
)
from migdev.law.selectors import named_counts
from migdev.protection.crypto import blind_index
from migdev.reference.models import Country

DATA = Path(__file__).resolve().parent / "data"
INSTRUMENTS_FILE = DATA / "instruments.csv"
PROVISIONS_FILE = DATA / "provisions_2026-12.csv"
# The first shipped provisions (quotations from copies, 10 rows): replaced by PROVISIONS_FILE where unedited.
OLD_PROVISIONS_FILE_NAME = "provisions.csv"


def shipped_party_files() -> list[Path]:
    return sorted(DATA.glob("parties_*.csv"))


def shipped_ilo_files() -> list[Path]:
    """ILO party lists in the NORMLEX layout, ``ilo/<CODE>_<YYYY-MM-DD>.csv``: only complete tables (see
    data/SOURCE.md); an ILO instrument without one keeps saying "party list not loaded"."""
    return sorted((DATA / "ilo").glob("*_????-??-??.csv"))


def _edition_of(path: Path) -> tuple[str, date]:
    """The instrument and the edition date a party file will be stored under (its latest ``as_of``)."""
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    return rows[0]["instrument_code"], max(date.fromisoformat(row["as_of"]) for row in rows)


def load_reference() -> list[str]:
    """Load the shipped instruments (updated on every run) and each shipped party list not yet stored."""
    lines = []
    result = import_file(format_name="law-instruments", path=INSTRUMENTS_FILE)
    lines.append(f"{INSTRUMENTS_FILE.name}: {result.summary()}")
    for path in shipped_party_files():
        code, as_of = _edition_of(path)
        if PartyList.objects.filter(instrument__code=code, as_of=as_of).exists():
            lines.append(f"{path.name}: {code} as of {as_of} already loaded")
            continue
        result = import_file(format_name="law-parties", path=path)
        lines.append(f"{path.name}: {result.summary()}")
    for path in shipped_ilo_files():
        code, _sep, day = path.stem.rpartition("_")
        if PartyList.objects.filter(instrument__code=code, as_of=date.fromisoformat(day)).exists():
            lines.append(f"{path.name}: {code} as of {day} already loaded")
            continue
        result = import_file(format_name="law-normlex", path=path)
        lines.append(f"{path.name}: {result.summary()}")
    # Loaded once: later runs must not overwrite what editors corrected in the provisions' edit forms.
    if Provision.objects.filter(loaded_from=PROVISIONS_FILE.name).exists():
        lines.append(f"{PROVISIONS_FILE.name}: already loaded")
    else:
        # The earlier shipped file's rows that no editor changed give way to the new file's (version 1:
        # created by the load and never saved since); an edited one stays.
        Provision.objects.filter(loaded_from=OLD_PROVISIONS_FILE_NAME, version=1).delete()
        result = import_file(format_name="law-provisions", path=PROVISIONS_FILE)
        lines.append(f"{PROVISIONS_FILE.name}: {result.summary()}")
    lines.append(f"{Instrument.objects.count()} instruments, {PartyList.objects.count()} party lists")
    return lines


# --- Editing: every write checks the editor, claims the version the form started from, and is audited --------

EDITABLE_INSTRUMENT_FIELDS = (
    "title_en",
    "title_fr",
    "title_es",
    "title_source",
    "adopted_on",
    "adopted_year",
    "adoption_place",
    "adoption_source",
    "entry_into_force",
    "entry_into_force_source",
    "depositary",
    "depositary_source",
    "reference_url",
    "notes",
)


def _changed(record: models.Model, values: dict[str, Any]) -> dict[str, list[str]]:
    """What an edit changes, for the audit row: the field names with their old and new values."""
    changes = {}
    for name, value in values.items():
        before = getattr(record, name, None)
        if before != value:
            changes[name] = [str(before), str(value)]
    return changes


def _save_edit(
    *,
    actor: Any,
    record: VersionedModel,
    values: dict[str, Any],
    expected_version: int | None,
    relations: dict[str, Iterable[Any]] | None = None,
    after: Callable[[], None] | None = None,
) -> None:
    access.require_editor(actor)
    creating = record.pk is None
    changes = _changed(record, values) if not creating else dict.fromkeys(values)
    for name, value in values.items():
        setattr(record, name, value)
    # Only what the form edits is checked field by field (imported fields may predate today's rules);
    # the record's constraints (one provision per reference, dates in order) are checked whole.
    unchecked = [
        f.name
        for f in record._meta.fields
        if f.name not in values or (f.null and values[f.name] is None)  # an empty optional number or date
    ]
    record.full_clean(exclude=unchecked, validate_constraints=False)
    record.validate_constraints()
    with transaction.atomic():
        claim_version(record, expected_version)
        record.save()
        for name, items in (relations or {}).items():
            getattr(record, name).set(list(items))
        if after is not None:
            after()
        audit.record(
            action="create" if creating else "update",
            actor=actor,
            record=record,
            detail={"changed": sorted(changes)},
        )


def instrument_update(
    *, actor: Any, instrument: Instrument, values: dict[str, Any], expected_version: int | None
) -> Instrument:
    topics = values.pop("topics", None)
    objectives = values.pop("gcm_objectives", None)
    relations = {}
    if topics is not None:
        relations["topics"] = topics
    if objectives is not None:
        relations["gcm_objectives"] = objectives
    _save_edit(
        actor=actor,
        record=instrument,
        values=values,
        expected_version=expected_version,
        relations=relations,
        after=bump_data_version,
    )
    return instrument


def action_update(
    *, actor: Any, action: PartyAction, values: dict[str, Any], expected_version: int | None
) -> PartyAction:
    """Correct one dated action. The precision follows what is given: a day, else a year, else none."""
    day, year = values.get("date"), values.get("year")
    if day is not None and year is not None and day.year != year:
        raise ValidationError({"year": _("The year must be the year of the date.")})
    if day is not None:
        values["year"] = day.year
        values["precision"] = Precision.DAY
    elif year is not None:
        values["precision"] = Precision.YEAR
    else:
        values["precision"] = Precision.NONE
    if day is not None and day > action.as_of:
        raise ValidationError(
            {
                "date": _("The date is after the party list's date (%(as_of)s).")
                % {"as_of": action.as_of.isoformat()}
            }
        )
    _save_edit(
        actor=actor, record=action, values=values, expected_version=expected_version, after=bump_data_version
    )
    return action


def statement_update(
    *, actor: Any, statement: Statement, values: dict[str, Any], expected_version: int | None
) -> Statement:
    _save_edit(
        actor=actor,
        record=statement,
        values=values,
        expected_version=expected_version,
        after=bump_data_version,
    )
    return statement


def provision_update(
    *, actor: Any, provision: Provision, values: dict[str, Any], expected_version: int | None
) -> Provision:
    relations = {"topics": values.pop("topics", []), "gcm_objectives": values.pop("gcm_objectives", [])}
    _save_edit(
        actor=actor, record=provision, values=values, expected_version=expected_version, relations=relations
    )
    return provision


def training_update(
    *, actor: Any, training: Training, values: dict[str, Any], expected_version: int | None
) -> Training:
    by_sex = sum(values.get(name) or 0 for name in ("women", "men", "sex_not_recorded"))
    by_institution = sum(
        values.get(name) or 0 for name in ("ministries", "agencies", "civil_society", "other_institutions")
    )
    if by_sex != by_institution:
        raise ValidationError(
            _(
                "Participants by sex (%(sex)s) and by institution (%(institution)s) must add up to the same total."
            )
            % {"sex": by_sex, "institution": by_institution}
        )
    ends_on, starts_on = values.get("ends_on"), values.get("starts_on")
    if ends_on and starts_on and ends_on < starts_on:
        raise ValidationError({"ends_on": _("The end is before the start.")})
    relations = {"instruments": values.pop("instruments", [])}
    if "materials" in values:
        relations["materials"] = values.pop("materials")

    def counts_cover_named() -> None:
        # Inside the transaction that claimed the training's version: a participant added meanwhile waits.
        problems = counts_below_named(training, values)
        if problems:
            raise ValidationError(problems)

    _save_edit(
        actor=actor,
        record=training,
        values=values,
        expected_version=expected_version,
        relations=relations,
        after=counts_cover_named,
    )
    return training


def training_materials_set(
    *, actor: Any, training: Training, materials: Iterable[Any], expected_version: int | None
) -> Training:
    """Replace a training's materials (records of the research library)."""
    _save_edit(
        actor=actor,
        record=training,
        values={},
        expected_version=expected_version,
        relations={"materials": list(materials)},
    )
    return training


def training_organisation_set(
    *, actor: Any, training: Training, organisation: Organisation | None, expected_version: int | None
) -> Training:
    """Set (or clear) the platform organisation that organised ``training`` (editors); the organisers as
    text stay as they are. Participants already named stay: the new organiser's partners name the next."""
    _save_edit(
        actor=actor,
        record=training,
        values={"organisation": organisation},
        expected_version=expected_version,
    )
    return training


# --- Participants named with their consent ------------------------------------------------------------------
#
# The rule between the counts and the names: a training's counts (by sex, by kind of institution) are its
# figures, and the participants named with their consent are some of the people counted, never more. For every
# column, the named participants whose consent stands (not withdrawn) in that column are at most the count of
# that column; so the named ones are at most the total. A participant is added only within the counts, a
# count is lowered (edit form, API, re-import) only down to the named ones, and a withdrawal erases the name
# and leaves the counts as they are (the person took part).


def counts_below_named(training: Training, values: dict[str, Any]) -> dict[str, str]:
    """The count columns that ``values`` would set below the named participants of ``training``."""
    if training.pk is None:
        return {}
    problems = {}
    for column, named in named_counts(training).items():
        count = values.get(column, getattr(training, column))
        if named and (count or 0) < named:
            problems[column] = _(
                "%(named)s participants named with their consent are counted here: the count cannot be lower."
            ) % {"named": named}
    return problems


PARTICIPANT_IDENTIFYING_FIELDS = ("name", "email", "institution", "position", "note")
# The person's own results: not identifying, but data about them, so erased with the name on a withdrawal.
PARTICIPANT_SCORE_FIELDS = ("pre_test_score", "post_test_score")
PARTICIPANT_ERASED_FIELDS = (*PARTICIPANT_IDENTIFYING_FIELDS, *PARTICIPANT_SCORE_FIELDS)


@dataclass
class ParticipantInput:
    """A participant to name. ``consent_given_on`` and ``consent_purpose`` record the consent: without
    them the participant is only counted, never named."""

    name: str
    sex: str
    institution_kind: str
    consent_given_on: date | None
    consent_purpose: str
    email: str = ""
    institution: str = ""
    position: str = ""
    note: str = ""
    pre_test_score: Decimal | None = None
    post_test_score: Decimal | None = None


def _score_text(errors: dict[str, str], field_name: str, value: Decimal | None) -> str | None:
    """A person's score as the text stored encrypted: 0 to 100, at most two decimals, normalised."""
    if value is None:
        return None
    score = Decimal(value)
    if (
        not score.is_finite()
        or not Decimal(0) <= score <= Decimal(100)
        or score != score.quantize(Decimal("0.01"))
    ):
        errors[field_name] = _("A score from 0 to 100, with at most two decimals.")
        return None
    return format(score.quantize(Decimal("0.01")).normalize(), "f")


def _participant_values(data: ParticipantInput) -> dict[str, Any]:
    errors: dict[str, str] = {}
    name = " ".join((data.name or "").split())
    if not name:
        errors["name"] = _("Name the participant, or only count them.")
    if data.consent_given_on is None:
        errors["consent_given_on"] = _(
            "A participant is named only with their consent: give the day they consented, or only count them."
        )
    elif data.consent_given_on > timezone.localdate():
        errors["consent_given_on"] = _("The consent cannot be given after today.")
    if data.consent_purpose not in ConsentPurpose.values:
        errors["consent_purpose"] = _("Say what the participant consented to.")
    if data.sex not in ParticipantSex.values:
        errors["sex"] = _("Choose one of the columns of the counts by sex.")
    if data.institution_kind not in InstitutionKind.values:
        errors["institution_kind"] = _("Choose one of the columns of the counts by institution.")
    email = (data.email or "").strip()
    if email:
        try:
            validate_email(email)
        except ValidationError:
            errors["email"] = _("Enter a valid email address.")
    scores = {name: _score_text(errors, name, getattr(data, name)) for name in PARTICIPANT_SCORE_FIELDS}
    for field_name, limit in (("name", 200), ("email", 254), ("institution", 300), ("position", 200)):
        value = name if field_name == "name" else (getattr(data, field_name) or "").strip()
        if len(value) > limit:
            errors[field_name] = _("At most %(limit)d characters.") % {"limit": limit}
    if errors:
        raise ValidationError(errors)
    return {
        "name": name,
        "email": email or None,
        "institution": (data.institution or "").strip() or None,
        "position": (data.position or "").strip() or None,
        "note": (data.note or "").strip() or None,
        **scores,
        "name_index": blind_index(names=[name], birth_date=None, citizenship=[]),
        "sex": data.sex,
        "institution_kind": data.institution_kind,
        "consent_given_on": data.consent_given_on,
        "consent_purpose": data.consent_purpose,
    }


def _participant_store(
    *,
    training: Training,
    data: ParticipantInput,
    recorded_by: Any,
    organisation: Any,
    is_sample: bool,
    authorise: Callable[[Training], None] | None = None,
) -> TrainingParticipant:
    values = _participant_values(data)
    with transaction.atomic():
        # Lock the training so two recorders cannot both take the last place in a column, and so the
        # organiser checked is the one stored now, not the one the caller read before.
        locked = Training.objects.select_for_update().get(pk=training.pk)
        if authorise is not None:
            authorise(locked)
        named = named_counts(locked)
        full = [
            column
            for column in (
                SEX_COLUMN[ParticipantSex(data.sex)],
                INSTITUTION_COLUMN[InstitutionKind(data.institution_kind)],
            )
            if named[column] + 1 > getattr(locked, column)
        ]
        if full:
            raise ValidationError(
                {
                    "sex" if column in SEX_COLUMN.values() else "institution_kind": _(
                        "The training counts %(count)s in this column and %(named)s of them are already named: "
                        "correct the training's counts first."
                    )
                    % {"count": getattr(locked, column), "named": named[column]}
                    for column in full
                }
            )
        if TrainingParticipant.objects.filter(training=locked, name_index=values["name_index"]).exists():
            raise ValidationError({"name": _("This participant is already named for this training.")})
        participant = TrainingParticipant.objects.create(
            training=locked,
            consent_recorded_by=recorded_by,
            organisation=organisation,
            is_sample=is_sample,
            **values,
        )
        audit.record(
            action="create",
            actor=recorded_by,
            record=participant,
            detail={
                "training": locked.pk,
                "consent_purpose": participant.consent_purpose,
                "consent_given_on": participant.consent_given_on.isoformat()
                if participant.consent_given_on
                else None,
            },
        )
    return participant


def participant_add(*, actor: Any, training: Training, data: ParticipantInput) -> TrainingParticipant:
    """Name a participant of ``training`` with their consent (recorded now, by ``actor``, for the actor's
    organisation). Refused (``PermissionDenied``) unless the actor's organisation organised the training or
    the actor's scope is every organisation; refused without consent, beyond the training's counts, or twice
    for the same name."""
    access.require_participant_recorder(actor, training)
    return _participant_store(
        training=training,
        data=data,
        recorded_by=actor,
        organisation=getattr(actor, "organisation", None),
        is_sample=False,
        authorise=lambda locked: access.require_participant_recorder(actor, locked),
    )


def sample_participant_add(*, training: Training, data: ParticipantInput) -> TrainingParticipant:
    """The demo data's named participants (invented, marked as samples), recorded by no one: only holders of
    the permission at ``all`` scope see them."""
    return _participant_store(
        training=training, data=data, recorded_by=None, organisation=None, is_sample=True
    )


def participant_withdraw(
    *, actor: Any, participant: TrainingParticipant, expected_version: int | None
) -> TrainingParticipant:
    """The participant withdrew their consent: erase every identifying field, their scores and the blind
    index, keep the row (sex, kind of institution, the consent's dates) as the record of it. The training's
    counts and means stay."""
    access.require_participant_changer(actor, participant)
    with transaction.atomic():
        claim_version(participant, expected_version)
        for name in PARTICIPANT_ERASED_FIELDS:
            setattr(participant, name, None)
        participant.name_index = ""
        participant.consent_withdrawn_at = timezone.now()
        participant.save()
        audit.record(
            action="update",
            actor=actor,
            record=participant,
            detail={
                "consent": "withdrawn",
                "erased": list(PARTICIPANT_ERASED_FIELDS),
                "training": participant.training_id,
            },
        )
    return participant


def implementation_save(
    *, actor: Any, link: Implementation, values: dict[str, Any], expected_version: int | None
) -> Implementation:
    """Create (``link`` not saved yet, its law set) or change a link from a national law to an instrument and
    the Global Compact objectives it serves. One link per law and instrument."""
    relations = {"gcm_objectives": values.pop("gcm_objectives", [])}
    _save_edit(
        actor=actor, record=link, values=values, expected_version=expected_version, relations=relations
    )
    return link


def implementation_delete(*, actor: Any, link: Implementation, expected_version: int | None) -> None:
    """Remove a link; refused as stale when someone changed it after the editor opened it."""
    access.require_editor(actor)
    with transaction.atomic():
        claim_version(link, expected_version)
        audit.record(
            action="delete",
            actor=actor,
            record=link,
            detail={"policy": link.policy_id, "instrument": link.instrument.code},
        )
        link.delete()


# --- Technical assistance on legislation: each request is an activity of the registry -----------------------

STAGE_TO_ACTIVITY_STATUS = {
    AssistanceStage.REQUESTED: ActivityStatus.PIPELINE,
    AssistanceStage.ASSESSMENT: ActivityStatus.IMPLEMENTATION,
    AssistanceStage.DRAFTING: ActivityStatus.IMPLEMENTATION,
    AssistanceStage.REVIEW: ActivityStatus.IMPLEMENTATION,
    AssistanceStage.ADOPTED: ActivityStatus.CLOSED,
    AssistanceStage.CLOSED: ActivityStatus.CLOSED,
    AssistanceStage.DECLINED: ActivityStatus.CANCELLED,
}


@dataclass
class AssistanceInput:
    country_iso3: str
    law_title: str
    stage: str
    requested_on: date
    requesting_agency: str
    source: str
    reporting_organisation: Organisation
    law: MigrationPolicy | None = None
    supporting_agencies: str = ""
    support_given: str = ""
    support_started: date | None = None
    support_ended: date | None = None
    instruments: list[Instrument] = field(default_factory=list)
    iati_identifier: str = ""
    is_published: bool = True


def _assistance_values(data: AssistanceInput) -> dict[str, Any]:
    errors: dict[str, str] = {}
    iso3 = (data.country_iso3 or "").strip().upper()
    if not Country.objects.filter(iso3=iso3).exists():
        errors["country_iso3"] = _("Unknown country code: %(code)s") % {"code": iso3}
    if data.stage not in AssistanceStage.values:
        errors["stage"] = _("Unknown stage: %(stage)s") % {"stage": data.stage}
    if data.law is not None and data.law.country_iso3 != iso3:
        errors["law"] = _("This law is not a law of the country of the request.")
    if data.support_started and data.support_started < data.requested_on:
        errors["support_started"] = _("Support cannot start before the request.")
    if data.support_started and data.support_ended and data.support_ended < data.support_started:
        errors["support_ended"] = _("The end is before the start.")
    if data.support_ended and not data.support_started:
        errors["support_started"] = _("Say when the support started.")
    if not (data.law_title or "").strip():
        errors["law_title"] = _("Name the law or draft.")
    if errors:
        raise ValidationError(errors)
    return {
        "country_iso3": iso3,
        "law": data.law,
        "law_title": data.law_title.strip(),
        "stage": data.stage,
        "requested_on": data.requested_on,
        "requesting_agency": data.requesting_agency.strip(),
        "supporting_agencies": data.supporting_agencies.strip(),
        "support_given": data.support_given,
        "support_started": data.support_started,
        "support_ended": data.support_ended,
        "source": data.source.strip(),
    }


def _activity_title(values: dict[str, Any]) -> str:
    return (
        _("Technical assistance on legislation: %(law)s (%(country)s)")
        % {"law": values["law_title"], "country": values["country_iso3"]}
    )[:500]


def _sync_activity(activity: Activity, values: dict[str, Any], data: AssistanceInput) -> None:
    """Keep the registry activity in step with the request it records."""
    activity.title = _activity_title(values)
    activity.area = Area.MIGRATION_LAW
    activity.status = STAGE_TO_ACTIVITY_STATUS[AssistanceStage(values["stage"])]
    activity.actual_start = values["support_started"]
    activity.actual_end = values["support_ended"]
    activity.description = values["support_given"]
    activity.source = values["source"]
    activity.is_published = data.is_published
    activity.reporting_organisation = data.reporting_organisation


def assistance_create(*, actor: Any, data: AssistanceInput) -> AssistanceRequest:
    access.require_editor(actor)
    values = _assistance_values(data)
    identifier = (data.iati_identifier or "").strip()
    with transaction.atomic():
        if not identifier:
            reference = data.reporting_organisation.coordination_codes.filter(scheme="iati").first()
            prefix = reference.code if reference else "XM-MIGDEV"
            number = AssistanceRequest.objects.count() + 1
            identifier = f"{prefix}-LAW-TA-{number:05d}"
            while Activity.objects.filter(iati_identifier=identifier).exists():
                number += 1
                identifier = f"{prefix}-LAW-TA-{number:05d}"
        elif Activity.objects.filter(iati_identifier=identifier).exists():
            raise ValidationError({"iati_identifier": _("An activity with this IATI identifier exists.")})
        activity = Activity(iati_identifier=identifier, language="en")
        _sync_activity(activity, values, data)
        activity.full_clean()
        activity.save()
        ActivityCountry.objects.create(activity=activity, country_iso3=values["country_iso3"])
        activity.topics.set(Topic.objects.filter(code="capacity-building"))
        request = AssistanceRequest.objects.create(activity=activity, **values)
        request.instruments.set(data.instruments)
        audit.record(action="create", actor=actor, record=request, detail={"activity": activity.pk})
        audit.record(action="create", actor=actor, record=activity, detail={"law_assistance": request.pk})
    return request


def assistance_update(
    *, actor: Any, request: AssistanceRequest, data: AssistanceInput, expected_version: int | None
) -> AssistanceRequest:
    access.require_editor(actor)
    values = _assistance_values(data)
    changes = _changed(request, values)
    with transaction.atomic():
        claim_version(request, expected_version)
        for name, value in values.items():
            setattr(request, name, value)
        request.save()
        request.instruments.set(data.instruments)
        activity = request.activity
        # The activity is rewritten with the request: an activity form opened before must not undo it.
        claim_version(activity, None)
        _sync_activity(activity, values, data)
        activity.save()
        ActivityCountry.objects.filter(activity=activity).exclude(
            country_iso3=values["country_iso3"]
        ).delete()
        ActivityCountry.objects.get_or_create(activity=activity, country_iso3=values["country_iso3"])
        audit.record(action="update", actor=actor, record=request, detail={"changed": sorted(changes)})
    return request
