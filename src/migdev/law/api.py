"""/api/v1/law/: instruments, their status on a date, parties year by year, party lists, a country's
instruments. Public data, no sign-in.

Every status carries ``status_as_of``, the date of the party list it is computed from: nothing is known
after it, so a later ``on`` is answered with that date's status and ``after_source_date: true``. An
instrument without a loaded party list answers ``party_list_loaded: false`` and null counts, never zero.

Trainings are public (counts only) with their materials in the research library (those the caller may see
there). Participants named with their consent are personal data: ``/trainings/{id}/participants`` needs
sign-in and ``law.view_trainingparticipant`` (scoped, every read audited, 404 without it); naming one needs
``law.add_trainingparticipant`` and the consent; a withdrawal erases the name.
"""

from __future__ import annotations

import datetime
from datetime import date
from decimal import Decimal
from typing import Annotated, Any

from django.http import Http404, HttpRequest
from django.utils import translation
from ninja import Field, Query, Router, Schema, Status

from migdev.core.api_base import AUTH, stale_edit_problem
from migdev.core.api_params import IsoDate, RecordId, answers
from migdev.core.versioning import StaleEdit
from migdev.law import selectors
from migdev.law.models import Instrument, PartyList

router = Router(tags=["law"])

InstrumentCode = Annotated[str, Field(pattern=r"^[A-Za-z][A-Za-z0-9_]{1,19}$", max_length=20)]
CountryCode = Annotated[str, Field(pattern=r"^[A-Za-z]{3}$", description="ISO 3166-1 alpha-3 code")]
METHOD = (
    "Computed by migdev from the dated actions of the party list: a party on day D consented on or before D "
    "and had not denounced by D; a consent known by its year only counts from 31 December of that year."
)


class LawPartyListOut(Schema):
    as_of: date = Field(description="The date of the status table: nothing later is known.")
    file_name: str
    format: str
    sources: list[str]


class LawInstrumentOut(Schema):
    code: str
    body: str
    kind: str
    binding: bool
    title_en: str
    title_fr: str = Field(description="Blank where no source gives it (never guessed).")
    title_es: str = Field(description="Blank where no source gives it (never guessed).")
    adopted_on: date | None
    adopted_year: int | None
    adoption_place: str
    entry_into_force: date | None
    depositary: str
    reference_url: str
    topics: list[str]
    gcm_objectives: list[int]
    party_list_loaded: bool
    party_lists: list[LawPartyListOut] = Field(description="Editions, newest first.")
    independent_count: int | None = Field(description="A count stated by a source outside migdev.")
    independent_count_as_of: str
    independent_count_source: str


def _party_list(party_list: PartyList) -> dict[str, Any]:
    return {
        "as_of": party_list.as_of,
        "file_name": party_list.file_name,
        "format": party_list.format_name,
        "sources": party_list.sources.splitlines(),
    }


def _instrument(instrument: Instrument) -> dict[str, Any]:
    lists = list(instrument.party_lists.order_by("-as_of"))
    return {
        "code": instrument.code,
        "body": instrument.body,
        "kind": instrument.kind,
        "binding": instrument.binding,
        "title_en": instrument.title_en,
        "title_fr": instrument.title_fr,
        "title_es": instrument.title_es,
        "adopted_on": instrument.adopted_on,
        "adopted_year": instrument.adopted_year,
        "adoption_place": instrument.adoption_place,
        "entry_into_force": instrument.entry_into_force,
        "depositary": instrument.depositary,
        "reference_url": instrument.reference_url,
        "topics": [topic.code for topic in instrument.topics.all()],
        "gcm_objectives": [objective.number for objective in instrument.gcm_objectives.all()],
        "party_list_loaded": bool(lists),
        "party_lists": [_party_list(item) for item in lists],
        "independent_count": instrument.independent_count,
        "independent_count_as_of": instrument.independent_count_as_of,
        "independent_count_source": instrument.independent_count_source,
    }


