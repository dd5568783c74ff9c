"""Load formats of the migration-law module, all read through the shared reader (``migdev.dataio``).

``law-instruments``
    One row per instrument (the layout of the shipped ``data/instruments.csv``): titles, adoption, entry
    into force, depositary, each with its source; independent party counts; ``topics`` (codes of the
    platform's topics) and ``gcm_objectives`` (numbers 1–23), ``;``-separated. A code already stored is
    updated, so the load can be run again.

``law-parties``
    A party list in the layout of the shipped snapshot: one row per participant with its signature and
    consent dates, the action, the status, its source and ``as_of`` (the date of the status table the row
    was copied from). Countries are matched on ISO codes: the printed name must be in the reviewed name
    table (``data/country_names.csv``) and its code must be the one in the ``iso3`` column; an unknown
    name is refused, never guessed. The file becomes the instrument's edition dated by its latest
    ``as_of``: a newer file loads beside the older one, the same file again replaces its own edition.

``law-untc-status``
    The participant table of a UN Treaty Collection status page saved as CSV (columns ``Participant``,
    ``Signature`` and the consent column, headed ``Ratification, Accession(a), …`` or the like), named
    ``<instrument code>_<YYYY-MM-DD>.csv`` for the instrument and the day it was copied. Cells are read as
    UNTC prints them ("5 Jun 2007 a"); footnote numbers after a name are dropped before the name look-up.

Every problem is reported with its file, row and column; nothing is written unless the whole file is valid.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from migdev.coordination.models import GcmObjective, Topic
from migdev.dataio.errors import ErrorCollector
from migdev.dataio.progress import Progress
from migdev.dataio.readers import estimate_data_rows, read_table
from migdev.dataio.registry import ImportResult, LoadFormat
from migdev.indicators.cache import bump_data_version
from migdev.law.models import (
    CONSENT_KINDS,
    EU_CODE,
    ActionKind,
    Instrument,
    PartyAction,
    PartyList,
    Precision,
    Statement,
    StatementKind,
)
from migdev.reference.models import Country

if TYPE_CHECKING:
    from migdev.accounts.models import User

DATA = Path(__file__).resolve().parent / "data"
NAME_TABLE = DATA / "country_names.csv"
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
YEAR = re.compile(r"^\d{4}$")
EARLIEST_YEAR = 1900


@lru_cache(maxsize=1)
def reviewed_names() -> dict[str, str]:
    """Participant names as depositaries print them → ISO alpha-3 (or EU), each pair checked by a person."""
    with NAME_TABLE.open(encoding="utf-8", newline="") as handle:
        return {row["name_as_printed"]: row["code"] for row in csv.DictReader(handle)}


def _text(value: str | None) -> str:
    return " ".join((value or "").split())


def _iso_date(problems: ErrorCollector, number: int, column: str, value: str | None) -> date | None:
    text = _text(value)
    if not text:
        return None
    if not ISO_DATE.match(text):
        problems.add(
            number, column, _("not a date in the form YYYY-MM-DD: “%(value)s”") % {"value": text[:40]}
        )
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        problems.add(number, column, _("no such day: “%(value)s”") % {"value": text})
        return None


def _year(problems: ErrorCollector, number: int, column: str, value: str | None) -> int | None:
    text = _text(value)
    if not text:
        return None
    if not YEAR.match(text) or not EARLIEST_YEAR <= int(text) <= 2100:
        problems.add(number, column, _("not a year: “%(value)s”") % {"value": text[:40]})
        return None
    return int(text)


def _count(problems: ErrorCollector, number: int, column: str, value: str | None) -> int | None:
    text = _text(value)
    if not text:
        return None
    if not text.isdigit():
        problems.add(number, column, _("not a whole number: “%(value)s”") % {"value": text[:40]})
        return None
    return int(text)


# --- instruments ---------------------------------------------------------------------------------------

INSTRUMENT_REQUIRED = frozenset({"code", "body", "instrument_type", "binding", "title_en"})
INSTRUMENT_OPTIONAL = frozenset(
    {
        "title_fr",
        "title_es",
        "title_source",
        "adoption_date",
        "adoption_place_or_body",
        "adoption_source",
        "entry_into_force",
        "entry_into_force_source",
        "depositary",
        "depositary_source",
        "reference_url",
        "independent_count",
        "independent_count_as_of",
        "independent_count_source",
        "later_independent_count",
        "later_independent_count_as_of",
        "later_independent_count_source",
        "notes",
        "topics",
        "gcm_objectives",
        # Columns of the snapshot that migdev recomputes from the party lists instead of storing.
        "parties_file",
        "parties_in_file",
        "parties_in_file_states_only",
        "signatories_only_in_file",
        "parties_as_of",
        "file_count_at_that_date",
        "cross_check_result",
    }
)
CODE = re.compile(r"^[A-Z][A-Z0-9_]{1,19}$")
TEXT_LIMITS = {"title_en": 400, "title_fr": 400, "title_es": 400, "depositary": 200, "reference_url": 300}


def load_instruments(path: Path, *, progress: Progress, user: User | None) -> ImportResult:
    problems = ErrorCollector(path.name)
    topics = {topic.code: topic for topic in Topic.objects.all()}
    objectives = {objective.number: objective for objective in GcmObjective.objects.all()}
    records: dict[str, tuple[dict[str, object], list[Topic], list[GcmObjective]]] = {}
    first_row: dict[str, int] = {}
    read = 0
    progress.start(estimate_data_rows(path))
    for number, row in read_table(path, required=INSTRUMENT_REQUIRED, optional=INSTRUMENT_OPTIONAL):
        read += 1
        progress.advance(1)
        code = _text(row["code"]).upper()
        if not CODE.match(code):
            problems.add(number, "code", _("an instrument code is letters, digits and “_”, e.g. C097"))
            continue
        if code in first_row:
            problems.add(
                number, "code", _("this instrument is also on row %(row)d") % {"row": first_row[code]}
            )
            continue
        first_row[code] = number
        binding = _text(row["binding"]).lower()
        if binding not in {"yes", "no"}:
            problems.add(number, "binding", _("“yes” or “no”"))
        record: dict[str, object] = {
            "body": _text(row["body"])[:20],
            "kind": _text(row["instrument_type"])[:120],
            "binding": binding == "yes",
            "source": path.name[:200],
        }
        for column in ("title_en", "title_fr", "title_es", "depositary", "reference_url"):
            value = _text(row[column])
            if len(value) > TEXT_LIMITS[column]:
                problems.add(number, column, _("longer than %(n)d characters") % {"n": TEXT_LIMITS[column]})
            record[column] = value
        if not record["title_en"]:
            problems.add(number, "title_en", _("an English title is required"))
        if not record["body"]:
            problems.add(number, "body", _("the body that adopted the instrument is required"))
        adoption = _text(row["adoption_date"])
        record["adopted_on"], record["adopted_year"] = None, None
        if YEAR.match(adoption):
            record["adopted_year"] = _year(problems, number, "adoption_date", adoption)
        elif adoption:
            adopted = _iso_date(problems, number, "adoption_date", adoption)
            record["adopted_on"], record["adopted_year"] = adopted, adopted.year if adopted else None
        record["entry_into_force"] = _iso_date(problems, number, "entry_into_force", row["entry_into_force"])
        record["independent_count"] = _count(problems, number, "independent_count", row["independent_count"])
        record["later_count"] = _count(
            problems, number, "later_independent_count", row["later_independent_count"]
        )
        for target, column in (
            ("title_source", "title_source"),
            ("adoption_place", "adoption_place_or_body"),
            ("adoption_source", "adoption_source"),
            ("entry_into_force_source", "entry_into_force_source"),
            ("depositary_source", "depositary_source"),
            ("independent_count_source", "independent_count_source"),
            ("later_count_source", "later_independent_count_source"),
            ("notes", "notes"),
        ):
            record[target] = (row[column] or "").strip()
        record["independent_count_as_of"] = _text(row["independent_count_as_of"])[:200]
        record["later_count_as_of"] = _text(row["later_independent_count_as_of"])[:200]
        topic_codes = [part.strip() for part in (row["topics"] or "").split(";") if part.strip()]
        unknown_topics = [code for code in topic_codes if code not in topics]
        if unknown_topics:
            problems.add(
                number, "topics", _("unknown topics: %(codes)s") % {"codes": ", ".join(unknown_topics)}
            )
        numbers = [part.strip() for part in (row["gcm_objectives"] or "").split(";") if part.strip()]
        wrong = [part for part in numbers if not part.isdigit() or int(part) not in objectives]
        if wrong:
            problems.add(
                number,
                "gcm_objectives",
                _("Global Compact objectives are numbered 1 to 23: %(values)s")
                % {"values": ", ".join(wrong)},
            )
        records[code] = (
            record,
            [topics[code] for code in topic_codes if code in topics],
            [objectives[int(part)] for part in numbers if part.isdigit() and int(part) in objectives],
        )
    if read == 0:
        problems.add(None, None, _("the file has no data rows"))
    problems.raise_if_any(read=read)
    created = updated = 0
    for code, (record, instrument_topics, instrument_objectives) in records.items():
        instrument, was_created = Instrument.objects.update_or_create(code=code, defaults=record)
        if not was_created:  # the file rewrote it: an edit form opened before must not overwrite the load
            Instrument.objects.filter(pk=instrument.pk).update(version=F("version") + 1)
        instrument.topics.set(instrument_topics)
        instrument.gcm_objectives.set(instrument_objectives)
        created += was_created
        updated += not was_created
    return ImportResult(read=read, created=created, updated=updated, rejected=0)


# --- party lists ---------------------------------------------------------------------------------------


@dataclass
class ParsedAction:
    kind: str
    date: date | None
    year: int | None
    precision: str
    raw: str = ""


@dataclass
class ParsedStatement:
    kind: str
    made_on: date | None
    text: str
    source: str
    row: int


@dataclass
class ParsedParticipant:
    row: int
    code: str
    name: str
    entity_type: str
    source: str
    note: str
    as_of: date
    actions: list[ParsedAction] = field(default_factory=list)
    statements: list[ParsedStatement] = field(default_factory=list)


ACTION_WORDS = {
    "ratification": ActionKind.RATIFICATION,
    "accession": ActionKind.ACCESSION,
    "succession": ActionKind.SUCCESSION,
    "acceptance": ActionKind.ACCEPTANCE,
    "approval": ActionKind.APPROVAL,
    "ratification or accession (type not given by source)": ActionKind.CONSENT,
}
STATUSES = ("party", "signatory (not a party)", "denounced", "listed without signature or consent date")

PARTIES_REQUIRED = frozenset(
    {
        "instrument_code",
        "iso3",
        "country_name_source",
        "entity_type",
        "action",
        "signature_date",
        "ratification_accession_date",
        "ratification_accession_year",
        "status",
        "source",
        "as_of",
    }
)
PARTIES_OPTIONAL = frozenset(
    {"consent_raw", "signature_raw", "note", "denunciation_date", "reservations_declarations"}
)


def _participant_code(
    problems: ErrorCollector, number: int, name: str, column: str, known: set[str]
) -> str | None:
    """The reviewed table's code for a printed name; an unknown name is refused, never guessed."""
    if not name:
        problems.add(number, column, _("the participant's name is required"))
        return None
    code = reviewed_names().get(name)
    if code is None:
        problems.add(
            number,
            column,
            _(
                "“%(name)s” is not in the reviewed table of participant names (%(table)s): check which "
                "country it is and add the name with its ISO alpha-3 code"
            )
            % {"name": name[:100], "table": NAME_TABLE.name},
        )
        return None
    if code != EU_CODE and code not in known:
        problems.add(
            number, column, _("%(code)s is not a country code of the reference data") % {"code": code}
        )
        return None
    return code


