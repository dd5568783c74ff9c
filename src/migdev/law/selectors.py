"""Reads: the status of an instrument on a date, computed from the dated actions of one party-list edition.

A participant is a party on day D when it consented to be bound (ratification, accession, succession,
acceptance, approval) on or before D and had not denounced the instrument by D. A consent known only by its
year counts from the last day of that year; on an earlier day of the same year it is *uncertain* and counted
apart, never silently in or out. A status is always as of the edition's date: asked for a later day, the
answer is the status on that date and says so (``known_until``).
"""

from __future__ import annotations

import bisect
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Prefetch

from migdev.law.models import (
    CONSENT_KINDS,
    EU_CODE,
    INSTITUTION_COLUMN,
    SEX_COLUMN,
    ActionKind,
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


def instruments() -> list[Instrument]:
    newest = PartyList.objects.order_by("-as_of")
    return list(
        Instrument.objects.prefetch_related(
            "topics", "gcm_objectives", Prefetch("party_lists", queryset=newest)
        ).order_by("body", "code")
    )


def instrument(code: str) -> Instrument | None:
    return (
        Instrument.objects.prefetch_related("topics", "gcm_objectives").filter(code=code.upper()[:20]).first()
    )


def provisions(instrument: Instrument) -> list[Provision]:
    return list(instrument.provisions.prefetch_related("topics", "gcm_objectives").order_by("pk"))


def policy_links(policy_pk: int) -> list[Implementation]:
    """The instruments a national law implements and the Global Compact objectives it serves."""
    return list(
        Implementation.objects.filter(policy_id=policy_pk)
        .select_related("instrument")
        .prefetch_related("gcm_objectives")
        .order_by("instrument__code")
    )


def editions(instrument: Instrument) -> list[PartyList]:
    return list(instrument.party_lists.order_by("-as_of"))


def edition(instrument: Instrument, as_of: date | None = None) -> PartyList | None:
    """The newest edition, or the one dated ``as_of``."""
    lists = instrument.party_lists.order_by("-as_of")
    if as_of is not None:
        lists = lists.filter(as_of=as_of)
    return lists.first()


def _effective(action: PartyAction) -> date | None:
    """The first day on which the action is certainly known to have happened."""
    return _effective_day(action.precision, action.date, action.year)


def _effective_day(precision: str, day: date | None, year: int | None) -> date | None:
    if precision == Precision.DAY:
        return day
    if precision == Precision.YEAR and year:
        return date(year, 12, 31)
    return None


@dataclass(frozen=True)
class ParticipantStatus:
    code: str
    name_as_printed: str
    is_party: bool
    is_signatory: bool  # signed and not (yet) a party on the day
    uncertain: bool  # consent known by its year only, and the day falls in that year
    consent: PartyAction | None
    signature: PartyAction | None
    denunciation: PartyAction | None
    listed_without_date: bool
    actions: tuple[PartyAction, ...]
    source: str
    as_of: date
    note: str

    @property
    def is_state(self) -> bool:
        return self.code != EU_CODE

    @property
    def statements(self) -> list[Statement]:
        """Reservations, declarations and objections made with any of the actions (prefetch them)."""
        found = [statement for action in self.actions for statement in action.statements.all()]
        return sorted(found, key=lambda s: (s.made_on or date.min, s.pk))


def participant_status(actions: Sequence[PartyAction], on: date) -> ParticipantStatus:
    """One participant's status on ``on`` from its actions in one edition."""
    consent = next((a for a in actions if a.kind in CONSENT_KINDS), None)
    signature = next((a for a in actions if a.kind == ActionKind.SIGNATURE), None)
    denunciation = next((a for a in actions if a.kind == ActionKind.DENUNCIATION), None)
    consented_on = _effective(consent) if consent else None
    denounced_on = _effective(denunciation) if denunciation else None
    is_party = (
        consented_on is not None
        and consented_on <= on
        and not (denounced_on is not None and denounced_on <= on)
    )
    uncertain = (
        consent is not None
        and consent.precision == Precision.YEAR
        and consent.year == on.year
        and not is_party
    )
    signed = signature is not None and signature.date is not None and signature.date <= on
    first = actions[0]
    return ParticipantStatus(
        code=first.participant_code,
        name_as_printed=first.name_as_printed,
        is_party=is_party,
        is_signatory=signed and not is_party and not (denounced_on is not None and denounced_on <= on),
        uncertain=uncertain,
        consent=consent,
        signature=signature,
        denunciation=denunciation,
        listed_without_date=any(a.kind == ActionKind.LISTED for a in actions),
        actions=tuple(actions),
        source=first.source,
        as_of=max(a.as_of for a in actions),
        note=first.note,
    )


def _by_participant(actions: Iterable[PartyAction]) -> dict[str, list[PartyAction]]:
    grouped: dict[str, list[PartyAction]] = defaultdict(list)
    for action in actions:
        grouped[action.participant_code].append(action)
    return grouped


@dataclass(frozen=True)
class Status:
    """An instrument's status on ``on`` according to ``party_list``; ``known_until`` is the edition's date."""

    instrument: Instrument
    party_list: PartyList
    on: date
    participants: list[ParticipantStatus]

    @property
    def known_until(self) -> date:
        return self.party_list.as_of

    @property
    def day(self) -> date:
        """The day the figures are true on: the day asked, or the list's date when asked for a later one."""
        return min(self.on, self.party_list.as_of)

    @property
    def after_source_date(self) -> bool:
        return self.on > self.party_list.as_of

    @property
    def parties(self) -> list[ParticipantStatus]:
        return [p for p in self.participants if p.is_party]

    @property
    def party_count(self) -> int:
        return len(self.parties)

    @property
    def state_party_count(self) -> int:
        return sum(1 for p in self.parties if p.is_state)

    @property
    def signatory_count(self) -> int:
        return sum(1 for p in self.participants if p.is_signatory)

    @property
    def uncertain_count(self) -> int:
        return sum(1 for p in self.participants if p.uncertain)


def status(
    instrument: Instrument, on: date | None = None, *, party_list: PartyList | None = None
) -> Status | None:
    """The status on ``on`` (default: the edition's own date) from the newest edition, or ``party_list``.

    None when no party list is loaded: a missing list is never shown as zero parties. A day after the
    edition's date is answered with the edition's date: nothing is known after it.
    """
    party_list = party_list or edition(instrument)
    if party_list is None:
        return None
    day = min(on or party_list.as_of, party_list.as_of)
    grouped = _by_participant(party_list.actions.prefetch_related("statements"))
    participants = [participant_status(actions, day) for actions in grouped.values()]
    return Status(instrument, party_list, on or party_list.as_of, participants)


@dataclass(frozen=True)
class YearCount:
    year: int
    on: date
    parties: int
    uncertain: int


def counts_by_year(instrument: Instrument, *, party_list: PartyList | None = None) -> list[YearCount]:
    """Parties at the end of each year from the first dated action to the edition's date (the last point is
    on that date, not on 31 December)."""
    party_list = party_list or edition(instrument)
    if party_list is None:
        return []
    grouped = _by_participant(party_list.actions.all())
    years = [a.year for actions in grouped.values() for a in actions if a.year]
    if not years:
        return []
    first = min(years)
    if instrument.adopted_year:
        first = min(first, instrument.adopted_year)
    out = []
    for year in range(first, party_list.as_of.year + 1):
        day = min(date(year, 12, 31), party_list.as_of)
        statuses = [participant_status(actions, day) for actions in grouped.values()]
        out.append(
            YearCount(
                year,
                day,
                sum(1 for s in statuses if s.is_party),
                sum(1 for s in statuses if s.uncertain),
            )
        )
    return out


def party_counts(party_list: PartyList, days: Sequence[date]) -> dict[date, int]:
    """The number of parties on each of ``days`` (each clamped to the list's date), from one read of the
    list's actions: the same rule as ``status`` without building every participant's status per day."""
    consents: dict[str, date | None] = {}
    denunciations: dict[str, date | None] = {}
    # In the model's order, so "the first consent" is the one ``status`` takes; plain tuples, no instances.
    for code, kind, day, year, precision in party_list.actions.values_list(
        "participant_code", "kind", "date", "year", "precision"
    ):
        if kind in CONSENT_KINDS:
            consents.setdefault(code, _effective_day(precision, day, year))
        elif kind == ActionKind.DENUNCIATION:
            denunciations.setdefault(code, _effective_day(precision, day, year))
    starts, ends = [], []
    for code, start in consents.items():
        if start is None:
            continue
        end = denunciations.get(code)
        if end is not None and end <= start:
            continue  # denounced on or before the consent counts: never a party on any day
        starts.append(start)
        if end is not None:
            ends.append(end)
    starts.sort()
    ends.sort()
    out = {}
    for day in days:
        on = min(day, party_list.as_of)
        # parties: consent on or before the day, less those whose denunciation took effect on or before it
        out[day] = bisect.bisect_right(starts, on) - bisect.bisect_right(ends, on)
    return out


@dataclass(frozen=True)
class CountryInstrument:
    instrument: Instrument
    status: ParticipantStatus | None  # None: not listed in the edition (or no edition)
    party_list: PartyList | None


def country_instruments(iso3: str) -> list[CountryInstrument]:
    """Every instrument with the country's status in its newest edition (as of that edition's date)."""
    out = []
    for item in instruments():
        lists = list(item.party_lists.all())
        party_list = lists[0] if lists else None
        participant = None
        if party_list is not None:
            actions = list(party_list.actions.filter(participant_code=iso3).prefetch_related("statements"))
            if actions:
                participant = participant_status(actions, party_list.as_of)
        out.append(CountryInstrument(item, participant, party_list))
    return out


@dataclass(frozen=True)
class ProfileCard:
    """The country migration profile's card: the instruments the country is party to, each as of its list's
    date, and how many binding instruments have no party list (so their absence is never read as "not party")."""

    parties: list[CountryInstrument]
    without_list: list[Instrument]


def profile_card(iso3: str) -> ProfileCard:
    items = country_instruments(iso3)
    return ProfileCard(
        parties=[item for item in items if item.status is not None and item.status.is_party],
        without_list=[
            item.instrument for item in items if item.party_list is None and item.instrument.binding
        ],
    )


def age_in_years(as_of: date, today: date) -> int:
    """Whole years between a status's date and today, for the "this status is N years old" notice."""
    return today.year - as_of.year - ((today.month, today.day) < (as_of.month, as_of.day))


def named_counts(training: Training) -> dict[str, int]:
    """Named participants whose consent stands, by count column of ``Training``."""
    counts = dict.fromkeys([*SEX_COLUMN.values(), *INSTITUTION_COLUMN.values()], 0)
    named = TrainingParticipant.objects.filter(training=training, consent_withdrawn_at__isnull=True)
    for row in named.values("sex").annotate(n=Count("pk")):
        counts[SEX_COLUMN[ParticipantSex(row["sex"])]] += row["n"]
    for row in named.values("institution_kind").annotate(n=Count("pk")):
        counts[INSTITUTION_COLUMN[InstitutionKind(row["institution_kind"])]] += row["n"]
    return counts