def _found(code: str) -> Instrument:
    instrument = selectors.instrument(code)
    if instrument is None:
        raise Http404("No such instrument.")
    return instrument


@router.get("/instruments", response=list[LawInstrumentOut], auth=None, summary="The instruments")
def instrument_list(request: HttpRequest) -> list[dict[str, Any]]:
    return [_instrument(item) for item in selectors.instruments()]


@router.get("/instruments/{code}", response=LawInstrumentOut, auth=None, summary="One instrument")
def instrument_detail(request: HttpRequest, code: InstrumentCode) -> dict[str, Any]:
    return _instrument(_found(code))


class LawStatusFilters(Schema):
    on: IsoDate | None = Field(None, description="The day; default: the party list's own date.")
    edition: IsoDate | None = Field(None, description="The party list dated so; default: the newest.")


class LawStatusOut(Schema):
    instrument: str
    party_list_loaded: bool
    on: date | None
    status_as_of: date | None = Field(description="The party list's date; the status is true on that day.")
    after_source_date: bool
    parties: int | None
    state_parties: int | None
    signatories_not_parties: int | None
    joined_that_year_date_unknown: int | None = Field(
        description="Consents known only by year that fall in the year of ``on``: not counted as parties."
    )
    party_codes: list[str]
    method: str
    sources: list[str]


def _edition(instrument: Instrument, as_of: date | None) -> PartyList | None:
    party_list = selectors.edition(instrument, as_of)
    if as_of is not None and party_list is None:
        raise Http404("No party list of this instrument is dated so.")
    return party_list


@router.get(
    "/instruments/{code}/status",
    response=LawStatusOut,
    auth=None,
    summary="Parties on a date, as of the list",
)
def instrument_status(
    request: HttpRequest, code: InstrumentCode, filters: Query[LawStatusFilters]
) -> dict[str, Any]:
    instrument = _found(code)
    party_list = _edition(instrument, filters.edition)
    if party_list is None:
        return {
            "instrument": instrument.code,
            "party_list_loaded": False,
            "on": filters.on,
            "status_as_of": None,
            "after_source_date": False,
            "parties": None,
            "state_parties": None,
            "signatories_not_parties": None,
            "joined_that_year_date_unknown": None,
            "party_codes": [],
            "method": METHOD,
            "sources": [],
        }
    found = selectors.status(instrument, filters.on, party_list=party_list)
    assert found is not None
    return {
        "instrument": instrument.code,
        "party_list_loaded": True,
        "on": found.on,
        "status_as_of": found.known_until,
        "after_source_date": found.after_source_date,
        "parties": found.party_count,
        "state_parties": found.state_party_count,
        "signatories_not_parties": found.signatory_count,
        "joined_that_year_date_unknown": found.uncertain_count,
        "party_codes": sorted(p.code for p in found.parties),
        "method": METHOD,
        "sources": party_list.sources.splitlines(),
    }


class LawYearCountOut(Schema):
    year: int
    on: date
    parties: int
    joined_that_year_date_unknown: int


class LawCountsOut(Schema):
    instrument: str
    status_as_of: date | None
    counts: list[LawYearCountOut]
    method: str


class LawEditionFilter(Schema):
    edition: IsoDate | None = Field(None, description="The party list dated so; default: the newest.")


@router.get("/instruments/{code}/counts", response=LawCountsOut, auth=None, summary="Parties year by year")
def instrument_counts(
    request: HttpRequest, code: InstrumentCode, filters: Query[LawEditionFilter]
) -> dict[str, Any]:
    instrument = _found(code)
    party_list = _edition(instrument, filters.edition)
    counts = selectors.counts_by_year(instrument, party_list=party_list) if party_list else []
    return {
        "instrument": instrument.code,
        "status_as_of": party_list.as_of if party_list else None,
        "counts": [
            {"year": c.year, "on": c.on, "parties": c.parties, "joined_that_year_date_unknown": c.uncertain}
            for c in counts
        ],
        "method": METHOD,
    }


def _english(label: Any) -> str:
    with translation.override("en"):
        return str(label)