def load_parties(path: Path, *, progress: Progress, user: User | None) -> ImportResult:
    problems = ErrorCollector(path.name)
    known = set(Country.objects.values_list("iso3", flat=True))
    instruments = {instrument.code: instrument for instrument in Instrument.objects.all()}
    instrument_code = ""
    participants: list[ParsedParticipant] = []
    seen: dict[str, int] = {}
    read = 0
    progress.start(estimate_data_rows(path))
    for number, row in read_table(path, required=PARTIES_REQUIRED, optional=PARTIES_OPTIONAL):
        read += 1
        progress.advance(1)
        code_in_row = _text(row["instrument_code"]).upper()
        if code_in_row not in instruments:
            problems.add(
                number,
                "instrument_code",
                _("unknown instrument “%(code)s”: load it with law-instruments first")
                % {"code": code_in_row[:20]},
            )
            continue
        if instrument_code and code_in_row != instrument_code:
            problems.add(
                number,
                "instrument_code",
                _("one file holds one instrument's party list; the file began with %(code)s")
                % {"code": instrument_code},
            )
            continue
        instrument_code = code_in_row
        name = _text(row["country_name_source"])
        code = _participant_code(problems, number, name, "country_name_source", known)
        if code is None:
            continue
        iso3 = _text(row["iso3"]).upper()
        expected_iso3 = "" if code == EU_CODE else code
        if iso3 != expected_iso3:
            problems.add(
                number,
                "iso3",
                _("the reviewed name table gives “%(name)s” the code %(expected)s, not %(found)s")
                % {"name": name[:100], "expected": expected_iso3 or "—", "found": iso3 or "—"},
            )
            continue
        if code in seen:
            problems.add(
                number,
                "country_name_source",
                _("this participant is also on row %(row)d") % {"row": seen[code]},
            )
            continue
        seen[code] = number
        as_of = _iso_date(problems, number, "as_of", row["as_of"])
        if as_of is None:
            if not problems.row_has_errors(number):
                problems.add(number, "as_of", _("the date of the status table is required"))
            continue
        source = (row["source"] or "").strip()
        if not source:
            problems.add(number, "source", _("every row needs its source"))
        participant = ParsedParticipant(
            row=number,
            code=code,
            name=name,
            entity_type=_text(row["entity_type"])[:80] or "state",
            source=source,
            note=(row["note"] or "").strip(),
            as_of=as_of,
        )
        _parse_actions(problems, number, row, participant)
        declared = (row["reservations_declarations"] or "").strip()
        if declared:
            consent = next((a for a in participant.actions if a.kind in CONSENT_KINDS), None)
            participant.statements.append(
                ParsedStatement(
                    StatementKind.UNSPECIFIED, consent.date if consent else None, declared, source, number
                )
            )
        participants.append(participant)
    if read == 0:
        problems.add(None, None, _("the file has no data rows"))
    problems.raise_if_any(read=read)
    return _write_edition(instruments[instrument_code], participants, path, "law-parties")