class LawProvisionOut(Schema):
    provision: str
    title: str = Field(
        description="The article's official heading; empty where it has none or no page read showed it."
    )
    text: str = Field(description="A summary by migdev, or the official wording: text_kind says which.")
    text_kind: str = Field(description="summary (by migdev, not the official text) or official.")
    text_label: str = Field(description="What the text is, in words (English).")
    quotation: str = Field(
        description="A short quotation of the official wording, read on the page in source."
    )
    official_url: str = Field(description="The address of the instrument's official text.")
    source: str = Field(description="The page on which the article number, heading and quotation were read.")
    topics: list[str] = Field(description="Topic codes: tags by migdev's editors.")
    gcm_objectives: list[int] = Field(description="Global Compact objectives: tags by migdev's editors.")


@router.get(
    "/instruments/{code}/provisions",
    response=list[LawProvisionOut],
    auth=None,
    summary="Provisions relevant to migration, tagged",
)
def instrument_provisions(request: HttpRequest, code: InstrumentCode) -> list[dict[str, Any]]:
    return [
        {
            "provision": p.reference,
            "title": p.title,
            "text": p.text,
            "text_kind": p.text_kind,
            "text_label": _english(p.get_text_kind_display()),
            "quotation": p.quotation,
            "official_url": p.official_url,
            "source": p.source,
            "topics": [topic.code for topic in p.topics.all()],
            "gcm_objectives": [objective.number for objective in p.gcm_objectives.all()],
        }
        for p in selectors.provisions(_found(code))
    ]


class LawStatementOut(Schema):
    kind: str = Field(
        description="reservation, declaration, objection, or unspecified (the source does not say)."
    )
    made_on: datetime.date | None
    text: str = Field(description="As the depositary printed it.")
    source: str


def _statements(statements: Any) -> list[dict[str, Any]]:
    return [{"kind": s.kind, "made_on": s.made_on, "text": s.text, "source": s.source} for s in statements]


class LawActionOut(Schema):
    participant: str = Field(description="ISO 3166-1 alpha-3, or EU for the European Union.")
    name_as_printed: str
    action: str
    date: datetime.date | None
    year: int | None
    precision: str
    raw: str
    note: str
    reservations_declarations: list[LawStatementOut] = Field(
        description="Made with this action; an empty list where the source gives none."
    )
    source: str
    as_of: datetime.date


@router.get(
    "/instruments/{code}/actions",
    response=list[LawActionOut],
    auth=None,
    summary="Every dated action of a list",
)
def instrument_actions(
    request: HttpRequest, code: InstrumentCode, filters: Query[LawEditionFilter]
) -> list[dict[str, Any]]:
    instrument = _found(code)
    party_list = _edition(instrument, filters.edition)
    if party_list is None:
        return []
    return [
        {
            "participant": a.participant_code,
            "name_as_printed": a.name_as_printed,
            "action": a.kind,
            "date": a.date,
            "year": a.year,
            "precision": a.precision,
            "raw": a.raw,
            "note": a.note,
            "reservations_declarations": _statements(a.statements.all()),
            "source": a.source,
            "as_of": a.as_of,
        }
        for a in party_list.actions.prefetch_related("statements").order_by("participant_code", "date")
    ]


class LawCountryInstrumentOut(Schema):
    instrument: str
    party_list_loaded: bool
    status_as_of: date | None
    status: str | None = Field(
        description="party, signatory, denounced, listed, not_listed; null when no party list is loaded."
    )
    action: str | None
    since: date | None
    since_year: int | None
    reservations_declarations: list[LawStatementOut]


@router.get(
    "/countries/{iso3}", response=list[LawCountryInstrumentOut], auth=None, summary="A country's instruments"
)
def country_instruments(request: HttpRequest, iso3: CountryCode) -> list[dict[str, Any]]:
    from migdev.reference.models import Country

    code = iso3.upper()
    if not Country.objects.filter(iso3=code).exists():
        raise Http404("No such country.")
    out = []
    for item in selectors.country_instruments(code):
        participant = item.status
        state: str | None
        if item.party_list is None:
            state = None
        elif participant is None:
            state = "not_listed"
        elif participant.is_party:
            state = "party"
        elif participant.is_signatory:
            state = "signatory"
        elif participant.denunciation is not None:
            state = "denounced"
        else:
            state = "listed"
        consent = participant.consent if participant and participant.is_party else None
        out.append(
            {
                "instrument": item.instrument.code,
                "party_list_loaded": item.party_list is not None,
                "status_as_of": item.party_list.as_of if item.party_list else None,
                "status": state,
                "action": consent.kind if consent else None,
                "since": consent.date if consent else None,
                "since_year": consent.year if consent else None,
                "reservations_declarations": _statements(participant.statements) if participant else [],
            }
        )
    return out


class LawTrainingFilters(Schema):
    country: CountryCode | None = None
    topic: Annotated[str | None, Field(max_length=60, pattern=r"^[a-z0-9-]*$")] = None
    year: Annotated[int | None, Field(ge=1900, le=2100)] = None
    samples: bool = Field(False, description="Include SAMPLE (demonstration) trainings.")


class LawMaterialOut(Schema):
    slug: str = Field(description="The record's identifier in the research library.")
    title: str
    year: int
    url: str = Field(description="The record's page in the research library.")


class LawOrganisationOut(Schema):
    id: int
    name: str
    acronym: str


class LawTrainingOut(Schema):
    id: int
    version: int = Field(description="Grows with every saved change; a write from an older version gets 409.")
    reference: str
    title: str
    topic: str
    country: str
    starts_on: date
    ends_on: date
    organisers: str = Field(description="The organisers as the source printed them.")
    organisation: LawOrganisationOut | None = Field(
        description="The platform's organisation that organised the training (its partners name participants)."
    )
    instruments: list[str]
    women: int
    men: int
    sex_not_recorded: int
    ministries: int
    agencies: int
    civil_society: int
    other_institutions: int
    pre_test_mean: float | None
    post_test_mean: float | None
    activity: str | None = Field(description="IATI identifier of the funding activity in the registry.")
    follow_up: str
    materials: list[LawMaterialOut] = Field(
        description="Records of the research library used in the training."
    )
    sample: bool
    source: str


def _trainings_out(request: HttpRequest, found: Any) -> list[dict[str, Any]]:
    from django.urls import reverse

    from migdev.coordination.access import publications_visible_to

    visible = set(publications_visible_to(request.user).values_list("pk", flat=True))
    return [
        {
            "id": t.pk,
            "version": t.version,
            "reference": t.reference,
            "title": t.title,
            "topic": t.topic.code,
            "country": t.country_iso3,
            "starts_on": t.starts_on,
            "ends_on": t.ends_on,
            "organisers": t.organisers,
            "organisation": (
                {"id": t.organisation.pk, "name": t.organisation.name, "acronym": t.organisation.acronym}
                if t.organisation
                else None
            ),
            "instruments": sorted(i.code for i in t.instruments.all()),
            "women": t.women,
            "men": t.men,
            "sex_not_recorded": t.sex_not_recorded,
            "ministries": t.ministries,
            "agencies": t.agencies,
            "civil_society": t.civil_society,
            "other_institutions": t.other_institutions,
            "pre_test_mean": float(t.pre_test_mean) if t.pre_test_mean is not None else None,
            "post_test_mean": float(t.post_test_mean) if t.post_test_mean is not None else None,
            "activity": t.activity.iati_identifier if t.activity else None,
            "follow_up": t.follow_up,
            "materials": [
                {
                    "slug": m.slug,
                    "title": m.title,
                    "year": m.year,
                    "url": reverse("coordination:publication_detail", args=[m.slug]),
                }
                for m in sorted(t.materials.all(), key=lambda m: (m.title, m.slug))
                if m.pk in visible
            ],
            "sample": t.is_sample,
            "source": t.source,
        }
        for t in found
    ]