def _parse_actions(
    problems: ErrorCollector, number: int, row: dict[str, str | None], participant: ParsedParticipant
) -> None:
    status = _text(row["status"])
    if status not in STATUSES:
        problems.add(number, "status", _("one of: %(values)s") % {"values": "; ".join(STATUSES)})
        return
    signed = _iso_date(problems, number, "signature_date", row["signature_date"])
    consented = _iso_date(problems, number, "ratification_accession_date", row["ratification_accession_date"])
    year = _year(problems, number, "ratification_accession_year", row["ratification_accession_year"])
    denounced = _iso_date(problems, number, "denunciation_date", row["denunciation_date"])
    if problems.row_has_errors(number):
        return
    if consented and year and consented.year != year:
        problems.add(
            number, "ratification_accession_year", _("the year is not the year of the date beside it")
        )
    for column, value in (("signature_date", signed), ("ratification_accession_date", consented)):
        if value and value > participant.as_of:
            problems.add(number, column, _("after the date of the status table (as_of)"))
    if year and year > participant.as_of.year:
        problems.add(number, "ratification_accession_year", _("after the date of the status table (as_of)"))
    action = _text(row["action"]).lower()
    has_consent = consented is not None or year is not None
    if status in {"party", "denounced"}:
        kind = ACTION_WORDS.get(action)
        if kind is None:
            problems.add(number, "action", _("one of: %(values)s") % {"values": "; ".join(ACTION_WORDS)})
        if not has_consent:
            problems.add(
                number, "ratification_accession_date", _("a party needs the date or year of its consent")
            )
        if status == "denounced" and denounced is None:
            problems.add(
                number, "denunciation_date", _("a denounced instrument needs the date it took effect")
            )
        if kind is not None and has_consent:
            participant.actions.append(
                ParsedAction(
                    kind,
                    consented,
                    consented.year if consented else year,
                    Precision.DAY if consented else Precision.YEAR,
                    _text(row["consent_raw"])[:200],
                )
            )
    elif has_consent:
        problems.add(
            number,
            "status",
            _("the row has a consent date but its status is “%(status)s”") % {"status": status},
        )
    if status == "signatory (not a party)" and signed is None:
        problems.add(number, "signature_date", _("a signatory needs the date of its signature"))
    if denounced and status != "denounced":
        problems.add(number, "denunciation_date", _("only a denounced instrument has a denunciation date"))
    if signed:
        participant.actions.append(
            ParsedAction(
                ActionKind.SIGNATURE, signed, signed.year, Precision.DAY, _text(row["signature_raw"])[:200]
            )
        )
    if denounced:
        participant.actions.append(
            ParsedAction(ActionKind.DENUNCIATION, denounced, denounced.year, Precision.DAY)
        )
    if status == "listed without signature or consent date":
        if signed:
            problems.add(number, "status", _("the row has a signature date but its status says it has none"))
        participant.actions.append(ParsedAction(ActionKind.LISTED, None, None, Precision.NONE))


def _write_edition(
    instrument: Instrument, participants: list[ParsedParticipant], path: Path, format_name: str
) -> ImportResult:
    """Store the participants as the instrument's edition dated by their latest ``as_of``; a load of the
    same edition again replaces it (so the command can be re-run), other editions stay beside it."""
    as_of = max(participant.as_of for participant in participants)
    sources = sorted({participant.source for participant in participants if participant.source})
    existing = PartyList.objects.filter(instrument=instrument, as_of=as_of).first()
    if existing is not None:
        existing.delete()
    party_list = PartyList.objects.create(
        instrument=instrument,
        as_of=as_of,
        format_name=format_name,
        file_name=path.name[:255],
        sources="\n".join(sources),
        loaded_at=timezone.now(),
    )
    PartyAction.objects.bulk_create(
        PartyAction(
            party_list=party_list,
            participant_code=participant.code,
            name_as_printed=participant.name[:200],
            entity_type=participant.entity_type,
            kind=action.kind,
            date=action.date,
            year=action.year,
            precision=action.precision,
            raw=action.raw,
            source=participant.source,
            note=participant.note,
            as_of=participant.as_of,
            row=participant.row,
        )
        for participant in participants
        for action in participant.actions
    )
    stored: dict[str, dict[str, PartyAction]] = {}
    for action in PartyAction.objects.filter(party_list=party_list):
        stored.setdefault(action.participant_code, {})[action.kind] = action
    Statement.objects.bulk_create(
        Statement(
            action=_carrier(stored[participant.code]),
            kind=statement.kind,
            made_on=statement.made_on,
            text=statement.text,
            source=statement.source,
            row=statement.row,
        )
        for participant in participants
        for statement in participant.statements
    )
    # The country profiles (indicators) cache a card of each country's instruments.
    bump_data_version()
    count = len(participants)
    return ImportResult(
        read=count,
        created=0 if existing else count,
        updated=count if existing else 0,
        rejected=0,
    )


def _carrier(mine: dict[str, PartyAction]) -> PartyAction:
    """The action a participant's reservations and declarations are attached to: its consent to be bound,
    else its signature, else its only row."""
    consent = next((mine[kind] for kind in CONSENT_KINDS if kind in mine), None)
    return consent or mine.get(ActionKind.SIGNATURE) or next(iter(mine.values()))


# --- UN Treaty Collection status table -----------------------------------------------------------------