@router.get("/trainings", response=list[LawTrainingOut], auth=None, summary="Trainings on migration law")
def training_list(request: HttpRequest, filters: Query[LawTrainingFilters]) -> list[dict[str, Any]]:
    from migdev.law import trainings as capacity

    found = capacity.trainings(
        country=filters.country or "", topic=filters.topic or "", year=filters.year, samples=filters.samples
    )
    return _trainings_out(request, found[:5000])


class LawParticipantOut(Schema):
    id: int
    version: int
    name: str
    sex: str
    institution_kind: str
    institution: str
    position: str
    email: str
    note: str
    pre_test_score: float | None = Field(description="This participant's own pre-test score (%).")
    post_test_score: float | None = Field(description="This participant's own post-test score (%).")
    consent_given_on: date
    consent_purpose: str
    consent_recorded_by: str | None
    consent_recorded_at: datetime.datetime
    sample: bool


class LawParticipantCreatedOut(Schema):
    id: int
    version: int
    sex: str
    institution_kind: str
    consent_given_on: date
    consent_purpose: str


ParticipantScore = Annotated[Decimal, Field(ge=0, le=100, max_digits=5, decimal_places=2)]


class LawParticipantIn(Schema):
    name: str = Field(min_length=1, max_length=200)
    sex: str = Field(pattern=r"^(woman|man|not_recorded)$")
    institution_kind: str = Field(pattern=r"^(ministry|agency|civil_society|other)$")
    institution: str = Field("", max_length=300)
    position: str = Field("", max_length=200)
    email: str = Field("", max_length=254)
    note: str = Field("", max_length=5000)
    pre_test_score: ParticipantScore | None = Field(
        None, description="The participant's own pre-test score (%), 0–100, at most two decimals."
    )
    post_test_score: ParticipantScore | None = Field(
        None, description="The participant's own post-test score (%), 0–100, at most two decimals."
    )
    consent_given_on: IsoDate | None = Field(
        None, description="The day the participant consented to be named; without it the name is refused."
    )
    consent_purpose: str = Field(pattern=r"^(record|follow_up)$")


class LawWithdrawIn(Schema):
    version: int = Field(..., ge=1, description="The participant's version (409 if stale).")


def _participant_out(p: Any) -> dict[str, Any]:
    return {
        "id": p.pk,
        "version": p.version,
        "name": p.name or "",
        "sex": p.sex,
        "institution_kind": p.institution_kind,
        "institution": p.institution or "",
        "position": p.position or "",
        "email": p.email or "",
        "note": p.note or "",
        "pre_test_score": float(p.pre_test_score) if p.pre_test_score else None,
        "post_test_score": float(p.post_test_score) if p.post_test_score else None,
        "consent_given_on": p.consent_given_on,
        "consent_purpose": p.consent_purpose,
        "consent_recorded_by": p.consent_recorded_by.get_username() if p.consent_recorded_by else None,
        "consent_recorded_at": p.consent_recorded_at,
        "sample": p.is_sample,
    }


@router.get(
    "/trainings/{training_id}/participants",
    response=list[LawParticipantOut],
    auth=AUTH,
    summary="Participants named with their consent (personal data; audited)",
)
def participant_list(request: HttpRequest, training_id: RecordId) -> list[dict[str, Any]]:
    from django.shortcuts import get_object_or_404

    from migdev.law import access
    from migdev.law.models import Training

    training = get_object_or_404(Training, pk=training_id)
    rows = access.participants_read(request.user, training, request=request, purpose="api")
    if not access.may_read_participants(request.user):
        raise Http404
    return [_participant_out(p) for p in rows]