UNTC_NAME = re.compile(r"^(?P<code>[A-Z][A-Z0-9_]{1,19})_(?P<date>\d{4}-\d{2}-\d{2})$")
UNTC_CELL = re.compile(r"^(?P<day>\d{1,2}) (?P<month>[A-Z][a-z]{2}) (?P<year>\d{4})(?: (?P<mark>a|d|A|AA))?$")
# UNTC prints English month abbreviations whatever the locale of the machine reading them.
MONTHS = {
    name: number for number, name in enumerate("Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split(), 1)
}
UNTC_MARKS = {
    None: ActionKind.RATIFICATION,
    "a": ActionKind.ACCESSION,
    "d": ActionKind.SUCCESSION,
    "A": ActionKind.ACCEPTANCE,
    "AA": ActionKind.APPROVAL,
}
FOOTNOTES = re.compile(r"[\s,]*\d+(?:\s*,\s*\d+)*$")
UNTC_ALIASES = {
    "Ratification, Acceptance(A), Approval(AA), Accession(a), Succession(d)": "consent",
    "Ratification, Accession(a), Succession(d)": "consent",
    "Ratification, Accession(a)": "consent",
    "Accession(a), Succession(d)": "consent",
    "Ratification, Acceptance(A), Approval(AA), Accession(a)": "consent",
    "Formal confirmation(c), Acceptance(A), Approval(AA), Accession(a), Ratification": "consent",
}


def _untc_date(
    problems: ErrorCollector, number: int, column: str, text: str
) -> tuple[date, str | None] | None:
    match = UNTC_CELL.match(text)
    if not match:
        problems.add(
            number,
            column,
            _("not a date as UNTC prints it (“5 Jun 2007 a”): “%(value)s”") % {"value": text[:40]},
        )
        return None
    month = MONTHS.get(match["month"])
    try:
        if month is None:
            raise ValueError(match["month"])
        day = date(int(match["year"]), month, int(match["day"]))
    except ValueError:
        problems.add(number, column, _("no such day: “%(value)s”") % {"value": text[:40]})
        return None
    return day, match["mark"]


def _instrument_and_day_copied(path: Path) -> tuple[Instrument | None, date | None]:
    """A party-list file named ``<instrument code>_<YYYY-MM-DD>.csv``: the loaded instrument and the day the
    table was copied, each None when the name does not give it."""
    named = UNTC_NAME.match(path.stem)
    if not named:
        return None, None
    instrument = Instrument.objects.filter(code=named["code"]).first()
    try:
        return instrument, date.fromisoformat(named["date"])
    except ValueError:
        return instrument, None


def load_untc_status(path: Path, *, progress: Progress, user: User | None) -> ImportResult:
    problems = ErrorCollector(path.name)
    instrument, as_of = _instrument_and_day_copied(path)
    if instrument is None or as_of is None:
        # Reported with the rows' own problems, so that one round trip shows everything to fix.
        problems.add(
            None,
            None,
            _(
                "name the file <instrument code>_<YYYY-MM-DD>.csv, for a loaded instrument and the day the "
                "status page was copied (e.g. TIP2000_2024-05-01.csv)"
            ),
        )
    known = set(Country.objects.values_list("iso3", flat=True))
    source = _("UN Treaty Collection status table, copied %(date)s (%(file)s)") % {
        "date": as_of.isoformat() if as_of else "?",
        "file": path.name,
    }
    participants: list[ParsedParticipant] = []
    seen: dict[str, int] = {}
    read = 0
    progress.start(estimate_data_rows(path))
    rows = read_table(
        path,
        required=frozenset({"Participant", "consent"}),
        optional=frozenset({"Signature"}),
        aliases=UNTC_ALIASES,
    )
    for number, row in rows:
        read += 1
        progress.advance(1)
        name = FOOTNOTES.sub("", _text(row["Participant"]))
        code = _participant_code(problems, number, name, "Participant", known)
        if code is None:
            continue
        if code in seen:
            problems.add(
                number, "Participant", _("this participant is also on row %(row)d") % {"row": seen[code]}
            )
            continue
        seen[code] = number
        participant = ParsedParticipant(
            row=number,
            code=code,
            name=name,
            entity_type="regional economic integration organization" if code == EU_CODE else "state",
            source=source,
            note="",
            as_of=as_of or date.min,
        )
        signature_text, consent_text = _text(row["Signature"]), _text(row["consent"])
        if signature_text:
            parsed = _untc_date(problems, number, "Signature", signature_text)
            if parsed and parsed[1]:
                problems.add(number, "Signature", _("a signature carries no action mark"))
            elif parsed:
                participant.actions.append(
                    ParsedAction(
                        ActionKind.SIGNATURE, parsed[0], parsed[0].year, Precision.DAY, signature_text
                    )
                )
        if consent_text:
            parsed = _untc_date(problems, number, "consent", consent_text)
            if parsed:
                participant.actions.append(
                    ParsedAction(
                        UNTC_MARKS[parsed[1]], parsed[0], parsed[0].year, Precision.DAY, consent_text
                    )
                )
        if not signature_text and not consent_text:
            participant.actions.append(ParsedAction(ActionKind.LISTED, None, None, Precision.NONE))
        for action in participant.actions:
            if as_of and action.date and action.date > as_of:
                problems.add(
                    number, None, _("a date after the day the table was copied (%(date)s)") % {"date": as_of}
                )
        participants.append(participant)
    if read == 0:
        problems.add(None, None, _("the file has no data rows"))
    problems.raise_if_any(read=read)
    assert instrument is not None  # for mypy: a file without its instrument was refused above
    return _write_edition(instrument, participants, path, "law-untc-status")


# --- ILO NORMLEX ratification table --------------------------------------------------------------------

NORMLEX_DATE = re.compile(r"^(?P<day>\d{1,2}) (?P<month>[A-Z][a-z]{2}) (?P<year>\d{4})$")
NORMLEX_DENOUNCED = re.compile(
    r"^(?:denounced|automatic denunciation)(?: on)? (?P<date>\d{1,2} [A-Z][a-z]{2} \d{4})(?: .*)?$",
    re.IGNORECASE,
)
NORMLEX_IN_FORCE = "in force"
NORMLEX_NOT_IN_FORCE = "not in force"
NORMLEX_ALIASES = {
    "Ratification date": "Date",
    "Current status": "Status",
    "Exclusions and declarations": "Declarations",
}


def _normlex_date(problems: ErrorCollector, number: int, column: str, text: str) -> date | None:
    match = NORMLEX_DATE.match(text)
    if not match:
        problems.add(
            number,
            column,
            _("not a date as NORMLEX prints it in English (“02 Mar 2005”): “%(value)s”")
            % {"value": text[:40]},
        )
        return None
    month = MONTHS.get(match["month"])
    try:
        if month is None:
            raise ValueError(match["month"])
        return date(int(match["year"]), month, int(match["day"]))
    except ValueError:
        problems.add(number, column, _("no such day: “%(value)s”") % {"value": text[:40]})
        return None


def load_normlex(path: Path, *, progress: Progress, user: User | None) -> ImportResult:
    """NORMLEX's "Ratifications of <instrument>" table saved as CSV: ``Country``, ``Date`` (of the
    ratification's registration), ``Status`` (“In Force”, “Not in force”, “Denounced on 12 Jul 2018”),
    optional ``Note`` and ``Declarations`` (the exclusions and declarations NORMLEX prints under the
    country's name), and ``Source`` when the table was copied from another publication of the same facts. Named ``<instrument code>_<YYYY-MM-DD>.csv``. NORMLEX lists ratifications only: an ILO
    convention is not signed, so the table has no signatures."""
    problems = ErrorCollector(path.name)
    instrument, as_of = _instrument_and_day_copied(path)
    if instrument is None or as_of is None:
        problems.add(
            None,
            None,
            _(
                "name the file <instrument code>_<YYYY-MM-DD>.csv, for a loaded instrument and the day the "
                "NORMLEX table was copied (e.g. C097_2024-05-01.csv)"
            ),
        )
    elif instrument.body != "ILO":
        problems.add(
            None,
            None,
            _("NORMLEX holds the ILO's instruments; %(code)s is not one (its body is %(body)s)")
            % {"code": instrument.code, "body": instrument.body},
        )
    known = set(Country.objects.values_list("iso3", flat=True))
    source = _("ILO NORMLEX ratification table, copied %(date)s (%(file)s)") % {
        "date": as_of.isoformat() if as_of else "?",
        "file": path.name,
    }
    participants: list[ParsedParticipant] = []
    seen: dict[str, int] = {}
    read = 0
    progress.start(estimate_data_rows(path))
    rows = read_table(
        path,
        required=frozenset({"Country", "Date", "Status"}),
        optional=frozenset({"Note", "Declarations", "Source"}),
        aliases=NORMLEX_ALIASES,
    )
    for number, row in rows:
        read += 1
        progress.advance(1)
        name = _text(row["Country"])
        code = _participant_code(problems, number, name, "Country", known)
        if code is None:
            continue
        if code in seen:
            problems.add(number, "Country", _("this country is also on row %(row)d") % {"row": seen[code]})
            continue
        seen[code] = number
        note = _text(row["Note"])
        participant = ParsedParticipant(
            row=number,
            code=code,
            name=name,
            entity_type="state",
            # A table copied from another publication of the same facts (a depositary notice, a national
            # treaty series) names it on each row, so the list never claims to be NORMLEX's.
            source=_text(row["Source"]) or source,
            note=note,
            as_of=as_of or date.min,
        )
        date_text, status_text = _text(row["Date"]), _text(row["Status"])
        ratified = None
        if not date_text:
            problems.add(number, "Date", _("the date of the ratification is required"))
        else:
            ratified = _normlex_date(problems, number, "Date", date_text)
        denounced_match = NORMLEX_DENOUNCED.match(status_text)
        denounced = None
        if denounced_match:
            denounced = _normlex_date(problems, number, "Status", denounced_match["date"])
            if denounced and ratified and denounced < ratified:
                problems.add(number, "Status", _("denounced before the ratification"))
        elif status_text.lower() == NORMLEX_NOT_IN_FORCE:
            # Ratified, not yet in force for this country (an ILO convention enters into force for a Member
            # twelve months after the registration): the ratification counts, the note says so.
            # The note quotes the source (NORMLEX's English page), so it is stored untranslated.
            quoted = "Source" if _text(row["Source"]) else "NORMLEX"
            participant.note = " ".join(f"{quoted}: “{status_text}”. {note}".split())
        elif status_text.lower() != NORMLEX_IN_FORCE:
            problems.add(
                number,
                "Status",
                _("“In Force”, “Not in force” or “Denounced on <date>”, not “%(value)s”")
                % {"value": status_text[:60]},
            )
        if ratified:
            participant.actions.append(
                ParsedAction(ActionKind.RATIFICATION, ratified, ratified.year, Precision.DAY, date_text)
            )
        if denounced:
            participant.actions.append(
                ParsedAction(ActionKind.DENUNCIATION, denounced, denounced.year, Precision.DAY, status_text)
            )
        for action in participant.actions:
            if as_of and action.date and action.date > as_of:
                problems.add(
                    number,
                    "Date" if action.kind == ActionKind.RATIFICATION else "Status",
                    _("a date after the day the table was copied (%(date)s)") % {"date": as_of},
                )
        declared = (row["Declarations"] or "").strip()
        if declared:
            participant.statements.append(
                ParsedStatement(StatementKind.DECLARATION, ratified, declared, source, number)
            )
        participants.append(participant)
    if read == 0:
        problems.add(None, None, _("the file has no data rows"))
    problems.raise_if_any(read=read)
    assert instrument is not None  # for mypy: a file without its instrument was refused above
    return _write_edition(instrument, participants, path, "law-normlex")


FORMATS = (
    LoadFormat(
        name="law-instruments",
        description=gettext_lazy(
            "International instruments relevant to migration: code, body, instrument_type, binding, titles in "
            "en/fr/es, adoption, entry into force, depositary (each with its source), topics, gcm_objectives."
        ),
        loader=load_instruments,
        permissions=("law.add_instrument", "law.change_instrument"),
    ),
    LoadFormat(
        name="law-parties",
        description=gettext_lazy(
            "An instrument's party list (the migration-law snapshot layout): participant name and ISO3, "
            "signature and consent dates, action, status, source and as_of; loads as an edition beside older ones."
        ),
        loader=load_parties,
        permissions=("law.add_partylist",),
    ),
    LoadFormat(
        name="law-untc-status",
        description=gettext_lazy(
            "A UN Treaty Collection status table saved as CSV (Participant, Signature, Ratification…), named "
            "<instrument code>_<YYYY-MM-DD>.csv; loads as a new edition of the party list."
        ),
        loader=load_untc_status,
        permissions=("law.add_partylist",),
    ),
    LoadFormat(
        name="law-normlex",
        description=gettext_lazy(
            "An ILO NORMLEX ratification table saved as CSV (Country, Date, Status, Note, Declarations), named "
            "<instrument code>_<YYYY-MM-DD>.csv; loads as a new edition of the ILO instrument's party list."
        ),
        loader=load_normlex,
        permissions=("law.add_partylist",),
    ),
)


# --- reservations and declarations ---------------------------------------------------------------------

STATEMENT_WORDS = {
    "reservation": StatementKind.RESERVATION,
    "declaration": StatementKind.DECLARATION,
    "objection": StatementKind.OBJECTION,
}
DECLARATIONS_REQUIRED = frozenset({"instrument_code", "iso3", "kind", "text", "source"})
DECLARATIONS_OPTIONAL = frozenset({"edition", "date"})
STATEMENT_TEXT_LIMIT = 20_000


def load_declarations(path: Path, *, progress: Progress, user: User | None) -> ImportResult:
    """Reservations, declarations and objections, as the depositary printed them, attached to a participant's
    consent (else signature) in one edition of a party list: ``instrument_code``, ``iso3`` (or EU), ``kind``,
    ``text``, ``source``, optional ``edition`` (the list's date; default the newest) and ``date``. The same
    participant, kind and text loaded again updates its date and source instead of adding a copy."""
    problems = ErrorCollector(path.name)
    instruments = {instrument.code: instrument for instrument in Instrument.objects.all()}
    lists: dict[tuple[str, date | None], PartyList | None] = {}
    carriers: dict[int, dict[str, dict[str, PartyAction]]] = {}
    wanted: dict[tuple[int, str, str], dict[str, object]] = {}
    first_row: dict[tuple[int, str, str], int] = {}
    read = 0
    progress.start(estimate_data_rows(path))
    for number, row in read_table(path, required=DECLARATIONS_REQUIRED, optional=DECLARATIONS_OPTIONAL):
        read += 1
        progress.advance(1)
        code = _text(row["instrument_code"]).upper()
        instrument = instruments.get(code)
        if instrument is None:
            problems.add(number, "instrument_code", _("unknown instrument “%(code)s”") % {"code": code[:20]})
            continue
        edition_day = _iso_date(problems, number, "edition", row["edition"])
        if problems.row_has_errors(number):
            continue
        key = (code, edition_day)
        if key not in lists:
            found = instrument.party_lists.order_by("-as_of")
            lists[key] = (found.filter(as_of=edition_day) if edition_day else found).first()
        party_list = lists[key]
        if party_list is None:
            problems.add(
                number,
                "edition" if edition_day else "instrument_code",
                _("%(code)s has no party list dated %(date)s")
                % {"code": code, "date": edition_day.isoformat() if edition_day else "—"}
                if edition_day
                else _("%(code)s has no party list loaded") % {"code": code},
            )
            continue
        if party_list.pk not in carriers:
            grouped: dict[str, dict[str, PartyAction]] = {}
            for action in party_list.actions.all():
                grouped.setdefault(action.participant_code, {})[action.kind] = action
            carriers[party_list.pk] = grouped
        participant = _text(row["iso3"]).upper()
        if participant not in carriers[party_list.pk]:
            problems.add(
                number,
                "iso3",
                _("%(code)s is not a participant in the %(instrument)s list as of %(date)s")
                % {"code": participant[:3] or "—", "instrument": code, "date": party_list.as_of.isoformat()},
            )
            continue
        kind = STATEMENT_WORDS.get(_text(row["kind"]).lower())
        if kind is None:
            problems.add(number, "kind", _("one of: %(values)s") % {"values": "; ".join(STATEMENT_WORDS)})
        made_on = _iso_date(problems, number, "date", row["date"])
        if made_on and made_on > party_list.as_of:
            problems.add(
                number, "date", _("after the date of the party list (%(date)s)") % {"date": party_list.as_of}
            )
        text = (row["text"] or "").strip()
        if not text:
            problems.add(number, "text", _("the text as the depositary printed it is required"))
        elif len(text) > STATEMENT_TEXT_LIMIT:
            problems.add(number, "text", _("longer than %(n)d characters") % {"n": STATEMENT_TEXT_LIMIT})
        source = _text(row["source"])
        if not source:
            problems.add(number, "source", _("every row needs its source"))
        if kind is None or problems.row_has_errors(number):
            continue
        carrier = _carrier(carriers[party_list.pk][participant])
        unique = (carrier.pk, str(kind), text)
        if unique in first_row:
            problems.add(
                number, "text", _("the same statement is also on row %(row)d") % {"row": first_row[unique]}
            )
            continue
        first_row[unique] = number
        wanted[unique] = {"made_on": made_on, "source": source, "row": number}
    if read == 0:
        problems.add(None, None, _("the file has no data rows"))
    problems.raise_if_any(read=read)
    created = updated = 0
    for (action_pk, kind_value, text), values in wanted.items():
        statement, was_created = Statement.objects.update_or_create(
            action_id=action_pk, kind=kind_value, text=text, defaults=values
        )
        if not was_created:  # the file rewrote it: an edit form opened before must not overwrite the load
            Statement.objects.filter(pk=statement.pk).update(version=F("version") + 1)
        created += was_created
        updated += not was_created
    bump_data_version()
    return ImportResult(read=read, created=created, updated=updated, rejected=0)


DECLARATIONS = LoadFormat(
    name="law-declarations",
    description=gettext_lazy(
        "Reservations, declarations and objections of a party (instrument_code, iso3, kind, text, source, "
        "optional edition and date), attached to its consent in a loaded party list."
    ),
    loader=load_declarations,
    permissions=("law.add_statement", "law.change_statement"),
)


# --- provisions tagged with topics and Global Compact objectives -------------------------------------

PROVISIONS_REQUIRED = frozenset({"instrument_code", "provision", "text", "source"})
PROVISIONS_OPTIONAL = frozenset(
    {"title", "topics", "gcm_objectives", "text_kind", "quotation", "official_url"}
)
PROVISION_TEXT_LIMIT = 20_000


def load_provisions(path: Path, *, progress: Progress, user: User | None) -> ImportResult:
    """``instrument_code``, ``provision`` (Article 11(2)), ``text`` (quoted from ``source``), ``source`` (where
    anyone can read that text), optional ``topics`` (codes) and ``gcm_objectives`` (1–23), ``;``-separated.
    A provision already stored is updated (text, source and tags replaced); all or nothing."""
    from migdev.law.models import Provision, ProvisionTextKind

    problems = ErrorCollector(path.name)
    instruments = {instrument.code: instrument for instrument in Instrument.objects.all()}
    topics = {topic.code: topic for topic in Topic.objects.all()}
    objectives = {objective.number: objective for objective in GcmObjective.objects.all()}
    wanted: dict[tuple[str, str], tuple[dict[str, object], list[Topic], list[GcmObjective]]] = {}
    first_row: dict[tuple[str, str], int] = {}
    read = 0
    progress.start(estimate_data_rows(path))
    for number, row in read_table(path, required=PROVISIONS_REQUIRED, optional=PROVISIONS_OPTIONAL):
        read += 1
        progress.advance(1)
        code = _text(row["instrument_code"]).upper()
        if code not in instruments:
            problems.add(number, "instrument_code", _("unknown instrument “%(code)s”") % {"code": code[:20]})
        reference = _text(row["provision"])
        if not reference:
            problems.add(number, "provision", _("the provision's number is required (e.g. Article 11)"))
        elif len(reference) > 60:
            problems.add(number, "provision", _("longer than %(n)d characters") % {"n": 60})
        text = (row["text"] or "").strip()
        if not text:
            problems.add(number, "text", _("the text, quoted from the source, is required"))
        elif len(text) > PROVISION_TEXT_LIMIT:
            problems.add(number, "text", _("longer than %(n)d characters") % {"n": PROVISION_TEXT_LIMIT})
        source = _text(row["source"])
        if not source:
            problems.add(number, "source", _("every row needs its source"))
        # A text is a summary by migdev unless the file says it is the official wording.
        text_kind = _text(row["text_kind"]).lower() or ProvisionTextKind.SUMMARY
        if text_kind not in ProvisionTextKind.values:
            problems.add(
                number, "text_kind", _("“summary” (by migdev) or “official” (the instrument's own words)")
            )
        quotation = (row["quotation"] or "").strip()
        if len(quotation) > PROVISION_TEXT_LIMIT:
            problems.add(number, "quotation", _("longer than %(n)d characters") % {"n": PROVISION_TEXT_LIMIT})
        official_url = _text(row["official_url"])
        if official_url and not official_url.startswith("https://"):
            problems.add(number, "official_url", _("an https:// address"))
        elif len(official_url) > 300:
            problems.add(number, "official_url", _("longer than %(n)d characters") % {"n": 300})
        topic_codes = [part.strip() for part in (row["topics"] or "").split(";") if part.strip()]
        unknown = [item for item in topic_codes if item not in topics]
        if unknown:
            problems.add(
                number, "topics", _("unknown topics: %(codes)s") % {"codes": ", ".join(unknown)[:200]}
            )
        numbers = [part.strip() for part in (row["gcm_objectives"] or "").split(";") if part.strip()]
        wrong = [part for part in numbers if not part.isdigit() or int(part) not in objectives]
        if wrong:
            problems.add(
                number,
                "gcm_objectives",
                _("Global Compact objectives are numbered 1 to 23: %(values)s")
                % {"values": ", ".join(wrong)[:200]},
            )
        key = (code, reference)
        if key in first_row:
            problems.add(
                number, "provision", _("this provision is also on row %(row)d") % {"row": first_row[key]}
            )
            continue
        first_row[key] = number
        if problems.row_has_errors(number):
            continue
        wanted[key] = (
            {
                "title": _text(row["title"])[:200],
                "text": text,
                "text_kind": text_kind,
                "quotation": quotation,
                "official_url": official_url,
                "source": source,
                "loaded_from": path.name[:200],
            },
            [topics[item] for item in topic_codes],
            [objectives[int(part)] for part in numbers],
        )
    if read == 0:
        problems.add(None, None, _("the file has no data rows"))
    problems.raise_if_any(read=read)
    created = updated = 0
    for (code, reference), (values, provision_topics, provision_objectives) in wanted.items():
        provision, was_created = Provision.objects.update_or_create(
            instrument=instruments[code], reference=reference, defaults=values
        )
        if not was_created:  # the file rewrote it: an edit form opened before must not overwrite the load
            Provision.objects.filter(pk=provision.pk).update(version=F("version") + 1)
        provision.topics.set(provision_topics)
        provision.gcm_objectives.set(provision_objectives)
        created += was_created
        updated += not was_created
    return ImportResult(read=read, created=created, updated=updated, rejected=0)


PROVISIONS = LoadFormat(
    name="law-provisions",
    description=gettext_lazy(
        "Provisions of an instrument relevant to migration: instrument_code, provision, title (the official "
        "heading), text and text_kind (summary by migdev, or official), quotation (official wording), "
        "official_url, source (the page read), topics and gcm_objectives (tags by migdev's editors)."
    ),
    loader=load_provisions,
    permissions=("law.add_provision", "law.change_provision"),
)


# --- national laws that implement an instrument -------------------------------------------------------


def load_implementations(path: Path, *, progress: Progress, user: User | None) -> ImportResult:
    """``policy`` (identifier in the policy database), ``instrument`` (code), optional ``note``, ``source``.
    A pair already stored is updated; all or nothing."""
    from migdev.coordination.models import MigrationPolicy
    from migdev.law.models import Implementation

    problems = ErrorCollector(path.name)
    instruments = {instrument.code: instrument for instrument in Instrument.objects.all()}
    wanted: dict[tuple[int, int], dict[str, object]] = {}
    first_row: dict[tuple[int, int], int] = {}
    read = 0
    progress.start(estimate_data_rows(path))
    for number, row in read_table(
        path, required=frozenset({"policy", "instrument"}), optional=frozenset({"note", "source"})
    ):
        read += 1
        progress.advance(1)
        policy = MigrationPolicy.objects.filter(identifier=_text(row["policy"])[:100]).first()
        if policy is None:
            problems.add(number, "policy", _("no law or policy in the policy database has this identifier"))
        instrument = instruments.get(_text(row["instrument"]).upper())
        if instrument is None:
            problems.add(
                number,
                "instrument",
                _("unknown instrument “%(code)s”") % {"code": _text(row["instrument"])[:20]},
            )
        if policy is None or instrument is None:
            continue
        key = (policy.pk, instrument.pk)
        if key in first_row:
            problems.add(
                number, "instrument", _("this link is also on row %(row)d") % {"row": first_row[key]}
            )
            continue
        first_row[key] = number
        wanted[key] = {
            "policy": policy,
            "instrument": instrument,
            "note": (row["note"] or "").strip(),
            "source": _text(row["source"])[:200] or path.name[:200],
        }
    if read == 0:
        problems.add(None, None, _("the file has no data rows"))
    problems.raise_if_any(read=read)
    created = updated = 0
    for record in wanted.values():
        link, was_created = Implementation.objects.update_or_create(
            policy=record["policy"],
            instrument=record["instrument"],
            defaults={"note": record["note"], "source": record["source"]},
        )
        if not was_created:  # the file rewrote it: an edit form opened before must not overwrite the load
            Implementation.objects.filter(pk=link.pk).update(version=F("version") + 1)
        created += was_created
        updated += not was_created
    return ImportResult(read=read, created=created, updated=updated, rejected=0)


IMPLEMENTATIONS = LoadFormat(
    name="law-implementations",
    description=gettext_lazy(
        "National laws and policies that implement an instrument: policy (identifier in the policy database), "
        "instrument (code), note, source."
    ),
    loader=load_implementations,
    permissions=("law.add_implementation", "law.change_implementation"),
)