@router.post(
    "/trainings/{training_id}/participants",
    response={201: LawParticipantCreatedOut},
    auth=AUTH,
    summary="Name a participant with their consent",
)
def participant_create(request: HttpRequest, training_id: RecordId, payload: LawParticipantIn) -> Any:
    from django.shortcuts import get_object_or_404

    from migdev.law import services
    from migdev.law.models import Training

    training = get_object_or_404(Training, pk=training_id)
    created = services.participant_add(
        actor=request.user,
        training=training,
        data=services.ParticipantInput(**payload.model_dump()),
    )
    # The answer names no one: names are read through ``participants_read`` only (scoped, audited).
    return Status(
        201,
        {
            "id": created.pk,
            "version": created.version,
            "sex": created.sex,
            "institution_kind": created.institution_kind,
            "consent_given_on": created.consent_given_on,
            "consent_purpose": created.consent_purpose,
        },
    )


@router.post(
    "/participants/{participant_id}/withdraw",
    response={204: None},
    auth=AUTH,
    summary="Record a withdrawal of consent: the name and details are erased",
)
@answers(409)
def participant_withdraw(request: HttpRequest, participant_id: RecordId, payload: LawWithdrawIn) -> Any:
    from migdev.law import access, services

    participant = access.participant_for_change(request.user, participant_id, request=request)
    try:
        services.participant_withdraw(
            actor=request.user, participant=participant, expected_version=payload.version
        )
    except StaleEdit as stale:
        return stale_edit_problem(request, stale)
    return Status(204, None)


class LawTrainedOut(Schema):
    key: str
    trainings: int
    women: int
    men: int
    sex_not_recorded: int
    total: int


class LawTrainingReportOut(Schema):
    total: LawTrainedOut
    by_country: list[LawTrainedOut]
    by_topic: list[LawTrainedOut]
    by_year: list[LawTrainedOut]
    mean_gain_pre_to_post: float | None
    includes_sample_data: bool
    method: str


@router.get(
    "/trainings/report",
    response=LawTrainingReportOut,
    auth=None,
    summary="People trained by country, topic, year, sex",
)
def training_report(request: HttpRequest, filters: Query[LawTrainingFilters]) -> dict[str, Any]:
    from migdev.law import trainings as capacity

    report = capacity.training_report(
        country=filters.country or "", topic=filters.topic or "", year=filters.year, samples=filters.samples
    )

    def out(key: object, b: capacity.Breakdown) -> dict[str, Any]:
        return {
            "key": str(key),
            "trainings": b.trainings,
            "women": b.women,
            "men": b.men,
            "sex_not_recorded": b.sex_not_recorded,
            "total": b.total,
        }

    return {
        "total": out("total", report.total),
        "by_country": [out(k, b) for k, b in sorted(report.by_country.items())],
        "by_topic": [out(k, b) for k, b in sorted(report.by_topic.items())],
        "by_year": [out(k, b) for k, b in sorted(report.by_year.items())],
        "mean_gain_pre_to_post": float(report.mean_gain) if report.mean_gain is not None else None,
        "includes_sample_data": report.includes_samples,
        "method": "Computed by migdev: the sum of the trainings' participant counts, each training counted once "
        "in the year it started; the mean gain is the mean of (post-test − pre-test) over trainings with both.",
    }


@router.get("/trainings/{training_id}", response=LawTrainingOut, auth=None, summary="One training")
def training_detail(request: HttpRequest, training_id: RecordId) -> dict[str, Any]:
    from migdev.law import trainings as capacity

    found = list(capacity.trainings(samples=True).filter(pk=training_id))
    if not found:
        raise Http404
    return _trainings_out(request, found)[0]


class LawTrainingMaterialsIn(Schema):
    version: int = Field(
        ..., ge=1, description="The training's version this change starts from (409 if stale)."
    )
    materials: list[Annotated[str, Field(min_length=1, max_length=120)]] = Field(
        max_length=100, description="Identifiers (slugs) of research library records; replaces the list."
    )


@router.put(
    "/trainings/{training_id}/materials",
    response=LawTrainingOut,
    auth=AUTH,
    summary="Set a training's materials (editors)",
)
@answers(409)
def training_materials_set(
    request: HttpRequest, training_id: RecordId, payload: LawTrainingMaterialsIn
) -> Any:
    from django.core.exceptions import ValidationError
    from django.shortcuts import get_object_or_404

    from migdev.coordination.models import Publication
    from migdev.law import access, services
    from migdev.law.models import Training

    access.require_editor(request.user)
    training = get_object_or_404(Training, pk=training_id)
    slugs = list(dict.fromkeys(payload.materials))
    publications = list(Publication.objects.filter(slug__in=slugs))
    missing = sorted(set(slugs) - {p.slug for p in publications})
    if missing:
        raise ValidationError({"materials": "Not in the research library: " + ", ".join(missing[:5])})
    try:
        services.training_materials_set(
            actor=request.user, training=training, materials=publications, expected_version=payload.version
        )
    except StaleEdit as stale:
        return stale_edit_problem(request, stale)
    return training_detail(request, training_id)


class LawTrainingOrganisationIn(Schema):
    version: int = Field(
        ..., ge=1, description="The training's version this change starts from (409 if stale)."
    )
    organisation_id: RecordId | None = Field(
        description="The platform organisation that organised the training; null for none."
    )


@router.put(
    "/trainings/{training_id}/organisation",
    response=LawTrainingOut,
    auth=AUTH,
    summary="Set a training's organising organisation (editors)",
)
@answers(409)
def training_organisation_set(
    request: HttpRequest, training_id: RecordId, payload: LawTrainingOrganisationIn
) -> Any:
    from django.core.exceptions import ValidationError
    from django.shortcuts import get_object_or_404

    from migdev.accounts.models import Organisation
    from migdev.law import access, services
    from migdev.law.models import Training

    access.require_editor(request.user)
    training = get_object_or_404(Training, pk=training_id)
    organisation = None
    if payload.organisation_id is not None:
        organisation = Organisation.objects.filter(pk=payload.organisation_id).first()
        if organisation is None:
            raise ValidationError({"organisation_id": "No organisation of the platform has this id."})
    try:
        services.training_organisation_set(
            actor=request.user,
            training=training,
            organisation=organisation,
            expected_version=payload.version,
        )
    except StaleEdit as stale:
        return stale_edit_problem(request, stale)
    return training_detail(request, training_id)


# --- Technical assistance on legislation (each request is an activity of the registry) -------------------


class LawAssistanceOut(Schema):
    id: int
    version: int = Field(description="Grows with every saved change; a write from an older version gets 409.")
    country: str
    law_title: str
    law_policy_id: int | None = Field(description="The law in the policy database, when it is there.")
    stage: str
    requested_on: date
    requesting_agency: str
    supporting_agencies: str
    support_given: str
    support_started: date | None
    support_ended: date | None
    instruments: list[str]
    activity_id: int = Field(description="The registry activity this request is.")
    activity_iati_identifier: str
    activity_status: str
    source: str


class LawAssistanceIn(Schema):
    country: CountryCode
    law_title: str = Field(min_length=1, max_length=300)
    law_policy_id: int | None = Field(None, ge=1)
    stage: str = Field(pattern=r"^[a-z]{1,12}$", description="requested, assessment, drafting, review, ...")
    requested_on: IsoDate
    requesting_agency: str = Field(min_length=1, max_length=300)
    supporting_agencies: str = Field("", max_length=300)
    support_given: str = Field("", max_length=20000)
    support_started: IsoDate | None = None
    support_ended: IsoDate | None = None
    instruments: list[InstrumentCode] = Field(default_factory=list, max_length=20)
    reporting_organisation_id: int = Field(ge=1, description="The organisation reporting the activity.")
    source: str = Field(min_length=1, max_length=300)
    published: bool = True


class LawAssistanceCreate(LawAssistanceIn):
    iati_identifier: str = Field("", max_length=200)


class LawAssistanceUpdate(LawAssistanceIn):
    version: int = Field(..., ge=1, description="The version this change starts from (409 if stale).")


def _assistance_out(item: Any) -> dict[str, Any]:
    return {
        "id": item.pk,
        "version": item.version,
        "country": item.country_iso3,
        "law_title": item.law_title,
        "law_policy_id": item.law_id,
        "stage": item.stage,
        "requested_on": item.requested_on,
        "requesting_agency": item.requesting_agency,
        "supporting_agencies": item.supporting_agencies,
        "support_given": item.support_given,
        "support_started": item.support_started,
        "support_ended": item.support_ended,
        "instruments": [instrument.code for instrument in item.instruments.all()],
        "activity_id": item.activity_id,
        "activity_iati_identifier": item.activity.iati_identifier,
        "activity_status": item.activity.get_status_display(),
        "source": item.source,
    }


def _assistance_input(request: HttpRequest, payload: LawAssistanceIn) -> Any:
    from django.core.exceptions import ValidationError

    from migdev.accounts.models import Organisation
    from migdev.coordination.access import policies_visible_to
    from migdev.law.services import AssistanceInput

    organisation = Organisation.objects.filter(pk=payload.reporting_organisation_id).first()
    if organisation is None:
        raise ValidationError({"reporting_organisation_id": "No organisation has this identifier."})
    law = None
    if payload.law_policy_id is not None:
        law = policies_visible_to(request.user).filter(pk=payload.law_policy_id).first()
        if law is None:
            raise ValidationError({"law_policy_id": "No law in the policy database has this identifier."})
    instruments = list(Instrument.objects.filter(code__in=[code.upper() for code in payload.instruments]))
    if len(instruments) != len({code.upper() for code in payload.instruments}):
        raise ValidationError({"instruments": "An instrument code is not known."})
    return AssistanceInput(
        country_iso3=payload.country,
        law_title=payload.law_title,
        law=law,
        stage=payload.stage,
        requested_on=payload.requested_on,
        requesting_agency=payload.requesting_agency,
        supporting_agencies=payload.supporting_agencies,
        support_given=payload.support_given,
        support_started=payload.support_started,
        support_ended=payload.support_ended,
        instruments=instruments,
        reporting_organisation=organisation,
        iati_identifier=getattr(payload, "iati_identifier", ""),
        source=payload.source,
        is_published=payload.published,
    )


@router.get(
    "/assistance",
    response=list[LawAssistanceOut],
    auth=None,
    summary="Requests for technical assistance on legislation",
)
def assistance_list(request: HttpRequest, country: CountryCode | None = None) -> list[dict[str, Any]]:
    from migdev.law import access

    found = access.assistance_visible_to(request.user).prefetch_related("instruments")
    if country:
        found = found.filter(country_iso3=country.upper())
    return [_assistance_out(item) for item in found[:500]]


@router.get("/assistance/{assistance_id}", response=LawAssistanceOut, auth=None, summary="One request")
def assistance_detail(request: HttpRequest, assistance_id: RecordId) -> dict[str, Any]:
    from migdev.law import access

    return _assistance_out(access.assistance_get_for_user(request.user, assistance_id))


@router.post(
    "/assistance",
    response={201: LawAssistanceOut},
    auth=AUTH,
    summary="Record a request for technical assistance (editors)",
)
def assistance_create(request: HttpRequest, payload: LawAssistanceCreate) -> Any:
    from migdev.law import access, services

    access.require_editor(request.user)
    created = services.assistance_create(actor=request.user, data=_assistance_input(request, payload))
    return Status(201, _assistance_out(created))


@router.put(
    "/assistance/{assistance_id}",
    response=LawAssistanceOut,
    auth=AUTH,
    summary="Change a request for technical assistance (editors)",
)
@answers(409)
def assistance_update(request: HttpRequest, assistance_id: RecordId, payload: LawAssistanceUpdate) -> Any:
    from migdev.law import access, services

    access.require_editor(request.user)
    item = access.assistance_get_for_user(request.user, assistance_id)
    try:
        saved = services.assistance_update(
            actor=request.user,
            request=item,
            data=_assistance_input(request, payload),
            expected_version=payload.version,
        )
    except StaleEdit as stale:
        return stale_edit_problem(request, stale)
    return _assistance_out(saved)
